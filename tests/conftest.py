from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis fails an example that takes over 200 ms by default: a timing assertion,
# which a loaded machine trips (test_saved_sources_read_back_the_same writes files and
# missed it once under two parallel suites). Property tests check results, not speed.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")

ROOT = Path(__file__).resolve().parent.parent
# A git worktree next to others has no ../shared: TUI_DIGEST_SAMPLES points there.
SAMPLES = Path(os.environ.get("TUI_DIGEST_SAMPLES") or ROOT.parent / "shared" / "samples")


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto` (make test) starts two workers per CPU this process may use.

    A reader test spends about half its time idle: Pilot.press and Pilot.pause wait for
    the app to go quiet in 20 ms sleeps (textual._wait.wait_for_idle), and the CLI tests
    wait on subprocesses; with one worker per CPU the CPUs sat idle that long (measured
    with /proc/self/schedstat over the reader tests: 123 s on a CPU, 133 s asleep
    besides the time spent waiting for one).
    PYTEST_XDIST_AUTO_NUM_WORKERS still wins when set.
    """
    forced = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
    if forced:
        return int(forced)
    return 2 * len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 4


@pytest.fixture
def samples() -> Path:
    """The whole real samples in ../shared/samples, for the few tests that need them
    (full paper counts, the 737-paper digest); they skip without that folder."""
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples not present: needs the real upstream samples")
    return SAMPLES


@pytest.fixture(scope="session")
def excerpts(tmp_path_factory) -> Path:
    """A few papers of each real sample, cut at test time (tests/sample_excerpts.py):
    the samples' README asks that they are not copied into the project."""
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples not present: needs the real upstream samples")
    from sample_excerpts import write_excerpts

    return write_excerpts(SAMPLES, tmp_path_factory.mktemp("excerpts"))


@pytest.fixture
def utc_local_time(monkeypatch):
    """Local dates computed from UTC timestamps, whatever zone the machine is in."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Never touch the user's real cache or config from a test."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TUI_DIGEST_DB", str(base / "cache.db"))
    monkeypatch.setenv("TUI_DIGEST_CONFIG", str(base / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))  # (arXiv's shared clock)
