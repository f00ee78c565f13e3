"""The reader App: wiring only (screens, signals, settings, the palette's commands).

Imports point one way: app → screens → widgets/helpers; nothing imports the app.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, CSSPathType, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen

from tui_digest.core.paths import default_db_path
from tui_digest.ui import keys, start_gc
from tui_digest.ui import messages as msg
from tui_digest.ui.follow import DEFAULT_SECONDS, CacheFollower
from tui_digest.ui.hangup import HangupWatch, stdin_is_terminal
from tui_digest.ui.keymap import load_keymap
from tui_digest.ui.lock_wait import WAITING, LockWaitChanged, LockWaits
from tui_digest.ui.screens.main import MainScreen
from tui_digest.ui.settings import Settings, save_settings
from tui_digest.ui.signals import ReaderSignals
from tui_digest.ui.timing import Timing
from tui_digest.ui.workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.worker import Worker


# Worker groups that write what the user asked for: finished before the reader
# exits. A translation is stopped first (`Translator.stop`: its requests in
# flight cut off), then waited for while it saves the answers it received,
# which were paid for. (Fetch and enrich are not waited for: each commits in
# its own transactions and the next run picks up where it stopped.)
FINISH_AT_QUIT = frozenset(
    {"marks", "annotate-write", "export", "watch-save", "remove-digest", "translate"}
)


def _quit_note(
    waiting: list[Worker[object]], translating: bool, again: str, *, locked: bool = False
) -> str:
    """What quitting waits for: an export by its file (it was "Saving your
    changes" for the 20 s of a 65k-paper export; bug hunt `scale` #4), and how
    to stop it: `again`, the quit key as bound; `locked`: a write waits for
    another process's (it said only "Saving your changes" for a minute)."""
    if translating:
        return "Stopping the translation: saving the answers received before quitting…"
    exports = [w.name for w in waiting if w.group == "export"]
    if not exports:
        if locked:
            return f"Saving your changes before quitting: {WAITING} the cache…"
        return "Saving your changes before quitting…"
    also = " and saving your changes" if len(exports) < len(waiting) else ""
    return f"Finishing {' and '.join(exports)}{also} before quitting… ({again} again: stop it)"


class DigestApp(ReportsWorkerErrors, App[None]):
    # The main screen's styles load with the app's: as its screen's CSS_PATH they
    # made Textual parse every style sheet again from scratch when the screen was
    # pushed (App._load_screen_css -> Stylesheet.reparse), ~4 ms of the start
    # (issue 13 req 5). CSS_PATH files are global either way.
    CSS_PATH: ClassVar[CSSPathType | None] = ["app.tcss", "screens/main.tcss"]
    TITLE = "tui-digest"
    BINDINGS: ClassVar[list[BindingType]] = list(keys.APP)

    def __init__(
        self,
        db_path: Path | None,
        settings: Settings,
        *,
        first_run_sample: bool = True,
        timing: Timing | None = None,
        follow_seconds: float = DEFAULT_SECONDS,
        keymap: dict[str, str] | None = None,
        keymap_warnings: Sequence[str] = (),  # one line each
        is_terminal: Callable[[], bool] = stdin_is_terminal,
        hangup_seconds: float = 2.0,
    ) -> None:
        super().__init__()
        # [keys] in the config (ui/keymap.py), applied when the app mounts.
        self.user_keymap = dict(keymap or {})
        self.keymap_warnings = list(keymap_warnings)
        self.crashed = False  # set by `panic`: the CLI's exit status is then not 0
        self.db_path = db_path
        self.settings = settings
        self.first_run_sample = first_run_sample
        self.signals = ReaderSignals(self)
        self._quitting = False  # a quit waits for writes: the next stops the exports
        self._main = MainScreen(db_path, settings, first_run_sample=first_run_sample, timing=timing)
        # The reader's writes waiting for another process's (ui/lock_wait.py).
        self.lock_waits = LockWaits(self, (timing or Timing()).clock.now)
        self._lock_wait_said = False
        # Other processes' changes to the cache (0 s: only when `follower.poll()` is called).
        self.follower = CacheFollower(self, lambda: self._main.store, follow_seconds)
        # A terminal that closes without a SIGHUP reaching us ends the reader (ui/hangup.py).
        self.hangup = HangupWatch(self, is_terminal, hangup_seconds)
        if settings.theme and settings.theme in self.available_themes:
            self.theme = settings.theme

    def panic(self, *renderables: RenderableType) -> None:
        """Textual's exit on an error it shows itself (its input thread's, say),
        which sets no return code: noted, so a crash never exits 0."""
        self.crashed = True
        super().panic(*renderables)

    def on_mount(self) -> None:
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        if self.keymap_warnings:
            text = "\n".join(self.keymap_warnings)
            self.notify(text, title="Keys", severity="warning", markup=False, timeout=15)
        self.push_screen(self._main)
        self.hangup.start()
        # The first frame resumes the collector; a first listing that is slow to come
        # does not keep it off for longer than this (ui/start_gc.py).
        self.set_timer(start_gc.RESUME_AFTER, start_gc.resume)

    @property
    def main(self) -> MainScreen:
        return self._main

    def on_store_opened(self, message: msg.StoreOpened) -> None:
        # Bubbled up from the main screen: the first poll notes where the cache
        # stands (the listing just read it), then the timer follows it.
        self.follower.poll()
        self.follower.start()
        message.store.on_wait_here = self.lock_waits.started
        message.store.on_wait_over = self.lock_waits.over

    def on_lock_wait_changed(self, _message: LockWaitChanged) -> None:
        """A write started or stopped waiting for another process: said in the
        status line while it waits, and once in a notification."""
        self._main.set_activity(self.lock_waits.status(), slot="lock")
        note = self.lock_waits.note()
        if note and not self._lock_wait_said:
            self.notify(note, markup=False, timeout=10)
        self._lock_wait_said = bool(note)

    async def action_quit(self) -> None:
        """Quit once the writes the user asked for are done (`q`, SIGHUP, SIGTERM).

        Closing the cache interrupts its writer: quitting while 65k marks, an
        undo or an export were being written dropped them, with exit status 0.
        The wait runs beside the message loop, so the screen keeps drawing.
        """
        waiting = self._unfinished_writes()
        # Again while a write waits for another process: what quitting would lose.
        lose = self.lock_waits.would_lose(FINISH_AT_QUIT) if self._quitting else ""
        if self._quitting and any(w.group == "export" for w in waiting):
            # Again while an export holds the exit: stop it (its file is not written).
            self._main.stop_exports()
            stopped = "Stopping the export: a file is not written (a pipe keeps what it got)."
            self.notify(f"{stopped} {lose}" if lose else stopped, markup=False, timeout=60)
            return
        if lose:
            self.notify(lose, markup=False, timeout=60)
            return
        translating = self._main.translator.stop()
        if not self._saving():
            self.exit()
            return
        self._quitting = True
        from tui_digest.ui.key_hints import hint_key

        again = hint_key(self, "app.quit")
        locked = bool(self.lock_waits.waiting(FINISH_AT_QUIT))
        note = _quit_note(waiting, translating, again, locked=locked)
        self.notify(note, markup=False, timeout=60)
        self.run_worker(self._exit_when_saved(), group="quit", exclusive=True, description="quit")

    async def _exit_when_saved(self) -> None:
        while self._saving():
            await asyncio.sleep(0.05)  # (a pending worker cannot be awaited yet)
        self.exit()

    def _unfinished_writes(self) -> list[Worker[object]]:
        return [w for w in self.workers if w.group in FINISH_AT_QUIT and not w.is_finished]

    def _saving(self) -> bool:
        """A write is under way, or marks wait for their turn: between two marks'
        workers none is running (after a failed write the marks queued behind it
        were lost at quit, unsaid: bug hunt `auditui` #5)."""
        return bool(self._unfinished_writes()) or self._main.marks_unsaved

    def on_unmount(self) -> None:
        self._main.upgrade_stop.set()  # (an upgrade would hold the exit: listing.py)
        self.follower.stop()
        self.hangup.stop()
        from tui_digest.rank import background  # (light: the child holds the libraries)

        background.stop_all()  # a For you training would hold the exit for minutes
        # An export still running (into a pipe nobody reads) ends at its next wait.
        self._main.stop_exports()
        if self._main.store is not None:
            self._main.store.close()

    def action_help(self) -> None:
        from tui_digest.ui.screens.help import HelpScreen  # (when asked: issue 13 req 5)

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_refresh_sources(self) -> None:
        """Fetch the configured sources in the background (the sources screen's `r`)."""
        self._main.refresher.start()

    def watch_theme(self, theme: str) -> None:
        if theme != self.settings.theme:
            self.settings.theme = theme
            if self.is_running:
                problem = save_settings(self.settings)
                if problem:
                    self.notify(problem, severity="warning", markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from tui_digest.ui.commands import action_commands, reading_commands  # (when asked)
        from tui_digest.ui.screens.paper_view import PaperView

        # Textual's "Keys" opened its key panel, listing keys the reader's help never
        # names, and escape there cleared the kept search behind it (found by a bug
        # hunt): the reader's own help (`?`) takes its place.
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command
        from tui_digest.ui.key_hints import hint_key

        # Its key too, as every other command line says (a regression hunt).
        yield SystemCommand(
            "Help", f"{keys.HELP_TOOLTIP} · {hint_key(self, 'app.help')}", self.action_help
        )
        # The screen the palette opened over: the list's commands act on the list's
        # cursor and selection, which the reading view hides; a dialog adds none.
        if screen is self._main:
            yield from action_commands(self._main)
        elif isinstance(screen, PaperView):
            yield from reading_commands(screen)


def make_app(
    db_path: str | Path | None = None,
    *,
    first_run_sample: bool = True,
    timing: Timing | None = None,
    follow_seconds: float = DEFAULT_SECONDS,
) -> DigestApp:
    """The reader, as the CLI and the tests build it."""
    path = Path(db_path).expanduser() if db_path else default_db_path()
    keymap, warnings = load_keymap()  # before the app runs: no file I/O on its loop
    return DigestApp(
        path,
        Settings.load(cache=path),
        first_run_sample=first_run_sample,
        timing=timing,
        follow_seconds=follow_seconds,
        keymap=keymap,
        keymap_warnings=warnings,
    )
