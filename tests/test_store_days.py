"""A digest per (source, day) (issue 17 req 2-4): dates, names, same-day updates,
identical and empty documents, per-digest refs, original bytes, categories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_digest.core import digest_day
from tui_digest.core.model import IDENTICAL, NEW_DIGEST, NO_NEW_PAPERS, SAME_DAY, Digest, Paper
from tui_digest.core.store import Store
from tui_digest.core.store.facade_import import prepare_papers


def paper(pid: str, **kw: object) -> Paper:
    kw.setdefault("title_en", f"Title of {pid}")
    return Paper(id=pid, **kw)  # type: ignore[arg-type]


class Clock:
    """The local date the store files undated documents under."""

    def __init__(self, day: str) -> None:
        self.day = day

    def __call__(self) -> str:
        return self.day


@pytest.fixture
def clock() -> Clock:
    return Clock("2026-08-17")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"


def open_store(db: Path, clock: Clock) -> Store:
    s = Store.open(db)
    s.today = clock
    return s


def daily(*ids: str) -> Digest:
    """What re-importing the same `cs.AI.md` brings: no date in it, one path."""
    return Digest("cs.AI", source="/data/cs.AI.md", papers=[paper(i) for i in ids])


def test_each_day_of_one_path_is_kept_across_restarts(db, clock):
    # (Each day's list is mostly other papers: one sharing at least half of the
    # smaller list with the day before would be a revision of it, see below.)
    with open_store(db, clock) as s:
        first = s.import_digest(daily("1", "2", "5"))
        assert (first.digest, first.outcome) == ("cs.AI-2026-08-17", NEW_DIGEST)
    clock.day = "2026-08-18"
    with open_store(db, clock) as s:
        second = s.import_digest(daily("3", "4", "1"))
        assert (second.digest, second.outcome) == ("cs.AI-2026-08-18", NEW_DIGEST)
        assert [(d.name, d.date, d.count) for d in s.digests()] == [
            ("cs.AI-2026-08-18", "2026-08-18", 3),
            ("cs.AI-2026-08-17", "2026-08-17", 3),
        ]
        # Yesterday's digest still lists its papers, at its own refs.
        rows = s.search(digest="cs.AI-2026-08-17")
        assert [(r.id, r.ref, r.date) for r in rows] == [
            ("1", 1, "2026-08-17"),
            ("2", 2, "2026-08-17"),
            ("5", 3, "2026-08-17"),
        ]
        rows = s.search(digest="cs.AI-2026-08-18")
        assert [(r.id, r.ref, r.date) for r in rows] == [
            ("3", 1, "2026-08-18"),
            ("4", 2, "2026-08-18"),
            ("1", 3, "2026-08-18"),
        ]
        # date:D finds every paper listed that day, even one listed again later.
        assert s.count("date:2026-08-17") == 3 and s.count("date:2026-08-18") == 3
        assert s.count("date:2026-08-17 ti:title") == 3
        assert s.count("-date:2026-08-17") == 2
        assert s.count("date:2026-08-17", digest="cs.AI-2026-08-17") == 3
        listings = s.get_paper("1").listings
        assert [(x.digest, x.date, x.ref) for x in listings] == [
            ("cs.AI-2026-08-18", "2026-08-18", 3),
            ("cs.AI-2026-08-17", "2026-08-17", 1),
        ]


def test_a_list_revised_after_midnight_revises_the_day_before(db, clock):
    """The evening's list revised and read the next morning (its day is the clock's):
    sharing at least half of the smaller list with the source's latest digest, of
    an earlier day, it replaces that digest at its date. A dated document, or one
    of mostly other papers, is a digest of its own day."""
    with open_store(db, clock) as s:
        s.import_digest(daily("1", "2", "3", "4"))
    clock.day = "2026-08-18"
    with open_store(db, clock) as s:
        revised = s.import_digest(daily("1", "2", "3", "4", "5"))
        assert (revised.digest, revised.outcome) == ("cs.AI-2026-08-17", SAME_DAY)
        assert [(d.name, d.date, d.count) for d in s.digests()] == [
            ("cs.AI-2026-08-17", "2026-08-17", 5)
        ]
        assert s.count("date:2026-08-18") == 0 and s.count("date:2026-08-17") == 5
        dated = Digest("cs.AI", source="/data/cs.AI.md", date="2026-08-18")
        dated.papers = [paper(i) for i in ("1", "2", "3", "4", "6")]
        assert s.import_digest(dated).outcome == NEW_DIGEST  # the day it says
    clock.day = "2026-08-19"
    with open_store(db, clock) as s:
        other = s.import_digest(daily("7", "8", "9", "1"))
        assert (other.digest, other.outcome) == ("cs.AI-2026-08-19", NEW_DIGEST)


def test_a_new_day_sharing_part_of_yesterdays_list_is_a_new_day(db, clock):
    """Taken for a revision of yesterday's list, a small next-day list repeating
    three of its 40 papers (or a day half the same) replaced it, and the rest of
    yesterday's papers were in no digest (found by a regression hunt). A revision
    of yesterday keeps (nearly) all of it; and only yesterday's is revised."""
    with open_store(db, clock) as s:
        s.import_digest(daily(*(f"a{n}" for n in range(40))))
    clock.day = "2026-08-18"
    with open_store(db, clock) as s:
        small = s.import_digest(daily("a1", "a2", "a3", "b1", "b2", "b3"))
        assert (small.digest, small.outcome) == ("cs.AI-2026-08-18", NEW_DIGEST)
        assert s.count("", digest="cs.AI-2026-08-17") == 40
    clock.day = "2026-08-19"
    with open_store(db, clock) as s:
        half = s.import_digest(daily("a1", "a2", "a3", "c1", "c2", "c3"))
        assert (half.digest, half.outcome) == ("cs.AI-2026-08-19", NEW_DIGEST)
        assert s.count("", digest="cs.AI-2026-08-18") == 6
    clock.day = "2026-08-21"  # the 19th's list and one row more, two days on: a day of its own
    with open_store(db, clock) as s:
        later = s.import_digest(daily("a1", "a2", "a3", "c1", "c2", "c3", "d1"))
        assert (later.digest, later.outcome) == ("cs.AI-2026-08-21", NEW_DIGEST)
        assert [d.count for d in s.digests()] == [7, 6, 6, 40]


