"""A publish that fails part-way leaves the folder as it was.

`publish` wrote category after category and index.json last, so a full disk at
cs.LG's files left cs.AI.xml serving the new day while index.json still listed
the old one (a `sources add` subscriber got the day, a folder subscriber did
not; `import DIR` refused the unlisted file), and exit 2 said nothing was
published (found by a code audit). Every file is now written aside first and
moved into place only when all are written, index.json last.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from tui_digest.core.readers import read_document
from tui_digest.core.store import Store
from tui_digest.publish import staging
from tui_digest.publish.folder import PublishError
from tui_digest.publish.run import plan_day, write_plan

FEED = (
    Path(__file__).parent / "fixtures" / "feeds" / "arxiv-rss-cs.AI-2025-09-18.xml"
).read_bytes()


def _import(store: Store, category: str, day: str) -> None:
    data = FEED.replace(b"cs.AI", category.encode()).replace(
        b"Thu, 18 Sep 2025", f"Thu, {day[-2:]} Sep 2025".encode()
    )
    store.import_digest(read_document(data, source=f"https://rss.arxiv.org/rss/{category}").digest)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (temporary ones included), by relative path."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def site(tmp_path):
    """A folder with cs.AI's and cs.LG's 2025-09-18, and a cache that has 2025-09-25 too."""
    store = Store.open(tmp_path / "cache.db")
    for category in ("cs.AI", "cs.LG"):
        _import(store, category, "2025-09-18")
    out = tmp_path / "site"
    write_plan(plan_day(store), out, title="lab")
    for category in ("cs.AI", "cs.LG"):
        _import(store, category, "2025-09-25")
    yield store, out
    store.close()


def _full_disk_at(monkeypatch, n: int) -> list[Path]:
    """`write_atomic` fails with ENOSPC at its `n`th call in the publish."""
    calls: list[Path] = []
    real = staging.write_atomic

    def write(path, data, **kw):
        calls.append(Path(path))
        if len(calls) == n:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, **kw)

    monkeypatch.setattr(staging, "write_atomic", write)
    return calls


def test_a_write_failing_at_any_file_leaves_the_folder_as_it_was(site, monkeypatch):
    store, out = site
    before = _files(out)
    # Per category the dated .md and .xml and CAT.xml (the Markdown has no date:
    # CAT.md's bytes stay), then index.json: 7 files.
    for n in range(1, 8):
        calls = _full_disk_at(monkeypatch, n)
        with pytest.raises(PublishError) as caught:
            write_plan(plan_day(store), out)
        assert len(calls) == n
        assert "No space left on device" in str(caught.value)
        assert "nothing published: the folder is as it was" in str(caught.value)
        assert _files(out) == before, n  # byte for byte, no temporary file left
        assert not (out / "cs.AI" / "2025-09-25.md").exists()

    calls = _full_disk_at(monkeypatch, 0)
    published = write_plan(plan_day(store), out)
    assert len(calls) == 7 and calls[-1].parent == out
    assert published.index_changed
    index = json.loads((out / "index.json").read_text("utf-8"))
    for category in ("cs.AI", "cs.LG"):
        assert index["categories"][category]["latest"] == "2025-09-25"
        assert b"2025-09-25" in (out / f"{category}.xml").read_bytes()
        assert (out / category / "2025-09-25.xml").is_file()
    assert not [p for p in out.rglob(".tui-digest-*.tmp")]


def test_the_message_names_the_file_that_could_not_be_written(site, monkeypatch):
    store, out = site
    calls = _full_disk_at(monkeypatch, 4)  # cs.LG's first file
    with pytest.raises(PublishError) as caught:
        write_plan(plan_day(store), out)
    assert str(caught.value).startswith(f"cannot write {out / 'cs.LG' / '2025-09-25.md'}: ")
    assert calls[-1].parent == out / "cs.LG"


def test_a_rename_failing_says_which_files_are_in_place(site, monkeypatch):
    """A rename needs no room, but should one fail, the message names what is
    already in place and what is not (index.json among them)."""
    store, out = site
    real = staging.os.replace
    moved: list[str] = []

    def replace(src, dst):
        if len(moved) == 3:
            raise OSError(errno.EIO, "Input/output error")
        moved.append(str(dst))
        return real(src, dst)

    monkeypatch.setattr(staging.os, "replace", replace)
    with pytest.raises(PublishError) as caught:
        write_plan(plan_day(store), out)
    said = str(caught.value)
    assert "could not be moved into place: Input/output error" in said
    assert said.startswith(f"{out / 'cs.LG' / '2025-09-25.md'} could not be moved into place")
    assert "already in place: cs.AI/2025-09-25.md, cs.AI/2025-09-25.xml, cs.AI.xml;" in said
    assert said.endswith(
        "not written: cs.LG/2025-09-25.md, cs.LG/2025-09-25.xml, cs.LG.xml, index.json; "
        "publish again to complete the folder"
    )
    assert not [p for p in out.rglob(".tui-digest-*.tmp")]
    monkeypatch.undo()
    write_plan(plan_day(store), out)
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert index["categories"]["cs.LG"]["latest"] == "2025-09-25"


def test_staged_files_keep_what_replacing_them_in_place_kept(site, tmp_path):
    """A symlinked cs.AI.xml is followed (the link stays, its file gets the day)
    and a file's permission bits stay, as when each file was replaced directly;
    a link whose folder is missing is refused without making that folder."""
    store, out = site
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "cs.AI.xml").write_bytes((out / "cs.AI.xml").read_bytes())
    (out / "cs.AI.xml").unlink()
    (out / "cs.AI.xml").symlink_to(elsewhere / "cs.AI.xml")
    (out / "cs.LG.xml").chmod(0o640)
    write_plan(plan_day(store), out)
    assert (out / "cs.AI.xml").is_symlink()
    assert b"2025-09-25" in (elsewhere / "cs.AI.xml").read_bytes()
    assert (out / "cs.LG.xml").stat().st_mode & 0o777 == 0o640
    assert b"2025-09-25" in (out / "cs.LG.xml").read_bytes()

    (out / "cs.AI.md").unlink()
    (out / "cs.AI.md").symlink_to(tmp_path / "gone" / "cs.AI.md")
    _import(store, "cs.AI", "2025-09-26")
    before = _files(out)
    with pytest.raises(PublishError, match="nothing published: the folder is as it was"):
        write_plan(plan_day(store), out)
    assert _files(out) == before and not (tmp_path / "gone").exists()
