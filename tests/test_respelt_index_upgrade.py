"""A cache made before stroke letters were spelt as ASCII and LaTeX operators
were spaced gets its index rebuilt on upgrade (`schema._respell_search_index`).

Its rows were made by the old code: `łukasiewicz`, `o nlog n`. A contentless
row is deleted by repeating the values it was inserted with, so had the cache
kept them, the next import replacing such a paper would have deleted values
it never held. Rebuilt, the index is exactly what its papers make now, in the
layout the cache had, and stays so through a replacing import and a restart.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from test_index_layouts import _index_is_its_papers
from tui_digest.core import latex_spacing, latex_text, schema, search_index, search_tokens
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

SORTING = Paper(
    id="2403.00001",
    title_en="Fast Sorting in $O(n\\log n)$ Time for $k\\log k$ Heaps",
    abstract_en="Cuts the cost from $0.50 to $0.05 per query.",
    authors=["Łukasz Łukasiewicz", "Søren Ødegård"],
)
OTHER = Paper(id="2403.00002", title_en="Plain graphs", authors=["Đorđe Đoković"])
QUERIES = {
    '"n log n"': [SORTING.id],
    "au:lukasiewicz": [SORTING.id],
    "au:soren": [SORTING.id],
    "au:dokovic": [OTHER.id],
    "nlog": [],
    "note:odegard": [OTHER.id],
}


def _old_cache(path: Path, layout: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache whose rows and note forms the code before schema 21 made."""
    with monkeypatch.context() as old:
        # What that code did: no letters spelt out, every `$...$` a formula,
        # atoms joined as they came.
        old.setattr(search_tokens, "fold_letters", lambda text: text)
        old.setattr(latex_text, "_closes", lambda s, begin, end: True)
        old.setattr(latex_spacing, "spaced", lambda pieces, kinds: "".join(pieces))
        with Store.open(path) as store:
            store.import_digest(Digest("d1", date="2024-03-20", papers=[SORTING, OTHER]))
            store.set_note(OTHER.id, "Ødegård's notes")
            conn = store._conn()
            search_index.rebuild_search_index(conn, layout=layout)
            schema.refold_notes(conn)
            assert "łukasiewicz" in {r[0] for r in conn.execute("SELECT term FROM terms")}
            conn.execute(f"PRAGMA user_version = {_STEP}")
    latex_text._readable_cached.cache_clear()


_STEP = schema.MIGRATIONS.index(schema._respell_search_index)


def _answers(store: Store) -> dict[str, list[str]]:
    return {q: sorted(r.id for r in store.search(q, limit=10)) for q in QUERIES}


@pytest.mark.parametrize("layout", [1, 2])
def test_an_old_cache_is_reindexed_as_its_papers_make_it_now(tmp_path, monkeypatch, layout):
    db = tmp_path / "old.db"
    _old_cache(db, layout, monkeypatch)
    with Store.open(db) as store:  # the upgrade
        assert schema.user_version(store._conn()) == schema.SCHEMA_VERSION
        _index_is_its_papers(store, layout)
        assert _answers(store) == QUERIES
        # A new version replaces the paper: its row is deleted as it was written.
        revised = replace(SORTING, version="v2", authors=["Łukasz Łukasiewicz"])
        store.import_digest(Digest("d2", date="2024-03-21", papers=[revised]))
        _index_is_its_papers(store, layout)
    with Store.open(db) as store:  # a later session
        _index_is_its_papers(store, layout)
        assert _answers(store) == {**QUERIES, "au:soren": []}
