"""Storage faults: a damaged, read-only, locked or full cache (core/cache_guard.py + Store)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tui_digest.core import cache_guard
from tui_digest.core.cache_guard import check_cache, retry_locked
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import CacheError, Store

NOW = dt.datetime(2026, 11, 24, 3, 15, 0)


def make_cache(path: Path, n: int = 3) -> None:
    with Store.open(path) as s:
        s.import_digest(
            Digest(
                "d", papers=[Paper(id=f"2401.{i:05d}", title_en=f"t{i}") for i in range(1, n + 1)]
            )
        )


def quick_check(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        conn.close()


# --- Damage: moved aside, a fresh cache started ---------------------------------------


def test_healthy_cache_passes_untouched(tmp_path):
    db = tmp_path / "cache.db"
    make_cache(db)
    before = db.read_bytes()
    result = check_cache(db)
    assert result == cache_guard.GuardResult(readonly=False, messages=[], moved_to=None)
    assert db.read_bytes() == before


def test_missing_cache_is_fine(tmp_path):
    result = check_cache(tmp_path / "new" / "cache.db")
    assert not result.readonly and not result.messages and result.moved_to is None


def test_zero_length_cache_is_a_new_cache_not_damage(tmp_path):
    """An empty file holds nothing, and is what another process creating the cache at
    the same moment has made before its first page: moving it aside lost that
    process's import, reported as done."""
    db = tmp_path / "cache.db"
    db.write_bytes(b"")
    result = check_cache(db, now=NOW)
    assert result.moved_to is None and not result.messages and not result.readonly
    assert db.exists() and not list(tmp_path.glob("*.corrupt-*"))
    make_cache(db)
    with Store.open(db) as s:
        assert s.count() == 3


def test_parallel_first_imports_into_a_new_cache_all_land(tmp_path):
    """Six `tui-digest import` started at once on a cache that does not exist yet:
    each that says it imported its digest has it in the cache."""
    mini = Path(__file__).parents[1] / "fixtures" / "cli" / "mini-2024-03-18.md"
    db = tmp_path / "new" / "cache.db"
    docs = []
    for i in range(6):
        doc = tmp_path / f"d{i}-2024-03-18.md"
        doc.write_bytes(mini.read_bytes().replace(b"2403.0000", f"2403.{i}000".encode()))
        docs.append(doc)
    env = dict(os.environ, TUI_DIGEST_DB=str(db))
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(map(os.path.abspath, env["PYTHONPATH"].split(":")))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tui_digest", "import", str(d)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for d in docs
    ]
    outs = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    failed = [(code, err.decode(errors="replace")) for code, _, err in outs if code]
    assert not failed, failed  # (only the failures: the whole list was cut in the report)
    assert not list(db.parent.glob("*.corrupt-*"))
    with Store.open(db) as s:
        assert sorted(d.source for d in s.digests()) == sorted(map(str, docs))
        assert s.count() == 18


def test_unreadable_sqlite_file_is_moved_aside_with_its_wal_and_shm(tmp_path):
    db = tmp_path / "cache.db"
    db.write_bytes(cache_guard.SQLITE_HEADER + b"my cache, scribbled over\n" * 100)
    (tmp_path / "cache.db-wal").write_bytes(b"wal bytes")
    (tmp_path / "cache.db-shm").write_bytes(b"shm bytes")
    result = check_cache(db, now=NOW)
    moved = result.moved_to
    assert moved is not None and b"my cache, scribbled" in moved.read_bytes()
    assert Path(f"{moved}-wal").read_bytes() == b"wal bytes"
    # (SQLite itself rebuilds the -shm index when it reads the file; it is moved too)
    assert Path(f"{moved}-shm").exists()
    assert not any(Path(f"{db}{s}").exists() for s in ("", "-wal", "-shm"))
    assert "not an SQLite database" in result.messages[0]


