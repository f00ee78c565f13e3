"""No progress display on a dumb terminal (`TERM=dumb`: Emacs' shell, some CI logs).

`import` wrote an empty line to stderr per document plus one more there: rich's
transient bar, stopped on a console that cannot move the cursor, leaves a newline
(found by a bug hunt). `fetch` and `translate` draw the same bar (`stderr_bar`).
"""

from __future__ import annotations

import os
import sys

import pytest

from tui_digest.cli_progress import stderr_bar


@pytest.fixture
def stderr_on_a_terminal(monkeypatch):
    """A function that puts sys.stderr on a pseudo-terminal (in the test itself:
    pytest's capture sets sys.stderr again after the fixtures) and returns a
    function reading what reached it."""
    main, child = os.openpty()
    os.set_blocking(main, False)
    stream = open(child, "w", encoding="utf-8", closefd=True)  # noqa: SIM115 (closed below)

    def written() -> bytes:
        stream.flush()
        try:
            return os.read(main, 65536)
        except BlockingIOError:
            return b""

    def put():  # type: ignore[no-untyped-def]
        monkeypatch.setattr(sys, "stderr", stream)
        return written

    yield put
    stream.close()
    os.close(main)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("term", ["dumb", "unknown"])
def test_no_bar_on_a_dumb_terminal(stderr_on_a_terminal, monkeypatch, term):
    monkeypatch.setenv("TERM", term)
    written = stderr_on_a_terminal()
    bar = stderr_bar("importing")
    if bar is not None:  # (as before: a bar whose every stop left an empty line)
        task = bar.add_task("", total=2)
        bar.update(task, completed=1)
        bar.stop()
    assert bar is None
    assert written() == b""


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_bar_on_a_capable_terminal(stderr_on_a_terminal, monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    stderr_on_a_terminal()
    bar = stderr_bar("importing")
    assert bar is not None
    bar.stop()
