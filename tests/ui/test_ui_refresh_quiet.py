"""A reader left open through many timed refreshes keeps no memory per refresh.

Bug hunt `soak` #1: the reader's memory grew ~45 KB with every refresh, even
when every source answered 304. Each refresh ended with a toast ("0 new
papers"); a toast gone was still held with every line it drew (Textual 8.2.8
keeps 1,024 widgets' `StylesCache`s in an `lru_cache`, issue
Textualize/textual#6665). A timed refresh that brings nothing and fails nothing
now says nothing; `r` still does. Counted with gc, not RSS.
"""

from __future__ import annotations

import gc
from pathlib import Path

from test_ui_fetch import new_digest_bytes, source_toml, write_config
from ui_support import make_app, notes, until

from feed_server import FeedServer, conditional

REFRESHES = 20


def drawn_widget_caches() -> int:
    """Textual's per-widget render caches alive now (one per widget drawn)."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o).__name__ == "StylesCache")


async def test_timed_refreshes_that_bring_nothing_keep_no_memory(cache: Path) -> None:
    with FeedServer() as server:
        server.route("/a.md", conditional(new_digest_bytes(300, 2), etag='"a1"'))
        server.route("/b.md", conditional(new_digest_bytes(400, 2), etag='"b1"'))
        write_config(source_toml("a", server.url("/a.md")) + source_toml("b", server.url("/b.md")))
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            refresher = app.main.refresher

            async def timed() -> None:
                assert refresher.start(scheduled=True)
                await until(pilot, lambda: not refresher.running, "the timed refresh")
                await pilot.pause()

            await timed()  # the first fetches both sources: that one says so
            assert any("4 new papers" in n for n in notes(app)), notes(app)
            said = len(notes(app))
            await timed()  # warm-up: 304s from here on
            before = drawn_widget_caches()
            for _ in range(REFRESHES):
                await timed()
            grown = drawn_widget_caches() - before

            assert len(server.requests_to("/a.md")) == REFRESHES + 2
            assert all(r.headers.get("if-none-match") for r in server.requests_to("/a.md")[1:])
            assert len(notes(app)) == said, notes(app)[said:]  # nothing said
            # Before: one more per refresh (20), each with the strips its toast drew.
            assert grown <= 3, f"{grown} widget render caches kept by {REFRESHES} refreshes"

            await pilot.press("r")  # asked for: always answered
            await until(
                pilot,
                lambda: any("2 of 2 sources fetched: 0 new papers" in n for n in notes(app)),
                "r's answer",
            )


async def test_a_timed_refresh_that_read_a_digest_of_papers_held_says_so(cache: Path) -> None:
    # Regression hunt: the quiet rule first looked at new and updated papers
    # only, so a new digest listing papers the cache held said nothing.
    with FeedServer() as server:
        server.route("/a.md", conditional(new_digest_bytes(300, 2), etag='"a1"'))
        server.route("/b.md", conditional(new_digest_bytes(300, 2), etag='"b1"'))
        write_config(source_toml("a", server.url("/a.md")))
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            refresher = app.main.refresher

            async def timed() -> None:
                assert refresher.start(scheduled=True)
                await until(pilot, lambda: not refresher.running, "the timed refresh")
                await pilot.pause()

            await timed()
            said = len(notes(app))
            write_config(
                source_toml("a", server.url("/a.md")) + source_toml("b", server.url("/b.md"))
            )
            await timed()  # a: 304; b: a digest of the two papers a brought
            assert len(server.requests_to("/b.md")) == 1
            assert len(notes(app)) == said + 1, notes(app)
            assert "0 new papers" in notes(app)[-1]
