"""A small deterministic cache for the UI tests (built with the real Store)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from weakref import WeakKeyDictionary

from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.core.when import SYSTEM_CLOCK, Clock
from tui_digest.ui import app as reader_app
from tui_digest.ui.timing import Timing

HOSTILE_TITLE = "[bold]Boom[/] [@click=app.quit]click[/] [link=javascript:alert(1)]x[/link]"

TOPICS = [
    ("Sparse attention for long documents", "长文档的稀疏注意力", "cs.CL"),
    ("Diffusion models for protein design", "用于蛋白质设计的扩散模型", "q-bio.BM"),
    ("Graph networks that count substructures", "能计数子结构的图网络", "cs.LG"),
    ("Robust reinforcement learning under shift", "分布偏移下的鲁棒强化学习", "cs.LG"),
    ("Tokenizers for Chinese and English text", "面向中英文文本的分词器", "cs.CL"),
    ("Scaling laws for retrieval", "检索的缩放定律", "cs.IR"),
]


def make_paper(i: int, *, title_en: str | None = None, url: str | None = None) -> Paper:
    en, zh, cat = TOPICS[i % len(TOPICS)]
    pid = f"2402.{10000 + i:05d}"
    return Paper(
        id=pid,
        version="v1",
        url=url if url is not None else f"https://arxiv.org/abs/{pid}",
        title_en=title_en or f"{en} ({i})",
        title_zh=f"{zh}（{i}）",
        summary_zh=f"本文研究{zh}，并给出第{i}组实验结果。",
        abstract_en=f"We study {en.lower()}. Experiment set {i} shows a clear gain.",
        abstract_zh=f"我们研究{zh}。第{i}组实验显示出明显的提升。",
        authors=["Ada Lovelace", "Alan Turing"],
        categories=[cat, "cs.AI"],
        announce_type="new",
        published="2024-02-06",
    )


def build_cache(path: Path, n_first: int = 30, n_second: int = 8) -> Path:
    """Two digests: the older one with `n_first` papers, the newer with `n_second`.

    The newer digest's first paper has a hostile (markup-looking) title and its
    second a javascript: link, so both are near the top of the listing.
    """
    older = Digest(
        name="digest-cs.LG-2024-02-05",
        date="2024-02-05",
        papers=[make_paper(i) for i in range(n_first)],
    )
    newer_papers = [make_paper(100 + i) for i in range(n_second)]
    newer_papers[0] = make_paper(100, title_en=HOSTILE_TITLE)
    newer_papers[1] = make_paper(101, url="javascript:alert(1)")
    newer = Digest(name="digest-cs.LG-2024-02-06", date="2024-02-06", papers=newer_papers)
    with Store.open(path) as store:
        store.import_digest(older)
        store.import_digest(newer)
    return path


def _busy(app: App) -> bool:
    """Work is under way: a worker, or the listing thread of a cancelled one.

    A listing worker cancelled while its thread runs is no longer running for
    Textual, but the listing waits for that thread's `ListingDone` before it
    starts the request that replaced it (screens/listing.py): without asking the
    screen, settle could return in that gap, before the newest listing.
    """
    main = getattr(app, "main", None)
    return any(w.is_running for w in app.workers) or bool(main and main.listing_busy)


async def settle(pilot: Pilot) -> None:
    """Wait until workers and the messages they posted have all been handled."""
    app = pilot.app
    for _ in range(500):  # bounded: each round pauses at least 20 ms
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            continue  # replaced by newer work (exclusive groups): wait for that one
        await pilot.pause()
        if not _busy(app):
            await pilot.pause()
            if not _busy(app):
                return
    raise AssertionError("workers did not settle")


async def palette_offers(pilot: Pilot, text: str, tries: int = 500) -> None:
    """Wait until the command palette's highlighted command reads `text`.

    The palette asks its providers in the background; this waits for that answer
    instead of a fixed pause.
    """
    from textual.command import CommandList

    for _ in range(tries):
        lists = pilot.app.screen.query(CommandList)
        option = lists.first().highlighted_option if lists else None
        if option is not None and text in str(option.prompt):
            return
        await pilot.pause()
    raise AssertionError(f"the command palette never offered {text!r}")


@dataclass(frozen=True)
class Note:
    """One notification as the app was asked to show it."""

    message: str
    title: str
    severity: str
    markup: bool


# Filled by the autouse fixture in conftest, which wraps the public App.notify.
RECORDED: WeakKeyDictionary[App, list[Note]] = WeakKeyDictionary()


def notifications(app: App) -> list[Note]:
    return RECORDED.get(app, [])


def notes(app: App) -> list[str]:
    return [note.message for note in notifications(app)]


def detail_text(app) -> str:
    """The detail pane's text as drawn (plain)."""
    return str(app.main.detail.body.visual)


