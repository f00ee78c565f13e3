"""The key a hint names: a binding's key as bound now, the config's `[keys]` included.

Hints in the reader's own words ("/ search: …", "(esc clears)", "· ctrl+z
undoes", "J/K next/previous", "escape cancels") named the default keys, so
after remapping them in `[keys]` they told the user to press keys that did
nothing (found by a bug hunt). Each hint asks `hint_key` for its binding id.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from textual.app import App
from textual.binding import Binding

from tui_digest.ui import key_names, keys


@cache
def _defaults() -> dict[str, str]:
    """binding id -> its default keys, for every binding of `keys`."""
    return {
        binding.id: binding.key
        for value in vars(keys).values()
        if isinstance(value, list)
        for binding in value
        if isinstance(binding, Binding) and binding.id
    }


def bound_keys(app: App[object], binding_id: str) -> list[str]:
    """The keys of `binding_id` as bound now, as Textual names them: the config's
    `[keys]` (kept in `DigestApp.user_keymap`), else the default. The help
    screen and the hints both read keys here, so they cannot disagree."""
    bound = remapped(app, binding_id) or _defaults()[binding_id]
    return [key.strip() for key in bound.split(",")]


def remapped(app: App[object], binding_id: str) -> str | None:
    """The config's `[keys]` entry for `binding_id`, or None when it keeps its default."""
    return getattr(app, "user_keymap", {}).get(binding_id) or None


def hint_key(app: App[Any], binding_id: str, *, short: bool = False) -> str:
    """The first key of `binding_id` as bound now (`bound_keys`), spelled as the
    hints spell keys: "escape", "ctrl+z", "f3", "/" for slash, "J". `short`:
    "esc" for escape (the status line is short of room)."""
    return spelled(bound_keys(app, binding_id)[0], short=short)


def spelled(key: str, *, short: bool = False) -> str:
    """A Textual key name as a hint writes it: a character's name as the
    character ("slash" -> "/", "right_square_bracket" -> "]"), modifiers as words."""
    *modifiers, base = key.split("+")
    character = key_names.typed_character(base)
    if character is not None and not character.isspace():
        base = character
    elif short and base == "escape":
        base = "esc"
    return "+".join([*modifiers, base])
