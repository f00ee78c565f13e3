"""The published folder: digest files per category and day, and the index that lists them.

    DIR/index.json            what is here (read by `tui-digest sources add`)
    DIR/cs.AI.md              the newest day of cs.AI, canonical digest Markdown
    DIR/cs.AI.xml             the same day as a digest RSS feed (machine text marked)
    DIR/cs.AI/2024-03-18.md   every published day, kept
    DIR/cs.AI/2024-03-18.xml

A run's files are written aside, then moved into place together, index.json
last (`publish.staging`: a run that fails part-way leaves the folder as it
was), each only when its bytes change: re-publishing an unchanged day touches nothing,
so HTTP validators, rsync and git diffs stay quiet. `index.json` holds no
time stamps, its keys are sorted, and it is rewritten only when a file or a
date is added.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_digest.core.publish_index import FORMAT, INDEX, VERSION

if TYPE_CHECKING:
    from tui_digest.publish.staging import Staging

__all__ = ["FORMAT", "INDEX", "VERSION", "PublishError", "Written", "add_day", "read_index"]
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
# A category becomes a file name: letters, digits, '.', '-' only, never '..'.
SAFE_CATEGORY_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,30}(?:\.[A-Za-z][A-Za-z0-9-]{0,30})?")


class PublishError(Exception):
    """The folder cannot be published to; the message names the file."""


@dataclass(slots=True)
class Written:
    changed: list[str] = field(default_factory=list)  # paths relative to the folder
    unchanged: list[str] = field(default_factory=list)


def check_category(category: str) -> str:
    if not SAFE_CATEGORY_RE.fullmatch(category):
        raise PublishError(
            f"{category[:60]!r} is not a category name that can be a file name (e.g. cs.AI)"
        )
    return category


DEFAULT_TITLE = "tui-digest"


def empty_index(title: str | None) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "title": title or DEFAULT_TITLE, "categories": {}}


def read_index(folder: Path, title: str | None) -> dict[str, Any]:
    """The folder's index, or a new one; a broken index is refused, not overwritten.

    `title` replaces the index's; None keeps it (a cron run without `--title`
    wrote the default back, and the folder's feeds then named two publishers:
    found by a bug hunt), and a new index gets DEFAULT_TITLE.
    """
    path = folder / INDEX
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return empty_index(title)
    except OSError as exc:
        raise PublishError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PublishError(
            f"{path}: not a publish index ({exc}); move it away to publish here"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PublishError(f"{path}: not a tui-digest publish index; move it away to publish here")
    problem = index_problem(data)
    if problem:
        # Refused whole, before anything is written: publishing into it would crash
        # half-way or keep the bad entry (a `"latest": 5` kept every later day from
        # becoming the category's newest).
        raise PublishError(f"{path}: {problem}; fix it or move it away to publish here")
    if title is not None or not isinstance(data.get("title"), str) or not data["title"].strip():
        data["title"] = title or DEFAULT_TITLE
    return data


def index_problem(data: dict[str, Any]) -> str:
    """What is wrong with an index's contents (as `add_day` writes them), or ""."""
    if data.get("version") != VERSION:
        return f"publish index version {_shown(data.get('version'))}, not {VERSION}"
    categories = data.get("categories")
    if not isinstance(categories, dict):
        return '"categories" is not an object'
    for category, entry in categories.items():
        where = f"category {category[:60]!r}"
        if not SAFE_CATEGORY_RE.fullmatch(category):
            return f"{where} is not a category name"
        if not isinstance(entry, dict):
            return f"{where} is not an object"
        problem = _fields_problem(entry, {"latest": _is_date, "md": _is_name, "xml": _is_name})
        if not problem and not isinstance(entry.get("dates"), dict):
            problem = '"dates" is not an object'
        if problem:
            return f"{where}: {problem}"
        for date, day in entry["dates"].items():
            if not _DATE_RE.fullmatch(date):
                return f"{where}: day {date[:40]!r} is not a date (YYYY-MM-DD)"
            if not isinstance(day, dict):
                return f"{where}: day {date} is not an object"
            # "sha256" is optional: indexes written before it was added lack it.
            checks = {"md": _is_name, "xml": _is_name, "papers": _is_count}
            problem = _fields_problem(day, checks) or _fields_problem(
                {"sha256": day.get("sha256", "0" * 64)}, {"sha256": _is_sha256}
            )
            if problem:
                return f"{where}: day {date}: {problem}"
    return ""


