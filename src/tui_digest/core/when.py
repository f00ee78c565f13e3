"""Times for people: in the user's local time zone, short and relative where it helps.

The cache keeps UTC stamps (`2026-08-19T07:14:03Z`, what exports and `--json`
print unchanged); what the reader and the CLI's tables show is this module's:

- today:            "today 09:14"
- the day before:   "yesterday 21:40"
- within a week:    "3 days ago"
- older or future:  "2026-08-12 09:14" (local date and time)

The clock and the zone are injected (`Clock`), so tests never depend on when
or where they run. The zone `None` is the system's local zone (`TZ`), applied
per instant by `datetime.astimezone()`, so a summer time past is shown right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

RELATIVE_DAYS = 7  # from this many days back, the date is clearer than "n days ago"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_stamp(text: object) -> dt.datetime | None:
    """An ISO-8601 stamp as an aware datetime (naive ones are UTC); None if it is not one."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


# A NamedTuple, for the reader's start (see core.record).
class Clock(NamedTuple):
    """Now and the zone times are shown in (tests pass fixed ones)."""

    now: Callable[[], dt.datetime] = utc_now
    zone: dt.tzinfo | None = None  # None: the system's local zone

    def local(self, when: dt.datetime) -> dt.datetime:
        return when.astimezone(self.zone) if self.zone is not None else when.astimezone()

    def show(self, when: dt.datetime) -> str:
        """`when` short and relative to now, in the local zone."""
        local = self.local(when)
        days = (self.local(self.now()).date() - local.date()).days
        if days == 0:
            return f"today {local:%H:%M}"
        if days == 1:
            return f"yesterday {local:%H:%M}"
        if 1 < days < RELATIVE_DAYS:
            return f"{days} days ago"
        return f"{local:%Y-%m-%d %H:%M}"

    def show_stamp(self, text: object, missing: str = "") -> str:
        """A stored stamp for people; `missing` when there is none, the text if unparsable."""
        when = parse_stamp(text)
        if when is None:
            return str(text) if isinstance(text, str) and text.strip() else missing
        return self.show(when)


SYSTEM_CLOCK = Clock()  # the real time, shown in the system's zone


def seconds_to_next_day(clock: Clock) -> float:
    """Seconds from now to just after the next local midnight by `clock`.

    (A second past it: a timer firing early finds the day unchanged and waits
    again.) Midnight is placed in the real zone, not in `now`'s offset: in the
    system zone that is the fixed offset `astimezone()` gave, and after a
    spring-forward day the watches rolled over at 01:00 (found by a bug hunt).
    A naive local time's `timestamp()` is taken in the system zone."""
    now = clock.now()
    day = clock.local(now).date() + dt.timedelta(days=1)
    midnight = dt.datetime.combine(day, dt.time(), clock.zone)  # naive: the system zone
    return max(midnight.timestamp() - now.timestamp(), 0.0) + 1.0
