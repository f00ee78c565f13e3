"""Small digests read ahead share write transactions (`core/store/import_group.py`).

What grouping must not change: the cache a series of digests leaves (the same
papers, digests, listing and answers as one transaction per document), each
document all or nothing (a failing one costs its neighbours nothing), nothing
reported before it is committed, a crash losing only what was not reported,
and the reader's own writes waiting rather than failing.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from tests.cache_contents import cache_contents
from tests.hostile.inputs import many_papers

from tui_digest import cli, cli_read_ahead
from tui_digest.core.digest_write import write_digest
from tui_digest.core.model import (
    IDENTICAL,
    NEW_DIGEST,
    NO_NEW_PAPERS,
    SAME_DAY,
    Digest,
    ImportStats,
    Paper,
)
from tui_digest.core.store import Store, import_group
from tui_digest.core.store.import_group import GroupDoc, ImportGroup

QUERIES = ("", "paper", "第3篇", "摘要", "changed title", "id:2501*", "type:new")


def _write(folder: Path, name: str, papers) -> Path:
    path = folder / name
    path.write_text(write_digest(papers), encoding="utf-8")
    return path


def _days(folder: Path) -> list[Path]:
    """Five digests over four days: repeats as they were, a changed paper, a
    same-day update, an empty document and one identical to the latest."""
    folder.mkdir()
    day1 = many_papers(30)
    day2 = [
        day1[1],
        replace(day1[2], title_en="A changed title for the second day", version="v9"),
        *many_papers(25, prefix="25"),
    ]
    day3 = [day2[3], *many_papers(20, prefix="23")]
    day3_again = [*day3[:10], *many_papers(5, prefix="22")]  # the same source, the same day
    paths = [
        _write(folder, "digest-2024-03-18.md", day1),
        _write(folder, "digest-2024-03-19.md", day2),
        _write(folder, "digest-2024-03-20.md", day3),
    ]
    empty = folder / "empty-2024-03-21.md"
    empty.write_text("# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n", encoding="utf-8")
    again = folder / "again"
    again.mkdir()
    return [
        *paths,
        empty,
        _write(again, "digest-2024-03-20.md", day3_again),  # another source
        paths[2],  # identical to its source's latest digest
    ]


def _ahead(path: Path) -> cli_read_ahead.ReadDigest:
    ahead = cli_read_ahead.read_small_digest(
        str(path),
        lambda: open(path, "rb"),  # noqa: SIM115 (closed by read_small_digest)
        "",
        lambda f, charset="": True,
        100,
    )
    assert ahead is not None
    return ahead


def _doc(path: Path) -> GroupDoc[cli_read_ahead.ReadDigest]:
    ahead = _ahead(path)
    return GroupDoc(ahead.digest, ahead.prepared, ahead.kept, "", ahead)


def _answers(db: Path) -> dict[str, object]:
    conn = sqlite3.connect(db)
    try:
        conn.execute("INSERT INTO search(search, rank) VALUES ('integrity-check', 0)")  # raises
    finally:
        conn.close()
    with Store.open(db, readonly=True) as store:
        return {q: [r.rowid for r in store.search(q, limit=1000)] for q in QUERIES}


def _but_the_index(db: Path) -> dict[str, object]:
    """Everything but the index's own bytes (its segments depend on the commits)."""
    contents = cache_contents(db)
    del contents["search_data"]
    return contents


def _outcome(result: ImportStats | Exception) -> tuple[object, ...]:
    assert isinstance(result, ImportStats), result
    return (result.outcome, result.new, result.updated, result.unchanged, result.digest)


def _alone(db: Path, paths: list[Path]) -> list[tuple[object, ...]]:
    out = []
    with Store.open(db) as store:
        for path in paths:
            ahead = _ahead(path)
            with ahead.kept:
                out.append(
                    _outcome(
                        store.import_stream(
                            ahead.digest, (), kept=ahead.kept, prepared=ahead.prepared
                        )
                    )
                )
    return out


@pytest.mark.parametrize("max_papers", [import_group.MAX_PAPERS, 40])
def test_a_group_leaves_what_one_transaction_each_leaves(tmp_path, monkeypatch, max_papers):
    paths = _days(tmp_path / "in")
    alone = _alone(tmp_path / "alone.db", paths)
    assert [o[0] for o in alone] == [
        NEW_DIGEST,
        NEW_DIGEST,
        NEW_DIGEST,
        NO_NEW_PAPERS,
        NEW_DIGEST,
        IDENTICAL,
    ]

    monkeypatch.setattr(import_group, "MAX_PAPERS", max_papers)
    outcomes = []
    commits = 0
    with Store.open(tmp_path / "group.db") as store, store.import_group() as group:
        for path in paths:
            done = group.add(_doc(path))
            commits += bool(done)
            outcomes += done
        outcomes += group.commit()
    assert [doc.tag.digest.source for doc, _ in outcomes] == [str(p) for p in paths]  # in order
    assert [_outcome(r) for _, r in outcomes] == alone
    assert commits == (2 if max_papers == 40 else 0)  # after days 2 and 3-again
    assert _but_the_index(tmp_path / "group.db") == _but_the_index(tmp_path / "alone.db")
    assert _answers(tmp_path / "group.db") == _answers(tmp_path / "alone.db")


