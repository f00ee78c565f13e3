"""Editing the config file (`sources add|rm|import`, ctrl+s): where the text goes and
what of the user's text stays. Found by a bug hunt of hand-edited configs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from cli_support import run_cli
from tui_digest.cli_sources import absolute_path
from tui_digest.config.editing import remove_source, save_sources, save_watch
from tui_digest.config.loader import load_config
from tui_digest.config.sources import Source
from tui_digest.config.watches import Watch

PRIVATE = Source("private", "https://me:s3cret@127.0.0.1:9/cs.LG.md")


def test_an_edit_writes_through_a_symlinked_config_and_keeps_the_targets_mode(tmp_path):
    # A dotfiles setup: the config is a link into a repository, 0600 as it holds a
    # password. The link was replaced by a regular 0644 file holding the password,
    # and the dotfiles copy never got the edit.
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "tui.toml"
    real.write_text(f'[[sources]]\nname = "private"\nurl = "{PRIVATE.url}"\n', encoding="utf-8")
    os.chmod(real, 0o600)
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(Path("..") / "dotfiles" / "tui.toml")  # relative, as dotfiles managers do
    added = Source("x", "http://127.0.0.1:9/x.md")

    save_sources(link, [PRIVATE, added])
    save_watch(link, Watch("agents", "agent"))
    remove_source(link, "x")

    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.stat().st_mode & 0o777 == 0o600
    config = load_config(real)
    assert config.sources == [PRIVATE] and config.watches == [Watch("agents", "agent")]
    # No temp file left; the edit lock's empty file is beside the real file, so
    # that every name of it takes one lock (regression hunt `regfiles` 5).
    assert sorted(p.name for p in dotfiles.iterdir()) == [".tui.toml.lock", "tui.toml"]
    assert sorted(p.name for p in link.parent.iterdir()) == ["config.toml"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_removing_a_source_takes_its_comment_and_leaves_the_next_ones(tmp_path):
    # tomlkit keeps the comment lines above a [[sources]] header in the table before:
    # `del` left the removed source's comment above the next one, which lost its own.
    path = write(
        tmp_path,
        "# my feeds\n\n"
        '# lab digest, ask Bob before removing\n[[sources]]\nname = "lab"\nurl = "http://h/lab.md"\n\n'
        "# the one I actually read every morning\n"
        '[[sources]]\nname = "mine"\nurl = "http://h/cs.LG.md"\n',
    )
    remove_source(path, "lab")
    assert path.read_text(encoding="utf-8") == (
        "# my feeds\n\n"
        "# the one I actually read every morning\n"
        '[[sources]]\nname = "mine"\nurl = "http://h/cs.LG.md"\n'
    )


def test_removing_a_middle_or_last_source_keeps_every_other_comment(tmp_path):
    three = (
        '# a: mine\n[[sources]]\nname = "a"   # first\nurl = "http://h/a.md"\n\n'
        '# b: lab\n[[sources]]\nname = "b"\nurl = "http://h/b.md"\n# url = "http://old/b.md"\n\n'
        '# c: blog\n[[sources]]\nname = "c"\nurl = "http://h/c.md"\n\n'
        "# fetch settings\n[fetch]\nconcurrency = 2\n"
    )
    path = write(tmp_path, three)
    remove_source(path, "b")
    assert path.read_text(encoding="utf-8") == three.replace(
        '# b: lab\n[[sources]]\nname = "b"\nurl = "http://h/b.md"\n# url = "http://old/b.md"\n\n',
        "",
    )
    remove_source(path, "c")
    assert path.read_text(encoding="utf-8") == (
        '# a: mine\n[[sources]]\nname = "a"   # first\nurl = "http://h/a.md"\n\n'
        "# fetch settings\n[fetch]\nconcurrency = 2\n"
    )
    assert [s.name for s in load_config(path).sources] == ["a"]
    assert load_config(path).fetch.concurrency == 2


def test_a_text_that_cannot_be_cut_by_lines_is_still_edited_right(tmp_path):
    # A `[[sources]]` line inside a multi-line string is no header: tomlkit removes the
    # table then. The last source leaves `sources = []` (none, not the defaults).
    text = (
        'note = """\n[[sources]]\n"""\n\n'
        '[[sources]]\nname = "a"\nurl = "http://h/a.md"\n\n'
        '[[sources]]\nname = "b"\nurl = "http://h/b.md"\n'
    )
    path = write(tmp_path, text)
    remove_source(path, "a")
    assert [s.name for s in load_config(path).sources] == ["b"]
    remove_source(path, "b")
    config = load_config(path)
    assert config.sources == [] and config.data["note"] == "[[sources]]\n"


DAY = Path(__file__).parent / "fixtures" / "days" / "day1.md"


def test_sources_add_of_a_relative_path_stores_it_absolute(tmp_path):
    # `sources add srv/cs.LG.md` stored "srv/cs.LG.md": a fetch (cron, the reader)
    # started in any other folder failed with "No such file or directory".
    (tmp_path / "srv").mkdir()
    shutil.copyfile(DAY, tmp_path / "srv" / "cs.LG.md")
    config, db = write(tmp_path, "sources = []\n"), tmp_path / "c.db"
    added = run_cli("sources", "add", "srv/cs.LG.md", "--config", str(config), db=db, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    absolute = str(tmp_path / "srv" / "cs.LG.md")
    assert [s.url for s in load_config(config).sources] == [absolute]
    assert f"added cs.LG (auto): {absolute} (the absolute path of srv/cs.LG.md)" in (
        added.stdout.decode("utf-8")
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    fetched = run_cli("fetch", "--no-enrich", "--config", str(config), db=db, cwd=elsewhere)
    assert fetched.returncode == 0, fetched.stderr
    assert b"cs.LG: new " in fetched.stdout, fetched.stdout


def test_only_a_relative_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert absolute_path("srv/../x.md") == str(tmp_path / "x.md")
    for given in ("https://h/x.md", "file:///srv/x.md", "~/x.md", "/srv/x.md", ""):
        assert absolute_path(given) == given


INLINE = """\
sources = [
  { name = "a", url = "http://h/a.md" },  # mine
  # the lab's, ask Bob
  { name = "b", url = "http://h/b.md" },
]

