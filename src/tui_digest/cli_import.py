"""`tui-digest import`: documents read and imported one at a time, digests streamed.

A Markdown digest is read as it is imported (`DigestStream` into
`Store.import_stream`): a 169 MB archive digest never sits in memory whole,
as bytes, text or papers (issue 11 item 9, issue 13 req 1). Feeds are read
whole by the guarded XML parser, so they have their own, lower cap.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from tui_digest.cli_stdin import stdin_binary
from tui_digest.core.sanitize import clean_line, decode_text, for_terminal

if TYPE_CHECKING:
    import argparse

    from tui_digest.cli_progress import ImportProgress
    from tui_digest.cli_read_ahead import Ahead, ReadDigest
    from tui_digest.core.model import ImportStats, Problem
    from tui_digest.core.one_ahead import OneAhead
    from tui_digest.core.store import Store
    from tui_digest.core.store.import_group import ImportGroup, Outcome

# `import` refuses a larger input (a disk image, an endless pipe); `--max-size`
# raises it. A digest is streamed, so its size costs time, not memory; the
# largest real one is 169 MB.
MAX_IMPORT_MIB = 2048
# Feeds (and whatever is not a digest) are read whole: feedparser holds ~10
# times a feed's size (a 30 MB feed of 25,000 entries peaked at 344 MB), so
# without an explicit --max-size they are refused above this. Real arXiv
# listings are 1-3 MB.
MAX_WHOLE_MIB = 20
# Problems listed per streamed document (the rest are counted): a damaged
# 2 GB file must not collect millions of them.
MAX_PROBLEMS = 1000
_HEAD = 1 << 20  # bytes read to tell a digest from a feed


def _open_inputs(
    paths: list[str], cap: int, args: argparse.Namespace
) -> Iterator[tuple[str, Callable[[], BinaryIO] | None, str]]:
    """(source, opener, category) per input; (error message, None, "") for a folder with none.

    A file's source is its absolute path: the digests of a source are its days,
    so `cs.AI.md` imported in two folders (or as `./cs.AI.md` and `../x/cs.AI.md`)
    must be two sources, not one whose day the other replaces. `--source` (of
    a single document) is the source instead, e.g. the URL a piped document
    came from (without its password). An http(s) URL is downloaded as `fetch`
    downloads it, and is its own source (`cli_import_url`)."""
    from tui_digest.cli_import_url import is_url, url_hint, url_input
    from tui_digest.cli_read_ahead import Opener
    from tui_digest.config.sources import infer_category
    from tui_digest.core.archive_input import record_files
    from tui_digest.core.folder_walk import document_files, published_folders
    from tui_digest.net.urls import strip_credentials

    hint = " (see --max-size)"
    named: str | None = getattr(args, "source", None)

    def opener(path: str, stream: BinaryIO | None = None, charset: str = "") -> Opener:
        return Opener(path, cap, hint, stream, charset)

    if named is not None:
        source = clean_line(strip_credentials(named.strip()), 2000)
        category = getattr(args, "source_category", None) or infer_category(source)
        if is_url(paths[0]):  # (downloaded, filed under the source named)
            for said, where, _ in url_input(paths[0], args, opener):
                yield (source, where, category) if where is not None else (said, None, "")
            return
        piped = paths == ["-"]
        where = opener("<stdin>", stdin_binary("import -")) if piped else opener(paths[0])
        yield source, where, category
        return

    for raw in paths:
        if raw == "-":
            yield "<stdin>", opener("<stdin>", stdin_binary("import -")), ""
            continue
        if is_url(raw):  # README's `import URL`: fetched as the fetch command would
            yield from url_input(raw, args, opener)
            continue
        path = absolute(raw)  # (`..` folded; symbolic links kept, as typed)
        if path is None:
            yield f"{for_terminal(raw)}: error: {NO_CWD}", None, ""
            continue
        if url_hint(raw) and not os.path.lexists(path):
            why = f"no such file{url_hint(raw)}"
            yield f"{for_terminal(path)}: error: {why}", None, ""
            continue
        if path.is_dir():
            # (not a clone's README.md or .git, nor a published folder: `cli_published`)
            published = published_folders(path)
            found = document_files(path, leave_out=published)
            if not found and not published and not record_files(path):
                # An error, as an archive holding no records is: it exited 0, and
                # a cron job's wrongly pointed folder went unnoticed (regression
                # hunt `regarchive` #4).
                yield (
                    f"{for_terminal(path)}: error: "
                    "no *.md, *.xml or papers/YY/MM/*.json files found",
                    None,
                    "",
                )
            for p in found:
                # A file named after an arXiv category (`cs.AI.md`) is that category's
                # digest: its papers without a category get it, as a source's do.
                yield str(p), opener(str(p)), infer_category(str(p))
        else:
            yield str(path), opener(str(path)), infer_category(str(path))


# A relative path when the folder the command was started in has been deleted
# (a shell still sitting in it): that input's error, not the whole batch's.
NO_CWD = "cannot find a relative path: the current folder no longer exists (give it whole)"


def absolute(raw: str) -> Path | None:
    """`raw` made absolute (`..` folded, links kept, as typed); None when it is
    relative and the current folder is gone (`os.getcwd` fails)."""
    try:
        return Path(os.path.abspath(raw))
    except FileNotFoundError:
        return None


def is_streamed_digest(f: BinaryIO, format: str | None, charset: str = "") -> bool:
    """Whether `f` is read as a Markdown digest, from its first MB (as `readers` detects it);
    `charset`: the one its server declared."""
    if format is not None:
        return format == "digest"
    from tui_digest.core.digest_format import looks_like_digest

    head = f.read(_HEAD)
    f.seek(0)
    if len(head) == _HEAD and b"\n" in head:
        head = head[: head.rindex(b"\n")]  # whole lines: no character cut in two
    text = decode_text(head, charset)[0]
    return not text.lstrip().startswith("<") and looks_like_digest(text)


def import_documents(
    store: Store,
    args: argparse.Namespace,
    raws: list[str],
    describe: Callable[[BaseException], str],
    *,
    bar: ImportProgress | None = None,
) -> int:
    """Import the documents at `raws` (files, folders, `-`) in order; how many failed.

    `bar`: the command's, planned over all its inputs (`cli_import_paths`);
    without it, one of these documents' own.

    The next small digest is read while this one is written (`cli_read_ahead`),
    and small digests share write transactions (`import_group`): a document's
    line is printed once it is committed.
    """
    from tui_digest.cli_import_url import source_name
    from tui_digest.cli_progress import ImportProgress
    from tui_digest.cli_read_ahead import DocumentsAhead, Failed, ReadDigest, charset_of
    from tui_digest.core.model import InputError

    failed = 0
    own = bar is None
    if bar is None:
        bar = ImportProgress()  # shown on a terminal once the import takes over a second
        bar.plan(input_sizes(raws))
    cap = (args.max_size or MAX_IMPORT_MIB) * 1024 * 1024

    def report(outcomes: list[Outcome[Grouped]]) -> None:
        nonlocal failed
        failed += _report(outcomes, bar=bar, describe=describe)

    try:
        inputs = _open_inputs(raws, cap, args)
        is_digest = partial(is_streamed_digest, format=args.format)
        with (
            DocumentsAhead(inputs, is_digest, MAX_PROBLEMS) as documents,
            store.import_group(revive_removed=True) as group,
        ):
            for source, opener, category, ahead in _committed_meanwhile(documents, group, report):
                name = source_name(source, args)  # (a configured source's: as fetched)
                if isinstance(ahead, ReadDigest):
                    report(_grouped(group, source, ahead, category, bar, name))
                    continue
                report(group.commit())  # (its lines come first)
                if opener is None:
                    failed += 1
                    with bar.below():
                        print(source, file=sys.stderr)  # a folder without documents
                    continue
                try:
                    if isinstance(ahead, Failed):
                        raise ahead.exc
                    cut = False
                    charset = charset_of(opener)  # (the server's, for `import URL`)
                    with opener() as f:
                        if is_streamed_digest(f, args.format, charset):
                            stats, problems, total = _streamed(
                                store, f, source, category, bar, name, charset
                            )
                            fmt = "digest"
                        else:
                            stats, problems, total, fmt, cut = _whole(
                                store, f, source, args, category, bar, name, charset
                            )
                except (InputError, OSError) as exc:
                    failed += 1
                    _say_failed(source, describe(exc), bar)
                    continue
                _say_imported(source, fmt, total, stats, problems, bar)
                if cut:  # its complete entries are kept, but it is not the whole document
                    failed += 1
                    why = "the document is truncated (its XML is not closed); import it again whole"
                    _say_failed(source, why, bar)
                elif any(p.severity == "error" for p in problems):
                    # An `error:` said means exit status 1 (README: an input
                    # not read whole); it was 0 for a malformed feed that lost
                    # entries (bug hunt `enc` #5).
                    failed += 1
            report(group.commit())
    finally:
        if own:
            bar.close()
    return failed


Document = tuple[str, "Callable[[], BinaryIO] | None", str, "Ahead"]  # (source, opener, …)


def _committed_meanwhile(
    documents: OneAhead[Document],
    group: ImportGroup[Grouped],
    report: Callable[[list[Outcome[Grouped]]], object],
) -> Iterator[Document]:
    """The documents in order; the open group is committed whenever the next
    one is not read yet, so the write lock is never held while waiting for it."""
    items = iter(documents)
    while True:
        if not documents.ready():
            report(group.commit())
        try:
            yield next(items)
        except StopIteration:
            return


Grouped = tuple[str, "ReadDigest"]  # (source, the digest read ahead)


def _grouped(
    group: ImportGroup[Grouped],
    source: str,
    ahead: ReadDigest,
    category: str,
    bar: ImportProgress,
    name: str = "",
) -> list[Outcome[Grouped]]:
    """Import a digest read ahead (`cli_read_ahead`) into the open group; what became final."""
    from tui_digest.cli_read_ahead import quick_switches
    from tui_digest.core.store.import_group import GroupDoc

    doc = GroupDoc(ahead.digest, ahead.prepared, ahead.kept, category, (source, ahead), name)
    ahead.prepared = ()  # the group's now (it lets go of what it has written)
    bar.start_document(_file_size(source))
    bar.reading(ahead.total, 1.0, ahead.total)
    with quick_switches():  # the next document is being read meanwhile
        done = group.add(doc)
    bar.finish_document(ahead.total)
    return done


def _report(
    outcomes: list[Outcome[Grouped]],
    *,
    bar: ImportProgress,
    describe: Callable[[BaseException], str],
) -> int:
    """Print the outcomes of grouped documents, in order; how many failed.

    An error other than the input's own (the cache's) is raised once the
    others are printed, as it was raised at its document's turn before.
    """
    from tui_digest.core.model import InputError

    failed = 0
    fatal: Exception | None = None
    for doc, result in outcomes:
        source, ahead = doc.tag
        if isinstance(result, (InputError, OSError)):
            failed += 1
            _say_failed(source, describe(result), bar)
        elif isinstance(result, Exception):
            fatal = fatal or result
        else:
            _say_imported(source, "digest", ahead.total, result, ahead.problems, bar)
    if fatal is not None:
        raise fatal
    return failed


def _say_failed(source: str, why: str, bar: ImportProgress) -> None:
    with bar.below():
        print(f"{for_terminal(source)}: error: {why}", file=sys.stderr)


def _say_imported(
    source: str,
    fmt: str,
    total: int,
    stats: ImportStats,
    problems: Sequence[Problem],
    bar: ImportProgress,
) -> None:
    """A document's problems (stderr), then its line, below the bar."""
    with bar.below():
        for problem in problems:
            print(for_terminal(problem.format(source)), file=sys.stderr)
        print(for_terminal(import_line(source, fmt, total, stats)))


