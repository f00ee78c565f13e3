"""Editing the config file (`sources add|rm|import`, ctrl+s): where the text goes and
what of the user's text stays. Found by a bug hunt of hand-edited configs."""

from __future__ import annotations

import os
from pathlib import Path

from tui_digest.config.editing import remove_source, save_sources, save_watch
from tui_digest.config.loader import load_config
from tui_digest.config.sources import Source
from tui_digest.config.watches import Watch

PRIVATE = Source("private", "https://me:s3cret@127.0.0.1:9/cs.LG.md")


def test_an_edit_writes_through_a_symlinked_config_and_keeps_the_targets_mode(tmp_path):
    # A dotfiles setup: the config is a link into a repository, 0600 as it holds a
    # password. The link was replaced by a regular 0644 file holding the password,
    # and the dotfiles copy never got the edit.
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "tui.toml"
    real.write_text(f'[[sources]]\nname = "private"\nurl = "{PRIVATE.url}"\n', encoding="utf-8")
    os.chmod(real, 0o600)
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(Path("..") / "dotfiles" / "tui.toml")  # relative, as dotfiles managers do
    added = Source("x", "http://127.0.0.1:9/x.md")

    save_sources(link, [PRIVATE, added])
    save_watch(link, Watch("agents", "agent"))
    remove_source(link, "x")

    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.stat().st_mode & 0o777 == 0o600
    config = load_config(real)
    assert config.sources == [PRIVATE] and config.watches == [Watch("agents", "agent")]
    assert sorted(p.name for p in dotfiles.iterdir()) == ["tui.toml"]  # no temp file left
    assert sorted(p.name for p in link.parent.iterdir()) == ["config.toml"]
