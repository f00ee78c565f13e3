"""The reader draws up to 120 frames a second unless the user set TEXTUAL_FPS (ui/frame_rate.py).

Textual reads TEXTUAL_FPS once, when it is imported, so what matters is that
the command line's path sets it before anything imports Textual: checked in
child processes, each with a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tui_digest.ui.frame_rate import READER_FPS, raise_frame_rate

# Runs the real `run_reader` with a stand-in app module, whose `run` reports the
# drawing period Textual took (the reader itself is not started).
_PROBE = """
import sys, types
from tui_digest import cli

fake = types.ModuleType("tui_digest.ui.app")

class _App:
    return_code = 0
    crashed = False  # (`DigestApp.crashed`: set by its panic)

    def run(self):
        import textual.screen
        print(textual.screen.UPDATE_PERIOD)

class _Terminal:  # (the reader refuses to start without one on stdin)
    def isatty(self):
        return True

fake.make_app = lambda db_path, **options: _App()
sys.modules["tui_digest.ui.app"] = fake
sys.stdin = _Terminal()
assert "textual" not in sys.modules, "imported before the reader starts"
sys.exit(cli.main([]))
"""


def _drawing_period(**env: str) -> float:
    environ = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    environ.update(env)
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, env=environ
    )
    return float(out.stdout.strip().splitlines()[-1])


def test_the_rate_is_set_when_the_user_has_not():
    environ: dict[str, str] = {}
    raise_frame_rate(environ)
    assert environ == {"TEXTUAL_FPS": str(READER_FPS)}


def test_a_rate_the_user_set_is_kept():
    environ = {"TEXTUAL_FPS": "30"}
    raise_frame_rate(environ)
    assert environ == {"TEXTUAL_FPS": "30"}


def test_the_command_line_reader_draws_at_the_raised_rate():
    assert _drawing_period() == 1 / READER_FPS


def test_the_command_line_reader_keeps_the_users_rate():
    assert _drawing_period(TEXTUAL_FPS="30") == 1 / 30
