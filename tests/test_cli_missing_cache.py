"""A missing or mistyped cache path (bug hunt `script` item 2).

`watch --since-last-run`, `prune`, `reindex`, `enrich`, `mark`, `publish` created an
empty cache there and mostly exited 0: a cron job without the user's XDG_DATA_HOME
mailed "nothing new" every day. Every command that only makes sense on papers
already imported now says "PATH: no cache there" (exit 2) and creates nothing, as
`search` and `export` do; the commands that bring papers in still create it.
"""

from __future__ import annotations

import pytest
from tests.hostile.inputs import markdown_digest

from tui_digest import cli

COMMANDS = [
    ["watch", "--since-last-run"],
    ["prune", "--older-than", "1d", "--yes"],
    ["reindex"],
    ["enrich", "--limit", "1"],
    ["mark", "read", "2401.00001"],
    ["tag", "2401.00001", "+x"],
    ["note", "2401.00001", "some text"],
    ["digests", "rm", "cs.AI", "--yes"],
    ["publish", "--out", "{out}", "--no-translate"],
]


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[[watches]]\nname = "agents"\nquery = "agent"\n\n'
        '[enrich]\nafter_fetch = false\napi_url = "http://127.0.0.1:9/api/query"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_missing_cache_is_refused_and_not_created(tmp_path, config, capsys, command):
    folder = tmp_path / "typo"
    db = folder / "none.db"
    args = [a.replace("{out}", str(tmp_path / "pub")) for a in command]
    capsys.readouterr()
    status = cli.main(["--db", str(db), "--config", str(config), *args])
    err = capsys.readouterr().err
    assert status == 2, err
    assert f"{db}: no cache there (nothing imported yet)" in err
    assert not folder.exists()


def test_import_and_state_import_still_create_the_cache(tmp_path, capsys):
    digest = tmp_path / "digest-2024-03-18.md"
    digest.write_text(markdown_digest(), encoding="utf-8")
    db = tmp_path / "new" / "a.db"
    assert cli.main(["--db", str(db), "import", str(digest)]) == 0
    assert db.exists()
    state = tmp_path / "state.jsonl"
    state.write_text(
        '{"format": "tui-digest-state", "version": 1, "exported_at": "2024-03-18T00:00:00Z"}\n',
        encoding="utf-8",
    )
    other = tmp_path / "other" / "b.db"
    (tmp_path / "other").mkdir()
    assert cli.main(["--db", str(other), "state", "import", str(state)]) == 0
    assert other.exists()
