"""Export streamed chunk by chunk: the same bytes as the whole render, bounded memory.

Exporting 65,000 papers from the reader (`A`, `e`, Enter) or `tui-digest export`
held the whole document: RSS peaked at 1 GB, and at 500,000 papers the reader
died of MemoryError. A missing output folder was said only after the render.
"""

from __future__ import annotations

import io
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

from tui_digest.core.arxiv_meta import FOUND, ArxivMeta
from tui_digest.core.export import FORMATS, render
from tui_digest.core.model import Digest, Paper, PaperRecord
from tui_digest.core.store import Store


def paper(n: int, *, abstract: str = "") -> Paper:
    """Varied papers: Chinese text, several authors, some old-style or non-arXiv ids,
    a hostile title, papers without authors (keyed `arxiv-<id>`)."""
    ident = f"2403.{n:05d}" if n % 17 else f"hep-th/99{n % 12 + 1:02d}{n % 1000:03d}"
    if n % 29 == 0:
        ident = f"post-{n}"
    return Paper(
        id=ident,
        version="v2" if n % 3 else "",
        title_en=f"On the {n}th\ntransformer {{of}} $x_{n}$ \x1b[31m"
        if n % 11 == 0
        else f"Deep {n}",
        title_zh=f"第{n}篇：注意力",
        summary_zh=f"摘要 {n} | 管道",
        abstract_en=abstract or f"We study {n}.\nA second line with 50% and \\cite{{x}}.",
        abstract_zh=f"我们研究{n}。",
        authors=[] if n % 7 == 0 else [f"Ada{n} Lovelace", "Ludwig van Beethoven", "张三"],
        categories=["cs.CL", "cs.LG"] if n % 2 else [],
        announce_type="new" if n % 5 else "replace",
        published=f"2024-0{n % 9 + 1}-1{n % 10}",
    )


def records(count: int) -> list[PaperRecord]:
    out = []
    for n in range(1, count + 1):
        p = paper(n)
        meta = None
        if n % 13 == 0:  # enriched (`tui-digest enrich`)
            meta = ArxivMeta(
                p.id, FOUND, "2024-01-01T00:00:00Z", published="2023-05-06", doi="10.1000/x"
            )
        out.append(
            PaperRecord(n, p, read=bool(n % 2), starred=n % 4 == 0, digests=["d"], meta=meta)
        )
    return out


class ListStore:
    """A store of `records` by rowid that counts what it was asked for."""

    def __init__(self, recs: list[PaperRecord]) -> None:
        self.by_rowid = {r.rowid: r for r in recs}
        self.asked: list[int] = []

    def get_papers(self, rowids):
        self.asked.extend(rowids)
        return [self.by_rowid[r] for r in rowids if r in self.by_rowid]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_streamed_file_is_byte_identical_to_the_whole_render(tmp_path, fmt):
    from tui_digest.core import export_stream

    recs = records(300)
    # The same paper twice (the reader can export a paper twice): keys get a/b suffixes.
    rowids = [r.rowid for r in recs] + [5, 10, 5]
    want = render([r for rid in rowids for r in recs if r.rowid == rid], fmt).encode()
    chunks = export_stream.store_chunks(ListStore(recs), rowids, size=37)  # chunk edges inside
    path, count = export_stream.export_file(tmp_path / "out", chunks, fmt)
    assert count == 303
    assert path.read_bytes() == want
    # Standard output cannot be rewound: the same bytes all the same.
    out = io.BytesIO()
    assert export_stream.write_export(out, chunks, fmt) == 303
    assert out.getvalue() == want
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary or spool left


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_streamed_export_of_nothing_and_of_one_paper_matches(tmp_path, fmt):
    from tui_digest.core import export_stream

    for recs in ([], records(1)):
        out = io.BytesIO()
        export_stream.write_export(out, export_stream.list_chunks(recs), fmt)
        assert out.getvalue() == render(recs, fmt).encode()


def test_keys_unique_when_a_repeat_would_take_another_papers_suffixed_key():
    # Two non-arXiv ids that fold alike, and a third whose key is the first's + "a":
    # the repeat must skip "a" (taken) as `citation_keys` does.
    from tui_digest.core import export_stream

    recs = [
        PaperRecord(1, Paper(id="x_1", title_en="T", authors=["A B"])),
        PaperRecord(2, Paper(id="x-1", title_en="T", authors=["A B"])),
        PaperRecord(3, Paper(id="x1a", title_en="T", authors=["A B"])),
    ]
    for fmt in ("bibtex", "csl-json"):
        out = io.BytesIO()
        export_stream.write_export(out, export_stream.list_chunks(recs, size=1), fmt)
        assert out.getvalue() == render(recs, fmt).encode()
        assert b"x1b" in out.getvalue()


