"""A Markdown export whose footnote spool cannot be written names the spool's
folder, not the output (bug hunt regfiles2, item 3).

With $TMPDIR full, `export -o /dev/fd/1 | wc -c` said "cannot write /dev/fd/1:
No space left on device": the pipe and the disk behind it were fine.
"""

from __future__ import annotations

import errno
import importlib.util
import io
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from tui_digest.cli import main
from tui_digest.core import export_stream
from tui_digest.core.store import Store


class _FullSpool(io.BytesIO):
    def write(self, _data, /) -> int:  # type: ignore[override]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def full_temp(monkeypatch, tmp_path) -> Path:
    folder = tmp_path / "tfull"
    folder.mkdir()
    fake = SimpleNamespace(TemporaryFile=lambda **_kw: _FullSpool(), gettempdir=lambda: str(folder))
    monkeypatch.setattr(export_stream, "tempfile", fake)
    return folder


def test_stdout_markdown_export_names_the_spool(full_temp, capsysbinary, tmp_path) -> None:
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        bench = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
        spec = importlib.util.spec_from_file_location("bench_generate", bench)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for digest in module.make_digests(20, seed=2):
            store.import_digest(digest, source_name=f"{digest.name}.md")
    code = main(["--db", str(db), "export"])
    err = capsysbinary.readouterr().err.decode()
    assert code != 0
    assert f"cannot spool the export in {full_temp}: No space left on device" in err
    assert "set TMPDIR to a folder with room" in err
