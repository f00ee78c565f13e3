"""The query language: parsing, errors, and what each feature finds in a real cache."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui_digest.core.listing_key import LAST_DAY
from tui_digest.core.model import Digest, Paper
from tui_digest.core.query import IncompleteQuery, QueryError, parse_query
from tui_digest.core.schema import date_days
from tui_digest.core.search_tokens import index_text, query_tokens, tokens
from tui_digest.core.store import Store

PAPERS = [
    Paper(
        id="2403.10001",
        version="v1",
        title_en="Diffusion Models for Graph Generation",
        title_zh="用于图生成的扩散模型",
        summary_zh="提出一种新的扩散模型。",
        abstract_en="We study score-based diffusion on graphs.",
        abstract_zh="我们研究图上的扩散模型，缓解灾难性遗忘。",
        authors=["Wei Zhang", "Anna Smith"],
        categories=["cs.LG", "cs.AI"],
        announce_type="new",
    ),
    Paper(
        id="2403.10002",
        version="v2",
        title_en="Large Language Models Forget",
        title_zh="大型语言模型会遗忘",
        summary_zh="研究遗忘问题。",
        abstract_en="Catastrophic forgetting in large language models is measured.",
        abstract_zh="我们测量大型语言模型中的灾难性遗忘。",
        authors=["Li Wang"],
        categories=["cs.CL"],
        announce_type="replace",
    ),
    Paper(
        id="2403.10003",
        version="v1",
        title_en="Robot Control with Reinforcement Learning",
        title_zh="强化学习机器人控制",
        summary_zh="机器人控制。",
        abstract_en="A policy for robot arms; no language model involved.",
        abstract_zh="机械臂的策略。",
        authors=["Maria Garcia"],
        categories=["cs.RO", "cs.LG"],
        announce_type="cross",
    ),
    Paper(
        id="hep-th/9901001",
        version="v3",
        title_en="Strings and Branes",
        title_zh="弦与膜",
        abstract_en="An old style identifier: language of branes.",
        authors=["Ed Witten"],
        categories=["hep-th"],
        announce_type="replace-cross",
        published="1999-01-05",
    ),
]


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "q.db")
    # A digest is always dated: the undated feed is filed under "today", here
    # its paper's published day, so the expected orders below stay readable.
    s.today = lambda: "1999-01-05"
    s.import_digest(Digest("march-01", date="2024-03-01", papers=PAPERS[:2]))
    s.import_digest(Digest("march-05", date="2024-03-05", papers=PAPERS[2:3]))
    s.import_digest(Digest("feed", date="", kind="feed", papers=PAPERS[3:]))
    yield s
    s.close()


def found(store: Store, query: str, **kw: object) -> list[str]:
    rows = store.search(query, **kw)
    assert store.count(query, **kw) == len(rows)
    assert store.list_ids(query, **kw) == [r.rowid for r in rows]
    return [r.id for r in rows]


# --- Tokeniser -----------------------------------------------------------------------


def test_tokens_latin_words_lowercased_and_split_on_punctuation():
    assert tokens("Score-based DIFFUSION_models, v2!") == [
        "score",
        "based",
        "diffusion",
        "models",
        "v2",
    ]


def test_tokens_cjk_bigrams_plus_last_char():
    assert tokens("遗忘机制") == ["遗忘", "忘机", "机制", "制"]
    assert tokens("图") == ["图"]
    assert tokens("GPT模型好") == ["gpt", "模型", "型好", "好"]


def test_tokens_fullwidth_normalised():
    assert tokens("ＧＰＴ４") == ["gpt4"]


def test_query_tokens_single_cjk_is_prefix_and_runs_are_bigrams():
    assert query_tokens("模") == [("模", True)]
    assert query_tokens("灾难性") == [("灾难", False), ("难性", False)]
    assert query_tokens("diffus") == [("diffus", True)]


def test_index_text_joins_fields():
    assert index_text("A b", "模型") == "a b 模型 型"


# --- Words, prefixes, CJK ------------------------------------------------------------


def test_empty_query_lists_everything_newest_first(store):
    assert found(store, "") == ["2403.10003", "2403.10001", "2403.10002", "hep-th/9901001"]


def test_bare_words_all_must_match_any_field(store):
    assert found(store, "language") == ["2403.10003", "2403.10002", "hep-th/9901001"]
    assert found(store, "language forgetting") == ["2403.10002"]
    assert found(store, "LANGUAGE Catastrophic") == ["2403.10002"]


def test_word_prefix(store):
    assert found(store, "diffus") == ["2403.10001"]
    assert found(store, "forg") == ["2403.10002"]
    assert found(store, "d") == ["2403.10001"]  # diffusion (only paper with a d-word)


def test_prefix_is_start_of_word_not_infix(store):
    assert found(store, "iffusion") == []


def test_chinese_two_char_word_anywhere(store):
    assert found(store, "遗忘") == ["2403.10001", "2403.10002"]
    assert found(store, "模型") == ["2403.10001", "2403.10002"]
    assert found(store, "机器") == ["2403.10003"]


def test_chinese_single_char_prefix_including_end_of_run(store):
    assert found(store, "膜") == ["hep-th/9901001"]  # last character of 弦与膜
    assert found(store, "忘") == ["2403.10001", "2403.10002"]


def test_chinese_longer_word_is_contiguous(store):
    assert found(store, "灾难性遗忘") == ["2403.10001", "2403.10002"]
    assert found(store, "大型语言模型") == ["2403.10002"]
    assert found(store, "语言大型") == []


def test_abstracts_are_searched(store):
    assert found(store, "机械臂") == ["2403.10003"]
    assert found(store, "score") == ["2403.10001"]


# --- Phrases, exclusions, qualifiers ------------------------------------------------------


def test_exact_phrase(store):
    assert found(store, '"language models"') == ["2403.10002"]
    assert found(store, '"models language"') == []
    assert found(store, '"language model"') == ["2403.10003"]  # exact: not a prefix


def test_exclusion(store):
    assert found(store, "language -forgetting") == ["2403.10003", "hep-th/9901001"]
    assert found(store, '-"language models"') == ["2403.10003", "2403.10001", "hep-th/9901001"]
    assert found(store, "-模型") == ["2403.10003", "hep-th/9901001"]
    assert found(store, "-language -diffusion") == []


def test_exclusion_only_with_filters_and_paging(store):
    store.set_read([store.get_paper("2403.10003").rowid])
    assert found(store, "-diffusion is:unread") == ["2403.10002", "hep-th/9901001"]
    assert found(store, "-遗忘 date:2024-03") == ["2403.10003"]
    assert found(store, "-type:new -type:cross") == ["2403.10002"]
    assert [r.id for r in store.search("-diffusion", limit=2, offset=1)] == [
        "2403.10002",
        "hep-th/9901001",
    ]
    assert store.search("-diffusion", limit=5, offset=3) == []


def test_field_qualifiers(store):
    assert found(store, "ti:graph") == ["2403.10001"]
    assert found(store, "abs:graph") == ["2403.10001"]
    assert found(store, "ti:language") == ["2403.10002"]
    assert found(store, "au:zhang") == ["2403.10001"]
    assert found(store, "au:smith au:anna") == ["2403.10001"]
    assert found(store, "cat:cs.LG") == ["2403.10003", "2403.10001"]
    assert found(store, "cat:hep-th") == ["hep-th/9901001"]
    assert found(store, "-cat:cs.LG") == ["2403.10002", "hep-th/9901001"]
    assert found(store, 'ti:"language models"') == ["2403.10002"]
    assert found(store, "ti:遗忘") == ["2403.10002"]


def test_id_qualifier(store):
    assert found(store, "id:2403.10002") == ["2403.10002"]
    assert found(store, "id:2403.10002v2") == ["2403.10002"]
    assert found(store, "id:2403") == ["2403.10003", "2403.10001", "2403.10002"]
    assert found(store, "id:hep-th/9901001") == ["hep-th/9901001"]


def test_is_filters(store):
    pk = store.get_paper("2403.10002").rowid
    store.set_read([pk])
    store.set_starred([store.get_paper("2403.10003").rowid])
    assert found(store, "is:read") == ["2403.10002"]
    assert found(store, "is:unread") == ["2403.10003", "2403.10001", "hep-th/9901001"]
    assert found(store, "is:starred") == ["2403.10003"]
    assert found(store, "-is:starred language") == ["2403.10002", "hep-th/9901001"]
    assert found(store, "is:unread 遗忘") == ["2403.10001"]


def test_type_filters(store):
    assert found(store, "type:new") == ["2403.10001"]
    assert found(store, "type:replace") == ["2403.10002", "hep-th/9901001"]
    assert found(store, "type:cross") == ["2403.10003", "hep-th/9901001"]
    assert found(store, "type:replace-cross") == ["hep-th/9901001"]
    assert found(store, "-type:new") == ["2403.10003", "2403.10002", "hep-th/9901001"]


def test_date_filters(store):
    assert found(store, "date:2024-03") == ["2403.10003", "2403.10001", "2403.10002"]
    assert found(store, "date:2024-03-05") == ["2403.10003"]
    assert found(store, "date:2024-03-01..2024-03-04") == ["2403.10001", "2403.10002"]
    assert found(store, "date:1999") == ["hep-th/9901001"]  # no digest date: published
    assert found(store, "date:..2000") == ["hep-th/9901001"]
    assert found(store, "date:2024-03-02..") == ["2403.10003"]
    assert found(store, "-date:2024-03-01 language") == ["2403.10003", "hep-th/9901001"]
    assert found(store, "date:2024-03 遗忘") == ["2403.10001", "2403.10002"]


def test_date_ranges_reaching_past_the_listing_days_are_clamped(store):
    # Found by a bug hunt: listing keys hold days 1970-01-02..2328-11-11, and a year
    # past them became 1970-01-02: `date:..2400` found nothing, `date:2027..2999`
    # "ends before it starts", `date:1969` searched 1970-01-02.
    everything = ["2403.10003", "2403.10001", "2403.10002", "hep-th/9901001"]
    assert found(store, "date:..2400") == everything
    assert found(store, "date:..9999-12-31") == everything
    assert found(store, "date:..9999-12") == everything
    assert found(store, "date:2024..2999") == everything[:3]
    assert found(store, "date:2024-03-05..2330-01-01") == ["2403.10003"]
    assert found(store, "date:1900..2000") == ["hep-th/9901001"]
    assert found(store, "date:0001..") == everything
    assert found(store, "-date:1960..2000") == everything[:3]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date:2400", 'bad date "2400": dates after 2328-11-11 are not listed'),
        ("date:2329..", 'bad date "2329..": dates after 2328-11-11 are not listed'),
        ("date:1969", 'bad date "1969": dates before 1970-01-02 are not listed'),
        ("date:..1970-01-01", r'bad date "\.\.1970-01-01": dates before 1970-01-02'),
        ("date:2999..2024", "ends before it starts"),
    ],
)
def test_dates_wholly_outside_the_listing_days_are_refused_with_the_limit(text, message):
    with pytest.raises(QueryError, match=message):
        parse_query(text, today="2024-03-05")


def test_digest_filter_with_query(store):
    assert found(store, "", digest="march-01") == ["2403.10001", "2403.10002"]
    assert found(store, "遗忘", digest="march-01") == ["2403.10001", "2403.10002"]
    assert found(store, "-diffusion", digest="march-01") == ["2403.10002"]
    assert found(store, "type:new", digest="march-05") == []
    assert found(store, "", digest="no-such") == []


def test_search_paging(store):
    assert [r.id for r in store.search("", limit=2, offset=1)] == ["2403.10001", "2403.10002"]


def test_punctuation_only_words_are_ignored_beside_words_and_refused_alone(store):
    """Alone they listed every paper (`mark --query '🚀'` changed every paper)."""
    assert store.count("- +++ ... language") == store.count("language") > 0
    with pytest.raises(IncompleteQuery, match='"-" has nothing to search for'):
        store.count("- +++ ...")


def test_reindex_rebuilds_identical_results(store):
    before = {q: found(store, q) for q in ("language", "遗忘", "ti:graph", "type:cross")}
    store._conn().execute("INSERT INTO search(search) VALUES ('delete-all')")
    assert store.count("language") == 0
    assert store.reindex() == 4
    assert {q: found(store, q) for q in before} == before


# --- Parser and errors -----------------------------------------------------------------


def test_parse_structure():
    q = parse_query('ti:"a b" -au:c is:starred type:new date:2024')
    assert [(t.text, t.field, t.phrase, t.negated) for t in q.terms] == [
        ("a b", "ti", True, False),
        ("c", "au", False, True),
    ]
    assert q.starred is True and q.types == [("new", False)] and len(q.dates) == 1
    assert parse_query("   ").is_empty


def test_unknown_qualifier_is_text():
    q = parse_query("foo:bar")
    assert [t.text for t in q.terms] == ["foo:bar"] and q.terms[0].field is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"unclosed phrase', "unbalanced quote"),
        ('ti:"oops', "unbalanced quote"),
        ("is:unknown", 'unknown is: value "unknown"'),
        ("type:old", 'unknown type: value "old"'),
        ("date:2024-13", 'bad date "2024-13"'),
        ("date:2024-02-30", 'bad date "2024-02-30"'),
        ("date:yesterday", 'bad date "yesterday"'),
        ("date:2024-03-05..2024-03-01", "ends before it starts"),
        ("date:..", 'bad date ".."'),
        ("ti:", "needs a value"),
        ("is:", "needs a value"),
        # Found by a bug hunt: these named the wrong thing.
        ("-sort:relevance", "-sort: is not supported; use sort:relevance"),
        ("tag:robotics OR -tag:old", '"-tag:old" cannot be an OR alternative'),
        ('x OR -ti:"a b"', '"-ti:"a b"" cannot be an OR alternative'),
        ("-(a b) OR c", '"-( )" cannot be an OR alternative'),
        ("x (y OR -(a OR b))", '"-( )" cannot be an OR alternative'),
    ],
)
def test_malformed_queries_have_clear_messages(text, message, store):
    with pytest.raises(QueryError, match=re.escape(message)):
        parse_query(text)
    with pytest.raises(QueryError):
        store.count(text)


def test_long_prefix_is_the_or_of_indexed_words(store):
    # "model" covers model and models; "langu" covers language only.
    assert found(store, "models") == ["2403.10001", "2403.10002"]
    assert found(store, "model") == ["2403.10003", "2403.10001", "2403.10002"]
    assert found(store, "langu forg") == ["2403.10002"]
    assert found(store, "score-bas") == ["2403.10001"]  # a phrase whose last word is a prefix
    # Expansions past the limit fall back to FTS5's own prefix query, same answer.
    from tui_digest.core.store import queries

    limit = queries.max_expansion
    try:
        queries.max_expansion = 0
        assert found(store, "model") == ["2403.10003", "2403.10001", "2403.10002"]
    finally:
        queries.max_expansion = limit


def test_short_prefixes_use_the_prefix_columns(store):
    assert found(store, "ti:gr") == ["2403.10001"]
    assert found(store, "au:w") == ["2403.10001", "2403.10002", "hep-th/9901001"]
    assert found(store, "-d") == ["2403.10003", "2403.10002", "hep-th/9901001"]
    assert found(store, "ti:弦") == ["hep-th/9901001"]


# --- OR, relative dates, sort:relevance (issue 10 req 9) --------------------------------


def test_or_finds_either_word_in_both_languages(store):
    assert found(store, "robot OR 遗忘") == ["2403.10003", "2403.10001", "2403.10002"]
    assert found(store, "strings OR 机器人 OR witten") == ["2403.10003", "hep-th/9901001"]
    # OR binds tighter than the implicit AND: language AND (robot OR 遗忘).
    assert found(store, "language robot OR 遗忘") == ["2403.10003", "2403.10002"]
    # Lowercase "or" is an ordinary word.
    assert found(store, "robot or 遗忘") == []


def test_parentheses_group(store):
    assert found(store, "(robot control) OR (large forget)") == ["2403.10003", "2403.10002"]
    assert found(store, "-(robot OR diffusion) language") == ["2403.10002", "hep-th/9901001"]
    assert found(store, "(遗忘 -diffusion) OR branes") == ["2403.10002", "hep-th/9901001"]
    # A group without OR is its words ANDed, and may hold any qualifier.
    assert found(store, "(is:unread ti:robot)") == ["2403.10003"]
    assert found(store, "ti:(robot OR strings)".replace("ti:", "")) == [
        "2403.10003",
        "hep-th/9901001",
    ]
    assert found(store, "au:smith OR au:witten", digest="march-01") == ["2403.10001"]
    assert found(store, "au:smith OR au:witten") == ["2403.10001", "hep-th/9901001"]


def test_or_parse_structure():
    q = parse_query("agent (planning OR 规划) -survey")
    assert [t.text for t in q.terms] == ["agent", "survey"]
    (group,) = q.groups
    assert [[t.text for t in opt] for opt in group.options] == [["planning"], ["规划"]]
    assert not parse_query("a OR b").is_empty


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("OR diffusion", "OR needs a word"),
        ("diffusion OR", "OR needs a word"),
        ("a OR OR b", "OR needs a word"),
        ("(a OR b", "unbalanced parenthesis"),
        ("a OR -b", "cannot be an OR alternative"),
        ("is:read OR b", "is: cannot stand inside OR"),
        ("-(-a)", "needs a word that is not excluded"),
        ("date:-0d", "at least one day"),
    ],
)
def test_malformed_or_and_dates(text, message):
    with pytest.raises(QueryError, match=message):
        parse_query(text, today="2024-03-05")


def test_relative_dates_follow_the_injected_clock(store, monkeypatch):
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2024-03-05")
    assert found(store, "date:today") == ["2403.10003"]
    assert found(store, "date:-1d") == ["2403.10003"]
    assert found(store, "date:-4d") == ["2403.10003"]
    assert found(store, "date:-5d") == ["2403.10003", "2403.10001", "2403.10002"]
    assert found(store, "-date:-7d") == ["hep-th/9901001"]
    # Across days: the same query on the next days covers less.
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2024-03-07")
    assert found(store, "date:-7d") == ["2403.10003", "2403.10001", "2403.10002"]
    assert found(store, "date:today") == []
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2024-03-08")
    assert found(store, "date:-7d") == ["2403.10003"]
    q = parse_query("date:-7d", today="2024-03-07")
    assert q.dates == [(date_days("2024-03-01"), date_days(LAST_DAY.isoformat()), False, True)]


def test_relative_dates_reach_lists_dated_after_the_local_today(store, monkeypatch):
    # A list carries arXiv's US-Eastern day or the generator's UTC day: in a
    # Los Angeles evening the list fetched just now is dated tomorrow. Replayed
    # day by day, no day after the local today is left out (bug hunt `tz` #1).
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2024-03-04")  # the 03-05 list arrived
    assert found(store, "date:today") == ["2403.10003"]
    assert found(store, "date:-1d") == ["2403.10003"]
    assert found(store, "date:-7d") == ["2403.10003", "2403.10001", "2403.10002"]
    assert found(store, "-date:today") == ["2403.10001", "2403.10002", "hep-th/9901001"]
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2024-02-29")  # both lists lie ahead
    assert found(store, "date:today") == ["2403.10003", "2403.10001", "2403.10002"]
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2024-03-05")
    assert found(store, "date:today") == ["2403.10003"]
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2024-03-06")
    assert found(store, "date:today") == []
    assert found(store, "date:-2d") == ["2403.10003"]
    # Absolute dates keep their end.
    assert found(store, "date:2024-03-01") == ["2403.10001", "2403.10002"]
    assert found(store, "date:..2024-03-04") == ["2403.10001", "2403.10002", "hep-th/9901001"]


def test_sort_relevance_ranks_by_fts(store):
    # "language" occurs twice in 10002 (title and abstract), once elsewhere.
    ranked = found(store, "language sort:relevance")
    assert ranked[0] == "2403.10002"
    assert sorted(ranked) == sorted(found(store, "language"))
    assert found(store, "language") != ranked  # listing order differs
    # 遗忘 is three times in 10002, once in 10001 (listed first in march-01).
    assert found(store, "遗忘", digest="march-01") == ["2403.10001", "2403.10002"]
    assert found(store, "遗忘 sort:relevance", digest="march-01") == ["2403.10002", "2403.10001"]
    # Without words there is nothing to rank by: listing order.
    assert found(store, "sort:relevance") == found(store, "")
    assert found(store, "-diffusion sort:relevance", digest="march-01") == ["2403.10002"]


def test_sort_relevance_ranks_with_tags_notes_and_in_a_digest_with_notes(store):
    # Found by a bug hunt: with tag:/note: terms, or in a digest once any paper
    # had a note, sort:relevance was ignored (listing or digest order).
    ids = [r.rowid for r in store.search("")]
    store.edit_tags(["2403.10001", "2403.10002", "2403.10003"], add=["x"])
    assert found(store, "language") == ["2403.10003", "2403.10002", "hep-th/9901001"]
    ranked = found(store, "language sort:relevance")
    assert ranked[0] == "2403.10002"
    assert found(store, "language sort:relevance tag:x") == [
        i for i in ranked if i != "hep-th/9901001"
    ]
    assert found(store, "language tag:x")[0] == "2403.10003"
    assert found(store, "遗忘 sort:relevance tag:x", digest="march-01") == [
        "2403.10002",
        "2403.10001",
    ]
    store.set_note("hep-th/9901001", "unrelated")
    assert found(store, "遗忘 sort:relevance", digest="march-01") == ["2403.10002", "2403.10001"]
    # A paper found through its note only comes after the ranked ones.
    store.set_note("2403.10003", "about 遗忘")
    assert found(store, "遗忘 sort:relevance tag:x") == ["2403.10002", "2403.10001", "2403.10003"]
    assert found(store, "遗忘 tag:x") == ["2403.10003", "2403.10001", "2403.10002"]
    assert len(ids) == 4


def test_date_search_follows_papers_listed_again_by_any_connection(tmp_path):
    # The keys of papers listed on a day and again later are kept between
    # plans (store.queries._relisted_cached) until the cache changes: by
    # another connection (data_version) or by this one (total_changes).
    path = tmp_path / "d.db"
    p1, p2, p3 = (Paper(id=f"2403.0000{i}", title_en=f"Paper {i}") for i in (1, 2, 3))
    with Store.open(path) as s:
        s.import_digest(Digest("d1", date="2024-03-01", papers=[p1, p2]))
        s.import_digest(Digest("d2", date="2024-03-02", papers=[p3]))
        assert found(s, "date:2024-03-01") == ["2403.00001", "2403.00002"]
        with Store.open(path) as other:
            other.import_digest(Digest("d3", date="2024-03-03", papers=[p1]))
        assert found(s, "date:2024-03-01") == ["2403.00001", "2403.00002"]
        assert found(s, "date:2024-03-01 paper") == ["2403.00001", "2403.00002"]
        s.import_digest(Digest("d4", date="2024-03-04", papers=[p2]))
        assert found(s, "date:2024-03-01") == ["2403.00002", "2403.00001"]
        assert found(s, "date:2024-03-03..2024-03-04") == ["2403.00002", "2403.00001"]


def test_unfinished_queries_raise_incomplete_query_and_wrong_ones_do_not():
    from tui_digest.core.query import IncompleteQuery, QueryError, parse_query

    for text in ('retrieval "scaling', "(a OR b", "cat:", "a OR"):
        with pytest.raises(IncompleteQuery):
            parse_query(text)
    for text in ("is:bogus", "OR a", "a OR OR b"):
        with pytest.raises(QueryError) as info:
            parse_query(text)
        assert not isinstance(info.value, IncompleteQuery), text


@pytest.mark.parametrize("query", ["", "language", "-diffusion", "is:unread", "date:2024-03"])
def test_capped_count_stops_after_cap_plus_one(store, query):
    total = store.count(query)
    for cap in range(0, total + 2):
        assert store.count(query, cap=cap) == min(total, cap + 1)
    digest_total = store.count(query, digest="march-01")
    assert store.count(query, digest="march-01", cap=0) == min(digest_total, 1)


@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4, 5, 6], [2, 0, 1, 6, 3, 5, 4]])
def test_every_date_range_finds_the_papers_listed_in_it_whichever_way_it_looks(tmp_path, order):
    # Papers listed on several days, some again later. Early ranges are read
    # from their own digests, late ones from the papers placed after them
    # (store.queries._relisted picks by the digests' counts): both must find
    # exactly the papers some digest of the range lists, in listing order.
    # Digests imported in date order (the later ones are a range of pks) or not.
    days = [f"2024-03-{d:02d}" for d in range(1, 8)]
    papers = [Paper(id=f"2403.{i:05d}", title_en=f"Paper {i}") for i in range(14)]
    with Store.open(tmp_path / "r.db") as s:
        for k in order:
            day = days[k]
            listed = [p for i, p in enumerate(papers) if (i * 7 + k * 3) % 5 < 2 + k % 3]
            s.import_digest(Digest(f"d{k}", date=day, papers=listed))
        conn = s._conn()
        everything = found(s, "")
        for a in range(len(days)):
            for b in range(a, len(days)):
                ids = {
                    r[0]
                    for r in conn.execute(
                        "SELECT DISTINCT p.id FROM papers p JOIN membership m ON m.paper = p.pk "
                        "JOIN digests d ON d.pk = m.digest WHERE d.date BETWEEN ? AND ?",
                        (days[a], days[b]),
                    )
                }
                want = [i for i in everything if i in ids]
                assert found(s, f"date:{days[a]}..{days[b]}") == want, (a, b)
                assert found(s, f"paper date:{days[a]}..{days[b]}") == want, (a, b)


def test_a_word_starting_with_two_dashes_is_that_word_not_its_negation(store):
    """The README: no term starts with `--`; a word of yours that does goes after
    the CLI's `--` (`search -- --word`). It was read as `-word`: every paper
    WITHOUT the word (found by a bug hunt)."""
    assert found(store, "--diffusion") == found(store, "diffusion") == ["2403.10001"]
    assert found(store, "--diffusion --graph") == ["2403.10001"]
    assert found(store, "language --forget") == ["2403.10002"]
    assert sorted(found(store, "-diffusion")) == ["2403.10002", "2403.10003", "hep-th/9901001"]
