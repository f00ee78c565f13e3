"""The reader's small persistent settings (language view, layout, columns), stored as JSON.

Where: `TUI_DIGEST_SETTINGS` if set; else `settings.json` next to the file named by
`TUI_DIGEST_CONFIG`; else platformdirs' user config folder. A missing or broken file
gives the defaults: settings are a convenience, never a reason not to start.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_digest.core.sanitize import clean_line

LANGUAGES = ("both", "zh", "en")
LANGUAGE_LABELS = {"both": "中文 + English", "zh": "中文", "en": "English"}
LAYOUTS = ("auto", "wide", "stacked")
# The list's share of the panes in percent, side by side (`split`) and stacked
# (`split_stacked`); `<` / `>` move it by SPLIT_STEP within SPLIT_RANGE.
SPLIT_RANGE = (25, 80)
SPLIT_STEP = 5
# The reopen place is kept per cache (`--db`): one cache's digest and paper
# reopened another on All papers at the top, its own place lost (found by a bug
# hunt). The places of this many caches, the most recently closed last.
PLACES_KEPT = 8
_PLACE = ("digest", "query", "paper", "foryou_newest")
# The choices every reader shares (the reopen place is each cache's own).
_CHOICES = ("language", "layout", "summary", "split", "split_stacked", "theme")


def settings_path() -> Path:
    explicit = os.environ.get("TUI_DIGEST_SETTINGS")
    if explicit:
        return Path(explicit).expanduser()
    config = os.environ.get("TUI_DIGEST_CONFIG")
    if config:
        return Path(config).expanduser().parent / "settings.json"
    from platformdirs import user_config_dir

    return Path(user_config_dir("tui-digest")) / "settings.json"


# repr=False: nothing prints these; each method a dataclass generates costs
# the reader's start ~60 us (issue 13 req 5).
@dataclass(slots=True, repr=False)
class Settings:
    """The reader's remembered choices (the settings file)."""

    language: str = "both"
    layout: str = "auto"  # "auto" follows the terminal width
    summary: bool = True  # the list's summary column (`c`)
    split: int = 60
    split_stacked: int = 55
    theme: str = ""
    # Where the reader was closed, to reopen there: a digest name ("" = all
    # papers), the search text and the arXiv id of the current paper.
    digest: str = ""
    query: str = ""
    paper: str = ""
    # The search was For you's newest day (`date:D sort:foryou`): reopened, it is
    # the newest day then, not day D.
    foryou_newest: bool = False
    # The four above for each cache (by its resolved path), and the cache they
    # now describe ("": a file from before, whose place is any cache's).
    places: dict[str, dict[str, object]] = field(default_factory=dict)
    cache: str = ""
    # `_CHOICES` as this reader last read or wrote them: one still so was not
    # changed here, and `save` keeps the file's (another reader's) value. Each
    # reader wrote every choice as read at its start: quitting one reverted the
    # language, layout, split, summary and theme chosen meanwhile in another
    # (found by a bug hunt). Empty: a Settings not read from a file, all its own.
    known: dict[str, object] = field(default_factory=dict, compare=False)

    @classmethod
    def load(cls, path: Path | None = None, *, cache: Path | None = None) -> Settings:
        """The settings file's, with the reopen place of `cache` (if given)."""
        path = path or settings_path()
        settings = cls()
        if cache is not None:
            settings.cache = _cache_key(cache)
        raw = _read(path)
        for name, value in _choices_of(raw).items():
            setattr(settings, name, value)
        settings.known = {name: getattr(settings, name) for name in _CHOICES}
        for name in ("digest", "query", "paper"):
            if isinstance(raw.get(name), str):
                setattr(settings, name, clean_line(raw[name], 500))
        if isinstance(raw.get("foryou_newest"), bool):
            settings.foryou_newest = raw["foryou_newest"]
        settings.places = _places_of(raw)
        if settings.cache and settings.places:
            # (A file from before has no places: its one place is this cache's.)
            settings._use_place(settings.places.get(settings.cache, {}))
        return settings

    def _use_place(self, place: dict[str, object]) -> None:
        self.digest = self.query = self.paper = ""
        self.foryou_newest = place.get("foryou_newest") is True
        for name in ("digest", "query", "paper"):
            value = place.get(name)
            if isinstance(value, str):
                setattr(self, name, clean_line(value, 500))

    def save(self, path: Path | None = None) -> None:
        """Write this reader's place and the choices it changed, the file's other
        values kept; an unwritable folder only costs persistence (raises OSError)."""
        from tui_digest.core.atomic_file import write_atomic

        # A settings file linked from a dotfiles folder is written through the link
        # (as the config is: `config.writing`); replacing the link left the linked
        # file stale for good (found by a bug hunt).
        path = Path(os.path.realpath(path or settings_path()))
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path):  # (read, merge, write: two readers quitting at once)
            data, mine = self._merged(_read(path))
            write_atomic(path, json.dumps(data, indent=2) + "\n", overwrite=True)
        self.known.update(mine)

    def _merged(self, raw: dict[str, object]) -> tuple[dict[str, object], dict[str, object]]:
        """(what to write over the file's content `raw`, the choices of this reader in it)."""
        on_disk = _choices_of(raw)
        data: dict[str, object] = {}
        mine: dict[str, object] = {}
        for name in _CHOICES:
            value = getattr(self, name)
            if name in on_disk and name in self.known and self.known[name] == value:
                data[name] = on_disk[name]  # (not changed here: the file's stays)
            else:
                data[name] = mine[name] = value
        data.update({name: getattr(self, name) for name in _PLACE})
        # The places as the file has them now: a reader closed meanwhile on
        # another cache wrote its own, which the copy read at the start lacks
        # (two readers at once lost each other's place; found by a regression hunt).
        self.places = {**self.places, **_places_of(raw)}
        if self.cache:
            self.places.pop(self.cache, None)  # (re-inserted last: the most recent)
            self.places[self.cache] = {name: getattr(self, name) for name in _PLACE}
            while len(self.places) > PLACES_KEPT:
                del self.places[next(iter(self.places))]
        data["places"] = self.places
        return data, mine


