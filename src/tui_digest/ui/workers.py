"""One way to start background work, so one handler sees every failure.

All thread workers run on the App node: `Worker.StateChanged` does not bubble,
so starting them here is what lets `DigestApp.on_worker_state_changed` report
every error in one place. Groups must therefore be unique per purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.worker import Worker


def run_in_thread(
    app: App[Any],
    work: Callable[[], object],
    *,
    group: str,
    description: str,
    exclusive: bool = False,
) -> Worker[object]:
    """Run `work` in a thread; `description` completes "Could not …" in the error note."""
    return app.run_worker(
        work,
        group=group,
        description=description,
        exclusive=exclusive,
        thread=True,
        exit_on_error=False,
    )
