"""The compiled queries find what FTS5's own query language finds, for the whole language.

The compiler does not hand FTS5 the query as typed: a 1-3 character prefix is
a token of a prefix column, a longer one the OR of the words `terms` lists, a
column filter is dropped where it cannot matter. Here every query is answered
twice over the same papers: by the store, and by an oracle FTS5 table holding
the same rows, asked with plain phrases and FTS5's own prefix queries. The
results must be the same papers in the same order, also inside a digest and
with a date. The papers hold the traps: tokens present but apart, in two
columns, across two authors, in the wrong order, with accents, in full width.
(It is also the test a layout without positions would have to pass: see the
layout measurements in docs/performance.md.)

The store has several ways to a page (`store.queries.page`): walking the
listing order, or, for a selective query, reading the newest papers first and
then the rest descending or every key ascending (`store.queries_window`), or
collecting every key it matches. All are checked page by page, with the
window and the collection's limit shrunk so that each branch and fallback
runs, with capped counts and with the user's flags.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest.core import schema
from tui_digest.core.model import Digest, Paper
from tui_digest.core.query import AnyOf, Term, parse_query
from tui_digest.core.search_index import PREFIX_COLUMNS, SEARCH_COLUMNS, TEXT_COLUMNS
from tui_digest.core.search_tokens import is_cjk_run, query_tokens
from tui_digest.core.store import Store, queries, queries_window

TEXTS = [
    # (title_en, title_zh, abstract_en, abstract_zh, authors, categories, type)
    ("Large Language Models forget", "大型语言模型的灾难性遗忘", "We study large-language agents.",
     "缓解灾难性遗忘。", ["Li Zhang", "Wei Wang"], ["cs.CL", "cs.LG"], "new"),
    ("Language, large and small", "灾难性强，性遗忘", "Models of language that are large.",
     "灾难与遗忘无关。", ["Zhang Li"], ["cs.LG", "stat.CV"], "cross"),
    ("Diffusion", "扩散", "A model of graphs; self-supervised diffusion model training.",
     "图神经网络与扩散模型。", ["Anna Li", "Zhang Ming"], ["cs.CV"], "replace"),
    ("Self supervision for diffusion models", "自监督扩散模型", "No graph neural nets here.",
     "图神经的网络。", ["Ming Zhang"], ["cs.CV", "cs.AI"], "replace-cross"),
    ("Café society of agents", "智能体社会", "A cafe society; ＬＬＭ ａｇｅｎｔ planning.",
     "规划与推理。", ["José Núñez"], ["cs.MA"], "new"),
    ("Graph neural networks survey", "图神经网络综述", "A survey of graph neural networks.",
     "综述。", ["Li Zhang"], ["cs.LG"], "updated"),
    ("Chain of thought prompting", "思维链提示", "Thought chains of prompting; chain-of-thought.",
     "思维链与提示。", ["Wei Li", "Zhang Wei"], ["cs.CL"], "new"),
    ("Point cloud models", "点云模型", "Point clouds and cloud points.",
     "点云与云点。", ["Olga Ivanova"], ["cs.CV", "cs.RO"], "cross"),
]  # fmt: skip

QUERIES = [
    # words, prefixes, Chinese words of two and more characters, single characters
    "large", "lang", "la", "l", "model", "models", "diffus", "遗忘", "灾难性遗忘", "灾难性",
    "性遗忘", "图神经网络", "图神经", "模", "遗", "点云", "云点", "思维链",
    # phrases, in both languages and across columns, authors and texts
    '"large language"', '"language large"', '"large language models"', '"large lang"',
    '"diffusion model"', '"diffusion models"', '"graph neural"', '"graph neural networks"',
    '"chain of thought"', '"point cloud"', '"cloud points"', '"li zhang"', '"zhang li"',
    '"zhang wei"', '"wei wang"', '"li zhang wei"', '"wei li zhang"', '"cafe society"',
    '"café society"', '"llm agent"',
    '"ＬＬＭ ａｇｅｎｔ"', '"灾难性遗忘"', '"性遗忘"', '"大型语言 模型"', '"模型 的"',
    "self-supervised", "self-sup", "large-language", "chain-of-thought", "cs.CV", "stat.CV",
    # negations
    '-"large language"', '-灾难性遗忘', 'model -"diffusion model"', "-cs.CV",
    'graph -"graph neural"', '-"li zhang" zhang', "-模型 -遗忘", "diffusion -self-supervised",
    # field filters
    'ti:"large language"', 'abs:"large language"', "ti:灾难性遗忘", "abs:灾难性遗忘",
    'au:"li zhang"', 'au:"zhang li"', 'au:"zhang wei"', 'au:"wang zhang"', "au:zhang", "au:zh",
    "cat:cs.CV", "cat:stat.CV",
    "cat:cs", "cat:cv", "id:2401.00003", "id:2401", "-ti:diffusion", 'ti:"chain of"',
    "ti:cloud -abs:\"point cloud\"",
    # types
    "type:cross 灾难性遗忘", 'type:new -"chain of thought"', "type:replace",
    # OR groups, watch-list style, with phrases and negated members inside
    "diffusion OR 灾难性遗忘", '"large language" OR 图神经网络', "(灾难性遗忘 OR 思维链) model",
    '("graph neural" OR "point cloud") -survey', '-("large language" OR 点云)',
    '(model -"diffusion model") OR 综述', "agent (planning OR 规划) -survey",
    '(ti:"large language" OR au:"zhang wei") OR cat:stat.CV', "(a OR 灾难性) 遗忘",
    # nothing but phrases that fail, and phrases of one token
    '"forget large"', '"遗忘"', '"large"', '"模"',
    # the English one-line summaries (`SUMMARIES_EN`), apart from the abstracts
    "manifold", '"manifold learning"', "abs:tldr", "ahead", '"plan ahead"', '"learning a"',
    '"ahead a"',
    # LaTeX, searched as the reader shows it (and its words as written)
    "α", "alpha", '"α divergences"', '"naive bayes rules"', "textit", '"learning alpha"',
]  # fmt: skip
# The English one-line summary of two papers: the archive's (`Paper.summary_en`),
# and a digest's summary slot (`extras`).
SUMMARIES_EN = {2: {"summary_en": "A tldr on manifold learning, $\\alpha$-divergences "
                                  'and na\\"ive \\textit{Bayes} rules.'},
                4: {"extras": {"summary_en": "Agents that plan ahead."}}}  # fmt: skip


def _paper(i: int, row: tuple) -> Paper:  # type: ignore[type-arg]
    en, zh, abs_en, abs_zh, authors, cats, kind = row
    return Paper(id=f"2401.{i:05d}", title_en=en, title_zh=zh, abstract_en=abs_en,
                 abstract_zh=abs_zh, summary_zh=zh[:4], authors=authors, categories=cats,
                 announce_type=kind, **SUMMARIES_EN.get(i, {}))  # type: ignore[arg-type]  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("eq") / "c.db"
    s = Store.open(path)
    papers = [_paper(i, row) for i, row in enumerate(TEXTS)]
    s.import_digest(Digest("d1", date="2024-01-01", papers=papers[:4]))
    s.import_digest(Digest("d2", date="2024-01-02", papers=papers[4:]))
    conn = s._conn()
    # The oracle: the same rows, with positions.
    conn.execute(
        f"CREATE VIRTUAL TABLE oracle USING fts5({', '.join(SEARCH_COLUMNS)}, content='', "
        'tokenize="unicode61 remove_diacritics 2")'
    )
    rows = conn.execute(f"SELECT sort_key, {schema.SEARCH_SOURCE} FROM papers").fetchall()
    conn.executemany(
        f"INSERT INTO oracle(rowid, {', '.join(SEARCH_COLUMNS)}) "
        f"VALUES (?{', ?' * len(SEARCH_COLUMNS)})",
        [(r[0], *schema.search_row(*r[1:])) for r in rows],
    )
    yield s
    s.close()


def _oracle_term(t: Term) -> str:
    """A term as detail=full FTS5 answers it: a real phrase, FTS5's own prefix."""
    toks = query_tokens(t.text)
    last, may_prefix = toks[-1]
    lone_cjk = len(last) == 1 and is_cjk_run(last)
    prefix = may_prefix and (not t.phrase or lone_cjk)
    fields = (t.field,) if t.field else TEXT_COLUMNS
    phrase = '"' + " ".join(w for w, _ in toks) + '"' + ("*" if prefix else "")
    if len(toks) == 1 and prefix and (lone_cjk or len(last) < 4):
        fields = tuple(PREFIX_COLUMNS[f] for f in fields)
        phrase = phrase[:-1]
    return "{" + " ".join(fields) + "} : " + phrase


