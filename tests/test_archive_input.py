"""Reading archive records from a file, a folder tree, a .zip and a .tar.gz."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from tui_digest.core.archive_input import Limits, is_archive, iter_records
from tui_digest.core.model import InputError


def _record(paper_id: str) -> bytes:
    return json.dumps(
        {
            "title": f"Paper {paper_id}",
            "abstract": "An abstract.",
            "link": f"https://arxiv.org/abs/{paper_id}",
            "translated_title": "论文",
            "translated_abstract": "摘要。",
            "tldr": "一句话。",
            "en_tdlr": "One line.",
        }
    ).encode()


REPO = {
    "cn-chat-arxiv-master/cs.AI.md": b"# not read from archives\n",
    "cn-chat-arxiv-master/package.json": b'{"name": "not a record"}',
    "cn-chat-arxiv-master/papers/24/03/2403.00002.json": _record("2403.00002"),
    "cn-chat-arxiv-master/papers/23/01/2301.00006.json": _record("2301.00006"),
    "cn-chat-arxiv-master/papers/24/03/2403.00001.json": _record("2403.00001"),
}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in sorted(members.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def _names(members) -> list[str]:
    return [m.name.rsplit("!", 1)[-1] for m in members]


def test_zip_reads_only_paper_records_in_path_order(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "repo.zip", REPO)
    seen: list[tuple[int, int]] = []
    members = list(iter_records(archive, progress=lambda d, t: seen.append((d, t))))
    assert _names(members) == [
        "cn-chat-arxiv-master/papers/23/01/2301.00006.json",
        "cn-chat-arxiv-master/papers/24/03/2403.00001.json",
        "cn-chat-arxiv-master/papers/24/03/2403.00002.json",
    ]
    assert all(m.data and not m.error for m in members)
    assert members[0].name.startswith(str(archive) + "!")
    assert seen[-1] == (3, 3)


def test_tar_gz_reads_records_in_one_pass(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "repo.tar.gz", REPO)
    seen: list[tuple[int, int]] = []
    members = list(iter_records(archive, progress=lambda d, t: seen.append((d, t))))
    assert len(members) == 3
    assert json.loads(members[0].data)["link"].endswith("2301.00006")
    size = archive.stat().st_size
    assert seen[-1] == (size, size)


def test_folder_tree_reads_its_records(tmp_path: Path) -> None:
    for name, data in REPO.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    members = list(iter_records(tmp_path / "cn-chat-arxiv-master" / "papers"))
    assert [Path(m.name).name for m in members] == [
        "2301.00006.json",
        "2403.00001.json",
        "2403.00002.json",
    ]


def test_traversal_names_are_only_read_never_written(tmp_path: Path) -> None:
    evil = {"../../papers/24/03/2403.00009.json": _record("2403.00009")}
    for archive in (_zip(tmp_path / "e.zip", evil), _tar(tmp_path / "e.tar.gz", evil)):
        members = list(iter_records(archive))
        assert len(members) == 1 and members[0].data
    assert not (tmp_path.parent / "papers").exists()


def test_oversized_member_is_reported_and_its_neighbours_read(tmp_path: Path) -> None:
    members = dict(REPO)
    members["r/papers/24/03/2403.99999.json"] = b"{" + b" " * 5000 + b"}"
    limits = Limits(max_record_bytes=4000)
    for archive in (_zip(tmp_path / "m.zip", members), _tar(tmp_path / "m.tar.gz", members)):
        got = list(iter_records(archive, limits=limits))
        bad = [m for m in got if m.error]
        assert len(got) == 4 and len(bad) == 1
        assert "larger than 4000 bytes" in bad[0].error
        assert bad[0].name.endswith("2403.99999.json")


def test_decompressed_total_is_capped(tmp_path: Path) -> None:
    """A small archive that inflates beyond the cap stops with a clear error."""
    big = {f"r/papers/24/03/2403.{n:05d}.json": b" " * 3000 for n in range(20)}
    for archive in (_zip(tmp_path / "b.zip", big), _tar(tmp_path / "b.tar.gz", big)):
        assert archive.stat().st_size < 10_000
        got = []
        with pytest.raises(InputError, match="more than 20000 bytes decompressed"):
            for member in iter_records(archive, limits=Limits(max_total_bytes=20_000)):
                got.append(member)
        assert 0 < len(got) < 20  # the records before the cap were handed out


def test_member_count_is_capped(tmp_path: Path) -> None:
    many = {f"r/x{n}.txt": b"" for n in range(30)}
    for archive in (_zip(tmp_path / "c.zip", many), _tar(tmp_path / "c.tar.gz", many)):
        with pytest.raises(InputError, match=r"more than the limit of 10|more than 10 members"):
            list(iter_records(archive, limits=Limits(max_members=10)))


def test_damaged_tar_stops_with_a_message_after_good_records(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "d.tar.gz", REPO)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"d\.tar\.gz"):
        list(iter_records(archive))


def test_not_an_archive(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(b"this is text")
    with pytest.raises(InputError, match="not a readable"):
        list(iter_records(path))


def test_is_archive_by_name_or_magic(tmp_path: Path) -> None:
    zipped = _zip(tmp_path / "noext", REPO)
    assert is_archive(zipped)
    plain = tmp_path / "a.json"
    plain.write_bytes(b"{}")
    assert not is_archive(plain)
    assert is_archive(tmp_path / "missing.tgz")