def status_text(app) -> str:
    """The status line as drawn (plain text)."""
    from tui_digest.ui.widgets.status_line import StatusLine

    return str(app.main.query_one(StatusLine).render())


def screen_text(app: App) -> str:
    """The text every visible widget of the current screen draws (public render_lines)."""
    lines: list[str] = []
    for widget in app.screen.query("*"):
        if not widget.display or not widget.size:
            continue
        region = Region(0, 0, widget.size.width, widget.size.height)
        for strip in widget.render_lines(region):
            lines.append("".join(segment.text for segment in strip))
    return "\n".join(lines)


class ManualTimers:
    """A read-timer schedule that only fires when the test advances it (no sleeps)."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[_ManualTimer] = []

    def __call__(self, delay: float, callback) -> _ManualTimer:
        timer = _ManualTimer(self.now + delay, callback)
        self._timers.append(timer)
        return timer

    @property
    def waiting(self) -> int:
        return sum(1 for t in self._timers if not t.stopped)

    def advance(self, seconds: float) -> None:
        self.now += seconds
        due = sorted((t for t in self._timers if not t.stopped and t.due <= self.now),
                     key=lambda t: t.due)  # fmt: skip
        for timer in due:
            if not timer.stopped:
                timer.stopped = True
                timer.callback()
        self._timers = [t for t in self._timers if not t.stopped]


@dataclass
class _ManualTimer:
    due: float
    callback: object
    stopped: bool = False

    def stop(self) -> None:
        self.stopped = True


class RecordedSleeps:
    """The network's sleep in tests: records each wait (retries, politeness) and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


def make_app(
    db_path,
    *,
    first_run_sample: bool = True,
    timers: ManualTimers | None = None,
    sleeps: RecordedSleeps | None = None,
    detail_delay: float = 0.0,
    clock: Clock | None = None,
    follow_seconds: float = 0.0,
):
    """The reader with test timing: no held frames, no detail delay, a manual read timer,
    network waits recorded instead of spent, no timer polling the cache for other
    processes' changes (a test calls `app.follower.poll()` or `main.cache_changed()`:
    a poll firing on its own reloaded the listing at a moment no test chose).

    (`detail_delay`: a long one keeps the detail pane from following the cursor;
    `clock`: a fixed now and time zone for the times shown.)
    """
    timing = Timing(
        frame_hold=0.0,
        detail_delay=detail_delay,
        schedule=timers or ManualTimers(),
        net_sleep=sleeps or RecordedSleeps(),
        clock=clock or SYSTEM_CLOCK,
    )
    return reader_app.make_app(
        db_path, first_run_sample=first_run_sample, timing=timing, follow_seconds=follow_seconds
    )


async def until(pilot: Pilot, condition, what: str, tries: int = 2000, detail=None) -> None:
    """Let the app run until `condition()` holds (no fixed sleeps: bounded pauses).

    `detail()`, when given, says what the app showed instead (for a failure report).
    """
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.005)
    extra = f": {detail()}" if detail is not None else ""
    raise AssertionError(f"timed out waiting for {what}{extra}")
