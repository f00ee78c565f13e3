"""The `index.json` of a published folder (written by `tui-digest publish`), read back.

    {"format": "tui-digest-publish", "version": 1, "title": "lab",
     "categories": {"cs.AI": {"latest": "2025-09-18", "md": "cs.AI.md", "xml": "cs.AI.xml",
                              "dates": {"2025-09-18": {"md": "cs.AI/2025-09-18.md",
                                                       "xml": "cs.AI/2025-09-18.xml",
                                                       "papers": 4, "sha256": "…"}}}}}

Each day's entry carries the SHA-256 of its feed, so the index changes whenever
any published file does: a subscriber whose conditional GET of `index.json`
says "not modified" has nothing to fetch.

The index is untrusted input: file names must be relative paths inside the
folder (no scheme, no `..`, no leading `/`), and a broken entry is skipped
with a note, never followed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from .sanitize import clean_line

FORMAT = "tui-digest-publish"
VERSION = 1
INDEX = "index.json"
_CATEGORY_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,30}(?:\.[A-Za-z][A-Za-z0-9-]{0,30})?")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
_RELATIVE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,80}(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,80})?")


@dataclass(slots=True)
class Feed:
    category: str
    url: str  # the category's newest feed, resolved against the index's URL
    # Each published day's own feed (date -> URL, resolved likewise): what a
    # subscriber that missed days fetches (`fetch.catch_up`).
    days: dict[str, str] = field(default_factory=dict)
    # The SHA-256 (hex) of each day's feed, where the index gives one: a
    # subscriber holding other bytes for that day fetches it again (the
    # publisher re-published it, e.g. with more of it translated).
    sha256: dict[str, str] = field(default_factory=dict)
    # The day `url` holds (the index's "latest"; "" when it gives none): the
    # SHA-256 of that day is the one the newest feed's bytes must have.
    latest: str = ""

    def expected_sha256(self, day: str = "") -> str:
        """The SHA-256 the index gives for `day`'s feed (the newest feed's day when
        not given), or "" when it gives none: nothing to compare."""
        return self.sha256.get(day or self.latest, "")


@dataclass(slots=True)
class PublishIndex:
    title: str
    feeds: list[Feed] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # entries skipped, and why


def looks_like_index(data: bytes) -> bool:
    """Cheap test: JSON naming our format in its first bytes (no full parse)."""
    head = data[:400].lstrip()
    return head.startswith(b"{") and FORMAT.encode() in head


def parse_index(data: bytes, url: str, base: str | None = None) -> PublishIndex:
    """The feeds an index lists, as URLs relative to `url`. Raises ValueError if not an index.

    `base`: what the file names are resolved against instead of `url` ("" keeps
    them relative to the folder, for a local folder read as paths: `local_days`).
    """
    base = url if base is None else base
    try:
        raw: Any = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{url}: not JSON ({exc})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValueError(f"{url}: not a tui-digest publish index")
    if raw.get("version") != VERSION:
        raise ValueError(f"{url}: publish index version {raw.get('version')!r} is not {VERSION}")
    title = clean_line(str(raw.get("title") or ""), 100)
    index = PublishIndex(title=title)
    categories = raw.get("categories")
    if not isinstance(categories, dict):
        raise ValueError(f"{url}: the index lists no categories")
    for category in sorted(categories):
        entry = categories[category]
        xml = entry.get("xml") if isinstance(entry, dict) else None
        if not _CATEGORY_RE.fullmatch(category):
            index.notes.append(f"{clean_line(category, 60)!r}: not a category name; skipped")
        elif not isinstance(xml, str) or not _RELATIVE_RE.fullmatch(xml) or ".." in xml:
            index.notes.append(f"{category}: no usable feed file name; skipped")
        else:
            days, sha256 = _days(entry.get("dates"), base)
            latest = entry.get("latest")
            newest = latest if isinstance(latest, str) and _DATE_RE.fullmatch(latest) else ""
            index.feeds.append(Feed(category, urljoin(base, xml), days, sha256, newest))
    return index


def _days(dates: Any, url: str) -> tuple[dict[str, str], dict[str, str]]:
    """The usable day entries of a category (`{"2025-09-18": {"xml": …, "sha256": …}}`),
    others skipped: (date -> feed URL, date -> its SHA-256 where one is given)."""
    days: dict[str, str] = {}
    sha256: dict[str, str] = {}
    if not isinstance(dates, dict):
        return days, sha256
    for date, entry in dates.items():
        xml = entry.get("xml") if isinstance(entry, dict) else None
        if (
            isinstance(date, str)
            and _DATE_RE.fullmatch(date)
            and isinstance(xml, str)
            and _RELATIVE_RE.fullmatch(xml)
            and ".." not in xml
        ):
            days[date] = urljoin(url, xml)
            digest = entry.get("sha256")
            if isinstance(digest, str) and _SHA256_RE.fullmatch(digest):
                sha256[date] = digest
    return days, sha256


def index_url(folder_url: str) -> str:
    """`…/index.json` for a folder URL or path (unchanged when it already names a file)."""
    if folder_url.endswith(INDEX):
        return folder_url
    return folder_url.rstrip("/") + "/" + INDEX


@dataclass(frozen=True, slots=True)
class LocalDay:
    """One day of a local published folder, as `tui-digest import` reads it."""

    category: str
    date: str  # "" for a category whose index lists no day: its newest feed
    path: Path  # the day's own feed (`<cat>/<date>.xml`)
    # The category's newest feed (`<cat>.xml`): the source whose days these are,
    # as a subscription to the folder files them, so neither brings a day twice.
    source: str


def is_index_file(path: Path) -> bool:
    """Whether `path` is the `index.json` of a published folder."""
    if path.name != INDEX:
        return False
    try:
        with path.open("rb") as fh:
            return looks_like_index(fh.read(400))
    except OSError:
        return False  # (read, and its error told, as whatever else it is)


def local_days(folder: Path) -> tuple[list[LocalDay], list[str]]:
    """Each category's days in a published `folder`, oldest first, and the index's
    entries skipped (why). Raises ValueError (naming the index) for a broken index,
    OSError when it cannot be read."""
    where = folder / INDEX
    index = parse_index(where.read_bytes(), str(where), base="")
    days: list[LocalDay] = []
    for feed in index.feeds:
        source = str(folder / feed.url)
        dated = sorted(feed.days.items()) or [("", feed.url)]
        days += [LocalDay(feed.category, date, folder / name, source) for date, name in dated]
    return days, index.notes
