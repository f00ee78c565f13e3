"""One way to report failed background work.

Workers belong to the node that starts them (`@work` methods on screens and
widgets), and `Worker.StateChanged` does not bubble, so each node that runs
workers mixes in `ReportsWorkerErrors`: one handler, one wording, for every
failure. Workers are started with `exit_on_error=False`: a failing task is a
notification, never a crash.
"""

from __future__ import annotations

import re

from textual.worker import Worker, WorkerState

_MADE_UP = re.compile(r"\w+\(.*\)\Z", re.DOTALL)  # `@work`'s "method(args)"


def failure_text(worker: Worker[object], state: WorkerState) -> str | None:
    """The notification for a worker that failed ("Could not <description>: <error>")
    when `state` (the state a `Worker.StateChanged` reports) is the failure, else None.

    The message's state, not the worker's now: when the loop is busy as a worker
    fails fast, its PENDING and RUNNING messages are handled after the failure,
    and each said it again (bug hunt `auditui` #3)."""
    if state != WorkerState.ERROR:
        return None
    return f"Could not {_what(worker.description)}: {worker.error}"


def _what(description: str) -> str:
    """The worker's description, which each worker of the reader gives in words.
    Without one, Textual's stand-in is a repr ("<function f.<locals>.g at 0x…>",
    `run_worker`) or "name(args)" (`@work`): never shown (bug hunt `auditui` #4)."""
    if not description or description.startswith("<") or _MADE_UP.match(description):
        return "finish a task"
    return description


class ReportsWorkerErrors:
    """Mixin for a Textual node: its workers' errors become plain-text notifications."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        text = failure_text(event.worker, event.state)
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
