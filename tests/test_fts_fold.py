"""The store folds tokens as FTS5's unicode61 tokenizer did (`core.fts_fold`).

New indexes use FTS5's `ascii` tokenizer, which folds nothing, so the store
lower-cases, takes diacritics off and splits where unicode61 (with
`remove_diacritics 2`) would. These tests hold that to SQLite itself: the
table, the terms FTS5 stores from the same papers, and the answers of a cache
made with unicode61 against one made now, also after a restart.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_digest.core import fts_fold_table
from tui_digest.core.fts_fold import fts_fold, needs_fold
from tui_digest.core.model import Digest, Paper
from tui_digest.core.search_index import DECLARED_ORDER
from tui_digest.core.search_tokens import fold_letters, index_pair
from tui_digest.core.store import Store

ROOT = Path(__file__).resolve().parent.parent
UNICODE61 = 'tokenize="unicode61 remove_diacritics 2"'
# The search table as caches made before `fts_fold` have it (today's columns).
UNICODE61_SEARCH = (
    f"CREATE VIRTUAL TABLE search USING fts5({', '.join(DECLARED_ORDER)}, content='', {UNICODE61})"
)


def _generator():
    path = ROOT / "scripts" / "gen_fts_fold.py"
    spec = importlib.util.spec_from_file_location("gen_fts_fold", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_is_what_the_sqlite_in_use_does():
    """Every character the tokeniser can put in a token, asked of unicode61 now."""
    gen = _generator()
    chars = gen.token_chars()
    assert len(chars) > 100_000  # letters, digits and CJK of every script
    want = gen.differences(gen.unicode61(chars))
    have = (
        fts_fold_table.FOLD_FROM,
        fts_fold_table.FOLD_TO,
        fts_fold_table.SEPARATORS,
        fts_fold_table.DROPPED,
    )
    assert have == want
    assert "\xe9" in have[0] and "\u30fb" in have[2]  # é folds; the katakana middle dot splits


def test_folding_twice_changes_nothing():
    every = fts_fold_table.FOLD_FROM + fts_fold_table.SEPARATORS + fts_fold_table.DROPPED
    once = fts_fold(every)
    assert fts_fold(once) == once
    assert not needs_fold(once.replace(" ", ""))
    assert needs_fold("jörg") and not needs_fold("jorg") and not needs_fold("模型")


def _terms(rows: list[tuple[str, ...]], tokenizer: str) -> list[tuple[object, ...]]:
    """(term, row, column, offset) of every token FTS5 stores for these rows;
    in the prefix column (b) without the offset, which means nothing there."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(a, b, content='', {tokenizer})")
    values = [(i, *row) for i, row in enumerate(rows)]
    conn.executemany("INSERT INTO t(rowid, a, b) VALUES (?, ?, ?)", values)
    conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, t, 'instance')")
    return sorted(
        (term, doc, col, offset if col == "a" else -1)
        for term, doc, col, offset in conn.execute("SELECT * FROM temp.v")
    )


# Accents, Greek with tonos, letters unicode61 leaves alone (ǡ), capitals,
# kana sound marks and the middle dot it splits at, full width, CJK, Hangul.
EXOTIC = st.text(
    alphabet="aBz09 -éÉöÖñ\u0301ǡǢάΆΣςİßẞÆøŁłﬁＡｂ模型遗忘・゛゙ｶﾞ가한ᦰ᧐\U00020001\n",
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(EXOTIC, min_size=1, max_size=3))
def test_the_index_holds_the_terms_unicode61_made(texts):
    """Folded text under `ascii` = the text as before (`tokens_reference`) under
    unicode61, with the letters it keeps (Ł, ø, Æ) spelt as ASCII."""
    sys.path.insert(0, str(ROOT / "tests"))
    import tokens_reference as ref

    # The letters unicode61 kept, spelt as ASCII first (`LETTER_FOLDS`, either case).
    before = [ref.index_pair(*map(fold_letters, texts))]
    now = [index_pair(*texts)]
    assert _terms(now, 'tokenize="ascii"') == _terms(before, UNICODE61)
    assert _terms(now, UNICODE61) == _terms(before, UNICODE61)  # an old cache, new rows


PAPERS = [
    Paper(id="2401.00001", title_en="Schrödinger bridges", title_zh="薛定谔桥",
          abstract_en="Jörg Ölz studies ǡdaptive Ελληνικά models.", authors=["Jörg Ölz"],
          categories=["cs.LG"]),
    Paper(id="2401.00002", title_en="Schrodinger equations", abstract_en="Plain ASCII: jorg olz.",
          abstract_zh="カード・ゲームの学習。", authors=["Anna Łukasiewicz"], categories=["cs.AI"]),
    Paper(id="2401.00003", title_en="Ａｇｅｎｔ planning",
          abstract_en="ΕΛΛΗΝΙΚΆ and ελληνικα text.", authors=["José Núñez"], categories=["cs.MA"]),
]  # fmt: skip

QUERIES = [
    "schrödinger", "SCHRODINGER", "schrö", "schrod", "jörg", "JORG", "olz", "Ölz", '"jörg ölz"',
    "ǡdaptive", "adaptive", "ελληνικά", "ΕΛΛΗΝΙΚΑ", "ελλην", "łukasiewicz", "lukasiewicz",
    "ゲーム", "カード", "ド・ゲ", "au:núñez", "au:nunez", "agent", "-jörg",
    'ti:"schrödinger bridges"',
]  # fmt: skip


def _answers(store: Store) -> dict[str, list[str]]:
    return {q: [r.id for r in store.search(q, limit=50)] for q in QUERIES}


def test_a_unicode61_cache_and_a_new_one_answer_alike_across_a_restart(tmp_path):
    old_path, new_path = tmp_path / "old.db", tmp_path / "new.db"
    with Store.open(old_path) as old:
        conn = old._conn()
        conn.execute("DROP TABLE search")
        conn.execute(UNICODE61_SEARCH)
        old.import_digest(Digest("d1", date="2024-01-01", papers=PAPERS))
    with Store.open(new_path) as new:
        declared = "SELECT sql FROM sqlite_master WHERE name = 'search'"
        assert 'tokenize="ascii"' in new._conn().execute(declared).fetchone()[0]
        new.import_digest(Digest("d1", date="2024-01-01", papers=PAPERS))
    # Another session: both reopened.
    with Store.open(old_path) as old, Store.open(new_path) as new:
        answers = _answers(new)
        assert answers == _answers(old)
        both = ["2401.00001", "2401.00002"]
        assert answers["jörg"] == answers["JORG"] == answers['"jörg ölz"'] == both
        assert answers["schrö"] == answers["schrod"] == answers["SCHRODINGER"] == both
        # What unicode61 did not fold stays apart: ά from α, ǡ from a; but ł is
        # spelt l (`search_tokens.LETTER_FOLDS`), in the old cache's new rows too.
        assert answers["ελληνικά"] == ["2401.00001", "2401.00003"]
        assert answers["ΕΛΛΗΝΙΚΑ"] == ["2401.00003"]
        assert answers["ǡdaptive"] == ["2401.00001"] and answers["adaptive"] == []
        assert answers["łukasiewicz"] == answers["lukasiewicz"] == ["2401.00002"]
        assert answers["ド・ゲ"] == answers["ゲーム"] == ["2401.00002"]
        assert answers["au:nunez"] == answers["-jörg"] == ["2401.00003"]
        # The old cache rebuilt in the new layout: the same answers again.
        assert old.reindex() == len(PAPERS)
        assert _answers(old) == answers
