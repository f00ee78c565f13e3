from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_digest.core import atomic_file
from tui_digest.core.export import (
    FORMATS,
    JSON_KEYS,
    record_to_json_obj,
    render,
    safe_filename,
    to_json,
    write_atomic,
)
from tui_digest.core.model import Paper, PaperRecord


def make(
    rowid: int = 1,
    *,
    read: bool = False,
    starred: bool = False,
    digests: list[str] | None = None,
    **fields,
) -> PaperRecord:
    fields.setdefault("id", "2403.10056")
    return PaperRecord(rowid, Paper(**fields), read, starred, digests or [])


ATTENTION = make(
    7,
    read=True,
    digests=["digest-cs.CL-2017-06-13", "sample"],
    id="1706.03762",
    version="v7",
    url="https://arxiv.org/abs/1706.03762",
    title_en="Attention Is All You Need",
    title_zh="注意力就是你所需要的一切",
    summary_zh="提出Transformer。",
    abstract_en="The dominant sequence transduction models ...",
    abstract_zh="主流的序列转换模型……",
    authors=["Ashish Vaswani", "Noam Shazeer"],
    categories=["cs.CL", "cs.LG"],
    announce_type="new",
    published="2017-06-12",
)


# --- JSON -----------------------------------------------------------------------


def test_json_object_has_exactly_the_keys_in_order_with_types():
    obj = record_to_json_obj(ATTENTION)
    assert tuple(obj) == JSON_KEYS
    assert obj["id"] == "1706.03762" and obj["version"] == "v7"
    assert obj["authors"] == ["Ashish Vaswani", "Noam Shazeer"]
    assert obj["categories"] == ["cs.CL", "cs.LG"]
    assert obj["digests"] == ["digest-cs.CL-2017-06-13", "sample"]
    assert obj["read"] is True and obj["starred"] is False
    for key in JSON_KEYS:
        lists = ("authors", "categories", "digests", "listings", "tags", "machine_fields")
        expected = list if key in lists else str
        if key in ("read", "starred"):
            expected = bool
        assert type(obj[key]) is expected, key


def test_json_object_does_not_share_lists_with_the_record():
    obj = record_to_json_obj(ATTENTION)
    obj["authors"].append("someone")
    assert ATTENTION.paper.authors == ["Ashish Vaswani", "Noam Shazeer"]


def test_to_json_round_trips_and_keeps_chinese_readable():
    other = make(2, starred=True, title_en='Quotes " and \\ backslash', title_zh="测试")
    text = to_json([ATTENTION, other])
    assert text.endswith("]\n") and not text.endswith("\n\n")
    assert "注意力就是你所需要的一切" in text  # ensure_ascii=False
    assert '\n  {\n    "id": "1706.03762",' in text  # indent=2
    data = json.loads(text)
    assert data == [record_to_json_obj(ATTENTION), record_to_json_obj(other)]
    assert [list(d) for d in data] == [list(JSON_KEYS)] * 2
    assert data[1]["starred"] is True and data[1]["title_en"] == 'Quotes " and \\ backslash'


def test_to_json_of_nothing_is_an_empty_array_and_accepts_generators():
    assert to_json([]) == "[]\n"
    assert json.loads(to_json(r for r in [ATTENTION]))[0]["id"] == "1706.03762"


# --- The format list ---------------------------------------------------------------


def test_every_format_renders_and_the_cli_offers_the_same_list():
    from tui_digest.cli import EXPORT_FORMATS

    assert tuple(FORMATS) == EXPORT_FORMATS
    assert set(FORMATS) >= {"markdown", "bibtex", "ris", "csl-json", "json"}
    starts = {"markdown": "#", "bibtex": "@misc{", "ris": "TY  - ", "csl-json": "[", "json": "["}
    for fmt in FORMATS:
        text = render([ATTENTION], fmt)
        assert text.startswith(starts[fmt]), fmt
        assert "1706.03762" in text, fmt
    with pytest.raises(ValueError, match="unknown export format"):
        render([ATTENTION], "docx")


# --- write_atomic ---------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_new_file_and_returns_path(tmp_path):
    target = tmp_path / "out.json"
    result = write_atomic(target, "注意力\n")
    assert result == target
    assert target.read_bytes() == "注意力\n".encode()
    assert leftovers(tmp_path) == []


