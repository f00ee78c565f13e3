"""Config file: reading, validation, editing with tomlkit, and OPML import/export."""

from __future__ import annotations

import os
import re
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_digest.config.editing import save_sources
from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import load_config
from tui_digest.config.sources import DEFAULT_SOURCES, Source
from tui_digest.fetch.opml import OpmlError, merge_sources, read_opml, write_opml


def test_defaults_without_a_file(tmp_path):
    config = load_config(tmp_path / "none.toml")
    assert not config.exists
    assert config.sources == list(DEFAULT_SOURCES)
    urls = [s.url for s in config.sources]
    for cat in ("cs.AI", "cs.CL", "cs.LG"):
        assert f"https://raw.githubusercontent.com/qhduan/cn-chat-arxiv/master/{cat}.md" in urls
        assert f"https://rss.arxiv.org/rss/{cat}" in urls
    assert config.fetch.interval_minutes == 0


def test_env_var_names_the_default_path(tmp_path, monkeypatch):
    path = tmp_path / "env.toml"
    path.write_text('[[sources]]\nname = "x"\nurl = "https://example.org/x.md"\n')
    monkeypatch.setenv("TUI_DIGEST_CONFIG", str(path))
    assert [s.name for s in load_config().sources] == ["x"]


def test_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "none.toml", must_exist=True)


def test_a_byte_order_mark_and_crlf_lines_are_read(tmp_path):
    """As Windows editors save it: this was "invalid TOML: Invalid statement (at
    line 1, column 1)" (found by a bug hunt); an error still names its line."""
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf[fetch]\r\ninterval_minutes = 30\r\n")
    assert load_config(path).fetch.interval_minutes == 30
    path.write_bytes(b"\xef\xbb\xbf[fetch]\r\ninterval_minutes = \r\n")
    with pytest.raises(ConfigError, match=r"bom.toml: invalid TOML: .*line 2"):
        load_config(path)


