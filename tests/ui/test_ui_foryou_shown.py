"""For you's list holds what its search and status say: too few stars, every paper
starred, a new day arriving while it trains (found by a bug hunt)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sklearn", reason="the rank extra (scikit-learn) is part of [dev]")

from ui_support import make_app, notes, settle, status_text, until

from rank_corpus import build, star
from tui_digest.core.store import Store
from tui_digest.ui.screens.digest_picker import DigestPicker

SIZE = (140, 40)


@pytest.fixture
def topical(tmp_path: Path) -> tuple[Path, dict[str, list[str]]]:
    db = tmp_path / "cache.db"
    return db, build(db)


async def test_for_you_with_few_stars_lists_the_newest_day_and_M_marks_it(topical) -> None:
    """A digest open, then For you with 2 stars: the search said `date:… sort:foryou`
    and the status "For you needs 5 starred papers…" while the list still held the
    digest's papers, and `M` marked that digest read."""
    db, ids = topical
    star(db, ids["rl"][:2])
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        older = next(d for d in main.digests if d.date == "2024-03-10")
        await pilot.press("d")
        assert isinstance(app.screen, DigestPicker)
        app.screen.dismiss(older.name)
        await settle(pilot)
        with Store.open(db, readonly=True) as store:
            in_older = store.list_ids("", digest=older.name)
            newest = store.list_ids("date:2024-03-13")
        assert sorted(main.paper_list.ids) == sorted(in_older)
        await pilot.press("d")
        assert isinstance(app.screen, DigestPicker)
        await pilot.press(*"for you", "enter")  # (typed into the picker's filter)
        await settle(pilot)
        assert main.search_box.value == "date:2024-03-13 sort:foryou"
        status = status_text(app)
        assert "For you needs 5 starred papers (you have 2)" in status, status
        assert "All papers" in status and f"{len(newest)} / " in status, status
        assert main.paper_list.ids == newest and main.paper_list.bars is None
        main.paper_list.focus()
        await pilot.press("M")

        def unread(query: str, digest: str | None = None) -> int:
            with Store.open(db, readonly=True) as store:
                return store.count(query, digest=digest)

        await until(pilot, lambda: unread("date:2024-03-13 is:unread") == 0, "the day marked read")
        await settle(pilot)
        assert unread("is:unread", older.name) == len(in_older)  # the digest before: untouched


async def test_every_paper_starred_is_explained_and_never_trained(tmp_path, monkeypatch) -> None:
    """`f` with every paper starred showed "ValueError: This solver needs samples of
    at least 2 classes…", and each `f` started another training bound to fail."""
    from tui_digest.rank import background

    trained: list[Path] = []
    real_train = background.train

    def counted_train(path: Path) -> dict:
        trained.append(path)
        return real_train(path)

    monkeypatch.setattr(background, "train", counted_train)
    db = tmp_path / "cache.db"
    ids = build(db, days=1, per_topic=2)
    star(db, [i for pids in ids.values() for i in pids])
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        before = list(main.paper_list.ids)
        for _ in range(2):
            await pilot.press("f")  # sort:foryou
            await settle(pilot)
            assert main.search_box.value == "sort:foryou"
            status = status_text(app)
            assert "For you needs papers you have not starred" in status, status
            assert main.paper_list.ids == before and main.paper_list.bars is None
            await pilot.press("f")  # off again
            await settle(pilot)
        assert not trained
        said = [n for n in notes(app) if "For you" in n]
        assert said and not any("solver" in n or "Error" in n for n in notes(app))
        assert "all 6 papers in the cache are starred" in said[-1]
        assert "press s to unstar some" in said[-1].lower()


@pytest.fixture
def held_training(monkeypatch):
    """Training waits until the test sets the event it yields."""
    import threading

    from tui_digest.rank import background

    release = threading.Event()
    real_train = background.train

    def slow_train(path):
        assert release.wait(60)
        return real_train(path)

    monkeypatch.setattr(background, "train", slow_train)
    return release


def _big_newer_day(db: Path, day: str = "2024-03-14") -> None:
    """60 papers, the rl ones listed first: unranked, the list starts with papers
    the diffusion stars rank low."""
    import random

    from rank_corpus import make_paper
    from tui_digest.core.model import Digest

    rng = random.Random(7)
    topics = ["rl"] * 20 + ["parsing"] * 20 + ["diffusion"] * 20
    papers = [make_paper(rng, topic, f"2403.8{n:04d}") for n, topic in enumerate(topics)]
    with Store.open(db) as store:
        store.import_digest(Digest(f"digest-{day}", date=day, papers=papers))


async def test_a_day_ranked_after_training_is_shown_from_its_top(topical, held_training) -> None:
    """For you trains; meanwhile a newer day arrives and is followed (listed
    unranked); once ranked, the list was scrolled down past its best rows: the
    cursor's paper of the unranked list was kept at its screen row (found by a
    bug hunt)."""
    from tui_digest.rank.listing import rank_listing

    db, ids = topical
    star(db, ids["diffusion"][:8])
    with Store.open(db, readonly=True) as store:
        rank_listing(store, "date:2024-03-13 sort:foryou")  # a model, current
    release = held_training
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        main.show_for_you()
        await settle(pilot)
        assert main.paper_list.bars is not None  # ranked at once: no training
        star(db, ids["diffusion"][8:9])  # (another process's star)
        main.paper_list.focus()
        await pilot.press("f", "f")  # off and on: the stars changed, it trains
        await until(pilot, lambda: "training on 9" in status_text(app), "the training")
        _big_newer_day(db)
        main.cache_changed()  # (as the follower does for the import)
        query = "date:2024-03-14 sort:foryou"
        with Store.open(db, readonly=True) as store:
            day = store.list_ids("date:2024-03-14")
        await until(
            pilot,
            lambda: main.search_box.value == query and main.paper_list.ids == day,
            "the newer day listed unranked",
        )
        release.set()
        await until(pilot, lambda: main.paper_list.bars is not None, "the ranking")
        await settle(pilot)
        with Store.open(db, readonly=True) as store:
            expected = rank_listing(store, query).ids
        papers = main.paper_list
        assert papers.ids == expected
        assert papers.cursor == 0 and int(papers.scroll_offset.y) == 0


async def test_reopened_on_a_ranked_paper_keeps_it_after_training(topical) -> None:
    """Closed on For you at a paper, reopened after new papers came (the model must
    be trained again): the ranked list still opens at that paper."""
    from tui_digest.core.model import Digest, Paper
    from tui_digest.rank.listing import rank_listing
    from tui_digest.ui.settings import Settings

    db, ids = topical
    star(db, ids["diffusion"][:8])
    query = "date:2024-03-13 sort:foryou"
    with Store.open(db, readonly=True) as store:
        ranked = rank_listing(store, query).ids  # trained on the cache as it was
        paper = store.list_rows([ranked[20]])[0].id
    with Store.open(db) as store:  # a fetch brings a paper: the model is stale now
        store.import_digest(Digest("late", papers=[Paper(id="2403.99999", title_en="Late")]))
    Settings(query=query, paper=paper).save()
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        assert papers.bars is not None
        with Store.open(db, readonly=True) as store:
            assert papers.ids == rank_listing(store, query).ids
            assert papers.current_rowid == store.rowid_of(paper)
