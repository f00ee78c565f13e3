"""Editing a config the user wrote their own way (bug hunt s41 `auditconf`).

`sources add|import|rm` and ctrl+s must edit the file as the user wrote it:
defaults spelled out, an unknown key, stray spaces, comments above the table
that follows. Each test checks the file byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import run_cli
from tui_digest.config.editing import remove_source, save_sources, save_watch
from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import load_config
from tui_digest.config.sources import Source
from tui_digest.config.watches import Watch

NEW = Source("new", "http://127.0.0.1:9/new.md", "digest")
NEW_TABLE = '[[sources]]\nname = "new"\nurl = "http://127.0.0.1:9/new.md"\nkind = "digest"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    "extra",
    [
        "enabled = true\n",
        'kind = "auto"   # auto (default), digest, …\n',
        'note = "mine"\n',
        'category = "cs.AI "\n',
    ],
)
def test_sources_add_keeps_a_source_that_spells_out_a_default_or_an_unknown_key(tmp_path, extra):
    """Bug hunt s41 `auditconf` #1: `sources add` said "not saved: could not write
    the config faithfully" (exit 2) whenever an existing source spelled out a
    default, had an unknown key or a value with stray spaces: the edit was checked
    against the sources as the loader cleans them up, not as the file holds them."""
    before = f'[[sources]]\nname = "lab "\nurl = " http://127.0.0.1:9/lab.md"\n{extra}'
    path = write(tmp_path, before)
    save_sources(path, [*load_config(path).sources, NEW])
    text = path.read_text(encoding="utf-8")
    assert text.startswith(before) and text[len(before) :].strip("\n") == NEW_TABLE.strip("\n")
    assert [s.name for s in load_config(path).sources] == ["lab", "new"]


def test_sources_import_adds_to_a_config_with_defaults_spelled_out(tmp_path):
    before = '[[sources]]\nname = "lab"\nurl = "http://127.0.0.1:9/lab.md"\nenabled = true\n'
    path = write(tmp_path, before)
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="blog" xmlUrl="http://127.0.0.1:9/blog.xml"/></body></opml>',
        encoding="utf-8",
    )
    done = run_cli("sources", "import", str(opml), "--config", str(path), db=tmp_path / "c.db")
    assert done.returncode == 0, done.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith(before)
    assert text[len(before) :].strip("\n") == (
        '[[sources]]\nname = "blog"\nurl = "http://127.0.0.1:9/blog.xml"'
    )


def test_sources_rm_of_an_inline_source_keeps_the_others_as_written(tmp_path):
    before = (
        "sources = [\n"
        '  { name = "a", url = "http://127.0.0.1:9/a.md", kind = "auto" },  # a\n'
        '  { name = "b", url = "http://127.0.0.1:9/b.md" },  # b\n'
        "]\n"
    )
    path = write(tmp_path, before)
    remove_source(path, "b")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        'sources = [\n  { name = "a", url = "http://127.0.0.1:9/a.md", kind = "auto" },  # a\n'
    )
    assert '"b"' not in text
    assert [s.name for s in load_config(path).sources] == ["a"]


def test_an_added_source_goes_above_the_comment_of_the_table_below(tmp_path):
    """Bug hunt s41 `auditconf` #7: tomlkit keeps the comment lines above a header in
    the table before, so the new `[[sources]]` went below `# Translation: …`, which
    then described it, and `[translate]` had none."""
    head = '# mine\n[[sources]]\nname = "a"\nurl = "http://127.0.0.1:9/a.md"\n'
    tail = "\n# Translation: ask Bob for the key\n[translate]\nenabled = false\n"
    path = write(tmp_path, head + tail)
    save_sources(path, [*load_config(path).sources, NEW])
    assert path.read_text(encoding="utf-8") == f"{head}\n{NEW_TABLE}{tail}"
    # Two at once (an OPML import), and a table right below with no blank line.
    path = write(tmp_path, head + "[fetch]\nconcurrency = 2\n")
    two = Source("two", "http://127.0.0.1:9/two.md")
    save_sources(path, [*load_config(path).sources, NEW, two])
    assert path.read_text(encoding="utf-8") == (
        f'{head}\n{NEW_TABLE}\n[[sources]]\nname = "two"\nurl = "http://127.0.0.1:9/two.md"\n'
        "\n[fetch]\nconcurrency = 2\n"
    )


def test_a_saved_watch_goes_above_the_comment_of_the_table_below(tmp_path):
    """Bug hunt s41 `auditconf` #7, the reader's ctrl+s: the `[keys]` comment ended
    up above the new `[[watches]]`."""
    head = '[[watches]]\nname = "agents"\nquery = "agent"\n'
    tail = '\n# Keys: x stars (muscle memory from mutt)\n[keys]\n"main.star" = "x"\n'
    path = write(tmp_path, head + tail)
    save_watch(path, Watch("mine", "learning"))
    assert path.read_text(encoding="utf-8") == (
        f'{head}\n[[watches]]\nname = "mine"\nquery = "learning"\n{tail}'
    )
    save_watch(path, Watch("mine", "learning -survey"))  # (replaced where it stands)
    assert path.read_text(encoding="utf-8") == (
        f'{head}\n[[watches]]\nname = "mine"\nquery = "learning -survey"\n{tail}'
    )


def test_a_source_is_added_to_a_file_without_a_last_line_break(tmp_path):
    # tomlkit appended the table on the last line: "would not load: invalid TOML".
    before = '[[sources]]\nname = "a"\nurl = "http://127.0.0.1:9/a.md"'
    path = write(tmp_path, before)
    save_sources(path, [*load_config(path).sources, NEW])
    assert path.read_text(encoding="utf-8") == f"{before}\n\n{NEW_TABLE}".rstrip("\n")
    assert [s.name for s in load_config(path).sources] == ["a", "new"]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (
            '# my watches\n[watches]\nagents = "agent"   # planning\nllm = "language model"\n',
            2,
            "'watches' is a table, not [[watches]] tables",
        ),
        ('watches = ["agent"]\n', 1, "watches[1] is not a table with name and query"),
        (
            'watches = [{ name = "a", query = "agent" }, "x"]\n',
            1,
            "watches[2] is not a table with name and query",
        ),
        ("# none\nwatches = 5\n", 2, "'watches' is a number, not [[watches]] tables"),
    ],
)
def test_saving_a_watch_beside_watches_that_are_no_tables_says_so(tmp_path, text, line, problem):
    """Bug hunt s41 `auditconf` #11: ctrl+s answered "Could not save a watch list:
    dictionary update sequence element #0 has length 1; 2 is required" (or "'int'
    object is not iterable"). Now a sentence naming the line and what to do."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        save_watch(path, Watch("mine", "learning"))
    assert str(error.value) == (
        f"{path}:{line}: not saved (the file is unchanged): {problem}; fix it to save a watch"
    )
    assert path.read_bytes() == text.encode("utf-8")
