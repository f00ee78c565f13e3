"""The reader's `R` inside a digest: the digest's papers most like the current one."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sklearn", reason="the rank extra (scikit-learn) is part of [dev]")

from ui_support import make_app, settle

from rank_corpus import build
from tui_digest.core.store import Store

SIZE = (140, 40)


async def test_R_in_a_digest_ranks_the_digest_s_papers(tmp_path: Path) -> None:
    """`R` in a digest chose the 50 papers most like the current one in the whole
    cache, then kept the digest's among them: "2 / 44" in a digest of 44 papers
    (found by a bug hunt)."""
    db = tmp_path / "cache.db"
    ids = build(db)
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        day = next(d for d in main.digests if d.date == "2024-03-11")
        main.show_digest(day.name)
        await settle(pilot)
        current = main.detail.record
        assert current is not None
        topic = next(t for t, pids in ids.items() if current.paper.id in pids)
        await pilot.press("R")
        await settle(pilot)
        assert main.search_box.value == f"related:{current.paper.id}" and main.digest == day.name
        with Store.open(db, readonly=True) as store:
            others = set(store.list_ids("", digest=day.name)) - {current.rowid}
            shown = main.paper_list.ids
            first = {r.id for r in store.list_rows(shown[:11])}
        assert set(shown) == others  # every one shares some words with it
        assert first == set(ids[topic][12:24]) - {current.paper.id}
