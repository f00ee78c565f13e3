"""Which Chinese fields a model wrote, in the exports (translate.md §3).

The JSON export (and `search --json`) names them; the Markdown digest format has
no way to mark machine text (../shared/docs/digest-format.md), so a Markdown
export re-imported reads its Chinese as a person's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_digest.core.digest_format import read_digest
from tui_digest.core.export import JSON_KEYS, render
from tui_digest.core.extras import Extra
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.translate.rules import apply_translation


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


def _two_papers(store: Store) -> None:
    store.import_digest(
        Digest(
            "a",
            date="2025-09-18",
            papers=[
                Paper(id="2404.00026", version="v1", title_en="T", abstract_en="A."),
                Paper(id="2404.00027", version="v1", title_en="U", title_zh="人工标题"),
            ],
        )
    )
    pk = store.get_paper("2404.00026").rowid
    apply_translation(store, pk, {"title_zh": "机器标题", "abstract_zh": "机器摘要"}, model="m")


def test_json_export_names_the_machine_made_fields_last(store):
    _two_papers(store)
    recs = [store.get_paper("2404.00026"), store.get_paper("2404.00027")]
    objs = json.loads(render(recs, "json"))
    assert JSON_KEYS[-1] == "machine_fields"
    assert [list(o)[-1] for o in objs] == ["machine_fields", "machine_fields"]
    assert objs[0]["machine_fields"] == ["title_zh", "abstract_zh"]
    assert objs[1]["machine_fields"] == []  # a person's title


def test_a_markdown_export_carries_no_mark_and_reads_back_as_human_text(store):
    _two_papers(store)
    text = render([store.get_paper("2404.00026")], "markdown")
    (paper,) = read_digest(text).digest.papers
    assert paper.title_zh == "机器标题" and paper.abstract_zh == "机器摘要"
    assert Extra.MACHINE_FIELDS not in paper.extras