def _places_of(raw: dict[str, object]) -> dict[str, dict[str, object]]:
    places = raw.get("places")
    if not isinstance(places, dict):
        return {}
    # The keys as written (`_cache_key`): only compared, never shown. Cleaned,
    # a path with two spaces in a row, a tab or a byte that is no UTF-8 (kept by
    # JSON's escapes) never matched its own key (found by a bug hunt, s41 #6).
    return {k: v for k, v in places.items() if isinstance(v, dict)}


def _read(path: Path) -> dict[str, Any]:
    """The settings file's content ({} when it cannot be read or is no object)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


def _choices_of(raw: dict[str, Any]) -> dict[str, object]:
    """The valid `_CHOICES` of a settings file's content (splits clamped)."""
    choices: dict[str, object] = {}
    if raw.get("language") in LANGUAGES:
        choices["language"] = raw["language"]
    if raw.get("layout") in LAYOUTS:
        choices["layout"] = raw["layout"]
    if isinstance(raw.get("summary"), bool):
        choices["summary"] = raw["summary"]
    for name in ("split", "split_stacked"):
        value = raw.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            choices[name] = clamp_split(value)
    if isinstance(raw.get("theme"), str):
        choices["theme"] = clean_line(raw["theme"], 500)
    return choices


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `.settings.json.lock` beside the file, around its
    read-merge-write; none where it cannot be taken (no fcntl, a read-only
    folder, a file system without locks): the save goes on as before."""
    from tui_digest.core import file_lock

    if file_lock.fcntl is None:  # (Windows)
        yield
        return
    try:
        fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield  # (the write says what is wrong, if anything is)
        return
    try:
        file_lock.lock_exclusive(fd)
        yield
    finally:
        os.close(fd)  # releases the lock


def _cache_key(cache: Path) -> str:
    try:
        return str(cache.expanduser().resolve())
    except (OSError, RuntimeError):  # (a loop of links: the path as given)
        return str(cache)


def save_settings(settings: Settings) -> str:
    """Save `settings`; "" or why it failed (an unwritable folder only costs persistence)."""
    try:
        settings.save()
    except OSError as error:
        return f"Could not save settings: {error}"
    return ""


def clamp_split(percent: int) -> int:
    low, high = SPLIT_RANGE
    return max(low, min(high, percent))


def next_language(language: str) -> str:
    index = LANGUAGES.index(language) if language in LANGUAGES else 0
    return LANGUAGES[(index + 1) % len(LANGUAGES)]
