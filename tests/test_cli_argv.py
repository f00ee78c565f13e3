"""How the CLI reads a query command's words and options (cli_argv.query_terms_last):
a `-word` is a negated query word, unquoted; an option is read as argparse reads it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from cli_support import run_cli as run
from tui_digest.cli import build_parser
from tui_digest.cli_argv import query_terms_last

MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"


def rewrite(*argv: str) -> list[str]:
    return query_terms_last(build_parser(), list(argv))


def ids(proc: subprocess.CompletedProcess) -> list[str]:
    assert proc.returncode == 0, proc.stderr.decode()
    return [d["id"] for d in json.loads(proc.stdout)]


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    db = tmp_path / "cache.db"
    assert run("import", str(MINI), db=db).returncode == 0
    return db


@pytest.mark.parametrize(
    "globals_",
    [
        ["--config", "c.toml"],  # (only --db was known to take a value: bug hunt)
        ["--conf", "c.toml"],  # a prefix argparse expands
        ["--db", "x.db", "--config", "c.toml"],
        ["--config=c.toml"],
    ],
)
def test_a_global_option_with_a_value_before_the_command(globals_):
    assert rewrite(*globals_, "search", "model", "-survey") == [
        *globals_, "search", "--", "model", "-survey",
    ]  # fmt: skip


def test_config_before_search_keeps_a_negated_word(imported, tmp_path):
    config = tmp_path / "empty.toml"
    config.write_text("", encoding="utf-8")
    proc = run("--config", str(config), "search", "model", "-diffusion", "--json", db=imported)
    assert ids(proc) == ["2403.00003"]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["export", "is:starred", "--fromat", "bibtex", "-o", "x.bib"], "unrecognized arguments"),
        (["search", "is:starred", "--jsno"], "unrecognized arguments: --jsno"),
        (["translate", "cat:cs.CL", "--limt", "5"], "unrecognized arguments: --limt"),
        (["enrich", "--dry-run"], "unrecognized arguments: --dry-run"),
        (["tag", "2403.10056", "--old"], "unrecognized arguments: --old"),
        (["search", "x", "--d", "a"], "ambiguous option: --d could match --db, --digest"),
        (["search", "x", "--limit"], "expected one argument"),
        (["export", "is:starred", "-os2.bib"], "Write -o s2.bib for the option"),
        (["export", "x", "-o=s2.bib"], "Write -o s2.bib for the option"),
        (["export", "x", "-o/tmp/out"], "Write -o /tmp/out for the option"),
        # a long option with one dash: it searched for papers without "json"
        (["search", "graph", "-json"], "-json: the option --json, or a negated query word?"),
        (["search", "graph", "-limit=5"], "Write --limit=5 for the option"),
        (["export", "x", "-format", "bibtex"], "Write --format for the option"),
    ],
)
def test_an_option_that_is_not_one_is_refused_not_searched_for(argv, said, capsys, tmp_path):
    """(found by a bug hunt: each was read as query words, exit 0, wrong output)"""
    from tui_digest.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["--db", str(tmp_path / "never.db"), *argv])
    assert exit_.value.code == 2
    assert said in capsys.readouterr().err
    assert not (tmp_path / "never.db").exists()


@pytest.mark.parametrize(
    ("argv", "rewritten"),
    [
        (["search", "model", "-survey"], ["search", "--", "model", "-survey"]),
        # a negated word that starts like a short option: still a word
        (["export", "-overview", "-o", "x"], ["export", "-o", "x", "--", "-overview"]),
        (["tag", "2403.10056", "+new", "-old"], ["tag", "--", "2403.10056", "+new", "-old"]),
        (
            ["search", "--js", "-(survey OR review)"],
            ["search", "--js", "--", "-(survey OR review)"],
        ),
        # a word that is no option of the command, with one dash or two letters
        (["search", "x", "-js", "-j"], ["search", "--", "x", "-js", "-j"]),
        (["search", "--", "graph", "-json"], ["search", "--", "graph", "-json"]),
        # after the user's own --, everything is a word
        (["export", "-o", "x.bib", "--", "-os2.bib"], ["export", "-o", "x.bib", "--", "-os2.bib"]),
    ],
)
def test_words_starting_with_one_dash_are_query_words(argv, rewritten):
    assert rewrite(*argv) == rewritten


def test_a_prefix_works_as_argparse_reads_it_for_every_command(imported, tmp_path):
    target = tmp_path / "all.bib"
    proc = run(
        "export", "model", "-diffusion", "--form", "bibtex", "--out", str(target), db=imported
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert target.read_text("utf-8").startswith("@misc{") and "2403.00003" in target.read_text()
    assert ids(run("search", "model", "-diffusion", "--js", db=imported)) == ["2403.00003"]


def test_a_query_option_may_start_with_a_negation(imported: Path) -> None:
    """`mark read --query '-tag:robotics'` was argparse's "expected one argument"
    (regression hunt `reguser` O2): a value of `--query` is read as a value."""
    assert run("tag", "2403.00001", "+keep", db=imported).returncode == 0
    done = run("mark", "star", "--query", "-tag:keep", db=imported)
    assert done.returncode == 0, done.stderr.decode()
    starred = ids(run("search", "is:starred", "--json", db=imported))
    assert starred and "2403.00001" not in starred
    assert rewrite("mark", "read", "--query", "-tag:x") == ["mark", "read", "--query=-tag:x"]


def test_only_a_command_with_a_query_option_has_its_value_joined() -> None:
    """`search --query -x` said "argument: --query=-x", a token never typed
    (regression hunt `regfinal`): the joining is `mark`'s, whose option it is."""
    assert rewrite("search", "--query", "-x") == ["search", "--query", "--", "-x"]
