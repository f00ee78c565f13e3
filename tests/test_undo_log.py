"""The undo history kept in the cache (`core/store/undo_log`): newest first, a
bounded depth, big changes stored compactly, forgotten when papers are removed."""

from __future__ import annotations

from pathlib import Path

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store, undo_log


def _store(path: Path, n: int = 30) -> Store:
    store = Store.open(path)
    papers = [Paper(id=f"2401.{i:05d}", title_en=f"Paper {i}") for i in range(n)]
    store.import_digest(Digest("d", date="2024-01-02", papers=papers))
    return store


def test_undo_takes_back_the_newest_first_and_keeps_only_the_depth(tmp_path: Path) -> None:
    with _store(tmp_path / "c.db") as store:
        ids = store.list_ids()
        for rowid in ids[:12]:  # twelve one-paper stars: only the last DEPTH are kept
            changed = store.change_flag("starred", [rowid], True)
            store.push_undo("starred", True, changed, 1)
        assert store.undo_depth() == undo_log.DEPTH == 10
    with Store.open(tmp_path / "c.db") as store:  # across a restart
        undone = store.undo_last()
        assert undone is not None and undone.rowids == [ids[11]] and undone.value is True
        for _ in range(9):
            assert store.undo_last() is not None
        assert store.undo_last() is None
        starred = [r.starred for r in store.get_papers(ids[:12])]
        assert starred == [True, True] + [False] * 10  # the two beyond the depth stay


def test_a_change_of_many_papers_is_one_compact_entry(tmp_path: Path) -> None:
    rowids = list(range(1, 500_001))  # as `M` on a 500k cache
    with _store(tmp_path / "c.db", 2) as store:
        store.push_undo("read", True, rowids, len(rowids))
        size = store._conn().execute("SELECT length(rowids) FROM undo_log").fetchone()[0]
        assert size < 20_000  # (3.4 MB as JSON text)
        undone = store.undo_last()
        assert undone is not None and undone.asked == 500_000


def test_removing_papers_forgets_the_history_and_counts_the_removal(tmp_path: Path) -> None:
    with _store(tmp_path / "c.db") as store:
        ids = store.list_ids()
        store.push_undo("read", True, store.change_flag("read", ids[:3], True), 3)
        assert undo_log.removals(store._conn()) == 0
        store.remove_digests(store.digest_pks(["d"]))
        assert store.undo_depth() == 0 and store.undo_last() is None
        assert undo_log.removals(store._conn()) == 1


def _push(store: Store, flag: str, rowids: list[int], owner: str | None = None) -> None:
    """A change made by reader `owner` (else this one), remembered for undo."""
    changed = store.change_flag(flag, rowids, True)
    with store._write() as conn:
        undo_log.push(conn, flag, True, changed, 1, owner)


def _gone_pid() -> int:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(done.stdout)


def test_undo_never_takes_back_a_change_of_another_reader_still_open(tmp_path: Path) -> None:
    """Two readers on one cache (found by a bug hunt): ctrl+z in A took back B's
    stars while A's own mark stayed. A takes back its own changes only, and
    B's are there for B."""
    from tui_digest.core.processes import this_host

    me = undo_log.this_reader()
    other = f"{this_host()}\t1"  # (process 1 runs as long as the machine does)
    with _store(tmp_path / "c.db") as store:
        ids = store.list_ids()
        conn = store._conn()
        _push(store, "starred", ids[:1])
        _push(store, "read", ids[1:2])
        _push(store, "starred", ids[2:3], other)
        _push(store, "starred", ids[1:2], other)
        assert undo_log.depth(conn, me) == 2 and undo_log.depth(conn, other) == 2
        first = store.undo_last()
        assert first is not None and (first.flag, first.rowids) == ("read", [ids[1]])
        second = store.undo_last()
        assert second is not None and (second.flag, second.rowids) == ("starred", [ids[0]])
        assert store.undo_last() is None
        # B's stars stay, and B can still take them back.
        assert [r.starred for r in store.get_papers(ids[:3])] == [False, True, True]
        with store._write() as w:
            back = undo_log.undo_last(w, other)
        assert back is not None and back.rowids == [ids[1]]


def test_a_restarted_reader_takes_back_what_its_last_session_left(tmp_path: Path) -> None:
    """The history survives quitting: entries of a reader that has quit (or from
    before owners were kept) are taken back after the new reader's own."""
    from tui_digest.core.processes import this_host

    gone = f"{this_host()}\t{_gone_pid()}"
    with _store(tmp_path / "c.db") as store:
        ids = store.list_ids()
        _push(store, "starred", ids[:1], "")
        _push(store, "starred", ids[1:2], gone)
        _push(store, "read", ids[2:3])
        order = [store.undo_last() for _ in range(4)]
    assert [u.rowids if u else None for u in order] == [[ids[2]], [ids[1]], [ids[0]], None]


