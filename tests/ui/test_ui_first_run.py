"""The first run (issue 16 item 3): the sample, `r` to fetch now, and a fetch that fails.

The failing fetch goes to a closed port on 127.0.0.1 (connection refused at
once; nothing leaves the machine). A fetch that works replaces the sample.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from ui_support import make_app as make_reader
from ui_support import make_paper, notifications, settle, status_text

from feed_server import FeedServer, Reply
from tui_digest.core.digest_format import write_digest

SIZE = (140, 40)


def write_config(sources: list[tuple[str, str]]) -> None:
    text = "".join(
        f'[[sources]]\nname = "{n}"\nurl = "{u}"\nkind = "digest"\n\n' for n, u in sources
    )
    path = Path(os.environ["TUI_DIGEST_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    # No asking the real arXiv after a fetch (on by default).
    path.write_text(text + "[enrich]\nafter_fetch = false\n", encoding="utf-8")


def closed_port() -> int:
    """A port nothing listens on: bound, then closed (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_first_run_says_r_fetches_the_configured_digests(tmp_path: Path) -> None:
    app = make_reader(tmp_path / "fresh.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        welcome = next(n for n in notifications(app) if n.title == "First run")
        assert "Press r to fetch the configured digests now" in welcome.message
        assert "tui-digest import" in welcome.message and welcome.markup is False
        assert "r fetches the configured digests now" in status_text(app)


async def test_a_first_fetch_with_no_network_says_what_happened(tmp_path: Path) -> None:
    port = closed_port()
    write_config([("digest-cs.AI", f"http://127.0.0.1:{port}/cs.AI.md")])
    app = make_reader(tmp_path / "fresh.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.main.matches == 12  # the sample stays
        line = status_text(app)
        assert "the fetch reached no source" in line and "r tries again" in line
        warning = next(n for n in notifications(app) if "No digest could be fetched" in n.message)
        assert "connection refused by 127.0.0.1" in warning.message
        assert "The sample stays; press r to try again" in warning.message
        assert warning.severity == "warning" and warning.markup is False


async def test_a_first_fetch_that_works_replaces_the_sample_and_its_note(tmp_path: Path) -> None:
    papers = [make_paper(200 + i) for i in range(3)]
    with FeedServer() as server:
        server.route("/cs.AI.md", Reply(200, body=write_digest(papers).encode("utf-8")))
        write_config([("digest-cs.AI", server.url("/cs.AI.md"))])
        app = make_reader(tmp_path / "fresh.db")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "sample data" in status_text(app)
            await pilot.press("r")
            await settle(pilot)
            assert app.main.matches == 3
            assert "sample data" not in status_text(app)
            assert not any("No digest could be fetched" in n.message for n in notifications(app))


async def test_the_first_run_notices_name_remapped_keys(tmp_path: Path) -> None:
    """Found by review: the first-run note and notices said "r" and "S" after
    `[keys]` had moved refresh and sources elsewhere."""
    port = closed_port()
    write_config([("digest-cs.AI", f"http://127.0.0.1:{port}/cs.AI.md")])
    path = Path(os.environ["TUI_DIGEST_CONFIG"])
    keys = '\n[keys]\n"main.refresh" = "f5"\n"main.sources" = "ctrl+o"\n'
    path.write_text(path.read_text("utf-8") + keys, encoding="utf-8")
    app = make_reader(tmp_path / "fresh.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        welcome = next(n for n in notifications(app) if n.title == "First run")
        assert "Press f5 to fetch" in welcome.message and "ctrl+o shows them" in welcome.message
        assert "f5 fetches the configured digests now" in status_text(app)
        await pilot.press("f5")
        await settle(pilot)
        line = status_text(app)
        assert "f5 tries again" in line and "ctrl+o shows why" in line, line
        warning = next(n for n in notifications(app) if "No digest could be fetched" in n.message)
        assert "press f5 to try again" in warning.message
        assert "ctrl+o shows each source's error" in warning.message
