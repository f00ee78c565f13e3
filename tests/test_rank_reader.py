"""The reader's For you helpers: query edits, the bar, ranked listings (child process)."""

from __future__ import annotations

import pytest

from rank_corpus import build, star
from tui_digest.core.model import DigestInfo
from tui_digest.core.store import Store
from tui_digest.ui.foryou import (
    BAR_WIDTH,
    is_ranked,
    related_query,
    score_bar,
    today_query,
    toggle_foryou,
)
from tui_digest.ui.foryou_read import bar_values, ranked_listing


def test_f_toggles_sort_foryou_in_the_search():
    assert toggle_foryou("") == "sort:foryou"
    assert toggle_foryou("cat:cs.CL diffusion ") == "cat:cs.CL diffusion sort:foryou"
    assert toggle_foryou("cat:cs.CL sort:foryou diffusion") == "cat:cs.CL diffusion"
    assert toggle_foryou("SORT:ForYou") == ""
    assert toggle_foryou(toggle_foryou("a b")) == "a b"


def test_which_queries_are_ranked():
    assert is_ranked("x sort:foryou") and is_ranked("related:2403.00001")
    assert not is_ranked("diffusion") and not is_ranked("sort:")  # malformed: the store says why
    assert not is_ranked('"sort:foryou"')  # a phrase, not a term


def test_for_you_in_the_picker_is_the_newest_day_ranked():
    digests = [
        DigestInfo(name="a", date="2024-03-18", source="", count=1, kind="digest"),
        DigestInfo(name="b", date="2024-03-19", source="", count=1, kind="digest"),
        DigestInfo(name="c", date="", source="", count=1, kind="digest"),
    ]
    assert today_query(digests) == "date:2024-03-19 sort:foryou"
    assert today_query([]) == "sort:foryou"
    assert related_query("2403.00001") == "related:2403.00001"


def test_the_score_bar():
    assert score_bar(1.0) == "█" * BAR_WIDTH
    assert score_bar(0.0) == " " * BAR_WIDTH
    assert score_bar(0.5) == "██  "
    assert score_bar(0.5 + 1 / 32) == "██▏ "
    assert score_bar(7.0) == score_bar(1.0) and score_bar(-1) == score_bar(0)
    assert bar_values([1, 2, 3], [2.0, 1.0, 0.0]) == {1: 1.0, 2: 0.5, 3: 0.0}
    assert bar_values([4], [-0.3]) == {4: 1.0}


def test_ranked_listing_explains_few_stars_and_ranks_with_enough(tmp_path):
    db = tmp_path / "cache.db"
    ids = build(db)
    star(db, ids["parsing"][:3])
    with Store.open(db, readonly=True) as store:
        few = ranked_listing(store, "sort:foryou", None)
    assert few.ids == [] and "at least 5 starred papers" in few.problem
    star(db, ids["parsing"][3:8])
    with Store.open(db, readonly=True) as store:
        ranked = ranked_listing(store, "-is:starred sort:foryou", None)
        top = store.list_rows(ranked.ids[:5])
    assert not ranked.problem and "trained on 8 starred papers" in ranked.note
    assert {r.id for r in top} <= set(ids["parsing"])
    assert ranked.bars[ranked.ids[0]] == 1.0 and ranked.bars[ranked.ids[-1]] == 0.0


def test_ranked_listing_of_an_unknown_related_id_is_a_query_error(tmp_path):
    from tui_digest.core.query import QueryError

    db = tmp_path / "cache.db"
    build(db, days=1)
    with Store.open(db, readonly=True) as store, pytest.raises(QueryError, match="no paper"):
        ranked_listing(store, "related:1111.22222", None)


def test_star_changes_retrain_only_a_model_in_use(tmp_path):
    from tui_digest.rank import has_model
    from tui_digest.rank.files import Model
    from tui_digest.ui.foryou import retrain

    db = tmp_path / "cache.db"
    ids = build(db)
    star(db, ids["rl"][:6])
    assert retrain(db) == "" and not has_model(db)  # never ranked: nothing trained
    with Store.open(db, readonly=True) as store:
        ranked_listing(store, "sort:foryou", None)
    first = Model.load(db)
    star(db, ids["diffusion"][:6])  # the reader stars more papers, then retrains
    assert retrain(db) == ""
    again = Model.load(db)
    assert first is not None and again is not None
    assert again.n_starred == 12 and again.stars != first.stars


def test_stop_all_ends_a_running_child_at_once() -> None:
    """The reader quitting during a training at 500k waited ~100 s for the child."""
    import sys
    import threading

    from tui_digest.rank import RankUnavailable, background

    outcome: list[BaseException] = []

    def call() -> None:
        try:
            background.run_command([sys.executable, "-c", "import time; time.sleep(120)"])
        except RankUnavailable as exc:
            outcome.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    for _ in range(20_000):  # until the child is running (no sleeping on a guess)
        if background._running:
            break
        thread.join(0.001)
    assert background.stop_all() == 1
    thread.join(30)
    assert not thread.is_alive()
    assert [str(e) for e in outcome] == ["the For you worker was stopped"]
    assert not background._running


def test_a_stopped_caller_ends_its_child_and_is_told_so() -> None:
    """A newer search stops waiting for `related:`: its child must not run on."""
    import sys

    from tui_digest.rank import Abandoned, background

    asked: list[bool] = []

    def stop() -> bool:  # says stop on its third look, the child running by then
        asked.append(bool(background._running))
        return len(asked) >= 3

    with pytest.raises(Abandoned):
        background.run_command([sys.executable, "-c", "import time; time.sleep(120)"], stop=stop)
    assert asked == [True, True, True] and not background._running


def test_a_caller_that_never_stops_gets_the_answer() -> None:
    import sys

    from tui_digest.rank import background

    command = [sys.executable, "-c", "import time, json; time.sleep(0.3); print(json.dumps([1]))"]
    assert background.run_command(command, stop=lambda: False) == [1]
