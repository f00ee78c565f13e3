"""The sources screen: each configured source and how its last fetch went.

Names, URLs and errors come from the config file and from servers: they are
assembled into `Content` as plain text, never parsed as markup, in rows whose
values wrap under themselves (`HangingRows`). Fetch times are relative to
today ("today 23:59"): the open screen is read again just after each local
midnight by its clock, as the main list's watches are (bug hunt `tz` #4).
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
from textual.widgets import Label

from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import load_config
from tui_digest.core.sanitize import clean_line
from tui_digest.core.when import SYSTEM_CLOCK, Clock, seconds_to_next_day
from tui_digest.net.urls import display_url
from tui_digest.ui import keys
from tui_digest.ui.key_hints import hint_key
from tui_digest.ui.news import FetchFinished
from tui_digest.ui.screens import breakpoints
from tui_digest.ui.signals import signals_of
from tui_digest.ui.widgets.hanging_rows import HangingRows, Row
from tui_digest.ui.workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from tui_digest.core.store import Store
    from tui_digest.fetch.runner import SourceResult
    from tui_digest.ui.marks import Schedule


@dataclass(slots=True)
class SourceView:
    name: str
    url: str
    kind: str
    enabled: bool
    state: dict[str, object]


def _text(value: object, limit: int = 300) -> str:
    return clean_line(value, limit) if isinstance(value, str) else ""


def sources_rows(
    path: str,
    views: Sequence[SourceView],
    results: Sequence[SourceResult] = (),
    clock: Clock = SYSTEM_CLOCK,
) -> list[Row]:
    """The whole listing as (label, value) rows of plain text with fixed styles:
    a long value (a server's error) wraps under itself, not under its label.

    Fetch times are shown in the local zone, relative to now (`core.when`).
    """
    latest = {r.name: r for r in results}

    def labelled(label: str, *value: str | tuple[str, str]) -> Row:
        return (Content.styled(f"  {label}  ", "$text-muted"), Content.assemble(*value))

    rows: list[Row] = [
        (Content.styled("config  ", "$text-muted"), Content(_text(path, 500))),
        _BLANK,
    ]
    if not views:
        rows.append((Content(), Content("No sources configured.")))
    for view in views:
        extra = [view.kind] if view.kind != "auto" else []
        if not view.enabled:
            extra.append("disabled")
        title: list[str | tuple[str, str]] = [(_text(view.name, 120), "bold")]
        if extra:
            title.append((f"  ({', '.join(extra)})", "$text-muted"))
        rows.append((Content(), Content.assemble(*title)))
        rows.append(
            (Content("  "), Content.styled(_text(display_url(view.url), 500), "$text-muted"))
        )
        state = view.state
        status = _text(state.get("last_status"))
        error = _text(state.get("last_error"), 500)
        checked = _text(clock.show_stamp(state.get("last_checked")))
        if not checked:
            rows.append((Content(), Content.styled("  never fetched", "italic $text-muted")))
        else:
            failed = status.startswith("failed")
            style = "$text-error" if failed else "$text-success"
            rows.append(labelled("last fetch", checked, "  ", (status or "?", style)))
            success = _text(clock.show_stamp(state.get("last_success")))
            if failed and success:
                rows.append(labelled("last success", success))
            if error:
                rows.append(labelled("error", (error, "$text-error")))
        result = latest.get(view.name)
        if result is not None and result.ok and result.digest:
            rows.append(labelled("digest", _text(result.digest, 200)))
        rows.append(_BLANK)
    return rows


_BLANK: Row = (Content(), Content())


class SourcesScreen(ReportsWorkerErrors, ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    VERTICAL_BREAKPOINTS = breakpoints.SHORT  # (dialogs.tcss: -short)
    BINDINGS: ClassVar[list[BindingType]] = list(keys.SOURCES)

    class Loaded(Message):
        def __init__(self, rows: list[Row]) -> None:
            self.rows = rows
            super().__init__()

    def __init__(
        self,
        store: Store,
        results: Sequence[SourceResult] = (),
        *,
        clock: Clock = SYSTEM_CLOCK,
        schedule: Schedule | None = None,
    ) -> None:
        """`clock`: now and the zone times are shown in; `schedule`: how the
        midnight timer is set (None: `set_timer`; tests pass one they advance)."""
        super().__init__()
        self.store = store
        self.results = list(results)
        self.clock = clock
        self.schedule = schedule
        self._midnight: object | None = None  # the timer set for the next day

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="sources-dialog"):
            yield Label("Sources", classes="dialog-title")
            with VerticalScroll():
                yield HangingRows([(Content(), Content("Reading the config…"))], id="sources-text")
            refresh, close = (hint_key(self.app, f"sources.{n}") for n in ("refresh", "close"))
            yield Label(Content(f"{refresh} fetches them all · {close} closes"), classes="dim")

    @property
    def text(self) -> HangingRows:
        return self.query_one("#sources-text", HangingRows)

    def on_mount(self) -> None:
        signals_of(self.app).fetch_finished.subscribe(self, self._fetch_finished)
        self.reload()
        self._wait_for_next_day()

    def on_unmount(self) -> None:
        timer, self._midnight = self._midnight, None
        stop = getattr(timer, "stop", None)
        if callable(stop):
            stop()

    def _wait_for_next_day(self) -> None:
        schedule = self.schedule or self.set_timer
        self._midnight = schedule(seconds_to_next_day(self.clock), self._next_day)

    def _next_day(self) -> None:
        """The midnight timer: "today 23:59" is yesterday's now."""
        if self._midnight is None:
            return  # (closed meanwhile)
        self.reload()
        self._wait_for_next_day()

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
            self.post_message(self.Loaded([(Content(), Content(str(error)))]))
            return
        views = [
            # The state of the URL it has now: a renamed URL is as never fetched.
            SourceView(s.name, s.url, s.kind, s.enabled, store.fetch_state(s.name, s.url) or {})
            for s in config.sources
        ]
        where = str(config.path) + ("" if config.exists else "  (not found: the defaults)")
        self.post_message(self.Loaded(sources_rows(where, views, results, self.clock)))

    def on_sources_screen_loaded(self, message: Loaded) -> None:
        self.text.update(message.rows)

    def action_close(self) -> None:
        self.dismiss(None)
