"""A past day keeps the version and the text it listed once a newer version arrives.

The cache keeps one text per paper: v2 `replace-cross` on 07-02 replaced the
abstract, and 07-01, which listed v1 `cross`, then showed, exported and
published the v2 abstract under "v1 cross"; a paper 07-01 listed with no
arXiv header took 07-02's "v2 replace" and `type:replace` found it there
(found by a bug hunt, `history` #1). Each test replays the days: 07-01
imported and published, 07-02 (v2 of both) imported, 07-01 published again.
The digests are written here, in the generator's layout.
"""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_cli
from tui_digest.core.store import Store

OLD = "2402.06963"  # listed with no arXiv header on 07-01; v2 `replace` on 07-02
CROSS = "2403.18717"  # v1 `cross` on 07-01; v2 `replace-cross` on 07-02
DAY1, DAY2 = "digest-cs.LG-2024-07-01", "digest-cs.LG-2024-07-02"


def _footnote(ref: int, pid: str, title: str, abstract: str) -> str:
    url = f"https://arxiv.org/abs/{pid}"
    return (
        f"[^{ref}]: 标题{ref}\n\n    {title}\n\n    [{url}]({url})\n\n    摘要{ref}。\n\n"
        f"    \n\n    中文摘要{ref}。\n\n    {abstract}\n    \n"
    )


def digest(old_abstract: str, cross_abstract: str) -> str:
    rows = [(OLD, "Tree Ensembles for Contextual Bandits"), (CROSS, "Deep Causal Models")]
    table = "".join(
        f"| [^{i}] | [{t}](https://arxiv.org/abs/{p}) | 摘要{i}。 |\n"
        for i, (p, t) in enumerate(rows, 1)
    )
    notes = "".join(
        _footnote(i, p, t, a)
        for i, ((p, t), a) in enumerate(zip(rows, (old_abstract, cross_abstract), strict=True), 1)
    )
    return f"# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n{table}\n# 详细\n\n{notes}\n"


DAY1_TEXT = digest(
    "We propose a novel framework for bandits.",
    f"arXiv:{CROSS}v1 Announce Type: cross  Abstract: Developing causal models.",
)
DAY2_TEXT = digest(
    f"arXiv:{OLD}v2 Announce Type: replace  Abstract: V2TEXT We propose a novel framework.",
    f"arXiv:{CROSS}v2 Announce Type: replace-cross  Abstract: V2TEXT Developing causal models.",
)


def replay(tmp_path: Path, *, publish: bool = True) -> Path:
    """07-01 imported (and published), then 07-02; returns the cache."""
    db, out = tmp_path / "c.db", tmp_path / "pub"
    for name, text in ((DAY1, DAY1_TEXT), (DAY2, DAY2_TEXT)):
        path = tmp_path / f"{name}.md"
        path.write_text(text, "utf-8")
        done = run_cli("import", str(path), db=db)
        assert done.returncode == 0, done.stderr
        if publish and name == DAY1:
            done = run_cli("publish", "--out", str(out), "--no-translate", db=db)
            assert done.returncode == 0, done.stderr
            assert (out / "cs.LG" / "2024-07-01.md").read_text("utf-8") == DAY1_TEXT
    return db


def test_a_listing_without_version_or_type_is_not_relabelled_by_a_later_version(
    tmp_path: Path,
) -> None:
    db = replay(tmp_path, publish=False)
    with Store.open(db, readonly=True) as store:
        listed = {x.digest: (x.version, x.announce_type) for x in store.get_paper(OLD).listings}
        assert listed == {DAY1: ("", ""), DAY2: ("v2", "replace")}
        [row] = [r for r in store.search("", digest=DAY1) if r.id == OLD]
        assert (row.version, row.announce_type) == ("", "")
        assert store.list_ids("type:replace", digest=DAY1) == []
        assert len(store.list_ids("type:replace", digest=DAY2)) == 2  # (and replace-cross)
        # Across all papers, the paper's own: its newest version's.
        paper = store.get_paper(OLD).paper
        assert (paper.version, paper.announce_type) == ("v2", "replace")


def test_publishing_a_past_day_again_leaves_its_file_unchanged(tmp_path: Path) -> None:
    db = replay(tmp_path)
    out = tmp_path / "pub"
    done = run_cli("publish", "--out", str(out), "--date", "2024-07-01", "--no-translate", db=db)
    assert done.returncode == 0, done.stderr
    assert (out / "cs.LG" / "2024-07-01.md").read_text("utf-8") == DAY1_TEXT
    assert "unchanged" in done.stdout.decode()
    # The newer day is published with its own version's header and text.
    done = run_cli("publish", "--out", str(out), "--no-translate", db=db)
    assert (out / "cs.LG" / "2024-07-02.md").read_text("utf-8") == DAY2_TEXT


