"""The status line: what is shown, how many match, which filters and language."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class StatusLine(Static):
    """One line of state. Untrusted parts (digest names, query errors) are plain text."""

    def show_state(
        self,
        *,
        view: str,
        matches: int,
        total: int | None,
        filters: list[str],
        language: str,
        selected: int,
        error: str = "",
        note: str = "",
        activity: str = "",
        counting: bool = False,
    ) -> None:
        # While the count is being read, `matches` is the first page: "120+ / …".
        shown = f"{matches:,}+" if counting else f"{matches:,}"
        of = "…" if total is None else f"{total:,}"
        parts: list[str | tuple[str, str]] = [(view, "bold"), "  ", (f"{shown} / {of}", "bold")]
        if filters:
            parts += ["  ", ("filter: " + " ".join(filters), "$text-accent")]
        if selected:
            parts += ["  ", (f"{selected:,} selected", "$text-warning")]
        if activity:
            # Progress of a fetch or translation; it names untrusted sources: plain text.
            parts += ["  ", (activity, "$text-success")]
        parts += ["  ", (language, "dim")]
        if note:
            parts += ["  ", (note, "italic $text-accent")]
        if error:
            parts += ["  ", (error, "$text-error")]
        # Fixed height and width (see main.tcss): no layout pass needed, which
        # keeps a search keystroke from re-flowing the whole screen.
        self.update(Content.assemble(*parts), layout=False)
