"""Watch lists in the store (issue 10 req 5): each watch's papers and unread count,
across reading, a new day's import and a restart."""

from __future__ import annotations

from pathlib import Path

from tui_digest.core.digest_day import TODAY_ENV
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

WATCHES = [
    ("agents", "agent (planning OR 规划) -survey"),
    ("today", "date:today"),
    ("broken", "related:2403.20001"),  # parsed, but refused by the compiler
]


def paper(n: int, title: str, zh: str = "") -> Paper:
    return Paper(id=f"2403.2{n:04d}", version="v1", title_en=title, title_zh=zh)


def day(date: str, papers: list[Paper]) -> Digest:
    return Digest(f"watch-test-{date}", date=date, papers=papers)


def counts(store: Store) -> dict[str, tuple[int, int]]:
    found = store.watch_hits(WATCHES).watches
    return {w.name: (w.unread, len(w.hits)) for w in found if not w.problem}


def test_unread_counts_fall_as_hits_are_read_and_rise_with_a_new_day(
    tmp_path: Path, monkeypatch
) -> None:
    # Two clocks: Store.today files imports under a day, TUI_DIGEST_TODAY is the
    # query language's (date:today).
    monkeypatch.setenv(TODAY_ENV, "2024-03-01")
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        store.today = lambda: "2024-03-01"
        store.import_digest(
            day(
                "2024-03-01",
                [
                    paper(1, "Agent planning for robots"),
                    paper(2, "An agent survey of planning"),
                    paper(3, "Agent", "智能体规划"),
                    paper(4, "Diffusion"),
                ],
            )
        )
        index = store.watch_hits(WATCHES)
        found = {w.name: w for w in index.watches}
        assert found["broken"].problem and found["broken"].hits == []
        assert [store.ids_of([pk])[0] for pk in found["agents"].hits] == [
            "2403.20001",
            "2403.20003",
        ]
        assert counts(store) == {"agents": (2, 2), "today": (4, 4)}
        store.set_read([store.get_paper("2403.20001").rowid])
        # Reading needs no new search: the hits found before are counted again.
        assert store.watch_unread(index) == {"agents": 1, "today": 3, "broken": 0}
        assert index.names(store.get_paper("2403.20003").rowid) == ("agents", "today")
        assert index.names(store.get_paper("2403.20004").rowid) == ("today",)
        assert counts(store) == {"agents": (1, 2), "today": (3, 4)}

    # A restart keeps the counts; the next day's import brings a new hit, and
    # date:today moves to the new day (the injected clock).
    with Store.open(db) as store:
        store.today = lambda: "2024-03-01"
        assert counts(store) == {"agents": (1, 2), "today": (3, 4)}
    monkeypatch.setenv(TODAY_ENV, "2024-03-02")
    with Store.open(db) as store:
        store.today = lambda: "2024-03-02"
        assert counts(store)["today"] == (0, 0)
        store.import_digest(day("2024-03-02", [paper(5, "Planning agents that use tools")]))
    with Store.open(db) as store:
        store.today = lambda: "2024-03-02"
        assert counts(store) == {"agents": (2, 3), "today": (1, 1)}
        store.set_read(store.watch_hits(WATCHES[:1]).watches[0].hits)
        assert counts(store)["agents"] == (0, 3)
    with Store.open(db, readonly=True) as store:
        assert counts(store)["agents"] == (0, 3)


def test_a_list_dated_after_the_local_today_is_counted_by_a_date_today_watch(
    tmp_path: Path, monkeypatch
) -> None:
    # Bug hunt `tz` #1: at 21:30 in Los Angeles arXiv's new list is dated the
    # next day (US Eastern). The watch counted (0, 0) until local midnight.
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        store.today = lambda: "2026-12-02"  # (the list's own date files it)
        store.import_digest(day("2026-12-02", [paper(1, "Agent planning"), paper(2, "Diffusion")]))
    for today, expected in (("2026-12-01", (2, 2)), ("2026-12-02", (2, 2)), ("2026-12-03", (0, 0))):
        monkeypatch.setenv(TODAY_ENV, today)
        with Store.open(db, readonly=True) as store:
            assert counts(store)["today"] == expected, today
            assert store.watch_hits(WATCHES, today=today).watches[1].unread == expected[0]
