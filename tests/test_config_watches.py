"""[[watches]] in the config: parsing, validation, saving with comments kept (issue 10 req 5)."""

from __future__ import annotations

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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[watches]]\nname = "x"\nquery = "is:bogus"\n',
            r"config\.toml:3: watches\[1\]: watch 'x': unknown is: value",
        ),
        ('[[watches]]\nname = ""\nquery = "a"\n', "'name' must be a non-empty string"),
        ('[[watches]]\nname = "x"\n', "'query' must be a non-empty string"),
        ('watches = "a"\n', "must be \\[\\[watches\\]\\] tables"),
        (  # `tui-digest watch` cannot answer it: refused here, not at the first run
            '[[watches]]\nname = "a"\nquery = "x"\n\n[[watches]]\nname = "r"\n'
            'query = "related:2303.06018"\n',
            r"config\.toml:7: watches\[2\]: watch 'r': related:ID lists similar papers only",
        ),
        (
            '[[watches]]\nname = "x"\nquery = "a"\n\n[[watches]]\nname = "x"\nquery = "b"\n',
            r"config\.toml:5: watches\[2\]: duplicate watch name 'x'",
        ),
    ],
)
def test_bad_watches_name_file_and_line(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text))


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
    assert path.read_text(encoding="utf-8") == CONFIG
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]
