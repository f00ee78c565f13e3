"""A feed document cut off (its XML never closed) keeps its complete entries, is
reported as a failure naming its URL, and leaves no validators behind: the next
fetch downloads it again and completes the day (found by a bug hunt: a 200 with
the first 8 % of arXiv's feed and the full feed's ETag kept 1 of 25 papers for good).
"""

from __future__ import annotations

import pytest

from cli_support import run_cli
from feed_server import FakeTime, FeedServer, Reply, arxiv_rss, conditional
from tui_digest.config.sources import Source
from tui_digest.core.store import Store
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.runner import SourceResult, fetch_all
from tui_digest.net.options import HttpOptions

PAPERS = [(f"2509.0000{i}", f"Paper {i}") for i in range(1, 6)]
FULL = arxiv_rss("cs.AI", PAPERS)
# Cut inside the third item: two complete entries, the XML never closed.
CUT = FULL[: FULL.index(b"<item>", FULL.index(b"2509.00002")) + 40]


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


async def run(store: Store, source: Source) -> SourceResult:
    fake = FakeTime(50.0)
    fetcher = SourceFetcher(
        HttpOptions(retries=1), sleep=fake.sleep, clock=fake.clock, rng=lambda: 1.0
    )
    async with fetcher:
        [result] = await fetch_all(store, [source], fetcher=fetcher)
    return result


def _day(store: Store) -> list[tuple[str, int]]:
    return sorted((d.name, d.count) for d in store.digests())


async def test_a_cut_off_feed_keeps_its_entries_fails_and_heals(server, store, tmp_path):
    # The cut body is sent whole (its Content-Length is its own): only the XML says it is cut.
    server.route(
        "/feed", Reply(200, body=CUT, headers={"ETag": '"full"'}), conditional(FULL, etag='"full"')
    )
    source = Source("ai", server.url("/feed"))
    first = await run(store, source)
    assert first.status == "failed"
    assert server.url("/feed") in first.error and "truncated" in first.error, first.error
    assert "kept the 2 complete entries" in first.error
    assert _day(store) == [("ai-2025-09-18", 2)]  # the complete entries were not lost
    state = store.get_source_state("ai")
    assert not state.get("etag") and not state.get("last_modified")
    assert state["last_status"].startswith("failed")

    # Across a restart: the next fetch asks without validators and completes the day.
    store.close()
    reopened = Store.open(tmp_path / "cache.db")
    try:
        second = await run(reopened, source)
        assert "if-none-match" not in server.requests_to("/feed")[1].headers
        assert second.ok and second.new == 3, second
        assert _day(reopened) == [("ai-2025-09-18", 5)]
        assert reopened.get_source_state("ai")["etag"] == '"full"'
    finally:
        reopened.close()


async def test_a_cut_off_feed_never_shrinks_a_day_already_held(server, store):
    server.route("/feed", conditional(FULL, etag='"v1"'), Reply(200, body=CUT))
    source = Source("ai", server.url("/feed"))
    assert (await run(store, source)).new == 5
    again = await run(store, source)
    assert again.status == "failed" and "truncated" in again.error
    assert _day(store) == [("ai-2025-09-18", 5)]  # not replaced by its first two
    assert store.get_source_state("ai")["etag"] == '"v1"'  # what the held day came with


def test_import_of_a_cut_off_feed_keeps_its_entries_and_exits_1(tmp_path):
    path = tmp_path / "cut.xml"
    path.write_bytes(CUT)
    db = tmp_path / "cache.db"
    done = run_cli("import", "--source", "https://rss.arxiv.org/rss/cs.AI", str(path), db=db)
    assert done.returncode == 1, done
    err = done.stderr.decode()
    assert "truncated" in err and "https://rss.arxiv.org/rss/cs.AI" in err, err
    with Store.open(db) as s:
        assert s.count() == 2
