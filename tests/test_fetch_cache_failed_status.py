"""`sources list` after a fetch the cache failed (its disk full): the source's
last status says the cache failed, not "failed (HTTP 200)", which read as if the
server's answer was the failure (found by a bug hunt). The full disk is
simulated: the import fails as the store says a full disk.
"""

from __future__ import annotations

import json

import pytest

from feed_server import FeedServer, Reply, arxiv_rss
from test_fetch_commands import cli
from tui_digest.core.store import CacheError, Store
from tui_digest.fetch.results import SourceResult, status_text


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def test_a_source_the_cache_failed_says_so_in_its_status(server, tmp_path, monkeypatch, capsys):
    server.route("/ai", Reply(200, body=arxiv_rss("cs.AI", [("2509.00001", "One")])))
    config = tmp_path / "config.toml"
    config.write_text(
        f'[enrich]\nafter_fetch = false\n\n[[sources]]\nname = "ai"\nurl = "{server.url("/ai")}"\n'
    )
    db = tmp_path / "c.db"

    def full(self, *_args, **_kwargs):
        raise CacheError(f"{self.path}: the disk is full; nothing of this change was saved")

    monkeypatch.setattr(Store, "import_digest", full)
    assert cli(["fetch", "--config", str(config), "--db", str(db)]) == 1
    assert "ai: failed (cache: " in capsys.readouterr().err
    assert cli(["sources", "list", "--json", "--config", str(config), "--db", str(db)]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["last_status"] == "failed (cache error)"
    assert "the disk is full" in row["last_error"]


def test_status_text_of_failures() -> None:
    def failed(error: str, http: int | None) -> str:
        return status_text(SourceResult("a", "u", "failed", error=error, http_status=http))

    assert failed("cache: x: the disk is full", 200) == "failed (cache error)"
    assert failed("cache: x: the disk is full", None) == "failed (cache error)"
    assert failed("not a digest or feed", 200) == "failed (HTTP 200)"
    assert failed("connection refused", None) == "failed"
