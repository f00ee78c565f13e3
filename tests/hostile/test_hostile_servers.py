"""Fetching from misbehaving servers, and source URLs no request can go to
(bug hunt `hostile`): passwords holding an unencoded `/`, `?` or `#`, ports out
of range, redirects to URLs httpx cannot read."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from feed_server import FakeTime, FeedServer, Reply, arxiv_rss
from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import load_config
from tui_digest.config.sources import Source
from tui_digest.core.sanitize import without_password
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.opml import write_opml
from tui_digest.net.client import HttpClient
from tui_digest.net.errors import FetchError
from tui_digest.net.options import HttpOptions
from tui_digest.net.politeness import HostSlots
from tui_digest.net.urls import display_url, has_credentials, mask_in_text, strip_credentials

FEED = arxiv_rss("cs.AI", [("2509.00001", "Attention again")])
SECRETS = {"/": "se/cretSLASH", "#": "sec#retHASH", "?": "sec?retQMARK"}


def _fetcher(fake: FakeTime, **options) -> SourceFetcher:
    options.setdefault("retries", 3)
    return SourceFetcher(
        HttpOptions(**options), sleep=fake.sleep, clock=fake.clock, rng=lambda: 1.0
    )


async def _fetch_error(url: str, fake: FakeTime, **options) -> FetchError:
    async with _fetcher(fake, **options) as f:
        with pytest.raises(FetchError) as err:
            await f.fetch(url)
    return err.value


# --- 1. a password with an unencoded `/`, `#` or `?` -------------------------------


@pytest.mark.parametrize("secret", SECRETS.values())
def test_a_password_holding_a_slash_hash_or_question_mark_is_masked_and_stripped(secret):
    url = f"http://me:{secret}@127.0.0.1:8771/auth"
    assert display_url(url) == "http://me:***@127.0.0.1:8771/auth"
    assert display_url(url, query=True) == "http://me:***@127.0.0.1:8771/auth"
    assert strip_credentials(url) == without_password(url) == "http://127.0.0.1:8771/auth"
    assert has_credentials(url)
    said = mask_in_text(f"{url}: failed ({secret})", url)
    assert secret not in said and "me:***@127.0.0.1" in said
    # Whatever stands between the `:` and the `@` is the password.
    assert display_url("https://tok:x/en@example.org/x") == "https://tok:***@example.org/x"


def test_an_at_sign_after_the_host_is_no_user_info():
    for url in (
        "https://medium.com/@someone/a-post",
        "http://127.0.0.1:8771/list?mail=a@b.org",
        "http://[::1]:8080/a@b",
        "https://example.org/x#me@there",
    ):
        assert display_url(url) == url and strip_credentials(url) == url, url
        assert not has_credentials(url)


@pytest.mark.parametrize("secret", SECRETS.values())
def test_the_config_refuses_such_a_password_saying_how_to_encode_it(tmp_path, secret):
    path = tmp_path / "c.toml"
    url = f"http://me:{secret}@127.0.0.1:8771/auth"
    path.write_text(f'[[sources]]\nname = "x"\nurl = "{url}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="percent-encode it") as err:
        load_config(path)
    said = str(err.value)
    assert said.startswith(f"{path}:1: ") and "source 'x'" in said
    assert secret not in said and secret[:3] not in said


@pytest.mark.parametrize("secret", SECRETS.values())
def test_such_a_url_is_never_requested_and_its_password_never_shown(secret):
    fake = FakeTime()
    with FeedServer() as server:
        url = server.url("/auth").replace("http://", f"http://me:{secret}@")
        error = asyncio.run(_fetch_error(url, fake))
        assert server.requests == []
    said = str(error)
    assert secret not in said and secret[:3] not in said, said
    assert "me:***@127.0.0.1" in said and "percent-encode" in said
    assert "no request made" in said and "refused an answer" not in said
    assert error.attempts == 0 and fake.sleeps == []


def test_such_a_url_is_left_out_of_an_opml_export():
    url = f"http://me:{SECRETS['#']}@127.0.0.1:8771/auth"
    data = write_opml([Source("hash", url)])
    assert SECRETS["#"].encode() not in data and b"retHASH" not in data
    assert b'xmlUrl="http://127.0.0.1:8771/auth"' in data


def test_sources_add_refuses_such_a_url_without_showing_it(tmp_path, run_cli):
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    added = run_cli(
        "sources",
        "add",
        "http://me:pa/ssWORD@127.0.0.1:9/auth",
        "--config",
        str(config),
        db=tmp_path / "c.db",
    )
    said = added.stdout + added.stderr
    assert added.returncode == 2, said
    assert b"ssWORD" not in said and b"pa/ss" not in said
    assert b"percent-encode" in said and b"refused an answer" not in said
    assert config.read_text(encoding="utf-8") == ""


# --- 3. a redirect whose Location holds a control character ------------------------


def test_a_redirect_to_a_location_with_a_control_character_is_refused_once():
    fake = FakeTime()
    with FeedServer() as server:
        bad = "/[bold red]X[/bold red]\x1b[31mRED\x1b[0m"
        server.route("/loc", Reply(302, headers={"Location": bad}))
        error = asyncio.run(_fetch_error(server.url("/loc"), fake))
        assert len(server.requests_to("/loc")) == 1
    said = str(error)
    assert "refused a redirect to an invalid URL" in said, said
    assert "connection error" not in said and "\x1b" not in said
    assert fake.sleeps == [] and error.kind == "policy"


async def test_a_redirect_to_a_port_out_of_range_is_refused():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://127.0.0.1:99999/x"})

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    fake = FakeTime()
    async with SourceFetcher(HttpOptions(), client=client, sleep=fake.sleep, clock=fake.clock) as f:
        with pytest.raises(FetchError, match=r"refused a redirect to an invalid URL.*99999"):
            await f.fetch("http://example.org/feed")


# --- 4. a port out of range ---------------------------------------------------------


@pytest.mark.parametrize("port", ["99999", "0", "65536"])
def test_a_port_out_of_range_is_refused_at_config_load(tmp_path, port):
    path = tmp_path / "c.toml"
    url = f"http://127.0.0.1:{port}/auth"
    path.write_text(f'[[sources]]\nname = "x"\nurl = "{url}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"port '{port}' is not a number from 1 to 65535"):
        load_config(path)


def test_a_port_out_of_range_fails_the_fetch_clearly_not_as_an_internal_error():
    fake = FakeTime()
    error = asyncio.run(_fetch_error("http://127.0.0.1:99999/auth", fake))
    said = str(error)
    assert "port '99999' is not a number from 1 to 65535" in said, said
    assert "internal error" not in said and "ExceptionGroup" not in said
    assert error.attempts == 0 and fake.sleeps == []


def test_sources_add_refuses_a_port_out_of_range(tmp_path, run_cli):
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    added = run_cli(
        "sources",
        "add",
        "http://127.0.0.1:99999/x.md",
        "--config",
        str(config),
        db=tmp_path / "c.db",
    )
    assert added.returncode == 2 and b"99999" in added.stderr, added
    assert b"added" not in added.stdout and config.read_text(encoding="utf-8") == ""


# --- 2. an absurd Retry-After from an arXiv host -------------------------------------

ARXIV_FEED = "https://rss.arxiv.org/rss/cs.AI"
ARXIV_API = "http://export.arxiv.org/api/query?id_list=2509.00001&max_results=1"
WALL = 1_790_000_000.0  # 2026-09-21, the injected wall clock


class _Arxiv:
    """A MockTransport for arXiv's hosts answering from a script, then 200."""

    def __init__(self, answers: list[httpx.Response]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(request.url.host)
        return self.answers.pop(0) if self.answers else httpx.Response(200, content=b"<rss/>")


def _process(upstream: _Arxiv, record, fake: FakeTime, **options) -> HttpClient:
    """A client as one process (one run) has it: slots of its own, the record shared."""
    options.setdefault("retries", 0)
    return HttpClient(
        HttpOptions(arxiv_clock_file=str(record), **options),
        client=httpx.AsyncClient(transport=httpx.MockTransport(upstream)),
        sleep=fake.sleep,
        clock=fake.clock,
        wall_clock=lambda: WALL + fake.clock(),
        slots=HostSlots(fake.clock),
        rng=lambda: 1.0,
    )


@pytest.mark.parametrize("value", ["Wed, 21 Oct 2099 07:28:00 GMT", "99999999999"])
async def test_an_absurd_retry_after_fails_its_request_but_stops_no_other(tmp_path, value):
    record = tmp_path / "arxiv-clock.json"
    fake = FakeTime()
    upstream = _Arxiv([httpx.Response(503, headers={"Retry-After": value})])
    async with _process(upstream, record, fake, retries=3) as first:
        answer = await first.get(ARXIV_FEED)
        assert answer.status == 503 and "exceeds the limit of 300 s" in answer.note
        assert fake.sleeps == []  # failed at once, not asked again
        assert (await first.get(ARXIV_API)).status == 200  # the same run: 3 s later
    fake.now += 3_600.0  # an hour later, another run
    async with _process(upstream, record, fake) as later:
        assert (await later.get(ARXIV_FEED)).status == 200
    assert upstream.asked == ["rss.arxiv.org", "export.arxiv.org", "rss.arxiv.org"]
    assert fake.sleeps == [3.0]
    assert json.loads(record.read_text())["next"] < WALL + fake.now + 60


async def test_a_record_holding_an_absurd_wait_heals_when_read(tmp_path):
    """A record an earlier release wrote (a Retry-After of a date in 2099)."""
    record = tmp_path / "arxiv-clock.json"
    fake = FakeTime()
    far = 2_300_061_422.5
    record.write_text(json.dumps({"next": WALL + 1_000 + far, "asked": ["rss.arxiv.org", far]}))
    upstream = _Arxiv([])
    async with _process(upstream, record, fake) as run:
        assert (await run.get(ARXIV_FEED)).status == 200
    assert upstream.asked == ["rss.arxiv.org"] and sum(fake.sleeps) <= 3.0
    assert json.loads(record.read_text())["asked"] is None


async def test_a_request_not_asked_says_when_the_wait_ends_and_how_to_end_it(tmp_path):
    record = tmp_path / "arxiv-clock.json"
    fake = FakeTime()
    upstream = _Arxiv([httpx.Response(429, headers={"Retry-After": "4000"})])
    async with _process(upstream, record, fake) as first:
        await first.get(ARXIV_FEED)
    async with _process(upstream, record, fake) as later:
        with pytest.raises(FetchError) as err:
            await later.get(ARXIV_API)
    said = str(err.value)
    ends = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(WALL + 1_000 + 4_000))
    assert "not asked: rss.arxiv.org asked us to wait 4000 s" in said, said
    assert f"until {ends} UTC" in said and f"deleting {record} ends the wait" in said


