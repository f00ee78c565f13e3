"""Fetching from inside the reader: `r`, progress, keeping the place, the sources screen.

Sources are served by the in-process FeedServer on 127.0.0.1 or are local files;
the config is a TOML file named by TUI_DIGEST_CONFIG (set per test by conftest).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from ui_support import (
    RecordedSleeps,
    build_cache,
    make_app,
    make_paper,
    notes,
    notifications,
    settle,
    status_text,
    until,
)

from feed_server import FeedServer, Reply, conditional
from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Digest
from tui_digest.core.store import Store
from tui_digest.fetch.runner import SourceResult
from tui_digest.ui.refresh import summarise
from tui_digest.ui.screens.sources import SourcesScreen

SIZE = (140, 40)
NEW_DATE = "2024-02-07"


def config_file() -> Path:
    return Path(os.environ["TUI_DIGEST_CONFIG"])


def write_config(text: str) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if "[enrich]" not in text:
        # No asking the real arXiv after a refresh (on by default).
        text += "\n[enrich]\nafter_fetch = false\n"
    # Written whole, then renamed into place: a refresh (the interval timer's too)
    # reads the file in a thread, and a write in place could be read half done.
    part = path.with_name(path.name + ".part")
    part.write_text(text, encoding="utf-8")
    part.replace(path)
    return path


def source_toml(name: str, url: str, kind: str = "digest") -> str:
    return f'[[sources]]\nname = "{name}"\nurl = "{url}"\nkind = "{kind}"\n\n'


def new_digest_bytes(first: int, count: int) -> bytes:
    """A digest of `count` papers not in the test cache; every one mentions retrieval."""
    papers = [make_paper(first + 6 * i + 5) for i in range(count)]  # topic 5: retrieval
    for paper in papers:
        paper.published = NEW_DATE
    text = write_digest(papers)
    return text.encode("utf-8")


async def test_r_imports_new_papers_keeping_cursor_search_and_selection(cache: Path) -> None:
    with FeedServer() as server:
        server.route(
            "/digest-cs.IR-2024-02-07.md", conditional(new_digest_bytes(300, 4), etag='"v1"')
        )
        server.route("/bad.md", Reply(404, body=b"gone"))
        write_config(
            source_toml("good", server.url("/digest-cs.IR-2024-02-07.md"))
            + source_toml("bad", server.url("/bad.md"))
        )
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            main = app.main
            main.search_box.value = "retrieval"
            await settle(pilot)
            before = main.matches
            assert 0 < before < 38
            await pilot.press("j", "space")  # select the second paper; the cursor is on the third
            await settle(pilot)
            papers = main.paper_list
            current = papers.current_rowid
            selected = set(papers.selected)
            assert current is not None and len(selected) == 1

            await pilot.press("r")
            await settle(pilot)

            assert main.matches == before + 4
            assert main.total == 42
            assert main.query_text == "retrieval" and main.search_box.value == "retrieval"
            rows = Store.open(cache).list_rows(papers.ids)
            assert len(rows) == before + 4
            assert all("retrieval" in row.title_en.lower() for row in rows)
            # The new papers are newer, so they sort above: the cursor moved with its paper.
            assert papers.current_rowid == current
            assert papers.cursor == papers.ids.index(current) > 2
            assert papers.selected == selected
            assert main.detail.record is not None and main.detail.record.rowid == current
            assert f"{before + 4} / 42" in status_text(app)
            assert "fetching" not in status_text(app)  # the progress is gone
            note = next(n for n in notifications(app) if "sources fetched" in n.message)
            assert note.markup is False
            text = str(note.message)
            assert "1 of 2 sources fetched: 4 new papers" in text
            assert "bad" in text and "404" in text
            # Rows drawn after the import are the new ones (the row cache was reset).
            line = "".join(s.text for s in papers.render_line(1))
            assert "retrieval" in line.lower()

            await pilot.press("S")
            await settle(pilot)
            assert isinstance(app.screen, SourcesScreen)
            listing = app.screen.text.plain
            assert "good" in listing and server.url("/digest-cs.IR-2024-02-07.md") in listing
            assert "new 4 / updated 0 / unchanged 0" in listing
            assert "failed (HTTP 404)" in listing
            await pilot.press("escape")
            assert not isinstance(app.screen, SourcesScreen)

            # A second refresh: the file is unchanged (304), nothing moves.
            await pilot.press("r")
            await settle(pilot)
            assert main.matches == before + 4 and papers.current_rowid == current
            assert (
                server.requests_to("/digest-cs.IR-2024-02-07.md")[-1].headers.get("if-none-match")
                == '"v1"'
            )


@pytest.mark.parametrize("older", [30, 200])  # 200: the paper is past the first page
async def test_file_source_and_cursor_deep_in_the_list(tmp_path: Path, older: int) -> None:
    cache = build_cache(tmp_path / "cache.db", n_first=older)
    digest = tmp_path / "digest-cs.IR-2024-02-08.md"
    digest.write_bytes(new_digest_bytes(400, 3))
    write_config(source_toml("local file", digest.as_uri()))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.main.paper_list
        count = len(set(range(older)) | set(range(100, 108)))  # the two digests overlap
        await pilot.press("G", "k", "k")
        await settle(pilot)
        current = papers.current_rowid
        screen_row = papers.cursor - int(papers.scroll_offset.y)
        await pilot.press("r")
        await settle(pilot)
        assert app.main.matches == count + 3 and len(papers.ids) == count + 3
        assert papers.current_rowid == current and papers.cursor == count + 3 - 3
        assert papers.cursor - int(papers.scroll_offset.y) == screen_row  # same screen row
        assert app.main.detail.record.rowid == current

        def drawn() -> bool:
            lines = ["".join(s.text for s in papers.render_line(y)) for y in range(1, 10)]
            return all(line.strip() != "…" for line in lines)

        # The rows are read again by themselves (no key pressed); settle can
        # return between a stale read's message and the new read it starts.
        await until(pilot, drawn, "the rows read again")
        assert any("1 of 1 source fetched: 3 new papers" in n for n in notes(app))


async def test_second_r_says_running_and_progress_is_shown(cache: Path) -> None:
    gate = threading.Event()
    body = new_digest_bytes(500, 2)

    def slow(request):
        gate.wait(20)  # held by the test, released below: the server waits, not the test
        return Reply(200, body=body)

    with FeedServer() as server:
        server.route("/slow.md", slow)
        write_config(source_toml("slow source", server.url("/slow.md")))
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await until(pilot, lambda: "fetching 0/1 · slow source" in status_text(app), "progress")
            assert len(server.requests_to("/slow.md")) == 1
            await pilot.press("j")  # the UI keeps answering while the fetch waits
            assert app.main.paper_list.cursor == 1
            await pilot.press("r")
            assert any("already running" in n for n in notes(app))
            gate.set()
            await settle(pilot)
            assert not app.main.refresher.running
            assert app.main.matches == 40
            assert "fetching" not in status_text(app)


async def test_network_failure_is_reported_not_raised(cache: Path) -> None:
    with FeedServer() as server:
        dead = server.url("/x.md")
    # The server is stopped: connecting is refused.
    write_config("[fetch]\nconcurrency = 1\n\n" + source_toml("dead", dead))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.is_running
        assert any("0 of 1 source fetched" in n and "dead" in n for n in notes(app))
        assert app.main.matches == 38


async def test_retries_wait_through_the_injected_sleep_not_the_clock(cache: Path) -> None:
    # Two 503s, then the digest: the retry policy's backoff (1 s, then 2 s, with
    # jitter) goes through the reader's injected sleep, so nothing is waited here.
    sleeps = RecordedSleeps()
    with FeedServer() as server:
        server.route(
            "/flaky.md",
            Reply(503, body=b"busy"),
            Reply(503, body=b"busy"),
            Reply(200, body=new_digest_bytes(700, 2)),
        )
        write_config("[fetch]\nconcurrency = 1\n\n" + source_toml("flaky", server.url("/flaky.md")))
        app = make_app(cache, first_run_sample=False, sleeps=sleeps)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            assert len(server.requests_to("/flaky.md")) == 3
            assert app.main.matches == 40
            assert any("1 of 1 source fetched: 2 new papers" in n for n in notes(app))
    backoff = [w for w in sleeps.waits if w > 0]
    assert len(backoff) == 2 and 0.5 <= backoff[0] <= 1.0 and 1.0 <= backoff[1] <= 2.0


async def test_refreshes_share_one_politeness_clock(cache: Path) -> None:
    """`r` pressed again after a refresh keeps the host's spacing: one clock for every
    refresh of the reader, not one per refresh (found by a bug hunt: arXiv was asked at
    0, 1.51, 3.00 and 3.02 s). 127.0.0.1 gets arXiv's 3 s here; the clock is injected."""
    from feed_server import FakeTime
    from tui_digest.net.politeness import HostSlots

    time = FakeTime()
    starts: list[float] = []

    def answer(request):
        starts.append(time.clock() - 1_000.0)
        return Reply(200, body=new_digest_bytes(800, 2))

    with FeedServer() as server:
        server.route("/d.md", answer)
        write_config(
            '[fetch]\nconcurrency = 1\nper_host_interval = { "127.0.0.1" = 3 }\n\n'
            + source_toml("polite", server.url("/d.md"))
        )
        app = make_app(cache, first_run_sample=False, sleeps=time.sleep)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.main.refresher.slots = HostSlots(time.clock)
            for _ in range(3):
                await pilot.press("r")
                await settle(pilot)
                assert not app.main.refresher.running
    assert starts == [0.0, 3.0, 6.0]


