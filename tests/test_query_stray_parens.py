"""Parentheses that are text, and the messages about groups (found by a
regression hunt of the group fixes: `O(n log n)`, `1) diffusion 2) graph`,
`great :)` and a pasted `LD3M）` were refused as 'a ")" has no opening "("',
and a watch using one was dropped; `(O(n) OR linear)` was refused too)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli_support import run_cli
from tui_digest.core.highlight import matcher
from tui_digest.core.model import Digest, Paper
from tui_digest.core.query import IncompleteQuery, QueryError, parse_query
from tui_digest.core.store import Store

PAPERS = [
    Paper(
        id="2401.00001",
        version="v1",
        title_en="Sorting in O(n log n) time",
        abstract_en="A sqrt(log n) bound, as in "
        "https://en.wikipedia.org/wiki/Transformer_(machine_learning_model) pages.",
        authors=["Ann Smith"],
        categories=["cs.DS"],
    ),
    Paper(
        id="2401.00002",
        version="v1",
        title_en="Linear graph diffusion",
        abstract_en="Two parts: 1) diffusion 2) graph. An O(n) method, great :)",
        authors=["Li Wei"],
        categories=["cs.LG"],
    ),
    Paper(
        id="2401.00003",
        version="v1",
        title_en="Bayesian inference of p(x|y)",
        abstract_en="The bayes rule in a linear model.",
        title_zh="扩散模型（LD3M）的复杂度",
        summary_zh="一个模型",
        authors=["Bo Chen"],
        categories=["stat.ML"],
    ),
    Paper(
        id="2401.00004",
        version="v1",
        title_en="Graph neural networks",
        abstract_en="Message passing and a diffusion model.",
        authors=["Li Na"],
        categories=["cs.LG"],
    ),
    Paper(
        id="2401.00005",
        version="v1",
        title_en="Robot planning",
        abstract_en="Planning with graphs.",
        title_zh="机器人",
        authors=["Ann Lee"],
        categories=["cs.RO"],
    ),
]
P1, P2, P3, P4, P5 = (p.id for p in PAPERS)


def import_papers(db: Path) -> Store:
    s = Store.open(db)
    s.import_digest(Digest("d1", date="2024-01-02", papers=PAPERS))
    return s


@pytest.fixture
def store(tmp_path: Path):
    s = import_papers(tmp_path / "s.db")
    yield s
    s.close()


def found(store: Store, query: str) -> list[str]:
    rows = store.search(query)
    assert store.count(query) == len(rows)
    return sorted(r.id for r in rows)


# Each found these papers at 772077a (before the group fixes), on this cache.
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("O(n log n)", [P1]),
        ("O(n log(n))", [P1]),
        ("ti:O(n log n)", [P1]),
        ("sqrt(log n)", [P1]),
        ("O(n log n) OR 复杂度", [P1]),  # (OR binds the words beside it: n OR 复杂度)
        ("1) diffusion 2) graph", [P2]),
        ("diffusion :-)", [P2, P4]),
        ("diffusion :)", [P2, P4]),
        ("great :)", [P2]),
        ("LD3M）", [P3]),
        ("模型）", [P3]),
        ("LD3M）的复杂度", [P3]),
        ("（LD3M）", [P3]),
        ("diffusion)", [P2, P4]),
        ("(diffusion))", [P2, P4]),
        ("graph )", [P2, P4, P5]),
        ("graph -)", [P2, P4, P5]),
        ("ti:graph)", [P2, P4]),
        ("O(n)", [P1, P2]),
        ("O(n) OR linear", [P1, P2, P3]),
        ("(O(n) OR linear)", [P1, P2, P3]),
        ("(p(x|y) OR bayes)", [P3]),
        ("(O(n log n) OR robot)", [P1, P5]),
        ("ti:graph au:li", [P2, P4]),
    ],
)
def test_queries_that_answered_before_the_group_fixes_answer_as_then(store, query, expected):
    assert found(store, query) == expected


@pytest.mark.parametrize("query", [")", "-)", "）"])
def test_a_lone_closing_parenthesis_has_nothing_to_search_for_as_before(query):
    with pytest.raises(IncompleteQuery, match="has nothing to search for"):
        parse_query(query)


def test_a_watch_with_text_parentheses_is_kept_and_watch_succeeds(tmp_path):
    db, config = tmp_path / "c.db", tmp_path / "config.toml"
    import_papers(db).close()
    config.write_text(
        '[[watches]]\nname = "complexity"\nquery = "O(n log n) OR 复杂度"\n\n'
        '[[watches]]\nname = "emoji"\nquery = "diffusion :)"\n',
        encoding="utf-8",
    )
    done = run_cli("watch", "--config", str(config), db=db)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert "== complexity (1) ==" in out and "== emoji (2) ==" in out
    assert "left out" not in done.stderr.decode()


@pytest.mark.parametrize(
    ("grouped", "spelt_out", "expected"),
    [
        ("(O(n) OR linear)", "O(n) OR linear", [P1, P2, P3]),
        ("diffusion (O(n) OR linear)", "diffusion O(n) OR diffusion linear", [P2]),
        ("(p(x|y) OR robot)", "p(x|y) OR robot", [P3, P5]),
        ("ti:(O(n) OR bayesian)", "ti:O(n) OR ti:bayesian", [P1, P3]),
        ("-ti:(O(n) OR bayesian)", "-ti:O(n) -ti:bayesian", [P2, P4, P5]),
        ("(f(x) OR robot)", "f(x) OR robot", [P5]),
        ("((O(n)) OR robot)", "O(n) OR robot", [P1, P2, P5]),
        (
            "(https://en.wikipedia.org/wiki/Transformer_(machine_learning_model) OR bayes)",
            "https://en.wikipedia.org/wiki/Transformer_(machine_learning_model) OR bayes",
            [P1, P3],
        ),
    ],
)
def test_a_word_keeps_its_own_parentheses_inside_a_group(store, grouped, spelt_out, expected):
    assert found(store, grouped) == found(store, spelt_out) == expected


def test_the_highlight_marks_a_word_with_parentheses_inside_a_group():
    text = "An O(n) method, linear"
    spans = matcher("(O(n) OR linear)").spans(text)
    assert spans and spans == matcher("O(n) OR linear").spans(text)


@pytest.mark.parametrize(
    ("query", "rewrite"),
    [
        ("ti:(graph au:li)", "ti:graph au:li"),
        ("ti:(graph OR au:li)", "ti:graph OR au:li"),
        ("robot -ti:(graph au:li)", "-(ti:graph au:li)"),
        (
            'ti:("graph neural" OR -diffusion tag:x) OR robot',
            '(ti:"graph neural" OR -ti:diffusion tag:x)',
        ),
        ("ti:(x OR au:(smith))", "ti:x OR (au:smith)"),
        ("x ti:(-au:(smith) y)", "(-(au:smith) ti:y)"),
        ("tag:(x ti:graph)", "tag:x ti:graph"),
        ("ti:(graph OR note:(plan OR robot))", "ti:graph OR (note:plan OR note:robot)"),
    ],
)
def test_another_qualifier_inside_a_qualified_group_is_refused_with_a_rewrite_keeping_its_sense(
    query, rewrite
):
    with pytest.raises(QueryError) as info:
        parse_query(query)
    message = str(info.value)
    assert message.endswith(f"; write {rewrite}"), message
    assert " OR au:…" not in message and "too;" not in message


def test_the_suggested_rewrite_finds_what_the_group_meant(store):
    for query, meant in [
        ("ti:(graph au:li)", [P2, P4]),
        ("ti:(graph OR au:li)", [P2, P4]),
        ("robot OR ti:(graph au:chen)", [P5]),
    ]:
        with pytest.raises(QueryError) as info:
            parse_query(query)
        rewrite = str(info.value).split("write ", 1)[1]
        suggestion = query.replace(query[query.index("ti:(") :], rewrite)
        assert found(store, suggestion) == meant, suggestion


@pytest.mark.parametrize(
    ("grouped", "spelt_out"),
    [
        ("ti:(graph date:2024-01)", "ti:graph date:2024-01"),
        ("ti:(graph is:unread)", "ti:graph is:unread"),
        ("ti:(graph -type:new)", "ti:graph -type:new"),
        ("ti:(graph sort:relevance)", "ti:graph sort:relevance"),
        ("-ti:(robot) au:(li date:2024)", "-ti:robot au:li date:2024"),
        ("date:(2024 ti:graph)", "date:2024 ti:graph"),
    ],
)
def test_a_filter_inside_a_qualified_and_group_is_taken_as_outside_it(store, grouped, spelt_out):
    assert found(store, grouped) == found(store, spelt_out) != []


@pytest.mark.parametrize("query", ["ti:(graph OR date:2024)", "-ti:(graph is:read)"])
def test_a_filter_inside_a_qualified_or_or_negated_group_says_to_move_it_out(query):
    with pytest.raises(
        QueryError, match=re.escape("cannot stand inside OR or -( ); use it outside")
    ):
        parse_query(query)


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("ti:(diffusion OR -graph)", "-graph"),
        ('ti:(diffusion OR -"graph neural")', '-"graph neural"'),
        ("ti:(diffusion OR -ti:graph)", "-ti:graph"),
        ("x OR -ti:graph", "-ti:graph"),
    ],
)
def test_an_excluded_or_alternative_is_quoted_as_typed(query, shown):
    with pytest.raises(QueryError, match=re.escape(f'"{shown}" cannot be an OR alternative')):
        parse_query(query)
