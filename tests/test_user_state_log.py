"""Tags, notes, timestamped state changes and state files that travel (issue 12 req 5,
issue 10 req 7)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

from tui_digest.core import state_file
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.core.store.user_log import EPOCH, Change, parse_stamp, stamp, write_tags

OLD = "2020-01-01T00:00:00.000Z"
# Newer than any change a test makes here, yet within the hour a state import
# accepts ahead of its own clock (user_log.FUTURE_SLACK: later is a clock set wrong).
NEW = stamp(_dt.datetime.now(_dt.UTC) + _dt.timedelta(minutes=30))


def digest(name: str, *pids: str) -> Digest:
    papers = [
        Paper(id=p, title_en=f"Title of {p}", abstract_en="a study of diffusion") for p in pids
    ]
    return Digest(name=name, date="2024-03-18", papers=papers)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cache.db"
    with Store.open(path) as s:
        s.import_digest(digest("d1", "2403.00001", "2403.00002", "2403.00003"))
    return path


def ids(store: Store, query: str) -> list[str]:
    return [r.id for r in store.list_rows(store.list_ids(query))]


def fields(store: Store) -> dict[tuple[str, str], tuple[object, str]]:
    return {(c.id, c.field): (c.value, c.changed_at) for c in store.export_state()}


def test_tags_add_remove_case_and_completion(db):
    with Store.open(db) as s:
        assert s.edit_tags(["2403.00001", "2403.00002"], ["robotics", "LLM agents"]) == 2
        assert s.edit_tags(["2403.00001"], ["Robotics"], ["llm-agents"]) == 1
        assert s.edit_tags(["2403.00001"], ["robotics"]) == 0  # already there, any case
    with Store.open(db) as s:  # kept across a reopen
        assert s.get_paper("2403.00001").tags == ["robotics"]
        assert s.get_paper("2403.00002").tags == ["robotics", "LLM-agents"]
        assert s.all_tags() == [("robotics", 2), ("LLM-agents", 1)]
        assert ids(s, "tag:ROBOTICS") == ["2403.00001", "2403.00002"]
        assert ids(s, "tag:llm-agents") == ["2403.00002"]
        assert ids(s, "-tag:llm-agents") == ["2403.00001", "2403.00003"]
        assert s.count("tag:robotics", digest="d1") == 2


def test_notes_searchable_by_note_and_by_bare_words(db):
    with Store.open(db) as s:
        assert ids(s, "planning") == []
        assert s.set_note("2403.00002", "Useful for 任务规划 and Planning")
        assert not s.set_note("2403.00002", "Useful for 任务规划 and Planning")
    with Store.open(db) as s:
        assert s.get_paper("2403.00002").note == "Useful for 任务规划 and Planning"
        assert ids(s, "note:planning") == ["2403.00002"]
        assert ids(s, "note:规划") == ["2403.00002"]
        assert ids(s, "planning") == ["2403.00002"]  # a bare word also matches notes
        assert ids(s, "useful plann") == ["2403.00002"]  # every word in the note
        # Each word in the text or the note: here one in each.
        assert ids(s, "diffusion plann") == ["2403.00002"]
        assert ids(s, "diffusion -plann") == ["2403.00001", "2403.00003"]
        assert ids(s, "plann is:unread") == ["2403.00002"]
        assert ids(s, "plann is:read") == []
        assert ids(s, "plann -useful") == []
        assert ids(s, "plann -diffusion") == []  # the text says diffusion
        assert ids(s, "plann type:new") == []  # the paper's announce type is ""
        assert ids(s, "ti:title plann") == ["2403.00002"]
        assert ids(s, "ti:nothing plann") == []
        s.edit_tags(["2403.00002", "2403.00003"], ["x"])
        assert ids(s, "tag:x planning") == ["2403.00002"]
        assert ids(s, "tag:x diffusion") == ["2403.00002", "2403.00003"]
        assert s.count("useful plann", digest="d1") == 1
        assert s.count("diffusion plann", digest="d1") == 1
        assert s.count("nothingmatches plann", digest="d1") == 0
        assert ids(s, "-planning") == ["2403.00001", "2403.00003"]
        assert ids(s, 'note:"for 任务"') == ["2403.00002"]
        assert ids(s, "diffusion") == ["2403.00001", "2403.00002", "2403.00003"]
        assert s.count("planning", digest="d1") == 1
        s.set_note("2403.00002", "")
        assert ids(s, "planning") == []
        assert s.get_paper("2403.00002").note == ""


def test_every_flag_change_is_stamped_in_the_same_transaction(db):
    with Store.open(db) as s:
        rowid = s.get_paper("2403.00001").rowid
        s.set_read([rowid])
        s.set_starred([rowid])
        s.set_read([rowid], False)
        got = fields(s)
    assert got[("2403.00001", "read")][0] is False
    assert got[("2403.00001", "starred")][0] is True
    assert got[("2403.00001", "read")][1] > OLD
    assert ("2403.00002", "read") not in got


def test_round_trip_export_change_import_older_keeps_newest(db, tmp_path):
    with Store.open(db) as s:
        s.set_read([s.get_paper("2403.00001").rowid])
        s.edit_tags(["2403.00001"], ["robotics"])
        s.set_note("2403.00001", "first note")
        text = state_file.header(NEW) + "\n" + "".join(state_file.dump(s.export_state()))
    (tmp_path / "state.jsonl").write_text(text, encoding="utf-8")
    with Store.open(db) as s:  # later changes on this machine
        s.set_read([s.get_paper("2403.00001").rowid], False)
        s.set_note("2403.00001", "second note")
        s.edit_tags(["2403.00001"], ["vision"], ["robotics"])
    parsed = state_file.parse((tmp_path / "state.jsonl").read_text("utf-8"), "state.jsonl")
    assert parsed.problems == []
    with Store.open(db) as s:  # the older file changes nothing
        result = s.merge_state(parsed.changes)
        assert (result.applied, result.kept) == (0, 3)
    with Store.open(db) as s:
        rec = s.get_paper("2403.00001")
        assert (rec.read, rec.note, rec.tags) == (False, "second note", ["vision"])
        assert ids(s, "tag:robotics") == []


def test_merge_newer_wins_and_a_fresh_cache_gets_everything(db, tmp_path):
    newer = [
        Change("2403.00002", "read", True, NEW),
        Change("2403.00002", "tags", ["robotics"], NEW),
        Change("2403.00003", "note", "from the laptop", NEW),
        Change("2403.00003", "starred", True, OLD),
    ]
    with Store.open(db) as s:
        s.set_starred([s.get_paper("2403.00003").rowid])  # now: newer than OLD
        s.set_starred([s.get_paper("2403.00003").rowid], False)
        result = s.merge_state(newer)
        assert (result.applied, result.kept) == (3, 1)
    with Store.open(db) as s:
        assert s.get_paper("2403.00002").read
        assert not s.get_paper("2403.00003").starred
        assert ids(s, "is:read") == ["2403.00002"]  # the listing table follows
        assert ids(s, "laptop") == ["2403.00003"]
        # The imported time is kept, not the time of the import.
        assert fields(s)[("2403.00002", "read")] == (True, NEW)


def test_flags_set_before_stamping_export_as_epoch(db):
    with Store.open(db) as s:
        conn = s._conn()
        conn.execute("UPDATE papers SET read = 1 WHERE id = '2403.00003'")
        conn.execute("DELETE FROM user_state")
        assert fields(s)[("2403.00003", "read")] == (True, EPOCH)
        result = s.merge_state([Change("2403.00003", "read", False, OLD)])
        assert result.applied == 1
        assert not s.get_paper("2403.00003").read


def test_state_for_a_paper_not_here_yet_applies_when_it_arrives(db):
    with Store.open(db) as s:
        result = s.merge_state(
            [Change("2405.99999", "starred", True, NEW), Change("2405.99999", "tags", ["x"], NEW)]
        )
        assert result.pending == 2  # the star and the tags both wait for the paper
        assert fields(s)[("2405.99999", "starred")] == (True, NEW)  # exported again: not lost
    with Store.open(db) as s:
        s.import_digest(digest("d2", "2405.99999"))
        rec = s.get_paper("2405.99999")
        assert rec.starred and rec.tags == ["x"]
        assert fields(s)[("2405.99999", "starred")] == (True, NEW)
        assert ids(s, "is:starred tag:x") == ["2405.99999"]


def line(pid: str, field: str, value: str, at: str) -> str:
    return f'{{"id": "{pid}", "field": "{field}", "value": {value}, "changed_at": "{at}"}}'


def test_state_file_bad_lines_are_problems_with_line_numbers():
    text = "\n".join(
        [
            state_file.header(NEW),
            line("2403.00001", "read", "true", "2024-01-02T03:04:05+02:00"),
            "not json",
            line("2403.00001", "colour", "1", "2024-01-01"),
            line("2403.00001", "tags", '"robotics"', "2024-01-01"),
            line("2403.00001", "note", '"x"', "yesterday"),
            line("2403.00001v2", "note", '"kept"', "2024-01-01"),
        ]
    )
    parsed = state_file.parse(text, "s.jsonl")
    assert [p.split(":")[1] for p in parsed.problems] == ["3", "4", "5", "6"]
    assert "unknown field 'colour'" in parsed.problems[1]
    assert parsed.changes == [
        Change("2403.00001", "read", True, "2024-01-02T01:04:05.000Z"),
        Change("2403.00001", "note", "kept", "2024-01-01T00:00:00.000Z"),
    ]


def test_a_state_file_with_lone_cr_line_ends_is_read_line_by_line():
    """Saved with classic Mac line ends (CR alone) the file was one line:
    "st.jsonl:1: Extra data: line 1 column 89", nothing applied (found by a bug
    hunt). A lone CR ends a line as LF and CRLF do; JSON allows none raw in a string,
    and a note's escaped "\\r" or raw U+2028 stays inside its line."""
    lines = [
        state_file.header(NEW),
        line("2403.00001", "read", "true", "2024-01-02T03:04:05Z"),
        line("2403.00002", "note", '"two\\rlines\u2028kept"', "2024-01-02T03:04:05Z"),
        "not json",
    ]
    for end in ("\r", "\r\n", "\n"):
        parsed = state_file.parse(end.join(lines) + end, "s.jsonl")
        assert [p.split(":")[1] for p in parsed.problems] == ["4"], end
        assert [c.id for c in parsed.changes] == ["2403.00001", "2403.00002"]
        assert parsed.changes[1].value == "two\rlines\u2028kept"


