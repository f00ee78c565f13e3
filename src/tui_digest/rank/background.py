"""Training and similarity in a child process, for the reader.

The reader must not hold scikit-learn, SciPy or the feature matrix (about
3 KB a paper) in its memory, and featurising holds the GIL for seconds; so it
runs `python -m tui_digest.rank` and reads one JSON line back. Only the
stored scores (NumPy, `rank.files`) are loaded in the reader's process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tui_digest.rank import RankUnavailable

TIMEOUT = 300.0  # seconds; the first build of the features at 100k papers takes ~20 s


def run(*args: str) -> object:
    """Run `python -m tui_digest.rank ARGS`; its JSON answer, or RankUnavailable."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tui_digest.rank", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RankUnavailable(f"the For you worker could not run: {exc}") from None
    if done.returncode != 0:
        lines = (done.stderr or "").strip().splitlines()
        raise RankUnavailable(
            lines[-1] if lines else f"the For you worker failed ({done.returncode})"
        )
    return json.loads(done.stdout)


def train(db: Path) -> dict:
    answer = run("train", str(db))
    assert isinstance(answer, dict)
    return answer


def related(db: Path, pk: int, limit: int) -> list[tuple[int, float]]:
    answer = run("related", str(db), str(pk), str(limit))
    assert isinstance(answer, list)
    return [(int(pk), float(sim)) for pk, sim in answer]