def test_same_day_update_replaces_that_day_only(db, clock):
    with open_store(db, clock) as s:
        s.import_digest(daily("1", "2"))
        clock.day = "2026-08-18"
        s.import_digest(daily("3"))
        update = s.import_digest(daily("3", "4"))
        assert (update.digest, update.outcome) == ("cs.AI-2026-08-18", SAME_DAY)
        assert update.new == 1 and update.unchanged == 1
        assert [(d.name, d.count) for d in s.digests()] == [
            ("cs.AI-2026-08-18", 2),
            ("cs.AI-2026-08-17", 2),
        ]
        assert [r.id for r in s.search(digest="cs.AI-2026-08-17")] == ["1", "2"]


def test_a_same_day_list_of_other_papers_is_a_digest_of_its_own(db, clock):
    """The generator's file is overwritten at each run: a run after arXiv's next
    announcement lists other papers under the same local day. That is not a revision
    of the morning's list, and replacing it left the morning's papers in no digest."""
    with open_store(db, clock) as s:
        s.import_digest(daily("1", "2"))
        clock.day = "2026-08-18"
        s.import_digest(daily("3", "4", "5"))  # the morning's fetch
        later = s.import_digest(daily("6", "7", "8", "3"))  # after the announcement
        assert (later.digest, later.outcome) == ("cs.AI-2026-08-18-2", NEW_DIGEST)
        # ...and its own revision later that day replaces it, not the morning's list
        revised = s.import_digest(daily("6", "7", "8", "9"))
        assert (revised.digest, revised.outcome) == ("cs.AI-2026-08-18-2", SAME_DAY)
    with open_store(db, clock) as s:  # after a restart
        assert [(d.name, d.date, d.count) for d in s.digests()] == [
            ("cs.AI-2026-08-18-2", "2026-08-18", 4),
            ("cs.AI-2026-08-18", "2026-08-18", 3),
            ("cs.AI-2026-08-17", "2026-08-17", 2),
        ]
        assert s.count("date:2026-08-18") == 7  # every paper listed that day, each once
        assert [r.id for r in s.search(digest="cs.AI-2026-08-18")] == ["3", "4", "5"]


