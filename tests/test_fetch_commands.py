"""The `fetch` and `sources` subcommands, through their own argparse registration."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from arxiv_api_fixtures import Meta
from arxiv_api_server import ArxivStandIn
from fake_llm_server import FakeLLM, translator
from feed_server import FeedServer, Reply, arxiv_rss, conditional
from tui_digest.cli_fetch import register as register_fetch
from tui_digest.cli_sources import register as register_sources
from tui_digest.config.loader import load_config
from tui_digest.core.store import Store


def cli(argv: list[str]) -> int:
    """Parse like the real CLI does: a global --db on a parent parser, then dispatch."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="tui-digest", parents=[common])
    sub = parser.add_subparsers(dest="command")
    register_fetch(sub, common)
    register_sources(sub, common)
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    return args.func(args)


FEED_V1 = arxiv_rss("cs.AI", [("2509.00001", "One"), ("2509.00002", "Two"), ("2509.00003", "3")])


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


@pytest.fixture
def config(tmp_path, server):
    server.route("/ai", conditional(FEED_V1, etag='"a1"'))
    server.route("/cl", Reply(200, body=arxiv_rss("cs.CL", [("2509.00100", "CL paper")])))
    path = tmp_path / "config.toml"
    path.write_text(
        "[fetch]\nconcurrency = 2\n\n"
        # (asking arXiv after a fetch is tested below, against a stand-in)
        "[enrich]\nafter_fetch = false\n\n"
        f'[[sources]]\nname = "ai"\nurl = "{server.url("/ai")}"\n\n'
        f'[[sources]]\nname = "cl"\nurl = "{server.url("/cl")}"\nkind = "arxiv"\n\n'
        f'[[sources]]\nname = "off"\nurl = "{server.url("/off")}"\nenabled = false\n',
        encoding="utf-8",
    )
    return path


def with_enrich(config: Path, table: str) -> Path:
    """The fixture's config with another [enrich] table."""
    text = config.read_text("utf-8").replace("[enrich]\nafter_fetch = false\n", table)
    config.write_text(text, encoding="utf-8")
    return config


NEW_IDS = ["2509.00001", "2509.00002", "2509.00003", "2509.00100"]


def test_fetch_asks_arxiv_about_the_papers_it_brought_then_nothing(config, tmp_path, capsys):
    db = tmp_path / "c.db"
    with ArxivStandIn({i: Meta(id=i, authors=["Ada Lovelace"]) for i in NEW_IDS}) as api:
        with_enrich(config, f'[enrich]\napi_url = "{api.url}"\n')
        assert cli(["fetch", "--config", str(config), "--db", str(db)]) == 0
        out = capsys.readouterr().out.splitlines()
        assert sorted(out[:2]) == [  # (printed as each source ends)
            "ai: new 3 / updated 0 / unchanged 0",
            "cl: new 1 / updated 0 / unchanged 0",
        ]
        assert out[2].startswith("asked arXiv about 4 paper(s) in 1 request(s): 4 found")
        assert [sorted(ids) for ids in api.asked] == [NEW_IDS]
        # Nothing new the next time: arXiv is not asked again.
        assert cli(["fetch", "--config", str(config), "--db", str(db)]) == 0
        assert sorted(capsys.readouterr().out.splitlines()) == [
            "ai: not modified (HTTP 304)",
            "cl: new 0 / updated 0 / unchanged 1",
        ]  # (in the order the sources end)
        assert len(api.asked) == 1
    store = Store.open(db)
    try:
        assert {p.id for p in store.search("au:lovelace", limit=10)} == set(NEW_IDS)
    finally:
        store.close()


@pytest.mark.parametrize("how", ["--no-enrich", "after_fetch = false"])
def test_fetch_without_enrichment_asks_nothing(config, tmp_path, capsys, how):
    with ArxivStandIn() as api:
        off = "after_fetch = false\n" if how.startswith("after") else ""
        with_enrich(config, f'[enrich]\napi_url = "{api.url}"\n{off}')
        extra = [how] if how.startswith("--") else []
        assert cli(["fetch", "--config", str(config), "--db", str(tmp_path / "c.db"), *extra]) == 0
        assert len(capsys.readouterr().out.splitlines()) == 2
        assert api.requests == []


