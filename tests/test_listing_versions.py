"""A listing's announce type goes with the version that listing gave the paper.

arXiv announces a paper's v1 as `new` one day and its v2 as `replace` a later
day (`arxiv:announce_type`, /work/shared/docs/upstream.md). With a type per
listing but one version per paper, publishing or exporting the earlier day
wrote "arXiv:2508.14001v2 Announce Type: new", and a subscriber importing that
day's file then the next kept "v2 new" for good (the same version only fills
an empty type: `merge.listed_as`), so `type:replace` missed it. Found by a bug
hunt. The feeds are the project's own (tests/fixtures/feeds/arxiv-atom-listver-*).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from cli_support import run_cli
from tui_digest.core.model import IDENTICAL
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store
from tui_digest.core.store.facade_import import prepare_papers

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
PAPER = "2508.14001"  # v1 new in cs.AI on 08-20 (cross in cs.LG), v2 replace in cs.AI on 08-21
AI_20 = FEEDS / "arxiv-atom-listver-cs.AI-2025-08-20.xml"
LG_20 = FEEDS / "arxiv-atom-listver-cs.LG-2025-08-20.xml"
AI_21 = FEEDS / "arxiv-atom-listver-cs.AI-2025-08-21.xml"


def import_feed(store: Store, path: Path) -> str:
    """Import an arXiv listing as `fetch` files it (its bytes kept: an earlier day's
    listing of v1 is read back from them once v2 replaced the text,
    tests/test_past_day_text.py); returns its digest's name."""
    category = path.name.split("-")[3]
    data = path.read_bytes()
    result = read_document(data, source=f"http://rss.arxiv.org/atom/{category}")
    return store.import_digest(result.digest, raw=data).digest


def as_listed(store: Store, digest: str) -> tuple[str, str]:
    [rowid] = store.list_ids(f"id:{PAPER}", digest=digest)
    [rec] = store.get_papers([rowid], digest=digest)
    return rec.paper.version, rec.paper.announce_type


def test_publishing_an_earlier_day_writes_that_days_version_with_its_type(
    tmp_path: Path,
) -> None:
    db, out, sub = tmp_path / "pub.db", tmp_path / "site", tmp_path / "sub.db"
    with Store.open(db) as store:
        day20, day21 = import_feed(store, AI_20), import_feed(store, AI_21)
        lg20 = import_feed(store, LG_20)
    with Store.open(db, readonly=True) as store:  # across a restart
        assert as_listed(store, day20) == ("v1", "new")
        assert as_listed(store, lg20) == ("v1", "cross")
        assert as_listed(store, day21) == ("v2", "replace")
        assert (
            store.get_paper(PAPER).paper.version,
            store.get_paper(PAPER).paper.announce_type,
        ) == ("v2", "replace")
        listed = {x.digest: (x.version, x.announce_type) for x in store.get_paper(PAPER).listings}
        assert listed == {day20: ("v1", "new"), lg20: ("v1", "cross"), day21: ("v2", "replace")}
    for day in ("2025-08-20", "2025-08-21"):
        done = run_cli("publish", "--out", str(out), "--date", day, db=db)
        assert done.returncode == 0, done.stderr
    md20 = (out / "cs.AI" / "2025-08-20.md").read_text("utf-8")
    assert f"arXiv:{PAPER}v1 Announce Type: new" in md20
    assert f"arXiv:{PAPER}v2" not in md20
    assert f"arXiv:{PAPER}v2 Announce Type: replace" in (out / "cs.AI" / "2025-08-21.md").read_text(
        "utf-8"
    )
    # The earlier day exported: the same pairing.
    done = run_cli("export", "--digest", day20, "--format", "markdown", db=db)
    assert f"arXiv:{PAPER}v1 Announce Type: new" in done.stdout.decode("utf-8")
    # JSON gives each listing its version beside its type; --digest the listing's.
    done = run_cli("search", "--json", f"id:{PAPER}", db=db)
    [paper] = json.loads(done.stdout)
    listed = {x["digest"]: (x["version"], x["announce_type"]) for x in paper["listings"]}
    assert listed == {day20: ("v1", "new"), lg20: ("v1", "cross"), day21: ("v2", "replace")}
    done = run_cli("export", "--digest", day20, "--format", "json", db=db)
    [paper] = [p for p in json.loads(done.stdout) if p["id"] == PAPER]
    assert (paper["version"], paper["announce_type"]) == ("v1", "new")
    # A subscriber importing the two days' feeds in order ends with v2 replace.
    for day in ("2025-08-20", "2025-08-21"):
        done = run_cli("import", str(out / "cs.AI" / f"{day}.xml"), db=sub)
        assert done.returncode == 0, done.stderr
    done = run_cli("search", "--json", "type:replace", db=sub)
    [paper] = json.loads(done.stdout)
    assert (paper["id"], paper["version"], paper["announce_type"]) == (PAPER, "v2", "replace")


