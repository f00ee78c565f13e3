"""A newer version arriving while its translation is on its way (bug hunt s41
`auditrank` #5).

The answer, made from the old English, was saved on the new version, marked
machine-made: the old abstract's Chinese beside the new abstract, never made
again (translation only fills empty fields). A field is filled only while the
English it was made from is still the paper's; the others wait for the next run,
which translates the new text.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from fake_llm_server import FakeLLM, Reply, Request, chinese_for
from tui_digest.core.extras import Extra, machine_fields
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.translate.config import TranslateConfig
from tui_digest.translate.rules import after_fetch_papers
from tui_digest.translate.runner import translate_papers

ENV = {"TUI_TEST_LLM_KEY": "sk-test-77b1"}
ID = "2404.00026"


def _v(n: int, *, title: str = "Ink and Individuality", abstract: str = "We study style.") -> Paper:
    return Paper(id=ID, version=f"v{n}", title_en=title, abstract_en=abstract)


@pytest.fixture
def llm():
    with FakeLLM() as server:
        yield server


def _cfg(llm: FakeLLM, batch_size: int) -> TranslateConfig:
    return TranslateConfig(
        enabled=True,
        base_url=llm.base_url,
        model="fake-model",
        api_key_env="TUI_TEST_LLM_KEY",
        batch_size=batch_size,
    )


def _new_version_while_asked(llm: FakeLLM, path: Path, v2: Paper) -> None:
    """The first request brings `v2` into the cache (another process's import)
    before any answer goes back; every request is answered from its own English.

    Under a lock: with one paper a request, the two requests are handled at once,
    and the other paper's first request made the import while this one's answer,
    made from v1, was already saved on v1 (the test failed one run in three)."""
    first = [True]
    importing = threading.Lock()

    def handle(request: Request) -> Reply:
        with importing:
            if first[0]:
                first[0] = False
                with Store.open(path) as other:
                    other.import_digest(Digest("arxiv-cs.AI", date="2025-09-19", papers=[v2]))
        if request.is_batch:
            papers = [{"arxiv_id": p["arxiv_id"], **chinese_for(p)} for p in request.papers]
            return Reply.answer({"papers": papers})
        return Reply.answer(chinese_for(request.paper))

    llm.handler = handle


@pytest.mark.parametrize("batch_size", [1, 2])
async def test_an_answer_made_from_an_abstract_replaced_meanwhile_is_not_saved(
    tmp_path, llm, batch_size
):
    path = tmp_path / "cache.db"
    with Store.open(path) as store:  # day 1: v1, English only
        other = Paper(id="2404.00027", title_en="Other", abstract_en="Other text.")
        store.import_digest(Digest("arxiv-cs.AI", date="2025-09-18", papers=[_v(1), other]))
    v2 = _v(2, abstract="REVISED v2: we study style again.")
    _new_version_while_asked(llm, path, v2)
    with Store.open(path) as store:  # the run during which day 2's v2 arrives
        rowids = [store.rowid_of(ID), store.rowid_of("2404.00027")]
        report = await translate_papers(store, rowids, _cfg(llm, batch_size), environ=ENV)
        assert report.outcomes[0].id == ID
        paper = store.get_paper(ID).paper
        assert (paper.version, paper.abstract_en) == ("v2", v2.abstract_en)
        # The title did not change: its Chinese is saved; the summary and the
        # abstract, made from the old abstract, are not.
        assert paper.title_zh.startswith("译题：Ink and Individuality")
        assert (paper.summary_zh, paper.abstract_zh) == ("", "")
        assert machine_fields(paper.extras) == ["title_zh"]
        assert report.outcomes[0].line() == (
            f"{ID}: done (title_zh; its English changed while the answer was on its way"
            " (a newer version); answer not saved for summary_zh, abstract_zh"
            " (the next run translates the new text))"
        )
        # Waiting, no try counted: the next fetch's translation takes it.
        assert Extra.TRANSLATE_TRIES not in paper.extras
        assert store.rowid_of(ID) in after_fetch_papers(store, [], 50).rowids
    with Store.open(path) as store:  # day 3: the next run translates v2's text
        report = await translate_papers(
            store, after_fetch_papers(store, [], 50).rowids, _cfg(llm, batch_size), environ=ENV
        )
        assert [(o.id, o.status) for o in report.outcomes] == [(ID, "done")]
        paper = store.get_paper(ID).paper
        assert paper.abstract_zh.startswith("摘要译文：REVISED v2")
        assert machine_fields(paper.extras) == ["title_zh", "summary_zh", "abstract_zh"]
        assert not any(k.startswith("translate_") for k in paper.extras)


async def test_nothing_is_saved_when_the_title_and_abstract_both_changed(tmp_path, llm):
    path = tmp_path / "cache.db"
    with Store.open(path) as store:
        store.import_digest(Digest("arxiv-cs.AI", date="2025-09-18", papers=[_v(1)]))
    _new_version_while_asked(llm, path, _v(2, title="A new title", abstract="A new abstract."))
    with Store.open(path) as store:
        report = await translate_papers(store, [store.rowid_of(ID)], _cfg(llm, 1), environ=ENV)
        [outcome] = report.outcomes
        assert outcome.status == "elsewhere" and outcome.filled == []
        assert "answer not saved" in outcome.line()
        paper = store.get_paper(ID).paper
        assert (paper.title_zh, paper.summary_zh, paper.abstract_zh) == ("", "", "")
        assert Extra.MACHINE_FIELDS not in paper.extras


async def test_a_new_version_with_the_same_english_takes_the_answer(tmp_path, llm):
    path = tmp_path / "cache.db"
    with Store.open(path) as store:
        store.import_digest(Digest("arxiv-cs.AI", date="2025-09-18", papers=[_v(1)]))
    _new_version_while_asked(llm, path, _v(2))
    with Store.open(path) as store:
        report = await translate_papers(store, [store.rowid_of(ID)], _cfg(llm, 1), environ=ENV)
        assert [o.status for o in report.outcomes] == ["done"]
        paper = store.get_paper(ID).paper
        assert paper.version == "v2" and paper.abstract_zh.startswith("摘要译文：We study")
