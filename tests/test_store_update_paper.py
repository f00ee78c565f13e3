"""`Store.update_paper`: what enrich and translate write back, and its search rows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store


def _ids(store: Store, query: str) -> list[str]:
    return [row.id for row in store.search(query)]


def test_a_changed_text_is_found_by_its_new_words_only_and_after_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache.db"
    store = Store.open(path)
    store.import_digest(Digest("a", papers=[Paper(id="2401.00001", title_en="Alpha wolves")]))
    rowid = store.rowid_of("2401.00001")
    assert rowid is not None
    store.update_paper(rowid, lambda p: replace(p, title_en="Beta foxes", title_zh="狐狸"))
    assert _ids(store, "foxes") == _ids(store, "狐狸") == ["2401.00001"]
    assert _ids(store, "wolves") == []
    store.close()
    store = Store.open(path)
    try:
        assert _ids(store, "foxes") == ["2401.00001"] and _ids(store, "wolves") == []
    finally:
        store.close()


def test_a_change_outside_the_searched_fields_leaves_the_index_alone(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cache.db")
    try:
        store.import_digest(Digest("a", papers=[Paper(id="2401.00001", title_en="Alpha wolves")]))
        rowid = store.rowid_of("2401.00001")
        assert rowid is not None

        def index_bytes() -> bytes:
            conn = store._conn()  # (the test reads FTS5's own table)
            return b"".join(r[0] for r in conn.execute("SELECT block FROM search_data ORDER BY id"))

        before = index_bytes()
        stored = store.update_paper(rowid, lambda p: replace(p, published="2024-01-02"))
        assert stored is not None and stored.published == "2024-01-02"
        assert index_bytes() == before
        assert _ids(store, "wolves") == ["2401.00001"]
    finally:
        store.close()