def _fields_problem(obj: dict[str, Any], checks: dict[str, Any]) -> str:
    for key, check in checks.items():
        what = check(obj.get(key))
        if what:
            return f'"{key}" is {_shown(obj.get(key))}, not {what}'
    return ""


def _shown(value: Any) -> str:
    return "missing" if value is None else repr(value)[:40]


def _is_date(value: Any) -> str:
    return "" if isinstance(value, str) and _DATE_RE.fullmatch(value) else "a date (YYYY-MM-DD)"


def _is_name(value: Any) -> str:
    return "" if isinstance(value, str) and value else "a file name"


def _is_count(value: Any) -> str:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return "" if ok else "a count"


def _is_sha256(value: Any) -> str:
    return "" if isinstance(value, str) and _SHA256_RE.fullmatch(value) else "a SHA-256"


def add_day(index: dict[str, Any], category: str, date: str, count: int, feed: str) -> bool:
    """Record `category`'s digest for `date`; True when it is the category's newest day.

    The feed's SHA-256 goes in too, so that the index changes whenever a feed does.
    """
    if not _DATE_RE.fullmatch(date):
        raise PublishError(f"{date!r} is not a date (YYYY-MM-DD)")
    entry = index["categories"].setdefault(category, {})
    dates = entry.get("dates") if isinstance(entry.get("dates"), dict) else {}
    dates[date] = {
        "md": f"{category}/{date}.md",
        "xml": f"{category}/{date}.xml",
        "papers": count,
        "sha256": hashlib.sha256(feed.encode("utf-8")).hexdigest(),
    }
    latest = str(entry.get("latest", ""))
    newest = not latest or date >= latest
    entry.update(
        {
            "md": f"{category}.md",
            "xml": f"{category}.xml",
            "latest": date if newest else latest,
            "dates": dates,
        }
    )
    return newest


def days_after(index: dict[str, Any], category: str, date: str) -> list[str]:
    """The days of `category` in the index after `date`, oldest first."""
    entry = index["categories"].get(category)
    dates = entry.get("dates") if isinstance(entry, dict) else None
    if not isinstance(dates, dict):
        return []
    return sorted(d for d in dates if isinstance(d, str) and d > date)


def withdraw(
    out: Path, index: dict[str, Any], removed: dict[str, frozenset[str]], staged: Staging
) -> list[str]:
    """Take out of the index the days of each category the cache removed; one
    line per category saying so. The files it changes are `staged` (written
    with the run's others, `publish.staging`).

    A day published, then removed from the cache (e.g. one imported with a wrong
    date), stayed the folder's newest: every later real day was taken for "an
    older --date" (found by a bug hunt). Its dated files stay in the folder,
    listed nowhere; when it was the newest, the newest day left becomes the
    category's `CAT.md`/`.xml` again. A day the cache never had (another cache
    publishing into the folder) stays (regression hunt).
    """
    said: list[str] = []
    for category, entry in sorted(index["categories"].items()):
        dates = entry.get("dates") if isinstance(entry, dict) else None
        if not isinstance(dates, dict):
            continue
        gone = sorted(d for d in dates if category in removed.get(d, ()))
        if not gone:
            continue
        for day in gone:
            del dates[day]
        also = f" (nor {', '.join(gone[:-1])}, also taken out of index.json)" if gone[1:] else ""
        head = f"{category}: the folder's newest day {gone[-1]} is no longer in the cache{also}"
        if entry.get("latest") not in gone:
            said.append(
                f"{category}: {', '.join(gone)} no longer in the cache: taken out of index.json"
            )
            continue
        left = sorted(d for d in dates if isinstance(d, str))
        if not left:  # (its current files, that day's, go too: a regression hunt)
            del index["categories"][category]
            for ext in ("md", "xml"):
                staged.remove(f"{category}.{ext}")
            said.append(f"{head}; no day of {category} is left in index.json")
            continue
        entry["latest"] = left[-1]
        for ext in ("md", "xml"):
            dated = out / category / f"{left[-1]}.{ext}"
            if dated.is_file():
                staged.write(f"{category}.{ext}", dated.read_text("utf-8"), Written())
        said.append(f"{head}; {left[-1]} is now the newest")
    return said


def index_text(index: dict[str, Any]) -> str:
    """The index as JSON: "format" first (readers sniff it), everything else sorted."""
    head = {k: index.get(k) for k in ("format", "version", "title")}
    rest = {k: _sorted(v) for k, v in sorted(index.items()) if k not in head}
    return json.dumps({**head, **rest}, ensure_ascii=False, indent=2) + "\n"


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in sorted(value.items())}
    return value
