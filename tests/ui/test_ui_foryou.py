"""The reader's For you: the picker entry, `f`, the score bar, `R`, few stars, retraining."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sklearn", reason="the rank extra (scikit-learn) is part of [dev]")

from ui_support import ManualTimers, make_app, notes, screen_text, settle, status_text

from rank_corpus import build, star
from tui_digest.core.store import Store
from tui_digest.rank.files import Model
from tui_digest.rank.listing import rank_listing
from tui_digest.ui.foryou import score_bar
from tui_digest.ui.screens.digest_picker import DigestPicker

SIZE = (140, 40)


@pytest.fixture
def topical(tmp_path: Path) -> tuple[Path, dict[str, list[str]]]:
    db = tmp_path / "cache.db"
    return db, build(db)


async def test_for_you_in_the_picker_ranks_the_newest_day_with_score_bars(topical) -> None:
    db, ids = topical
    star(db, ids["diffusion"][:8])
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        picker = app.screen
        assert isinstance(picker, DigestPicker)
        labels = [str(o.prompt) for o in picker.query_one("OptionList").options]  # type: ignore[attr-defined]
        assert labels[0].startswith("All papers") and labels[1].startswith("For you")
        await pilot.press("down", "enter")
        await settle(pilot)
        main = app.main
        assert main.search_box.value == "date:2024-03-13 sort:foryou"
        with Store.open(db, readonly=True) as store:
            expected = rank_listing(store, "date:2024-03-13 sort:foryou").ids
            day = store.count("date:2024-03-13")
        assert main.paper_list.ids == expected and len(expected) == day
        top = main.paper_list.ids[0]
        assert main.paper_list.bars is not None and main.paper_list.bars[top] == 1.0
        text = screen_text(app)
        assert "Score" in text and score_bar(1.0) in text
        # The best of that day is a diffusion paper (the stars are older ones).
        with Store.open(db, readonly=True) as store:
            assert store.get_paper(top).paper.id in ids["diffusion"]  # type: ignore[union-attr]


async def test_f_toggles_the_ranking_and_the_bar_goes_away(topical) -> None:
    db, ids = topical
    star(db, ids["rl"][:6])
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        main.search_box.value = "cat:cs.CL"
        await settle(pilot)
        plain = list(main.paper_list.ids)
        await pilot.press("f")
        await settle(pilot)
        assert main.search_box.value == "cat:cs.CL sort:foryou"
        assert sorted(main.paper_list.ids) == sorted(plain) and main.paper_list.ids != plain
        assert main.paper_list.bars is not None
        await pilot.press("f")
        await settle(pilot)
        assert main.search_box.value == "cat:cs.CL"
        assert main.paper_list.ids == plain and main.paper_list.bars is None
        assert "Score" not in screen_text(app)


async def test_with_few_stars_the_reader_explains_instead_of_ranking(topical) -> None:
    db, ids = topical
    star(db, ids["rl"][:2])
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = list(app.main.paper_list.ids)
        await pilot.press("f")
        await settle(pilot)
        assert "For you needs 5 starred papers (you have 2)" in status_text(app)
        assert any("Press s on papers" in n and "then f ranks" in n for n in notes(app))
        assert not any("Open the reader" in n for n in notes(app))  # it is open
        assert app.main.paper_list.ids == before  # the listing stays as it was


async def test_R_lists_the_papers_most_like_the_current_one(topical) -> None:
    db, ids = topical
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        current = main.detail.record
        assert current is not None
        topic = next(t for t, pids in ids.items() if current.paper.id in pids)
        await pilot.press("R")
        await settle(pilot)
        assert main.search_box.value == f"related:{current.paper.id}"
        shown = main.paper_list.ids
        assert 0 < len(shown) <= 50 and current.rowid not in shown
        with Store.open(db, readonly=True) as store:
            first = [r.id for r in store.list_rows(shown[:10])]
        assert set(first) <= set(ids[topic])


async def test_a_search_typed_while_related_runs_ends_its_child(topical, monkeypatch) -> None:
    """`related:` takes 7-15 s at 65k papers; a search typed meanwhile left its
    child running to the end, "For you: finding related papers…" in the status
    line until then, and a second ranked search started a second child beside it
    (found by a review)."""
    import sys

    from tui_digest.rank import Abandoned, background

    ended: list[str] = []
    real_run_command = background.run_command

    def slow_run(*args, stop=None, given=None):  # the related: child, held until stopped
        assert args[0] == "related" and stop is not None
        sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
        try:
            return real_run_command(sleeper, stop=stop)
        except Abandoned:
            ended.append(args[0])
            raise

    monkeypatch.setattr(background, "run", slow_run)
    db, ids = topical
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main

        async def until(condition) -> None:
            for _ in range(2000):
                if condition():
                    return
                await pilot.pause()
            raise AssertionError("the reader did not get there")

        await pilot.press("R")
        await until(lambda: "finding related papers" in status_text(app) and background._running)
        main.search_box.value = "cat:cs.CV"
        await until(lambda: main.matches == len(ids["diffusion"]))
        await until(lambda: ended == ["related"] and not background._running)
        await settle(pilot)
        assert "For you" not in status_text(app)
        assert main.matches == len(ids["diffusion"])


async def test_starring_retrains_a_model_in_use(topical) -> None:
    db, ids = topical
    star(db, ids["parsing"][:5])
    timers = ManualTimers()  # the retrain timer too: it fires when the test advances it
    app = make_app(db, first_run_sample=False, timers=timers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("f")
        await settle(pilot)
        before = Model.load(db)
        assert before is not None and before.n_starred == 5
        main.search_box.value = "-is:starred cat:cs.CL"
        await settle(pilot)
        main.paper_list.focus()
        await pilot.press("s")  # star one more paper
        await settle(pilot)
        timers.advance(2.9)  # the user has not paused long enough yet
        await settle(pilot)
        assert Model.load(db).n_starred == 5  # type: ignore[union-attr]
        await pilot.press("s", "s")  # unstar and star again: one retrain for the burst
        timers.advance(2.9)
        await settle(pilot)
        assert Model.load(db).n_starred == 5  # type: ignore[union-attr]
        timers.advance(0.5)  # over 3 s after the last star change
        await settle(pilot)
        after = Model.load(db)
        assert after is not None and after.n_starred == 6 and after.stars != before.stars


@pytest.fixture
def held_training(monkeypatch):
    """Training waits until the test sets the event it yields (it looks meanwhile)."""
    import threading

    from tui_digest.rank import background

    release = threading.Event()
    real_train = background.train

    def slow_train(path):
        assert release.wait(60)
        return real_train(path)

    monkeypatch.setattr(background, "train", slow_train)
    return release


async def test_training_runs_beside_the_listing_so_searching_goes_on(
    topical, held_training
) -> None:
    db, ids = topical
    star(db, ids["rl"][:6])
    release = held_training
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main

        async def until(condition) -> None:
            for _ in range(400):
                if condition():
                    return
                await pilot.pause()
            raise AssertionError("the reader did not get there")

        await pilot.press("f")
        await until(lambda: "training on 6 starred papers" in status_text(app))
        # While the model trains, another search is answered at once.
        main.search_box.value = "cat:cs.CV"
        await until(lambda: main.matches == len(ids["diffusion"]))
        main.search_box.value = "sort:foryou -is:starred"
        release.set()
        await settle(pilot)
        assert "training" not in status_text(app)
        with Store.open(db, readonly=True) as store:
            top = [r.id for r in store.list_rows(main.paper_list.ids[:5])]
        assert set(top) <= set(ids["rl"]) and main.paper_list.bars is not None


async def test_reopening_on_for_you_after_new_papers_retrains_and_ranks(topical) -> None:
    """Closed on For you, reopened after a fetch brought papers (the model is stale):
    the reader stayed on "Opening the cache…" for good (found by a bug hunt)."""
    from tui_digest.core.model import Digest, Paper
    from tui_digest.ui.settings import Settings

    db, ids = topical
    star(db, ids["diffusion"][:8])
    query = "date:2024-03-13 sort:foryou"
    with Store.open(db, readonly=True) as store:
        rank_listing(store, query)  # trained on the cache as it was
    with Store.open(db) as store:  # a fetch brings a paper: the model is stale now
        store.import_digest(
            Digest("late", papers=[Paper(id="2403.99999", title_en="A diffusion paper")])
        )
    Settings(query=query).save()
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        assert main.search_box.value == query
        with Store.open(db, readonly=True) as store:
            expected = rank_listing(store, query).ids
        assert expected and main.paper_list.ids == expected
        assert main.paper_list.bars is not None


async def test_reopened_on_for_you_with_too_few_stars_lists_the_papers_unranked(
    topical,
) -> None:
    """`f` with 2 stars, quit, reopen: the reader stayed on "Opening the cache…"
    with an empty list (found by a regression hunt): the ranking's problem kept
    a listing that was never shown. The search stays as it was saved; the status
    line says why it is not ranked."""
    from tui_digest.ui.settings import Settings

    db, ids = topical
    star(db, ids["rl"][:2])
    Settings(query="cat:cs.CV sort:foryou").save()
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        with Store.open(db, readonly=True) as store:
            expected = store.list_ids("cat:cs.CV")
        assert expected and main.paper_list.ids == expected
        assert main.search_box.value == "cat:cs.CV sort:foryou" and main.paper_list.bars is None
        assert "For you needs 5 starred papers (you have 2)" in status_text(app)
        assert "Opening the cache" not in screen_text(app)
        assert any("Press s on papers" in n for n in notes(app))


def _newer_day(db: Path, day: str = "2024-03-14") -> None:
    from tui_digest.core.model import Digest, Paper

    n = day[-2:]
    with Store.open(db) as store:
        papers = [Paper(id=f"2403.9{n}{i:02d}", title_en=f"Diffusion {i}") for i in range(3)]
        store.import_digest(Digest(f"digest-{day}", date=day, papers=papers))


async def test_for_you_follows_the_newest_day_open_and_reopened(topical) -> None:
    """For you is "the newest day, ranked": a fetch bringing a newer day moves it
    there, and so does reopening the reader after one came (found by a bug hunt:
    it stayed on the day it was chosen, a date in its search)."""
    from tui_digest.ui.settings import Settings

    db, ids = topical
    star(db, ids["diffusion"][:8])
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.show_for_you()
        await settle(pilot)
        assert app.main.search_box.value == "date:2024-03-13 sort:foryou"
        _newer_day(db)
        app.main.cache_changed()  # (as the follower does for a cron fetch)
        await settle(pilot)
        assert app.main.search_box.value == "date:2024-03-14 sort:foryou"
    assert Settings.load().foryou_newest
    # Closed on For you; a newer day comes; reopened: the newest day again.
    _newer_day(db, "2024-03-15")
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.search_box.value == "date:2024-03-15 sort:foryou"


async def test_a_day_chosen_by_hand_stays_when_newer_days_come(topical) -> None:
    from tui_digest.ui.settings import Settings

    db, ids = topical
    star(db, ids["diffusion"][:8])
    Settings(query="date:2024-03-12 sort:foryou").save()  # typed, not For you's newest
    _newer_day(db)
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.search_box.value == "date:2024-03-12 sort:foryou"
    assert not Settings.load().foryou_newest


async def test_for_you_then_a_digest_then_for_you_again_lists_each(topical) -> None:
    """For you kept its `date:… sort:foryou` search in a digest of another day ("No
    papers match"), and choosing For you again listed nothing new: the search text
    had not changed (found by a bug hunt)."""
    db, ids = topical
    star(db, ids["diffusion"][:8])
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        main.show_for_you()
        await settle(pilot)
        ranked = list(main.paper_list.ids)
        assert ranked and main.search_box.value == "date:2024-03-13 sort:foryou"
        older = next(d for d in main.digests if d.date != "2024-03-13")
        await pilot.press("d")
        picker = app.screen
        assert isinstance(picker, DigestPicker)
        picker.dismiss(older.name)
        await settle(pilot)
        assert main.search_box.value == ""  # For you's day is no filter for another digest
        with Store.open(db, readonly=True) as store:
            assert sorted(main.paper_list.ids) == sorted(store.list_ids("", digest=older.name))
        await pilot.press("d")
        assert isinstance(app.screen, DigestPicker)
        app.screen.dismiss("\0foryou")
        await settle(pilot)
        assert main.digest is None and main.paper_list.ids == ranked
        # And the same For you search chosen again from a digest lists again.
        main.show_digest(older.name)
        main.search_box.value = "date:2024-03-13 sort:foryou"  # (typed by hand in a digest)
        await settle(pilot)
        assert main.paper_list.ids == []
        main.show_for_you()
        await settle(pilot)
        assert main.digest is None and main.paper_list.ids == ranked


async def test_while_for_you_trains_the_day_is_listed_unranked(topical, held_training) -> None:
    """For ~15 s the search said `date:… sort:foryou` while the list still showed All
    papers (found by a bug hunt): the day's papers are listed until the ranking comes."""
    db, ids = topical
    star(db, ids["rl"][:6])
    release = held_training
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        with Store.open(db, readonly=True) as store:
            day = sorted(store.list_ids("date:2024-03-13"))
            everything = store.count("")
        assert 0 < len(day) < everything
        main.show_for_you()
        for _ in range(400):
            if "training" in status_text(app) and sorted(main.paper_list.ids) == day:
                break
            await pilot.pause()
        assert "training" in status_text(app)
        assert sorted(main.paper_list.ids) == day and main.paper_list.bars is None
        release.set()
        for _ in range(400):
            if main.paper_list.bars is not None:
                break
            await pilot.pause()
        assert main.paper_list.bars is not None and sorted(main.paper_list.ids) == day


async def test_with_few_stars_the_notice_names_remapped_keys(topical) -> None:
    """Found by review: the few-stars notice said "press s", "then f ranks" and
    "* shows your stars" after `[keys]` had moved them."""
    import os

    db, ids = topical
    star(db, ids["rl"][:2])
    config = Path(os.environ["TUI_DIGEST_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        '[keys]\n"main.star" = "x"\n"main.foryou" = "F"\n"main.starred" = "plus"\n',
        encoding="utf-8",
    )
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert "For you needs 5 starred papers (you have 2): press x" in status_text(app)
        notice = next(n for n in notes(app) if "Press x on papers" in n)
        assert "then F ranks" in notice and "(+ shows your stars)" in notice, notice


async def test_clearing_a_related_search_the_reader_reopened_on_clears_its_note(
    topical, monkeypatch
) -> None:
    """Bug hunt `latency` #1: reopened on a saved `related:` search, a search
    cleared while it ranked waited for the whole ranking, then "For you: finding
    related papers…" stayed in the status line for the rest of the session."""
    import sys

    from tui_digest.rank import Abandoned, background
    from tui_digest.ui.settings import Settings

    ended: list[str] = []
    real_run_command = background.run_command

    def slow_run(*args, stop=None, given=None):  # the related: child, held until stopped
        sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
        try:
            return real_run_command(sleeper, stop=stop)
        except Abandoned:
            ended.append(args[0])
            raise

    monkeypatch.setattr(background, "run", slow_run)
    db, ids = topical
    Settings(query=f"related:{ids['diffusion'][0]}").save()
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        main = app.main

        async def until(condition) -> None:
            for _ in range(2000):
                if condition():
                    return
                await pilot.pause()
            raise AssertionError("the reader did not get there")

        await until(lambda: "finding related papers" in status_text(app) and background._running)
        main.search_box.value = ""
        await until(lambda: ended == ["related"] and not background._running)
        await until(lambda: main.total is not None and main.matches == main.total)
        await settle(pilot)
        assert "For you" not in status_text(app)
