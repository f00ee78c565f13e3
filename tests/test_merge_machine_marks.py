"""Machine marks follow the text they came with (bug hunt s41 `auditrank` #1).

A colleague's published feed of a paper (machine-translated, marked so) imported
after the person's own digest of the same version kept the person's Chinese but
took the feed's marks: the human text was shown and exported as machine-made,
and the next version dropped it as "stale machine text".
"""

from __future__ import annotations

from pathlib import Path

from fake_llm_server import FakeLLM, translator
from tui_digest.core.digest_feed_writer import write_digest_feed
from tui_digest.core.extras import Extra, machine_fields
from tui_digest.core.model import Digest, Paper
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store
from tui_digest.core.store.merge import merge_paper
from tui_digest.translate.config import TranslateConfig
from tui_digest.translate.runner import translate_papers

ENV = {"TUI_TEST_LLM_KEY": "sk-test-5d2a"}
HUMAN = {"title_zh": "人工标题：墨与个性", "summary_zh": "人工摘要。", "abstract_zh": "人工译文。"}


def _open(path: Path) -> Store:
    return Store.open(path)


async def _colleagues_feed(tmp_path: Path, atom: bytes) -> bytes:
    """The colleague's day: the arXiv feed imported, translated by the fake model,
    published as a digest feed (`cs.AI.xml`)."""
    with FakeLLM() as llm, _open(tmp_path / "colleague.db") as theirs:
        llm.handler = translator()
        theirs.import_digest(read_document(atom, source="arxiv-cs.AI.xml").digest)
        pk = theirs.rowid_of("2404.00026")
        cfg = TranslateConfig(
            enabled=True,
            base_url=llm.base_url,
            model="fake-model",
            api_key_env="TUI_TEST_LLM_KEY",
        )
        report = await translate_papers(theirs, [pk], cfg, environ=ENV)
        assert [o.status for o in report.outcomes] == ["done"]
        paper = theirs.get_paper(pk).paper
        assert machine_fields(paper.extras) == ["title_zh", "summary_zh", "abstract_zh"]
        return write_digest_feed([paper], category="cs.AI", date="2025-09-18").encode()


async def test_a_published_feed_after_the_persons_digest_keeps_the_chinese_human(tmp_path, samples):
    atom = (samples / "arxiv-atom-format-sample.xml").read_bytes()
    feed = await _colleagues_feed(tmp_path, atom)
    english = read_document(atom, source="arxiv-cs.AI.xml").digest
    [v1] = [p for p in english.papers if p.id == "2404.00026"]
    mine = tmp_path / "mine.db"
    # Day 1: the person's digest of v1, then the colleague's feed of the same version.
    with _open(mine) as store:
        human = Paper(
            id=v1.id,
            version="v1",
            title_en=v1.title_en,
            abstract_en=v1.abstract_en,
            **HUMAN,
        )
        store.import_digest(Digest("digest-cs.AI-2025-09-18", date="2025-09-18", papers=[human]))
        store.import_digest(read_document(feed, source="cs.AI.xml").digest)
        paper = store.get_paper("2404.00026").paper
        assert (paper.title_zh, paper.summary_zh, paper.abstract_zh) == tuple(HUMAN.values())
        assert machine_fields(paper.extras) == []
        assert Extra.MACHINE_MODEL not in paper.extras
    # Day 2 (the cache reopened): arXiv's v2 with a revised abstract. The
    # person's Chinese stays, still unmarked.
    v2 = (
        atom.replace(b"2025-09-18", b"2025-09-19")
        .replace(b"2404.00026v1", b"2404.00026v2")
        .replace(b"Individuality and personalization", b"REVISED v2: Individuality")
    )
    with _open(mine) as store:
        store.import_digest(read_document(v2, source="arxiv-cs.AI.xml").digest)
        paper = store.get_paper("2404.00026").paper
        assert paper.version == "v2" and paper.abstract_en.startswith("REVISED v2")
        assert (paper.title_zh, paper.summary_zh, paper.abstract_zh) == tuple(HUMAN.values())
        assert machine_fields(paper.extras) == []


def _p(**kw: object) -> Paper:
    kw.setdefault("title_en", "T")
    kw.setdefault("abstract_en", "A.")
    return Paper(id="2404.00026", version="v1", **kw)  # type: ignore[arg-type]


def _marks(fields: str, model: str) -> dict[str, str]:
    return {Extra.MACHINE_FIELDS: fields, Extra.MACHINE_MODEL: model}


def test_marks_name_only_the_fields_whose_text_they_came_with():
    # A human title and an empty abstract; the feed brings all three machine-made:
    # its summary and abstract fill the empty ones (marked), the title stays the person's.
    old = _p(title_zh="人工标题")
    new = _p(title_zh="机器标题", summary_zh="机器总结", abstract_zh="机器摘要", extras=_marks(
        "title_zh,summary_zh,abstract_zh", "m2"))  # fmt: skip
    merged = merge_paper(old, new)
    assert (merged.title_zh, merged.summary_zh) == ("人工标题", "机器总结")
    assert machine_fields(merged.extras) == ["summary_zh", "abstract_zh"]
    assert merged.extras[Extra.MACHINE_MODEL] == "m2"
    # A machine title given way to a human one, beside a machine abstract the
    # new paper brings: the abstract keeps its mark (it lost it).
    old = _p(title_zh="机器标题", extras=_marks("title_zh", "m1"))
    new = _p(title_zh="人工标题", abstract_zh="机器摘要", extras=_marks("abstract_zh", "m2"))
    merged = merge_paper(old, new)
    assert (merged.title_zh, merged.abstract_zh) == ("人工标题", "机器摘要")
    assert machine_fields(merged.extras) == ["abstract_zh"]
    assert merged.extras[Extra.MACHINE_MODEL] == "m2"
    # The stored machine text kept (the new paper's own machine text not taken):
    # the stored model stays.
    old = _p(title_zh="机器标题", extras=_marks("title_zh", "m1"))
    new = _p(title_zh="另一机器标题", extras=_marks("title_zh", "m2"))
    merged = merge_paper(old, new)
    assert merged.title_zh == "机器标题"
    assert merged.extras == _marks("title_zh", "m1")
