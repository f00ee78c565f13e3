"""Import speed and cache size: imports N synthetic papers (default 100,000) into
a fresh cache, one transaction per digest, then imports every digest again
unchanged (what the fetch worker does several times a day), and prints JSON
(papers/s for both, cache size)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from generate import make_digests  # noqa: E402
from tui_digest.core.store import Store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="import rate and cache size")
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    digests = make_digests(args.papers, args.seed)
    entries = sum(len(d.papers) for d in digests)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        with Store.open(db) as store:
            t0 = time.perf_counter()
            for d in digests:
                store.import_digest(d)
            t1 = time.perf_counter()
            for d in digests:
                stats = store.import_digest(d)
                assert stats.new == stats.updated == 0, stats
            t2 = time.perf_counter()
            store._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = int(store.stats()["size_bytes"])  # type: ignore[call-overload]
    result = {
        "papers": args.papers,
        "digests": len(digests),
        "import_s": round(t1 - t0, 2),
        "import_papers_per_s": round(args.papers / (t1 - t0)),
        "reimport_s": round(t2 - t1, 2),
        "reimport_entries_per_s": round(entries / (t2 - t1)),
        "size_bytes": size,
        "size_mb": round(size / 1e6, 1),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
