"""Times for people (issue 16 item 5): local zone, short and relative; clock and zone injected."""

from __future__ import annotations

import datetime as dt

from tui_digest.core.when import Clock, parse_stamp

UTC8 = dt.timezone(dt.timedelta(hours=8))
UTC_5 = dt.timezone(dt.timedelta(hours=-5))


def clock(now: str, zone: dt.tzinfo) -> Clock:
    moment = parse_stamp(now)
    assert moment is not None
    return Clock(now=lambda: moment, zone=zone)


def test_today_yesterday_days_ago_and_older_in_the_local_zone():
    c = clock("2026-08-19T02:00:00Z", UTC8)  # 10:00 on the 19th in UTC+8
    assert c.show_stamp("2026-08-19T01:14:00Z") == "today 09:14"
    # 23:30 UTC on the 18th is already the 19th in UTC+8.
    assert c.show_stamp("2026-08-18T23:30:00Z") == "today 07:30"
    assert c.show_stamp("2026-08-18T13:40:00Z") == "yesterday 21:40"
    assert c.show_stamp("2026-08-16T05:00:00Z") == "3 days ago"
    assert c.show_stamp("2026-08-12T01:14:00Z") == "2026-08-12 09:14"
    assert c.show_stamp("2026-08-20T01:00:00Z") == "2026-08-20 09:00"  # the future: absolute


def test_the_same_instant_in_another_zone_is_another_day():
    c = clock("2026-08-19T02:00:00Z", UTC_5)  # 21:00 on the 18th in UTC-5
    assert c.show_stamp("2026-08-19T01:14:00Z") == "today 20:14"
    assert c.show_stamp("2026-08-18T03:00:00Z") == "yesterday 22:00"


def test_across_days_the_same_stamp_reads_differently():
    stamp = "2026-08-19T01:14:00Z"
    assert clock("2026-08-19T09:00:00Z", UTC8).show_stamp(stamp) == "today 09:14"
    assert clock("2026-08-20T09:00:00Z", UTC8).show_stamp(stamp) == "yesterday 09:14"
    assert clock("2026-08-24T09:00:00Z", UTC8).show_stamp(stamp) == "5 days ago"
    assert clock("2026-08-27T09:00:00Z", UTC8).show_stamp(stamp) == "2026-08-19 09:14"


def test_missing_naive_and_unparsable_stamps():
    c = clock("2026-08-19T02:00:00Z", UTC8)
    assert c.show_stamp(None, "never") == "never"
    assert c.show_stamp("", "never") == "never"
    assert c.show_stamp("2026-08-19T01:14:00") == "today 09:14"  # naive: UTC
    assert c.show_stamp("2026-08-19T09:14:00+08:00") == "today 09:14"
    assert c.show_stamp("yesterday-ish") == "yesterday-ish"


def test_sources_list_shows_local_times_and_json_keeps_utc_iso(tmp_path, monkeypatch):
    """Through the entry point, with the zone set the way a user sets it (TZ)."""
    import json

    from cli_support import run_cli
    from tui_digest.core.store import Store

    config = tmp_path / "config.toml"
    config.write_text('[[sources]]\nname = "ai"\nurl = "https://example.org/ai.md"\n')
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        store.set_source_state(
            "ai",
            url="https://example.org/ai.md",
            last_checked="2024-02-05T23:30:00Z",
            last_status="new 3",
        )
    env = {"TZ": "XST-8"}  # POSIX: eight hours east of UTC, no zone database needed
    out = run_cli("sources", "list", "--config", str(config), db=db, env=env)
    assert out.returncode == 0, out.stderr
    row = next(line for line in out.stdout.decode().splitlines() if line.startswith("ai "))
    assert "2024-02-06 07:30" in row  # the next morning, local
    listed = run_cli("sources", "list", "--json", "--config", str(config), db=db, env=env)
    assert json.loads(listed.stdout)[0]["last_checked"] == "2024-02-05T23:30:00Z"
