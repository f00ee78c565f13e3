"""RIS and CSL-JSON exports, checked by reading them back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_digest.core.csl_json import to_csl_json
from tui_digest.core.model import Paper, PaperRecord
from tui_digest.core.person_name import split_name
from tui_digest.core.ris import to_ris


def make(rowid: int = 1, meta_published: str = "", **fields) -> PaperRecord:
    from tui_digest.core.arxiv_meta import FOUND, ArxivMeta

    fields.setdefault("id", "2403.10056")
    meta = None
    if meta_published:  # what arXiv's API said (`tui-digest enrich`)
        meta = ArxivMeta(fields["id"], FOUND, "2024-01-01T00:00:00Z", published=meta_published)
    return PaperRecord(rowid, Paper(**fields), meta=meta)


ATTENTION = make(
    7,
    meta_published="2017-06-12",
    id="1706.03762",
    url="https://arxiv.org/abs/1706.03762",
    title_en="Attention Is All You Need",
    title_zh="注意力就是你所需要的一切",
    abstract_en="The dominant sequence transduction models ...",
    authors=["Ashish Vaswani", "Noam Shazeer", "Guy L. Steele Jr.", "张三"],
    categories=["cs.CL", "cs.LG"],
    published="2017-06-12",
)
HOSTILE_TITLE = "Two\nlines\r\nER  - \x1b[31m and TY  - JOUR"


# --- RIS --------------------------------------------------------------------------------


def parse_ris(text: str) -> list[list[tuple[str, str]]]:
    """A small RIS reader: `XY  - value` lines, records from TY to ER, CRLF endings."""
    assert text.endswith("\r\n")
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] | None = None
    for line in text[:-2].split("\r\n"):
        assert "\n" not in line and "\r" not in line
        tag, sep, value = line[:2], line[2:6], line[6:]
        assert (tag.isalnum() and tag.isupper()) or tag[1].isdigit(), line
        assert sep == "  - ", line
        if tag == "TY":
            assert current is None, "TY inside a record"
            current = [(tag, value)]
        else:
            assert current is not None, f"{tag} outside a record"
            current.append((tag, value))
            if tag == "ER":
                assert value == ""
                records.append(current)
                current = None
    assert current is None, "last record not closed"
    return records


def values(record: list[tuple[str, str]], tag: str) -> list[str]:
    return [v for t, v in record if t == tag]


def test_ris_record_reads_back_with_every_field():
    (rec,) = parse_ris(to_ris([ATTENTION]))
    assert rec[0] == ("TY", "UNPB") and rec[-1] == ("ER", "")
    assert values(rec, "TI") == ["Attention Is All You Need"]
    assert values(rec, "AU") == ["Vaswani, Ashish", "Shazeer, Noam", "Steele, Guy L., Jr.", "张三"]
    assert values(rec, "PY") == ["2017"] and values(rec, "DA") == ["2017/06/12"]
    assert values(rec, "UR") == ["https://arxiv.org/abs/1706.03762"]
    assert values(rec, "L1") == ["https://arxiv.org/pdf/1706.03762"]
    assert values(rec, "AN") == ["arXiv:1706.03762"] and values(rec, "DB") == ["arXiv"]
    assert values(rec, "KW") == ["cs.CL", "cs.LG"]
    assert values(rec, "AB") == ["The dominant sequence transduction models ..."]
    assert values(rec, "TT") == ["注意力就是你所需要的一切"]


def test_ris_keeps_several_records_apart_and_line_breaks_cannot_forge_tags():
    other = make(2, id="2403.00001", title_en=HOSTILE_TITLE, abstract_en="a\nb", published="")
    records = parse_ris(to_ris([ATTENTION, other, make(3, title_en="Third")]))
    assert len(records) == 3
    assert values(records[1], "TI") == ["Two lines ER - [31m and TY - JOUR"]
    assert values(records[1], "AB") == ["a b"]
    assert values(records[1], "PY") == ["2024"] and values(records[1], "DA") == ["2024/03//"]
    assert [values(r, "TY") for r in records] == [["UNPB"]] * 3
    assert to_ris([]) == ""


def test_ris_keeps_an_abstract_over_2000_characters_whole():
    # Found by a bug hunt (s41 auditpub #5): AB was cut at 2,000 characters with
    # " […truncated]" (a title's cap) while CSL-JSON kept the abstract whole. The RIS
    # specification sets no length for it: AB, N1 and N2 are free text fields with
    # "no practical length limit" (RIS Format Specifications, Reference Manager,
    # refman.com/support/risformat_tags_03.asp); rispy reads a line of any length.
    abstract = "\n".join(f"Sentence {i} of a long abstract, on its own line." for i in range(80))
    assert len(abstract) > 3_000
    rec = make(abstract_en=abstract, title_en="Long")
    (record,) = parse_ris(to_ris([rec]))
    folded = " ".join(abstract.split())
    assert values(record, "AB") == [folded]
    assert json.loads(to_csl_json([rec]))[0]["abstract"] == abstract
    rispy = pytest.importorskip("rispy", reason="rispy (not a dependency)")
    (entry,) = rispy.loads(to_ris([rec]))
    assert entry["abstract"] == folded


def test_ris_without_authors_or_arxiv_id_leaves_those_tags_out():
    (rec,) = parse_ris(to_ris([make(id="blog-1", url="https://x.org/1", title_en="Post")]))
    assert values(rec, "AU") == [] and values(rec, "L1") == [] and values(rec, "AN") == []
    assert values(rec, "UR") == ["https://x.org/1"]


# --- CSL-JSON ---------------------------------------------------------------------------

# From the CSL data schema 1.0 (citation-style-language/schema, input/1.0/csl-data.json):
# the item properties this export may use, the required ones, the name properties,
# and the allowed types (the schema's enum includes "article").
CSL_REQUIRED = {"id", "type"}
CSL_STRING_FIELDS = {
    "title", "translated-title", "publisher", "URL", "abstract", "keyword", "DOI", "note",
}  # fmt: skip
CSL_NAME_KEYS = {
    "family", "given", "dropping-particle", "non-dropping-particle", "suffix",
    "comma-suffix", "static-ordering", "literal", "parse-names",
}  # fmt: skip
CSL_TYPES_USED = {"article"}


def check_csl_item(item: dict) -> None:
    assert set(item) >= CSL_REQUIRED
    assert isinstance(item["id"], str) and item["id"]
    assert item["type"] in CSL_TYPES_USED
    allowed = CSL_REQUIRED | CSL_STRING_FIELDS | {"author", "issued", "number"}
    assert set(item) <= allowed, set(item) - allowed  # additionalProperties: false
    for name in CSL_STRING_FIELDS & set(item):
        assert isinstance(item[name], str)
    assert isinstance(item.get("number", ""), (str, int))
    for person in item.get("author", []):
        assert person and set(person) <= CSL_NAME_KEYS
        assert all(isinstance(v, str) and v for v in person.values())
    if "issued" in item:
        assert set(item["issued"]) == {"date-parts"}
        parts = item["issued"]["date-parts"]
        assert 1 <= len(parts) <= 2 and all(1 <= len(p) <= 3 for p in parts)
        assert all(isinstance(n, int) for p in parts for n in p)


def test_csl_json_reads_back_as_schema_valid_items():
    data = json.loads(to_csl_json([ATTENTION, make(2, title_en="Bare", published="")]))
    assert isinstance(data, list) and len(data) == 2
    for item in data:
        check_csl_item(item)
    first = data[0]
    assert first["id"] == "vaswani2017attention-1706.03762" and first["type"] == "article"
    assert first["title"] == "Attention Is All You Need"
    assert first["translated-title"] == "注意力就是你所需要的一切"
    assert first["author"] == [
        {"family": "Vaswani", "given": "Ashish"},
        {"family": "Shazeer", "given": "Noam"},
        {"family": "Steele", "given": "Guy L.", "suffix": "Jr."},
        {"literal": "张三"},
    ]
    assert first["issued"] == {"date-parts": [[2017, 6, 12]]}
    assert first["URL"] == "https://arxiv.org/abs/1706.03762"
    assert first["number"] == "arXiv:1706.03762" and first["publisher"] == "arXiv"
    # No date but the id's: its year and month (2403.*).
    assert data[1]["issued"] == {"date-parts": [[2024, 3]]} and "author" not in data[1]


def test_csl_ids_are_the_bibtex_keys_and_unique():
    recs = [make(i, id=f"2403.1000{i}", title_en="Scaling", authors=["J Kaplan"]) for i in range(3)]
    ids = [item["id"] for item in json.loads(to_csl_json(recs))]
    assert ids == [f"kaplan2024scaling-2403.1000{i}" for i in range(3)]
    from test_bibtex import keys_of
    from tui_digest.core.bibtex import to_bibtex

    assert keys_of(to_bibtex(recs)) == ids
    assert json.loads(to_csl_json([])) == []


def test_csl_json_keeps_hostile_text_as_data():
    (item,) = json.loads(to_csl_json([make(title_en='Quote " and \\ {x}', authors=["A B"])]))
    check_csl_item(item)
    # (The braces of a plain group are TeX's grouping, not text: `plain_text`.)
    assert item["title"] == 'Quote " and \\ x'


@pytest.mark.parametrize(
    ("name", "family", "given", "suffix", "literal"),
    [
        ("Ashish Vaswani", "Vaswani", "Ashish", "", ""),
        ("Vaswani, Ashish", "Vaswani", "Ashish", "", ""),
        ("Steele, Jr., Guy", "Steele", "Guy", "Jr.", ""),
        ("Ludwig van Beethoven", "van Beethoven", "Ludwig", "", ""),
        ("Jean-Pierre de la Fontaine", "de la Fontaine", "Jean-Pierre", "", ""),
        ("Jean de La Fontaine", "de La Fontaine", "Jean", "", ""),
        ("Maria de los Angeles Garcia", "Garcia", "Maria de los Angeles", "", ""),
        ("Guy L. Steele Jr.", "Steele", "Guy L.", "Jr.", ""),
        ("Martin Luther King, Jr.", "King", "Martin Luther", "Jr.", ""),
        ("Aristotle, Jr.", "", "", "", "Aristotle, Jr."),
        ("Aristotle", "", "", "", "Aristotle"),
        ("张三", "", "", "", "张三"),
        ("a, b, c, d", "", "", "", "a, b, c, d"),
        # Collaborations and teams are cited whole (found by a bug hunt: "The ATLAS
        # Collaboration" was family "Collaboration", given "The ATLAS").
        ("The ATLAS Collaboration", "", "", "", "The ATLAS Collaboration"),
        ("LIGO Scientific Collaboration", "", "", "", "LIGO Scientific Collaboration"),
        ("the CMS Collaboration", "", "", "", "the CMS Collaboration"),
        ("Event Horizon Telescope Collab.", "", "", "", "Event Horizon Telescope Collab."),
        ("HPQCD consortium", "", "", "", "HPQCD consortium"),
        ("Gemini Team", "", "", "", "Gemini Team"),
        ("The SWIFT Working Group", "", "", "", "The SWIFT Working Group"),
        ("Collaboration, ATLAS", "", "", "", "Collaboration, ATLAS"),
        ("Teaming Smith", "Smith", "Teaming", "", ""),
        ("Ann Grouper", "Grouper", "Ann", "", ""),
        # A person family name first (a regression hunt): Team and Group are rare
        # family names, and the comma after one alone says so.
        ("Team, Anna", "Team", "Anna", "", ""),
        ("Group, Lee Ann", "Group", "Lee Ann", "", ""),
    ],
)
def test_split_name(name, family, given, suffix, literal):
    parts = split_name(name)
    assert (parts.family, parts.given, parts.suffix, parts.literal) == (
        family,
        given,
        suffix,
        literal,
    )


def test_a_collaboration_is_a_literal_name_in_csl_json_and_whole_in_ris():
    rec = make(id="2501.00904", title_en="Nets", authors=["The ATLAS Collaboration", "Ann Lee"])
    (item,) = json.loads(to_csl_json([rec]))
    check_csl_item(item)
    assert item["author"] == [
        {"literal": "The ATLAS Collaboration"},
        {"family": "Lee", "given": "Ann"},
    ]
    assert item["id"] == "atlas2025nets-2501.00904"
    (record,) = parse_ris(to_ris([rec]))
    assert values(record, "AU") == ["The ATLAS Collaboration", "Lee, Ann"]


# --- From the command line ----------------------------------------------------------------


def test_cli_exports_ris_and_csl_json_to_stdout_and_file(tmp_path):
    from cli_support import run_cli

    db = tmp_path / "cache.db"
    digest = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"
    assert run_cli("import", str(digest), db=db).returncode == 0
    proc = run_cli("export", "--format", "ris", db=db)
    assert proc.returncode == 0, proc.stderr
    records = parse_ris(proc.stdout.decode())
    assert len(records) == 3 and all(values(r, "TY") == ["UNPB"] for r in records)
    target = tmp_path / "refs.csl.json"
    proc = run_cli("export", "--format", "csl-json", "-o", str(target), db=db)
    assert proc.returncode == 0, proc.stderr
    items = json.loads(target.read_text(encoding="utf-8"))
    assert len(items) == 3
    for item in items:
        check_csl_item(item)
    # Both formats name the same three papers.
    assert {item["number"] for item in items} == {v for r in records for v in values(r, "AN")}


# --- Papers enriched from arXiv's API ---------------------------------------------------------


def enriched(**paper_fields) -> PaperRecord:
    """A digest paper (no authors, categories or date) with what arXiv's API said."""
    from tui_digest.core.arxiv_meta import FOUND, ArxivMeta

    paper_fields.setdefault("id", "2402.01118")
    paper_fields.setdefault("title_en", r"Pok\'eLLMon: Pok\'emon Battles")
    meta = ArxivMeta(
        id=paper_fields["id"],
        status=FOUND,
        asked_at="2024-02-05T00:00:00Z",
        authors=["Sihao Hu", "Tiansheng Huang", "Ling Liu"],
        categories=["cs.AI", "cs.CL"],
        published="2024-02-02",
        doi="10.48550/arXiv.2402.01118",
    )
    return PaperRecord(1, Paper(**paper_fields), meta=meta)


