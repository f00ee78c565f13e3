"""For you on a cache whose rank files cannot be written (read-only, disk full).

The files next to the cache (`<cache.db>.rank/`) only keep what can be computed
again: when they cannot be saved, the ranking goes on without them and says so
once, naming the folder. A read-only cache gave "tui-digest: …cache.db.rank:
Read-only file system" and exit 2, and the reader showed "tui_digest.core.
atomic_file.OSError: cannot write …features.npz: No space left on device"
(found by a bug hunt).
"""

from __future__ import annotations

import errno
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

pytest.importorskip("sklearn", reason="the rank extra (scikit-learn) is part of [dev]")

from cli_support import run_cli
from rank_corpus import build, star
from tui_digest.core import atomic_file
from tui_digest.core.store import Store
from tui_digest.rank import rank_dir
from tui_digest.rank.listing import rank_listing


@pytest.fixture
def starred(tmp_path: Path) -> tuple[Path, dict[str, list[str]]]:
    db = tmp_path / "cache.db"
    ids = build(db)
    star(db, ids["rl"][:6])
    return db, ids


def _failing_save(monkeypatch, err: int) -> None:
    """Every save of a rank file fails as a read-only or full disk makes it fail."""

    def refuse(path, data, **_kw):
        if err == errno.ENOSPC:  # (what write_atomic raises: its own words)
            raise atomic_file.write_error(err, f"cannot write {path}: No space left on device")
        raise OSError(err, "Read-only file system", str(Path(path).parent))

    monkeypatch.setattr(atomic_file, "write_atomic", refuse)


def _plain(text: str, db: Path) -> None:
    """Says the files were not saved, names their folder, and no Python words."""
    assert f"could not save its files in {rank_dir(db)}" in text
    assert "Errno" not in text and "tui_digest." not in text and "OSError" not in text


@pytest.mark.parametrize("err", [errno.EROFS, errno.ENOSPC])
def test_ranking_and_related_go_on_without_saving(starred, monkeypatch, err) -> None:
    db, ids = starred
    _failing_save(monkeypatch, err)
    with Store.open(db, readonly=True) as store:
        ranked = rank_listing(store, "-is:starred sort:foryou")
        top = [r.id for r in store.list_rows(ranked.ids[:5])]
        related = rank_listing(store, f"related:{ids['parsing'][0]}")
        like = [r.id for r in store.list_rows(related.ids[:5])]
    assert set(top) <= set(ids["rl"]) and set(like) <= set(ids["parsing"])
    reason = "Read-only file system" if err == errno.EROFS else "No space left on device"
    for ranking in (ranked, related):
        _plain(ranking.unsaved, db)
        assert reason in ranking.unsaved
    assert not (rank_dir(db) / "model.npz").exists()


def test_the_worker_answers_with_the_scores_it_could_not_save(starred, monkeypatch) -> None:
    """The reader's child process: its answer holds the scores (the reader keeps
    them in memory), and a related: answer says the features were not saved."""
    from tui_digest.rank.__main__ import main

    db, _ids = starred
    _failing_save(monkeypatch, errno.ENOSPC)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["train", str(db)]) == 0
    answer = json.loads(out.getvalue())
    assert answer["status"] == "ok" and answer["starred"] == 6
    _plain(answer["unsaved"], db)
    kept = answer["kept"]
    assert len(kept["score_pks"]) == len(kept["scores"]) == answer["papers"]


def test_cli_related_and_foryou_on_a_cache_whose_rank_folder_cannot_be_made(starred) -> None:
    """A file where the rank folder goes makes every save fail for real (root too)."""
    db, ids = starred
    rank_dir(db).write_text("in the way\n")
    for args in (("related", ids["rl"][0], "--limit", "3"), ("search", "sort:foryou")):
        out = run_cli(*args, db=db)
        err = out.stderr.decode()
        assert out.returncode == 0, err
        assert out.stdout.count(b"\n") >= 3
        _plain(err, db)
        assert err.count("could not save") == 1


def test_reader_ranking_through_its_worker_without_saving(starred) -> None:
    from tui_digest.ui.foryou_read import ranked_listing

    db, ids = starred
    rank_dir(db).write_text("in the way\n")
    with Store.open(db, readonly=True) as store:
        ranked = ranked_listing(store, "-is:starred sort:foryou", None)
        top = [r.id for r in store.list_rows(ranked.ids[:5])]
        related = ranked_listing(store, f"related:{ids['parsing'][0]}", None)
    assert not ranked.problem and set(top) <= set(ids["rl"])
    assert not related.problem and related.ids
    _plain(ranked.unsaved, db)
    _plain(related.unsaved, db)


def test_a_worker_that_cannot_read_the_cache_says_so_in_a_sentence(tmp_path: Path) -> None:
    """Its last stderr line is what the reader shows: no traceback, no class path."""
    import subprocess
    import sys

    db = tmp_path / "cache.db"
    db.write_bytes(b"not a database at all" * 100)
    out = subprocess.run(
        [sys.executable, "-m", "tui_digest.rank", "train", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("For you could not read the cache")
    assert "Traceback" not in out.stderr and "sqlite3." not in out.stderr


def test_the_ranking_reads_a_cache_on_read_only_media_as_the_store_does(
    starred, monkeypatch
) -> None:
    """A WAL cache on read-only media cannot get its `-shm`: the store reads it
    with `immutable=1`, and the ranking's own connection gave "unable to open
    database file" (a traceback). The media is simulated; the URI is what tells."""
    import sqlite3

    from tui_digest.core import cache_access
    from tui_digest.rank import corpus

    db, _ids = starred
    monkeypatch.setattr(cache_access, "on_readonly_media", lambda _path: True)
    opened: list[str] = []
    real_connect = sqlite3.connect

    def connect(database, *args, **kwargs):
        opened.append(database)
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(corpus.sqlite3, "connect", connect)
    with corpus.read_only(db) as conn:
        assert corpus.cache_state(conn).n_starred == 6
    assert opened and all(uri.endswith("?mode=ro&immutable=1") for uri in opened)


def test_a_ranking_that_cannot_save_never_says_the_first_time(starred) -> None:
    # Every run said "training For you on N starred papers (the first time
    # reads all N papers)…" on a read-only cache, as if the next would not.
    db, _ids = starred
    rank_dir(db).write_text("in the way\n")
    for _run in range(2):
        out = run_cli("search", "sort:foryou", db=db)
        err = out.stderr.decode()
        assert out.returncode == 0, err
        assert "training For you on 6 starred papers…" in err, err
        assert "the first time" not in err
        _plain(err, db)


def test_the_first_training_says_it_reads_every_paper_once(starred) -> None:
    db, _ids = starred
    first = run_cli("search", "sort:foryou", db=db).stderr.decode()
    assert "(the first time reads all " in first and "could not save" not in first
    again = run_cli("search", "sort:foryou", db=db).stderr.decode()
    assert "training" not in again
