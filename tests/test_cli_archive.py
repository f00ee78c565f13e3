"""`tui-digest import` of the generator's per-paper JSON archive, through the CLI."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tui_digest.cli import main
from tui_digest.core.digest_feed_writer import item_description
from tui_digest.core.digest_format import read_digest
from tui_digest.core.store import Store

MINI = Path(__file__).parent / "fixtures" / "cli" / "mini-2024-03-18.md"


def _record(paper_id: str) -> bytes:
    return json.dumps(
        {
            "title": f"Archived paper {paper_id}",
            "abstract": f"arXiv:{paper_id}v1 Announce Type: new  Abstract: About {paper_id}.",
            "link": f"https://arxiv.org/abs/{paper_id}",
            "context": "ignored",
            "path": "ignored",
            "total_tokens": 1,
            "translated_title": "归档论文",
            "translated_abstract": f"arXiv:{paper_id}v1 公告类型：新 摘要：关于它。",
            "tldr": "一句话总结。",
            "en_tdlr": f"One-line summary of {paper_id}.",
        },
        ensure_ascii=False,
        indent=4,
    ).encode()


def _repo_zip(path: Path, ids: list[str], extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("cn-chat-arxiv-master/cs.AI.md", b"# today's digest, not read\n")
        for pid in ids:
            yy, mm = pid[:2], pid[2:4]
            zf.writestr(f"cn-chat-arxiv-master/papers/{yy}/{mm}/{pid}.json", _record(pid))
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def cli(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"


def test_zip_of_the_repository_backfills_one_digest_per_month(tmp_path, db, capsys) -> None:
    archive = _repo_zip(tmp_path / "repo.zip", ["2301.00006", "2403.00010", "2403.00011"])
    code, out, err = cli(capsys, db, "import", str(archive))
    assert code == 0, err
    assert "3 paper records (archive): 3 new, 0 updated, 0 unchanged" in out
    with Store.open(db, readonly=True) as store:
        digests = {d.name: d for d in store.digests()}
        assert set(digests) == {"archive-2023-01", "archive-2024-03"}
        assert digests["archive-2024-03"].date == "2024-03-01"
        assert digests["archive-2024-03"].count == 2
        assert digests["archive-2024-03"].kind == "archive"
    code, out, _ = cli(capsys, db, "search", "id:2403.00010", "--json")
    [obj] = json.loads(out)
    assert obj["summary_en"] == "One-line summary of 2403.00010."
    assert obj["abstract_en"] == "About 2403.00010."
    assert obj["abstract_zh"] == "关于它。"
    assert obj["digests"] == ["archive-2024-03"]
    # Importing it again changes nothing.
    code, out, _ = cli(capsys, db, "import", str(archive))
    assert "3 paper records (archive): 0 new, 0 updated, 3 unchanged" in out


def test_archive_papers_never_crowd_todays_listing(tmp_path, db, capsys) -> None:
    cli(capsys, db, "import", str(MINI))  # dated 2024-03-18
    archive = _repo_zip(tmp_path / "repo.zip", ["2403.00010", "2403.00011"])
    cli(capsys, db, "import", str(archive))
    _code, out, _ = cli(capsys, db, "export", "--format", "json")
    ids = [o["id"] for o in json.loads(out)]
    assert ids[:3] == ["2403.00001", "2403.00002", "2403.00003"]  # the digest first
    assert set(ids[3:]) == {"2403.00010", "2403.00011"}


def test_one_bad_record_never_stops_the_others(tmp_path, db, capsys) -> None:
    folder = tmp_path / "papers" / "24" / "03"
    folder.mkdir(parents=True)
    (folder / "2403.00010.json").write_bytes(_record("2403.00010"))
    (folder / "2403.00011.json").write_bytes(b'{"title": "cut short", "abstract": "')
    (folder / "2403.00012.json").write_bytes(_record("2403.00012"))
    code, out, err = cli(capsys, db, "import", str(tmp_path / "papers"))
    assert code == 1
    assert "2403.00011.json:1: error: not valid JSON" in err
    assert "2 paper records (archive): 2 new" in out and "1 could not be read" in out
    with Store.open(db, readonly=True) as store:
        assert store.count("") == 2


def test_one_record_later_adds_to_its_month(tmp_path, db, capsys) -> None:
    cli(capsys, db, "import", str(_repo_zip(tmp_path / "repo.zip", ["2403.00010"])))
    single = tmp_path / "2403.00005.json"
    single.write_bytes(_record("2403.00005"))
    code, _out, err = cli(capsys, db, "import", str(single))
    assert code == 0, err
    with Store.open(db, readonly=True) as store:
        rows = store.page("", digest="archive-2024-03")[1]
        assert [r.id for r in rows] == ["2403.00005", "2403.00010"]  # id order, none lost


def test_a_record_merges_with_the_same_paper_from_a_digest(tmp_path, db, capsys) -> None:
    """The generator wrote both from the same text: only the English summary is new."""
    cli(capsys, db, "import", str(MINI))
    paper = read_digest(MINI.read_bytes()).digest.papers[0]
    record = tmp_path / "2403.00001.json"
    fields = {
        "title": paper.title_en,
        "abstract": paper.extras.get("abstract_en_header", "") + paper.abstract_en,
        "link": paper.url,
        "translated_title": paper.title_zh,
        "translated_abstract": paper.abstract_zh,
        "tldr": paper.summary_zh,
        "en_tdlr": "Fewer steps, same quality.",
    }
    record.write_bytes(json.dumps(fields, ensure_ascii=False).encode())
    _code, out, _ = cli(capsys, db, "import", str(record))
    assert "0 new, 1 updated" in out
    _code, out, _ = cli(capsys, db, "search", "id:2403.00001", "--json")
    [obj] = json.loads(out)
    assert obj["summary_en"] == "Fewer steps, same quality."
    assert sorted(obj["digests"]) == ["archive-2024-03", "mini-2024-03-18"]
    # The digest still exports as it was read.
    _code, out, _ = cli(capsys, db, "export", "--digest", "mini-2024-03-18")
    assert out == MINI.read_text("utf-8")


def test_a_damaged_archive_keeps_what_was_read(tmp_path, db, capsys) -> None:
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    code, _out, err = cli(capsys, db, "import", str(archive))
    assert code == 1 and "broken.zip" in err and "not a readable" in err


def test_the_english_summary_survives_a_markdown_export_and_publish(tmp_path, db, capsys) -> None:
    """The archive's `en_tdlr` goes into the digest's English-summary slot; it was dropped."""
    single = tmp_path / "2403.00005.json"
    single.write_bytes(_record("2403.00005"))
    assert cli(capsys, db, "import", str(single))[0] == 0
    code, out, err = cli(capsys, db, "export")
    assert code == 0, err
    exported = tmp_path / "out.md"
    exported.write_text(out, "utf-8")
    other = tmp_path / "other.db"
    assert cli(capsys, other, "import", str(exported))[0] == 0
    [obj] = json.loads(cli(capsys, other, "search", "id:2403.00005", "--json")[1])
    assert obj["summary_en"] == "One-line summary of 2403.00005."
    # The published feed carries the same slot (core/digest_feed_writer).
    with Store.open(db, readonly=True) as store:
        paper = store.get_paper("2403.00005").paper
    assert "One-line summary of 2403.00005." in item_description(paper)


def test_an_archive_typed_relative_is_named_by_its_absolute_path(
    tmp_path, db, capsys, monkeypatch
) -> None:
    """`import` names a digest file by its absolute path but printed a zip as typed
    (bug hunt `readme` #7; the README shows `…/cn-chat-arxiv-master.zip: …`)."""
    _repo_zip(tmp_path / "repo.zip", ["2403.00010"])
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, db, "import", "repo.zip")
    assert code == 0, err
    assert out.startswith(f"{tmp_path / 'repo.zip'}: 1 paper record (archive)")
