"""A locale that is not UTF-8 (zh_CN.GBK, latin-1) costs no output.

`search` printed nothing and exited 2 under GBK on its own unread marker "•"
("'gbk' codec can't encode character '\\u2022'"; found by a bug hunt). Text for
people now shows such a character as "?", and JSON, like the exports, is UTF-8
whatever the locale (RFC 8259, section 8.1), so no character is lost there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui_digest.core.digest_write import write_digest
from tui_digest.core.model import Paper


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("locale")
    paper = Paper(
        id="2403.00001",
        title_en="Naïve diffusion for Ωmega graphs",
        title_zh="扩散模型的图学习",
        abstract_en="We study diffusion.",
        abstract_zh="我们研究扩散模型。",
        authors=["Zoë Ünal", "李娜"],
        categories=["cs.LG"],
    )
    digest = folder / "cs.LG-2024-03-18.md"
    digest.write_text(write_digest([paper]), encoding="utf-8")
    db = folder / "cache.db"
    done = _cli(["import", str(digest)], db, "utf-8")
    assert done.returncode == 0, done.stderr
    return db


def _cli(args: list[str], db: Path, encoding: str) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, TUI_DIGEST_DB=str(db), PYTHONIOENCODING=encoding)
    env.pop("PYTHONUTF8", None)
    return subprocess.run([sys.executable, "-m", "tui_digest", *args], env=env, capture_output=True)


@pytest.mark.parametrize("encoding", ["gbk", "latin-1", "ascii"])
def test_a_table_is_printed_in_the_locales_encoding(cache: Path, encoding: str) -> None:
    done = _cli(["search", "diffusion"], cache, encoding)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode(encoding)
    assert "2403.00001" in text and "?" in text  # "•" (and more) as "?"
    if encoding == "gbk":
        assert "扩散模型的图学习" in text or "Naïve diffusion" not in text


@pytest.mark.parametrize(
    "args",
    [["search", "diffusion", "--json"], ["digests", "--json"], ["sources", "list", "--json"]],
)
def test_json_is_utf8_whatever_the_locale(cache: Path, args: list[str]) -> None:
    expected = _cli(args, cache, "utf-8")
    assert expected.returncode == 0, expected.stderr
    done = _cli(args, cache, "gbk")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.decode("utf-8")) == json.loads(expected.stdout.decode("utf-8"))
    if args[0] == "search":
        assert json.loads(done.stdout)[0]["title_en"] == "Naïve diffusion for Ωmega graphs"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_messages_show_a_missing_character_as_stdout_does(
    cache: Path, tmp_path: Path, encoding: str
) -> None:
    """Standard output showed a character the encoding lacks as "?" and standard
    error as Python's `\\u574f`: one import printed `names/??-cs.AI…` and
    `names/\\u574f-cs.AI.xml` (found by a bug hunt). Both show "?" now."""
    missing = tmp_path / "坏-cs.AI.md"
    done = _cli(["import", str(missing)], cache, encoding)
    assert done.returncode != 0
    said = done.stderr.decode(encoding)
    assert "\\u" not in said, said
    assert "?-cs.AI.md" in said