def test_identical_content_creates_nothing(db, clock):
    with open_store(db, clock) as s:
        s.import_digest(daily("1", "2"))
        clock.day = "2026-08-19"
        again = s.import_digest(daily("1", "2"))
        assert (again.digest, again.outcome) == ("cs.AI-2026-08-17", IDENTICAL)
        assert again.unchanged == 2 and again.new == again.updated == 0
        assert [d.name for d in s.digests()] == ["cs.AI-2026-08-17"]


def test_empty_document_creates_nothing_and_removes_nothing(db, clock):
    with open_store(db, clock) as s:
        s.import_digest(daily("1"))
        clock.day = "2026-08-22"  # a Saturday: the generator writes an empty digest
        empty = s.import_digest(daily())
        assert empty.no_new_papers and empty.outcome == NO_NEW_PAPERS and empty.digest == ""
        assert [d.name for d in s.digests()] == ["cs.AI-2026-08-17"] and s.count() == 1


def test_document_date_wins_then_file_name_then_last_modified(db, clock):
    with open_store(db, clock) as s:
        dated = Digest("x", source="/d/x.md", date="2024-03-18", papers=[paper("1")])
        assert s.import_digest(dated).digest == "x-2024-03-18"
        named = Digest("digest-cs.AI-2024-03-19", source="/d/digest-cs.AI-2024-03-19.md")
        named.papers = [paper("2")]
        assert s.import_digest(named).digest == "digest-cs.AI-2024-03-19"
        fetched = Digest("feed", source="https://example.org/feed", papers=[paper("3")])
        stats = s.import_digest(fetched, last_modified="Wed, 20 Mar 2024 12:00:00 GMT")
        assert stats.digest == "feed-2024-03-20"
        plain = Digest("plain", source="https://example.org/plain", papers=[paper("4")])
        assert s.import_digest(plain).digest == "plain-2026-08-17"


def test_names_are_ascii_unique_and_labels_say_where_from(db, clock):
    url = "https://raw.githubusercontent.com/qhduan/cn-chat-arxiv/master/cs.AI.md"
    with open_store(db, clock) as s:
        a = s.import_digest(
            Digest("cs.AI", source=url, papers=[paper("1")]),
            source_name="digest-cs.AI",
            category="cs.AI",
        )
        assert a.digest == "digest-cs.AI-2026-08-17"
        b = s.import_digest(
            Digest("x", source="/other/place.md", papers=[paper("2")]), source_name="digest-cs.AI"
        )
        assert b.digest == "digest-cs.AI-2026-08-17-2"
        c = s.import_digest(Digest("论文 digest", source="/tmp/论文.md", papers=[paper("3")]))
        assert c.digest.isascii() and c.digest.endswith("-2026-08-17")
        info = {d.name: d for d in s.digests(unread=True)}
        assert info[a.digest].label == "cs.AI · 2026-08-17 · cn-chat-arxiv"
        assert info[a.digest].category == "cs.AI" and info[a.digest].unread == 1
        s.set_read([s.get_paper("1").rowid])
        assert {d.name: d.unread for d in s.digests(unread=True)}[a.digest] == 0


def test_category_source_gives_its_category_to_papers_without_one(db, clock):
    with open_store(db, clock) as s:
        s.import_digest(
            Digest(
                "cs.AI", source="/d/cs.AI.md", papers=[paper("1"), paper("2", categories=["cs.LG"])]
            ),
            category="cs.AI",
        )
        assert s.count("cat:cs.AI") == 1 and s.count("cat:cs.LG") == 1
        assert [r.category for r in s.search()] == ["cs.AI", "cs.LG"]


