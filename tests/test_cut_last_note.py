"""A copy cut at a line break inside its last footnote (tests/test_cut_digest.py
has the copies cut elsewhere).

Found by a review: a copy that ends right after its last footnote's summary
line (or its link line, its Chinese abstract…) with a line break cuts no line
mid-way, and docs/digest-format.md allows the final footnote without its
closing four-space line and a missing Chinese abstract; so it showed no sign,
and as a same-day revision it dropped that paper's abstracts from the day held.
When the document's other footnotes all have the full shape, closed, a last
footnote that stops before its English abstract without its closing line is a
cut (`digest_paper.stops_short`, `DigestStream._cut`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.hostile.inputs import many_papers

from feed_server import FakeTime, FeedServer, Reply
from tui_digest import cli, cli_read_ahead
from tui_digest.config.sources import Source
from tui_digest.core.digest_format import read_digest, write_digest
from tui_digest.core.paper import Paper
from tui_digest.core.store import Store
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.runner import SourceResult, fetch_all
from tui_digest.net.options import HttpOptions

PAPERS = many_papers(20, abstract_len=600)
WHOLE = write_digest(PAPERS).encode()
NAME = "cs.AI-2024-03-18"  # a dated name: the day is the file's, whatever the clock says
CLOSE = "\n    \n\n"  # how a whole digest ends (docs/digest-format.md)


def sign(ref: int) -> str:
    return f"its last footnote [^{ref}] stops before its English abstract, without its closing line"


def cuts_in_last_note(text: str) -> list[tuple[str, bool]]:
    """(copy, stops short) for every line break inside the last footnote: a copy
    ending there, and whether it ends before its English abstract's line does."""
    assert text.endswith(CLOSE)
    en_end = len(text) - len(CLOSE) + 1  # just after the English abstract's line break
    at = text.index("\n", text.rindex("\n[^") + 1)
    out = []
    while at >= 0:
        out.append((text[: at + 1], at + 1 < en_end))
        at = text.find("\n", at + 1)
    return out


def without_last_zh(text: str) -> str:
    """`text` whose last footnote has no Chinese abstract paragraph (closed as written)."""
    start = text.rindex("\n[^") + 1
    parts = text[start:].split("\n\n")  # [..., zh, "en\n    ", ""]
    return text[:start] + "\n\n".join(parts[:-3] + parts[-2:])


# --- the reader ----------------------------------------------------------------------------