def test_parse_stamp_orders_as_time():
    assert parse_stamp("2024-01-02T03:04:05.5+02:00") == "2024-01-02T01:04:05.500Z"
    assert parse_stamp("2024-01-02") < parse_stamp("2024-01-02T00:00:01Z")
    # Found by a bug hunt: year 9 was "9-01-01T…", which sorted after every 2024 change.
    assert parse_stamp("0009-01-01T00:00:00Z") == "0009-01-01T00:00:00.000Z"
    assert parse_stamp("0009-01-01") < parse_stamp("2024-01-02")


def test_a_stamp_out_of_range_in_utc_is_a_bad_line_not_a_crash():
    """Found by a bug hunt: one such line raised OverflowError and the whole
    `state import` stopped with a traceback, nothing applied."""
    text = "\n".join(
        [
            state_file.header(NEW),
            line("2403.00001", "read", "true", "2024-01-02T03:04:05Z"),
            line("2403.00002", "read", "true", "0001-01-01T00:00:00+01:00"),
            line("2403.00003", "read", "true", "9999-12-31T23:59:59-01:00"),
            line("2403.00004", "read", "true", "9999-12-31T23:59:59+01:00"),
        ]
    )
    parsed = state_file.parse(text, "s.jsonl")
    assert [p.split(":")[1] for p in parsed.problems] == ["3", "4"]
    assert "out of range" in parsed.problems[0]
    assert [c.id for c in parsed.changes] == ["2403.00001", "2403.00004"]


