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


def test_a_symlink_loop_is_called_one(tmp_path: Path) -> None:
    # It said "loop1 is a symlink to loop2, which does not exist": loop2 does
    # (a link back to loop1).
    (tmp_path / "loop2").symlink_to("loop1")
    (tmp_path / "loop1").symlink_to("loop2")
    with pytest.raises(CacheError) as caught:
        Store.open(tmp_path / "loop1" / "cache.db")
    said = str(caught.value)
    assert said.endswith(f"({tmp_path / 'loop1'} is a symlink loop (loop1 -> loop2 -> loop1))")
    assert "does not exist" not in said


def test_a_dangling_symlink_where_the_config_folder_goes(tmp_path: Path, monkeypatch, capsys):
    # The cache refused a symlink to nothing (a drive not mounted); the config
    # made its target, on the wrong disk, hidden once the drive is mounted.
    xc = tmp_path / "xc"
    xc.mkdir()
    target = tmp_path / "usbdrive" / "cfg"
    (xc / "tui-digest").symlink_to(target)
    monkeypatch.delenv("TUI_DIGEST_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xc))
    monkeypatch.setenv("TUI_DIGEST_DB", str(tmp_path / "c.db"))
    assert cli.main(["sources", "add", "http://127.0.0.1:9/y.md"]) == 2
    err = capsys.readouterr().err
    assert f"{xc / 'tui-digest'} is a symlink to {target}, which does not exist" in err, err
    assert err.startswith(f"tui-digest: cannot write {xc / 'tui-digest' / 'config.toml'}: ")
    assert not (tmp_path / "usbdrive").exists()