def test_real_digests_cut_inside_their_last_footnote_show_the_sign(samples):
    """Every real sample: whole (also without its closing line, or without its
    last Chinese abstract) no sign; cut at each line break of its last footnote
    before its English abstract ends, the sign; after it, none."""
    checked = 0
    for path in sorted(samples.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "\n[^" not in text:
            continue  # (the README, the empty digest)
        whole = read_digest(text).digest
        last = whole.papers[-1]
        ref = len(whole.papers)  # (every sample numbers its footnotes 1..N)
        assert whole.cut == "", path.name
        assert read_digest(text[: -len(CLOSE)] + "\n").digest.cut == "", path.name
        assert read_digest(without_last_zh(text)).digest.cut == "", path.name
        for copy, short in cuts_in_last_note(text):
            digest = read_digest(copy).digest
            where = (path.name, copy[-40:])
            if not short:
                assert digest.cut == "", where
                continue
            found = (digest.cut, digest.cut_kind, digest.cut_id)
            assert found == (sign(ref), "note", last.id), where
            assert digest.cut_chars[0] < len(last.abstract_en), where  # (what the store compares)
            _placed_as_far_as_it_goes(digest.papers[-1], last, where)
            checked += 1
    assert checked >= 6 * 5  # six real digests, at least five cut points each


def _placed_as_far_as_it_goes(cut: Paper, whole: Paper, where: object) -> None:
    """The paragraphs a cut last footnote has are where the whole one has them:
    its summary never the Chinese abstract, its English title never the English
    abstract (as they were placed by content)."""
    assert cut.summary_zh == whole.summary_zh, where
    assert cut.title_en in ("", whole.title_en), where
    assert cut.abstract_zh in ("", whole.abstract_zh), where
    assert cut.abstract_en == "", where


def test_a_cut_footnotes_summary_is_never_its_chinese_abstract():
    """Cut after its summary or its slot: a paragraph equal to the table's
    summary cell is the summary; in the summary's place, when the other
    footnotes have summaries, it is the summary even when the cell differs."""
    text = WHOLE.decode()
    last = PAPERS[-1]
    for copy, short in cuts_in_last_note(text):
        if short:
            _placed_as_far_as_it_goes(read_digest(copy).digest.papers[-1], last, copy[-30:])
    # A document of one footnote: nothing to place it by but the table's cell.
    one = write_digest([last])
    slot = one[: one.index("总结。\n\n    \n") + len("总结。\n\n    \n")]
    paper = read_digest(slot).digest.papers[0]
    assert (paper.summary_zh, paper.abstract_zh, paper.abstract_en) == (last.summary_zh, "", "")
    # The table's cell differs from the footnote's summary (they "normally agree").
    row = "| 第20篇的一句话总结。 |"
    other = text.replace(row, "| 表格里的另一句总结。 |")
    assert other != text
    for end in ("总结。\n", "总结。\n\n", "总结。\n\n    \n", "总结。\n\n    \n\n"):
        copy = other[: other.rindex(end) + len(end)]
        paper = read_digest(copy).digest.papers[-1]
        assert (paper.summary_zh, paper.abstract_zh) == (last.summary_zh, ""), end


def test_a_document_of_one_footnote_or_mixed_shapes_shows_no_sign():
    """Nothing to compare with, or footnotes of more than one shape: no sign."""
    text = WHOLE.decode()
    before_en = text[: text.rindex("\n    arXiv:") + 1]  # (cut before its English abstract)
    assert read_digest(before_en).digest.cut == sign(20)
    one = write_digest(PAPERS[-1:])
    assert read_digest(one[: one.rindex("\n    arXiv:") + 1]).digest.cut == ""
    # [^3] without its summary paragraphs (the earliest digests' shape).
    mixed = text.replace("    第3篇的一句话总结。\n\n    \n\n", "")
    assert mixed != text and read_digest(mixed).digest.cut == ""
    assert read_digest(mixed[: mixed.rindex("\n    arXiv:") + 1]).digest.cut == ""


# --- import and fetch, through time -------------------------------------------------------


def _import(capsys, db: Path, path: Path) -> tuple[int, str, str]:
    rc = cli.main(["--db", str(db), "import", str(path)])
    out = capsys.readouterr()
    return rc, out.out, out.err


def _day(db: Path) -> tuple[list[tuple[str, int]], bytes | None, dict[str, tuple[str, str, str]]]:
    """What the cache holds, read from a store opened afresh: its digests, the
    day's kept bytes, and the day's papers' (summary, Chinese, English abstract)."""
    with Store.open(db, readonly=True) as store:
        records = store.get_papers(store.list_ids(digest=NAME), digest=NAME)
        return (
            [(d.name, d.count) for d in store.digests()],
            store.original_bytes(NAME),
            {
                r.paper.id: (r.paper.summary_zh, r.paper.abstract_zh, r.paper.abstract_en)
                for r in records
            },
        )


def _short_cuts() -> dict[str, str]:
    text = WHOLE.decode()
    copies = [copy for copy, short in cuts_in_last_note(text) if short]
    named = {
        "after its title line": copies[0],
        "after its link line": next(c for c in copies if c.endswith(")\n")),
        "after its summary line": next(c for c in copies if c.endswith("总结。\n")),
        "after its summary slot": next(c for c in copies if c.endswith("总结。\n\n    \n")),
        "after its Chinese abstract": next(c for c in copies if c.endswith("摘要\n")),
    }
    assert all(c != text for c in named.values())
    return named


@pytest.mark.parametrize("ahead_max", [cli_read_ahead.AHEAD_MAX_BYTES, 0])
def test_a_cut_copy_of_the_day_held_is_refused_then_the_whole_one_is_unchanged(
    tmp_path, capsys, monkeypatch, ahead_max
):
    """The day held whole; the same day's cut copy imported (read ahead, or
    streamed); the whole copy again. Each cut point: refused, naming the file,
    and the day (its papers, abstracts, kept bytes) as it was, in a store
    opened afresh; the whole copy after it changes nothing."""
    monkeypatch.setattr(cli_read_ahead, "AHEAD_MAX_BYTES", ahead_max)
    db, path = tmp_path / "cache.db", tmp_path / f"{NAME}.md"
    path.write_bytes(WHOLE)
    assert _import(capsys, db, path)[0] == 0
    held = _day(db)
    assert held[0] == [(NAME, 20)] and held[1] == WHOLE
    assert held[2][PAPERS[-1].id][2] == PAPERS[-1].abstract_en
    for why, copy in _short_cuts().items():
        path.write_text(copy, encoding="utf-8")
        rc, out, err = _import(capsys, db, path)
        assert (rc, out) == (1, ""), why
        assert f"{path}: the document looks cut off: {sign(20)}" in err, why
        assert f"not taken as a revision of digest {NAME}, which is left as it was" in err, why
        assert _day(db) == held, why
    path.write_bytes(WHOLE)
    rc, out, err = _import(capsys, db, path)
    assert (rc, err) == (0, "") and "0 new, 0 updated" in out
    assert _day(db) == held


@pytest.mark.parametrize("where", ["after its Chinese abstract", "after its summary slot"])
def test_a_cut_copy_of_a_day_not_held_is_kept_then_the_whole_one_revises_it(
    tmp_path, capsys, where
):
    """A first import keeps the copy as it is (the sign noted, nothing refused;
    the summary never stored as the Chinese abstract); the whole copy of the
    same day then is a revision, restoring the abstracts."""
    db, path = tmp_path / "cache.db", tmp_path / f"{NAME}.md"
    copy = _short_cuts()[where]
    assert read_digest(copy).digest.cut == sign(20)
    path.write_text(copy, encoding="utf-8")
    rc, out, _err = _import(capsys, db, path)
    assert rc == 0 and "(new digest)" in out
    digests, kept, papers = _day(db)
    last = PAPERS[-1]
    assert (digests, kept) == ([(NAME, 20)], copy.encode())
    zh = last.abstract_zh if where == "after its Chinese abstract" else ""
    assert papers[last.id] == (last.summary_zh, zh, "")
    path.write_bytes(WHOLE)
    rc, out, err = _import(capsys, db, path)
    assert (rc, err) == (0, "") and "1 updated" in out and "same-day update" in out
    digests, kept, papers = _day(db)
    assert (digests, kept) == ([(NAME, 20)], WHOLE)
    assert papers[last.id] == (last.summary_zh, last.abstract_zh, last.abstract_en)


async def _fetch(store: Store, source: Source) -> SourceResult:
    fake = FakeTime(50.0)
    fetcher = SourceFetcher(
        HttpOptions(retries=1), sleep=fake.sleep, clock=fake.clock, rng=lambda: 1.0
    )
    async with fetcher:
        [result] = await fetch_all(store, [source], fetcher=fetcher)
    return result


async def test_fetch_of_a_cut_copy_of_the_day_held_fails_and_keeps_the_day(tmp_path):
    """The same through fetch (served from 127.0.0.1), the store reopened between runs."""
    copy = _short_cuts()["after its summary line"].encode()
    markdown = {"Content-Type": "text/markdown; charset=utf-8"}
    db = tmp_path / "cache.db"
    with FeedServer() as server:
        server.route(
            f"/{NAME}.md",
            Reply(200, body=WHOLE, headers=markdown),
            Reply(200, body=copy, headers=markdown),
            Reply(200, body=WHOLE, headers=markdown),
        )
        source = Source("ai", server.url(f"/{NAME}.md"))
        with Store.open(db) as store:
            assert (await _fetch(store, source)).new == 20
        held = _day(db)
        with Store.open(db) as store:
            second = await _fetch(store, source)
        assert second.status == "failed" and "looks cut off" in second.error, second
        assert sign(20) in second.error
        assert _day(db) == held
        with Store.open(db) as store:
            third = await _fetch(store, source)
        assert third.ok and (third.new, third.updated) == (0, 0), third
        assert _day(db) == held
