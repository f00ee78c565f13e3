"""The cache: import and merge rules, membership, listing order, user state, threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tui_digest.core.cache_guard import SQLITE_HEADER
from tui_digest.core.model import Digest, ImportStats, Paper
from tui_digest.core.store import CacheError, Store, merge_paper


def paper(pid: str, **kw: object) -> Paper:
    kw.setdefault("title_en", f"Title of {pid}")
    return Paper(id=pid, **kw)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


def ids(store: Store, query: str = "", **kw: object) -> list[str]:
    return [r.id for r in store.list_rows(store.list_ids(query, **kw))]


# --- Opening ---------------------------------------------------------------------


def test_open_default_path_creates_folder(tmp_path, monkeypatch):
    target = tmp_path / "deep" / "er" / "cache.db"
    monkeypatch.setenv("TUI_DIGEST_DB", str(target))
    with Store.open() as s:
        assert s.path == target
        assert s.is_empty()
    assert target.exists()


def test_open_sets_wal_and_pragmas(store):
    conn = store._conn()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_readonly_open_refuses_writes(tmp_path):
    with Store.open(tmp_path / "c.db") as s:
        s.import_digest(Digest("d", papers=[paper("2401.00001")]))
    with Store.open(tmp_path / "c.db", readonly=True) as ro:
        assert ro.count() == 1
        with pytest.raises(CacheError, match="read-only"):
            ro.set_read([1])


def test_readonly_open_of_missing_file_is_refused(tmp_path):
    with pytest.raises(CacheError, match="no cache"):
        Store.open(tmp_path / "none.db", readonly=True)
    assert not (tmp_path / "none.db").exists()


def test_garbage_file_is_moved_aside_intact_and_a_fresh_cache_made(tmp_path):
    bad = tmp_path / "c.db"
    bad.write_bytes(SQLITE_HEADER + b"this is not sqlite at all" * 100)
    before = bad.read_bytes()
    with Store.open(bad) as s:
        assert s.is_empty()
        (moved,) = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
        assert moved.read_bytes() == before
        assert any(str(moved) in notice for notice in s.notices)


def test_garbage_file_opened_read_only_is_refused_and_untouched(tmp_path):
    bad = tmp_path / "c.db"
    bad.write_bytes(SQLITE_HEADER + b"this is not sqlite at all" * 100)
    before = bad.read_bytes()
    with pytest.raises(CacheError):
        Store.open(bad, readonly=True)
    assert bad.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.db"]


# --- Import and merge rules ----------------------------------------------------------


def test_import_counts_new_then_unchanged(store):
    d = Digest("d1", date="2024-03-01", papers=[paper("2401.00001"), paper("2401.00002")])
    assert store.import_digest(d) == ImportStats(new=2)
    assert store.import_digest(d) == ImportStats(unchanged=2)
    assert store.count() == 2


def test_one_paper_per_id_across_digests(store):
    store.import_digest(Digest("a", date="2024-03-01", papers=[paper("2401.00001")]))
    stats = store.import_digest(Digest("b", date="2024-03-02", papers=[paper("2401.00001")]))
    assert stats == ImportStats(unchanged=1)
    assert store.count() == 1
    rec = store.get_paper("2401.00001")
    assert rec is not None and rec.digests == ["b-2024-03-02", "a-2024-03-01"]
    # Each listing keeps its own ref and date; the old names are aliases.
    assert [(x.digest, x.date, x.ref) for x in rec.listings] == [
        ("b-2024-03-02", "2024-03-02", 1),
        ("a-2024-03-01", "2024-03-01", 1),
    ]
    assert store.digest_name("a") == "a-2024-03-01" and ids(store, digest="b") == ["2401.00001"]


def test_nonempty_field_never_replaced_by_empty(store):
    store.import_digest(Digest("a", papers=[paper("1", version="v1", title_zh="中文标题")]))
    stats = store.import_digest(Digest("b", papers=[paper("1", version="v2", title_zh="")]))
    rec = store.get_paper("1")
    assert rec.paper.title_zh == "中文标题"
    assert rec.paper.version == "v2"
    assert stats == ImportStats(updated=1)


def test_newer_version_replaces_text(store):
    store.import_digest(Digest("a", papers=[paper("1", version="v2", abstract_en="old")]))
    store.import_digest(Digest("b", papers=[paper("1", version="v10", abstract_en="new")]))
    assert store.get_paper("1").paper.abstract_en == "new"


def test_version_compared_numerically_not_as_text():
    old = paper("1", version="v9", abstract_en="nine")
    assert merge_paper(old, paper("1", version="v10", abstract_en="ten")).abstract_en == "ten"
    old = paper("1", version="v10", abstract_en="ten")
    assert merge_paper(old, paper("1", version="v9", abstract_en="nine")).abstract_en == "ten"


def test_same_or_older_version_only_fills_empty(store):
    store.import_digest(Digest("a", papers=[paper("1", version="v2", abstract_en="kept")]))
    store.import_digest(
        Digest("b", papers=[paper("1", version="v2", abstract_en="other", abstract_zh="填充")])
    )
    store.import_digest(Digest("c", papers=[paper("1", version="v1", abstract_en="older")]))
    p = store.get_paper("1").paper
    assert p.abstract_en == "kept"
    assert p.abstract_zh == "填充"
    assert p.version == "v2"


def test_lists_replaced_only_when_nonempty_and_newer_or_stored_empty():
    base = paper("1", version="v1", authors=["A"], categories=[])
    same = merge_paper(base, paper("1", version="v1", authors=["B"], categories=["cs.AI"]))
    assert same.authors == ["A"]  # same version: not replaced
    assert same.categories == ["cs.AI"]  # stored empty: filled
    newer = merge_paper(base, paper("1", version="v2", authors=["B", "C"]))
    assert newer.authors == ["B", "C"]
    empty = merge_paper(base, paper("1", version="v3", authors=[]))
    assert empty.authors == ["A"]


def test_extras_merged_key_by_key():
    base = paper("1", version="v1", extras={"a": "1", "b": "", "c": "3"})
    same = merge_paper(base, paper("1", version="v1", extras={"a": "x", "b": "2", "d": "4"}))
    assert same.extras == {"a": "1", "b": "2", "c": "3", "d": "4"}
    newer = merge_paper(base, paper("1", version="v2", extras={"a": "x", "c": ""}))
    assert newer.extras == {"a": "x", "b": "", "c": "3"}


def test_extras_persist_as_json(store):
    store.import_digest(Digest("a", papers=[paper("1", extras={"suffix": "(arXiv:1 [cs.AI])"})]))
    assert store.get_paper("1").paper.extras == {"suffix": "(arXiv:1 [cs.AI])"}


def test_update_reindexes_search(store):
    store.import_digest(Digest("a", papers=[paper("1", version="v1", title_en="alpha")]))
    assert store.count("alpha") == 1
    store.import_digest(Digest("a", papers=[paper("1", version="v2", title_en="beta")]))
    assert store.count("alpha") == 0
    assert store.count("beta") == 1


def test_repeated_id_in_one_digest_kept_once_at_first_ref(store):
    d = Digest("a", papers=[paper("1"), paper("2"), paper("1", abstract_en="more")])
    assert store.import_digest(d) == ImportStats(new=2)
    assert [r.ref for r in store.search()] == [1, 2]
    assert store.get_paper("1").paper.abstract_en == "more"


def test_paper_without_id_is_skipped(store):
    store.import_digest(Digest("a", papers=[paper(""), paper("2")]))
    assert store.count() == 1


# --- Membership and re-import -----------------------------------------------------------


def test_empty_digest_removes_nothing(store):
    store.import_digest(
        Digest("a", source="f.md", date="2024-03-01", papers=[paper("1"), paper("2")])
    )
    stats = store.import_digest(Digest("a", source="f.md", date="2024-03-01", papers=[]))
    assert stats == ImportStats()
    assert store.count() == 2
    assert store.count(digest="a") == 2
    assert store.digests()[0].count == 2


def test_reimport_replaces_membership(store):
    store.import_digest(Digest("a", source="f.md", papers=[paper("1"), paper("2")]))
    store.import_digest(Digest("a", source="f.md", papers=[paper("3"), paper("1")]))
    assert ids(store, digest="a") == ["3", "1"]
    assert store.get_paper("2").digests == []  # still in the cache, in no digest
    assert store.count() == 3
    assert store.count("title", digest="a") == 2


def test_same_name_other_source_is_another_digest(store):
    store.today = lambda: "2024-05-01"
    store.import_digest(Digest("a", source="one.md", papers=[paper("1")]))
    store.import_digest(Digest("a", source="two.md", papers=[paper("2")]))
    assert [d.name for d in store.digests()] == ["a-2024-05-01-2", "a-2024-05-01"]
    assert ids(store, digest="a-2024-05-01") == ["1"]
    assert ids(store, digest="a-2024-05-01-2") == ["2"]
    assert ids(store, digest="a") == ["2"]  # an alias names the newest digest that had it


def test_read_and_star_survive_reimport(store):
    d = Digest("a", papers=[paper("1", version="v1"), paper("2")])
    store.import_digest(d)
    pk = store.get_paper("1").rowid
    store.set_read([pk])
    store.set_starred([pk])
    store.import_digest(Digest("a", papers=[paper("1", version="v2", title_en="new")]))
    store.import_digest(Digest("b", date="2030-01-01", papers=[paper("1")]))
    rec = store.get_paper(pk)
    assert rec.read and rec.starred and rec.paper.title_en == "new"
    assert store.count("is:read") == 1 and store.count("is:starred") == 1


def test_set_read_and_unstar_persist(tmp_path):
    with Store.open(tmp_path / "c.db") as s:
        s.import_digest(Digest("a", papers=[paper("1"), paper("2")]))
        s.set_read([1, 2])
        s.set_read([2], read=False)
        s.set_starred([2])
    with Store.open(tmp_path / "c.db") as s:
        assert [r.read for r in s.list_rows([1, 2])] == [True, False]
        assert [r.starred for r in s.list_rows([1, 2])] == [False, True]
        assert s.stats()["read"] == 1 and s.stats()["starred"] == 1


# --- Listing order ---------------------------------------------------------------------


def test_listing_newest_digest_first_then_ref(store):
    store.import_digest(Digest("old", date="2024-03-01", papers=[paper("a1"), paper("a2")]))
    store.import_digest(Digest("new", date="2024-03-05", papers=[paper("b1"), paper("b2")]))
    # Imported later but dated earlier: sorts after both.
    store.import_digest(Digest("older", date="2024-02-01", papers=[paper("c1")]))
    assert ids(store) == ["b1", "b2", "a1", "a2", "c1"]
    assert [r.id for r in store.search(limit=2, offset=1)] == ["b2", "a1"]


def test_same_date_later_import_first(store):
    store.import_digest(Digest("x", date="2024-03-01", papers=[paper("x1")]))
    store.import_digest(Digest("y", date="2024-03-01", papers=[paper("y1")]))
    assert ids(store) == ["y1", "x1"]


def test_paper_sorts_by_newest_appearance(store):
    store.import_digest(Digest("old", date="2024-03-01", papers=[paper("1"), paper("2")]))
    store.import_digest(Digest("new", date="2024-03-09", papers=[paper("3"), paper("2")]))
    assert ids(store) == ["3", "2", "1"]
    row = store.list_rows([store.get_paper("2").rowid])[0]
    assert (row.date, row.ref) == ("2024-03-09", 2)
    # Inside one digest its own ref order holds.
    assert ids(store, digest="old") == ["1", "2"]


def test_importing_an_older_digest_does_not_move_a_paper_back(store):
    store.import_digest(Digest("new", date="2024-03-09", papers=[paper("1")]))
    store.import_digest(Digest("old", date="2024-03-01", papers=[paper("2"), paper("1")]))
    assert ids(store) == ["1", "2"]
    assert store.list_rows([store.get_paper("1").rowid])[0].date == "2024-03-09"


def test_undated_document_is_filed_under_today(store):
    store.today = lambda: "2026-08-19"  # the injected clock: the local date of the import
    stats = store.import_digest(
        Digest("feed", date="", papers=[paper("1", published="2023-05-06")])
    )
    assert stats.digest == "feed-2026-08-19"
    row = store.search()[0]
    assert row.date == "2026-08-19"
    assert store.count("date:2026-08-19") == 1 and store.count("date:2023-05") == 0


def test_digests_newest_first_and_stats(store):
    store.import_digest(Digest("a", date="2024-03-01", source="a.md", papers=[paper("1")]))
    store.import_digest(Digest("b", date="2024-03-02", kind="arxiv", papers=[paper("2")]))
    infos = store.digests()
    assert [(i.name, i.count, i.kind, i.alias) for i in infos] == [
        ("b-2024-03-02", 1, "arxiv", "b"),
        ("a-2024-03-01", 1, "digest", "a"),
    ]
    assert infos[1].label == "2024-03-01 · a"
    st = store.stats()
    assert st["papers"] == 2 and st["digests"] == 2 and st["schema"] >= 2
    assert st["size_bytes"] > 0 and st["path"] == str(store.path)


def test_get_paper_by_id_with_version_and_missing(store):
    store.import_digest(Digest("a", papers=[paper("2401.00001", version="v3")]))
    assert store.get_paper("2401.00001v3").paper.version == "v3"
    assert store.get_paper("9999.99999") is None
    assert store.get_paper(12345) is None
    recs = store.get_papers([1, 999])
    assert [r.paper.id for r in recs] == ["2401.00001"]


def test_rowid_of_finds_a_papers_row_by_id_with_or_without_version(store):
    store.import_digest(Digest("a", papers=[paper("2401.00001"), paper("2401.00002")]))
    row = store.get_paper("2401.00002").rowid
    assert store.rowid_of("2401.00002") == row
    assert store.rowid_of(" 2401.00002v7 ") == row
    assert store.rowid_of("2401.00001") != row
    assert store.rowid_of("9999.99999") is None


# --- Sources ---------------------------------------------------------------------------


def test_source_state_roundtrip(store):
    assert store.get_source_state("cs.AI") is None
    store.set_source_state("cs.AI", url="https://x", etag='"abc"', last_status="200")
    store.set_source_state("cs.AI", last_error="boom")
    st = store.get_source_state("cs.AI")
    assert st["etag"] == '"abc"' and st["last_error"] == "boom" and st["url"] == "https://x"
    with pytest.raises(ValueError, match="unknown source field"):
        store.set_source_state("cs.AI", colour="red")


def test_source_state_is_of_one_url(tmp_path):
    """What a fetch recorded is its URL's: read for another URL it is none, and a
    result recorded for another URL leaves nothing of the old one's (validators)."""
    path = tmp_path / "cache.db"
    with Store.open(path) as store:
        store.set_source_state("s", url="https://a.org/x", etag='"a"', last_status="new 3")
    with Store.open(path) as store:  # reopened
        assert store.fetch_state("s", "https://user:pw@a.org/x")["etag"] == '"a"'
        assert store.fetch_state("s", "https://b.org/x") is None
        store.set_source_state("s", url="https://b.org/x", last_status="failed (HTTP 404)")
        assert store.fetch_state("s", "https://a.org/x") is None
        state = store.fetch_state("s", "https://b.org/x")
        assert (state["etag"], state["last_status"]) == (None, "failed (HTTP 404)")
        store.set_source_state("s", url="https://b.org/x", etag='"b"')
        assert store.fetch_state("s", "https://b.org/x")["last_status"] == "failed (HTTP 404)"


