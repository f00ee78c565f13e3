"""Whether a process of this host still runs: for what a process left behind
(a temporary file, a translation claim, arXiv's shared clock) and may be gone."""

from __future__ import annotations

import os
import socket


def this_host() -> str:
    return socket.gethostname()


def process_alive(pid: int) -> bool:
    """Whether process `pid` of this host still runs (unsure counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # another user's process, or cannot tell: not ours to dismiss
    return True
