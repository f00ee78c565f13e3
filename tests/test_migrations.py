"""Schema versions: forward migrations, and refusing a cache from a newer tui-digest."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tui_digest.core import schema, search_index
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import CacheError, Store

MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"


def make_v1(path: Path) -> None:
    """A cache as the first release wrote it: tables and data, no search index."""
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=1)
    key = schema.sort_key("2024-03-01", 1, 1)
    conn.execute(
        "INSERT INTO digests(pk, name, date, count) VALUES (1, 'old-digest', '2024-03-01', 1)"
    )
    conn.execute(
        "INSERT INTO papers(pk, id, title_en, abstract_zh, authors, categories, category, "
        "sort_key, list_date, list_ref, read) VALUES (1, '2401.00001', 'Diffusion of Ideas', "
        "'关于遗忘的研究', ?, '[\"cs.AI\"]', 'cs.AI', ?, '2024-03-01', 1, 1)",
        (json.dumps(["Ann Lee"]), key),
    )
    conn.execute("INSERT INTO membership(digest, ref, paper) VALUES (1, 1, 1)")
    conn.close()


def test_versions_are_a_list_of_functions():
    assert schema.SCHEMA_VERSION == len(schema.MIGRATIONS) >= 2


def test_fresh_cache_is_at_current_version(tmp_path):
    with Store.open(tmp_path / "c.db") as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION


def test_v1_cache_is_migrated_and_keeps_data_and_state(tmp_path):
    db = tmp_path / "c.db"
    make_v1(db)
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == 1
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search'").fetchone()
    with Store.open(db) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION
        rec = s.get_paper("2401.00001")
        # Named `<source>-<date>` since v4; the old name still finds it.
        assert rec.read and rec.digests == ["old-digest-2024-03-01"]
        assert s.digest_name("old-digest") == "old-digest-2024-03-01"
        # The search index was built from the existing papers.
        assert s.count("diffus") == 1 and s.count("遗忘") == 1 and s.count("au:lee") == 1
        # And the migrated cache takes new imports normally.
        s.import_digest(Digest("new", date="2024-03-02", papers=[Paper(id="2401.00002")]))
        assert [r.id for r in s.search()] == ["2401.00002", "2401.00001"]


def test_v0_empty_database_is_initialised(tmp_path):
    db = tmp_path / "c.db"
    sqlite3.connect(db).close()  # an empty file at user_version 0
    with Store.open(db) as s:
        assert s.is_empty() and s.stats()["schema"] == schema.SCHEMA_VERSION


def test_newer_schema_is_refused_and_file_untouched(tmp_path):
    db = tmp_path / "c.db"
    conn = sqlite3.connect(db, isolation_level=None)
    schema.migrate(conn)  # (a cache: its tables, as a newer release keeps them)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    for readonly in (False, True):
        with pytest.raises(CacheError) as err:
            Store.open(db, readonly=readonly)
        msg = str(err.value)
        assert "newer tui-digest" in msg and "schema 99" in msg
        assert f"knows {schema.SCHEMA_VERSION}" in msg and "not modified" in msg
    assert db.read_bytes() == before
    assert not Path(str(db) + "-wal").exists()


def test_foreign_database_is_refused(tmp_path):
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE something_else (x)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(CacheError, match="not a tui-digest cache"):
        Store.open(db)
    assert db.read_bytes() == before


def test_readonly_open_of_old_schema_asks_for_upgrade(tmp_path):
    db = tmp_path / "c.db"
    make_v1(db)
    with pytest.raises(CacheError, match="needs an upgrade"):
        Store.open(db, readonly=True)
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == 1


def test_migration_failure_rolls_back(tmp_path, monkeypatch):
    db = tmp_path / "c.db"
    make_v1(db)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(schema, "MIGRATIONS", [schema.MIGRATIONS[0], broken])
    with pytest.raises(CacheError, match="boom"):
        Store.open(db)
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == 1
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'half_done'").fetchone()


def test_a_new_cache_that_cannot_be_made_is_not_half_made(tmp_path, monkeypatch):
    """Made step by step, a full disk left a cache at schema 5, which the next start
    called an upgrade ("Upgrading the cache (schema 5 → 9)…") of a cache that never
    was (found by a bug hunt)."""
    db = tmp_path / "c.db"
    steps = list(schema.MIGRATIONS)

    def full(conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", [*steps[:5], full, *steps[6:]])
        with pytest.raises(CacheError, match="disk is full"):
            Store.open(db)
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == 0
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    told: list[tuple[int, int]] = []
    with Store.open(db, on_upgrade=lambda old, new: told.append((old, new))) as store:
        assert store.is_empty()
    assert told == []  # a new cache, not an upgrade
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == schema.SCHEMA_VERSION


def test_v2_cache_is_upgraded_to_the_v3_index(tmp_path):
    db = tmp_path / "c.db"
    make_v1(db)
    conn = sqlite3.connect(db, isolation_level=None)
    schema.migrate(conn, target=2)  # the v2 index: detail=full, FTS5 prefixes 1 2 3
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search'").fetchone()[0]
    assert "prefix='1 2 3'" in sql
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'listing'").fetchone()
    conn.close()
    with Store.open(db) as s:
        assert SCHEMA_V3 < s.stats()["schema"] == schema.SCHEMA_VERSION
        c = s._conn()
        sql = c.execute("SELECT sql FROM sqlite_master WHERE name = 'search'").fetchone()[0]
        assert "prefix=" not in sql and "pti" in sql
        assert c.execute("SELECT key, pk, read FROM listing").fetchall() == [
            (schema.sort_key("2024-03-01", 1, 1), 1, 1)
        ]
        assert {t for (t,) in c.execute("SELECT term FROM terms")} >= {"diffusion", "ideas"}
        assert s.count("is:read diffus") == 1 and s.count("d") == 1 and s.count("遗") == 1
        assert s.count("-遗忘") == 0 and s.count("is:unread") == 0
        s.set_read([1], False)
        assert s.count("is:unread diffusion") == 1
        assert s.import_digest(Digest("old-digest", papers=[Paper(id="2401.00001")])).new == 0


SCHEMA_V3 = 3


def make_v3(path: Path) -> None:
    """A cache as the v3 release wrote it (its schema code, its kind of rows).

    v3 left fetched digests undated (named `<source>-<fetch date>`), named
    imports after the file, and allowed one name under two sources.
    """
    from tui_digest.core.store.rows import paper_hash

    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=SCHEMA_V3)
    digests = [
        # pk, name, source, date, imported_at
        (
            1,
            "digest-cs.AI-2026-08-19",
            "https://raw.githubusercontent.com/x/y/master/cs.AI.md",
            "",
            "2026-08-19T07:00:00+00:00",
        ),
        (2, "cs.CL", "/home/u/cs.CL.md", "", "2026-08-20T09:30:00+00:00"),
        (3, "arxiv-cs.AI", "https://rss.arxiv.org/rss/cs.AI", "2026-08-18", "2026-08-18T05:00:00"),
        (4, "cs.CL", "/mnt/other/cs.CL.md", "", "2026-08-21T09:30:00+00:00"),
    ]
    for pk, name, source, date, imported in digests:
        conn.execute(
            "INSERT INTO digests(pk, name, source, date, kind, count, imported_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'digest', 1, ?, ?)",
            (pk, name, source, date, imported, imported),
        )
    # paper pk -> (id, digests it is in as (digest, ref)), read, starred
    papers = [
        (1, "2608.00001", [(1, 1), (3, 2)], 1, 0),
        (2, "2608.00002", [(2, 1)], 0, 1),
        (3, "2608.00003", [(3, 1), (4, 1)], 0, 0),
    ]
    for pk, pid, members, read, starred in papers:
        p = Paper(id=pid, title_en=f"Paper {pid}", abstract_zh="关于遗忘的研究")
        # v3 placed undated digests by the published date (none here: day 0).
        conn.execute(
            "INSERT INTO papers(pk, id, title_en, abstract_zh, sort_key, list_date, list_ref, "
            "read, starred) VALUES (?, ?, ?, ?, ?, '', 1, ?, ?)",
            (pk, pid, p.title_en, p.abstract_zh, schema.orphan_key("", pk), read, starred),
        )
        for dpk, ref in members:
            conn.execute(
                "INSERT INTO membership(digest, ref, paper, hash) VALUES (?, ?, ?, ?)",
                (dpk, ref, pk, paper_hash(p)),
            )
    schema.rebuild_search_index(conn, layout=1)  # (as a v3 cache: no `meta`)
    conn.close()


def test_v3_cache_migrates_to_dated_named_digests_keeping_state(tmp_path, utc_local_time):
    db = tmp_path / "v3.db"
    make_v3(db)
    with Store.open(db) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION
        infos = {d.alias + "@" + d.source.rsplit("/", 2)[-2]: d for d in s.digests()}
        got = sorted((d.name, d.date, d.alias) for d in s.digests())
        assert got == [
            ("arxiv-cs.AI-2026-08-18", "2026-08-18", "arxiv-cs.AI"),
            ("cs.CL-2026-08-20", "2026-08-20", "cs.CL"),  # dated by its import
            ("cs.CL-2026-08-21", "2026-08-21", "cs.CL"),  # same name, other source
            ("digest-cs.AI-2026-08-19", "2026-08-19", "digest-cs.AI-2026-08-19"),  # by its name
        ]
        assert infos["cs.CL@u"].label == "2026-08-20 · u"  # the file's folder
        # Read and star state survive; papers keep every listing.
        one, two = s.get_paper("2608.00001"), s.get_paper("2608.00002")
        assert one.read and not one.starred and two.starred and not two.read
        assert [x.digest for x in one.listings] == [
            "digest-cs.AI-2026-08-19",
            "arxiv-cs.AI-2026-08-18",
        ]
        # The listing moved to the new dates, and the index follows: rebuilt by
        # the v4 step in row layout 1 (no `meta` then), as the cache keeps it.
        assert search_index.row_layout(s._conn()) == 1
        assert "older layout" in str(s.stats()["search_index"])
        assert [r.id for r in s.search()] == ["2608.00003", "2608.00002", "2608.00001"]
        assert s.count("date:2026-08-18") == 2 and s.count("遗忘 date:2026-08-20") == 1
        assert s.count("is:read") == 1 and s.count("is:starred paper") == 1
        # Old names keep working; a newest-first alias picks the latest of two.
        assert s.digest_name("cs.CL") == "cs.CL-2026-08-21"
        assert [r.id for r in s.search(digest="digest-cs.AI-2026-08-19")] == ["2608.00001"]
        # Re-importing what the latest digest of a source holds creates nothing.
        same = Digest(
            "cs.CL",
            source="/home/u/cs.CL.md",
            papers=[
                Paper(id="2608.00002", title_en="Paper 2608.00002", abstract_zh="关于遗忘的研究")
            ],
        )
        assert s.import_digest(same).outcome == "identical"
    assert s.verify() == ""


def test_v6_cache_gains_the_read_flag_index_and_keeps_it_across_restarts(tmp_path):
    db = tmp_path / "c.db"
    papers = [Paper(id=f"2401.{i:05d}", title_en=f"Paper {i}") for i in range(6)]
    with Store.open(db) as s:
        s.import_digest(Digest("d", date="2024-03-01", papers=papers))
        s.set_read(s.list_ids()[1::2])
        read, unread = s.list_ids("is:read"), s.list_ids("is:unread")
    # The same cache as version 6 wrote it: no index on the read flag (nor what came after).
    with sqlite3.connect(db) as conn:
        conn.execute("DROP INDEX listing_by_read")
        conn.execute("DROP TABLE removed_days")
        conn.execute("DROP TABLE undo_log")
        conn.execute("DROP TABLE meta")
        conn.execute("DROP TABLE removed_lists")
        conn.execute("DROP TABLE claims")  # (schema 17)
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("DROP TABLE hand_read")  # (schema 14)
        conn.execute("ALTER TABLE membership DROP COLUMN version")  # (schema 13)
        conn.execute("ALTER TABLE membership DROP COLUMN announce_type")  # (schema 11)
        conn.execute("PRAGMA user_version = 6")
    with pytest.raises(CacheError, match="needs an upgrade"):
        Store.open(db, readonly=True)
    for _ in range(2):  # migrated on the first open, unchanged on the next
        with Store.open(db) as s:
            assert s.stats()["schema"] == schema.SCHEMA_VERSION
            assert (s.list_ids("is:read"), s.list_ids("is:unread")) == (read, unread)
            assert len(read) == 3 and s.count("is:read", cap=1) == 2
            sql = "SELECT l.pk FROM listing l WHERE l.read = 1 ORDER BY l.key DESC"
            plan = s._conn().execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            assert "listing_by_read" in str(plan)


def test_v7_cache_gains_the_removed_days_and_remembers_removals_across_restarts(tmp_path):
    db = tmp_path / "c.db"
    with Store.open(db) as s:
        for day in ("2026-11-16", "2026-11-17"):
            papers = [Paper(id=f"2611.{day[-2:]}001", title_en="P")]
            s.import_digest(Digest("cs.AI", source="https://x.example/cs.AI.md", papers=papers),
                            today=day)  # fmt: skip
    with sqlite3.connect(db) as conn:  # as version 7 wrote it
        conn.execute("DROP TABLE removed_days")
        conn.execute("DROP TABLE undo_log")
        conn.execute("DROP TABLE meta")
        conn.execute("DROP TABLE removed_lists")
        conn.execute("DROP TABLE claims")  # (schema 17)
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("DROP TABLE hand_read")  # (schema 14)
        conn.execute("ALTER TABLE membership DROP COLUMN version")  # (schema 13)
        conn.execute("ALTER TABLE membership DROP COLUMN announce_type")  # (schema 11)
        conn.execute("PRAGMA user_version = 7")
    with Store.open(db) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION
        [newest] = [d.name for d in s.digests() if d.date == "2026-11-17"]
        s.remove_digests(s.digest_pks([newest]))
    with Store.open(db) as s:  # the removal is remembered, the other day is still held
        assert [d.date for d in s.digests()] == ["2026-11-16"]
        assert s.source_days("https://x.example/cs.AI.md") == {"2026-11-16", "2026-11-17"}
        assert s.source_days("elsewhere") == set()


def v7_cache(db: Path) -> Path:
    """A cache as version 7 wrote it (no `removed_days`), holding one paper, "Kept"."""
    with Store.open(db) as s:
        s.import_digest(
            Digest("d", date="2024-03-01", papers=[Paper(id="2403.00001", title_en="Kept")])
        )
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE removed_days")
        conn.execute("DROP TABLE undo_log")
        conn.execute("DROP TABLE meta")
        conn.execute("DROP TABLE removed_lists")
        conn.execute("DROP TABLE claims")  # (schema 17)
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("DROP TABLE hand_read")  # (schema 14)
        conn.execute("ALTER TABLE membership DROP COLUMN version")  # (schema 13)
        conn.execute("ALTER TABLE membership DROP COLUMN announce_type")  # (schema 11)
        conn.execute("PRAGMA user_version = 7")
    return db


def test_reading_commands_upgrade_a_cache_an_older_release_made(tmp_path):
    """After an upgrade of tui-digest, `search`, `stats` and the other reading commands
    work on the old cache (upgraded once, as the reader would) instead of asking the
    user to "open it once without read-only"; `Store.open(readonly=True)` still writes
    nothing."""
    from cli_support import run_cli

    db = v7_cache(tmp_path / "c.db")
    with pytest.raises(CacheError, match=r"needs an upgrade .* where it can be written"):
        Store.open(db, readonly=True)
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == 7
    done = run_cli("search", "Kept", db=db)
    assert done.returncode == 0, done.stderr.decode()
    assert b"2403.00001" in done.stdout
    upgrading = f"tui-digest: Upgrading the cache (schema 7 → {schema.SCHEMA_VERSION})…\n"
    # (the count line goes to stderr too when stdout is not a terminal)
    assert done.stderr.decode() == upgrading + "-- 1 shown of 1 matches\n"
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == schema.SCHEMA_VERSION
    stats = run_cli("stats", db=db)
    assert stats.returncode == 0 and f"schema: {schema.SCHEMA_VERSION}".encode() in stats.stdout


def test_an_older_cache_is_backed_up_as_it_is_before_the_upgrade(tmp_path):
    """`backup` before the new release upgrades the cache: the copy is the old cache as
    it was, and the new release opens (and upgrades) the copy as it would the cache."""
    from cli_support import run_cli

    db = v7_cache(tmp_path / "c.db")
    copy = tmp_path / "before-upgrade.db"
    done = run_cli("backup", str(copy), db=db)
    assert done.returncode == 0, done.stderr.decode()
    assert b"backed up 1 papers in 1 digests" in done.stdout
    for path in (db, copy):  # neither was upgraded
        with sqlite3.connect(path) as conn:
            assert schema.user_version(conn) == 7
    with Store.open(copy) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION
        assert [r.id for r in s.search("Kept")] == ["2403.00001"]


class _QuickStore(Store):
    busy_ms = 20  # each attempt at the lock gives up quickly; the tests count them


def test_an_upgrade_waits_while_another_process_holds_the_write_lock(tmp_path, monkeypatch):
    """It failed at once: "cannot prepare the cache: database is locked" (found by a bug hunt)."""
    db = v7_cache(tmp_path / "c.db")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another tui-digest writing (an import)
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 3:
            holder.execute("COMMIT")  # the other process is done

    monkeypatch.setattr(_QuickStore, "_sleep", staticmethod(pause))
    try:
        with _QuickStore.open(db) as s:
            assert s.stats()["schema"] == schema.SCHEMA_VERSION
            assert [p.title_en for p in s.search("Kept")] == ["Kept"]
    finally:
        holder.close()
    assert len(pauses) == 3


def test_an_upgrade_locked_for_good_says_so_in_the_usual_words(tmp_path, monkeypatch):
    db = v7_cache(tmp_path / "c.db")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(_QuickStore, "patient_attempts", 2)
    monkeypatch.setattr(_QuickStore, "_sleep", staticmethod(lambda s: None))
    try:
        with pytest.raises(CacheError, match="locked by another tui-digest process; try again"):
            _QuickStore.open(db)
    finally:
        holder.close()
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == 7


def test_a_command_says_on_stderr_when_it_upgrades_the_cache_and_only_then(tmp_path):
    """`stats` on a 30k-paper schema-3 cache printed nothing for 15 s (found by a bug hunt)."""
    from cli_support import run_cli

    db = v7_cache(tmp_path / "c.db")
    first = run_cli("mark", "read", "2403.00001", db=db)
    assert first.returncode == 0, first.stderr.decode()
    said = first.stderr.decode().splitlines()
    assert said == [f"tui-digest: Upgrading the cache (schema 7 → {schema.SCHEMA_VERSION})…"]
    again = run_cli("stats", db=db)  # upgraded: nothing more to say
    assert again.returncode == 0 and again.stderr == b""
    new = run_cli("import", str(MINI), db=tmp_path / "new.db")  # a new cache is no upgrade
    assert new.returncode == 0 and b"Upgrading" not in new.stderr


def test_on_upgrade_is_told_once_from_and_to_and_never_for_a_new_cache(tmp_path):
    told: list[tuple[int, int]] = []
    db = v7_cache(tmp_path / "c.db")
    Store.open(db, on_upgrade=lambda old, new: told.append((old, new))).close()
    Store.open(db, on_upgrade=lambda old, new: told.append((old, new))).close()
    Store.open(tmp_path / "new.db", on_upgrade=lambda old, new: told.append((old, new))).close()
    assert told == [(7, schema.SCHEMA_VERSION)]


def test_a_cache_before_removed_lists_gains_them_in_one_step_keeping_its_removed_days(tmp_path):
    """`_remember_removed_lists` (schema 12): a cache as version 11 wrote it keeps
    its removed days (no list is known for them) and remembers later removals'
    lists, across restarts: the removed list fetched again creates nothing."""
    db, source = tmp_path / "c.db", "https://x.example/cs.AI.md"

    def day(n: int) -> Digest:
        return Digest("cs.AI", source=source, papers=[Paper(id=f"2611.0{n}001", title_en="P")])

    with Store.open(db) as s:
        s.import_digest(day(1), today="2026-11-16")
        s.import_digest(day(2), today="2026-11-17")
        s.remove_digests(s.digest_pks(["cs.AI-2026-11-17"]))
    before = schema.MIGRATIONS.index(schema._remember_removed_lists)  # (11)
    with sqlite3.connect(db) as conn:  # as the version before wrote it
        conn.execute("DROP TABLE removed_lists")
        conn.execute("DROP TABLE claims")  # (schema 17)
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("DROP TABLE hand_read")  # (schema 14)
        conn.execute("ALTER TABLE membership DROP COLUMN version")  # (schema 13)
        conn.execute(f"PRAGMA user_version = {before}")
    steps: list[tuple[int, int]] = []
    with Store.open(db, on_upgrade=lambda a, b: steps.append((a, b))) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION and steps == [
            (before, schema.SCHEMA_VERSION)
        ]
        assert s.source_days(source) == {"2026-11-16", "2026-11-17"}  # kept
        # Removed before the upgrade: its list is not known, an import brings it.
        assert s.import_digest(day(2), today="2026-11-18").outcome == "new digest"
        s.remove_digests(s.digest_pks(["cs.AI-2026-11-18"]))
    with Store.open(db) as s:
        again = s.import_digest(day(2), today="2026-11-19")
        assert (again.outcome, again.digest, again.unchanged) == ("identical", "", 1)
        assert [d.name for d in s.digests()] == ["cs.AI-2026-11-16"]


def test_v13_cache_gains_the_hand_read_marks_and_keeps_them_across_restarts(tmp_path):
    """Schema 14 (`hand_read`): the papers whose read flag was set by hand, which
    the read timer leaves alone after a restart too."""
    db = tmp_path / "c.db"
    papers = [Paper(id=f"2401.{i:05d}", title_en=f"Paper {i}") for i in range(3)]
    with Store.open(db) as s:
        s.import_digest(Digest("d", date="2024-03-01", papers=papers))
    with sqlite3.connect(db) as conn:  # as version 13 wrote it
        conn.execute("DROP TABLE claims")  # (schema 17)
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("DROP TABLE hand_read")
        conn.execute("PRAGMA user_version = 13")
    with Store.open(db) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION >= 14
        first, second, third = s.list_ids()
        assert s.toggle_flag("read", [first], by_hand=True) == (True, [first])
        assert s.change_flag("read", [first], False, by_hand=True) == [first]
        s.change_flag("starred", [second], True, by_hand=True)  # a star is not a read mark
    with Store.open(db) as s:
        assert s.read_by_hand([first, second, third]) == {first}
        assert (s.timer_read(first), s.timer_read(second)) == ([], [second])
        # An `m` undone stays by hand (the `m` said so); an `M` undone does not
        # become by hand (it turned the timer off for good on every paper it had
        # marked; found by a regression hunt).
        assert s.toggle_flag("read", [third], by_hand=True) == (True, [third])
        s.push_undo("read", True, [third], 1)
        assert s.undo_last() is not None and s.timer_read(third) == []
        s.change_flag("read", [second], False)  # (read by the timer above)
        assert s.change_flag("read", [second], True) == [second]  # `M`
        s.push_undo("read", True, [second], 3)
        assert s.undo_last() is not None and s.read_by_hand([second]) == set()
        assert s.timer_read(second) == [second]


def test_an_undone_m_of_one_paper_keeps_its_read_timer_across_the_upgrade(tmp_path):
    """Schema 16 first took an unread change whose time no other read change
    shares for a hand mark made before `hand_read`: an undone `M` of one paper
    has that shape too, and its timer went off for good, the mark travelling
    to other machines (found by a regression hunt). The step is withdrawn:
    the timer still reads such a paper after the upgrade and a restart."""
    db = tmp_path / "c.db"
    papers = [Paper(id=f"2401.{i:05d}", title_en=f"Paper {i}") for i in range(2)]
    with Store.open(db) as s:
        s.import_digest(Digest("d", date="2024-03-01", papers=papers))
        one = s.list_ids()[:1]
        assert s.change_flag("read", one, True) == one  # `M` with one unread paper
        s.push_undo("read", True, one, 1)
        assert s.undo_last() is not None  # ctrl+z: unread again, one change, one time
    with sqlite3.connect(db) as conn:  # as schema 15 left it
        conn.execute("DROP TABLE claims")  # (schema 17)
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("PRAGMA user_version = 15")
    conn.close()
    with Store.open(db) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION >= 16
    with Store.open(db) as s:
        assert s.read_by_hand(one) == set()
        assert s.timer_read(one[0]) == one
        assert '"by_hand"' not in "".join(str(c.as_json()) for c in s.export_state())


def test_a_note_an_older_reader_saved_after_the_upgrade_is_mended(tmp_path):
    """A reader of an older release left open across the upgrade saved a note in
    its own search form ("zebrafish marker"): `note:zebrafish` never found it,
    and neither `reindex` nor saving the same text again mended it (found by a
    bug hunt). Both do now."""
    db = tmp_path / "c.db"
    with Store.open(db) as s:
        s.import_digest(Digest("d", date="2024-03-01", papers=[Paper(id="2608.20338")]))
        s.set_note("2608.20338", "Zebrafish marker")
        s.set_note("2608.20339", "Zebrafish too")  # (a paper not here yet)
    for mend in ("reindex", "save again"):
        with sqlite3.connect(db) as conn:  # as the older reader wrote it
            conn.execute(
                "UPDATE paper_notes SET folded = (SELECT 'zebrafish marker' FROM user_state s "
                "WHERE s.id = paper_notes.id AND s.field = 'note')"
            )
        conn.close()
        with Store.open(db) as s:
            assert s.count("note:zebrafish") == 0
            if mend == "reindex":
                s.reindex()
            else:
                assert s.set_note("2608.20338", "Zebrafish marker") is False  # unchanged
        with Store.open(db) as s:
            assert [r.id for r in s.search("note:zebrafish")] == ["2608.20338"], mend
            assert s.count("zebrafish") == 1


def test_v16_cache_gains_the_claims_table(tmp_path):
    """Schema 17 (`claims`): the papers a translation run is working on."""
    db = tmp_path / "c.db"
    with Store.open(db) as s:
        s.import_digest(Digest("d", date="2024-03-01", papers=[Paper(id="2401.00001")]))
    with sqlite3.connect(db) as conn:  # as version 16 wrote it
        conn.execute("DROP TABLE claims")
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("PRAGMA user_version = 16")
    with Store.open(db) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION >= 17
        (pk,) = s.list_ids()
        assert s.claim("translate", [pk], run="a", until=2e9).got == [pk]
    with Store.open(db) as s:
        assert list(s.claim("translate", [pk], run="b", until=2e9).held) == [pk]


def test_v17_cache_gains_the_sources_history_read(tmp_path):
    """Schema 18 (`sources.history_read`): when a source's history was last read
    whole. A source's state from before keeps its fields and has none."""
    db = tmp_path / "c.db"
    with Store.open(db) as s:
        s.set_source_state("ai", url="https://x/ai.md", last_success="2026-12-01T08:00:00Z")
    with sqlite3.connect(db) as conn:  # as version 17 wrote it
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("PRAGMA user_version = 17")
    with Store.open(db) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION >= 18
        state = s.fetch_state("ai", "https://x/ai.md") or {}
        assert state["last_success"] == "2026-12-01T08:00:00Z" and state["history_read"] is None
        s.set_source_state("ai", history_read="2026-12-02T08:00:00Z")
    with Store.open(db) as s:
        assert (s.get_source_state("ai") or {})["history_read"] == "2026-12-02T08:00:00Z"


