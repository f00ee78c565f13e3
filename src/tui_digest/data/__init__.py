"""Data files shipped inside the package.

`sample-digest.md` is the first-run sample: when the cache is empty the reader
imports it (labelled as a sample) so a machine without network still shows real
content. See README.md in this folder for where its text comes from.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

SAMPLE_DIGEST_NAME = "sample-digest.md"

_extracted: Path | None = None


def sample_digest_bytes() -> bytes:
    """The sample digest exactly as shipped (UTF-8, canonical layout)."""
    return files(__name__).joinpath(SAMPLE_DIGEST_NAME).read_bytes()


def sample_digest_path() -> Path:
    """A real file path to the sample digest.

    Installed normally this is the file inside the package. When the package is
    imported from a zip archive there is no such file, so a copy is extracted
    once into a private temporary folder that is removed at exit.
    """
    global _extracted
    resource = files(__name__).joinpath(SAMPLE_DIGEST_NAME)
    if isinstance(resource, Path):
        return resource
    if _extracted is None or not _extracted.is_file():
        folder = Path(tempfile.mkdtemp(prefix="tui-digest-data-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        target = folder / SAMPLE_DIGEST_NAME
        target.write_bytes(resource.read_bytes())
        _extracted = target
    return _extracted
