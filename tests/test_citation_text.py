"""RIS and CSL-JSON carry the text the reader shows; BibTeX keeps the LaTeX.

The papers come from an arXiv Atom listing with the titles and names a bug hunt
found mishandled (tests/fixtures/feeds/arxiv-atom-tricky-names.xml).
"""

from __future__ import annotations

import json
from pathlib import Path

from test_ris_csl import check_csl_item, parse_ris, values
from tui_digest.core.arxiv_feed import read_arxiv_feed
from tui_digest.core.bibtex import to_bibtex
from tui_digest.core.csl_json import to_csl_json
from tui_digest.core.model import Paper, PaperRecord
from tui_digest.core.ris import to_ris

FEED = Path(__file__).parent / "fixtures" / "feeds" / "arxiv-atom-tricky-names.xml"


def feed_records() -> dict[str, PaperRecord]:
    papers = read_arxiv_feed(FEED.read_bytes()).digest.papers
    return {p.id: PaperRecord(n, p) for n, p in enumerate(papers, 1)}


def ris_of(rec: PaperRecord) -> list[tuple[str, str]]:
    (out,) = parse_ris(to_ris([rec]))
    return out


def csl_of(rec: PaperRecord) -> dict:
    (item,) = json.loads(to_csl_json([rec]))
    check_csl_item(item)
    return item


READABLE_TITLES = {
    # `{GPT}` protects the letters' case in BibTeX: plain text drops the braces.
    "2403.20001": "PokéLLMon: 100% of GPTs & friends #1 use snake_case and O(n²) time",
    "hep-th/9901001": "Old-style id: the {AdS} / CFT correspondence ~ revisited",
    "2403.20002": "A title with an unmatched } brace and a lone $ dollar and 50% off",
    "2403.20003": "SQL-PaLM: Improved large language model adaptation for text-to-SQL",
}


def test_ris_and_csl_titles_and_abstracts_are_the_readable_text():
    recs = feed_records()
    for paper_id, title in READABLE_TITLES.items():
        ris, csl = ris_of(recs[paper_id]), csl_of(recs[paper_id])
        assert values(ris, "TI") == [title] and csl["title"] == title
        abstract = "An abstract with α and 30% & more_stuff."
        assert values(ris, "AB") == [abstract] and csl["abstract"] == abstract


def test_translated_title_and_names_are_readable_too():
    rec = PaperRecord(
        1,
        Paper(
            id="2403.10056",
            title_en='Schr\\"odinger bridges',
            title_zh="薛定谔桥 $O(n^2)$",
            abstract_en="We solve Schr\\\"odinger's problem in $O(n^2)$.",
            authors=["Paul Erd\\H{o}s", 'Kurt G\\"odel'],
        ),
    )
    ris, csl = ris_of(rec), csl_of(rec)
    assert values(ris, "TI") == ["Schrödinger bridges"] and csl["title"] == "Schrödinger bridges"
    assert values(ris, "TT") == ["薛定谔桥 O(n²)"] and csl["translated-title"] == "薛定谔桥 O(n²)"
    assert values(ris, "AB") == ["We solve Schrödinger's problem in O(n²)."]
    assert values(ris, "AU") == ["Erdős, Paul", "Gödel, Kurt"]
    assert csl["author"] == [
        {"family": "Erdős", "given": "Paul"},
        {"family": "Gödel", "given": "Kurt"},
    ]


def test_bibtex_keeps_the_latex():
    out = to_bibtex([feed_records()["2403.20001"]])
    title = r"Pok\'eLLMon: 100\% of {GPT}s \& friends \#1 use snake\_case and $O(n^2)$ time"
    assert "title={" + title + "}" in out


# --- names: a suffix after a comma ("Martin Luther King, Jr.") -----------------------


def test_a_suffix_after_a_comma_in_dc_creator_stays_with_its_name():
    # arXiv's dc:creator is one comma-separated string (docs/upstream.md).
    paper = feed_records()["hep-th/9901001"].paper
    assert paper.authors == ["Juan Maldacena", "Martin Luther King, Jr.", "Vincent van Gogh III"]


def test_the_citation_formats_write_the_suffix_apart():
    rec = feed_records()["hep-th/9901001"]
    assert values(ris_of(rec), "AU") == [
        "Maldacena, Juan",
        "King, Martin Luther, Jr.",
        "van Gogh, Vincent, III",
    ]
    king = csl_of(rec)["author"][1]
    assert king == {"family": "King", "given": "Martin Luther", "suffix": "Jr."}
    from test_bibtex import parse_bibtex

    authors = parse_bibtex(to_bibtex([rec]))[0][2]["author"]
    assert authors == "Juan Maldacena and King, Jr., Martin Luther and van Gogh, III, Vincent"


# --- names: particles ("van", "de") --------------------------------------------------


def _named(*authors: str) -> PaperRecord:
    return PaperRecord(1, Paper(id="2403.10056", title_en="T", authors=list(authors)))