[fetch]
concurrency = 2
"""


def test_an_inline_source_list_keeps_its_form_and_comments(tmp_path):
    # `sources add`/`import` rewrote `sources = [ {…}, # comment ]` as [[sources]]
    # tables, and the comments inside it were lost.
    path = write(tmp_path, INLINE)
    a, b = Source("a", "http://h/a.md"), Source("b", "http://h/b.md")
    c = Source("c", "http://h/c.md", "digest")
    save_sources(path, [a, b, c])
    text = path.read_text(encoding="utf-8")
    assert text.startswith(INLINE.split("]\n")[0]) and "[[sources]]" not in text
    assert load_config(path).sources == [a, b, c]
    remove_source(path, "a")
    text = path.read_text(encoding="utf-8")
    assert "# mine" not in text and "# the lab's, ask Bob" in text
    assert "[[sources]]" not in text and text.endswith("]\n\n[fetch]\nconcurrency = 2\n")
    assert load_config(path).sources == [b, c]


def test_a_crlf_file_keeps_its_line_endings_and_byte_order_mark(tmp_path):
    # Editing a Windows file appended LF-only lines: mixed line endings.
    text = (
        "# from Windows\r\n\r\n"
        '[[sources]]\r\nname = "a"\r\nurl = "http://h/a.md"\r\n\r\n'
        '# b\r\n[[sources]]\r\nname = "b"\r\nurl = "http://h/b.md"\r\n'
    )
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    a, b, c = (Source(n, f"http://h/{n}.md") for n in "abc")
    save_sources(path, [a, b, c])
    save_watch(path, Watch("agents", "agent"))
    remove_source(path, "a")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf# from Windows\r\n\r\n# b\r\n[[sources]]\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n") > 8
    config = load_config(path)
    assert config.sources == [b, c] and config.watches == [Watch("agents", "agent")]


def test_sources_add_refuses_a_name_given_that_is_taken(tmp_path):
    """Found by a bug hunt: `--name myai` beside a source myai silently became
    "myai (2)", whose digests `myai-2-<date>` read as myai's second list of the day.
    An inferred name still gets the suffix."""
    (tmp_path / "srv").mkdir()
    for name in ("cs.LG.md", "other.md", "third.md"):
        shutil.copyfile(DAY, tmp_path / "srv" / name)
    before = '[[sources]]\nname = "myai"\nurl = "http://127.0.0.1:9/myai.md"\n'
    config, db = write(tmp_path, before), tmp_path / "c.db"
    refused = run_cli(
        "sources", "add", str(tmp_path / "srv" / "other.md"), "--name", "myai",
        "--config", str(config), db=db,
    )  # fmt: skip
    assert refused.returncode == 2 and refused.stdout == b""
    assert "a source named 'myai' is already in" in refused.stderr.decode()
    assert "--name" in refused.stderr.decode()
    assert config.read_text(encoding="utf-8") == before
    # A name of its own still makes no clash; an inferred one gets its suffix.
    for url, name in (("srv/other.md", "mine"), ("srv/third.md", ""), ("srv/cs.LG.md", "")):
        args = ["--name", name] if name else []
        done = run_cli("sources", "add", url, *args, "--config", str(config), db=db, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert [s.name for s in load_config(config).sources] == ["myai", "mine", "third", "cs.LG"]
    (tmp_path / "srv" / "again").mkdir()
    shutil.copyfile(DAY, tmp_path / "srv" / "again" / "third.md")
    done = run_cli(
        "sources", "add", "srv/again/third.md", "--config", str(config), db=db, cwd=tmp_path
    )
    assert done.returncode == 0 and "added third (2) (auto)" in done.stdout.decode()


def test_sources_add_of_a_default_sources_name_says_it_is_a_built_in_default(tmp_path):
    """Bug hunt `tz` #5: without a config file (the built-in default sources),
    `--name arxiv-cs.AI` blamed the config file, which does not exist."""
    shutil.copyfile(DAY, tmp_path / "cs.AI.md")
    config, db = tmp_path / "none" / "config.toml", tmp_path / "c.db"
    refused = run_cli(
        "sources", "add", str(tmp_path / "cs.AI.md"), "--name", "arxiv-cs.AI",
        "--config", str(config), db=db,
    )  # fmt: skip
    assert refused.returncode == 2 and refused.stdout == b""
    err = refused.stderr.decode()
    assert "a source named 'arxiv-cs.AI' is one of the built-in default sources" in err
    assert "--name" in err and str(config) not in err and "already in" not in err
    assert not config.exists()
    # A file without [[sources]] uses the defaults too; one with sources names itself.
    config.parent.mkdir(exist_ok=True)
    config.write_text('[[watches]]\nname = "a"\nquery = "agent"\n', encoding="utf-8")
    refused = run_cli(
        "sources", "add", str(tmp_path / "cs.AI.md"), "--name", "arxiv-cs.AI",
        "--config", str(config), db=db,
    )  # fmt: skip
    assert "is one of the built-in default sources" in refused.stderr.decode()


def test_sources_add_of_a_taken_name_with_spaces_around_it_is_refused_as_taken(tmp_path):
    """Regression hunt `regtz` #4: `--name "arxiv-cs.AI "` (a space before or
    after) passed the taken-name check, and the config loader, which strips the
    name, refused the edit with "duplicate source name" (about a file that does
    not exist)."""
    shutil.copyfile(DAY, tmp_path / "cs.AI.md")
    config, db = tmp_path / "none" / "config.toml", tmp_path / "c.db"
    for name in ("arxiv-cs.AI ", " arxiv-cs.AI"):
        refused = run_cli(
            "sources", "add", str(tmp_path / "cs.AI.md"), "--name", name,
            "--config", str(config), db=db,
        )  # fmt: skip
        assert refused.returncode == 2 and refused.stdout == b""
        err = refused.stderr.decode()
        assert "a source named 'arxiv-cs.AI' is one of the built-in default sources" in err
        assert "duplicate" not in err and not config.exists()
