"""Invisible characters in a source URL (bug hunt `fuzz` #1): a URL pasted with a
U+200E LEFT-TO-RIGHT MARK, or an OPML `xmlUrl` holding `&#x202e;` or a C1
control, was stored raw while every message showed it without them, so a fetch
said "HTTP 404" for a URL that looked right. They are dropped, consistently (the
stored URL is the one shown and requested), and the user is told which and where."""

from __future__ import annotations

from cli_support import run_cli
from feed_server import FeedServer, Reply, arxiv_rss
from tui_digest.config.loader import load_config

FEED = arxiv_rss("cs.NE", [("2509.00001", "A paper")])


def test_without_invisible_names_each_character_and_its_position():
    from tui_digest.config.sources import without_invisible

    url, dropped = without_invisible("https://h.example/\u202ec\x9b31md.xml\u200e")
    assert url == "https://h.example/c31md.xml"
    assert dropped == [
        "U+202E RIGHT-TO-LEFT OVERRIDE at character 19",
        "U+009B at character 21",
        "U+200E LEFT-TO-RIGHT MARK at character 30",
    ]
    assert without_invisible("https://h.example/caf\u00e9.xml") == (
        "https://h.example/caf\u00e9.xml",
        [],
    )


def test_sources_add_drops_an_invisible_mark_and_says_so(tmp_path):
    # Before: stored raw ("lmx.xml\u200e"), the request was for /lmx.xml%E2%80%8E,
    # and `sources add` failed "…/lmx.xml: HTTP 404" naming the URL without it.
    config = tmp_path / "config.toml"
    config.write_text("sources = []\n", encoding="utf-8")
    with FeedServer() as server:
        server.route("/lmx.xml", Reply(200, body=FEED))
        plain = server.url("/lmx.xml")
        proc = run_cli(
            "sources", "add", plain + "\u200e", "--config", str(config), db=tmp_path / "c.db"
        )
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 0, err
    assert f"): {plain}\n" in out
    assert [s.url for s in load_config(config).sources] == [plain]
    assert "\u200e" not in config.read_text(encoding="utf-8")
    where = len(plain) + 1
    assert f"dropped U+200E LEFT-TO-RIGHT MARK at character {where} of the URL" in err


def test_sources_import_drops_invisible_characters_of_an_xml_url(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("sources = []\n", encoding="utf-8")
    opml = tmp_path / "s.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="c" xmlUrl="https://h.example.org/c&#x9b;31md.xml"/>'
        '<outline text="r" xmlUrl="https://h.example.org/&#x202e;lmx.xml"/>'
        # (before the scheme: the http(s) check saw the mark and skipped it)
        '<outline text="l" xmlUrl="&#x200e;https://h.example.org/l.xml"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    proc = run_cli("sources", "import", str(opml), "--config", str(config), db=tmp_path / "c.db")
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert [s.url for s in load_config(config).sources] == [
        "https://h.example.org/c31md.xml",
        "https://h.example.org/lmx.xml",
        "https://h.example.org/l.xml",
    ]
    assert "l: dropped U+200E LEFT-TO-RIGHT MARK at character 1 of its URL" in err
    assert "c: dropped U+009B at character 24 of its URL" in err
    assert "r: dropped U+202E RIGHT-TO-LEFT OVERRIDE at character 23 of its URL" in err


def test_a_config_url_holding_an_invisible_character_is_read_without_it(tmp_path):
    # A config written before, or edited by hand: the source is fetched as shown.
    config = tmp_path / "config.toml"
    config.write_text(
        '[[sources]]\nname = "x"\nurl = "https://h.example.org/x.xml\u200e"\n', encoding="utf-8"
    )
    (source,) = load_config(config).sources
    assert source.url == "https://h.example.org/x.xml"
