"""Import at archive scale: papers/s and peak memory of `tui-digest import`.

Writes N distinct synthetic bilingual papers (benchmarks/generate.py, default
65,536, about the generator archive's 65,538) as Markdown digests, then
imports them into a fresh cache with the real CLI in a child process, which
reports its own wall time and peak RSS (VmHWM from /proc, so the parent's
generated papers never count; elsewhere `resource.getrusage`, whose maximum on
Linux would include the parent's size at the fork), and apart the peak of the
process a large import tokenises in (`store.tokenise_child`), whose CPU time
counts in `cpu_s`. Two shapes:

- `one`: a single digest of all N papers (the archive as one document);
- `daily`: the same papers as the daily category digests they came in
  (150-700 papers each), imported in one command; reported in MB/s.
  `--digest-size 20-120` draws smaller ones, ~70 papers on average: the size
  of the real daily history issue 13 measured (155 digests, 28 MB, at ~2.6 KB
  per paper; the real samples in ../shared/samples hold 44-737 papers). Each
  digest is one transaction, so this shape measures what a document costs
  besides its papers.

`--src DIR` (repeatable) runs the same files against several source trees,
alternating run by run, so a before/after comparison shares the machine's
load: e.g. `--src /work/main/src --src src`.

Prints JSON, one object per (shape, src) with the median of `--runs`: wall
time and rates, and CPU time and rates (steadier when the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def _vm_hwm(pid: str) -> float | None:
    """A process's peak resident memory in MB (VmHWM), None where /proc has none."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _watch_children(stop: threading.Event, peak: list[float]) -> None:
    """Keep the largest VmHWM of this process's children (the import's tokenising
    child, `store.tokenise_child`) until `stop`: a scan of /proc every 0.2 s
    (~0.7 ms each)."""
    me = os.getpid()
    while not stop.wait(0.2):
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    parent = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
            if parent == me:
                peak[0] = max(peak[0], _vm_hwm(pid) or 0.0)


def child(src: str, db: str, paths: list[str]) -> None:
    """Import `paths` with the CLI into `db`; print wall time, CPU time and peak RSS.

    The CPU time includes the import's own child processes (they have ended
    when the import returns); their peak memory is reported apart.
    """
    import resource

    sys.path.insert(0, src)
    t0 = time.perf_counter()
    from tui_digest.cli import main

    stop, child_peak = threading.Event(), [0.0]
    watcher = threading.Thread(target=_watch_children, args=(stop, child_peak), daemon=True)
    watcher.start()
    with open(os.devnull, "w") as null:
        saved, sys.stdout = sys.stdout, null
        try:
            rc = main(["--db", db, "import", *paths])
        finally:
            sys.stdout = saved
    seconds = time.perf_counter() - t0
    stop.set()
    watcher.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time is steadier than wall time on a shared machine.
    cpu = usage.ru_utime + usage.ru_stime + kids.ru_utime + kids.ru_stime
    # ru_maxrss survives fork and exec on Linux: a child of this (large) parent
    # reports at least the parent's size. VmHWM is this process's own peak.
    peak = _vm_hwm("self") or usage.ru_maxrss / 1024  # (KiB on Linux)
    print(
        json.dumps(
            {
                "rc": rc,
                "seconds": seconds,
                "cpu_s": cpu,
                "peak_rss_mb": peak,
                "child_peak_rss_mb": child_peak[0],
            }
        )
    )


