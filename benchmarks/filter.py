"""Search as you type: keystroke to updated frame, at 100k papers.

Runs the reader headless on a synthetic cache (benchmarks/generate.py; pass
`--db` to reuse one) and types every query of benchmarks/queries.txt letter by
letter into the search box (debounce off, so every keystroke is a search). For
each keystroke it times the work path the user waits for: the search box
changes -> a thread worker counts and reads the first page -> the listing
message is handled -> the next frame is drawn (`call_after_refresh`). The full
id array follows in a second worker and is timed separately (`ids_ms`): the
rows on screen never wait for it.

Prints JSON: median / p95 / max per keystroke in ms (target median <= 16).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from textual.app import App  # noqa: E402

from tui_digest.ui import messages as msg  # noqa: E402
from tui_digest.ui.app import make_app  # noqa: E402
from tui_digest.ui.screens.main import MainScreen  # noqa: E402


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


async def run(db: Path, typed: list[str]) -> dict[str, object]:
    MainScreen.read_delay = None
    MainScreen.search_debounce = 0.0
    app = make_app(db, first_run_sample=False)
    frame_times: list[float] = []
    ids_times: list[float] = []
    async with app.run_test(size=(160, 50)) as pilot:
        main = app.main
        while not main.listing_ready:
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause()

        original_page = MainScreen.on_listing_page
        original_failed = MainScreen.on_listing_failed
        original_ids = MainScreen.on_listing_ids
        original_display = App._display
        state: dict[str, object] = {}

        def display(self: App, screen, renderable) -> None:
            original_display(self, screen, renderable)
            # The first frame written after the listing message was handled is
            # the one that shows the new rows.
            done = state.get("frame")
            if state.get("handled") and isinstance(done, asyncio.Event) and not done.is_set():
                state["frame_at"] = time.perf_counter()
                done.set()

        def on_page(self: MainScreen, message: msg.ListingPage) -> None:
            original_page(self, message)
            state["handled"] = True
            if message.matches <= len(message.rows):
                state["ids_done"] = True

        def on_failed(self: MainScreen, message: msg.ListingFailed) -> None:
            original_failed(self, message)
            self.refresh()  # the status line shows the error
            state["handled"] = state["ids_done"] = True

        def on_ids(self: MainScreen, message: msg.ListingIds) -> None:
            original_ids(self, message)
            state["ids_done"] = True

        App._display = display  # type: ignore[method-assign]
        MainScreen.on_listing_page = on_page  # type: ignore[method-assign]
        MainScreen.on_listing_failed = on_failed  # type: ignore[method-assign]
        MainScreen.on_listing_ids = on_ids  # type: ignore[method-assign]
        try:
            for text in typed:
                state.update(frame=asyncio.Event(), handled=False, ids_done=False)
                start = time.perf_counter()
                main.search_box.value = text
                await asyncio.wait_for(state["frame"].wait(), 30)  # type: ignore[union-attr]
                frame_times.append((state["frame_at"] - start) * 1000)  # type: ignore[operator]
                while not state["ids_done"]:
                    await asyncio.sleep(0.0005)
                ids_times.append((time.perf_counter() - start) * 1000)
                await app.workers.wait_for_complete()
                await pilot.pause()
        finally:
            App._display = original_display  # type: ignore[method-assign]
            MainScreen.on_listing_page = original_page  # type: ignore[method-assign]
            MainScreen.on_listing_failed = original_failed  # type: ignore[method-assign]
            MainScreen.on_listing_ids = original_ids  # type: ignore[method-assign]
    frame_times.sort()
    return {
        "keystrokes": len(frame_times),
        "median_ms": round(statistics.median(frame_times), 2),
        "p95_ms": round(frame_times[int(0.95 * (len(frame_times) - 1))], 2),
        "max_ms": round(frame_times[-1], 2),
        "ids_median_ms": round(statistics.median(ids_times), 2),
        "target_median_ms": 16,
    }


def work_path(db: Path, typed: list[str], rows_on_screen: int = 45) -> dict[str, float]:
    """The same keystrokes without the event loop: count + first page + drawing the rows."""
    from tui_digest.core.query import QueryError
    from tui_digest.core.store import Store
    from tui_digest.ui.widgets.paper_list import cell, column_widths

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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--db", type=Path, help="an existing cache to reuse")
    ap.add_argument("--queries", type=Path, default=HERE / "queries.txt")
    args = ap.parse_args(argv)
    typed = keystrokes(args.queries)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from generate import build_cache

            db = Path(tmp) / "cache.db"
            build_cache(db, args.papers, seed=0)
        result = asyncio.run(run(db, typed))
        result["work_path_without_event_loop"] = work_path(db, typed)
        from tui_digest.core.store import Store

        with Store.open(db, readonly=True) as store:
            result["papers_in_cache"] = store.count()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
