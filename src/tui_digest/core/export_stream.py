"""Export written as it is rendered: papers read in chunks, never the whole document in memory.

`export.render` builds the whole text, which for 65,000 papers peaked at 1 GB
(500,000 papers: MemoryError). Here the papers come in chunks of `CHUNK` from
the store, each is rendered and written out, and only what must span the whole
export is kept: the citation keys (one short string a paper) and, for the
Markdown digest, whose table comes before its footnotes, the footnotes are
spooled to an anonymous temporary file beside the output (in the temp folder
for a device, pipe or descriptor) and copied after the
table. The bytes are exactly those of `export.render` for the same papers.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from tui_digest.core.atomic_file import stream_atomic, write_error
from tui_digest.core.copy_mode import no_wider_than
from tui_digest.core.model import PaperRecord
from tui_digest.core.output_target import examine

__all__ = ["CHUNK", "Chunks", "Sink", "export_file", "list_chunks", "store_chunks", "write_export"]

_T = TypeVar("_T")

# Papers read and rendered at a time: ~1,000 papers of a digest are a few MB.
CHUNK = 1000

# A fresh pass over the papers, chunk by chunk, each time it is called (the
# citation formats may need two passes, see `_keyed`).
Chunks = Callable[[], Iterable[Sequence[PaperRecord]]]


class Sink(Protocol):
    """Where the bytes go: the atomic temporary file, or standard output."""

    def write(self, data: bytes, /) -> object: ...


class _PaperStore(Protocol):
    def get_papers(
        self, rowids: Sequence[int], *, digest: str | None = None
    ) -> list[PaperRecord]: ...


def store_chunks(
    store: _PaperStore, rowids: Sequence[int], size: int | None = None, *, digest: str | None = None
) -> Chunks:
    """The papers `rowids` in that order (a repeated row repeated, unknown rows left out),
    `size` (default `CHUNK`) at a time; with `digest`, as that digest listed them
    (its announce types: `Store.get_papers`)."""
    rowids = list(rowids)
    size = size or CHUNK

    def chunks() -> Iterator[list[PaperRecord]]:
        for start in range(0, len(rowids), size):
            ids = rowids[start : start + size]
            yield store.get_papers(ids) if digest is None else store.get_papers(ids, digest=digest)

    return chunks


def list_chunks(records: Sequence[PaperRecord], size: int = CHUNK) -> Chunks:
    def chunks() -> Iterator[Sequence[PaperRecord]]:
        for start in range(0, len(records), size):
            yield records[start : start + size]

    return chunks


def _records(chunks: Chunks) -> Iterator[PaperRecord]:
    for chunk in chunks():
        yield from chunk


def export_file(
    path: str | Path,
    chunks: Chunks,
    fmt: str,
    *,
    overwrite: bool = False,
    reader_needed: bool = False,
    stop: threading.Event | None = None,
    private_as: Path | None = None,
) -> tuple[Path, int]:
    """Write the papers to `path` atomically (see `atomic_file.stream_atomic`);
    returns the path and how many papers were written. The folder is checked
    before any paper is read. `reader_needed`: a FIFO nobody reads is refused.
    `stop`: a pipe or device is written in short waits, ended by `StreamStopped`
    once `stop` is set (`polled_write`). `private_as`: the cache, whose permission
    bits the file gets no more of (it holds the notes: a BibTeX or JSON export of a
    0600 cache was 0644; bug hunt `auditout` #8), as `state export -o` and `backup`."""
    target = Path(path)
    written = 0
    # The footnotes wait beside the output (its disk), but not beside a device,
    # a pipe or a descriptor (`/dev/fd/63`, `/dev/stdout`): no file can be made
    # in /dev/fd, nor in /dev by most users; those spool in the temp folder.
    spool_dir = None if examine(target).streamed else target.parent

    def fill(f: BinaryIO) -> None:
        nonlocal written
        if private_as is not None:
            no_wider_than(f.fileno(), private_as)

        def rewind() -> None:
            f.flush()
            f.seek(0)
            f.truncate()

        written = write_export(f, chunks, fmt, spool_dir=spool_dir, rewind=rewind)

    placed = stream_atomic(
        target, fill, overwrite=overwrite, reader_needed=reader_needed, stop=stop
    )
    return placed, written


def write_export(
    out: Sink,
    chunks: Chunks,
    fmt: str,
    *,
    spool_dir: Path | None = None,
    rewind: Callable[[], None] | None = None,
) -> int:
    """Write the papers as format `fmt` (a key of `export.FORMATS`) to `out` as UTF-8;
    returns how many papers were written.

    `rewind`: empties `out`, a new file, to be written again (then the
    citation formats read the papers once unless two of them share a key).
    `spool_dir`: where the Markdown footnotes wait for the table (None: the
    system's temporary folder).
    """
    if fmt != "markdown" and fmt not in _WRITERS:
        raise ValueError(f"unknown export format {fmt!r}")

    def write(text: str) -> None:
        out.write(text.encode("utf-8"))

    if fmt == "markdown":
        return _markdown(out, chunks, write, spool_dir)
    if fmt in _KEYED:
        return _keyed(chunks, fmt, write, rewind)
    return _WRITERS[fmt](_records(chunks), write, None)


# --- Markdown digest: table rows to the output, footnotes to a spool -----------


def _markdown(
    out: Sink, chunks: Chunks, write: Callable[[str], None], spool_dir: Path | None
) -> int:
    # The layout of `digest_write.write_digest`: heading, rows joined by "\n",
    # the details heading, footnotes joined by "\n", a final blank line.
    from tui_digest.core.digest_grammar import DETAIL_HEADING, SUMMARY_HEADING, TABLE_HEADER
    from tui_digest.core.digest_write import _write_one

    n = 0
    with _spooled(spool_dir, lambda: tempfile.TemporaryFile(dir=spool_dir)) as spool:
        write(f"{SUMMARY_HEADING}\n\n{TABLE_HEADER}")
        for rec in _records(chunks):
            n += 1
            row, note = _write_one(n, rec.paper)
            sep = "\n" if n > 1 else ""
            write(sep + row)
            _spooled(spool_dir, partial(spool.write, (sep + note).encode("utf-8")))
        write(f"\n\n{DETAIL_HEADING}\n\n")
        _spooled(spool_dir, lambda: spool.seek(0))
        shutil.copyfileobj(spool, out)  # `write` keeps no buffer of its own
        write("\n\n")
    return n


def _spooled(spool_dir: Path | None, act: Callable[[], _T]) -> _T:
    """`act()` on the footnotes' spool; its failure said as the spool's, not the output's.

    With a full temp folder a Markdown export to a pipe said "cannot write
    /dev/fd/1: No space left on device" (bug hunt regfiles2): the pipe and the
    disk behind it were fine, the spool in $TMPDIR was not."""
    try:
        return act()
    except OSError as exc:
        folder = spool_dir if spool_dir is not None else Path(tempfile.gettempdir())
        hint = "; set TMPDIR to a folder with room" if spool_dir is None else ""
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise write_error(
            exc.errno, f"cannot spool the export in {folder}: {reason}{hint}"
        ) from exc


# --- Citation formats and JSON --------------------------------------------------


def _bibtex(recs: Iterable[PaperRecord], write: Callable[[str], None], keys: Keys) -> int:
    from tui_digest.core.bibtex import bibtex_entry

    n = 0
    for rec in recs:
        write(("\n" if n else "") + bibtex_entry(rec, keys.next(rec)))  # "\n".join(entries)
        n += 1
    return n


def _ris(recs: Iterable[PaperRecord], write: Callable[[str], None], _keys: object) -> int:
    from tui_digest.core.ris import ris_text

    n = 0
    for rec in recs:
        write(ris_text(rec))
        n += 1
    return n


def _csl_json(recs: Iterable[PaperRecord], write: Callable[[str], None], keys: Keys) -> int:
    from tui_digest.core.csl_json import csl_item

    return _json_array((csl_item(rec, keys.next(rec)) for rec in recs), write)


def _json(recs: Iterable[PaperRecord], write: Callable[[str], None], _keys: object) -> int:
    from tui_digest.core.export import record_to_json_obj

    return _json_array((record_to_json_obj(rec) for rec in recs), write)


def _json_array(objs: Iterable[dict], write: Callable[[str], None]) -> int:
    """`json.dumps(list(objs), ensure_ascii=False, indent=2) + "\\n"`, one object at a time.

    An element of an indented array is its own indented dump shifted by one
    level; a newline inside a string is written as `\\n`, so every raw newline
    of the dump starts a line to shift.
    """
    n = 0
    for obj in objs:
        text = json.dumps(obj, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        write(("[\n  " if n == 0 else ",\n  ") + text)
        n += 1
    write("\n]\n" if n else "[]\n")
    return n


class Keys:
    """The citation keys, in export order: each paper's `citation_key`, or, when
    `exact` is given (two papers shared a key), the keys `citation_keys` gives."""

    def __init__(self, exact: list[str] | None = None) -> None:
        from tui_digest.core.citation import citation_key

        self._key = citation_key
        self._exact = iter(exact) if exact is not None else None
        self.bases: list[str] = []

    @property
    def repeated(self) -> bool:
        """Two papers got the same key (the same paper exported twice)."""
        return len(set(self.bases)) != len(self.bases)

    def next(self, rec: PaperRecord) -> str:
        if self._exact is not None:
            return next(self._exact)
        base = self._key(rec)
        self.bases.append(base)
        return base


_WRITERS: dict[str, Callable[..., int]] = {
    "bibtex": _bibtex,
    "ris": _ris,
    "csl-json": _csl_json,
    "json": _json,
}
_KEYED = ("bibtex", "csl-json")


def _keyed(
    chunks: Chunks, fmt: str, write: Callable[[str], None], rewind: Callable[[], None] | None
) -> int:
    """BibTeX and CSL-JSON: keys are unique within the export (`citation_keys`).

    Each paper's own key is already unique unless the same paper (or two
    non-arXiv ids that fold alike) is exported twice. So a file is written in one
    pass with those keys and, only if one repeated, emptied and written again
    with the suffixed keys. Standard output cannot be rewound: there the keys
    are worked out in a first pass.
    """
    from tui_digest.core.citation import citation_key, keys_from_bases

    writer = _WRITERS[fmt]
    if rewind is None:
        bases = [citation_key(rec) for rec in _records(chunks)]
        return writer(_records(chunks), write, Keys(keys_from_bases(bases)))
    keys = Keys()
    n = writer(_records(chunks), write, keys)
    if not keys.repeated:
        return n
    rewind()
    return writer(_records(chunks), write, Keys(keys_from_bases(keys.bases)))
