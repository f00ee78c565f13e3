"""Every key the reader binds, in one module.

Screens and widgets take their `BINDINGS` from here, so one list feeds the
footer (`show=True`), the help screen (`SECTIONS`) and the command palette
(`PALETTE`). Each binding has an id ("main.star"): `App.set_keymap` can rebind
a key by id without touching the code. Descriptions and tooltips are our own
constants (never untrusted text).

This module imports nothing from the reader, so any module may import it.
"""

from __future__ import annotations

from textual.binding import Binding

HELP_TOOLTIP = "Show every key"
APP: list[Binding] = [
    Binding("question_mark", "help", "Help", key_display="?", id="app.help",
            tooltip=HELP_TOOLTIP),
    # show=False: the footer docks the palette key on the right by itself (once).
    Binding("ctrl+p", "command_palette", "Commands", key_display="^p", id="app.commands",
            show=False, tooltip="Open the command palette"),
    Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit tui-digest"),
]  # fmt: skip

MAIN: list[Binding] = [
    Binding("slash", "focus_search", "Search", key_display="/", id="main.search",
            tooltip="Search as you type (Enter keeps it, Clear search empties it)"),
    Binding("u", "toggle_unread", "Unread", id="main.unread",
            tooltip="Show unread papers only (adds is:unread)"),
    Binding("asterisk", "toggle_starred", "Starred", key_display="*", id="main.starred",
            tooltip="Show starred papers only (adds is:starred)"),
    Binding("d", "pick_digest", "Digest", id="main.digest",
            tooltip="Choose a digest, or all papers"),
    Binding("s", "toggle_star", "Star", id="main.star",
            tooltip="Star or unstar the selected papers (or the current one)"),
    Binding("m", "toggle_read", "Read", id="main.read",
            tooltip="Mark the selected papers (or the current one) read or unread"),
    Binding("n", "next_unread", "Next unread", id="main.next_unread", show=False,
            tooltip="Jump to the next unread paper (then on to the next digest)"),
    Binding("N", "previous_unread", "Prev unread", key_display="N",
            id="main.previous_unread", show=False,
            tooltip="Jump to the previous unread paper (then newer digests)"),
    Binding("M", "mark_all_read", "All read", key_display="M", id="main.mark_all_read",
            show=False, tooltip="Mark every paper shown read (Undo takes it back)"),
    # Not a priority binding: the app runs those as soon as it reads the key, before
    # the keys typed earlier (`s`, `m`, `M`: run once the focused list passed them
    # on), so a quick ctrl+z undid the change before them (regression hunt
    # `regui41` #4). The search box binds no ctrl+z: it reaches this one from there.
    Binding("ctrl+z", "undo", "Undo", key_display="^z", id="main.undo", show=False,
            tooltip="Undo the last read/star change (ten levels deep)"),
    Binding("e", "export", "Export", id="main.export",
            tooltip="Export the selected papers (or the current one)"),
    Binding("o", "open_link", "Open", id="main.open",
            tooltip="Open the paper's abstract page (or show its URL)"),
    Binding("O", "open_pdf", "PDF", key_display="O", id="main.open_pdf", show=False,
            tooltip="Open the paper's PDF (or show its URL)"),
    Binding("y", "copy_link", "Copy link", id="main.copy", show=False,
            tooltip="Copy the paper's link (clipboard tool, else OSC 52)"),
    Binding("b", "copy_bibtex", "Copy BibTeX", id="main.copy_bibtex", show=False,
            tooltip="Copy the paper's BibTeX (clipboard tool, else OSC 52)"),
    Binding("l", "cycle_language", "Lang", id="main.language",
            tooltip="Cycle the language view: both / 中文 / English"),
    Binding("v", "toggle_layout", "Layout", id="main.layout",
            tooltip="Switch between side-by-side and stacked panes (kept)"),
    Binding("less_than_sign", "narrow_list", "Narrower list", key_display="<",
            id="main.split_narrower", show=False,
            tooltip="Give the list less room and the detail pane more (kept)"),
    Binding("greater_than_sign", "widen_list", "Wider list", key_display=">",
            id="main.split_wider", show=False,
            tooltip="Give the list more room and the detail pane less (kept)"),
    Binding("c", "toggle_summary", "Summary", id="main.summary_column", show=False,
            tooltip="Show or hide the list's summary column (kept)"),
    Binding("r", "refresh", "Refresh", id="main.refresh", show=False,
            tooltip="Fetch new digests from the configured sources"),
    Binding("S", "sources", "Sources", key_display="S", id="main.sources", show=False,
            tooltip="List the sources and how their last fetch went"),
    Binding("t", "translate", "Translate", id="main.translate", show=False,
            tooltip="Machine-translate missing Chinese (selection or current)"),
    Binding("f", "toggle_foryou", "For you", id="main.foryou", show=False,
            tooltip="Rank the papers shown by your stars (toggles sort:foryou)"),
    Binding("R", "related", "Related", key_display="R", id="main.related", show=False,
            tooltip="List the papers most like the current one (related:ID)"),
    Binding("enter", "read_paper", "Full screen", id="main.read_paper", show=False,
            tooltip="Read the current paper full-screen (Back returns to the list)"),
    Binding("number_sign", "edit_tags", "Tags", key_display="#", id="main.tags", show=False,
            tooltip="Edit the tags of the selected papers (or the current one)"),
    Binding("a", "edit_note", "Note", id="main.note", show=False,
            tooltip="Write a note on the current paper (annotate)"),
    Binding("ctrl+s", "save_watch", "Save search", key_display="^s", id="main.save_watch",
            show=False, tooltip="Save the current search as a watch list (asks for a name)"),
    Binding("tab", "switch_pane", "Pane", id="main.pane", show=False,
            tooltip="Move focus between the list and the detail pane"),
]  # fmt: skip

