"""The detail pane of a past day: header and abstract of the version that day listed.

07-01 listed 2403.18717 v1 `cross`; 07-02 brought its v2, which replaced the
stored abstract. Viewing 07-01 the pane said `id 2403.18717v1 · announce cross`
above "V2TEXT …" (history hunt #1). It now shows 07-01's own abstract, read
from the digest's kept bytes, and without them says whose abstract it shows.
The days are replayed: 07-01 imported, then 07-02.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import detail_text, make_app, settle

from test_past_day_text import CROSS, DAY1, DAY1_TEXT, DAY2_TEXT
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store

SIZE = (140, 40)


@pytest.mark.parametrize("kept", [True, False])
async def test_a_past_days_detail_shows_one_versions_header_and_abstract(
    tmp_path: Path, kept: bool
) -> None:
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        for name, text in ((DAY1, DAY1_TEXT), ("digest-cs.LG-2024-07-02", DAY2_TEXT)):
            data = text.encode()
            digest = read_document(data, source=f"{name}.md").digest
            store.import_digest(digest, raw=data if kept else None)
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.show_digest(DAY1)
        await settle(pilot)
        await pilot.press("g", "down")  # the second row: 2403.18717
        await settle(pilot)
        shown = detail_text(app)
        assert f"{CROSS}v1" in shown and "announce   cross" in shown
        if kept:  # its own abstract, read from 07-01's document
            assert "Developing causal models." in shown and "V2TEXT" not in shown
            assert "this day listed" not in shown
        else:  # v2's, said plainly
            assert "V2TEXT Developing" in shown
            assert "abstract   of v2; this day listed v1" in shown
