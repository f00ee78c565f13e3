"""A watch with `sort:foryou` is ranked as `search` ranks it (found by a bug hunt:
`[[watches]] query = "date:-7d sort:foryou"` printed newest first without a word)."""

from __future__ import annotations

import json

import pytest

from cli_support import run_cli
from rank_corpus import build, star

QUERY = "-is:starred sort:foryou"


@pytest.fixture
def cache(tmp_path):
    db, config = tmp_path / "cache.db", tmp_path / "config.toml"
    config.write_text(
        f'[[watches]]\nname = "foryou"\nquery = "{QUERY}"\n\n'
        '[[watches]]\nname = "plain"\nquery = "cat:cs.CL"\n',
        encoding="utf-8",
    )
    return db, config, build(db)


def _ids(done) -> list[str]:
    assert done.returncode == 0, done.stderr.decode()
    return [p["id"] for p in json.loads(done.stdout)]


def test_a_foryou_watch_prints_the_search_ranking(cache):
    db, config, ids = cache
    star(db, ids["diffusion"][:10])
    ranked = _ids(run_cli("search", "--json", "--limit", "1000", *QUERY.split(), db=db))
    newest_first = _ids(run_cli("search", "--json", "--limit", "1000", "-is:starred", db=db))
    assert ranked != newest_first and set(ranked[:10]) <= set(ids["diffusion"])

    watched = _ids(run_cli("watch", "foryou", "--json", "--config", str(config), db=db))
    assert watched == ranked
    # Every watch at once: the ranked one ranked, the other in listing order.
    both = run_cli("watch", "--json", "--config", str(config), db=db)
    assert both.returncode == 0, both.stderr.decode()
    found = {name: [p["id"] for p in papers] for name, papers in json.loads(both.stdout).items()}
    assert found["foryou"] == ranked
    plain = run_cli("search", "--json", "--limit", "1000", "cat:cs.CL", db=db)
    assert found["plain"] == _ids(plain)

    # --since-last-run: the first run prints the ranking, the next nothing new.
    args = ("watch", "foryou", "--json", "--since-last-run", "--config", str(config))
    assert _ids(run_cli(*args, db=db)) == ranked
    assert _ids(run_cli(*args, db=db)) == []


def test_a_foryou_watch_that_cannot_rank_says_why_and_still_lists(cache):
    db, config, ids = cache
    star(db, ids["rl"][:2])
    done = run_cli("watch", "foryou", "--json", "--config", str(config), db=db)
    newest_first = _ids(run_cli("search", "--json", "--limit", "1000", "-is:starred", db=db))
    assert _ids(done) == newest_first  # a cron job still gets the papers...
    err = done.stderr.decode()
    assert "watch 'foryou' not ranked" in err and "at least 5 starred papers" in err  # ...and why
    # One line whose sentences end as sentences (it ended "…your stars).; listed
    # newest first": found by a bug hunt).
    line = next(line for line in err.splitlines() if "not ranked" in line)
    assert line.startswith("tui-digest: watch 'foryou' not ranked, listed newest first: For you")
    assert line.endswith("(is:starred lists your stars).") and ".;" not in line
    table = run_cli("watch", "--config", str(config), db=db)
    assert table.returncode == 0 and b"not ranked" in table.stderr
