"""`tui-digest import DIR/` of a folder `tui-digest publish` wrote (found by a bug hunt).

The folder holds each day twice (`<cat>/<date>.md` and `.xml`) and the newest
day twice more (`<cat>.md`, `<cat>.xml`), beside its `index.json`. Imported
file by file, the index was read as a paper archive ("no arXiv id", exit 1),
every day came in two to four times, the newest also under the day of the
import, and the dated Markdown lost its category. Read through its index, as
a subscription reads it, each day comes in once, under its date, with the
index's category, and a later subscription to the folder fetches nothing again.
"""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_cli
from tui_digest.config.sources import Source
from tui_digest.core.store import Store
from tui_digest.fetch.runner import fetch_all

ARXIV = (
    Path(__file__).parent / "fixtures" / "feeds" / "arxiv-rss-cs.AI-2025-09-18.xml"
).read_bytes()
DAYS = ["2025-09-16", "2025-09-17", "2025-09-18"]
TODAY = {"TUI_DIGEST_TODAY": "2026-12-01"}


def arxiv_day(day: str) -> bytes:
    """The fixture as arXiv's cs.AI listing of `day`, with ids of its own."""
    dd = day[-2:]
    data = ARXIV.replace(b"Thu, 18 Sep 2025", f"Thu, {dd} Sep 2025".encode())
    return data.replace(b"2509.1000", f"2509.{dd}00".encode())


def published(tmp_path: Path) -> Path:
    """A folder the real `publish` wrote over three days."""
    db, out = tmp_path / "publisher.db", tmp_path / "site"
    for day in DAYS:
        feed = tmp_path / f"arxiv-{day}.xml"
        feed.write_bytes(arxiv_day(day))
        assert run_cli("import", str(feed), db=db).returncode == 0
        done = run_cli(
            "publish", "--out", str(out), "--date", day, "--no-translate", "--title", "lab", db=db
        )
        assert done.returncode == 0, done.stderr.decode()
    assert (out / "index.json").is_file() and (out / "cs.AI.md").is_file()
    return out


def digests(db: Path) -> list[tuple[str, int, str, str]]:
    done = run_cli("digests", "--json", db=db)
    assert done.returncode == 0, done.stderr.decode()
    return sorted(
        (d["date"], d["papers"], d["source"], d["category"]) for d in json.loads(done.stdout)
    )


def test_a_published_folder_imports_each_day_once_under_its_date_with_its_category(tmp_path):
    out = published(tmp_path)
    db = tmp_path / "colleague.db"
    done = run_cli("import", str(out) + "/", db=db, env=TODAY)
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert "error" not in err and "index.json" not in err
    # Each day once, under its own date, as the days of the category's feed.
    feed = str(out / "cs.AI.xml")
    assert digests(db) == [(day, 4, feed, "cs.AI") for day in DAYS]
    lines = done.stdout.decode().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        str(out / "cs.AI" / f"{day}.xml") for day in DAYS
    ]

    # Every paper with the categories the publisher's cache gives it (the
    # Markdown has no room for them; the feed has).
    def categories(cache: Path) -> dict[str, list[str]]:
        papers = json.loads(run_cli("search", "--json", "", db=cache).stdout)
        return {p["id"]: p["categories"] for p in papers}

    got = categories(db)
    assert len(got) == 12 and all(got.values())
    assert got == categories(tmp_path / "publisher.db")

    # Again: nothing new, nothing doubled; the index file alone reads the folder too.
    for again in (out, out / "index.json"):
        done = run_cli("import", str(again), db=db, env=TODAY)
        assert done.returncode == 0, done.stderr.decode()
        assert digests(db) == [(day, 4, feed, "cs.AI") for day in DAYS]


async def test_a_subscription_after_the_import_fetches_no_day_again(tmp_path):
    out = published(tmp_path)
    db = tmp_path / "colleague.db"
    assert run_cli("import", str(out), db=db, env=TODAY).returncode == 0
    before = digests(db)
    store = Store.open(db)
    try:
        [result] = await fetch_all(store, [Source("lab", str(out), "")])
        assert result.status != "error", result
    finally:
        store.close()
    assert digests(db) == before


def test_a_day_imported_from_its_own_file_first_is_not_doubled(tmp_path):
    """Found by a regression hunt: `import site/cs.AI/<day>.xml`, then `import site/`
    made that day's `-2` (filed under the category's feed, another source)."""
    out = published(tmp_path)
    db = tmp_path / "colleague.db"
    own = out / "cs.AI" / f"{DAYS[0]}.xml"
    assert run_cli("import", str(own), db=db, env=TODAY).returncode == 0
    done = run_cli("import", str(out), db=db, env=TODAY)
    assert done.returncode == 0, done.stderr.decode()
    feed = str(out / "cs.AI.xml")
    assert digests(db) == [(DAYS[0], 4, str(own), "")] + [
        (day, 4, feed, "cs.AI") for day in DAYS[1:]
    ]


def test_files_the_index_does_not_list_are_named_and_a_lost_feed_falls_back(tmp_path):
    """Found by a regression hunt: a file in the folder the index does not list
    was left out without a word; a day whose feed was gone (its Markdown there,
    listed too) failed the import."""
    out = published(tmp_path)
    (out / "mine").mkdir()
    extra = out / "mine" / f"arxiv-{DAYS[0]}.xml"
    extra.write_bytes(arxiv_day(DAYS[0]))
    (out / "cs.AI" / f"{DAYS[1]}.xml").unlink()
    db = tmp_path / "colleague.db"
    done = run_cli("import", str(out), db=db, env=TODAY)
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert f"{extra}: not imported: the folder's index.json does not list it" in err
    assert [d[:2] for d in digests(db)] == [(day, 4) for day in DAYS]


def test_a_day_read_from_its_markdown_is_named_as_its_feed_names_it(tmp_path):
    """A day whose `.xml` was missing was read from its `.md` and named by that
    file's name, the date only (`2025-09-17`; another category's the same day
    `2025-09-17-2`), losing the category (bug hunt `auditout` #5). It gets the
    name its feed gives: `<title>-<category>-<date>`."""
    out = published(tmp_path)
    with_feed = tmp_path / "with-feed.db"
    assert run_cli("import", str(out), db=with_feed, env=TODAY).returncode == 0
    (out / "cs.AI" / f"{DAYS[1]}.xml").unlink()
    db = tmp_path / "colleague.db"
    done = run_cli("import", str(out), db=db, env=TODAY)
    assert done.returncode == 0, done.stderr.decode()

    def names(cache: Path) -> list[str]:
        return sorted(d["name"] for d in json.loads(run_cli("digests", "--json", db=cache).stdout))

    assert f"lab-cs.AI-{DAYS[1]}" in names(with_feed)
    assert names(db) == names(with_feed)