async def test_broken_config_names_file_and_line(cache: Path) -> None:
    path = write_config("[fetch]\ninterval_minutes = -1\n")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert any(str(path) in n and "interval_minutes" in n for n in notes(app))
        assert app.is_running and not app.main.refresher.running


async def test_interval_refreshes_on_a_timer(cache: Path, tmp_path: Path) -> None:
    digest = tmp_path / "timer.md"
    digest.write_bytes(new_digest_bytes(600, 2))
    source = source_toml("timed", digest.as_uri())
    write_config("[fetch]\ninterval_minutes = 1\n\n" + source)
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        refresher = app.main.refresher
        await until(pilot, lambda: refresher.interval_minutes == 1, "the interval")
        # The config takes no less than a minute; the timer itself is tested at
        # 0.002 minutes = 0.12 s between refreshes.
        refresher.set_interval(0.002)
        # Each refresh reads the config again: turned off now, the timed refresh that
        # comes next is the last one (no refresh every 0.12 s for the rest of the test,
        # which on a loaded machine kept the listing from ever catching up).
        write_config("[fetch]\ninterval_minutes = 0\n\n" + source)
        await until(pilot, lambda: refresher.interval_minutes == 0, "the interval turned off")
        await until(
            pilot,
            lambda: app.main.matches == 40,
            "a timed refresh",
            detail=lambda: f"{app.main.matches} listed; notes {notes(app)}",
        )
        assert any("2 new papers" in n for n in notes(app))
        # A tick while a refresh runs does not start a second one.
        refresher.running = True
        assert refresher.start(scheduled=True) is False
        refresher.scheduled()
        refresher.running = False


