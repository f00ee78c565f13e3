"""Publish a day: choose its papers, translate what lacks Chinese, write the folder.

    plan = plan_day(store, categories=[...], date="", query="")
    report = await translate_missing(store, plan, cfg)     # optional
    days = write_plan(store, plan, Path(out), title="lab")

Translation comes first and is bounded (`max_papers_per_run`,
`max_tokens_per_run`); whatever it could not do is published all the same,
with its English text and empty Chinese fields, never dropped. The written
bytes depend only on the papers, so an unchanged day rewrites nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_digest.core.digest_feed_writer import write_digest_feed
from tui_digest.core.digest_format import write_digest
from tui_digest.core.sanitize import clean_line
from tui_digest.publish import day as days
from tui_digest.publish.folder import (
    INDEX,
    PublishError,
    Written,
    add_day,
    check_category,
    days_after,
    index_text,
    read_index,
    withdraw,
)
from tui_digest.publish.folder_lock import locked
from tui_digest.publish.staging import Staging, StagingError

if TYPE_CHECKING:
    from tui_digest.core.model import Paper, PaperRecord
    from tui_digest.core.store import Store
    from tui_digest.translate.config import TranslateConfig
    from tui_digest.translate.runner import Progress, TranslateReport


@dataclass(slots=True)
class Plan:
    date: str
    papers: dict[str, list[PaperRecord]]  # category -> its papers of the day, in order
    query: str = ""
    # The cache's newest day (no --date given): the folder's days the cache
    # removed (`removed`: day -> categories) are withdrawn first (`folder.withdraw`).
    current: bool = False
    removed: dict[str, frozenset[str]] = field(default_factory=dict)
    # Every day the cache removed a digest of (and has none of that source now),
    # whatever its category: a later day among them is not "another cache's".
    removed_days: frozenset[str] = frozenset()

    def unique(self) -> list[PaperRecord]:
        """Every paper once, in the order the categories list them."""
        seen: set[int] = set()
        out: list[PaperRecord] = []
        for records in self.papers.values():
            for r in records:
                if r.rowid not in seen:
                    seen.add(r.rowid)
                    out.append(r)
        return out


@dataclass(slots=True)
class DayResult:
    category: str
    date: str
    papers: int
    untranslated: int  # published without (some) Chinese fields
    written: Written = field(default_factory=Written)
    note: str = ""  # why nothing was written
    later: list[str] = field(default_factory=list)  # later days kept: not this cache's
    # The newest of `later` had a digest this cache removed, of no known category
    # (removed before the cache remembered it, schema 23).
    removed_here: bool = False

    def lines(self) -> list[str]:
        """What the run did for this category: a later day kept, then `line`."""
        if not self.later:
            return [self.line()]
        newest, copy = self.later[-1], f"{self.date} is written as a dated copy"
        if self.removed_here:
            kept = (
                f"{self.category}: the folder's newest day {newest} is not in this cache; "
                f"a digest of that day was removed here, but not known to be "
                f"{self.category}'s, so the day stays; {copy}"
            )
        else:
            kept = (
                f"{self.category}: the folder's newest day {newest} was never in this "
                f"cache (another cache publishes here?); {copy}"
            )
        return [kept, self.line()]

    def line(self) -> str:
        head = f"{self.category} {self.date}"
        if self.note:
            return f"{head}: {self.note}"
        what = f"{self.papers} paper(s)"
        if self.untranslated:
            what += f", {self.untranslated} without Chinese fields"
        if self.written.changed:
            return f"{head}: {what}; wrote {', '.join(self.written.changed)}"
        return f"{head}: {what}; unchanged"


def plan_day(
    store: Store, *, categories: Sequence[str] = (), date: str = "", query: str = ""
) -> Plan:
    """The papers to publish: per category, for `date` (default: the newest day)."""
    current = not date
    date = date or days.latest_day(store)
    if not date and store.digests():  # (archive months: `days.latest_day`)
        raise PublishError(
            "the cache holds only archive months (archive-YYYY-MM), which have no category "
            "to publish; fetch or import a day's digest first"
        )
    if not date:
        raise PublishError("the cache holds no dated digest yet; fetch or import first")
    within = set(store.list_ids(query)) if query.strip() else None
    chosen = [check_category(c) for c in categories] or days.categories_of_day(store, date)
    papers = {c: days.papers_of_day(store, c, date, within=within) for c in dict.fromkeys(chosen)}
    removed = days.removed_categories(store) if current else {}
    removed_days = frozenset(store.removed_sources()) if current else frozenset()
    return Plan(date, papers, query, current, removed, removed_days)


async def translate_missing(
    store: Store, plan: Plan, cfg: TranslateConfig, *, progress: Progress | None = None, **kw
) -> TranslateReport:
    """Translate the plan's papers that lack Chinese fields (bounded by the config)."""
    from tui_digest.translate.runner import needs_translation, translate_papers

    # (A past day's paper of an earlier version, read from its kept document, is
    # published as listed: a translation would be stored under the newer text.)
    todo = [r for r in plan.unique() if needs_translation(r.paper) and not r.listed_text]
    return await translate_papers(store, todo, cfg, progress=progress, **kw)


