"""The reopen place is kept per cache (`ui/settings.py`)."""

from __future__ import annotations

import json
from pathlib import Path

from tui_digest.ui.settings import PLACES_KEPT, Settings


def test_a_settings_file_from_before_keeps_its_place_for_the_cache_opened(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"digest": "d1", "paper": "2401.00001", "language": "zh"}))
    settings = Settings.load(path, cache=tmp_path / "a.db")
    assert (settings.digest, settings.paper, settings.language) == ("d1", "2401.00001", "zh")
    settings.save(path)
    # Saved, it is that cache's place; another cache starts from none.
    other = Settings.load(path, cache=tmp_path / "b.db")
    assert (other.digest, other.paper, other.language) == ("", "", "zh")
    assert Settings.load(path, cache=tmp_path / "a.db").digest == "d1"


def test_the_places_of_the_most_recent_caches_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for n in range(PLACES_KEPT + 2):
        settings = Settings.load(path, cache=tmp_path / f"{n}.db")
        settings.digest = f"digest {n}"
        settings.save(path)
    assert Settings.load(path, cache=tmp_path / "0.db").digest == ""  # the oldest went
    assert Settings.load(path, cache=tmp_path / "2.db").digest == "digest 2"
    assert Settings.load(path, cache=tmp_path / f"{PLACES_KEPT + 1}.db").digest.endswith("9")
    places = json.loads(path.read_text())["places"]
    assert len(places) == PLACES_KEPT and "cache" not in json.loads(path.read_text())


def test_a_cache_named_through_a_link_is_the_same_cache(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    real = tmp_path / "real.db"
    real.write_bytes(b"")
    (tmp_path / "link.db").symlink_to(real)
    settings = Settings.load(path, cache=tmp_path / "link.db")
    settings.paper = "2401.00002"
    settings.save(path)
    assert Settings.load(path, cache=real).paper == "2401.00002"


def test_two_readers_open_at_once_keep_each_others_place(tmp_path: Path) -> None:
    """Each reader saved the places it had read at its start: the one closed last
    put back the other cache's old place (found by a regression hunt)."""
    path = tmp_path / "settings.json"
    small = Settings.load(path, cache=tmp_path / "small.db")
    big = Settings.load(path, cache=tmp_path / "big.db")
    small.digest = "digest-pipe"
    small.save(path)  # closed first
    big.digest = ""
    big.paper = "2401.00003"
    big.save(path)
    assert Settings.load(path, cache=tmp_path / "small.db").digest == "digest-pipe"
    assert Settings.load(path, cache=tmp_path / "big.db").paper == "2401.00003"


def test_a_symlinked_settings_file_is_written_through_its_link(tmp_path):
    """Found by a bug hunt: settings.json linked from a dotfiles folder was
    replaced by a regular file when the reader quit; the linked file stayed
    stale for good. It is written through the link, which stays."""
    import os

    real = tmp_path / "dotfiles" / "settings.json"
    real.parent.mkdir()
    real.write_text("{}\n")
    real.chmod(0o600)
    link = tmp_path / "config" / "settings.json"
    link.parent.mkdir()
    link.symlink_to(real)
    settings = Settings.load(link)
    settings.language = "zh"
    settings.save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert '"language": "zh"' in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o600


def test_a_second_reader_that_quits_keeps_the_choices_the_first_made(tmp_path: Path) -> None:
    """Found by a bug hunt (s41 #9): reader B, opened while A ran, quit and wrote
    every choice as it had read them at its start: A's language, layout, split,
    summary column and theme were reverted. B writes only what it changed."""
    path = tmp_path / "settings.json"
    a = Settings.load(path, cache=tmp_path / "a.db")
    b = Settings.load(path, cache=tmp_path / "b.db")
    a.language, a.layout, a.split, a.summary, a.theme = "zh", "stacked", 40, False, "nord"
    a.save(path)  # (each choice is saved as it is made)
    b.paper = "2401.00003"
    b.save(path)  # B quits, having changed none of them
    restarted = Settings.load(path, cache=tmp_path / "a.db")
    assert (restarted.language, restarted.layout, restarted.split) == ("zh", "stacked", 40)
    assert (restarted.summary, restarted.theme) == (False, "nord")
    assert Settings.load(path, cache=tmp_path / "b.db").paper == "2401.00003"


def test_each_reader_keeps_what_it_changed_field_by_field(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    a = Settings.load(path, cache=tmp_path / "a.db")
    b = Settings.load(path, cache=tmp_path / "b.db")
    a.language = "zh"
    a.save(path)
    b.split_stacked = 70
    b.save(path)  # B's own change joins A's
    a.save(path)  # and A, quitting after, keeps B's
    restarted = Settings.load(path)
    assert (restarted.language, restarted.split_stacked) == ("zh", 70)
    # A choice changed back is a change too: B had "both", chose "en", then
    # "both" again (the file's "zh" is A's older choice; B's last one wins).
    b.language = "en"
    b.save(path)
    b.language = "both"
    b.save(path)
    assert Settings.load(path).language == "both"
    # A later reader (a restart) starts from the file, and its quit keeps it.
    c = Settings.load(path, cache=tmp_path / "c.db")
    a.layout = "wide"
    a.save(path)
    c.save(path)
    assert (Settings.load(path).layout, Settings.load(path).language) == ("wide", "both")


def test_a_broken_value_on_disk_is_replaced_by_this_readers(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    b = Settings.load(path, cache=tmp_path / "b.db")
    path.write_text(json.dumps({"language": "klingon", "split": "wide"}))
    b.save(path)
    assert json.loads(path.read_text())["language"] == "both"
    assert json.loads(path.read_text())["split"] == 60


def test_a_cache_path_with_odd_characters_finds_its_place(tmp_path: Path) -> None:
    """Found by a bug hunt (s41 #6): the place of a cache in "My  Papers" (two
    spaces), or with a tab or a byte that is no UTF-8 in its path, was saved
    under the path but looked up under a cleaned one, and never found."""
    import os

    path = tmp_path / "settings.json"
    folders = ["My  Papers", "tab\there", os.fsdecode(b"caf\xe9"), "end "]
    for n, folder in enumerate(folders):
        (tmp_path / folder).mkdir()
        settings = Settings.load(path, cache=tmp_path / folder / "cache.db")
        settings.paper = f"2403.0388{n}"
        settings.save(path)
    for n, folder in enumerate(folders):
        assert Settings.load(path, cache=tmp_path / folder / "cache.db").paper == f"2403.0388{n}"
    assert len(json.loads(path.read_text())["places"]) == len(folders)
