"""`import PATH...`: each path to the importer that reads it, under one progress bar.

Digests (files, folders, `-`) are read one after another, the next while this
one is written (`cli_import.import_documents`); a published folder's days go
through its index.json (`cli_published`), the generator's per-paper JSON through
`cli_archive`. One bar covers every digest document of the command line: a
folder used to close a batch with a bar of its own, which stood at "file 8 of
8", 100 %, with the last file still to come (regression hunt `reg4` #1).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_digest.core.store import Store


def import_paths(
    store: Store, args: argparse.Namespace, describe: Callable[[BaseException], str]
) -> int:
    """Import `args.paths` in order; how many failed."""
    from tui_digest.cli_archive import print_archive_import
    from tui_digest.cli_import import absolute, import_documents, input_sizes
    from tui_digest.cli_progress import ImportProgress
    from tui_digest.cli_published import import_published
    from tui_digest.core.folder_walk import published_folders

    bar = ImportProgress()  # shown on a terminal once the import takes over a second
    bar.plan(input_sizes([raw for raw in args.paths if _kind(raw) == "documents"]))
    failed = 0
    documents: list[str] = []  # read one after another (the next while this one is written)

    def flush() -> int:
        raws = documents[:]
        documents.clear()
        return import_documents(store, args, raws, describe, bar=bar) if raws else 0

    try:
        for raw in args.paths:
            kind = _kind(raw)
            # (the folder's days' source, as typed; `-` and an unresolvable relative
            # path are documents, whose reading says what is wrong)
            published = absolute(raw) if raw != "-" else None
            if kind == "index" and published is not None:
                failed += flush()
                with bar.below():
                    failed += import_published(store, args, published.parent, describe)
                continue
            if kind == "archive" and published is not None:
                failed += flush()
                with bar.below():  # (named by its absolute path, as the digests are)
                    failed += print_archive_import(
                        store, published, all_months=getattr(args, "all_months", False)
                    )
                continue
            documents.append(raw)
            if published is not None and Path(raw).is_dir():
                failed += flush()
                with bar.below():
                    # The *.json records beside its digests, then the folders
                    # `publish` wrote: through their index.json, each day once.
                    failed += print_archive_import(
                        store, published, all_months=getattr(args, "all_months", False)
                    )
                    for folder in published_folders(published):
                        failed += import_published(store, args, folder, describe)
        failed += flush()
    finally:
        bar.close()
    return failed


def _kind(raw: str) -> str:
    """ "index" (a published folder's index.json), "archive" (the generator's
    per-paper JSON: a record or an archive of the repository) or "documents"."""
    from tui_digest.core.archive_input import is_archive, is_record_file
    from tui_digest.core.publish_index import is_index_file

    path = Path(raw)
    if raw == "-" or not path.is_file():
        return "documents"
    if is_index_file(path):
        return "index"
    if is_archive(path) or is_record_file(path):
        return "archive"
    return "documents"