@pytest.mark.parametrize("readonly", [False, True])
def test_a_file_without_the_sqlite_header_is_refused_and_untouched(tmp_path, readonly):
    """A text file given as the cache is nobody's damaged cache: never moved, never written."""
    db = tmp_path / "notes.md"
    db.write_bytes(b"this is my thesis, not a database\n" * 100)
    before = db.read_bytes()
    with pytest.raises(CacheError, match=r"not a tui-digest cache .*not modified"):
        check_cache(db, want_readonly=readonly, now=NOW)
    with pytest.raises(CacheError, match=r"not a tui-digest cache .*not modified"):
        Store.open(db, readonly=readonly)
    assert db.read_bytes() == before
    assert list(tmp_path.iterdir()) == [db]


def test_move_aside_never_overwrites_an_earlier_corrupt_copy(tmp_path):
    db = tmp_path / "cache.db"
    earlier = tmp_path / "cache.db.corrupt-20261124-031500"
    earlier.write_bytes(b"first damaged cache")
    second = cache_guard.SQLITE_HEADER + b"second damaged cache"
    db.write_bytes(second)
    result = check_cache(db, now=NOW)
    assert result.moved_to == tmp_path / "cache.db.corrupt-20261124-031500-2"
    assert earlier.read_bytes() == b"first damaged cache"
    assert result.moved_to.read_bytes() == second


def corrupt_pages(db: Path) -> None:
    """Keep the SQLite header, scribble over every page after the first."""
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for i in range(page, len(data)):
        data[i] = 0xA5
    db.write_bytes(bytes(data))


def test_sqlite_file_failing_quick_check_is_moved_aside(tmp_path):
    db = tmp_path / "cache.db"
    make_cache(db, n=50)
    # Fold the WAL into the main file so the damage below is what a reader sees.
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    corrupt_pages(db)
    assert cache_guard.damage(db) != ""
    result = check_cache(db, now=NOW)
    assert result.moved_to is not None
    assert "damaged" in result.messages[0] or "integrity" in result.messages[0]


def test_store_starts_fresh_after_guard_moved_a_corrupt_cache(tmp_path):
    """The wiring the lead adds to Store.open, done by hand: guard, then open."""
    db = tmp_path / "cache.db"
    db.write_bytes(cache_guard.SQLITE_HEADER + b"\x00garbage" * 500)
    result = check_cache(db, now=NOW)
    with Store.open(db, readonly=result.readonly) as s:
        assert s.is_empty()
        s.import_digest(Digest("d", papers=[Paper(id="2401.00001")]))
        assert s.count() == 1
    assert result.moved_to is not None and b"\x00garbage" in result.moved_to.read_bytes()


def test_damaged_cache_with_readonly_open_is_refused_not_moved(tmp_path):
    db = tmp_path / "cache.db"
    db.write_bytes(cache_guard.SQLITE_HEADER + b"not sqlite")
    with pytest.raises(CacheError, match=r"unusable .*read-only open"):
        check_cache(db, want_readonly=True)
    assert db.read_bytes() == cache_guard.SQLITE_HEADER + b"not sqlite"
    assert list(tmp_path.iterdir()) == [db]


def test_a_newer_or_foreign_sqlite_file_is_not_damage(tmp_path):
    """A valid SQLite file that is not ours is the store's to refuse, never moved."""
    db = tmp_path / "cache.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE thesis(x)")
    conn.commit()
    conn.close()
    assert check_cache(db).moved_to is None
    with pytest.raises(CacheError, match="not a tui-digest cache"):
        Store.open(db)


# --- Read-only -----------------------------------------------------------------------
# The suite runs as root, for whom every file is writable, so a read-only place is
# simulated by answering os.access(W_OK) for chosen paths the way the kernel would
# for an ordinary user; the guard asks os.access and nothing else.


@pytest.fixture
def deny_write(monkeypatch):
    denied: set[Path] = set()
    real = os.access

    def access(path, mode, *a, **kw):
        if mode & os.W_OK and Path(path) in denied:
            return False
        return real(path, mode, *a, **kw)

    monkeypatch.setattr(os, "access", access)
    return denied


