"""The tags a selection shares, counted in SQL (bug hunt `scalebulk` #1): `#` on
50,000 selected papers read every one whole to intersect their tags (11 s with
nothing on screen, ~0.3 GB held while the dialog was open). `Store.picked_tags`
reads only the tags, and gives what reading the papers gave."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store, user_log
from tui_digest.core.store.picked import Picked
from tui_digest.ui.annotate_actions import shared_tags

IDS = [f"2402.{n:05d}" for n in range(8)]
TAGS = {  # as each paper's tags were saved
    IDS[0]: ["robotics", "mine", "LLM-agents", "ｖｉｓｉｏｎ"],
    IDS[1]: ["Robotics", "vision", "llm-agents"],
    IDS[2]: ["LLM-Agents", "ROBOTICS", "vision", "other"],
    IDS[3]: ["robotics", "vision", "llm-agents", "mine"],
    IDS[4]: [],
    IDS[5]: ["Straße", "robotics"],
    IDS[6]: ["STRASSE", "robotics", "llm-agents"],
}
# Saved by hand, as releases before `fold_tag` could: both widths on one paper.
LEGACY = {IDS[7]: ["vision", "ｖｉｓｉｏｎ", "robotics"]}


@pytest.fixture
def store(tmp_path: Path):
    db = tmp_path / "c.db"
    with Store.open(db) as s:
        s.import_digest(
            Digest("d", date="2024-02-06", papers=[Paper(id=p, version="v1") for p in IDS])
        )
        for pid, tags in TAGS.items():
            s.edit_tags([pid], tags, [])
    conn = sqlite3.connect(db)
    with conn:
        for pid, tags in LEGACY.items():
            user_log.write_tags(conn, pid, tags, user_log.stamp())
    conn.close()
    with Store.open(db) as s:
        yield s


def _picked(store: Store, ids: list[str]) -> Picked:
    rows = {r.id: r.rowid for r in store.list_rows(store.list_ids(""))}
    return Picked(tuple(rows[p] for p in ids), {rows[p]: p for p in ids})


SELECTIONS = [
    IDS[:1],
    IDS[:2],
    IDS[:4],
    IDS[1:4],
    [IDS[3], IDS[0], IDS[2]],
    IDS[:5],
    IDS[5:7],
    [IDS[6], IDS[5]],
    [IDS[7], IDS[0]],
    [IDS[0], IDS[7], IDS[1]],
    IDS,
]


@pytest.mark.parametrize("ids", SELECTIONS)
def test_the_shared_tags_are_those_reading_the_papers_gave(store: Store, ids: list[str]) -> None:
    picked = _picked(store, ids)
    records, removed = store.picked_papers(picked)
    found, tags = store.picked_tags(picked)
    assert (found.removed, removed) == (0, 0)
    assert [found.names[r] for r in found.present] == [r.paper.id for r in records]
    assert tags.shared == shared_tags(records)


@pytest.mark.parametrize("ids", SELECTIONS)
def test_each_tag_counts_the_papers_that_have_it(store: Store, ids: list[str]) -> None:
    from tui_digest.core.query import fold_tag

    records, _ = store.picked_papers(_picked(store, ids))
    expected: dict[str, int] = {}
    for r in records:
        for fold in {fold_tag(t) for t in r.tags}:
            expected[fold] = expected.get(fold, 0) + 1
    _, tags = store.picked_tags(_picked(store, ids))
    assert {fold_tag(t): n for t, n in tags.counts.items()} == expected
    assert len(tags.counts) == len(expected)  # one spelling per tag


def test_a_big_selection_is_found_and_counted_whole(tmp_path: Path) -> None:
    """More papers than one statement's ids (`rows.CHUNK`), and than `resolve`
    looks up by number (`picked._SCAN_FROM`: above it, one scan of the ids' index)."""
    ids = [f"2403.{n:05d}" for n in range(4321)]
    with Store.open(tmp_path / "big.db") as s:
        s.import_digest(Digest("b", date="2024-03-01", papers=[Paper(id=p) for p in ids]))
        s.edit_tags(ids, ["all"], [])
        s.edit_tags(ids[::2], ["half"], [])
        picked = _picked(s, ids)
        s.edit_tags(ids[:1], [], ["all", "half"])
        s.remove_digests(s.digest_pks(["b"]))  # (the tagged papers stay)
        found, tags = s.picked_tags(picked)
        assert (len(found.present), found.away) == (4320, [ids[0]])
        assert sorted(found.names.values()) == ids[1:]
        assert tags.shared == ["all"] and tags.counts == {"all": 4320, "half": 2160}
