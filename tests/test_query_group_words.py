"""Words inside a qualified group (found by a regression hunt, `regparse2`):
a word with nothing to search for is left out as outside the group, the
rewrite a clash suggests is right or not given, and `sort:`/`related:` inside
a group leave the group's ")" to it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui_digest.core.model import Digest, Paper
from tui_digest.core.query import QueryError, parse_query
from tui_digest.core.store import Store
from tui_digest.rank.listing import split_query
from tui_digest.ui.foryou import toggle_foryou

PAPERS = [
    Paper(id="2401.00001", title_en="Diffusion tips", authors=["Anna Smith"]),
    Paper(id="2401.00002", title_en="Graph pruning", authors=["Li Wei"]),
    Paper(id="2401.00003", title_en="Robot planning", abstract_en="diffusion", authors=["Bo"]),
]
A, B, C = (p.id for p in PAPERS)


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "w.db")
    s.import_digest(Digest("d1", date="2024-01-02", papers=PAPERS))
    yield s
    s.close()


def found(store: Store, query: str) -> list[str]:
    return sorted(r.id for r in store.search(query))


@pytest.mark.parametrize(
    ("query", "as_if"),
    [
        ("ti:(diffusion :))", "ti:diffusion"),
        ("ti:(diffusion :-))", "ti:diffusion"),
        ("ti:(diffusion -)", "ti:diffusion"),
        ("ti:(diffusion 🚀)", "ti:diffusion"),
        ("ti:(C++ - tips)", "ti:C++ - ti:tips"),
        ("au:(li ·)", "au:li"),
        ('ti:(diffusion "🚀")', "ti:diffusion"),
        ("ti:(🚀 OR graph)", "🚀 OR ti:graph"),
        ("-ti:(graph 🚀)", "-ti:graph"),
        ("tag:(robot +)", "tag:robot"),
    ],
)
def test_a_word_with_nothing_to_search_for_in_a_qualified_group_is_left_out(store, query, as_if):
    # It was refused quoting "ti::", "-ti:", "ti:🚀": terms nobody typed.
    store.edit_tags([C], add=["robot"])
    assert found(store, query) == found(store, as_if)


def test_a_qualified_group_of_nothing_to_search_for_is_refused_as_typed():
    with pytest.raises(QueryError, match=re.escape('"🚀" has nothing to search for')):
        parse_query("ti:(🚀)")


@pytest.mark.parametrize(
    "query",
    [
        "ti:(graph (au:li))",
        "ti:(graph (au:li)) diffusion",
        "ti:(graph -(au:li))",
        "ti:(diffusion (model OR au:li))",
        "ti:(diffusion (ti:model OR au:li))",
    ],
)
def test_a_clash_in_a_nested_group_suggests_no_rewrite(query):
    # It said "write (au:li)" (dropping ti:graph) or the query as typed.
    with pytest.raises(QueryError) as info:
        parse_query(query)
    message = str(info.value)
    assert '"au:li" has its own qualifier' in message
    assert "write (" not in message and "write -(" not in message
    assert "each word its own qualifier" in message


@pytest.mark.parametrize(
    ("query", "rewrite"),
    [
        ("ti:(graph au:li)", "ti:graph au:li"),
        ("ti:(au:li (graph OR x))", "au:li (ti:graph OR ti:x)"),
    ],
)
def test_a_clash_in_the_qualified_group_itself_keeps_its_rewrite(query, rewrite):
    with pytest.raises(QueryError, match=re.escape(f"write {rewrite}")):
        parse_query(query)


@pytest.mark.parametrize(
    ("query", "rest"),
    [
        ("ti:(graph sort:foryou)", "ti:(graph )"),
        ("ti:(graph sort:foryou) x", "ti:(graph ) x"),
        ("(a (b sort:foryou))", "(a (b ))"),
        ("sort:foryou ti:(graph)", "ti:(graph)"),
        ("ti:(graph related:2401.00001)", "ti:(graph )"),
        ("related:2401.00001) graph", "graph"),
    ],
)
def test_a_ranking_term_in_a_group_leaves_the_groups_parenthesis(query, rest):
    # `ti:(graph sort:foryou)` was refused: 'a "(" has no closing ")"'.
    rq = split_query(query)
    assert rq.ranked and rq.rest == rest
    parse_query(rq.rest)


def test_the_for_you_toggle_finds_sort_foryou_before_a_groups_parenthesis():
    assert toggle_foryou("ti:(graph sort:foryou)") == "ti:(graph )"
