"""What leaves the program: exports written literally, a clean terminal, safe files."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from tui_digest.core import export
from tui_digest.core.digest_format import read_digest, write_digest
from tui_digest.core.export import safe_filename, to_bibtex, to_json, write_atomic
from tui_digest.core.model import Paper, PaperRecord

from .inputs import HOSTILE, forbidden_in, markdown_digest

# Text that means something to Markdown, Rich/Textual markup, HTML, LaTeX/BibTeX, JSON.
MARKUP = (
    "[bold red]x[/] [link=file:///etc/passwd]y[/link] | `code` *em* <script>alert(1)</script> "
    '{ { } \\ \\end{document} % $x^2$ # _ & ~ "quoted" \\u0000 [^1] ](javascript:z)'
)


def record(**fields: object) -> PaperRecord:
    base = {
        "id": "2403.10056", "version": "v1", "url": "https://arxiv.org/abs/2403.10056",
        "title_en": MARKUP, "title_zh": "标题 " + MARKUP, "summary_zh": "总结 " + MARKUP,
        "abstract_en": "Abstract " + MARKUP, "abstract_zh": "摘要 " + MARKUP,
        "authors": ["Ann {Brace", "Bob } and Carol", "\\Dan%"], "categories": ["cs.AI"],
        "announce_type": "new", "published": "2024-03-18",
    }  # fmt: skip
    base.update(fields)
    return PaperRecord(rowid=1, paper=Paper(**base), digests=["d"])  # type: ignore[arg-type]


def test_json_export_keeps_hostile_text_literally():
    rec = record()
    (obj,) = json.loads(to_json([rec]))
    assert obj["title_en"] == MARKUP and obj["abstract_zh"] == "摘要 " + MARKUP
    assert obj["authors"] == ["Ann {Brace", "Bob } and Carol", "\\Dan%"]


def test_json_export_escapes_raw_controls_never_emits_them():
    """Even a paper that somehow holds an ESC is exported as \\u001b, not a raw byte."""
    text = to_json([record(title_en="a" + HOSTILE)])
    c0 = [c for c in text if c < " " and c != "\n"]
    assert c0 == [] and "\\u001b" in text
    assert json.loads(text)[0]["title_en"] == "a" + HOSTILE


def test_markdown_export_round_trips_hostile_text_literally():
    rec = record()
    text = write_digest([rec.paper])
    (back,) = read_digest(text).digest.papers
    for name in ("title_en", "title_zh", "summary_zh", "abstract_en", "abstract_zh"):
        assert getattr(back, name) == getattr(rec.paper, name), name
    assert "\x1b" not in write_digest([record(title_en=HOSTILE).paper])


def test_markdown_export_cannot_be_tricked_into_extra_rows_or_footnotes():
    evil = "x |\n| [^2] | [evil](javascript:a) | y |\n[^2]: injected"
    text = write_digest([record(title_en=evil, summary_zh=evil, abstract_en=evil).paper])
    papers = read_digest(text).digest.papers
    assert [p.id for p in papers] == ["2403.10056"]
    assert text.count("\n[^") == 1 and text.count("\n| [^") == 1


def braces_balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_export_escapes_and_keeps_braces_balanced():
    hostile = [
        record(),
        record(id="2403.00002", title_en="}" * 50 + "{", authors=["}{"]),
        record(id="2403.00003", title_en="@misc{evil, title={x}}", title_zh=""),
        record(id="2403.00004", title_en=HOSTILE, url="javascript:alert(1)"),
    ]
    bib = to_bibtex(hostile)
    assert braces_balanced(bib)
    entries = bib.split("\n@misc{")
    assert len(entries) == 4  # nothing in a title opened a fifth entry
    for entry in entries:
        assert braces_balanced(("@misc{" if not entry.startswith("@") else "") + entry)
    assert "\x1b" not in bib and forbidden_in(bib.replace("\n", "")) == []
    assert "url={javascript" not in bib  # an unsafe link falls back to the arXiv page
    assert "url={https://arxiv.org/abs/2403.00004}" in bib
    # Only what breaks BibTeX/LaTeX is escaped: lone braces, %, and file commands.
    assert r"\textbraceright{}" in bib and r"\%" in bib and r"\textbackslash{}end" in bib


def test_rendered_exports_through_the_cli_renderer(tmp_path):
    from tui_digest.core.export import render

    rec = record()
    for fmt in ("markdown", "json", "bibtex"):
        text = render([rec], fmt)
        assert "\x1b" not in text
        if fmt != "bibtex":
            assert "[bold red]x[/]" in text  # written as text, never rendered as markup


# --- The CLI prints hostile titles without terminal escapes ------------------------------


def hostile_digest_file(tmp_path):
    path = tmp_path / "digest-2024-03-18.md"
    path.write_text(
        markdown_digest(
            title_en="Esc" + HOSTILE.replace("\x00", "") + " [bold]markup[/bold]",
            title_zh="中文" + HOSTILE.replace("\x00", ""),
        ),
        encoding="utf-8",
    )
    return path


def test_cli_search_prints_hostile_title_without_escapes(tmp_path, run_cli):
    db = tmp_path / "cache.db"
    imported = run_cli("import", str(hostile_digest_file(tmp_path)), db=db)
    assert imported.returncode == 0, imported.stderr
    for args in (("search", "Esc"), ("search", "--json", "Esc"), ("export", "Esc")):
        proc = run_cli(*args, db=db)
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout.decode()
        assert "2403.10056" in out
        assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out, args
        assert forbidden_in(out.replace("\n", "")) == [], args
    search = run_cli("search", "Esc", db=db).stdout.decode()
    assert "[bold]markup[/bold]" in search  # printed literally, not interpreted


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_export_digest_writes_its_bytes_to_files_and_pipes_but_not_escapes_to_a_terminal(
    tmp_path, run_cli
):
    """`export --digest` gives the document's bytes back exactly, escapes included;
    a terminal would obey them (OSC 52 writes the clipboard), so there it is cleaned."""
    import subprocess
    import sys

    source = hostile_digest_file(tmp_path)
    db = tmp_path / "cache.db"
    assert run_cli("import", str(source), db=db).returncode == 0
    piped = run_cli("export", "--digest", "digest-2024-03-18", db=db)
    assert piped.returncode == 0 and piped.stdout == source.read_bytes()  # the exact copy
    leader, follower = os.openpty()
    env = dict(os.environ, TUI_DIGEST_DB=str(db))
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(map(os.path.abspath, env["PYTHONPATH"].split(":")))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_digest", "export", "--digest", "digest-2024-03-18"],
        stdout=follower, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    proc.stderr.close()
    text = shown.decode("utf-8", "replace")
    assert "2403.10056" in text and "Esc" in text
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text


def test_cli_search_cleans_titles_even_from_a_tampered_cache(tmp_path, run_cli):
    db = tmp_path / "cache.db"
    assert run_cli("import", str(hostile_digest_file(tmp_path)), db=db).returncode == 0
    conn = sqlite3.connect(db)
    conn.execute("UPDATE papers SET title_en = ?", ("Esc\x1b]0;pwned\x07\x1b[2J tampered",))
    conn.commit()
    conn.close()
    proc = run_cli("search", "Esc", db=db)
    assert proc.returncode == 0, proc.stderr
    assert "tampered" in proc.stdout.decode()
    assert "\x1b" not in proc.stdout.decode()


# --- Files -----------------------------------------------------------------------------------


def test_write_atomic_refuses_an_existing_file(tmp_path):
    target = tmp_path / "out.md"
    target.write_text("precious")
    with pytest.raises(FileExistsError, match=r"refusing to overwrite .* a file already exists"):
        write_atomic(target, "new")
    assert target.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]  # no temp file left


def test_write_atomic_refuses_a_symlink_even_dangling(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "out.md"
    link.symlink_to(victim)
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "does-not-exist")
    for target in (link, dangling):
        with pytest.raises(FileExistsError, match=r"a symlink to .* already exists"):
            write_atomic(target, "new")
    assert victim.read_text() == "precious"
    assert not (tmp_path / "does-not-exist").exists()


def test_write_atomic_with_consent_replaces_the_symlinks_target_and_keeps_the_link(tmp_path):
    # (It replaced the link itself, which turned /dev/stdout into a regular file:
    # bug hunt `script`. A link planted by another user in /tmp: below.)
    target = tmp_path / "target.txt"
    target.write_text("old")
    link = tmp_path / "out.md"
    link.symlink_to(target)
    write_atomic(link, "new", overwrite=True)
    assert target.read_text() == "new"
    assert link.is_symlink()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (lchown)")
def test_write_atomic_does_not_follow_a_link_another_user_planted_in_a_sticky_folder(tmp_path):
    # As the kernel's fs.protected_symlinks: in /tmp (sticky, world-writable) a
    # link someone else made is not followed, so `-o /tmp/out.md --force` cannot
    # be turned into a write over the victim's file.
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = shared / "out.md"
    link.symlink_to(victim)
    os.lchown(link, 54321, 54321)
    with pytest.raises(PermissionError, match="another user's symlink"):
        write_atomic(link, "new", overwrite=True)
    assert victim.read_text() == "precious" and link.is_symlink()


def test_write_atomic_loses_the_race_safely(tmp_path, monkeypatch):
    """A file that appears between the check and the move is not clobbered."""
    target = tmp_path / "out.md"
    real_link = os.link

    def link(src, dst, *a, **kw):
        if str(dst) == str(target):
            target.write_text("appeared meanwhile")
        return real_link(src, dst, *a, **kw)

    monkeypatch.setattr(os, "link", link)
    with pytest.raises(FileExistsError):
        write_atomic(target, "new")
    assert target.read_text() == "appeared meanwhile"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("/absolute/path", "absolute-path"),
        ("a\\b:c*d?e|f<g>h", "a-b-c-d-e-f-g-h"),
        ("\x1b[31mred\x1b[0m\x00", "[31mred[0m"),
        ("\u202eexe.txt", "exe.txt"),
        ("...hidden", "hidden"),
        ("-rf --no-preserve-root", "rf-no-preserve-root"),
        ("CON", "CON_"),
        ("nul.txt", "nul_.txt"),
        ("", "digest"),
        ("../..", "digest"),
        ("\n\t ", "digest"),
    ],
)
def test_safe_filename_from_hostile_text(text, expected):
    assert safe_filename(text) == expected


def test_safe_filename_caps_bytes_without_splitting_a_character():
    name = safe_filename("论文" * 200)
    assert len(name.encode("utf-8")) <= 120
    assert name == "论文" * 20
    assert export.safe_filename("x" * 500, max_bytes=50) == "x" * 50


def test_safe_filename_results_are_usable_as_one_component(tmp_path):
    for i, text in enumerate(("../../x", "a/b", "..", "CON", "\x00", "\u202e", "x" * 1000)):
        name = safe_filename(text)
        assert "/" not in name and "\\" not in name and name not in (".", "..")
        folder = tmp_path / str(i)
        folder.mkdir()
        path = write_atomic(folder / name, "ok")
        assert path.parent == folder and path.read_text() == "ok"
