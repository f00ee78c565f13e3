"""The config's `[keys]` as a Textual keymap, with a warning for each id the reader lacks.

`App.set_keymap` ignores an id no binding carries, so a typo would silently do
nothing: each unknown id is named (file and line, and the closest real id).
Read by `make_app` before the app runs (file I/O off the event loop), on its
own: an error elsewhere in the config leaves `[keys]` in force.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.widgets import Input

from tui_digest.config.paths import config_path
from tui_digest.ui import key_names, keys

if TYPE_CHECKING:
    from tui_digest.config.errors import ConfigWarning
    from tui_digest.config.keymap import KeyEntry


def keymap_of(
    entries: Sequence[KeyEntry], path: Path
) -> tuple[dict[str, str], list[ConfigWarning]]:
    """(binding id -> keys for the ids the reader has, a warning per unknown id,
    per key that is no key name or would be taken from the search box, and per
    key two bindings would share)."""
    from tui_digest.config.errors import ConfigWarning

    known = keys.binding_ids()
    keymap: dict[str, str] = {}
    warnings: list[ConfigWarning] = []
    for entry in entries:
        if entry.binding_id in known:
            usable, said = _checked_keys(entry)
            warnings += [ConfigWarning(path, entry.line, message) for message in said]
            if usable:  # else its default key stays
                keymap[entry.binding_id] = ",".join(usable)
            continue
        message = f"[keys] {entry.binding_id!r} is not a binding id; ignored"
        close = difflib.get_close_matches(entry.binding_id, sorted(known), n=1, cutoff=0.6)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        warnings.append(ConfigWarning(path, entry.line, message))
    lines = {entry.binding_id: entry.line for entry in entries}
    for binding_id, key, cancel in _yes_on_cancel(keymap):
        warnings.append(
            ConfigWarning(
                path,
                lines.get(binding_id, 0),
                f"[keys] {binding_id!r}: {key!r} cancels the dialog ({cancel!r}), and a yes "
                "there would remove or replace what backing out keeps; ignored",
            )
        )
    # A shared key is left to the other binding: with both, help listed it for
    # each and nothing said which one it did (found by a bug hunt).
    # A binding whose key is refused gets its default back, which may be the key
    # another remap took (`"main.star" = "f"`, `"main.read" = "s"`: s did both;
    # a regression hunt): checked again until no key is shared.
    while found := _new_clashes(keymap):
        before = dict(keymap)
        for binding_id, key, other in found:
            warnings.append(
                ConfigWarning(
                    path,
                    lines.get(binding_id, 0),
                    f"[keys] {binding_id!r}: {key!r} is already the key of {other!r}, "
                    "which keeps it; ignored (give it another key)",
                )
            )
            keys_now = keymap.get(binding_id, "").split(",")
            left = [k for k in keys_now if k and key_names.canonical(k.strip()) != key]
            if left:
                keymap[binding_id] = ",".join(left)
            else:  # its default key stays
                keymap.pop(binding_id, None)
        if keymap == before:  # (nothing more to take back: never loop)
            break
    return keymap, warnings


def _new_clashes(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """The clashes of `keymap` that a remapped binding can give way in, once each."""
    seen: set[tuple[str, str]] = set()
    found: list[tuple[str, str, str]] = []
    for binding_id, key, other in clashes(keymap):
        if binding_id in keymap and (binding_id, key) not in seen:
            seen.add((binding_id, key))
            found.append((binding_id, key, other))
    return found


def _checked_keys(entry: KeyEntry) -> tuple[list[str], list[str]]:
    """(the entry's keys Textual can report, a message for each problem)."""
    usable: list[str] = []
    said: list[str] = []
    for written in entry.keys.split(","):
        key = key_names.canonical(written)  # "/" is "slash", as Textual reports it
        problem = _problem(entry.binding_id, key, written)
        if problem:
            said.append(f"[keys] {entry.binding_id!r}: {written!r} {problem}")
        else:
            usable.append(key)
    return usable, said


def _problem(binding_id: str, key: str, written: str) -> str | None:
    """Why `key` (canonical; `written` as the config has it) can never reach the
    binding, ending "; ignored", or None."""
    never = key_names.never_reported(key)
    if never:
        return f"is never reported: {never}; ignored"
    if not key_names.is_key(key):
        guess = key_names.suggestion(written)
        return "is not a key name" + (f" (did you mean {guess!r}?)" if guess else "") + "; ignored"
    sent = key_names.arrives_as(key)
    if sent:
        return f"reaches the reader as {sent!r} (terminals send one code for both); ignored"
    if key in _TEXTUALS and _TEXTUALS[key][0] != binding_id:
        return f"{_TEXTUALS[key][1]}; ignored"
    if binding_id in _PRIORITY and (key_names.is_typed(key) or key in _EDITING):
        # A priority binding takes its key before the focused widget does:
        # a letter would never reach the search box, ctrl+u no longer
        # clear it (found by a bug hunt).
        return (
            "would be taken from the search box, which types or edits with it; "
            "ignored (give it another key)"
        )
    box = _in_box(binding_id)
    if box and (key_names.is_typed(key) or key in box[1]()):
        # The focused box takes its keys before the dialog or screen sees them.
        return f"types or edits in the {box[0]} it acts from, so it would never reach it; ignored"
    return None


# Textual's own keys on every app (`App.BINDINGS`, `Screen.BINDINGS`): ctrl+q
# quits (a priority binding, before any of ours), ctrl+c copies the selected
# text or says how to quit. Key -> (the one binding id that may have it, why not).
_TEXTUALS = {
    "ctrl+q": ("app.quit", "quits the reader (Textual's own key, which acts before any other)"),
    "ctrl+c": ("", "is Textual's own key (it copies the selected text, or says how to quit)"),
}


# What the search box (Textual's Input) does with keys: edit and move.
_EDITING = frozenset(
    key.strip()
    for binding in Input.BINDINGS
    for key in (binding.key if isinstance(binding, Binding) else binding[0]).split(",")
)


# A dialog's yes that removes or replaces something -> the binding that backs out
# of it. The yes never takes a key of that binding, nor escape, every dialog's
# way out: `"confirm.yes" = "escape"` made backing out of "Remove this
# digest?" remove it (found by a bug hunt).
_DESTRUCTIVE = {"confirm.yes": "confirm.no"}


def _yes_on_cancel(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(yes id, key, cancel id) for each key `keymap` gives a destructive yes that
    backs out of its dialog; those keys are taken out of `keymap` (the default
    stays when none is left)."""
    refused: list[tuple[str, str, str]] = []
    for yes, cancel in _DESTRUCTIVE.items():
        if yes not in keymap:
            continue
        backs_out = {"escape", *(k.strip() for k in keymap.get(cancel, _KEYS[cancel]).split(","))}
        kept = []
        for key in keymap[yes].split(","):
            if key in backs_out:
                refused.append((yes, key, cancel))
            else:
                kept.append(key)
        if kept:
            keymap[yes] = ",".join(kept)
        else:
            del keymap[yes]
    return refused


def _input_keys() -> frozenset[str]:
    return _EDITING


@cache
def _text_area_keys() -> frozenset[str]:
    """What the note's TextArea does with keys (imported only when asked: the
    reader's start does not load it). Besides its bindings it types enter (a
    new line) and, its tab behaviour being "indent", tab: `"note.cancel" =
    "tab"` (a priority binding) closed the editor on Tab, throwing the note
    away (found by a bug hunt). Printable keys are `key_names.is_typed`'s."""
    from textual.widgets import TextArea

    return frozenset(
        {"enter", "tab"}
        | {
            key.strip()
            for binding in TextArea.BINDINGS
            for key in (binding.key if isinstance(binding, Binding) else binding[0]).split(",")
        }
    )


# Bindings that act while a text box has the focus, and the keys that box takes:
# `"search.clear" = "q"` typed q into the search box, which escape no longer left
# (found by a bug hunt). (The export dialog opens in its file name box.)
_BOXES: tuple[tuple[list[Binding], str, Callable[[], frozenset[str]]], ...] = (
    (keys.SEARCH, "search box", _input_keys),
    (keys.TAGS, "text box", _input_keys),
    (keys.WATCH_NAME, "text box", _input_keys),
    (keys.DIGESTS, "text box", _input_keys),
    (keys.EXPORT, "text box", _input_keys),
    (keys.NOTE, "text box", _text_area_keys),
)


# Main-screen bindings that act from the search box too: it binds no ctrl+z, so the
# key goes on to the screen's binding. (Undo was a priority binding, taking its key
# before the box, and ran before the keys typed ahead of it: regression hunt
# `regui41` #4.) A key the box types or edits with never gets there.
_FROM_SEARCH_BOX = frozenset({"main.undo"})


def _in_box(binding_id: str) -> tuple[str, Callable[[], frozenset[str]]] | None:
    """(what the box is called, its keys) for a binding that acts from a text box."""
    if binding_id in _FROM_SEARCH_BOX:
        return "search box", _input_keys
    for group, name, box_keys in _BOXES:
        if any(b.id == binding_id for b in group):
            return name, box_keys
    return None


# Bindings that act before the focused widget sees the key (the search box's too).
_PRIORITY = frozenset(
    b.id for group in (keys.APP, keys.MAIN, keys.LIST) for b in group if b.priority and b.id
)


def load_keymap() -> tuple[dict[str, str], list[str]]:
    """The keymap the config's `[keys]` asks for, and its warnings (one line each).

    `[keys]` is read on its own: an error in another table leaves it in force
    (it once dropped every remap without a word; found by a bug hunt). When
    `[keys]` itself cannot be used, a warning says so and the defaults apply.
    """
    if not config_path().exists():
        return {}, []  # no file, no [keys]: the config's parser stays unloaded (issue 13 req 5)
    from tui_digest.config.loader import load_reader_tables

    tables = load_reader_tables()
    if tables.keys_dropped:
        return {}, [tables.keys_dropped]
    keymap, warnings = keymap_of(tables.keys, tables.path)
    return keymap, [str(w) for w in [*tables.key_warnings, *warnings]]


# Bindings that are live at the same moment: the list's, the main screen's and
# the app's while the list has the focus; the reading view's and the app's; each
# dialog's and the app's (`"confirm.yes" = "escape"` went unwarned while the
# dialogs were left out; found by a bug hunt).
_DIALOGS = (
    keys.HELP,
    keys.SOURCES,
    keys.DIGESTS,
    keys.TAGS,
    keys.NOTE,
    keys.WATCH_NAME,
    keys.EXPORT,
    keys.CONFIRM,
)
_TOGETHER = (
    (keys.LIST, keys.MAIN, keys.APP),
    (keys.DETAIL, keys.MAIN, keys.APP),
    (keys.READING, keys.APP),
    # A dialog's own bindings come before the app's (none of which is a priority
    # binding): `"confirm.no" = "n,escape,q"` makes q answer no there, as asked,
    # and was warned as a clash with app.quit (found by a regression hunt).
    *((dialog,) for dialog in _DIALOGS),
)
# binding id -> its action and its default keys, for the bindings `_TOGETHER` names.
_ACTIONS = {b.id: b.action for scope in _TOGETHER for group in scope for b in group}
_KEYS = {b.id: b.key for scope in _TOGETHER for group in scope for b in group}


def clashes(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(remapped id, key, other id) for each key `keymap` gives a binding that
    another binding live beside it has too, by default or by `keymap`.

    `App.set_keymap` takes such a map as it is, so the README's own example
    once made `R` mark papers read instead of listing related ones (found by a
    bug hunt). The clashes the defaults have are by design (the reading view's
    `q` closes it instead of quitting) and are not named, nor are two bindings
    of one action on a key (`reading.close` given `q` beside `reading.back`).
    """
    # By action: `reading.close` given q joins `reading.back`'s default q (both go back).
    by_design = {(_ACTIONS[a], _ACTIONS[b], key) for a, b, key in _pairs({})}
    found: list[tuple[str, str, str]] = []
    for a, b, key in sorted(_pairs(keymap)):
        if {(_ACTIONS[a], _ACTIONS[b], key), (_ACTIONS[b], _ACTIONS[a], key)} & by_design:
            continue
        first = a if a in keymap else b  # ids in order: the first one remapped
        if first in keymap:
            found.append((first, key, b if first == a else a))
    return found


def _pairs(keymap: dict[str, str]) -> set[tuple[str, str, str]]:
    """(id, other id, key), ids in order, for each key two bindings live together share."""
    pairs: set[tuple[str, str, str]] = set()
    for scope in _TOGETHER:
        owners: dict[str, list[str]] = {}
        for binding in (b for group in scope for b in group):
            assert binding.id is not None  # every binding of `keys` has one (tested)
            for key in keymap.get(binding.id, binding.key).split(","):
                owners.setdefault(key_names.canonical(key.strip()), []).append(binding.id)
        for key, ids in owners.items():
            pairs.update(
                (a, b, key) for a in ids for b in ids if a < b and _ACTIONS[a] != _ACTIONS[b]
            )
    return pairs
