"""A paper's announce type belongs to each listing of it, not to the paper.

arXiv's per-category feeds announce a cs.CL-primary paper as `new` in cs.CL
and as `cross` in cs.LG on the same day (`arxiv:announce_type`, one of new,
replace, absonly, cross, replace-cross: /work/shared/docs/upstream.md; the
item layout is that of /work/shared/samples/arxiv-rss2-format-sample.xml).
The cache kept one type per paper, the first one seen: viewing the other
day's listing showed it as `new`, `type:cross` inside the cs.LG digest missed
it, and `publish` wrote its cs.LG day with "Announce Type: new".
"""

from __future__ import annotations

import json
import sqlite3
from html import escape
from pathlib import Path

import pytest

from cli_support import run_cli
from tui_digest.core import schema
from tui_digest.core.digest_format import read_digest
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store
from tui_digest.publish.run import plan_day, refresh, write_plan

DAY = "2025-09-18"
SHARED = "2509.20001"  # cs.CL primary, cross-listed to cs.LG
LG_OWN = "2509.20002"  # cs.LG's own new paper
CL_OWN = "2509.20003"  # cs.CL's own replacement
EXTRA = "2509.20004"


def arxiv_rss(category: str, items: list[tuple[str, str, str]], day: str = "18") -> bytes:
    """An arXiv RSS 2.0 listing of `category` (as /work/shared/samples/
    arxiv-rss2-format-sample.xml): items of (id, version, announce type)."""
    body = "".join(
        f"""
    <item>
      <title>{escape(f"Paper {pid}")}</title>
      <link>https://arxiv.org/abs/{pid}</link>
      <description>arXiv:{pid}{version} Announce Type: {kind}
Abstract: An abstract of paper {pid}.</description>
      <guid isPermaLink="false">oai:arXiv.org:{pid}{version}</guid>
      <category>{"cs.CL" if pid == SHARED else category}</category>
      <pubDate>Thu, {day} Sep 2025 00:00:00 -0400</pubDate>
      <arxiv:announce_type>{kind}</arxiv:announce_type>
      <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>
      <dc:creator>Ada Lovelace, Alan Turing</dc:creator>
    </item>"""
        for pid, version, kind in items
    )
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">
  <channel>
    <title>{category} updates on arXiv.org</title>
    <link>http://rss.arxiv.org/rss/{category}</link>
    <description>{category} updates on the arXiv.org e-print archive.</description>
    <atom:link href="http://rss.arxiv.org/rss/{category}" rel="self" type="application/rss+xml"/>
    <language>en-us</language>
    <pubDate>Thu, {day} Sep 2025 00:00:00 -0400</pubDate>{body}
  </channel>
</rss>
""".encode()


CS_CL = arxiv_rss("cs.CL", [(SHARED, "v1", "new"), (CL_OWN, "v2", "replace")])
CS_LG = arxiv_rss("cs.LG", [(LG_OWN, "v1", "new"), (SHARED, "v1", "cross")])
LISTINGS = {"cs.CL": CS_CL, "cs.LG": CS_LG}


def import_feed(store: Store, category: str, data: bytes | None = None) -> str:
    """Import one category's listing as `fetch` files it; returns its digest's name."""
    result = read_document(
        data or LISTINGS[category], source=f"https://rss.arxiv.org/rss/{category}"
    )
    return store.import_digest(result.digest).digest


def shared_row(store: Store, digest: str | None):
    [row] = [r for r in store.search("", digest=digest) if r.id == SHARED]
    return row


def ids(store: Store, query: str, digest: str | None) -> list[str]:
    return sorted(r.id for r in store.search(query, digest=digest))


def check_listing_types(store: Store, names: dict[str, str], first: str) -> None:
    """Inside each digest its own type; across every paper the paper's (the first seen)."""
    cl, lg = names["cs.CL"], names["cs.LG"]
    assert shared_row(store, cl).announce_type == "new"
    assert shared_row(store, lg).announce_type == "cross"
    assert ids(store, "type:cross", lg) == [SHARED]
    assert ids(store, "type:new", lg) == [LG_OWN]
    assert ids(store, "-type:new", lg) == [SHARED]
    assert ids(store, "type:new", cl) == [SHARED]
    assert ids(store, "type:cross", cl) == []
    assert ids(store, "type:replace", cl) == [CL_OWN]
    assert store.count("type:cross", digest=lg) == 1
    # Also in the plans of tag: and note: (their own compiler).
    assert ids(store, "type:cross -tag:nothing", lg) == [SHARED]
    assert ids(store, "type:new -tag:nothing", lg) == [LG_OWN]
    # The full record, read as a digest lists it, and where it was listed.
    rowid = shared_row(store, None).rowid
    [as_lg] = store.get_papers([rowid], digest=lg)
    [as_cl] = store.get_papers([rowid], digest=cl)
    assert (as_lg.paper.announce_type, as_cl.paper.announce_type) == ("cross", "new")
    types = {x.digest: x.announce_type for x in as_lg.listings}
    assert types == {cl: "new", lg: "cross"}
    # No digest chosen: the paper's own type, the first one seen, as before.
    own = "new" if first == "cs.CL" else "cross"
    assert store.get_paper(SHARED).paper.announce_type == own
    assert shared_row(store, None).announce_type == own
    assert SHARED in ids(store, f"type:{own}", None)