def _streamed(
    store: Store,
    f: BinaryIO,
    source: str,
    category: str,
    bar: ImportProgress,
    name: str = "",
    charset: str = "",
) -> tuple[ImportStats, list[Problem], int]:
    """Read and import a digest at once; (stats, problems, papers read).
    `charset`: the one its server declared (`text_stream.choose_encoding`)."""
    from tui_digest.core.digest_format import DigestStream
    from tui_digest.core.readers import storable_digest
    from tui_digest.core.text_stream import open_kept, split_lines

    size = _open_size(f)
    bar.start_document(size)
    text, decoding, kept = open_kept(f, charset)
    stream = DigestStream(source=source, decoding=decoding, max_problems=MAX_PROBLEMS)
    storable_digest(stream.digest)
    read = 0

    def papers() -> Iterator:
        nonlocal read
        for _, paper in stream.read(split_lines(text)):
            read += 1
            if read % 500 == 0:
                bar.reading(read, kept.position / (size or 1), stream.listed)
            yield paper

    with kept:
        stats = store.import_stream(
            stream.digest,
            papers(),
            kept=kept,
            source_name=name,
            category=category,
            revive_removed=True,
            listed_ids=partial(_listed_ids, f, source, charset),
            progress=bar.indexed,
        )
    bar.finish_document(read)
    return stats, stream.problems, read


