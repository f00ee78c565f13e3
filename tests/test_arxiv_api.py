"""Parsing arXiv's query-API answers (core/arxiv_api.py)."""

from __future__ import annotations

import pytest

from arxiv_api_fixtures import Meta, error_xml, feed_xml
from tui_digest.core.arxiv_api import (
    MAX_IDS_PER_REQUEST,
    ApiError,
    RateLimited,
    parse_response,
    query_url,
)
from tui_digest.core.model import InputError

LONG = (
    "We study a problem in considerable depth, and the sentence goes on for long enough "
    "that the API wraps it across several lines of the summary element. " * 12
)


def test_entries_with_every_field() -> None:
    meta = Meta(
        id="2301.00006",
        version="v2",
        title="Recovering Top-Two Answers and Confusion Probability in Multi-Choice Crowdsourcing",
        abstract=LONG,
        primary="cs.HC",
        categories=["cs.HC", "cs.LG", "stat.ML"],
        published="2022-12-30T19:26:43Z",
        updated="2023-06-02T08:00:00Z",
        comments="Accepted at a conference; 20 pages, 5 figures, with a comment long "
        "enough to be wrapped",
        journal_ref="Placeholder Journal 12 (2023) 34-56",
        doi="10.0000/placeholder.2301.00006",
    )
    response = parse_response(feed_xml([meta], id_list="2301.00006", max_results=1))
    assert response.total_results == 1
    [entry] = response.entries
    assert (entry.id, entry.version) == ("2301.00006", "v2")
    assert entry.title == meta.title  # unwrapped
    assert entry.abstract == " ".join(LONG.split())  # unwrapped, one paragraph
    assert "\n" not in entry.abstract
    assert entry.authors == ["Author One", "Author Two"]
    assert entry.categories == ["cs.HC", "cs.LG", "stat.ML"]
    assert (entry.published, entry.updated) == ("2022-12-30", "2023-06-02")
    assert entry.comments == " ".join(meta.comments.split())
    assert entry.journal_ref == meta.journal_ref
    assert entry.doi == meta.doi


def test_primary_category_first_even_when_listed_later() -> None:
    meta = Meta(id="2403.10056", primary="cs.CL", categories=["cs.AI", "cs.CL"])
    [entry] = parse_response(feed_xml([meta])).entries
    assert entry.categories == ["cs.CL", "cs.AI"]


def test_https_ids_and_missing_optional_fields() -> None:
    meta = Meta(id="2608.20338", version="v3", https_id=True)
    [entry] = parse_response(feed_xml([meta])).entries
    assert (entry.id, entry.version) == ("2608.20338", "v3")
    assert entry.comments == entry.journal_ref == entry.doi == ""


def test_the_feeds_own_link_and_title_are_not_a_paper() -> None:
    response = parse_response(feed_xml([], id_list="2403.99999"))
    assert response.entries == []
    assert response.total_results == 0


def test_error_entry_names_the_bad_id() -> None:
    with pytest.raises(ApiError) as info:
        parse_response(error_xml("1309.119"), source="http://127.0.0.1/api/query")
    assert info.value.bad_id == "1309.119"
    assert "incorrect id format for 1309.119" in str(info.value)
    assert str(info.value).startswith("http://127.0.0.1/api/query")


def test_rate_exceeded_plain_text() -> None:
    with pytest.raises(RateLimited):
        parse_response(b"Rate exceeded.")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "an empty answer"),
        (b"<html><body>Service unavailable</body></html>", "expected an Atom feed"),
        (feed_xml([Meta(id="2403.00001")])[:-40], "malformed Atom"),
        (
            b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa">]><feed/>',
            "entity",
        ),
    ],
)
def test_not_a_feed(body: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_response(body, source="api")


def test_entry_without_an_arxiv_id_is_a_problem_not_a_failure() -> None:
    body = feed_xml([Meta(id="2403.00001"), Meta(id="2403.00002")]).replace(
        b"<id>http://arxiv.org/abs/2403.00001v1</id>", b"<id>urn:nothing</id>", 1
    )
    response = parse_response(body)
    assert [e.id for e in response.entries] == ["2403.00002"]
    assert response.problems and "urn:nothing" in response.problems[0]


def test_hostile_text_is_cleaned() -> None:
    # XML 1.0 cannot carry C0 controls; bidi overrides and isolates it can.
    meta = Meta(id="2403.00001", title="Title with\u202e bidi", comments="ok\u2066\u200f")
    [entry] = parse_response(feed_xml([meta])).entries
    assert entry.title == "Title with bidi"
    assert entry.comments == "ok"


def test_query_url_always_passes_max_results() -> None:
    url = query_url("http://export.arxiv.org/api/query", ["2403.00001", "hep-th/9901001"])
    assert url == (
        "http://export.arxiv.org/api/query?id_list=2403.00001,hep-th/9901001&max_results=2"
    )
    assert query_url("http://h/api?x=1", ["1"]).startswith("http://h/api?x=1&id_list=1")
    with pytest.raises(ValueError):
        query_url("http://h/api", [f"2403.{n:05d}" for n in range(MAX_IDS_PER_REQUEST + 1)])
    with pytest.raises(ValueError):
        query_url("http://h/api", [])
