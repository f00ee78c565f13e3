"""The search index's size and import CPU for the same papers under several source trees.

Writes N generated papers (benchmarks/generate.py) as one Markdown digest, or
takes `--files`, and imports them with each tree's CLI (`--src`, repeatable,
alternated run by run) into a fresh cache; then `tui-digest reindex` (one
optimized FTS5 segment, the file compacted). Reports per tree the CPU of the
import and of the reindex (the child's, from `getrusage`), and the bytes in
pages of the index (`search*` tables) and of `terms` after each (SQLite's
dbstat), with the whole cache file.

`--summary-en` gives every generated paper an English one-line summary of
120-200 characters (the generator's Markdown has none; the archive's JSON has
one per paper, `en_tdlr`), written to the digest's English summary slot.

Prints JSON, one object per tree with the median of `--runs`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def write_digest_file(path: Path, n: int, seed: int, summary_en: bool) -> None:
    sys.path.insert(0, str(SRC))
    sys.path.insert(0, str(HERE))
    from generate import _Writer, iter_digests
    from tui_digest.core.digest_write import write_digest

    rng = random.Random(seed + 1)
    writer = _Writer(rng)
    papers = {}
    for d in iter_digests(n, seed, oldest_first=True):
        for p in d.papers:
            if p.id not in papers:
                extra = writer.en(rng.randint(120, 200)) if summary_en else ""
                papers[p.id] = replace(p, summary_en=extra)
    path.write_text(write_digest(papers.values()), encoding="utf-8")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cli(src: str, db: Path, home: Path, *args: str) -> float:
    """CPU seconds of one `tui-digest` command run with the tree `src`."""
    env = {**os.environ, "PYTHONPATH": src, "HOME": str(home), "XDG_CONFIG_HOME": str(home),
           "XDG_DATA_HOME": str(home), "XDG_CACHE_HOME": str(home)}  # fmt: skip
    before = _cpu()
    subprocess.run([sys.executable, "-m", "tui_digest", "--db", str(db), *args], env=env,
                   check=True, capture_output=True, timeout=3600)  # fmt: skip
    return _cpu() - before


def _sizes(db: Path) -> dict[str, float]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT name LIKE 'search%', sum(pgsize) FROM dbstat "
            "WHERE name LIKE 'search%' OR name = 'terms' GROUP BY 1"
        ).fetchall()
    finally:
        conn.close()
    found = dict(rows)
    size = sum(f.stat().st_size for f in db.parent.glob(db.name + "*"))
    return {"index_mb": found.get(1, 0) / 1e6, "terms_mb": found.get(0, 0) / 1e6,
            "cache_mb": size / 1e6}  # fmt: skip


def run(src: str, files: list[Path], tmp: Path) -> dict[str, float]:
    db = tmp / "run.db"
    for f in tmp.glob("run.db*"):
        f.unlink()
    out: dict[str, float] = {"import_cpu_s": _cli(src, db, tmp, "import", *map(str, files))}
    out.update({f"import_{k}": v for k, v in _sizes(db).items()})
    out["reindex_cpu_s"] = _cli(src, db, tmp, "reindex")
    out.update({f"reindex_{k}": v for k, v in _sizes(db).items()})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--summary-en", action="store_true")
    ap.add_argument("--files", nargs="+", type=Path, help="import these digests instead")
    ap.add_argument("--src", action="append", help="source tree(s) to compare (default: ./src)")
    args = ap.parse_args(argv)
    srcs = [str(Path(s).resolve()) for s in (args.src or [SRC])]
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        files = args.files
        if not files:
            files = [tmp / "digest.md"]
            write_digest_file(files[0], args.papers, args.seed, args.summary_en)
        results: dict[str, list[dict[str, float]]] = {s: [] for s in srcs}
        for _ in range(args.runs):
            for src in srcs:
                results[src].append(run(src, files, tmp))
        for src, runs in results.items():
            med = {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}
            print(json.dumps({"src": src, "runs": len(runs), **med}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
