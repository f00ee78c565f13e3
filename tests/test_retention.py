"""Retention (issue 16 item 1): `digests rm` and `prune` through the CLI entry point.

Removing is one transaction; papers no remaining digest lists go unless
starred; the search index stays consistent (`reindex` gives the same
results); everything is checked again after reopening the store.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from cli_support import run_cli
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

QUERIES = ("", "Title", "alpha", "beta", "gamma", "shared", "2601.0000")


def paper(pid: str, word: str) -> Paper:
    return Paper(id=pid, title_en=f"Title {word} of {pid}", abstract_en=f"{word} abstract")


def build(db: Path) -> None:
    """Three days of one source; one paper on all three, one starred paper only on the first."""
    days = {
        "2025-01-10": [("2601.00001", "alpha"), ("2601.00002", "alpha"), ("2601.00009", "shared")],
        "2025-06-01": [("2601.00003", "beta"), ("2601.00009", "shared")],
        "2026-08-17": [("2601.00004", "gamma"), ("2601.00009", "shared")],
    }
    with Store.open(db) as s:
        for day, entries in days.items():
            # Dated: lists this small that share a paper would otherwise be
            # revisions of one another (store.days).
            s.import_digest(
                Digest(
                    "cs.AI",
                    source="/data/cs.AI.md",
                    date=day,
                    papers=[paper(i, w) for i, w in entries],
                )
            )
        rec = s.get_paper("2601.00002")
        assert rec is not None
        s.set_starred([rec.rowid])


def results(db: Path) -> dict[str, list[str]]:
    """What each query lists, and the raw index hits (stale index rows would show there)."""
    with Store.open(db) as s:
        found = {q: [r.id for r in s.search(q, limit=1000)] for q in QUERIES}
        conn = s._conn()
        for word in ("alpha", "beta", "gamma", "shared", "abstract"):
            hits = conn.execute("SELECT rowid FROM search WHERE search MATCH ?", (word,))
            found["index:" + word] = sorted(str(r[0]) for r in hits)
        return found


def assert_reindex_agrees(db: Path) -> dict[str, list[str]]:
    before = results(db)
    with Store.open(db) as s:
        s.reindex()
    assert results(db) == before
    return before


def names(db: Path) -> list[str]:
    with Store.open(db) as s:
        return [d.name for d in s.digests()]


def test_rm_refuses_without_a_terminal_and_without_yes(tmp_path):
    db = tmp_path / "c.db"
    build(db)
    out = run_cli("digests", "rm", "cs.AI-2025-01-10", db=db)
    assert out.returncode != 0
    assert b"add --yes" in out.stderr
    assert b"2601.00001" not in out.stdout
    assert b"cs.AI-2025-01-10" in out.stdout  # it said what it would remove
    assert len(names(db)) == 3


def test_rm_removes_the_digest_and_its_own_papers_keeps_starred_and_shared(tmp_path):
    db = tmp_path / "c.db"
    build(db)
    out = run_cli("digests", "rm", "cs.AI-2025-01-10", "--yes", db=db)
    assert out.returncode == 0, out.stderr
    assert b"1 paper no other digest lists; 1 starred, tagged or noted paper kept" in out.stdout
    assert names(db) == ["cs.AI-2026-08-17", "cs.AI-2025-06-01"]
    found = assert_reindex_agrees(db)
    assert "2601.00001" not in found[""]  # only that digest listed it
    assert "2601.00002" in found["alpha"]  # starred: kept, still searchable
    assert found["shared"] == ["2601.00009"]
    with Store.open(db) as s:
        assert s.get_paper("2601.00001") is None
        assert s.count("", digest="cs.AI-2025-06-01") == 2


def test_rm_by_alias_and_unknown_names(tmp_path):
    db = tmp_path / "c.db"
    build(db)
    bad = run_cli("digests", "rm", "nope", "--yes", db=db)
    assert bad.returncode != 0
    assert b"no digest named 'nope'" in bad.stderr
    assert len(names(db)) == 3
    # The alias is the name the document gave itself: the newest digest carrying it.
    out = run_cli("digests", "rm", "cs.AI", "--yes", db=db)
    assert out.returncode == 0, out.stderr
    assert names(db) == ["cs.AI-2025-06-01", "cs.AI-2025-01-10"]
    found = assert_reindex_agrees(db)
    assert "2601.00004" not in found[""]
    # The shared paper moves back to its newest remaining digest's place.
    with Store.open(db) as s:
        rec = s.get_paper("2601.00009")
        assert rec is not None
        assert [r.id for r in s.search("", digest="cs.AI-2025-06-01")] == [
            "2601.00003",
            "2601.00009",
        ]


def test_prune_older_than_removes_old_days_only(tmp_path):
    db = tmp_path / "c.db"
    build(db)
    env = {"TUI_DIGEST_TODAY": "2026-08-20"}
    refused = run_cli("prune", "--older-than", "180d", db=db, env=env)
    assert refused.returncode != 0 and len(names(db)) == 3
    out = run_cli("prune", "--older-than", "180d", "--yes", db=db, env=env)
    assert out.returncode == 0, out.stderr
    assert b"dated before 2026-02-21" in out.stdout
    assert names(db) == ["cs.AI-2026-08-17"]
    found = assert_reindex_agrees(db)
    assert sorted(found[""]) == ["2601.00002", "2601.00004", "2601.00009"]
    again = run_cli("prune", "--older-than", "180d", "--yes", db=db, env=env)
    assert again.returncode == 0 and b"nothing to remove" in again.stdout


def test_prune_rejects_a_bad_age(tmp_path):
    out = run_cli("prune", "--older-than", "soon", "--yes", db=tmp_path / "c.db")
    assert out.returncode != 0
    assert b"expected an age like 180d" in out.stderr


def test_prune_with_an_age_reaching_before_year_one_removes_nothing(tmp_path):
    # Found by a bug hunt: a scripted early "today" minus the age went below year 1
    # and `prune` printed an OverflowError traceback. Nothing is dated before year 1.
    db = tmp_path / "c.db"
    build(db)
    env = {"TUI_DIGEST_TODAY": "0001-01-05"}
    out = run_cli("prune", "--older-than", "99999w", "--yes", db=db, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout == b"nothing to remove (dated before 0001-01-01)\n"
    assert b"Traceback" not in out.stderr and len(names(db)) == 3


def test_sources_rm_edits_the_config_keeping_comments(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(
        "# my settings\n[fetch]\ninterval_minutes = 15 # keep\n\n"
        '[[sources]]\nname = "a"\nurl = "https://a.org/feed" # first\n\n'
        '# the one to go\n[[sources]]\nname = "b"\nurl = "https://b.org/feed"\n\n'
        '[[sources]]\nname = "c"\nurl = "https://c.org/feed" # third\n',
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    out = run_cli("sources", "rm", "b", "--config", str(config), db=db)
    assert out.returncode == 0, out.stderr
    assert b"removed source b" in out.stdout
    text = config.read_text("utf-8")
    assert "b.org" not in text
    for kept in ("# my settings", "# keep", "# first", "# third", "c.org"):
        assert kept in text
    listed = run_cli("sources", "list", "--json", "--config", str(config), db=db)
    assert [s["name"] for s in json.loads(listed.stdout)] == ["a", "c"]
    missing = run_cli("sources", "rm", "b", "--config", str(config), db=db)
    assert missing.returncode != 0
    assert b"no source named 'b'" in missing.stderr


def test_sources_rm_of_a_default_source_writes_the_others(tmp_path):
    env = {"TUI_DIGEST_CONFIG": str(tmp_path / "none.toml")}  # no file yet: the defaults
    db = tmp_path / "c.db"
    before = json.loads(run_cli("sources", "list", "--json", db=db, env=env).stdout)
    gone = before[0]["name"]
    out = run_cli("sources", "rm", gone, db=db, env=env)
    assert out.returncode == 0, out.stderr
    after = json.loads(run_cli("sources", "list", "--json", db=db, env=env).stdout)
    assert [s["name"] for s in after] == [s["name"] for s in before[1:]]


def test_the_first_real_digest_replaces_the_bundled_sample(tmp_path):
    from tui_digest.ui.sample import load_sample_digest

    db = tmp_path / "c.db"
    sample = load_sample_digest()
    with Store.open(db) as s:
        s.import_digest(sample)
        s.import_digest(sample)  # the sample again (a second first run) keeps it
        assert s.count("") == len(sample.papers) > 0
    listed = json.loads(run_cli("digests", "--json", db=db).stdout)
    assert [d["source"] for d in listed] == ["bundled sample"]
    with Store.open(db) as s:
        s.today = lambda: "2026-08-17"
        s.import_digest(
            Digest("cs.AI", source="/data/cs.AI.md", papers=[paper("2601.00004", "gamma")])
        )
    listed = json.loads(run_cli("digests", "--json", db=db).stdout)
    assert [d["name"] for d in listed] == ["cs.AI-2026-08-17"]
    assert assert_reindex_agrees(db)[""] == ["2601.00004"]


def test_rm_keeps_tagged_and_noted_papers_too(tmp_path):
    db = tmp_path / "c.db"
    build(db)
    with Store.open(db) as s:
        s.edit_tags(["2601.00001"], ["keep"])
        s.set_note("2601.00003", "read this again")
    out = run_cli("digests", "rm", "cs.AI-2025-01-10", "cs.AI-2025-06-01", "--yes", db=db)
    assert out.returncode == 0, out.stderr
    assert b"3 starred, tagged or noted papers kept" in out.stdout
    found = assert_reindex_agrees(db)
    assert {"2601.00001", "2601.00002", "2601.00003"} <= set(found[""])
    with Store.open(db) as s:
        assert s.get_paper("2601.00001").tags == ["keep"]


def test_prune_removes_the_papers_a_same_day_update_left_in_no_digest(tmp_path):
    """A same-day revision that drops papers leaves them in no digest: searchable, in
    no day's view. `prune` removes them once first seen before its cutoff (unless
    marked), as it removes the papers of the digests it removes."""
    db = tmp_path / "c.db"
    ids = ["2601.00004", "2601.00005", "2601.00006", "2601.00007"]
    with Store.open(db) as s:
        s.today = lambda: "2026-08-17"
        source = "/data/cs.AI.md"
        s.import_digest(Digest("cs.AI", source=source, papers=[paper(i, "w") for i in ids]))
        revised = [paper(ids[0], "w"), paper(ids[3], "w")]  # 5 and 6 dropped the same day
        assert s.import_digest(Digest("cs.AI", source=source, papers=revised)).outcome == (
            "same-day update"
        )
        s.set_starred([s.get_paper(ids[2]).rowid])
        assert s.count() == 4 and len(s.search(digest="cs.AI-2026-08-17")) == 2
        # first seen after the cutoff: not yet
        assert s.removal_plan([], loose_before="2000-01-01").papers_deleted == 0
        plan = s.removal_plan([], loose_before="2999-01-01")
        assert (plan.papers_deleted, plan.papers_loose, plan.digests) == (1, 1, [])
        done = s.remove_digests([], loose_before="2999-01-01")
        assert done.papers_deleted == 1
    found = assert_reindex_agrees(db)
    assert sorted(found[""]) == [ids[0], ids[2], ids[3]]  # the starred one stays
    # Through the CLI: the same rule, said.
    with Store.open(db) as s:
        s.today = lambda: "2026-08-17"
        s.import_digest(Digest("cs.AI", source="/data/cs.AI.md", papers=[paper(ids[0], "w")]))
    out = run_cli(
        "prune", "--older-than", "1d", "--yes", db=db, env={"TUI_DIGEST_TODAY": "2999-01-01"}
    )
    assert out.returncode == 0, out.stderr
    assert b"(of them 1 listed by no digest since a same-day update" in out.stdout
    with Store.open(db) as s:
        assert [r.id for r in s.search("", limit=10)] == [ids[2]]


def test_a_removed_read_paper_is_read_again_when_it_comes_back(tmp_path):
    """Read marks travel by arXiv id, as tags and notes do: `digests rm`, then the
    paper imported again, left it unread while `state export` said read."""
    db = tmp_path / "c.db"
    build(db)
    with Store.open(db) as s:
        s.set_read([s.get_paper("2601.00001").rowid])
    assert run_cli("digests", "rm", "cs.AI-2025-01-10", "--yes", db=db).returncode == 0
    with Store.open(db) as s:
        assert s.get_paper("2601.00001") is None
        s.today = lambda: "2026-08-18"
        s.import_digest(Digest("cs.AI", source="/data/cs.AI.md", papers=[paper("2601.00001", "x")]))
    with Store.open(db) as s:
        assert s.get_paper("2601.00001").read
        assert s.list_ids("is:read") == [s.get_paper("2601.00001").rowid]


def test_a_kept_paper_keeps_a_date(tmp_path):
    """A kept paper without a published date was left with none: `date:` never
    found it again (found by a bug hunt). It is dated by the first day a
    removed digest listed it; a published date it has stays."""
    db = tmp_path / "c.db"
    build(db)
    with Store.open(db) as s:
        # 2601.00003 (listed on 2025-06-01 only) has arXiv's date; 2601.00002 none.
        s._conn().execute("UPDATE papers SET published = '2025-05-28' WHERE id = '2601.00003'")
        s.set_note("2601.00003", "keep")
        assert s.get_paper("2601.00002").paper.published == ""
    out = run_cli("digests", "rm", "cs.AI-2025-01-10", "cs.AI-2025-06-01", "--yes", db=db)
    assert out.returncode == 0, out.stderr
    assert_reindex_agrees(db)
    with Store.open(db) as s:  # reopened: the dates are the cache's
        assert s.get_paper("2601.00002").paper.published == "2025-01-10"
        assert s.get_paper("2601.00003").paper.published == "2025-05-28"

        def ids(query: str) -> list[str]:
            return sorted(r.id for r in s.search(query, limit=100))

        assert ids("date:2025-01-10 is:starred") == ["2601.00002"]
        assert ids("date:2025-01") == ["2601.00002"]
        assert ids("date:2025-05") == ["2601.00003"]
        assert ids("-date:1900..2100") == []
    out = run_cli("export", "--format", "json", "--ids", "2601.00002", db=db)
    [exported] = json.loads(out.stdout)
    assert (exported["published"], exported["listings"]) == ("2025-01-10", [])


def test_rm_and_prune_of_a_read_only_cache_refuse_before_the_plan(tmp_path, capsys):
    """`digests rm` of a cache open read-only printed its whole removal plan, then
    refused (found by a bug hunt); `mark`, `import`, `state import` refuse with no
    plan. Root writes any file, so the store is opened read-only here;
    tests/hostile/test_readonly_places.py runs the CLI on a 0444 cache."""
    import pytest

    from tui_digest.cli_retention import cmd_digests_rm, cmd_prune, remove
    from tui_digest.core.store import CacheError

    db = tmp_path / "c.db"
    build(db)
    with Store.open(db, readonly=True) as s:
        pks = s.digest_pks(["cs.AI-2025-01-10"])
        for run in (
            lambda: remove(s, pks, yes=True, what="as named"),
            lambda: cmd_digests_rm(s, argparse.Namespace(names=["cs.AI-2025-01-10"], yes=True)),
            lambda: cmd_prune(s, argparse.Namespace(older_than=1, yes=True)),
        ):
            with pytest.raises(CacheError, match="the cache is open read-only; nothing was"):
                run()
            assert capsys.readouterr().out == ""
    assert len(names(db)) == 3


def test_rm_takes_its_options_before_or_after_the_names(tmp_path):
    """`digests rm --yes NAME` was refused ("unrecognized arguments: NAME", exit 2;
    found by a bug hunt): options go before or after the names, as with other commands."""
    db = tmp_path / "c.db"
    build(db)
    out = run_cli("digests", "rm", "--yes", "cs.AI-2025-01-10", db=db)
    assert out.returncode == 0, out.stderr
    out = run_cli("digests", "rm", "-y", "cs.AI-2025-06-01", db=db)
    assert out.returncode == 0, out.stderr
    assert names(db) == ["cs.AI-2026-08-17"]
    out = run_cli("digests", "--yes", "rm", "--json", "nope", db=db)
    assert out.returncode != 0
    assert b"no digest named 'nope'" in out.stderr
    # The listing keeps its forms.
    for args in (
        ("digests",),
        ("digests", "list"),
        ("digests", "--json"),
        ("digests", "list", "--json"),
    ):
        out = run_cli(*args, db=db)
        assert out.returncode == 0, (args, out.stderr)
        assert b"cs.AI-2026-08-17" in out.stdout
    assert json.loads(run_cli("digests", "--json", "list", db=db).stdout)[0]["papers"] == 2


def test_rm_answered_after_another_process_removed_the_digest_removes_nothing_else(
    tmp_path, monkeypatch, capsys
):
    """`digests rm NAME` asks, then removed the row numbers read before the
    question: when another process removed NAME meanwhile and an import took its
    row number, the answer `y` removed that new digest and its papers (bug hunt
    `auditui` #1, the reader's twin). Only rows still carrying the names planned go."""
    from tui_digest import cli_retention

    db = tmp_path / "c.db"
    build(db)
    asked = "cs.AI-2026-08-17"  # the newest row: its number is the next one given out

    def answer(prompt: str) -> str:
        with Store.open(db) as other:  # another process, while the question waits
            pks = other.digest_pks([asked])
            other.remove_digests(pks)
            other.import_digest(
                Digest(
                    "cs.CV",
                    source="/data/cs.CV.md",
                    date="2026-08-18",
                    papers=[paper("2601.00100", "delta")],
                )
            )
            assert other.digest_pks(["cs.CV-2026-08-18"]) == pks
        return "y"

    monkeypatch.setattr(cli_retention, "can_ask", lambda: True)
    monkeypatch.setattr("builtins.input", answer)
    with Store.open(db) as s:
        args = argparse.Namespace(names=[asked], yes=False)
        assert cli_retention.cmd_digests_rm(s, args) == 0
    out = capsys.readouterr().out
    assert f"{asked} was already removed" in out, out
    assert "removed 0 digests and 0 papers" in out, out
    assert "cs.CV-2026-08-18" in names(db)
    with Store.open(db) as s:
        assert s.get_paper("2601.00100") is not None


def test_rm_answered_after_another_process_removed_and_imported_it_again(
    tmp_path, monkeypatch, capsys
):
    """Another process removed NAME and imported it again while `digests rm NAME`
    asked (regression hunt `regui41` #2): the answer `y` said "NAME was already
    removed", though NAME was in the cache. The plan was of the old NAME: nothing
    is removed, and the output says so."""
    from tui_digest import cli_retention

    db = tmp_path / "c.db"
    build(db)
    asked = "cs.AI-2025-01-10"  # the oldest row: imported again, it gets a new number

    def answer(prompt: str) -> str:
        with Store.open(db) as other:  # another process, while the question waits
            pks = other.digest_pks([asked])
            other.remove_digests(pks)
            other.import_digest(
                Digest(
                    "cs.AI",
                    source="/data/cs.AI.md",
                    date="2025-01-10",
                    papers=[paper("2601.00200", "epsilon"), paper("2601.00201", "epsilon")],
                ),
                revive_removed=True,  # (`tui-digest import`)
            )
            assert other.digest_pks([asked]) != pks
        return "y"

    monkeypatch.setattr(cli_retention, "can_ask", lambda: True)
    monkeypatch.setattr("builtins.input", answer)
    with Store.open(db) as s:
        args = argparse.Namespace(names=[asked], yes=False)
        assert cli_retention.cmd_digests_rm(s, args) == 1
    out = capsys.readouterr().out
    assert "already removed" not in out, out
    assert (
        f"{asked} was removed and imported again meanwhile (by another process): "
        "not removed; run the command again to remove it"
    ) in out, out
    assert "removed 0 digests and 0 papers" in out, out
    assert asked in names(db)
    with Store.open(db) as s:
        assert s.count("", digest=asked) == 2


def test_ctrl_d_at_the_question_is_no_and_the_question_is_on_stderr(tmp_path, monkeypatch, capsys):
    """Ctrl-D at "remove them? [y/N]" printed a traceback (EOFError); with standard
    output redirected (`> rm.log`) the plan and the question went into the file and
    the command seemed to hang (bug hunt `auditout` #1, #2). End of input is "no";
    the plan and the question go to standard error when standard output is no terminal."""
    from tui_digest import cli_retention

    db = tmp_path / "c.db"
    build(db)

    def ctrl_d(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(cli_retention, "can_ask", lambda: True)
    monkeypatch.setattr("builtins.input", ctrl_d)
    with Store.open(db) as s:
        args = argparse.Namespace(names=["cs.AI-2025-01-10"], yes=False)
        assert cli_retention.cmd_digests_rm(s, args) == 1
        assert cli_retention.cmd_prune(s, argparse.Namespace(older_than=1, yes=False)) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("remove them? [y/N] \nnothing removed\n") == 2, err
    assert "will remove 1 digest (as named):\n  cs.AI-2025-01-10\n" in err, err
    assert len(names(db)) == 3


def test_prune_yes_into_a_closed_pipe_removes_and_says_so(tmp_path):
    """`prune --yes | head`: a plan bigger than the pipe raised BrokenPipeError
    before the removal (nothing removed), a small one did not (removed): both exit
    141, no message (bug hunt `auditout` #7). With --yes the removal no longer
    depends on the plan's reader; the result goes to stderr when stdout is gone, exit 0."""
    from cli_support import _env

    db = tmp_path / "c.db"
    with Store.open(db) as s:
        for i in range(1500):  # a plan of ~90 KB: more than a pipe holds
            s.import_digest(
                Digest(
                    f"cs.LG-batch-with-a-long-name-{i:05d}",
                    source=f"/data/cs.LG-{i}.md",
                    date="2020-01-01",
                    papers=[paper(f"2001.{i:05d}", "w")],
                )
            )
    read, write = os.pipe()
    os.close(read)  # the reader went away before anything was written
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tui_digest", "prune", "--older-than", "30d", "--yes"],
            stdout=write,
            stderr=subprocess.PIPE,
            env=_env(db, {"TUI_DIGEST_TODAY": "2025-01-01"}),
            timeout=120,
        )
    finally:
        os.close(write)
    assert done.returncode == 0, done.stderr
    assert b"removed 1,500 digests and 1,500 papers (standard output could not" in done.stderr
    assert names(db) == []