def test_or_groups_take_tags_and_notes_and_their_words_search_notes_too(db):
    """tag: and note: may stand in OR groups (they were refused); a group's bare
    words also match notes, as outside groups (issue 10 loose end; more cases in
    test_query_user_notes.py)."""
    with Store.open(db) as s:
        assert ids(s, "diffusion OR nothingmatches") == ["2403.00001", "2403.00002", "2403.00003"]
        s.edit_tags(["2403.00001"], ["robotics"])
        s.edit_tags(["2403.00003"], ["vision"])
        assert ids(s, "tag:robotics OR tag:vision") == ["2403.00001", "2403.00003"]
        assert ids(s, "tag:robotics OR ti:2403.00002") == ["2403.00001", "2403.00002"]
        assert ids(s, "-(tag:robotics OR tag:vision)") == ["2403.00002"]
        s.set_note("2403.00002", "planning notes, 任务规划")
    with Store.open(db) as s:
        # Once notes exist, OR groups keep working over the text.
        assert ids(s, "diffusion OR nothingmatches") == ["2403.00001", "2403.00002", "2403.00003"]
        assert ids(s, "(title OR nothingmatches) ti:2403.00003") == ["2403.00003"]
        assert ids(s, "nothingmatches OR 规划") == ["2403.00002"]  # in the note
        assert ids(s, "note:规划 OR nothingmatches") == ["2403.00002"]
        assert ids(s, "note:planning OR tag:robotics") == ["2403.00001", "2403.00002"]
        assert ids(s, "planning OR tag:vision") == ["2403.00002", "2403.00003"]
        assert ids(s, "tag:robotics (diffusion OR nothingmatches)") == ["2403.00001"]
        assert ids(s, "tag:robotics (planning OR nothingmatches)") == []
        assert ids(s, "diffusion (tag:robotics OR note:规划)") == ["2403.00001", "2403.00002"]
        assert ids(s, "diffusion -(note:planning OR tag:robotics)") == ["2403.00003"]
        assert ids(s, "(diffusion tag:vision) OR ti:2403.00001") == ["2403.00001", "2403.00003"]
        assert ids(s, "(diffusion -tag:vision) OR nothingmatches") == ["2403.00001", "2403.00002"]
        # Bare words beside a group still look in notes, as in any query.
        assert ids(s, "planning (tag:robotics OR note:规划)") == ["2403.00002"]
        assert ids(s, "note:planning OR tag:vision is:unread") == ["2403.00002", "2403.00003"]
        s.set_read([s.get_paper("2403.00003").rowid])
        assert ids(s, "note:planning OR tag:vision is:unread") == ["2403.00002"]
        # Inside a digest the same.
        assert s.count("tag:robotics OR note:planning", digest="d1") == 2
        assert s.count("-(tag:robotics OR note:planning)", digest="d1") == 1
        # A tag or a note is not in the text: neither is highlighted there.
        from tui_digest.core.highlight import matcher

        assert matcher("tag:robotics OR note:planning").spans("robotics planning") == []
        assert matcher("diffusion OR tag:x").spans("a diffusion model") == [(2, 11)]


