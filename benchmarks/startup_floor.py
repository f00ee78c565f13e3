"""The reader's first screen against the floor: a minimal Textual app.

Each measurement is a fresh process that starts its clock before anything is
imported and stops it when the first frame showing content has been drawn
(Textual's own timing: `call_after_refresh` after the content arrived):

- floor: an App with one Static and a Footer (the least a Textual reader can
  show), stopped after its first refresh;
- reader: `tui-digest` on a cache, stopped after the first listing page has
  been drawn (as in benchmarks/startup.py).

Runs alternate floor / reader (and each `--src` tree), so the machine's load
hits all alike. The reader's cache is `--db` or a synthetic one of `--papers`
papers (benchmarks/generate.py); trees of different schema versions need a
cache each (`--db` per `--src`, in order: import the same files with each
tree's CLI). Every child starts with fresh settings and no config.

Prints JSON: medians and reader / floor (issue 13's target is <= 1.25), for
the wall time and for the CPU time the process used until its first frame
(`time.process_time`, all threads), which a loaded machine inflates far less;
the peak resident memory at that frame (`ru_maxrss`; issue 13's table:
<= 50 MB); and the load average while it ran. The reader child pauses the
collector before importing the app, as `tui-digest` does (ui/start_gc.py).

Both children run with their bytecode cached (in a temporary
`PYTHONPYCACHEPREFIX`), as an installed reader and Textual run: with
`PYTHONDONTWRITEBYTECODE` set (as in some shells and CI) every reader start
compiled its ~120 modules from source while Textual's came compiled from
site-packages, ~75 ms of CPU the user never pays. `--no-bytecode-cache`
measures that way (how the figures before 2026-11-30 15:00 UTC were taken).
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


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor_child() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Static

    result: dict[str, float] = {}

    class Floor(App[None]):
        BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012 (Textual reads it)

        def compose(self) -> ComposeResult:
            yield Static("tui-digest")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self.report)

        def report(self) -> None:
            result["first_frame_ms"] = (time.perf_counter() - _T0) * 1000
            result["cpu_ms"] = time.process_time() * 1000
            result["rss_mb"] = peak_rss_mb()
            self.exit()

    Floor().run(headless=True, size=(160, 50))
    print(json.dumps(result))


def reader_child(src: str, db: str) -> None:
    sys.path.insert(0, src)
    try:  # as `tui-digest` does before it imports the app (launch.run_reader)
        from tui_digest.ui import start_gc
    except ImportError:  # a tree from before 2026-11-30 17:30 UTC
        pass
    else:
        start_gc.pause()
    try:
        from tui_digest.ui.frame_rate import raise_frame_rate
    except ImportError:  # a tree from before 2026-11-30 23:00 UTC
        pass
    else:
        raise_frame_rate()
    from tui_digest.ui.app import make_app
    from tui_digest.ui.screens.listing import ListingScreen
    from tui_digest.ui.screens.main import MainScreen

    MainScreen.read_delay = None
    original = ListingScreen.on_listing_page
    result: dict[str, float] = {}

    def on_listing_page(self: ListingScreen, message) -> None:
        original(self, message)
        if not result and self.listing_ready:
            self.call_after_refresh(report, self)

    def report(screen: ListingScreen) -> None:
        result["first_frame_ms"] = (time.perf_counter() - _T0) * 1000
        result["cpu_ms"] = time.process_time() * 1000
        result["rss_mb"] = peak_rss_mb()
        screen.app.exit()

    ListingScreen.on_listing_page = on_listing_page  # type: ignore[method-assign]
    make_app(db, first_run_sample=False).run(headless=True, size=(160, 50))
    print(json.dumps(result))


def child_env(pycache: Path | None) -> dict[str, str]:
    """The environment for the children: bytecode cached under `pycache` (None: not cached)."""
    env = dict(os.environ)
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


CHILD_TIMEOUT = 60  # s: a start that never draws its first frame (a frozen listing)


def measure(env: dict[str, str], *child_args: str) -> tuple[float, float, float] | None:
    """(wall ms, CPU ms of the process (all threads), peak RSS MB) to the first frame.

    None when the child drew no first frame within CHILD_TIMEOUT (it is killed; the
    run is counted in the output's `timeouts` instead of ending the benchmark).
    """
    # Fresh settings for every child: the reader saves the paper it was closed on,
    # and reopening on it (another tree's cache, or the last run's) is other work.
    settings = Path(env["TUI_DIGEST_SETTINGS"])
    settings.unlink(missing_ok=True)
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", *child_args],
            capture_output=True,
            text=True,
            check=True,
            timeout=CHILD_TIMEOUT,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return None
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return float(result["first_frame_ms"]), float(result["cpu_ms"]), float(result["rss_mb"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=8)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument(
        "--db",
        type=Path,
        action="append",
        help="an existing cache (e.g. 65k real papers); one per --src, in the same order, "
        "when the trees differ in schema (a tree opens a cache of its own schema version)",
    )
    ap.add_argument("--src", action="append", help="source tree(s) to compare (default: ./src)")
    ap.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="compile every module at every start (PYTHONDONTWRITEBYTECODE)",
    )
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        if args.child[0] == "floor":
            floor_child()
        else:
            reader_child(args.child[1], args.child[2])
        return 0
    srcs = [str(Path(s).resolve()) for s in (args.src or [str(SRC)])]
    with tempfile.TemporaryDirectory() as tmp:
        # Fresh reader settings and no config for every child (the user's saved
        # search or digest would change what the first screen shows).
        os.environ["TUI_DIGEST_SETTINGS"] = str(Path(tmp) / "settings.json")
        os.environ["TUI_DIGEST_CONFIG"] = str(Path(tmp) / "config.toml")
        env = child_env(None if args.no_bytecode_cache else Path(tmp) / "pycache")
        synthetic = not args.db
        if synthetic:
            sys.path.insert(0, str(SRC))
            sys.path.insert(0, str(HERE))
            from generate import build_cache

            args.db = [Path(tmp) / "cache.db"]
            build_cache(args.db[0], args.papers, seed=0)
        if len(args.db) not in (1, len(srcs)):
            ap.error("give one --db, or one per --src")
        pairs = zip(srcs, args.db if len(args.db) > 1 else args.db * len(srcs), strict=True)
        dbs = {src: str(db) for src, db in pairs}
        measure(env, "floor")  # warm the OS file cache and bytecode
        for src in srcs:
            measure(env, "reader", src, dbs[src])
        floor: list[tuple[float, float, float]] = []
        reader: dict[str, list[tuple[float, float, float]]] = {src: [] for src in srcs}
        timeouts = dict.fromkeys(srcs, 0)
        loads = [os.getloadavg()[0]]
        for _ in range(args.runs):
            if (run := measure(env, "floor")) is not None:
                floor.append(run)
            for src in srcs:
                if (run := measure(env, "reader", src, dbs[src])) is not None:
                    reader[src].append(run)
                else:
                    timeouts[src] += 1
            loads.append(os.getloadavg()[0])
    floor_ms = statistics.median(ms for ms, _, _ in floor)
    floor_cpu = statistics.median(cpu for _, cpu, _ in floor)
    out = {
        "db": f"synthetic, {args.papers} papers" if synthetic else [str(d) for d in args.db],
        "runs": args.runs,
        "bytecode_cached": not args.no_bytecode_cache,
        "load_average": [round(min(loads), 1), round(max(loads), 1)],
        "floor_ms": round(floor_ms, 1),
        "floor_cpu_ms": round(floor_cpu, 1),
        "floor_peak_rss_mb": round(statistics.median(rss for _, _, rss in floor), 1),
        "reader": [
            {
                "src": src,
                "first_screen_ms": round(statistics.median(ms for ms, _, _ in runs), 1),
                "ratio": round(statistics.median(ms for ms, _, _ in runs) / floor_ms, 3),
                "cpu_ms": round(statistics.median(cpu for _, cpu, _ in runs), 1),
                "cpu_ratio": round(statistics.median(cpu for _, cpu, _ in runs) / floor_cpu, 3),
                "peak_rss_mb": round(statistics.median(rss for _, _, rss in runs), 1),
                "timeouts": timeouts[src],
            }
            for src, runs in reader.items()
        ],
    }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
