"""The CLI through its real entry point (`python -m tui_digest`), in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_support import run_cli as run
from tui_digest.core.cache_guard import SQLITE_HEADER

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
MINI = FIXTURES / "mini-2024-03-18.md"
JSON_KEYS = [
    "id", "version", "url", "title_en", "title_zh", "summary_zh", "summary_en", "abstract_en",
    "abstract_zh", "authors", "categories", "announce_type", "text_version", "published",
    "comments", "journal_ref", "doi", "digests", "listings", "read", "starred", "tags", "note",
    "machine_fields",
]  # fmt: skip


def out(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout.decode("utf-8")


def err(proc: subprocess.CompletedProcess) -> str:
    return proc.stderr.decode("utf-8")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"


@pytest.fixture
def imported(db: Path) -> Path:
    proc = run("import", str(MINI), db=db)
    assert proc.returncode == 0, err(proc)
    return db


def test_import_reports_counts_and_reimport_is_unchanged(db):
    first = run("import", str(MINI), db=db)
    assert first.returncode == 0, err(first)
    assert "3 new, 0 updated, 0 unchanged" in out(first)
    again = run("import", str(MINI), db=db)
    assert again.returncode == 0
    assert "0 new, 0 updated, 3 unchanged" in out(again)


def test_an_id_given_twice_in_a_digest_is_skipped_with_a_warning(tmp_path, db):
    """The second entry with an id is named (file, line) and not counted; before,
    it was merged into the first without a word and its text was gone."""
    text = MINI.read_text(encoding="utf-8")
    third = text.index("[^3]: ")
    path = tmp_path / "mini-2024-03-18.md"
    # (its table row too: a row linking another id than its footnote is warned of)
    path.write_text(text.replace("2403.00003", "2403.00001"), "utf-8")
    proc = run("import", str(path), db=db)
    assert proc.returncode == 0, err(proc)
    line = text[:third].count("\n") + 1
    assert err(proc) == (
        f"{path}:{line}: warning: [^3]: duplicate arXiv id 2403.00001 (first in [^1]); skipped\n"
    )
    assert "2 papers (digest): 2 new, 0 updated, 0 unchanged" in out(proc)
    shown = json.loads(out(run("search", "id:2403.00001", "--json", db=db)))
    assert shown[0]["title_en"] == "Efficient Sampling for Diffusion Models"


def test_db_flag_works_before_and_after_subcommand(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    env_db = tmp_path / "env.db"
    assert run("--db", str(a), "import", str(MINI), db=env_db).returncode == 0
    assert run("import", str(MINI), "--db", str(b), db=env_db).returncode == 0
    assert a.exists() and b.exists() and not env_db.exists()


def test_import_from_stdin_and_folder(db, tmp_path):
    proc = run("import", "-", db=db, stdin=MINI.read_bytes())
    assert proc.returncode == 0, err(proc)
    assert "<stdin>: 3 papers" in out(proc)
    folder = tmp_path / "in" / "nested"
    folder.mkdir(parents=True)
    (folder / "d.md").write_bytes(MINI.read_bytes())
    (folder / "ignored.txt").write_text("not a digest")
    proc = run("import", str(tmp_path / "in"), db=db)
    assert proc.returncode == 0, err(proc)
    assert "d.md: 3 papers" in out(proc) and "ignored.txt" not in out(proc)


def test_bad_input_names_the_file_and_others_still_import(db, tmp_path):
    bad = tmp_path / "garbage.md"
    bad.write_bytes(b"\x00\x01\x02 this is not a digest \xff\xfe")
    proc = run("import", str(bad), str(MINI), db=db)
    assert proc.returncode == 1
    assert str(bad) in err(proc) and "Traceback" not in err(proc)
    assert "3 new" in out(proc)
    stats = run("stats", db=db)
    assert "papers: 3" in out(stats)


def test_missing_file_is_one_line_error(db, tmp_path):
    proc = run("import", str(tmp_path / "nope.md"), db=db)
    assert proc.returncode == 1
    assert "nope.md" in err(proc) and "Traceback" not in err(proc)


def test_search_json_has_exact_keys(imported):
    proc = run("search", "扩散", "--json", db=imported)
    assert proc.returncode == 0, err(proc)
    data = json.loads(out(proc))
    assert [d["id"] for d in data] == ["2403.00001"]
    assert list(data[0]) == JSON_KEYS
    assert data[0]["digests"] == ["mini-2024-03-18"]
    assert data[0]["read"] is False and data[0]["starred"] is False


def test_search_human_table_and_prefix(imported):
    proc = run("search", "diffus", db=imported)
    assert proc.returncode == 0, err(proc)
    assert "2403.00001" in out(proc) and "2403.00002" not in out(proc)
    assert "1 shown of 1" in err(proc)  # (on stderr into a pipe: stdout has papers only)


def test_search_limit_and_exclusion(imported):
    proc = run("search", "model", "-diffusion", "--json", db=imported)
    ids = [d["id"] for d in json.loads(out(proc))]
    assert ids == ["2403.00003"]
    proc = run("search", "arxiv OR", "--limit", "0", db=imported)
    assert proc.returncode == 2 and "Traceback" not in err(proc)


@pytest.mark.parametrize("limit", [str(2**63 - 1), "1" + "0" * 20])
def test_a_limit_past_any_count_lists_everything(imported, limit):
    # Found by a bug hunt: SQLite's OverflowError as a traceback (exit 1).
    proc = run("search", "model", "--limit", limit, "--json", db=imported)
    assert proc.returncode == 0, err(proc)
    assert [d["id"] for d in json.loads(out(proc))] == ["2403.00001", "2403.00003"]


def test_malformed_query_is_one_line(imported):
    proc = run("search", '"unbalanced', db=imported)
    assert proc.returncode == 2
    lines = err(proc).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tui-digest:")


def test_long_or_deep_queries_with_a_note_answer_or_say_why(imported):
    # Found by a bug hunt: a traceback (SQLite's expression depth) once a note existed.
    assert run("note", "2403.00001", "planning", db=imported).returncode == 0
    ored = " OR ".join(["diffusion", *(f"w{i}" for i in range(500))])
    proc = run("search", ored, "--json", db=imported)
    assert proc.returncode == 0, err(proc)
    assert "2403.00001" in [d["id"] for d in json.loads(out(proc))]
    proc = run("search", "(" * 12 + "a" + ")" * 12, db=imported)
    assert proc.returncode == 2 and "Traceback" not in err(proc)
    assert err(proc).strip() == "tui-digest: parentheses nest at most 10 deep"


@pytest.mark.parametrize("query", ["model", "sort:foryou", ""])
def test_search_in_an_unknown_digest_is_an_error(imported, query):
    # As `export --digest` (found by a bug hunt: "no matches (0 / 0)", exit 0).
    proc = run("search", query, "--digest", "nonexist", db=imported)
    assert proc.returncode == 2
    assert err(proc).strip().startswith("tui-digest: no digest named 'nonexist'")
    proc = run("search", query, "--digest", "mini-2024-03-18", "--json", db=imported)
    assert proc.returncode in (0, 1), err(proc)  # (1: too few stars to rank)


def test_export_all_markdown_reproduces_listing(imported):
    proc = run("export", db=imported)
    assert proc.returncode == 0, err(proc)
    text = out(proc)
    assert text.startswith("# 摘要\n")
    assert [line.split("]")[0] for line in text.splitlines() if line.startswith("[^")] == [
        "[^1",
        "[^2",
        "[^3",
    ]
    assert "Efficient Sampling for Diffusion Models" in text


def test_export_ids_and_json_matches_search_objects(imported):
    proc = run("export", "--ids", "2403.00003,2403.00001", "--format", "json", db=imported)
    assert proc.returncode == 0, err(proc)
    data = json.loads(out(proc))
    # listing order, not the order given
    assert [d["id"] for d in data] == ["2403.00001", "2403.00003"]
    searched = json.loads(out(run("search", "2403.00001", "--json", db=imported)))
    assert data[0] == searched[0]


def test_ids_are_taken_as_ris_csl_and_the_reader_write_and_copy_them(imported):
    # Found by a bug hunt: `--ids arXiv:2501.00001` (RIS `AN`, CSL `number`) and an
    # arxiv.org link were "no paper with id ... in the cache", while search took them.
    bare = run("export", "--ids", "2403.00001,2403.00003", "--format", "json", db=imported)
    assert bare.returncode == 0, err(bare)
    for ids in (
        "arXiv:2403.00001,https://arxiv.org/abs/2403.00003v2",
        "https://arxiv.org/pdf/2403.00001v1.pdf, ARXIV:2403.00003",
    ):
        proc = run("export", "--ids", ids, "--format", "json", db=imported)
        assert proc.returncode == 0, err(proc)
        assert proc.stdout == bare.stdout
    # The other commands that take ids (`mark`, `tag`, `note`) read them alike.
    proc = run("mark", "star", "arXiv:2403.00001", "https://arxiv.org/abs/2403.00003", db=imported)
    assert proc.returncode == 0, err(proc)
    assert run("tag", "arXiv:2403.00001", "+x", db=imported).returncode == 0
    assert run("note", "https://arxiv.org/abs/2403.00001v3", "seen", db=imported).returncode == 0
    [first, _, third] = json.loads(out(run("export", "--format", "json", db=imported)))
    assert first["starred"] and third["starred"]
    assert (first["tags"], first["note"]) == (["x"], "seen")


def test_export_ids_repeated_or_spaced_keep_every_paper(imported, tmp_path):
    """Found by a bug hunt: `--ids A --ids B` exported B alone and `--ids A B`
    nothing (B went to the query), both exit 0 without a word."""
    ids = lambda proc: [d["id"] for d in json.loads(out(proc))]  # noqa: E731
    both = ["2403.00001", "2403.00003"]
    repeated = run(
        "export", "--ids", "2403.00001", "--ids", "2403.00003", "--format", "json", db=imported
    )
    assert repeated.returncode == 0, err(repeated)
    assert ids(repeated) == both
    spaced = run("export", "--ids", "2403.00001 2403.00003", "--format", "json", db=imported)
    assert ids(spaced) == both
    stray = run("export", "--ids", "2403.00001", "2403.00003", "--format", "json", db=imported)
    assert stray.returncode == 2
    assert "--ids A,B" in err(stray) and stray.stdout == b""
    # ids with a query still filter; a query that leaves none says so.
    none = run("export", "--ids", "2403.00001", "cat:nothing-here", "--format", "json", db=imported)
    assert none.returncode == 0 and json.loads(out(none)) == []
    assert "none of the --ids papers is in the query 'cat:nothing-here'" in err(none)
    # (regression hunt) an empty $IDS is refused; a digest that leaves none says so.
    empty = run("export", "--ids", "", "--format", "json", db=imported)
    assert empty.returncode == 2 and "--ids is empty" in err(empty) and empty.stdout == b""
    other = tmp_path / "other-2024-03-19.md"
    other.write_bytes(MINI.read_bytes().replace(b"2403.0000", b"2403.9000"))
    assert run("import", str(other), db=imported).returncode == 0
    elsewhere = run(
        "export", "--ids", "2403.00001", "--digest", "other-2024-03-19", "--format", "json",
        db=imported,
    )  # fmt: skip
    assert elsewhere.returncode == 0 and json.loads(out(elsewhere)) == []
    assert "none of the --ids papers is in the digest 'other-2024-03-19'" in err(elsewhere)


def test_export_unknown_id_and_digest_are_errors(imported):
    proc = run("export", "--ids", "9999.99999", db=imported)
    assert proc.returncode == 2 and "9999.99999" in err(proc)
    proc = run("export", "--digest", "nope", db=imported)
    assert proc.returncode == 2 and "nope" in err(proc)


def test_export_to_file_refuses_overwrite_without_force(imported, tmp_path):
    target = tmp_path / "out.bib"
    proc = run("export", "--format", "bibtex", "-o", str(target), db=imported)
    assert proc.returncode == 0, err(proc)
    assert target.read_text().count("@misc{") == 3
    target.write_text("precious")
    proc = run("export", "-o", str(target), db=imported)
    assert proc.returncode == 2 and "Traceback" not in err(proc)
    assert target.read_text() == "precious"
    proc = run("export", "-o", str(target), "--force", db=imported)
    assert proc.returncode == 0
    assert target.read_text().startswith("@misc{")  # (the format of a .bib file name)


@pytest.mark.parametrize(
    "name, format",
    [
        ("starred.bib", "bibtex"),
        ("starred.RIS", "ris"),
        ("refs.csl.json", "csl-json"),
        ("papers.json", "json"),
        ("copy.md", "markdown"),
        ("notes.txt", "markdown"),  # no format's extension: the default
    ],
)
def test_export_without_format_takes_the_file_names(imported, tmp_path, name, format):
    # Found by a bug hunt: `export -o starred.bib` wrote Markdown into the .bib file.
    target = tmp_path / name
    proc = run("export", "--ids", "2403.00001", "-o", str(target), db=imported)
    assert proc.returncode == 0, err(proc)
    expected = run("export", "--ids", "2403.00001", "--format", format, db=imported)
    assert target.read_bytes() == expected.stdout


def test_a_format_the_file_name_contradicts_is_refused(imported, tmp_path):
    target = tmp_path / "t.ris"
    proc = run("export", "--ids", "2403.00001", "-o", str(target), "--format", "bibtex",
               db=imported)  # fmt: skip
    assert proc.returncode == 2 and not target.exists()
    assert err(proc) == (
        f"tui-digest: {target} is named as a RIS file, not bibtex: "
        "leave out --format, or name the file .bib\n"
    )
    # CSL-JSON in a .json file (pandoc's name for it), and any format in a file
    # whose name is no format's, are what was asked for.
    for name, format in (("refs.json", "csl-json"), ("refs.txt", "bibtex"), ("x.bib", "bibtex")):
        proc = run("export", "--ids", "2403.00001", "-o", str(tmp_path / name), "--format", format,
                   db=imported)  # fmt: skip
        expected = run("export", "--ids", "2403.00001", "--format", format, db=imported)
        assert proc.returncode == 0, err(proc)
        assert (tmp_path / name).read_bytes() == expected.stdout


def test_json_into_a_csl_json_file_is_advised_a_plain_json_name():
    # Found by a bug hunt (s41 auditpub #7): `-o y.csl.json --format json` advised
    # "name the file .json", which it is: `.csl.json` is CSL-JSON's own extension.
    from tui_digest.cli_export import export_format

    with pytest.raises(ValueError) as caught:
        export_format("json", "y.csl.json")
    assert str(caught.value) == (
        "y.csl.json is named as a CSL-JSON file, not json: leave out --format, "
        "or name the file .json but not .csl.json"
    )
    with pytest.raises(ValueError) as caught:  # the other advice is unchanged
        export_format("bibtex", "t.ris")
    assert str(caught.value).endswith("leave out --format, or name the file .bib")
    assert export_format("csl-json", "y.json") == "csl-json"


def test_export_output_dash_is_standard_output_and_empty_is_an_error(imported, tmp_path):
    # Found by a bug hunt: `-o -` wrote a file named "-" (import reads "-" as stdin),
    # `-o ''` silently wrote to stdout, and one paper was "wrote 1 papers".
    proc = run("export", "--ids", "2403.00001", "--format", "bibtex", "-o", "-", db=imported,
               cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, err(proc)
    assert out(proc).startswith("@misc{") and not (tmp_path / "-").exists()
    proc = run("export", "--ids", "2403.00001", "-o", "", db=imported, cwd=tmp_path)
    assert proc.returncode == 2 and out(proc) == ""
    assert "-o needs a file name (or - for standard output)" in err(proc)
    target = tmp_path / "one.bib"
    proc = run("export", "--ids", "2403.00001", "-o", str(target), db=imported)
    assert proc.returncode == 0 and err(proc) == f"wrote 1 paper to {target}\n"
    proc = run("export", "--ids", "2403.00001,2403.00002", "-o", str(target), "--force",
               db=imported)  # fmt: skip
    assert err(proc) == f"wrote 2 papers to {target}\n"


def test_digests_and_stats(imported):
    proc = run("digests", db=imported)
    assert proc.returncode == 0
    assert "mini-2024-03-18" in out(proc) and "2024-03-18" in out(proc)
    proc = run("stats", db=imported)
    assert "papers: 3" in out(proc) and str(imported) in out(proc)


def test_newer_schema_is_refused_without_traceback(db):
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 9999")
    con.close()
    before = db.read_bytes()
    proc = run("stats", db=db)
    assert proc.returncode == 2 and "newer" in err(proc) and "Traceback" not in err(proc)
    assert db.read_bytes() == before


def test_seed_digest_round_trips_byte_for_byte(db, excerpts):
    seed = excerpts / "seed-digest.md"
    assert run("import", str(seed), db=db).returncode == 0
    proc = run("export", db=db)
    assert proc.returncode == 0, err(proc)
    assert proc.stdout == seed.read_bytes()


def test_python_m_and_console_script_agree(db):
    script = Path(sys.executable).parent / "tui-digest"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    env = dict(os.environ, TUI_DIGEST_DB=str(db))
    proc = subprocess.run([str(script), "--version"], capture_output=True, env=env, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith(b"tui-digest ")


def test_query_rewrite_only_applies_at_the_command_position(tmp_path, db):
    config = tmp_path / "c.toml"
    config.write_text('[[sources]]\nname = "x"\nurl = "https://example.org/x.md"\n')
    target = tmp_path / "x.opml"
    proc = run("sources", "export", str(target), "--config", str(config), db=db)
    assert proc.returncode == 0, err(proc)
    assert b"https://example.org/x.md" in target.read_bytes()


def test_sources_export_then_import_keeps_the_category(tmp_path, db):
    """The hunt's round trip: a category the URL does not name went missing."""
    first, second = tmp_path / "c3.toml", tmp_path / "c4.toml"
    first.write_text(
        '[[sources]]\nname = "x"\nurl = "http://127.0.0.1:9/a.md"\ncategory = "cs.CL"\n'
        'kind = "digest"\nenabled = false\n'
    )
    second.write_text('[[sources]]\nname = "keep"\nurl = "http://127.0.0.1:9/b.md"\n')
    target = tmp_path / "c3.opml"
    proc = run("sources", "export", str(target), "--config", str(first), db=db)
    assert proc.returncode == 0, err(proc)
    proc = run("sources", "import", str(target), "--config", str(second), db=db)
    assert proc.returncode == 0, err(proc)
    text = second.read_text()
    assert 'name = "x"' in text and 'category = "cs.CL"' in text, text