def test_readonly_cache_file_opens_readonly_with_message(tmp_path, deny_write):
    db = tmp_path / "cache.db"
    make_cache(db)
    deny_write.add(db)
    result = check_cache(db)
    assert result.readonly is True
    assert result.messages == [
        f"{db} is read-only (the file is read-only); opened read-only, changes will not be saved"
    ]
    with Store.open(db, readonly=result.readonly) as s:
        assert s.count() == 3
        with pytest.raises(CacheError, match="read-only"):
            s.set_read([1])


def test_readonly_cache_folder_opens_readonly(tmp_path, deny_write):
    db = tmp_path / "cache.db"
    make_cache(db)
    deny_write.add(tmp_path)
    result = check_cache(db)
    assert result.readonly
    assert f"its folder {tmp_path} is read-only" in result.messages[0]


def test_no_cache_in_readonly_folder_is_a_clear_error(tmp_path, deny_write):
    deny_write.add(tmp_path)
    with pytest.raises(CacheError, match=r"cannot create a cache there: its folder .* read-only"):
        check_cache(tmp_path / "sub" / "cache.db")


def test_damaged_cache_in_readonly_folder_is_refused_not_touched(tmp_path, deny_write):
    db = tmp_path / "cache.db"
    db.write_bytes(cache_guard.SQLITE_HEADER + b"not a database, and not empty")
    deny_write.add(tmp_path)
    with pytest.raises(CacheError, match="cannot be replaced"):
        check_cache(db)
    assert db.exists()


def test_empty_cache_with_readonly_open_is_left_for_the_store_to_call_missing(tmp_path):
    db = tmp_path / "cache.db"
    db.write_bytes(b"")
    assert check_cache(db, want_readonly=True) == cache_guard.GuardResult(True, [], None)
    with pytest.raises(CacheError, match="no cache there"):
        Store.open(db, readonly=True)
    assert db.exists()


def test_readonly_wanted_stays_readonly_without_messages(tmp_path):
    db = tmp_path / "cache.db"
    make_cache(db)
    assert check_cache(db, want_readonly=True) == cache_guard.GuardResult(True, [], None)


# --- Locks ---------------------------------------------------------------------------


