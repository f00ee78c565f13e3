"""The citation writers write composed text (NFC) whatever the cache holds.

A feed written in NFD (`José` as `e` + U+0301) is stored as it came (search folds
both forms), and BibTeX, RIS and CSL-JSON carried the combining marks: pdfLaTeX's
utf8 inputenc has no definition for U+0301, and a reference manager holds "García"
(NFD) and "García" (NFC) as two authors (found by a bug hunt).
"""

from __future__ import annotations

import json
import unicodedata

import pytest

from tui_digest.core.bibtex import to_bibtex
from tui_digest.core.csl_json import to_csl_json
from tui_digest.core.model import Paper, PaperRecord
from tui_digest.core.ris import to_ris


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


RECORD = PaperRecord(
    1,
    Paper(
        id="2404.00026",
        url="https://arxiv.org/abs/2404.00026",
        title_en=nfd("Pokémon and the Señor: naïve agents"),
        title_zh="宝可梦与先生",
        abstract_en=nfd("We study Pokémon with Émile."),
        authors=[nfd("José García Ñúñez"), nfd("Zoë van der Müller")],
        categories=["cs.AI"],
        published="2024-03-29",
    ),
    tags=[nfd("café")],
    note=nfd("Relire avec Élodie"),
)
COMBINING = ("\u0301", "\u0303", "\u0308")


@pytest.mark.parametrize("write", [to_bibtex, to_ris, to_csl_json])
def test_the_writers_compose_nfd_text(write) -> None:
    text = write([RECORD])
    assert not any(mark in text for mark in COMBINING), text
    assert text == unicodedata.normalize("NFC", text)
    assert "García" in text and "Pokémon" in text


def test_the_names_are_split_as_their_composed_form_is() -> None:
    composed = PaperRecord(
        1,
        Paper(
            id=RECORD.paper.id,
            url=RECORD.paper.url,
            title_en=unicodedata.normalize("NFC", RECORD.paper.title_en),
            title_zh=RECORD.paper.title_zh,
            abstract_en=unicodedata.normalize("NFC", RECORD.paper.abstract_en),
            authors=[unicodedata.normalize("NFC", a) for a in RECORD.paper.authors],
            categories=RECORD.paper.categories,
            published=RECORD.paper.published,
        ),
        tags=["café"],
        note="Relire avec Élodie",
    )
    for write in (to_bibtex, to_ris, to_csl_json):
        assert write([RECORD]) == write([composed])
    names = json.loads(to_csl_json([RECORD]))[0]["author"]
    assert names[0] == {"family": "Ñúñez", "given": "José García"}


def test_cjk_compatibility_ideographs_are_kept_as_written() -> None:
    """NFC would replace U+F900 with U+8C48, its unified form: a distinction the
    writer of a name in hanja may have meant. Only decomposed text is composed."""
    from tui_digest.core.citation import composed

    assert composed("\uf900 " + nfd("José") + " \U0002f800") == "\uf900 José \U0002f800"
    record = PaperRecord(1, Paper(id="2404.00027", title_en="\uf900\u0301 title"))
    for write in (to_bibtex, to_ris, to_csl_json):
        assert "\uf900" in write([record])
