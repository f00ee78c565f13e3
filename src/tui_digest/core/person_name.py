"""People's names split for the citation formats: family, given, suffix, particles.

Also the generational suffixes ("Jr.", "III"), one list for the feed readers,
which must not take "Jr." after a comma for an author of its own, and for the
citation formats, which write the suffix apart from the family name (BibTeX
"King, Jr., Martin Luther").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui_digest.core.sanitize import clean_line

SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def is_name_suffix(word: str) -> bool:
    """Whether `word` (one word, spaces around it ignored) is a generational suffix."""
    return word.strip().lower() in SUFFIXES


@dataclass(frozen=True, slots=True)
class Name:
    """A person's name split for citation formats; `literal` when it cannot be split.

    `family` is the whole family name, particles included ("van Beethoven",
    "de La Fontaine"); `particle` is its leading lower-case words ("van", "de"), ""
    when there are none or when the name gives no way to tell them apart.
    """

    family: str = ""
    given: str = ""
    suffix: str = ""
    literal: str = ""
    particle: str = ""
    group: bool = False  # a collaboration, consortium or team: `literal`, never split

    @property
    def family_core(self) -> str:
        """The family name without its particles: "Beethoven", "La Fontaine"."""
        return self.family[len(self.particle) :].lstrip() if self.particle else self.family


# Capitalised words that belong to the family name when they follow a lower-case
# particle, as "La" in "Jean de La Fontaine" or "Van" in "Pierre de Van Dyke" (family
# names "de La Fontaine", "de Van Dyke"). They are not particles themselves: the
# particle is the lower-case "de" and "La Fontaine" the rest, as BibTeX reads it.
# Alone ("Anna Van Dyke", "Jean La Fontaine") they may as well be a given name: no
# lower-case particle, no guess.
_CAPITAL_PARTICLES = frozenset(
    {"La", "Le", "Les", "Los", "Las", "Lo", "Da", "De", "Del", "Della", "Di", "Do", "Dos",
     "Das", "Du", "Des", "Van", "Von", "Der", "Den", "Ten", "Ter", "Zu"}
)  # fmt: skip


# Words that make an author a group rather than a person ("The ATLAS Collaboration",
# "LIGO Scientific Collaboration", "HPQCD Consortium", "Gemini Team", "Working
# Group"), whole words in any case. Deliberately few: a name holding none of them is
# split as a person's, so "Google DeepMind" or "Meta AI" still are; a one-word name
# ("OpenAI") is whole anyway.
_GROUP_WORDS = frozenset(
    {"collaboration", "collaborations", "collab", "consortium", "consortia", "team", "group"}
)
# Words a group's citation key skips: "The ATLAS Collaboration" -> atlas.
_KEY_SKIP = frozenset({"the", "a", "an", "of", "for", "on", "and"} | _GROUP_WORDS)


def _words(name: str) -> list[str]:
    return [w.strip(".,;:").lower() for w in name.split()]


def is_group_name(name: str) -> bool:
    """Whether `name` names a collaboration, consortium or team (see `_GROUP_WORDS`).

    "Team, Anna" is a person written family name first: Team and Group are family
    names too, rare ones (a regression hunt), and a comma right after one of them
    alone says so. "Anna Team" cannot be told from "Gemini Team" and is a group:
    cited whole, which prints the name as written.
    """
    family, comma, _rest = name.partition(",")
    if comma and _words(family) in (["team"], ["group"]):
        return False
    return any(w in _GROUP_WORDS for w in _words(name))


def key_words(name: Name) -> list[str]:
    """The words of `name` a citation key may be built from, best first: a group's
    significant words in order ("The ATLAS Collaboration" -> ATLAS, ...), a person's
    family name's last word ("van Beethoven" -> Beethoven), as arXiv does."""
    if name.group:
        words = [w.strip(".,;:") for w in name.literal.split()]
        significant = [w for w in words if w.lower() not in _KEY_SKIP]
        return significant or words
    return (name.family or name.literal).split()[-1:]


def _is_particle(words: Sequence[str], i: int) -> bool:
    return words[i].islower() or (i > 0 and words[i] in _CAPITAL_PARTICLES)


def _particle(family: str) -> str:
    """The leading particles of a family name: its lower-case words before the first
    capitalised one ("van" of "van Beethoven", "van der" of "van der Waals", "de" of
    "de La Fontaine", as README says and BibTeX's "von" part reads them, so that
    CSL-JSON's family name "La Fontaine" is BibTeX's last name); an all-lower-case
    name ("wei zhang") has none, as case is the only sign of a particle."""
    words = family.split()
    n = 0
    while n < len(words) - 1 and words[n].islower():
        n += 1
    return " ".join(words[:n]) if n and words[n][:1].isupper() else ""


def split_name(name: str) -> Name:
    """ "Ashish Vaswani" / "Vaswani, Ashish" / "Guy Steele Jr." / "Martin Luther King, Jr."
    -> family, given, suffix.

    A single word (a mononym, or a CJK name written without spaces) stays whole
    as `literal`, since guessing which part is the family name would be wrong
    about half the time; so does a group's name (`is_group_name`), with `group` set.
    """
    name = " ".join(clean_line(name).split())
    if " " in name and is_group_name(name):
        # "The ATLAS Collaboration": split, it was family "Collaboration", given "The
        # ATLAS" (found by a bug hunt), and BibTeX styles printed "T. A. Collaboration".
        return Name(literal=name, group=True)
    if "(" in name or ")" in name:
        # An affiliation kept with the name ("Wei Zhang (Tsinghua University,
        # Beijing)": `feed_common.split_authors` keeps it whole): its comma or its
        # last word taken for the family name made "Beijing)" a given name (found
        # by a regression hunt). The name is cited as written.
        return Name(literal=name)
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        if len(parts) == 2 and is_name_suffix(parts[1]):
            # "Martin Luther King, Jr." (as `feed_common.split_authors` keeps it): the
            # name before the comma in natural order, then its suffix.
            first = split_name(parts[0])
            if first.literal or first.suffix:
                return Name(literal=name)
            return Name(
                family=first.family, given=first.given, suffix=parts[1], particle=first.particle
            )
        if len(parts) == 2 and all(parts):
            return Name(family=parts[0], given=parts[1], particle=_particle(parts[0]))
        if len(parts) == 3 and is_name_suffix(parts[1]) and parts[0] and parts[2]:
            family = parts[0]
            return Name(family=family, given=parts[2], suffix=parts[1], particle=_particle(family))
        return Name(literal=name)
    words = name.split()
    suffix = ""
    if len(words) > 2 and is_name_suffix(words[-1]):
        suffix = words.pop()
    if len(words) < 2:
        return Name(literal=name)
    # Particles belong to the family name: "Ludwig van Beethoven", "Jean de La Fontaine".
    # The run before the last word starts with a lower-case particle: in "Maria de los
    # Angeles Garcia" the run stops at "Angeles", so the family name is Garcia; a
    # capitalised word before the run's first lower-case one stays a given name.
    last = len(words) - 1
    start = last
    while start > 1 and _is_particle(words, start - 1):
        start -= 1
    while start < last and not words[start].islower():
        start += 1
    family = " ".join(words[start:])
    return Name(
        family=family,
        given=" ".join(words[:start]),
        suffix=suffix,
        particle=_particle(family),
    )
