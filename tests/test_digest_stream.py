"""The streaming digest reader: the same papers and problems as the whole-text reader.

`read_digest` is built on `DigestStream` too, so these tests pin the parts
only the stream has: reading a file (decoding, line ends, BOM), papers coming
out before the document ends, and the bounds on one line and one footnote.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.hostile.inputs import many_papers

from tui_digest.core import digest_format
from tui_digest.core.digest_format import DigestStream, read_digest, write_digest
from tui_digest.core.model import InputError
from tui_digest.core.text_stream import LINE_CAP, open_text, split_lines

FIXTURES = Path(__file__).parent / "fixtures"


def streamed(path: Path, **kw: object) -> tuple[list, list, list]:
    """(papers in `read_digest` order, papers in yield order, problems) of a file."""
    with path.open("rb") as f:
        text, decoding = open_text(f)
        stream = DigestStream(source=str(path), decoding=decoding, **kw)  # type: ignore[arg-type]
        items = list(stream.read(split_lines(text)))
    ordered = [p for _, p in sorted(items, key=lambda item: item[0])]
    return ordered, [p for _, p in items], stream.problems


def assert_same(path: Path) -> None:
    whole = read_digest(path.read_bytes(), source=str(path))
    ordered, _, problems = streamed(path)
    assert ordered == whole.digest.papers
    assert problems == whole.problems


def damaged(text: str, seed: int) -> str:
    """`text` with a few lines deleted, repeated, moved, cut or unindented."""
    rng = random.Random(seed)
    lines = text.split("\n")
    for _ in range(rng.randint(1, 5)):
        j = rng.randrange(len(lines))
        op = rng.randrange(6)
        if op == 0:
            del lines[j]
        elif op == 1:
            lines.insert(j, lines[j])
        elif op == 2:
            lines[j] = lines[j][: rng.randrange(len(lines[j]) + 1)]
        elif op == 3:
            lines[j] = lines[j].lstrip()
        elif op == 4:
            block = lines[j : j + 12]
            del lines[j : j + 12]
            at = rng.randrange(len(lines) + 1)
            lines[at:at] = block
        else:
            lines.insert(j, f"[^x{j}]: junk")
    return "\n".join(lines)


@pytest.mark.parametrize("name", ["digests/canonical-3.md", "cli/mini-2024-03-18.md"])
def test_repo_fixtures_read_the_same_streamed(name):
    assert_same(FIXTURES / name)


def test_real_samples_read_the_same_streamed(samples):
    paths = sorted(samples.glob("*digest*.md"))
    assert len(paths) >= 5
    for path in paths:
        assert_same(path)


def test_damaged_digests_read_the_same_streamed(tmp_path):
    text = write_digest(many_papers(30))
    for seed in range(60):
        path = tmp_path / f"d{seed}.md"
        path.write_text(damaged(text, seed), encoding="utf-8")
        assert_same(path)


def test_line_ends_bom_and_encodings_match_the_whole_text_reader(tmp_path):
    text = write_digest(many_papers(3))
    cases = {
        "crlf": text.replace("\n", "\r\n").encode(),
        "cr": text.replace("\n", "\r").encode(),
        "bom": b"\xef\xbb\xbf" + text.encode(),
        "gb18030": text.encode("gb18030"),
        "bad-utf8": text.encode().replace(b"[^2]:", b"[^2]: \xff\xfe") + b"\xff tail",
    }
    for name, data in cases.items():
        path = tmp_path / f"{name}.md"
        path.write_bytes(data)
        assert_same(path)
    _, _, problems = streamed(tmp_path / "gb18030.md")
    assert [p.message for p in problems] == ["bytes are not valid UTF-8; decoded as GB18030"]
    _, _, problems = streamed(tmp_path / "bad-utf8.md")
    assert problems[0].message.startswith("bytes are not valid UTF-8; invalid sequences replaced")


def test_papers_come_out_before_the_document_ends():
    lines = write_digest(many_papers(50)).split("\n")
    consumed = 0

    def feed() -> Iterator[str]:
        nonlocal consumed
        for line in lines:
            consumed += 1
            yield line

    stream = DigestStream(source="big.md")
    first = next(iter(stream.read(feed())))
    assert first[1].id == many_papers(50)[0].id
    assert consumed < len(lines) // 10  # the table and about one footnote, not the rest


def test_a_row_without_its_footnote_holds_back_only_what_follows_it(tmp_path):
    papers = many_papers(6)
    text = write_digest(papers)
    start = text.index("[^2]:")
    text = text[:start] + text[text.index("[^3]:") :]  # footnote 2 deleted
    path = tmp_path / "d.md"
    path.write_text(text, encoding="utf-8")
    ordered, yielded, problems = streamed(path)
    assert [p.id for p in ordered] == [p.id for p in papers]
    assert [p.id for p in yielded] == [p.id for p in papers]  # paper 2 from its row, in place
    assert any("table row [^2] has no footnote" in p.message for p in problems)
    assert_same(path)


def test_an_endless_line_is_cut_and_the_rest_still_read(tmp_path):
    papers = many_papers(2)
    text = write_digest(papers)
    long_line = "x" * (LINE_CAP + 5000)
    path = tmp_path / "d.md"
    path.write_text(long_line + "\n" + text, encoding="utf-8")
    ordered, _, problems = streamed(path)
    assert [p.id for p in ordered] == [p.id for p in papers]
    assert [(p.line, p.message) for p in problems] == [
        (1, f"line longer than {LINE_CAP} characters; cut")
    ]
    assert_same(path)


def test_a_huge_footnote_keeps_its_start_and_drops_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(digest_format, "NOTE_CAP", 4000)
    papers = many_papers(3)
    text = write_digest(papers)
    at = text.index("[^3]:")
    filler = "".join(f"    filler line {i}\n" for i in range(400))  # ~8 KB inside footnote 2
    path = tmp_path / "d.md"
    path.write_text(text[:at] + filler + "\n" + text[at:], encoding="utf-8")
    ordered, _, problems = streamed(path)
    assert [p.id for p in ordered] == [p.id for p in papers]
    assert ordered[2] == read_digest(text).digest.papers[2]  # the next paper is untouched
    assert any("footnote longer than 4000 characters" in p.message for p in problems)
    assert_same(path)


def test_problems_can_be_capped_when_streaming(tmp_path):
    text = write_digest(many_papers(2))
    junk = "".join(f"| junk row {i} |\n" for i in range(50))
    path = tmp_path / "d.md"
    path.write_text(junk + text, encoding="utf-8")
    _, _, problems = streamed(path, max_problems=10)
    assert len(problems) == 11
    assert problems[-1].message == "40 more problems not listed"
    assert len(read_digest(path.read_bytes()).problems) == 50  # the whole reader keeps all


def test_a_document_that_is_not_a_digest_is_refused_at_the_end(tmp_path):
    path = tmp_path / "page.md"
    path.write_text("<!DOCTYPE html><html><body>hi</body></html>\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a digest: this is an HTML page"):
        streamed(path)


def test_a_neighbours_paragraphs_are_cut_even_when_another_footnote_lost_its_link():
    # Footnote 2's header is gone (its paragraphs run on inside footnote 1) and
    # footnote 3 lost its link paragraph: the document holds as many links as
    # headers, which the whole-document count once took for a clean digest.
    papers = many_papers(3)
    text = write_digest(papers)
    lines = text.split("\n")
    lines = [x for x in lines if not x.startswith("[^2]:")]
    link3 = next(i for i, x in enumerate(lines) if x.strip().startswith(f"[{papers[2].url}]"))
    del lines[link3]
    result = read_digest("\n".join(lines))
    first = result.digest.papers[0]
    assert (first.abstract_en, first.abstract_zh) == (papers[0].abstract_en, papers[0].abstract_zh)
    assert any("belong to no footnote" in p.message for p in result.problems)
