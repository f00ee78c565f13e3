"""A character XML does not allow (a NUL) inside a feed item, and malformed XML
that is not cut off.

A NUL before an arXiv item's `Abstract:` gave "error: the document is truncated
or malformed XML (not well-formed (invalid token)); kept the 25 complete
entries" with exit status 0, and the entry kept its "Abstract:" header (bug
hunt `enc` #5). XML 1.0 (section 2.2, production [2] Char) allows tab, line
feed and carriage return of the C0 controls, and neither U+FFFE nor U+FFFF.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import run_cli as run
from feed_server import arxiv_rss
from tui_digest.core.readers import read_document

PAPERS = [("2509.00001", "First paper"), ("2509.00002", "Second paper"), ("2509.00003", "Third")]


def with_before_abstract(insert: bytes, paper: str = "Second paper") -> tuple[bytes, int]:
    """The feed with `insert` before the `Abstract:` of `paper`'s item; its line."""
    data = arxiv_rss("cs.AI", PAPERS)
    at = data.index(b"Abstract: An abstract about " + paper.encode())
    return data[:at] + insert + data[at:], data[:at].count(b"\n") + 1


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1f", "\ufffe"])
def test_a_character_xml_forbids_is_removed_with_a_warning_naming_it_and_its_line(
    char: str,
) -> None:
    data, line = with_before_abstract(char.encode())
    result = read_document(data, source="nul.xml")
    assert [p.id for p in result.digest.papers] == ["2509.00001", "2509.00002", "2509.00003"]
    assert not result.truncated
    [problem] = result.problems
    assert problem.format("nul.xml") == (
        f"nul.xml:{line}: warning: character U+{ord(char):04X} is not allowed in XML; removed"
    )
    abstracts = [p.abstract_en for p in result.digest.papers]
    assert abstracts[1] == "An abstract about Second paper."  # no "Abstract:" left


def test_an_invalid_byte_before_the_abstract_header_leaves_no_header() -> None:
    data, _ = with_before_abstract(b"\xff")
    result = read_document(data, source="bad.xml")
    assert result.digest.papers[1].abstract_en == "An abstract about Second paper."


def test_malformed_xml_that_keeps_every_entry_is_a_warning_not_truncated() -> None:
    data = arxiv_rss("cs.AI", PAPERS).replace(b"<title>Second paper", b"<title>Second <b> paper")
    result = read_document(data, source="bad.xml")
    assert len(result.digest.papers) == 3 and not result.truncated
    [problem] = [p for p in result.problems if "XML" in p.message]
    assert problem.severity == "warning"
    assert "truncated" not in problem.message
    assert problem.message.startswith("the document is not well-formed XML (")
    assert problem.message.endswith("; its 3 entries were read")


def test_import_of_a_feed_with_a_nul_exits_0_with_a_warning(tmp_path: Path) -> None:
    data, line = with_before_abstract(b"\x00")
    (tmp_path / "nul.xml").write_bytes(data)
    proc = run("import", str(tmp_path / "nul.xml"), db=tmp_path / "c.db")
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    where = f"{tmp_path / 'nul.xml'}:{line}"
    assert err == f"{where}: warning: character U+0000 is not allowed in XML; removed\n"


def test_import_exits_1_when_an_error_is_said(tmp_path: Path) -> None:
    """`error:` on standard error and exit status 0 disagreed (README: 1 when an
    input could not be read): an entry left out of a malformed (not cut off)
    feed is an error, and the import exits 1, as for a cut-off feed."""
    data = arxiv_rss("cs.AI", PAPERS)
    last = data.rindex(b"</item>")
    (tmp_path / "open.xml").write_bytes(data[:last] + data[last + len(b"</item>") :])
    proc = run("import", str(tmp_path / "open.xml"), db=tmp_path / "c.db")
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert ": error: the document is not well-formed XML (mismatched tag); kept the 2 " in err
    assert "entry 3: incomplete (its element is not closed); skipped" in err
    assert "truncated" not in err


def test_the_entry_left_unclosed_is_the_one_skipped_and_named(tmp_path: Path) -> None:
    """An early `</item>` missing cost the LAST entry, closed properly, and the
    warning named it; the entry left open was kept (regression hunt `regenc`
    #3). The entry whose element is not closed is the one skipped, by name."""
    data = arxiv_rss("cs.AI", PAPERS)
    first = data.index(b"</item>")
    line = data[: data.index(b"<item")].count(b"\n") + 1
    result = read_document(data[:first] + data[first + len(b"</item>") :], source="open.xml")
    assert [p.id for p in result.digest.papers] == ["2509.00002", "2509.00003"]
    skipped = [p for p in result.problems if "incomplete" in p.message]
    assert [(p.line, p.message) for p in skipped] == [
        (line, "entry 1: incomplete (its element is not closed); skipped")
    ]
