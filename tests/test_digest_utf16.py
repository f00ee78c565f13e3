"""A Markdown digest saved as UTF-16 with a byte order mark is read like its UTF-8 bytes.

Windows Notepad's "Unicode" is UTF-16 LE with a BOM (and CRLF line ends); a
BOM names its encoding beyond doubt. Before, such a digest was refused as
"not a digest" (decoded as UTF-8 with U+FFFD), although a UTF-16 feed read.
The whole-text reader (`read_digest`), the streamed one (`open_kept`) and the
CLI import must agree.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from tests.cli_support import run_cli

from tui_digest.core.digest_format import DigestStream, read_digest
from tui_digest.core.sanitize import decode_text
from tui_digest.core.text_stream import open_kept, split_lines

MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"
TEXT = MINI.read_text(encoding="utf-8")
EXPECTED = read_digest(TEXT, source="mini.md").digest.papers

ENCODED = {
    "utf-16-le-crlf": b"\xff\xfe" + TEXT.replace("\n", "\r\n").encode("utf-16-le"),
    "utf-16-be": b"\xfe\xff" + TEXT.encode("utf-16-be"),
    "utf-32-le": b"\xff\xfe\x00\x00" + TEXT.encode("utf-32-le"),
}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_whole_reader_decodes_by_the_bom(name):
    result = read_digest(ENCODED[name], source=f"{name}.md")
    assert result.digest.papers == EXPECTED
    assert result.problems == []


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_streamed_reader_decodes_by_the_bom_and_keeps_the_bytes(tmp_path, name):
    path = tmp_path / f"{name}.md"
    path.write_bytes(ENCODED[name])
    with path.open("rb") as f:
        text, decoding, kept = open_kept(f)
        with kept:
            stream = DigestStream(source=str(path), decoding=decoding)
            papers = [p for _, p in sorted(stream.read(split_lines(text)), key=lambda i: i[0])]
            kept_file, _ = kept.compressed()
            assert zlib.decompress(kept_file.read()) == ENCODED[name]
    assert decoding == ""
    assert papers == EXPECTED
    assert stream.problems == []


def test_a_cut_utf16_document_is_decoded_with_a_note():
    data = ENCODED["utf-16-le-crlf"][:-1]  # an odd byte count
    text, codec, note = decode_text(data)
    assert codec == "utf-16-le"
    assert text.startswith("# 摘要") and text.endswith("\ufffd")
    assert note == "bytes are not valid UTF-16-LE; invalid sequences replaced with U+FFFD"


def test_cli_imports_a_notepad_unicode_digest(tmp_path):
    path = tmp_path / "mini-2024-03-18.md"
    path.write_bytes(ENCODED["utf-16-le-crlf"])
    db = tmp_path / "t.db"
    proc = run_cli("import", str(path), db=db)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "3 papers (digest): 3 new" in proc.stdout.decode()
    proc = run_cli("search", "diffusion", "--json", db=db)
    found = json.loads(proc.stdout)
    assert [p["id"] for p in found] == ["2403.00001"]
    assert found[0]["title_zh"] == "扩散模型的高效采样"
    # The original bytes are kept as they came.
    proc = run_cli("export", "--digest", "mini-2024-03-18", db=db)
    assert proc.stdout == ENCODED["utf-16-le-crlf"]