def test_full_config(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        """
[fetch]
interval_minutes = 30
concurrency = 2

[fetch.per_host_interval]
default = 0.5
"Example.org" = 2

[[sources]]
name = "local"
url = "/tmp/digest.md"

[[sources]]
name = "feed"
url = "https://example.org/feed.xml"
kind = "feed"
enabled = false
""",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.sources == [
        Source("local", "/tmp/digest.md"),
        Source("feed", "https://example.org/feed.xml", "feed", False),
    ]
    assert config.enabled_sources() == [Source("local", "/tmp/digest.md")]
    assert config.sources[0].format is None and config.sources[1].format == "feed"
    options = config.fetch.http_options(deadline=5.0)
    assert options.concurrency == 2 and options.deadline == 5.0
    assert options.default_host_interval == 0.5
    assert options.host_intervals == {"example.org": 2.0}
    assert config.fetch.interval_minutes == 30


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[sources]\nname=1", r"c\.toml: invalid TOML: .*line 1"),
        ('[[sources]]\nname = "a"\n', r"c\.toml:1: sources\[1\]: source 'a': 'url' must be"),
        (
            '[[sources]]\nname = "a"\nurl = "https://a.org/"\n\n'
            '[[sources]]\nname = "b"\nurl = "https://b.org/"\nkind = "rss"\n',
            r"c\.toml:5: sources\[2\]: source 'b': kind must be one of auto, digest",
        ),
        (
            '[[sources]]\nname = "a"\nurl = "ftp://a.org/"\n',
            r"unsupported URL scheme 'ftp'",
        ),
        (
            '[[sources]]\nname = "a"\nurl = "https://a.org/"\n'
            '[[sources]]\nname = "a"\nurl = "https://b.org/"\n',
            r"c\.toml:4: sources\[2\]: duplicate source name 'a'",
        ),
        ('[[sources]]\nname = "a"\nurl = "https://a.org/"\nenabled = "yes"\n', "true or false"),
        ("[fetch]\nconcurrency = 0\n", r"c\.toml:2: fetch\.concurrency must be"),
        ("[fetch]\ninterval_minutes = -1\n", "interval_minutes must be"),
        ("[fetch]\nper_host_interval = 'fast'\n", "per_host_interval must be"),
        ('sources = "none"\n', r"c\.toml:1: 'sources' must be"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bad_config_names_file_and_problem(tmp_path, text, message):
    path = tmp_path / "c.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_config(path)
    assert str(path) in str(err.value)


def test_save_sources_keeps_other_sections_and_comments(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        "# my settings\n[fetch]\ninterval_minutes = 15 # keep\n\n"
        '[[sources]]\nname = "old"\nurl = "https://old.org/"\n\n'
        '[ui]\ntheme = "dark"\n',
        encoding="utf-8",
    )
    os.chmod(path, 0o600)
    new = [
        Source('a "quoted" \\ name', "https://a.org/x?y=1"),
        Source("b", "/p", "digest", False),
    ]
    save_sources(path, new)
    text = path.read_text("utf-8")
    assert "# my settings" in text and "# keep" in text
    data = tomllib.loads(text)
    assert data["fetch"] == {"interval_minutes": 15}
    assert data["ui"] == {"theme": "dark"}
    assert load_config(path).sources == new
    assert path.stat().st_mode & 0o777 == 0o600
    # No temp file left behind (the edit lock's empty file stays: config_lock)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".c.toml.lock", "c.toml"]


def test_save_sources_rewrites_an_inline_list(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        'sources = [{name = "x", url = "https://x.org/"}]\n[fetch]\nconcurrency = 3\n',
        encoding="utf-8",
    )
    save_sources(path, [Source("y", "https://y.org/")])
    config = load_config(path)
    assert config.sources == [Source("y", "https://y.org/")]
    assert config.fetch.concurrency == 3


def test_save_empty_source_list_means_none(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[fetch]\nconcurrency = 3\n", encoding="utf-8")
    save_sources(path, [])
    config = load_config(path)
    assert config.sources == [] and config.fetch.concurrency == 3


def test_save_refuses_to_clobber_a_broken_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[[sources]\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        save_sources(path, [Source("y", "https://y.org/")])
    assert path.read_text("utf-8") == "[[sources]\n"


_names = st.text(min_size=1, max_size=20).filter(lambda t: t.strip() == t and t.strip())
_urls = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
    st.text(max_size=20).map(lambda t: "".join(c for c in t if c.isalnum())),
)


@given(st.lists(st.tuples(_names, _urls, st.booleans()), max_size=4, unique_by=lambda t: t[0]))
def test_saved_sources_read_back_the_same(tmp_path_factory, entries):
    # Any names (quotes, backslashes, control characters, CJK) survive the round trip.
    path = tmp_path_factory.mktemp("cfg") / "c.toml"
    path.write_text("# mine\n[fetch]\nconcurrency = 3 # keep\n", encoding="utf-8")
    sources = [Source(name, url, enabled=on) for name, url, on in entries]
    save_sources(path, sources)
    assert load_config(path).sources == sources
    text = path.read_text("utf-8")
    assert "# mine" in text and "# keep" in text


def test_adding_sources_leaves_the_existing_ones_byte_for_byte(tmp_path):
    path = tmp_path / "c.toml"
    before = '[[sources]]\nname = "old"   # my first source\nurl = "https://old.org/"\n\n[fetch]\n'
    path.write_text(before, encoding="utf-8")
    save_sources(path, [Source("old", "https://old.org/"), Source("new", "https://new.org/")])
    text = path.read_text("utf-8")
    assert text.startswith(
        '[[sources]]\nname = "old"   # my first source\nurl = "https://old.org/"\n'
    )
    assert [s.name for s in load_config(path).sources] == ["old", "new"]


def test_save_writes_control_characters_escaped(tmp_path):
    path = tmp_path / "c.toml"
    save_sources(path, [Source('a\x00b\x1b[31m\u2028"', "https://a.org/")])
    text = path.read_text("utf-8")
    assert "\x1b" not in text and "\x00" not in text
    assert tomllib.loads(text)["sources"][0]["name"] == 'a\x00b\x1b[31m\u2028"'


def test_unknown_keys_are_warnings_naming_file_line_and_key(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        '[[sources]]\nname = "a"\nurl = "https://a.org/"\nenable = true\n\n'
        "[fetch]\nconcurency = 2\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.sources == [Source("a", "https://a.org/")]
    assert [str(w) for w in config.warnings] == [
        f"{path}:4: warning: unknown key 'enable' in [sources[1]] is ignored"
        " (did you mean 'enabled'?)",
        f"{path}:7: warning: unknown key 'concurency' in [fetch] is ignored"
        " (did you mean 'concurrency'?)",
    ]


# --- OPML ------------------------------------------------------------------------


def test_opml_round_trip():
    sources = [
        Source("digest <cs.AI> & co", "https://example.org/a.md?x=1&y=2", "digest"),
        Source("feed", "https://example.org/f.xml", "auto", False),
    ]
    data = write_opml(sources)
    assert data.startswith(b"<?xml")
    assert read_opml(data).sources == sources


def test_opml_round_trip_keeps_a_configured_category():
    """Found by a bug hunt: export wrote no category, so export -> import lost one the
    URL does not name (and with it cat:, the Category column and publish's filing)."""
    sources = [
        Source("x", "http://127.0.0.1:9/a.md", "digest", False, "cs.CL"),
        Source("q", "https://example.org/q.xml", "auto", True, "q-fin.ST"),
        Source("plain", "https://example.org/p.xml"),
    ]
    data = write_opml(sources)
    assert b'tuiDigestCategory="cs.CL"' in data and data.count(b"tuiDigestCategory") == 2
    assert read_opml(data).sources == sources
    merged = merge_sources([Source("keep", "http://127.0.0.1:9/b.md")], read_opml(data).sources)
    assert [s.category for s in merged.added] == ["cs.CL", "q-fin.ST", ""]
    # Not an arXiv category (the file is untrusted): no category, the source kept.
    odd = data.replace(b'tuiDigestCategory="cs.CL"', b'tuiDigestCategory="../etc"')
    assert [s.category for s in read_opml(odd).sources] == ["", "q-fin.ST", ""]


def test_opml_from_another_reader():
    data = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>x</title></head><body>
  <outline text="Science">
    <outline text="arXiv cs.CL" type="rss" xmlUrl="https://rss.arxiv.org/rss/cs.CL"/>
    <outline title="Dup" text="arXiv cs.CL" xmlUrl="https://rss.arxiv.org/rss/cs.LG"/>
    <outline text="Dup" xmlUrl="https://e.org/2"/>
  </outline>
  <outline text="local" xmlUrl="file:///etc/passwd"/>
  <outline text="note"/>
</body></opml>"""
    result = read_opml(data, source="subs.opml")
    assert [(s.name, s.url, s.kind) for s in result.sources] == [
        ("arXiv cs.CL", "https://rss.arxiv.org/rss/cs.CL", "auto"),
        ("Dup", "https://rss.arxiv.org/rss/cs.LG", "auto"),
        ("Dup (2)", "https://e.org/2", "auto"),
    ]
    assert len(result.skipped) == 1 and "only http(s)" in result.skipped[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body/></opml>',
            "XML entity declarations are not accepted",
        ),
        (b'<!doctype opml SYSTEM "file:///etc/passwd"><opml/>', "XML DOCTYPE is not accepted"),
        (b"<opml><body><outline></body></opml>", r"subs\.opml:1: not well-formed"),
        (b"<rss><channel/></rss>", "not <opml>"),
        (b"<opml><head/></opml>", "no <body>"),
        ("<opml/>".encode("utf-16"), "no <body>"),  # (read: UTF-16 with a BOM)
        ("<opml><body/></opml>".encode("utf-16-le") * 2, "looks like UTF-16 without a byte"),
        (b"<opml>\x00\x01\x00\x00<body/></opml>" * 4, "not OPML text"),
    ],
)
def test_bad_opml(data, message):
    with pytest.raises(OpmlError, match=message):
        read_opml(data, source="subs.opml")


def test_merge_sources():
    existing = [Source("a", "https://a.org/"), Source("b", "https://b.org/")]
    imported = [Source("a", "https://a.org/"), Source("a", "https://new.org/"), Source("c", "/x")]
    result = merge_sources(existing, imported)
    assert [s.name for s in result.sources] == ["a", "b", "a (2)", "c"]
    assert [s.url for s in result.added] == ["https://new.org/", "/x"]
    assert len(result.skipped) == 1 and "already a source" in result.skipped[0]


def test_a_bad_value_is_named_at_its_own_line_not_its_tables(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        "[fetch]\ninterval_minutes = 30\n# why so many\nconcurrency = 1e400\n\n[reader]\n"
        'auto_read = true\nread_after_seconds = "soon"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}:4: fetch\.concurrency"):
        load_config(path)
    path.write_text(path.read_text("utf-8").replace("concurrency = 1e400", "concurrency = 2"))
    # ([reader] is only the reader's: a warning for the rest; bug hunt s41 `auditconf` #10)
    (warning,) = load_config(path).reader_warnings
    assert str(warning).startswith(f"{path}:8: warning: reader.read_after_seconds must")


def test_a_bad_dotted_key_at_the_top_is_named_at_its_line(tmp_path):
    """`fetch.concurrency = 0` with no [fetch] header was named with no line (found
    by a bug hunt)."""
    path = tmp_path / "config.toml"
    path.write_text("# mine\n\nfetch.interval_minutes = 30\nfetch.concurrency = 0\n", "utf-8")
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}:4: fetch\.concurrency"):
        load_config(path)


@pytest.mark.parametrize("value", ["0.005", "0.5", "0.99", "-1", '"30"', "20000"])
def test_a_refresh_interval_under_a_minute_is_refused(tmp_path, value):
    """0.005 refreshed every 0.3 s while the reader ran (found by a bug hunt):
    the interval is 0 (off, as the README says) or at least a minute."""
    path = tmp_path / "c.toml"
    path.write_text(f"# mine\n[fetch]\nconcurrency = 2\ninterval_minutes = {value}\n", "utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (
        f"{path}:4: fetch.interval_minutes must be 0 (off) or a number of minutes from 1 to 10080"
    )


@pytest.mark.parametrize("value", [0, 1, 1.5, 60, 10080])
def test_a_refresh_interval_of_0_or_a_minute_or_more_is_taken(tmp_path, value):
    path = tmp_path / "c.toml"
    path.write_text(f"[fetch]\ninterval_minutes = {value}\n", "utf-8")
    assert load_config(path).fetch.interval_minutes == value


def test_a_bad_value_in_an_inline_table_is_named_at_that_tables_line(tmp_path):
    """Bug hunt s41 `auditconf` #8: the key's line was searched from the table's line
    to the end of the file, so a bad `concurrency` in `translate = { … }` was named
    at `[fetch]`'s good `concurrency = 4` three lines below."""
    from tui_digest.enrich.config import load_enrich_config
    from tui_digest.translate.config import load_translate_config

    path = tmp_path / "config.toml"
    path.write_text(
        'translate = { enabled = true, base_url = "http://127.0.0.1:9/v1", model = "m", '
        "concurrency = 99 }\n\n[fetch]\nconcurrency = 4\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}:1: translate\.concurrency"):
        load_translate_config(path)
    path.write_text("enrich = { batch_size = 5000 }\n\n[translate]\nbatch_size = 5\n", "utf-8")
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}:1: enrich\.batch_size"):
        load_enrich_config(path)
    path.write_text(
        '[fetch]\nper_host_interval = { "raw.githubusercontent.com" = -1 }\n\n'
        '[notes]\n"raw.githubusercontent.com" = "fast"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}:2: fetch\.per_host"):
        load_config(path)
    # In a table with a header, the key's own line still (test above).
    path.write_text("[translate]\nenabled = true\n\n[fetch]\nconcurrency = 0\n", "utf-8")
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}:5: fetch\.concurrency"):
        load_config(path)


def test_a_per_host_interval_keyed_by_host_and_port_or_url_is_warned_about(tmp_path):
    """Bug hunt s41 `auditconf` #4: `"127.0.0.1:8765" = 3` was accepted and never
    matched (the interval is looked up by the bare host name), so three requests
    went in the same second, with no word. Now a warning names the key, its line
    and the host name to write; a host name (any port of it) is taken as before."""
    path = tmp_path / "config.toml"
    path.write_text(
        "[fetch.per_host_interval]\n"
        'default = 1\n"127.0.0.1:8765" = 3\n"https://Lab.example.org/feeds" = 2\n'
        '"*.example.net" = 2\n"raw.githubusercontent.com" = 0.5\n"::1" = 4\n"例子.cn" = 1\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert [str(w) for w in config.warnings] == [
        f"{path}:3: warning: [fetch.per_host_interval] '127.0.0.1:8765' is not a host "
        "name and is ignored (write '127.0.0.1': an interval holds for every port of its host)",
        f"{path}:4: warning: [fetch.per_host_interval] 'https://Lab.example.org/feeds' is not "
        "a host name and is ignored (write 'lab.example.org': an interval holds for every "
        "port of its host)",
        f"{path}:5: warning: [fetch.per_host_interval] '*.example.net' is not a host name "
        "and is ignored (write 'example.net': an interval holds for its subdomains too)",
    ]
    assert config.fetch.host_intervals == {
        "raw.githubusercontent.com": 0.5,
        "::1": 4.0,
        "例子.cn": 1.0,
    }
    assert config.fetch.default_host_interval == 1.0