LIST: list[Binding] = [
    Binding("j,down", "cursor_down", "Down", key_display="j/↓", id="list.down"),
    Binding("k,up", "cursor_up", "Up", key_display="k/↑", id="list.up"),
    Binding("g,home", "first", "Top", show=False, id="list.top"),
    Binding("G,end", "last", "Bottom", show=False, id="list.bottom"),
    Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
    Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
    Binding("space", "toggle_select", "Select", id="list.select",
            tooltip="Toggle selection, then move to the next paper"),
    Binding("A", "select_all", "All", key_display="A", id="list.select_all",
            tooltip="Select every paper shown (again: unselect them; papers selected "
                    "elsewhere stay selected)"),
    # `A` again unselects only the papers shown: the hidden ones stayed selected and
    # the next `s` starred them (bug hunt `selection` #4). `X` clears it all.
    Binding("X", "clear_selection", "Unselect all", key_display="X", show=False,
            id="list.clear_selection",
            tooltip="Clear the whole selection, shown or not (the status line's \"N selected\")"),
    # The search kept with enter stays until cleared: escape clears it from the list too.
    Binding("escape", "screen.clear_search", "Clear search", show=False,
            id="list.clear_search", tooltip="Clear the kept search (the status line shows it)"),
]  # fmt: skip

# The detail pane (after tab): the list's moving keys scroll it, as the reading
# view's do (only the arrows and PageUp/PageDown did; found by a bug hunt).
DETAIL: list[Binding] = [
    Binding("j", "scroll_by(1)", "Down", show=False, id="detail.down",
            tooltip="Scroll the detail pane down (also ↓)"),
    Binding("k", "scroll_by(-1)", "Up", show=False, id="detail.up",
            tooltip="Scroll the detail pane up (also ↑)"),
    Binding("space", "page_by(1)", "Page", show=False, id="detail.page",
            tooltip="Scroll the detail pane down a page (also PageDown; PageUp back)"),
    Binding("g", "edge(False)", "Top", show=False, id="detail.top",
            tooltip="The top of the paper (also Home)"),
    Binding("G", "edge(True)", "Bottom", key_display="G", show=False, id="detail.bottom",
            tooltip="The end of the paper (also End)"),
    # The status line's "(esc clears)" is shown whatever has the focus: after a
    # click in the pane (or tab) escape did nothing there (found by a bug hunt).
    Binding("escape", "screen.back_to_list", "Back to list", show=False,
            id="detail.clear_search",
            tooltip="Back to the list, clearing a kept search (as escape there)"),
]  # fmt: skip

SEARCH: list[Binding] = [
    Binding("escape", "clear_search", "Clear search", id="search.clear",
            tooltip="Clear the search and return to the list"),
]  # fmt: skip