def test_original_bytes_are_kept_per_version(db, clock):
    with open_store(db, clock) as s:
        s.import_digest(daily("1"), raw=b"day one  \r\n")
        clock.day = "2026-08-18"
        s.import_digest(daily("2"), raw=b"day two v1")
        s.import_digest(daily("2", "3"), raw=b"day two v2\n")
    with open_store(db, clock) as s:
        assert s.original_bytes("cs.AI-2026-08-17") == b"day one  \r\n"
        assert s.original_bytes("cs.AI-2026-08-18") == b"day two v2\n"
        assert s.original_bytes("nope") is None
        assert s.stats()["digest_bytes"] > 0


def test_local_today_honours_the_override(monkeypatch):
    monkeypatch.setenv(digest_day.TODAY_ENV, "2026-08-19")
    assert digest_day.local_today() == "2026-08-19"
    monkeypatch.setenv(digest_day.TODAY_ENV, "not a date")
    assert digest_day.local_today() != "not a date"


def test_origin_and_names():
    assert digest_day.origin_of("https://rss.arxiv.org/rss/cs.AI") == "arXiv"
    assert digest_day.origin_of("/x/cn-chat-arxiv/cs.CL.md") == "cn-chat-arxiv"
    assert digest_day.origin_of("cs.CL.md") == "cs.CL"
    assert digest_day.source_name_of("digest-cs.AI-2024-03-18") == "digest-cs.AI"
    assert digest_day.source_name_of("digest-cs.LG-2024-07-15-mixed") == "digest-cs.LG-mixed"
    assert digest_day.source_name_of("2024-07-15_cs.LG") == "cs.LG"
    assert digest_day.source_name_of("", "/a/x-2024-07-15.md") == "x"
    assert digest_day.date_in_name("/a/digest-cs.AI-2024-03-18.md") == "2024-03-18"
    assert digest_day.date_in_name("/a/2024-13-45.md") == ""


def test_a_date_inside_a_file_name_leaves_one_dash_and_older_names_stay(db, clock):
    """`x-2024-07-15-mixed.md` was named `x--mixed-2024-07-15` before; a cache
    holding such a name keeps it (its same-day update too); new ones get one dash."""

    def mixed(day: str, *ids: str) -> Digest:
        return Digest("", source=f"/data/x-{day}-mixed.md", papers=[paper(i) for i in ids])

    with open_store(db, clock) as s:
        first = s.import_digest(mixed("2024-07-15", "1"))
        assert first.digest == "x-mixed-2024-07-15"
        with s._write() as conn:  # as the rule before named it
            conn.execute("UPDATE digests SET name = 'x--mixed-2024-07-15'")
    with open_store(db, clock) as s:  # restarted: the same file again, one paper more
        again = s.import_digest(mixed("2024-07-15", "1", "2"))
        assert (again.digest, again.outcome) == ("x--mixed-2024-07-15", SAME_DAY)
        nxt = s.import_digest(mixed("2024-07-16", "3"))
        assert (nxt.digest, nxt.outcome) == ("x-mixed-2024-07-16", NEW_DIGEST)
        assert [(d.name, d.count) for d in s.digests()] == [
            ("x-mixed-2024-07-16", 1),
            ("x--mixed-2024-07-15", 2),
        ]


def test_picker_parts_tell_digests_of_one_day_apart():
    parts = digest_day.picker_parts
    # A category's digest: the category, then where it came from (the date is shown apart).
    label = "cs.AI · 2026-08-19 · cn-chat-arxiv"
    assert parts("cs.AI-2026-08-19", "2026-08-19", label, "cs.AI") == ("cs.AI", "cn-chat-arxiv")
    # No category: two feeds of one day from one folder had the same label.
    one = parts("arxiv-cs.AI-2025-09-18", "2025-09-18", "2025-09-18 · samples", "")
    two = parts("arxiv-cs.AI-2025-09-18-2", "2025-09-18", "2025-09-18 · samples", "")
    assert one == ("arxiv-cs.AI", "samples") and two == ("arxiv-cs.AI-2", "samples")
    assert parts("digest-cs.AI-2023-07-27-pipe-in-title", "2023-07-27", "", "")[0] == (
        "digest-cs.AI-pipe-in-title"
    )
    # Undated, and a label from a feed kept as it is (shown as plain text by the picker).
    assert parts("notes", "", "", "") == ("notes", "")
    assert parts("x-2024-03-01", "2024-03-01", "[b]Boom[/] · 2024-03-01", "[red]cat") == (
        "[red]cat",
        "[b]Boom[/]",
    )