# --- Threads ---------------------------------------------------------------------------


def test_read_from_other_thread_during_write_transaction(store):
    store.import_digest(Digest("a", papers=[paper("1")]))
    result: dict[str, object] = {}
    with store._write() as conn:  # a write transaction held open by this thread
        conn.execute("UPDATE papers SET title_en = 'changing'")

        def reader() -> None:
            result["count"] = store.count()
            result["title"] = store.get_paper("1").paper.title_en

        t = threading.Thread(target=reader)
        t.start()
        t.join(timeout=5)
        assert not t.is_alive()
    # The reader saw the last committed state and did not wait for the writer.
    assert result == {"count": 1, "title": "Title of 1"}


def test_import_from_worker_thread(store):
    errors: list[BaseException] = []

    def work() -> None:
        try:
            store.import_digest(Digest("w", papers=[paper(str(i)) for i in range(50)]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count() == 50


def test_connections_of_finished_threads_are_closed(store):
    store.import_digest(Digest("a", papers=[paper("1")]))
    for _ in range(20):
        t = threading.Thread(target=store.count)
        t.start()
        t.join()
    # Each new thread's connect closed the previous finished thread's connection:
    # what is left is this thread's and the last worker's.
    assert len(store._conns) == 2


# --- Re-import and machine translation ---------------------------------------------------


def test_unchanged_reimport_skips_papers_and_keeps_order(store):
    d = Digest("a", source="f.md", date="2024-03-01", papers=[paper("1"), paper("2"), paper("3")])
    store.import_digest(d)
    conn = store._conn()
    assert conn.execute("SELECT count(*) FROM membership WHERE hash IS NOT NULL").fetchone()[0] == 3
    assert store.import_digest(d) == ImportStats(unchanged=3)
    # A changed entry is merged again; the others are skipped by their hash.
    d2 = Digest(
        "a",
        source="f.md",
        date="2024-03-01",
        papers=[paper("1"), paper("2", version="v2", title_en="Renamed"), paper("3")],
    )
    assert store.import_digest(d2) == ImportStats(updated=1, unchanged=2)
    assert store.count("renamed") == 1 and ids(store) == ["1", "2", "3"]
    # Swapped refs move both papers in the listing and the index.
    d3 = Digest(
        "a",
        source="f.md",
        date="2024-03-01",
        papers=[paper("3"), paper("1"), paper("2", version="v2", title_en="Renamed")],
    )
    store.import_digest(d3)
    assert ids(store) == ["3", "1", "2"] and ids(store, "title") == ["3", "1"]


def test_machine_value_from_another_import_does_not_replace():
    old = paper("1", title_zh="机器", extras={"machine_fields": "title_zh"})
    new = paper("1", title_zh="别的机器", extras={"machine_fields": "title_zh"})
    assert merge_paper(old, new).title_zh == "机器"


# --- page(): total and rows from one plan ----------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 5, 6, 7, 13])
@pytest.mark.parametrize("offset", [0, 5])
def test_page_total_matches_count_and_rows_match_search(store, n, offset):
    papers = [paper(f"2401.{i:05d}", title_en=f"graph paper {i}") for i in range(n)]
    papers.append(paper("2401.99999", title_en="something else"))
    store.import_digest(Digest("d", date="2024-01-01", papers=papers))
    total, rows = store.page("graph", limit=5, offset=offset)
    assert total == store.count("graph") == n
    assert [r.rowid for r in rows] == [
        r.rowid for r in store.search("graph", limit=5, offset=offset)
    ]


def test_page_with_exclusion_and_flags(store):
    papers = [paper(f"2401.{i:05d}", title_en=f"model {'模型' if i % 2 else ''}") for i in range(9)]
    store.import_digest(Digest("d", date="2024-01-01", papers=papers))
    first = store.list_ids("model")[0]
    store.set_read([first])
    for q in ("model -模型", "-模型 is:unread", "model is:read", "模型"):
        total, rows = store.page(q, limit=3)
        assert total == store.count(q), q
        assert [r.rowid for r in rows] == store.list_ids(q)[:3], q


def test_same_day_second_digest_keeps_the_paper_where_it_was_first_listed(store):
    shared = paper("2401.00001", title_en="shared")
    store.import_digest(Digest("ai", date="2024-03-01", papers=[shared, paper("2401.00002")]))
    store.import_digest(Digest("lg", date="2024-03-01", papers=[paper("2401.00003"), shared]))
    # listed with "ai" (imported first), not moved into "lg"
    assert ids(store) == ["2401.00003", "2401.00001", "2401.00002"]
    rec = store.get_paper("2401.00001")
    assert rec is not None and sorted(rec.digests) == ["ai-2024-03-01", "lg-2024-03-01"]
    # a later date moves it to its newest appearance
    store.import_digest(Digest("next", date="2024-03-02", papers=[shared]))
    assert ids(store)[0] == "2401.00001"
