"""The For you worker the reader runs in a child process (`rank.background`).

    python -m tui_digest.rank train DB          bring the model up to date
    python -m tui_digest.rank related DB PK N   the N papers most like paper PK

Prints one JSON value: for `train` {"status": "ok", "starred": N, "papers": N}
or {"status": "few-stars", "starred": N}; for `related` [[pk, similarity], ...].
A missing optional dependency is one line on stderr and exit status 3.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

USAGE = "usage: python -m tui_digest.rank train DB | related DB PK LIMIT"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not (args[:1] == ["train"] and len(args) == 2) and not (
        args[:1] == ["related"] and len(args) == 4 and args[2].isdigit() and args[3].isdigit()
    ):
        print(USAGE, file=sys.stderr)
        return 2
    from tui_digest.rank import NotEnoughStars

    try:
        from tui_digest.rank import train
    except ImportError as exc:
        print(
            f"ranking needs: pip install 'tui-digest[rank]' (missing {exc.name})", file=sys.stderr
        )
        return 3
    db = Path(args[1])
    if args[0] == "related":
        found = train.related(db, int(args[2]), limit=int(args[3]))
        print(json.dumps([[pk, round(sim, 6)] for pk, sim in found]))
        return 0
    try:
        model = train.ensure_model(db)
    except NotEnoughStars as exc:
        print(json.dumps({"status": "few-stars", "starred": exc.n_starred}))
        return 0
    print(json.dumps({"status": "ok", "starred": model.n_starred, "papers": model.n_papers}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
