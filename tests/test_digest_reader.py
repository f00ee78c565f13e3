"""The digest reader: canonical layout, every variation in the spec, and refusals."""

from __future__ import annotations

import pytest

from tui_digest.core.digest_format import looks_like_digest, read_digest
from tui_digest.core.model import InputError

COUNTS = {
    "digest-cs.LG-2024-02-06-large.md": 737,
    "digest-cs.AI-2024-02-05-rss-links.md": 151,
    "digest-cs.AI-2023-07-27-pipe-in-title.md": 98,
    "digest-cs.LG-2023-03-13-first.md": 47,
    "digest-cs.LG-2024-07-15-mixed.md": 44,
    "seed-digest.md": 8,
    "digest-empty.md": 0,
}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_real_samples_paper_counts(samples, name):
    path = samples / name
    result = read_digest(path.read_bytes(), source=str(path))
    assert len(result.digest.papers) == COUNTS[name]
    assert result.problems == []
    assert result.digest.name == path.stem
    assert result.digest.kind == "digest"
    assert result.format == "digest"
    for paper in result.digest.papers:
        assert paper.id and paper.url.startswith(
            ("http://arxiv.org/abs/", "https://arxiv.org/abs/")
        )
        assert paper.title_en and paper.abstract_en


def test_seed_fields(samples):
    papers = read_digest((samples / "seed-digest.md").read_bytes()).digest.papers
    first = papers[0]
    assert first.id == "2403.10056"
    assert first.version == "v1"
    assert first.announce_type == "cross"
    assert first.url == "https://arxiv.org/abs/2403.10056"
    assert first.title_en.startswith("Don't Half-listen")
    assert first.abstract_en.startswith("Instruction tuning for large language models")
    assert first.abstract_zh.startswith("大型语言模型")
    assert first.extras["abstract_zh_header"] == "arXiv:2403.10056v1 公告类型: 跨领域 摘要："
    old = papers[6]
    assert old.title_en == "CLEVRER-Humans: Describing Physical and Causal Events the Human Way"
    assert (old.id, old.version, old.categories, old.url) == (
        "2310.03635",
        "v1",
        ["cs.AI"],
        "http://arxiv.org/abs/2310.03635",
    )
    updated = papers[7]
    assert updated.announce_type == "updated"
    assert updated.version == "v2"
    assert updated.categories == ["cs.CL"]


def test_not_a_digest_raises_naming_source():
    with pytest.raises(InputError, match=r"notes\.txt"):
        read_digest("just some text\nwith lines\n", source="notes.txt")
    with pytest.raises(InputError, match="HTML"):
        read_digest("<!DOCTYPE html><html><body>hi</body></html>", source="page.html")
    with pytest.raises(InputError, match=r"blob\.bin"):
        read_digest(bytes(range(256)) * 20, source="blob.bin")


def test_looks_like_digest():
    assert looks_like_digest("# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n")
    assert looks_like_digest("[^1]: 标题\n\n    Title\n")
    assert not looks_like_digest("<rss><channel></channel></rss>")
