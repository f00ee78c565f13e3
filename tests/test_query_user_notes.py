"""Bare words match notes inside OR groups too (issue 12 req 5), by one rule.

The rule (`core.query_notes`): a paper matches when every AND-ed part of the
query (a term, an OR group, a type) is satisfied by its text or its note; a
group when one option is, an option when each member is; a bare word by the
text or the note, a word with a field and type: by the text only, tag: and
note: by the user's tags and note; `-x` excludes what x is satisfied by.

Here an oracle applies that rule in Python, asking the text of each single
term from `compile_query` (which never looks at notes), and every query is
answered by the store after a restart (notes persist): ids, count, a page,
inside a digest.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tui_digest.core import query_note_plan
from tui_digest.core.model import Digest, Paper
from tui_digest.core.query import AnyOf, Query, Term, parse_query
from tui_digest.core.query_compile import compile_query
from tui_digest.core.query_user import compile_any
from tui_digest.core.search_tokens import is_cjk_run, query_tokens, tokens
from tui_digest.core.store import Store

TEXTS = [
    # (title_en, title_zh, abstract_en, note, tags)
    ("Diffusion models for images", "图像扩散模型", "A diffusion study.", "", []),
    ("Graph neural networks", "图神经网络", "Message passing on graphs.", "", ["x"]),
    ("Robot grasping", "机器人抓取", "Grasping with robots.", "uses 扩散 policies", []),
    ("Neural rendering", "神经渲染", "Neural fields.", "graph of scenes; Planning", ["y"]),
    ("Graph partitioning", "图划分", "Partitions of graphs.", "neural heuristics", []),
    ("Language models", "语言模型", "Large models.", "diffusion language models", ["x"]),
    ("Point clouds", "点云", "Clouds of points.", "nothing relevant", []),
    ("Robot planning", "机器人规划", "A robot plans; diffusion policy.", "机器人 survey", ["X"]),
    ("Image synthesis", "图像合成", "Synthesis of images.", "", []),
    ("Graph diffusion", "图扩散", "Diffusion on graph neural networks.", "a 综述 of graphs", []),
]

QUERIES = [
    # the brief's cases: in the note only, in the text only, beside a term
    "diffusion OR 扩散",
    "扩散 OR nothingmatches",
    "(graph OR 图) neural",
    "neural (graph OR 图)",
    "(graph neural) OR 综述",
    "(graph OR 图) (neural OR 神经)",
    "robot (diffusion OR 扩散)",
    # negations: of a group, of a member, beside a group
    "-(diffusion OR 扩散)",
    "robot -(diffusion OR 扩散)",
    "(diffusion OR robot) -扩散",
    "(graph -neural) OR 机器人",
    "-(graph neural)",
    "diffusion -planning",
    # fields, types and phrases inside groups
    "ti:diffusion OR 扩散",
    "(ti:graph OR abs:neural) diffusion",
    '"diffusion policies" OR "language models"',
    '"graph of" OR 点云',
    "type:new (graph OR 扩散)",
    "-type:new (graph OR 扩散)",
    # tag: and note: beside or inside groups
    "tag:x OR 扩散",
    "(tag:x OR planning) graph",
    "(note:heuristics OR robot) graph",
    "tag:x (diffusion OR 规划)",
    "-tag:x (diffusion OR 扩散)",
    "note:graph (neural OR 图)",
    # nested groups, flags
    "(robot OR (graph neural)) diffusion",
    "(diffusion OR 扩散) is:unread",
    "(diffusion OR 扩散) is:read",
    # plain AND queries follow the same rule
    "diffusion",
    "graph neural",
    "robot survey",
    "-diffusion",
    "plann -graph",
    # inside a word is not a word's start; a phrase's last word is whole
    "ffusion OR raph",
    "-eural",
    '"plan" OR "scenes"',
    "note:euristics OR note:heur",
    '-note:"graph of" robot OR graph',
]


def _paper(i: int) -> Paper:
    en, zh, abstract, _, _ = TEXTS[i]
    kind = "new" if i % 2 else "cross"
    return Paper(
        id=f"2402.{i:05d}", title_en=en, title_zh=zh, abstract_en=abstract, announce_type=kind
    )


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = tmp_path_factory.mktemp("notes") / "c.db"
    with Store.open(path) as s:
        s.import_digest(Digest("d1", date="2024-02-01", papers=[_paper(i) for i in range(5)]))
        s.import_digest(Digest("d2", date="2024-02-02", papers=[_paper(i) for i in range(5, 10)]))
        for i, (*_, note, tags) in enumerate(TEXTS):
            if note:
                s.set_note(f"2402.{i:05d}", note)
            if tags:
                s.edit_tags([f"2402.{i:05d}"], tags)
        s.set_read([s.get_paper("2402.00002").rowid])
    return path


@pytest.fixture(scope="module")
def store(cache: Path):
    s = Store.open(cache)  # reopened: notes and tags come from the file
    yield s
    s.close()


def in_note(note: str, term: Term) -> bool:
    """Whether `note` holds `term` as a text would (the index's tokens, in a
    row, the last a prefix for a typed word or a lone CJK character)."""
    have = tokens(note)
    want = query_tokens(term.text)
    last, may_prefix = want[-1]
    prefix = may_prefix and (not term.phrase or (len(last) == 1 and is_cjk_run(last)))
    n = len(want)
    for i in range(len(have) - n + 1):
        head = all(have[i + j] == want[j][0] for j in range(n - 1))
        end = have[i + n - 1]
        if head and (end.startswith(last) if prefix else end == last):
            return True
    return False


def _text(store: Store, q: Query) -> set[int]:
    """Papers whose text matches `q`, as `compile_query` answers it (no notes)."""
    p = compile_query(q)
    return {r[0] for r in store._conn().execute(p.ids_sql, p.params)}


def _oracle(store: Store, text: str) -> list[int]:
    q = parse_query(text)
    conn = store._conn()
    order = store.list_ids("")
    pid = dict(conn.execute("SELECT pk, id FROM papers"))
    notes = {i: n for i, (*_, n, _) in enumerate(TEXTS)}
    tags = {i: [t.lower() for t in ts] for i, (*_, ts) in enumerate(TEXTS)}
    read = {pk for pk, r in conn.execute("SELECT pk, read FROM papers") if r}

    def sat(node: Term | AnyOf, pk: int) -> bool:
        if isinstance(node, AnyOf):
            found = any(all(sat(m, pk) for m in option) for option in node.options)
        else:
            i = int(pid[pk][5:])
            if node.field == "tag":
                found = node.text.lower() in tags[i]
            elif node.field == "note":
                found = in_note(notes[i], node)
            else:
                by_note = node.field is None and in_note(notes[i], node)
                found = by_note or pk in _text(store, Query(terms=[replace(node, negated=False)]))
        return found != node.negated

    def matches(pk: int) -> bool:
        i = int(pid[pk][5:])
        parts = all(sat(n, pk) for n in [*q.terms, *q.groups])
        types = all((pk in _text(store, Query(types=[(t, False)]))) != neg for t, neg in q.types)
        user = all((t.lower() in tags[i]) != neg for t, neg in q.tags)
        user = user and all(in_note(notes[i], t) != t.negated for t in q.notes)
        flag = q.read is None or (pk in read) == q.read
        return parts and types and user and flag

    return [pk for pk in order if matches(pk)]


@pytest.mark.parametrize("lookups", [(40, 250), (0, 0), (40, 0), (0, 250)])
@pytest.mark.parametrize("text", QUERIES)
def test_every_part_by_the_text_or_the_note(store, text, lookups, monkeypatch):
    # Every way of counting: noted papers looked up one by one or the match
    # walked (side 1), the rule by row lookups or by whole matches (side 2).
    monkeypatch.setattr(query_note_plan, "LOOKUPS", lookups[0])
    monkeypatch.setattr(query_note_plan, "RULE_LOOKUPS", lookups[1])
    expected = _oracle(store, text)
    assert store.list_ids(text) == expected
    assert store.count(text) == len(expected)
    total, page = store.page(text, limit=2)
    assert total == len(expected) and [r.rowid for r in page] == expected[:2]
    in_d1 = store.list_ids(digest="d1")
    assert store.list_ids(text, digest="d1") == [pk for pk in in_d1 if pk in expected]
    assert store.count(text, digest="d1") == len([pk for pk in in_d1 if pk in expected])
    dated = store.list_ids("date:2024-02-02")
    assert store.list_ids(text + " date:2024-02-02") == [pk for pk in expected if pk in dated]


def test_the_oracle_is_not_trivial(store):
    """The queries above do find papers through notes, in and beside groups."""

    def ids(text: str) -> list[str]:
        return sorted(r.id for r in store.list_rows(store.list_ids(text)))

    # 扩散: in the text of 0 and 9, in the note of 2 only.
    assert ids("diffusion OR 扩散") == [f"2402.{i:05d}" for i in (0, 2, 5, 7, 9)]
    assert ids("nothingmatches OR 扩散") == [f"2402.{i:05d}" for i in (0, 2, 9)]
    # neural in the text, graph in the note (3); the reverse (4); both in the text (1, 9).
    assert ids("(graph OR 图) neural") == [f"2402.{i:05d}" for i in (1, 3, 4, 9)]
    assert ids("-(diffusion OR 扩散)") == [f"2402.{i:05d}" for i in (1, 3, 4, 6, 8)]
    assert ids("(tag:x OR planning) graph") == [f"2402.{i:05d}" for i in (1, 3)]


def test_sort_relevance_ranks_the_text_then_notes(store):
    text = "diffusion OR 扩散"
    ranked = store.list_ids(text + " sort:relevance")
    assert sorted(ranked) == sorted(store.list_ids(text))
    assert store.count(text + " sort:relevance") == len(ranked)
    # Papers whose text matches keep FTS5's order (a note is no text)...
    by_text = _text(store, parse_query(text))
    assert set(ranked[: len(by_text)]) == by_text
    p = compile_query(parse_query(text + " sort:relevance"))
    in_rank = [r[0] for r in store._conn().execute(p.ids_sql, p.params)]
    assert ranked[: len(by_text)] == in_rank
    # ...and the papers found by their note alone come after them, newest first.
    rest = [store.list_rows([pk])[0].id for pk in ranked[len(by_text) :]]
    assert rest == ["2402.00005", "2402.00002"]


def test_without_notes_the_plans_are_the_ones_without_this_rule():
    """No note in the cache: every query keeps `compile_query`'s plan, as before."""
    for text in QUERIES:
        q = parse_query(text)
        if q.tags or q.notes or "tag:" in text or "note:" in text:
            continue
        assert compile_any(q, notes=False) == compile_query(q), text
    # With notes, a query without a bare word needs no note either.
    q = parse_query("ti:graph OR abs:neural")
    assert compile_any(q, notes=True) == compile_query(q)


