"""`prune`'s cutoff for papers no digest lists, in the local zone (bug hunt `tz` #2).

A paper's `added_at` is a UTC stamp; the cutoff is a local day. The stamp was
compared with the day's text, so east of UTC a paper first seen early on the
cutoff day (the evening before in UTC) was removed, and west of UTC one seen
the evening before the cutoff was kept. Now the cutoff is the UTC instant of
the cutoff day's local midnight. Days are replayed: the clock of imports is
injected (`Store.now`), prune's by `TZ` and `TUI_DIGEST_TODAY`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import run_cli
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

IDS = ["2612.00001", "2612.00002", "2612.00003"]


def _paper(pid: str) -> Paper:
    return Paper(id=pid, title_en=f"Title of {pid}", abstract_en="an abstract")


def _seen_then_dropped(db: Path, first: str, then: str) -> None:
    """A list fetched at `first` (UTC), revised at `then` without paper 2. It is
    dated 2026-12-03, after every cutoff below: only the dropped paper can go."""
    with Store.open(db) as s:
        s.now = lambda: first
        source = "/data/cs.LG.md"
        papers = [_paper(i) for i in IDS]
        s.import_digest(Digest("cs.LG", source=source, date="2026-12-03", papers=papers))
        s.now = lambda: then
        revised = [papers[0], papers[2]]
        stats = s.import_digest(Digest("cs.LG", source=source, date="2026-12-03", papers=revised))
        assert stats.outcome == "same-day update"


def _prune(db: Path, zone: str, today: str) -> str:
    out = run_cli(
        "prune",
        "--older-than",
        "1d",
        "--yes",
        db=db,
        env={"TZ": zone, "TUI_DIGEST_TODAY": today},
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.decode()


def _ids(db: Path) -> list[str]:
    with Store.open(db, readonly=True) as s:
        return sorted(r.id for r in s.search(limit=100))


@pytest.mark.parametrize(
    ("zone", "first", "then", "kept_until", "gone_on"),
    [
        # Shanghai 2026-12-02 04:00 / 05:00 (the UTC evening before): first seen
        # on 12-02, so a cutoff of 12-02 keeps it; 12-03's removes it.
        (
            "Asia/Shanghai",
            "2026-12-01T20:00:00+00:00",
            "2026-12-01T21:00:00+00:00",
            "2026-12-03",
            "2026-12-04",
        ),
        # Los Angeles 2026-12-01 20:00 / 21:00 (12-02 in UTC): first seen on
        # 12-01, so a cutoff of 12-02 removes it.
        (
            "America/Los_Angeles",
            "2026-12-02T04:00:00+00:00",
            "2026-12-02T05:00:00+00:00",
            "2026-12-02",
            "2026-12-03",
        ),
        # Havana 2026-03-07 23:30 / 23:40: 03-08's midnight does not exist (the
        # clocks jump 00:00 -> 01:00 CDT, 05:00Z). The cutoff of 03-08 was one
        # hour early (04:00Z, 23:00 on 03-07) and kept it (regression hunt `regtz` #2).
        (
            "America/Havana",
            "2026-03-08T04:30:00+00:00",
            "2026-03-08T04:40:00+00:00",
            "2026-03-08",
            "2026-03-09",
        ),
    ],
)
def test_prune_compares_first_seen_with_the_cutoffs_local_midnight(
    tmp_path, zone, first, then, kept_until, gone_on
):
    db = tmp_path / "c.db"
    _seen_then_dropped(db, first, then)
    assert "nothing to remove" in _prune(db, zone, kept_until)
    assert _ids(db) == IDS
    out = _prune(db, zone, gone_on)
    assert "(of them 1 listed by no digest since a same-day update" in out
    assert "removed 0 digests and 1 paper" in out
    assert _ids(db) == [IDS[0], IDS[2]]


@pytest.mark.parametrize(
    ("zone", "day", "start"),
    [
        ("America/Havana", "2026-03-08", "2026-03-08T05:00:00+00:00"),  # 00:00 -> 01:00
        ("Asia/Beirut", "2026-03-29", "2026-03-28T22:00:00+00:00"),  # 00:00 -> 01:00
        ("America/Santiago", "2026-09-06", "2026-09-06T04:00:00+00:00"),  # 00:00 -> 01:00
        ("America/Havana", "2026-11-01", "2026-11-01T04:00:00+00:00"),  # 01:00 -> 00:00
        ("America/Los_Angeles", "2026-03-08", "2026-03-08T08:00:00+00:00"),  # at 02:00
        ("Asia/Shanghai", "2026-12-02", "2026-12-01T16:00:00+00:00"),
    ],
)
def test_a_days_start_is_the_first_instant_at_or_after_local_midnight(zone, day, start):
    """A midnight that does not exist (a DST gap at 00:00) starts the day at the
    gap's end, not an hour before the day (regression hunt `regtz` #2); both in
    a zone given and in the system zone (`TZ`)."""
    import time
    from zoneinfo import ZoneInfo

    from tui_digest.core.digest_day import day_start_utc

    assert day_start_utc(day, ZoneInfo(zone)) == start
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TZ", zone)
        time.tzset()
        try:
            assert day_start_utc(day) == start
        finally:
            mp.undo()
            time.tzset()
