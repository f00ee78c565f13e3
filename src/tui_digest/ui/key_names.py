"""Whether a key name from the config's `[keys]` is one Textual can report.

`App.set_keymap` takes any string, so "Ctrl+R" or "banana+ctrl" bound nothing
while the footer and help advertised it, and the binding's default key was
gone (found by a bug hunt). A key is Textual's: modifiers (lower case) joined
by "+" to a base that is one character, a name of `textual.keys.Keys` (escape,
f5, pageup, …), or a character's name as Textual spells it (question_mark,
number_sign: `textual.keys.key_to_character`).
"""

from __future__ import annotations

import unicodedata
from contextlib import suppress
from functools import cache

from textual.keys import KEY_NAME_REPLACEMENTS, REPLACED_KEYS, Keys, key_to_character

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@cache
def _named_keys() -> frozenset[str]:
    """The base names `Keys` holds ("escape", "f5", "pageup", …), not "<any>" and such."""
    return frozenset(k.value.rpartition("+")[2] for k in Keys if not k.value.startswith("<"))


def canonical(name: str) -> str:
    """`name` as Textual reports the key: a punctuation character by its name
    ("/" is "slash", "#" "number_sign"), as `App.set_keymap` takes it. Two
    spellings of one key compare equal only so (a clash of "/" with the
    search's "slash" went unwarned; found by a bug hunt)."""
    *modifiers, base = name.split("+")
    # A long name: the character's Unicode name where Textual reports a short
    # one ("low_line" is reported as "underscore", "hyphen_minus" as "minus",
    # so a binding to the long name never fired; `KEY_NAME_REPLACEMENTS`).
    base = _key_of(base) if len(base) == 1 else KEY_NAME_REPLACEMENTS.get(base, base)
    return "+".join([*modifiers, base])


def _key_of(character: str) -> str:
    """The name Textual reports a typed character's key by."""
    if character.isalnum():
        return character
    spelled = "space" if character == " " else None
    with suppress(ValueError):
        spelled = spelled or unicodedata.name(character).lower().replace(" ", "_").replace("-", "_")
    return KEY_NAME_REPLACEMENTS.get(spelled, spelled) if spelled else character


def is_key(name: str) -> bool:
    *modifiers, base = name.split("+")
    if not base or any(m not in MODIFIERS for m in modifiers):
        return False
    if len(base) == 1:
        # Textual reports a shifted letter as the letter ("X", never "shift+x"),
        # and ctrl with a letter in lower case ("ctrl+r", never "ctrl+R").
        if base.isalpha() and "shift" in modifiers and not {"alt", "ctrl"} & set(modifiers):
            return False
        if base.isupper() and "ctrl" in modifiers:
            return False
        return never_reported(name) is None
    # Textual spells names in lower case ("Escape" is never pressed).
    named = base.islower() and (base in _named_keys() or _reported(base) == base)
    return named and never_reported(name) is None


# What shift with a digit or punctuation key types on a US keyboard: only to
# suggest a key (another layout types other characters there).
_US_SHIFTED = dict(zip("1234567890-=[]\\;',./`", '!@#$%^&*()_+{}|:"<>?~', strict=True))


def never_reported(name: str) -> str | None:
    """Why Textual never reports the key `name` (canonical), spelled like a key,
    with a key it reports instead where one is known; None when it may.

    "shift+1", "shift+slash" and "alt+X" were taken without a word, the footer
    showed them and the binding lost its key (found by a bug hunt). As Textual
    8 reads keys (`textual/_xterm_parser.py`): a terminal's plain byte for a
    character is reported by that character's name, and with alt (ESC first)
    a capital as "alt+shift+" and the small letter (`_sequence_to_key_events`);
    under the kitty keyboard protocol, which its driver asks for with the
    character's text (`drivers/linux_driver.py`, KITTY_REPORT_ASSOCIATED_TEXT),
    shift is reported only for a key that types no text or a space, and the key
    by the text typed (`_parse_extended_key`): shift+1 is "exclamation_mark".
    (Shifted letters and ctrl with a capital: `is_key`'s own checks.)
    """
    *modifiers, base = name.split("+")
    if not base or any(m not in MODIFIERS for m in modifiers):
        return None  # (no key at all: `is_key` says so)
    if len(base) > 1 and not (base.islower() and (base in _named_keys() or _reported(base))):
        return None
    held = set(modifiers)
    character = base if len(base) == 1 else typed_character(base)
    if character is None or character.isspace() or (character.isalpha() and len(base) == 1):
        if len(base) == 1 and base.isupper() and held and "ctrl" not in held:
            better = "+".join([*sorted(held | {"shift"}), base.lower()])
            return (
                "Textual reports a capital letter with a modifier as shift and the small "
                f"letter (did you mean {better!r}?)"
            )
        return None
    if "shift" not in held or {"alt", "ctrl"} & held:
        return None
    said = "Textual reports a shifted key by the character it types"
    shifted = _US_SHIFTED.get(character)
    if held == {"shift"} and shifted:
        key = canonical(shifted)
        said += f" (did you mean {key!r}, the {shifted!r} of shift+{character} on a US keyboard?)"
    return said