def test_v18_cache_gains_undo_owners_and_keeps_its_history(tmp_path):
    """Schema 19 (`undo_log.owner`): an entry from before names no reader, and any
    reader may take it back, as before."""
    db = tmp_path / "c.db"
    with Store.open(db) as s:
        s.import_digest(Digest("d", date="2024-01-02", papers=[Paper(id="2401.00001")]))
        [rowid] = s.list_ids()
        s.push_undo("starred", True, s.change_flag("starred", [rowid], True), 1)
    with sqlite3.connect(db) as conn:  # as version 18 wrote it
        conn.execute("ALTER TABLE undo_log DROP COLUMN owner")
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("PRAGMA user_version = 18")
    with Store.open(db) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION >= 19
        assert s._conn().execute("SELECT owner FROM undo_log").fetchall() == [("",)]
        undone = s.undo_last()
        assert undone is not None and undone.rowids == [rowid]


def test_v22_cache_remembers_the_category_of_each_digest_removed_after_the_upgrade(tmp_path):
    """Schema 23 (`removed_days.category`): `publish` withdraws a removed day from
    its folder under the category its digest had (a code audit: a source whose
    category was the config's, with no other digest, was never withdrawn). A day
    removed before the upgrade has none ('': publish reads its source as before);
    a day held empty (`hold_day`) gains its digest's category when removed."""
    db = tmp_path / "c.db"
    source = "https://x.example/today.md"
    with Store.open(db) as s:
        for day in ("2026-11-16", "2026-11-17", "2026-11-18"):
            papers = [Paper(id=f"2611.{day[-2:]}001", title_en="P")]
            s.import_digest(
                Digest("lab", source=source, papers=papers), today=day, category="hep-th"
            )
        s.remove_digests(s.digest_pks([d.name for d in s.digests() if d.date == "2026-11-16"]))
    with sqlite3.connect(db) as conn:  # as version 22 wrote it
        conn.execute("ALTER TABLE removed_days DROP COLUMN category")
        conn.execute("PRAGMA user_version = 22")
    with Store.open(db) as s:
        assert s.stats()["schema"] == schema.SCHEMA_VERSION >= 23
        assert s.removed_sources() == {"2026-11-16": [(source, "")]}
        s.hold_empty_day(source, "2026-11-18")
        s.remove_digests(s.digest_pks([d.name for d in s.digests() if d.date >= "2026-11-17"]))
    with Store.open(db) as s:
        assert s.removed_sources() == {
            "2026-11-16": [(source, "")],
            "2026-11-17": [(source, "hep-th")],
            "2026-11-18": [(source, "hep-th")],
        }
