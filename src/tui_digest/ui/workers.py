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
        if text is not None and _changed_under(event.worker):
            return  # (said as the cache changed under the reader: `ui.follow`)
        if text is not None:
            # Errors quote paths and server replies: plain text, never markup.
            event.worker.node.app.notify(text, severity="error", markup=False, timeout=8)


def _changed_under(worker: Worker[object]) -> bool:
    """A write failed because the cache file changed under the reader (a `cp`
    over it): the follower stops the saves and says so, as when its own look
    finds it (`core.store.watch.changed_under`)."""
    from tui_digest.core.store.watch import changed_under

    app = worker.node.app
    follower = getattr(app, "follower", None)
    store = getattr(getattr(app, "main", None), "store", None)
    error = worker.error
    if follower is None or store is None or not isinstance(error, Exception):
        return False
    replaced = changed_under(store.path, error)
    if replaced is None:
        return False
    follower.stop_following(replaced)
    return True
