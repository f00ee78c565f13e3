"""Latin letters with a stroke, and ligatures, are found from their ASCII spelling.

FTS5's unicode61 tokenizer, whose folding the index copies (`fts_fold`), takes
accents off but leaves Ł, Ø, Đ, Æ as letters of their own, so `Lukasiewicz`,
`au:soren` and `au:dokovic` found nothing (found by a bug hunt), though other
databases write those names in ASCII. The tokeniser folds them
(`search_tokens.LETTER_FOLDS`) for the index, the query, notes and the
highlighter alike.
"""

from __future__ import annotations

import pytest

from tui_digest.core.fts_fold import fts_fold
from tui_digest.core.highlight import matcher
from tui_digest.core.model import Digest, Paper
from tui_digest.core.search_tokens import query_tokens, words
from tui_digest.core.store import Store

LUKASIEWICZ = Paper(
    id="2403.00001",
    title_en="Łukasiewicz logic for neural networks",
    abstract_en="We revisit Łukasiewicz t-norms in Ærøskøbing.",
    authors=["Łukasz Łukasiewicz", "Søren Ødegård"],
)
DJOKOVIC = Paper(
    id="2403.00002",
    title_en="Œuvre of the Øster school",
    abstract_en="Þór Yıldız and ǼLFRIC study Ħal Far.",
    authors=["Đorđe Đoković", "Ðóra Þórsdóttir"],
)
PLAIN = Paper(id="2403.00003", title_en="Logic programs", authors=["Lukas Olsen"])


def test_the_tokeniser_folds_them_as_ascii_spells_them():
    text = "Łukasiewicz Søren Đoković Øster Ødegård ÆRØ Œuvre Þór Ðóra Yıldız Ħal"
    assert fts_fold(" ".join(words(text))).split() == [
        "lukasiewicz", "soren", "dokovic", "oster", "odegard", "aero", "oeuvre", "thor", "dora",
        "yildiz", "hal",
    ]  # fmt: skip
    assert query_tokens("ŁUKASZ") == [("lukasz", True)]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    with Store.open(tmp_path_factory.mktemp("fold") / "c.db") as s:
        s.import_digest(Digest("d1", date="2024-03-20", papers=[LUKASIEWICZ, DJOKOVIC, PLAIN]))
        s.set_note(PLAIN.id, "Compare with Søren's Łukasiewicz notes")
        yield s


@pytest.mark.parametrize(
    ("query", "papers"),
    [
        ("Lukasiewicz", [LUKASIEWICZ, PLAIN]),  # (PLAIN by its note)
        ("Łukasiewicz", [LUKASIEWICZ, PLAIN]),
        ("ti:lukasiewicz", [LUKASIEWICZ]),
        ("au:lukasz", [LUKASIEWICZ]),
        ("au:łukasz", [LUKASIEWICZ]),
        ("au:luk", [LUKASIEWICZ, PLAIN]),
        ('au:"lukasz lukasiewicz"', [LUKASIEWICZ]),
        ("au:soren", [LUKASIEWICZ]),
        ("au:odegard", [LUKASIEWICZ]),
        ("au:dokovic", [DJOKOVIC]),
        ("au:djokovic", []),
        ("au:dorde", [DJOKOVIC]),
        ("au:dora", [DJOKOVIC]),
        ("au:thorsdottir", [DJOKOVIC]),
        ("oster", [DJOKOVIC]),
        ("øster", [DJOKOVIC]),
        ("oeuvre", [DJOKOVIC]),
        ("aeroskobing", [LUKASIEWICZ]),
        ("aer", [LUKASIEWICZ]),
        ("ærø", [LUKASIEWICZ]),
        ("yildiz", [DJOKOVIC]),
        ("aelfric", [DJOKOVIC]),
        ('"thor yildiz"', [DJOKOVIC]),
        ("hal", [DJOKOVIC]),
        ("note:soren", [PLAIN]),
        ("note:søren", [PLAIN]),
    ],
)  # fmt: skip
def test_a_name_is_found_from_its_ascii_spelling(store, query, papers):
    assert sorted(r.id for r in store.search(query, limit=10)) == sorted(p.id for p in papers)


@pytest.mark.parametrize(
    ("query", "text", "marked"),
    [
        ("lukasiewicz soren", "Łukasiewicz and Søren", ["Łukasiewicz", "Søren"]),
        ("dokovic", "Đorđe Đoković", ["Đoković"]),
        ("aero", "Ærøskøbing", ["Ærø"]),
        ("aeroskobing", "in Ærøskøbing.", ["Ærøskøbing"]),
        ("Øster", "the Oster school", ["Oster"]),
    ],
)
def test_the_highlight_marks_them_too(query, text, marked):
    assert [text[a:b] for a, b in matcher(query).spans(text)] == marked
