"""A cache made before the archive and enrichment columns opens with its data, then gains them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_digest.core import schema, schema_early
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

STEP = schema.MIGRATIONS.index(schema_early.add_archive_and_enrichment)


def test_older_cache_gains_summary_en_and_arxiv_meta(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    conn = sqlite3.connect(db, isolation_level=None)
    # Data written at the first version (no search index yet); opening runs every
    # step after it, this one last.
    schema.migrate(conn, target=1)
    assert STEP >= 1
    key = schema.sort_key("2024-03-01", 1, 1)
    conn.execute(
        "INSERT INTO digests(pk, name, date, count) VALUES (1, 'old-digest', '2024-03-01', 1)"
    )
    conn.execute(
        "INSERT INTO papers(pk, id, title_en, authors, categories, category, sort_key, "
        "list_date, list_ref, starred) VALUES (1, '2403.00001', 'Old Paper', '[]', '[]', '', "
        "?, '2024-03-01', 1, 1)",
        (key,),
    )
    conn.execute("INSERT INTO membership(digest, ref, paper) VALUES (1, 1, 1)")
    conn.close()

    with Store.open(db) as store:
        assert store.stats()["schema"] == schema.SCHEMA_VERSION
        rec = store.get_paper("2403.00001")
        assert rec is not None and rec.starred and rec.paper.title_en == "Old Paper"
        assert rec.paper.summary_en == "" and rec.meta is None
        store.import_digest(
            Digest(name="a", papers=[Paper(id="2403.00001", summary_en="One line.")])
        )
        assert store.get_paper("2403.00001").paper.summary_en == "One line."
        assert [c.id for c in store.enrich_candidates("")] == ["2403.00001"]