def test_every_format_takes_authors_categories_date_and_doi_from_enrichment():
    from test_bibtex import parse_bibtex
    from tui_digest.core.bibtex import to_bibtex

    rec = enriched()
    ((_, key, fields),) = parse_bibtex(to_bibtex([rec]))
    assert key == "hu2024pokellmon-2402.01118"
    assert fields["author"] == "Sihao Hu and Tiansheng Huang and Ling Liu"
    assert fields["primaryclass"] == "cs.AI" and fields["year"] == "2024"
    assert fields["doi"] == "10.48550/arXiv.2402.01118"

    (ris,) = parse_ris(to_ris([rec]))
    assert values(ris, "AU") == ["Hu, Sihao", "Huang, Tiansheng", "Liu, Ling"]
    assert values(ris, "DA") == ["2024/02/02"] and values(ris, "KW") == ["cs.AI", "cs.CL"]
    assert values(ris, "DO") == ["10.48550/arXiv.2402.01118"]

    (item,) = json.loads(to_csl_json([rec]))
    check_csl_item(item)
    assert item["id"] == key and item["DOI"] == "10.48550/arXiv.2402.01118"
    assert item["author"][0] == {"family": "Hu", "given": "Sihao"}
    assert item["issued"] == {"date-parts": [[2024, 2, 2]]}


