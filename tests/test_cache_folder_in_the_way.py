"""The cache's folder is a file, or a symlink to nothing: said so.

Both said "cannot create the cache's folder (PATH: File exists)" (found by a
bug hunt), which names no reason: the path is there, but no folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest import cli
from tui_digest.core.store import CacheError, Store

SAMPLE = Path(__file__).parent.parent / "src/tui_digest/data/sample-digest.md"


def test_a_file_where_the_cache_folder_goes(tmp_path: Path, capsys) -> None:
    in_the_way = tmp_path / "xfile"
    in_the_way.touch()
    with pytest.raises(CacheError) as caught:
        Store.open(in_the_way / "cache.db")
    assert str(caught.value) == (
        f"{in_the_way}: cannot create the cache's folder ({in_the_way} is a file, not a folder)"
    )
    assert cli.main(["--db", str(in_the_way / "cache.db"), "import", str(SAMPLE)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_a_dangling_symlink_where_the_cache_folder_goes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    link = data / "tui-digest"
    link.symlink_to(tmp_path / "nonexist")
    with pytest.raises(CacheError) as caught:
        Store.open(link / "cache.db")
    assert str(caught.value) == (
        f"{link}: cannot create the cache's folder ({link} is a symlink to "
        f"{tmp_path / 'nonexist'}, which does not exist)"
    )


def test_a_file_further_up_is_named(tmp_path: Path) -> None:
    (tmp_path / "up").touch()
    with pytest.raises(CacheError, match=r"\(\S+/up is a file, not a folder\)$"):
        Store.open(tmp_path / "up" / "below" / "cache.db")