def test_each_reader_keeps_its_own_depth(tmp_path: Path) -> None:
    from tui_digest.core.processes import this_host

    other = f"{this_host()}\t1"
    with _store(tmp_path / "c.db") as store:
        ids = store.list_ids()
        _push(store, "starred", [ids[0]])
        for rowid in ids[1:13]:  # the other reader's twelve do not push ours out
            _push(store, "starred", [rowid], other)
        conn = store._conn()
        assert undo_log.depth(conn, other) == undo_log.DEPTH
        assert undo_log.depth(conn) == 1


def test_a_mark_and_its_undo_entry_are_one_write(tmp_path: Path, monkeypatch) -> None:
    """`M` was two commits, the marks then their undo entry: a reader killed
    between them kept 31,322 read marks that ctrl+z could never take back (found
    by a bug hunt). `Store.mark(undoable=True)` and `timer_read(undoable=True)`
    write both in one transaction: a failure of the entry leaves no mark."""
    import sqlite3

    import pytest

    from tui_digest.core.store import CacheError

    def full(*args: object, **kw: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    db = tmp_path / "c.db"
    with _store(db) as store:
        ids = store.list_ids()
        with monkeypatch.context() as patched:
            patched.setattr(undo_log, "push", full)
            with pytest.raises(CacheError):
                store.mark("read", ids, True, undoable=True)
            with pytest.raises(CacheError):
                store.timer_read(ids[0], undoable=True)
        assert store.count("is:read") == 0 and store.undo_depth() == 0
        done = store.mark("read", ids, True, undoable=True)
        assert len(done.changed) == len(ids) == store.count("is:read")
        assert store.timer_read(ids[0], undoable=True) == []  # (read already: no entry)
        store.mark("starred", ids[:1], undoable=True)
        assert store.mark("starred", [], undoable=True).changed == []  # (nothing: no entry)
        assert store.undo_depth() == 2
    with Store.open(db) as store:  # across a restart
        assert store.undo_last() is not None and store.count("is:starred") == 0
        undone = store.undo_last()
        assert undone is not None and undone.flag == "read" and len(undone.rowids) == len(ids)
        assert store.count("is:read") == 0


def test_undoing_a_mark_kept_waiting_says_so() -> None:
    from tui_digest.ui.marks import FlagChange

    assert (
        FlagChange("starred", True, (), 1, waiting=1).describe_undo()
        == "Undone: 1 removed paper no longer kept as starred."
    )
    assert (
        FlagChange("read", False, (4,), 3, waiting=2).describe_undo()
        == "Undone: marked 1 paper read; 2 removed papers no longer kept as unread."
    )


def test_a_restart_never_takes_undo_deeper_than_the_depth(tmp_path: Path) -> None:
    """A star left by the last session, then eleven in this one: ctrl+z answered
    eleven times, the eleventh unstarring the last session's paper (README: ten
    levels deep; found by a bug hunt). What this reader may take back, its own and
    what readers that quit left, is kept to the depth."""
    from tui_digest.core.processes import this_host

    gone = f"{this_host()}\t{_gone_pid()}"
    with _store(tmp_path / "c.db") as store:
        ids = store.list_ids()
        _push(store, "starred", ids[:1], gone)
        assert undo_log.depth(store._conn()) == 1  # the last session's, for this one
        for rowid in ids[1:12]:
            _push(store, "starred", [rowid])
        assert undo_log.depth(store._conn()) == undo_log.DEPTH
        undone = [store.undo_last() for _ in range(undo_log.DEPTH + 1)]
        assert [u.rowids if u else None for u in undone] == [
            *([rowid] for rowid in reversed(ids[2:12])),
            None,
        ]
        assert [r.starred for r in store.get_papers(ids[:2])] == [True, True]


def test_two_readers_that_quit_leave_ten_levels_not_twenty(tmp_path: Path) -> None:
    """Regression hunt: the trim ran only when a change was recorded, so a new
    reader could take back 20 changes two quit readers left before making one."""
    import subprocess
    import sys

    from tui_digest.core.processes import this_host

    # Two readers running while they make their changes (neither trims the
    # other's), then both quit.
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
        )
        for _ in range(2)
    ]
    with _store(tmp_path / "c.db") as store:
        ids = store.list_ids()
        for reader, first in zip(readers, (0, 10), strict=True):
            for rowid in ids[first : first + 10]:
                _push(store, "starred", [rowid], f"{this_host()}\t{reader.pid}")
        for reader in readers:
            reader.communicate(b"")  # it quits
        undone = [store.undo_last() for _ in range(undo_log.DEPTH + 1)]
        assert [u is not None for u in undone] == [True] * undo_log.DEPTH + [False]


def test_a_reader_on_another_host_keeps_its_history(tmp_path: Path) -> None:
    """Regression hunt: on a cache two machines share, this reader's trim deleted
    the history of a reader still open on the other host."""
    other = "another-host.example\t4242"
    with _store(tmp_path / "c.db") as store:
        ids = store.list_ids()
        for rowid in ids[:5]:
            _push(store, "starred", [rowid], other)
        for rowid in ids[5:20]:
            _push(store, "starred", [rowid])
        owners = [o for (o,) in store._conn().execute("SELECT owner FROM undo_log")]
        assert owners.count(other) == 5
        assert len(owners) == 5 + undo_log.DEPTH