def test_a_stopped_enrichment_is_said_on_stderr_and_keeps_the_fetch(config, tmp_path, capsys):
    with ArxivStandIn() as api:
        api.script.append(Reply(200, body=b"Rate exceeded."))
        with_enrich(config, f'[enrich]\napi_url = "{api.url}"\n')
        assert cli(["fetch", "--config", str(config), "--db", str(tmp_path / "c.db")]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2  # the sources' lines
    assert "stopped: " in captured.err and "Rate exceeded" in captured.err


def test_fetch_translates_the_english_papers_it_brought_when_asked(config, tmp_path, capsys):
    db = tmp_path / "c.db"
    with FakeLLM() as llm:
        llm.handler = translator()
        table = f'[translate]\nenabled = true\nafter_fetch = true\nbase_url = "{llm.base_url}"\n'
        with_enrich(config, "[enrich]\nafter_fetch = false\n\n" + table + 'model = "fake"\n')
        assert cli(["fetch", "--config", str(config), "--db", str(db)]) == 0
        out = capsys.readouterr().out.splitlines()
        assert sorted(out[:2]) == [  # (printed as each source ends)
            "ai: new 3 / updated 0 / unchanged 0",
            "cl: new 1 / updated 0 / unchanged 0",
        ]
        assert out[-1].startswith("translated 4, failed 0 of 4 paper(s) with fake"), out
        assert sorted(r.paper["arxiv_id"] for r in llm.requests) == NEW_IDS
        # Nothing new the next time, nothing translated; --no-translate skips it.
        assert cli(["fetch", "--config", str(config), "--db", str(db)]) == 0
        assert cli(["fetch", "--config", str(config), "--db", str(tmp_path / "other.db"),
                    "--no-translate"]) == 0  # fmt: skip
        assert len(llm.requests) == 4
    store = Store.open(db)
    try:
        [row] = store.search("id:2509.00100", limit=5)
        assert row.title_zh == "译题：CL paper（译译译译译译译）"
    finally:
        store.close()


def test_a_later_fetch_tries_failed_translations_again_but_not_refused_ones(
    config, tmp_path, capsys
):
    """A cron-only setup catches up: a paper whose after-fetch translation failed
    was never translated by a later fetch (only `tui-digest translate` took it)."""
    from fake_llm_server import Reply as LlmReply
    from fake_llm_server import chinese_for

    db = tmp_path / "c.db"
    flaky, refused = "2509.00002", "2509.00003"
    with FakeLLM() as llm:
        failing = [True]

        def handle(request):
            paper = request.paper
            if paper["arxiv_id"] == refused:  # too long for the model, say: for good
                return LlmReply.error(400, "context length exceeded")
            if paper["arxiv_id"] == flaky and failing[0]:
                return LlmReply.malformed()  # (twice: the paper fails this time)
            return LlmReply.answer(chinese_for(paper))

        llm.handler = handle
        table = f'[translate]\nenabled = true\nafter_fetch = true\nbase_url = "{llm.base_url}"\n'
        with_enrich(config, "[enrich]\nafter_fetch = false\n\n" + table + 'model = "fake"\n')
        assert cli(["fetch", "--config", str(config), "--db", str(db)]) == 0
        out = capsys.readouterr().out.splitlines()
        assert any(line.startswith("translated 2, failed 2 of 4") for line in out), out
        # Only the flaky one is said to be tried again (the line counted the refused
        # one too, and kept saying so while no fetch sent it: a bug hunt).
        assert out[-2].startswith("1 paper(s) still without Chinese fields (a translation failed")
        assert "the next fetches try them again (up to 3 times)" in out[-2]
        assert "`tui-digest translate` takes them all" in out[-2]
        assert out[-1] == (
            "1 paper(s) whose translation failed are left to `tui-digest translate`:"
            " the server refused them for good, or they failed 3 times"
        )

        # The next fetch brings nothing new, and tries the flaky paper again.
        failing[0] = False
        llm.requests.clear()
        assert cli(["fetch", "--config", str(config), "--db", str(db)]) == 0
        out = capsys.readouterr().out.splitlines()
        assert "trying again 1 paper(s) an earlier run did not translate" in out
        assert [r.paper["arxiv_id"] for r in llm.requests] == [flaky]
        assert any(line.startswith("translated 1, failed 0 of 1") for line in out), out
        assert out[-1].startswith("1 paper(s) whose translation failed are left to `tui-digest")
        assert not any("still without" in line for line in out), out
        # The refused one is left to `tui-digest translate`: no request at every fetch.
        llm.requests.clear()
        assert cli(["fetch", "--config", str(config), "--db", str(db)]) == 0
        assert llm.requests == []
    store = Store.open(db)
    try:
        assert store.get_paper(flaky).paper.title_zh.startswith("译题：")
        assert not store.get_paper(refused).paper.title_zh
    finally:
        store.close()


def test_a_translation_that_cannot_run_is_one_line_and_keeps_the_fetch(
    config, tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("NO_SUCH_KEY_VARIABLE", raising=False)
    table = (
        '[translate]\nenabled = true\nafter_fetch = true\nbase_url = "https://llm.example/v1"\n'
        'model = "m"\napi_key_env = "NO_SUCH_KEY_VARIABLE"\n'
    )
    with_enrich(config, "[enrich]\nafter_fetch = false\n\n" + table)
    assert cli(["fetch", "--config", str(config), "--db", str(tmp_path / "c.db")]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2
    assert captured.err.count("\n") == 1 and "cannot translate:" in captured.err
    assert "NO_SUCH_KEY_VARIABLE" in captured.err


def test_a_broken_translate_table_stops_the_fetch_only_when_it_asks_for_it(
    config, tmp_path, capsys
):
    broken = '[translate]\nenabled = true\nbase_url = "ftp://llm.example/v1"\nmodel = "m"\n'
    with_enrich(config, "[enrich]\nafter_fetch = false\n\n" + broken)
    assert cli(["fetch", "--config", str(config), "--db", str(tmp_path / "a.db")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2  # fetched, as before
    text = config.read_text("utf-8").replace('model = "m"\n', 'model = "m"\nafter_fetch = true\n')
    config.write_text(text, encoding="utf-8")
    assert cli(["fetch", "--config", str(config), "--db", str(tmp_path / "b.db")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "base_url" in captured.err


def test_a_bad_enrich_table_is_said_and_the_fetch_goes_on(config, tmp_path, capsys):
    with_enrich(config, "[enrich]\nafter_fetch = 1\n")
    assert cli(["fetch", "--config", str(config), "--db", str(tmp_path / "c.db")]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2  # the sources' lines, nothing asked
    assert captured.err.count("\n") == 1 and "true or false" in captured.err
    assert "not asking arXiv" in captured.err


def test_fetch_prints_one_line_per_source(config, tmp_path, capsys):
    db = tmp_path / "c.db"
    assert cli(["fetch", "--config", str(config), "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    # (in the order the sources end: each line is printed as its source ends)
    assert sorted(out) == [
        "ai: new 3 / updated 0 / unchanged 0",
        "cl: new 1 / updated 0 / unchanged 0",
    ]
    assert cli(["--db", str(db), "fetch", "--config", str(config), "--source", "ai"]) == 0
    assert capsys.readouterr().out.splitlines() == ["ai: not modified (HTTP 304)"]
    store = Store.open(db)
    try:
        assert store.count() == 4
        assert store.get_source_state("ai")["last_status"] == "unchanged (HTTP 304)"
    finally:
        store.close()


def test_a_failed_source_exits_1_and_the_others_are_committed(config, tmp_path, capsys):
    db = tmp_path / "c.db"
    code = cli(["fetch", "--config", str(config), "--db", str(db), "--source", "off",
                "--source", "cl"])  # fmt: skip
    assert code == 1
    captured = capsys.readouterr()
    # The failure on stderr (`fetch >/dev/null` in cron keeps why it exits 1),
    # the source that came in on stdout.
    err = captured.err.splitlines()
    assert err[0].startswith("off: failed (http://127.0.0.1:") and "HTTP 404" in err[0]
    assert captured.out.splitlines() == ["cl: new 1 / updated 0 / unchanged 0"]
    store = Store.open(db)
    try:
        assert store.count() == 1
    finally:
        store.close()


def test_unknown_source_is_one_line_error(config, tmp_path, capsys):
    assert cli(["fetch", "--config", str(config), "--source", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no source named 'nope' (known: ai, cl, off)" in err and str(config) in err


def test_bad_config_is_one_line_error(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('[[sources]]\nname = "x"\nurl = "gopher://x"\n', encoding="utf-8")
    assert cli(["fetch", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tui-digest: {path}:1: sources[1]: source 'x': unsupported URL scheme")
    assert "Traceback" not in err and err.count("\n") == 1


def test_missing_explicit_config(tmp_path, capsys):
    assert cli(["sources", "--config", str(tmp_path / "none.toml")]) == 2
    assert "config file not found" in capsys.readouterr().err


def test_sources_list_shows_state(config, tmp_path, capsys):
    db = tmp_path / "c.db"
    cli(["fetch", "--config", str(config), "--db", str(db)])
    capsys.readouterr()
    assert cli(["sources", "list", "--config", str(config), "--db", str(db)]) == 0
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert captured.err.startswith(f"# sources from {config}\n")  # (not a terminal)
    assert out[0].split() == ["NAME", "KIND", "ENABLED", "LAST", "CHECKED", "LAST", "STATUS", "URL"]
    ai = out[1].split()
    assert ai[:3] == ["ai", "auto", "yes"] and ai[-1].endswith("/ai")
    assert "new 3 / updated 0 / unchanged 0 (HTTP 200)" in out[1]
    assert out[3].split()[:4] == ["off", "auto", "no", "never"]


def test_sources_list_defaults_without_cache(capsys):
    assert cli(["sources"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "built-in defaults" in captured.err
    assert "https://rss.arxiv.org/rss/cs.LG" in out and "never" in out


def test_sources_export_then_import(config, tmp_path, capsys):
    opml = tmp_path / "subs.opml"
    assert cli(["sources", "export", str(opml), "--config", str(config)]) == 0
    target = tmp_path / "other.toml"
    target.write_text('[ui]\ntheme = "light"\n\n[[sources]]\nname = "ai"\nurl = "https://x.org/"\n')
    capsys.readouterr()
    assert cli(["sources", "--config", str(target), "import", str(opml)]) == 0
    captured = capsys.readouterr()
    # Only http(s) URLs come in from OPML; a clashing name gets a suffix.
    assert "added 3 source(s), 4 in all" in captured.out
    result = load_config(target)
    assert [s.name for s in result.sources] == ["ai", "ai (2)", "cl", "off"]
    assert [s.kind for s in result.sources] == ["auto", "auto", "arxiv", "auto"]
    assert [s.enabled for s in result.sources] == [True, True, True, False]
    assert result.data["ui"] == {"theme": "light"}


def test_import_bad_opml(tmp_path, capsys):
    bad = tmp_path / "bad.opml"
    bad.write_bytes(b'<!DOCTYPE x [<!ENTITY e "e">]><opml/>')
    assert cli(["sources", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tui-digest: {bad}:1: XML entity declarations are not accepted")
    assert cli(["sources", "import", str(tmp_path / "missing.opml")]) == 2
    assert "No such file" in capsys.readouterr().err


def test_a_folder_file_that_cannot_be_read_exits_1_and_the_rest_is_kept(tmp_path, capsys):
    """A cron job must notice a corrupted file in a mirrored folder, as `import` does."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    (folder / "cs.CL.xml").write_bytes(arxiv_rss("cs.CL", [("2509.00100", "CL paper")]))
    config = tmp_path / "config.toml"
    config.write_text(
        f'[enrich]\nafter_fetch = false\n\n[[sources]]\nname = "mirror"\n'
        f'url = "{folder.as_uri()}/"\n',
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    # a clone's README and .git are not digests: no note, no failure
    (folder / "README.md").write_text("# A mirror of the digests\n", encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "x.md").write_text("not a digest\n", encoding="utf-8")
    assert cli(["fetch", "--config", str(config), "--db", str(db)]) == 0
    assert "skipped" not in capsys.readouterr().err
    (folder / "junk.md").write_bytes(b"garbage\n")
    assert cli(["fetch", "--config", str(config), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "mirror: skipped" in err and "junk.md" in err
    store = Store.open(db)
    try:
        assert store.count() == 1
    finally:
        store.close()


def test_a_bad_keys_entry_is_a_warning_and_never_stops_a_fetch(config, tmp_path, capsys):
    """`[keys] "main.star" = ""` (to unbind it) made `fetch`, `sources` and
    `watch` exit 2 over a table only the reader reads (found by a bug hunt)."""
    text = config.read_text("utf-8")
    config.write_text(
        text + '\n[keys]\n"main.star" = ""   # I never star\n"main.read" = 3\nmain.open = "x"\n',
        encoding="utf-8",
    )
    start = text.count("\n") + 2  # the [keys] line
    assert cli(["fetch", "--config", str(config), "--db", str(tmp_path / "c.db")]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2  # the sources' lines
    assert captured.err.splitlines() == [
        f"{config}:{start + 1}: warning: keys.main.star is empty: a binding cannot be left "
        "without a key (Textual's keymap has no unbound binding); ignored, its default stays",
        f'{config}:{start + 2}: warning: keys.main.read must be a key such as "x" or "ctrl+r" '
        '(several: "x,ctrl+r"); ignored, its default stays',
    ]
    assert cli(["sources", "--config", str(config), "--db", str(tmp_path / "c.db")]) == 0
    assert [e.binding_id for e in load_config(config).keys] == ["main.open"]


def test_a_mistyped_translate_after_fetch_is_said_and_the_fetch_goes_on(config, tmp_path, capsys):
    """`after_fetch = "true"` (a string): `fetch` never translated and said
    nothing, while the reader warned (found by a bug hunt)."""
    table = (
        '[translate]\nenabled = true\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "m"\n'
        'after_fetch = "true"\n'
    )
    with_enrich(config, "[enrich]\nafter_fetch = false\n\n" + table)
    line = config.read_text("utf-8").splitlines().index('after_fetch = "true"') + 1
    assert cli(["fetch", "--config", str(config), "--db", str(tmp_path / "c.db")]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2  # the sources' lines
    assert captured.err.splitlines() == [
        f"tui-digest: {config}:{line}: translate.after_fetch must be true or false; not translating"
    ]


@pytest.fixture
def sigint_default():
    """Ctrl-C as in a terminal: SIGINT raises KeyboardInterrupt unless handled."""
    import signal

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def test_ctrl_c_prints_the_sources_already_done_then_exits_130(
    config, server, tmp_path, capsys, monkeypatch, sigint_default
):
    """Ctrl-C during `fetch` exited 130 printing nothing, not even the sources
    already committed (found by a bug hunt)."""
    import os
    import signal
    import threading

    from tui_digest import cli_fetch

    release = threading.Event()

    def stalled(request) -> Reply:
        release.wait(30)  # `cl` is still downloading when Ctrl-C comes
        return Reply(404)

    server.route("/cl", stalled)
    update = cli_fetch._ProgressLine.update

    def ctrl_c_once_ai_is_done(self, done: int, total: int, name: str) -> None:
        update(self, done, total, name)
        if done == 1:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(cli_fetch._ProgressLine, "update", ctrl_c_once_ai_is_done)
    db = tmp_path / "c.db"
    try:
        try:
            status = cli(["fetch", "--config", str(config), "--db", str(db)])
        except KeyboardInterrupt:
            status = -1  # (before the fix: nothing said)
    finally:
        release.set()
    out, err = capsys.readouterr()
    assert status == 130
    assert out == "ai: new 3 / updated 0 / unchanged 0\n"  # (printed as it ended)
    assert err.splitlines() == [
        "interrupted: 1 of 2 sources done (its papers are stored); the other was not fetched",
    ]
    with Store.open(db, readonly=True) as store:
        assert store.count() == 3


class _TermBeforeTheFix(Exception):
    """SIGTERM where `fetch` set no handler of its own (so as not to end pytest)."""


@pytest.fixture
def sigterm_caught():
    import signal

    def caught(signum, frame):  # type: ignore[no-untyped-def]
        raise _TermBeforeTheFix

    before = signal.signal(signal.SIGTERM, caught)
    yield
    signal.signal(signal.SIGTERM, before)


def test_sigterm_prints_each_source_as_it_ends_then_exits_143(
    config, server, tmp_path, capsys, monkeypatch, sigterm_caught
):
    """`timeout 4 tui-digest fetch` (or a systemd stop) left an empty log: each
    source's line waited for every source to end, and SIGTERM ended the process
    there (found by a bug hunt). Now the line is out as the source ends, and
    SIGTERM stops the run as Ctrl-C does, with 143 (128 + SIGTERM)."""
    import os
    import signal
    import threading

    from tui_digest import cli_fetch

    release = threading.Event()

    def stalled(request) -> Reply:
        release.wait(30)  # `cl` is still downloading when SIGTERM comes
        return Reply(404)

    server.route("/cl", stalled)
    update = cli_fetch._ProgressLine.update
    before_the_signal: list[str] = []

    def sigterm_once_ai_is_done(self, done: int, total: int, name: str) -> None:
        update(self, done, total, name)
        if done == 1:
            before_the_signal.append(capsys.readouterr().out)
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(cli_fetch._ProgressLine, "update", sigterm_once_ai_is_done)
    db = tmp_path / "c.db"
    try:
        try:
            status = cli(["fetch", "--config", str(config), "--db", str(db)])
        except _TermBeforeTheFix:
            status = -1  # (before the fix: the process ended, its log empty)
    finally:
        release.set()
    out, err = capsys.readouterr()
    assert before_the_signal == ["ai: new 3 / updated 0 / unchanged 0\n"]
    assert status == 143
    assert out == ""
    assert err.splitlines() == [
        "interrupted: 1 of 2 sources done (its papers are stored); the other was not fetched",
    ]
    assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # (the fixture's, back)
    with Store.open(db, readonly=True) as store:
        assert store.count() == 3