def test_picker_rows_tell_apart_rows_that_would_read_the_same():
    from tui_digest.core.model import DigestInfo

    def info(name: str, date: str = "2026-11-10", category: str = "cs.LG") -> DigestInfo:
        label = digest_day.digest_label(category, date, "arXiv")
        return DigestInfo(name, date, "src", 1, label=label, category=category)

    rows = digest_day.picker_rows(
        [
            info("digest-cs.LG-2026-11-10-2"),
            info("digest-cs.LG-2026-11-10"),
            info("digest-cs.LG-2026-11-09", "2026-11-09"),
            info("digest-cs.AI-2026-11-10", category="cs.AI"),
            # Names that differ only by a date that is not the digest's: the whole name.
            info("x-cs.IR-2026-01-01", category="cs.IR"),
            info("x-cs.IR-2026-01-02", category="cs.IR"),
        ]
    )
    assert rows == [
        ("digest-cs.LG-2", "arXiv"),
        ("digest-cs.LG", "arXiv"),
        ("cs.LG", "arXiv"),
        ("cs.AI", "arXiv"),
        ("x-cs.IR-2026-01-01", "arXiv"),
        ("x-cs.IR-2026-01-02", "arXiv"),
    ]


def test_export_digest_writes_a_markdown_digest_back_and_renders_a_feed(tmp_path):
    from cli_support import run_cli
    from tui_digest.core.digest_format import write_digest

    db = tmp_path / "c.db"
    body = write_digest([paper("2401.00001"), paper("2401.00002")]).encode() + b"\n\n  \n"
    md = tmp_path / "digest-cs.AI-2024-03-18.md"
    md.write_bytes(body)
    done = run_cli("import", str(md), db=db)
    assert done.returncode == 0, done.stderr.decode()
    assert b"-> digest-cs.AI-2024-03-18 (new digest)" in done.stdout
    out = run_cli("export", "--digest", "digest-cs.AI-2024-03-18", db=db)
    assert out.returncode == 0 and out.stdout == body  # trailing whitespace and all
    # The same file again: nothing new; an emptied file: no new papers.
    again = run_cli("import", str(md), db=db)
    assert b"no new digest" in again.stdout
    md.write_bytes(
        b"# \xe6\x91\x98\xe8\xa6\x81\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"
    )
    empty = run_cli("import", str(md), db=db)
    assert b"no new papers" in empty.stdout
    digests = run_cli("digests", "--json", db=db)
    assert [d["papers"] for d in json.loads(digests.stdout)] == [2]


def test_importing_a_category_file_gives_its_papers_the_category(tmp_path):
    from cli_support import run_cli
    from tui_digest.core.digest_format import write_digest

    db = tmp_path / "c.db"
    md = tmp_path / "cs.CL.md"
    md.write_bytes(write_digest([paper("2401.00001")]).encode())
    assert run_cli("import", str(md), db=db, env={"TUI_DIGEST_TODAY": "2026-08-19"}).returncode == 0
    [info] = json.loads(run_cli("digests", "--json", db=db).stdout)
    assert (info["name"], info["category"]) == ("cs.CL-2026-08-19", "cs.CL")
    assert info["label"] == f"cs.CL · 2026-08-19 · {tmp_path.name}"
    [found] = json.loads(run_cli("search", "--json", "cat:cs.CL", db=db).stdout)
    assert found["categories"] == ["cs.CL"]


