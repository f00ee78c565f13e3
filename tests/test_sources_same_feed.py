"""`sources add` and `sources import` tell a feed already there by what it is, not its text.

Found by a bug hunt: `sources add https://rss.arxiv.org/rss/cs.AI/` and
`sources add http://rss.arxiv.org/rss/cs.AI` added "arxiv-cs.AI (2)" and "(3)"
beside the default `https://rss.arxiv.org/rss/cs.AI` (only the exact URL was
recognised), so one listing was fetched three times. arXiv's feed URLs:
`https://rss.arxiv.org/rss/<cat>` and `.../atom/<cat>`, categories joined with `+`
(/work/shared/docs/upstream.md, "arXiv"). No network: an arXiv feed URL is added
without a request.
"""

from __future__ import annotations

import pytest

from cli_support import run_cli
from tui_digest.config.loader import load_config
from tui_digest.config.sources import Source, same_feed_key
from tui_digest.fetch.opml import merge_sources

DEFAULT_AI = "https://rss.arxiv.org/rss/cs.AI"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (DEFAULT_AI, "https://rss.arxiv.org/rss/cs.AI/"),
        (DEFAULT_AI, "http://rss.arxiv.org/rss/cs.AI"),
        (DEFAULT_AI, "HTTPS://RSS.arXiv.org./rss/cs.AI"),
        (DEFAULT_AI, "https://rss.arxiv.org/atom/cs.AI"),
        ("https://rss.arxiv.org/rss/cs.AI+cs.LG", "https://rss.arxiv.org/rss/cs.LG+cs.AI/"),
        ("https://blog.example/feed", "http://Blog.Example/feed/"),
        ("https://blog.example/feed", "https://blog.example:443/feed"),
        ("https://blog.example/feed", "https://TOKEN@blog.example/feed"),
        ("https://blog.example/x?cat=1", "http://blog.example/x/?cat=1"),
    ],
)
def test_urls_of_one_feed_have_one_key(a: str, b: str) -> None:
    assert same_feed_key(a) == same_feed_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (DEFAULT_AI, "https://rss.arxiv.org/rss/cs.CL"),
        (DEFAULT_AI, "https://rss.arxiv.org/rss/cs.AI+cs.LG"),
        ("https://blog.example/feed", "https://blog.example/feed2"),
        ("https://blog.example/feed", "https://blog.example:8443/feed"),
        ("https://blog.example/x?cat=1", "https://blog.example/x?cat=2"),
        ("https://a.example/feed", "https://b.example/feed"),
        ("/home/me/a.md", "/home/me/b.md"),
    ],
)
def test_urls_of_different_feeds_differ(a: str, b: str) -> None:
    assert same_feed_key(a) != same_feed_key(b)


def test_merge_skips_an_equivalent_url_naming_the_source_there() -> None:
    existing = [Source("arxiv-cs.AI", DEFAULT_AI, "arxiv")]
    imported = [
        Source("arxiv-cs.AI", "https://rss.arxiv.org/rss/cs.AI/", "arxiv"),
        Source("ai-http", "http://rss.arxiv.org/rss/cs.AI", "arxiv"),
        Source("blog", "https://blog.example/feed"),
        Source("blog-again", "http://blog.example/feed/"),  # within one import too
    ]
    result = merge_sources(existing, imported)
    assert [s.name for s in result.added] == ["blog"]
    assert len(result.skipped) == 3
    assert f"already a source, arxiv-cs.AI ({DEFAULT_AI})" in result.skipped[0]
    assert "already a source, blog (https://blog.example/feed)" in result.skipped[2]


def test_sources_add_of_the_default_feed_spelled_otherwise_adds_nothing(tmp_path) -> None:
    config = tmp_path / "config.toml"
    db = tmp_path / "cache.db"
    first = run_cli(
        "sources", "add", "https://rss.arxiv.org/rss/cs.NE", "--config", str(config), db=db
    )
    assert first.returncode == 0, first.stderr
    before = [(s.name, s.url) for s in load_config(config).sources]
    assert ("arxiv-cs.AI", DEFAULT_AI) in before  # the defaults were written too
    for url in ("https://rss.arxiv.org/rss/cs.AI/", "http://rss.arxiv.org/rss/cs.AI"):
        again = run_cli("sources", "add", url, "--config", str(config), db=db)
        assert again.returncode == 0, again.stderr
        assert b"already a source, arxiv-cs.AI" in again.stderr
        assert b"added 0 source(s)" in again.stdout
    assert [(s.name, s.url) for s in load_config(config).sources] == before
