"""The bundled first-run sample digest is in the canonical layout.

The structural checks read the file with plain string handling, so they hold
(and fail usefully) whether or not the digest reader exists yet; the round-trip
check through the reader runs once `digest_format` provides it.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tui_digest.data import sample_digest_bytes, sample_digest_path

N = 12
HEAD = "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n"
ROW_RE = re.compile(
    r"\| \[\^(?P<ref>\d+)\] \| \[(?P<title>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"
    r" \| (?P<summary>[^|\n]+) \|"
)
URL_RE = re.compile(r"https://arxiv\.org/abs/(?P<id>\d{4}\.\d{4,5})")
NOTE_START_RE = re.compile(r"^\[\^(\d+)\]: ", re.M)
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
ABSTRACT_CUT = 1000  # real digests cut the English paragraph at about 1,000 characters


@pytest.fixture(scope="module")
def text() -> str:
    data = sample_digest_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    return data.decode("utf-8")  # strict: the shipped file must be valid UTF-8


def split(text: str) -> tuple[list[re.Match[str]], list[tuple[int, str]]]:
    assert text.startswith(HEAD)
    table, sep, detail = text[len(HEAD) :].partition("\n\n# 详细\n\n")
    assert sep, "the detail heading follows the table after one blank line"
    rows = []
    for line in table.split("\n"):
        m = ROW_RE.fullmatch(line)
        assert m, f"not a canonical table row: {line[:80]!r}"
        rows.append(m)
    starts = list(NOTE_START_RE.finditer(detail))
    assert starts and starts[0].start() == 0, "the detail section opens with a footnote"
    notes = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(detail)
        notes.append((int(m.group(1)), detail[m.end() : end]))
    return rows, notes


def paragraphs(body: str, *, last: bool) -> list[str]:
    ending = "\n    \n\n" if last else "\n    \n"
    assert body.endswith(ending), f"footnote must end with the four-space line: {body[-40:]!r}"
    first, *rest = body[: -len(ending)].split("\n\n")
    for para in rest:
        assert para.startswith("    "), f"detail paragraph not indented: {para[:40]!r}"
        assert "\n" not in para
    return [first] + [p[4:] for p in rest]


def test_path_and_bytes_agree():
    path = sample_digest_path()
    assert path.name == "sample-digest.md"
    assert path.is_file()
    assert path.read_bytes() == sample_digest_bytes()


def test_whitespace_is_canonical(text):
    assert "\r" not in text and "\t" not in text
    assert text.endswith("\n    \n\n") and not text.endswith("\n    \n\n\n")
    for n, line in enumerate(text.split("\n"), 1):
        assert line == "    " or line == line.rstrip(), f"trailing whitespace on line {n}"
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", line), f"control char line {n}"


def test_table_and_footnotes_agree(text):
    rows, notes = split(text)
    assert [int(r["ref"]) for r in rows] == list(range(1, N + 1))
    assert [ref for ref, _ in notes] == list(range(1, N + 1))
    ids = [URL_RE.fullmatch(r["url"])["id"] for r in rows if URL_RE.fullmatch(r["url"])]
    assert len(ids) == N, "every link is an https://arxiv.org/abs/ID link without version"
    assert len(set(ids)) == N, "no paper twice"

    for row, (ref, body) in zip(rows, notes, strict=True):
        paras = paragraphs(body, last=ref == N)
        assert len(paras) == 7, f"footnote {ref} has {len(paras)} paragraphs"
        title_zh, title_en, link, summary, slot, abstract_zh, abstract_en = paras
        url = row["url"]
        arxiv_id = URL_RE.fullmatch(url)["id"]
        assert title_en == row["title"]
        assert link == f"[{url}]({url})"
        assert summary == row["summary"], f"footnote {ref}: summary differs from its table cell"
        assert slot == "", "the English-summary slot is empty, as in every real digest"
        assert CJK_RE.search(title_zh) and CJK_RE.search(summary) and CJK_RE.search(abstract_zh)
        assert not CJK_RE.search(title_en) and not CJK_RE.search(abstract_en)
        header = f"arXiv:{arxiv_id}v1 Announce Type: new  Abstract: "
        assert abstract_en.startswith(header), f"footnote {ref}: new-style header"
        assert len(abstract_en) <= ABSTRACT_CUT
        assert len(abstract_en) > len(header) + 200, "a real abstract, not a stub"
        # Markdown structure characters in the free text would make the sample
        # exercise the reader's edge cases instead of showing a clean digest.
        for field in (title_zh, title_en, summary, abstract_zh):
            assert "|" not in field and "[^" not in field


def test_some_abstracts_are_cut_like_real_digests(text):
    _, notes = split(text)
    lengths = [len(paragraphs(body, last=ref == N)[6]) for ref, body in notes]
    assert sum(1 for n in lengths if n >= ABSTRACT_CUT - 1) >= 3
    assert sum(1 for n in lengths if n < ABSTRACT_CUT - 50) >= 3


def _digest_format():
    module = pytest.importorskip("tui_digest.core.digest_format")
    for name in ("read_digest", "write_digest"):
        if not hasattr(module, name):
            pytest.skip(f"tui_digest.core.digest_format has no {name} yet")
    return module


def test_reader_reads_twelve_papers_and_writer_reproduces_bytes(text):
    fmt = _digest_format()
    # Same call as core.readers.read_document makes.
    result = fmt.read_digest(sample_digest_bytes(), source=str(sample_digest_path()))
    assert result.problems == []
    papers = result.digest.papers
    assert len(papers) == N
    rows, _ = split(text)
    assert [p.id for p in papers] == [URL_RE.fullmatch(r["url"])["id"] for r in rows]
    assert all(p.version == "v1" and p.announce_type == "new" for p in papers)
    assert all(not p.abstract_en.startswith("arXiv:") for p in papers)
    assert all(CJK_RE.search(p.title_zh) and CJK_RE.search(p.abstract_zh) for p in papers)
    written = fmt.write_digest(papers)
    assert written.encode("utf-8") == sample_digest_bytes()


def test_data_package_imports_nothing_heavy():
    # The reader's start imports this package; it must stay a leaf module.
    code = (
        "import sys, tui_digest.data as d; d.sample_digest_bytes();"
        "print(sorted(m for m in sys.modules if m.startswith(('tui_digest.core', 'textual'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
