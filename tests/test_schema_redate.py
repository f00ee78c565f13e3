"""Schema step 22: arXiv Atom digests the old rule filed under the UTC day of
`<updated>` move to their announcement day (regression hunt `regtz` #1).

Before 96d9e34 an Atom feed built after 00:00Z (the evening in the Americas)
was filed under the next day; the new rule files it under its entries' day, so
the next announcement met the misfiled digest on its day: a `-2` digest, or,
the misfiled one removed, the list dropped as "unchanged". A cache is built
the old way (the digest moved to the old rule's day, schema 21) and upgraded.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from cli_support import run_cli
from tui_digest.core import schema_redate
from tui_digest.core.errors import UpgradeStopped
from tui_digest.core.store import Store
from tui_digest.core.store.retention import re_place


def _atom(path: Path, updated: str, day: str, first: int) -> Path:
    entries = "".join(
        f"<entry><id>oai:arXiv.org:2612.{n:05d}v1</id><title>Paper {n} about widgets{n}</title>"
        f'<link href="https://arxiv.org/abs/2612.{n:05d}" rel="alternate"/>'
        f"<published>{day}T00:00:00-05:00</published>"
        f"<summary>arXiv:2612.{n:05d}v1 Announce Type: new\nAbstract: A.</summary>"
        "<author><name>Ann Lee</name></author></entry>\n"
        for n in range(first, first + 3)
    )
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>cs.CL updates on arXiv.org</title>\n'
        f"<id>http://rss.arxiv.org/atom/cs.CL</id><updated>{updated}</updated>\n{entries}</feed>",
        encoding="utf-8",
    )
    return path


def _import(db: Path, path: Path) -> None:
    done = run_cli("import", str(path), db=db)
    assert done.returncode == 0, done.stderr


def _file_the_old_way(db: Path, name: str, old: str, old_name: str = "") -> None:
    """What the old rule made of the digest `name`: filed under `old` (as
    `old_name`), schema 21."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    day = conn.execute("SELECT date FROM digests WHERE name = ?", (name,)).fetchone()[0]
    old_name = old_name or name.replace(day, old)
    conn.execute(
        "UPDATE digests SET name = ?, alias = ?, date = ?, label = replace(label, ?, ?) "
        "WHERE name = ?",
        (old_name, old_name, old, day, old, name),
    )
    pks = [r[0] for r in conn.execute("SELECT pk FROM papers")]
    re_place(conn, pks)
    conn.execute("PRAGMA user_version = 21")
    conn.execute("COMMIT")
    conn.close()


def _digests(db: Path) -> list[tuple[str, str, str]]:
    with Store.open(db) as s:
        return sorted((d.date, d.name, d.label) for d in s.digests())


def _found(db: Path, query: str) -> list[str]:
    with Store.open(db, readonly=True) as s:
        rows = s.search(query, limit=100)
        assert s.count(query) == len(rows)
        return sorted(r.id for r in rows)


def test_a_misfiled_atom_digest_moves_to_its_announcement_day(tmp_path):
    db = tmp_path / "c.db"
    # Built 20:30 EST on 12-01 (01:30Z on 12-02): the old rule said 12-02.
    _import(db, _atom(tmp_path / "late.xml", "2026-12-02T01:30:00+00:00", "2026-12-01", 1))
    # Built at arXiv's midnight of 11-30 (05:00Z): both rules say 11-30.
    _import(db, _atom(tmp_path / "early.xml", "2026-11-30T05:00:00+00:00", "2026-11-30", 11))
    _file_the_old_way(db, "arxiv-cs.CL-2026-12-01", "2026-12-02")
    late = ["2612.00001", "2612.00002", "2612.00003"]
    with sqlite3.connect(db) as conn:  # (the old way, as the hunt found it)
        names = [r[0] for r in conn.execute("SELECT name FROM digests ORDER BY name")]
        assert names == ["arxiv-cs.CL-2026-11-30", "arxiv-cs.CL-2026-12-02"]
    [(d1, n1, l1), (d2, n2, l2)] = _digests(db)
    assert (d1, n1, d2, n2) == (
        "2026-11-30", "arxiv-cs.CL-2026-11-30", "2026-12-01", "arxiv-cs.CL-2026-12-01"
    )  # fmt: skip
    assert l1.startswith("2026-11-30 · ") and l2.startswith("2026-12-01 · ")
    assert _found(db, "date:2026-12-01") == late
    assert _found(db, "date:2026-12-02") == []
    assert _found(db, "widgets2") == ["2612.00002"]  # (its index row moved with it)
    assert _found(db, "date:2026-11-30 widgets12") == ["2612.00012"]
    # The next announcement is that day's one digest, not a `-2`.
    _import(db, _atom(tmp_path / "next.xml", "2026-12-03T01:30:00+00:00", "2026-12-02", 21))
    assert [n for _, n, _ in _digests(db)][-1] == "arxiv-cs.CL-2026-12-02"
    done = run_cli("reindex", db=db)
    assert done.returncode == 0, done.stderr
    assert _found(db, "widgets2 date:2026-12-01") == ["2612.00002"]


