"""The reading view (issue 12 req 2): enter, j/k/space, J/K, n, escape/q."""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll
from textual.pilot import Pilot
from ui_support import ManualTimers, make_app, notes, settle

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.ui.screens.main import MainScreen
from tui_digest.ui.screens.paper_view import PaperView

# arXiv:2402.01118's title as arXiv lists it (see tests/test_bibtex.py); the
# abstract is placeholder text of a real abstract's length.
TITLE = r"Pok\'eLLMon: A Human-Parity Agent for Pok\'emon Battles with Large Language Models"
ABSTRACT = " ".join(
    f"Sentence {i} of a placeholder abstract, long enough to wrap over several lines "
    "in a narrow terminal and to need scrolling there."
    for i in range(1, 13)
)


def reading_cache(path: Path) -> Path:
    papers = [
        Paper(
            id="2402.01118",
            version="v3",
            url="https://arxiv.org/abs/2402.01118",
            title_en=TITLE,
            title_zh="PokéLLMon：在宝可梦对战中达到人类水平的大语言模型智能体",
            summary_zh="用大语言模型玩宝可梦对战，并达到人类玩家的水平。",
            abstract_en=ABSTRACT,
            abstract_zh="占位摘要。" * 40,
            authors=["Sihao Hu", "Tiansheng Huang", "Ling Liu"],
            categories=["cs.AI"],
            announce_type="new",
            published="2024-02-02",
        ),
        *(
            Paper(id=f"2402.0{i}000", title_en=f"Second paper {i}", abstract_en="Short.")
            for i in (2, 3, 4)
        ),
    ]
    with Store.open(path) as store:
        store.import_digest(Digest(name="reading-2024-02-05", date="2024-02-05", papers=papers))
        store.set_read([store.get_paper("2402.03000").rowid])
    return path


def many_and_few(path: Path, many: int, *, name: str = "many-2024-01-29") -> Path:
    """A cache of `many` papers in digest `name` (none: no such digest) and
    three in `few-2024-02-05`, imported after them."""
    with Store.open(path) as store:
        if many:
            papers = [Paper(id=f"2401.{i:05d}", title_en=f"Paper {i}") for i in range(many)]
            store.import_digest(Digest(name=name, date="2024-01-29", papers=papers))
        few = [Paper(id=f"2402.{i:05d}", title_en=f"Few {i}") for i in range(3)]
        store.import_digest(Digest(name="few-2024-02-05", date="2024-02-05", papers=few))
    return path


def body(app) -> str:
    return str(app.screen.query_one("#paper-view-body").visual)