@pytest.fixture
def locked_cache(tmp_path):
    """A cache whose write lock is held by another connection, mid-transaction."""
    db = tmp_path / "cache.db"
    make_cache(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE papers SET title_en = 'uncommitted' WHERE id = '2401.00001'")
    yield db, holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def test_retry_locked_gives_a_clear_error_after_backoff(locked_cache):
    db, _holder = locked_cache
    writer = sqlite3.connect(db, isolation_level=None, timeout=0)
    waits: list[float] = []
    with pytest.raises(CacheError) as info:
        retry_locked(
            lambda: writer.execute("BEGIN IMMEDIATE"),
            attempts=4,
            delay=0.05,
            sleep=waits.append,
            path=db,
        )
    writer.close()
    assert str(info.value) == (
        f"cache {db} is locked by another tui-digest process; try again "
        "(still locked after 4 attempts)"
    )
    assert waits == [0.05, 0.1, 0.2]  # doubled each time, no wait after the last
    assert isinstance(info.value.__cause__, sqlite3.OperationalError)


def test_retry_locked_succeeds_once_the_other_writer_commits(locked_cache):
    db, holder = locked_cache
    writer = sqlite3.connect(db, isolation_level=None, timeout=0)
    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            holder.execute("COMMIT")  # the other process finishes while we wait

    def write() -> int:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE papers SET starred = 1")
        writer.execute("COMMIT")
        return 1

    assert retry_locked(write, attempts=5, delay=0.01, sleep=wait) == 1
    assert len(waits) == 2
    assert writer.execute("SELECT count(*) FROM papers WHERE starred").fetchone()[0] == 3
    writer.close()


def test_retry_locked_passes_other_errors_through():
    calls = []

    def fail():
        calls.append(1)
        raise sqlite3.OperationalError("no such table: nope")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        retry_locked(fail, attempts=5, sleep=lambda s: None)
    assert calls == [1]


@pytest.fixture
def impatient_store(monkeypatch):
    """Store connections that give up on a lock at once instead of after 10 s.

    The store waits up to 10 s (busy_timeout) before SQLite reports the lock;
    setting it to 0 makes the test see the state after that wait, without it.
    """
    real = Store._connect

    def connect(self):
        conn = real(self)
        conn.execute("PRAGMA busy_timeout = 0")
        return conn

    monkeypatch.setattr(Store, "_connect", connect)


def test_store_import_retried_through_the_guard_while_locked(tmp_path, impatient_store):
    db = tmp_path / "cache.db"
    make_cache(db)
    with Store.open(db) as s:
        s.patient_attempts = 2  # (every write waits for the lock; here, briefly)
        s._sleep = lambda _: None
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        digest = Digest("e", papers=[Paper(id="2402.00001")])
        with pytest.raises(CacheError, match="locked by another tui-digest process"):
            retry_locked(
                lambda: s.import_digest(digest), attempts=2, sleep=lambda _: None, path=s.path
            )
        assert s.count() == 3  # nothing half-written
        holder.execute("ROLLBACK")
        holder.close()
        stats = retry_locked(lambda: s.import_digest(digest), sleep=lambda _: None)
        assert stats.new == 1 and s.count() == 4


def test_store_opens_while_another_process_writes(locked_cache, impatient_store):
    db, _holder = locked_cache
    with Store.open(db) as s:
        assert s.count() == 3


READER = """
import sys
from tui_digest.core.store import Store
with Store.open(sys.argv[1], readonly=True) as s:
    rec = s.get_paper("2401.00001")
    print(s.count(), rec.paper.title_en)
"""


def test_another_process_reads_while_one_writes(locked_cache):
    """WAL: a reader in a second process is not blocked and sees only committed data."""
    db, _holder = locked_cache
    proc = subprocess.run(
        [sys.executable, "-c", READER, str(db)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["3", "t1"]  # not 'uncommitted'


# --- Disk full -----------------------------------------------------------------------


def big_digest(name: str, n: int, prefix: str = "2402") -> Digest:
    return Digest(
        name,
        papers=[Paper(id=f"{prefix}.{i:05d}", abstract_en="x" * 3000) for i in range(1, n + 1)],
    )


def fill_up(store: Store) -> None:
    """Let the store's own connection grow by two pages at most: the next big write fails."""
    conn = store._conn()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")


def test_disk_full_import_keeps_everything_committed_before(tmp_path):
    with Store.open(tmp_path / "cache.db") as s:
        s.import_digest(Digest("before", papers=[Paper(id="2401.00001", title_en="kept")]))
        fill_up(s)
        # The message is finding F1 (below); here: nothing of the import is kept.
        with pytest.raises((sqlite3.OperationalError, CacheError)):
            s.import_digest(big_digest("too-big", 500))
        assert s.count() == 1
        assert [d.alias for d in s.digests()] == ["before"]
        assert s.get_paper("2401.00001").paper.title_en == "kept"
        assert s._conn().in_transaction is False
    assert quick_check(tmp_path / "cache.db") == "ok"


def test_disk_full_is_reported_as_cache_error_naming_the_cache(tmp_path):
    with Store.open(tmp_path / "cache.db") as s:
        fill_up(s)
        with pytest.raises(CacheError) as info:
            s.import_digest(big_digest("too-big", 500))
        assert "disk is full" in str(info.value)
        assert str(s.path) in str(info.value)


class FailingWrites:
    """A connection stand-in whose n-th data-changing statement fails as a full disk would."""

    def __init__(self, conn: sqlite3.Connection, fail_at: int, sqlite_rolls_back: bool = False):
        self._conn, self.fail_at, self.writes = conn, fail_at, 0
        self.sqlite_rolls_back = sqlite_rolls_back

    def _count(self, sql: str) -> None:
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.writes += 1
            if self.writes == self.fail_at:
                if self.sqlite_rolls_back:
                    # SQLite may roll the whole transaction back itself on SQLITE_FULL.
                    self._conn.execute("ROLLBACK")
                raise sqlite3.OperationalError("database or disk is full")

    def execute(self, sql, *args):
        self._count(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql, *args):
        self._count(sql)
        return self._conn.executemany(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def test_disk_full_mid_transaction_by_mock_rolls_back(tmp_path, monkeypatch):
    """The same, failing a statement half-way through: the transaction leaves no trace."""
    with Store.open(tmp_path / "cache.db") as s:
        s.import_digest(Digest("before", papers=[Paper(id="2401.00001")]))
        failing = FailingWrites(s._conn(), fail_at=3)
        monkeypatch.setattr(s, "_conn", lambda: failing)
        with pytest.raises((sqlite3.OperationalError, CacheError), match="disk is full"):
            s.import_digest(big_digest("half", 100))
        assert failing.writes == 3  # it did fail in the middle, after two writes
        monkeypatch.undo()
        assert s._conn().in_transaction is False
        assert s.count() == 1 and [d.alias for d in s.digests()] == ["before"]
        assert s.get_paper("2402.00001") is None
        assert s.count("2402") == 0  # the search index holds none of the rolled-back rows


def test_disk_full_after_sqlite_rolled_back_still_says_disk_full(tmp_path, monkeypatch):
    with Store.open(tmp_path / "cache.db") as s:
        s.import_digest(Digest("before", papers=[Paper(id="2401.00001")]))
        failing = FailingWrites(s._conn(), fail_at=3, sqlite_rolls_back=True)
        monkeypatch.setattr(s, "_conn", lambda: failing)
        with pytest.raises((sqlite3.OperationalError, CacheError), match="disk is full"):
            s.import_digest(big_digest("half", 100))


# --- Verifying an open cache keeps this process's locks ---------------------------------

_OTHER_PROCESS = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("SELECT count(*) FROM papers").fetchone()
conn.close()  # the last user of a WAL database checkpoints it and deletes the log
"""


def test_verifying_an_open_cache_keeps_its_lock_for_the_other_processes(tmp_path):
    """The reader verifies its cache after its first frame, its connections open.

    Reading the file's header with open()/close() dropped every POSIX lock the
    process held on it: a `tui-digest fetch` run meanwhile then took itself
    for the cache's last user and deleted the write-ahead log under the
    reader, whose next marks failed ("disk I/O error") or were lost.
    """
    db = tmp_path / "cache.db"
    make_cache(db)
    wal = Path(f"{db}-wal")
    store = Store.open(db)
    try:
        rowid = store.list_ids("")[0]
        store.set_starred([rowid])  # the connection holds the cache (and its log)
        assert store.verify() == ""
        subprocess.run([sys.executable, "-c", _OTHER_PROCESS, str(db)], check=True, timeout=60)
        assert wal.exists()  # still ours: the other process was not the last user
        store.set_starred([rowid], False)
        assert store.edit_tags(store.ids_of([rowid]), add=["keep"]) == 1
    finally:
        store.close()
    with Store.open(db) as again:
        [record] = again.get_papers([rowid])
        assert not record.starred and again.list_ids("tag:keep") == [rowid]
    assert quick_check(db) == "ok"


def test_a_file_size_limit_is_a_clear_message_not_a_traceback(tmp_path):
    """Over a disk quota or `ulimit -f`, SQLite says only "disk I/O error": the import
    ended in a Python traceback (found by a bug hunt). The cache keeps what it had."""
    import os
    import resource
    import subprocess
    import sys

    from tests.hostile.inputs import many_papers

    from tui_digest.core.digest_write import write_digest

    db = tmp_path / "cache.db"
    make_cache(db)
    big = tmp_path / "big.md"
    big.write_text(write_digest(many_papers(3000, abstract_len=2000)), "utf-8")
    limit = db.stat().st_size + 256 * 1024  # room for the log to start, not for 3,000 papers

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "tui_digest", "--db", str(db), "import", str(big)],
        capture_output=True,
        env=dict(os.environ, PYTHONIOENCODING="utf-8"),
        preexec_fn=limited,
        timeout=120,
    )
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "Traceback" not in err
    assert "could not be written (disk I/O error" in err and str(db) in err
    with Store.open(db) as s:
        assert s.count() == 3 and s.verify() == ""


def test_a_cut_off_feed_without_a_whole_entry_is_not_called_empty(tmp_path):
    """stdout said "an empty document" while stderr said the feed was cut off
    (found by a bug hunt)."""
    from cli_support import run_cli

    feed = tmp_path / "cut.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>A paper</title><link>https://arxiv.org/abs/2401.00001</link>",
        "utf-8",
    )
    done = run_cli("import", str(feed), db=tmp_path / "c.db")
    out, err = done.stdout.decode(), done.stderr.decode()
    assert "cut off" in err or "truncated" in err, err
    assert "empty document" not in out and "no complete paper in it" in out


@pytest.mark.parametrize("command", [["stats"], ["import", "-"]])
def test_a_full_disk_at_open_leaves_the_cache_where_it_is(tmp_path, command):
    """On a full disk SQLite cannot make a WAL cache's -shm file and says "disk I/O
    error": that was taken for damage, the intact cache was moved aside as corrupt
    and a fresh one started, every paper seemingly gone (found by a bug hunt). A
    file size limit of 0 fails the same way."""
    import os
    import resource
    import subprocess
    import sys

    db = tmp_path / "cache.db"
    make_cache(db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert not db.with_name("cache.db-shm").exists()  # closed cleanly: made at the next open

    def full() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    done = subprocess.run(
        [sys.executable, "-m", "tui_digest", "--db", str(db), *command],
        input=b"",
        capture_output=True,
        env=dict(os.environ, PYTHONIOENCODING="utf-8"),
        preexec_fn=full,
        timeout=60,
    )
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "Traceback" not in err and "is the disk full or failing?" in err
    assert sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name) == []
    with Store.open(db) as s:
        assert s.count() == 3 and s.verify() == ""


@pytest.mark.parametrize(
    "start", [b"\x00", b"SQLite f", b"\x00" * 4096], ids=["a-zero", "part", "zeros"]
)
def test_a_cache_whose_header_is_being_written_is_waited_for(tmp_path, monkeypatch, start):
    """Another process making the cache has not written its first page yet: the
    open waits for it instead of refusing a "not a tui-digest cache" (the
    parallel first-import test above failed so now and then)."""
    made = tmp_path / "made.db"
    with Store.open(made):
        pass
    db = tmp_path / "cache.db"
    db.write_bytes(start)
    waits = []

    def other_process_writes(seconds):
        waits.append(seconds)
        db.write_bytes(made.read_bytes())

    monkeypatch.setattr(cache_guard.time, "sleep", other_process_writes)
    result = check_cache(db, now=NOW)
    assert waits and result.moved_to is None and not result.messages
    assert cache_guard.has_sqlite_header(db)


def test_a_foreign_file_is_refused_without_waiting(tmp_path, monkeypatch):
    db = tmp_path / "notes.md"
    db.write_bytes(b"my thesis\n")

    def no_waiting(seconds):
        raise AssertionError("waited on a file that is plainly not SQLite's")

    monkeypatch.setattr(cache_guard.time, "sleep", no_waiting)
    with pytest.raises(CacheError, match=r"not a tui-digest cache"):
        check_cache(db, now=NOW)