def _listed_ids(f: BinaryIO, source: str, charset: str = "") -> set[str]:
    """The arXiv ids the digest in `f` lists, read from its start, `f` left where it
    was (`import_stream`'s `listed_ids`: a first reading of a streamed digest whose
    day its source already has a digest of, so that it is filed by the same day
    rules as a smaller one read whole; found by a bug hunt).

    `f` is a file (a pipe was copied to one: `open_capped`), read only here until
    the import reads its papers."""
    from tui_digest.core.digest_format import DigestStream
    from tui_digest.core.text_stream import open_text, split_lines

    at = f.tell()
    f.seek(0)
    text, _ = open_text(f, charset)
    try:
        stream = DigestStream(source=source, max_problems=0)
        return {paper.id for _, paper in stream.read(split_lines(text)) if paper.id}
    finally:
        text.detach()  # (closing the text would close `f`)
        f.seek(at)


def _whole(
    store: Store,
    f: BinaryIO,
    source: str,
    args: argparse.Namespace,
    category: str,
    bar: ImportProgress,
    name: str = "",
    charset: str = "",
) -> tuple[ImportStats, list[Problem], int, str, bool]:
    """Read a feed (or anything not streamed) whole, then import it; the last
    item says whether the document was cut off (`ReadResult.truncated`).
    `charset`: the one its server declared (`readers.read_document`)."""
    from tui_digest.core.model import InputError
    from tui_digest.core.readers import read_document

    cap = (args.max_size or MAX_WHOLE_MIB) * 1024 * 1024
    data = f.read(cap + 1)
    if len(data) > cap:
        raise InputError(
            f"{source}: larger than {cap} bytes; refused (a feed is read whole; see --max-size)"
        )
    bar.start_document(_open_size(f))
    result = read_document(data, source=source, format=args.format, charset=charset)
    total = len(result.digest.papers)
    bar.reading(total, 1.0, total)
    # The bytes are kept (compressed) as this digest version's original,
    # so `export --digest` writes it back exactly.
    stats = store.import_digest(
        result.digest,
        raw=data,
        source_name=name,
        category=category,
        progress=bar.indexed,
        revive_removed=True,
    )
    bar.finish_document(total)
    return stats, result.problems, total, result.format, result.truncated