def test_a_revision_replaces_its_papers_text_another_source_only_fills(db, clock):
    """A revised list of the same source corrects the text of the papers its
    previous version listed (non-empty fields only), counted as updated; a paper
    another source lists, or one new to the list, keeps the stored text."""
    other = Digest("lab", source="/lab/cs.AI.md", papers=[paper("3", summary_zh="乙")])
    with open_store(db, clock) as s:
        s.import_digest(daily("1", "2"))
        s.import_digest(other)
        first = [paper("1", summary_zh="旧"), paper("2", title_zh="题")]
        first.append(paper("3", summary_zh="甲"))
        s.import_digest(Digest("cs.AI", source="/data/cs.AI.md", papers=first))
        assert s.get_paper("3").paper.summary_zh == "乙"  # another source's text: only filled
    with open_store(db, clock) as s:  # the same day's revision, after a restart
        revised = [paper("1", summary_zh="新"), paper("2"), paper("3", summary_zh="丙")]
        stats = s.import_digest(Digest("cs.AI", source="/data/cs.AI.md", papers=revised))
        assert (stats.outcome, stats.updated) == (SAME_DAY, 2)
        assert s.get_paper("1").paper.summary_zh == "新"
        assert s.get_paper("2").paper.title_zh == "题"  # an empty field never wipes one
        assert s.get_paper("3").paper.summary_zh == "丙"  # listed by this list's last version
        assert s.count("新") == 1 and s.count("旧") == 0  # the search index follows
    with open_store(db, clock) as s:  # the other source's revision of its own list
        again = Digest("lab", source="/lab/cs.AI.md", papers=[paper("3", summary_zh="丁")])
        assert s.import_digest(again).updated == 1
        assert s.get_paper("3").paper.summary_zh == "丁"


def test_a_removed_list_is_not_brought_back_but_by_hand(db, clock):
    """A removed digest's list read again (a fetch: whole, streamed or read ahead)
    creates nothing, across restarts; `revive_removed` (an import by hand) brings it
    back, and a removal after that is remembered again."""
    with open_store(db, clock) as s:
        s.import_digest(daily("1", "2", "3"))
        clock.day = "2026-08-18"
        s.import_digest(daily("4", "5", "6"))
        s.remove_digests(s.digest_pks(["cs.AI-2026-08-18"]))
    clock.day = "2026-08-19"
    with open_store(db, clock) as s:
        again = daily("4", "5", "6")
        whole = s.import_digest(again)
        streamed = s.import_stream(again, again.papers)
        prepared = s.import_stream(again, (), prepared=prepare_papers(again.papers))
        for stats in (whole, streamed, prepared):
            assert (stats.outcome, stats.digest, stats.unchanged) == (IDENTICAL, "", 3)
        assert [d.name for d in s.digests()] == ["cs.AI-2026-08-17"]
        assert s.get_paper("4") is None
        other = s.import_digest(daily("4", "5", "7"))  # another list: a digest
        assert (other.digest, other.outcome) == ("cs.AI-2026-08-19", NEW_DIGEST)
        s.remove_digests(s.digest_pks(["cs.AI-2026-08-19"]))
    with open_store(db, clock) as s:
        back = s.import_stream(again, again.papers, revive_removed=True)
        assert (back.digest, back.outcome, back.new) == ("cs.AI-2026-08-19", NEW_DIGEST, 3)
        s.remove_digests(s.digest_pks(["cs.AI-2026-08-19"]))
        assert s.import_digest(daily("4", "5", "6")).outcome == IDENTICAL


def test_a_paper_a_same_day_revision_drops_keeps_the_day_it_was_listed(db, clock):
    """A revision of the day's list that leaves a paper out left it in no digest
    and undated: `date:` never found it again, though the day had listed it
    (left from a bug hunt; `digests rm` keeps a kept paper's first day the same
    way). It keeps that day as its date, across a restart; a paper with a date
    of its own keeps it."""
    with open_store(db, clock) as s:
        s.import_digest(daily("1", "2", "3", "4", "5", "6"))
        s.import_digest(daily("1", "2", "3", "4"))  # the afternoon's revision
        clock.day = "2026-08-18"
        s.import_digest(daily("7", "8"))
        s.import_digest(
            Digest(
                "cs.AI",
                source="/data/cs.AI.md",
                papers=[paper("7"), paper("9", published="2026-08-01")],
            )
        )
        s.import_digest(daily("7"))  # 9 dropped too: its own date stays
    with open_store(db, clock) as s:
        assert [r.id for r in s.search(digest="cs.AI-2026-08-17")] == ["1", "2", "3", "4"]
        assert sorted(r.id for r in s.search("date:2026-08-17")) == ["1", "2", "3", "4", "5", "6"]
        assert sorted(r.id for r in s.search("date:2026-08-18")) == ["7", "8"]
        assert [r.id for r in s.search("date:2026-08-01")] == ["9"]
        assert s.get_paper("5").paper.published == "2026-08-17"