def test_the_digests_own_fields_win_and_a_malformed_doi_is_left_out():
    rec = enriched(authors=["Ann Lee"], categories=["cs.LG"], published="2024-03-01")
    rec.meta.doi = "not a doi"
    (item,) = json.loads(to_csl_json([rec]))
    assert item["author"] == [{"family": "Lee", "given": "Ann"}]
    # The date is arXiv's (v1), not the day a feed listed the paper.
    assert item["keyword"] == "cs.LG" and item["issued"] == {"date-parts": [[2024, 2, 2]]}
    assert "DOI" not in item
    (ris,) = parse_ris(to_ris([rec]))
    assert values(ris, "DO") == [] and values(ris, "AU") == ["Lee, Ann"]


# --- The cited date: the paper's, not the day a feed re-announced it ---------------------


def reannounced(meta_published: str = "", **fields) -> PaperRecord:
    """arXiv:2309.01390 as an arXiv feed listed it in 2025 (a replacement)."""
    from tui_digest.core.arxiv_meta import FOUND, ArxivMeta

    fields.setdefault("id", "2309.01390")
    fields.setdefault("title_en", "Bridging Gaps")
    fields.setdefault("authors", ["Kenji Tanaka"])
    fields.setdefault("published", "2025-09-18")  # the listing date
    meta = None
    if meta_published:
        meta = ArxivMeta(fields["id"], FOUND, "2025-09-19T00:00:00Z", published=meta_published)
    return PaperRecord(1, Paper(**fields), meta=meta)