def input_sizes(raws: Sequence[str]) -> list[int]:
    """The bytes of each document `raws` name, before any is read (the bar's total):
    a folder's documents as `_open_inputs` finds them; 0 for one not known (a pipe)."""
    from tui_digest.core.folder_walk import document_files

    sizes: list[int] = []
    for raw in raws:
        if raw == "-":
            sizes.append(_open_size(sys.stdin.buffer))
        elif os.path.isdir(raw) and (folder := absolute(raw)) is not None:
            try:
                sizes += map(_file_size, map(str, document_files(folder)))
            except OSError:
                continue  # (said when the folder is read)
        else:
            sizes.append(_file_size(raw))
    return sizes


def _file_size(path: str) -> int:
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return 0
    return found.st_size if stat.S_ISREG(found.st_mode) else 0


def _open_size(f: BinaryIO) -> int:
    """The size of an open document: 0 when not a regular file (a pipe)."""
    try:
        found = os.fstat(f.fileno())
    except (OSError, ValueError, AttributeError):
        return 0
    return found.st_size if stat.S_ISREG(found.st_mode) else 0


def import_line(source: str, fmt: str, total: int, stats: ImportStats) -> str:
    """One line per document: counts, and what happened to its day's digest."""
    from tui_digest.core.model import IDENTICAL

    if stats.no_new_papers:
        # (not "an empty document": a cut-off feed with no complete entry gets this
        # line too, beside the stderr line that says it was cut off)
        return f"{source}: no new papers ({fmt}): no complete paper in it; nothing changed"
    from tui_digest.core.wording import counted

    counts = f"{stats.new} new, {stats.updated} updated, {stats.unchanged} unchanged"
    papers = counted(total, "paper")
    if stats.outcome == IDENTICAL:
        return f"{source}: {papers} ({fmt}): {counts} (same as {stats.digest}; no new digest)"
    return f"{source}: {papers} ({fmt}): {counts} -> {stats.digest} ({stats.outcome})"
