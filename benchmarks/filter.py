"""Search as you type: keystroke to updated frame, at 100k papers.

Runs the reader headless on a synthetic cache (benchmarks/generate.py; pass
`--db` to reuse one) and types every query of benchmarks/queries.txt letter by
letter into the search box, waiting for each to finish (so every keystroke is a
search: nothing is coalesced) and for the detail pane to follow (its redraw is
not the next keystroke's). For each keystroke it times the work path the
user waits for: the search box changes -> a thread worker reads the first page
-> the listing message is handled -> the next frame is written. The count
(for a full page) and the full id array follow and are timed separately
(`ids_ms`, until the listing is complete): the rows on screen never wait for them.

Each keystroke is also split into phases (medians in `split_ms`): `to_reload`
(value set -> the screen asks for a listing), `to_worker` (-> the thread starts),
`store` (the first page in the thread: the store's share), `to_handler`
(-> the listing message is handled), `handler` (applying it to the widgets) and
`to_frame` (-> the frame is written; Textual draws on a 60 Hz timer). `ui_ms`
is the total minus `store`: the part this layer owns.

Prints JSON: median / p95 / max per keystroke in ms (issue 13: median <= 12,
p95 <= 25), and `cpu_median_ms` / `cpu_p95_ms`: the event loop's CPU time for
the same span, which a loaded machine inflates far less than the wall time.
`--keystrokes N` types only the first N.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

# As `tui-digest` does before Textual is imported (its drawing rate; ui/frame_rate.py).
from tui_digest.ui.frame_rate import raise_frame_rate  # noqa: E402

raise_frame_rate()

from textual.app import App  # noqa: E402
from textual.worker import WorkerCancelled  # noqa: E402

from tui_digest.ui import messages as msg  # noqa: E402
from tui_digest.ui.app import make_app  # noqa: E402
from tui_digest.ui.screens.listing import ListingScreen  # noqa: E402
from tui_digest.ui.timing import Timing, never  # noqa: E402


def keystrokes(path: Path) -> list[str]:
    """Every prefix of every query, as typed."""
    typed: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        query = line.strip()
        if not query or query.startswith("#"):
            continue
        for i in range(1, len(query) + 1):
            # An unchanged value is no keystroke (the box would not even notice).
            if not typed or typed[-1] != query[:i]:
                typed.append(query[:i])
    return typed


async def settle(app: App) -> None:
    """Wait for the workers (one cancelled by newer work, e.g. the detail pane's, is no error)."""
    while True:
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


async def run(
    db: Path, typed: list[str], profile: cProfile.Profile | None = None
) -> dict[str, object]:
    """Type `typed`; `profile`, when given, runs from each keystroke to its frame only."""
    # Nothing gets read: the read timer never fires (the keys here are searches anyway).
    app = make_app(db, first_run_sample=False, timing=Timing(schedule=never))
    frame_times: list[float] = []
    # The event loop's own CPU time from the keystroke to the frame (time.thread_time:
    # the store's thread is not in it): steadier than wall time on a loaded machine.
    frame_cpu: list[float] = []
    ids_times: list[float] = []
    phases: dict[str, list[float]] = {
        name: []
        for name in ("to_reload", "to_worker", "store", "to_handler", "handler", "to_frame")
    }
    async with app.run_test(size=(160, 50)) as pilot:
        main = app.main
        while not main.listing_ready:
            await pilot.pause(0.01)
        await settle(app)
        await pilot.pause()

        # The listing handlers live on ListingScreen (Textual runs a handler once
        # per class of the MRO that defines it, so that is the class to patch).
        original_page = ListingScreen.on_listing_page
        original_failed = ListingScreen.on_listing_failed
        original_display = App._display
        original_reload = ListingScreen.reload
        original_work = ListingScreen._read_listing
        state: dict[str, object] = {}
        marks: dict[str, float] = {}

        def mark(name: str) -> None:
            marks.setdefault(name, time.perf_counter())

        def reload(self: ListingScreen, *args, **kwargs) -> None:
            mark("reload")
            original_reload(self, *args, **kwargs)

        def listing_work(self: ListingScreen, *args, **kwargs) -> None:
            mark("work_start")
            original_work(self, *args, **kwargs)

        page_init = msg.ListingPage.__init__

        def page_posted(self: msg.ListingPage, *args, **kwargs) -> None:
            mark("work_end")  # the page is read (the count, if any, comes after)
            page_init(self, *args, **kwargs)

        def display(self: App, screen, renderable) -> None:
            original_display(self, screen, renderable)
            # The first frame written after the listing message was handled is
            # the one that shows the new rows.
            done = state.get("frame")
            if state.get("handled") and isinstance(done, asyncio.Event) and not done.is_set():
                state["frame_at"] = time.perf_counter()
                state["frame_cpu"] = time.thread_time()
                if profile is not None:
                    profile.disable()
                done.set()

        def on_page(self: ListingScreen, message: msg.ListingPage) -> None:
            if not message.stale:
                mark("page_start")
            original_page(self, message)
            if not message.stale:
                mark("page_end")
                state["handled"] = True

        def on_failed(self: ListingScreen, message: msg.ListingFailed) -> None:
            mark("page_start")
            shown = (self.error, self.incomplete_error, self.counting)
            original_failed(self, message)
            mark("page_end")
            state["handled"] = True
            if (self.error, self.incomplete_error, self.counting) == shown:
                # The same error as the keystroke before (`"chain` then `"chain `):
                # nothing on screen changes, so no frame follows; the keystroke's
                # work ends here.
                nothing_to_draw()

        def nothing_to_draw() -> None:
            done = state.get("frame")
            if isinstance(done, asyncio.Event) and not done.is_set():
                state["frame_at"] = time.perf_counter()
                state["frame_cpu"] = time.thread_time()
                if profile is not None:
                    profile.disable()
                done.set()

        def detail_caught_up() -> bool:
            current = main.paper_list.current_rowid
            shown = main.detail.record
            return current is None or (shown is not None and shown.rowid == current)

        def complete() -> bool:
            papers = main.paper_list
            return not main.listing_busy and (bool(main.error) or len(papers.ids) >= papers.total)

        App._display = display  # type: ignore[method-assign]
        ListingScreen.on_listing_page = on_page  # type: ignore[method-assign]
        ListingScreen.on_listing_failed = on_failed  # type: ignore[method-assign]
        ListingScreen.reload = reload  # type: ignore[method-assign]
        ListingScreen._read_listing = listing_work  # type: ignore[method-assign]
        msg.ListingPage.__init__ = page_posted  # type: ignore[method-assign]
        try:
            for text in typed:
                state.update(frame=asyncio.Event(), handled=False)
                marks.clear()
                start = time.perf_counter()
                start_cpu = time.thread_time()
                if profile is not None:
                    profile.enable()
                main.search_box.value = text
                await asyncio.wait_for(state["frame"].wait(), 30)  # type: ignore[union-attr]
                frame_at = state["frame_at"]
                frame_times.append((frame_at - start) * 1000)  # type: ignore[operator]
                frame_cpu.append((state["frame_cpu"] - start_cpu) * 1000)  # type: ignore[operator]
                points = [
                    start,
                    *(marks.get(k, 0.0) for k in ("reload", "work_start", "work_end")),
                    *(marks.get(k, 0.0) for k in ("page_start", "page_end")),
                    frame_at,
                ]
                if all(points):
                    for name, a, b in zip(phases, points, points[1:], strict=False):
                        phases[name].append((b - a) * 1000)  # type: ignore[operator]
                while not complete():
                    await asyncio.sleep(0.0005)
                ids_times.append((time.perf_counter() - start) * 1000)
                await settle(app)
                await pilot.pause()
                # The detail pane follows the cursor after its delay (Timing.detail_delay):
                # let it, so that its redraw is not counted in the next keystroke's frame
                # (a typist's keystrokes come further apart than that delay).
                deadline = time.perf_counter() + 10
                while not detail_caught_up() and time.perf_counter() < deadline:
                    await pilot.pause(0.01)
                await settle(app)
        finally:
            App._display = original_display  # type: ignore[method-assign]
            ListingScreen.on_listing_page = original_page  # type: ignore[method-assign]
            ListingScreen.on_listing_failed = original_failed  # type: ignore[method-assign]
            ListingScreen.reload = original_reload  # type: ignore[method-assign]
            ListingScreen._read_listing = original_work  # type: ignore[method-assign]
            msg.ListingPage.__init__ = page_init  # type: ignore[method-assign]
    frame_times.sort()
    frame_cpu.sort()
    split = {name: round(statistics.median(v), 2) for name, v in phases.items() if v}
    ui = sorted(
        sum(v[i] for k, v in phases.items() if k != "store")
        for i in range(min((len(v) for v in phases.values()), default=0))
    )
    return {
        "keystrokes": len(frame_times),
        "median_ms": round(statistics.median(frame_times), 2),
        "p95_ms": round(frame_times[int(0.95 * (len(frame_times) - 1))], 2),
        "max_ms": round(frame_times[-1], 2),
        "cpu_median_ms": round(statistics.median(frame_cpu), 2),
        "cpu_p95_ms": round(frame_cpu[int(0.95 * (len(frame_cpu) - 1))], 2),
        "ids_median_ms": round(statistics.median(ids_times), 2),
        "split_ms": split,
        "store_median_ms": split.get("store", 0.0),
        "ui_median_ms": round(statistics.median(ui), 2) if ui else None,
        "ui_p95_ms": round(ui[int(0.95 * (len(ui) - 1))], 2) if ui else None,
        "target_median_ms": 12,
        "target_p95_ms": 25,
    }


def work_path(db: Path, typed: list[str], rows_on_screen: int = 45) -> dict[str, float]:
    """The same keystrokes without the event loop: count + first page + drawing the rows."""
    from tui_digest.core.query import QueryError
    from tui_digest.core.store import Store
    from tui_digest.ui.widgets.list_cells import cell
    from tui_digest.ui.widgets.list_columns import column_widths

    times: list[float] = []
    with Store.open(db, readonly=True) as store:
        for text in typed:
            start = time.perf_counter()
            try:
                store.count(text)
                rows = store.search(text, limit=120)
            except QueryError:
                rows = []
            widths = column_widths(88, "both")
            for row in rows[:rows_on_screen]:
                "".join(
                    cell(value, width)
                    for value, width in zip(
                        ("", str(row.ref), row.date, row.category, row.title_en, row.summary_zh),
                        widths,
                        strict=True,
                    )
                )
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
    }


