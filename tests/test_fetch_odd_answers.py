"""Answers a server should not give: a 304 nobody asked for, an error after a redirect."""

from __future__ import annotations

import pytest

from feed_server import FakeTime, FeedServer, Reply
from tui_digest.config.sources import Source
from tui_digest.core.store import Store
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.runner import fetch_all
from tui_digest.net.errors import FetchError
from tui_digest.net.options import HttpOptions


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def fetcher() -> SourceFetcher:
    time = FakeTime()
    return SourceFetcher(HttpOptions(retries=0), sleep=time.sleep, clock=time.clock)


async def test_a_304_to_an_unconditional_request_is_a_server_error(server):
    """Answered to a request with neither If-None-Match nor If-Modified-Since, a 304
    said "not modified" of a source never downloaded, and its ETag was stored and
    sent next time (found by a bug hunt)."""
    server.route("/always304/a.md", Reply(304, headers={"ETag": '"z"'}))
    url = server.url("/always304/a.md")
    async with fetcher() as f:
        with pytest.raises(FetchError) as caught:
            await f.fetch(url)
    assert caught.value.status == 304
    assert str(caught.value).startswith(f"{url}: HTTP 304 ")
    assert "no If-None-Match or If-Modified-Since" in str(caught.value)


async def test_a_source_answered_304_unasked_fails_and_keeps_no_etag(server, tmp_path):
    server.route("/always304/a.md", Reply(304, headers={"ETag": '"z"'}))
    source = Source("always304", server.url("/always304/a.md"), "")
    with Store.open(tmp_path / "c.db") as store:
        [result] = await fetch_all(store, [source], options=HttpOptions(retries=0))
        assert (result.status, result.http_status) == ("failed", 304)
        assert source.url in result.error and not result.not_modified
        state = store.fetch_state(source.name, source.url) or {}
        assert not state.get("etag")
        assert server.requests_to("/always304/a.md")[-1].headers.get("if-none-match") is None


async def test_a_failure_after_a_redirect_names_the_configured_url(server):
    """The error named only where the redirect led: `http://127.0.0.2:…/auth/z.md:
    HTTP 401` for a source configured as `http://alice:***@127.0.0.1:…/authredir/z.md`."""
    server.route("/auth/z.md", Reply(401))
    target = server.url("/auth/z.md").replace("127.0.0.1", "localhost")
    server.route("/authredir/z.md", Reply(302, headers={"Location": target}))
    url = server.url("/authredir/z.md").replace("http://", "http://alice:s3cret-pw@")
    async with fetcher() as f:
        with pytest.raises(FetchError) as caught:
            await f.fetch(url)
    said = str(caught.value)
    masked = server.url("/authredir/z.md").replace("http://", "http://alice:***@")
    assert said.startswith(f"{masked}: HTTP 401 ")
    assert f"redirected to {target}" in said and "s3cret-pw" not in said
    assert "not sent" in said  # why a server that took them says 401 now
