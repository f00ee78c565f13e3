"""Start the reader from the command line.

Imports stay inside the function so `tui-digest --help` and other subcommands
never pay for Textual.
"""

from __future__ import annotations


def run_reader(db_path: str | None = None) -> int:
    from tui_digest.ui import frame_rate, start_gc

    frame_rate.raise_frame_rate()  # before Textual is imported (ui/frame_rate.py)

    start_gc.pause()  # until the first frame (ui/start_gc.py)
    from tui_digest.ui import terminal_charset
    from tui_digest.ui.app import make_app

    # A locale that is not UTF-8: "?" for what it cannot show, and a note saying so.
    with terminal_charset.drawn_in_locale() as note:
        app = make_app(db_path, start_note=note)
        app.run()
    return app.return_code or 0
