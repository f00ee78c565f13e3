"""Publishing the archives arXiv does not divide into subject classes.

arXiv's category names are an archive (`quant-ph`, `hep-th`, `gr-qc`, `econ`)
or an archive and a subject class (`cs.AI`, `cond-mat.mes-hall`): arXiv's help
on its mailings speaks of "archives not divided into subject classes" such as
quant-ph (https://info.arxiv.org/help/subscribe.html), and the generator
publishes `econ.md` and `q-fin.md` (/work/shared/docs/upstream.md). `publish`
read a digest's category only in the dotted form, so quant-ph's day could not
be published at all, not even with `--category quant-ph` or a config
`category = "quant-ph"` (found by a code audit).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from cli_support import run_cli
from tui_digest.config.sources import category_readings
from tui_digest.publish.day import _named

FEED = (
    Path(__file__).parent / "fixtures" / "feeds" / "arxiv-rss-cs.AI-2025-09-18.xml"
).read_bytes()


def _archive_feed(path: Path, archive: str) -> Path:
    """The fixture as arXiv's listing of `archive` (its papers list `archive`)."""
    path.write_bytes(FEED.replace(b"cs.AI", archive.encode()))
    return path


def _ok(*args: str, db: Path) -> str:
    out = run_cli(*args, db=db)
    assert out.returncode == 0, (args, out.stderr.decode())
    return out.stdout.decode()


@pytest.mark.parametrize("archive", ["quant-ph", "hep-th", "gr-qc", "econ"])
def test_a_file_named_after_an_archive_is_published_under_it(tmp_path, archive):
    db, site = tmp_path / "a.db", tmp_path / "site"
    _ok("import", str(_archive_feed(tmp_path / f"{archive}.xml", archive)), db=db)
    said = _ok("publish", "--out", str(site), "--no-translate", db=db)
    assert f"{archive} 2025-09-18: 4 paper(s)" in said
    index = json.loads((site / "index.json").read_text("utf-8"))
    assert list(index["categories"]) == [archive]
    assert (site / f"{archive}.md").is_file() and (site / f"{archive}.xml").is_file()


def test_a_configured_archive_category_is_published_and_with_category(tmp_path):
    """The report's case: the source's URL names no category; the config does."""
    db, site = tmp_path / "q.db", tmp_path / "site"
    feed = _archive_feed(tmp_path / "today.xml", "quant-ph")
    config = tmp_path / "q.toml"
    config.write_text(
        f'[[sources]]\nname = "lab-q"\nurl = "{feed}"\nkind = "arxiv"\ncategory = "quant-ph"\n',
        encoding="utf-8",
    )
    _ok("--config", str(config), "fetch", db=db)
    said = _ok("publish", "--out", str(site), "--no-translate", "--category", "quant-ph", db=db)
    assert "quant-ph 2025-09-18: 4 paper(s)" in said
    said = _ok("publish", "--out", str(site), "--no-translate", db=db)
    assert "quant-ph 2025-09-18: 4 paper(s)" in said and said.rstrip().endswith("; unchanged")


def test_the_store_s_recorded_archive_category_settles_a_digest():
    digest = SimpleNamespace(name="lab-q-2025-09-18", source="http://h/today.md", category="hep-th")
    assert _named(digest, []) == {"hep-th"}


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/srv/quant-ph.xml", {"quant-ph"}),
        ("https://rss.arxiv.org/rss/hep-th+gr-qc", {"hep-th", "gr-qc"}),
        ("/srv/arxiv-nucl-th-2025-09-18.xml", {"nucl-th"}),
        ("https://raw.githubusercontent.com/qhduan/cn-chat-arxiv/master/econ.md", {"econ"}),
        # No more than before: words that are no archive, or an archive's name
        # as one word of a longer file name, name nothing.
        ("/srv/cs-notes.md", set()),
        ("/srv/math-club-2025-09-18.md", set()),
        ("/srv/digest-2024-03-18.md", set()),
        ("/srv/lab-weekly.xml", set()),
        ("/srv/today.md", set()),
    ],
)
def test_archive_names_are_read_from_file_names_and_nothing_else_is(path, named):
    digest = SimpleNamespace(name="any", source=path, category="")
    assert _named(digest, []) == named


def test_a_category_name_is_an_archive_or_has_a_subject_class():
    from tui_digest.config.sources import is_category_name

    for name in ("quant-ph", "hep-th", "econ", "q-fin", "cs.AI", "cond-mat.mes-hall"):
        assert is_category_name(name), name
    for name in ("digest", "lab-ai", "today", "notes", "cs-notes", "hep", "2025-09-18", ""):
        assert not is_category_name(name), name
    assert category_readings("digest-quant-ph-2025-09-18") == {"quant-ph"}
    assert category_readings("digest-cs.AI-2024-03-18") == {"cs.AI", "digest-cs.AI"}
    assert category_readings("stat-notes") == set()
    assert category_readings("stat") == {"stat"}
