"""Digest reader throughput: read one digest N times and print JSON.

Usage: python benchmarks/parse.py [PATH] [--runs N]
PATH defaults to the 1.9 MB real sample in ../shared/samples (relative to the repo).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tui_digest.core.digest_format import read_digest  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "samples" / "digest-cs.LG-2024-02-06-large.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    path = Path(args.path)
    if not path.is_file():
        print(json.dumps({"file": str(path), "error": "not found"}))
        return 1
    data = path.read_bytes()
    papers = len(read_digest(data, source=str(path)).digest.papers)  # warm-up
    times = []
    for _ in range(max(1, args.runs)):
        start = time.perf_counter()
        read_digest(data, source=str(path))
        times.append(time.perf_counter() - start)
    best = min(times)
    print(
        json.dumps(
            {
                "file": str(path),
                "bytes": len(data),
                "papers": papers,
                "runs": len(times),
                "mb_per_s": round(len(data) / best / 1e6, 1),
                "best_ms": round(best * 1000, 2),
                "median_ms": round(statistics.median(times) * 1000, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
