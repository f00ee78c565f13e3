"""A digest's day is published with the digest's own titles, whatever the cache learnt since.

Found by a bug hunt: a paper of a digest whose titles carry no `(arXiv:…)` suffix
and whose abstracts no `Announce Type` header (the generator's early-2024 form,
`digest-cs.LG-2024-02-06-large.md`), imported again from a synced `cs.LG.md` (the
file name gives its papers the category cs.LG), was published and exported with a
made-up '. (arXiv:2402.02625 [cs.LG])' after its English title and a '.' after the
table's title. The digest reader records that its text had neither
(`Extra.PLAIN`), and the writer then adds no category learnt since; a version or
an announce type arXiv gave since is written (the marker alone cost an arXiv day
its versions and types once a generator digest listed the same papers: found by
the regression hunt after it).
"""

from __future__ import annotations

from dataclasses import replace

from cli_support import run_cli
from tui_digest.core.digest_format import read_digest, write_digest
from tui_digest.core.model import Paper
from tui_digest.core.store import Store


def _paper(arxiv_id: str, title: str) -> Paper:
    return Paper(
        id=arxiv_id,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        title_en=title,
        title_zh="中文" + title,
        summary_zh="一句话总结。",
        abstract_en=f"The abstract of {title}.",
        abstract_zh="中文摘要。",
    )


SHARED = _paper("2402.02625", "Enhancing Transformer RNNs with Multiple Temporal Perspectives")
FIRST = [SHARED, _paper("2402.02626", "Position bias in features")]
SECOND = [_paper("2403.19629", "Metric Learning from Limited Pairwise Preference Comparisons")]


def test_a_plain_digest_is_published_as_read_after_a_synced_category_file(tmp_path) -> None:
    first = write_digest(FIRST)  # papers with no extras: neither suffix nor header
    assert "(arXiv:" not in first and "Announce Type" not in first
    dated = tmp_path / "digest-cs.LG-2024-02-06.md"
    dated.write_text(first, encoding="utf-8")
    synced = tmp_path / "synced"
    synced.mkdir()
    (synced / "cs.LG.md").write_text(write_digest([*SECOND, SHARED]), encoding="utf-8")
    db = tmp_path / "cache.db"

    # Two imports, each its own process; the second on a later day.
    assert run_cli("import", str(dated), db=db).returncode == 0
    later = {"TUI_DIGEST_TODAY": "2024-07-15"}
    assert run_cli("import", str(synced / "cs.LG.md"), db=db, env=later).returncode == 0

    # Reopened: the paper has the source's category now (what made the suffix up).
    with Store.open(db) as store:
        record = store.get_paper(SHARED.id)
        assert record is not None and record.paper.primary_category == "cs.LG"
        assert "(arXiv:" not in write_digest([record.paper])

    out = tmp_path / "site"
    done = run_cli("publish", "--out", str(out), "--date", "2024-02-06", "--no-translate", db=db)
    assert done.returncode == 0, done.stderr
    assert (out / "cs.LG" / "2024-02-06.md").read_text(encoding="utf-8") == first
    shown = run_cli("export", "--format", "markdown", f"id:{SHARED.id}", db=db)
    assert shown.returncode == 0, shown.stderr
    assert f"    {SHARED.title_en}\n" in shown.stdout.decode("utf-8")
    assert f"| [^1] | [{SHARED.title_en}](" in shown.stdout.decode("utf-8")


def test_a_category_alone_adds_no_suffix_but_arxivs_fields_are_written() -> None:
    """A category a digest paper learns (its source's, arXiv's API through `enrich`)
    is not in the digest's text, so the writer writes that text as it was; a
    version and an announce type, which only arXiv's feeds and API give, are."""
    text = write_digest(FIRST)
    papers = read_digest(text).digest.papers
    assert write_digest([replace(p, categories=["cs.LG"]) for p in papers]) == text
    # The same papers as an arXiv feed announced them (its fields, the digest's
    # extras): the day is written with the version and the type, in the 2024+
    # layout (digest-format.md: a plain title and the abstract header, which has no
    # place for a category; both layouts at once gave titles a made-up period).
    announced = [
        replace(p, categories=["cs.CL"], version="v2", announce_type="replace") for p in papers
    ]
    written = write_digest(announced)
    assert f"    {SHARED.title_en}\n" in written and "(arXiv:" not in written
    assert "arXiv:2402.02625v2 Announce Type: replace  Abstract: The abstract of" in written
    (back, _) = read_digest(written).digest.papers
    assert (back.version, back.announce_type, back.categories) == ("v2", "replace", [])


def test_an_arxiv_day_keeps_its_versions_and_types_when_a_digest_lists_its_papers(
    tmp_path,
) -> None:
    """Found by the regression hunt: an arXiv feed's day published after a generator
    digest (no suffix, no header) listed the same papers lost every version, type
    and category, so subscribers read `('2402.02625', '', '', [])` back."""
    from feed_server import arxiv_rss

    db = tmp_path / "cache.db"
    feed = tmp_path / "cs.CL.xml"
    feed.write_bytes(arxiv_rss("cs.CL", [(SHARED.id, SHARED.title_en, "2")], day="18"))
    digest = tmp_path / "digest-cs.CL-2025-09-19.md"
    digest.write_text(write_digest([SHARED]), encoding="utf-8")
    assert run_cli("import", str(feed), db=db).returncode == 0
    assert run_cli("import", str(digest), db=db).returncode == 0
    with Store.open(db) as store:
        [day] = [d.date for d in store.digests() if d.name.startswith("arxiv")]
    out = tmp_path / "site"
    done = run_cli("publish", "--out", str(out), "--date", day, "--no-translate", db=db)
    assert done.returncode == 0, done.stderr
    published = (out / "cs.CL" / f"{day}.md").read_text(encoding="utf-8")
    assert f"arXiv:{SHARED.id}v2 Announce Type: new  Abstract: " in published
    (back,) = read_digest(published).digest.papers
    assert (back.version, back.announce_type) == ("v2", "new")
