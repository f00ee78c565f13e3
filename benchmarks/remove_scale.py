"""Removing a big digest whose papers other digests also list: time and peak memory.

Builds a cache (benchmarks/generate.py's papers, default 4,000) of daily
category digests and one big digest, dated after all of them, that lists
every paper: the dailies list 90 % of them, so removing the big digest
places those again by the digests that still list them (each one moves in
the listing, so its search index row moves too) and deletes the other 10 %.
That is `tui-digest digests rm` of an archive imported over the dailies (bug
hunt `scale` #1: 50,000 papers took 375 s and 253 MB).

Each run copies the cache and removes the big digest (`Store.remove_digests`,
what `digests rm`, `prune` and the reader's delete call) in a child process,
which reports its wall time, CPU time and peak RSS (VmHWM: its own, not the
parent's that built the cache). `--src DIR` (repeatable) runs the same cache
against several source trees, alternating run by run: e.g.
`--src /work/main/src --src src`.

Prints JSON, one object per src with the median of `--runs`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
BIG = "archive"
BIG_DATE = "2024-07-01"  # after every daily digest (generate.py ends on 2024-06-28)


def _vm_hwm() -> float | None:
    """This process's peak resident memory in MB (VmHWM), None where /proc has none."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def build(db: Path, n: int, seed: int) -> dict[str, int]:
    """The dailies (90 % of the papers) and the big digest of all of them."""
    sys.path.insert(0, str(SRC))
    sys.path.insert(0, str(HERE))
    from generate import iter_digests
    from tui_digest.core.model import Digest, Paper
    from tui_digest.core.store import Store

    every: dict[str, Paper] = {}
    dailies = 0
    with Store.open(db) as store:
        for d in iter_digests(n, seed, oldest_first=True):
            fresh = [p for p in d.papers if p.id not in every]
            every.update((p.id, p) for p in fresh)
            if len(every) <= n * 9 // 10:
                store.import_digest(d)
                dailies += 1
        store.import_digest(
            Digest(BIG, source="synthetic/archive.md", date=BIG_DATE, papers=list(every.values()))
        )
        store._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"papers": len(every), "dailies": dailies}


def child(src: str, db: str) -> None:
    """Remove the big digest of `db`; print the outcome, wall time, CPU time and peak RSS."""
    import resource

    sys.path.insert(0, src)
    from tui_digest.core.store import Store

    with Store.open(Path(db)) as store:
        pks = store.digest_pks([d.name for d in store.digests() if d.date == BIG_DATE])
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        done = store.remove_digests(pks)
        seconds = time.perf_counter() - t0
        usage = resource.getrusage(resource.RUSAGE_SELF)
        left = store.stats()
    cpu = usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_s": cpu,
                "peak_rss_mb": _vm_hwm() or usage.ru_maxrss / 1024,
                "removed": done.digests,
                "papers_deleted": done.papers_deleted,
                "papers_left": left["papers"],
            }
        )
    )


def run(src: str, built: Path, tmp: Path) -> dict[str, object]:
    db = tmp / f"run-{time.monotonic_ns()}.db"
    shutil.copyfile(built, db)
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", src, str(db)],
            capture_output=True,
            text=True,
            check=True,
            timeout=3600,
        )
        result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
        return result
    finally:
        for f in tmp.glob(db.name + "*"):
            f.unlink()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=4_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--src", action="append", help="source tree(s) to compare (default: ./src)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    srcs = [str(Path(s).resolve()) for s in (args.src or [str(SRC)])]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        built = tmp / "built.db"
        t0 = time.perf_counter()
        shape = build(built, args.papers, args.seed)
        print(f"built {shape} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        results: dict[str, list[dict[str, object]]] = {}
        for _ in range(args.runs):
            for src in srcs:  # alternating, so load drift hits every tree alike
                r = run(src, built, tmp)
                print(f"{src}: {r}", file=sys.stderr)
                results.setdefault(src, []).append(r)
    out = []
    for src, runs in results.items():

        def median(key: str, runs: list[dict[str, object]] = runs) -> float:
            return round(statistics.median(float(r[key]) for r in runs), 2)  # type: ignore[arg-type]

        out.append(
            {
                "src": src,
                **shape,
                "runs": len(runs),
                "seconds": median("seconds"),
                "cpu_s": median("cpu_s"),
                "peak_rss_mb": round(median("peak_rss_mb")),
                "papers_deleted": runs[0]["papers_deleted"],
                "papers_left": runs[0]["papers_left"],
            }
        )
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