def _reimport(store: Store, path: Path, how: str) -> str:
    """Import a feed again by one of the store's import paths; returns the outcome."""
    category = path.name.split("-")[3]
    digest = read_document(path.read_bytes(), source=f"http://rss.arxiv.org/atom/{category}").digest
    if how == "whole":
        return store.import_digest(digest).outcome
    if how == "stream":
        return store.import_stream(digest, iter(digest.papers)).outcome
    return store.import_stream(digest, [], prepared=prepare_papers(digest.papers)).outcome


@pytest.mark.parametrize("how", ["whole", "stream", "prepared"])
def test_importing_the_same_documents_again_repairs_an_upgraded_caches_listings(
    tmp_path: Path, how: str
) -> None:
    """A schema-10 cache upgraded gave every listing the paper's own type
    (`replace`, of its v2) and no version; an identical document wrote nothing,
    so importing the feeds again could not repair them (found by a bug hunt)."""
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        names = [import_feed(store, path) for path in (AI_20, LG_20, AI_21)]
    with sqlite3.connect(db, isolation_level=None) as conn:  # as schema 10 had it
        conn.execute("DROP TABLE removed_lists")  # (schema 12)
        conn.execute("DROP TABLE claims")  # (schema 17)
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("DROP TABLE hand_read")  # (schema 14)
        conn.execute("ALTER TABLE membership DROP COLUMN version")  # (schema 13)
        conn.execute("ALTER TABLE membership DROP COLUMN announce_type")  # (schema 11)
        conn.execute("PRAGMA user_version = 10")
    conn.close()
    with Store.open(db) as store:
        assert [as_listed(store, name) for name in names] == [("v2", "replace")] * 3
        digests = store.stats()["digests"]
        # The cs.LG day and the cs.AI 08-21 one are their sources' latest: identical.
        assert _reimport(store, LG_20, how) == IDENTICAL
        assert _reimport(store, AI_21, how) == IDENTICAL
        _reimport(store, AI_20, how)  # (its source's latest is 08-21: a same-day revision)
        assert store.stats()["digests"] == digests  # no digest made
    with Store.open(db, readonly=True) as store:  # across a restart
        assert [as_listed(store, name) for name in names] == [
            ("v1", "new"),
            ("v1", "cross"),
            ("v2", "replace"),
        ]
        assert sorted(r.id for r in store.search("type:cross", digest=names[1])) == [PAPER]
        assert store.list_ids("type:replace", digest=names[0]) == []


def test_a_digests_rows_and_detail_show_the_version_its_listing_gave(tmp_path: Path) -> None:
    """Inside the 08-20 digest the list row, and the detail pane's id line drawn
    from it (`MainScreen` passes the row's type and version), say v1 with `new`."""
    from tui_digest.ui.paper_text import detail_content

    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        day20, day21 = import_feed(store, AI_20), import_feed(store, AI_21)
    with Store.open(db, readonly=True) as store:
        for digest, want in ((day20, ("v1", "new")), (day21, ("v2", "replace"))):
            [row] = [r for r in store.search("", digest=digest) if r.id == PAPER]
            assert (row.version, row.announce_type) == want
            record = store.get_paper(PAPER)
            text = detail_content(
                record, "en", row.ref, announce_type=row.announce_type, version=row.version
            ).plain
            assert f"{PAPER}{want[0]}" in text and want[1] in text
        [row] = [r for r in store.search("") if r.id == PAPER]  # no digest: the paper's own
        assert (row.version, row.announce_type) == ("", "replace")
        assert f"{PAPER}v2" in detail_content(store.get_paper(PAPER), "en").plain
