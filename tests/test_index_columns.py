"""The order the search index declares its columns in (`search_index.DECLARED_ORDER`).

New caches declare `pabs` first (a smaller index: see the constant). Rows are
written, deleted and searched by column name, so a cache made before, with
`ti` first, keeps answering exactly alike, through imports that replace
papers, until `reindex` gives it the new order.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from tests.test_query_equivalence import QUERIES, TEXTS

from cli_support import run_cli
from tui_digest.core.model import Digest, Paper
from tui_digest.core.search_index import SEARCH_COLUMNS
from tui_digest.core.store import CacheError, Store

OLD_CREATE = (
    f"CREATE VIRTUAL TABLE search USING fts5({', '.join(SEARCH_COLUMNS)}, content='', "
    'tokenize="unicode61 remove_diacritics 2")'
)


def _papers(changed: bool = False) -> list[Paper]:
    out = []  # a later version's text replaces the earlier one's (`store.merge`)
    for i, (en, zh, abs_en, abs_zh, authors, cats, kind) in enumerate(TEXTS):
        if changed and i % 3 == 0:  # a new version of every third paper
            abs_en, abs_zh = abs_en + " Revised: graph diffusion.", abs_zh + "修订：大型语言模型。"
        version = "v2" if changed else "v1"
        out.append(Paper(id=f"2401.{i:05d}", version=version, title_en=en, title_zh=zh,
                         abstract_en=abs_en, abstract_zh=abs_zh, summary_zh=zh[:4],
                         authors=authors, categories=cats, announce_type=kind))  # fmt: skip
    return out


def _declared(store: Store) -> str:
    sql = store._conn().execute("SELECT sql FROM sqlite_master WHERE name = 'search'").fetchone()
    return str(sql[0])


def _answers(store: Store) -> dict[str, tuple[object, ...]]:
    """Every query's count and page, in listing order and by relevance."""
    out: dict[str, tuple[object, ...]] = {}
    for q in QUERIES:
        total, rows = store.page(q, limit=200)
        ranked = [r.id for r in store.search(q + " sort:relevance", limit=200)]
        out[q] = (total, store.count(q), [r.id for r in rows], ranked)
    return out


def _old_order_cache(path: Path) -> Store:
    store = Store.open(path)
    conn = store._conn()
    conn.execute("DROP TABLE search")
    conn.execute(OLD_CREATE)
    return store


def _import(store: Store, papers: list[Paper]) -> None:
    store.import_digest(Digest("d1", date="2024-01-01", papers=papers[:4]))
    store.import_digest(Digest("d2", date="2024-01-02", papers=papers[4:]))


def test_a_new_cache_declares_the_abstracts_prefixes_first(tmp_path):
    with Store.open(tmp_path / "c.db") as store:
        assert "fts5(pabs, ti, abs, au, cat, id, ty, pti, pau, pcat, pid," in _declared(store)
        assert store.stats()["search_index"] == "current"


def test_a_cache_in_the_old_order_answers_alike_until_reindexed(tmp_path):
    new = Store.open(tmp_path / "new.db")
    old = _old_order_cache(tmp_path / "old.db")
    try:
        assert "fts5(ti, abs," in _declared(old)
        assert "`tui-digest reindex` rebuilds it in" in str(old.stats()["search_index"])
        for store in (new, old):
            _import(store, _papers())
        first = _answers(new)
        assert first == _answers(old)
        assert sum(a[1] for a in first.values()) > 50  # the queries find things
        # New versions replace the old rows: FTS5 deletes them by column name too.
        for store in (new, old):
            _import(store, _papers(changed=True))
            conn = store._conn()
            conn.execute("INSERT INTO search(search, rank) VALUES ('integrity-check', 0)")
        second = _answers(new)
        assert second == _answers(old)
        assert second != first
        assert new.count('"大型语言模型"') == 3 == old.count("修订")
    finally:
        new.close()
        old.close()
    # Reopened (a later session), then rebuilt: the new order, the same answers.
    with Store.open(tmp_path / "old.db") as store:
        assert _answers(store) == second
        assert store.reindex() == len(TEXTS)
        assert "fts5(pabs, ti," in _declared(store)
        assert store.stats()["search_index"] == "current"
        assert _answers(store) == second


def _pages(store: Store) -> int:
    return int(store._conn().execute("PRAGMA page_count").fetchone()[0])


def test_the_reindex_command_rebuilds_in_the_new_order_and_gives_the_space_back(tmp_path):
    db = tmp_path / "old.db"
    with _old_order_cache(db) as store:
        _import(store, _papers())
        # More papers, so that the index spans many pages.
        more = [replace(p, id=f"2402.{i:05d}", abstract_en=f"{p.abstract_en} {i} " * 20)
                for i, p in enumerate(_papers() * 25)]  # fmt: skip
        store.import_digest(Digest("d3", date="2024-01-03", papers=more))
        before, pages = _answers(store), _pages(store)
    done = run_cli("reindex", db=db)
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert re.fullmatch(rf"search index rebuilt \({len(TEXTS) * 26} papers\)\n"
                        r"cache compacted: \d+\.\d -> \d+\.\d MB\n", out)  # fmt: skip
    with Store.open(db) as store:
        assert "fts5(pabs, ti," in _declared(store)
        assert store._conn().execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert _pages(store) < pages
        assert _answers(store) == before


def test_a_read_only_cache_is_not_compacted(tmp_path):
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        _import(store, _papers())
    with (
        Store.open(db, readonly=True) as store,
        pytest.raises(CacheError, match="open read-only; nothing was changed"),
    ):
        store.compact()
