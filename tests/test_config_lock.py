"""Config edits at once serialise: an exclusive lock beside the config file around
each read-modify-write (found by a bug hunt: two `sources add` at once both said
"added" and one source was lost, each writing the list it had read before the
other's edit)."""

from __future__ import annotations

import io
import sys
import threading
from pathlib import Path

import pytest

from tui_digest import cli, cli_sources
from tui_digest.config import editing
from tui_digest.config.config_lock import config_locked
from tui_digest.config.loader import load_config
from tui_digest.config.watches import Watch

FIXTURE = Path(__file__).parent / "fixtures" / "digests" / "canonical-3.md"


def _feed(tmp_path: Path, name: str) -> str:
    path = tmp_path / name / "digest-cs.LG.md"
    path.parent.mkdir()
    path.write_bytes(FIXTURE.read_bytes())
    return str(path)


def _add(config: Path, url: str, name: str, statuses: list[int]) -> None:
    argv = ["sources", "add", url, "--name", name, "--config", str(config)]
    saved = sys.stdout
    sys.stdout = io.StringIO()  # (each thread's own: the lines are not checked here)
    try:
        statuses.append(cli.main(argv))
    finally:
        sys.stdout = saved


def test_two_sources_add_at_once_keep_both(tmp_path, monkeypatch):
    """The first run is paused just before it writes; a second run starts there.
    Without the lock the second wrote its source and the first then wrote the
    list it had read, without it."""
    config = tmp_path / "config.toml"
    config.write_text("# mine\n[enrich]\nafter_fetch = false\n", encoding="utf-8")
    _race(tmp_path, monkeypatch, config, config)
    assert config.read_text(encoding="utf-8").startswith("# mine\n")


def test_two_sources_add_at_once_on_a_fresh_machine_keep_both(tmp_path, monkeypatch):
    """No config folder yet: no lock was taken at all (regression hunt `regfiles` 5;
    six `sources add` at once kept one to five sources)."""
    config = tmp_path / "fresh" / "tui-digest" / "config.toml"
    _race(tmp_path, monkeypatch, config, config)


def test_two_names_of_a_linked_config_edited_at_once_keep_both(tmp_path, monkeypatch):
    """A config linked into a dotfiles repository, edited by two names at once:
    each name had its own lock file (regression hunt `regfiles` 5)."""
    real = tmp_path / "dot" / "config.toml"
    real.parent.mkdir()
    real.write_text("# mine\n[enrich]\nafter_fetch = false\n", encoding="utf-8")
    (tmp_path / "cfgA").mkdir()
    one, other = tmp_path / "cfgA" / "config.toml", tmp_path / "cfgB.toml"
    one.symlink_to(real)
    other.symlink_to("dot/config.toml")
    _race(tmp_path, monkeypatch, one, other, check=real)
    assert one.is_symlink() and other.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("# mine\n")


def _race(tmp_path, monkeypatch, config, second_config, check=None):  # type: ignore[no-untyped-def]
    first_url, second_url = _feed(tmp_path, "a"), _feed(tmp_path, "b")
    statuses: list[int] = []
    second_ended_or_waits = threading.Event()
    real_save, real_say = editing.save_sources, cli_sources._say_waiting

    def say_waiting(path: Path) -> None:  # the second run found the config locked
        second_ended_or_waits.set()
        real_say(path)

    def second_run() -> None:
        try:
            _add(second_config, second_url, "second", statuses)
        finally:
            second_ended_or_waits.set()

    started: list[threading.Thread] = []

    def save_sources(path, sources):  # type: ignore[no-untyped-def]
        if not started:  # the first run, about to write
            started.append(threading.Thread(target=second_run))
            started[0].start()
            assert second_ended_or_waits.wait(timeout=60)
        return real_save(path, sources)

    monkeypatch.setattr(editing, "save_sources", save_sources)
    monkeypatch.setattr(cli_sources, "_say_waiting", say_waiting)
    _add(config, first_url, "first", statuses)
    started[0].join(timeout=60)
    assert statuses == [0, 0]
    names = [s.name for s in load_config(check or config).sources]
    assert names.count("first") == 1 and names.count("second") == 1


def test_the_lock_is_taken_again_by_the_same_thread_and_not_by_another(tmp_path):
    """Held: an edit inside it (save_watch) goes on in the same thread; another
    thread waits, and is told once that it waits."""
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    waits = threading.Event()
    saved = threading.Event()

    def other() -> None:
        with config_locked(config, waiting=lambda path: waits.set()):
            editing.save_watch(config, Watch("b", "graph"))
        saved.set()

    with config_locked(config):
        editing.save_watch(config, Watch("a", "agent"))  # (reentrant: no deadlock)
        thread = threading.Thread(target=other)
        thread.start()
        assert waits.wait(timeout=60)  # it found the lock held
        assert not saved.is_set()
    thread.join(timeout=60)
    assert saved.is_set()
    assert [w.name for w in load_config(config).watches] == ["a", "b"]


def test_a_failed_edit_of_a_config_in_a_missing_folder_writes_no_config(tmp_path):
    """The folder is made for the edit's lock (without it two first edits at
    once took none), but a failed edit writes no config there."""
    from tui_digest.config.errors import ConfigError

    config = tmp_path / "typo" / "config.toml"
    with pytest.raises(ConfigError, match="no source named"):
        editing.remove_source(config, "nothing")
    assert not config.exists()
    editing.save_watch(config, Watch("a", "agent"))  # (the first edit makes it)
    assert [w.name for w in load_config(config).watches] == ["a"]