async def test_hostile_source_names_are_plain_text(cache: Path, tmp_path: Path) -> None:
    hostile = "[bold]x[/] [@click=app.quit]q[/]"
    missing = tmp_path / "missing.md"
    write_config(source_toml(hostile, missing.as_uri()))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert any(hostile in n for n in notes(app))
        await pilot.press("S")
        await settle(pilot)
        assert hostile in app.screen.text.plain
        assert app.is_running


def test_summary_counts_and_lists_failures() -> None:
    results = [
        SourceResult("a", "u", "new", new=3, updated=1),
        *(SourceResult(f"f{i}", "u", "failed", error=f"boom {i}") for i in range(6)),
    ]
    text, severity = summarise(results)
    assert text.startswith("1 of 7 sources fetched: 3 new papers, 1 updated.")
    assert "f0: boom 0" in text and "f5" not in text and "2 more failed (S shows all)" in text
    # The sources key as bound now (the reader passes hint_key's; found by review).
    assert "2 more failed (ctrl+o shows all)" in summarise(results, sources_key="ctrl+o")[0]
    assert severity == "warning"
    assert summarise(results[1:])[1] == "error"
    assert summarise(results[:1])[1] == "information"


def test_summary_says_what_a_source_that_came_in_could_not_do() -> None:
    """A note (the missed days GitHub would not list, a folder's bad file) is shown as
    `tui-digest fetch` shows it on stderr, not dropped."""
    came = SourceResult("digest-cs.AI", "u", "new", new=4)
    came.notes = ["the days before: https://api.github.com/…: HTTP 403 Forbidden", "b", "c"]
    text, severity = summarise([came, SourceResult("quiet", "u", "unchanged")])
    assert text.splitlines()[1:] == [
        "! digest-cs.AI: the days before: https://api.github.com/…: HTTP 403 Forbidden",
        "! digest-cs.AI: b",
        "… and 1 more (`tui-digest fetch` lists all).",
    ]
    assert severity == "warning"
    assert summarise([SourceResult("a", "u", "new", new=1)])[1] == "information"


