"""Search speed once the user has notes: OR groups and bare words (issue 12 req 5).

Once a paper has a note, bare words (also inside OR groups) match notes too
(`core.query_notes`). Two steps:

    search_notes.py notes --db PLAIN --out NOTED [--notes 300]
        copies a cache (e.g. from `generate.py`) and gives `--notes` random
        papers a note of a few words of the benchmark's vocabulary (about one
        in ten holds `diffusion` or `扩散`, so the note side finds some);
    search_notes.py time --db CACHE [--src DIR] [--repeat 7]
        prints JSON: per query, the median CPU ms (`time.process_time`) of a
        page of 200 (`Store.page(count=False)`, what the reader waits for)
        and of the whole count (`Store.count`), each a first reading.

Run `time` with and without notes and with `--src` pointing at another tree
alternately (the machine is shared): the page and count with notes should
stay within ~2x of the same query without notes.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = ["diffusion OR 扩散", "(graph OR 图) neural", "diffusion model", "-diffusion"]
WORDS = ["graph", "neural", "planning", "robot", "survey", "model", "规划", "图", "综述", "模型"]


def _source_tree(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--src" and i + 1 < len(argv):
            return str(Path(argv[i + 1]).resolve())
    return str(HERE.parent / "src")


def add_notes(plain: Path, out: Path, n: int, seed: int = 1) -> None:
    from tui_digest.core.store import Store

    if out.exists():
        raise SystemExit(f"{out} exists; give a new path")
    shutil.copyfile(plain, out)
    rng = random.Random(seed)
    with Store.open(out) as store:
        rows = store.list_rows(rng.sample(store.list_ids(), n))
        for i, row in enumerate(rows):
            words = rng.sample(WORDS, 3) + (
                ["diffusion" if i % 2 else "扩散"] if i % 10 == 0 else []
            )
            store.set_note(row.id, "note: " + " ".join(words))


def time_queries(db: Path, queries: list[str], repeat: int) -> dict[str, object]:
    from tui_digest.core.store import Store
    from tui_digest.core.store import queries as store_queries

    forget = getattr(store_queries, "forget_answers", lambda: None)

    def cpu_ms(call: object) -> float:
        forget()
        c0 = time.process_time()
        call()  # type: ignore[operator]
        return (time.process_time() - c0) * 1000

    out: dict[str, object] = {}
    with Store.open(db) as store:
        notes = store._conn().execute("SELECT count(*) FROM paper_notes").fetchone()[0]
        out["notes"] = notes
        for q in queries:
            store.page(q, limit=200, count=False)  # warm-up
            page = [
                cpu_ms(lambda q=q: store.page(q, limit=200, count=False)) for _ in range(repeat)
            ]
            count = [cpu_ms(lambda q=q: store.count(q)) for _ in range(repeat)]
            out[q] = {
                "page_cpu_ms": round(statistics.median(page), 2),
                "count_cpu_ms": round(statistics.median(count), 2),
                "count": store.count(q),
            }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("notes", "time"))
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--out", type=Path, help="notes: the cache to create")
    ap.add_argument("--notes", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--query", action="append", help="time: these queries (default: a few)")
    ap.add_argument("--src", help="source tree to run (default: ./src)")
    args = ap.parse_args(argv)
    if args.step == "notes":
        if args.out is None:
            ap.error("notes needs --out")
        add_notes(args.db, args.out, args.notes)
        return 0
    print(json.dumps(time_queries(args.db, args.query or QUERIES, args.repeat), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, _source_tree(sys.argv))
    raise SystemExit(main())
