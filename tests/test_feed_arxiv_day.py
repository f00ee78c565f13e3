"""The day of an arXiv Atom listing (bug hunt `tz` #3).

arXiv announces once a day at midnight US Eastern (`../shared/docs/upstream.md`).
The RSS channel states that day (`<pubDate>… 00:00:00 -0400`); the Atom channel
only its `<updated>` moment in UTC, whose date is the next day for a feed built
after 00:00Z (20:00 EDT). The entries' `<published>` state the announcement day
in US Eastern time: their common date is the listing's, else `updated` read in
US Eastern time.
"""

from __future__ import annotations

import pytest

from tui_digest.core.arxiv_feed import read_arxiv_feed

SAMPLE = "arxiv-atom-cs.AI-2025-08-20.xml"
SAMPLE_UPDATED = "<updated>2025-08-20T04:00:19.866337+00:00</updated>"


def test_an_atom_sample_built_after_midnight_utc_keeps_its_announcement_day(excerpts):
    data = (excerpts / SAMPLE).read_text(encoding="utf-8")
    assert data.count(SAMPLE_UPDATED) == 1  # the channel's (entries' differ by microseconds)
    late = data.replace(SAMPLE_UPDATED, "<updated>2025-08-21T00:30:00+00:00</updated>")
    result = read_arxiv_feed(late.encode(), source="cs.AI.atom")
    assert result.digest.date == "2025-08-20"
    assert result.digest.name == "arxiv-cs.AI-2025-08-20"
    assert {p.published for p in result.digest.papers} == {"2025-08-20"}


def _atom(updated: str, published: list[str]) -> bytes:
    entries = "".join(
        f"<entry><id>oai:arXiv.org:2512.0000{n}v1</id><title>Paper {n}</title>"
        f'<link href="https://arxiv.org/abs/2512.0000{n}" rel="alternate"/>'
        + (f"<published>{pub}</published>" if pub else "")
        + f"<summary>arXiv:2512.0000{n}v1 Announce Type: new\nAbstract: A.</summary>"
        "<author><name>Ann Lee</name></author></entry>\n"
        for n, pub in enumerate(published, 1)
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>cs.AI updates on arXiv.org</title>\n'
        f"<id>http://rss.arxiv.org/atom/cs.AI</id><updated>{updated}</updated>\n{entries}</feed>"
    ).encode()


@pytest.mark.parametrize(
    ("updated", "published", "day"),
    [
        # Entries that state one day: that day, whenever the feed was built.
        ("2026-12-03T01:00:00+00:00", ["2026-12-02T00:00:00-05:00"] * 2, "2026-12-02"),
        # None stated: `updated` in US Eastern, standard (EST) and summer (EDT) time.
        ("2026-12-03T04:30:00+00:00", ["", ""], "2026-12-02"),
        ("2026-12-03T05:00:02+00:00", ["", ""], "2026-12-03"),
        ("2025-08-21T00:30:00+00:00", ["", ""], "2025-08-20"),
        ("2025-08-20T04:00:19+00:00", ["", ""], "2025-08-20"),
        # Entries rewritten into another zone state the same moment: read in US
        # Eastern too (-08:00 was filed a day early: regression hunt `regtz` #3).
        ("2026-12-01T05:00:00+00:00", ["2026-11-30T21:00:00-08:00"] * 3, "2026-12-01"),
        ("2026-12-01T05:00:00+00:00", ["2026-12-01T05:00:00Z"] * 3, "2026-12-01"),
        ("2026-12-01T05:00:00+00:00", ["2026-12-01T14:00:00+09:00"] * 3, "2026-12-01"),
        ("2026-12-01T05:00:00+00:00", ["Mon, 30 Nov 2026 21:00:00 -0800"] * 3, "2026-12-01"),
        # A date without a zone is taken as it is.
        ("2026-12-03T01:00:00+00:00", ["2026-12-02T00:00:00"] * 2, "2026-12-02"),
        ("2026-12-03T01:00:00+00:00", ["2026-12-02"] * 2, "2026-12-02"),
        # Entries that disagree tell no one day: `updated` in US Eastern again.
        (
            "2026-12-03T01:00:00+00:00",
            ["2026-12-02T00:00:00-05:00", "2026-12-01T00:00:00-05:00"],
            "2026-12-02",
        ),
    ],
)
def test_an_atom_listings_day_is_its_entries_or_updated_in_us_eastern(updated, published, day):
    result = read_arxiv_feed(_atom(updated, published), source="cs.AI.atom")
    assert (result.digest.date, result.digest.name) == (day, f"arxiv-cs.AI-{day}")
    # An entry that states no date takes the listing's.
    papers = zip(result.digest.papers, published, strict=True)
    assert all(p.published == day for p, pub in papers if not pub)


# --- a paper's `published` is its listing's day (bug hunt `auditarxiv` #6) ---------------
# (arxiv_meta.apply_to: a feed's published date is the day of the announcement it
# came in; the listing day is read in US Eastern time, and so is each entry's moment)


def _entry(n: int, dates: str) -> str:
    return (
        f"<entry><id>oai:arXiv.org:2512.0000{n}v1</id><title>Paper {n}</title>"
        f'<link href="https://arxiv.org/abs/2512.0000{n}" rel="alternate"/>{dates}'
        f"<summary>arXiv:2512.0000{n}v1 Announce Type: new\nAbstract: A.</summary>"
        "<dc:creator>Ann Lee</dc:creator></entry>\n"
    )


def test_an_entrys_published_is_read_in_us_eastern_as_its_listing_day() -> None:
    entries = (
        _entry(1, "<updated>2025-09-19T01:30:00+00:00</updated>")  # (no <published>)
        + _entry(2, "<published>2026-11-30T21:00:00-08:00</published>")
        + _entry(3, "<published>2025-09-18T00:00:00-04:00</published>")
    )
    data = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<title>cs.AI updates on arXiv.org</title>\n"
        f"<updated>2025-09-19T01:30:00+00:00</updated>\n{entries}</feed>"
    ).encode()
    papers = read_arxiv_feed(data, source="cs.AI.atom").digest.papers
    assert [p.published for p in papers] == ["2025-09-18", "2026-12-01", "2025-09-18"]


def test_an_api_answers_published_stays_arxivs_utc_date() -> None:
    # The API's <published> is the first version's submission, stated in UTC as arXiv
    # shows it (no announcement: no announce type): read in its own zone, as before.
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>ArXiv Query: id_list=2403.10056</title>
<id>http://arxiv.org/api/x</id><updated>2024-03-19T00:00:00-04:00</updated>
<entry><id>http://arxiv.org/abs/2403.10056v1</id><published>2024-03-15T02:54:15Z</published>
<title>T</title><summary>S.</summary><author><name>Yiquan Wu</name></author></entry></feed>"""
    assert read_arxiv_feed(data).digest.papers[0].published == "2024-03-15"
