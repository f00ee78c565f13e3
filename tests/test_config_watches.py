"""[[watches]] in the config: parsing, validation, saving with comments kept (issue 10 req 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui_digest.config.editing import save_watch
from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import load_config
from tui_digest.config.watches import Watch

CONFIG = """\
# my reading list
[[sources]]
name = "local"  # keep me
url = "/tmp/digests"

[[watches]]
name = "agents"
query = "agent 规划 -survey"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_watches_are_read_and_their_keys_known(tmp_path):
    config = load_config(write(tmp_path, CONFIG))
    assert config.watches == [Watch("agents", "agent 规划 -survey")]
    assert config.warnings == []
    config = load_config(write(tmp_path, CONFIG + 'colour = "red"\n'))
    assert [(w.line, w.message) for w in config.warnings] == [
        (9, "unknown key 'colour' in [watches[1]] is ignored")
    ]
    assert load_config(write(tmp_path, "")).watches == []


def test_a_watch_until_a_far_year_is_read(tmp_path):
    # Found by a bug hunt: "2999" became day 1 and the watch was refused,
    # "it ends before it starts".
    config = load_config(write(tmp_path, '[[watches]]\nname = "on"\nquery = "date:2026..2999"\n'))
    assert config.watches == [Watch("on", "date:2026..2999")]


GOOD = '[[watches]]\nname = "good"\nquery = "agent"\n\n'


@pytest.mark.parametrize(
    ("text", "refused", "message"),
    [
        (
            '[[watches]]\nname = "x"\nquery = "is:bogus"\n',
            "x",
            r"config\.toml:7: warning: watches\[2\]: watch 'x': unknown is: value",
        ),
        ('[[watches]]\nname = ""\nquery = "a"\n', "", "'name' must be a non-empty string"),
        ('[[watches]]\nname = "x"\n', "x", "'query' must be a non-empty string"),
        (  # `tui-digest watch` cannot answer it: refused here, not at the first run
            '[[watches]]\nname = "r"\nquery = "related:2303.06018"\n',
            "r",
            r"config\.toml:7: warning: watches\[2\]: watch 'r': related:ID lists similar papers",
        ),
        (
            '[[watches]]\nname = "good"\nquery = "b"\n',
            "",
            r"config\.toml:5: .*duplicate watch name 'good'",
        ),
        ("[[watches]]\n", "", "each watch must be a table with name and query|'name' must be"),
    ],
)
def test_a_bad_watch_is_warned_with_file_and_line_and_left_out(tmp_path, text, refused, message):
    """Found by a bug hunt: one malformed watch made load_config raise, so `fetch`,
    `enrich`, `sources` and every other watch stopped (exit 2) and the reader showed
    no sources; now it costs only that watch."""
    config = load_config(write(tmp_path, GOOD + text))
    assert config.watches == [Watch("good", "agent")]
    said = [str(w) for w in config.warnings]
    assert len(said) == 1 and re.search(message, said[0]), said
    assert "left out" in said[0]
    assert list(config.refused_watches) == ([refused] if refused else [])
    if refused:
        assert str(config.refused_watches[refused]) == said[0]


def test_watches_that_are_no_tables_are_warned_and_left_out(tmp_path):
    config = load_config(write(tmp_path, 'watches = "a"\n'))
    assert config.watches == []
    assert [str(w) for w in config.warnings] == [
        f"{tmp_path / 'config.toml'}:1: warning: 'watches' must be [[watches]] tables; "
        "left out, no watch is used"
    ]


def test_save_watch_mends_a_refused_watch_of_that_name(tmp_path):
    path = write(tmp_path, '[[watches]]\nname = "bad"\nquery = "is:bogus"\n\n' + GOOD)
    assert [w.name for w in load_config(path).watches] == ["good"]
    save_watch(path, Watch("bad", "is:unread"))
    config = load_config(path)
    assert config.watches == [Watch("bad", "is:unread"), Watch("good", "agent")]
    assert config.warnings == [] and config.refused_watches == {}


def test_save_watch_keeps_comments_and_replaces_by_name(tmp_path):
    path = write(tmp_path, CONFIG)
    save_watch(path, Watch("diffusion", "diffusion OR 扩散"))
    text = path.read_text(encoding="utf-8")
    assert text.startswith(CONFIG)  # everything already there, byte for byte
    assert load_config(path).watches == [
        Watch("agents", "agent 规划 -survey"),
        Watch("diffusion", "diffusion OR 扩散"),
    ]
    save_watch(path, Watch("agents", "agent -survey"))
    text = path.read_text(encoding="utf-8")
    assert "# my reading list" in text and "# keep me" in text
    assert load_config(path).watches[0] == Watch("agents", "agent -survey")


def test_save_watch_creates_the_file(tmp_path):
    path = tmp_path / "new" / "config.toml"
    save_watch(path, Watch("llm", "ti:llm"))
    assert load_config(path).watches == [Watch("llm", "ti:llm")]


def test_save_watch_adds_to_an_inline_array_and_keeps_its_watches(tmp_path):
    # Found by a bug hunt: `watches = [ {…} ]` (valid TOML, read fine) was replaced
    # by the new watch alone; the read-back check expected just that.
    before = 'watches = [ { name = "agents", query = "agent" } ]  # my watch\n'
    path = write(tmp_path, before)
    save_watch(path, Watch("mine", "learning"))
    text = path.read_text(encoding="utf-8")
    assert "# my watch" in text and text.startswith("watches = [")
    assert load_config(path).watches == [Watch("agents", "agent"), Watch("mine", "learning")]
    save_watch(path, Watch("agents", "agent -survey"))  # the same name replaces its query
    assert "# my watch" in path.read_text(encoding="utf-8")
    assert load_config(path).watches == [
        Watch("agents", "agent -survey"),
        Watch("mine", "learning"),
    ]


def test_save_watch_replaces_the_watch_the_loader_knows_by_that_name(tmp_path):
    # Found by a bug hunt: "agents " (a stray space the loader strips) got a second
    # "agents" appended, which made the whole config unusable.
    path = write(
        tmp_path, '[[watches]]\nname = "agents "   # trailing space typo\nquery = "agent"\n'
    )
    save_watch(path, Watch("agents", "learning"))
    assert "# trailing space typo" in path.read_text(encoding="utf-8")
    assert load_config(path).watches == [Watch("agents", "learning")]


def test_save_watch_refuses_what_the_loader_would_refuse_and_writes_nothing(tmp_path):
    path = write(tmp_path, CONFIG)
    with pytest.raises(ConfigError, match=r"config\.toml: not saved.*unknown is: value"):
        save_watch(path, Watch("bogus", "is:bogus"))
    with pytest.raises(ConfigError, match=r"config\.toml: not saved.*related:ID lists"):
        save_watch(path, Watch("r", "related:2303.06018"))
    assert path.read_text(encoding="utf-8") == CONFIG
    # (no temp file; the edit lock's empty file stays: config_lock)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".config.toml.lock", "config.toml"]