def big_records(count: int, abstract_chars: int) -> tuple[list[PaperRecord], int]:
    text = ("注意力机制 attention " * abstract_chars)[:abstract_chars]
    recs = [
        PaperRecord(n, replace(paper(n, abstract=text), title_en=f"{n} {text}"))
        for n in range(1, count + 1)
    ]  # the long title is in every format, the abstract in some
    return recs, abstract_chars // 4  # at least this many bytes a paper in any format


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_memory_stays_bounded_by_a_chunk_not_the_document(tmp_path, fmt, monkeypatch):
    """The reader's export job: the peak is a chunk's worth, not N papers' text
    (chunks of 50 here, to keep the test quick under tracemalloc)."""
    from tui_digest.core import export_stream
    from tui_digest.ui.export_job import export_papers

    monkeypatch.setattr(export_stream, "CHUNK", 50)
    count = 600
    recs, per_paper = big_records(count, 8000)
    store = ListStore(recs)  # the papers themselves are the store's, not the export's
    tracemalloc.start()
    try:
        assert export_papers(store, [r.rowid for r in recs], fmt, tmp_path / "out") == count
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = (tmp_path / "out").stat().st_size
    assert size > count * per_paper  # the document is large...
    assert peak < size / 5  # ...and was never held whole (it was: peak > 2 x size)


def test_a_missing_folder_is_said_before_any_paper_is_read(tmp_path):
    from tui_digest.ui.export_job import export_papers

    store = ListStore(records(3))
    missing = tmp_path / "no-such-folder" / "out.bib"
    with pytest.raises(FileNotFoundError, match="no-such-folder"):
        export_papers(store, [1, 2, 3], "bibtex", missing)
    assert store.asked == []
    assert list(tmp_path.iterdir()) == []


def test_a_failure_mid_export_leaves_no_file(tmp_path):
    from tui_digest.ui.export_job import export_papers

    class Failing(ListStore):
        def get_papers(self, rowids):
            if 2500 in rowids:
                raise RuntimeError("disk went away")
            return super().get_papers(rowids)

    store = Failing(records(3000))
    with pytest.raises(RuntimeError):
        export_papers(store, list(range(1, 3001)), "markdown", tmp_path / "out.md")
    assert list(tmp_path.iterdir()) == []


def test_export_from_a_reopened_store_matches_the_whole_render(tmp_path, monkeypatch):
    """Through the real store and its chunks (of 64 here), across a reopen."""
    from tui_digest.core import export_stream
    from tui_digest.ui.export_job import export_papers

    monkeypatch.setattr(export_stream, "CHUNK", 64)

    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        store.import_digest(Digest("d", papers=[paper(n) for n in range(1, 251)]))
    with Store.open(db) as store:
        rowids = store.list_ids("")
        whole = store.get_papers(rowids)
        for fmt in FORMATS:
            out = tmp_path / f"out{FORMATS[fmt][1]}"
            assert export_papers(store, rowids, fmt, out) == 250
            assert out.read_bytes() == render(whole, fmt).encode()


def test_cli_export_streams_to_a_file_and_stdout_with_the_same_bytes(tmp_path, capsysbinary):
    from tui_digest.cli import main

    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        store.import_digest(Digest("d", papers=[paper(n) for n in range(1, 41)]))
        whole = store.get_papers(store.list_ids(""))
    for fmt in FORMATS:
        out = tmp_path / f"cli{FORMATS[fmt][1]}"
        assert main(["--db", str(db), "export", "--format", fmt, "-o", str(out)]) == 0
        assert out.read_bytes() == render(whole, fmt).encode()
        capsysbinary.readouterr()
        assert main(["--db", str(db), "export", "--format", fmt]) == 0
        assert capsysbinary.readouterr().out == render(whole, fmt).encode()


def test_cli_export_to_a_missing_folder_fails_naming_it(tmp_path, capsys):
    from tui_digest.cli import main

    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        store.import_digest(Digest("d", papers=[paper(n) for n in range(1, 4)]))
    target = Path(tmp_path / "gone" / "x.md")
    assert main(["--db", str(db), "export", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "gone" in err and "does not exist" in err


def test_the_readers_export_to_a_fifo_nobody_reads_is_refused_at_once(tmp_path):
    """The reader's export into a FIFO with no reader sat in `open` for good: `q`,
    ctrl+q, SIGHUP and SIGTERM did not end the reader (regression hunt `regfiles` 3)."""
    import os
    import threading

    from tui_digest.ui.export_job import export_papers

    fifo = tmp_path / "ff"
    os.mkfifo(fifo)
    recs, _ = big_records(1, 10)
    outcome: list[BaseException | int] = []

    def run() -> None:
        try:
            outcome.append(export_papers(ListStore(recs), [recs[0].rowid], "markdown", fifo))
        except OSError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # blocked in open: give it a reader so the test ends
        with open(fifo, "rb") as f:
            f.read()
        worker.join()
        pytest.fail("the export waited for a reader of the FIFO")
    assert isinstance(outcome[0], BrokenPipeError)
    assert (
        str(outcome[0])
        == f"cannot write {fifo}: nobody is reading the pipe (start its reader first)"
    )