def test_digest_helper_makes_new_papers() -> None:
    # Guard for the fixtures above: the served digest reads back as 4 retrieval papers.
    from tui_digest.core.readers import read_document

    result = read_document(new_digest_bytes(300, 4), source="t", format="digest")
    assert isinstance(result.digest, Digest)
    assert len(result.digest.papers) == 4
    assert all("retrieval" in p.title_en.lower() for p in result.digest.papers)


async def test_a_long_error_wraps_under_itself_on_the_sources_screen(
    cache: Path, tmp_path: Path
) -> None:
    """A server's long error went back to column 0 under its label."""
    missing = tmp_path / ("a-folder-with-a-long-name-" * 6) / "missing.md"
    write_config(source_toml("far", missing.as_uri()))
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        lines = app.screen.text.plain.split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith("  error  "))
        more = lines[at + 1 : next(i for i in range(at, len(lines)) if not lines[i].strip())]
        assert len(more) >= 2  # the error took several lines
        assert all(line.startswith(" " * 9) and line[9] != " " for line in more), lines


async def test_a_token_in_a_source_url_is_masked_in_the_notification_and_on_s(
    cache: Path,
) -> None:
    """Found by a bug hunt: `https://TOKEN@host/…` (a token as the user name) was
    shown in the clear by the refresh notification and the sources screen."""
    token = "ghp_SECRETTOKEN123"
    with FeedServer() as server:
        server.route("/digest-cs.IR-2024-02-07.md", Reply(200, body=new_digest_bytes(300, 2)))
        good = server.url("/digest-cs.IR-2024-02-07.md").replace("http://", f"http://{token}@")
        gone = server.url("/gone.md").replace("http://", f"http://{token}@")
        write_config(source_toml("private", good) + source_toml("gone", gone))
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            text = "\n".join(notes(app))
            assert "gone" in text and "***@127.0.0.1" in text and token not in text
            await pilot.press("S")
            await settle(pilot)
            listing = app.screen.text.plain
            assert "private" in listing and "***@127.0.0.1" in listing
            assert token not in listing


async def test_a_retry_after_wait_is_said_in_a_notification(cache: Path) -> None:
    """A source answering 429 + Retry-After: 100 left the status line at `fetching
    0/1` for minutes, nothing saying why (bug hunt `regnet`). The wait is said (it
    goes through the injected sleep: nothing is waited here)."""
    sleeps = RecordedSleeps()
    with FeedServer() as server:
        server.route(
            "/slow.md",
            Reply(429, body=b"busy", headers={"Retry-After": "100"}),
            Reply(200, body=new_digest_bytes(700, 2)),
        )
        write_config(source_toml("slow", server.url("/slow.md")))
        app = make_app(cache, first_run_sample=False, sleeps=sleeps)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            assert any("1 of 1 source fetched" in n for n in notes(app)), notes(app)
            said = [n for n in notes(app) if "waiting 1 min 40 s before attempt 2 of" in n]
            assert said and "HTTP 429" in said[0], notes(app)
    assert 100.0 in sleeps.waits
