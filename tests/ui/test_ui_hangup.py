"""The reader leaves when its terminal hangs up without a SIGHUP (ui/hangup.py).

The terminal is injected: a callable the test flips, as `isatty` flips when a
pseudo-terminal's other end closes (checked by hand under `make run` in tmux:
the orphaned reader spun at ~90 % CPU before this watch).
"""

from __future__ import annotations

from pathlib import Path

from ui_support import ManualTimers, settle

from tui_digest.ui.app import DigestApp
from tui_digest.ui.hangup import stdin_is_terminal
from tui_digest.ui.settings import Settings
from tui_digest.ui.timing import Timing


class Terminal:
    def __init__(self) -> None:
        self.alive = True
        self.checks = 0

    def __call__(self) -> bool:
        self.checks += 1
        return self.alive


def reader(cache: Path, terminal: Terminal | None) -> DigestApp:
    return DigestApp(
        cache,
        Settings(),
        first_run_sample=False,
        timing=Timing(frame_hold=0.0, detail_delay=0.0, schedule=ManualTimers()),
        is_terminal=terminal if terminal is not None else (lambda: False),
        hangup_seconds=0.01,
    )


async def test_the_reader_exits_when_its_terminal_hangs_up(cache: Path) -> None:
    terminal = Terminal()
    app = reader(cache, terminal)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(2000):  # a few checks while the terminal lives: still reading
            if terminal.checks >= 4:
                break
            await pilot.pause(0.005)
        assert terminal.checks >= 4 and app.is_running and not app.hangup.hung_up
        terminal.alive = False
        for _ in range(2000):
            if not app.is_running:
                break
            await pilot.pause(0.005)
        assert app.hangup.hung_up
        assert not app.is_running
    assert app.return_code == 0  # left as `q` leaves, not as a crash


async def test_without_a_terminal_nothing_is_watched(cache: Path) -> None:
    app = reader(cache, None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.hangup.start() is False
        assert app.is_running and not app.hangup.hung_up


def test_stdin_is_terminal_answers_for_the_real_stdin() -> None:
    import os
    import sys

    expected = sys.__stdin__ is not None and os.isatty(sys.__stdin__.fileno())
    assert stdin_is_terminal() is expected


async def test_sighup_and_sigterm_quit_as_q_does(cache: Path) -> None:
    """Closing the terminal (SIGHUP) or `kill` (SIGTERM) ended the process at once:
    the place it was closed on went unsaved, the write-ahead log stayed behind."""
    import os
    import signal

    for sig in (signal.SIGHUP, signal.SIGTERM):
        app = reader(cache, Terminal())
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("j", "j")
            await settle(pilot)
            current = app.main.current_paper
            assert current
            # a terminal: the watch started on mount, the loop handles the signals
            assert signal.getsignal(sig) not in (signal.SIG_DFL, signal.SIG_IGN)
            os.kill(os.getpid(), sig)
            for _ in range(2000):
                if not app.is_running:
                    break
                await pilot.pause(0.005)
            assert not app.is_running and app.hangup.hung_up is (sig == signal.SIGHUP)
        assert app.return_code == 0
        assert Settings.load().paper == current  # saved, as `q` saves it
        wal = Path(f"{cache}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    # The handlers went with the reader: the process's own defaults are back.
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
