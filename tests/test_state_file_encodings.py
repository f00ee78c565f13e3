"""`state import` of a state file that is not UTF-8.

A state file converted to GB18030 (`iconv -t gb18030`) was read as UTF-8 with
U+FFFD: its notes were applied garbled ("\ufffd\u02bc\ufffd Pok\ufffd\ufffdmon"),
its Chinese tags lost, with the original time stamps and exit status 0 (bug
hunt `enc` #11). Digests and archive records rescue the same bytes as GB18030.
"""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_cli

DIGEST = Path(__file__).parent / "fixtures" / "digests" / "canonical-3.md"
PAPER = "2403.10056"


def _exported(tmp_path: Path) -> str:
    src = tmp_path / "src.db"
    assert run_cli("import", str(DIGEST), db=src).returncode == 0
    assert run_cli("note", PAPER, "笔记 Pokémon", db=src).returncode == 0
    assert run_cli("tag", PAPER, "+标签", db=src).returncode == 0
    state = tmp_path / "st.jsonl"
    assert run_cli("state", "export", "-o", str(state), db=src).returncode == 0
    return state.read_text("utf-8")


def _paper(db: Path) -> dict:
    proc = run_cli("search", "--json", PAPER, db=db)
    [row] = json.loads(proc.stdout)
    return row


def test_a_gb18030_state_file_is_decoded_as_digests_are(tmp_path: Path) -> None:
    text = _exported(tmp_path)
    gb = tmp_path / "stgb.jsonl"
    gb.write_bytes(text.encode("gb18030"))
    dst = tmp_path / "dst.db"
    assert run_cli("import", str(DIGEST), db=dst).returncode == 0
    proc = run_cli("state", "import", str(gb), db=dst)
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert err == f"tui-digest: {gb}: bytes are not valid UTF-8; decoded as GB18030\n"
    row = _paper(dst)
    assert row["note"] == "笔记 Pokémon"
    assert row["tags"] == ["标签"]


def test_lines_with_bytes_that_are_not_utf8_are_not_applied(tmp_path: Path) -> None:
    """Never a garbled note applied with exit status 0: the line is named and
    left out (the file's other lines are applied), and the import exits 1."""
    text = _exported(tmp_path)
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines, 1) if '"note"' in line)
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(text.encode().replace("笔记".encode(), b"\xff\xfe"))
    dst = tmp_path / "dst.db"
    assert run_cli("import", str(DIGEST), db=dst).returncode == 0
    proc = run_cli("state", "import", str(bad), db=dst)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert f"{bad}: not valid UTF-8" in err
    assert f"{bad}:{number}: bytes that are not valid UTF-8; not applied" in err
    row = _paper(dst)
    assert row["note"] in ("", None)
    assert row["tags"] == ["标签"]  # (its own line, valid)


def test_lines_not_utf8_are_named_in_a_file_with_lone_cr_line_ends(tmp_path: Path) -> None:
    """Lines end at a lone CR too (an old Mac's files): the lines with invalid
    bytes were counted at LF only, so a CR-only file had its header refused and
    its garbled note applied (the merge of two fixes of bug hunt `enc`)."""
    text = _exported(tmp_path)
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines, 1) if '"note"' in line)
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(text.replace("\n", "\r").encode().replace("笔记".encode(), b"\xff\xfe"))
    dst = tmp_path / "dst.db"
    assert run_cli("import", str(DIGEST), db=dst).returncode == 0
    proc = run_cli("state", "import", str(bad), db=dst)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert f"{bad}:{number}: bytes that are not valid UTF-8; not applied" in err
    assert _paper(dst)["note"] in ("", None)
    assert _paper(dst)["tags"] == ["标签"]
