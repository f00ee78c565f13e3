"""The reader App: wiring only (screens, commands, settings, worker errors)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui_digest.ui.commands import DigestCommands, action_commands
from tui_digest.ui.screens.main import MainScreen
from tui_digest.ui.settings import Settings


class DigestApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "tui-digest"
    COMMANDS = App.COMMANDS | {DigestCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "question_mark",
            "help",
            "Help",
            key_display="?",
            id="app.help",
            tooltip="Show every key",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            key_display="^p",
            id="app.commands",
            tooltip="Open the command palette",
        ),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit tui-digest"),
    ]

    def __init__(
        self, db_path: Path | None, settings: Settings, *, first_run_sample: bool = True
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.settings = settings
        self.first_run_sample = first_run_sample
        if settings.theme and settings.theme in self.available_themes:
            self.theme = settings.theme

    def on_mount(self) -> None:
        self.push_screen(
            MainScreen(self.db_path, self.settings, first_run_sample=self.first_run_sample)
        )

    @property
    def main(self) -> MainScreen:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the main screen is not open")

    def on_unmount(self) -> None:
        store = next(
            (s.store for s in self.screen_stack if isinstance(s, MainScreen) and s.store), None
        )
        if store is not None:
            store.close()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are reported (as plain text, never markup)."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            what = event.worker.description or event.worker.name or "finish a task"
            self.notify(f"Could not {what}: {error}", severity="error", markup=False, timeout=8)

    def action_help(self) -> None:
        from tui_digest.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def refresh_sources(self) -> bool:
        """Fetch the configured sources in the background; False if that cannot start now."""
        return self.main.refresher.start()

    def save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as error:
            self.notify(f"Could not save settings: {error}", severity="warning", markup=False)

    def watch_theme(self, theme: str) -> None:
        if theme != self.settings.theme:
            self.settings.theme = theme
            if self.is_running:
                self.save_settings()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for main in self.screen_stack:
            if isinstance(main, MainScreen):
                yield from action_commands(main)


def make_app(db_path: str | Path | None = None, *, first_run_sample: bool = True) -> DigestApp:
    """The reader, as the CLI and the tests build it."""
    from tui_digest.core.paths import default_db_path

    path = Path(db_path).expanduser() if db_path else default_db_path()
    return DigestApp(path, Settings.load(), first_run_sample=first_run_sample)