def _oracle_node(node: Term | AnyOf) -> str:
    if isinstance(node, Term):
        return _oracle_term(node)
    options = []
    for members in node.options:
        pos = " AND ".join(f"({_oracle_node(m)})" for m in members if not m.negated)
        neg = " OR ".join(f"({_oracle_node(m)})" for m in members if m.negated)
        options.append(f"({pos}) NOT ({neg})" if neg else pos)
    return " OR ".join(f"({o})" for o in options)


def oracle(store: Store, text: str) -> list[int]:
    q = parse_query(text)
    nodes = [*q.terms, *q.groups]
    pos = [_oracle_node(n) for n in nodes if not n.negated]
    pos += [f'ty : "{tok}"' for tok, neg in q.types if not neg]
    neg = [_oracle_node(n) for n in nodes if n.negated]
    neg += [f'ty : "{tok}"' for tok, neg in q.types if neg]
    match = " AND ".join(f"({e})" for e in pos) or f'ty : "{schema.EVERY}"'
    if neg:
        match = f"({match}) NOT ({' OR '.join(f'({e})' for e in neg)})"
    sql = (
        "SELECT l.pk FROM oracle o JOIN listing l ON l.key = o.rowid "
        "WHERE oracle MATCH ? ORDER BY o.rowid DESC"
    )
    return [r[0] for r in store._conn().execute(sql, (match,))]


