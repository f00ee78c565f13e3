"""The core never imports Textual (nor httpx/feedparser at import time)."""

from __future__ import annotations

import subprocess
import sys


def test_core_does_not_import_textual_or_network_libs():
    code = (
        "import sys, pkgutil, importlib, tui_digest.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'tui_digest.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [n for n in ('textual', 'httpx', 'feedparser') if n in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
