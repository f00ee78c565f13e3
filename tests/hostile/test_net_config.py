"""A misbehaving server and a hostile config (issue 11, items 4, 5, 8 and 10).

Poisoned validators and junk Retry-After values, passwords in source URLs, a
deadline that must cover every redirect hop, absurd numbers and unknown keys in
the config file. Every server is local (tests/feed_server.py or MockTransport).
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
import pytest

from feed_server import FakeTime, FeedServer, Reply, arxiv_rss
from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import load_config
from tui_digest.config.sources import Source
from tui_digest.core.store import Store
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.runner import fetch_all
from tui_digest.net.errors import FetchError
from tui_digest.net.headers import clean_validator, parse_retry_after
from tui_digest.net.options import HttpOptions
from tui_digest.net.urls import display_url, strip_credentials
from tui_digest.translate.config import load_translate_config

FEED = arxiv_rss("cs.AI", [("2509.00001", "Attention again")])


def _fetch(store: Store, sources: list[Source], fake: FakeTime, **options) -> list:
    return asyncio.run(
        fetch_all(
            store,
            sources,
            options=HttpOptions(retries=1, **options),
            sleep=fake.sleep,
            clock=fake.clock,
        )
    )


# --- item 4: poisoned validators -----------------------------------------------------


@pytest.mark.parametrize("bad", ['"caf\xe9"', "Tue, 06\xa0Feb 2024 10:00:00 GMT", '"a\x7fb"'])
def test_a_non_ascii_validator_is_not_stored_and_later_fetches_work(tmp_path, bad):
    store = Store.open(tmp_path / "cache.db")
    with FeedServer() as server:
        headers = {"ETag": bad, "Last-Modified": bad, "Content-Type": "application/rss+xml"}
        server.route("/feed", Reply(200, body=FEED, headers=headers))
        source = Source("feed", server.url("/feed"))
        first = _fetch(store, [source], FakeTime())
        second = _fetch(store, [source], FakeTime())
    state = store.get_source_state("feed")
    store.close()
    assert first[0].ok and second[0].ok, (first[0].error, second[0].error)
    assert state["etag"] is None and state["last_modified"] is None


def test_a_poisoned_validator_already_in_the_cache_does_not_stop_the_source(tmp_path):
    # A cache written by an earlier release may hold one: it is dropped, never sent.
    store = Store.open(tmp_path / "cache.db")
    with FeedServer() as server:
        server.route("/feed", Reply(200, body=FEED))
        url = server.url("/feed")
        store.set_source_state("feed", url=url, etag='"naïve"', last_modified="ünïcode")
        [result] = _fetch(store, [Source("feed", url)], FakeTime())
        sent = server.requests_to("/feed")[0].headers
    store.close()
    assert result.ok and result.new == 1, result.error
    assert "if-none-match" not in sent and "if-modified-since" not in sent


@pytest.mark.parametrize("junk", ["²", "٣", "1e999", "-5", "soon", "Tue, 99 Foo 2024", "\u00a0"])
def test_a_junk_retry_after_falls_back_to_backoff(tmp_path, junk):
    assert parse_retry_after(junk, 0.0) is None
    fake = FakeTime()
    with FeedServer() as server:
        server.route("/busy", Reply(429, headers={"Retry-After": junk}), Reply(200, body=FEED))

        async def run() -> bytes:
            async with SourceFetcher(
                HttpOptions(retries=1, backoff_base=2.0), sleep=fake.sleep, clock=fake.clock
            ) as f:
                return (await f.fetch(server.url("/busy"))).body

        assert asyncio.run(run()) == FEED
    assert len(fake.sleeps) == 1 and 1.0 <= fake.sleeps[0] <= 2.0  # backoff, not the header


def test_validators_are_checked_on_the_way_in():
    assert clean_validator('W/"abc-123"') == 'W/"abc-123"'
    assert clean_validator("x" * 600) is None
    assert clean_validator("a\nb") is None
    assert clean_validator("") is None


# --- item 5: passwords in source URLs ------------------------------------------------

SECRET = "s3cretPassw0rd"
TOKEN = "ghp_SECRETTOKEN123"


def test_display_and_strip_credentials():
    url = f"https://me:{SECRET}@feeds.example.org:8443/x?y=1"
    assert display_url(url) == "https://me:***@feeds.example.org:8443/x?y=1"
    assert strip_credentials(url) == "https://feeds.example.org:8443/x?y=1"
    # A user name alone is how a token is given (`https://TOKEN@host/`): masked whole.
    assert display_url(f"https://{TOKEN}@example.org/x") == "https://***@example.org/x"
    assert display_url(f"https://{TOKEN}@[::1/broken") == "https://***@[::1/broken"
    assert strip_credentials(f"https://{TOKEN}@example.org/x") == "https://example.org/x"
    assert display_url("mailto:me@example.org") == "mailto:me@example.org"
    assert display_url("not a url with :pw@ in it") == "not a url with :pw@ in it"
    assert display_url(f"http://u:{SECRET}@[::1/broken") == "http://u:***@[::1/broken"
    # A URL Python cannot split: stored without its user info, by the readers' rule too.
    assert strip_credentials(f"http://u:{SECRET}@[::1/broken") == "http://[::1/broken"


def _no_secret_in_cache(db: Path, secret: str = SECRET) -> None:
    for path in db.parent.glob(db.name + "*"):
        assert secret.encode() not in path.read_bytes(), path


def test_the_password_is_never_shown_nor_stored(tmp_path, run_cli):
    db = tmp_path / "cache.db"
    config = tmp_path / "config.toml"
    with FeedServer() as server:
        server.route("/feed", Reply(200, body=FEED))
        good = server.url("/feed").replace("http://", f"http://me:{SECRET}@")
        bad = server.url("/missing").replace("http://", f"http://me:{SECRET}@")
        config.write_text(
            f'[[sources]]\nname = "private"\nurl = "{good}"\n\n'
            f'[[sources]]\nname = "gone"\nurl = "{bad}"\n',
            encoding="utf-8",
        )
        fetched = run_cli("fetch", "--no-enrich", "--config", str(config), db=db)
        assert server.requests_to("/feed")[0].headers["authorization"].startswith("Basic ")
    listed = run_cli("sources", "list", "--config", str(config), db=db)
    digests = run_cli("digests", db=db)
    opml = run_cli("sources", "export", "-", "--config", str(config), db=db)
    assert fetched.returncode == 1  # "gone" failed with a 404, "private" worked
    assert b"private: new 1" in fetched.stdout and b"HTTP 404" in fetched.stderr
    for out in (fetched, listed, digests, opml):
        assert SECRET.encode() not in out.stdout + out.stderr, out
    assert b"me:***@127.0.0.1" in listed.stdout
    assert b"password are left out of the OPML" in opml.stderr
    Store.open(db).close()  # checkpoint the WAL into the file, then read every byte
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _no_secret_in_cache(db)


def test_a_token_given_as_the_user_name_is_never_shown_nor_stored(tmp_path, run_cli):
    """Found by a bug hunt: `https://TOKEN@host/…` (GitHub's form) was shown in the
    clear by `fetch`'s error line and `sources list [--json]`, and
    stored in the sources table's last_error (and so in the WAL)."""
    db = tmp_path / "cache.db"
    config = tmp_path / "config.toml"
    with FeedServer() as server:
        server.route("/feed", Reply(200, body=FEED))
        server.route(
            "/other", Reply(200, body=FEED, headers={"Content-Type": "application/rss+xml"})
        )
        good = server.url("/feed").replace("http://", f"http://{TOKEN}@")
        bad = server.url("/missing").replace("http://", f"http://{TOKEN}@")
        config.write_text(
            f'[[sources]]\nname = "private"\nurl = "{good}"\n\n'
            f'[[sources]]\nname = "gone"\nurl = "{bad}"\n',
            encoding="utf-8",
        )
        fetched = run_cli("fetch", "--no-enrich", "--config", str(config), db=db)
        assert server.requests_to("/feed")[0].headers["authorization"].startswith("Basic ")
        other = server.url("/other").replace("http://", f"http://{TOKEN}@")
        added = run_cli("sources", "add", other, "--name", "more", "--config", str(config), db=db)
    listed = run_cli("sources", "list", "--config", str(config), db=db)
    as_json = run_cli("sources", "list", "--json", "--config", str(config), db=db)
    digests = run_cli("digests", db=db)
    assert fetched.returncode == 1 and added.returncode == 2  # (add refuses user info)
    assert b"private: new 1" in fetched.stdout and b"HTTP 404" in fetched.stderr
    assert b"gone: failed (http://***@127.0.0.1:" in fetched.stderr
    for out in (fetched, added, listed, as_json, digests):
        assert TOKEN.encode() not in out.stdout + out.stderr, out
    assert b"***@127.0.0.1" in listed.stdout and b"***@127.0.0.1" in as_json.stdout
    assert TOKEN in config.read_text(encoding="utf-8")  # the config file keeps it
    Store.open(db).close()  # checkpoint the WAL into the file, then read every byte
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _no_secret_in_cache(db, TOKEN)


# --- item 8: one deadline per request chain; numbers in the config -------------------


def test_one_deadline_covers_every_redirect_hop():
    # Each hop alone is within the deadline (0.7 s of 1 s); the chain is not.
    fake = FakeTime()

    def handler(request: httpx.Request) -> httpx.Response:
        fake.now += 0.7  # the server takes its time, as seen by the injected clock
        if request.url.path == "/old":
            return httpx.Response(302, headers={"Location": "/new"})
        return httpx.Response(200, content=FEED)

    async def run() -> None:
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with (
            client,
            SourceFetcher(
                HttpOptions(deadline=1.0), client=client, sleep=fake.sleep, clock=fake.clock
            ) as f,
        ):
            await f.fetch("https://slow.example/old")

    with pytest.raises(FetchError, match=r"deadline of 1 s"):
        asyncio.run(run())


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[fetch]\nper_host_interval = inf\n", "fetch.per_host_interval"),
        ("[fetch]\nper_host_interval = 1e9\n", "fetch.per_host_interval"),
        ("[fetch]\nper_host_interval = nan\n", "fetch.per_host_interval"),
        ('[fetch.per_host_interval]\n"a.org" = inf\n', "fetch.per_host_interval.a.org"),
        ("[fetch]\ninterval_minutes = inf\n", "fetch.interval_minutes"),
        ("[fetch]\ninterval_minutes = -0.5\n", "fetch.interval_minutes"),
        ("[fetch]\nconcurrency = 1e3\n", "fetch.concurrency"),
    ],
)
def test_absurd_numbers_are_refused_naming_the_key(tmp_path, body, key):
    path = tmp_path / "c.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{path}:2: {key} must be") as err:
        load_config(path)
    said = str(err.value)
    # (the refresh interval: "0 (off) or a number of minutes from 1 to 10080")
    assert "from 0 to" in said or "integer from 1" in said or "0 (off) or a number" in said


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "1e9"])
def test_translate_timeout_must_be_finite_and_sane(tmp_path, value):
    path = tmp_path / "c.toml"
    path.write_text(f"[translate]\ntimeout_seconds = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"translate\.timeout_seconds must be a number"):
        load_translate_config(path)


def test_infinite_host_interval_stops_fetch_at_once_with_the_key(tmp_path, run_cli):
    config = tmp_path / "c.toml"
    config.write_text(
        "[fetch]\nper_host_interval = inf\n\n"
        '[[sources]]\nname = "a"\nurl = "http://127.0.0.1:9/a"\n\n'
        '[[sources]]\nname = "b"\nurl = "http://127.0.0.1:9/b"\n',
        encoding="utf-8",
    )
    result = run_cli("fetch", "--config", str(config), db=tmp_path / "cache.db")
    assert result.returncode == 2
    assert f"{config}:2: fetch.per_host_interval must be".encode() in result.stderr


# --- item 10: unknown keys --------------------------------------------------------


def test_a_typo_in_a_table_name_is_warned_with_file_line_and_suggestion(tmp_path, run_cli):
    config = tmp_path / "c.toml"
    config.write_text(
        '# my one source\n[[source]]\nname = "mine"\nurl = "/tmp/mine.md"\n', encoding="utf-8"
    )
    result = run_cli("sources", "list", "--config", str(config), db=tmp_path / "cache.db")
    assert result.returncode == 0
    assert (
        f"{config}:2: warning: unknown key 'source' at the top level is ignored "
        "(did you mean 'sources'?)"
    ).encode() in result.stderr


def test_unknown_keys_anywhere_are_warned(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        "colour = 1\n"
        "[fetch]\nintervall_minutes = 5\n"
        '[fetch.per_host_interval]\n"any.host" = 1\n'  # host names are free-form
        "[translate]\nmodel_name = 'x'\n"
        "[[sources]]\nname = 'a'\nurl = '/a'\nkinds = 'digest'\n",
        encoding="utf-8",
    )
    messages = [w.message for w in load_config(path).warnings]
    assert messages == [
        "unknown key 'colour' at the top level is ignored",
        "unknown key 'intervall_minutes' in [fetch] is ignored (did you mean 'interval_minutes'?)",
        "unknown key 'model_name' in [translate] is ignored (did you mean 'model'?)",
        "unknown key 'kinds' in [sources[1]] is ignored (did you mean 'kind'?)",
    ]


def test_one_deadline_covers_downloading_and_reading(tmp_path, monkeypatch):
    # The body arrives at 0.9 s of a 1 s deadline; reading it never ends.
    import threading

    from tui_digest.fetch import runner

    fake = FakeTime()
    release = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        fake.now += 0.9
        return httpx.Response(200, content=FEED)

    def stuck_read(body: bytes, url: str, format: str | None, charset: str = ""):
        release.wait(30)  # a parse that would run far past the deadline
        raise AssertionError("the result of an abandoned parse is never used")

    monkeypatch.setattr(runner, "_read", stuck_read)

    async def run() -> list:
        store = Store.open(tmp_path / "cache.db")
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        try:
            async with client:
                fetcher = SourceFetcher(
                    HttpOptions(deadline=1.0), client=client, sleep=fake.sleep, clock=fake.clock
                )
                return await fetch_all(
                    store, [Source("slow", "https://slow.example/feed")], fetcher=fetcher
                )
        finally:
            store.close()

    try:
        [result] = asyncio.run(asyncio.wait_for(run(), timeout=10))
    finally:
        release.set()
    assert not result.ok
    assert "not read within the deadline of 1 s (the download took 0.9 s)" in result.error


async def test_the_daemon_thread_helper_returns_and_raises():
    from tui_digest.core.daemon_thread import run_in_daemon_thread

    assert await run_in_daemon_thread(sum, [1, 2, 3]) == 6
    with pytest.raises(ZeroDivisionError):
        await run_in_daemon_thread(lambda: 1 / 0)
