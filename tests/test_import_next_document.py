"""`tui-digest import a.md b.md …` reads the next small digest while this one is written.

`cli_read_ahead.DocumentsAhead` reads, hashes and tokenises document n+1 in a
thread while document n's transaction is written (issue 13 req 1). These
tests hold what must not change: the cache and the output come out as when
the files are imported one command at a time (a paper in two consecutive
files included: the reading thread never asks the store, which has not
committed the previous file yet), a file that fails is reported at its turn
and its neighbours are imported, and the thread ends however the import ends.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from tests.cache_contents import cache_contents as _cache
from tests.hostile.inputs import many_papers

from tui_digest import cli, cli_read_ahead
from tui_digest.core.digest_write import write_digest
from tui_digest.core.store import Store
from tui_digest.core.store import read_ahead as store_read_ahead


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "import-next-doc"]


def _write(folder: Path, name: str, papers) -> Path:
    path = folder / name
    path.write_text(write_digest(papers), encoding="utf-8")
    return path


def _daily_files(folder: Path) -> list[Path]:
    """Three days; day 2 repeats a paper of day 1 as it was and one changed, and
    repeats one of its own ids (skipped with a warning); day 3 repeats one of day 2's."""
    folder.mkdir()
    day1 = many_papers(6)
    day2 = [
        day1[1],
        replace(day1[2], title_en="A changed title for the second day", version="v9"),
        *many_papers(5, prefix="25"),
    ]
    day2.append(replace(day2[4]))
    day3 = [day2[3], *many_papers(4, prefix="23")]
    return [
        _write(folder, "digest-2024-03-18.md", day1),
        _write(folder, "cs.AI-2024-03-19.md", day2),
        _write(folder, "digest-2024-03-20.md", day3),
    ]


_DUPLICATE = "[^8]: duplicate arXiv id 2501.00003 (first in [^5]); skipped"


def _import(capsys, db: Path, *paths: Path, extra: tuple[str, ...] = ()) -> tuple[int, str, str]:
    rc = cli.main(["--db", str(db), "import", *extra, *map(str, paths)])
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.mark.parametrize("ahead_max", [cli_read_ahead.AHEAD_MAX_BYTES, 0])
def test_files_in_one_command_import_as_one_at_a_time(tmp_path, capsys, monkeypatch, ahead_max):
    """With read-ahead (and without: every file too large for it) the same cache and lines."""
    files = _daily_files(tmp_path / "in")
    for path in files:
        assert _import(capsys, tmp_path / "one.db", path)[0] == 0
    one_at_a_time = _cache(tmp_path / "one.db")
    lines = [ln for p in files for ln in _import(capsys, tmp_path / "lines.db", p)[1].splitlines()]

    monkeypatch.setattr(cli_read_ahead, "AHEAD_MAX_BYTES", ahead_max)
    made_in: set[str] = set()
    real = store_read_ahead.search_values_words

    def spy(paper, words, *layout):
        made_in.add(threading.current_thread().name)
        return real(paper, words, *layout)

    monkeypatch.setattr(store_read_ahead, "search_values_words", spy)
    rc, out, err = _import(capsys, tmp_path / "all.db", *files)
    assert (rc, err) == (0, f"{files[1]}:114: warning: {_DUPLICATE}\n")
    assert out.splitlines() == lines
    # The changed paper (day 1 committed before it was written), and the one repeated
    # as it was, which learns cs.AI from its second file's name (`infer_category`).
    assert "2 updated" in lines[1]
    assert _cache(tmp_path / "all.db") == one_at_a_time
    # Read ahead in the documents' thread, or (too large) one batch ahead as before.
    assert made_in == ({"import-next-doc"} if ahead_max else {"import-read-ahead"})
    assert not _threads()

    # Restart: reopened, the same files change nothing, and searches find them.
    rc, out, _ = _import(capsys, tmp_path / "all.db", *files)
    assert rc == 0
    assert all("no new digest" in line for line in out.splitlines()), out
    assert _cache(tmp_path / "all.db") == one_at_a_time
    with Store.open(tmp_path / "all.db", readonly=True) as store:
        assert store.list_ids("changed title second")
        assert len(store.list_ids("")) == 6 + 5 + 4


