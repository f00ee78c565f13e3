"""Groups as typed: a qualifier in front of parentheses, empty groups, a `)` as
text (found by a bug hunt: `ti:(graph OR gnn)` and `ti:(gnn OR graph)` found
different papers, `()` listed every paper)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui_digest.core.model import Digest, Paper
from tui_digest.core.query import AnyOf, IncompleteQuery, QueryError, Term, parse_query
from tui_digest.core.store import Store

PAPERS = [
    Paper(
        id="2401.00001",
        title_en="Graph neural networks",
        abstract_en="A baseline for message passing.",
        authors=["Anna Smith"],
        categories=["cs.LG"],
    ),
    Paper(
        id="2401.00002",
        title_en="GNN pruning",
        abstract_en="Neural sparsity on citation data.",
        authors=["Li Wei"],
        categories=["cs.LG"],
    ),
    Paper(
        id="2401.00003",
        title_en="Robot planning",
        abstract_en="We follow Smith and Li: graph search, a gnn, neural nets.",
        authors=["Bo Chen"],
        categories=["cs.RO"],
    ),
]
A, B, C = (p.id for p in PAPERS)


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "g.db")
    s.import_digest(Digest("d1", date="2024-01-02", papers=PAPERS))
    yield s
    s.close()


def found(store: Store, query: str) -> list[str]:
    rows = store.search(query)
    assert store.count(query) == len(rows)
    return sorted(r.id for r in rows)


@pytest.mark.parametrize(
    ("grouped", "spelt_out", "expected"),
    [
        ("ti:(graph OR gnn)", "ti:graph OR ti:gnn", [A, B]),
        ("ti:(gnn OR graph)", "ti:graph OR ti:gnn", [A, B]),
        ("au:(smith OR li)", "au:smith OR au:li", [A, B]),
        ("au:(li OR smith)", "au:smith OR au:li", [A, B]),
        ("ti:(graph neural)", "ti:graph ti:neural", [A]),
        ('ti:("graph neural" OR gnn)', 'ti:"graph neural" OR ti:gnn', [A, B]),
        ("ti:((graph neural) OR gnn)", "(ti:graph ti:neural) OR ti:gnn", [A, B]),
        ("-ti:(graph OR gnn)", "-(ti:graph OR ti:gnn)", [C]),
        ("-au:(smith li)", "-(au:smith au:li)", [A, B, C]),
        ("-au:(smith OR li)", "-(au:smith OR au:li)", [C]),
        ("abs:(neural) OR ti:(graph)", "abs:neural OR ti:graph", [A, B, C]),
        ("title:(gnn OR robot)", "ti:gnn OR ti:robot", [B, C]),
        ("ti:(graph OR ti:gnn)", "ti:graph OR ti:gnn", [A, B]),
        ("（ti：（gnn ＯＲ robot））", "ti:gnn OR ti:robot", [B, C]),
    ],
)
def test_a_qualifier_in_front_of_a_group_applies_to_each_word(store, grouped, spelt_out, expected):
    assert found(store, grouped) == found(store, spelt_out) == expected


def shape(node: Term | AnyOf) -> tuple:
    if isinstance(node, Term):
        return (node.text, node.field, node.phrase, node.negated)
    return (node.negated, [[shape(m) for m in option] for option in node.options])


def test_a_qualified_group_parses_as_its_words_qualified():
    q = parse_query("ti:(graph OR gnn) -au:(smith li)")
    assert [shape(g) for g in q.groups] == [
        (False, [[("graph", "ti", False, False)], [("gnn", "ti", False, False)]]),
        (True, [[("smith", "au", False, False), ("li", "au", False, False)]]),
    ]


def test_tags_and_notes_in_front_of_a_group(store):
    store.edit_tags([C], add=["robotics"])
    store.set_note(A, "a strong baseline")
    assert found(store, "tag:(robotics)") == [C]
    assert found(store, "tag:(robotics OR other)") == [C]
    assert found(store, "-tag:(robotics)") == [A, B]
    # note:planning OR note:baseline: "planning" is in C's title, not in a note.
    assert found(store, "note:(planning OR baseline)") == [A]
    assert found(store, "note:(baseline)") == [A]


def test_other_qualifiers_in_front_of_a_group(store):
    store.set_starred([store.get_paper(A).rowid])
    assert found(store, "is:(starred)") == [A]
    assert found(store, "date:(2024-01-02) ti:(gnn)") == [B]
    with pytest.raises(QueryError, match="is: cannot stand inside OR"):
        parse_query("is:(starred OR read)")


@pytest.mark.parametrize(
    "query", ["ti:(au:smith)", "ti:(graph OR au:smith)", "ti:(x OR au:(smith))"]
)
def test_a_word_with_another_qualifier_inside_a_qualified_group_is_refused(query):
    # (the message suggested `(ti:… OR au:…)`: `test_query_stray_parens`)
    with pytest.raises(
        QueryError, match=re.escape('ti:( ) gives ti: to each word inside, and "au:')
    ):
        parse_query(query)


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("()", "()"),
        ("( )", "( )"),
        ("(())", "()"),
        ("-()", "-()"),
        ("ti:()", "ti:()"),
        ("-ti:( )", "-ti:( )"),
        ("() OR diffusion", "()"),
        ("graph ()", "()"),
        ("（）", "（）"),
    ],
)
def test_an_empty_group_is_refused_as_a_term_with_nothing_to_search_for(store, query, shown):
    message = f'"{shown}" has nothing to search for: the group is empty'
    with pytest.raises(IncompleteQuery, match=re.escape(message)):
        parse_query(query)
    with pytest.raises(IncompleteQuery):
        store.count(query)


@pytest.mark.parametrize(
    ("query", "as_if"),
    [("graph)", "graph"), ("(graph))", "graph"), ("graph )", "graph"), ("ti:graph)", "ti:graph")],
)
def test_a_closing_parenthesis_no_group_can_close_is_text(store, query, as_if):
    # It was refused as 'a ")" has no opening "("', and with it `O(n log n)`,
    # `1) a 2) b`, `:)` and a pasted `LD3M）` (found by a regression hunt):
    # it is text again, as before, which punctuation adds nothing to.
    assert found(store, query) == found(store, as_if) != []


@pytest.mark.parametrize("query", [")", "-)"])
def test_a_closing_parenthesis_alone_has_nothing_to_search_for(query):
    with pytest.raises(IncompleteQuery, match="has nothing to search for"):
        parse_query(query)


@pytest.mark.parametrize("query", ["f(x)", "O(n)", "(graph)", "a)b", '"graph)"'])
def test_parentheses_inside_a_word_or_a_phrase_are_text(query):
    assert parse_query(query).terms


@pytest.mark.parametrize("value", ["-100000d", "-99999999999999999999d", "-00000000000000000002d"])
def test_a_relative_date_of_many_days_reaches_back_to_the_first_listed_day(
    store, monkeypatch, value
):
    # It was 'bad date "-100000d": use YYYY, …' past 9999 days, though the
    # form was right: a range reaching past the listed days is clamped (and
    # a relative date has no end: bug hunt `tz` #1).
    (d,) = parse_query(f"date:{value}", today="2024-01-02").dates
    (whole,) = parse_query("date:1970..").dates
    two_days = parse_query("date:2024-01-01..").dates[0]
    assert (d.first, d.last) == ((two_days if value.endswith("02d") else whole)[:2])
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2024-01-02")
    assert found(store, f"date:{value}") == [A, B, C]
