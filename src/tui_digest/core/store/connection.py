"""Opening the cache file: checks, pragmas, one connection per thread, write transactions.

Threads: every thread gets its own connection (the UI reads from thread
workers while a fetch imports); in WAL mode a reader never waits for a writer.
Every write is one short `BEGIN IMMEDIATE` transaction (`Connections._write`).

An import of a large document is one transaction too (a failure must leave no
half-imported digest), and may hold the write lock for longer than SQLite's
busy timeout. Every write is therefore `patient`: it waits for the lock as
long as it takes instead of failing with "database is locked" (the reader's
run on its write queue or in workers, never the UI; a CLI command waits as
`tui-digest mark` always did).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from tui_digest.core import schema, schema_marks, schema_stop
from tui_digest.core.cache_access import readonly_reason, readonly_uri
from tui_digest.core.cache_guard import check_cache, damage, is_disk_full, is_locked_error
from tui_digest.core.errors import CacheError, UpgradeNeeded, UpgradeStopped
from tui_digest.core.folder_links import describe_broken_link
from tui_digest.core.paths import default_db_path
from tui_digest.core.query import fold_tag
from tui_digest.core.store.log_size import limit_log

_SQLITE_READONLY = 8  # "attempt to write a readonly database", whatever its extended code
# How long a write that tells of its wait first waits inside SQLite.
TELL_WAIT_AFTER_MS = 1000


# SQLite virtual-machine instructions between two looks at an upgrade's stop
# (a few microseconds of work; the look is one Python call).
STOP_LOOK_OPS = 10_000


@contextmanager
def _stoppable(conn: sqlite3.Connection, stop: threading.Event | None) -> Iterator[None]:
    """While migrating, `stop` set aborts the SQL statement running, or the next
    one, with "interrupted"; `schema.migrate` then rolls the step back.

    A progress handler, not `Connection.interrupt()` from the stopping thread:
    SQLite's interrupt acts on the statements running when it is called, and
    "a call to sqlite3_interrupt(D) that occurs when there are no running SQL
    statements is a no-op and has no effect on SQL statements that are started
    after the sqlite3_interrupt() call returns" (https://www.sqlite.org/c3ref/interrupt.html),
    so a quit between two statements of a step (Python code running) was lost.
    The handler is asked every N instructions of any statement, and "if the
    progress callback returns non-zero, the operation is interrupted"
    (https://www.sqlite.org/c3ref/progress_handler.html); Python's
    `set_progress_handler` then raises OperationalError for that statement.
    Within the step's explicit transaction nothing it wrote stays: the
    migration rolls back on any error (`schema.migrate`).

    A step whose time goes to Python between small statements looks at `stop`
    itself (`schema_stop.check`, raising StepStopped; regression hunt `regui41` #3)."""
    if stop is None:
        yield
        return
    conn.set_progress_handler(lambda: 1 if stop.is_set() else 0, STOP_LOOK_OPS)
    try:
        with schema_stop.watching(stop):
            yield
    finally:
        conn.set_progress_handler(None, 0)


class Connections:
    """The cache file and its per-thread connections; `Store` builds on it."""

    path: Path
    readonly: bool
    # How long one attempt to take the write lock waits inside SQLite.
    busy_ms = 10_000
    # A patient write tries this many times (each waiting `busy_ms`, then a
    # growing pause): hours, far beyond any import.
    patient_attempts = 1_000
    # PRAGMA cache_size of every connection (negative: KiB).
    cache_kib = -32000
    # Told (old schema, new schema) when an upgrade of an existing cache starts,
    # unless `open` is given its own `on_upgrade`: the CLI sets it to a line on
    # stderr (a 30k-paper cache took ~15 s with nothing said).
    upgrade_notice: Callable[[int, int], object] | None = None
    # Injected by tests; the pause between a patient write's attempts.
    _sleep: Callable[[float], object] = staticmethod(time.sleep)
    # Told (with the cache's path) once when a write starts waiting for another
    # process's write lock: the CLI says so on stderr, or `tui-digest note` sat
    # silent for as long as an import ran. None: wait without a word.
    on_wait: Callable[[Path], object] | None = None

    def __init__(self, path: Path, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        # Why a store opened writable became read-only since (the reader's
        # follower: the cache replaced or upgraded under it); "" otherwise.
        self.readonly_why = ""
        self._local = threading.local()
        # (owning thread, its connection); worker threads come and go, so the
        # connections of finished threads are closed when the next one opens.
        self._conns: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._conns_lock = threading.Lock()
        self._closed = False
        # What opening had to do that the user should hear about (a corrupt
        # cache moved aside, a read-only downgrade).
        self.notices: list[str] = []
        # This store's own `on_wait` (the reader's: a message to its window,
        # from the writing thread), and who is told once that wait is over
        # (the lock got, or the write given up): the reader stops saying it.
        self.on_wait_here: Callable[[Path], object] | None = None
        self.on_wait_over: Callable[[Path], object] | None = None
        # (st_dev, st_ino) of the file opened: the reader's watcher tells a cache
        # restored under it by another file at the path (`watch.ReplacedElsewhere`).
        self.file_id: tuple[int, int] | None = None

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        readonly: bool = False,
        quick_start: bool = False,
        on_upgrade: Callable[[int, int], object] | None = None,
        existing: bool = False,
        stop_upgrade: threading.Event | None = None,
    ) -> Self:
        """Open (creating or upgrading) the cache at `path`.

        `existing`: a command that only makes sense on papers already imported
        (`prune`, `mark`, `watch --since-last-run`, ...) never creates the cache:
        a mistyped `--db`, or a cron job without the user's XDG_DATA_HOME, is
        "no cache there" (a CacheError), not an empty cache and a quiet success.

        `on_upgrade(old, new)` (else `upgrade_notice`) is called from this thread
        when an upgrade of an existing cache starts; never for a new cache.
        `stop_upgrade`, set from another thread (the reader quitting), stops an
        upgrade under way: the step running rolls back (`UpgradeStopped`).

        Damaged caches are moved aside first. That check reads the whole file,
        so `quick_start` (the reader) runs it only after an unclean shutdown and
        otherwise leaves it to `verify()`, which it calls after its first frame.
        """
        path = Path(default_db_path() if path is None else path).expanduser()
        if existing and not path.exists():
            raise CacheError(f"{path}: no cache there (nothing imported yet)")
        # Corrupt or zero-length caches are moved aside (and a fresh one made);
        # a read-only file or folder downgrades to a read-only open.
        guard = check_cache(path, want_readonly=readonly, thorough=None if quick_start else True)
        readonly = readonly or guard.readonly
        if not readonly:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                # (a file where a folder should be: XDG_DATA_HOME naming a file)
                # A CacheError, which the reader shows in place of the papers;
                # as an OSError it left "Opening the cache…" up for good.
                raise CacheError(
                    f"{path.parent}: cannot create the cache's folder ({_in_the_way(exc)})"
                ) from exc
        exists = path.exists() and path.stat().st_size > 0
        if exists:
            check_version(path)
        elif readonly:
            raise CacheError(f"{path}: no cache there (nothing imported yet)")
        store = cls(path, readonly)
        store.notices = list(guard.messages)
        if readonly:
            store._require_current(guard.why_readonly)
        else:
            store._prepare(
                new_file=not exists,
                on_upgrade=on_upgrade or cls.upgrade_notice,
                stop=stop_upgrade,
            )
        from tui_digest.core.store.watch import file_id

        store.file_id = file_id(path)
        return store

    @classmethod
    def open_reading(cls, path: str | Path | None = None) -> Self:
        """Open the cache read-only for a command that only reads it.

        A cache an older release made is upgraded first, once, as the reader or
        any writing command would (a read-only open writes nothing and refuses
        it): after an upgrade of tui-digest, `search` or `stats` must not ask
        the user to "open it once without read-only". A cache that cannot be
        written (a read-only file or folder) is still refused, saying so.
        """
        try:
            return cls.open(path, readonly=True)
        except UpgradeNeeded:
            upgraded = cls.open(path)  # (migrates, or raises why it cannot)
            upgraded.close()
            return cls.open(path, readonly=True)

    def _require_current(self, why_readonly: str = "") -> None:
        version = schema.user_version(self._conn())
        if version < schema.SCHEMA_VERSION and why_readonly:
            # Not a read-only open asked for: "open it where it can be written"
            # told a user in the reader to do what they were doing.
            self.close()
            raise UpgradeNeeded(
                f"{self.path}: cache schema {version} needs an upgrade to "
                f"{schema.SCHEMA_VERSION} before it can be read, and it cannot be written "
                f"here ({why_readonly}); make it writable, or run any tui-digest command on "
                "it once where it can be written (that upgrades it); not modified"
            )
        if version < schema.SCHEMA_VERSION:
            self.close()
            raise UpgradeNeeded(
                f"{self.path}: cache schema {version} needs an upgrade to "
                f"{schema.SCHEMA_VERSION}, which a read-only open does not make; open it once "
                "where it can be written (the reader or any writing command upgrades it)"
            )

    def _prepare(
        self,
        *,
        new_file: bool,
        on_upgrade: Callable[[int, int], object] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        def started(old: int, new: int) -> None:
            if old > 0 and on_upgrade is not None:  # (0: a new cache is being made)
                on_upgrade(old, new)

        conn = self._conn()
        try:
            if new_file:
                # Rows hold ~2-3 KB of text: with 4 KB pages most would sit
                # alone on a page; 16 KB pages pack them.
                conn.execute("PRAGMA page_size = 16384")
            self._patiently(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchall())
            limit_log(conn)  # (again: a new file's page size was set just now)

            def begin(c: sqlite3.Connection) -> None:
                # Each step waits for the write lock as every write does (`_write`):
                # an import or another upgrade holding it made this "cannot prepare
                # the cache: database is locked".
                if stop is not None and stop.is_set():  # (a step of small statements ended)
                    raise UpgradeStopped(f"{self.path}: the upgrade was stopped")
                self._begin(c, self.patient_attempts)

            with _stoppable(conn, stop):
                schema.migrate(conn, begin=begin, on_upgrade=started)
        except CacheError:
            self.close()
            raise  # (already a sentence: "locked by another tui-digest process", ...)
        except Exception as exc:  # re-raised: a failed migration must not look like success
            self.close()
            if stop is not None and stop.is_set():
                raise UpgradeStopped(f"{self.path}: the upgrade was stopped") from exc
            raise CacheError(f"{self.path}: cannot prepare the cache: {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        if self._closed:
            raise CacheError(f"{self.path}: the store is closed")
        uri = readonly_uri(self.path) if self.readonly else self.path.resolve().as_uri()
        try:
            # check_same_thread=False only so close() can close every thread's
            # connection; each connection is used by the thread that made it.
            conn = sqlite3.connect(
                uri,
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=self.busy_ms / 1000,
            )
            conn.create_function("fold_tag", 1, _fold_tag, deterministic=True)  # (tag:)
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_ms)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA cache_size = {self.cache_kib}")
            conn.execute("PRAGMA temp_store = MEMORY")
            if not self.readonly:  # the log's checkpoint size and size limit (log_size.py)
                limit_log(conn)
        except sqlite3.Error as exc:
            raise CacheError(f"{self.path}: cannot open the cache: {exc}") from exc
        with self._conns_lock:
            dead = [c for t, c in self._conns if not t.is_alive()]
            self._conns = [(t, c) for t, c in self._conns if t.is_alive()]
            self._conns.append((threading.current_thread(), conn))
        for old in dead:
            old.close()
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or self._closed:
            conn = self._local.conn = self._connect()
        return conn

    def verify(self) -> str:
        """Why the cache file is damaged (PRAGMA quick_check), or "" when it is sound."""
        # (header=False: this process holds connections to the file; see `damage`)
        return damage(self.path, thorough=True, header=False)

    def close(self) -> None:
        """Close this thread's connection and those of finished threads.

        A connection another live thread holds may be in the middle of a
        query: closing it then crashed the process (the reader quitting
        while a worker counted unread papers). It is interrupted instead
        (sqlite3_interrupt may be called from any thread; it is a no-op on
        an idle connection) and left to its thread: the store refuses any
        further use, and the connection closes when its thread ends.

        Threads of a pool (asyncio's `to_thread`) live until the process
        ends, and a connection never closed leaves the write-ahead log behind:
        the next start took that for an unclean shutdown and checked the whole
        cache, at every start of the reader. So the log is then checkpointed
        and truncated to nothing (`_truncate_log`).
        """
        with self._conns_lock:
            conns, self._conns = self._conns, []
            self._closed = True
        me = threading.current_thread()
        lingering = False
        for thread, conn in conns:
            if thread is not me and thread.is_alive():
                conn.interrupt()
                lingering = True
            else:
                conn.close()
        if lingering and not self.readonly:
            self._truncate_log()

    def _truncate_log(self) -> None:
        """Copy the write-ahead log into the cache and empty it, if no reader needs it."""
        try:
            conn = sqlite3.connect(self.path.resolve().as_uri(), uri=True, timeout=0.5)
        except sqlite3.Error:
            return  # (the log stays: the next start checks the cache, as after a crash)
        # An interrupted query may still hold its snapshot: the checkpoint then
        # copies what it can and says "busy" in its row. Whatever fails here, nothing
        # is lost: the log stays, and the next start checks the whole cache.
        with contextlib.closing(conn), contextlib.suppress(sqlite3.Error):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _writable(self) -> sqlite3.Connection:
        """The connection, for a change; a CacheError when the cache is open read-only."""
        self.refuse_readonly()
        return self._conn()

    def refuse_readonly(self) -> None:
        """The CacheError a change would meet when the cache is open read-only, at
        once: for a command that says what it will do before doing it."""
        if self.readonly:
            raise CacheError(f"{self.path}: the cache is open read-only; nothing was changed")

    @contextmanager
    def _write(self, *, patient: bool = True) -> Iterator[sqlite3.Connection]:
        """One `BEGIN IMMEDIATE` transaction, committed on success, rolled back on error.

        `patient` (every write): while another connection holds the write lock
        (a long import), wait and try again instead of failing. Only marks
        waited once: a note or tag typed in the reader was thrown away, and a
        cron fetch or a second import failed, while a 40 s import ran.
        """
        conn = self._writable()
        self._begin(conn, self.patient_attempts if patient else 1)
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            # SQLite may already have rolled back (SQLITE_FULL does); a second
            # ROLLBACK would raise and hide the real error.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise self._as_cache_error(exc) from exc
            raise

    def _begin(self, conn: sqlite3.Connection, attempts: int) -> None:
        self._patiently(lambda: conn.execute("BEGIN IMMEDIATE"), attempts, conn=conn)

    def _patiently(
        self,
        step: Callable[[], object],
        attempts: int | None = None,
        *,
        conn: sqlite3.Connection | None = None,
    ) -> None:
        """Run `step`; while another connection holds the lock, pause and run it again.

        With someone to tell (`on_wait`), the first try on `conn` waits briefly,
        so that the wait is said within a second, then as long as it takes.
        """
        attempts = self.patient_attempts if attempts is None else attempts
        # (the class's read from the class: a function there would bind to the instance)
        tell = (self.on_wait_here or type(self).on_wait) if attempts > 1 else None
        told = False
        short = tell is not None and conn is not None
        if short:
            assert conn is not None
            conn.execute(f"PRAGMA busy_timeout = {min(int(self.busy_ms), TELL_WAIT_AFTER_MS)}")
        try:
            pause = 0.05
            for attempt in range(1, attempts + 1):
                try:
                    step()
                    return
                except sqlite3.OperationalError as exc:
                    if attempt == attempts or not is_locked_error(exc) or self._closed:
                        raise self._as_cache_error(exc) from exc
                if tell is not None:
                    tell(self.path)
                    tell, told = None, True
                if short:
                    assert conn is not None
                    conn.execute(f"PRAGMA busy_timeout = {int(self.busy_ms)}")
                    short = False
                self._sleep(pause)
                pause = min(pause * 2, 1.0)
        finally:
            if short and conn is not None:  # (never waited: the short timeout goes back)
                conn.execute(f"PRAGMA busy_timeout = {int(self.busy_ms)}")
            if told and self.on_wait_over is not None:
                self.on_wait_over(self.path)

    def _as_cache_error(self, exc: sqlite3.OperationalError) -> Exception:
        text = str(exc)
        if is_disk_full(exc):
            return CacheError(f"{self.path}: the disk is full; nothing of this change was saved")
        if "disk I/O error" in text:
            # Over a disk quota or a file size limit, or a failing disk: SQLite
            # says no more than this (the transaction was rolled back).
            return CacheError(
                f"{self.path}: the cache could not be written (disk I/O error: over a disk "
                "quota or file size limit, or a failing disk?); nothing of this change was saved"
            )
        if is_locked_error(exc):
            return CacheError(
                f"{self.path}: the cache is locked by another tui-digest process; try again"
            )
        if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == _SQLITE_READONLY:
            # (a -shm left read-only, or made so after the open's check: a traceback)
            why = readonly_reason(self.path) or str(exc)
            return CacheError(
                f"{self.path}: the cache could not be written ({why}); "
                "nothing of this change was saved"
            )
        return exc


def _in_the_way(exc: OSError) -> str:
    """Why a folder could not be made, naming the path: "File exists" said no
    more than that something is there (a file, a dangling symlink: a bug hunt)."""
    culprit = str(exc.filename) if exc.filename else ""
    if isinstance(exc, NotADirectoryError) and culprit:
        # (a file further up: XDG_DATA_HOME naming one)
        file = next((p for p in Path(culprit).parents if p.exists() and not p.is_dir()), None)
        if file is not None:
            return f"{file} is a file, not a folder"
    if isinstance(exc, FileExistsError) and culprit:
        if os.path.islink(culprit):
            if not os.path.exists(culprit):
                return describe_broken_link(culprit)
            return f"{culprit} is a symlink to {os.readlink(culprit)}, which is not a folder"
        if not os.path.isdir(culprit):
            return f"{culprit} is a file, not a folder"
    return f"{culprit}: {exc.strerror or exc}" if culprit else str(exc.strerror or exc)


def check_version(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not our cache or is newer than us.

    Runs before anything writes to the file (`PRAGMA journal_mode=WAL`, the
    migrations): a refused file is left byte for byte as it was."""
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True, isolation_level=None)
        try:
            # One read transaction, so one snapshot: read apart, a cache another
            # process made in between was "user_version 0 with tables", and a
            # first import running beside others was refused as not ours.
            conn.execute("BEGIN")
            version = schema.user_version(conn)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise CacheError(f"{path}: not a readable tui-digest cache: {exc}") from exc
    # First whether it is ours at all (`schema_marks`): another program's file
    # at user_version 7 was "upgraded" (tables added, moved to 9, made WAL).
    why = schema_marks.not_ours(version, tables, schema.SCHEMA_VERSION)
    if why:
        raise CacheError(f"{path}: not a tui-digest cache ({why}); not modified")
    if version > schema.SCHEMA_VERSION:
        raise CacheError(
            f"{path} was written by a newer tui-digest (schema {version}, this one knows "
            f"{schema.SCHEMA_VERSION}); not modified"
        )


def _fold_tag(tag: str | None) -> str | None:
    """SQL `fold_tag`: a tag as `tag:` compares it (`query.fold_tag`: NFKC, case
    folded; `query_notes.tags_cond`)."""
    return fold_tag(tag) if isinstance(tag, str) else tag