def isolate(folder: Path) -> None:
    """Fresh reader settings and no config: the user's (or another run's) saved search,
    digest and paper would change what is typed into."""
    os.environ["TUI_DIGEST_SETTINGS"] = str(folder / "settings.json")
    os.environ["TUI_DIGEST_CONFIG"] = str(folder / "config.toml")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--db", type=Path, help="an existing cache to reuse")
    ap.add_argument("--queries", type=Path, default=HERE / "queries.txt")
    ap.add_argument("--keystrokes", type=int, help="type only the first N keystrokes")
    ap.add_argument(
        "--profile", type=Path, help="write a profile (event loop CPU) of keystroke -> frame"
    )
    args = ap.parse_args(argv)
    typed = keystrokes(args.queries)[: args.keystrokes]
    with tempfile.TemporaryDirectory() as tmp:
        isolate(Path(tmp))
        db = args.db
        if db is None:
            from generate import build_cache

            db = Path(tmp) / "cache.db"
            build_cache(db, args.papers, seed=0)
        profile = cProfile.Profile(time.thread_time) if args.profile else None
        result = asyncio.run(run(db, typed, profile))
        if profile is not None:
            profile.dump_stats(args.profile)
        result["work_path_without_event_loop"] = work_path(db, typed)
        from tui_digest.core.store import Store

        with Store.open(db, readonly=True) as store:
            result["papers_in_cache"] = store.count()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
