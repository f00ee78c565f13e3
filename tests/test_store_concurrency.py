"""The reader's marks while another connection imports (issue 13 req 1).

A real import runs in a thread and holds its write transaction open until the
reader's write has met the lock once; nothing here depends on timing: the
pause between the reader's attempts is injected and waits for the import to
commit.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import CacheError, Store, importer


def papers(prefix: str, n: int) -> list[Paper]:
    return [
        Paper(
            id=f"{prefix}.{i:05d}",
            title_en=f"Paper {i} on diffusion",
            title_zh="扩散模型",
            abstract_en="We study forgetting in large models.",
            authors=["Wei Zhang"],
            categories=["cs.LG"],
        )
        for i in range(1, n + 1)
    ]


class HeldImport:
    """Runs `import_digest` in a thread; it stays inside its transaction until released."""

    def __init__(self, store: Store, digest: Digest, monkeypatch: pytest.MonkeyPatch) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()
        self.done = threading.Event()
        self.stats: object = None
        self.error: BaseException | None = None
        original = importer.import_into

        def held(*args: object, **kw: object):
            result = original(*args, **kw)  # type: ignore[arg-type]
            self.inside.set()
            assert self.release.wait(30), "the reader's write never met the lock"
            return result

        monkeypatch.setattr(importer, "import_into", held)

        def run() -> None:
            try:
                self.stats = store.import_digest(digest)
            except BaseException as exc:  # handed to the test thread
                self.error = exc
            finally:
                self.done.set()

        self.thread = threading.Thread(target=run)

    def start(self) -> None:
        self.thread.start()
        assert self.inside.wait(30)

    def join(self) -> None:
        self.thread.join(30)
        if self.error is not None:
            raise self.error


class QuickStore(Store):
    busy_ms = 20  # each attempt to take the lock gives up quickly; the test counts them


@pytest.fixture
def two_stores(tmp_path: Path):
    db = tmp_path / "cache.db"
    with Store.open(db) as importer_store:
        importer_store.import_digest(Digest("first", date="2024-03-18", papers=papers("2403", 3)))
        reader = QuickStore.open(db)
        try:
            yield importer_store, reader, db
        finally:
            reader.close()


def test_reader_marks_wait_for_a_running_import_instead_of_failing(two_stores, monkeypatch):
    importer_store, reader, db = two_stores
    big = Digest("second", date="2024-03-19", papers=papers("2403.9", 300))
    held = HeldImport(importer_store, big, monkeypatch)
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        # The reader met the lock: let the import commit, then try again.
        pauses.append(seconds)
        held.release.set()
        assert held.done.wait(30)

    reader._sleep = pause  # type: ignore[method-assign]
    rowid = reader.search("id:2403.00002")[0].rowid
    held.start()
    # What the reader calls for r / s (ui/screens/reading.py).
    assert reader.toggle_flag("read", [rowid]) == (True, [rowid])
    assert reader.change_flag("starred", [rowid], True) == [rowid]
    held.join()

    assert pauses, "the reader's write never met the import's lock"
    assert held.stats.new == 300  # type: ignore[attr-defined]
    with Store.open(db) as again:  # both survive a restart
        row = again.search("id:2403.00002")[0]
        assert (row.read, row.starred) == (True, True)
        assert again.count() == 303


def test_without_patience_the_same_write_fails_with_locked(two_stores, monkeypatch):
    """The situation above is real: an ordinary write does meet the lock."""
    importer_store, reader, _ = two_stores
    held = HeldImport(
        importer_store,
        Digest("second", date="2024-03-19", papers=papers("2403.9", 50)),
        monkeypatch,
    )
    held.start()
    try:
        with pytest.raises(CacheError, match="locked"), reader._write(patient=False):
            pass
    finally:
        held.release.set()
        held.join()