def test_new_file_mode_follows_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644


def test_refuses_existing_file(tmp_path):
    target = tmp_path / "out.bib"
    target.write_text("precious")
    with pytest.raises(FileExistsError, match="refusing to overwrite"):
        write_atomic(target, "new")
    assert target.read_text() == "precious"
    assert leftovers(tmp_path) == []


def test_refuses_symlink_even_dangling(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("precious")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    with pytest.raises(FileExistsError, match="symlink"):
        write_atomic(link, "new")
    with pytest.raises(FileExistsError, match="symlink"):
        write_atomic(dangling, "new")
    assert real.read_text() == "precious"
    assert not (tmp_path / "nowhere.txt").exists()
    assert leftovers(tmp_path) == []


def test_overwrite_replaces_file_and_keeps_its_mode(tmp_path):
    target = tmp_path / "out.md"
    target.write_text("old")
    target.chmod(0o600)
    write_atomic(target, "new", overwrite=True)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_overwrite_replaces_the_symlinks_target_and_keeps_the_link(tmp_path):
    # (It replaced the link itself: `-o /dev/stdout` replaced /dev/stdout.)
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(link, "new", overwrite=True)
    assert link.is_symlink() and real.read_text() == "new"


def test_missing_parent_folder_is_a_clear_error(tmp_path):
    target = tmp_path / "no" / "such" / "out.json"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_atomic(target, "x")
    assert not (tmp_path / "no").exists()


def test_errors_name_the_target_once_and_never_the_temporary_file(tmp_path):
    # Found by a bug hunt: the reader's export dialog showed "nodir/x.bib" twice.
    target = tmp_path / "nodir" / "x.bib"
    with pytest.raises(FileNotFoundError) as caught:
        write_atomic(target, "x")
    assert str(caught.value) == (f"cannot write {target}: folder {target.parent} does not exist")
    (tmp_path / "taken").write_text("mine")
    with pytest.raises(FileExistsError) as caught:
        write_atomic(tmp_path / "taken", "x")
    assert str(caught.value).count(str(tmp_path / "taken")) == 1
    assert "Errno" not in str(caught.value)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_a_folder_that_refuses_new_files_names_the_target_not_the_temporary_file():
    # Found by a bug hunt: `export -o /proc/x.md` said
    # "No such file or directory /proc/.tui-digest-17f517d7bbc5.tmp".
    with pytest.raises(OSError) as caught:
        write_atomic("/proc/x.md", "x")
    text = str(caught.value)
    assert ".tmp" not in text and "tui-digest-" not in text and "Errno" not in text
    assert text.startswith("cannot write /proc/x.md: ") and text.count("/proc/x.md") == 1
    assert caught.value.filename is None  # `file: reason` printers add nothing


def test_parent_that_is_a_file_and_target_that_is_a_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError):
        write_atomic(tmp_path / "file" / "out.json", "x")
    (tmp_path / "dir").mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path / "dir", "x", overwrite=True)
    assert (tmp_path / "dir").is_dir()


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root bypasses file permissions"
)
def test_read_only_folder_is_permission_error_without_leftovers(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError, match="no permission"):
            write_atomic(folder / "out.json", "x")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_file.os, "fsync", broken_fsync)
    target = tmp_path / "out.json"
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, "x" * 10_000)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_failure_at_replace_leaves_target_untouched(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("precious")

    def broken_replace(src, dst):
        assert Path(src).read_text() == "new"  # the temp was complete at this point
        raise OSError(5, "I/O error")

    monkeypatch.setattr(atomic_file.os, "replace", broken_replace)
    with pytest.raises(OSError, match="I/O error"):
        write_atomic(target, "new", overwrite=True)
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_interrupt_mid_write_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic_file, "_keep_mode_of", _raise_interrupt)
    target = tmp_path / "out.json"
    target.write_text("precious")
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new", overwrite=True)
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def _raise_interrupt(*args):
    raise KeyboardInterrupt


