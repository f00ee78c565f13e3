"""`tui-digest import` for the generator's per-paper JSON archive.

One file, a folder tree or a `.zip`/`.tar.gz` of the repository (see
core/archive_input.py) is read record by record; each paper is filed in the
archive digest of its id's month (`archive-2024-03`, dated 2024-03-01), so
back-filled years never crowd today's listing. A bad record is reported with
its file name and skipped; the others are imported.

Papers are written one month at a time (and at most BATCH at once), each write
one transaction. An archive digest only ever gains papers: importing one more
record (or a newer copy of the repository) adds to the month's digest instead
of replacing it; its papers stay in id order.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_digest.cli_progress import stderr_bar
from tui_digest.core.archive_input import iter_records
from tui_digest.core.archive_json import ARCHIVE_KIND, archive_month, read_paper_json
from tui_digest.core.model import Digest, InputError, Paper
from tui_digest.core.sanitize import clean_line
from tui_digest.core.wording import counted

if TYPE_CHECKING:
    from tui_digest.core.store import Store

# All archive digests share one source, whatever path or archive they came from.
ARCHIVE_SOURCE = "archive"
BATCH = 5000  # papers held before a write, so memory stays bounded on any input


@dataclass(slots=True)
class ArchiveResult:
    records: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0  # records that could not be read

    def line(self, path: Path) -> str:
        return (
            f"{clean_line(str(path), 500)}: {counted(self.records, 'paper record')} (archive): "
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
            + (f", {self.failed} could not be read" if self.failed else "")
        )


def file_month(store: Store, name: str, date: str, papers: list[Paper]) -> tuple[int, int]:
    """Add `papers` to the archive digest `name`; returns (new, updated).

    Its papers already there come back as it listed them (`digest=`): without
    it each came back with its newest listing anywhere (a daily digest's v2
    `replace`), and was re-filed in the archive month as that (bug hunt
    `archive` #1)."""
    existing = store.get_papers(store.list_ids("", digest=name), digest=name)
    combined = {r.paper.id: r.paper for r in existing}
    combined.update((p.id, p) for p in papers)
    digest = Digest(
        name=name,
        source=ARCHIVE_SOURCE,
        date=date,
        papers=[combined[k] for k in sorted(combined)],
        kind=ARCHIVE_KIND,
    )
    stats = store.import_digest(digest, revive_removed=True)  # (by hand: see `days`)
    return stats.new, stats.updated


def import_archive(store: Store, path: Path) -> tuple[ArchiveResult, list[str]]:
    """Import the records under `path`; returns the result and one message per problem.

    Raises nothing for bad records; a broken archive ends the run with a message
    after the records before the damage were imported.
    """
    result = ArchiveResult()
    problems: list[str] = []
    pending: dict[tuple[str, str], dict[str, Paper]] = {}
    held = 0

    def flush() -> None:
        nonlocal held
        for (name, date), papers in sorted(pending.items()):
            new, updated = file_month(store, name, date, list(papers.values()))
            result.new += new
            result.updated += updated
            result.unchanged += len(papers) - new - updated
        pending.clear()
        held = 0

    with _Bar(path) as bar:
        try:
            for member in iter_records(path, progress=bar.update):
                if member.data is None:
                    result.failed += 1
                    problems.append(f"{member.name}: error: {member.error}")
                    continue
                try:
                    paper = read_paper_json(member.data, source=member.name)
                except InputError as exc:
                    result.failed += 1
                    problems.append(f"error: {exc}")
                    continue
                month = archive_month(paper.id)
                if month is None:
                    result.failed += 1
                    problems.append(f"{member.name}: error: no month in the id {paper.id!r}")
                    continue
                result.records += 1
                if month not in pending and pending:
                    flush()  # the next month started: write the one before
                pending.setdefault(month, {})[paper.id] = paper
                held += 1
                if held >= BATCH:
                    flush()
        except InputError as exc:
            result.failed += 1
            problems.append(f"error: {exc}")
        finally:
            flush()
    return result, problems


def print_archive_import(store: Store, path: Path) -> int:
    """Import and report like the other inputs of `import`; returns 1 when anything failed."""
    result, problems = import_archive(store, path)
    for problem in problems:
        print(clean_line(problem, 1000), file=sys.stderr)
    if result.records or result.failed:
        print(result.line(path))
    return 1 if result.failed else 0


class _Bar:
    """A transient progress bar on a terminal's stderr while an archive is read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Bar:
        self._bar = stderr_bar("importing")
        if self._bar is not None:
            self._task = self._bar.add_task(clean_line(self.path.name, 60), total=None)
        return self

    def update(self, done: int, total: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
