"""The reader's side of For you: the query edits, the score bar, retraining.

A ranked listing is read by `ui/foryou_read.py` (the listing thread loads it the
first time a query asks for `sort:` or `related:`): the reader's first frame
does not load the rank layer (issue 13 req 5).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.core.lazy_pattern import LazyPattern

if TYPE_CHECKING:
    from tui_digest.core.model import DigestInfo


SORT_TERM = "sort:foryou"
# (also before a group's ")": `ti:(graph sort:foryou)`, where `f` added a second)
_SORT_RE = LazyPattern(r"(?i)(?<!\S)sort:foryou(?![^\s)])")
BAR_WIDTH = 4
_EIGHTHS = " ▏▎▍▌▋▊▉█"


def is_ranked(query: str) -> bool:
    """Whether the listing of `query` needs the rank layer (False for a malformed query)."""
    if "sort:" not in query.lower() and "related:" not in query.lower():
        return False  # the common case costs no parse (and loads no rank module)
    from tui_digest.rank.listing import split_query

    try:
        return split_query(query).ranked
    except ValueError:
        return False  # the store reports the error in the query language's words


def toggle_foryou(query: str) -> str:
    """`query` with sort:foryou added, or removed when it is there (`f`)."""
    if _SORT_RE.search(query):
        return " ".join(_SORT_RE.sub(" ", query).split())
    return f"{query.strip()} {SORT_TERM}".strip()


def related_query(paper_id: str) -> str:
    """The listing `R` opens: the papers most like `paper_id`."""
    return f"related:{paper_id}"


def today_query(digests: list[DigestInfo]) -> str:
    """The picker's "For you": the newest day's papers, ranked (an archive month,
    dated the 1st by convention, is no day: `listing_day`).

    A day is one a digest lists papers on: a digest with none (an empty document
    that an upgrade from schema 3 dated by its import) made For you an empty
    "No papers match." (found by a bug hunt). With no such day, every paper."""
    from tui_digest.core.model import listing_day

    dates = [day for d in digests if d.count > 0 and (day := listing_day(d))]
    return f"date:{max(dates)} {SORT_TERM}" if dates else SORT_TERM


_FORYOU_DAY = LazyPattern(r"date:\d{4}-\d{2}-\d{2} sort:foryou")  # (today_query's)


def is_foryou_day(query: str) -> bool:
    """Whether `query` is what `today_query` makes (For you of one day)."""
    return _FORYOU_DAY.fullmatch(query.strip()) is not None


def newest_day_shown(query: str, digest: str | None, digests: list[DigestInfo]) -> bool:
    """Whether the search is For you's newest day of `digests` (as the picker sets it)."""
    return bool(digests) and digest is None and query.strip() == today_query(digests)


def newest_day_followed(
    query: str,
    digest: str | None,
    before: list[DigestInfo],
    after: list[DigestInfo],
    *,
    reopened: bool = False,
) -> str | None:
    """The search For you's newest day becomes when the digests go from `before` to
    `after` (a fetch brought a newer day), or None to leave it. `reopened`: the
    reader was closed on For you's newest day (`Settings.foryou_newest`), and opens
    after a newer day came. The search holds the day's date, so without this it
    stayed on the day it was chosen."""
    if digest is not None or not is_foryou_day(query):
        return None
    if not reopened and not newest_day_shown(query, digest, before):
        return None  # another day, chosen by hand: left alone
    newest = today_query(after)
    return newest if after and newest != query.strip() else None


def score_bar(value: float, width: int = BAR_WIDTH) -> str:
    """A bar of `width` cells, filled in eighths: 1.0 is full, 0.0 empty."""
    eighths = round(max(0.0, min(1.0, value)) * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (_EIGHTHS[part] if full < width else "")
    return bar.ljust(width)


def retrain(db: Path) -> str:
    """In a thread worker, after the stars changed: bring the model up to date.

    Only when For you has been used with this cache (a model exists), so that
    a reader who never ranks never pays for it. Returns "" or what went wrong.
    """
    from tui_digest.rank import RankUnavailable, background, has_model

    if not has_model(db):
        return ""
    try:
        background.train(db)
    except RankUnavailable as exc:
        return str(exc)
    return ""
