"""BibTeX in arXiv's own style: LaTeX kept, only what breaks BibTeX/LaTeX escaped."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_digest.core.bibtex import _TOKEN_RE, bibtex_value, to_bibtex
from tui_digest.core.citation import paper_year
from tui_digest.core.model import Paper, PaperRecord


def make(rowid: int = 1, **fields) -> PaperRecord:
    fields.setdefault("id", "2403.10056")
    return PaperRecord(rowid, Paper(**fields))


ATTENTION = make(
    7,
    id="1706.03762",
    url="https://arxiv.org/abs/1706.03762",
    title_en="Attention Is All You Need",
    title_zh="注意力就是你所需要的一切",
    authors=["Ashish Vaswani", "Noam Shazeer"],
    categories=["cs.CL", "cs.LG"],
    published="2017-06-12",
)
# arXiv:2402.01118 as arXiv lists it: the title carries LaTeX accents.
POKELLMON = make(
    2,
    id="2402.01118",
    title_en=r"Pok\'eLLMon: A Human-Parity Agent for Pok\'emon Battles with Large Language Models",
    authors=["Sihao Hu", "Tiansheng Huang", "Ling Liu"],
    categories=["cs.AI"],
    published="2024-02-02",
)


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """A small BibTeX reader: counts braces the way BibTeX does (escaped or not)."""
    entries = []
    pos = 0
    while (at := text.find("@", pos)) >= 0:
        head = re.compile(r"@(\w+)\{([^,\s{}]+),\s*").match(text, at)
        assert head, text[at : at + 80]
        pos, fields = head.end(), {}
        while text[pos] != "}":
            field = re.compile(r"(\w+)=\{").match(text, pos)
            assert field, text[pos : pos + 80]
            pos = start = field.end()
            depth = 1
            while depth:
                depth += {"{": 1, "}": -1}.get(text[pos], 0)
                pos += 1
            assert field.group(1).lower() not in fields, "duplicate field"
            fields[field.group(1).lower()] = text[start : pos - 1]
            assert text[pos] == ",", "fields end with a comma"
            pos += 1
            while text[pos].isspace():
                pos += 1
        entries.append((head.group(1), head.group(2), fields))
        pos += 1
    return entries


def keys_of(text: str) -> list[str]:
    return [key for _type, key, _fields in parse_bibtex(text)]


def braces_balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def latex_safe(value: str) -> bool:
    """No bare % # &, no ^^, no file commands; `$` math opens and closes within one
    group (never `$$`, TeX's display math), and `_`/`^` only inside it; groups
    (`{`/`}`, not the escaped `\\{`/`\\}`) balance."""
    tokens = _TOKEN_RE.findall(value)
    if any(t in ("%", "#", "&") for t in tokens) or "^^" in value:
        return False
    if any(t in (r"\input", r"\def", r"\end", r"\write", r"\csname") for t in tokens):
        return False
    depth, math_at = 0, -1  # group depth, the depth math was opened at (-1: no math)
    for i, tok in enumerate(tokens):
        if tok == "{":
            depth += 1
        elif tok == "}":
            if depth == math_at or depth == 0:  # closes a group math began in, or none
                return False
            depth -= 1
        elif tok == "$":
            if math_at < 0 and i + 1 < len(tokens) and tokens[i + 1] == "$":
                return False
            if math_at >= 0 and depth != math_at:
                return False
            math_at = depth if math_at < 0 else -1
        elif tok in ("_", "^") and math_at < 0:
            return False
    return math_at < 0 and depth == 0 and not value.endswith("\\")


# --- The entry ------------------------------------------------------------------------


def test_entry_has_arxivs_fields_in_arxivs_order():
    assert to_bibtex([ATTENTION]) == (
        "@misc{vaswani2017attention-1706.03762,\n"
        "      title={Attention Is All You Need},\n"
        "      author={Ashish Vaswani and Noam Shazeer},\n"
        "      year={2017},\n"
        "      eprint={1706.03762},\n"
        "      archivePrefix={arXiv},\n"
        "      primaryClass={cs.CL},\n"
        "      url={https://arxiv.org/abs/1706.03762},\n"
        "      titlezh={注意力就是你所需要的一切},\n"
        "}\n"
    )


def test_latex_in_titles_is_kept_as_arxiv_wrote_it():
    ((kind, key, fields),) = parse_bibtex(to_bibtex([POKELLMON]))
    assert kind == "misc" and key == "hu2024pokellmon-2402.01118"
    assert fields["title"] == POKELLMON.paper.title_en
    tcp = make(title_en=r"$TCP\_\alpha$: Adaptive Congestion Control", authors=["A B"])
    assert parse_bibtex(to_bibtex([tcp]))[0][2]["title"] == tcp.paper.title_en


def test_without_authors_the_author_field_is_left_out():
    entries = parse_bibtex(to_bibtex([make(title_en="Scaling Laws", authors=[])]))
    ((_, key, fields),) = entries
    assert "author" not in fields and key == "arxiv-2403.10056"
    assert list(fields) == ["title", "year", "eprint", "archiveprefix", "url"]


def test_accented_author_names_fold_to_ascii_keys_and_stay_accented_in_the_entry():
    def key_and_author(name: str, title: str = "Study of X") -> tuple[str, str]:
        ((_, key, fields),) = parse_bibtex(to_bibtex([make(title_en=title, authors=[name])]))
        return key.removesuffix("-2403.10056"), fields["author"]

    assert key_and_author("Alán Aspuru-Guzik") == ("aspuruguzik2024study", "Alán Aspuru-Guzik")
    assert key_and_author("Zoë Ångström")[0] == "angstrom2024study"
    assert key_and_author("Søren Ørsted")[0] == "orsted2024study"
    assert key_and_author("Paweł Łukasz Stróż")[0] == "stroz2024study"
    assert key_and_author(r"Paul Erd\H{o}s") == ("erdos2024study", r"Paul Erd\H{o}s")
    assert key_and_author("Ludwig van Beethoven")[0] == "beethoven2024study"
    assert key_and_author("Lee, Ann")[0] == "lee2024study"
    assert key_and_author("Guy L. Steele Jr.")[0] == "steele2024study"
    # No Latin letters to key on: the key is built from the id rather than guessing a
    # romanisation.
    assert key_and_author("张三")[0] == "arxiv"


def test_key_title_word_skips_stopwords_and_reads_latex():
    def key(title: str) -> str:
        key = keys_of(to_bibtex([make(title_en=title, authors=["Ann Lee"])]))[0]
        return key.removesuffix("-2403.10056")

    assert key("The Art of X") == "lee2024art"
    assert key("On {Weird}: Titles") == "lee2024weird"
    assert key(r"$\alpha$-Fold: proteins") == "lee2024fold"
    assert key("") == "lee2024"
    assert keys_of(to_bibtex([make(id="weird", title_en="", authors=[])])) == ["arxiv-weird"]


def test_a_papers_key_does_not_depend_on_the_papers_exported_with_it():
    # Found by a bug hunt: exported alone, Mary Smith's paper was smith2025deep; beside
    # John Smith's it became smith2025deepa, and the reader's `b` copied the bare key.
    john = make(6, id="2501.00006", title_en="Deep Nets", authors=["John Smith"])
    mary = make(7, id="2501.00007", title_en="Deep Trees", authors=["Mary Smith"])
    alone = keys_of(to_bibtex([mary]))
    together = keys_of(to_bibtex([john, mary]))
    assert alone == [together[1]] == ["smith2025deep-2501.00007"]
    assert together[0] == "smith2025deep-2501.00006"
    assert keys_of(to_bibtex([mary, john])) == together[::-1]


def test_papers_without_authors_get_keys_built_from_the_id():
    # Found by a bug hunt: without authors, 30 % of a sample shared keys
    # (`arxiv2024learning` x17) and only an a, b, ... suffix told them apart.
    recs = [make(i, id=f"2403.1000{i}", title_en="Learning X", authors=[]) for i in range(5)]
    keys = keys_of(to_bibtex(recs))
    assert keys == [f"arxiv-2403.1000{i}" for i in range(5)]
    assert [keys_of(to_bibtex([r]))[0] for r in recs] == keys
    old = make(id="hep-th/9901001", title_en="Strings", authors=[])
    assert keys_of(to_bibtex([old])) == ["arxiv-hep-th-9901001"]
    old = make(id="math.GT/0309136", title_en="Knots", authors=["Ann Lee"])
    assert keys_of(to_bibtex([old])) == ["lee2003knots-math.gt-0309136"]


def test_the_same_paper_twice_still_gets_two_keys():
    rec = make(title_en="Scaling Laws", authors=["Jared Kaplan"])
    assert keys_of(to_bibtex([rec, rec])) == [
        "kaplan2024scaling-2403.10056",
        "kaplan2024scaling-2403.10056a",
    ]


@given(st.text(max_size=30), st.text(max_size=30), st.sampled_from(["2403.10056", "blog 7/x"]))
def test_keys_are_valid_for_bibtex_biber_and_pandoc(author, title, paper_id):
    from tui_digest.core.citation import citation_key

    key = citation_key(make(id=paper_id, title_en=title, authors=[author]))
    # pandoc: starts with a letter, digit or _, then alphanumerics and internal
    # punctuation; BibTeX/biber: no spaces, commas, braces, quotes, #, %.
    assert re.fullmatch(r"[a-z0-9][a-z0-9.\-]*[a-z0-9]", key), key


def test_a_name_suffix_uses_bibtexs_last_jr_first_form():
    out = to_bibtex([make(authors=["Guy L. Steele Jr.", "Ann Lee"], title_en="X")])
    assert parse_bibtex(out)[0][2]["author"] == "Steele, Jr., Guy L. and Ann Lee"


def test_author_containing_and_is_braced_and_names_are_joined_with_and():
    out = to_bibtex([make(authors=["Smith and Sons Ltd", "Ann Lee"], title_en="X")])
    assert parse_bibtex(out)[0][2]["author"] == "{Smith and Sons Ltd} and Ann Lee"


COLLABORATION = make(
    id="2501.00904",
    title_en="Nets of Jets",
    authors=["The ATLAS Collaboration", "Ann Lee"],
)


def test_a_collaboration_is_one_braced_name_and_keys_on_its_first_significant_word():
    # Found by a bug hunt: `author={The ATLAS Collaboration}` made styles print
    # "T. A. Collaboration", and the key was collaboration2025nets-….
    ((_, key, fields),) = parse_bibtex(to_bibtex([COLLABORATION]))
    assert key == "atlas2025nets-2501.00904"
    assert fields["author"] == "{The ATLAS Collaboration} and Ann Lee"
    alone = to_bibtex([make(authors=["The ATLAS Collaboration"], title_en="X")])
    assert "author={{The ATLAS Collaboration}}," in alone

    def key_of(name: str) -> str:
        key = keys_of(to_bibtex([make(title_en="Study", authors=[name])]))[0]
        return key.removesuffix("-2403.10056")

    assert key_of("LIGO Scientific Collaboration") == "ligo2024study"
    assert key_of("the CMS Collaboration") == "cms2024study"
    assert key_of("Collaboration, ATLAS") == "atlas2024study"
    assert key_of("IceCube-Gen2 Collaboration") == "icecubegen22024study"
    assert key_of("Gemini Team") == "gemini2024study"
    assert key_of("OpenAI") == "openai2024study"  # one word: whole already
    assert key_of("盘古 Team, Huawei") == "huawei2024study"  # the first word with letters
    assert key_of("Ann Lee") == "lee2024study"


def test_bibtex_readers_take_a_collaboration_as_one_name():
    pybtex_database = pytest.importorskip(
        "pybtex.database", reason="pybtex (not a dependency) reads names as BibTeX does"
    )
    entry = next(
        iter(pybtex_database.parse_string(to_bibtex([COLLABORATION]), "bibtex").entries.values())
    )
    first, second = entry.persons["author"]
    assert (first.first_names, first.last_names) == ([], ["{The ATLAS Collaboration}"])
    assert (second.first_names, second.last_names) == (["Ann"], ["Lee"])
    bibtexparser = pytest.importorskip("bibtexparser", reason="bibtexparser (not a dependency)")
    library = bibtexparser.parse_string(to_bibtex([COLLABORATION]))
    assert library.failed_blocks == [] and len(library.entries) == 1


def test_url_is_the_arxiv_page_and_a_non_arxiv_id_keeps_only_a_safe_link():
    out = to_bibtex([make(id="2403.10056", url="javascript:alert(1)", title_en="X")])
    assert parse_bibtex(out)[0][2]["url"] == "https://arxiv.org/abs/2403.10056"
    fields = parse_bibtex(to_bibtex([make(id="blog-7", url="https://x.org/a}b", title_en="X")]))
    assert "url" not in fields[0][2] and fields[0][2]["eprint"] == "blog-7"
    fields = parse_bibtex(to_bibtex([make(id="blog-7", url="https://x.org/p/7", title_en="X")]))
    assert fields[0][2]["url"] == "https://x.org/p/7"


def with_doi(doi: str) -> PaperRecord:
    from tui_digest.core.arxiv_meta import FOUND, ArxivMeta

    rec = make(title_en="T", authors=["Ann Lee"])
    rec.meta = ArxivMeta(id=rec.paper.id, status=FOUND, asked_at="2024-03-16T00:00:00Z", doi=doi)
    return rec


@pytest.mark.parametrize(
    "doi",
    [
        "10.1007/978-3-030-58452-8_13",  # a Springer LNCS chapter
        "10.1000/a_b%c<d>&e#f^g~h",
        "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
        "10.1000/x{y}z",
    ],
)
def test_doi_is_written_as_it_is_like_the_url(doi):
    # pandoc reads `doi` raw and biblatex verbatim: `\_` would be part of the DOI.
    out = to_bibtex([with_doi(doi)])
    assert f"      doi={{{doi}}},\n" in out
    assert parse_bibtex(out)[0][2]["doi"] == doi


@pytest.mark.parametrize("doi", ["10.1000/a{b", "10.1000/a}b{", "10.1000/a\\{b}", "10.1000/a\\"])
def test_a_doi_whose_braces_would_end_the_field_early_is_left_out(doi):
    # BibTeX counts `\{` as a brace, pandoc does not: each kind must pair up, as in titles.
    fields = parse_bibtex(to_bibtex([with_doi(doi)]))[0][2]
    assert "doi" not in fields and fields["title"] == "T"


def test_entries_are_separated_and_empty_input_is_empty():
    out = to_bibtex([ATTENTION, make(2, id="2403.00001", title_en="Other")])
    assert out.count("@misc{") == 2 and "}\n\n@misc{" in out
    assert to_bibtex([]) == ""


# --- Escaping only what breaks ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"Pok\'eLLMon", r"Pok\'eLLMon"),
        (r"$TCP\_\alpha$", r"$TCP\_\alpha$"),
        (r"$x_i^2$ and {BERT}", r"$x_i^2$ and {BERT}"),
        (r"\{x\} kept, a \{ alone", r"\{x\} kept, a \textbraceleft{} alone"),
        ("注意力 {机制}", "注意力 {机制}"),
        ("100% of C# & F#", r"100\% of C\# \& F\#"),
        (r"already 100\% fine", r"already 100\% fine"),
        ("costs $5", r"costs \$5"),
        ("$x$ and $5", r"\$x\$ and \$5"),
        ("snake_case x^2", r"snake\_case x\textasciicircum{}2"),
        ("}{ x { y", r"\textbraceright{}\textbraceleft{} x \textbraceleft{} y"),
        ("trailing backslash \\", r"trailing backslash \textbackslash{}"),
        (r"\input{/etc/passwd}", r"\textbackslash{}input{/etc/passwd}"),
        (r"\end{document}", r"\textbackslash{}end{document}"),
        ("$^^5cinput$", r"$\textasciicircum{}\textasciicircum{}5cinput$"),
        ("line\nbreak", "line break"),
        # Found by a bug hunt: `\{` was paired with `}`, which LaTeX and pandoc read
        # as a group's end ("unexpected 'a'": pandoc refused the whole .bib).
        (r"$O(n\log n)$ sets \{x} and {0,1\}",
         r"$O(n\log n)$ sets \{x\textbraceright{} and \textbraceleft{}0,1\}"),
        # Found by a bug hunt: math opened outside a group and closed inside it.
        ("Odd $ dollar and {braced $ math}", r"Odd \$ dollar and {braced \$ math}"),
        ("$a{$ b }", r"\$a{\$ b }"),
        ("$x$ and {$y^2$}", "$x$ and {$y^2$}"),
        ("$$ a", r"\$\$ a"),  # `$$` is TeX's display math
        (r"{ \} and \{ }", r"{ \textbraceright{} and \textbraceleft{} }"),
    ],
)  # fmt: skip
def test_bibtex_value_escapes_only_what_breaks(text, expected):
    assert bibtex_value(text) == expected
    assert latex_safe(expected) and braces_balanced(expected)


PANDOC_TITLES = [
    r"$O(n\log n)$ sets \{x} and {0,1\}",
    "Odd $ dollar and {braced $ math}",
    r"\{x\} kept, a \{ alone",
    "}{ unbalanced { title",
    "$x$ and {$y^2$} holds, costs $5",
    r"{ \} braces \{ }",
]


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="needs pandoc to read the .bib")
def test_pandoc_reads_every_entry_and_title_of_hostile_titles(tmp_path):
    recs = [
        make(i, id=f"2403.1000{i}", title_en=title, authors=["Ann Lee"])
        for i, title in enumerate(PANDOC_TITLES)
    ]
    bib = tmp_path / "refs.bib"
    bib.write_text(to_bibtex(recs), encoding="utf-8")
    done = subprocess.run(
        ["pandoc", "-f", "bibtex", "-t", "csljson", str(bib)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    items = {item["id"]: item for item in json.loads(done.stdout)}
    assert sorted(items) == sorted(keys_of(to_bibtex(recs)))
    for rec, key in zip(recs, keys_of(to_bibtex(recs)), strict=True):
        title = items[key].get("title", "")
        words = re.findall(r"[a-z]{4,}", rec.paper.title_en)
        assert words and all(w in title.lower() for w in words), (rec.paper.title_en, title)


@given(st.text())
def test_any_text_gives_a_balanced_latex_safe_single_line_value(text):
    value = bibtex_value(text)
    assert braces_balanced(value)
    assert latex_safe(value), value
    assert "\n" not in value and "\r" not in value
    assert bibtex_value(value) == value  # pasting an exported title back changes nothing


@given(st.text())
def test_any_note_gives_a_balanced_latex_safe_single_line_value(text):
    value = bibtex_value(text, keep_line_breaks=True)
    assert braces_balanced(value)
    assert latex_safe(value), value
    assert "\n" not in value and "\r" not in value
    assert bibtex_value(value, keep_line_breaks=True) == value


@given(st.text(alphabet=st.characters(blacklist_characters="\\{}$%#&_^"), max_size=60))
def test_text_without_specials_is_unchanged_apart_from_cleaning(text):
    from tui_digest.core.citation import composed
    from tui_digest.core.sanitize import clean_line

    # (and composing: NFC, as every citation writer writes; test_citation_nfc.py)
    assert bibtex_value(text) == composed(clean_line(text))


HOSTILE = [
    "}{ unbalanced { title",
    "}}}}",
    "{{{{",
    r"\end{document} \input{/etc/passwd}",
    "100% of $x_i^2$ & #1 ~ done_",
    "@misc{evil, title={x}}",
    "line\nbreak\tand\x00control\x1b[31m",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_and_authors_parse_back_as_one_entry_each(title):
    recs = [
        make(1, title_en=title, title_zh=title, authors=[title, "Ann {Lee"]),
        make(2, id="2403.00002", title_en="Next"),
    ]
    out = to_bibtex(recs)
    assert "\x1b" not in out and "\x00" not in out
    entries = parse_bibtex(out)
    assert [key for _t, key, _f in entries][1] == "arxiv-2403.00002"
    fields = entries[0][2]
    for name in ("title", "author", "titlezh"):
        assert braces_balanced(fields[name]) and latex_safe(fields[name]), name
    assert re.fullmatch(r"[a-z0-9]+-[0-9.]+", entries[0][1])


@pytest.mark.parametrize(
    ("published", "arxiv_id", "year"),
    [
        ("2023-05-01", "2403.10056", "2023"),  # published wins
        ("", "2403.10056", "2024"),
        ("", "0704.0001", "2007"),
        ("", "1412.6980", "2014"),
        ("", "hep-th/9901001", "1999"),
        ("", "math.GT/0309136", "2003"),
        ("", "2413.00001", ""),  # month 13: not an id
        ("", "nonsense", ""),
        ("garbage", "", ""),
    ],
)
def test_year(published, arxiv_id, year):
    assert paper_year(published, arxiv_id) == year


def test_latex_line_break_becomes_a_space():
    # Found by hypothesis: a title that is only `\\` ended the value with a backslash.
    assert bibtex_value("\\\\") == ""
    assert bibtex_value("a \\\\ b") == "a b"
    assert bibtex_value("Part one\\\\part two") == "Part one part two"


def test_caret_after_an_accent_command_is_not_a_caret_pair():
    # Found by fuzzing: `\^^` is TeX's ^^ character-code trick behind an accent.
    assert "^^" not in bibtex_value("$\\^^$")


def test_a_name_kept_with_its_affiliation_is_one_braced_name():
    # bug hunt `auditarxiv` #7: `Zhang San (Peking University, Beijing)` unbraced was
    # read by BibTeX as "Last, First" (given name "Beijing)"), and `John Doe (MIT)` as
    # the last name "(MIT)"; CSL-JSON cites both as a `literal` (test_citation_text.py).
    names = ["Zhang San (Peking University, Beijing)", "John Doe (MIT)", "Ann Lee"]
    out = to_bibtex([make(authors=names, title_en="X")])
    assert parse_bibtex(out)[0][2]["author"] == (
        "{Zhang San (Peking University, Beijing)} and {John Doe (MIT)} and Ann Lee"
    )
