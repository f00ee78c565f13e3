"""`tui-digest enrich` and the [enrich] config table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxiv_api_fixtures import Meta
from arxiv_api_server import ArxivStandIn
from feed_server import Reply
from tui_digest.cli import main
from tui_digest.config.errors import ConfigError
from tui_digest.core.arxiv_api import API_URL
from tui_digest.enrich.config import EnrichConfig, load_enrich_config

MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"
IDS = ["2403.00001", "2403.00002", "2403.00003"]


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def setup(tmp_path: Path, capsys):
    db, config = tmp_path / "cache.db", tmp_path / "config.toml"
    assert cli(capsys, "--db", str(db), "import", str(MINI))[0] == 0
    return db, config


def test_enrich_asks_once_then_nothing(setup, capsys) -> None:
    db, config = setup
    versions = {"2403.00002": "v2"}  # as the digest announces it
    known = {i: Meta(id=i, version=versions.get(i, "v1"), comments=f"about {i}") for i in IDS}
    with ArxivStandIn(known) as api:
        config.write_text(f'[enrich]\napi_url = "{api.url}"\n')
        code, out, err = cli(capsys, "--db", str(db), "enrich", "--config", str(config))
        assert code == 0, err
        assert "asked arXiv about 3 paper(s) in 1 request(s): 3 found, 0 not known yet" in out
        code, out, _ = cli(capsys, "--db", str(db), "enrich", "--config", str(config))
        assert code == 0 and "nothing to ask arXiv" in out
        assert len(api.asked) == 1 and api.max_results == [3]
    _code, out, _ = cli(capsys, "--db", str(db), "search", "id:2403.00002", "--json")
    assert '"comments": "about 2403.00002"' in out
    # The categories arXiv gave are searchable; the digest still exports as it was read.
    _code, out, _ = cli(capsys, "--db", str(db), "search", "cat:cs.LG", "--json")
    assert len(json.loads(out)) == 3
    digest = json.loads(cli(capsys, "--db", str(db), "digests", "--json")[1])[0]["name"]
    _code, out, _ = cli(capsys, "--db", str(db), "export", "--digest", digest)
    assert out == MINI.read_text("utf-8")


def test_enrich_query_and_limit(setup, capsys) -> None:
    db, config = setup
    with ArxivStandIn({i: Meta(id=i) for i in IDS}) as api:
        config.write_text(f'[enrich]\napi_url = "{api.url}"\nbatch_size = 1\n')
        code, out, _ = cli(
            capsys, "--db", str(db), "enrich", "--config", str(config), "--limit", "1", "-survey"
        )
        assert code == 0 and "about 1 paper(s)" in out
        assert api.asked == [["2403.00001"]]


def test_enrich_stops_with_status_1_when_arxiv_throttles(setup, capsys) -> None:
    db, config = setup
    with ArxivStandIn() as api:
        api.script.append(Reply(200, body=b"Rate exceeded."))
        config.write_text(f'[enrich]\napi_url = "{api.url}"\n')
        code, out, err = cli(capsys, "--db", str(db), "enrich", "--config", str(config))
    # Why it stopped is on stderr: `enrich >/dev/null` in cron keeps the reason.
    assert code == 1 and out == ""
    assert "stopped: " in err and "Rate exceeded" in err and "try again later" in err


def test_config_defaults_and_errors(tmp_path: Path, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[fetch]\nconcurrency = 2\n")
    cfg = load_enrich_config(config)
    assert (cfg.api_url, cfg.after_fetch, cfg.batch_size) == (API_URL, True, 100)
    assert EnrichConfig().api_url == "http://export.arxiv.org/api/query"
    for body, message in [
        ('[enrich]\napi_url = "ftp://x/api"\n', r"http\(s\) URL"),
        ('[enrich]\napi_url = "http://user:pw@h/api"\n', "credentials"),
        ("[enrich]\nafter_fetch = 1\n", "true or false"),
        ("[enrich]\nbatch_size = 2001\n", "from 1 to 2000"),
    ]:
        config.write_text("# x\n" + body)
        with pytest.raises(ConfigError, match=message) as info:
            load_enrich_config(config)
        assert f"{config}:3" in str(info.value)  # the key's own line
    code, _out, err = cli(capsys, "--db", str(tmp_path / "c.db"), "enrich", "--config", str(config))
    assert code == 2 and "batch_size must be an integer from 1 to 2000" in err


def test_enrich_says_a_retry_after_wait_on_stderr(setup, capsys, monkeypatch) -> None:
    """`enrich` against arXiv answering 429 + Retry-After: 15 was silent for 47 s
    (only `fetch` said its waits; bug hunt `regnet`). The wait is recorded, not spent."""
    import asyncio

    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def no_wait(seconds: float, *args: object) -> None:
        waits.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", no_wait)
    db, config = setup
    with ArxivStandIn({i: Meta(id=i) for i in IDS}) as api:
        api.script.append(Reply(429, headers={"Retry-After": "15"}))
        config.write_text(f'[enrich]\napi_url = "{api.url}"\n')
        code, _out, err = cli(capsys, "--db", str(db), "enrich", "--config", str(config))
    assert code == 0, err
    assert "HTTP 429 Too Many Requests; waiting 15 s before attempt 2 of 4" in err, err
    assert 15.0 in waits


def test_enrich_wait_line_for_a_long_id_list_says_the_status_and_the_wait(
    tmp_path, capsys, monkeypatch
) -> None:
    """The API URL of a batch of 60 ids (`?id_list=2403.00001,…`) was the whole
    line: cut at 500 characters inside the id list, it never said the 429 nor the
    wait (regression hunt `regnet41` #4). Query values are not shown now, so the
    line ends with what was waited and why."""
    import asyncio

    from tui_digest.core.digest_format import write_digest
    from tui_digest.core.model import Paper

    real_sleep = asyncio.sleep

    async def no_wait(seconds: float, *args: object) -> None:
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", no_wait)
    ids = [f"2403.{n:05d}" for n in range(10001, 10061)]
    digest = tmp_path / "cs.LG-2024-07-15.md"
    papers = [Paper(id=i, title_en=f"Paper {i}", abstract_en=f"About {i}.") for i in ids]
    digest.write_text(write_digest(papers), encoding="utf-8")
    db, config = tmp_path / "cache.db", tmp_path / "config.toml"
    assert cli(capsys, "--db", str(db), "import", str(digest))[0] == 0
    with ArxivStandIn({i: Meta(id=i) for i in ids}) as api:
        api.script.append(Reply(429, headers={"Retry-After": "15"}))
        config.write_text(f'[enrich]\napi_url = "{api.url}"\nbatch_size = 60\n')
        code, _out, err = cli(capsys, "--db", str(db), "enrich", "--config", str(config))
        assert code == 0, err
        assert [len(batch) for batch in api.asked] == [60]  # one query of 60 ids
    [line] = [x for x in err.splitlines() if x.startswith("tui-digest: http")]
    assert line.endswith("HTTP 429 Too Many Requests; waiting 15 s before attempt 2 of 4"), line
    assert "[…truncated]" not in line and ids[0] not in line