def test_a_change_stamped_in_the_future_only_fills(db):
    """A machine whose clock ran 8 h ahead starred a paper "in the future"; the
    other machine unstarred it later, and the star won every sync after (found
    by a bug hunt). Beyond the hour's slack such a change fills only a field
    this cache never changed (as made at the import), so re-importing the same
    file never undoes a later real change. Replayed over a day."""
    from tui_digest.core.store import user_log

    morning = _dt.datetime(2026, 12, 1, 9, 0, tzinfo=_dt.UTC)
    ahead = stamp(morning + _dt.timedelta(hours=8))
    laptop = [
        Change("2403.00001", "starred", True, ahead),
        Change("2403.00001", "note", "from the fast clock", ahead),
        Change("2403.00002", "starred", True, stamp(morning)),  # on time
    ]
    with Store.open(db) as s:
        conn = s._conn()
        with conn:
            result = user_log.merge(conn, laptop, when=morning)
        assert (result.applied, result.kept, result.future) == (3, 0, 2)
        assert fields(s)[("2403.00001", "starred")] == (True, stamp(morning))
        # At noon this machine unstars it; the next syncs bring the same file.
        with conn:
            conn.execute("UPDATE papers SET starred = 0 WHERE id = '2403.00001'")
            conn.execute(
                "UPDATE user_state SET changed_at = ? WHERE id = '2403.00001' "
                "AND field = 'starred'",
                (stamp(morning + _dt.timedelta(hours=3)),),
            )
        # (Once real time passes the laptop's stamp, 17:00, its star reads as a
        # change made then, newer than noon's: the warning asks for its clock.)
        for hours in (4, 6):  # 13:00, 15:00
            with conn:
                again = user_log.merge(conn, laptop[:1], when=morning + _dt.timedelta(hours=hours))
            assert (again.applied, again.kept, again.future, again.refused) == (0, 0, 0, 1)
    with Store.open(db) as s:
        assert not s.get_paper("2403.00001").starred
        assert s.get_paper("2403.00001").note == "from the fast clock"


