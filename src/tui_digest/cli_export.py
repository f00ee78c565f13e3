"""Writing what `tui-digest export` selected: streamed to a file or standard output.

The papers are read, rendered and written a chunk at a time (`core.export_stream`),
so exporting 65,000 papers no longer holds the whole document (it peaked at 1 GB).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.cli_args import CommandError
from tui_digest.cli_output import write_stdout, write_stdout_bytes
from tui_digest.core.sanitize import for_terminal
from tui_digest.core.wording import counted

if TYPE_CHECKING:
    from tui_digest.core.store import Store


def export_format(asked: str | None, output: str | None) -> str:
    """`--format`, else the one the file name stands for (`-o starred.bib`: BibTeX; found
    by a bug hunt: Markdown went into the .bib), else Markdown. A format the file name
    contradicts (`-o t.ris --format bibtex`) is refused: the file would be misread."""
    from tui_digest.core.export import FORMATS, fits_file, format_of_file

    named = format_of_file(output) if output else None
    if asked is None:
        return named or "markdown"
    if output and named and not fits_file(asked, output):
        kind = FORMATS[named][0].split(" (")[0]
        advice = f"name the file {FORMATS[asked][1]}"
        if output.lower().endswith(FORMATS[asked][1]):
            # `y.csl.json` with --format json: it is a .json, but CSL-JSON's (bug hunt).
            advice += f" but not {FORMATS[named][1]}"
        raise ValueError(  # (a usage error: one line, exit 2, as `CliError`)
            f"{for_terminal(output)} is named as a {kind} file, not {asked}: "
            f"leave out --format, or {advice}"
        )
    return asked


def export_streamed(args: argparse.Namespace, store: Store, rowids: list[int]) -> None:
    """Papers read, rendered and written a chunk at a time (`export_stream`): the
    whole document in memory peaked at 1 GB for 65,000 papers."""
    from tui_digest.core import export_stream

    # A digest's papers with the announce types of its listing (`new` in one
    # category's feed, `cross` in another's); else each paper's own.
    chunks = export_stream.store_chunks(store, rowids, digest=args.digest or None)
    if args.output:
        path, count = export_stream.export_file(
            args.output, chunks, args.format, overwrite=args.force, private_as=store.path
        )
        _say_wrote(count, path)
        return
    export_stream.write_export(_StdoutBytes(), chunks, args.format)
    write_stdout_bytes(b"")  # the one flush: a full disk or a closed pipe fails here


def json_streamed(args: argparse.Namespace, store: Store, rowids: list[int]) -> None:
    """`search --json`: the papers as `export --format json` writes them to standard
    output (the bytes `export.to_json` gives), a chunk at a time."""
    from tui_digest.core import export_stream

    chunks = export_stream.store_chunks(store, rowids, digest=args.digest or None)
    export_stream.write_export(_StdoutBytes(), chunks, "json")
    write_stdout_bytes(b"")


class _StdoutBytes:
    """Standard output's bytes, each chunk written whole (`write_stdout_bytes`), not
    flushed: a flush per record made a 65k export's writes 2-3 times as costly."""

    def write(self, data: bytes) -> int:
        write_stdout_bytes(data, flush=False)
        return len(data)


def _say_wrote(count: int, path: Path) -> None:
    print(f"wrote {counted(count, 'paper')} to {for_terminal(path)}", file=sys.stderr)


def export_original(args: argparse.Namespace, original: bytes, count: int) -> None:
    if args.output:
        from tui_digest.core.export import write_atomic

        _say_wrote(count, write_atomic(args.output, original, overwrite=args.force))
    elif sys.stdout.isatty():
        # The bytes are the document as it came: written to a file or a pipe they
        # are its exact copy, but a terminal would obey the escapes a hostile one
        # holds (OSC 52 writes the clipboard). Shown there, they are cleaned.
        from tui_digest.core.sanitize import clean_text, decode_text

        write_stdout(clean_text(decode_text(original)[0], limit=len(original) + 1))
    else:
        write_stdout_bytes(original)


def select_rowids(store: Store, args: argparse.Namespace) -> list[int]:
    """The papers `export` writes: the query's (and --digest's), only --ids when given."""
    query = " ".join(getattr(args, "query", None) or [])
    rowids = store.list_ids(query, digest=args.digest)
    if args.ids is not None:
        keys = set()
        for paper_id in _wanted_ids(args):
            rec = store.get_paper(paper_id)
            if rec is None:
                raise CommandError(f"no paper with id {for_terminal(paper_id)!r} in the cache")
            keys.add(rec.rowid)
        rowids = [r for r in rowids if r in keys]
        if not rowids and (query or args.digest):
            # Every id is known, so the query or digest left none: say so, not an empty file.
            what = [f"the query {for_terminal(query)!r}"] if query else []
            what += [f"the digest {for_terminal(args.digest)!r}"] if args.digest else []
            print(
                f"tui-digest: none of the --ids papers is in {' and '.join(what)}", file=sys.stderr
            )
    return rowids


def _wanted_ids(args: argparse.Namespace) -> list[str]:
    """The ids of every `--ids` (repeated, comma- or space-separated), in order.

    `--ids A B` gives B to the query, and ids AND the id B match nothing: a
    bib file missing papers, exit 0, was what a bug hunt got. A query made of
    ids alone is refused with the way to give several.
    """
    from tui_digest.core.arxiv_id import word_arxiv_id

    words = list(getattr(args, "query", None) or [])
    if words and all(word_arxiv_id(w) for w in " ".join(words).split()):
        raise CommandError(
            f"{for_terminal(' '.join(words))!r} after --ids is read as a search query; "
            "give several ids as --ids A,B (or repeat --ids)"
        )
    wanted = [i for value in args.ids for i in re.split(r"[\s,]+", value) if i]
    if not wanted:  # an empty $IDS in a script: not an empty file (regression hunt)
        raise CommandError("--ids is empty; give arXiv ids (--ids A,B)")
    return list(dict.fromkeys(wanted))
