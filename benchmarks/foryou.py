"""For you: ranking quality against keyword search and random order, and speed.

Quality. Users are made from the cache itself: pick a topic, star N of its
papers listed before a test date (a different random N for each of --seeds
seeds), train, rank the papers listed on the test date (stars excluded), and
count how many of the first 10 and 20 belong to the topic (precision@10/@20).
Baselines on the same papers: a keyword search for the topic's main word (its
matches in listing order; fewer than k matches count as misses) and random
order (its expected precision: the topic's share of the test papers).

- real: the digests of ../shared/samples (when present; ~1,300 real papers).
  A topic is a pattern over the English title and abstract, wider than its
  main word (e.g. "language model" also covers LLM, GPT, prompting).
  Test sets: the 737-paper cs.LG digest of 2024-02-06 and the 200-paper cs.AI
  digest of 2024-03-18, each against everything listed before it.
- synthetic: `generate.py`'s cache (default 12,000 papers). Its text is drawn
  word by word from one vocabulary, so it has no topics beyond single words: a
  topic is "this word is in the title". The newest day is the test set.

Speed (`--speed`, on a synthetic cache of --speed-papers, default 65,000, or
--speed-db): building the features from scratch, training with features
cached, scoring 1,000 papers (stored scores, and from features), related.

Prints JSON (and with --markdown the README tables). Works on copies: the
caches given are never changed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from generate import EN_WORDS, build_cache  # noqa: E402
from tui_digest.core.readers import read_document  # noqa: E402
from tui_digest.core.store import Store  # noqa: E402
from tui_digest.rank import train as rank_train  # noqa: E402
from tui_digest.rank.files import rank_dir  # noqa: E402

SAMPLES = HERE.parent.parent / "shared" / "samples"
NS = (5, 20, 50)
KS = (10, 20)

# topic: (main word for the keyword baseline, pattern over English title + abstract)
REAL_TOPICS = {
    "language models": ("language", r"language model|\bllms?\b|\bgpt|prompt|instruction[- ]tun"),
    "reinforcement learning": (
        "reinforcement",
        r"reinforcement learning|\brl\b|\bpolicy\b|\bpolicies\b|\breward|\bbandit",
    ),
    "graphs": ("graph", r"\bgraph|\bgnns?\b|message passing"),
    "diffusion / generative": ("diffusion", r"\bdiffusion|denois|score-based|generative model"),
    "privacy / federated": ("privacy", r"\bprivacy|\bprivate\b|federated|differential priva"),
    "time series": ("forecasting", r"time[- ]series|forecast|temporal"),
}
# Test days: the 737-paper cs.LG digest and the 200-paper cs.AI digest feed.
REAL_TESTS = (("real cs.LG 2024-02-06", "2024-02-06"), ("real cs.AI 2024-03-18", "2024-03-18"))
SYNTHETIC_TOPICS = ("diffusion", "graph", "federated", "protein", "hallucination", "robot")


def _day_before(date: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(date) - dt.timedelta(days=1)).isoformat()


def _english(store: Store, pks: list[int]) -> dict[int, str]:
    return {
        r.rowid: f"{r.paper.title_en}\n{r.paper.abstract_en}".lower() for r in store.get_papers(pks)
    }


def _title(store: Store, pks: list[int]) -> dict[int, str]:
    return {r.rowid: r.paper.title_en.lower() for r in store.get_papers(pks)}


def _precision(ranked: list[int], truth: set[int], k: int) -> float:
    return sum(1 for pk in ranked[:k] if pk in truth) / k


def evaluate(
    db: Path,
    tests: list[tuple[str, str | None]],
    topics: dict[str, tuple[str, object]],
    seeds: int,
    title_only: bool = False,
) -> list[dict]:
    """tests: (label, day or None for the newest day); topics: name -> (word, matcher).

    The test papers are those listed on the day; the stars come from those
    listed before it.
    """
    out: list[dict] = []
    with Store.open(db) as store:
        for label, day in tests:
            date = day or store.digests()[0].date
            test = store.list_ids(f"date:{date}")
            pool = store.list_ids(f"date:..{_day_before(date)}")
            text = (_title if title_only else _english)(store, pool + test)
            for topic, (word, match) in topics.items():
                hit = match if callable(match) else re.compile(str(match)).search
                truth = {pk for pk in test if hit(text[pk])}
                candidates = [pk for pk in pool if hit(text[pk])]
                keyword = store.list_ids(f"{word} date:{date}")
                row = {
                    "test": label,
                    "topic": topic,
                    "test_papers": len(test),
                    "topic_in_test": len(truth),
                    "topic_before": len(candidates),
                    "random": {k: round(len(truth) / len(test), 3) for k in KS},
                    "keyword": {k: _precision(keyword, truth, k) for k in KS},
                    "foryou": {},
                }
                for n in NS:
                    if len(candidates) < n:
                        continue
                    runs = {k: [] for k in KS}
                    for seed in range(seeds):
                        stars = random.Random(seed).sample(candidates, n)
                        store.set_starred(store.list_ids("is:starred"), False)
                        store.set_starred(stars)
                        model = rank_train.train(db)
                        scores, _ = model.lookup(test)
                        ranked = [
                            test[i]
                            for i in sorted(range(len(test)), key=lambda i: -float(scores[i]))
                        ]
                        for k in KS:
                            runs[k].append(_precision(ranked, truth, k))
                    row["foryou"][n] = {k: round(statistics.mean(v), 3) for k, v in runs.items()}
                out.append(row)
    return out


def _copy_db(src: Path, dest: Path) -> None:
    """A consistent copy of a cache in WAL mode (a file copy could miss the WAL)."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(src)) as a, closing(sqlite3.connect(dest)) as b:
        a.backup(b)


