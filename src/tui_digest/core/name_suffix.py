"""Generational suffixes of personal names: "Jr.", "Sr.", "II", "III", "IV".

One list for the feed readers, which must not take "Jr." after a comma for an
author of its own, and for the citation formats, which write the suffix apart
from the family name (BibTeX "King, Jr., Martin Luther").
"""

from __future__ import annotations

SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def is_name_suffix(word: str) -> bool:
    """Whether `word` (one word, spaces around it ignored) is a generational suffix."""
    return word.strip().lower() in SUFFIXES
