"""A config folder that cannot be created: said as the cache's and the config's
other write errors are, not a bare "PATH: Permission denied" (found by a bug hunt).

Root ignores permissions, so the refusal is simulated: creating a folder below
`home` fails as it fails in a read-only or someone else's folder.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tui_digest import cli

WHY = {errno.EACCES: "Permission denied", errno.EROFS: "Read-only file system"}


def _refuse_folders_below(home: Path, err: int, monkeypatch) -> None:
    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args, **kwargs) -> None:
        if home in self.parents and self.parent.exists():
            raise OSError(err, WHY[err], str(self))
        return real_mkdir(self, *args, **kwargs)  # (parents=True: the one above first)

    monkeypatch.setattr(Path, "mkdir", mkdir)


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TUI_DIGEST_CONFIG", str(home / ".config" / "tui-digest" / "config.toml"))
    monkeypatch.setenv("TUI_DIGEST_DB", str(tmp_path / "c.db"))
    return home


@pytest.mark.parametrize("err", [errno.EACCES, errno.EROFS])
def test_sources_add_names_the_folder_it_cannot_create(home, monkeypatch, capsys, err) -> None:
    _refuse_folders_below(home, err, monkeypatch)
    assert cli.main(["sources", "add", "http://127.0.0.1:9/y.md"]) == 2
    config = home / ".config" / "tui-digest" / "config.toml"
    why = (
        f"no permission to create the folder {home / '.config'} in {home}"
        if err == errno.EACCES
        else f"cannot create the folder {home / '.config'}: {home} is on a read-only file system"
    )
    assert capsys.readouterr().err == f"tui-digest: cannot write {config}: {why}\n"
    assert not (home / ".config").exists()
