"""The sources screen: each configured source and how its last fetch went.

Names, URLs and errors come from the config file and from servers: they are
assembled into `Content` as plain text, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import load_config
from tui_digest.core.sanitize import clean_line
from tui_digest.core.when import SYSTEM_CLOCK, Clock
from tui_digest.net.urls import display_url
from tui_digest.ui import keys
from tui_digest.ui.news import FetchFinished
from tui_digest.ui.screens import breakpoints
from tui_digest.ui.signals import signals_of
from tui_digest.ui.workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from tui_digest.core.store import Store
    from tui_digest.fetch.runner import SourceResult


@dataclass(slots=True)
class SourceView:
    name: str
    url: str
    kind: str
    enabled: bool
    state: dict[str, object]


def _text(value: object, limit: int = 300) -> str:
    return clean_line(value, limit) if isinstance(value, str) else ""


def sources_content(
    path: str,
    views: Sequence[SourceView],
    results: Sequence[SourceResult] = (),
    clock: Clock = SYSTEM_CLOCK,
) -> Content:
    """The whole listing as one Content (plain text parts with fixed styles).

    Fetch times are shown in the local zone, relative to now (`core.when`).
    """
    latest = {r.name: r for r in results}
    parts: list[str | tuple[str, str]] = [("config  ", "$text-muted"), _text(path, 500), "\n\n"]
    if not views:
        parts.append("No sources configured.")
    for view in views:
        parts.append((_text(view.name, 120), "bold"))
        extra = [view.kind] if view.kind != "auto" else []
        if not view.enabled:
            extra.append("disabled")
        if extra:
            parts.append((f"  ({', '.join(extra)})", "$text-muted"))
        parts += ["\n", ("  ", ""), (_text(display_url(view.url), 500), "$text-muted"), "\n"]
        state = view.state
        status = _text(state.get("last_status"))
        error = _text(state.get("last_error"), 500)
        checked = _text(clock.show_stamp(state.get("last_checked")))
        if not checked:
            parts += [("  never fetched", "italic $text-muted"), "\n"]
        else:
            failed = status.startswith("failed")
            parts += [("  last fetch  ", "$text-muted"), checked, "  "]
            parts.append((status or "?", "$text-error" if failed else "$text-success"))
            parts.append("\n")
            success = _text(clock.show_stamp(state.get("last_success")))
            if failed and success:
                parts += [("  last success  ", "$text-muted"), success, "\n"]
            if error:
                parts += [("  error  ", "$text-muted"), (error, "$text-error"), "\n"]
        result = latest.get(view.name)
        if result is not None and result.ok and result.digest:
            parts += [("  digest  ", "$text-muted"), _text(result.digest, 200), "\n"]
        parts.append("\n")
    return Content.assemble(*parts)


class SourcesScreen(ReportsWorkerErrors, ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    VERTICAL_BREAKPOINTS = breakpoints.SHORT  # (dialogs.tcss: -short)
    BINDINGS: ClassVar[list[BindingType]] = list(keys.SOURCES)

    class Loaded(Message):
        def __init__(self, content: Content) -> None:
            self.content = content
            super().__init__()

    def __init__(
        self, store: Store, results: Sequence[SourceResult] = (), *, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        super().__init__()
        self.store = store
        self.results = list(results)
        self.clock = clock

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="sources-dialog"):
            yield Label("Sources", classes="dialog-title")
            with VerticalScroll():
                yield Static(Content("Reading the config…"), id="sources-text")
            yield Label(Content("r fetches them all · escape closes"), classes="dim")

    @property
    def text(self) -> Static:
        return self.query_one("#sources-text", Static)

    def on_mount(self) -> None:
        signals_of(self.app).fetch_finished.subscribe(self, self._fetch_finished)
        self.reload()

    def _fetch_finished(self, finished: FetchFinished) -> None:
        self.reload(finished.results)

    def reload(self, results: Sequence[SourceResult] | None = None) -> None:
        """Read the config and each source's state again (after a refresh, say)."""
        if results is not None:
            self.results = list(results)
        self._load(self.store, list(self.results))

    @work(thread=True, exclusive=True, group="sources-screen", exit_on_error=False,
          description="list the sources")  # fmt: skip
    def _load(self, store: Store, results: list[SourceResult]) -> None:
        try:
            config = load_config()
        except ConfigError as error:
            self.post_message(self.Loaded(Content(str(error))))
            return
        views = [
            # The state of the URL it has now: a renamed URL is as never fetched.
            SourceView(s.name, s.url, s.kind, s.enabled, store.fetch_state(s.name, s.url) or {})
            for s in config.sources
        ]
        where = str(config.path) + ("" if config.exists else "  (not found: the defaults)")
        self.post_message(self.Loaded(sources_content(where, views, results, self.clock)))

    def on_sources_screen_loaded(self, message: Loaded) -> None:
        self.text.update(message.content)

    def action_close(self) -> None:
        self.dismiss(None)