# Dialogs: keys that only mean something while the dialog is open.
HELP: list[Binding] = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]
SOURCES: list[Binding] = [
    Binding("escape,q,S", "close", "Close", id="sources.close"),
    # The refresh lives with the main screen; the app action reaches it.
    Binding("r", "app.refresh_sources", "Refresh", id="sources.refresh"),
]
DIGESTS: list[Binding] = [
    Binding("escape", "cancel", "Close", id="digests.close"),
    Binding("shift+delete", "delete_digest", "Delete", id="digests.delete"),
    # The filter box keeps the focus; these move the highlight in the list meanwhile.
    Binding("down", "move(1)", "Next", show=False, id="digests.down"),
    Binding("up", "move(-1)", "Previous", show=False, id="digests.up"),
    Binding("pagedown", "move(10)", "Page down", show=False, id="digests.pagedown"),
    Binding("pageup", "move(-10)", "Page up", show=False, id="digests.pageup"),
]
READING: list[Binding] = [
    Binding("j,down", "scroll(1)", "Down", key_display="j/↓", id="reading.down",
            tooltip="Scroll the paper down"),
    Binding("k,up", "scroll(-1)", "Up", key_display="k/↑", id="reading.up",
            tooltip="Scroll the paper up"),
    Binding("space,pagedown", "page", "Page", id="reading.page",
            tooltip="Scroll the paper down a page"),
    # PageUp scrolled through Textual's own binding, which help never listed.
    Binding("pageup", "page(-1)", "Page up", show=False, id="reading.page_up",
            tooltip="Scroll the paper up a page"),
    Binding("J", "move(1)", "Next", key_display="J", id="reading.next",
            tooltip="Read the next paper of the list"),
    Binding("K", "move(-1)", "Previous", key_display="K", id="reading.previous",
            tooltip="Read the previous paper of the list"),
    Binding("n", "next_unread", "Next unread", id="reading.next_unread",
            tooltip="Read the next unread paper (then on to the next digest)"),
    Binding("N", "previous_unread", "Prev unread", key_display="N", show=False,
            id="reading.previous_unread",
            tooltip="Read the previous unread paper (then newer digests)"),
    # The paper read, whatever the list has selected (the list's keys act on that).
    Binding("s", "flag('starred')", "Star", id="reading.star",
            tooltip="Star or unstar the paper being read"),
    Binding("m", "flag('read')", "Read", id="reading.read",
            tooltip="Mark the paper being read read or unread"),
    Binding("ctrl+z", "undo", "Undo", key_display="^z", show=False, id="reading.undo",
            tooltip="Undo the last read/star change (ten levels deep)"),
    Binding("o", "open_link", "Open", id="reading.open",
            tooltip="Open the paper's abstract page (or show its URL)"),
    Binding("O", "open_pdf", "PDF", key_display="O", show=False, id="reading.open_pdf",
            tooltip="Open the paper's PDF (or show its URL)"),
    Binding("y", "copy_link", "Copy link", show=False, id="reading.copy",
            tooltip="Copy the paper's link (clipboard tool, else OSC 52)"),
    Binding("b", "copy_bibtex", "Copy BibTeX", show=False, id="reading.copy_bibtex",
            tooltip="Copy the paper's BibTeX (clipboard tool, else OSC 52)"),
    Binding("escape", "close", "Back", id="reading.close",
            tooltip="Back to the list (its cursor is on the paper read)"),
    # q has an id of its own: giving reading.close other keys in [keys] took q
    # from the view, and q then quit the whole app from it (found by a bug hunt).
    Binding("q", "close", "Back", show=False, id="reading.back",
            tooltip="Back to the list too (q never quits from the reading view)"),
]  # fmt: skip
# Help for a binding given other keys in [keys], where its tooltip speaks of its
# default key: help said "q never quits from the reading view" with reading.back
# on x, and q then quit (found by a bug hunt).
REMAPPED_TOOLTIPS: dict[str, str] = {"reading.back": "Back to the list too"}
TAGS: list[Binding] = [Binding("escape", "cancel", "Cancel", id="tags.cancel")]
NOTE: list[Binding] = [
    Binding("ctrl+s", "save", "Save", key_display="^s", id="note.save"),
    # A priority binding (Textual's supported way to take a key before the focused
    # widget): the editor's tab behaviour "indent" (Tab types a tab) makes the
    # TextArea take escape to move the focus, so the dialog could not be left
    # without saving (found by a bug hunt).
    Binding("escape", "cancel", "Cancel", id="note.cancel", priority=True),
]
WATCH_NAME: list[Binding] = [Binding("escape", "cancel", "Cancel", id="watch_name.cancel")]
EXPORT: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="export.cancel"),
    # From the file box (where the dialog opens): Down then Enter exported
    # Markdown, not the format pointed at. (The list of formats takes them itself.)
    Binding("down", "format(1)", "Next format", show=False, id="export.next_format"),
    Binding("up", "format(-1)", "Previous format", show=False, id="export.previous_format"),
]
CONFIRM: list[Binding] = [
    Binding("y", "answer(True)", "Yes", id="confirm.yes"),
    Binding("n", "answer(False)", "No", id="confirm.no"),
    # Its own id: `"confirm.no" = "N"` took escape from "Remove the digest … ?"
    # without a word (found by a bug hunt); escape backs out whatever no's keys are.
    Binding("escape", "answer(False)", "Cancel", id="confirm.cancel"),
]

