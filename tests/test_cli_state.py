"""`mark`, `tag`, `note` and `state export|import` through the real entry point
(issue 10 req 7-8, issue 12 req 5)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_cli

DIGEST = Path(__file__).parent / "fixtures" / "digests" / "canonical-3.md"


def out(proc) -> str:
    return proc.stdout.decode("utf-8")


def test_headless_changes_travel_and_an_older_file_loses_nothing(tmp_path):
    db, laptop = tmp_path / "c.db", tmp_path / "laptop.db"
    for cache in (db, laptop):
        assert run_cli("import", str(DIGEST), db=cache).returncode == 0
    tag = run_cli("tag", "2403.10056", "2310.03635", "+robotics", "+LLM agents", "-old", db=db)
    assert tag.returncode == 0, tag.stderr
    assert "2403.10056\trobotics, LLM-agents" in out(tag)
    assert run_cli("note", "2310.03635", "用于任务规划", db=db).returncode == 0
    mark = run_cli("mark", "star", "--query", "tag:robotics", db=db)
    assert "star: 2 papers changed" in out(mark)
    missing = run_cli("mark", "read", "2403.10056", "2499.00000", db=db)
    assert missing.returncode == 1 and b"2499.00000" in missing.stderr
    export = run_cli("state", "export", "-o", str(tmp_path / "s.jsonl"), db=db)
    assert export.returncode == 0, export.stderr
    lines = [json.loads(x) for x in (tmp_path / "s.jsonl").read_text("utf-8").splitlines()]
    assert lines[0]["format"] == "tui-digest-state"
    got = {(x["id"], x["field"]): x["value"] for x in lines[1:]}
    assert got[("2403.10056", "read")] is True
    assert got[("2310.03635", "note")] == "用于任务规划"
    assert got[("2310.03635", "starred")] is True

    # The other machine imports it and sees everything.
    imported = run_cli("state", "import", str(tmp_path / "s.jsonl"), db=laptop)
    assert imported.returncode == 0, imported.stderr
    assert out(run_cli("note", "2310.03635", db=laptop)).strip() == "用于任务规划"
    assert "2310.03635" in out(run_cli("search", "is:starred", "note:规划", db=laptop))
    # It changes its mind later; importing the older file again keeps that.
    run_cli("mark", "unread", "2403.10056", db=laptop)
    run_cli("tag", "2403.10056", "-robotics", db=laptop)
    again = run_cli("state", "import", str(tmp_path / "s.jsonl"), db=laptop)
    assert "0 changes applied" in out(again)
    assert "2403.10056" not in out(run_cli("search", "is:read", db=laptop))
    assert "2403.10056\tLLM-agents" in out(run_cli("tag", "2403.10056", db=laptop))


def test_state_export_dash_is_standard_output(tmp_path, monkeypatch):
    """`-o -` made a file named "-" (and exited 0 with standard output closed; found
    by a regression hunt): it is standard output, as for `export -o -`."""
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    assert run_cli("note", "2310.03635", "用于任务规划", db=db).returncode == 0
    monkeypatch.chdir(tmp_path)
    done = run_cli("state", "export", "-o", "-", db=db)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "-").exists()
    lines = [json.loads(x) for x in done.stdout.decode("utf-8").splitlines()]
    assert lines[0]["format"] == "tui-digest-state"
    assert {"id": "2310.03635", "field": "note"}.items() <= lines[1].items()


def test_state_import_reports_bad_lines_and_applies_the_rest(tmp_path):
    db = tmp_path / "c.db"
    run_cli("import", str(DIGEST), db=db)
    f = tmp_path / "s.jsonl"
    f.write_text(
        '{"id": "2403.10056", "field": "starred", "value": true, "changed_at": "2024-01-01"}\n'
        "{broken\n",
        encoding="utf-8",
    )
    proc = run_cli("state", "import", str(f), db=db)
    assert proc.returncode == 1
    assert b"s.jsonl:2:" in proc.stderr
    assert "1 changes applied" in out(proc)


def test_an_id_not_in_the_cache_is_exit_1_for_mark_tag_and_note(tmp_path):
    # Found by a bug hunt: `note` exited 2 (a usage error) where `mark` and `tag` exit 1.
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    said = "tui-digest: no paper with id '9999.99999' in the cache\n"
    for command in (
        ["mark", "unread", "9999.99999"],
        ["tag", "9999.99999", "+x"],
        ["tag", "9999.99999"],
        ["note", "9999.99999", "text"],
        ["note", "9999.99999"],
    ):
        proc = run_cli(*command, db=db)
        assert (proc.returncode, proc.stderr.decode()) == (1, said), command
    # With a known id beside it the known one is changed, and the status is still 1.
    proc = run_cli("tag", "2403.10056", "9999.99999", "+x", db=db)
    assert proc.returncode == 1 and "2403.10056\tx" in out(proc)


def test_mark_needs_ids_or_a_query(tmp_path):
    proc = run_cli("mark", "read", db=tmp_path / "c.db")
    assert proc.returncode == 2 and b"--query" in proc.stderr
    assert b"not both" not in proc.stderr
    # Found by a bug hunt: an empty --query said "(not both)" though neither was given.
    proc = run_cli("mark", "unread", "--query", "", db=tmp_path / "c.db")
    assert proc.returncode == 2 and b"not both" not in proc.stderr
    assert b"--query is empty" in proc.stderr
    proc = run_cli("mark", "unread", "2403.10056", "--query", "x", db=tmp_path / "c.db")
    assert proc.returncode == 2 and b"not both" in proc.stderr


def test_note_prints_its_lines_and_what_is_cut_is_said(tmp_path):
    """`note ID` printed a multi-line note on one line; a 200-character tag and a
    30,000-character note were stored cut, and the command said nothing."""
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    pid = "2403.10056"
    note = "first line\n\tindented\x1b[31m red\nlast"
    assert run_cli("note", pid, note, db=db).returncode == 0
    shown = run_cli("note", pid, db=db).stdout.decode()
    assert shown == "first line\n\tindented[31m red\nlast\n"  # lines kept, the escape out
    long_tag = "t" * 200
    out = run_cli("tag", pid, f"+{long_tag}", db=db)
    assert out.returncode == 0 and "tag cut to 64 characters" in out.stderr.decode()
    out = run_cli("note", pid, "n" * 30_000, db=db)
    assert out.returncode == 0 and "note cut to 20,000 characters" in out.stderr.decode()
    # The paper named, as `state import` names it ("note: note cut" before: a hunt).
    assert f"tui-digest: {pid}: note cut to 20,000 characters" in out.stderr.decode()
    out = run_cli("tag", pid, "+short", db=db)
    assert out.stderr == b"tags: 1 paper changed\n"  # nothing cut, nothing said of it


def test_tag_says_cut_of_the_tag_as_it_is_saved(tmp_path):
    """`tag ID +TAG` measured the tag as typed: 60 a's and 6 spaces then b
    (saved whole as "aaa…a-b", 62) was said "cut to 64 characters", and 30 "ﬃ"
    (90 once NFKC, saved cut to 64) was said nothing; `state import` measures
    the saved form (found by a regression hunt). Both measure it now."""
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    pid = "2403.10056"
    spaced, ligatures = "a" * 60 + "      b", "\ufb03" * 30
    out = run_cli("tag", pid, f"+{spaced}", db=db)
    assert out.returncode == 0 and "cut to" not in out.stderr.decode(), out.stderr
    out = run_cli("tag", pid, f"+{ligatures}", db=db)
    assert out.returncode == 0 and "tag cut to 64 characters" in out.stderr.decode()
    shown = run_cli("tag", pid, db=db).stdout.decode()
    tags = shown.rstrip("\n").split("\t")[1].split(", ")
    assert "a" * 60 + "-b" in tags and "ffi" * 21 + "f" in tags, shown


def test_state_import_counts_every_change_for_an_absent_paper(tmp_path):
    """A new cache holds none of the file's papers: all 17 changes wait for them
    (flags, tags, notes and watch hits alike), and the report says so."""
    state = Path(__file__).parent / "fixtures" / "days" / "state.jsonl"
    proc = run_cli("state", "import", str(state), db=tmp_path / "c.db")
    assert proc.returncode == 0, proc.stderr
    assert "17 changes applied (17 for papers not here yet)" in out(proc)


def test_a_note_with_line_separators_travels_through_export_and_import(tmp_path):
    """Found by a bug hunt: a note pasted from a PDF holds U+2029 (or U+2028, NEL);
    `state import` split its line there (str.splitlines), said "Unterminated
    string" and lost the note. A note is cleaned as it is saved, and the two
    separators end a line there, as a newline does (bug hunt `enc` #7)."""
    src, dst = tmp_path / "a.db", tmp_path / "b.db"
    for cache in (src, dst):
        assert run_cli("import", str(DIGEST), db=cache).returncode == 0
    note = "Eq. 3 see p.4\u2029compare\u2028line"
    assert run_cli("note", "2403.10056", note, db=src).returncode == 0
    state = tmp_path / "s.jsonl"
    assert run_cli("state", "export", "-o", str(state), db=src).returncode == 0
    written = state.read_text("utf-8")
    # Escaped when written, so any JSON-lines reader sees one change per line.
    assert not {"\u2028", "\u2029"} & set(written)
    assert len(written.splitlines()) == 2 and "p.4\\ncompare\\nline" in written
    proc = run_cli("state", "import", str(state), db=dst)
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert "1 changes applied" in out(proc)
    assert out(run_cli("note", "2403.10056", db=dst)) == "Eq. 3 see p.4\ncompare\nline\n"


def test_a_state_file_with_raw_line_separators_in_a_string_is_read(tmp_path):
    """Another tool (or an older tui-digest) writes them raw: JSON allows that."""
    from tui_digest.core import state_file

    line = '{"id": "2403.10056", "field": "note", "value": "a\u2029b\u2028c\x85d", '
    text = state_file.header("2026-12-01T00:00:00.000Z") + "\r\n" + line
    text += '"changed_at": "2026-11-29T08:12:03.120Z"}\r\n'
    parsed = state_file.parse(text, "s.jsonl")
    assert parsed.problems == []
    assert [(c.field, c.value) for c in parsed.changes] == [("note", "a\u2029b\u2028c\x85d")]


def test_state_import_with_a_stamp_out_of_range_applies_the_other_lines(tmp_path):
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    f = tmp_path / "s.jsonl"
    f.write_text(
        '{"id": "2403.10056", "field": "starred", "value": true, "changed_at": "2026-11-29"}\n'
        '{"id": "2403.05518", "field": "read", "value": true,'
        ' "changed_at": "0001-01-01T00:00:00+01:00"}\n'
        '{"id": "2403.04963", "field": "read", "value": true, "changed_at": "2026-11-29"}\n',
        encoding="utf-8",
    )
    proc = run_cli("state", "import", str(f), db=db)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    assert b"s.jsonl:2: changed_at '0001-01-01T00:00:00+01:00' is out of range" in proc.stderr
    assert "2 changes applied" in out(proc)


def test_state_import_reads_a_bom_and_utf16_as_powershell_writes_them(tmp_path):
    """Found by a bug hunt: a UTF-8 BOM made line 1 "Unexpected UTF-8 BOM" (exit 1
    though every change applied); UTF-16 (PowerShell 5's `>`) applied nothing and
    said "Expecting value" for each line, never naming the encoding."""
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    text = (
        '{"format": "tui-digest-state", "version": 1, "exported_at": "2026-12-01T00:00:00Z"}\r\n'
        '{"id": "2403.10056", "field": "note", "value": "用于规划", "changed_at": "2026-11-29"}\r\n'
    )
    f = tmp_path / "s.jsonl"
    for data in (
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        b"\xff\xfe" + text.encode("utf-16-le"),
        b"\xfe\xff" + text.encode("utf-16-be"),
        text.encode("utf-16-le"),  # no BOM: a JSON line starts with "{"
    ):
        f.write_bytes(data)
        proc = run_cli("state", "import", str(f), db=tmp_path / f"{len(data)}{data[:1]!r}.db")
        assert (proc.returncode, proc.stderr.decode()) == (0, ""), data[:4]
        assert "1 changes applied" in out(proc)
    f.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    proc = run_cli("state", "import", str(f), db=db)
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert out(run_cli("note", "2403.10056", db=db)) == "用于规划\n"
    # Bytes that are no UTF-8 are said once, by name (their lines' problems follow).
    f.write_bytes(text.encode("utf-8").replace("用".encode(), b"\xff"))
    proc = run_cli("state", "import", str(f), db=db)
    assert b"s.jsonl: not valid UTF-8" in proc.stderr


def test_note_alone_says_only_the_id_is_required(tmp_path):
    """Found by a bug hunt: it said "the following arguments are required: ID, TEXT",
    though `note ID` (no TEXT) prints the note."""
    proc = run_cli("note", db=tmp_path / "c.db")
    assert proc.returncode == 2
    assert (
        proc.stderr.decode().splitlines()[-1].endswith("the following arguments are required: ID")
    )


def test_a_mark_from_the_cli_is_by_hand_and_the_read_timer_leaves_it(tmp_path):
    """`tui-digest mark read|unread` is a mark by hand: the reader's timer never
    marks that paper read afterwards (`Store.timer_read`); one not marked is."""
    from tui_digest.core.store import Store

    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    assert run_cli("mark", "read", "2403.10056", db=db).returncode == 0
    assert run_cli("mark", "unread", "2403.10056", db=db).returncode == 0
    with Store.open(db) as store:
        by_hand, other = (store.get_paper(i).rowid for i in ("2403.10056", "2310.03635"))
        assert store.timer_read(by_hand) == [] and store.timer_read(other) == [other]
        assert [r.read for r in store.get_papers([by_hand, other])] == [False, True]
        assert store.read_by_hand([by_hand, other]) == {by_hand}


def test_a_cut_utf16_state_file_is_named_not_silently_repaired():
    """state_file.decode kept its own BOM table beside sanitize's (found by review)
    and, reading a UTF-16 file with invalid bytes (cut mid-character), replaced
    them without a word; now it uses sanitize's BOMs and says so, as for UTF-8."""
    from tui_digest.core import state_file

    line = '{"id": "2403.10056", "field": "read", "value": true, "changed_at": "2026-11-29"}\n'
    for data, codec in (
        (b"\xff\xfe" + line.encode("utf-16-le") + b"{", "UTF-16-LE"),
        (b"\xfe\xff" + line.encode("utf-16-be") + b"\x00", "UTF-16-BE"),
        (line.encode("utf-16-le") + b"\x00\xd8", "UTF-16-LE"),  # no BOM; a lone surrogate
        (b"\xff\xfe\x00\x00" + line.encode("utf-32-le") + b"{", "UTF-32-LE"),
    ):
        text, note = state_file.decode(data)
        assert text.startswith(line) and text.endswith("\ufffd"), data[:4]
        assert note.startswith(f"bytes are not valid {codec}"), (data[:4], note)
    # Whole files: no note, and the BOM is gone.
    for data in (
        b"\xef\xbb\xbf" + line.encode("utf-8"),
        b"\xff\xfe" + line.encode("utf-16-le"),
        b"\x00\x00\xfe\xff" + line.encode("utf-32-be"),
        line.encode("utf-16-be"),
    ):
        assert state_file.decode(data) == (line, ""), data[:4]


def test_a_mark_by_hand_travels_and_the_other_machines_timer_leaves_it(tmp_path):
    """`m m` on the laptop leaves a paper unread for good there; after `state
    export`/`state import` the desktop's read timer marked it read all the same
    (hand marks did not travel: a known gap). A read line now says `by_hand`,
    and the desktop remembers it, across a restart and for a paper it does not
    hold yet (it arrives later). A paper the laptop's timer read carries no
    such word: the desktop's timer still reads its other papers."""
    from tui_digest.core.store import Store

    laptop, desktop, late = tmp_path / "laptop.db", tmp_path / "desktop.db", tmp_path / "late.db"
    for cache in (laptop, desktop):
        assert run_cli("import", str(DIGEST), db=cache).returncode == 0
    assert run_cli("mark", "read", "2403.10056", db=laptop).returncode == 0
    assert run_cli("mark", "unread", "2403.10056", db=laptop).returncode == 0
    with Store.open(laptop) as store:  # the laptop's timer reads another paper
        assert store.timer_read(store.get_paper("2310.03635").rowid)
    state = tmp_path / "s.jsonl"
    assert run_cli("state", "export", "-o", str(state), db=laptop).returncode == 0
    lines = [json.loads(x) for x in state.read_text("utf-8").splitlines()[1:]]
    read = {x["id"]: x for x in lines if x["field"] == "read"}
    assert read["2403.10056"]["by_hand"] is True and "by_hand" not in read["2310.03635"]

    for cache in (desktop, late):
        imported = run_cli("state", "import", str(state), db=cache)
        assert imported.returncode == 0, imported.stderr
    # `late` gets the paper only now, after the state (kept by id until then).
    assert run_cli("import", str(DIGEST), db=late).returncode == 0
    for cache in (desktop, late):
        with Store.open(cache) as store:  # a restart: a new process, a new handle
            hand = store.get_paper("2403.10056").rowid
            assert store.timer_read(hand) == []
            assert store.get_paper("2403.10056").read is False
            others = [p.rowid for p in store.list_rows(store.list_ids(""))]
            assert store.read_by_hand(others) == {hand}


def test_a_state_line_with_a_bad_by_hand_is_a_problem_and_only_read_carries_it():
    from tui_digest.core import state_file

    at = '"changed_at": "2026-11-29T08:00:00Z"'
    text = "\n".join(
        [
            '{"id": "2403.10056", "field": "read", "value": false, "by_hand": "yes", ' + at + "}",
            '{"id": "2403.10056", "field": "starred", "value": true, "by_hand": true, ' + at + "}",
            '{"id": "2310.03635", "field": "read", "value": false, "by_hand": true, ' + at + "}",
        ]
    )
    parsed = state_file.parse(text, "s.jsonl")
    assert parsed.problems == ["s.jsonl:1: by_hand must be true or false"]
    assert [(c.field, c.by_hand) for c in parsed.changes] == [("starred", False), ("read", True)]


def test_tag_counts_go_to_stderr_in_a_pipe_and_one_paper_is_one(tmp_path):
    """`tag ID +x | cut -f2` read "tags: 1 papers changed" as a data line (left
    from a bug hunt): the count is for the person (stderr in a pipe); the data
    lines stay "ID<tab>tags". Counts of one say "1 paper"."""
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    tag = run_cli("tag", "2403.10056", "+robotics", db=db)
    assert tag.returncode == 0, tag.stderr
    assert out(tag).splitlines() == ["2403.10056\trobotics"]
    assert tag.stderr.decode().strip() == "tags: 1 paper changed"
    mark = run_cli("mark", "star", "2403.10056", db=db)
    assert out(mark).strip() == "star: 1 paper changed, 0 already were"


def test_a_hand_mark_that_changed_nothing_travels_too(tmp_path):
    """`mark unread` of a paper already unread stamps no change, yet says "leave
    it unread": it travelled not at all (found by a bug hunt). It goes out at
    the epoch, with its word, so any real change elsewhere still wins."""
    from tui_digest.core.store import Store

    laptop, desktop = tmp_path / "laptop.db", tmp_path / "desktop.db"
    for cache in (laptop, desktop):
        assert run_cli("import", str(DIGEST), db=cache).returncode == 0
    assert run_cli("mark", "unread", "2403.10056", db=laptop).returncode == 0
    assert run_cli("mark", "read", "2310.03635", db=desktop).returncode == 0  # a real change
    assert run_cli("mark", "unread", "2310.03635", db=laptop).returncode == 0  # (no change)
    state = tmp_path / "s.jsonl"
    assert run_cli("state", "export", "-o", str(state), db=laptop).returncode == 0
    lines = [json.loads(x) for x in state.read_text("utf-8").splitlines()[1:]]
    assert {x["id"]: (x["value"], x["by_hand"]) for x in lines if x["field"] == "read"} == {
        "2403.10056": (False, True),
        "2310.03635": (False, True),
    }
    assert run_cli("state", "import", str(state), db=desktop).returncode == 0
    with Store.open(desktop) as store:
        quiet, read = (store.get_paper(i) for i in ("2403.10056", "2310.03635"))
        assert store.timer_read(quiet.rowid) == []
        assert read.read is True  # the desktop's own change is newer than the epoch


def test_state_import_says_when_changes_come_from_a_clock_ahead(tmp_path):
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    state = tmp_path / "s.jsonl"
    line = {"id": "2403.10056", "field": "starred", "value": True, "changed_at": "2999-01-01"}
    state.write_text(json.dumps(line) + "\n", encoding="utf-8")
    done = run_cli("state", "import", str(state), db=db)
    assert done.returncode == 0, done.stderr
    assert "1 change was stamped over an hour later than now" in done.stderr.decode()
    assert "2403.10056" in out(run_cli("search", "is:starred", db=db))  # filled: none here


def test_stats_counts_papers_waiting_for_their_state(tmp_path):
    """One machine pruned a day before the other's star on one of its papers
    arrived: the star waits for a paper that will not come by itself, and the
    two machines' counts differed with no hint why (found by a bug hunt)."""
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    state = tmp_path / "s.jsonl"
    at = "2026-11-29T08:00:00Z"
    lines = [
        {"id": "2611.10002", "field": "starred", "value": True, "changed_at": at},
        {"id": "2611.10002", "field": "note", "value": "key result", "changed_at": at},
        {"id": "2403.10056", "field": "starred", "value": True, "changed_at": at},
    ]
    state.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert run_cli("state", "import", str(state), db=db).returncode == 0
    assert "state_waiting: 1\n" in out(run_cli("stats", db=db))
    # A paper removed here keeps its read mark to come back with: not counted
    # (a routine prune of read papers made thousands; found by a regression hunt).
    assert run_cli("mark", "read", "2310.03635", db=db).returncode == 0
    names = [x.split()[1] for x in out(run_cli("digests", db=db)).splitlines()[1:] if x.strip()]
    assert run_cli("digests", "rm", *names, "--yes", db=db).returncode == 0
    assert "state_waiting: 1\n" in out(run_cli("stats", db=db))


def test_mark_counts_in_plain_digits_for_scripts(tmp_path):
    """`mark` is the command the help offers scripts: its count is plain digits, as
    `search` and `stats` print theirs ("1,069 papers changed" read as 1; found by
    a regression hunt)."""
    from tui_digest.core.model import Digest, Paper
    from tui_digest.core.store import Store

    db = tmp_path / "c.db"
    with Store.open(db) as store:
        papers = [Paper(id=f"2401.{i:05d}", title_en=f"P {i}") for i in range(1069)]
        store.import_digest(Digest("d", date="2024-01-02", papers=papers))
    mark = run_cli("mark", "read", "--query", "is:unread", db=db)
    assert mark.returncode == 0, mark.stderr
    assert "read: 1069 papers changed, 0 already were" in out(mark)


def test_mark_query_that_searches_for_nothing_changes_nothing(tmp_path):
    """`mark star --query 'note:🚀'` starred every paper: the term searched for
    nothing and was left out (found by a bug hunt). A query that selects every
    paper is refused, as an empty one is."""
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    assert run_cli("note", "2403.10056", "compare later 🚀", db=db).returncode == 0
    for query in ("note:🚀", "-note:🚀", "note:[/]", "ti:🚀", "🚀", "tag:+", "sort:relevance"):
        proc = run_cli("mark", "star", f"--query={query}", db=db)
        assert proc.returncode == 2, (query, proc.stdout)
        assert b"search for" in proc.stderr or b"selects every paper" in proc.stderr, query
        search = run_cli("search", "--", query, db=db)
        assert search.returncode == 2 or query == "sort:relevance", query
    starred = run_cli("search", "is:starred", db=db)
    assert out(starred) == "" and b"no matches" in starred.stderr


def test_state_import_says_which_note_it_cut(tmp_path):
    """A note of 30,000 characters in a state file came in cut to 20,000, exit 0
    and not a word (found by a bug hunt); `tui-digest note` said it."""
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    f = tmp_path / "s.jsonl"
    lines = [
        {"id": "2403.10056", "field": "note", "value": "x" * 30_000, "changed_at": "2024-01-01"},
        {"id": "2310.03635", "field": "note", "value": "short", "changed_at": "2024-01-01"},
    ]
    f.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    proc = run_cli("state", "import", str(f), db=db)
    assert proc.returncode == 0, proc.stderr
    said = proc.stderr.decode()
    assert "2403.10056: note cut to 20,000 characters" in said
    assert "2310.03635" not in said
    assert len(out(run_cli("note", "2403.10056", db=db)).strip()) == 20_000


def test_tag_prints_every_tag_of_a_paper_however_many(tmp_path):
    """`tag ID` cut the line at 4,000 characters: tags 683-1000 missing and a
    made-up last tag `t68 […truncated]`, nothing said (bug hunt `huge` #3)."""
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    tags = [f"t{i}" for i in range(1, 1001)]
    proc = run_cli("tag", "2403.10056", *(f"+{t}" for t in tags), db=db)
    assert proc.returncode == 0, proc.stderr
    [line] = out(proc).splitlines()
    assert line.split("\t")[1].split(", ") == tags


def test_state_import_says_a_tag_it_cuts(tmp_path):
    """`state import` cut a tag over 64 characters silently, where `tag` and a
    note's import say so (bug hunt `huge` #4)."""
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    head = '{"format": "tui-digest-state", "version": 1, "exported_at": "2026-12-02T08:20:19.943Z"}'
    line = (
        '{"id": "2403.10056", "field": "tags", "value": ["' + "y" * 100 + '", "short"], '
        '"changed_at": "2026-12-02T08:21:00.000Z"}'
    )
    state = tmp_path / "s.jsonl"
    state.write_text(head + "\n" + line + "\n", encoding="utf-8")
    proc = run_cli("state", "import", str(state), db=db)
    assert proc.returncode == 0, proc.stderr
    assert "2403.10056: tag cut to 64 characters" in proc.stderr.decode()
    assert out(run_cli("tag", "2403.10056", db=db)).strip() == f"2403.10056\t{'y' * 64}, short"


def test_state_import_takes_several_files_as_one(tmp_path):
    """`state import sync/lap.jsonl sync/ws.jsonl` said the top-level usage line
    and "unrecognized arguments" (found by a bug hunt). Several files are merged
    as their concatenation would be (`cat a b | state import -`): newest wins,
    one report; a bad line is named by its file and line."""
    lap, ws, box = tmp_path / "lap.db", tmp_path / "ws.db", tmp_path / "box.db"
    for cache in (lap, ws, box):
        assert run_cli("import", str(DIGEST), db=cache).returncode == 0
    assert run_cli("mark", "star", "2403.10056", db=lap).returncode == 0
    assert run_cli("note", "2310.03635", "from the workstation", db=ws).returncode == 0
    files = [tmp_path / "lap.jsonl", tmp_path / "ws.jsonl"]
    for cache, f in zip((lap, ws), files, strict=True):
        assert run_cli("state", "export", "-o", str(f), db=cache).returncode == 0
    with files[1].open("a", encoding="utf-8") as f:
        f.write("{broken\n")
    proc = run_cli("state", "import", *map(str, files), db=box)
    assert proc.returncode == 1, proc.stderr
    assert b"ws.jsonl:" in proc.stderr and b"lap.jsonl:" not in proc.stderr
    assert "2 changes applied" in out(proc)
    assert "2403.10056" in out(run_cli("search", "is:starred", db=box))
    assert out(run_cli("note", "2310.03635", db=box)).strip() == "from the workstation"


def test_a_state_file_of_another_version_is_refused_whole(tmp_path):
    """A version-2 state file said "state file version 2 is not 1" and then
    "state: 1 changes applied", exit 1 (bug hunt `auditout` #8): the message read as
    a refusal. Nothing of a file of another version is applied now, and it says so."""
    db = tmp_path / "c.db"
    assert run_cli("import", str(DIGEST), db=db).returncode == 0
    head = '{"format": "tui-digest-state", "version": 2, "exported_at": "2026-12-02T08:20:19.943Z"}'
    line = (
        '{"id": "2403.10056", "field": "starred", "value": true, '
        '"changed_at": "2026-12-02T08:21:00.000Z"}'
    )
    state = tmp_path / "v2.jsonl"
    state.write_text(head + "\n" + line + "\n", encoding="utf-8")
    proc = run_cli("state", "import", str(state), db=db)
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert f"{state}:1: state file version 2 is not 1" in err and "nothing of it applied" in err
    assert "state: 0 changes applied" in proc.stdout.decode(), proc.stdout
    exported = run_cli("state", "export", db=db).stdout.decode()
    assert '"starred"' not in exported, exported
