"""Same-day digests are listed in one order by `tui-digest digests`, the reader's
picker (`d`) and its `n`/`N` (which go on in the picker's order).

`digests` listed them newest import first, the picker by name descending, so
"the next digest" depended on which list one had in mind (found by a bug hunt).
"""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run_cli
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.ui.screens.digest_picker import DigestPicker


def test_cli_digests_and_the_picker_list_same_day_digests_alike(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        # Imported in this order: `ax-…` is the newest import of the 31st.
        for name, date, pid in [
            ("dg-cs.AI-2026-12-30", "2026-12-30", "2612.00001"),
            ("dg-cs.AI-2026-12-31", "2026-12-31", "2612.00002"),
            ("ax-cs.AI-2026-12-31", "2026-12-31", "2612.00003"),
            ("ax-cs.AI-2026-12-30", "2026-12-30", "2612.00004"),
        ]:
            store.import_digest(Digest(name, date=date, papers=[Paper(id=pid, title_en="T")]))
        picker = [d.name for d in DigestPicker(store.digests(), None).digests]
    listed = run_cli("digests", "--json", db=db)
    assert listed.returncode == 0, listed.stderr.decode()
    cli = [d["name"] for d in json.loads(listed.stdout)]
    expected = [
        "dg-cs.AI-2026-12-31",
        "ax-cs.AI-2026-12-31",
        "dg-cs.AI-2026-12-30",
        "ax-cs.AI-2026-12-30",
    ]
    assert picker == expected
    assert cli == expected
    table = run_cli("digests", db=db).stdout.decode().splitlines()[1:]
    assert [line.split()[1] for line in table] == expected