def _import(s: Store, digest: Digest, how: str):
    if how == "whole":
        return s.import_digest(digest)
    if how == "streamed":  # (its list read first, as `cli_import` does for a file)
        return s.import_stream(
            digest, digest.papers, listed_ids=lambda: [p.id for p in digest.papers]
        )
    return s.import_stream(digest, (), prepared=prepare_papers(digest.papers))


@pytest.mark.parametrize("how", ["whole", "prepared", "streamed"])
def test_a_source_flipping_between_two_lists_of_the_day_makes_no_duplicates(db, clock, how):
    """Found by a bug hunt (allday #2): a source serving list A, then B (another
    list of the same day: `-2`), then A and B again (two CDN edges, a sync tool
    restoring an older copy) made `-3`, `-4`, ... each listing the same papers:
    only the source's latest digest was compared. Each step is a restart."""
    a, b = daily("141", "142", "143", "144"), daily("151", "152", "153", "154")
    names = []
    for doc in (a, b, a, b):
        with open_store(db, clock) as s:
            stats = _import(s, doc, how)
            names.append((stats.digest, stats.outcome))
    assert names == [
        ("cs.AI-2026-08-17", NEW_DIGEST),
        ("cs.AI-2026-08-17-2", NEW_DIGEST),
        ("cs.AI-2026-08-17", IDENTICAL),
        ("cs.AI-2026-08-17-2", IDENTICAL),
    ]
    # A corrected A (one paper more, 142's summary corrected) after B: a revision of A.
    corrected = daily("141", "142", "143", "144", "145")
    corrected.papers[1] = paper("142", summary_zh="改正的摘要")
    with open_store(db, clock) as s:
        stats = _import(s, corrected, how)
        assert (stats.digest, stats.outcome) == ("cs.AI-2026-08-17", SAME_DAY)
        assert (stats.new, stats.updated, stats.unchanged) == (1, 1, 3)
    with open_store(db, clock) as s:
        assert s.get_paper("142").paper.summary_zh == "改正的摘要"
        assert [(d.name, d.count) for d in s.digests()] == [
            ("cs.AI-2026-08-17-2", 4),
            ("cs.AI-2026-08-17", 5),
        ]
        again = _import(s, corrected, how)
        assert (again.digest, again.outcome) == ("cs.AI-2026-08-17", IDENTICAL)


@pytest.mark.parametrize("how", ["whole", "prepared", "streamed"])
def test_yesterdays_list_served_again_after_todays_makes_no_digest(db, clock, how):
    """Found by a regression hunt: a source serving yesterday's list again just
    after today's arrived (a flip between two copies, likeliest at the daily
    update) made it today's `-2`: only today's digests and the latest's day
    were compared. Across restarts."""
    monday, tuesday = daily("141", "142", "143"), daily("151", "152", "153")
    seen = []
    for day, doc in (("2026-08-17", monday), ("2026-08-18", tuesday), ("2026-08-18", monday)):
        clock.day = day
        with open_store(db, clock) as s:
            stats = _import(s, doc, how)
            seen.append((stats.digest, stats.outcome))
    assert seen == [
        ("cs.AI-2026-08-17", NEW_DIGEST),
        ("cs.AI-2026-08-18", NEW_DIGEST),
        ("cs.AI-2026-08-17", IDENTICAL),
    ]
    with open_store(db, clock) as s:
        assert [d.name for d in s.digests()] == ["cs.AI-2026-08-18", "cs.AI-2026-08-17"]
