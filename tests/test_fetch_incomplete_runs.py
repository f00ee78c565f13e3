"""A fetch that could not get all it should keeps no validators (bug hunt s41 `auditcli`).

A source's ETag/Last-Modified (a folder's stamp of names, sizes and mtimes) are
stored only when the run had everything it should: stored after a file of a
folder could not be read, a missed day's dated feed that failed to download,
or a published folder whose index.json could not be had, the next fetch was
told "not modified" and that file or day never came. And a published folder
whose landing page (`index.html`) was asked with the index's validators
answered 304 for good. Each replays fetch runs in sequence on one cache, as a
cron job's would be, against a local folder or a server on 127.0.0.1 that the
test starts and stops.
"""

from __future__ import annotations

from pathlib import Path

from tui_digest.config.sources import Source
from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Paper
from tui_digest.core.store import Store
from tui_digest.fetch.runner import fetch_all

# --- 1. a folder source's file that could not be read ------------------------------------


def _digest_file(path: Path, ids: list[str]) -> None:
    papers = [Paper(id=i, title_en=f"Paper {i}", abstract_en=f"About {i}.") for i in ids]
    path.write_text(write_digest(papers), encoding="utf-8")


async def test_a_folder_file_that_could_not_be_read_is_imported_once_it_can_be(
    tmp_path, monkeypatch
):
    """A mode-000 file is read as root reads it here, so the test makes its open
    raise PermissionError, as it does for any other user (`chmod 000`); `chmod 644`
    changes neither its mtime nor its size, so the folder's stamp stays the same."""
    folder = tmp_path / "fold"
    folder.mkdir()
    _digest_file(folder / "cs.LG-2024-07-15.md", ["2407.00001"])
    denied = folder / "cs.AI-2024-02-05.md"
    _digest_file(denied, ["2402.00001", "2402.00002"])
    opened = Path.open

    def no_permission(self: Path, *args, **kwargs):
        if self == denied:
            raise PermissionError(13, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    source = Source("mine", folder.as_uri() + "/")
    with Store.open(tmp_path / "c.db") as store:
        monkeypatch.setattr(Path, "open", no_permission)
        [first] = await fetch_all(store, [source])
        assert first.new == 1 and len(first.notes) == 1
        assert str(denied) in first.notes[0] and "Permission denied" in first.notes[0]
        monkeypatch.undo()  # `chmod 644`
        [second] = await fetch_all(store, [source])
        assert not second.not_modified and (second.new, second.unchanged) == (2, 1)
        assert second.notes == []
        assert {d.date for d in store.digests()} == {"2024-07-15", "2024-02-05"}
        [third] = await fetch_all(store, [source])  # all had: the stamp is kept now
        assert third.not_modified


async def test_a_folder_file_that_is_no_digest_costs_no_rereading(tmp_path):
    """A file that reads as nothing (not a digest) reads the same again: the
    folder's stamp is kept, and the next fetch says "not modified"."""
    folder = tmp_path / "fold"
    folder.mkdir()
    _digest_file(folder / "cs.LG-2024-07-15.md", ["2407.00001"])
    (folder / "broken.md").write_bytes(b"\x00\x01 not a digest")
    source = Source("mine", folder.as_uri() + "/")
    with Store.open(tmp_path / "c.db") as store:
        [first] = await fetch_all(store, [source])
        assert first.new == 1 and len(first.notes) == 1
        [second] = await fetch_all(store, [source])
        assert second.not_modified and second.notes == []
