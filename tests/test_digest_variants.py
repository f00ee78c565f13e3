"""Whitespace an editor or another system changes never changes what a digest says
(regression hunt `regformat`): every real sample and every well-formed digest
fixture gives the same papers, field for field and with no warning, as it is,
with trailing whitespace stripped, indented with tabs and with CRLF line ends."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from conftest import SAMPLES
from tui_digest.cli import main
from tui_digest.core.digest_format import read_digest
from tui_digest.core.model import Paper

FIXTURES = Path(__file__).parent / "fixtures"


def _stripped(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _tabs(text: str) -> str:
    return re.sub(r"(?m)^    ", "\t", text)


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


TRANSFORMS = {"stripped": _stripped, "tabs": _tabs, "crlf": _crlf}


def _read(text: str, name: str):
    result = read_digest(text, source=name)
    return result.digest.papers, [f"{p.line}: {p.message}" for p in result.problems]


def _fields(paper: Paper, *, stripped: bool) -> dict:
    """The paper's fields; with `stripped`, each line of a text without its
    trailing blanks (a stripped copy lost those from the text itself)."""

    def norm(value):
        if isinstance(value, str) and stripped:
            return _stripped(value)
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return [norm(v) for v in value]
        return value

    return norm(dataclasses.asdict(paper))


def _check(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    papers, problems = _read(text, path.name)
    assert problems == []
    for name, transform in TRANSFORMS.items():
        got, got_problems = _read(transform(text), path.name)
        assert got_problems == [], name
        assert len(got) == len(papers), name
        strip = name == "stripped"
        for a, b in zip(papers, got, strict=True):
            assert _fields(b, stripped=strip) == _fields(a, stripped=strip), (name, a.id)


# The fixtures that are well-formed digests (fixtures/digests/misplaced are
# footnotes broken on purpose, with their warnings: test_digest_misplaced).
WELL_FORMED = sorted(
    [
        *FIXTURES.glob("digests/*.md"),
        *FIXTURES.glob("digests/regformat/*.md"),
        *FIXTURES.glob("cli/*.md"),
        *FIXTURES.glob("days/*.md"),
    ]
)


@pytest.mark.parametrize("path", WELL_FORMED, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_reads_the_same_whatever_its_whitespace(path: Path) -> None:
    _check(path)


SAMPLE_NAMES = [
    "seed-digest.md",
    "digest-cs.LG-2023-03-13-first.md",
    "digest-cs.AI-2023-07-27-pipe-in-title.md",
    "digest-cs.AI-2024-02-05-rss-links.md",
    "digest-cs.LG-2024-02-06-large.md",
    "digest-cs.LG-2024-07-15-mixed.md",
    "digest-empty.md",
]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_real_sample_reads_the_same_whatever_its_whitespace(name: str) -> None:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"{path} not present: needs the real upstream samples")
    _check(path)


def test_every_sample_digest_is_checked() -> None:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples not present: needs the real upstream samples")
    found = {p.name for p in SAMPLES.glob("*.md")} - {"README.md"}
    assert found <= set(SAMPLE_NAMES)


def _records() -> list[tuple[str, dict]]:
    """Every archive record the tests make, the real ones in ../shared/samples/papers,
    and each as a translation that left the English abstract (translated_abstract =
    abstract) or only its header untranslated: what `export` writes of those."""
    from archive_records import record
    from test_archive_json import NEW, OLD

    found = [
        ("old", OLD),
        ("new", NEW),
        ("cross-v2", record("2403.00042", version=2, kind="cross")),
    ]
    papers = SAMPLES / "papers"
    if papers.is_dir():
        for path in sorted(papers.rglob("*.json")):
            found.append((path.stem, json.loads(path.read_text(encoding="utf-8"))))
    out = []
    for name, rec in found:
        out.append((name, rec))
        out.append((f"{name}-untranslated", dict(rec, translated_abstract=rec["abstract"])))
        header = re.match(r"arXiv:\S+ Announce Type: \S+  Abstract: ", rec["abstract"])
        if header:
            zh = re.sub(
                r"^arXiv:\S+ 公告类型[:：]\s*\S+? 摘要[:：]", "", rec["translated_abstract"]
            )
            out.append(
                (f"{name}-header-untranslated", dict(rec, translated_abstract=header[0] + zh))
            )
    return out


def _cli(capsys, db: Path, *args: str) -> str:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "warning" not in err, err
    return out


@pytest.mark.parametrize(("name", "rec"), _records(), ids=[n for n, _ in _records()])
def test_archive_record_round_trips_through_markdown(name: str, rec: dict, tmp_path, capsys):
    """import a record → export --format markdown → import: the same fields."""
    arxiv_id = rec["link"].rsplit("/", 1)[1]
    source = tmp_path / "papers" / arxiv_id[:2] / arxiv_id[2:4] / f"{arxiv_id}.json"
    source.parent.mkdir(parents=True)
    source.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    _cli(capsys, tmp_path / "a.db", "import", str(tmp_path / "papers"))
    before = json.loads(_cli(capsys, tmp_path / "a.db", "export", "--format", "json"))
    exported = tmp_path / "digest-rt-2026-08-01.md"
    _cli(capsys, tmp_path / "a.db", "export", "--format", "markdown", "-o", str(exported))
    _cli(capsys, tmp_path / "b.db", "import", str(exported))
    after = json.loads(_cli(capsys, tmp_path / "b.db", "export", "--format", "json"))
    assert len(after) == len(before) == 1
    # The digest it is listed in is the file read, not the archive month.
    diff = {
        k: (v, after[0].get(k))
        for k, v in before[0].items()
        if after[0].get(k) != v and k not in ("digests", "listings")
    }
    assert diff == {}