# --- 5. a Retry-After in the past ----------------------------------------------------


@pytest.mark.parametrize("value", ["Wed, 21 Oct 1999 07:28:00 GMT", "0"])
def test_a_retry_after_in_the_past_still_backs_off(value):
    """4 requests within 135 ms to a server answering 503 (found by a bug hunt)."""
    fake = FakeTime()
    with FeedServer() as server:
        busy = Reply(503, headers={"Retry-After": value})
        server.route("/r503", busy, busy, Reply(200, body=FEED))

        async def run() -> bytes:
            async with _fetcher(fake, backoff_base=1.0) as f:
                return (await f.fetch(server.url("/r503"))).body

        assert asyncio.run(run()) == FEED
    assert fake.sleeps == [1.0, 2.0]  # base * 2**attempt, jitter pinned to 100 %


# --- 6. a server that keeps answering 429 with Retry-After -------------------------


def test_a_source_kept_waiting_says_so_and_its_failure_says_the_attempts_and_time():
    """429 with `Retry-After: 300` each time held `fetch` 15 minutes, silent, and
    ended `HTTP 429 Too Many Requests` (found by a bug hunt)."""
    fake = FakeTime()
    told: list[str] = []
    with FeedServer() as server:
        server.route("/r429", Reply(429, headers={"Retry-After": "120"}))
        url = server.url("/r429").replace("http://", "http://me:s3cretPassw0rd@")

        async def run() -> FetchError:
            async with _fetcher(fake) as f:
                f.http.on_wait = told.append
                with pytest.raises(FetchError) as err:
                    await f.fetch(url)
            return err.value

        error = asyncio.run(run())
        asked = len(server.requests_to("/r429"))
        shown = server.url("/r429").replace("http://", "http://me:***@")
    # Waits for one request stop at the longest single wait we accept (300 s) in all.
    assert fake.sleeps == [120.0, 120.0] and asked == 3
    said = str(error)
    assert said.endswith(
        "HTTP 429 Too Many Requests; Retry-After of 120 s after 240 s waited exceeds the "
        "limit of 300 s in all; gave up after 3 attempts over 4 min 0 s"
    ), said
    assert told == [
        f"{shown}: HTTP 429 Too Many Requests; waiting 2 min 0 s before attempt {n} of 4"
        for n in (2, 3)
    ]
    assert "s3cretPassw0rd" not in said + "".join(told)