def test_sources_export_refuses_an_existing_file_as_export_and_backup_do(tmp_path, imported):
    """`sources export FILE.opml` replaced an existing file without being asked, where
    `export -o` and `backup` refuse (found by a bug hunt): now the same refusal and
    the same --force."""
    config = tmp_path / "c.toml"
    config.write_text('[[sources]]\nname = "x"\nurl = "https://example.org/x.md"\n')
    target = tmp_path / "mine.opml"
    target.write_bytes(b"my own notes\n")
    refused = run("sources", "export", str(target), "--config", str(config), db=imported)
    assert refused.returncode == 2, err(refused)
    assert err(refused) == (
        f"tui-digest: refusing to overwrite {target}: a file already exists there"
        " (--force overwrites it)\n"
    )
    assert target.read_bytes() == b"my own notes\n"
    for other in (["export", "-o", str(target)], ["backup", str(target)]):
        proc = run(*other, db=imported)
        assert (proc.returncode, err(proc)) == (2, err(refused)), other
    forced = run("sources", "export", str(target), "--force", "--config", str(config), db=imported)
    assert forced.returncode == 0, err(forced)
    assert b"https://example.org/x.md" in target.read_bytes()


def test_corrupt_cache_is_moved_aside_and_the_user_told_where(db):
    db.write_bytes(SQLITE_HEADER + b"garbage, not SQLite" * 50)
    proc = run("import", str(MINI), db=db)
    assert proc.returncode == 0, err(proc)
    moved = [p for p in db.parent.iterdir() if ".corrupt-" in p.name]
    assert len(moved) == 1 and str(moved[0]) in err(proc)
    assert "3 new" in out(proc)