def test_the_gil_changes_hands_often_only_while_a_document_read_ahead_is_written(
    tmp_path, capsys, monkeypatch
):
    files = _daily_files(tmp_path / "in")
    seen: list[float] = []
    real_import = Store.import_stream
    real_write = Store._write_prepared

    def import_stream(self, *args, **kwargs):
        if kwargs.get("prepared") is None:  # (a document read ahead is written below)
            seen.append(sys.getswitchinterval())
        return real_import(self, *args, **kwargs)

    def write_prepared(self, *args, **kwargs):
        seen.append(sys.getswitchinterval())
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Store, "import_stream", import_stream)
    monkeypatch.setattr(Store, "_write_prepared", write_prepared)
    before = sys.getswitchinterval()
    assert before != cli_read_ahead.SWITCH_INTERVAL
    sizes = [p.stat().st_size for p in files]
    monkeypatch.setattr(cli_read_ahead, "AHEAD_MAX_BYTES", max(sizes) - 1)
    assert _import(capsys, tmp_path / "c.db", *files)[0] == 0
    # The largest file is streamed as before, at the usual interval.
    quick = pytest.approx(cli_read_ahead.SWITCH_INTERVAL, rel=0.01)
    assert seen == [before if size == max(sizes) else quick for size in sizes]
    assert before in seen and sys.getswitchinterval() == before


def test_a_bad_file_between_good_ones_is_reported_at_its_turn(tmp_path, capsys):
    """Read ahead, it fails in the thread: its message names it, after the file
    before it; both neighbours are imported, the bad one leaves nothing."""
    folder = tmp_path / "in"
    folder.mkdir()
    good1 = _write(folder, "digest-2024-03-18.md", many_papers(3))
    bad = folder / "digest-2024-03-19.md"
    bad.write_text("# 摘要\n\nno table here, and no footnotes\n", encoding="utf-8")
    damaged = folder / "digest-2024-03-20.md"
    text = write_digest(many_papers(2, prefix="25"))
    damaged.write_text(text.replace("[^2]:", "[^2]:\n[^2]:", 1), encoding="utf-8")
    good2 = _write(folder, "digest-2024-03-21.md", many_papers(4, prefix="23"))
    db = tmp_path / "c.db"
    files = [good1, bad, damaged, good2]
    rc = cli.main(["--db", str(db), "import", "--format", "digest", *map(str, files)])
    out = capsys.readouterr()
    assert rc == 1
    lines = out.out.splitlines()
    assert lines[0].startswith(f"{good1}: 3 papers")
    assert lines[2].startswith(f"{good2}: 4 papers")
    errors = out.err.splitlines()
    assert errors[0].startswith(f"{bad}: error: ") and "not a digest" in errors[0]
    # A damaged entry is a problem named by file and line; the file's other paper stays.
    assert any(e.startswith(f"{damaged}:") and e.split(":")[1].isdigit() for e in errors[1:])
    assert lines[1].startswith(f"{damaged}: ")
    conn = sqlite3.connect(db)
    days = [d for (d,) in conn.execute("SELECT date FROM digests ORDER BY date")]
    conn.close()
    assert days == ["2024-03-18", "2024-03-20", "2024-03-21"]
    with Store.open(db, readonly=True) as store:
        assert len(store.list_ids("")) == 3 + 2 + 4
    assert not _threads()


def test_a_failure_while_writing_stops_the_reading_thread(tmp_path, capsys, monkeypatch):
    """An error the import does not report (a bug) ends the command; the thread
    ends too, and the documents it read ahead are closed."""
    files = _daily_files(tmp_path / "in")
    closed: list[Path] = []
    real_read = cli_read_ahead.read_small_digest

    def read(source, *args):
        ahead = real_read(source, *args)
        real_close = ahead.kept.close

        def close():
            closed.append(Path(source))
            real_close()

        ahead.kept.close = close  # type: ignore[method-assign]
        return ahead

    monkeypatch.setattr(cli_read_ahead, "read_small_digest", read)
    real_write = Store._write_prepared

    def write_prepared(self, conn, digest, *args, **kwargs):
        if "2024-03-19" in digest.source:  # the second file, whenever it is written
            raise RuntimeError("disk on fire")
        return real_write(self, conn, digest, *args, **kwargs)

    monkeypatch.setattr(Store, "_write_prepared", write_prepared)
    with pytest.raises(RuntimeError, match="disk on fire"):
        cli.main(["--db", str(tmp_path / "c.db"), "import", *map(str, files)])
    assert not _threads()
    assert files[0] in closed and files[1] in closed  # imported, and the failed one
    with Store.open(tmp_path / "c.db", readonly=True) as store:
        assert len(store.list_ids("")) == 6  # the first file only