def _exported(db: Path, digest: str) -> dict[str, dict]:
    done = run_cli("export", "--digest", digest, "--format", "json", db=db)
    assert done.returncode == 0, done.stderr
    return {p["id"]: p for p in json.loads(done.stdout)}


def test_json_export_of_a_past_day_gives_the_text_of_the_version_it_lists(
    tmp_path: Path,
) -> None:
    db = replay(tmp_path)
    day1 = _exported(db, DAY1)
    assert (day1[CROSS]["version"], day1[CROSS]["announce_type"]) == ("v1", "cross")
    assert day1[CROSS]["abstract_en"] == "Developing causal models."
    assert (day1[OLD]["version"], day1[OLD]["announce_type"]) == ("", "")
    assert day1[OLD]["abstract_en"] == "We propose a novel framework for bandits."
    assert day1[CROSS]["text_version"] == day1[OLD]["text_version"] == ""
    day2 = _exported(db, DAY2)
    assert (day2[CROSS]["version"], day2[CROSS]["abstract_en"]) == (
        "v2",
        "V2TEXT Developing causal models.",
    )


def test_without_the_days_document_a_past_day_keeps_header_and_text_of_one_version(
    tmp_path: Path,
) -> None:
    """A cache that did not keep 07-01's bytes (imported through the API without
    them, as before bytes were kept) has only v2's text: 07-01 is published with
    v2's header above it, and its JSON says whose text it gives (`text_version`)."""
    from tui_digest.core.readers import read_document

    db, out = tmp_path / "c.db", tmp_path / "pub"
    for name, text in ((DAY1, DAY1_TEXT), (DAY2, DAY2_TEXT)):
        with Store.open(db) as store:
            store.import_digest(read_document(text.encode(), source=f"{name}.md").digest)
        done = run_cli("publish", "--out", str(out), "--no-translate", db=db)
        assert done.returncode == 0, done.stderr
    done = run_cli("publish", "--out", str(out), "--date", "2024-07-01", "--no-translate", db=db)
    assert done.returncode == 0, done.stderr
    md = (out / "cs.LG" / "2024-07-01.md").read_text("utf-8")
    assert f"arXiv:{CROSS}v1 Announce Type: cross  Abstract: V2TEXT" not in md
    assert f"arXiv:{CROSS}v2 Announce Type: replace-cross  Abstract: V2TEXT Developing" in md
    day1 = _exported(db, DAY1)
    assert (day1[CROSS]["version"], day1[CROSS]["announce_type"]) == ("v1", "cross")
    assert (day1[CROSS]["text_version"], day1[CROSS]["abstract_en"]) == (
        "v2",
        "V2TEXT Developing causal models.",
    )
    assert (day1[OLD]["version"], day1[OLD]["announce_type"], day1[OLD]["text_version"]) == (
        "",
        "",
        "v2",
    )
    assert _exported(db, DAY2)[CROSS]["text_version"] == ""


def test_a_listing_made_before_versions_were_recorded_reads_its_version_back(
    tmp_path: Path,
) -> None:
    """A cache from schema 11-12 recorded each listing's type but no version ('').
    Such a listing with a type takes the paper's version, as before, except a
    first announcement (`cross`) of a paper since replaced: its version and text
    are read back from the day's kept document."""
    import sqlite3

    db = replay(tmp_path, publish=False)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE membership SET version = ''")
    conn.close()
    day1 = _exported(db, DAY1)
    assert (day1[CROSS]["version"], day1[CROSS]["announce_type"]) == ("v1", "cross")
    assert day1[CROSS]["abstract_en"] == "Developing causal models."
    day2 = _exported(db, DAY2)  # (its own: the paper's version, as before)
    assert (day2[CROSS]["version"], day2[CROSS]["announce_type"]) == ("v2", "replace-cross")
    assert day2[CROSS]["abstract_en"] == "V2TEXT Developing causal models."


def _arxiv_feed(day: str, version: str, kind: str, abstract: str) -> str:
    """An English arXiv RSS feed of one paper (CROSS) on `day`."""
    from datetime import date

    stamp = date.fromisoformat(day).strftime("%a, %d %b %Y")
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>'
        "<title>cs.AI updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.AI</link>"
        f"<description>x</description><pubDate>{stamp} 00:00:00 -0400</pubDate>"
        f"<item><title>Deep Causal Models</title><link>https://arxiv.org/abs/{CROSS}</link>"
        f"<description>arXiv:{CROSS}{version} Announce Type: {kind}\nAbstract: {abstract}"
        f'</description><guid isPermaLink="false">oai:arXiv.org:{CROSS}{version}</guid>'
        f"<category>cs.AI</category><arxiv:announce_type>{kind}</arxiv:announce_type>"
        "<dc:creator>A B</dc:creator></item></channel></rss>\n"
    )