async def open_view(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_enter_opens_scrolls_moves_and_returns_at_the_same_place(tmp_path: Path) -> None:
    app = make_app(reading_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(pilot)
        assert isinstance(app.screen, PaperView)
        text = body(app)
        assert "PokéLLMon" in text and "宝可梦" in text and "Sihao Hu" in text
        assert "https://arxiv.org/pdf/2402.01118" in text
        scroll = app.screen.query_one("#paper-view-scroll", VerticalScroll)
        await pilot.press("j", "j")
        assert scroll.scroll_y == 2
        await pilot.press("k")
        assert scroll.scroll_y == 1
        await pilot.press("space")
        assert scroll.scroll_y > 10
        await pilot.press("J")
        await settle(pilot)
        assert "Second paper 2" in body(app) and scroll.scroll_y == 0
        await pilot.press("n")  # 2402.03000 is read: the next unread is 2402.04000
        await settle(pilot)
        assert "Second paper 4" in body(app)
        await pilot.press("K")
        await settle(pilot)
        assert "Second paper 3" in body(app)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)  # q went back, it did not quit
        assert app.main.paper_list.cursor == 2
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.main.paper_list.cursor == 2


async def test_moving_past_the_ends_says_so(tmp_path: Path) -> None:
    app = make_app(reading_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(pilot)
        await pilot.press("K")
        await settle(pilot)
        assert app.main.paper_list.cursor == 0
        assert "PokéLLMon" in body(app)
        await pilot.press("J", "J", "J", "J")
        await settle(pilot)
        assert app.main.paper_list.cursor == 3
        assert "No more papers this way." in notes(app)
        # n past the last comes round to the unread papers above (it stayed, saying
        # "No more unread papers here." while they were listed; found by a bug hunt).
        await pilot.press("n")
        await settle(pilot)
        assert app.main.paper_list.cursor == 0


async def test_a_wide_terminal_keeps_a_readable_measure(tmp_path: Path) -> None:
    """At 220 columns the text is a centred column of at most 100 cells, not 216-cell
    lines; at 80 it takes the width there is."""
    app = make_app(reading_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=(220, 60)) as pilot:
        await open_view(pilot)
        text = app.screen.query_one("#paper-view-body")
        assert text.size.width == 100
        assert 55 <= text.region.x <= 60  # centred: (220 - 100) / 2, the padding aside
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert text.size.width == 80 - 4 - 2  # less the padding and the scrollbar


def test_reading_view_80x24(tmp_path: Path, snap_compare) -> None:
    app = make_app(reading_cache(tmp_path / "c.db"), first_run_sample=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_view)


def test_reading_view_160x45(tmp_path: Path, snap_compare) -> None:
    app = make_app(reading_cache(tmp_path / "c.db"), first_run_sample=False)
    assert snap_compare(app, terminal_size=(160, 45), run_before=open_view)


def header(app) -> str:
    return body(app).split("\n")[0]


async def test_the_view_says_when_the_paper_it_shows_becomes_read(tmp_path: Path) -> None:
    """The read timer (and `m`) mark the paper the view shows: its header follows,
    and the view stays where the reader had scrolled to."""
    timers = ManualTimers()
    app = make_app(reading_cache(tmp_path / "c.db"), first_run_sample=False, timers=timers)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(pilot)
        await pilot.press("J", "K")  # deliberate moves: the timer starts on the first paper
        await settle(pilot)
        assert "PokéLLMon" in body(app) and "unread" in header(app)
        await pilot.press("j", "j")
        timers.advance(2)
        await settle(pilot)
        assert "unread" not in header(app) and "read" in header(app)
        assert app.screen.query_one("#paper-view-scroll", VerticalScroll).scroll_y == 2
        await pilot.press("m")  # back to unread, by hand
        await settle(pilot)
        assert "unread" in header(app)
        assert "1 / 4" in str(app.screen.query_one("#paper-view-position").visual)


async def test_n_in_the_view_goes_on_to_the_next_digest_as_in_the_list(tmp_path: Path) -> None:
    db = reading_cache(tmp_path / "c.db")
    with Store.open(db) as store:  # an older digest with an unread paper
        older = [Paper(id="2401.09000", title_en="Older unread paper", abstract_en="Old.")]
        store.import_digest(Digest(name="reading-2024-01-29", date="2024-01-29", papers=older))
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.main.show_digest("reading-2024-02-05")
        await settle(pilot)
        await pilot.press("G")  # the last paper of the newest digest
        await open_view(pilot)
        assert "Second paper 4" in body(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PaperView)
        assert app.main.digest == "reading-2024-01-29"
        assert "Older unread paper" in body(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.main.paper_list.current_rowid is not None
        assert "Older unread paper" in str(app.main.detail.record.paper.title_en)


async def test_s_in_the_view_stars_the_paper_read_not_the_selection(tmp_path: Path) -> None:
    db = reading_cache(tmp_path / "c.db")
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "space", "g")  # the second paper selected, the first current
        await open_view(pilot)
        assert "PokéLLMon" in body(app)
        await pilot.press("s")
        await settle(pilot)
        assert "starred" in header(app)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "starred" not in header(app)
        await pilot.press("s")
        await settle(pilot)
        assert app.main.paper_list.selected  # the list's selection is left alone
    with Store.open(db) as store:
        first, second = (store.get_paper(i) for i in ("2402.01118", "2402.02000"))
        assert first.starred and not second.starred


def is_read(db: Path, paper_id: str) -> bool:
    with Store.open(db) as store:
        record = store.get_paper(paper_id)
        assert record is not None
        return record.read


async def read_for(pilot: Pilot, timers: ManualTimers, seconds: float) -> None:
    """`enter`, `seconds` on the paper in the reading view, `escape`."""
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PaperView)
    timers.advance(seconds)
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


async def test_enter_without_a_move_reads_the_paper_after_the_dwell(tmp_path: Path) -> None:
    """The reader reopens on the paper it was closed on, a digest picked shows its
    first row: `enter` there, with no cursor move first, never started the read
    timer (found by a bug hunt). Opening a paper is deliberate; the launch and
    the pick themselves still mark nothing."""
    db = reading_cache(tmp_path / "c.db")
    with Store.open(db) as store:
        older = [Paper(id="2401.09000", title_en="Older unread paper", abstract_en="Old.")]
        store.import_digest(Digest(name="reading-2024-01-29", date="2024-01-29", papers=older))
    app = make_app(db, first_run_sample=False, timers=ManualTimers())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.main.show_digest("reading-2024-02-05")
        await settle(pilot)
        await pilot.press("j")  # closed on the second paper (its timer never ran out)
        await settle(pilot)
        await pilot.press("q")
    timers = ManualTimers()
    again = make_app(db, first_run_sample=False, timers=timers)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        main = again.main
        assert main.detail.record.paper.id == "2402.02000"
        timers.advance(60)
        await settle(pilot)
        assert not is_read(db, "2402.02000")  # reopening on it reads nothing
        await read_for(pilot, timers, 1)
        assert not is_read(db, "2402.02000")  # (not before the delay)
        await read_for(pilot, timers, 5)
        assert is_read(db, "2402.02000")
        main.show_digest("reading-2024-01-29")
        await settle(pilot)
        assert main.detail.record.paper.id == "2401.09000"
        timers.advance(60)
        await settle(pilot)
        assert not is_read(db, "2401.09000")  # picking the digest reads nothing
        await read_for(pilot, timers, 5)
        assert is_read(db, "2401.09000")


async def test_the_palette_in_the_view_offers_the_views_commands_on_the_paper_read(
    tmp_path: Path,
) -> None:
    """ctrl+p in the reading view ran the list's commands: "Star" starred the hidden
    selection ("Starred 2 papers"), and "All read", "Digest", "Search" were offered
    (found by a bug hunt). It offers the view's own, acting on the paper read."""
    from ui_support import palette_offers

    db = reading_cache(tmp_path / "c.db")
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")  # (space moves on) two selected, the third read
        await open_view(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Star", "Read", "Next unread", "Back", "Copy BibTeX"} <= titles
        assert not titles & {"All read", "Digest", "Search", "Delete this digest", "Export"}
        await pilot.press("ctrl+p", *"star")
        await palette_offers(pilot, "Star")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PaperView) and "starred" in header(app)
        assert len(app.main.paper_list.selected) == 2  # the list's selection is left alone
    with Store.open(db) as store:
        starred = [r.paper.id for r in store.get_papers(store.list_ids("is:starred"))]
    assert starred == ["2402.03000"]


async def test_the_header_is_cut_with_an_ellipsis_on_a_narrow_terminal(tmp_path: Path) -> None:
    """At 40 columns the position and the keys' hint do not fit: the line ends
    in "…", as the status line does, not in a word cut short."""
    from textual.geometry import Region

    app = make_app(reading_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=(40, 12)) as pilot:
        await open_view(pilot)
        header = app.screen.query_one("#paper-view-position")
        lines = header.render_lines(Region(0, 0, *header.outer_size))
        text = "".join(s.text for s in lines[0]).rstrip()
        assert text.startswith(" 1 / 4") and text.endswith("…"), text
        assert len(lines) == 1


async def test_the_views_position_follows_the_list_when_its_ids_arrive(tmp_path: Path) -> None:
    """The header's "N / M" was counted once, when the paper was drawn: after
    the digest read was removed by another process, the view went on in all
    papers and kept the first page's length ("1 / 120" of 20,249) until the
    next move (bug hunt `conc` #1). It is drawn again as the list's ids come
    (`listing_ids_set`, which the listing calls as they come; whether they come
    before or after the paper is drawn depends on the threads, so the ids are
    set here as they arrive)."""
    db = many_and_few(tmp_path / "c.db", 500)
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.main.show_digest("few-2024-02-05")
        await open_view(pilot)
        position = app.screen.query_one("#paper-view-position")
        assert "1 / 3" in str(position.visual)
        papers = app.main.paper_list
        papers.set_ids([*papers.ids, *range(9001, 9121)])  # (the rest of a listing)
        app.main.listing_ids_set()
        await settle(pilot)
        assert "1 / 123" in str(position.visual)


async def test_ids_coming_as_the_view_opens_do_not_end_the_reader(tmp_path: Path) -> None:
    """The list's ids came between `enter` and the view's first frame: drawing its
    "N / M" found no header yet and the reader ended with NoMatches (regression
    hunt `reghist` #2, 3 runs in 12 at 20,000 papers)."""
    app = make_app(reading_cache(tmp_path / "c.db"), first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        main = app.main
        main.action_read_paper()
        main.listing_ids_set()  # (before the view is composed)
        await settle(pilot)
        assert isinstance(app.screen, PaperView)
        assert "1 / 4" in str(app.screen.query_one("#paper-view-position").visual)


async def test_the_views_position_follows_a_listing_its_first_page_holds(tmp_path: Path) -> None:
    """The "N / M" was drawn again only when the list's ids came, and a listing
    whose first page holds all of it sends none: reading all papers, after
    another digest was removed the view kept "3 / 7" of the 3 left (regression
    hunt `regui` #5)."""
    db = many_and_few(tmp_path / "c.db", 4, name="rest-2024-01-29")
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.follower.poll()  # (the baseline)
        app.main.show_digest(None)
        await settle(pilot)
        papers = app.main.paper_list
        assert len(papers.ids) == 7
        await pilot.press("j", "j")
        await open_view(pilot)
        position = app.screen.query_one("#paper-view-position")
        assert "3 / 7" in str(position.visual) and "Few 2" in body(app)
        with Store.open(db) as other:  # another process's `digests rm`
            other.remove_digests(other.digest_pks(["rest-2024-01-29"]))
        app.follower.poll()
        await settle(pilot)
        assert isinstance(app.screen, PaperView)
        assert len(papers.ids) == 3 and "Few 2" in body(app)
        assert "3 / 3" in str(position.visual), str(position.visual)


async def test_the_view_closes_when_its_list_is_left_empty(tmp_path: Path) -> None:
    """Every digest removed by another process: the list said "No papers here
    yet." but the view kept "3 / 3" and the removed paper, its digest named
    (regression hunt `regui` #5). It says so and goes back to the list."""
    db = many_and_few(tmp_path / "c.db", 50)
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.follower.poll()  # (the baseline)
        app.main.show_digest("few-2024-02-05")
        await settle(pilot)
        await pilot.press("j", "j")
        await open_view(pilot)
        assert isinstance(app.screen, PaperView)
        with Store.open(db) as other:
            other.remove_digests(other.digest_pks(["few-2024-02-05", "many-2024-01-29"]))
        app.follower.poll()
        await settle(pilot)
        assert app.screen is app.main and not app.main.paper_list.ids
        assert any("2402.00002" in n and "no paper is left" in n for n in notes(app)), notes(app)


async def test_a_view_left_empty_under_a_dialog_closes_after_it(tmp_path: Path) -> None:
    """Help open over the reading view when its list is left empty: help stays
    (closing the view then popped the help instead), the view closes after it."""
    from tui_digest.ui.screens.help import HelpScreen

    db = many_and_few(tmp_path / "c.db", 0)
    app = make_app(db, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.follower.poll()  # (the baseline)
        await open_view(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        with Store.open(db) as other:
            other.remove_digests(other.digest_pks(["few-2024-02-05"]))
        app.follower.poll()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main
        assert any("no paper is left" in n for n in notes(app))


async def test_emoji_selectors_are_dropped_where_the_paper_is_read(tmp_path: Path) -> None:
    """`❤️` (U+2764 U+FE0F) is 2 cells for rich and 1 in many terminals: each
    line holding one was drawn a cell short, leaving the last cell of the
    previous paper on screen. The detail pane and the reading view draw the
    text steady, as the list does (bug hunt s41 auditwidgets #3)."""
    path = tmp_path / "c.db"
    heart = Paper(
        id="2402.00001",
        title_en="I \u2764\ufe0f Transformers",
        abstract_en="Attention \u2764\ufe0f is what we study.\nSecond line \u26a0\ufe0f here.",
        authors=["Ann \U0001f1e8\U0001f1f3 Lee"],
    )
    with Store.open(path) as store:
        store.import_digest(Digest(name="d-2024-02-05", date="2024-02-05", papers=[heart]))
    app = make_app(path, first_run_sample=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for text in (str(app.main.detail.body.visual), None):
            if text is None:
                await open_view(pilot)
                assert isinstance(app.screen, PaperView)
                text = body(app)
            assert "I \u2764 Transformers" in text
            assert "Attention \u2764 is what we study.\nSecond line \u26a0 here." in text
            assert "Ann CN Lee" in text
            assert "\ufe0f" not in text
