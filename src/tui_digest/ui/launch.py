"""Start the reader from the command line.

Imports stay inside the function so `tui-digest --help` and other subcommands
never pay for Textual.
"""

from __future__ import annotations


def run_reader(db_path: str | None = None) -> int:
    from tui_digest.ui import frame_rate, start_gc

    frame_rate.raise_frame_rate()  # before Textual is imported (ui/frame_rate.py)

    start_gc.pause()  # until the first frame (ui/start_gc.py)
    from tui_digest.ui.app import make_app

    app = make_app(db_path)
    app.run()
    return app.return_code or 0