def refresh(store: Store, plan: Plan) -> Plan:
    """The same plan with the papers read again (after translation filled them).

    Each keeps the announce type and version of the listing it was planned from
    (`days`): read again, a paper has its own, which another category's listing
    or a later day may have set.
    """
    fresh = {r.rowid: r for r in store.get_papers([r.rowid for r in plan.unique()])}
    papers = {c: [_as_planned(fresh.get(r.rowid), r) for r in rs] for c, rs in plan.papers.items()}
    return replace(plan, papers=papers)


def _as_planned(fresh: PaperRecord | None, planned: PaperRecord) -> PaperRecord:
    if fresh is None or planned.listed_text:  # (the listing's own text: as it was)
        return planned
    paper = replace(
        fresh.paper, announce_type=planned.paper.announce_type, version=planned.paper.version
    )
    return replace(
        fresh, paper=paper, text_version=planned.text_version, text_type=planned.text_type
    )


def _as_published(record: PaperRecord) -> Paper:
    """The paper written for its day: as that day listed it (`Store.get_papers(digest=)`),
    header and text of one version. A listing whose text the cache no longer has
    (a newer version replaced it, and its document's bytes were not kept) is
    written with the version and type of the text it has, not the day's header
    above a later version's abstract (history hunt #1)."""
    if not record.text_version:
        return record.paper
    version = "" if record.text_version == "later" else record.text_version
    return replace(record.paper, version=version, announce_type=record.text_type)


def _untranslated(records: list[PaperRecord]) -> int:
    from tui_digest.translate.runner import needs_translation

    return sum(1 for r in records if needs_translation(r.paper))


@dataclass(slots=True)
class Published:
    days: list[DayResult]
    index_changed: bool
    withdrawn: list[str] = field(default_factory=list)  # a line per category (`withdraw`)

    @property
    def changed(self) -> int:
        return sum(len(d.written.changed) for d in self.days) + self.index_changed


def check_folder(out: Path, *, title: str | None = None) -> dict[str, Any]:
    """Raise PublishError if `out` cannot be published into (not a folder, a broken
    index): checked before translating, which would otherwise be paid for in vain.
    Returns its index (a new one when the folder is not there yet)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out}: not a folder")
    return read_index(out, title)


def write_plan(
    plan: Plan,
    out: Path,
    *,
    title: str | None = None,
    waiting: Callable[[Path], None] | None = None,
    unlocked: Callable[[Path, OSError], None] | None = None,
) -> Published:
    """Write the plan's digests into `out` (created if missing), then the index.

    `title` (the publisher's name in the index and the feeds) replaces the
    index's; None keeps the one the folder has (`read_index`).

    Under the folder's publish lock (`folder_lock`), from reading the index to
    writing it: another run into `out` waits (`waiting(lock path)` is called
    first), so neither loses the other's days nor judges "newest" from a stale
    index. A file system that cannot lock is written unlocked after
    `unlocked(lock path, error)` (folder_lock).
    """
    out = Path(out)
    check_folder(out, title=title)  # not a folder, a broken index: refused before mkdir
    # (An OSError, here or from the lock file, reaches the CLI's handler as before.)
    out.mkdir(parents=True, exist_ok=True)
    with locked(out, waiting=waiting, unlocked=unlocked):
        return _write_locked(plan, out, title)


def _write_locked(plan: Plan, out: Path, title: str | None) -> Published:
    """Every file of the run staged, then moved into place together, index.json
    last (`staging`): a run that fails part-way (a full disk at cs.LG's files)
    left cs.AI.xml serving a day index.json did not list (found by a code audit)."""
    staged = Staging(out)
    try:
        published = _stage(plan, out, title, staged)
        staged.commit()
    except StagingError as exc:
        raise PublishError(str(exc)) from None
    finally:
        staged.discard()  # (after a commit: nothing is left to discard)
    return published


def _stage(plan: Plan, out: Path, title: str | None, staged: Staging) -> Published:
    index = check_folder(out, title=title)  # read again: another run may have added days
    # (the folder's own when none was given: a text read from a file, so cleaned)
    title = index["title"] = clean_line(index["title"], 100)
    withdrawn = withdraw(out, index, plan.removed, staged) if plan.current else []
    results: list[DayResult] = []
    for category, records in plan.papers.items():
        result = DayResult(category, plan.date, len(records), _untranslated(records))
        results.append(result)
        if not records:
            result.note = "no papers that day; nothing written"
            continue
        papers = [_as_published(r) for r in records]
        md = write_digest(papers)
        xml = write_digest_feed(papers, category=category, date=plan.date, title=title)
        if plan.current and category in index["categories"]:
            result.later = days_after(index, category, plan.date)
            result.removed_here = bool(result.later) and result.later[-1] in plan.removed_days
        newest = add_day(index, category, plan.date, len(records), xml)
        staged.write(f"{category}/{plan.date}.md", md, result.written)
        staged.write(f"{category}/{plan.date}.xml", xml, result.written)
        if newest:  # an older day never replaces the newest one at the top
            staged.write(f"{category}.md", md, result.written)
            staged.write(f"{category}.xml", xml, result.written)
    written = Written()
    staged.write(INDEX, index_text(index), written)  # last: what subscribers read first
    return Published(results, bool(written.changed), withdrawn)