def test_retries_used_up_on_an_error_status_say_the_attempts_and_time():
    fake = FakeTime()
    with FeedServer() as server:
        server.route("/r429", Reply(429, headers={"Retry-After": "20"}))
        error = asyncio.run(_fetch_error(server.url("/r429"), fake))
    assert fake.sleeps == [20.0, 20.0, 20.0]
    assert str(error).endswith(
        "HTTP 429 Too Many Requests; gave up after 4 attempts over 1 min 0 s"
    ), error


def test_the_cli_says_a_wait_on_stderr(capsys):
    from tui_digest.cli_fetch import say_wait

    say_wait("http://h/x: HTTP 429 [bold]Too Many[/bold]\x1b[31m; waiting 5 min 0 s")
    err = capsys.readouterr().err
    assert err == "tui-digest: http://h/x: HTTP 429 [bold]Too Many[/bold][31m; waiting 5 min 0 s\n"


# --- bug hunt `regnet`: a password holding an `@` before its `/`, `?` or `#` -------

AT_SECRETS = [
    "http://me:p@ss/wordSECRET@127.0.0.1:8771/auth",
    "http://me:p@ss?xSECRET@127.0.0.1:8771/auth",
    "http://me:x@example.com/abcSECRET@127.0.0.1:8771/auth",
    "http://me:p@ss/wo/rdSECRET@127.0.0.1:8771/@user/auth",
]


