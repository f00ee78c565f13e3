"""A document imported as it is read (`Store.import_stream`, issue 13 req 1).

The streamed import must leave the cache exactly as `import_digest` of the
same document held whole does, stay one transaction (a failure half-way
leaves nothing), and let the reader's own writes wait for it.
"""

from __future__ import annotations

import io
import threading
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from tests.hostile.inputs import many_papers

from tui_digest import cli
from tui_digest.core.digest_format import DigestStream, write_digest
from tui_digest.core.model import IDENTICAL, NEW_DIGEST, NO_NEW_PAPERS, SAME_DAY, Digest, Paper
from tui_digest.core.store import Store, importer
from tui_digest.core.text_stream import open_kept, split_lines

QUERIES = ("", "diffusion", "id:24*", "模型", "type:new", "forgetting OR models")


def snapshot(store: Store) -> dict[str, object]:
    """What a user can see of the cache, plus the rows that decide it."""
    conn = store._conn()
    return {
        "papers": conn.execute(
            "SELECT pk, id, version, title_en, title_zh, abstract_en, abstract_zh, categories, "
            "extras, sort_key, list_date, list_ref FROM papers ORDER BY pk"
        ).fetchall(),
        "membership": conn.execute(
            "SELECT d.name, m.ref, m.paper, m.hash, m.announce_type FROM membership m "
            "JOIN digests d ON d.pk = m.digest ORDER BY d.name, m.ref"
        ).fetchall(),
        "digests": conn.execute("SELECT name, date, count FROM digests ORDER BY pk").fetchall(),
        "search": {q: [r.rowid for r in store.search(q, limit=1000)] for q in QUERIES},
        "count": store.count(),
        "terms": conn.execute("SELECT count(*) FROM terms").fetchone(),
    }


def streamed(store: Store, digest: Digest, **kw: object):
    return store.import_stream(replace(digest, papers=[]), iter(digest.papers), **kw)  # type: ignore[arg-type]


def both(tmp_path: Path) -> tuple[Store, Store]:
    return Store.open(tmp_path / "whole.db"), Store.open(tmp_path / "stream.db")


def edited(papers: list[Paper]) -> list[Paper]:
    """The papers reordered, one changed, one gone, one new: a same-day update."""
    out = [*papers[5:], *papers[:4]]
    out[0] = replace(out[0], title_en=out[0].title_en + " (revised)", version="v2")
    return [*out, *many_papers(1, prefix="25")]


@pytest.mark.parametrize("batch", [3, 2000])
def test_streamed_import_leaves_the_cache_as_a_whole_import_does(tmp_path, monkeypatch, batch):
    monkeypatch.setattr(importer, "BATCH", batch)
    monkeypatch.setattr("tui_digest.core.store.importer.BATCH", batch)
    papers = many_papers(20)
    fresh = many_papers(2, prefix="26")
    untyped, cross = (replace(fresh[0], announce_type=kind) for kind in ("", "cross"))
    twice = [untyped, fresh[1], cross]
    steps = [
        Digest("a-2024-03-18", source="a.md", date="2024-03-18", papers=papers),
        # The same document again: nothing changes.
        Digest("a-2024-03-18", source="a.md", date="2024-03-18", papers=papers),
        # A same-day update: moved, changed, gone and new entries.
        Digest("a-2024-03-18", source="a.md", date="2024-03-18", papers=edited(papers)),
        # Another source listing the same papers a day later: every one moves.
        Digest("b-2024-03-19", source="b.md", date="2024-03-19", papers=papers[::-1]),
        # An id twice in one document.
        Digest("c-2024-03-20", source="c.md", date="2024-03-20", papers=[*papers[:3], papers[1]]),
        # A new id twice, first without a type: its listing takes the second's
        # either way (as the paper does).
        Digest("d-2024-03-20", source="d.md", date="2024-03-20", papers=twice),
    ]
    whole, stream = both(tmp_path)
    with whole, stream:
        for digest in steps:
            a = whole.import_digest(digest, today="2024-03-21")
            b = streamed(stream, digest, today="2024-03-21")
            assert (a.new, a.updated, a.unchanged, a.outcome, a.digest) == (
                b.new,
                b.updated,
                b.unchanged,
                b.outcome,
                b.digest,
            )
            assert snapshot(stream) == _without_repeat_hashes(snapshot(whole), stream)
        assert [s.outcome for s in [a]] == [NEW_DIGEST]