def test_file_appearing_meanwhile_is_not_clobbered(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    real_fsync = os.fsync

    def fsync_then_race(fd):
        real_fsync(fd)
        if not target.exists():
            target.write_text("someone else's")  # appears after the existence check

    monkeypatch.setattr(atomic_file.os, "fsync", fsync_then_race)
    with pytest.raises(FileExistsError):
        write_atomic(target, "mine")
    assert target.read_text() == "someone else's"
    assert leftovers(tmp_path) == []


def test_without_hard_links_falls_back_to_replace(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise OSError(1, "Operation not permitted")  # EPERM, as on FAT or some mounts

    monkeypatch.setattr(atomic_file.os, "link", no_links)
    target = tmp_path / "out.json"
    write_atomic(target, "x")
    assert target.read_text() == "x"
    assert leftovers(tmp_path) == []


def test_unencodable_text_creates_nothing(tmp_path):
    with pytest.raises(UnicodeEncodeError):
        write_atomic(tmp_path / "out.json", "bad \udc80 surrogate")
    assert list(tmp_path.iterdir()) == []


# --- safe_filename ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("digest-cs.AI-2024-03-18", "digest-cs.AI-2024-03-18"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "digest"),
        ("...", "digest"),
        ("/", "digest"),
        ("", "digest"),
        ("   ", "digest"),
        (".hidden", "hidden"),
        ("-rf", "rf"),
        ("--help", "help"),
        ("a/b\\c", "a-b-c"),
        ("a..b", "a.b"),
        ("tab\there\nnewline", "tab-here-newline"),
        ("nul\x00byte\x1b[31m", "nulbyte[31m"),
        ("bidi\u202eevil\u200b", "bidievil"),
        ('what?<is>:"this"|*', "what-is-this"),
        ("CON", "CON_"),
        ("con.md", "con_.md"),
        ("LPT1.tar.gz", "LPT1_.tar.gz"),
        ("console", "console"),
        ("trailing dots...", "trailing-dots"),
        ("中文 摘要", "中文-摘要"),
    ],
)
def test_safe_filename_cases(text, expected):
    assert safe_filename(text) == expected


def test_safe_filename_default_and_length_cap():
    assert safe_filename("///", default="papers") == "papers"
    assert safe_filename("///", default="../bad") == "digest"
    long = safe_filename("注" * 200)
    assert len(long.encode("utf-8")) <= 120 and set(long) == {"注"}
    assert len(safe_filename("a" * 1000, max_bytes=50)) == 50


@given(st.text())
def test_safe_filename_is_always_one_safe_component(text):
    name = safe_filename(text)
    assert name and name not in (".", "..")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith((".", "-"))
    assert ".." not in name
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name)
    assert len(name.encode("utf-8")) <= 120
    assert Path(name).name == name


def test_tags_and_note_are_kept_in_json_and_bibtex():
    from dataclasses import replace

    from tui_digest.core.bibtex import to_bibtex

    rec = replace(ATTENTION, tags=["robotics", "LLM-agents"], note="Read §3 {again}\n50% done")
    obj = record_to_json_obj(rec)
    assert obj["tags"] == ["robotics", "LLM-agents"] and obj["note"].startswith("Read §3")
    bib = to_bibtex([rec])
    assert "keywords={robotics, LLM-agents}," in bib
    # `annote`, not `note`: standard styles print `note` in the reference list.
    assert r"annote={Read §3 {again} 50\% done}," in bib  # balanced braces stay
    assert "note={" not in bib.replace("annote={", "")
    assert "keywords" not in to_bibtex([ATTENTION]) and "annote=" not in to_bibtex([ATTENTION])


