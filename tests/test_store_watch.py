"""`CacheWatch`: other connections' commits are noticed; marks and quiet polls are not."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store


def _paper(i: int) -> Paper:
    return Paper(id=f"2402.{20000 + i:05d}", version="v1", title_en=f"Paper {i}", summary_zh="摘要")


def _digest(name: str, date: str, first: int, count: int) -> Digest:
    return Digest(name=name, date=date, papers=[_paper(first + i) for i in range(count)])


def test_data_version_moves_only_when_another_connection_commits(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    with Store.open(path) as reader, Store.open(path) as other:
        reader.import_digest(_digest("digest-cs.LG-2024-02-05", "2024-02-05", 0, 3))
        watch = reader.watch()
        try:
            start = watch.data_version()
            assert watch.data_version() == start  # polling alone moves nothing
            reader.digests()  # nor do reads
            assert watch.data_version() == start
            other.import_digest(_digest("digest-cs.LG-2024-02-06", "2024-02-06", 10, 2))
            moved = watch.data_version()
            assert moved != start
            assert watch.data_version() == moved
        finally:
            watch.close()


def test_what_changed_tells_papers_and_digests_from_marks(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    with Store.open(path) as store:
        store.import_digest(_digest("digest-cs.LG-2024-02-05", "2024-02-05", 0, 3))
    with Store.open(path) as reader:
        watch = reader.watch()
        try:
            # (papers or digests, the user's marks, removals) changed since the last look
            assert watch.what_changed() == (False, False, False)  # the baseline
            assert watch.what_changed() == (False, False, False)
            with Store.open(path) as other:  # a CLI import in another process
                other.import_digest(_digest("digest-cs.LG-2024-02-06", "2024-02-06", 10, 2))
            assert watch.what_changed() == (True, False, False)
            assert watch.what_changed() == (False, False, False)  # reported once
            # Read/star marks commit, but change nothing a listing has to re-read.
            ids = reader.list_ids()
            assert len(ids) == 5
            before = watch.data_version()
            reader.set_read(ids[:2])
            reader.set_starred(ids[:1])
            assert watch.data_version() != before  # the marks did commit
            assert watch.what_changed() == (False, True, False)  # the marks alone
            # A same-day update that adds papers to a known digest is a change.
            with Store.open(path) as other:
                other.import_digest(_digest("digest-cs.LG-2024-02-06", "2024-02-06", 10, 4))
            assert watch.what_changed()[0] is True
            # Removing papers is told apart: their row numbers may be reused.
            with Store.open(path) as other:
                other.remove_digests(other.digest_pks(["digest-cs.LG-2024-02-05"]))
            assert watch.what_changed() == (True, False, True)
        finally:
            watch.close()


def test_a_state_import_of_older_changes_is_noticed_by_an_open_reader(tmp_path: Path) -> None:
    """A `state import` keeps each change's own time. With the reader's own
    newer marks here, neither the count nor the newest time of the recorded
    changes moved: the open reader kept a starred paper unstarred on screen,
    and `s` then unstarred it (found by a bug hunt). It is noticed now; an
    import that changes nothing is not a change."""
    from tui_digest.core.store.user_log import Change

    path = tmp_path / "cache.db"
    with Store.open(path) as store:
        store.import_digest(_digest("digest-cs.LG-2024-02-05", "2024-02-05", 0, 3))
        star = store.list_ids()[0]
        store.set_starred([star])  # star then unstar: a row stamped now
        store.set_starred([star], False)
        store.set_read(store.list_ids()[1:2])  # the reader's own newest mark
        pid = store.ids_of([star])[0]
    with sqlite3.connect(path) as conn:  # the unstar was last year; the read mark is now
        conn.execute(
            "UPDATE user_state SET changed_at = '2025-01-01T00:00:00.000Z' WHERE field = 'starred'"
        )
    conn.close()
    between = [Change(pid, "starred", True, "2025-06-01T00:00:00.000Z")]
    with Store.open(path) as reader:
        watch = reader.watch()
        try:
            assert watch.what_changed() == (False, False, False)  # the baseline
            with Store.open(path) as other:  # `state import` in another process
                assert other.merge_state(between).applied == 1
            assert watch.what_changed() == (False, True, False)
            with Store.open(path) as other:  # the same file again: nothing applied
                assert other.merge_state(between).applied == 0
            assert watch.what_changed() == (False, False, False)
            assert reader.get_papers([star])[0].starred is True
        finally:
            watch.close()


def _restore(path: Path, backup: Path, how: str) -> None:
    """A restore while the reader has `path` open (README says to quit it first)."""
    import os
    import shutil

    if how == "mv":  # a copy renamed over the cache, its log removed after
        shutil.copyfile(backup, path.with_name("new.db"))
        os.replace(path.with_name("new.db"), path)
    for part in ("-wal", "-shm"):
        if how != "mv keeping the log":
            Path(f"{path}{part}").unlink(missing_ok=True)
    if how == "cp":  # README's recipe: the same file (inode) written over
        shutil.copyfile(backup, path)
    if how == "mv keeping the log":
        shutil.copyfile(backup, path.with_name("new.db"))
        os.replace(path.with_name("new.db"), path)


def test_a_cache_file_replaced_under_an_open_store_is_said_not_called_malformed(
    tmp_path: Path,
) -> None:
    """A reader left open while its cache was restored (`cp` over it after
    deleting -wal/-shm, or a copy renamed over it) noticed nothing, or said
    "database disk image is malformed" of a sound file, and went on confirming
    marks that landed in the unlinked file or nowhere (found by a bug hunt).
    The watcher tells the file at the cache's path is no longer the one opened."""
    import pytest

    from tui_digest.core.store.watch import NothingMoreSaved

    for how in ("cp", "mv", "mv keeping the log"):
        path = tmp_path / how.replace(" ", "-") / "cache.db"
        path.parent.mkdir()
        backup = path.with_name("bk.db")
        with Store.open(path) as reader:
            reader.import_digest(_digest("digest-cs.LG-2024-02-05", "2024-02-05", 0, 3))
            reader.backup(backup)
            reader.set_starred(reader.list_ids()[:2])  # frames in the log
            watch = reader.watch()
            try:
                assert watch.what_changed() == (False, False, False)  # the baseline
                _restore(path, backup, how)
                with pytest.raises(NothingMoreSaved) as caught:
                    watch.what_changed()
            finally:
                watch.close()
        said = str(caught.value)
        assert "the cache file was replaced (restored?)" in said, how
        assert "quit and start the reader again" in said and "malformed" not in said
        assert str(path) in said


