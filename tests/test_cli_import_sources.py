"""Which source an imported document belongs to: a file's absolute path, or `--source`.

A source's digests are its days: a document whose content differs from the
source's latest digest becomes (or replaces) that day's digest. So two
different files must never be one source, or the second import of the day
replaces the first's digest and leaves its papers in none; and one file
reached by two spellings must stay one source, or the same day is filed twice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_support import run_cli as run

MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"


def other_papers() -> bytes:
    """MINI with other arXiv ids: a different document of three other papers."""
    return MINI.read_bytes().replace(b"2403.0000", b"2403.9000")


def day(date: str) -> dict[str, str]:
    return {"TUI_DIGEST_TODAY": date}


def digests(db: Path) -> list[dict]:
    proc = run("digests", "--json", db=db)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "lab-a", tmp_path / "lab-b"
    a.mkdir()
    b.mkdir()
    (a / "cs.AI.md").write_bytes(MINI.read_bytes())
    (b / "cs.AI.md").write_bytes(other_papers())
    return a, b


def test_the_same_name_in_two_folders_is_two_sources(tmp_path, folders):
    db = tmp_path / "cache.db"
    a, b = folders
    for folder in (a, b):
        proc = run("import", "cs.AI.md", db=db, env=day("2024-03-18"), cwd=folder)
        assert proc.returncode == 0, proc.stderr
        assert "(new digest)" in proc.stdout.decode()  # not a "same-day update"
    got = sorted((d["label"], d["papers"], d["source"]) for d in digests(db))
    assert got == [
        ("cs.AI · 2024-03-18 · lab-a", 3, str(a / "cs.AI.md")),
        ("cs.AI · 2024-03-18 · lab-b", 3, str(b / "cs.AI.md")),
    ]
    # every paper is still listed by a digest of that day
    proc = run("search", "--json", "date:2024-03-18", db=db)
    assert len(json.loads(proc.stdout)) == 6


def test_one_file_by_any_spelling_is_one_source_and_keeps_its_days(tmp_path, folders):
    db = tmp_path / "cache.db"
    a, _ = folders
    for how, cwd in (("cs.AI.md", a), ("./cs.AI.md", a), ("../lab-a/cs.AI.md", a)):
        proc = run("import", how, db=db, env=day("2024-03-18"), cwd=cwd)
        assert proc.returncode == 0, proc.stderr
    proc = run("import", str(a / "cs.AI.md"), db=db, env=day("2024-03-18"))
    assert "no new digest" in proc.stdout.decode()
    assert [d["name"] for d in digests(db)] == ["cs.AI-2024-03-18"]
    # the next day the file changed: a day of its own, the first day kept
    (a / "cs.AI.md").write_bytes(other_papers())
    proc = run("import", "cs.AI.md", db=db, env=day("2024-03-19"), cwd=a)
    assert proc.returncode == 0, proc.stderr
    got = sorted((d["name"], d["papers"]) for d in digests(db))
    assert got == [("cs.AI-2024-03-18", 3), ("cs.AI-2024-03-19", 3)]


def test_piped_documents_with_their_own_source(tmp_path):
    db = tmp_path / "cache.db"
    raw = "https://raw.githubusercontent.com/qhduan/cn-chat-arxiv/master/"
    for cat, body in (("cs.AI", MINI.read_bytes()), ("cs.CL", other_papers())):
        url = raw.replace("https://", "https://me:secret@") + f"{cat}.md"
        proc = run("import", "--source", url, "-", db=db, stdin=body, env=day("2024-03-18"))
        assert proc.returncode == 0, proc.stderr
        assert "secret" not in proc.stdout.decode() + proc.stderr.decode()
    got = sorted((d["source"], d["category"], d["label"], d["papers"]) for d in digests(db))
    assert got == [
        (raw + "cs.AI.md", "cs.AI", "cs.AI · 2024-03-18 · cn-chat-arxiv", 3),
        (raw + "cs.CL.md", "cs.CL", "cs.CL · 2024-03-18 · cn-chat-arxiv", 3),
    ]
    assert b"secret" not in db.read_bytes()
    # without --source every pipe is the one source <stdin>, as the README says
    proc = run("import", "-", db=db, stdin=MINI.read_bytes(), env=day("2024-03-18"))
    assert "<stdin>: 3 papers" in proc.stdout.decode()


def test_a_source_named_after_a_category_names_its_digests_so(tmp_path):
    """Found by a bug hunt: `--source cs.AI` named the digest `cs-<date>`
    (`.AI` taken for a file extension), and cs.CL's of the day `cs-<date>-2`."""
    db = tmp_path / "cache.db"
    for cat, body in (("cs.AI", MINI.read_bytes()), ("cs.CL", other_papers())):
        proc = run("import", "--source", cat, "-", db=db, stdin=body, env=day("2024-03-18"))
        assert proc.returncode == 0, proc.stderr
    names = sorted(d["name"] for d in digests(db))
    assert names == ["cs.AI-2024-03-18", "cs.CL-2024-03-18"]
    proc = run("export", "--digest", "cs.AI-2024-03-18", "--format", "json", db=db)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    "paths, why",
    [
        (["a.md", "b.md"], "give one PATH"),
        (["."], "not of ."),
    ],
)
def test_source_names_one_document(tmp_path, paths, why):
    proc = run("import", "--source", "x", *paths, db=tmp_path / "c.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert why in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()
    assert not (tmp_path / "c.db").exists()


def test_a_today_that_is_not_a_date_is_refused(tmp_path):
    """A replay with a typo in the date must not file its day under the real date."""
    proc = run("import", str(MINI), db=tmp_path / "c.db", env=day("2025-13-45"))
    assert proc.returncode == 2
    assert proc.stderr.decode() == (
        "tui-digest: TUI_DIGEST_TODAY='2025-13-45' is not a date (YYYY-MM-DD)\n"
    )
    assert not (tmp_path / "c.db").exists()


def test_a_synced_file_with_another_list_the_same_day_keeps_both(tmp_path, folders):
    """`import cs.AI.md` from a synced copy, again after a later upstream run the same
    day that lists other papers: both lists stay, each a digest of that day."""
    db = tmp_path / "cache.db"
    a, b = folders
    proc = run("import", "cs.AI.md", db=db, env=day("2024-03-18"), cwd=a)
    assert proc.returncode == 0, proc.stderr
    (a / "cs.AI.md").write_bytes((b / "cs.AI.md").read_bytes())  # the next run's file
    proc = run("import", "cs.AI.md", db=db, env=day("2024-03-18"), cwd=a)
    assert proc.returncode == 0, proc.stderr
    assert "-> cs.AI-2024-03-18-2 (new digest)" in proc.stdout.decode()
    got = sorted((d["name"], d["papers"]) for d in digests(db))
    assert got == [("cs.AI-2024-03-18", 3), ("cs.AI-2024-03-18-2", 3)]


def test_a_clone_of_the_generators_repository_imports_without_its_readme(tmp_path):
    """A clone holds README.md beside its digests, and .git/.github folders: not digests,
    so importing the clone every day must not fail (exit 1) on them."""
    clone = tmp_path / "cn-chat-arxiv"
    (clone / ".git").mkdir(parents=True)
    (clone / ".github" / "ISSUE_TEMPLATE").mkdir(parents=True)
    (clone / "README.md").write_text("# cn-chat-arxiv\n\nDaily arXiv digests.\n", "utf-8")
    (clone / "readme.zh.md").write_text("# 说明\n", "utf-8")
    (clone / ".git" / "description.md").write_text("not a digest\n", "utf-8")
    (clone / ".github" / "ISSUE_TEMPLATE" / "bug.md").write_text("---\nname: bug\n", "utf-8")
    (clone / "cs.AI.md").write_bytes(MINI.read_bytes())
    proc = run("import", str(clone), db=tmp_path / "c.db", env=day("2024-03-18"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b"" and proc.stdout.decode().count("\n") == 1
    assert "cs.AI.md: 3 papers" in proc.stdout.decode()
    # ...while a damaged digest of the clone is still an error, naming it
    (clone / "cs.CL.md").write_bytes(b"\x00garbage\n")
    proc = run("import", str(clone), db=tmp_path / "c.db", env=day("2024-03-18"))
    assert proc.returncode == 1 and "cs.CL.md" in proc.stderr.decode()
    assert "README" not in proc.stderr.decode()


@pytest.mark.parametrize(
    "command",
    [
        ["state", "export", "-o", "{db}"],
        ["state", "export", "-o", "{db}-wal"],
        ["sources", "export", "{db}"],
        ["sources", "export", "{config}"],
        ["export", "-o", "{db}", "--force"],
    ],
)
def test_no_output_file_is_written_over_the_cache_or_the_config(tmp_path, command):
    """`state export -o cache.db` replaced the cache with JSON lines (found by a bug hunt)."""
    db = tmp_path / "cache.db"
    assert run("import", str(MINI), db=db).returncode == 0
    config = tmp_path / "config.toml"
    config.write_text('[[sources]]\nname = "x"\nurl = "https://example.org/x.xml"\n', "utf-8")
    before = db.read_bytes(), config.read_bytes()
    argv = [part.format(db=db, config=config) for part in command]
    proc = run(*argv, db=db, env={"TUI_DIGEST_CONFIG": str(config)})
    assert proc.returncode == 2, proc.stdout
    assert "refusing to write over the" in proc.stderr.decode()
    assert (db.read_bytes(), config.read_bytes()) == before
    assert run("search", "--json", "", db=db).returncode == 0


@pytest.mark.parametrize("first", ["file", "stdin"])
def test_a_piped_list_sharing_no_paper_with_the_day_is_another_digest(tmp_path, first):
    # Found by a bug hunt (allday #3): the README's piped recipe
    # (`curl … | tui-digest import --source URL -`) was always streamed, and a
    # streamed document replaced the day's digest whatever it listed: list B
    # piped after list A of the same day left A's papers in no digest, where
    # the same bytes from a file gave `…-2`.
    db = tmp_path / "cache.db"
    url = "https://example.org/cs.AI.md"
    a = tmp_path / "a.md"
    a.write_bytes(MINI.read_bytes())
    if first == "file":
        proc = run("import", "--source", url, str(a), db=db, env=day("2026-12-03"))
    else:
        proc = run(
            "import", "--source", url, "-", db=db, stdin=a.read_bytes(), env=day("2026-12-03")
        )
    assert proc.returncode == 0, proc.stderr
    proc = run("import", "--source", url, "-", db=db, stdin=other_papers(), env=day("2026-12-03"))
    assert proc.returncode == 0, proc.stderr
    assert "(new digest)" in proc.stdout.decode()
    got = sorted((d["name"], d["papers"]) for d in digests(db))
    assert got == [("cs.AI-2026-12-03", 3), ("cs.AI-2026-12-03-2", 3)]
    # A's papers are still listed by a digest of that day
    proc = run("search", "--json", "date:2026-12-03", db=db)
    assert len(json.loads(proc.stdout)) == 6
