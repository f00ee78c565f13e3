"""A Last-Modified dates an undated document only when it is plausible: never a day
after the fetch's (a server clock ahead, a bogus future date), never one before
arXiv's first papers (an mtime of 0: files from a Nix store or a build with
SOURCE_DATE_EPOCH=0, some object stores). Found by a bug hunt: a fresh digest
filed as `epoch-1970-01-01` (pruned by the first `prune`, then kept out as a day
removed) or `future-2099-12-01` (on top of the list for good)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from feed_server import FeedServer, conditional
from tui_digest.config.sources import Source
from tui_digest.core.digest_day import digest_day
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.fetch.runner import fetch_all
from tui_digest.net.options import HttpOptions

MARKDOWN = (Path(__file__).parent / "fixtures" / "digests" / "canonical-3.md").read_bytes()


@pytest.mark.parametrize(
    ("last_modified", "day"),
    [
        ("Thu, 01 Jan 1970 00:00:00 GMT", "2026-12-02"),  # mtime 0
        ("Tue, 01 Jan 1980 00:00:00 GMT", "2026-12-02"),  # a zip's earliest date
        ("Tue, 01 Dec 2099 00:00:00 GMT", "2026-12-02"),  # the future
        ("Thu, 03 Dec 2026 10:00:00 GMT", "2026-12-02"),  # a server clock a day ahead
        ("Wed, 02 Dec 2026 09:00:00 GMT", "2026-12-02"),  # later today: today all the same
        ("Tue, 01 Dec 2026 12:00:00 GMT", "2026-12-01"),  # yesterday: that day
        ("Wed, 20 Mar 2024 12:00:00 GMT", "2024-03-20"),  # a file unchanged for years
        ("Mon, 02 Sep 1991 12:00:00 GMT", "1991-09-02"),  # arXiv's first year
    ],
)
def test_a_last_modified_counts_only_when_plausible(last_modified, day):
    assert digest_day("", "https://example.org/x.md", last_modified, "2026-12-02") == day


def test_a_document_date_is_not_bounded():
    """The bounds are the HTTP date's: a document that states its day keeps it."""
    assert digest_day("1970-01-01", "", "", "2026-12-02") == "1970-01-01"
    assert digest_day("", "/a/digest-cs.AI-2027-01-05.md", "", "2026-12-02") == "2027-01-05"


def test_the_store_files_under_the_fetch_day_then(tmp_path):
    with Store.open(tmp_path / "c.db") as store:
        store.today = lambda: "2026-12-02"
        doc = Digest("epoch", source="https://h/b.md", papers=[Paper(id="2403.10056")])
        stats = store.import_digest(doc, last_modified="Thu, 01 Jan 1970 00:00:00 GMT")
        assert stats.digest == "epoch-2026-12-02"


@pytest.mark.parametrize(
    ("last_modified", "day"),
    [
        ("Thu, 01 Jan 1970 00:00:00 GMT", "2026-12-02"),
        ("Tue, 01 Dec 2099 00:00:00 GMT", "2026-12-02"),
        ("Mon, 30 Nov 2026 08:00:00 GMT", "2026-11-30"),
    ],
)
async def test_a_fetched_undated_digest(tmp_path, last_modified, day):
    with FeedServer() as server, Store.open(tmp_path / "c.db") as store:
        server.route("/lm/b.md", conditional(MARKDOWN, last_modified=last_modified))
        source = Source("lm", server.url("/lm/b.md"))

        def now() -> dt.datetime:  # (the local date of this moment, in any usual zone)
            return dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)

        [result] = await fetch_all(store, [source], options=HttpOptions(retries=0), now=now)
        assert result.ok and result.digest == f"lm-{day}"