@pytest.mark.parametrize("text", QUERIES)
def test_same_papers_as_an_index_with_positions(store, text):
    expected = oracle(store, text)
    assert store.list_ids(text) == expected
    assert store.count(text) == len(expected)
    total, page = store.page(text, limit=3)
    assert total == len(expected) and [r.rowid for r in page] == expected[:3]
    # Inside one digest, and with the filters that are not text.
    in_d1 = set(store.list_ids(digest="d1"))
    assert store.list_ids(text, digest="d1") == [pk for pk in expected if pk in in_d1]
    dated = set(store.list_ids("date:2024-01-02"))
    assert store.list_ids(text + " date:2024-01-02") == [pk for pk in expected if pk in dated]


def test_the_english_summaries_are_searched(store):
    ids = {p: [r.id for r in store.search(p, limit=20)] for p in QUERIES}
    assert ids["manifold"] == ids['"manifold learning"'] == ids["abs:tldr"] == ["2401.00002"]
    assert ids["ahead"] == ids['"plan ahead"'] == ["2401.00004"]
    assert ids['"learning a"'] == ids['"ahead a"'] == []  # (the abstract is another text)
    # As the reader shows it (`latex_text.readable`), and its words as written.
    for query in ("α", "alpha", '"α divergences"', '"naive bayes rules"', "textit"):
        assert ids[query] == ["2401.00002"], query
    assert ids['"learning alpha"'] == []


def test_a_phrase_matches_inside_one_author_name(store):
    """Paper 0's authors are "Li Zhang" and "Wei Wang": no phrase spans the two
    (layout 2, `search_tokens.APART`); paper 6 has an author "Zhang Wei"."""
    ids = {p: [r.id for r in store.search(p, limit=20)] for p in QUERIES}
    assert ids['au:"zhang wei"'] == ids['"zhang wei"'] == ["2401.00006"]
    assert ids['"li zhang wei"'] == ids['"wei li zhang"'] == []
    assert sorted(ids['au:"li zhang"']) == ["2401.00000", "2401.00005"]


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ('"large language"', "on large language agents"),
        ("灾难性遗忘", "关于灾难性遗忘"),
        ('graph -"large language"', "a graph"),
        ("cat:cs.CV is:unread self-sup", "self-supervised"),
    ],
)
def test_notes_and_tags_keep_phrases_exact(tmp_path, text, note):
    s = Store.open(tmp_path / "n.db")
    papers = [_paper(i, row) for i, row in enumerate(TEXTS)]
    s.import_digest(Digest("d1", date="2024-01-01", papers=papers))
    without_notes = s.list_ids(text)
    assert without_notes, text
    # Once a note exists bare words also search notes: a note without the
    # words changes nothing; one with them adds its paper (the Olga paper
    # matches none of these queries by its text).
    olga = s.list_ids("au:olga")[0]
    s.set_note(papers[0].id, "unrelated remark")
    assert s.list_ids(text) == without_notes
    s.set_note(papers[7].id, note)
    with_note = s.list_ids(text)
    assert set(with_note) - set(without_notes) == {olga}
    assert set(without_notes) <= set(with_note)
    s.edit_tags([papers[0].id, papers[2].id, papers[3].id], add=["x"])
    tagged = set(s.list_ids("tag:x"))
    assert s.list_ids(text + " tag:x") == [pk for pk in with_note if pk in tagged]
    s.close()


# The window of newest papers (`queries_window`): the whole cache (its size
# by default here), 2 of the 8 papers with the rest read ascending ("rare")
# or descending ("common"), or too many matches in it ("dense": walk), or 5
# papers, where a page of 2 may be found ("wide").
WINDOWS = {
    "whole": {},
    "whole-dense": {"WINDOW_KEYS": 1},
    "wide": {"WINDOW_MIN": 5, "WINDOW_SHARE": 2},
    "rare": {"WINDOW_MIN": 2, "WINDOW_SHARE": 4, "SPARSE": 10**9},
    "common": {"WINDOW_MIN": 2, "WINDOW_SHARE": 4, "SPARSE": 0},
    "dense": {"WINDOW_MIN": 2, "WINDOW_SHARE": 4, "WINDOW_KEYS": 0},
}


