"""When the reader's `date:today` watches roll over: the next local midnight.

After a spring-forward day the next midnight was computed in the offset of the
day before (the fixed offset `astimezone()` gives), so `date:today` and
`date:-7d` rolled over at 01:00 (found by a bug hunt, in America/New_York and
Europe/Berlin).
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from tui_digest.core.when import Clock, seconds_to_next_day

# (zone, a moment on the day of the spring-forward switch, the next midnight local)
SPRING = [
    ("America/New_York", "2027-03-14T00:00:01-05:00", "2027-03-15T00:00:00-04:00"),
    ("Europe/Berlin", "2027-03-28T00:00:01+01:00", "2027-03-29T00:00:00+02:00"),
    ("America/New_York", "2027-11-07T00:00:01-04:00", "2027-11-08T00:00:00-05:00"),
    ("Europe/Berlin", "2027-03-27T12:00:00+01:00", "2027-03-28T00:00:00+01:00"),
]


@pytest.fixture
def system_zone(monkeypatch):
    """Set the process's local zone (TZ + tzset); the machine's is restored after."""

    def use(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def _fires_at(clock: Clock, now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=seconds_to_next_day(clock))


@pytest.mark.parametrize(("zone", "now", "midnight"), SPRING)
def test_the_system_zones_next_midnight_across_a_switch(system_zone, zone, now, midnight):
    system_zone(zone)
    at = dt.datetime.fromisoformat(now)
    fires = _fires_at(Clock(now=lambda: at), at)
    assert fires == dt.datetime.fromisoformat(midnight) + dt.timedelta(seconds=1)


@pytest.mark.parametrize(("zone", "now", "midnight"), SPRING)
def test_an_injected_zones_next_midnight_across_a_switch(zone, now, midnight):
    at = dt.datetime.fromisoformat(now)
    fires = _fires_at(Clock(now=lambda: at, zone=ZoneInfo(zone)), at)
    assert fires == dt.datetime.fromisoformat(midnight) + dt.timedelta(seconds=1)
