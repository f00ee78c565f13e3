"""A server's declared charset (`Content-Type: text/markdown; charset=…`) for a
digest that is not UTF-8; and how a decoding note is said by `fetch`.

A GB18030 digest served `charset=gbk` gave "x: 1 entry could not be read
fully" though every paper was intact: the header's charset was ignored and the
decoding note counted as an entry's problem (found by a bug hunt).
"""

from __future__ import annotations

import pytest

from tui_digest.core.sanitize import declared_codec, decode_text
from tui_digest.fetch.results import SourceResult
from tui_digest.net.headers import charset_of

TRADITIONAL = "# 摘要\n\n繁體中文標題：擴散模型的高效採樣\n"


def test_a_declared_big5_document_is_read_as_big5_not_rescued_as_gb18030() -> None:
    data = TRADITIONAL.encode("big5")
    assert decode_text(data, "big5") == (TRADITIONAL, "big5", "")
    assert decode_text(data)[0] != TRADITIONAL  # (what the guess alone makes of it)


def test_a_declared_charset_the_bytes_are_not_valid_in_is_not_used() -> None:
    data = "中文标题".encode("gb18030")
    text, codec, note = decode_text(data, "shift_jis")
    assert (text, codec) == ("中文标题", "gb18030") and "GB18030" in note


def test_valid_utf8_wins_over_a_default_latin1_label() -> None:
    assert decode_text("中文 café".encode(), "iso-8859-1") == ("中文 café", "utf-8", "")
    # GB bytes under a server's default label: still rescued as GB18030.
    assert decode_text("中文标题".encode("gb18030"), "ISO-8859-1")[:2] == ("中文标题", "gb18030")


@pytest.mark.parametrize(
    ("label", "codec"),
    [("gbk", "gb18030"), ("GB2312", "gb18030"), ("big5", "big5"), ("utf-8", ""),
     ("utf-16", ""), ("no-such-charset", ""), ("", "")],
)  # fmt: skip
def test_declared_codec(label: str, codec: str) -> None:
    assert declared_codec(label) == codec


def test_charset_of() -> None:
    assert charset_of("text/markdown; charset=gbk") == "gbk"
    assert charset_of('text/markdown;Charset="GB2312" ; q=1') == "GB2312"
    assert charset_of("text/markdown") == ""


def test_fetch_says_a_decoding_note_as_a_warning_not_as_a_broken_entry(capsys) -> None:
    from tui_digest.cli_fetch import _print_result

    note = "bytes are not valid UTF-8; decoded as GB18030"
    _print_result(SourceResult("x", "http://h/a.md", "new", new=47, decoding=note))
    err = capsys.readouterr().err
    assert err.splitlines() == [f"x: warning: {note}"]
    assert "could not be read fully" not in err
