"""Writing papers out: the work the export dialog asks for (runs in a thread worker)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui_digest.core.store import Store

# format key -> (label, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "markdown": ("Markdown digest", ".md"),
    "bibtex": ("BibTeX", ".bib"),
    "json": ("JSON", ".json"),
}


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
    if fmt == "markdown":
        from tui_digest.core.digest_format import write_digest

        data = write_digest([record.paper for record in ordered])
    elif fmt == "bibtex":
        data = export.to_bibtex(ordered)
    elif fmt == "json":
        data = export.to_json(ordered)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    export.write_atomic(path, data, overwrite=overwrite)
    return len(ordered)