@pytest.mark.parametrize("url", AT_SECRETS)
def test_a_password_holding_an_at_sign_then_a_slash_is_masked_and_refused(tmp_path, url):
    assert display_url(url).startswith("http://me:***@127.0.0.1:8771/"), display_url(url)
    assert strip_credentials(url).startswith("http://127.0.0.1:8771/")
    assert "SECRET" not in mask_in_text(f"{url}: failed", url)
    assert b"SECRET" not in write_opml([Source("at", url)])
    path = tmp_path / "c.toml"
    path.write_text(f'[[sources]]\nname = "x"\nurl = "{url}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="percent-encode it") as err:
        load_config(path)
    assert "SECRET" not in str(err.value) and "@ss" not in str(err.value)


def test_a_password_and_an_at_sign_at_a_path_segments_start_are_kept_apart():
    url = "https://me:pw@medium.com/@someone/a-post"
    assert display_url(url) == "https://me:***@medium.com/@someone/a-post"
    assert strip_credentials(url) == "https://medium.com/@someone/a-post"


def test_an_empty_port_is_a_port_not_a_password():
    # RFC 3986: port = *DIGIT; urlsplit and httpx read `host:` as the default port.
    for url in (
        "http://example.org:/people/@alice/paper.pdf",
        "http://127.0.0.1:/local/@user/cs.LG.md",
    ):
        assert without_password(url) == url and display_url(url) == url
        assert not has_credentials(url)


def test_the_config_accepts_an_empty_port_before_an_at_sign_path(tmp_path):
    path = tmp_path / "c.toml"
    url = "http://127.0.0.1:/local/@user/cs.LG.md"
    path.write_text(f'[[sources]]\nname = "x"\nurl = "{url}"\n', encoding="utf-8")
    assert load_config(path).sources[0].url == url


# --- bug hunt `regnet2` #4: an `@` in the query of a URL with a password -----------


def test_an_at_sign_in_the_query_after_a_password_is_refused_truthfully(tmp_path):
    url = "https://me:tok3n@feeds.example.org/rss?email=alice@example.org"
    path = tmp_path / "c.toml"
    path.write_text(f'[[sources]]\nname = "q"\nurl = "{url}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    said = str(err.value)
    assert "password holds an unencoded" not in said  # (it holds none)
    assert "cannot be told from one inside the password" in said and "%40" in said
    assert "tok3n" not in said
    # A password that does hold a `/` is still said to.
    path.write_text('[[sources]]\nname = "x"\nurl = "http://me:se/cret@h.org/x"\n')
    with pytest.raises(ConfigError, match="password holds an unencoded"):
        load_config(path)


def test_import_names_such_a_url_by_its_host_and_masks_only_the_password(tmp_path, run_cli):
    url = "http://me:s3cretPW@127.0.0.1:9/auth?u=a@b"
    proc = run_cli("import", url, db=tmp_path / "c.db")
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert err.startswith("http://me:***@127.0.0.1:9"), err
    assert "s3cretPW" not in err and "cannot be told from one inside the password" in err
    # A password holding `@` then `/`: nothing of it is shown, as before.
    proc = run_cli("import", "http://me:p@ss/wordSECRET@127.0.0.1:9/a", db=tmp_path / "c.db")
    err = proc.stderr.decode()
    assert "SECRET" not in err and "@ss" not in err, err