def _without_repeat_hashes(whole: dict[str, object], stream: Store) -> dict[str, object]:
    """The whole import hashes a repeated id's merged entry; the stream chains the
    occurrences' hashes (`importer.repeat_hash`). Everything else is the same."""
    mine = {(n, r): h for n, r, _, h in stream._conn().execute(
        "SELECT d.name, m.ref, m.paper, m.hash FROM membership m JOIN digests d ON d.pk = m.digest"
    )}  # fmt: skip
    whole["membership"] = [
        (n, r, p, mine[(n, r)] if n[:2] in ("c-", "d-") else h, kind)
        for n, r, p, h, kind in whole["membership"]  # type: ignore[attr-defined]
    ]
    return whole


def test_outcomes_of_streamed_documents(tmp_path):
    papers = many_papers(5)
    digest = Digest("a-2024-03-18", source="a.md", date="2024-03-18", papers=papers)
    with Store.open(tmp_path / "c.db") as store:
        assert streamed(store, replace(digest, papers=[])).outcome == NO_NEW_PAPERS
        assert store.digests() == []  # an empty document creates nothing
        assert streamed(store, digest).outcome == NEW_DIGEST
        again = streamed(store, digest)
        assert (again.outcome, again.unchanged, again.digest) == (IDENTICAL, 5, "a-2024-03-18")
        changed = replace(digest, papers=papers[:4])
        assert streamed(store, changed).outcome == SAME_DAY
        assert store.count() == 5 and store.digests()[0].count == 4


def test_a_failure_half_way_leaves_nothing_of_the_document(tmp_path, monkeypatch):
    monkeypatch.setattr("tui_digest.core.store.importer.BATCH", 4)
    first = Digest("a-2024-03-18", source="a.md", date="2024-03-18", papers=many_papers(3))
    with Store.open(tmp_path / "c.db") as store:
        store.import_digest(first)
        before = snapshot(store)

        def papers() -> Iterator[Paper]:
            yield from many_papers(10, prefix="25")  # two batches merged and indexed
            raise OSError("the disk went away")

        big = Digest("b-2024-03-19", source="b.md", date="2024-03-19")
        with pytest.raises(OSError, match="went away"):
            store.import_stream(big, papers())
        assert snapshot(store) == before
        assert [d.name for d in store.digests()] == ["a-2024-03-18"]
        assert store._conn().execute("SELECT count(*) FROM digest_bytes").fetchone() == (0,)


def test_the_original_bytes_are_kept_compressed_as_they_are_read(tmp_path):
    data = ("\ufeff" + write_digest(many_papers(40))).encode().replace(b"\n", b"\r\n")
    path = tmp_path / "d-2024-03-18.md"
    path.write_bytes(data)
    with Store.open(tmp_path / "c.db") as store, path.open("rb") as f:
        text, decoding, kept = open_kept(f)
        stream = DigestStream(source=str(path), decoding=decoding)
        with kept:
            stats = store.import_stream(
                stream.digest, (p for _, p in stream.read(split_lines(text))), kept=kept
            )
        assert stats.new == 40
        assert store.original_bytes(stats.digest) == data
        stored = store._conn().execute("SELECT data FROM digest_bytes").fetchone()[0]
        assert len(stored) < len(data) and zlib.decompress(stored) == data


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_cli_streams_a_digest_from_a_file_and_from_stdin(tmp_path, capsys, monkeypatch):
    data = write_digest(many_papers(30)).encode()
    path = tmp_path / "digest-2024-03-18.md"
    path.write_bytes(data)
    db = str(tmp_path / "c.db")
    assert cli.main(["--db", db, "import", str(path)]) == 0
    assert "30 papers (digest): 30 new" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", _Stdin(data.replace(b"Paper", b"Study")))
    assert cli.main(["--db", db, "import", "-"]) == 0
    assert "<stdin>: 30 papers (digest): 0 new, " in capsys.readouterr().out
    assert cli.main(["--db", db, "export", "--digest", "digest-2024-03-18"]) == 0
    assert capsys.readouterr().out.encode() == data


def test_cli_reports_a_stream_that_is_no_digest_and_imports_nothing(tmp_path, capsys):
    path = tmp_path / "notes.md"
    path.write_text("just notes\n" * 10, encoding="utf-8")
    db = str(tmp_path / "c.db")
    assert cli.main(["--db", db, "import", "--format", "digest", str(path)]) == 1
    err = capsys.readouterr().err
    assert "notes.md: not a digest: no summary table and no [^N]: footnotes found" in err
    with Store.open(db) as store:
        assert store.count() == 0 and store.digests() == []


class QuickStore(Store):
    busy_ms = 20  # each attempt to take the lock gives up quickly; the test counts them


