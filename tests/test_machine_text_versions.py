"""Machine-made Chinese text follows the English it was made from (translate.md §6).

A newer version whose English title or abstract changed drops the Chinese fields a
model made from the old text, marks and all, so the next translation run fills
them again; text a person wrote is never dropped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest.core.extras import Extra, machine_fields
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.translate.rules import apply_translation, translation_candidates

MACHINE = {"title_zh": "机器标题", "summary_zh": "机器总结", "abstract_zh": "机器摘要"}


def v(n: int, **kw: object) -> Paper:
    kw.setdefault("title_en", "A title")
    kw.setdefault("abstract_en", "The first abstract.")
    return Paper(id="2404.00026", version=f"v{n}", announce_type="new", **kw)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


def _translated_v1(store: Store, **kw: object) -> int:
    store.import_digest(Digest("day1", date="2025-09-18", papers=[v(1, **kw)]))
    pk = store.get_paper("2404.00026").rowid
    apply_translation(store, pk, dict(MACHINE), model="m1")
    return pk


def test_a_new_version_with_a_changed_abstract_drops_the_machine_text_made_from_it(store):
    pk = _translated_v1(store)
    store.import_digest(
        Digest("day2", date="2025-09-19", papers=[v(2, abstract_en="A rewritten abstract.")])
    )
    p = store.get_paper(pk).paper
    assert (p.version, p.abstract_en) == ("v2", "A rewritten abstract.")
    # The title did not change: its translation stays, still marked machine-made.
    assert (p.title_zh, p.summary_zh, p.abstract_zh) == ("机器标题", "", "")
    assert machine_fields(p.extras) == ["title_zh"] and p.extras[Extra.MACHINE_MODEL] == "m1"
    assert store.count("机器摘要") == 0  # the search index follows
    # The next translation run takes it and fills the fields again.
    assert [r.paper.id for r in translation_candidates(store)] == ["2404.00026"]
    assert apply_translation(store, pk, dict(MACHINE), model="m2") == ["summary_zh", "abstract_zh"]


def test_a_changed_title_drops_the_machine_title_and_summary(store):
    pk = _translated_v1(store)
    store.import_digest(Digest("day2", date="2025-09-19", papers=[v(2, title_en="A new title")]))
    p = store.get_paper(pk).paper
    assert (p.title_zh, p.summary_zh, p.abstract_zh) == ("", "", "机器摘要")
    assert machine_fields(p.extras) == ["abstract_zh"]


def test_all_machine_text_dropped_leaves_no_mark_or_model(store):
    pk = _translated_v1(store)
    store.import_digest(
        Digest("day2", date="2025-09-19", papers=[v(2, title_en="New", abstract_en="New.")])
    )
    p = store.get_paper(pk).paper
    assert (p.title_zh, p.summary_zh, p.abstract_zh) == ("", "", "")
    assert Extra.MACHINE_FIELDS not in p.extras and Extra.MACHINE_MODEL not in p.extras


def test_human_chinese_is_never_dropped_by_a_new_version(store):
    # v1 came with a person's Chinese title; the model filled the rest.
    pk = _translated_v1(store, title_zh="人工标题")
    store.import_digest(
        Digest("day2", date="2025-09-19", papers=[v(2, title_en="New", abstract_en="New.")])
    )
    p = store.get_paper(pk).paper
    assert (p.title_zh, p.summary_zh, p.abstract_zh) == ("人工标题", "", "")
    assert Extra.MACHINE_FIELDS not in p.extras


def test_a_new_version_with_the_same_english_keeps_the_machine_text(store):
    pk = _translated_v1(store)
    store.import_digest(Digest("day2", date="2025-09-19", papers=[v(2)]))
    p = store.get_paper(pk).paper
    assert p.version == "v2"
    assert (p.title_zh, p.summary_zh, p.abstract_zh) == tuple(MACHINE.values())
    assert machine_fields(p.extras) == list(MACHINE)


def test_the_new_versions_own_chinese_replaces_the_machine_text(store):
    pk = _translated_v1(store)
    store.import_digest(
        Digest("day2", date="2025-09-19", papers=[v(2, abstract_en="New.", abstract_zh="人工摘要")])
    )
    p = store.get_paper(pk).paper
    assert (p.title_zh, p.summary_zh, p.abstract_zh) == ("机器标题", "", "人工摘要")
    assert machine_fields(p.extras) == ["title_zh"]


def test_two_imports_of_the_real_atom_feed_v1_translated_then_v2(store, samples):
    """translate.md §6's repro: the sample feed, then a copy a day later with v2."""
    from tui_digest.core.readers import read_document

    v1 = (samples / "arxiv-atom-format-sample.xml").read_bytes()
    store.import_digest(read_document(v1, source="arxiv-cs.AI.xml").digest, raw=v1)
    pk = store.get_paper("2404.00026").rowid
    apply_translation(store, pk, dict(MACHINE), model="m1")
    v2 = (
        v1.replace(b"2025-09-18", b"2025-09-19")
        .replace(b"2404.00026v1", b"2404.00026v2")
        .replace(b"Individuality and personalization", b"Revised: individuality")
    )
    store.import_digest(read_document(v2, source="arxiv-cs.AI.xml").digest, raw=v2)
    p = store.get_paper(pk).paper
    assert p.version == "v2" and p.abstract_en.startswith("Revised: individuality")
    assert (p.title_zh, p.summary_zh, p.abstract_zh) == ("机器标题", "", "")
    assert machine_fields(p.extras) == ["title_zh"]
    assert "2404.00026" in [r.paper.id for r in translation_candidates(store)]
