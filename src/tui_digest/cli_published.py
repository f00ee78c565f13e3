"""`tui-digest import` of a folder `tui-digest publish` wrote, read through its `index.json`.

Such a folder holds every day twice (`<cat>/<date>.md` and `.xml`) and the
newest day twice more (`<cat>.md`, `<cat>.xml`). Imported file by file, each
day came in two to four times, the undated `<cat>.md` under the day of the
import, the dated Markdown without its category, and the index itself was
read as a paper record ("no arXiv id", exit 1). So the folder is read as a
subscription to it reads it (`fetch/folders.py`, `core/publish_index.py`):
each day's own feed once, oldest first, under its date, with the category
the index gives, as a day of the category's newest feed (`<cat>.xml`), the
source a subscription files them under, so a later `sources add` of the
folder brings none of them again.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.core.sanitize import for_terminal

if TYPE_CHECKING:
    import argparse

    from tui_digest.core.publish_index import LocalDay
    from tui_digest.core.store import Store


def import_published(
    store: Store, args: argparse.Namespace, folder: Path, describe: Callable[[BaseException], str]
) -> int:
    """Import the days of the published `folder`; how many could not be imported."""
    from tui_digest.cli_import import MAX_WHOLE_MIB
    from tui_digest.core.model import InputError
    from tui_digest.core.publish_index import INDEX, local_days, parse_index

    try:
        days, notes = local_days(folder)
        title = parse_index((folder / INDEX).read_bytes(), str(folder / INDEX), base="").title
    except (ValueError, OSError) as exc:
        print(f"{for_terminal(folder / INDEX)}: error: {describe(exc)}", file=sys.stderr)
        return 1
    for note in notes:  # (entries the index could not vouch for: skipped, as a fetch does)
        print(f"{for_terminal(folder / INDEX)}: {for_terminal(note)}", file=sys.stderr)
    for path in _not_listed(folder, days):
        # Said, not skipped in silence (found by a regression hunt).
        why = "not imported: the folder's index.json does not list it (import it by name)"
        print(f"{for_terminal(path)}: {why}", file=sys.stderr)
    cap = (args.max_size or MAX_WHOLE_MIB) * 1024 * 1024
    failed = 0
    for day in days:
        try:
            cut = _import_day(store, day, cap, title)
        except InputError as exc:
            failed += 1
            print(f"error: {describe(exc)}", file=sys.stderr)
            continue
        if cut:  # its complete entries are kept, as `import` keeps a cut file's
            failed += 1
            why = "the feed is truncated (its XML is not closed); import it again whole"
            print(f"{for_terminal(day.path)}: error: {why}", file=sys.stderr)
    return failed


def _import_day(store: Store, day: LocalDay, cap: int, title: str) -> bool:
    """One day's feed, filed under its date as a day of the category's feed, and its
    line; whether the feed was cut off. Raises InputError when it cannot be read.
    `title`: the folder's (its index's), which the day's feed names its digest by."""
    from tui_digest.cli_import import import_line
    from tui_digest.core.readers import read_capped, read_document

    path, kind = day.path, "digest-feed"
    markdown = path.with_suffix(".md")
    if not path.exists() and markdown.exists():
        # The index lists both copies of a day: the feed gone, its Markdown is read
        # (it failed the day; found by a regression hunt).
        path, kind = markdown, "digest"
    where = str(path)
    data = read_capped(where, cap=cap, hint=" (a feed is read whole; see --max-size)")
    result = read_document(data, source=where, format=kind)
    if kind == "digest" and day.date:
        # Named as its feed names it (`lab-cs.AI-2025-09-18`), not by the Markdown's
        # file name: two categories' days were `2024-02-06` and `2024-02-06-2`, which
        # `digests rm 2024-02-06` told apart by import order (bug hunt `auditout` #5).
        publisher = "-".join(title.split()) or "digest-feed"
        result.digest.name = f"{publisher}-{day.category}-{day.date}"
    # A day imported before from its own file keeps that source: filed under the
    # category's feed it became that day's `-2` (found by a regression hunt).
    own = next((str(p) for p in (day.path, markdown) if store.newest_digest_day(str(p))), "")
    result.digest.source = own or day.source
    stats = store.import_digest(
        result.digest, raw=data, category=day.category, today=day.date, revive_removed=True
    )
    for problem in result.problems:
        print(for_terminal(problem.format(where)), file=sys.stderr)
    print(for_terminal(import_line(where, result.format, len(result.digest.papers), stats)))
    return result.truncated


def _not_listed(folder: Path, days: list[LocalDay]) -> list[Path]:
    """The documents in the published `folder` its index does not list (a day's two
    copies, a category's newest two): `import` of the folder leaves them out."""
    from tui_digest.core.folder_walk import document_files
    from tui_digest.core.publish_index import INDEX

    listed = {folder / INDEX}
    for day in days:
        for path in (day.path, Path(day.source)):
            listed |= {path, path.with_suffix(".md")}
    return [p for p in document_files(folder) if p not in listed]
