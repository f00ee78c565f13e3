"""What `import` says about odd archive records and members (bug hunt `archive` #5, #9, #10)."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import tarfile
import zipfile
from pathlib import Path

import pytest

from archive_records import cli, encoded, member_name, record, write_tar, write_tree, write_zip
from tui_digest import cli_archive
from tui_digest.core.store import Store

NAME = member_name("2401.00001")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"


def _cut_utf8() -> bytes:
    """A record with one character cut to 2 of its 3 bytes inside translated_abstract."""
    data = encoded(record("2401.00001"))
    at = data.index("关于".encode())
    return data[:at] + data[at : at + 2] + data[at + 3 :]


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (_cut_utf8(), "bytes are not valid UTF-8; invalid sequences replaced with U+FFFD"),
        (
            json.dumps(record("2401.00001"), ensure_ascii=False).encode("gbk"),
            "bytes are not valid UTF-8; decoded as GB18030",
        ),
    ],
    ids=["cut", "gbk"],
)
def test_a_record_not_in_utf8_is_warned_about(tmp_path, db, capsys, data, note) -> None:
    """Decoded or repaired silently before; a digest import says so."""
    archive = write_zip(tmp_path / "a.zip", [(NAME, data)])
    code, out, err = cli(capsys, db, "import", str(archive))
    assert code == 0, err
    assert "1 new" in out
    assert err == f"{archive}!{NAME}: warning: {note}\n"


def test_a_record_with_no_text_is_refused(tmp_path, db, capsys) -> None:
    """A blank row (no title, no summary) was filed in the month's digest."""
    empty = {"title": "", "link": "", "tldr": " "}
    tree = write_tree(tmp_path / "mf", [(member_name("2406.00002"), empty)])
    code, out, err = cli(capsys, db, "import", str(tree))
    assert code == 1
    path = tree / member_name("2406.00002")
    assert err == (
        f"{path}: error: no title, abstract or summary in this record; nothing to import\n"
    )
    assert "0 paper records (archive): 0 new, 0 updated, 0 unchanged, 1 could not be read" in out


def test_a_record_that_adds_nothing_is_unchanged(tmp_path, db, capsys) -> None:
    """It counted as updated: an internal marker was added beside the saved headers."""
    full = write_tree(tmp_path / "full", [(NAME, record("2401.00001"))])
    cli(capsys, db, "import", str(full))
    before = cli(capsys, db, "export", "--format", "json")[1]
    part = dict(title=record("2401.00001")["title"], link=record("2401.00001")["link"])
    single = write_tree(tmp_path / "part", [(NAME, part)]) / NAME
    code, out, err = cli(capsys, db, "import", str(single))
    assert code == 0, err
    assert "1 paper record (archive): 0 new, 0 updated, 1 unchanged" in out
    assert cli(capsys, db, "export", "--format", "json")[1] == before


def test_every_problem_has_one_format(tmp_path, db, capsys) -> None:
    """`PATH[:LINE]: error: …` as elsewhere; a record's own errors were `error: PATH:5: …`."""
    bad_json = (
        b'{\n "title": "x",\n "link": "https://arxiv.org/abs/2401.00080",\n "tldr": "y"\n "z": 1\n}'
    )
    members = [
        (member_name("2401.00080"), bad_json),
        (member_name("2401.00085"), {"title": 5, "link": "https://arxiv.org/abs/2401.00085"}),
        (
            "papers/24/13/2413.00001.json",
            {"title": "bad month", "link": "https://arxiv.org/abs/2413.00001"},
        ),
    ]
    archive = write_zip(tmp_path / "odd.zip", members)
    code, _out, err = cli(capsys, db, "import", str(archive))
    assert code == 1
    assert err.splitlines() == [
        f"{archive}!papers/24/01/2401.00080.json:5: error: not valid JSON "
        "(Expecting ',' delimiter)",
        f"{archive}!papers/24/01/2401.00085.json: error: key 'title' is a number, not a string",
        f"{archive}!papers/24/13/2413.00001.json: error: no month in the id '2413.00001'",
    ]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    err = cli(capsys, db, "import", str(broken))[2]
    assert err.startswith(f"{broken}: error: not a readable zip or tar archive")