def real_cache(dest: Path, samples: Path = SAMPLES) -> Path | None:
    if not samples.is_dir():
        return None
    db = dest / "real.db"
    with Store.open(db) as store:
        for path in sorted(samples.glob("*")):
            if path.name.startswith(("digest", "arxiv", "seed")) and "empty" not in path.name:
                result = read_document(path.read_bytes(), source=str(path))
                store.import_digest(result.digest)
    return db


class _Clock:
    """Wall and CPU time of a block (CPU time is what a busy shared machine distorts least)."""

    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def speed(db: Path) -> dict[str, object]:
    """Timings on a copy of a (large) cache; 20 papers with one title word starred."""
    with Store.open(db) as store:
        n = store.count("")
        store.set_starred(store.list_ids("is:starred"), False)
        store.set_starred(store.list_ids("ti:diffusion")[-20:])
        some = store.list_ids("")[:1000]
    shutil.rmtree(rank_dir(db), ignore_errors=True)
    out: dict[str, object] = {"papers": n}
    with _Clock() as c:
        rank_train.update_features(db)
    out["features_from_scratch_s"] = (round(c.wall, 2), round(c.cpu, 2))
    runs = []
    for _ in range(3):
        with _Clock() as c:
            model = rank_train.train(db)  # features cached, as after the first run
        runs.append((c.wall, c.cpu))
    out["train_s"] = tuple(round(statistics.median(v), 2) for v in zip(*runs, strict=True))
    with _Clock() as c:
        model.lookup(some)
    out["score_1000_stored_ms"] = (round(c.wall * 1000, 2), round(c.cpu * 1000, 2))
    feats = rank_train.update_features(db)
    rows, _ = feats.rows(some)
    with _Clock() as c:
        rank_train.score_counts(feats.counts[rows], model.idf, model.weights, model.bias)
    out["score_1000_from_features_ms"] = (round(c.wall * 1000, 1), round(c.cpu * 1000, 1))
    with _Clock() as c:
        rank_train.related(db, some[0], 20)
    out["related_s"] = (round(c.wall, 2), round(c.cpu, 2))
    out["files_mb"] = round(sum(p.stat().st_size for p in rank_dir(db).iterdir()) / 1e6, 1)
    out["note"] = "(wall, cpu) pairs"
    return out


def markdown(rows: list[dict]) -> str:
    head = "| data / test | topic (in test) | random @10/@20 | keyword @10/@20 | "
    head += " | ".join(f"For you N={n} @10/@20" for n in NS) + " |"
    lines = [head, "|" + " --- |" * (4 + len(NS))]
    for r in rows:
        cells = [
            r["test"],
            f"{r['topic']} ({r['topic_in_test']}/{r['test_papers']})",
            "{:.2f} / {:.2f}".format(*(r["random"][k] for k in KS)),
            "{:.2f} / {:.2f}".format(*(r["keyword"][k] for k in KS)),
        ]
        for n in NS:
            f = r["foryou"].get(n)
            cells.append("{:.2f} / {:.2f}".format(*(f[k] for k in KS)) if f else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Mean precision@k per method over the rows that have every N."""
    out: dict[str, dict[str, float]] = {}
    for n in NS:
        have = [r for r in rows if n in r["foryou"]]
        if not have:
            continue
        for k in KS:
            out.setdefault(f"N={n}", {})[f"foryou@{k}"] = round(
                statistics.mean(r["foryou"][n][k] for r in have), 3
            )
            out[f"N={n}"][f"keyword@{k}"] = round(statistics.mean(r["keyword"][k] for r in have), 3)
            out[f"N={n}"][f"random@{k}"] = round(statistics.mean(r["random"][k] for r in have), 3)
            out[f"N={n}"]["topics"] = len(have)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3, help="random star sets per topic and N")
    ap.add_argument("--synthetic-papers", type=int, default=12_000)
    ap.add_argument("--synthetic-db", type=Path, help="use a copy of this synthetic cache")
    ap.add_argument("--speed", action="store_true", help="also time training and scoring")
    ap.add_argument("--speed-only", action="store_true", help="only time (no quality runs)")
    ap.add_argument("--speed-papers", type=int, default=65_000)
    ap.add_argument("--speed-db", type=Path, help="use a copy of this cache for --speed")
    ap.add_argument("--markdown", action="store_true", help="also print the README tables")
    ap.add_argument("--samples", type=Path, default=SAMPLES, help="the real samples folder")
    args = ap.parse_args(argv)
    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        real = None if args.speed_only else real_cache(tmpdir, args.samples)
        rows: list[dict] = []
        if real is not None:
            tests = list(REAL_TESTS)
            real_rows = evaluate(real, tests, REAL_TOPICS, args.seeds)
            result["real"] = {"rows": real_rows, "summary": summary(real_rows)}
            rows += real_rows
        if not args.speed_only:
            synth = tmpdir / "synthetic.db"
            if args.synthetic_db:
                _copy_db(args.synthetic_db, synth)
            else:
                build_cache(synth, args.synthetic_papers)
            assert all(w in EN_WORDS for w in SYNTHETIC_TOPICS)
            topics = {w: (w, re.compile(rf"\b{w}\b").search) for w in SYNTHETIC_TOPICS}
            synth_rows = evaluate(synth, [("synthetic newest day", None)], topics, args.seeds, True)
            result["synthetic"] = {"rows": synth_rows, "summary": summary(synth_rows)}
            rows += synth_rows
        if args.speed or args.speed_only:
            big = tmpdir / "speed.db"
            if args.speed_db:
                _copy_db(args.speed_db, big)
            else:
                build_cache(big, args.speed_papers)
            result["speed"] = speed(big)
    print(json.dumps(result, indent=2))
    if args.markdown:
        print(markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
