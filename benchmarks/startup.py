"""Reader start-up: time to the first frame that shows the listing, empty vs full cache.

Each measurement is a fresh process (so imports count) that runs the reader
headless and reports when the first frame after the first listing page has
been drawn (the listing's message handled, then `call_after_refresh`). The
full cache holds `--papers` synthetic papers (benchmarks/generate.py); build
it once and pass `--db` to reuse it, since building 100k papers takes minutes.

Prints JSON: medians for the empty and the full cache, their ratio (target
<= 1.15), and whether httpx/feedparser had been imported by the first frame.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()  # before anything heavy is imported, for --child runs

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def child(db: str) -> None:
    """Run the reader once; print {"first_frame_ms", ...} and exit."""
    sys.path.insert(0, str(SRC))
    from tui_digest.ui.app import make_app
    from tui_digest.ui.screens.listing import ListingScreen
    from tui_digest.ui.timing import Timing, never

    original = ListingScreen.on_listing_page  # where the handler is defined (see filter.py)
    result: dict[str, object] = {}

    def on_listing_page(self: ListingScreen, message) -> None:
        original(self, message)
        if not result and self.listing_ready:
            self.call_after_refresh(report, self)

    def report(screen: ListingScreen) -> None:
        result["first_frame_ms"] = (time.perf_counter() - _T0) * 1000
        result["rows"] = screen.matches  # the first page when its count is still coming
        result["counted"] = not screen.counting
        result["network_libs"] = [m for m in ("httpx", "feedparser") if m in sys.modules]
        screen.app.exit()

    ListingScreen.on_listing_page = on_listing_page  # type: ignore[method-assign]
    app = make_app(db, first_run_sample=False, timing=Timing(schedule=never))
    app.run(headless=True, size=(160, 50))
    print(json.dumps(result))


def measure(db: Path, pycache: Path) -> dict[str, object]:
    # Bytecode cached as an installed reader has it (see startup_floor.py).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(db)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    line = out.stdout.strip().splitlines()[-1]
    return json.loads(line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--db", type=Path, help="an existing full cache to reuse")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child)
        return 0

    sys.path.insert(0, str(SRC))
    sys.path.insert(0, str(HERE))
    from tui_digest.core.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.db"
        Store.open(empty).close()  # schema in place, no papers
        full = args.db
        if full is None:
            from generate import build_cache

            full = Path(tmp) / "full.db"
            build_cache(full, args.papers, seed=0)
        with Store.open(full, readonly=True) as store:
            papers = store.count()
        pycache = Path(tmp) / "pycache"
        measure(empty, pycache)  # warm the OS file cache and bytecode for both
        measure(full, pycache)
        empty_runs, full_runs = [], []
        for _ in range(args.runs):  # interleaved, so drift hits both alike
            empty_runs.append(measure(empty, pycache))
            full_runs.append(measure(full, pycache))

    def median(runs: list[dict[str, object]]) -> float:
        return statistics.median(float(r["first_frame_ms"]) for r in runs)  # type: ignore[arg-type]

    empty_ms, full_ms = median(empty_runs), median(full_runs)
    print(
        json.dumps(
            {
                "papers": papers,
                "runs": args.runs,
                "empty_ms": round(empty_ms, 1),
                "full_ms": round(full_ms, 1),
                "ratio": round(full_ms / empty_ms, 3),
                "network_libs_at_first_frame": sorted(
                    {lib for r in empty_runs + full_runs for lib in r["network_libs"]}  # type: ignore[attr-defined]
                ),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
