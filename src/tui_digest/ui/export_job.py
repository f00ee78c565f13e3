"""Writing papers out: the work the export dialog asks for (runs in a thread worker)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.core.export import FORMATS
from tui_digest.core.store import Store

if TYPE_CHECKING:
    from tui_digest.core.export_stream import Chunks
    from tui_digest.core.model import PaperRecord

__all__ = ["FORMATS", "ExportStopped", "export_papers"]


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
) -> int:
    """Write the papers `rowids` (in that order) to `path`; returns how many were written.

    The papers are read, rendered and written a chunk at a time (`export_stream`):
    exporting 65,000 papers held the whole document, peaking at 1 GB. The write
    is atomic: a failure leaves no partial file, and an existing file is only
    replaced when `overwrite` is true; a missing folder is said before any work.
    `digest`: the digest being viewed, whose listing's announce types are written.
    `stop`: once set, `ExportStopped` is raised before the next chunk, and no file
    is written (the atomic write takes its temporary file away).
    """
    from tui_digest.core import export_stream

    chunks = export_stream.store_chunks(store, rowids, digest=digest)
    if stop is not None:
        chunks = _until(stop, chunks)
    _path, count = export_stream.export_file(path, chunks, fmt, overwrite=overwrite)
    return count


def _until(stop: threading.Event, chunks: Chunks) -> Chunks:
    def stopping() -> Iterator[Sequence[PaperRecord]]:
        for chunk in chunks():
            if stop.is_set():
                raise ExportStopped
            yield chunk

    return stopping
