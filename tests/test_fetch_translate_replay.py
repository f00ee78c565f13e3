"""`fetch` with after-fetch translation, replayed over days (bug hunt s41 `auditrank`).

#7: a day's feed revised with one more paper re-sent every English-only paper it
lists, those the server refused for good and those that failed 3 times included
(the try count passed 3, against the README).
#4: the papers over `max_papers_per_run`, "left for the next run", were never
taken by a later fetch: they waited for `tui-digest translate` for good.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from fake_llm_server import FakeLLM, Request, chinese_for
from fake_llm_server import Reply as LlmReply
from feed_server import FeedServer, Reply, arxiv_rss
from tui_digest.cli_fetch import register as register_fetch
from tui_digest.core.extras import Extra
from tui_digest.core.store import Store


def cli(argv: list[str]) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="tui-digest", parents=[common])
    register_fetch(parser.add_subparsers(dest="command"), common)
    args = parser.parse_args(argv)
    return args.func(args)


REFUSED, FLAKY = "2509.00002", "2509.00003"


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


@pytest.fixture
def llm():
    with FakeLLM() as s:
        yield s


def _config(tmp_path: Path, server: FeedServer, llm: FakeLLM, limit: int = 50) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        "[enrich]\nafter_fetch = false\n\n"
        f'[translate]\nenabled = true\nafter_fetch = true\nbase_url = "{llm.base_url}"\n'
        f'model = "fake"\nmax_papers_per_run = {limit}\n\n'
        f'[[sources]]\nname = "ai"\nurl = "{server.url("/ai")}"\n',
        encoding="utf-8",
    )
    return path


def _sent(llm: FakeLLM, since: int) -> list[str]:
    return sorted(p["arxiv_id"] for r in llm.requests[since:] for p in r.papers)


def _extras(db: Path, paper_id: str) -> dict[str, str]:
    with Store.open(db) as store:
        return store.get_paper(paper_id).paper.extras


def test_a_revised_day_never_resends_papers_refused_for_good_or_failed_3_times(
    tmp_path, server, llm, monkeypatch
):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0a1b")

    def handle(request: Request) -> LlmReply:
        paper = request.paper
        if paper["arxiv_id"] == REFUSED:  # too long for the model: for good
            return LlmReply.error(400, "maximum context length is exceeded")
        if paper["arxiv_id"] == FLAKY:
            return LlmReply.malformed()  # (twice: one failed try each run)
        return LlmReply.answer(chinese_for(paper))

    llm.handler = handle
    config, db = _config(tmp_path, server, llm), tmp_path / "c.db"
    papers = [("2509.00001", "One"), (REFUSED, "Two"), (FLAKY, "Three")]
    fetch = ["fetch", "--config", str(config), "--db", str(db)]
    # The day's feed, then the same day's feed revised three times, one paper more each.
    for n in range(4):
        server.route("/ai", Reply(200, body=arxiv_rss("cs.AI", papers)))
        before = len(llm.requests)
        assert cli(fetch) == 0
        sent = _sent(llm, before)
        if n == 0:
            assert sent == ["2509.00001", REFUSED, FLAKY, FLAKY]
        elif n < 3:  # the flaky one is tried 3 times in all
            assert sent == sorted([papers[-1][0], FLAKY, FLAKY])
        else:  # then neither is sent again: only the day's new paper
            assert sent == [papers[-1][0]]
        papers.append((f"2509.0010{n}", f"New {n}"))
    assert _extras(db, REFUSED)[Extra.TRANSLATE_PERMANENT] == "1"
    assert _extras(db, REFUSED)[Extra.TRANSLATE_TRIES] == "1"
    assert _extras(db, FLAKY)[Extra.TRANSLATE_TRIES] == "3"


def test_papers_over_max_papers_per_run_are_taken_by_the_next_fetches(
    tmp_path, server, llm, monkeypatch, capsys
):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0a1b")
    llm.handler = lambda request: LlmReply.answer(chinese_for(request.paper))
    config, db = _config(tmp_path, server, llm, limit=3), tmp_path / "c.db"
    fetch = ["fetch", "--config", str(config), "--db", str(db)]
    day1 = [(f"2509.0000{i}", f"Day one {i}") for i in range(1, 6)]
    server.route("/ai", Reply(200, body=arxiv_rss("cs.AI", day1, day="18")))
    assert cli(fetch) == 0
    assert _sent(llm, 0) == [p for p, _ in day1[:3]]
    out = capsys.readouterr().out
    assert "2 more left for the next run (max_papers_per_run)" in out
    # Recorded as waiting, no try counted (said by the "still without Chinese" line).
    waiting = _extras(db, "2509.00005")
    assert waiting[Extra.TRANSLATE_ERROR].startswith("not sent: left for the next run")
    assert Extra.TRANSLATE_TRIES not in waiting
    assert "2 paper(s) still without Chinese fields" in out
    # Day 2 brings one paper: the run's room left takes the two of day 1.
    server.route("/ai", Reply(200, body=arxiv_rss("cs.AI", [("2509.00100", "Day two")], day="19")))
    before = len(llm.requests)
    assert cli(fetch) == 0
    assert _sent(llm, before) == ["2509.00004", "2509.00005", "2509.00100"]
    with Store.open(db) as store:
        assert all(r.title_zh for r in store.search("", limit=10))
        assert not any(
            k.startswith("translate_") for p, _ in day1 for k in store.get_paper(p).paper.extras
        )
    # Day 3: nothing new; nothing is waiting any more, nothing is sent.
    before = len(llm.requests)
    assert cli(fetch) == 0
    assert _sent(llm, before) == []
