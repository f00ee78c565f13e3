"""`python -m tui_digest.rank train DB`: bring the For you model up to date.

The reader runs this in a subprocess, so that scikit-learn and the feature
matrix never live in its memory and training never holds its GIL. Prints one
JSON object: {"status": "ok", "starred": N, "papers": N} or
{"status": "few-stars", "starred": N}. Exit status 0 in both cases.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] != "train":
        print("usage: python -m tui_digest.rank train DB", file=sys.stderr)
        return 2
    from tui_digest.rank import NotEnoughStars
    from tui_digest.rank.train import ensure_model

    try:
        model = ensure_model(Path(args[1]))
    except NotEnoughStars as exc:
        print(json.dumps({"status": "few-stars", "starred": exc.n_starred}))
        return 0
    print(json.dumps({"status": "ok", "starred": model.n_starred, "papers": model.n_papers}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
