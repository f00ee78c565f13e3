"""Writing papers out: the work the export dialog asks for (runs in a thread worker)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui_digest.core.export import FORMATS
from tui_digest.core.store import Store

__all__ = ["FORMATS", "export_papers"]


def export_papers(
    store: Store,
    rowids: Sequence[int],
    fmt: str,
    path: Path,
    overwrite: bool = False,
    *,
    digest: str | None = None,
) -> int:
    """Write the papers `rowids` (in that order) to `path`; returns how many were written.

    The papers are read, rendered and written a chunk at a time (`export_stream`):
    exporting 65,000 papers held the whole document, peaking at 1 GB. The write
    is atomic: a failure leaves no partial file, and an existing file is only
    replaced when `overwrite` is true; a missing folder is said before any work.
    `digest`: the digest being viewed, whose listing's announce types are written.
    """
    from tui_digest.core import export_stream

    _path, count = export_stream.export_file(
        path, export_stream.store_chunks(store, rowids, digest=digest), fmt, overwrite=overwrite
    )
    return count