@pytest.mark.parametrize("first", ["cs.CL", "cs.LG"])
def test_each_listing_keeps_the_type_its_feed_gave_across_restarts(
    tmp_path: Path, first: str
) -> None:
    db = tmp_path / "cache.db"
    order = [first, *(c for c in LISTINGS if c != first)]
    with Store.open(db) as store:
        names = {c: import_feed(store, c) for c in order}
        check_listing_types(store, names, first)
    with Store.open(db, readonly=True) as store:  # reopened: the types stayed
        check_listing_types(store, names, first)


def _published(store: Store, out: Path, category: str) -> dict[str, str]:
    write_plan(plan_day(store, categories=[category], date=DAY), out)
    md = (out / category / f"{DAY}.md").read_text("utf-8")
    back = read_digest(md).digest.papers
    return {p.id: p.announce_type for p in back}


@pytest.mark.parametrize("first", ["cs.CL", "cs.LG"])
def test_publish_writes_each_day_with_its_own_listing_types(tmp_path: Path, first: str) -> None:
    order = [first, *(c for c in LISTINGS if c != first)]
    with Store.open(tmp_path / "cache.db") as store:
        for category in order:
            import_feed(store, category)
        out = tmp_path / "site"
        assert _published(store, out, "cs.LG") == {LG_OWN: "new", SHARED: "cross"}
        assert _published(store, out, "cs.CL") == {SHARED: "new", CL_OWN: "replace"}
        md = (out / "cs.LG" / f"{DAY}.md").read_text("utf-8")
        assert f"arXiv:{SHARED}v1 Announce Type: cross" in md
        assert f"arXiv:{SHARED}v1 Announce Type: new" not in md
        # The papers read again after translation keep their listing's types.
        plan = refresh(store, plan_day(store, date=DAY))
        kinds = {
            c: {r.paper.id: r.paper.announce_type for r in rs} for c, rs in plan.papers.items()
        }
        assert kinds["cs.LG"][SHARED] == "cross" and kinds["cs.CL"][SHARED] == "new"


