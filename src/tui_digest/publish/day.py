"""Which papers make up category C's digest on day D: the one question publishing asks the store.

Everything else in `publish/` goes through the three functions here, so a
change in how the store models days and digests touches this module only.

The rule, over the store's digests (one per source and day, with a date, a
category when the source has one, a name and a source URL):

- the digests of day D are those whose date is D;
- a digest is category C's when the store records C as its category, else
  when its source's file name or its name names C (`https://rss.arxiv.org/rss/cs.AI`,
  `…/cs.AI.md`, `arxiv-cs.AI.xml`); a digest that names no category is nobody's;
- a digest naming only C gives C all its papers (arXiv's cs.AI listing holds
  the cs.AI papers and the cross-lists, whatever categories the cache
  recorded for them first); a digest naming several (`cs.AI+cs.LG`) gives C
  the papers that list C among their categories, or that list none;
- papers keep the order of the digest they first appear in (digests in import
  order, then ref order), each once: the same papers from the arXiv feed and
  from a digest of that day are published once, with the announce type that
  digest gave them (`Store.get_papers(digest=)`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui_digest.config.sources import category_readings, is_category_name
from tui_digest.core.model import listing_day

if TYPE_CHECKING:
    from tui_digest.core.model import DigestInfo, PaperRecord
    from tui_digest.core.store import Store

# (category_readings: one reading of names for `publish` and a source's
# inferred category, config/sources.py)
_SUFFIX_RE = re.compile(r"(?i)\.(?:md|xml|rss|atom)(?=$|[/?#])")
CATEGORY_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,30}(?:\.[A-Za-z][A-Za-z0-9-]{0,30})?")


@dataclass(slots=True)
class _Day:
    digest: DigestInfo
    named: set[str]  # categories the digest's name or source names
    records: list[PaperRecord]


def _named(info: DigestInfo, records: list[PaperRecord]) -> set[str]:
    """The categories a digest is for, from its source's file or folder name, else its name.

    A URL path names them (`/rss/cs.AI+cs.LG`, `/master/cs.AI.md`), but a file
    name may put a word before the category with a hyphen, as some archive
    names have one too (`arxiv-cs.AI.xml`, `q-fin.ST`, `astro-ph.CO`). Of a
    word's readings, those a paper of the digest lists win; with no paper
    listing any, the shortest reading is taken from the path (a digest's own
    name counts only when confirmed by a paper).
    """
    # The store's own per-digest category, once it records one, settles it.
    category = getattr(info, "category", "") or ""
    if is_category_name(category):
        return {category}
    source = urlsplit(info.source).path if "://" in info.source else info.source
    path = _SUFFIX_RE.sub("", source.replace("\\", "/")).rsplit("/", 1)[-1]
    listed = {c for r in records for c in r.paper.categories}
    found: set[str] = set()
    for word in path.split("+"):
        readings = category_readings(word)
        confirmed = readings & listed
        if confirmed or readings:
            found |= confirmed or {min(readings, key=len)}
    if found:
        return found
    return {c for c in category_readings(info.name) if c in listed}


def _path_categories(source: str) -> set[str]:
    """The categories a source's file or folder name names (`_named` with no paper
    to confirm a reading: the shortest of each word's)."""
    path = urlsplit(source).path if "://" in source else source
    path = _SUFFIX_RE.sub("", path.replace("\\", "/")).rsplit("/", 1)[-1]
    return {min(r, key=len) for word in path.split("+") if (r := category_readings(word))}


def removed_categories(store: Store) -> dict[str, frozenset[str]]:
    """Day -> the categories whose digest of that day the user removed
    (`digests rm`, `prune`) and that the day has no digest of now: the days
    `publish` withdraws from its folder. A removed digest's category is the one
    the cache remembered when it was removed (schema 23), else (removed
    before) the one its source's other digests record, else the one its
    source's name names."""
    infos = store.digests()
    recorded = {d.source: d.category for d in infos if is_category_name(d.category)}
    dated = {d.date for d in infos}
    out: dict[str, frozenset[str]] = {}
    for date, removed in store.removed_sources().items():
        named: set[str] = set()
        for source, category in removed:
            if is_category_name(category):
                named.add(category)
            else:
                named |= {recorded[source]} if source in recorded else _path_categories(source)
        if date in dated:  # (another digest of the day may still be the category's)
            named -= set(categories_of_day(store, date))
        if named:
            out[date] = frozenset(named)
    return out


def _digests_of(store: Store, date: str) -> Iterator[_Day]:
    # store.digests() is newest first, then newest import first: reversed, a
    # day's digests come in import order.
    for info in reversed([d for d in store.digests() if d.date == date]):
        # Each paper as this digest listed it: its announce type is the
        # listing's (arXiv's cs.LG feed calls a cs.CL paper `cross` the day
        # cs.CL's calls it `new`; ../shared/docs/upstream.md).
        records = store.get_papers(store.list_ids("", digest=info.name), digest=info.name)
        yield _Day(info, _named(info, records), records)


def _belongs(record: PaperRecord, category: str, named: set[str]) -> bool:
    if category not in named:
        return False
    cats = record.paper.categories
    return len(named) == 1 or not cats or category in cats


def latest_day(store: Store) -> str:
    """The newest date any digest but an archive month carries ("" for an empty
    cache): an archive month, dated the 1st, has no category to publish."""
    return max((day for day in map(listing_day, store.digests()) if day), default="")


def categories_of_day(store: Store, date: str) -> list[str]:
    """The categories day `date` has a digest for, sorted.

    A category counts when a digest of the day names it and holds a paper of
    it: a listing of cs.AI cross-lists cs.LG papers, but it is not a cs.LG digest.
    """
    found: set[str] = set()
    for day in _digests_of(store, date):
        for category in day.named:
            if any(_belongs(r, category, day.named) for r in day.records):
                found.add(category)
    return sorted(found)


def papers_of_day(
    store: Store, category: str, date: str, *, within: set[int] | None = None
) -> list[PaperRecord]:
    """Category `category`'s papers on `date`, in digest order, each once.

    `within`: only these rowids (the matches of a search query).
    """
    seen: set[int] = set()
    out: list[PaperRecord] = []
    for day in _digests_of(store, date):
        for record in day.records:
            if record.rowid in seen or (within is not None and record.rowid not in within):
                continue
            if _belongs(record, category, day.named):
                seen.add(record.rowid)
                out.append(record)
    return out


def digests_of_day(store: Store, date: str) -> list[str]:
    """The names of day `date`'s digests, in import order."""
    return [d.name for d in reversed(store.digests()) if d.date == date]


def newest_publishable_day(store: Store, *, skip: str = "", limit: int = 100) -> str:
    """The newest day that has a category's digest ("" if none among the newest
    `limit` days): what to suggest when the day asked for has none. Asked only
    when nothing can be published, so reading each day's digests costs nothing
    on the way that publishes."""
    dates = sorted({listing_day(d) for d in store.digests()} - {"", skip}, reverse=True)
    return next((date for date in dates[:limit] if categories_of_day(store, date)), "")