def test_a_past_english_days_text_keeps_the_chinese_the_cache_holds(tmp_path: Path) -> None:
    """A past day read back from its kept English arXiv feed lost every Chinese
    field the cache held for the paper: re-publishing it wrote the day again
    without them (regression hunt `reghist` #1). The stored Chinese fills what
    the document gave none of."""
    db, out = tmp_path / "c.db", tmp_path / "pub"
    feed1 = tmp_path / "arxiv-cs.AI-2024-07-01.xml"
    feed1.write_text(_arxiv_feed("2024-07-01", "v1", "new", "ONE Developing."), "utf-8")
    zh = tmp_path / "digest-zh-2024-07-01.md"  # the same v1, with Chinese, from a digest
    zh.write_text(DAY1_TEXT, "utf-8")
    for path in (feed1, zh):
        assert run_cli("import", str(path), db=db).returncode == 0
    publish = ("publish", "--out", str(out), "--no-translate", "--date", "2024-07-01")
    assert run_cli(*publish, db=db).returncode == 0
    first = (out / "cs.AI" / "2024-07-01.md").read_text("utf-8")
    assert "标题2" in first  # (the Chinese title the digest gave)
    feed2 = tmp_path / "arxiv-cs.AI-2024-07-02.xml"
    feed2.write_text(_arxiv_feed("2024-07-02", "v2", "replace", "TWO Developing."), "utf-8")
    assert run_cli("import", str(feed2), db=db).returncode == 0
    done = run_cli(*publish, db=db)
    assert done.returncode == 0, done.stderr
    again = (out / "cs.AI" / "2024-07-01.md").read_text("utf-8")
    # The title is v1's too: its Chinese stays. The abstract changed with v2,
    # so its Chinese may be of either text: left out, never shown beside v1's.
    assert "标题2" in again and "ONE Developing." in again
    assert "中文摘要2" in first and "中文摘要2" not in again


def test_a_past_day_never_shows_a_later_versions_chinese(tmp_path: Path) -> None:
    """A v2 digest brought another title and Chinese: the v1 English day took
    them, v2's Chinese title and abstract above v1's English (regression hunt
    `reg2b` #1). Chinese fills only where it translates the day's own English."""
    db = tmp_path / "c.db"
    feed1 = tmp_path / "arxiv-cs.AI-2024-07-01.xml"
    feed1.write_text(_arxiv_feed("2024-07-01", "v1", "new", "ONE Developing."), "utf-8")
    v2 = tmp_path / "digest-cs.LG-2024-07-02.md"
    v2.write_text(DAY2_TEXT.replace("Deep Causal Models", "Wholly New Title"), "utf-8")
    for path in (feed1, v2):
        assert run_cli("import", str(path), db=db).returncode == 0
    day1 = _exported(db, "arxiv-cs.AI-2024-07-01")[CROSS]
    assert (day1["version"], day1["abstract_en"]) == ("v1", "ONE Developing.")
    assert (day1["title_zh"], day1["summary_zh"], day1["abstract_zh"]) == ("", "", "")


def test_the_chinese_taken_from_the_stored_paper_keeps_its_machine_mark() -> None:
    """A model's Chinese stays marked as a model's on the past day that takes it."""
    from tui_digest.core.extras import Extra, machine_fields
    from tui_digest.core.model import Paper
    from tui_digest.core.store.listed_text import as_given

    given = Paper(id=CROSS, title_en="Deep Causal Models", abstract_en="ONE")
    stored = Paper(id=CROSS, title_en="Deep  causal models", title_zh="深度因果模型")
    stored.extras[Extra.MACHINE_FIELDS] = "title_zh"
    shown = as_given(given, stored)
    assert (shown.abstract_en, shown.title_zh) == ("ONE", "深度因果模型")
    assert machine_fields(shown.extras) == ["title_zh"]


def test_a_document_asked_for_twice_at_once_is_read_once(monkeypatch) -> None:
    """The reader's detail loads of a past day each read its whole document at
    once: ten loads of a 20,000-paper day took 25 s and 1.2 GB (regression hunt
    `reghist` #4). A second asker waits for the first reading and shares it."""
    import threading
    import zlib

    from tui_digest.core import readers
    from tui_digest.core.store import listed_text

    reads, entered, second = [], threading.Event(), threading.Event()
    real = readers.read_document

    def read_document(data, **kwargs):
        reads.append(1)
        if len(reads) == 1:
            entered.set()
            second.wait(1.0)  # (a second reading would start meanwhile without the lock)
        else:
            second.set()
        return real(data, **kwargs)

    monkeypatch.setattr(readers, "read_document", read_document)
    data = zlib.compress(DAY1_TEXT.encode() + b"\n<!-- once -->\n")
    got: list[dict] = []
    first = threading.Thread(target=lambda: got.append(listed_text._papers_of(data, "d.md")))
    first.start()
    entered.wait(5)
    other = threading.Thread(target=lambda: got.append(listed_text._papers_of(data, "d.md")))
    other.start()
    first.join(10)
    other.join(10)
    assert len(reads) == 1 and len(got) == 2 and got[0] is got[1]
