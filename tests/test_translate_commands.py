"""`tui-digest translate` end to end: config file, cache, fake LLM server, output."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from fake_llm_server import FakeLLM, Reply, chinese_for, translator
from test_translate_runner import ARXIV_RSS, IDS
from tui_digest.cli_translate import register
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store

KEY = "sk-test-2b84e1f07a6c3d95"


def parse(argv: list[str]) -> argparse.Namespace:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="tui-digest", parents=[common])
    register(parser.add_subparsers(dest="command"), common)
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    return args


def run(argv: list[str]) -> int:
    args = parse(argv)
    return args.func(args)


@pytest.fixture
def llm():
    with FakeLLM() as server:
        server.handler = translator(prompt_tokens=50, completion_tokens=20)
        yield server


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "cache.db"
    with Store.open(path) as store:
        store.import_digest(read_document(ARXIV_RSS, source="arxiv-cs.CL.xml").digest)
    return path


@pytest.fixture
def config(tmp_path, llm, monkeypatch) -> Path:
    monkeypatch.setenv("TUI_TEST_LLM_KEY", KEY)
    path = tmp_path / "config.toml"
    path.write_text(
        "[translate]\n"
        "enabled = true\n"
        f'base_url = "{llm.base_url}"\n'
        'model = "fake-model"\n'
        'api_key_env = "TUI_TEST_LLM_KEY"\n'
        "concurrency = 2\n",
        "utf-8",
    )
    return path


def test_not_configured_prints_a_sample_section_and_exits_2(tmp_path, capsys) -> None:
    status = run(["translate", "--db", str(tmp_path / "c.db")])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert "translation is not configured" in err
    assert "[translate]" in err and 'api_key_env = "OPENAI_API_KEY"' in err
    assert "enabled = true" in err and "base_url" in err and "model" in err


def test_disabled_says_so(tmp_path, capsys) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[translate]\nbase_url = "http://localhost:1/v1"\nmodel = "m"\n', "utf-8")
    assert run(["translate", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "disabled (set enabled = true" in err and "[translate]" in err


def test_missing_env_var_is_one_line_naming_it(config, db, monkeypatch, capsys, llm) -> None:
    monkeypatch.delenv("TUI_TEST_LLM_KEY")
    assert run(["translate", "--config", str(config), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "$TUI_TEST_LLM_KEY, which is not set" in err
    assert llm.requests == []


def test_bad_config_is_one_line_with_file_and_line(tmp_path, capsys) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[translate]\nconcurrency = 0\n", "utf-8")
    assert run(["translate", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tui-digest: {path}:2: translate.concurrency")  # the key's line


def test_translate_everything(config, db, llm, capsys) -> None:
    assert run(["translate", "--config", str(config), "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert sorted(lines[:3]) == [f"{i}: done (title_zh, summary_zh, abstract_zh)" for i in IDS]
    assert lines[3].startswith("translated 3, failed 0 of 3 paper(s) with fake-model")
    assert "tokens: 150 prompt + 60 completion = 210 in 3 request(s)" in lines[3]
    assert "translating 3 paper(s)" in err
    with Store.open(db, readonly=True) as store:
        for paper_id in IDS:
            assert store.get_paper(paper_id).paper.title_zh.startswith("译题")
    # The second run finds nothing left.
    assert run(["translate", "--config", str(config), "--db", str(db)]) == 0
    assert "nothing to translate" in capsys.readouterr().out
    assert len(llm.requests) == 3
    assert KEY not in out + err
    assert KEY not in config.read_text("utf-8")
    for path in db.parent.glob("cache.db*"):
        assert KEY.encode() not in path.read_bytes()


def test_query_and_limit(config, db, llm, capsys) -> None:
    assert run(["translate", "tokenizer", "--config", str(config), "--db", str(db)]) == 0
    assert [r.paper["arxiv_id"] for r in llm.requests] == ["2501.07002"]
    assert "more papers" not in capsys.readouterr().out
    assert run(["translate", "--limit", "1", "--config", str(config), "--db", str(db)]) == 0
    assert len(llm.requests) == 2
    out = capsys.readouterr().out
    assert out.count(": done (") == 1
    assert "more papers still lack Chinese fields (at most 1 per run" in out


def test_failures_exit_1_and_name_the_reason(config, db, llm, capsys) -> None:
    def handler(request):
        if request.paper["arxiv_id"] == "2501.07003":
            return Reply.answer({"title_zh": "x", "summary_zh": "y", "abstract_zh": "z"})
        return Reply.answer(chinese_for(request.paper))

    llm.handler = handler
    assert run(["translate", "--config", str(config), "--db", str(db)]) == 1
    out, err = capsys.readouterr()
    # The failure on stderr (cron's mail with stdout thrown away still has it),
    # the papers done and the summary on stdout.
    failed = "2501.07003: failed (malformed answer twice: title_zh has no Chinese characters)"
    assert err.splitlines()[1:] == [failed]  # after "translating 3 paper(s) with …"
    assert "failed (" not in out and out.count(": done (") == 2
    assert "translated 2, failed 1 of 3" in out


def test_rejected_key_stops_with_2_and_never_prints_the_key(config, db, llm, capsys) -> None:
    llm.script(Reply.error(401, f"Incorrect API key provided: {KEY}."))
    assert run(["translate", "--config", str(config), "--db", str(db)]) == 2
    out, err = capsys.readouterr()
    # A run that stopped says why on stderr, with the papers it never sent.
    assert "HTTP 401" in err and "stopped:" in err and "skipped" in err
    assert "stopped:" not in out
    assert KEY not in out + err and "[redacted]" in err


def test_bad_query_is_one_line(config, db, llm, capsys) -> None:
    assert run(["translate", "is:bogus", "--config", str(config), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tui-digest: ") and 'unknown is: value "bogus"' in err
    assert err.count("\n") == 1 and llm.requests == []


def test_terminal_gets_a_progress_bar_and_stdout_keeps_plain_lines(
    config, db, llm, capsys, monkeypatch
) -> None:
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert run(["translate", "--config", str(config), "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    # stdout is a pipe here: it gets exactly the per-paper lines and the summary.
    assert sorted(out.splitlines()[:3]) == [
        f"{i}: done (title_zh, summary_zh, abstract_zh)" for i in IDS
    ]
    assert "translating 3 paper(s)" not in err  # the plain header is for non-terminals
    assert "translating" in err  # the bar's label


@pytest.fixture
def sigint_default():
    """Ctrl-C as in a terminal: SIGINT raises KeyboardInterrupt unless handled."""
    import signal

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def test_ctrl_c_saves_the_answers_received_and_prints_the_summary_then_exits_130(
    config, db, llm, capsys, sigint_default
) -> None:
    """Ctrl-C exited 130 with no summary: a batch's answers received but not yet
    saved were lost, and the tokens spent unsaid (found by a bug hunt)."""
    import os
    import signal

    config.write_text(config.read_text("utf-8") + "batch_size = 3\ntimeout_seconds = 20\n")

    def handle(request):
        if request.is_batch:  # the first paper missing from the answer: sent again alone
            papers = [{"arxiv_id": p["arxiv_id"], **chinese_for(p)} for p in request.papers[1:]]
            return Reply.answer({"papers": papers}, prompt_tokens=300, completion_tokens=90)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while that request is in flight
        return Reply.stalled()

    llm.handler = handle
    try:
        status = run(["translate", "--config", str(config), "--db", str(db)])
    except KeyboardInterrupt:
        status = -1  # (before the fix: no summary, nothing saved)
    out, err = capsys.readouterr()
    assert status == 130
    assert sorted(out.splitlines()) == [
        f"{i}: done (title_zh, summary_zh, abstract_zh)" for i in IDS[1:]
    ]
    assert "interrupted: saving the answers received" in err
    summary = err.splitlines()[-1]
    assert summary.startswith("translated 2, failed 0, skipped 1 of 3 paper(s)"), err
    # The request cut off was sent: counted, as the README says of timed-out and
    # dropped ones (it said "in 1 request(s)", then "1 request(s) … cut off").
    assert "tokens: 300 prompt + 90 completion = 390 in 2 request(s)" in summary
    assert (
        "interrupted: the answers received were saved, 1 request(s) in flight cut off"
        " (among the 2 counted), their tokens not counted"
    ) in summary
    assert f"{IDS[0]}: skipped (interrupted: its request was cut off)" in err
    with Store.open(db, readonly=True) as store:
        assert not store.get_paper(IDS[0]).paper.title_zh
        for paper_id in IDS[1:]:
            assert store.get_paper(paper_id).paper.title_zh.startswith("译题")
        assert store._conn().execute("SELECT count(*) FROM claims").fetchone()[0] == 0


def test_a_retry_after_wait_is_said_on_stderr(llm, db, config, capsys, monkeypatch) -> None:
    """`translate` against a server answering 429 + Retry-After was silent for minutes
    (only `fetch` said its waits; bug hunt `regnet`). The wait is recorded, not spent."""
    import asyncio

    from fake_llm_server import Reply as LlmReply

    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def no_wait(seconds: float, *args: object) -> None:
        waits.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", no_wait)
    answer = llm.handler

    def handler(request):  # type: ignore[no-untyped-def]
        return LlmReply.rate_limited(15) if len(llm.requests) == 1 else answer(request)

    llm.handler = handler
    assert run(["translate", "--config", str(config), "--db", str(db), "--limit", "1"]) == 0
    err = capsys.readouterr().err
    assert "HTTP 429 Too Many Requests; waiting 15 s before attempt 2 of" in err, err
    assert 15.0 in waits
