"""The For you worker the reader runs in a child process (`rank.background`).

    python -m tui_digest.rank train DB            bring the model up to date
    python -m tui_digest.rank related DB PK N     the N papers most like paper PK
    python -m tui_digest.rank related DB PK N -   ... among the papers whose pks
                                                  stdin holds (a JSON array)

Prints one JSON value: for `train` {"status": "ok", "starred": N, "papers": N}
or {"status": "few-stars" | "all-starred", "starred": N}; for `related` {"found": [[pk,
similarity], ...], "similar": M}, M being how many papers have any similarity
(the N shown are the most similar of them).
A missing optional dependency is one line on stderr and exit status 3.
"""

from __future__ import annotations

import json
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
    if args[0] == "related":
        among = [int(pk) for pk in json.load(sys.stdin)] if args[4:] == ["-"] else None
        pks, sims = train.similar(db, int(args[2]), among)
        found = [[int(pk), round(float(sim), 6)] for pk, sim in zip(pks, sims, strict=True)]
        print(json.dumps({"found": found[: int(args[3])], "similar": len(found)}))
        return 0
    try:
        model = train.ensure_model(db)
    except CannotRank as exc:
        status = "few-stars" if isinstance(exc, NotEnoughStars) else "all-starred"
        print(json.dumps({"status": status, "starred": exc.n_starred}))
        return 0
    print(json.dumps({"status": "ok", "starred": model.n_starred, "papers": model.n_papers}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
