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
    "tui_digest.config.errors",
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


# What the first frame itself (the app running, up to the frame that shows the
# first listing) does not load either: the rank layer, the user's tags and notes,
# what an import merges; nor the paper's whole record when the reader reopens on it.
NOT_AT_FIRST_FRAME = (
    *NOT_AT_START,
    "tui_digest.rank",
    "tui_digest.rank.listing",
    "tui_digest.ui.foryou_read",
    "tui_digest.core.store.user_log",
    "tui_digest.core.store.watch_seen",
    "tui_digest.core.store.merge",
    # What reading and importing a document yield; the index's writer.
    "tui_digest.core.model_read",
    "tui_digest.core.paper",
    "tui_digest.core.store.paper_rows",
    "tui_digest.core.store.import_options",
    "tui_digest.core.store.index",
    # The palette's commands (when it opens), fetching and translating (after the
    # first frame at the earliest: MainScreen.refresher / translator are made on use).
    "tui_digest.ui.commands",
    "tui_digest.ui.refresh",
    "tui_digest.ui.translating",
)

_FIRST_FRAME_CHILD = """
import json, sys
from tui_digest.ui.app import make_app
from tui_digest.ui.screens.main import MainScreen
from tui_digest.ui.timing import Timing

seen = {}

def first_listing_drawn(self):
    # Called after the frame that shows the first listing (before what it starts).
    seen["rows"] = self.paper_list.total
    seen["cursor"] = self.paper_list.current_rowid
    seen["loaded"] = [n for n in NAMES if n in sys.modules]
    self.app.exit()

MainScreen.first_listing_drawn = first_listing_drawn
# The detail pane waits a minute: its paper is read after the first frame.
make_app(sys.argv[1], first_run_sample=False, timing=Timing(detail_delay=60)).run(
    headless=True, size=(160, 50)
)
print(json.dumps(seen))
"""


def test_the_first_frame_loads_none_of_them_even_reopening_on_a_paper(tmp_path):
    import json
    import os

    from tui_digest.core.store import Store
    from tui_digest.ui.sample import load_sample_digest

    db = tmp_path / "cache.db"
    store = Store.open(db)
    store.import_digest(load_sample_digest())
    ids = store.list_ids()
    paper = store.get_paper(ids[3])
    store.close()
    assert paper is not None
    # Closed on the fourth paper: the reader reopens there (its row, not its record).
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"paper": paper.paper.id}), encoding="utf-8")
    env = dict(os.environ, TUI_DIGEST_SETTINGS=str(settings))
    code = f"NAMES = {NOT_AT_FIRST_FRAME!r}\n" + _FIRST_FRAME_CHILD
    out = subprocess.run(
        [sys.executable, "-c", code, str(db)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["rows"] == len(ids)
    assert seen["cursor"] == ids[3]
    assert seen["loaded"] == []
