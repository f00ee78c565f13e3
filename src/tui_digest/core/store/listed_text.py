"""A paper as one digest's document gave it, read back from the bytes the cache kept.

The cache holds one row per paper: a newer version (v2 `replace`) replaces its
text (`merge`), while each listing keeps only the version and type its document
gave (`membership`). An earlier day that listed v1 then showed, exported and
published the v2 abstract under "v1 cross" (found by a bug hunt). The bytes each
digest was read from are kept (`days.keep_bytes`, what `export --digest` writes
back), so the listing's own entry can be read again from them: `listed_papers`.
Reading a document costs ~0.14 s for 737 papers, so it is asked only for the
listings whose version is not the paper's (`papers.as_listed`), and the last few
documents read are remembered by their compressed bytes' digest.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_digest.core.model import Paper

# Documents read and remembered (by the blake2b of their kept, compressed bytes).
_REMEMBERED = 2
# Kept bytes (compressed) above which a document is not read again: ~20 MB of
# Markdown, ~9,000 papers and ~2 s to read, held whole while read. Its listings
# of another version show the stored text, saying whose it is (`text_version`).
READ_CAP = 8 << 20
_read: OrderedDict[bytes, dict[str, list[Paper]]] = OrderedDict()
_lock = threading.Lock()
_reading = threading.Lock()  # held while a document is read (`_papers_of`)


def listed_papers(
    conn: sqlite3.Connection, digest: str, wanted: Mapping[str, str]
) -> dict[str, Paper]:
    """Id -> the paper as digest `digest` (its name)'s document gave it, for the ids
    of `wanted` it lists (an id listed twice: its entry of the version `wanted`
    names, else its first); {} when the cache did not keep its bytes (a document imported
    without them, as through the API), they are over `READ_CAP` or no longer read."""
    row = conn.execute(
        "SELECT b.data, d.source FROM digests d JOIN digest_bytes b ON b.digest = d.pk "
        "WHERE d.name = ? AND length(b.data) <= ?",
        (digest, READ_CAP),
    ).fetchone()
    if row is None:
        return {}
    data, source = row
    papers = _papers_of(bytes(data), source)
    found = {}
    for pid, version in wanted.items():
        entries = papers.get(pid)
        if entries:
            found[pid] = next((p for p in entries if version and p.version == version), entries[0])
    return found


def _papers_of(compressed: bytes, source: str) -> dict[str, list[Paper]]:
    # One document read at a time: the reader's detail loads of a past day each
    # read its 20,000-paper document at once (10 loads: 25 s and 1.2 GB; a
    # regression hunt); the next one waiting finds it read.
    with _reading:
        return _papers_read(compressed, source)


def _papers_read(compressed: bytes, source: str) -> dict[str, list[Paper]]:
    key = hashlib.blake2b(compressed, digest_size=16).digest()
    with _lock:
        if key in _read:
            _read.move_to_end(key)
            return _read[key]
    from tui_digest.core.model import InputError
    from tui_digest.core.readers import read_document

    papers: dict[str, list[Paper]] = {}
    try:
        result = read_document(zlib.decompress(compressed), source=source)
    except (InputError, zlib.error):
        return papers  # (kept bytes that no longer read: the stored text stays)
    for paper in result.digest.papers:
        papers.setdefault(paper.id, []).append(paper)
    with _lock:
        _read[key] = papers
        while len(_read) > _REMEMBERED:
            _read.popitem(last=False)
    return papers


def as_given(given: Paper, stored: Paper) -> Paper:
    """The listing's own paper (`given`, read from its document) as the reader,
    the exports and `publish` show it: its own text, header marks and version,
    with what is no listing's text taken from the stored paper (categories and
    the date when the document gave none). arXiv's whole abstract (`enrich`)
    is of the paper's newest version, so it is left out. A Chinese field the
    document gave none of (an English arXiv feed) is the stored one where it
    translates the same English: the title's where the titles agree, the
    summary's and abstract's where the abstracts do. The day lost every
    translation the cache held for the paper (regression hunt `reghist`),
    then showed a later version's Chinese beside its own English (`reg2b`)."""
    same_title = _same(given.title_en, stored.title_en)
    same_text = _same(given.abstract_en, stored.abstract_en)
    return replace(
        given,
        title_zh=given.title_zh or (stored.title_zh if same_title else ""),
        summary_zh=given.summary_zh or (stored.summary_zh if same_text else ""),
        abstract_zh=given.abstract_zh or (stored.abstract_zh if same_text else ""),
        authors=list(given.authors or stored.authors),
        categories=list(given.categories or stored.categories),
        published=given.published or stored.published,
        url=given.url or stored.url,
        extras=_extras(given, stored),
        arxiv_abstract="",
    )


def _extras(given: Paper, stored: Paper) -> dict[str, str]:
    """The document's extras, and the stored paper's machine-translation mark
    for the Chinese fields taken from it (a machine's Chinese stays marked)."""
    from tui_digest.core.extras import Extra, join_machine_fields, machine_fields

    extras = dict(given.extras)
    same = {
        "title_zh": _same(given.title_en, stored.title_en),
        "summary_zh": _same(given.abstract_en, stored.abstract_en),
        "abstract_zh": _same(given.abstract_en, stored.abstract_en),
    }
    taken = [f for f, agree in same.items() if agree and not getattr(given, f)]
    marked = [f for f in machine_fields(stored.extras) if f in taken]
    if marked:
        own = [f for f in machine_fields(extras) if f not in marked]
        extras[Extra.MACHINE_FIELDS] = join_machine_fields(own + marked)
    return extras


def _same(given: str, stored: str) -> bool:
    """Whether two English texts are the same one (spacing and case aside)."""
    return " ".join(given.split()).casefold() == " ".join(stored.split()).casefold()