def test_a_text_file_given_as_the_cache_is_refused_not_replaced(tmp_path):
    """`--db notes.md mark read X` once renamed notes.md aside and made a cache in its place."""
    notes = tmp_path / "notes.md"
    notes.write_text("# my notes\n\nnot a cache\n")
    proc = run("mark", "read", "2401.00001", db=notes)
    assert proc.returncode != 0
    assert "not a tui-digest cache" in err(proc) and "not modified" in err(proc)
    assert notes.read_text() == "# my notes\n\nnot a cache\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]


def test_a_file_named_like_the_readmes_example_gives_its_papers_the_category(tmp_path, db):
    """Found by a bug hunt: `digest-cs.AI-2024-03-18.md` got no category (only a bare
    `cs.AI.md` did), so `cat:cs.AI` missed its papers while `publish` filed it under
    cs.AI. Its name and day are as before."""
    path = tmp_path / "digest-cs.AI-2024-03-18.md"
    path.write_bytes(MINI.read_bytes())
    proc = run("import", str(path), db=db)
    assert proc.returncode == 0, err(proc)
    assert "-> digest-cs.AI-2024-03-18 (new digest)" in proc.stdout.decode()
    [digest] = json.loads(run("digests", "--json", db=db).stdout)
    assert (digest["name"], digest["date"], digest["category"]) == (
        "digest-cs.AI-2024-03-18",
        "2024-03-18",
        "cs.AI",
    )
    found = run("search", "cat:cs.AI", "--digest", digest["name"], "--json", db=db)
    assert len(json.loads(found.stdout)) == digest["papers"] == 3


def test_the_main_help_says_what_sources_does(db):
    # Found by a bug hunt: "list, import or export sources"; it adds and removes too.
    proc = run("--help", db=db)
    assert "list, add, remove, import or export sources" in proc.stdout.decode()


def test_sources_help_names_every_json_key_the_readme_does(db):
    # Regression hunt `regfiles` 6: `last_error` was missing from `sources --help`.
    proc = run("sources", "--help", db=db, env={"COLUMNS": "200"})
    said = " ".join(proc.stdout.decode().split())
    assert "{name, url, kind, enabled, category, last_checked, last_status, last_error}" in said