# The footer (widgets/footer.py): these stay visible on the right at any width...
FOOTER_PINNED: tuple[str, ...] = ("app.help", "app.quit", "app.commands")
# ...and the other keys shown come in this order, so a narrow terminal cuts the
# least useful ones (moving keys last: they are the ones a user tries first anyway).
FOOTER_ORDER: tuple[str, ...] = (
    "main.search",
    "main.digest",
    "main.star",
    "main.read",
    "main.open",
    "main.unread",
    "main.starred",
    "list.select",
    "main.export",
    "main.language",
    "main.layout",
    "list.select_all",
    "reading.close",
    "reading.next",
    "reading.previous",
    "reading.next_unread",
    "reading.page",
)
# Footer keys a double click presses once (widgets/footer.py): those whose second
# press undoes the first, and those that open the paper's page (a second tab,
# as a double click on a link did); every other key is pressed at every click.
FOOTER_TOGGLES: frozenset[str] = frozenset({
    "main.open",
    "reading.open",
    "main.star",
    "main.read",
    "main.unread",
    "main.starred",
    "main.layout",
    "list.select_all",
    "reading.star",
    "reading.read",
})  # fmt: skip

# What the help screen lists, in this order.
SECTIONS: tuple[tuple[str, list[Binding]], ...] = (
    ("Moving and selecting", LIST),
    ("Reading", MAIN),
    ("Detail pane (tab)", DETAIL),
    ("Search box", SEARCH),
    ("Reading view (enter)", READING),
    ("Application", APP),
)

# Main-screen actions the command palette offers, besides MAIN's own bindings
# (the pane switch is only useful as a key). (action, title, help)
# Commands of the paper list's keys end with their key as bound now (README:
# "each command's line ends with its key"): action -> binding id.
PALETTE_EXTRA_KEYS: dict[str, str] = {
    "select_all": "list.select_all",
    "clear_selection": "list.clear_selection",
}
PALETTE_EXTRA: tuple[tuple[str, str, str], ...] = (
    ("select_all", "Select all shown", "Select every paper shown"),
    ("clear_selection", "Clear the selection", "Unselect every selected paper, shown or not"),
    ("show_all_papers", "All papers", "Show every paper in the cache"),
    ("delete_digest", "Delete this digest", "Remove the digest shown (asks first)"),
)
PALETTE_SKIP = frozenset({"switch_pane"})
# Palette titles where a binding's description (kept short for the footer and the
# help's column) says too little on its own: `o` ("Open") and `enter` were both
# "Open" in the palette (found by a bug hunt). Binding id -> title.
PALETTE_TITLES: dict[str, str] = {
    "main.open": "Open in browser",
    "main.open_pdf": "Open PDF in browser",
    "main.read_paper": "Read full-screen",
    "reading.open": "Open in browser",
    "reading.open_pdf": "Open PDF in browser",
}


def palette_title(binding: Binding) -> str:
    """The command palette's title for `binding` (see PALETTE_TITLES)."""
    return PALETTE_TITLES.get(binding.id or "", binding.description)


# The reading view's palette offers its own bindings (on the paper read), not the
# list's; scrolling is only useful as a key.
READING_PALETTE_SKIP = frozenset({"scroll(1)", "scroll(-1)", "page", "page(-1)"})


def binding_ids() -> frozenset[str]:
    """Every binding id above: what `[keys]` in the config may name (ui/keymap.py)."""
    return frozenset(
        binding.id
        for value in globals().values()
        if isinstance(value, list)
        for binding in value
        if isinstance(binding, Binding) and binding.id
    )
