"""Long queries (hundreds of words ORed or ANDed) once notes and tags exist:
SQLite refuses an expression tree deeper than 1000, so the plans join their
conditions as balanced trees (found by a bug hunt)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui_digest.core.model import Digest, Paper
from tui_digest.core.query_compile import joined
from tui_digest.core.store import Store


def _papers() -> list[Paper]:
    return [
        Paper(id=f"2401.{i:05d}", title_en=f"w{i} topic", title_zh="模型", authors=["A B"])
        for i in range(1, 6)
    ]


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "l.db")
    s.import_digest(Digest("d1", date="2024-01-02", papers=_papers()))
    yield s
    s.close()


def _check(s: Store, query: str, expected: set[str], digest: str | None = None) -> None:
    rows = s.search(query, digest=digest)
    assert {r.id for r in rows} == expected
    assert s.count(query, digest=digest) == len(expected)
    total, page = s.page(query, limit=2, digest=digest)
    assert total == len(expected) and len(page) == min(2, len(expected))


def test_500_words_ored_and_1000_anded_with_notes_and_tags(store):
    ored = " OR ".join(f"w{i}" for i in range(500))
    anded = " ".join(["topic"] * 1000)
    store.set_note("2401.00003", "w7 noted")
    store.edit_tags(["2401.00002"], add=["x"])
    everyone = {f"2401.{i:05d}" for i in range(1, 6)}
    _check(store, ored, everyone)
    _check(store, ored, everyone, digest="d1")
    _check(store, ored + " tag:x", {"2401.00002"})
    _check(store, ored + " sort:relevance", everyone)
    _check(store, anded, everyone)
    _check(store, anded, everyone, digest="d1")
    _check(store, anded + " -tag:x", everyone - {"2401.00002"})
    _check(store, "(" + ored + ") OR tag:x", everyone)
    _check(store, ored + " note:noted", {"2401.00003"})


def test_joined_is_balanced_and_keeps_the_order():
    conds = [f"c{i}" for i in range(1000)]
    sql = joined("OR", conds)
    assert [t for t in sql.replace("(", " ").replace(")", " ").split() if t != "OR"] == conds
    depth = deepest = 0
    for ch in sql:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        deepest = max(deepest, depth)
    assert deepest <= 12
    assert joined("AND", ["a"]) == "a"
    assert joined("AND", ["a", "b"]) == "(a AND b)"


def test_too_deep_or_too_long_is_a_query_error_not_a_crash(store):
    from tui_digest.core.query import QueryError

    deep = "(" * 10 + "w1 OR w2" + ")" * 10
    _check(store, deep, {"2401.00001", "2401.00002"})
    with pytest.raises(QueryError, match="nest at most 10"):
        store.search("(" * 2000 + "a" + ")" * 2000)
    # Beyond SQLite's limits (here its parameter count, lowered): a QueryError.
    conn = store._conn()
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 50)
    store.set_note("2401.00003", "noted")
    with pytest.raises(QueryError, match="too long"):
        store.search(" OR ".join(f"w{i}" for i in range(100)))


def test_a_pasted_block_is_refused_and_repeated_words_cost_nothing(store):
    """A query had no limit: 20,000 words (120 KB pasted into the search box)
    took a minute and 700 MB, the reader stuck meanwhile (bug hunt `huge` #2).
    More than MAX_WORDS words and phrases are refused at once, and a word
    repeated is one term (AND and OR of one word twice is the word)."""
    from tui_digest.core.query import QueryError, parse_query
    from tui_digest.core.query_lex import MAX_WORDS

    with pytest.raises(QueryError, match=f"more than {MAX_WORDS:,} words"):
        parse_query(" ".join(f"w{i}" for i in range(MAX_WORDS + 1)))
    assert len(parse_query("topic " * 20_000).terms) == 1
    [group] = parse_query("(a OR b) (a OR b) " * 400).groups
    assert len(group.options) == 2
    _check(store, "w1 " * 5000 + "topic", {"2401.00001"})


def test_repeated_qualifiers_are_one_condition_each(store):
    """`date:today`, `tag:`, `note:` and `type:` repeated were kept once per
    repeat: `date:today` x1000 was refused as "too long" (SQLite's expression
    depth) and 2,000 `tag:foo` were searched 2,000 times (regression hunt
    `regtz` #5). Each is kept the first time it comes, in order."""
    from tui_digest.core.query import parse_query

    q = parse_query(
        "tag:b tag:a tag:b -tag:a " * 500 + "note:x note:y note:x " * 300 + "type:new type:new",
        today="2024-01-02",
    )
    assert q.tags == [("b", False), ("a", False), ("a", True)]
    assert [(t.text, t.negated) for t in q.notes] == [("x", False), ("y", False)]
    assert q.types == [("new", False)]
    q = parse_query("date:today -date:2024-01-01 date:today " * 700, today="2024-01-02")
    assert len(q.dates) == 2 and not q.dates[0].negated and q.dates[1].negated
    _check(store, " ".join(["date:today"] * 1000), set())
    store.edit_tags(["2401.00002"], add=["x"])
    _check(store, "tag:x " * 2000, {"2401.00002"})


def test_many_distinct_dates_stay_within_sqlite_depth(store):
    """999 distinct `date:` ranges (under the word cap) were ANDed one level
    each: SQLite's expression-depth error (regression hunt `regtz` #5)."""
    everyone = {f"2401.{i:05d}" for i in range(1, 6)}
    spread = " ".join(
        f"-date:2020-01-{i % 28 + 1:02d}..2020-{i % 12 + 1:02d}-28" for i in range(999)
    )
    _check(store, spread, everyone)
    _check(store, spread, everyone, digest="d1")
    _check(store, spread + " topic", everyone)
    store.set_note("2401.00003", "noted")
    store.edit_tags(["2401.00002"], add=["x"])
    _check(store, spread + " noted", {"2401.00003"})
    _check(store, spread + " tag:x", {"2401.00002"})


def test_a_word_or_group_repeated_in_an_or_is_searched_once(store):
    """Only top-level repeats were one term: `graph OR graph …` x10,000 kept every
    option (14 s and 2.4 GB in the CLI), in a group or `ti:( )` too (regression
    hunt `regui` #4). An option repeated in an OR, and a member repeated in an
    option, is kept the first time it comes."""
    from tui_digest.core.query import parse_query

    ored = " OR ".join(["graph"] * 10_000)
    for text in (ored, f"({ored})", f"ti:({ored})", f"x OR {ored}"):
        [group] = parse_query(text).groups
        assert [[m.text for m in option] for option in group.options][-1] == ["graph"], text
        assert len(group.options) == (2 if text.startswith("x") else 1)
    [group] = parse_query("(" + " OR ".join(["(graph learning)"] * 5000) + ")").groups
    assert [[m.text for m in option] for option in group.options] == [["graph", "learning"]]
    [group] = parse_query("-(" + "w2 " * 5000 + ") topic").groups
    assert group.negated and [[m.text for m in o] for o in group.options] == [["w2"]]
    [group] = parse_query("(a OR b OR a OR (c OR c) OR b)").groups
    assert [[getattr(m, "text", None) for m in o] for o in group.options] == [
        ["a"],
        ["b"],
        [None],
    ]
    [inner] = group.options[2]
    assert [[m.text for m in o] for o in inner.options] == [["c"]]
    everyone = {f"2401.{i:05d}" for i in range(1, 6)}
    _check(store, " OR ".join(["topic"] * 3000), everyone)
    _check(store, "(" + " OR ".join(["(w3 topic)"] * 3000) + ")", {"2401.00003"})


def test_or_groups_holding_too_many_words_in_all_are_refused(store):
    """1,000 different words can make many different options (`(a b) OR (a c)
    OR …`): beyond 2,000 words and phrases in all, once repeats are dropped, the
    search is refused at once, as a block of 1,001 different words is."""
    from tui_digest.core.query import QueryError, parse_query
    from tui_digest.core.query_lex import MAX_WORDS

    pairs = " OR ".join(f"(w{i % 100} v{i // 100})" for i in range(1000))  # 2,000 words
    assert len(parse_query(pairs).groups[0].options) == 1000
    _check(store, pairs, set())
    _check(store, pairs + " OR (w1 v0)", set())  # (a repeat costs nothing)
    with pytest.raises(QueryError, match=r"more than 2,000 words and phrases in all \(2,002"):
        parse_query(pairs + " OR (w0 v10)")
    assert MAX_WORDS == 1_000
    # Top-level words count too: 800 words and 1,201 more in a group.
    words = " ".join(f"u{i}" for i in range(800))
    half = " OR ".join(f"(w{i % 100} v{i // 100})" for i in range(600))
    with pytest.raises(QueryError, match=r"in all \(2,001"):
        parse_query(f"{words} ({half} OR w0)")
