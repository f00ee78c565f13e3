"""The import's progress: the store reports papers indexed; the CLI bar waits a second
(its totals: `test_import_progress_totals`)."""

from __future__ import annotations

from pathlib import Path

from tui_digest.cli_progress import ImportProgress
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.core.store import index as index_module


def test_store_reports_every_new_paper_in_chunks(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(index_module, "CHUNK", 7)
    papers = [Paper(id=f"2403.{i:05d}", title_en=f"Paper {i}") for i in range(1, 31)]
    steps: list[int] = []
    with Store.open(tmp_path / "c.db") as store:
        store.import_digest(Digest("d", date="2024-03-18", papers=papers), progress=steps.append)
        assert steps == [7, 7, 7, 7, 2]
        assert store.count() == 30
        steps.clear()  # the same document again: nothing to index, nothing reported
        store.import_digest(Digest("d", date="2024-03-18", papers=papers), progress=steps.append)
        assert steps == []


class FakeBar:
    def __init__(self) -> None:
        self.updates: list[tuple[int, int]] = []
        self.stopped = False

    def add_task(self, description: str, total: int) -> int:
        return 1

    def update(self, task: int, completed: int, total: int, description: str = "") -> None:
        self.updates.append((completed, total))
        self.description = description

    def stop(self) -> None:
        self.stopped = True


def test_bar_appears_only_after_a_second_and_counts_papers():
    now = [100.0]
    bars: list[FakeBar] = []

    def factory(label: str) -> FakeBar:
        bars.append(FakeBar())
        return bars[-1]

    progress = ImportProgress(bar_factory=factory, clock=lambda: now[0])
    progress.plan([1000, 3000])
    progress.start_document(1000)
    progress.reading(1000, 1.0, 1000)
    progress.indexed(500)
    now[0] = 100.9
    progress.indexed(100)
    assert bars == []  # under a second: no bar at all
    now[0] = 101.2
    progress.indexed(100)  # read, and 700 of its 1000 papers indexed
    assert len(bars) == 1 and bars[0].updates[-1] == (850, 4000)
    assert bars[0].description == "1,000 papers, file 1 of 2"
    progress.finish_document(1000)
    progress.start_document(3000)  # the next document is read
    progress.reading(500, 0.25, 2000)
    assert bars[0].updates[-1] == (1375, 4000)
    progress.finish_document(2000)
    assert bars[0].updates[-1] == (4000, 4000)
    assert bars[0].description == "3,000 papers, file 2 of 2"
    progress.close()
    assert bars[0].stopped


def test_no_terminal_no_bar_and_never_asked_again():
    now = [0.0]
    asked: list[str] = []

    def factory(label: str) -> None:
        asked.append(label)

    progress = ImportProgress(bar_factory=factory, clock=lambda: now[0])
    now[0] = 5.0
    progress.plan([10])
    progress.start_document(10)
    progress.indexed(10)
    progress.close()
    assert asked == ["importing"]


def test_counted_bars_group_thousands_and_hide_an_unknown_total():
    """`digests rm`'s bar read "0/?", then "500/1251" beside a plan that said
    "1,251 papers" (regression hunt reg4 #2)."""
    import io

    from rich.console import Console

    from tui_digest.cli_progress import progress_bar

    out = io.StringIO()
    console = Console(file=out, width=100, force_terminal=True, color_system=None)
    bar = progress_bar("removing", console)
    bar.add_task("papers", total=None, completed=12000)
    bar.add_task("papers", total=1251, completed=500)
    console.print(bar.get_renderable())
    rendered = out.getvalue()
    assert "500/1,251" in rendered
    assert "12,000" in rendered
    assert "/?" not in rendered
