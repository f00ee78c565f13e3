"""`#` on every paper of a big cache: time to the tags dialog and memory.

Each run is a fresh process that runs the reader headless on a copy-free
cache (`--db`, e.g. benchmarks/generate.py --papers 50000), shows All papers,
selects them all (`A`), then presses `#` and waits for the dialog. It reports
the time from the key to the dialog, the resident memory before the key, its
peak until the dialog is open (VmHWM, reset just before the key through
/proc/self/clear_refs) and the resident memory with the dialog open and after
it is closed. `--src DIR` (repeatable) runs the same cache against several
source trees, alternating run by run: e.g. `--src /tmp/old/src --src src`
(bug hunt `scalebulk` #1: 50,000 papers took 11 s and held ~0.3 GB).

Nothing is written to the cache (the dialog is closed with escape); the
reader's settings are read from a temporary HOME.

Prints JSON, one object per src with the median of `--runs`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def _status(field: str) -> float:
    """This process's `field` of /proc/self/status (VmRSS, VmHWM) in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


async def _until(pilot: object, done: object, what: str, limit: float = 600.0) -> None:
    """Let the reader run until `done()` (polled every 10 ms), at most `limit` s."""
    end = time.monotonic() + limit
    while not done():  # type: ignore[operator]
        if time.monotonic() > end:
            raise RuntimeError(f"timed out waiting for {what}")
        await pilot.pause(0.01)  # type: ignore[attr-defined]


async def _run(db: str) -> dict[str, float]:
    from tui_digest.ui.app import make_app
    from tui_digest.ui.screens.annotate import TagsDialog
    from tui_digest.ui.timing import Timing, never

    app = make_app(db, first_run_sample=False, timing=Timing(schedule=never))
    result: dict[str, float] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        main = app.main  # type: ignore[attr-defined]
        await _until(pilot, lambda: main.listing_ready, "the first listing")
        main.action_show_all_papers()
        await _until(
            pilot,
            lambda: main.listing_ready and not main.counting and main.matches > 1000,
            "All papers",
        )
        await pilot.press("A")
        await _until(pilot, lambda: len(main.paper_list.selected) == main.matches, "the selection")
        await app.workers.wait_for_complete()
        result["papers"] = main.matches
        result["rss_before_mb"] = _status("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
        start = time.perf_counter()
        await pilot.press("number_sign")
        await _until(pilot, lambda: isinstance(app.screen, TagsDialog), "the dialog")
        result["to_dialog_s"] = time.perf_counter() - start
        result["peak_mb"] = _status("VmHWM")
        result["rss_open_mb"] = _status("VmRSS")
        await pilot.press("escape")
        await _until(pilot, lambda: not isinstance(app.screen, TagsDialog), "the close")
        await app.workers.wait_for_complete()
        result["rss_closed_mb"] = _status("VmRSS")
    return result


def child(db: str, src: str) -> None:
    sys.path.insert(0, src)
    print(json.dumps(asyncio.run(_run(db))))


def measure(db: Path, src: Path, home: Path) -> dict[str, float]:
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
    env["XDG_DATA_HOME"], env["XDG_CACHE_HOME"] = str(home / "data"), str(home / "cache")
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(db), "--child-src", str(src)],
        capture_output=True,
        text=True,
        timeout=1200,
        env=env,
    )
    if out.returncode:
        raise SystemExit(f"the run on {src} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="a cache (generate.py --db)")
    ap.add_argument("--src", type=Path, action="append", help="a source tree (repeatable)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--child-src", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.child_src)
        return 0
    if args.db is None:
        ap.error("--db is required")
    trees = [src.resolve() for src in args.src or [SRC]]
    runs: dict[Path, list[dict[str, float]]] = {src: [] for src in trees}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):  # alternating, so drift hits every tree alike
            for src in trees:
                runs[src].append(measure(args.db, src, Path(tmp)))
    for src, results in runs.items():
        summary: dict[str, object] = {"src": str(src), "runs": len(results)}
        for key in results[0]:
            summary[key] = round(statistics.median(r[key] for r in results), 2)
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
