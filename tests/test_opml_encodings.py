"""OPML that is not UTF-8: decoded as digests and feeds are (`xml_decode`).

An OPML file declaring GB2312 (or GBK, Big5) failed as "tui-digest:
multi-byte encodings are not supported", naming neither the file nor the
encoding: expat's ValueError escaped the handler that names the file (bug
hunt `enc` #10).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import run_cli as run
from tui_digest.fetch.opml import OpmlError, read_opml

OPML = (
    '<?xml version="1.0" encoding="{enc}"?>\n'
    '<opml version="2.0"><head><title>订阅</title></head><body>\n'
    '<outline text="{name}" type="rss" xmlUrl="https://example.org/x.xml"/>\n'
    "</body></opml>\n"
)


@pytest.mark.parametrize(
    ("enc", "codec", "name"),
    [("GB2312", "gb18030", "中文"), ("GBK", "gbk", "中文"), ("Big5", "big5", "中文源")],
)
def test_opml_declared_in_a_multibyte_encoding_is_read(enc: str, codec: str, name: str) -> None:
    data = OPML.format(enc=enc, name=name).replace("订阅", "x").encode(codec)
    result = read_opml(data, source="gb.opml")
    assert [(s.name, s.url) for s in result.sources] == [(name, "https://example.org/x.xml")]
    assert result.notes == []


def test_gb_bytes_declared_utf8_are_rescued_and_said() -> None:
    data = OPML.format(enc="UTF-8", name="中文源").encode("gb18030")
    result = read_opml(data, source="gb.opml")
    assert [s.name for s in result.sources] == ["中文源"]
    assert result.notes == ["bytes are not valid UTF-8; decoded as GB18030"]


def test_utf16_with_a_bom_or_a_declaration_is_read_and_else_named() -> None:
    text = OPML.format(enc="UTF-16", name="中文")
    for data in (text.encode("utf-16"), text.encode("utf-16-le")):
        assert [s.name for s in read_opml(data, source="u.opml").sources] == ["中文"]
    bare = text.split("\n", 1)[1].encode("utf-16-le")  # (no BOM, no declaration)
    with pytest.raises(OpmlError, match=r"^u\.opml: .*looks like UTF-16 without a byte order"):
        read_opml(bare, source="u.opml")


def test_an_encoding_python_does_not_know_is_read_as_utf8() -> None:
    data = OPML.format(enc="x-no-such", name="abc").encode()
    assert [s.name for s in read_opml(data, source="odd.opml").sources] == ["abc"]


def test_sources_import_of_a_gb2312_opml(tmp_path: Path) -> None:
    opml = tmp_path / "gb.opml"
    opml.write_bytes(OPML.format(enc="GB2312", name="中文").encode("gb18030"))
    config = tmp_path / "c.toml"
    config.write_text("", encoding="utf-8")
    proc = run("--config", str(config), "sources", "import", str(opml), db=tmp_path / "c.db")
    assert proc.returncode == 0, proc.stderr
    assert "added 1 source(s)" in proc.stdout.decode()
    assert 'name = "中文"' in config.read_text("utf-8")