def test_a_note_changed_or_removed_changes_the_answer(tmp_path):
    with Store.open(tmp_path / "c.db") as s:
        s.import_digest(Digest("d", date="2024-02-01", papers=[_paper(i) for i in range(3)]))
        assert s.list_ids("nothingmatches OR 扩散") == s.list_ids("ti:diffusion")
        s.set_note("2402.00002", "扩散")
    with Store.open(tmp_path / "c.db") as s:
        found = [r.id for r in s.list_rows(s.list_ids("nothingmatches OR 扩散"))]
        assert found == ["2402.00000", "2402.00002"]  # ref order
        s.set_note("2402.00002", "")
    with Store.open(tmp_path / "c.db") as s:
        assert s.list_ids("nothingmatches OR 扩散") == s.list_ids("ti:diffusion")


def test_tags_match_in_any_case_beyond_ascii(tmp_path):
    """Tags are edited case-insensitively (casefold); `tag:` now searches so too:
    `tag:ÜNÏCÖDÉ` and `tag:STRASSE` missed `Ünïcödé` and `Straße` (found by a bug hunt)."""
    from tui_digest.core.model import Digest, Paper
    from tui_digest.core.store import Store

    with Store.open(tmp_path / "c.db") as store:
        store.import_digest(
            Digest("d", papers=[Paper(id=f"2401.0000{i}", title_en=f"T{i}") for i in (1, 2, 3)])
        )
        store.edit_tags(["2401.00001"], add=["Ünïcödé"])
        store.edit_tags(["2401.00002"], add=["Straße", "Ml"])
        ids = {store.get_paper(p).rowid: p for p in ("2401.00001", "2401.00002", "2401.00003")}

        def found(query: str) -> list[str]:
            return sorted(ids[r] for r in store.list_ids(query))

        assert found("tag:ÜNÏCÖDÉ") == found("tag:ünïcödé") == ["2401.00001"]
        assert found("tag:STRASSE") == found("tag:straße") == ["2401.00002"]
        assert found("tag:ml") == found("tag:ML") == ["2401.00002"]
        assert found("-tag:strasse") == ["2401.00001", "2401.00003"]
        assert found("(tag:STRASSE OR tag:ünïcödé)") == ["2401.00001", "2401.00002"]
        # With a note in the cache, words and groups take the note plan
        # (`query_notes.NoteRule`), which folds the tag in the same SQL.
        store.set_note("2401.00003", "a note")
        assert found("T2 (tag:ML OR tag:nothing)") == ["2401.00002"]
        assert found("tag:STRASSE OR note") == ["2401.00002", "2401.00003"]
    with Store.open(tmp_path / "c.db", readonly=True) as store:  # a read-only open too
        assert [store.get_paper(r).paper.id for r in store.list_ids("tag:STRASSE")] == [
            "2401.00002"
        ]
