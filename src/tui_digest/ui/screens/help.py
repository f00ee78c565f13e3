"""The help screen, built from `keys.SECTIONS` so it cannot drift from the bindings."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label

from tui_digest.ui import keys
from tui_digest.ui.key_hints import bound_keys, hint_key, remapped
from tui_digest.ui.screens import breakpoints
from tui_digest.ui.widgets.hanging_rows import HangingRows

# The query language (core/query.py's docstring has the full rules; README's
# table the same examples). Plain strings: shown as text, never as markup.
SYNTAX_CELLS = 26  # the query column's width
KEY_CELLS = DESCRIPTION_CELLS = 14  # the keys' and descriptions' columns (at least)
QUERY_LANGUAGE: tuple[tuple[str, str], ...] = (
    ("diffusion model", "both words, any field, either language; prefixes count"),
    ("模型 遗忘", "Chinese words anywhere in a text"),
    ('"exact phrase"', "the words in this order"),
    ("-survey", "exclude papers with the word"),
    ("diffusion OR 扩散", "either word; OR binds tighter than the implicit AND"),
    ("(a b) OR c  -(a OR b)", "parentheses group words and phrases"),
    ("ti:(a OR b)  -au:(a b)", "a qualifier before ( ) applies to each word"),
    ("ti: au: abs: cat: id:", "a word in titles, authors, abstracts, categories, ids"),
    ("is:unread is:starred", "your read and starred state"),
    ("tag:robotics -tag:old", "papers with (or without) that tag"),
    ('note:baseline note:"a b"', "papers whose note holds the text"),
    ("type:new type:cross", "type:replace type:replace-cross type:updated"),
    ("date:2024-03-18", "listed that day; date:2024-03 date:A..B"),
    ("date:today date:-7d", "listed from today on, from 6 days before today on"),
    ("sort:relevance", "best match first instead of listing order"),
    ("sort:foryou", "ranked by your stars;  related:ID  papers like ID"),
)


class HelpText(HangingRows):
    """The help's rows: keys (or query syntax), then what they do."""


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    VERTICAL_BREAKPOINTS = breakpoints.SHORT  # (dialogs.tcss: -short)
    BINDINGS: ClassVar[list[BindingType]] = list(keys.HELP)

    def compose(self) -> ComposeResult:
        # (lead, tail) rows: a tail wraps under itself, never back under the keys.
        rows: list[tuple[Content, Content]] = []
        for title, bindings in keys.SECTIONS:
            rows.append((Content.styled(title, "bold $text-accent"), Content()))
            for binding in bindings:
                shown = self._keys(binding)
                # A space after each column, however long: a 16-cell description ran
                # into its help (found by a regression hunt), a long remap into its
                # description.
                lead = Content.assemble(
                    (f"  {shown:<{KEY_CELLS - 1}} ", "bold"),
                    f"{binding.description:<{DESCRIPTION_CELLS - 1}} ",
                )
                rows.append((lead, Content.styled(self._help_of(binding), "$text-muted")))
            rows.append((Content(), Content()))
        title = "Query language (the search box, `search`, watch lists)"
        rows.append((Content.styled(title, "bold $text-accent"), Content()))
        for syntax, meaning in QUERY_LANGUAGE:
            # Padded by cells, not characters: a Chinese character takes two.
            pad = " " * max(1, SYNTAX_CELLS - cell_len(syntax))
            rows.append((Content.styled(f"  {syntax}{pad}", "bold"), Content(meaning)))
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label("tui-digest keys", classes="dialog-title")
            with VerticalScroll():
                yield HelpText(rows, id="help-text")
            close, palette = hint_key(self.app, "help.close"), hint_key(self.app, "app.commands")
            # Short enough for 40 columns ("ctrl+p opens the c" was all it showed).
            hint = f"{close} closes · {palette} commands"
            yield Label(Content(hint), classes="dim")

    def _keys(self, binding: Binding) -> str:
        # A key from the config's [keys] replaces the default (and its key_display).
        assert binding.id is not None  # every binding of `keys` has one (tested)
        if binding.key_display and not remapped(self.app, binding.id):
            return binding.key_display
        each = bound_keys(self.app, binding.id)
        return " ".join(self.app.get_key_display(Binding(key, "")) for key in each)

    def _help_of(self, binding: Binding) -> str:
        assert binding.id is not None
        if remapped(self.app, binding.id):
            return keys.REMAPPED_TOOLTIPS.get(binding.id, binding.tooltip)
        return binding.tooltip

    def action_close(self) -> None:
        self.dismiss(None)