def test_export_of_a_digest_writes_its_listing_types(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        names = {c: import_feed(store, c) for c in ("cs.CL", "cs.LG")}
    for fmt in ("markdown", "json"):
        done = run_cli("export", "--digest", names["cs.LG"], "--format", fmt, db=db)
        assert done.returncode == 0, done.stderr
        text = done.stdout.decode("utf-8")
        if fmt == "markdown":
            kinds = {p.id: p.announce_type for p in read_digest(text).digest.papers}
            assert kinds == {LG_OWN: "new", SHARED: "cross"}
        else:
            [shared] = [o for o in json.loads(text) if o["id"] == SHARED]
            assert shared["announce_type"] == "cross"
            listed = {x["digest"]: x["announce_type"] for x in shared["listings"]}
            assert listed == {names["cs.CL"]: "new", names["cs.LG"]: "cross"}
    # Without --digest: the paper's own type, as before.
    done = run_cli("export", "--format", "json", db=db)
    [shared] = [o for o in json.loads(done.stdout) if o["id"] == SHARED]
    assert shared["announce_type"] == "new"


def test_a_same_day_update_of_one_listing_changes_the_type_there_only(tmp_path: Path) -> None:
    """arXiv's cs.LG listing of the day, fetched again, now lists the shared paper
    as `replace-cross` (a new version): the cs.LG digest takes that type, cs.CL's
    listing of the same day keeps its `new`."""
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        names = {c: import_feed(store, c) for c in ("cs.CL", "cs.LG")}
        again = arxiv_rss("cs.LG", [(LG_OWN, "v1", "new"), (SHARED, "v2", "replace-cross")])
        stats = store.import_digest(
            read_document(again, source="https://rss.arxiv.org/rss/cs.LG").digest
        )
        assert stats.digest == names["cs.LG"] and stats.outcome == "same-day update"
    with Store.open(db) as store:
        lg, cl = names["cs.LG"], names["cs.CL"]
        assert shared_row(store, lg).announce_type == "replace-cross"
        assert shared_row(store, cl).announce_type == "new"
        assert ids(store, "type:replace", lg) == [SHARED]
        assert ids(store, "type:replace", cl) == [CL_OWN]
        # The paper itself moved to its newer version, and so to its type.
        assert store.get_paper(SHARED).paper.announce_type == "replace-cross"
        # A type alone changing (same version) is also an update of that listing.
        back = arxiv_rss("cs.LG", [(LG_OWN, "v1", "cross"), (SHARED, "v2", "replace-cross")])
        store.import_digest(read_document(back, source="https://rss.arxiv.org/rss/cs.LG").digest)
        assert ids(store, "type:cross", lg) == sorted([LG_OWN, SHARED])
        assert ids(store, "type:new", lg) == []
    with Store.open(db) as store:
        assert ids(store, "type:new", names["cs.LG"]) == []
        assert shared_row(store, names["cs.LG"]).announce_type == "replace-cross"


def test_a_schema_10_cache_is_upgraded_to_listing_types(tmp_path: Path) -> None:
    """A cache the code before wrote: one type per paper (the first seen, here
    cs.CL's `new`), no type per listing. Every listing gets the paper's type
    (the best known); a read-only open is refused until then."""
    db = tmp_path / "cache.db"
    with Store.open(db) as store:
        names = {c: import_feed(store, c) for c in ("cs.CL", "cs.LG")}
    with sqlite3.connect(db, isolation_level=None) as conn:  # as schema 10 had it
        conn.execute("DROP TABLE removed_lists")  # (schema 12)
        conn.execute("DROP TABLE claims")  # (schema 17)
        conn.execute("ALTER TABLE sources DROP COLUMN history_read")  # (schema 18)
        conn.execute("ALTER TABLE papers DROP COLUMN arxiv_abstract")  # (schema 20)
        conn.execute("DROP TABLE hand_read")  # (schema 14)
        conn.execute("ALTER TABLE membership DROP COLUMN version")  # (schema 13)
        conn.execute("ALTER TABLE membership DROP COLUMN announce_type")
        conn.execute("PRAGMA user_version = 10")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with pytest.raises(Exception, match="needs an upgrade"):
        Store.open(db, readonly=True)
    with sqlite3.connect(db) as conn:
        assert schema.user_version(conn) == 10
    conn.close()
    upgrades: list[tuple[int, int]] = []
    with Store.open(db, on_upgrade=lambda a, b: upgrades.append((a, b))) as store:
        assert upgrades == [(10, schema.SCHEMA_VERSION)]
        lg = names["cs.LG"]
        # The best known: the paper's own type, in each of its listings.
        assert shared_row(store, lg).announce_type == "new"
        assert ids(store, "type:new", lg) == sorted([LG_OWN, SHARED])
        # The next same-day update of that listing brings every entry's own type
        # (an identical document is still no update: nothing is written then).
        more = arxiv_rss(
            "cs.LG", [(LG_OWN, "v1", "new"), (SHARED, "v1", "cross"), (EXTRA, "v1", "new")]
        )
        stats = store.import_digest(
            read_document(more, source="https://rss.arxiv.org/rss/cs.LG").digest
        )
        assert stats.outcome == "same-day update"
    with Store.open(db, readonly=True) as store:
        assert store.stats()["schema"] == schema.SCHEMA_VERSION
        assert shared_row(store, lg).announce_type == "cross"
        assert shared_row(store, names["cs.CL"]).announce_type == "new"
        assert ids(store, "type:new", lg) == sorted([LG_OWN, EXTRA])
        assert ids(store, "type:cross", lg) == [SHARED]