@pytest.fixture(params=sorted(WINDOWS))
def window(request, monkeypatch):
    for name, value in WINDOWS[request.param].items():
        monkeypatch.setattr(queries_window, name, value)
    queries.forget_answers()
    return request.param


def test_the_window_is_the_newest_papers(store, monkeypatch):
    monkeypatch.setattr(queries_window, "WINDOW_MIN", 3)
    queries.forget_answers()
    papers, window, lowest = queries_window._boundary(store._conn())
    keys = [r[0] for r in store._conn().execute("SELECT key FROM listing ORDER BY key DESC")]
    assert (papers, window, lowest) == (8, 3, keys[2])


@pytest.mark.parametrize("collect", [2, 10_000])
@pytest.mark.parametrize("text", QUERIES)
def test_every_plan_pages_and_counts_the_same(store, text, collect, window, monkeypatch):
    monkeypatch.setattr(queries, "COLLECT", collect)
    queries.forget_answers()
    expected = oracle(store, text)
    seen: list[int] = []
    for offset in range(0, len(expected) + 2, 2):
        total, rows = store.page(text, limit=2, offset=offset, count=False)
        seen += [r.rowid for r in rows]
        assert total in (None, len(expected))
    assert seen == expected
    for cap in (0, 1, 2, 5):
        assert store.count(text, cap=cap) == min(len(expected), cap + 1)
    assert store.count(text) == len(expected)
    assert store.list_ids(text) == expected
    queries.forget_answers()  # a count and an id list with nothing kept
    assert store.count(text, cap=2) == min(len(expected), 3)
    assert store.list_ids(text) == expected


@pytest.mark.parametrize("collect", [2, 10_000])
def test_flags_filter_every_plan(store, collect, window, monkeypatch):
    monkeypatch.setattr(queries, "COLLECT", collect)
    everything = store.list_ids()
    starred, read = everything[1:7:2], everything[:4]
    store.set_starred(starred)
    store.set_read(read)
    try:
        for text in ["", *QUERIES]:
            queries.forget_answers()
            expected = oracle(store, text) if text else everything
            for flag, keep in (
                ("is:starred", set(starred)),
                ("-is:starred", set(everything) - set(starred)),
                ("is:unread", set(everything) - set(read)),
                ("is:read is:starred", set(read) & set(starred)),
                # a flag asked both ways finds none (the last one won: bug hunt)
                ("is:read is:unread", set()),
                ("is:starred -is:starred", set()),
                ("-is:starred is:starred is:unread", set()),
                ("is:read -is:unread", set(read)),
            ):
                want = [pk for pk in expected if pk in keep]
                query = f"{text} {flag}"
                total, rows = store.page(query, limit=2, count=True)
                assert (total, [r.rowid for r in rows]) == (len(want), want[:2]), query
                assert store.count(query, cap=1) == min(len(want), 2), query
                assert store.list_ids(query) == want, query
    finally:
        store.set_starred(starred, False)
        store.set_read(read, False)


def test_a_selective_page_is_read_once_for_its_count_and_ids(store):
    queries.forget_answers()
    text = '"large language"'
    expected = oracle(store, text)
    total, _ = store.page(text, limit=1, count=False)
    assert total == len(expected) == 1  # the page knew the count: it read every key
    statements: list[str] = []
    conn = store._conn()
    conn.set_trace_callback(statements.append)
    try:
        assert store.count(text, cap=10_000) == len(expected)
        assert store.list_ids(text) == expected
    finally:
        conn.set_trace_callback(None)
    assert not [s for s in statements if "MATCH" in s]


def test_kept_keys_follow_writes_from_any_connection(tmp_path):
    path = tmp_path / "c.db"
    papers = [_paper(i, row) for i, row in enumerate(TEXTS)]
    with Store.open(path) as reader, Store.open(path) as writer:
        writer.import_digest(Digest("d1", date="2024-01-01", papers=papers[:1]))
        text = '"large language" is:unread'
        assert reader.page(text, limit=5, count=False)[0] == 1
        writer.import_digest(Digest("d2", date="2024-01-02", papers=papers[1:]))
        assert reader.count(text, cap=10) == 1  # only the first paper has the phrase
        writer.import_digest(Digest("d3", date="2024-01-03", papers=[_paper(9, TEXTS[0])]))
        assert reader.count(text, cap=10) == 2  # another connection committed
        assert reader.page(text, limit=5, count=False)[0] == 2
        reader.set_read(reader.list_ids(text)[:1])
        assert reader.count(text, cap=10) == 1  # this connection wrote
    with Store.open(path) as reopened:
        assert reopened.count(text) == 1
