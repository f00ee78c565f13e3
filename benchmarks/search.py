"""Search speed: a page of 200 results plus the total count, per query.

Builds a synthetic cache (default 100,000 papers; 10% marked read, 1% starred)
or uses `--db PATH`, runs every query of `--queries FILE` (default
benchmarks/queries.txt) `--repeat` times after one warm-up, and prints JSON:
p50_ms / p95_ms over every timed run of the page plus its count
(`Store.page`), the same for the page alone (`count=False`: what the reader
waits for before it draws; it counts afterwards) and for the page plus a
count capped at 10,000 (`Store.count(cap=)`, shown as "10,000+"), both again per class of
query (`## name` lines in the file) with the CPU time of the process (the
steadier figure on a shared machine), and per query the median time, the
count, and the time of `list_ids` (the UI's full id array).

Every timed run starts with nothing kept from the runs before it (the store
keeps a query's keys for its count and id list, `queries.forget_answers`), so
each is a first reading of its query. `--db` is opened read-only. `--src DIR`
runs another source tree (e.g. main's, for before/after runs alternated by
the caller).
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


def _source_tree(argv: list[str]) -> str:
    """`--src DIR` if given (read before the package is imported), else ./src."""
    for i, arg in enumerate(argv):
        if arg == "--src" and i + 1 < len(argv):
            return str(Path(argv[i + 1]).resolve())
    return str(HERE.parent / "src")


sys.path.insert(0, _source_tree(sys.argv))
sys.path.insert(0, str(HERE))

from tui_digest.core.digest_day import TODAY_ENV  # noqa: E402
from tui_digest.core.store import Store  # noqa: E402
from tui_digest.core.store import queries as store_queries  # noqa: E402


def forget_answers() -> None:
    """Nothing kept from an earlier run (older trees kept only `date:` answers)."""
    forget = getattr(store_queries, "forget_answers", None)
    if forget is not None:
        forget()
    elif isinstance(getattr(store_queries, "_RELISTED", None), dict):
        store_queries._RELISTED.clear()


def read_queries(path: Path) -> list[tuple[str, str]]:
    """(class, query) pairs; a "## name" line names the class of the queries below it."""
    out: list[tuple[str, str]] = []
    kind = "all"
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text.startswith("## "):
            kind = text[3:].strip()
        elif text and not text.startswith("#"):
            out.append((kind, text))
    return out


def mark_some(store: Store, seed: int = 1) -> None:
    rng = random.Random(seed)
    ids = store.list_ids()
    store.set_read(rng.sample(ids, len(ids) // 10))
    store.set_starred(rng.sample(ids, len(ids) // 100))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


_KINDS = ("both", "both_cpu", "page", "page_cpu", "capped", "capped_cpu")
# The reader may show "10,000+" instead of waiting for the whole count.
COUNT_CAP = 10_000


def _page_and_capped_count(store: Store, q: str) -> int:
    """What a reader showing "10,000+" waits for: the page, then a capped count."""
    total, _ = store.page(q, limit=200, count=False)
    return total if total is not None else store.count(q, cap=COUNT_CAP)


def _timed(call: object) -> tuple[float, float, object]:
    """(wall ms, CPU ms, result) of `call()`."""
    forget_answers()
    c0, t0 = time.process_time(), time.perf_counter()
    result = call()  # type: ignore[operator]
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000, result


def _summary(runs: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(runs, 50), 2), "p95_ms": round(percentile(runs, 95), 2)}


def run(
    store: Store, queries: list[tuple[str, str]], repeat: int, with_ids: bool = True
) -> dict[str, object]:
    all_runs: list[float] = []
    page_runs: list[float] = []
    per_class: dict[str, dict[str, list[float]]] = {}
    per_query = []
    for kind, q in queries:
        store.page(q, limit=200)
        times = []
        runs = per_class.setdefault(kind, {k: [] for k in _KINDS})
        page_cpu, capped_cpu = [], []
        for _ in range(repeat):
            ms, cpu, (total, page) = _timed(lambda q=q: store.page(q, limit=200))
            times.append(ms)
            runs["both"].append(ms)
            runs["both_cpu"].append(cpu)
            ms, cpu, _ = _timed(lambda q=q: store.page(q, limit=200, count=False))
            runs["page"].append(ms)
            runs["page_cpu"].append(cpu)
            page_cpu.append(cpu)
            page_runs.append(ms)
            ms, cpu, _ = _timed(lambda q=q: _page_and_capped_count(store, q))
            runs["capped"].append(ms)
            runs["capped_cpu"].append(cpu)
            capped_cpu.append(cpu)
        forget_answers()
        assert total == store.count(q), q
        ids_ms = None
        if with_ids:
            forget_answers()
            t0 = time.perf_counter()
            ids = store.list_ids(q)
            ids_ms = round((time.perf_counter() - t0) * 1000, 2)
            assert len(ids) == total, q
        assert len(page) == min(200, total), q
        all_runs.extend(times)
        per_query.append(
            {
                "class": kind,
                "query": q,
                "count": total,
                "ms": round(statistics.median(times), 2),
                "page_cpu_ms": round(statistics.median(page_cpu), 2),
                "page_and_capped_count_cpu_ms": round(statistics.median(capped_cpu), 2),
                "list_ids_ms": ids_ms,
            }
        )
    classes = {
        kind: {
            "queries": sum(1 for k, _ in queries if k == kind),
            "page_and_count": _summary(runs["both"]),
            "page_and_count_cpu": _summary(runs["both_cpu"]),
            "page_alone": _summary(runs["page"]),
            "page_alone_cpu": _summary(runs["page_cpu"]),
            "page_and_capped_count": _summary(runs["capped"]),
            "page_and_capped_count_cpu": _summary(runs["capped_cpu"]),
        }
        for kind, runs in per_class.items()
    }
    ids = [q["list_ids_ms"] for q in per_query if q["list_ids_ms"] is not None]
    cpu = [c for runs in per_class.values() for c in runs["both_cpu"]]
    capped_cpu = [c for runs in per_class.values() for c in runs["capped_cpu"]]
    page_cpu = [c for runs in per_class.values() for c in runs["page_cpu"]]
    return {
        "queries": len(queries),
        "runs": len(all_runs),
        "p50_ms": round(percentile(all_runs, 50), 2),
        "p95_ms": round(percentile(all_runs, 95), 2),
        "cpu_p50_ms": round(percentile(cpu, 50), 2),
        "cpu_p95_ms": round(percentile(cpu, 95), 2),
        "page_alone": _summary(page_runs),
        "page_alone_cpu": _summary(page_cpu),
        "page_and_capped_count_cpu": _summary(capped_cpu),
        "max_ms": round(max(all_runs), 2),
        "per_class": classes,
        "list_ids_p95_ms": round(percentile(ids, 95), 2) if ids else None,
        "per_query": per_query,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="use this cache instead of building one")
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--queries", type=Path, default=HERE / "queries.txt")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--src", help="source tree to run (default: ./src)")
    ap.add_argument("--no-ids", action="store_true", help="do not time list_ids")
    args = ap.parse_args(argv)
    queries = read_queries(args.queries)
    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            # Imported here: generate.py puts ./src first on sys.path, which
            # must not replace the tree chosen by --src.
            from generate import build_cache

            db = Path(tmp) / "bench.db"
            result["build"] = build_cache(db, args.papers)
            with Store.open(db) as store:
                mark_some(store)
        # A given cache is only read (it may be shared with other runs).
        with Store.open(db, readonly=args.db is not None, quick_start=True) as store:
            result["src"] = _source_tree(sys.argv if argv is None else argv)
            result["papers"] = store.stats()["papers"]
            # date:today / date:-7d count from the newest digest's day, so they
            # find papers in a generated cache (the reader's clock variable).
            newest = store._conn().execute("SELECT max(date) FROM digests").fetchone()[0]
            if newest and not os.environ.get(TODAY_ENV):
                os.environ[TODAY_ENV] = newest
            result.update(run(store, queries, args.repeat, not args.no_ids))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
