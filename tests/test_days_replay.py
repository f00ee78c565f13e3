"""Days of real use replayed through the real CLI (a bug hunt's day files, in
fixtures/days, cut from the real samples by its mkdigest.py): revisions of a
day's list, a list revised after midnight, removed days. Each command is a new
process, so every step is also a restart; `TUI_DIGEST_TODAY` is the clock."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_support import run_cli

DAYS = Path(__file__).parent / "fixtures" / "days"
NEW_SUMMARY = "今日更新的摘要文本"  # what day1b.md says of 2403.18717


def run(*args: str, db: Path, today: str = "") -> str:
    proc = run_cli(*args, db=db, env={"TUI_DIGEST_TODAY": today} if today else None)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.decode("utf-8")


def import_as(folder: Path, day_file: str, today: str, db: Path) -> str:
    """Copy `day_file` over the one source file `folder/cs.LG.md` and import it."""
    target = folder / "cs.LG.md"
    shutil.copyfile(DAYS / day_file, target)
    return run("import", str(target), db=db, today=today)


def test_a_same_day_revision_of_a_summary_reaches_search_and_export(tmp_path):
    db, folder = tmp_path / "c.db", tmp_path / "x"
    folder.mkdir()
    import_as(folder, "day1.md", "2026-11-05", db)
    old = json.loads(run("search", "id:2403.18717", "--json", db=db))[0]["summary_zh"]
    assert old != NEW_SUMMARY
    out = import_as(folder, "day1b.md", "2026-11-05", db)
    # Its new rows, and the revised summary as an update, not "unchanged".
    assert "2 new, 1 updated, 18 unchanged" in out, out
    [paper] = json.loads(run("search", "id:2403.18717", "--json", db=db))
    assert paper["summary_zh"] == NEW_SUMMARY
    # The paper's own export says what the digest's kept bytes say.
    assert NEW_SUMMARY in run("export", "--digest", "cs.LG-2026-11-05", db=db)
    exported = run("export", "--format", "markdown", "id:2403.18717", db=db)
    [row] = [line for line in exported.splitlines() if line.startswith("| [^1] |")]
    assert row.endswith(f"| {NEW_SUMMARY} |"), row


def test_a_list_revised_after_midnight_replaces_that_day_across_restarts(tmp_path):
    """tueA.md and tueB.md on 11-10 (two lists of that day: -10 and -10-2); wed.md
    the next morning is tueB plus one row and one revised summary: a revision of
    -10-2, not a digest of 11-11 listing the same papers again. thu.md, a list of
    other papers, is the next day's digest as before."""
    db, folder = tmp_path / "c.db", tmp_path / "x"
    folder.mkdir()
    import_as(folder, "tueA.md", "2026-11-10", db)
    import_as(folder, "tueB.md", "2026-11-10", db)
    out = import_as(folder, "wed.md", "2026-11-11", db)
    assert "-> cs.LG-2026-11-10-2 (same-day update)" in out, out
    assert "1 new, 1 updated, 14 unchanged" in out, out  # its revised summary too
    [lois] = json.loads(run("search", "id:2307.14142", "--json", db=db))
    assert lois["summary_zh"] == "翻译修订后的摘要"
    got = [(d["name"], d["date"], d["papers"]) for d in json.loads(run("digests", "--json", db=db))]
    assert got == [("cs.LG-2026-11-10-2", "2026-11-10", 16), ("cs.LG-2026-11-10", "2026-11-10", 15)]
    listed = json.loads(run("search", "--json", "--limit", "100", "date:2026-11-10", db=db))
    assert len(listed) == 31 and not json.loads(run("search", "--json", "date:2026-11-11", db=db))
    out = import_as(folder, "thu.md", "2026-11-11", db)
    assert "-> cs.LG-2026-11-11 (new digest)" in out, out


def test_a_removed_digest_served_again_unchanged_stays_removed(tmp_path):
    """rm-comes-back: a folder source whose file a sync tool touched is read again;
    its list is the digest the user removed, so the fetch creates nothing (each
    command a restart). `tui-digest import FILE` by hand still brings it back."""
    db, src = tmp_path / "c.db", tmp_path / "src"
    src.mkdir()
    config = tmp_path / "c.toml"
    config.write_text(
        f'[[sources]]\nname = "local"\nurl = "file://{src}/"\n[enrich]\nafter_fetch = false\n',
        "utf-8",
    )

    def fetch(today: str) -> str:
        proc = run_cli(
            "fetch", db=db, env={"TUI_DIGEST_TODAY": today, "TUI_DIGEST_CONFIG": str(config)}
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.decode("utf-8")

    shutil.copyfile(DAYS / "day1.md", src / "cs.AI.md")
    fetch("2026-11-05")
    shutil.copyfile(DAYS / "day2.md", src / "cs.AI.md")
    fetch("2026-11-06")
    run("digests", "rm", "cs.AI-2026-11-06", "--yes", db=db)
    (src / "cs.AI.md").touch()  # a sync tool rewrote the unchanged file
    (src / "cs.AI.md").write_bytes((src / "cs.AI.md").read_bytes())
    out = fetch("2026-11-07")
    assert "new 0 / updated 0 / unchanged 22" in out, out
    names = [d["name"] for d in json.loads(run("digests", "--json", db=db))]
    assert names == ["cs.AI-2026-11-05"]
    # Imported by hand, it comes back (README: "Removing digests").
    back = run("import", str(src / "cs.AI.md"), db=db, today="2026-11-07")
    assert "-> cs.AI-2026-11-07 (new digest)" in back, back
