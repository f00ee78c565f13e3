"""One way to report failed background work.

Workers belong to the node that starts them (`@work` methods on screens and
widgets), and `Worker.StateChanged` does not bubble, so each node that runs
workers mixes in `ReportsWorkerErrors`: one handler, one wording, for every
failure. Workers are started with `exit_on_error=False`: a failing task is a
notification, never a crash.
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState


def failure_text(worker: Worker[object]) -> str | None:
    """The notification for a failed worker ("Could not <description>: <error>"), else None."""
    if worker.state != WorkerState.ERROR:
        return None
    what = worker.description or worker.name or "finish a task"
    return f"Could not {what}: {worker.error}"


class ReportsWorkerErrors:
    """Mixin for a Textual node: its workers' errors become plain-text notifications."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        text = failure_text(event.worker)
        if text is not None:
            # Errors quote paths and server replies: plain text, never markup.
            event.worker.node.app.notify(text, severity="error", markup=False, timeout=8)