def test_a_long_note_and_many_tags_are_kept_whole_in_bibtex():
    # Found by a bug hunt (s41 auditpub #3): `annote` was cut at 2,000 characters with
    # " […truncated]" (the cap of a title), while JSON kept the note whole; `keywords`
    # of many tags likewise.
    from dataclasses import replace

    from test_bibtex import braces_balanced, latex_safe, parse_bibtex
    from tui_digest.core.bibtex import to_bibtex
    from tui_digest.core.store.user_log import MAX_NOTE

    note = " ".join(f"Point {i}: 50% of {{section}} {i} & $x_{i}$." for i in range(700))
    note = note[: MAX_NOTE - 1] + "!"  # as long as a stored note can be
    tags = [f"tag-{i:03d}-{'x' * 50}" for i in range(60)]
    rec = replace(ATTENTION, tags=tags, note=note)
    assert record_to_json_obj(rec)["note"] == note
    fields = parse_bibtex(to_bibtex([rec]))[0][2]
    annote = fields["annote"]
    assert "truncated" not in annote and annote.endswith("!")
    assert annote.startswith(r"Point 0: 50\% of {section} 0 \& $x_0$. Point 1:")
    assert annote.count("Point ") == note.count("Point ")
    assert braces_balanced(annote) and latex_safe(annote)
    assert fields["keywords"] == ", ".join(tags)
    bibtexparser = pytest.importorskip("bibtexparser", reason="bibtexparser (not a dependency)")
    library = bibtexparser.parse_string(to_bibtex([rec]))
    assert library.failed_blocks == [] and len(library.entries) == 1
    assert library.entries[0].fields_dict["annote"].value == annote
    assert library.entries[0].fields_dict["keywords"].value == ", ".join(tags)


def test_a_notes_double_backslash_is_kept_as_typed():
    # Found by a bug hunt: `\\` in the user's note became a space (`c\\d` -> `c d`),
    # as LaTeX's line break does in a title. A note keeps what the user typed.
    from dataclasses import replace

    from test_bibtex import braces_balanced, latex_safe, parse_bibtex
    from tui_digest.core.bibtex import to_bibtex

    def annote(note: str) -> str:
        return parse_bibtex(to_bibtex([replace(ATTENTION, note=note)]))[0][2]["annote"]

    assert annote(r"c\\d") == r"c\\d"
    assert annote("C:\\\\share\\x ends \\\\") == "C:\\\\share\\x ends \\\\ {}"
    # LaTeX would read `[2]` after `\\` as its spacing argument ("Missing number"):
    # an empty group in between prints nothing and stops it; bibtexparser reads
    # `\\{` and `\\}` as an escaped brace, so a space goes before a brace.
    assert annote(r"see\\[2] and \\ *") == r"see\\ {}[2] and \\ {} *"
    assert annote(r"a\\{b} {c\\}") == r"a\\ {b} {c\\ }"
    assert all(braces_balanced(v) and latex_safe(v) for v in (annote(r"a\\[b"), annote("\\\\")))
    # A title's `\\` is still the line break a one-line field reads as a space.
    paper = replace(ATTENTION.paper, title_en=r"A\\B")
    titled = to_bibtex([replace(ATTENTION, paper=paper, note=r"A\\B")])
    assert "title={A B}," in titled and r"annote={A\\B}," in titled


def test_bibtexparser_reads_every_kept_double_backslash():
    bibtexparser = pytest.importorskip("bibtexparser", reason="bibtexparser (not a dependency)")
    from dataclasses import replace

    from tui_digest.core.bibtex import to_bibtex

    notes = [r"c\\d", "ends \\\\", r"a\\{b} {c\\}", r"x\\}y", r"\\\\\\", r"see\\[2]"]
    recs = [replace(ATTENTION, rowid=i, note=note) for i, note in enumerate(notes)]
    library = bibtexparser.parse_string(to_bibtex(recs))
    assert library.failed_blocks == []
    assert [len(e.fields) for e in library.entries] == [len(library.entries[0].fields)] * 6
    assert library.entries[0].fields_dict["annote"].value == r"c\\d"


def test_the_private_note_is_not_printed_in_a_reference_list():
    # Found by a bug hunt: the note went to BibTeX `note`, which the standard styles
    # print ("…2025. 对比RL基线，别引用这篇. URL: …"), and its Chinese broke pdflatex.
    pybtex = pytest.importorskip(
        "pybtex", reason="pybtex (not a dependency) formats the .bib in BibTeX's plain style"
    )
    from dataclasses import replace

    from tui_digest.core.bibtex import to_bibtex

    rec = replace(ATTENTION, note="对比RL基线，别引用这篇 privatewords")
    out = pybtex.format_from_string(to_bibtex([rec]), "plain", output_backend="text")
    assert "Attention is all you need" in out  # the entry is in the list
    assert "privatewords" not in out and "别引用" not in out