def cited(rec: PaperRecord) -> tuple[str, str, list, list, list]:
    """(BibTeX key, year, CSL date-parts, RIS PY, RIS DA) of one paper."""
    from test_bibtex import parse_bibtex
    from tui_digest.core.bibtex import to_bibtex

    ((_, key, fields),) = parse_bibtex(to_bibtex([rec]))
    (item,) = json.loads(to_csl_json([rec]))
    (ris,) = parse_ris(to_ris([rec]))
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    return key, fields.get("year", ""), parts, values(ris, "PY"), values(ris, "DA")


def test_an_enriched_paper_is_cited_with_arxivs_date_not_the_listing_date():
    # Found by a bug hunt: after `enrich` answered 2023-09-04, still 2025.
    key, year, parts, py, da = cited(reannounced("2023-09-04"))
    assert (year, parts, py, da) == ("2023", [2023, 9, 4], ["2023"], ["2023/09/04"])
    assert key == "tanaka2023bridging-2309.01390"


def test_without_arxivs_date_the_id_gives_year_and_month_not_the_listing_date():
    # RIS cites the month too, as CSL-JSON does (a bug hunt: Zotero got the year alone).
    key, year, parts, py, da = cited(reannounced())
    assert (year, parts, py, da) == ("2023", [2023, 9], ["2023"], ["2023/09//"])
    assert key == "tanaka2023bridging-2309.01390"
    _key, year, parts, _py, _da = cited(reannounced(id="2312.07358", published="2025-09-18"))
    assert (year, parts) == ("2023", [2023, 12])


