"""Keys from the config (issue 16 item 9): `[keys]` remaps bindings by id through
Textual's keymap; unknown ids are named in a warning, with the closest real id."""

from __future__ import annotations

import os
from pathlib import Path

from ui_support import make_app, notes, notifications, settle, status_text

from tui_digest.config.keymap import KeyEntry
from tui_digest.config.loader import load_config
from tui_digest.ui import key_names, keys
from tui_digest.ui.keymap import clashes, keymap_of
from tui_digest.ui.screens.help import HelpText
from tui_digest.ui.widgets.footer import ReaderFooter

SIZE = (140, 36)


def write_config(text: str) -> Path:
    path = Path(os.environ["TUI_DIGEST_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def test_keys_from_the_config_replace_the_defaults(cache: Path) -> None:
    # The README's example.
    write_config('[keys]\n"main.star" = "x"\nmain.read = "ctrl+r,i"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        first = main.paper_list.current_rowid
        await pilot.press("s")  # no longer star
        await settle(pilot)
        assert main.detail.record is not None and not main.detail.record.starred
        await pilot.press("x")
        await settle(pilot)
        assert main.detail.record.rowid == first and main.detail.record.starred
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert main.detail.record.read
        # The footer shows the new key.
        footer = app.screen.query_one(ReaderFooter)
        shown = [" ".join(p.key.text.split()) for p in footer.placed()]
        assert "x Star" in shown and "s Star" not in shown
        # So does the help screen.
        await pilot.press("question_mark")
        await settle(pilot)
        text = app.screen.query_one(HelpText).plain
        star = next(line for line in text.splitlines() if "Star or unstar" in line)
        assert star.split()[0] == "x"
        read = next(line for line in text.splitlines() if "Mark the selected" in line)
        assert read.split()[:2] == ["^r", "i"]
        assert not [n for n in notifications(app) if n.title == "Keys"]


async def test_unknown_ids_are_warned_about_with_file_and_line(cache: Path) -> None:
    path = write_config('[fetch]\ninterval_minutes = 0\n\n[keys]\nmain.stra = "x"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        warning = next(n for n in notifications(app) if n.title == "Keys")
        assert f"{path}:5" in warning.message
        assert "'main.stra' is not a binding id" in warning.message
        assert "did you mean 'main.star'?" in warning.message
        assert warning.markup is False


async def test_a_key_two_bindings_would_share_is_warned_about(cache: Path) -> None:
    # The README's example once gave `R` (Related) to main.read too: `R` then
    # marked papers read, with no word of it (found by a bug hunt).
    path = write_config('[keys]\n"main.star" = "x"\nmain.read = "ctrl+r,R"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        warning = next(n for n in notifications(app) if n.title == "Keys")
        assert f"{path}:3" in warning.message
        said = "'main.read': 'R' is already the key of 'main.related', which keeps it; ignored"
        assert said in warning.message
        assert warning.markup is False
        await pilot.press("R")  # R stays Related's
        await settle(pilot)
        assert app.main.search_box.value.startswith("related:")


async def test_a_shared_key_is_left_to_the_binding_that_had_it(cache: Path) -> None:
    """`"main.related" = "f"`: help listed f for both For you and Related, f did
    Related and nothing said so (found by a bug hunt). The key stays For you's,
    Related keeps R, and help and the warning say so."""
    path = write_config('[keys]\n"main.related" = "f"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        warning = next(n for n in notifications(app) if n.title == "Keys")
        assert (
            f"{path}:2: warning: [keys] 'main.related': 'f' is already the key of "
            "'main.foryou', which keeps it; ignored" in warning.message
        )
        await pilot.press("question_mark")
        await settle(pilot)
        lines = app.screen.query_one(HelpText).plain.splitlines()
        assert [line.split()[0] for line in lines if " Related " in line] == ["R"]
        assert [line.split()[0] for line in lines if " For you " in line] == ["f"]


def test_a_key_given_back_its_default_is_checked_again() -> None:
    """Regression hunt: `"main.star" = "f"` refused gave star its default s,
    which `"main.read" = "s"` had taken: help listed s for both, s marked papers
    read and no key starred. The second clash is refused too, with a warning."""
    entries = [KeyEntry("main.star", "f", 2), KeyEntry("main.read", "s", 3)]
    keymap, warnings = keymap_of(entries, Path("config.toml"))
    assert "main.read" not in keymap and "main.star" not in keymap
    said = [w.message for w in warnings]
    assert any("'main.star': 'f' is already the key of 'main.foryou'" in m for m in said)
    assert any("'main.read': 's' is already the key of 'main.star'" in m for m in said)
    assert clashes(keymap) == []


def test_clashes_are_the_users_not_the_defaults() -> None:
    assert clashes({}) == []
    # The reading view's q closes it instead of quitting: by design.
    assert clashes({"reading.close": "escape,q"}) == []  # (reading.back's q: one action)
    assert ("reading.star", "q", "reading.back") in clashes({"reading.star": "q"})
    assert clashes({"main.star": "q"}) == [("main.star", "q", "app.quit")]
    assert clashes({"reading.star": "n"}) == [("reading.star", "n", "reading.next_unread")]
    # Swapped keys clash with nothing; two ids on one key are named once.
    assert clashes({"main.star": "m", "main.read": "s"}) == []
    assert clashes({"main.star": "x", "main.read": "x"}) == [("main.read", "x", "main.star")]


def test_every_binding_has_a_unique_id() -> None:
    ids = [
        b.id
        for name in dir(keys)
        if isinstance(getattr(keys, name), list)
        for b in getattr(keys, name)
        if hasattr(b, "key")
    ]
    assert all(ids) and len(ids) == len(set(ids))
    assert {"main.star", "app.quit", "list.select"} <= keys.binding_ids()


def test_a_key_that_is_not_a_string_is_a_warning_naming_the_line() -> None:
    """[keys] is the reader's: a bad entry there stopped every command that reads
    the config, a cron fetch too (found by a bug hunt)."""
    path = write_config('[keys]\n"main.star" = "x"\n"main.read" = 3\n')
    config = load_config()
    assert [(e.binding_id, e.keys) for e in config.keys] == [("main.star", "x")]
    assert [(w.path, w.line) for w in config.key_warnings] == [(path, 3)]
    assert config.key_warnings[0].message.startswith("keys.main.read must be a key")
    assert config.warnings == []  # (those are the unknown keys, said by the refresher)


def test_a_binding_given_twice_is_named_at_its_second_line() -> None:
    """`"main.star" = "x"` and `main.star = "y"` are two TOML keys for one binding:
    the last silently won, and a clash warning named the first's line (found by a
    bug hunt). The first holds; the second is a warning at its own line."""
    path = write_config('[keys]\n"main.star" = "x"\n# again\nmain.star = "y"\n')
    config = load_config()
    assert [(e.binding_id, e.keys, e.line) for e in config.keys] == [("main.star", "x", 2)]
    assert [(w.path, w.line) for w in config.key_warnings] == [(path, 4)]
    assert "given twice (first at line 2)" in config.key_warnings[0].message


async def test_an_empty_key_keeps_the_default_and_says_so(cache: Path) -> None:
    """`""` cannot unbind: Textual's keymap takes an empty string as no change."""
    path = write_config('[keys]\n"main.star" = ""   # I never star\n"main.read" = "x"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        warning = next(n for n in notifications(app) if n.title == "Keys")
        assert warning.message == (
            f"{path}:2: warning: keys.main.star is empty: a binding cannot be left without "
            "a key (Textual's keymap has no unbound binding); ignored, its default stays"
        )
        await pilot.press("s", "x")
        await settle(pilot)
        record = app.main.detail.record
        assert record is not None and record.starred and record.read


def test_keys_textual_never_reports_are_named_and_dropped() -> None:
    entries = [
        KeyEntry("main.read", "Ctrl+R", 4),
        KeyEntry("main.star", "banana+ctrl,x", 5),
        KeyEntry("main.language", "Escape", 6),
        KeyEntry("main.open", "plus,f5,ctrl+shift+up", 7),
    ]
    keymap, warnings = keymap_of(entries, Path("c.toml"))
    # Ctrl+R was the only key of main.read: its default (m) stays.
    assert keymap == {"main.star": "x", "main.open": "plus,f5,ctrl+shift+up"}
    said = [(w.line, w.message) for w in warnings]
    assert said == [
        (4, "[keys] 'main.read': 'Ctrl+R' is not a key name (did you mean 'ctrl+r'?); ignored"),
        (5, "[keys] 'main.star': 'banana+ctrl' is not a key name; ignored"),
        (6, "[keys] 'main.language': 'Escape' is not a key name (did you mean 'escape'?); ignored"),
    ]


def test_a_typed_key_is_refused_for_a_binding_that_acts_in_the_search_box() -> None:
    """main.undo acts from the search box too: as "z" it took every z typed in the
    search box ("zero" became "ero", "Nothing to undo."; found by a bug hunt). No
    longer a priority binding (regression hunt `regui41` #4), it would never get
    a z typed there: still refused, as it would not undo from the box."""
    keymap, warnings = keymap_of(
        [KeyEntry("main.undo", "z,ctrl+y", 2), KeyEntry("main.star", "z", 3)], Path("c.toml")
    )
    assert keymap == {"main.undo": "ctrl+y", "main.star": "z"}
    assert [w.line for w in warnings] == [2]
    assert "'z' types or edits in the search box it acts from" in warnings[0].message


def test_holes_a_regression_hunt_found_in_the_key_checks() -> None:
    """ "/" clashed with the search's "slash" unwarned (the search box then had no
    key); "shift+x" and "ctrl+R", which Textual never reports, were taken; ctrl+u
    for undo took the search box's "clear to the start" (found by a bug hunt)."""
    entries = [
        KeyEntry("main.starred", "/", 2),
        KeyEntry("main.star", "shift+x,x", 3),
        KeyEntry("main.read", "ctrl+R", 4),
        KeyEntry("main.undo", "ctrl+u,ctrl+y", 5),
    ]
    keymap, warnings = keymap_of(entries, Path("c.toml"))
    assert keymap == {
        "main.star": "x",
        "main.undo": "ctrl+y",
    }  # main.read keeps its default (m), main.starred (*): slash is the search's
    said = {(w.line, w.message) for w in warnings}
    no_key = "[keys] 'main.{}': '{}' is not a key name (did you mean '{}'?); ignored"
    assert (3, no_key.format("star", "shift+x", "X")) in said
    assert (4, no_key.format("read", "ctrl+R", "ctrl+r")) in said
    assert any(line == 5 and "'ctrl+u' types or edits in the search box" in m for line, m in said)
    assert any(line == 2 and "is already the key of 'main.search'" in m for line, m in said)
    assert len(warnings) == 4


async def test_a_key_name_that_is_no_key_leaves_the_default(cache: Path) -> None:
    write_config('[keys]\nmain.read = "Ctrl+R"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        warning = next(n for n in notifications(app) if n.title == "Keys")
        assert "'Ctrl+R' is not a key name (did you mean 'ctrl+r'?)" in warning.message
        await pilot.press("m")
        await settle(pilot)
        assert app.main.detail.record is not None and app.main.detail.record.read


def test_every_default_key_is_a_key_name() -> None:
    # The check refuses nothing the reader itself binds.
    defaults = {
        key
        for name in dir(keys)
        if isinstance(getattr(keys, name), list)
        for b in getattr(keys, name)
        if hasattr(b, "key")
        for key in b.key.split(",")
    }
    assert {"question_mark", "number_sign", "less_than_sign", "ctrl+z"} <= defaults
    assert [k for k in sorted(defaults) if not key_names.is_key(k)] == []
    assert [k for k in ("plus", "minus", "slash", "R", "space") if not key_names.is_typed(k)] == []
    assert not any(key_names.is_typed(k) for k in ("escape", "f5", "ctrl+r", "enter"))


def test_unicode_names_textual_shortens_bind_the_key_textual_reports() -> None:
    """ "low_line" is the Unicode name of "_", but Textual reports the key as
    "underscore": a binding to "low_line" passed the check and never fired."""
    entries = [
        KeyEntry("main.star", "low_line", 2),
        KeyEntry("main.read", "hyphen_minus", 3),
        KeyEntry("main.open", "commercial_at", 4),
    ]
    keymap, warnings = keymap_of(entries, Path("c.toml"))
    assert keymap == {"main.star": "underscore", "main.read": "minus", "main.open": "at"}
    assert warnings == []


def test_common_names_of_keys_get_textuals_name_as_a_hint() -> None:
    entries = [KeyEntry("main.star", "period", 2), KeyEntry("main.read", "ctrl+esc", 3)]
    keymap, warnings = keymap_of(entries, Path("c.toml"))
    assert keymap == {}
    no_key = "[keys] 'main.{}': '{}' is not a key name (did you mean '{}'?); ignored"
    assert [w.message for w in warnings] == [
        no_key.format("star", "period", "full_stop"),
        no_key.format("read", "ctrl+esc", "ctrl+escape"),
    ]


async def test_hints_name_the_keys_bound_in_the_config(cache: Path) -> None:
    """After remapping in [keys], the search box, the status line, the toasts, the
    reading view's header and the dialogs named the default keys (found by a bug
    hunt): each names the key bound now."""
    from textual.widgets import Label

    from tui_digest.ui.widgets.search_box import SearchBox

    write_config(
        "[keys]\n"
        '"main.search" = "f3"\n"main.undo" = "f4"\n"reading.undo" = "f6"\n'
        '"reading.next" = "right"\n"reading.previous" = "left"\n'
        '"reading.next_unread" = "space"\n"reading.page" = "pagedown"\n'
        '"list.clear_search" = "backspace"\n"search.clear" = "f2"\n'
        '"help.close" = "f9"\n"tags.cancel" = "f7"\n'
    )
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        box = main.query_one(SearchBox)
        assert box.placeholder.startswith("f3 search:")
        await pilot.press("f3", *"graph", "enter")
        await settle(pilot)
        assert "search: graph (backspace clears)" in status_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert notes(app)[-1].endswith("· f4 undoes")
        await pilot.press("enter")
        await settle(pilot)
        position = str(app.screen.query_one("#paper-view-position").visual)
        assert "right/left next/previous · space next unread" in position
        await pilot.press("m")
        await settle(pilot)
        assert notes(app)[-1].endswith("· f6 undoes")
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        hints = [str(label.visual) for label in app.screen.query(Label)]
        assert "f9 closes · ctrl+p commands" in hints
        await pilot.press("f9", "number_sign")
        await settle(pilot)
        hints = [str(label.visual) for label in app.screen.query(Label)]
        assert any(hint.endswith("Enter saves · f7 cancels") for hint in hints)


async def test_q_goes_back_from_the_reading_view_when_reading_close_is_remapped(
    cache: Path,
) -> None:
    """`"reading.close" = "h"` took q from the reading view, where it then quit the
    app (the footer said "q Quit"; found by a bug hunt). q keeps its own id
    (`reading.back`): it goes back, and h does too."""
    from tui_digest.ui.screens.paper_view import PaperView

    write_config('[keys]\n"reading.close" = "h"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("q", "h"):
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, PaperView)
            shown = [p.key.text for p in app.screen.query_one(ReaderFooter).placed()]
            assert not any("Quit" in text for text in shown)
            await pilot.press(key)
            await settle(pilot)
            assert app.is_running and app.screen is app.main, key
        assert not [n for n in notifications(app) if n.title == "Keys"]


async def test_delete_without_a_digest_names_the_remapped_picker_key(cache: Path) -> None:
    """Found by review: "Show a digest first (d picks one)" after `[keys]` moved it."""
    write_config('[keys]\n"main.digest" = "D"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.digest is None  # all papers: no digest shown
        app.main.action_delete_digest()
        await settle(pilot)
        assert "Show a digest first (D picks one)." in notes(app)


def test_clashes_inside_a_dialog_are_named() -> None:
    """Only the list's and the reading view's bindings were checked: a dialog's
    key given to another binding of the same dialog went unwarned (found by a
    bug hunt)."""
    assert clashes({"note.save": "escape"}) == [("note.save", "escape", "note.cancel")]
    assert clashes({"digests.delete": "escape"}) == [("digests.delete", "escape", "digests.close")]
    assert clashes({"sources.refresh": "q"}) == [("sources.refresh", "q", "sources.close")]
    assert clashes({"export.cancel": "down"}) == [("export.cancel", "down", "export.next_format")]
    # A dialog's bindings come before the app's: q answering no there is what was
    # asked (it was warned as a clash with app.quit; found by a regression hunt).
    assert clashes({"confirm.no": "n,escape,q"}) == []
    # Keys of two dialogs never meet; the dialogs' own defaults are by design.
    assert clashes({"note.save": "y"}) == []
    assert clashes({"help.close": "escape,q,question_mark,f1"}) == []


def test_a_yes_on_the_confirm_dialogs_cancel_key_is_refused() -> None:
    """`"confirm.yes" = "escape"`: backing out of "Remove this digest?" with
    escape removed it and its papers (found by a bug hunt). The yes keeps its
    default, and a warning says why."""
    keymap, warnings = keymap_of([KeyEntry("confirm.yes", "escape", 2)], Path("c.toml"))
    assert keymap == {}
    assert [(w.line, w.message) for w in warnings] == [
        (
            2,
            "[keys] 'confirm.yes': 'escape' cancels the dialog ('confirm.no'), and a yes "
            "there would remove or replace what backing out keeps; ignored",
        )
    ]
    # The cancel key as bound now; escape stays refused (every dialog's way out).
    keymap, warnings = keymap_of(
        [KeyEntry("confirm.no", "n,x", 2), KeyEntry("confirm.yes", "x,Y,escape", 3)],
        Path("c.toml"),
    )
    assert keymap == {"confirm.no": "n,x", "confirm.yes": "Y"}
    assert [(w.line, w.message.split(" cancels")[0]) for w in warnings] == [
        (3, "[keys] 'confirm.yes': 'x'"),
        (3, "[keys] 'confirm.yes': 'escape'"),
    ]


async def test_escape_backs_out_of_removing_a_digest_whatever_the_config_says(
    cache: Path,
) -> None:
    from tui_digest.ui.screens.confirm import ConfirmScreen
    from tui_digest.ui.screens.digest_picker import DigestPicker

    path = write_config('[keys]\n"confirm.yes" = "escape"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = [d.name for d in app.main.digests]
        warning = next(n for n in notifications(app) if n.title == "Keys")
        assert f"{path}:2: warning: [keys] 'confirm.yes': 'escape' cancels" in warning.message
        await pilot.press("d")
        assert isinstance(app.screen, DigestPicker)
        await pilot.press("down", "down", "down", "shift+delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert [d.name for d in app.main.digests] == before


def test_keys_that_never_reach_their_binding_are_refused() -> None:
    """Taken without a word, while the footer and help showed them (found by a
    bug hunt): ctrl+i/m/h/[ arrive as tab, enter, backspace and escape;
    ctrl+q and ctrl+c are Textual's own; a key that types (or edits) in the
    text box a binding acts from goes into the box."""
    entries = [
        KeyEntry("main.star", "ctrl+i", 2),
        KeyEntry("main.read", "ctrl+m,ctrl+r", 3),
        KeyEntry("main.open", "ctrl+h", 4),
        KeyEntry("reading.close", "ctrl+[", 5),
        KeyEntry("main.export", "ctrl+q", 6),
        KeyEntry("main.language", "ctrl+c", 7),
        KeyEntry("search.clear", "q,f2", 8),
        KeyEntry("tags.cancel", "x", 9),
        KeyEntry("note.save", "a", 10),
        KeyEntry("note.cancel", "ctrl+z", 11),  # the note's own undo
        KeyEntry("watch_name.cancel", "home", 12),  # moves in the name box
        KeyEntry("digests.close", "space", 13),
        KeyEntry("app.quit", "q,ctrl+q", 14),  # its own action: no harm
    ]
    keymap, warnings = keymap_of(entries, Path("c.toml"))
    assert keymap == {"main.read": "ctrl+r", "search.clear": "f2", "app.quit": "q,ctrl+q"}
    said = [(w.line, w.message) for w in warnings]
    arrives = (
        "[keys] 'main.{}': '{}' reaches the reader as '{}' "
        "(terminals send one code for both); ignored"
    )
    assert said[:3] == [
        (2, arrives.format("star", "ctrl+i", "tab")),
        (3, arrives.format("read", "ctrl+m", "enter")),
        (4, arrives.format("open", "ctrl+h", "backspace")),
    ]
    assert said[3] == (
        5,
        "[keys] 'reading.close': 'ctrl+[' reaches the reader as 'escape' "
        "(terminals send one code for both); ignored",
    )
    assert said[4] == (
        6,
        "[keys] 'main.export': 'ctrl+q' quits the reader (Textual's own key, which acts "
        "before any other); ignored",
    )
    assert said[5][0] == 7 and "'ctrl+c' is Textual's own key" in said[5][1]
    box = "types or edits in the {} it acts from, so it would never reach it; ignored"
    assert said[6] == (8, f"[keys] 'search.clear': 'q' {box.format('search box')}")
    assert said[7] == (9, f"[keys] 'tags.cancel': 'x' {box.format('text box')}")
    assert said[8] == (10, f"[keys] 'note.save': 'a' {box.format('text box')}")
    assert said[9] == (11, f"[keys] 'note.cancel': 'ctrl+z' {box.format('text box')}")
    assert said[10] == (12, f"[keys] 'watch_name.cancel': 'home' {box.format('text box')}")
    assert said[11] == (13, f"[keys] 'digests.close': 'space' {box.format('text box')}")
    assert len(said) == 12


def test_no_default_key_is_refused_by_the_checks() -> None:
    entries = [
        KeyEntry(b.id, b.key, 1)
        for name in dir(keys)
        if isinstance(getattr(keys, name), list)
        for b in getattr(keys, name)
        if hasattr(b, "key") and b.id
    ]
    _, warnings = keymap_of(entries, Path("c.toml"))
    assert warnings == []


async def test_q_for_clearing_the_search_is_refused_and_escape_still_clears(cache: Path) -> None:
    path = write_config('[keys]\n"search.clear" = "q"\n"main.star" = "ctrl+i"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        warning = next(n for n in notifications(app) if n.title == "Keys")
        assert f"{path}:2: warning: [keys] 'search.clear': 'q' types" in warning.message
        assert f"{path}:3: warning: [keys] 'main.star': 'ctrl+i' reaches" in warning.message
        footer = app.screen.query_one(ReaderFooter)
        shown = [" ".join(p.key.text.split()) for p in footer.placed()]
        assert "s Star" in shown
        await pilot.press("slash", "q", "escape")
        await settle(pilot)
        assert app.focused is app.main.paper_list
        await pilot.press("s")
        await settle(pilot)
        assert app.main.detail.record is not None and app.main.detail.record.starred


async def test_help_stops_promising_q_goes_back_when_reading_back_has_another_key(
    cache: Path,
) -> None:
    """With `"reading.back" = "x"` help said "x Back … (q never quits from the
    reading view)", and q then quit from it (found by a bug hunt)."""
    write_config('[keys]\n"reading.back" = "x"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = app.screen.query_one(HelpText).plain
        back = next(line for line in text.splitlines() if "Back to the list too" in line)
        assert back.split()[0] == "x"
        assert "never quits" not in text
    write_config("")
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = app.screen.query_one(HelpText).plain
        assert "q never quits from the reading view" in text  # the default keeps it


async def test_escape_still_backs_out_when_confirm_no_is_remapped(cache: Path) -> None:
    """`"confirm.no" = "N"` took escape from "Remove the digest … ?" without a
    word, and the question named no key (found by a bug hunt). Escape still
    cancels, and the question names the keys bound now."""
    from textual.widgets import Static

    from tui_digest.ui.screens.confirm import ConfirmScreen
    from tui_digest.ui.screens.digest_picker import DigestPicker

    write_config('[keys]\n"confirm.no" = "N"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = [d.name for d in app.main.digests]
        assert not [n for n in notifications(app) if n.title == "Keys"]
        await pilot.press("d")
        assert isinstance(app.screen, DigestPicker)
        await pilot.press("down", "down", "down", "shift+delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        texts = [str(s.visual) for s in app.screen.query(Static)]
        assert "y remove · N or escape cancels" in texts
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert [d.name for d in app.main.digests] == before


def test_shifted_characters_and_alt_with_a_capital_are_never_reported() -> None:
    """Found by a bug hunt (s41 #2): "shift+1", "alt+X" and "ctrl+/" were taken
    without a word, the footer showed them, and the binding lost its key: Textual
    reports shift+1 by the character it types ("exclamation_mark"), alt with a
    capital as "alt+shift+x", and ctrl+/ arrives as ctrl+underscore."""
    entries = [
        KeyEntry("main.star", "shift+1", 2),
        KeyEntry("main.read", "alt+X,f6", 3),
        KeyEntry("main.open", "ctrl+/", 4),
        KeyEntry("main.language", "shift+/", 5),
    ]
    keymap, warnings = keymap_of(entries, Path("c.toml"))
    assert keymap == {"main.read": "f6"}  # the others keep their default keys
    said = [(w.line, w.message) for w in warnings]
    shifted = (
        "[keys] 'main.{}': '{}' is never reported: Textual reports a shifted key by the "
        "character it types (did you mean '{}', the '{}' of {} on a US keyboard?); ignored"
    )
    assert said == [
        (2, shifted.format("star", "shift+1", "exclamation_mark", "!", "shift+1")),
        (
            3,
            "[keys] 'main.read': 'alt+X' is never reported: Textual reports a capital letter "
            "with a modifier as shift and the small letter (did you mean 'alt+shift+x'?); "
            "ignored",
        ),
        (
            4,
            "[keys] 'main.open': 'ctrl+/' reaches the reader as 'ctrl+underscore' "
            "(terminals send one code for both); ignored",
        ),
        (5, shifted.format("language", "shift+/", "question_mark", "?", "shift+/")),
    ]
    # What Textual does report stays accepted.
    fine = ["!", "exclamation_mark", "alt+shift+x", "alt+x", "ctrl+underscore", "shift+space"]
    assert [k for k in fine if not key_names.is_key(key_names.canonical(k))] == []
    assert keymap_of([KeyEntry("main.star", "alt+shift+y", 2)], Path("c.toml"))[1] == []


async def test_a_shifted_digit_leaves_the_default_key(cache: Path) -> None:
    write_config('[keys]\n"main.star" = "shift+1"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        warning = next(n for n in notifications(app) if n.title == "Keys")
        assert "'shift+1' is never reported" in warning.message
        assert "shift+1" not in str(app.screen.query_one(ReaderFooter).render())
        await pilot.press("s")
        await settle(pilot)
        assert app.main.detail.record is not None and app.main.detail.record.starred
