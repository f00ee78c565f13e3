"""Digest reader throughput: read one digest N times and print JSON.

Usage: python benchmarks/parse.py [PATH] [--runs N]
PATH defaults to the 1.9 MB real sample in ../shared/samples (relative to the
repo, or $TUI_DIGEST_SAMPLES). Reports wall time (best run) and CPU time
(median; steadier on a shared machine), for the whole-text reader
(`read_digest`) and for the file stream the importer uses (`DigestStream`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tui_digest.core.digest_format import DigestStream, read_digest  # noqa: E402
from tui_digest.core.text_stream import open_text, split_lines  # noqa: E402

SAMPLES = Path(os.environ.get("TUI_DIGEST_SAMPLES") or ROOT.parent / "shared" / "samples")
DEFAULT = SAMPLES / "digest-cs.LG-2024-02-06-large.md"


def stream_file(path: Path) -> int:
    with path.open("rb") as f:
        text, decoding = open_text(f)
        return sum(1 for _ in DigestStream(decoding=decoding).read(split_lines(text)))


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
    times, cpu, stream_cpu = [], [], []
    for _ in range(max(1, args.runs)):
        start, start_cpu = time.perf_counter(), time.process_time()
        read_digest(data, source=str(path))
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        start_cpu = time.process_time()
        assert stream_file(path) == papers
        stream_cpu.append(time.process_time() - start_cpu)
    best = min(times)
    print(
        json.dumps(
            {
                "file": str(path),
                "bytes": len(data),
                "papers": papers,
                "runs": len(times),
                "mb_per_s": round(len(data) / best / 1e6, 1),
                "mb_per_cpu_s": round(len(data) / statistics.median(cpu) / 1e6, 1),
                "stream_mb_per_cpu_s": round(len(data) / statistics.median(stream_cpu) / 1e6, 1),
                "best_ms": round(best * 1000, 2),
                "median_ms": round(statistics.median(times) * 1000, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
