"""What the reader loads before its first frame (issue 13 req 5).

Start-up is measured in benchmarks/startup_floor.py; these tests guard the
structure: the libraries only some commands need stay unloaded until then.
"""

from __future__ import annotations

import subprocess
import sys

# Fetching (httpx, feedparser), editing the config (tomlkit), ranking (the maths);
# the dialogs a key opens (tags and note: a TextArea; export: radio buttons; the
# sources), the opener and exporters, the config file's parser.
NOT_AT_START = (
    "httpx",
    "feedparser",
    "tomlkit",
    "sklearn",
    "scipy",
    "numpy",
    "tui_digest.ui.screens.annotate",
    "tui_digest.ui.screens.export",
    "tui_digest.ui.screens.sources",
    "tui_digest.ui.screens.digest_picker",
    "tui_digest.ui.opener",
    "tui_digest.core.export",
    "tui_digest.config.loader",
    # Help, the importer and what removes, backs up or counts watches.
    "tui_digest.ui.screens.help",
    "tui_digest.core.store.importer",
    "tui_digest.core.store.retention",
    "tui_digest.core.store.backup",
    "tui_digest.core.store.watch_lists",
    # The reading view (enter) and the citation helpers only it and the exports use;
    # the HTTP date parser only a fetch uses.
    "tui_digest.ui.screens.paper_view",
    "tui_digest.core.citation",
    "tui_digest.core.arxiv_id",
    "email.utils",
    # A paper's content hash (core.store.rows.paper_hash) is taken when importing.
    "hashlib",
    # What arXiv's API said: read with a paper's record (the detail pane, after
    # the first frame) and written by `enrich`.
    "tui_digest.core.arxiv_meta",
    "tui_digest.core.store.enrichment",
)


def _loaded_after(code: str) -> list[str]:
    probe = code + (
        f"\nimport sys\nprint(','.join(n for n in {NOT_AT_START!r} if n in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return [name for name in out.stdout.strip().split(",") if name]


def test_the_reader_module_loads_no_fetch_config_or_maths_library():
    assert _loaded_after("import tui_digest.ui.app") == []


def test_the_reader_module_loads_no_network_package():
    # The reader's timing names the network's Sleep type only; the CLI's parser
    # may load tui_digest.net for its URL helpers, the reader module does not.
    probe = "import sys, tui_digest.ui.app\nprint('tui_digest.net' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_command_line_path_to_the_reader_loads_none_either():
    # What `tui-digest` runs before the App starts: the parser, the launcher, the app.
    code = (
        "import tui_digest.cli, tui_digest.ui.launch\n"
        "tui_digest.cli.build_parser()\n"
        "from tui_digest.ui.app import make_app\n"
        "make_app(':memory:', first_run_sample=False)\n"
    )
    # make_app reads the config's [keys] before the app starts; without a
    # config file (as here: tests/conftest.py) not even its parser loads.
    assert _loaded_after(code) == []
