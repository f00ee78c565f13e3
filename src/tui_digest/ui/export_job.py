"""Writing papers out: the work the export dialog asks for (runs in a thread worker)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.core import export_stream
from tui_digest.core.export import FORMATS
from tui_digest.core.polled_write import StreamStopped
from tui_digest.core.store import Store

if TYPE_CHECKING:
    from tui_digest.core.export_stream import Chunks
    from tui_digest.core.model import PaperRecord
    from tui_digest.core.store.picked import Picked

__all__ = ["FORMATS", "ExportStopped", "export_papers", "export_picked"]


class ExportStopped(Exception):
    """The user stopped the export (a second `q` while quitting waits for it)."""


def export_papers(
    store: Store,
    rowids: Sequence[int],
    fmt: str,
    path: Path,
    overwrite: bool = False,
    *,
    digest: str | None = None,
    stop: threading.Event | None = None,
    names: Mapping[int, str] | None = None,
) -> int:
    """Write the papers `rowids` (in that order) to `path`; returns how many were written.

    The papers are read, rendered and written a chunk at a time (`export_stream`):
    exporting 65,000 papers held the whole document, peaking at 1 GB. The write
    is atomic: a failure leaves no partial file, and an existing file is only
    replaced when `overwrite` is true; a missing folder is said before any work.
    `digest`: the digest being viewed, whose listing's announce types are written.
    `stop`: once set, `ExportStopped` is raised before the next chunk, and no file
    is written (the atomic write takes its temporary file away). `names`: the
    arXiv id each row number must hold; a record of another paper is left out.
    """
    chunks = export_stream.store_chunks(store, rowids, digest=digest)
    if names is not None:
        chunks = _named(names, chunks)
    if stop is not None:
        chunks = _until(stop, chunks)
    # A FIFO nobody reads is refused at once: waiting in `open` could not be
    # stopped by `q` or a signal.
    # A consumer that opened the pipe but does not read: the write waits in
    # short slices, and `stop` ends it there too (`polled_write`).
    try:
        _path, count = export_stream.export_file(
            path, chunks, fmt, overwrite=overwrite, reader_needed=True, stop=stop
        )
    except StreamStopped as exc:
        raise ExportStopped(str(exc)) from exc
    return count


def _named(names: Mapping[int, str], chunks: Chunks) -> Chunks:
    def checked() -> Iterator[Sequence[PaperRecord]]:
        for chunk in chunks():
            yield [r for r in chunk if names.get(r.rowid) == r.paper.id]

    return checked


def export_picked(
    store: Store,
    picked: Picked,
    fmt: str,
    path: Path,
    overwrite: bool = False,
    *,
    digest: str | None = None,
    stop: threading.Event | None = None,
) -> tuple[int, int]:
    """Write the papers the user picked (`Picked`: the row numbers with the ids
    shown) as `export_papers` does; returns (papers written, papers removed
    meanwhile by another process). Nothing is written when all were removed.

    The dialog stays open while the user types: another process's `digests rm`
    + `import` meanwhile gave the selected papers' row numbers to new papers,
    and those were written, "Exported 2 papers" (bug hunt `selection` #1). Each
    paper is found again by its id; a record read at a number since given to
    another paper is left out and counted as removed.
    """
    found = store.picked(picked)
    if not found.present:
        return 0, found.removed
    written = export_papers(
        store, found.present, fmt, path, overwrite, digest=digest, stop=stop, names=found.names
    )
    # (each paper found is one record, unless its number went to another meanwhile)
    return written, found.removed + len(found.present) - written


def _until(stop: threading.Event, chunks: Chunks) -> Chunks:
    def stopping() -> Iterator[Sequence[PaperRecord]]:
        for chunk in chunks():
            if stop.is_set():
                raise ExportStopped
            yield chunk

    return stopping
