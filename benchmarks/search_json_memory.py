"""Peak memory of `search --json` against `export --format json` of the same papers.

`search --json --limit 100000` built every record and then the whole JSON
string: 1.86 GB for 100,000 papers where `export --format json` took 71 MB (bug
hunt scalebulk, item 2). Both now read, write and drop the papers a thousand
at a time (`core.export_stream`), so the two peaks should be alike whatever
the number of papers.

Builds a cache of `--papers` synthetic papers (benchmarks/generate.py; or
uses `--db`), then runs each command with the real CLI in a child process
that reports its own peak RSS (VmHWM from /proc; elsewhere ru_maxrss), its
wall time and the bytes it wrote (to /dev/null). Prints JSON, and exits 1
when `search --json` peaked above `--ratio` times the export's peak plus
`--slack` MB (the memory is not bounded as the export's is).

python benchmarks/search_json_memory.py --papers 20000 [--word learning]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


class _Counted:
    """Standard output's stand-in: counts the bytes, keeps none."""

    encoding, errors = "utf-8", "strict"

    def __init__(self) -> None:
        self.written = 0
        self.buffer = self

    def write(self, data: bytes | str) -> int:
        self.written += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # (KiB on Linux)


def child(db: str, args: list[str]) -> None:
    sys.path.insert(0, str(SRC))
    from tui_digest.cli import main

    out = _Counted()
    t0 = time.perf_counter()
    saved, sys.stdout = sys.stdout, out  # type: ignore[assignment]
    try:
        rc = main(["--db", db, *args])
    finally:
        sys.stdout = saved
    seconds = time.perf_counter() - t0
    print(json.dumps({"rc": rc, "seconds": seconds, "bytes": out.written, "peak_mb": _peak_mb()}))


def run(db: Path, args: list[str]) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(db), *args],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--db", type=Path, help="an existing cache to use instead of building one")
    ap.add_argument("--word", default="the", help="the query both commands select by")
    ap.add_argument("--ratio", type=float, default=1.5)
    ap.add_argument("--slack", type=float, default=30.0, help="MB allowed above ratio × export")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:  # (the command's own options follow: not parsed here)
        child(argv[1], argv[2:])
        return 0
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        built = None
        if db is None:
            sys.path.insert(0, str(HERE))
            sys.path.insert(0, str(SRC))
            from generate import build_cache

            db = Path(tmp) / "cache.db"
            built = build_cache(db, args.papers, args.seed)
            print(f"built: {built}", file=sys.stderr)
        search = run(db, ["search", "--json", "--limit", "100000000", args.word])
        export = run(db, ["export", "--format", "json", args.word])
    bounded = search["peak_mb"] <= args.ratio * export["peak_mb"] + args.slack
    result = {
        "papers": built["papers"] if built else None,
        "word": args.word,
        "search_json": {k: round(v, 2) for k, v in search.items()},
        "export_json": {k: round(v, 2) for k, v in export.items()},
        "same_bytes": search["bytes"] == export["bytes"],
        "bounded": bounded,
    }
    print(json.dumps(result, indent=2))
    return 0 if bounded and not search["rc"] and not export["rc"] else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    raise SystemExit(main())
