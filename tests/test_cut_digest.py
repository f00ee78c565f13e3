"""A cut-off copy of a Markdown digest never replaces the day the cache holds.

Found by a bug hunt: importing (or fetching) the first 80 % or 55 % of a
737-paper digest the cache held was taken for a same-day revision: "0 new,
126 updated", exit 0, the kept bytes replaced by the cut ones and the abstract
of the footnote it ended in shortened (721 -> 184 characters). A cut document
has its table whole and its last table rows without a footnote
(`DigestStream._cut`); as a revision of a day held it is refused, naming the
file or URL, and nothing stored changes (`days.refuse_cut`). A real revision
(the generator rewrites its file through the day, adding rows) still replaces
the day: tests/test_days*.py, test_store_days.py, test_week_of_fetches.py.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from tests.hostile.inputs import many_papers

from feed_server import FakeTime, FeedServer, Reply, conditional
from tui_digest import cli, cli_read_ahead
from tui_digest.config.sources import Source
from tui_digest.core.digest_format import read_digest, write_digest
from tui_digest.core.store import Store
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.runner import SourceResult, fetch_all
from tui_digest.net.options import HttpOptions

PAPERS = many_papers(20, abstract_len=600)
WHOLE = write_digest(PAPERS).encode()
NAME = "cs.AI-2024-03-18"  # a dated name: the day is the file's, whatever the clock says


def cut(fraction: float) -> bytes:
    return WHOLE[: int(len(WHOLE) * fraction)]


# --- the reader's finding ---------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.55, 0.8, 0.9])
def test_a_document_that_ends_before_its_footnotes_looks_cut(fraction):
    result = read_digest(cut(fraction), source="d.md")
    missing = sum("has no footnote" in p.message for p in result.problems)
    assert missing >= 1
    assert result.digest.cut == (
        "its last table row has no footnote"
        if missing == 1
        else f"its last {missing} table rows have no footnote"
    )


def test_a_document_cut_inside_its_last_footnote_looks_cut():
    result = read_digest(cut(0.99), source="d.md")
    assert result.digest.cut == "its last footnote [^20] ends mid-line, without a line break"
    assert [p.abstract_en for p in result.digest.papers[:19]] == [
        p.abstract_en for p in PAPERS[:19]
    ]


def test_whole_and_damaged_documents_do_not_look_cut():
    assert read_digest(WHOLE).digest.cut == ""
    text = WHOLE.decode()
    # A footnote missing in the middle is a damaged entry, not a cut.
    middle = text[: text.index("[^5]: ")] + text[text.index("[^6]: ") :]
    assert read_digest(middle).digest.cut == ""
    # Footnotes only: nothing says where the document should end. A table only
    # may be a copy cut before its footnotes: the store asks the day held.
    assert read_digest(text[text.index("[^1]: ") :]).digest.cut == ""
    table = read_digest(text[: text.index("[^1]: ")]).digest
    assert (table.cut, table.cut_kind) == ("it has table rows but no footnotes", "table")
    # Without its closing line (variations docs/digest-format.md lists): whole.
    assert read_digest(text.rstrip(" \n") + "\n").digest.cut == ""
    assert read_digest(text[: -len("\n    \n\n")] + "\n").digest.cut == ""


# --- import --------------------------------------------------------------------------------


def _import(capsys, db: Path, path: Path) -> tuple[int, str, str]:
    rc = cli.main(["--db", str(db), "import", str(path)])
    out = capsys.readouterr()
    return rc, out.out, out.err


def _abstracts(db: Path) -> dict[str, str]:
    with Store.open(db, readonly=True) as store:
        return {p.id: store.get_paper(p.id).paper.abstract_en for p in PAPERS}  # type: ignore[union-attr]


@pytest.mark.parametrize("ahead_max", [cli_read_ahead.AHEAD_MAX_BYTES, 0])
def test_import_of_a_cut_copy_of_a_day_held_is_refused(tmp_path, capsys, monkeypatch, ahead_max):
    """Read ahead and imported in a group, or streamed (too large to read ahead)."""
    monkeypatch.setattr(cli_read_ahead, "AHEAD_MAX_BYTES", ahead_max)
    db, path = tmp_path / "cache.db", tmp_path / f"{NAME}.md"
    path.write_bytes(WHOLE)
    assert _import(capsys, db, path)[0] == 0
    held = _abstracts(db)
    for fraction in (0.99, 0.8, 0.55):
        path.write_bytes(cut(fraction))
        rc, out, err = _import(capsys, db, path)
        assert (rc, out) == (1, "")
        assert err.startswith(f"{path}: error: {path}: the document looks cut off: its last ")
        assert f"not taken as a revision of digest {NAME}, which is left as it was" in err
        with Store.open(db, readonly=True) as store:
            assert store.original_bytes(NAME) == WHOLE
            assert [(d.name, d.count) for d in store.digests()] == [(NAME, 20)]
        assert _abstracts(db) == held

    # The generator's next version of the day (two rows more) is a revision as before.
    more = PAPERS + many_papers(22)[20:]
    path.write_text(write_digest(more), encoding="utf-8")
    rc, out, err = _import(capsys, db, path)
    assert (rc, err) == (0, "")
    assert "22 papers (digest): 2 new, 0 updated, 20 unchanged" in out and "same-day update" in out


@pytest.mark.parametrize("ahead_max", [cli_read_ahead.AHEAD_MAX_BYTES, 0])
def test_whole_revisions_that_show_a_sign_are_still_revisions(
    tmp_path, capsys, monkeypatch, ahead_max
):
    """A whole document saved without its final line break (`$(…)`, an editor),
    or with a row repeated after the last, was refused as "cut off", and a
    fetched source then failed on every run (found by a regression hunt and a
    review). The day held says otherwise: the document lists papers it lacks,
    or lists as many and its last abstracts are whole."""
    monkeypatch.setattr(cli_read_ahead, "AHEAD_MAX_BYTES", ahead_max)
    db, path = tmp_path / "cache.db", tmp_path / f"{NAME}.md"
    path.write_bytes(write_digest(PAPERS[:18]).encode())
    assert _import(capsys, db, path)[0] == 0
    path.write_bytes(WHOLE.rstrip())  # two papers more, no final line break
    rc, out, err = _import(capsys, db, path)
    assert (rc, err) == (0, "") and "2 new" in out and "same-day update" in out
    # The same list again, a summary fixed, still without the line break.
    fixed = [replace(PAPERS[0], summary_zh="修正后的摘要"), *PAPERS[1:]]
    path.write_bytes(write_digest(fixed).encode().rstrip())
    rc, out, err = _import(capsys, db, path)
    assert (rc, err) == (0, "") and "1 updated" in out
    # A row repeated after the last (its slot never gets a footnote), two papers more.
    more = PAPERS + many_papers(22)[20:]
    text = write_digest(more)
    first_row = next(line for line in text.splitlines() if line.startswith("| [^1] |"))
    table_end = text.index("\n\n[^1]: ")
    path.write_text(text[:table_end] + "\n" + first_row + text[table_end:], encoding="utf-8")
    rc, out, err = _import(capsys, db, path)
    assert rc == 0 and "2 new" in out and "same-day update" in out
    with Store.open(db, readonly=True) as store:
        assert [(d.name, d.count) for d in store.digests()] == [(NAME, 22)]


@pytest.mark.parametrize("ahead_max", [cli_read_ahead.AHEAD_MAX_BYTES, 0])
def test_a_copy_cut_inside_its_table_is_refused(tmp_path, capsys, monkeypatch, ahead_max):
    """Cut mid-row in the table (no footnote read at all): it replaced a 737-paper
    day with 160 papers and stored a summary cut mid-character (found by a
    regression hunt)."""
    monkeypatch.setattr(cli_read_ahead, "AHEAD_MAX_BYTES", ahead_max)
    db, path = tmp_path / "cache.db", tmp_path / f"{NAME}.md"
    path.write_bytes(WHOLE)
    assert _import(capsys, db, path)[0] == 0
    text = WHOLE.decode()
    row = text.index("| [^12] |")
    path.write_bytes(text[: row + 40].encode())
    rc, _out, err = _import(capsys, db, path)
    assert rc == 1 and "its table ends mid-row, without a line break" in err
    with Store.open(db, readonly=True) as store:
        assert store.original_bytes(NAME) == WHOLE
        assert [(d.name, d.count) for d in store.digests()] == [(NAME, 20)]


@pytest.mark.parametrize("ahead_max", [cli_read_ahead.AHEAD_MAX_BYTES, 0])
def test_cut_copies_judged_by_what_they_would_cost_the_day(
    tmp_path, capsys, monkeypatch, ahead_max
):
    """Found by a regression hunt after the first version of the rule: a copy cut
    at a line break inside the table (737 papers became 160), and a cut copy of
    the next version (one paper added) that shortened an abstract, were taken;
    a text fix with a row repeated after the last was refused."""
    monkeypatch.setattr(cli_read_ahead, "AHEAD_MAX_BYTES", ahead_max)
    db, path = tmp_path / "cache.db", tmp_path / f"{NAME}.md"
    path.write_bytes(WHOLE)
    assert _import(capsys, db, path)[0] == 0
    held = _abstracts(db)
    text = WHOLE.decode()
    refused = {
        "cut at a line break in the table": text[: text.index("| [^12] |")],
        "next version cut in a footnote": write_digest(PAPERS + many_papers(21)[20:])[
            : text.index("[^12]: ") + 700
        ],
        "next version cut in its old last footnote": _cut_in_last_old_footnote(),
        # (a fourth regression hunt) the next version cut after its table: every
        # paper of the day listed, but the day's kept bytes would lose every footnote.
        "next version cut after its table": _next_cut_after_table(),
        # Its Chinese abstract grew by more than its English one lost.
        "cut English, longer Chinese": _cut_english_longer_chinese(),
    }
    for why, cut_text in refused.items():
        path.write_text(cut_text, encoding="utf-8")
        rc, _out, err = _import(capsys, db, path)
        assert rc == 1 and "the document looks cut off" in err, why
        with Store.open(db, readonly=True) as store:
            assert store.original_bytes(NAME) == WHOLE, why
            assert [(d.name, d.count) for d in store.digests()] == [(NAME, 20)], why
        assert _abstracts(db) == held, why
    # A text fix and a row repeated after the last: a revision.
    fixed = write_digest([replace(PAPERS[0], summary_zh="修正后的摘要"), *PAPERS[1:]])
    first_row = next(line for line in fixed.splitlines() if line.startswith("| [^1] |"))
    table_end = fixed.index("\n\n[^1]: ")
    path.write_text(fixed[:table_end] + "\n" + first_row + fixed[table_end:], encoding="utf-8")
    rc, out, err = _import(capsys, db, path)
    assert rc == 0 and "1 updated" in out and "same-day update" in out


def _next_cut_after_table() -> str:
    text = write_digest(PAPERS + many_papers(22)[20:])
    return text[: text.index("[^1]: ")]


def _cut_english_longer_chinese() -> str:
    last = PAPERS[-1]
    longer = replace(last, abstract_zh=last.abstract_zh + "更长的中文摘要。" * 200)
    text = write_digest([*PAPERS[:-1], longer])
    assert text.endswith(last.abstract_en + "\n    \n\n")  # the English abstract ends it
    return text[: len(text) - len("\n    \n\n") - len(last.abstract_en) // 2]


def _cut_in_last_old_footnote() -> str:
    """The next version (two rows added) cut inside the day's last paper's
    footnote: only new papers' rows lack footnotes, but [^20]'s abstract is cut."""
    text = write_digest(PAPERS + many_papers(22)[20:])
    start = text.index("[^20]: ")
    return text[: start + (text.index("[^21]: ") - start) * 2 // 3]


def test_a_cut_copy_of_a_day_not_held_is_imported_as_before(tmp_path, capsys):
    db, path = tmp_path / "cache.db", tmp_path / f"{NAME}.md"
    path.write_bytes(cut(0.8))
    rc, out, err = _import(capsys, db, path)
    assert rc == 0 and "(new digest)" in out
    assert "has no footnote; read from the table" in err


# --- fetch ---------------------------------------------------------------------------------


async def _fetch(store: Store, source: Source) -> SourceResult:
    fake = FakeTime(50.0)
    fetcher = SourceFetcher(
        HttpOptions(retries=1), sleep=fake.sleep, clock=fake.clock, rng=lambda: 1.0
    )
    async with fetcher:
        [result] = await fetch_all(store, [source], fetcher=fetcher)
    return result


async def test_fetch_of_a_cut_copy_of_a_day_held_fails_and_keeps_the_day(tmp_path):
    changed = replace(PAPERS[-1], abstract_en="A corrected abstract.")
    revised = write_digest([*PAPERS[:-1], changed]).encode()
    markdown = {"Content-Type": "text/markdown; charset=utf-8"}
    with FeedServer() as server:
        server.route(
            f"/{NAME}.md",
            Reply(200, body=WHOLE, headers=markdown),
            Reply(200, body=cut(0.8), headers=markdown),
            Reply(200, body=revised, headers=markdown),
        )
        url = server.url(f"/{NAME}.md")
        source = Source("ai", url)
        with Store.open(tmp_path / "cache.db") as store:
            assert (await _fetch(store, source)).new == 20
            second = await _fetch(store, source)
            assert second.status == "failed", second
            assert url in second.error and "looks cut off" in second.error, second.error
            assert store.get_source_state("ai")["last_status"].startswith("failed")
            assert store.original_bytes(store.digests()[0].name) == WHOLE
            assert _stored_abstract(store, PAPERS[-1].id) == PAPERS[-1].abstract_en
            # The whole file again: a revision of the day, as before.
            third = await _fetch(store, source)
            assert third.ok and third.updated == 1, third
            assert _stored_abstract(store, PAPERS[-1].id) == "A corrected abstract."


def _stored_abstract(store: Store, pid: str) -> str:
    record = store.get_paper(pid)
    assert record is not None
    return record.paper.abstract_en


async def test_a_cut_download_of_a_day_not_held_keeps_no_validators_and_heals(tmp_path):
    """Found by a month's replay: a Markdown download cut off on its way (its ETag is
    the whole version's) was imported, a day not held, and its ETag stored: the next
    fetch was told 304 and the cut day never healed. As for a cut feed
    (test_fetch_truncated.py), its validators are not stored."""
    headers = {"Content-Type": "text/markdown; charset=utf-8", "ETag": '"whole"'}
    with FeedServer() as server:
        server.route(
            f"/{NAME}.md",
            Reply(200, body=cut(0.8), headers=headers),
            conditional(WHOLE, etag='"whole"'),
        )
        source = Source("ai", server.url(f"/{NAME}.md"))
        with Store.open(tmp_path / "cache.db") as store:
            first = await _fetch(store, source)
            assert first.ok and first.problems, first  # (its last rows read from the table)
            assert _stored_abstract(store, PAPERS[-1].id) != PAPERS[-1].abstract_en
            assert not store.get_source_state("ai").get("etag")
            second = await _fetch(store, source)  # the whole file: the day completed
            assert "if-none-match" not in server.requests_to(f"/{NAME}.md")[1].headers
            assert second.ok and second.updated and not second.problems, second
            assert _stored_abstract(store, PAPERS[-1].id) == PAPERS[-1].abstract_en
            assert store.original_bytes(store.digests()[0].name) == WHOLE
            assert store.get_source_state("ai")["etag"] == '"whole"'