def test_a_misfiled_digest_whose_day_is_taken_stays(tmp_path):
    """The corrected day already has a digest of the source: moving it would
    make two of that day and clash by name, so it keeps its date."""
    db = tmp_path / "c.db"
    _import(db, _atom(tmp_path / "other.xml", "2026-12-01T05:00:00+00:00", "2026-12-01", 31))
    _import(db, _atom(tmp_path / "late.xml", "2026-12-02T01:30:00+00:00", "2026-12-01", 1))
    _file_the_old_way(db, "arxiv-cs.CL-2026-12-01-2", "2026-12-02", "arxiv-cs.CL-2026-12-02")
    assert [(d, n) for d, n, _ in _digests(db)] == [
        ("2026-12-01", "arxiv-cs.CL-2026-12-01"),
        ("2026-12-02", "arxiv-cs.CL-2026-12-02"),
    ]
    assert _found(db, "date:2026-12-02") == ["2612.00001", "2612.00002", "2612.00003"]


def test_every_day_filed_a_day_late_moves_whatever_order_they_came_in(tmp_path):
    """Each misfiled day's corrected name was the day before's until that one
    moved, and the digests were read in no order: an older day added later (a
    backfill) left the others a day late (regression hunt `reg2a` #1). They
    move oldest first, each freeing the name the next needs."""
    db = tmp_path / "c.db"
    days = ["2026-12-01", "2026-12-02", "2026-12-03"]
    for n, day in enumerate(reversed(days)):  # the newest first
        late = f"{day[:8]}{int(day[8:]) + 1:02}T01:30:00+00:00"
        _import(db, _atom(tmp_path / f"{day}.xml", late, day, 1 + 10 * n))
    for day in reversed(days):
        _file_the_old_way(db, f"arxiv-cs.CL-{day}", f"{day[:8]}{int(day[8:]) + 1:02}")
    assert [(d, n) for d, n, _ in _digests(db)] == [(day, f"arxiv-cs.CL-{day}") for day in days]


def test_a_stop_between_two_digests_rolls_the_step_back(tmp_path, monkeypatch):
    """`q` while this step ran waited for it on a blank screen (regression hunt
    `regui41` #3): its time goes to Python (decompressing and parsing each
    candidate feed), where SQLite's progress handler never looks at the stop.
    The step looks between digests: stopped after the first, it rolls back, and
    the next open moves them all."""
    db = tmp_path / "c.db"
    days = ["2026-12-01", "2026-12-02", "2026-12-03"]
    for n, day in enumerate(days):
        late = f"{day[:8]}{int(day[8:]) + 1:02}T01:30:00+00:00"
        _import(db, _atom(tmp_path / f"{day}.xml", late, day, 1 + 10 * n))
    for day in reversed(days):
        _file_the_old_way(db, f"arxiv-cs.CL-{day}", f"{day[:8]}{int(day[8:]) + 1:02}")
    stop = threading.Event()
    real = schema_redate._new_day
    read: list[str] = []

    def then_quit(data: bytes, date: str) -> str:
        read.append(date)
        stop.set()  # the reader quits while the first feed is being read
        return real(data, date)

    monkeypatch.setattr(schema_redate, "_new_day", then_quit)
    with pytest.raises(UpgradeStopped, match="the upgrade was stopped"):
        Store.open(db, stop_upgrade=stop)
    assert read == ["2026-12-02"]  # no other feed was read after the stop
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 21
        assert [r[0] for r in conn.execute("SELECT date FROM digests ORDER BY date")] == [
            "2026-12-02", "2026-12-03", "2026-12-04"
        ]  # fmt: skip
    monkeypatch.setattr(schema_redate, "_new_day", real)
    assert [(d, n) for d, n, _ in _digests(db)] == [(day, f"arxiv-cs.CL-{day}") for day in days]
