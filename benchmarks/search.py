"""Search speed: a page of 200 results plus the total count, per query.

Builds a synthetic cache (default 100,000 papers; 10% marked read, 1% starred)
or uses `--db PATH`, runs every query of `--queries FILE` (default
benchmarks/queries.txt) `--repeat` times after one warm-up, and prints JSON:
p50_ms / p95_ms over every timed run, and per query the median time, the
count, and the time of `list_ids` (the UI's full id array).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from generate import build_cache  # noqa: E402
from tui_digest.core.digest_day import TODAY_ENV  # noqa: E402
from tui_digest.core.store import Store  # noqa: E402


def read_queries(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.lstrip().startswith("#")]


def mark_some(store: Store, seed: int = 1) -> None:
    rng = random.Random(seed)
    ids = store.list_ids()
    store.set_read(rng.sample(ids, len(ids) // 10))
    store.set_starred(rng.sample(ids, len(ids) // 100))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def run(store: Store, queries: list[str], repeat: int) -> dict[str, object]:
    all_runs: list[float] = []
    per_query = []
    for q in queries:
        store.page(q, limit=200)
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            total, page = store.page(q, limit=200)
            times.append((time.perf_counter() - t0) * 1000)
        assert total == store.count(q), q
        t0 = time.perf_counter()
        ids = store.list_ids(q)
        ids_ms = (time.perf_counter() - t0) * 1000
        assert len(ids) == total and len(page) == min(200, total), q
        all_runs.extend(times)
        per_query.append(
            {
                "query": q,
                "count": total,
                "ms": round(statistics.median(times), 2),
                "list_ids_ms": round(ids_ms, 2),
            }
        )
    return {
        "queries": len(queries),
        "runs": len(all_runs),
        "p50_ms": round(percentile(all_runs, 50), 2),
        "p95_ms": round(percentile(all_runs, 95), 2),
        "max_ms": round(max(all_runs), 2),
        "list_ids_p95_ms": round(percentile([q["list_ids_ms"] for q in per_query], 95), 2),
        "per_query": per_query,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="use this cache instead of building one")
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--queries", type=Path, default=HERE / "queries.txt")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    queries = read_queries(args.queries)
    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "bench.db"
            result["build"] = build_cache(db, args.papers)
            with Store.open(db) as store:
                mark_some(store)
        with Store.open(db) as store:
            result["papers"] = store.stats()["papers"]
            # date:today / date:-7d count from the newest digest's day, so they
            # find papers in a generated cache (the reader's clock variable).
            newest = store._conn().execute("SELECT max(date) FROM digests").fetchone()[0]
            if newest and not os.environ.get(TODAY_ENV):
                os.environ[TODAY_ENV] = newest
            result.update(run(store, queries, args.repeat))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
