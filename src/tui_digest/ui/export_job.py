"""Writing papers out: the work the export dialog asks for (runs in a thread worker)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui_digest.core.export import FORMATS
from tui_digest.core.store import Store

__all__ = ["FORMATS", "export_papers"]


def export_papers(
    store: Store, rowids: Sequence[int], fmt: str, path: Path, overwrite: bool = False
) -> int:
    """Write the papers `rowids` (in that order) to `path`; returns how many were written.

    The write is atomic (`write_atomic`): a failure leaves no partial file, and an
    existing file is only replaced when `overwrite` is true.
    """
    from tui_digest.core import export

    records = store.get_papers(rowids)
    by_rowid = {record.rowid: record for record in records}
    ordered = [by_rowid[rowid] for rowid in rowids if rowid in by_rowid]
    data = export.render(ordered, fmt)
    export.write_atomic(path, data, overwrite=overwrite)
    return len(ordered)