def test_nothing_is_reported_or_seen_before_the_commit_and_a_crash_keeps_nothing(tmp_path):
    paths = _days(tmp_path / "in")[:2]
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        docs = [_doc(p) for p in paths]
        with pytest.raises(KeyboardInterrupt), store.import_group() as group:
            assert group.add(docs[0]) == []
            assert group.add(docs[1]) == []
            assert not any(d.kept.closed for d in docs)  # type: ignore[union-attr]
            with Store.open(db, readonly=True) as reader:  # another process's view
                assert reader.count() == 0
            raise KeyboardInterrupt  # the user stops it: nothing was reported
        assert store.count() == 0
        assert all(d.kept.closed for d in docs)  # type: ignore[union-attr]
    # Restart: the cache is as before, and the same documents import in full.
    with Store.open(db) as store, store.import_group() as group:
        assert group.add(_doc(paths[0])) == []
        done = group.add(_doc(paths[1])) + group.commit()
    assert [_outcome(r)[0] for _, r in done] == [NEW_DIGEST, NEW_DIGEST]
    assert all(d.kept.closed for d, _ in done)  # type: ignore[union-attr]
    with Store.open(db, readonly=True) as store:
        assert store.count() == 30 + 25  # day 2 repeats one paper and changes one


def test_a_failing_document_costs_its_neighbours_nothing(tmp_path):
    """Its error is its own outcome; the others are imported (alone, after the
    rollback), in order, and the cache holds nothing of the failed one."""
    paths = _days(tmp_path / "in")[:3]
    docs = [_doc(p) for p in paths]

    def compressed():
        raise OSError(28, "No space left on device")

    docs[1].kept.compressed = compressed  # type: ignore[method-assign,union-attr]
    db = tmp_path / "c.db"
    with Store.open(db) as store, store.import_group() as group:
        done = group.add(docs[0])
        done += group.add(docs[1])
        assert [d for d, _ in done] == docs[:2]  # the first one's outcome is final now
        done += group.add(docs[2]) + group.commit()
    results = [r for _, r in done]
    assert _outcome(results[0])[0] == _outcome(results[2])[0] == NEW_DIGEST
    assert isinstance(results[1], OSError)
    with Store.open(db, readonly=True) as store:
        assert [d.name for d in store.digests()] == ["digest-2024-03-20", "digest-2024-03-18"]
        assert len(store.list_ids("id:2501*")) == 1  # of day 2's own, the one day 3 repeats
        assert len(store.list_ids("id:2301*")) == 20
        assert not store.list_ids("changed title")


def test_a_failed_commit_imports_each_document_alone(tmp_path, monkeypatch):
    paths = _days(tmp_path / "in")[:3]
    db = tmp_path / "c.db"
    failed: list[str] = []

    class Commit:
        """The connection, but its first COMMIT fails (the disk full at the end)."""

        def __init__(self, conn: sqlite3.Connection) -> None:
            self._conn = conn

        def execute(self, sql: str, *args):
            if sql == "COMMIT" and not failed:
                failed.append(sql)
                raise sqlite3.OperationalError("database or disk is full")
            return self._conn.execute(sql, *args)

        def __getattr__(self, name: str):
            return getattr(self._conn, name)

    with Store.open(db) as store:
        real = store._writable
        monkeypatch.setattr(store, "_writable", lambda: Commit(real()))
        with store.import_group() as group:
            done = [*group.add(_doc(paths[0])), *group.add(_doc(paths[1]))]
            assert done == []
            done = group.commit() + [o for p in paths[2:] for o in group.add(_doc(p))]
            done += group.commit()
    assert failed == ["COMMIT"]
    assert [_outcome(r)[0] for _, r in done] == [NEW_DIGEST] * 3
    assert _but_the_index(db) == _but_the_index(_alone_db(tmp_path, paths))


def _alone_db(tmp_path: Path, paths: list[Path]) -> Path:
    db = tmp_path / "alone.db"
    _alone(db, paths)
    return db


