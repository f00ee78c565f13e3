"""`tui-digest watch`: the watch lists headless, new since the last run (issue 10 req 5)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_cli
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store


def paper(n: int, title: str, zh: str = "", kind: str = "new", version: str = "v1") -> Paper:
    return Paper(
        id=f"2403.1{n:04d}",
        version=version,
        title_en=title,
        title_zh=zh,
        authors=["A. Author"],
        categories=["cs.AI"],
        announce_type=kind,
    )


def setup(tmp_path: Path) -> tuple[Path, Path]:
    db, config = tmp_path / "c.db", tmp_path / "config.toml"
    config.write_text(
        "# my watches\n"
        '[[watches]]\nname = "agents"\nquery = "agent 规划 OR planning -survey"\n\n'
        '[[watches]]\nname = "week"\nquery = "date:-7d diffusion"\n',
        encoding="utf-8",
    )
    with Store.open(db) as store:
        store.import_digest(
            Digest(
                "day-1",
                date="2024-03-01",
                papers=[
                    paper(1, "Agent planning for robots"),
                    paper(2, "An agent survey of planning"),
                    paper(3, "Diffusion models", "扩散模型"),
                    paper(4, "Agent", "智能体规划"),
                ],
            )
        )
    return db, config


def watch(db: Path, config: Path, *args: str, today: str = "2024-03-01"):
    done = run_cli("watch", *args, "--config", str(config), db=db, env={"TUI_DIGEST_TODAY": today})
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def ids(out: str) -> list[str]:
    return [p["id"] for p in json.loads(out)]


def test_watch_prints_matches_as_search_json(tmp_path):
    db, config = setup(tmp_path)
    assert ids(watch(db, config, "agents", "--json")) == ["2403.10001", "2403.10004"]
    both = json.loads(watch(db, config, "--json"))
    assert list(both) == ["agents", "week"] and [p["id"] for p in both["week"]] == ["2403.10003"]
    search = run_cli("search", "agent 规划 OR planning -survey", "--json", db=db)
    assert json.loads(watch(db, config, "agents", "--json")) == json.loads(search.stdout)
    table = watch(db, config)
    assert "== agents (2) ==" in table and "== week (1) ==" in table
    # Seven days later the relative date no longer covers the digest.
    assert ids(watch(db, config, "week", "--json", today="2024-03-08")) == []


def test_since_last_run_across_reopen_and_days(tmp_path):
    db, config = setup(tmp_path)
    first = watch(db, config, "agents", "--json", "--since-last-run")
    assert ids(first) == ["2403.10001", "2403.10004"]
    # Shown already: nothing new, and exit 0 all the same.
    assert ids(watch(db, config, "agents", "--json", "--since-last-run")) == []
    # Without the flag everything is printed (and nothing is remembered).
    assert len(ids(watch(db, config, "agents", "--json"))) == 2
    # The next day: one new paper, one re-announced (replace) paper already shown.
    with Store.open(db) as store:
        store.today = lambda: "2024-03-02"
        store.import_digest(
            Digest(
                "day-2",
                date="2024-03-02",
                papers=[
                    paper(5, "Planning with language agents"),
                    paper(1, "Agent planning for robots", kind="replace", version="v2"),
                ],
            )
        )
    new = watch(db, config, "agents", "--json", "--since-last-run", today="2024-03-02")
    assert ids(new) == ["2403.10005"]
    # Each watch remembers on its own: "week" was never run with the flag.
    assert ids(watch(db, config, "week", "--json", "--since-last-run")) == ["2403.10003"]
    assert ids(watch(db, config, "week", "--json", "--since-last-run")) == []


def test_unknown_watch_and_bad_config(tmp_path):
    db, config = setup(tmp_path)
    done = run_cli("watch", "nope", "--config", str(config), db=db)
    assert done.returncode == 1 and "no watch named 'nope'" in done.stderr.decode()
    config.write_text('[[watches]]\nname = "x"\nquery = "is:bogus"\n', encoding="utf-8")
    done = run_cli("watch", "--config", str(config), db=db)
    assert done.returncode == 2 and "config.toml:3" in done.stderr.decode()
    # A mistyped --config printed nothing and exited 0 (found by a bug hunt).
    for args in (["watch", "--config", "nope.toml"], ["--config", "nope.toml", "watch", "--json"]):
        done = run_cli(*args, db=db)
        assert done.returncode == 2 and done.stdout == b""
        assert "nope.toml: config file not found" in done.stderr.decode()


def test_watch_hits_shown_travel_with_the_state_and_survive_a_restart(tmp_path):
    """state export carries what --since-last-run printed; importing it on another
    machine (another cache) means those papers are not printed there again, an
    older file takes nothing away, and a paper not there yet counts once it arrives."""
    db, config = setup(tmp_path)
    assert ids(watch(db, config, "agents", "--json", "--since-last-run")) == [
        "2403.10001",
        "2403.10004",
    ]
    state = tmp_path / "state.jsonl"
    assert run_cli("state", "export", "-o", str(state), db=db).returncode == 0
    lines = [json.loads(x) for x in state.read_text("utf-8").splitlines()[1:]]
    seen = sorted((x["id"], x["value"]) for x in lines if x["field"] == "watch_seen")
    assert seen == [("2403.10001", "agents"), ("2403.10004", "agents")]
    assert all(x["changed_at"].endswith("Z") for x in lines)

    # The other machine has only paper 1 yet; it imports the state, then restarts.
    laptop = tmp_path / "laptop.db"
    with Store.open(laptop) as store:
        store.import_digest(Digest("day-1", date="2024-03-01", papers=[paper(1, "Agent planning")]))
    done = run_cli("state", "import", str(state), db=laptop)
    assert done.returncode == 0, done.stderr
    assert "2 changes applied" in done.stdout.decode()
    with Store.open(laptop) as store:  # reopened: the import is in the file
        store.import_digest(
            Digest("day-1b", date="2024-03-01", papers=[paper(4, "Agent", "智能体规划")])
        )
    # Neither paper is printed again (paper 4 arrived after the import).
    assert ids(watch(laptop, config, "agents", "--json", "--since-last-run")) == []
    # The laptop shows a new paper; importing the older file again removes nothing.
    with Store.open(laptop) as store:
        store.import_digest(Digest("day-2", date="2024-03-02", papers=[paper(5, "Agent planning")]))
    assert ids(watch(laptop, config, "agents", "--json", "--since-last-run")) == ["2403.10005"]
    again = run_cli("state", "import", str(state), db=laptop)
    assert "0 changes applied" in again.stdout.decode()
    assert ids(watch(laptop, config, "agents", "--json", "--since-last-run")) == []
    # And back: the first machine learns that the laptop showed paper 5.
    back = tmp_path / "back.jsonl"
    assert run_cli("state", "export", "-o", str(back), db=laptop).returncode == 0
    with Store.open(db) as store:
        store.import_digest(Digest("day-2", date="2024-03-02", papers=[paper(5, "Agent planning")]))
    assert run_cli("state", "import", str(back), db=db).returncode == 0
    assert ids(watch(db, config, "agents", "--json", "--since-last-run")) == []


def test_a_bad_watch_seen_line_is_a_problem_with_its_line():
    from tui_digest.core import state_file

    at = '"changed_at": "2024-03-01T00:00:00Z"'
    text = (
        f'{{"id": "2403.10001", "field": "watch_seen", "value": "agents", {at}}}\n'
        f'{{"id": "2403.10002", "field": "watch_seen", "value": 3, {at}}}\n'
    )
    parsed = state_file.parse(text, "s.jsonl")
    assert [c.value for c in parsed.changes] == ["agents"]
    assert parsed.problems == ["s.jsonl:2: watch_seen must be a watch name"]


def test_no_watches_says_so_and_where_to_add_one(tmp_path):
    """With no watch in the config, `watch` printed nothing, exit 0, just as for
    watches that found nothing (left from a bug hunt): it now says there are
    none and names the file, on stderr in a pipe, and opens no cache. `--json`
    stays `{}` (data for a script)."""
    db, config = tmp_path / "c.db", tmp_path / "config.toml"
    config.write_text("# nothing yet\n", encoding="utf-8")
    for args in ([], ["--since-last-run"]):
        done = run_cli("watch", *args, "--config", str(config), db=db)
        assert done.returncode == 0 and done.stdout == b""
        said = done.stderr.decode()
        assert f"no watches in {config}" in said and "[[watches]]" in said
    done = run_cli("watch", "--json", "--config", str(config), db=db)
    assert done.returncode == 0 and json.loads(done.stdout) == {}
    assert not db.exists()


MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"


def test_a_bad_watch_costs_only_that_watch(tmp_path):
    """Found by a bug hunt: one malformed [[watches]] query made `fetch`, `enrich`,
    `sources` and every other watch exit 2 (a cron job fetched nothing). Now the
    bad watch is warned about (file and line) and left out; `watch bad` fails."""
    db, config = setup(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[[watches]]\nname = "bad"\nquery = "is:bogus"\n\n'
        + f'[[sources]]\nname = "mini"\nurl = "{MINI}"\n'
        + '\n[enrich]\napi_url = "http://127.0.0.1:9/api/query"\n',
        encoding="utf-8",
    )
    warning = f"{config}:12: warning: watches[3]: watch 'bad': unknown is: value"
    env = {"TUI_DIGEST_TODAY": "2024-03-01"}
    for args in (["sources"], ["fetch", "--no-enrich"], ["watch", "agents", "--json"]):
        done = run_cli(*args, "--config", str(config), db=db, env=env)
        assert done.returncode == 0, (args, done.stderr.decode())
        assert warning in done.stderr.decode(), args
    Store.open(tmp_path / "e.db").close()  # an empty cache: nothing to ask arXiv about
    done = run_cli("enrich", "--limit", "1", "--config", str(config), db=tmp_path / "e.db")
    assert done.returncode == 0 and warning in done.stderr.decode(), done.stderr.decode()
    assert ids(watch(db, config, "agents", "--json")) == ["2403.10001", "2403.10004"]
    # The bad watch itself is refused, naming its problem.
    done = run_cli("watch", "bad", "--config", str(config), db=db, env=env)
    assert done.returncode == 2 and done.stdout == b""
    assert f"tui-digest: {warning.replace(': warning', '')}" in done.stderr.decode()
    # Every watch: the others are printed, and the exit status says one was not.
    done = run_cli("watch", "--config", str(config), db=db, env=env)
    assert done.returncode == 2 and warning in done.stderr.decode()
    out = done.stdout.decode()
    # (week: the fetched mini list, dated after today, counts too: bug hunt `tz` #1)
    assert "== agents (2) ==" in out and "== week (2) ==" in out and "bad" not in out