def test_the_same_paper_gets_the_same_year_from_any_source():
    from_digest = reannounced(published="")
    from_feed = reannounced(published="2025-09-18")
    from_archive = reannounced(published="2023-09-05")
    assert {cited(r)[:2] for r in (from_digest, from_feed, from_archive)} == {
        ("tanaka2023bridging-2309.01390", "2023")
    }


def test_a_paper_without_an_arxiv_id_keeps_its_own_date():
    rec = reannounced(id="blog-7", published="2025-09-18T10:00:00Z")
    _key, year, parts, py, da = cited(rec)
    assert (year, parts, py, da) == ("2025", [2025, 9, 18], ["2025"], ["2025/09/18"])


@pytest.mark.parametrize(
    ("arxiv_id", "parts"),
    [
        ("0704.0001", [2007, 4]),
        ("1412.6980", [2014, 12]),
        ("2501.00007", [2025, 1]),
        ("9912.12345", [2099, 12]),  # arxiv_identifier.html: YY 99 = 2099
        ("hep-th/9901001", [1999, 1]),
        ("math.GT/0309136", [2003, 9]),
        ("2413.00001", []),
        ("blog-7", []),
    ],
)
def test_id_date_parts_follow_arxivs_identifier_scheme(arxiv_id, parts):
    from tui_digest.core.citation import id_date_parts

    assert id_date_parts(arxiv_id) == parts