def test_the_store_own_and_other_writers_are_not_a_replaced_file(tmp_path: Path) -> None:
    """No false alarm: another process's writes, its close (a checkpoint that
    truncates the log), a VACUUM, and the reader's own marks keep the same file."""
    path = tmp_path / "cache.db"
    with Store.open(path) as reader:
        reader.import_digest(_digest("digest-cs.LG-2024-02-05", "2024-02-05", 0, 3))
        watch = reader.watch()
        try:
            assert watch.what_changed() == (False, False, False)
            with Store.open(path) as other:
                other.import_digest(_digest("digest-cs.LG-2024-02-06", "2024-02-06", 10, 2))
                other.set_read(other.list_ids()[:1])
            assert watch.what_changed()[0] is True
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            conn.close()
            reader.set_starred(reader.list_ids()[:1])
            assert watch.what_changed() == (False, True, False)
            assert watch.what_changed() == (False, False, False)
        finally:
            watch.close()


def test_a_cache_replaced_before_the_first_look_is_told_too(tmp_path: Path) -> None:
    """The file is compared with the one the store opened, not the one the
    watcher first saw (its first look may come after the restore)."""
    import os
    import shutil

    import pytest

    from tui_digest.core.store.watch import NothingMoreSaved

    path = tmp_path / "cache.db"
    with Store.open(path) as reader:
        reader.import_digest(_digest("digest-cs.LG-2024-02-05", "2024-02-05", 0, 3))
        reader.backup(tmp_path / "bk.db")
        shutil.copyfile(tmp_path / "bk.db", tmp_path / "new.db")
        os.replace(tmp_path / "new.db", path)
        watch = reader.watch()
        try:
            with pytest.raises(NothingMoreSaved, match="replaced"):
                watch.what_changed()
        finally:
            watch.close()
