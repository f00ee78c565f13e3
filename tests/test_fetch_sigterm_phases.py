"""SIGTERM during `fetch` behaves as Ctrl-C in every phase (bug hunt `regnet`):
during the after-fetch translation it exited 143 without a word, where Ctrl-C
saves the answers received and prints the summary. Real processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from cli_support import _env
from fake_llm_server import FakeLLM, Reply
from feed_server import FeedServer, arxiv_rss
from feed_server import Reply as FeedReply

FEED = arxiv_rss("cs.AI", [("2509.00001", "One paper"), ("2509.00002", "Another paper")])


def _wait_for(condition, seconds: float = 60) -> bool:  # type: ignore[no-untyped-def]
    """Polls `condition` (a fail-safe bound, not a timing: it returns once true)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["int", "term"]
)
def test_a_signal_during_the_after_fetch_translation_saves_and_reports(tmp_path, signum, status):
    with FeedServer() as feeds, FakeLLM() as llm:
        feeds.route("/ai", FeedReply(200, body=FEED))
        llm.script(Reply.stalled())
        config = tmp_path / "config.toml"
        config.write_text(
            "[enrich]\nafter_fetch = false\n\n"
            "[translate]\nenabled = true\nafter_fetch = true\n"
            f'base_url = "{llm.base_url}"\nmodel = "m"\napi_key_env = "T_KEY"\n'
            "concurrency = 1\nbatch_size = 1\n\n"
            f'[[sources]]\nname = "ai"\nurl = "{feeds.url("/ai")}"\n',
            encoding="utf-8",
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui_digest", "fetch", "--config", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(tmp_path / "c.db", {"T_KEY": "sk-test"}),
        )
        try:
            assert _wait_for(lambda: bool(llm.requests) or proc.poll() is not None)
            proc.send_signal(signum)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    said = err.decode()
    assert proc.returncode == status, said
    assert "Traceback" not in said
    assert "interrupted: saving the answers received" in said, said
    assert "ai: new 2" in out.decode()
    # The translation's summary: what was asked and what is left.
    assert "of 2 paper(s) with m" in out.decode() + said, out.decode() + said


def test_an_interrupted_run_counts_the_sources_the_cache_recorded(tmp_path, capsys) -> None:
    """A source stopped between its commit and its line was not counted: SIGTERM
    said "nothing was fetched" while its 47 papers were stored (bug hunt `regnet`).
    The sources done are counted from the cache."""
    from tui_digest.cli_fetch import _Ended, _last_checked, _print_interrupted, _stored_now
    from tui_digest.core.store import Store

    with Store.open(tmp_path / "c.db") as store:
        store.set_source_state("old", last_checked="2026-12-01T06:00:00Z")
        done = _Ended()
        done.checked_before = _last_checked(store, ["good1", "old", "slow"])
        store.set_source_state("good1", last_checked="2026-12-02T06:00:00Z")
        stored = _stored_now(store, done)
    assert stored == 1
    _print_interrupted(done.results, 3, stored)
    assert capsys.readouterr().err == (
        "interrupted: 1 of 3 sources done (its papers are stored); the other 2 were not fetched\n"
    )
