"""A transient progress bar for long CLI commands (fetch, translate)."""

from __future__ import annotations

import sys
from typing import Any


def stderr_bar(label: str) -> Any | None:
    """A started rich progress bar on stderr when it is a terminal, else None.

    Task descriptions are shown as plain text (`markup=False`): they are source
    names and paper titles, which are untrusted. Standard output is never
    redirected through the bar, since it may be a pipe.
    """
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}", markup=False),
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=False,
    )
    bar.start()
    return bar
