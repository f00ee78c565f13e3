"""The For you worker the reader runs in a child process (`rank.background`).

    python -m tui_digest.rank train DB            bring the model up to date
    python -m tui_digest.rank related DB PK N     the N papers most like paper PK
    python -m tui_digest.rank related DB PK N -   ... among the papers whose pks
                                                  stdin holds (a JSON array)

Prints one JSON value: for `train` {"status": "ok", "starred": N, "papers": N}
or {"status": "few-stars" | "all-starred", "starred": N}; for `related` {"found": [[pk,
similarity], ...], "similar": M}, M being how many papers have any similarity
(the N shown are the most similar of them).
When the ranking's files could not be saved (a read-only cache, a full disk),
the answer also holds "unsaved" (the sentence that says so), and `train`'s
"kept": what the reader needs of the model to rank without its file
(`background.kept_model`).
A missing optional dependency is one line on stderr and exit status 3; any
other failure to read the cache one sentence on stderr and exit status 2.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

USAGE = "usage: python -m tui_digest.rank train DB | related DB PK LIMIT [-]"


def _valid(args: list[str]) -> bool:
    if args[:1] == ["train"]:
        return len(args) == 2
    return (
        args[:1] == ["related"]
        and len(args) in (4, 5)
        and args[2].isdigit()
        and args[3].isdigit()
        and args[4:] in ([], ["-"])
    )


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not _valid(args):
        print(USAGE, file=sys.stderr)
        return 2
    from tui_digest.rank import CannotRank, NotEnoughStars

    try:
        from tui_digest.rank import train
    except ImportError as exc:
        print(
            f"ranking needs: pip install 'tui-digest[rank]' (missing {exc.name})", file=sys.stderr
        )
        return 3
    db = Path(args[1])
    try:
        if args[0] == "related":
            among = [int(pk) for pk in json.load(sys.stdin)] if args[4:] == ["-"] else None
            answer = _related(train.similar(db, int(args[2]), among), int(args[3]))
        else:
            try:
                answer = _trained(train.ensure_model(db))
            except CannotRank as exc:
                status = "few-stars" if isinstance(exc, NotEnoughStars) else "all-starred"
                answer = {"status": status, "starred": exc.n_starred}
    except OSError as exc:  # (the rank files' saving is not one: it is said in "unsaved")
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"For you could not read the cache: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:  # (its last line is what the reader shows: no class path)
        print(f"For you could not read the cache {db}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(answer))
    return 0


def _related(similar, limit: int) -> dict:
    pks, sims, unsaved = similar
    found = [[int(pk), round(float(sim), 6)] for pk, sim in zip(pks, sims, strict=True)]
    answer: dict = {"found": found[:limit], "similar": len(found)}
    if unsaved:
        answer["unsaved"] = unsaved
    return answer


def _trained(model) -> dict:
    answer: dict = {"status": "ok", "starred": model.n_starred, "papers": model.n_papers}
    if model.unsaved:
        answer["unsaved"] = model.unsaved
        answer["kept"] = {
            "stars": model.stars,
            "counts": [model.n_starred, model.n_papers, model.max_pk],
            "last_id": model.last_id,
            "score_pks": [int(pk) for pk in model.score_pks],
            "scores": [round(float(s), 6) for s in model.scores],
        }
    return answer


if __name__ == "__main__":
    raise SystemExit(main())