def _reported(base: str) -> str | None:
    """How Textual reports the key of the character `base` names, if it types
    one: "esc" names a character too (U+001B's alias), but the key is reported
    as "escape"; "latin_small_letter_a" is reported as "a"."""
    character = _character(base)
    if character is None or not character.isprintable():
        return None
    return _key_of(character)


def typed_character(base: str) -> str | None:
    """The printable character a base key name types ("question_mark" -> "?",
    "slash" -> "/"), None for a key that types none ("escape", "f3")."""
    character = _character(base)
    return character if character is not None and character.isprintable() else None


def _character(base: str) -> str | None:
    """The character a base key name types, if any ("question_mark" -> "?")."""
    character = key_to_character(base)
    if character is None and base in REPLACED_KEYS:
        # "plus", "minus", "slash"…: Textual's short names, which its own
        # `key_to_character` does not turn back ("plus_sign" is no Unicode name).
        name = REPLACED_KEYS[base].upper()  # "HYPHEN_MINUS", "PLUS_SIGN"
        for spelled in (name.replace("_", " "), name.replace("_", "-")):
            with suppress(KeyError):
                return unicodedata.lookup(spelled)
    return character


# Names people write for keys Textual calls otherwise ("." is "full_stop":
# its Unicode name, which Textual reports; `textual.keys`).
_ALIASES = {
    "period": "full_stop",
    "dot": "full_stop",
    "esc": "escape",
    "pgup": "pageup",
    "pgdn": "pagedown",
    "pgdown": "pagedown",
    "del": "delete",
}


def suggestion(name: str) -> str | None:
    """A key like `name` that is one ("Ctrl+R" -> "ctrl+r", "shift+x" -> "X",
    "period" -> "full_stop"), if any."""
    *modifiers, base = name.split("+")
    modifiers = [m.lower() for m in modifiers]
    if len(base) > 1:
        base = _ALIASES.get(base.lower()) or _reported(base.lower()) or base
    if modifiers == ["shift"] and len(base) == 1 and base.isalpha():
        return base.upper()
    if modifiers or len(base) > 1:  # a letter alone keeps its case: "R" is shift+r
        base = base.lower()
    guess = "+".join([*modifiers, base])
    return guess if guess != name and is_key(guess) else None


def is_typed(name: str) -> bool:
    """Whether the key types a character (into the search box, say): no modifier
    but shift, and a base that is a character."""
    *modifiers, base = name.split("+")
    character = _character(base)
    typed = character is not None and character.isprintable()
    return typed and all(m == "shift" for m in modifiers)


# Control keys a terminal sends as the code of another key, which is what Textual
# then reports (`textual._ansi_sequences`: tab is ctrl+i's code, enter ctrl+m's,
# backspace ctrl+h's, escape ctrl+['s). A binding to one of them never fired,
# while the footer showed it (found by a bug hunt).
# ctrl+/ and ctrl+- both send 0x1f, reported as "ctrl+underscore" (its comment
# there: "Also for Ctrl-hyphen"; ctrl+/ seen in tmux by a bug hunt, s41 #2).
_SENT_AS = {
    "ctrl+i": "tab",
    "ctrl+m": "enter",
    "ctrl+h": "backspace",
    "ctrl+left_square_bracket": "escape",
    "ctrl+slash": "ctrl+underscore",
    "ctrl+minus": "ctrl+underscore",
}


def arrives_as(name: str) -> str | None:
    """The key Textual reports when `name` (canonical) is pressed, when that is
    another key ("ctrl+i" -> "tab"); None when it arrives as itself."""
    return _SENT_AS.get(name)
