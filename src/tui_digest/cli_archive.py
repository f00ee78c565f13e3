"""`tui-digest import` for the generator's per-paper JSON archive.

One file, a folder tree or a `.zip`/`.tar.gz` of the repository (see
core/archive_input.py) is read record by record; each paper is filed in the
archive digest of its id's month (`archive-2024-03`, dated 2024-03-01), so
back-filled years never crowd today's listing. A bad record is reported with
its file name and skipped; the others are imported.

Papers are written one month at a time (and at most BATCH at once), each write
one transaction. An archive digest only ever gains papers: importing one more
record (or a newer copy of the repository) adds to the month's digest instead
of replacing it; its papers stay in id order. A month the user removed stays
removed unless asked for (`import_archive`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tui_digest.cli_progress import stderr_bar
from tui_digest.core.archive_input import (
    Member,
    folder_month,
    is_archive,
    is_record_file,
    iter_records,
)
from tui_digest.core.archive_json import (
    ARCHIVE_KIND,
    ArchiveError,
    archive_month,
    read_paper_json,
)
from tui_digest.core.model import Digest, InputError, Paper, Problem
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
    skipped: int = 0  # records of an id already read (counted in `records`)

    def interrupted(self, path: Path) -> str:
        written = self.new + self.updated + self.unchanged
        return (
            f"{path}: interrupted: {counted(written, 'paper record')} written before it "
            f"({self.new} new, {self.updated} updated, {self.unchanged} unchanged); "
            "the rest were not imported"
        )

    def line(self, path: Path) -> str:
        return (
            f"{clean_line(str(path), 500)}: {counted(self.records, 'paper record')} (archive): "
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
            + (f", {counted(self.skipped, 'duplicate')} skipped" if self.skipped else "")
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


def import_archive(
    store: Store, path: Path, *, skipped: dict[str, int] | None = None, all_months: bool = False
) -> tuple[ArchiveResult, list[str]]:
    """Import the records under `path`; returns the result and one message per problem.

    The records of a month the user removed (`digests rm`, `prune`) are left
    out, counted by month name in `skipped`, unless `all_months` or `path` is
    one record file (imported by hand, as a removed digest's file brings it
    back): re-importing the repository brought decades back (bug hunt
    `archive` #8).

    Raises nothing for bad records; a broken archive ends the run with a message
    after the records before the damage were imported.
    """
    run = _Import(store, path, all_months=all_months)
    run.run()
    if skipped is not None:
        skipped.update(run.skipped_months)
    return run.result, run.problems


class _Import:
    """One archive's import: records held by month, written a month at a time.

    Each id is imported once a run. The generator files a record under its id's
    month (`papers/24/03/2403.00042.json`); a copy in another month's folder is
    held to the end of the run and written only when no copy in the right folder
    came. When BATCH such copies were held they are written on the way, and stay:
    a copy in the right folder read after that is skipped and named with the
    stray (writing it over the stray flipped each paper twice a run, so a
    re-import of the same archive said "updated" and dropped machine-made
    Chinese: regression hunt `regmend` #1). Any other second copy is skipped,
    named with the first (the last copy won silently before, and re-importing the
    same archive said "updated" forever: bug hunt `archive` #2).
    """

    def __init__(self, store: Store, path: Path, *, all_months: bool = False) -> None:
        self.store, self.path = store, path
        by_hand = all_months or (is_record_file(path) and not path.is_dir())
        self.removed = set() if by_hand else store.removed_days(ARCHIVE_SOURCE)
        self.skipped_months: dict[str, int] = {}  # removed month's name -> records left out
        self.result = ArchiveResult()
        self.problems: list[str] = []
        self.pending: dict[tuple[str, str], dict[str, Paper]] = {}
        self.held = 0
        # id -> (the member it was read from, whether in its id's month folder)
        self.taken: dict[str, tuple[str, bool]] = {}
        self.strays: dict[str, Paper] = {}  # in another month's folder: written last
        self.broken = False  # the archive itself could not be read (to its end)

    def run(self) -> None:
        with _Bar(self.path) as bar:
            try:
                for member in iter_records(self.path, progress=bar.update):
                    self._take(member)
            except InputError as exc:
                self.result.failed += 1
                self.broken = True
                self.problems.append(_error(exc))
            # (Not in a `finally`: after Ctrl-C a month more was written, unsaid.)
            self._flush()
            self._flush_strays()

    def _take(self, member: Member) -> None:
        result = self.result
        if member.warning:
            self.problems.append(f"{member.name}: warning: {member.warning}")
            return
        if member.data is None:
            result.failed += 1
            self.problems.append(f"{member.name}: error: {member.error}")
            return
        notes: list[Problem] = []
        try:
            paper = read_paper_json(member.data, source=member.name, problems=notes)
        except InputError as exc:
            result.failed += 1
            self.problems.append(_error(exc))
            return
        self.problems.extend(note.format(member.name) for note in notes)
        month = archive_month(paper.id)
        if month is None:
            result.failed += 1
            self.problems.append(f"{member.name}: error: no month in the id {paper.id!r}")
            return
        if month[1] in self.removed:
            self.skipped_months[month[0]] = self.skipped_months.get(month[0], 0) + 1
            return
        result.records += 1
        fits = folder_month(member.name) in (None, month[1][:7])
        if not self._first_copy(paper.id, member.name, fits):
            return
        if not fits:
            self.strays[paper.id] = paper
            if len(self.strays) >= BATCH:
                self._flush_strays()  # (memory stays bounded: see `_first_copy`)
            return
        if month not in self.pending and self.pending:
            self._flush()  # the next month started: write the one before
        self.pending.setdefault(month, {})[paper.id] = paper
        self.held += 1
        if self.held >= BATCH:
            self._flush()

    def _first_copy(self, paper_id: str, name: str, fits: bool) -> bool:
        """Whether this copy of `paper_id` is imported (see the class docstring)."""
        before = self.taken.get(paper_id)
        if before is None:
            self.taken[paper_id] = (name, fits)
            return True
        kept, kept_fits = before
        self.result.skipped += 1
        if fits and not kept_fits and paper_id in self.strays:
            del self.strays[paper_id]  # (not written yet)
            self.taken[paper_id] = (name, fits)
            self.problems.append(_in_wrong_folder(kept, paper_id, name))
            return True
        if fits and not kept_fits:  # (BATCH strays were held, so it was written)
            self.problems.append(_written_before(kept, paper_id, name))
        elif kept_fits and not fits:
            self.problems.append(_in_wrong_folder(name, paper_id, kept))
        else:
            self.problems.append(
                f"{name}: warning: {paper_id} again (first read from {kept}); this copy was skipped"
            )
        return False

    def _write(self, months: dict[tuple[str, str], dict[str, Paper]]) -> None:
        for (name, date), papers in sorted(months.items()):
            new, updated = file_month(self.store, name, date, list(papers.values()))
            self.result.new += new
            self.result.updated += updated
            self.result.unchanged += len(papers) - new - updated

    def _flush(self) -> None:
        self._write(self.pending)
        self.pending = {}
        self.held = 0

    def _flush_strays(self) -> None:
        months: dict[tuple[str, str], dict[str, Paper]] = {}
        for paper_id, paper in self.strays.items():
            month = archive_month(paper_id)
            if month is not None:
                months.setdefault(month, {})[paper_id] = paper
        self.strays = {}
        self._write(months)


def _error(exc: InputError) -> str:
    """`WHERE[:LINE]: error: REASON`, as the readers' problems are printed."""
    return exc.message() if isinstance(exc, ArchiveError) else f"error: {exc}"


def _in_wrong_folder(skipped: str, paper_id: str, kept: str) -> str:
    return (
        f"{skipped}: warning: {paper_id} is not of this folder's month; "
        f"imported from {kept}, and this copy skipped"
    )


def _written_before(stray: str, paper_id: str, own: str) -> str:
    return (
        f"{own}: warning: {paper_id} was imported from {stray} ({BATCH:,} misplaced "
        "copies or more came before it); this copy was skipped"
    )


def print_archive_import(store: Store, path: Path, *, all_months: bool = False) -> int:
    """Import and report like the other inputs of `import`; returns 1 when anything failed.

    On Ctrl-C it says what was written before (the months written stay; exit
    130 said nothing before: bug hunt `archive` #9) and raises KeyboardInterrupt.
    """
    run = _Import(store, path, all_months=all_months)
    try:
        run.run()
    except KeyboardInterrupt:
        _say(run.problems, file=sys.stderr)
        _say([run.result.interrupted(path)], file=sys.stderr)
        raise
    result = run.result
    _say(run.problems, file=sys.stderr)
    counted_any = result.records or result.failed > run.broken  # (a broken archive's error says it)
    if counted_any:
        _say([result.line(path)], file=sys.stdout)
    if run.skipped_months:  # (every record of removed months: not "no records")
        _say([skipped_line(path, run.skipped_months)], file=sys.stdout)
    elif not counted_any and not run.broken and path.is_file() and is_archive(path):
        # (Silent before, with exit 0: a zip of a few records at its top, or
        # of another repository, imported nothing: bug hunt `archive` #3.)
        _say([f"{path}: error: no papers/YY/MM/*.json records in it; nothing imported"])
        return 1
    return 1 if result.failed else 0


def skipped_line(path: Path, skipped: dict[str, int]) -> str:
    """What was left out as removed, and how to have it back."""
    names = sorted(skipped)
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return (
        f"{clean_line(str(path), 500)}: {counted(sum(skipped.values()), 'paper record')} "
        f"of {counted(len(names), 'removed month')} skipped ({shown}); "
        "`tui-digest import --all-months` brings them back"
    )


def _say(lines: list[str], file: TextIO | None = None) -> None:
    for line in lines:
        print(clean_line(line, 1000), file=file or sys.stderr)


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
