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
