"""Training and similarity in a child process, for the reader.

The reader must not hold scikit-learn, SciPy or the feature matrix (about
3 KB a paper) in its memory, and featurising holds the GIL for seconds; so it
runs `python -m tui_digest.rank` and reads one JSON line back. Only the
stored scores (NumPy, `rank.files`) are loaded in the reader's process.

When the child could not save the model (a read-only cache, a full disk), its
answer holds the scores, and this process keeps them in memory instead
(`kept_model`): the reader then ranks without the files.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.rank import Abandoned, RankUnavailable

if TYPE_CHECKING:
    from tui_digest.rank.files import Model

TIMEOUT = 300.0  # seconds; the first build of the features at 100k papers takes ~20 s
POLL = 0.1  # seconds between looks at `stop` while a child runs

Stop = Callable[[], bool]


# Children still running, so the reader can end them when it quits: a quit
# during training at 500k waited ~100 s on a blank screen for the child.
_running: set[subprocess.Popen[str]] = set()
_lock = threading.Lock()
# The model of each cache whose model file could not be saved (key: the cache's path).
_kept: dict[str, Model] = {}
_told: set[str] = set()  # the "could not save" sentences already shown


def run(*args: str, stop: Stop | None = None, given: str | None = None) -> object:
    """Run `python -m tui_digest.rank ARGS`; its JSON answer, or RankUnavailable."""
    return run_command([sys.executable, "-m", "tui_digest.rank", *args], stop=stop, given=given)


def run_command(
    command: list[str], *, stop: Stop | None = None, given: str | None = None
) -> object:
    """Run `command` as a child that `stop_all` can end; the JSON line it printed.

    `stop`: asked every POLL seconds; when it says True the child is ended and
    `Abandoned` raised. A search typed while `related:` ran (7-15 s at 65k
    papers) left its child running to the end, and the next ranked search
    started a second one beside it. `given`: written to the child's stdin.
    """
    stdin = subprocess.PIPE if given is not None else None
    try:
        child = subprocess.Popen(
            command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except OSError as exc:
        raise RankUnavailable(f"the For you worker could not run: {exc}") from None
    with _lock:
        _running.add(child)
    try:
        out, err = _wait(child, stop, given)
    except subprocess.TimeoutExpired as exc:
        child.kill()
        child.communicate()
        raise RankUnavailable(f"the For you worker could not run: {exc}") from None
    finally:
        with _lock:
            _running.discard(child)
    if child.returncode != 0:
        lines = (err or "").strip().splitlines()
        if child.returncode < 0 and not lines:
            raise RankUnavailable("the For you worker was stopped")
        raise RankUnavailable(
            lines[-1] if lines else f"the For you worker failed ({child.returncode})"
        )
    return json.loads(out)


def _wait(child: subprocess.Popen[str], stop: Stop | None, given: str | None) -> tuple[str, str]:
    """The child's output once it ends; Abandoned (the child ended) when `stop` says so."""
    if stop is None:
        return child.communicate(given, timeout=TIMEOUT)
    waited = 0.0
    while True:
        try:
            # communicate() may be called again after its timeout: no output is
            # lost, and the input goes on being written (it is given only once).
            return child.communicate(given, timeout=POLL)
        except subprocess.TimeoutExpired:
            given = None
            waited += POLL
            if stop():
                child.terminate()
                child.communicate()
                raise Abandoned() from None
            if waited >= TIMEOUT:
                raise


def stop_all() -> int:
    """End every child still running (the reader is quitting); how many there were.

    Their work is lost, which is fine: the model is written only when training
    ends, and the next start trains again.
    """
    with _lock:
        children = list(_running)
    for child in children:
        if child.poll() is None:
            child.terminate()
    return len(children)


def train(db: Path) -> dict:
    answer = run("train", str(db))
    assert isinstance(answer, dict)
    kept = answer.get("kept")
    with _lock:
        if isinstance(kept, dict):
            _kept[str(db)] = _model_of(kept, str(answer.get("unsaved", "")))
        else:
            _kept.pop(str(db), None)  # saved: the file is the model now
    return answer


def _model_of(kept: dict, unsaved: str) -> Model:
    """The model the child could not save: what ranking and `is_fresh` read of it."""
    import numpy as np

    from tui_digest.rank.files import Model

    n_starred, n_papers, max_pk = (int(v) for v in kept["counts"])
    return Model(
        weights=np.zeros(0, np.float32),
        bias=0.0,
        idf=np.zeros(0, np.float32),
        stars=str(kept["stars"]),
        n_starred=n_starred,
        n_papers=n_papers,
        max_pk=max_pk,
        score_pks=np.asarray(kept["score_pks"], dtype=np.int64),
        scores=np.asarray(kept["scores"], dtype=np.float32),
        last_id=str(kept["last_id"]),
        unsaved=unsaved,
    )


def kept_model(db: Path) -> Model | None:
    """The model last trained for `db` when its file could not be saved, else None."""
    with _lock:
        return _kept.get(str(db))


def first_time(unsaved: str) -> bool:
    """Whether the sentence `unsaved` is new to this process (the reader says it once)."""
    with _lock:
        if not unsaved or unsaved in _told:
            return False
        _told.add(unsaved)
        return True


def related(
    db: Path, pk: int, limit: int, stop: Stop | None = None, among: list[int] | None = None
) -> tuple[list[tuple[int, float]], int, str]:
    """The `limit` papers most like paper `pk` (of `among`, else the whole cache),
    best first, how many have any similarity (`rank.train.similar`), and why the
    features could not be saved ("" when they were)."""
    args = ["related", str(db), str(pk), str(limit)]
    given = None if among is None else json.dumps(among)
    answer = run(*args, *(["-"] if given is not None else []), stop=stop, given=given)
    assert isinstance(answer, dict)
    found = [(int(pk), float(sim)) for pk, sim in answer["found"]]
    return found, int(answer["similar"]), str(answer.get("unsaved", ""))
