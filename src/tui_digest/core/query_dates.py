"""`date:` values: parsed into day ranges, and written as SQL over listing keys."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import NamedTuple

from tui_digest.core.errors import QueryError
from tui_digest.core.lazy_pattern import LazyPattern
from tui_digest.core.listing_key import (
    FIRST_DAY,
    LAST_DAY,
    PLACED_BIT,
    SEQ_SHIFT,
    date_days,
    day_range_keys,
)
from tui_digest.core.model import ARCHIVE_KIND

_DATE_RE = LazyPattern(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _date_bounds(text: str, original: str) -> tuple[_dt.date, _dt.date]:
    """First and last day covered by YYYY, YYYY-MM or YYYY-MM-DD."""
    m = _DATE_RE.fullmatch(text)
    if not m:
        raise QueryError(
            f'bad date "{original}": use YYYY, YYYY-MM, YYYY-MM-DD, a range A..B, today or -7d'
        )
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if month is None:
            first, last = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
        elif day is None:
            first = _dt.date(year, int(month), 1)
            # The day before the next month's first (not `calendar`: ~1 ms of the
            # reader's start, issue 13 req 5); December's next is January 1 of the
            # year after, which for 9999 does not exist: the 31st then.
            if first.month == 12:
                last = _dt.date(year, 12, 31)
            else:
                last = _dt.date(year, first.month + 1, 1) - _dt.timedelta(days=1)
        else:
            first = last = _dt.date(year, int(month), int(day))
    except ValueError as exc:
        raise QueryError(f'bad date "{original}": {exc}') from None
    return first, last


def _days(first: _dt.date, last: _dt.date, original: str) -> tuple[int, int]:
    """The listing days of `first`..`last`, clamped to the days a listing key holds.

    Keys hold days 1970-01-02..2328-11-11 (`listing_key`; day 0 is an undated
    paper's): a range that reaches past them covers what they hold ("2027..2999" is
    "from 2027 on"); one wholly outside them is refused with the limit, rather
    than searching a day the user did not ask for.
    """
    if first > last:
        raise QueryError(f'bad date range "{original}": it ends before it starts')
    if first > LAST_DAY:
        raise QueryError(
            f'bad date "{original}": dates after {LAST_DAY.isoformat()} are not listed'
        )
    if last < FIRST_DAY:
        raise QueryError(
            f'bad date "{original}": dates before {FIRST_DAY.isoformat()} are not listed'
        )
    return date_days(max(first, FIRST_DAY).isoformat()), date_days(min(last, LAST_DAY).isoformat())


_RELATIVE_RE = LazyPattern(r"-(\d+)d", re.IGNORECASE)
# More days than the listed days span (1970-01-02..2328-11-11): the range is
# clamped to the first listed day. (`-100000d` was a "bad date", though its
# form is right; past 4,300 digits `int` refuses a string.)
_MAX_DAYS = 1_000_000


def is_relative(value: str) -> bool:
    """Whether a `date:` value counts back from today (`today`, `-7d`)."""
    return value.lower() == "today" or _RELATIVE_RE.fullmatch(value) is not None


def parse_date(value: str, today: str) -> tuple[int, int]:
    """The listing days (first, last) of a `date:` value; `today` anchors the relative ones.

    `today` and `-Nd` have no end: from `today` (or N-1 days before it) on. A
    list carries arXiv's announcement day (US Eastern) or the generator's UTC
    day, which in a Los Angeles evening is the local tomorrow; a day after
    the local `today` is never left out (bug hunt `tz` #1).
    """
    relative = _RELATIVE_RE.fullmatch(value)
    if value.lower() == "today" or relative:
        digits = (relative[1].lstrip("0") or "0") if relative else "1"
        days = int(digits) if len(digits) <= 7 else _MAX_DAYS
        if days < 1:
            raise QueryError(f'bad date "{value}": give at least one day (-1d is today)')
        try:
            day = _dt.date.fromisoformat(today[:10])
        except ValueError:
            raise QueryError(f'bad date "{value}": today ("{today}") is not a date') from None
        first = _dt.date.fromordinal(max(1, day.toordinal() - days + 1))
        return _days(first, _dt.date.max, value)
    if ".." in value:
        left, _, right = value.partition("..")
        if not left and not right:
            raise QueryError('bad date "..": give at least one end of the range')
        # Day 0 is an undated paper's (no digest, no published date): an
        # open start is the first real day (clamped), so `date:..2023` never matches it.
        first = _date_bounds(left, value)[0] if left else _dt.date.min
        last = _date_bounds(right, value)[1] if right else _dt.date.max
        return _days(first, last, value)
    return _days(*_date_bounds(value, value), value)


# (first day, last day, key) -> the listing keys above `key` of papers listed
# in a digest of those days: papers listed then and again later.
Relisted = Callable[[int, int, int], list[int]]


class DateRange(NamedTuple):
    """One `date:` of a query: days since 1970, first and last (inclusive; a
    relative one's last is the last listed day, `parse_date`)."""

    first: int
    last: int
    negated: bool
    # `today` or `-Nd`: days of listings, where an archive month (dated the 1st
    # by convention, `ARCHIVE_KIND`) takes no part (bug hunt `archive` #7).
    relative: bool = False


def date_cond(key: str, d: DateRange, relisted: Relisted | None = None) -> str:
    """`date:` as SQL over a listing key: listed in a digest of those days.

    A paper's listing key carries the day of its newest appearance (or its
    published date when it is in no digest), so the key range answers it,
    as a range FTS5 and the listing seek to. Papers listed on those days and
    again later have higher keys: `relisted` names them (usually none, or a
    few), and the range is widened to the highest of them and filtered. Keys
    are integers from the cache and days validated integers, so both are
    written into the SQL as literals.
    """
    first, last = d.first, d.last
    lo, hi = day_range_keys(first, last)
    extra = sorted(relisted(first, last, hi)) if relisted is not None else []
    if not extra:
        cond = f"{key} BETWEEN {lo} AND {hi}"
    else:
        keys = ",".join(str(int(k)) for k in extra)
        cond = f"({key} BETWEEN {lo} AND {extra[-1]} AND ({key} <= {hi} OR {key} IN ({keys})))"
    if d.relative:
        cond = f"({cond} AND {_listed_not_archived(key, first, last, hi)})"
    return f"NOT ({cond})" if d.negated else cond


def _listed_not_archived(key: str, first: int, last: int, hi: int) -> str:
    """SQL: the paper keyed `key` (in the range, or relisted after it) counts as
    listed in the days `first`..`last` by a digest other than an archive month.

    Checked only where the key could say otherwise: placed by an archive month
    (the key's digest sequence is one dated in the range), relisted after the
    range, or an orphan with no `published` (`retention` places a kept paper of
    a removed archive month at its 1st). Everywhere else the key's own digest
    (or published date) lists it in the range.
    """
    day_lo, day_hi = day_iso(first), day_iso(last)
    seq = f"(({key} >> {SEQ_SHIFT}) & {(1 << (45 - SEQ_SHIFT)) - 1})"
    archived = (
        f"(({key} & {PLACED_BIT}) != 0 AND {seq} IN (SELECT pk FROM digests WHERE kind = "
        f"'{ARCHIVE_KIND}' AND date BETWEEN '{day_lo}' AND '{day_hi}'))"
    )
    unpublished = (
        f"(({key} & {PLACED_BIT}) = 0 AND EXISTS "
        f"(SELECT 1 FROM papers px WHERE px.sort_key = {key} AND px.published = ''))"
    )
    listed = (
        "EXISTS (SELECT 1 FROM papers px JOIN membership mx ON mx.paper = px.pk "
        f"JOIN digests dx ON dx.pk = mx.digest WHERE px.sort_key = {key} AND dx.kind != "
        f"'{ARCHIVE_KIND}' AND dx.date BETWEEN '{day_lo}' AND '{day_hi}')"
    )
    return f"(NOT ({key} > {hi} OR {archived} OR {unpublished}) OR {listed})"


def day_iso(days: int) -> str:
    return (_EPOCH + _dt.timedelta(days=days)).isoformat()


_EPOCH = _dt.date(1970, 1, 1)
