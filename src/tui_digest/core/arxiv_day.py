"""The day an arXiv listing feed is filed under: its announcement's day.

arXiv updates its feeds once a day at midnight US Eastern
(/work/shared/docs/upstream.md, "arXiv", "Feeds"). The RSS 2.0 channel
states that day (`<pubDate>Wed, 02 Dec 2026 00:00:00 -0500`), read in its own
zone; the Atom channel only its `<updated>` moment in UTC, whose date is the
next day for a feed built after 00:00Z (20:00 EDT). The Atom entries'
`<published>` state the day (`2025-08-20T00:00:00-04:00`): their common date is
the listing's, else `updated` read in US Eastern time (bug hunt `tz` #3). The
entries' moments are read in US Eastern time too, as `updated` is: a feed
rewritten into a zone west of it (`2026-11-30T21:00:00-08:00`, arXiv's midnight
of 12-01) was filed a day early (regression hunt `regtz` #3).
"""

from __future__ import annotations

from typing import Any

from .feed_common import channel_date, iso_date, parse_moment

US_EASTERN = "America/New_York"


def listing_day(feed: Any, entries: list[Any]) -> str:
    """The announcement day of an arXiv feed (`feed`: feedparser's channel dict):
    the day the channel states, else the one date its entries state, else the
    channel's `updated` in US Eastern time (`channel_day`)."""
    stated = _stated(feed, "published")  # RSS 2.0's <pubDate>
    if stated:
        return stated
    days = {day for day in (_entry_day(e) for e in entries) if day}
    return days.pop() if len(days) == 1 else channel_day(feed)


def _entry_day(entry: Any) -> str:
    """An entry's `published` in US Eastern time; one without a zone as it is."""
    raw = _raw(entry, "published")
    return (eastern_date(raw) if raw else "") or _stated(entry, "published")


def entry_eastern_day(entry: Any) -> str:
    """The date of an entry's moment (`published`, else `updated`, else
    `created`) in US Eastern time; one without a zone as it is; "" for none."""
    for key in ("published", "updated", "created"):
        raw = _raw(entry, key)
        if raw:
            day = eastern_date(raw) or _stated(entry, key)
            if day:
                return day
    return ""


def channel_day(feed: Any) -> str:
    """The day the channel gives (an entry stating none is dated so): its
    `published` in its own zone, else its `updated` (Atom's, RSS 1.0's
    `<dc:date>`) in US Eastern time, else any date it has."""
    stated = _stated(feed, "published")
    if stated:
        return stated
    updated = _raw(feed, "updated")
    return (eastern_date(updated) if updated else "") or channel_date(feed)


def eastern_date(raw: str) -> str:
    """The date in US Eastern time of a timestamp with a zone (RFC 822 or ISO 8601).

    "" when it has none, or the zone database lacks US Eastern (the caller then
    reads the date in the timestamp's own zone).
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # (only a feed needs it)

    moment = parse_moment(raw)
    if moment is None or moment.tzinfo is None:
        return ""
    try:
        zone = ZoneInfo(US_EASTERN)
    except ZoneInfoNotFoundError:
        return ""
    return moment.astimezone(zone).date().isoformat()


def _raw(item: Any, key: str) -> str:
    # dict.get, not feedparser's get: its alias from `updated` to `published` warns.
    value = dict.get(item, key) if isinstance(item, dict) else None
    return str(value) if value else ""


def _stated(item: Any, key: str) -> str:
    raw = _raw(item, key)
    return iso_date(raw, dict.get(item, key + "_parsed")) if raw else ""