def test_symbolic_and_hard_links_are_named(tmp_path, db, capsys) -> None:
    """A zip's symbolic link was 'not valid JSON'; a tar's links were skipped silently,
    a hard-linked record lost with exit 0."""
    archive = tmp_path / "links.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(NAME, encoded(record("2401.00001")))
        link = zipfile.ZipInfo(member_name("2401.00088"))
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "../../../../etc/passwd")
    code, out, err = cli(capsys, db, "import", str(archive))
    assert code == 1
    assert err == (
        f"{archive}!papers/24/01/2401.00088.json: error: a symbolic link "
        "(to '../../../../etc/passwd'), not a record: not followed\n"
    )
    assert "1 new, 0 updated, 0 unchanged, 1 could not be read" in out

    tar = write_tar(tmp_path / "links.tar.gz", [(NAME, record("2401.00001"))])
    with tarfile.open(tar, "w:gz") as tf:
        data = encoded(record("2401.00001"))
        info = tarfile.TarInfo(NAME)
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
        sym = tarfile.TarInfo(member_name("2401.00088"))
        sym.type, sym.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(sym)
        hard = tarfile.TarInfo(member_name("2401.00089"))
        hard.type, hard.linkname = tarfile.LNKTYPE, NAME
        tf.addfile(hard)
    code, out, err = cli(capsys, db, "import", str(tar))
    assert code == 1
    assert err.splitlines() == [
        f"{tar}!papers/24/01/2401.00088.json: error: a symbolic link (to '/etc/passwd'), "
        "not a record: not followed",
        f"{tar}!papers/24/01/2401.00089.json: error: a hard link (to '{NAME}'), "
        "not read: extract the archive and import its folder",
    ]
    assert "1 paper record (archive): 0 new, 0 updated, 1 unchanged, 2 could not be read" in out


@pytest.mark.parametrize(
    ("suffix", "label", "compress"),
    [(".tar.xz", "xz", lzma.compress), (".tar.bz2", "bzip2", bz2.compress)],
    ids=["xz", "bz2"],
)
def test_other_compressed_archives_say_which_are_read(
    tmp_path, db, capsys, suffix, label, compress
) -> None:
    """They were 'binary data, not a digest or feed'; then the README's hint was
    missing (regression hunt `regarchive` #5)."""
    tar = write_tar(tmp_path / "x.tar.gz", [(NAME, record("2401.00001"))])
    kinds = {f"repo{suffix}": f"a {suffix} archive", "noext": f"{label}-compressed data"}
    for name, kind in kinds.items():
        path = tmp_path / name
        path.write_bytes(compress(gzip.decompress(tar.read_bytes())))
        code, out, err = cli(capsys, db, "import", str(path))
        assert code == 1 and out == ""
        assert err == (
            f"{path}: error: {kind}: only .zip, .tar.gz (.tgz) and .tar archives are read; "
            "unpack it and import the folder\n"
        )


def test_ctrl_c_says_what_was_written(tmp_path, db, capsys, monkeypatch) -> None:
    """Exit 130 with no line at all, and the month pending at the interrupt was
    written after it (`finally: flush()`)."""
    ids = ["2401.00001", "2401.00002", "2402.00001", "2402.00002"]
    archive = write_zip(tmp_path / "a.zip", [(member_name(i), record(i)) for i in ids])
    real = cli_archive.read_paper_json
    seen: list[str] = []

    def interrupted(data: bytes, **kwargs):
        seen.append(kwargs["source"])
        if len(seen) == 4:  # January written, February's first record held
            raise KeyboardInterrupt
        return real(data, **kwargs)

    monkeypatch.setattr(cli_archive, "read_paper_json", interrupted)
    code, out, err = cli(capsys, db, "import", str(archive))
    assert code == 130
    assert out == ""
    assert err == (
        f"{archive}: interrupted: 2 paper records written before it "
        "(2 new, 0 updated, 0 unchanged); the rest were not imported\n"
    )
    with Store.open(db, readonly=True) as store:
        assert {d.name: d.count for d in store.digests()} == {"archive-2024-01": 2}


@pytest.mark.parametrize("name", ["2401.00001.json.gz", "digest.md.gz"])
def test_a_gzipped_single_file_is_not_called_a_damaged_archive(tmp_path, db, capsys, name) -> None:
    """It was 'not a readable zip or tar archive (truncated header)', as if a damaged
    download (regression hunt `regarchive` #5)."""
    path = tmp_path / name
    path.write_bytes(gzip.compress(encoded(record("2401.00001"))))
    code, out, err = cli(capsys, db, "import", str(path))
    assert code == 1 and out == ""
    assert err == (
        f"{path}: error: gzip-compressed, but no tar archive inside: "
        "decompress it (gunzip) and import the file it holds\n"
    )
