"""Archive records (`papers/YY/MM/<id>.json`) made in a test, and the CLI run in-process."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

from tui_digest.cli import main


def record(paper_id: str, *, version: int = 1, kind: str = "new", tldr: str = "") -> dict:
    """A 2024+ record of the generator, with both abstract headers."""
    zh_kind = {"new": "新", "cross": "跨领域", "replace": "替换"}.get(kind, kind)
    return {
        "title": f"Archived paper {paper_id}",
        "abstract": (
            f"arXiv:{paper_id}v{version} Announce Type: {kind}  Abstract: About {paper_id}."
        ),
        "link": f"https://arxiv.org/abs/{paper_id}",
        "translated_title": f"归档论文 {paper_id}",
        "translated_abstract": f"arXiv:{paper_id}v{version} 公告类型：{zh_kind} 摘要：关于它。",
        "tldr": tldr or f"一句话总结 {paper_id}。",
        "en_tdlr": f"One-line summary of {paper_id}.",
    }


def encoded(rec: dict | bytes) -> bytes:
    if isinstance(rec, bytes):
        return rec
    return json.dumps(rec, ensure_ascii=False, indent=4).encode()


def member_name(paper_id: str, folder: str = "") -> str:
    """`papers/24/03/2403.00042.json`; `folder` ("24/01") puts it in another month's folder."""
    return f"papers/{folder or paper_id[:2] + '/' + paper_id[2:4]}/{paper_id}.json"


def write_zip(path: Path, members: list[tuple[str, dict | bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, rec in members:
            zf.writestr(name, encoded(rec))
    return path


def write_tar(path: Path, members: list[tuple[str, dict | bytes]]) -> Path:
    """A .tar.gz with the members in the order given."""
    with tarfile.open(path, "w:gz") as tf:
        for name, rec in members:
            data = encoded(rec)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def write_tree(root: Path, members: list[tuple[str, dict | bytes]]) -> Path:
    for name, rec in members:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(encoded(rec))
    return root


def cli(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err
