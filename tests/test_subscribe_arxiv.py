"""`sources add` with an arXiv feed URL: an arXiv source named like the defaults.

Found by a bug hunt: `rss/q-fin` (a last segment without a dot) was taken for a
published folder and its made-up `.../rss/q-fin/index.json` asked for; `rss/cs.CL`
was named `cs`, `atom/cs.LG` `cs (2)`, `rss/cs.AI+cs.LG` `cs.AI-cs`. The feed URLs
are arXiv's (/work/shared/docs/upstream.md: `https://rss.arxiv.org/rss/<cat>`,
`.../atom/<cat>`, several categories joined with `+`).
"""

from __future__ import annotations

import httpx
import pytest

from tui_digest.config.sources import DEFAULT_SOURCES, Source
from tui_digest.fetch.download import SourceFetcher
from tui_digest.publish.subscribe import discover


def _refusing_fetcher(asked: list[str]) -> SourceFetcher:
    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(404)

    return SourceFetcher(client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://rss.arxiv.org/rss/q-fin", Source("arxiv-q-fin", "", "arxiv", category="q-fin")),
        ("https://rss.arxiv.org/rss/econ", Source("arxiv-econ", "", "arxiv", category="econ")),
        ("https://rss.arxiv.org/rss/cs.CL", Source("arxiv-cs.CL", "", "arxiv", category="cs.CL")),
        (
            "https://rss.arxiv.org/rss/stat.ML",
            Source("arxiv-stat.ML", "", "arxiv", category="stat.ML"),
        ),
        ("https://rss.arxiv.org/atom/cs.LG", Source("arxiv-cs.LG", "", "arxiv", category="cs.LG")),
        ("https://rss.arxiv.org/rss/cs.AI+cs.LG", Source("arxiv-cs.AI-cs.LG", "", "arxiv")),
    ],
)
async def test_an_arxiv_feed_is_one_arxiv_source_named_like_the_defaults(url, expected) -> None:
    asked: list[str] = []
    async with _refusing_fetcher(asked) as fetcher:
        found = await discover(url, fetcher)
    assert asked == []  # nothing made up is asked for
    assert found.sources == [Source(expected.name, url, expected.kind, category=expected.category)]


def test_the_defaults_are_named_the_same_way() -> None:
    arxiv = [s for s in DEFAULT_SOURCES if s.kind == "arxiv"]
    assert [s.name for s in arxiv] == [f"arxiv-{s.category}" for s in arxiv]


async def test_a_name_given_still_wins() -> None:
    async with _refusing_fetcher([]) as fetcher:
        found = await discover("https://rss.arxiv.org/rss/q-fin", fetcher, name="money")
    assert [s.name for s in found.sources] == ["money"]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("http://127.0.0.1:8000/rss/cs.AI", "cs.AI"),  # a mirror of arXiv's feed path
        ("http://127.0.0.1:8000/lab/cs.CL.md", "cs.CL"),
        ("http://127.0.0.1:8000/lab/digest.php", "digest"),  # any other extension goes
    ],
)
async def test_a_single_file_source_keeps_a_category_in_its_name(url, name) -> None:
    """Found by a regression hunt: `sources add .../rss/cs.AI` took `.AI` for a
    file extension: sources `cs`, `cs (2)`, and digests `cs-2-<date>`."""
    async with _refusing_fetcher([]) as fetcher:
        found = await discover(url, fetcher)
    assert [s.name for s in found.sources] == [name]


async def test_a_file_without_an_extension_named_for_a_category(tmp_path) -> None:
    (tmp_path / "cs.LG").write_text("# cs.LG\n", "utf-8")
    async with _refusing_fetcher([]) as fetcher:
        found = await discover(str(tmp_path / "cs.LG"), fetcher)
    assert [s.name for s in found.sources] == ["cs.LG"]