def write_files(
    folder: Path, n: int, seed: int, sizes: tuple[int, int] = (150, 700)
) -> tuple[Path, list[Path]]:
    """The one big digest and the daily digests, with the same N papers."""
    sys.path.insert(0, str(SRC))
    sys.path.insert(0, str(HERE))
    from generate import iter_digests
    from tui_digest.core.digest_format import write_digest

    daily_dir = folder / "daily"
    daily_dir.mkdir()
    daily: list[Path] = []
    seen: set[str] = set()
    big = folder / f"archive-{n}.md"
    rows: list[str] = []
    notes: list[str] = []
    from tui_digest.core.digest_format import DETAIL_HEADING, SUMMARY_HEADING, TABLE_HEADER
    from tui_digest.core.digest_format import _write_one as write_one

    for d in iter_digests(n, seed, oldest_first=True, per_digest=sizes):
        path = daily_dir / f"{d.name}.md"
        path.write_text(write_digest(d.papers), encoding="utf-8")
        daily.append(path)
        for p in d.papers:
            if p.id not in seen:
                seen.add(p.id)
                row, note = write_one(len(seen), p)
                rows.append(row)
                notes.append(note)
    with big.open("w", encoding="utf-8") as out:
        out.write(f"{SUMMARY_HEADING}\n\n{TABLE_HEADER}")
        out.write("\n".join(rows))
        out.write(f"\n\n{DETAIL_HEADING}\n\n")
        out.write("\n".join(notes))
        out.write("\n\n")
    return big, daily


def run(src: str, paths: list[Path], tmp: Path) -> dict[str, float]:
    db = tmp / f"run-{time.monotonic_ns()}.db"
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", src, str(db), *map(str, paths)],
            capture_output=True,
            text=True,
            check=True,
            timeout=3600,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["cache_mb"] = (
            sum(f.stat().st_size for f in tmp.glob(db.name + "*") if f.is_file()) / 1e6
        )
        return result
    finally:
        for f in tmp.glob(db.name + "*"):
            f.unlink()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=65_536)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--shape", choices=("one", "daily", "both"), default="both")
    ap.add_argument(
        "--digest-size", default="150-700", help="papers per daily digest: LO-HI (default 150-700)"
    )
    ap.add_argument("--src", action="append", help="source tree(s) to compare (default: ./src)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.child[2:])
        return 0
    srcs = [str(Path(s).resolve()) for s in (args.src or [str(SRC)])]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        lo, _, hi = args.digest_size.partition("-")
        big, daily = write_files(tmp, args.papers, args.seed, (int(lo), int(hi or lo)))
        print(f"generated in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        shapes = {"one": [big], "daily": daily}
        wanted = ["one", "daily"] if args.shape == "both" else [args.shape]
        results: dict[tuple[str, str], list[dict[str, float]]] = {}
        for _ in range(args.runs):
            for shape in wanted:
                for src in srcs:  # alternating, so load drift hits every tree alike
                    r = run(src, shapes[shape], tmp)
                    print(f"{shape} {src}: {r}", file=sys.stderr)
                    results.setdefault((shape, src), []).append(r)
        out = []
        for (shape, src), runs in results.items():
            size = sum(p.stat().st_size for p in shapes[shape])
            secs = statistics.median(r["seconds"] for r in runs)
            cpu = statistics.median(r["cpu_s"] for r in runs)
            out.append(
                {
                    "shape": shape,
                    "src": src,
                    "files": len(shapes[shape]),
                    "papers": args.papers,
                    "source_mb": round(size / 1e6, 1),
                    "runs": len(runs),
                    "seconds": round(secs, 2),
                    "papers_per_s": round(args.papers / secs),
                    "mb_per_s": round(size / 1e6 / secs, 2),
                    "cpu_s": round(cpu, 2),
                    "papers_per_cpu_s": round(args.papers / cpu),
                    "mb_per_cpu_s": round(size / 1e6 / cpu, 2),
                    "peak_rss_mb": round(statistics.median(r["peak_rss_mb"] for r in runs)),
                    "child_peak_rss_mb": round(
                        statistics.median(r.get("child_peak_rss_mb", 0.0) for r in runs)
                    ),
                    "cache_mb": round(statistics.median(r["cache_mb"] for r in runs), 1),
                    "failed": sum(1 for r in runs if r["rc"]),
                }
            )
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
