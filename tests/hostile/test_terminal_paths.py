"""Issue 11 item 7: every path and URL the CLI prints is cleaned like untrusted text.

A file named with `ESC ] 52 ; … BEL` would set the clipboard through the terminal.
"""

from __future__ import annotations

import json

import pytest

from tui_digest import cli
from tui_digest.core.sanitize import for_terminal

from .inputs import forbidden_in, markdown_digest

OSC52 = "\x1b]52;c;cHduZWQ=\x07"
BIDI = "\u202e"


def _clean(text: str) -> bool:
    return "\x1b" not in text and "\x07" not in text and not forbidden_in(text.replace("\n", ""))


@pytest.fixture
def hostile_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TUI_DIGEST_DB", str(tmp_path / f"cache{OSC52}.db"))
    folder = tmp_path / f"in{OSC52}{BIDI}"
    folder.mkdir()
    return folder


def test_for_terminal_removes_escapes_and_keeps_the_visible_name():
    assert for_terminal(f"/tmp/a{OSC52}b\nc.md") == "/tmp/a]52;c;cHduZWQ=b c.md"
    assert for_terminal("/tmp/\udcff.md") == "/tmp/\ufffd.md"  # undecodable byte in a name


def test_import_messages_clean_the_file_name(hostile_dir, capsys):
    good = hostile_dir / f"digest-2024-03-18{OSC52}.md"
    good.write_text(markdown_digest(), encoding="utf-8")
    bad = hostile_dir / f"bad{OSC52}.md"
    bad.write_text("nothing to read here", encoding="utf-8")
    warned = hostile_dir / f"warn{OSC52}.md"
    warned.write_text(  # a table without footnotes: read, with a warning
        "| Ref | Title | Summary |\n| --- | --- | --- |\n"
        "| [^1] | [T](https://arxiv.org/abs/2403.10057) | s |\n"
    )
    empty = hostile_dir / f"empty{OSC52}"
    empty.mkdir()
    status = cli.main(["import", str(good), str(bad), str(warned), str(empty)])
    assert status == 1  # `bad` is not a digest
    out, err = capsys.readouterr()
    assert "digest-2024-03-18]52;c;cHduZWQ=.md: 1 paper (digest)" in out
    assert "bad]52;c;cHduZWQ=.md: error: " in err
    assert "warn]52;c;cHduZWQ=.md: warning: no footnotes found" in err
    assert "no *.md, *.xml or papers/YY/MM/*.json files found" in err
    assert _clean(out) and _clean(err)


def test_export_digests_stats_and_errors_clean_paths(hostile_dir, tmp_path, capsys):
    digest = hostile_dir / "digest-2024-03-18.md"
    digest.write_text(markdown_digest(), encoding="utf-8")
    assert cli.main(["import", str(digest)]) == 0
    target = tmp_path / f"out{OSC52}.json"
    assert cli.main(["export", "--format", "json", "-o", str(target)]) == 0
    assert json.loads(target.read_text())[0]["id"] == "2403.10056"
    assert cli.main(["export", "-o", str(target)]) == 2  # exists: an error naming it
    assert cli.main(["digests"]) == 0
    assert cli.main(["stats"]) == 0
    missing = tmp_path / f"missing{OSC52}.md"
    assert cli.main(["import", str(missing)]) == 1
    out, err = capsys.readouterr()
    assert "out]52;c;cHduZWQ=.json" in err
    assert "in]52;c;cHduZWQ=" in out  # digests lists the source path
    assert "cache]52;c;cHduZWQ=.db" in out  # stats prints the cache path
    assert "missing]52;c;cHduZWQ=.md" in err
    assert _clean(out) and _clean(err)


def test_sources_and_fetch_messages_clean_paths(tmp_path, monkeypatch, capsys):
    config = tmp_path / f"config{OSC52}.toml"
    # Written here so that no built-in (internet) source is ever configured.
    config.write_text(
        '[[sources]]\nname = "off"\nurl = "https://example.org/off"\nenabled = false\n'
    )
    monkeypatch.setenv("TUI_DIGEST_CONFIG", str(config))
    monkeypatch.setenv("TUI_DIGEST_DB", str(tmp_path / "cache.db"))
    opml = tmp_path / f"subs{OSC52}.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="x" xmlUrl="file:///etc/passwd"/>'
        '<outline text="a" xmlUrl="https://example.org/feed" tuiDigestEnabled="false"/>'
        "</body></opml>"
    )
    assert cli.main(["sources", "import", str(opml), "--config", str(config)]) == 0
    assert cli.main(["sources", "--config", str(config)]) == 0
    exported = tmp_path / f"o{OSC52}.opml"
    assert cli.main(["sources", "export", str(exported), "--config", str(config)]) == 0
    # The only source is disabled: fetch says so, naming the config, and sends nothing.
    assert cli.main(["fetch", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert "subs]52;c;cHduZWQ=.opml: skipped" in err
    assert "config]52;c;cHduZWQ=.toml: added 1 source(s), 2 in all" in out
    assert "o]52;c;cHduZWQ=.opml: wrote 2 source(s)" in err
    assert "config]52;c;cHduZWQ=.toml: no enabled sources" in err
    assert _clean(out) and _clean(err)