def test_a_group_holds_the_lock_at_most_max_seconds(tmp_path):
    paths = _days(tmp_path / "in")[:3]
    now = [100.0]
    with Store.open(tmp_path / "c.db") as store:
        with ImportGroup(store, clock=lambda: now[0]) as group:
            assert group.add(_doc(paths[0])) == []
            now[0] += import_group.MAX_SECONDS / 2
            assert group.add(_doc(paths[1])) == []
            now[0] += import_group.MAX_SECONDS / 2
            done = group.add(_doc(paths[2]))  # the third arrives a second after the first
        assert len(done) == 3
        assert group.commit() == []
        assert store.count() == 30 + 25 + 20


def test_the_readers_write_waits_for_an_open_group(tmp_path):
    """A mark made while a group is open (the reader starring a paper during an
    import) waits for the commit instead of failing with "database is locked"."""
    paths = _days(tmp_path / "in")[:2]
    db = tmp_path / "c.db"
    _alone(db, paths[:1])
    with Store.open(db) as importing, Store.open(db) as reader:
        reader.patient_attempts = 1_000
        reader.busy_ms = 50  # each attempt waits 50 ms in SQLite, then retries
        reader._sleep = lambda s: None
        key = reader.list_ids("")[0]
        errors: list[BaseException] = []
        with importing.import_group() as group:
            assert group.add(_doc(paths[1])) == []

            def star() -> None:
                try:
                    reader.change_flag("starred", [key], True)
                except BaseException as exc:  # reported by the assertion below
                    errors.append(exc)

            marking = threading.Thread(target=star)
            marking.start()
            marking.join(0.3)
            assert marking.is_alive()  # waiting for the lock
            assert [_outcome(r)[0] for _, r in group.commit()] == [NEW_DIGEST]
            marking.join(10)
        assert not marking.is_alive() and errors == []
        assert reader.count("is:starred") == 1


@pytest.mark.parametrize("write", ["note", "tags", "state", "import", "remove"])
def test_every_write_waits_for_an_open_group(tmp_path, write):
    """A note or tags typed in the reader, a `state import`, a second import or a
    removal during a long import failed with "locked" after 10 s, and the reader
    threw the typed text away (found by a bug hunt). They wait, as marks do."""
    from tui_digest.core.store import user_log

    paths = _days(tmp_path / "in")[:3]
    db = tmp_path / "c.db"
    _alone(db, paths[:1])
    with Store.open(db) as importing, Store.open(db) as other:
        other.busy_ms = 50  # each attempt waits 50 ms in SQLite, then retries
        other._sleep = lambda s: None
        paper_id = other.get_papers(other.list_ids("")[:1])[0].paper.id
        writes = {
            "note": lambda: other.set_note(paper_id, "compare with the baseline"),
            "tags": lambda: other.edit_tags([paper_id], add=["robotics"]),
            "state": lambda: other.merge_state(
                [user_log.Change(paper_id, "starred", True, "2099-03-20T00:00:00Z")]
            ),
            "import": lambda: other.import_digest(
                Digest("other", date="2024-03-30", papers=[Paper(id="2403.99999", title_en="X")])
            ),
            "remove": lambda: other.remove_digests(other.digest_pks([other.digests()[0].name])),
        }
        errors: list[BaseException] = []
        with importing.import_group() as group:
            assert group.add(_doc(paths[1])) == []

            def run() -> None:
                try:
                    writes[write]()
                except BaseException as exc:  # reported by the assertion below
                    errors.append(exc)

            writing = threading.Thread(target=run)
            writing.start()
            writing.join(0.3)
            assert writing.is_alive(), errors  # waiting for the lock
            group.commit()
            writing.join(10)
        assert not writing.is_alive() and errors == []


def test_the_cli_prints_each_digest_once_committed_in_order(tmp_path, capsys, monkeypatch):
    """Grouped (one commit every 40 papers), a bad file among them: the same
    lines as one command per file, in the files' order; over days (a later
    command adds a same-day update) the cache stays as one at a time left it."""
    paths = _days(tmp_path / "in")
    bad = tmp_path / "in" / "digest-2024-03-19-bad.md"
    bad.write_text("# 摘要\n\nno table here, and no footnotes\n", encoding="utf-8")
    files = [*paths[:2], bad, *paths[2:]]
    lines: list[str] = []
    for path in files:
        cli.main(["--db", str(tmp_path / "alone.db"), "import", "--format", "digest", str(path)])
        lines += capsys.readouterr().out.splitlines()
    monkeypatch.setattr(import_group, "MAX_PAPERS", 40)
    rc = cli.main(
        ["--db", str(tmp_path / "c.db"), "import", "--format", "digest", *map(str, files)]
    )
    out = capsys.readouterr()
    assert rc == 1
    assert out.out.splitlines() == lines
    assert str(bad) in out.err and "error" in out.err
    assert _but_the_index(tmp_path / "c.db") == _but_the_index(tmp_path / "alone.db")

    later = [*many_papers(20, prefix="23")[5:], *many_papers(3, prefix="21")]
    update = _write(tmp_path / "in", "digest-2024-03-20.md", later)  # day 3, updated
    for db in ("alone.db", "c.db"):
        assert cli.main(["--db", str(tmp_path / db), "import", str(update)]) == 0
        assert f"-> digest-2024-03-20 ({SAME_DAY})" in capsys.readouterr().out
    assert _but_the_index(tmp_path / "c.db") == _but_the_index(tmp_path / "alone.db")
    assert _answers(tmp_path / "c.db") == _answers(tmp_path / "alone.db")
    with Store.open(tmp_path / "c.db", readonly=True) as store:
        day3 = [d for d in store.digests() if d.name == "digest-2024-03-20"]
        assert len(day3) == 1 and day3[0].count == len(later)