def test_tags_of_papers_not_here_are_not_offered(db):
    """A state file's tags for a paper this cache does not hold wait for it; the
    tag editor offered them, and `tag:` then found nothing (found by a bug hunt)."""
    with Store.open(db) as s:
        s.merge_state([Change("2699.99999", "tags", ["ghost"], OLD)])
        s.edit_tags(["2403.00001"], ["real"])
        assert s.all_tags() == [("real", 1)]
        s.import_digest(digest("d2", "2699.99999"))  # it arrives: offered now
        assert s.all_tags() == [("ghost", 1), ("real", 1)]
        assert ids(s, "tag:ghost") == ["2699.99999"]


def test_full_width_tags_are_their_ascii_forms(db):
    """`tag:ｒｏｂｏｔｉｃｓ` (a Chinese input method's full width) found nothing,
    and `+ｒｏｂｏｔｉｃｓ` saved a second tag, though full width is ignored
    elsewhere (found by a bug hunt). Tags are folded with NFKC: saved so, and
    compared so, which finds a full-width tag a cache saved before."""
    with Store.open(db) as s:
        s.edit_tags(["2403.00001"], ["robotics"])
        assert ids(s, "tag:ｒｏｂｏｔｉｃｓ") == ["2403.00001"]
        assert ids(s, "tag:ＲＯＢＯＴＩＣＳ OR tag:zzz") == ["2403.00001"]
        assert s.edit_tags(["2403.00001"], ["ｒｏｂｏｔｉｃｓ"]) == 0  # the same tag
        assert s.edit_tags(["2403.00002"], ["ｒｏｂｏｔｉｃｓ，ｖｉｓｉｏｎ"]) == 1
        assert s.get_paper("2403.00002").tags == ["robotics", "vision"]
        # A cache saved the full-width form as typed (before this fold).
        with s._write() as conn:
            write_tags(conn, "2403.00003", ["ｍｙｔａｇ"], NEW)
        s.edit_tags(["2403.00002"], ["mytag"])
    with Store.open(db) as s:
        assert s.all_tags() == [("robotics", 2), ("mytag", 2), ("vision", 1)]  # one entry
        assert ids(s, "tag:mytag") == ids(s, "tag:ＭＹＴＡＧ") == ["2403.00002", "2403.00003"]
        assert s.edit_tags(["2403.00003"], ["MyTag"]) == 0
        assert s.edit_tags(["2403.00003"], [], ["mytag"]) == 1
        assert s.get_paper("2403.00003").tags == []
