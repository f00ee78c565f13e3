"""Start the reader from the command line.

Imports stay inside the function so `tui-digest --help` and other subcommands
never pay for Textual.
"""

from __future__ import annotations

import sys


def run_reader(db_path: str | None = None) -> int:
    from tui_digest.ui import terminal_charset

    # Keys typed under a locale that is not UTF-8 would crash it (ui/terminal_charset.py).
    if refusal := terminal_charset.refusal():
        print(f"tui-digest: {refusal}", file=sys.stderr)
        return 2

    from tui_digest.ui import frame_rate, start_gc

    frame_rate.raise_frame_rate()  # before Textual is imported (ui/frame_rate.py)

    start_gc.pause()  # until the first frame (ui/start_gc.py)
    from tui_digest.ui.app import make_app

    app = make_app(db_path)
    app.run()
    if app.return_code:
        return app.return_code
    # A crash Textual shows itself (its input thread's, say) leaves no return code.
    return 1 if app.crashed else 0
