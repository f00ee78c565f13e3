"""No cyclic garbage collection while the reader starts (issue 13 req 5).

Importing Textual and the reader and building the first screen allocate some
55,000 long-lived objects (modules, classes, style rules, widgets). Python's
collector runs every few hundred allocations and, now and then, walks all of
them: on the 2-core development machine the reader spent 20-50 ms of its start
in collections (one full collection alone took 25 ms of CPU), against ~13 ms
for a minimal Textual app. None of those objects is garbage.

So the command line's `run_reader` pauses the collector before it imports the
app, and the reader resumes it after the frame that shows the first listing
(or after `RESUME_AFTER` seconds, whichever comes first). Resuming first
freezes what exists then (`gc.freeze`: the objects are moved to a generation
the collector never walks), so later collections, while the user types, do not
walk the start-up's objects either. This is the pattern the `gc` module's own
documentation gives for long-lived objects created at start-up (disable early,
freeze, enable). The cost: a cycle that became garbage during the start is
never collected (refcounting still frees everything else).

Only a start that `pause()`d resumes anything: apps built in tests or by other
code leave the collector as they found it (freezing a test's app would keep
every later test's apps alive).
"""

from __future__ import annotations

import gc

RESUME_AFTER = 3.0  # seconds: a slow first listing does not keep the collector off

_paused = False


def pause() -> None:
    """Stop cyclic collection until `resume()` (if it is running)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """After the first frame: freeze the start-up's objects and collect again (once)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    return _paused
