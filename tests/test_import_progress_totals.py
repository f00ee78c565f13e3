"""The import bar's total (bug hunt `scale` #3): known early, never reached early.

A 50,000-paper digest showed 1000/8368, then 3500/21333…: its total was
estimated from papers over bytes read, and the table is read before the first
paper. A folder showed 711/711, 2404/2404…: the total grew a document at a
time, so the bar was always full. The bar counts the inputs' bytes now, all
known before the first is read; a document counts as done once imported.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tui_digest import cli_import, cli_progress, cli_read_ahead
from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store


class RecordingBar:
    def __init__(self) -> None:
        self.updates: list[tuple[float, float | None]] = []

    def add_task(self, description: str, total: float | None) -> int:
        return 1

    def update(self, task: int, *, completed: float, total: float | None, **_: object) -> None:
        self.updates.append((completed, total))

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


@pytest.fixture
def bars(monkeypatch) -> list[RecordingBar]:
    made: list[RecordingBar] = []

    def factory(label: str) -> RecordingBar:
        made.append(RecordingBar())
        return made[-1]

    class Shown(cli_progress.ImportProgress):
        DELAY = 0.0

        def __init__(self) -> None:
            super().__init__(bar_factory=factory)

    monkeypatch.setattr(cli_progress, "ImportProgress", Shown)
    return made


def papers(first: int, n: int) -> list[Paper]:
    return [
        Paper(id=f"2501.{i:05d}", title_en=f"Paper {i}", abstract_en="words " * 30)
        for i in range(first, first + n)
    ]


def run_import(db: Path, *paths: Path) -> None:
    args = argparse.Namespace(max_size=None, format=None, source=None)
    with Store.open(db) as store:
        assert cli_import.import_documents(store, args, [str(p) for p in paths], str) == 0


def assert_steady(bar: RecordingBar, total: int) -> None:
    """One total throughout, the inputs' bytes; reached only by the last update."""
    assert {t for _, t in bar.updates} == {total}
    done = [c for c, _ in bar.updates]
    assert done == sorted(done)  # never back
    assert done[-1] == total
    assert all(c < total for c in done[:-1])
    assert len(set(done)) > 3  # it moved on the way


def test_a_folders_total_is_its_files_bytes_from_the_start(tmp_path, bars):
    folder = tmp_path / "daily"
    folder.mkdir()
    for day in range(1, 6):
        (folder / f"digest-cs.AI-2025-01-0{day}.md").write_text(
            write_digest(papers(day * 1000, 30)), encoding="utf-8"
        )
    run_import(tmp_path / "c.db", folder)
    [bar] = bars
    assert_steady(bar, sum(p.stat().st_size for p in folder.iterdir()))


def test_a_streamed_digests_total_is_its_bytes_not_an_estimate(tmp_path, bars, monkeypatch):
    monkeypatch.setattr(cli_read_ahead, "AHEAD_MAX_BYTES", 0)  # streamed, not read ahead
    big = tmp_path / "archive.md"
    big.write_text(write_digest(papers(1, 1600)), encoding="utf-8")
    run_import(tmp_path / "c.db", big)
    [bar] = bars
    assert_steady(bar, big.stat().st_size)


def test_updating_every_paper_is_not_shown_done_once_read(tmp_path, bars, monkeypatch):
    """Its changed papers are indexed after the whole document is read: the
    bar stood full for half of a 50,000-update import. Reading is half of a
    document, indexing its papers the other half."""
    monkeypatch.setattr(cli_read_ahead, "AHEAD_MAX_BYTES", 0)
    db = tmp_path / "c.db"
    with Store.open(db) as s:
        s.import_digest(Digest("old", date="2025-01-01", papers=papers(1, 1600)))
    big = tmp_path / "archive.md"
    changed = [
        Paper(id=p.id, title_en=p.title_en + " v2", abstract_en="other " * 30)
        for p in papers(1, 1600)
    ]
    big.write_text(write_digest(changed), encoding="utf-8")
    run_import(db, big)
    [bar] = bars
    assert_steady(bar, big.stat().st_size)


def test_read_but_not_indexed_is_half_done():
    bar = RecordingBar()
    now = [0.0]
    progress = cli_progress.ImportProgress(bar_factory=lambda label: bar, clock=lambda: now[0])
    now[0] = 5.0
    progress.plan([1000])
    progress.start_document(1000)
    progress.reading(1600, 1.0, 1600)
    assert bar.updates[-1] == (500, 1000)
    progress.indexed(800)
    assert bar.updates[-1] == (750, 1000)
    progress.indexed(800)
    assert bar.updates[-1][0] < 1000  # done once imported, not before
    progress.finish_document(1600)
    assert bar.updates[-1] == (1000, 1000)


def test_files_and_folders_share_one_bar_over_all_their_bytes(tmp_path, bars):
    """`import FILE FOLDER FILE` (regression hunt `reg4` #1): each folder closed
    a batch with a bar of its own, so the first read "file 8 of 8", 100 %, with
    the last file still to come, and that file began a second bar from 0 %."""
    from tui_digest import cli

    first, last = tmp_path / "digest-cs.AI-2025-02-01.md", tmp_path / "digest-cs.AI-2025-02-09.md"
    first.write_text(write_digest(papers(100, 30)), encoding="utf-8")
    last.write_text(write_digest(papers(900, 30)), encoding="utf-8")
    folder = tmp_path / "daily"
    folder.mkdir()
    for day in range(2, 6):
        (folder / f"digest-cs.AI-2025-02-0{day}.md").write_text(
            write_digest(papers(day * 1000, 30)), encoding="utf-8"
        )
    db = str(tmp_path / "c.db")
    assert cli.main(["--db", db, "import", str(first), str(folder), str(last)]) == 0
    [bar] = bars
    inputs = [first, last, *folder.iterdir()]
    assert_steady(bar, sum(p.stat().st_size for p in inputs))