def test_particles_stay_with_the_family_name_and_csl_gets_them_apart():
    # The names the hunt's stand-in for arXiv's API gave (/tmp/hunt-cite/repro).
    rec = _named(
        "Jean de La Fontaine",
        "Ludwig van Beethoven",
        "Maria de los Angeles Garcia",
        "Johannes Diderik van der Waals",
    )
    assert values(ris_of(rec), "AU") == [
        "de La Fontaine, Jean",
        "van Beethoven, Ludwig",
        "Garcia, Maria de los Angeles",
        "van der Waals, Johannes Diderik",
    ]
    assert csl_of(rec)["author"] == [
        # The particle is the lower-case "de" (README); "La" is part of the family
        # name, as BibTeX reads it (von "de", last "La Fontaine") and RIS writes it
        # (found by a bug hunt: CSL-JSON had family "Fontaine", particle "de La").
        {"family": "La Fontaine", "given": "Jean", "non-dropping-particle": "de"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "Garcia", "given": "Maria de los Angeles"},
        {"family": "Waals", "given": "Johannes Diderik", "non-dropping-particle": "van der"},
    ]


def test_particles_with_a_suffix_and_in_the_comma_forms():
    rec = _named("Vincent van Gogh III", "de La Fontaine, Jean", "van Beethoven, Jr., Ludwig")
    assert values(ris_of(rec), "AU") == [
        "van Gogh, Vincent, III",
        "de La Fontaine, Jean",
        "van Beethoven, Ludwig, Jr.",
    ]
    assert csl_of(rec)["author"] == [
        {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van", "suffix": "III"},
        {"family": "La Fontaine", "given": "Jean", "non-dropping-particle": "de"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van", "suffix": "Jr."},
    ]


def test_a_capitalised_word_after_a_particle_belongs_to_the_family_name_in_every_format():
    from test_bibtex import parse_bibtex
    from tui_digest.core.person_name import split_name

    rec = _named("Jean de La Fontaine", "Pierre de Van Dyke", "Jean-Pierre de la Fontaine")
    assert [(p.family, p.particle, p.family_core) for p in map(split_name, rec.paper.authors)] == [
        ("de La Fontaine", "de", "La Fontaine"),
        ("de Van Dyke", "de", "Van Dyke"),
        ("de la Fontaine", "de la", "Fontaine"),
    ]
    assert values(ris_of(rec), "AU") == [
        "de La Fontaine, Jean",
        "de Van Dyke, Pierre",
        "de la Fontaine, Jean-Pierre",
    ]
    assert [(a["non-dropping-particle"], a["family"]) for a in csl_of(rec)["author"]] == [
        ("de", "La Fontaine"),
        ("de", "Van Dyke"),
        ("de la", "Fontaine"),
    ]
    # BibTeX writes the name as it is: its von part is the lower-case words, the rest last.
    authors = parse_bibtex(to_bibtex([rec]))[0][2]["author"]
    assert authors == "Jean de La Fontaine and Pierre de Van Dyke and Jean-Pierre de la Fontaine"


def test_no_particle_where_the_name_does_not_tell():
    # A capitalised word with no lower-case particle before it may be a given name,
    # and an all-lower-case name has no case to go by: no particle, as before.
    rec = _named("Anna Van Dyke", "Jean La Fontaine", "li wei ming")
    assert values(ris_of(rec), "AU") == ["Dyke, Anna Van", "Fontaine, Jean La", "wei ming, li"]
    authors = csl_of(rec)["author"]
    assert all("non-dropping-particle" not in a for a in authors)
    assert [a["family"] for a in authors] == ["Dyke", "Fontaine", "wei ming"]


def test_braces_that_only_protect_letters_are_not_printed():
    """A real sample's `Polyak-{\\L}ojasiewicz` reached RIS as `Polyak-{Ł}ojasiewicz`
    (found by a regression hunt); escaped braces and arguments stay what they are."""
    from tui_digest.core.citation import plain_text

    assert plain_text("Polyak-{\\L}ojasiewicz Condition") == "Polyak-Łojasiewicz Condition"
    assert plain_text("Bj{\\o}rn and {{Nested}} {GPT}s") == "Bjørn and Nested GPTs"
    assert plain_text("the \\{AdS\\} / CFT") == "the {AdS} / CFT"
    assert plain_text("$x^{10}$ and $\\frac{a}{bc}$") == "x¹⁰ and a/bc"
    assert plain_text("\\textbf{Bold} move") == "Bold move"


def test_a_name_with_an_affiliation_is_cited_as_written():
    """ "Wei Zhang (Tsinghua University, Beijing)": CSL-JSON had family "Wei Zhang
    (Tsinghua University" and given "Beijing)"; "John Doe (MIT)" family "(MIT)"."""
    for name in ("Wei Zhang (Tsinghua University, Beijing)", "John Doe (MIT)"):
        rec = PaperRecord(1, Paper(id="2403.10056", title_en="T", authors=[name]))
        assert csl_of(rec)["author"] == [{"literal": name}]
        assert values(ris_of(rec), "AU") == [name]