def test_the_first_group_drops_the_bundled_sample_as_one_digest_would(tmp_path):
    """The first real digest drops the bundled sample (re-keying the sample
    papers a digest repeats) inside the group's transaction; a paper the
    group changes again the next day is indexed once, as it is now."""
    from tui_digest.core.readers import read_document
    from tui_digest.core.store.retention import SAMPLE_SOURCE
    from tui_digest.data import sample_digest_bytes

    sample = read_document(sample_digest_bytes(), source=SAMPLE_SOURCE, format="digest").digest
    folder = tmp_path / "in"
    folder.mkdir()
    day1 = [*many_papers(10), *sample.papers[:2]]
    day2 = [replace(day1[3], title_en="Changed again the next day", version="v2"), sample.papers[1]]
    paths = [
        _write(folder, "digest-2024-03-18.md", day1),
        _write(folder, "digest-2024-03-19.md", day2),
    ]
    for db in ("alone.db", "group.db"):
        with Store.open(tmp_path / db) as store:
            store.import_digest(sample)
    _alone(tmp_path / "alone.db", paths)
    with Store.open(tmp_path / "group.db") as store, store.import_group() as group:
        done = group.add(_doc(paths[0])) + group.add(_doc(paths[1])) + group.commit()
    assert [_outcome(r)[0] for _, r in done] == [NEW_DIGEST, NEW_DIGEST]
    assert _but_the_index(tmp_path / "group.db") == _but_the_index(tmp_path / "alone.db")
    assert _answers(tmp_path / "group.db") == _answers(tmp_path / "alone.db")
    with Store.open(tmp_path / "group.db", readonly=True) as store:
        assert not [d for d in store.digests() if d.source == SAMPLE_SOURCE]
        assert len(store.list_ids("changed again")) == 1
        assert len(store.list_ids("")) == 12


def test_the_group_is_committed_before_waiting_for_the_next_digest(tmp_path, capsys, monkeypatch):
    """The write lock is not held while the reading thread works: when the next
    digest is not read yet, what the group holds is committed (and printed) first."""
    paths = _days(tmp_path / "in")[:2]
    committed = threading.Event()
    real_read = cli_read_ahead.read_small_digest

    def read(source, *args):
        if source == str(paths[1]):  # read only once the first one is committed
            assert committed.wait(10), "the group held the lock while the next digest was read"
        return real_read(source, *args)

    real_commit = ImportGroup.commit

    def commit(self):
        done = real_commit(self)
        if done:
            committed.set()
        return done

    monkeypatch.setattr(cli_read_ahead, "read_small_digest", read)
    monkeypatch.setattr(ImportGroup, "commit", commit)
    assert cli.main(["--db", str(tmp_path / "c.db"), "import", *map(str, paths)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [str(p) for p in paths]
    assert committed.is_set()


def test_a_cli_write_says_it_waits_for_another_process(tmp_path):
    """`tui-digest note` sat silent for as long as another import held the cache
    (found by a bug hunt); it now says on stderr, once, that it waits."""
    import os
    import subprocess
    import sys

    paths = _days(tmp_path / "in")[:1]
    db = tmp_path / "c.db"
    _alone(db, paths)
    with Store.open(db) as store:
        paper_id = store.get_papers(store.list_ids("")[:1])[0].paper.id
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long import
    child = subprocess.Popen(
        [sys.executable, "-m", "tui_digest", "--db", str(db), "note", paper_id, "waited"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONIOENCODING="utf-8"),
    )
    assert child.stderr is not None
    line = child.stderr.readline().decode()  # (comes within a second of trying)
    assert "waiting for another tui-digest process writing to" in line and str(db) in line
    holder.execute("COMMIT")
    holder.close()
    _out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert b"waiting" not in err  # said once
    with Store.open(db) as store:
        assert store.get_paper(paper_id).note == "waited"
