"""A source that keeps its name but gets another URL is, for `sources list`, never fetched.

Found by a bug hunt: after `digest-cs.LG` was pointed from a local test server to
the generator's GitHub URL, `sources list` (and `--json`, and the reader's `S`)
showed the old URL's last result for a URL that was never fetched. The fetch
state is the last fetch's, of one URL; shown only for the URL the source has now.
"""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_cli
from feed_server import FeedServer, Reply, arxiv_rss, conditional

NAME = "digest-cs.LG"
FEED = arxiv_rss("cs.LG", [("2509.00001", "One"), ("2509.00002", "Two")])


def config(path: Path, url: str) -> Path:
    path.write_text(
        f'[enrich]\nafter_fetch = false\n\n[[sources]]\nname = "{NAME}"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    return path


def listed(db: Path, cfg: Path) -> tuple[str, dict[str, object]]:
    """The source's row of `sources list` and its `--json` object, each a new process."""
    text = run_cli("sources", "list", "--config", str(cfg), db=db)
    assert text.returncode == 0, text.stderr
    row = next(x for x in text.stdout.decode().splitlines() if x.startswith(NAME + " "))
    as_json = run_cli("sources", "list", "--json", "--config", str(cfg), db=db)
    assert as_json.returncode == 0, as_json.stderr
    (entry,) = json.loads(as_json.stdout)
    return row, entry


def test_a_changed_url_shows_never_fetched_until_that_url_is_fetched(tmp_path) -> None:
    db = tmp_path / "cache.db"
    with FeedServer() as server:
        server.route("/gh/other.md", conditional(FEED, etag='"o1"'))
        server.route("/gh/cs.LG.md", Reply(404), conditional(FEED, etag='"n1"'))
        old = config(tmp_path / "old.toml", server.url("/gh/other.md"))
        new = config(tmp_path / "new.toml", server.url("/gh/cs.LG.md"))

        assert run_cli("fetch", "--config", str(old), db=db).returncode == 0
        row, entry = listed(db, old)
        assert "new 2 / updated 0 / unchanged 0 (HTTP 200)" in row
        assert entry["last_status"] == "new 2 / updated 0 / unchanged 0 (HTTP 200)"

        # The config changed (and the cache was reopened): the new URL was never fetched.
        row, entry = listed(db, new)
        assert row.split()[3:5] == ["never", "-"], row
        assert "HTTP 200" not in row
        assert (entry["last_checked"], entry["last_status"]) == (None, None)

        # Its first fetch fails: that result is the new URL's, and shown for it.
        assert run_cli("fetch", "--config", str(new), db=db).returncode == 1
        row, entry = listed(db, new)
        assert "failed" in row and "HTTP 404" in row
        assert "HTTP 404" in str(entry["last_status"])
        # (said on stderr into a pipe: stdout holds the table only)
        assert (
            "last error" in run_cli("sources", "list", "--config", str(new), db=db).stderr.decode()
        )
        # ... and the old URL's validators went with the old URL's result.
        assert run_cli("fetch", "--config", str(new), db=db).returncode == 0
        assert "if-none-match" not in server.requests_to("/gh/cs.LG.md")[-1].headers
        row, _ = listed(db, new)
        assert "new 0 / updated 0 / unchanged 2 (HTTP 200)" in row
        row, entry = listed(db, old)
        assert row.split()[3:5] == ["never", "-"] and entry["last_status"] is None


def test_an_earlier_releases_failures_still_show_after_the_upgrade(tmp_path) -> None:
    """An earlier release stored no URL with a failed fetch: after the upgrade its
    source read "never fetched" and its last error was gone (found by a regression
    hunt). A state with no URL is the source's own."""
    from tui_digest.core.store import Store

    db = tmp_path / "cache.db"
    url = "http://127.0.0.1:9/nothere.md"
    cfg = config(tmp_path / "config.toml", url)
    with Store.open(db) as store:
        store.set_source_state(
            NAME,
            last_checked="2026-11-30T08:00:00Z",
            last_status="failed (HTTP 404)",
            last_error=f"{url}: HTTP 404 Not Found",
        )
        assert not store.get_source_state(NAME)["url"]  # (the column says "")
    row, entry = listed(db, cfg)
    assert "failed (HTTP 404)" in row and "never" not in row
    assert entry["last_status"] == "failed (HTTP 404)"
