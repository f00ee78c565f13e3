"""Secrets given in a URL's query are never shown by the net layer (bug hunt `auditrank` #2).

A key put in the LLM `base_url`'s query (`…/v1?key=SECRET`) was printed whole in
every "waiting N s before attempt …" line, on stderr and in the reader's toast,
although README says query values are never shown. The wait line is the net
layer's own (`net.client_says.waiting`): every query value is hidden there. The
other lines the net layer writes (failures, redirect refusals) and the URLs shown
of feeds keep their query, except the values of names that carry a credential
(`token`, `api_key`, `sig`, `X-Amz-Signature`, …).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from fake_llm_server import FakeLLM, Reply, translator
from test_translate_commands import run
from test_translate_runner import ARXIV_RSS
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store
from tui_digest.net.client import HttpClient
from tui_digest.net.errors import FetchError
from tui_digest.net.options import HttpOptions
from tui_digest.net.redirects import check_redirect
from tui_digest.net.urls import display_url, mask_in_text

SECRET = "SECRETQUERYKEY123"


def _told_waits(url: str, status: int = 429) -> list[str]:
    """The lines `HttpClient.on_wait` is told for a request to `url` answered
    `status` + Retry-After: 10 once, then 200 (the waits are recorded, not spent)."""
    answers = [httpx.Response(status, headers={"Retry-After": "10"}), httpx.Response(200)]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    async def no_sleep(seconds: float) -> None:
        return None

    async def go() -> list[str]:
        told: list[str] = []
        transport = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with HttpClient(HttpOptions(), client=transport, sleep=no_sleep) as http:
            http.on_wait = told.append
            response = await http.post(url, content=b"{}")
            assert response.status == 200
        await transport.aclose()
        return told

    return asyncio.run(go())


@pytest.mark.parametrize("status", [429, 503])
def test_the_wait_line_hides_every_query_value(status: int) -> None:
    url = f"https://llm.example/v1/chat/completions?api-version=2024-06-01&key={SECRET}"
    told = _told_waits(url, status)
    assert len(told) == 1, told
    assert SECRET not in told[0] and "2024-06-01" not in told[0], told
    assert told[0].startswith(
        "https://llm.example/v1/chat/completions?api-version=***&key=***: HTTP "
    ), told
    assert "waiting 10 s before attempt 2 of 4" in told[0], told


def test_the_wait_line_masks_a_password_and_a_query_key_together() -> None:
    url = f"https://me:pw123456@llm.example/v1/chat/completions?code={SECRET}"
    (line,) = _told_waits(url)
    assert SECRET not in line and "pw123456" not in line, line
    assert line.startswith("https://me:***@llm.example/v1/chat/completions?code=***: HTTP 429")


# --- what the net layer shows of other URLs (feeds, redirects, failures) ---------


@pytest.mark.parametrize(
    "name",
    [
        "key",
        "api_key",
        "apiKey",
        "apikey",
        "access_token",
        "token",
        "auth",
        "client_secret",
        "password",
        "sig",
        "X-Amz-Signature",
        "X-Amz-Credential",
        "subscription-key",
        "code",
    ],
)
def test_a_credential_named_query_value_is_masked(name: str) -> None:
    url = f"https://feeds.example.org/rss?format=rss&{name}={SECRET}&q=cs.AI"
    shown = f"https://feeds.example.org/rss?format=rss&{name}=***&q=cs.AI"
    assert display_url(url) == shown
    assert str(FetchError(url, "not found", status=404)) == f"{shown}: HTTP 404 not found"
    assert mask_in_text(f"GET {url}: bad {SECRET}", url) == f"GET {shown}: bad ***"


@pytest.mark.parametrize("name", ["format", "keywords", "search_query", "monkeys", "id_list"])
def test_other_query_values_of_a_feed_stay_shown(name: str) -> None:
    url = f"https://export.arxiv.org/api/query?{name}=cs.AI&max_results=10"
    assert display_url(url) == url
    assert mask_in_text(f"GET {url}", url) == f"GET {url}"


def test_a_refused_redirect_masks_the_targets_credential() -> None:
    target = f"http://store.example/feed.xml?X-Amz-Signature={SECRET}&x=1"
    with pytest.raises(FetchError) as err:
        check_redirect("https://feeds.example.org/rss", target)
    said = str(err.value)
    assert SECRET not in said and "X-Amz-Signature=***&x=1" in said, said


# --- end to end: `tui-digest translate` against a base_url holding a key --------


def test_translate_never_prints_a_key_from_base_urls_query(tmp_path: Path, capsys) -> None:
    """The reproduction: `base_url = "http://…/v1?key=SECRET"`, the server answering
    429 + Retry-After once. The wait is said on stderr, the key masked."""
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        store.import_digest(read_document(ARXIV_RSS, source="arxiv-cs.CL.xml").digest)
    real_sleep = asyncio.sleep

    async def no_wait(seconds: float, *args: object) -> None:
        await real_sleep(0)

    with FakeLLM() as llm, pytest.MonkeyPatch.context() as mp:
        mp.setattr(asyncio, "sleep", no_wait)
        mp.setenv("TUI_TEST_LLM_KEY", "sk-test-2b84e1f07a6c3d95")
        answer = translator()

        def handler(request):  # type: ignore[no-untyped-def]
            return Reply.rate_limited(10) if len(llm.requests) == 1 else answer(request)

        llm.handler = handler
        config = tmp_path / "config.toml"
        config.write_text(
            "[translate]\nenabled = true\n"
            f"base_url = {json.dumps(llm.base_url + '?key=' + SECRET)}\n"
            'model = "fake-model"\napi_key_env = "TUI_TEST_LLM_KEY"\n',
            "utf-8",
        )
        assert run(["translate", "--config", str(config), "--db", str(db), "--limit", "1"]) == 0
        assert llm.requests[0].path == f"/v1/chat/completions?key={SECRET}"
    out, err = capsys.readouterr()
    assert "/v1/chat/completions?key=***: HTTP 429 Too Many Requests; waiting 10 s" in err, err
    assert SECRET not in out + err
