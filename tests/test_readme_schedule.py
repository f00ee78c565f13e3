"""The README's cron and systemd recipes for a publishing server, run as written
(with a stand-in `tui-digest`): `fetch && publish` skipped the whole day's
publish when one source failed, since fetch then exits 1 (found by a bug hunt)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
FIELDS = 5  # a crontab line: minute, hour, day of month, month, day of week, command


def cron_command() -> str:
    block = README.split("```cron\n", 1)[1].split("```", 1)[0]
    line = next(ln for ln in block.splitlines() if "tui-digest fetch" in ln)
    command = line.split(None, FIELDS)[FIELDS]
    assert "%" not in command  # cron turns % into a newline
    return command


def systemd_command() -> list[str]:
    found = re.search(r"^ExecStart=(.*tui-digest fetch.*)$", README, re.MULTILINE)
    assert found is not None
    # systemd.service(5): "$$" passes a literal "$"; a lone $NAME is systemd's own.
    assert re.search(r"(?<!\$)\$(?!\$)", found[1].replace("$$", "")) is None
    return shlex.split(found[1].replace("$$", "$"))


def stand_in(tmp_path: Path) -> dict[str, str]:
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    script = bin_ / "tui-digest"
    script.write_text(
        '#!/bin/sh\necho "$1" >> "$RAN"\n'
        'case "$1" in fetch) exit "$FETCH_RC";; publish) exit "$PUBLISH_RC";; esac\nexit 9\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return dict(os.environ, PATH=f"{bin_}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.parametrize("recipe", ["cron", "systemd"])
@pytest.mark.parametrize(
    ("fetch_rc", "publish_rc", "published", "status"),
    [
        (0, 0, True, 0),
        (1, 0, True, 1),  # one source failed: the others' papers are published
        (2, 0, False, 2),  # a bad config or cache: nothing to publish
        (0, 2, True, 2),
        (1, 2, True, 2),
        (0, 1, True, 1),  # published, some translations failed
    ],
)
def test_the_recipe_publishes_what_was_fetched_and_keeps_the_status(
    tmp_path, recipe, fetch_rc, publish_rc, published, status
):
    env = stand_in(tmp_path)
    ran = tmp_path / "ran"
    env.update(RAN=str(ran), FETCH_RC=str(fetch_rc), PUBLISH_RC=str(publish_rc))
    argv = ["/bin/sh", "-c", cron_command()] if recipe == "cron" else systemd_command()
    proc = subprocess.run(argv, env=env, capture_output=True, timeout=30)
    assert ran.read_text().split() == (["fetch", "publish"] if published else ["fetch"])
    assert proc.returncode == status