def test_reader_marks_wait_for_a_streamed_import(tmp_path):
    db = tmp_path / "c.db"
    with Store.open(db) as importing:
        importing.import_digest(Digest("first", date="2024-03-18", papers=many_papers(3)))
        reader = QuickStore.open(db)
        inside, release, done = threading.Event(), threading.Event(), threading.Event()
        result: list[object] = []

        def papers() -> Iterator[Paper]:
            batch = many_papers(300, prefix="25")
            yield from batch[:150]
            inside.set()  # inside the import's transaction, half-way
            assert release.wait(30), "the reader's write never met the lock"
            yield from batch[150:]

        def run() -> None:
            try:
                result.append(
                    importing.import_stream(Digest("second", date="2024-03-19"), papers())
                )
            except BaseException as exc:  # handed to the test thread
                result.append(exc)
            finally:
                done.set()

        pauses: list[float] = []

        def pause(seconds: float) -> None:
            pauses.append(seconds)  # the reader met the lock: let the import finish
            release.set()
            assert done.wait(30)

        reader._sleep = pause  # type: ignore[method-assign]
        rowid = reader.search("")[0].rowid
        thread = threading.Thread(target=run)
        thread.start()
        assert inside.wait(30)
        try:
            assert reader.toggle_flag("read", [rowid]) == (True, [rowid])
        finally:
            release.set()
            thread.join(30)
            reader.close()
        assert pauses, "the reader's write never met the import's lock"
        assert result[0].new == 300  # type: ignore[attr-defined]


def test_a_feed_is_read_whole_so_its_own_cap_is_lower(tmp_path, capsys, monkeypatch):
    from tests.hostile.inputs import arxiv_rss

    from tui_digest import cli_import

    monkeypatch.setattr(cli_import, "MAX_WHOLE_MIB", 1)
    path = tmp_path / "feed.xml"
    feed = arxiv_rss(title="t", abstract="a" * (2 * 1024 * 1024), author="w")
    path.write_text(feed, encoding="utf-8")
    db = str(tmp_path / "c.db")
    assert cli.main(["--db", db, "import", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"{path}: error: {path}: larger than 1048576 bytes; refused "
        "(a feed is read whole; see --max-size)\n"
    )
    assert cli.main(["--db", db, "import", "--max-size", "3", str(path)]) == 0
    assert "1 paper (arxiv): 1 new" in capsys.readouterr().out


def test_a_streamed_list_sharing_no_paper_with_the_day_is_another_digest(
    tmp_path, capsys, monkeypatch
):
    """Found by a bug hunt (allday #3): a streamed digest (over 8 MB, here any:
    AHEAD_MAX_BYTES 0) replaced the day's digest whatever it listed, leaving the
    day's first list in no digest, where a file read whole gave `-2`. Its list
    is read first when the day has a digest, and the same rules apply."""
    from tui_digest import cli_read_ahead

    monkeypatch.setattr(cli_read_ahead, "AHEAD_MAX_BYTES", 0)
    monkeypatch.setenv("TUI_DIGEST_TODAY", "2026-12-03")
    first = write_digest(many_papers(30)).encode()
    other = first.replace(b"2401.", b"2403.")
    assert other != first
    path = tmp_path / "a.md"
    path.write_bytes(first)
    db = str(tmp_path / "c.db")
    url = "https://example.org/cs.LG.md"
    assert cli.main(["--db", db, "import", "--source", url, str(path)]) == 0
    monkeypatch.setattr("sys.stdin", _Stdin(other))
    assert cli.main(["--db", db, "import", "--source", url, "-"]) == 0
    assert "-> cs.LG-2026-12-03-2 (new digest)" in capsys.readouterr().out
    assert cli.main(["--db", db, "export", "--digest", "cs.LG-2026-12-03-2"]) == 0
    assert capsys.readouterr().out.encode() == other  # its bytes kept whole, read twice
    # A revision of the first list (one summary corrected) is still one.
    revised = first.replace("第1篇的一句话总结".encode(), "改正的总结".encode())
    assert revised != first
    monkeypatch.setattr("sys.stdin", _Stdin(revised))
    assert cli.main(["--db", db, "import", "--source", url, "-"]) == 0
    assert "-> cs.LG-2026-12-03 (same-day update)" in capsys.readouterr().out
    with Store.open(db) as store:
        assert sorted((d.name, d.count) for d in store.digests()) == [
            ("cs.LG-2026-12-03", 30),
            ("cs.LG-2026-12-03-2", 30),
        ]
