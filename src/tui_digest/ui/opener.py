"""Opening a paper in the browser and copying text, always saying what happened.

Over SSH there is usually no browser and no clipboard tool, and the old reader
then did nothing, silently (or said "Copied" when nothing was). Here every
attempt ends in a notification: which program opened the link or took the
text, or, when none could, the URL itself so it can be copied by hand.

Browsers, in order: each command in `$BROWSER` (the convention Python's
`webbrowser` module documents: entries separated by os.pathsep, `%s` replaced
by the URL, otherwise the URL appended), then the platform opener (`open` on
macOS, `os.startfile` on Windows, `xdg-open` elsewhere). A command counts as
working when it starts and does not exit with an error within a short wait (a
browser that keeps running is working; `xdg-open` without a display exits
non-zero at once).

Clipboard tools, as pyperclip picks them (asweigart/pyperclip): `pbcopy`
(macOS), `clip.exe` (Windows and WSL, UTF-16LE input), `wl-copy` (Wayland,
with WAYLAND_DISPLAY), `xclip -selection clipboard` / `xsel --clipboard
--input` (X11, with DISPLAY). When none works the text goes out as an OSC 52
escape through Textual's `App.copy_to_clipboard`, which reaches the local
clipboard over SSH in terminals that support it (tmux: `set-clipboard on`).

Programs run with no terminal attached (stdin/stdout/stderr not the TTY), so a
text-mode browser cannot take over the reader's screen.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from textual.app import App

from tui_digest.core.bibtex import to_bibtex
from tui_digest.core.citation import paper_url, pdf_url
from tui_digest.core.model import PaperRecord
from tui_digest.core.sanitize import clean_line, is_safe_url

WAIT_SECONDS = 3.0  # how long a command may take to fail before it counts as working
PLATFORM = sys.platform  # read at call time, so tests can stand in for another system


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    how: str = ""  # the program that did it ("firefox", "xclip", "OSC 52")


def browser_commands(url: str, env: Mapping[str, str], platform: str) -> list[list[str]]:
    """The commands to try, in order, to show `url`."""
    commands = []
    for entry in env.get("BROWSER", "").split(os.pathsep):
        try:
            args = shlex.split(entry)
        except ValueError:  # unbalanced quotes: not a usable command
            continue
        if not args:
            continue
        if any("%s" in a for a in args):
            args = [a.replace("%s", url) for a in args]
        else:
            args.append(url)
        commands.append(args)
    if platform == "darwin":
        commands.append(["open", url])
    elif not platform.startswith("win"):
        commands.append(["xdg-open", url])
    return commands


def clipboard_commands(env: Mapping[str, str], platform: str) -> list[tuple[list[str], str]]:
    """(command, input encoding) pairs to try for copying text."""
    if platform == "darwin":
        return [(["pbcopy"], "utf-8")]
    if platform.startswith("win") or _is_wsl(env):
        return [(["clip.exe"], "utf-16-le")]
    commands: list[tuple[list[str], str]] = []
    if env.get("WAYLAND_DISPLAY"):
        commands.append((["wl-copy"], "utf-8"))
    if env.get("DISPLAY"):
        commands.append((["xclip", "-selection", "clipboard"], "utf-8"))
        commands.append((["xsel", "--clipboard", "--input"], "utf-8"))
    return commands


def _is_wsl(env: Mapping[str, str]) -> bool:
    return bool(env.get("WSL_DISTRO_NAME"))


Runner = Callable[[list[str], bytes | None, Mapping[str, str]], bool]


def run_command(args: list[str], data: bytes | None, env: Mapping[str, str]) -> bool:
    """Start `args` detached from the terminal; True unless it cannot start or fails.

    `data` goes to its standard input. A command still running after
    WAIT_SECONDS is left running and counts as working.
    """
    try:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(env),
            start_new_session=True,
        )
    except OSError:  # not installed, not executable
        return False
    try:
        proc.communicate(data, timeout=WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        return True
    return proc.returncode == 0


def open_url(
    url: str,
    *,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    run: Runner = run_command,
) -> Outcome:
    """Show `url` (http/https only) with the first browser command that works."""
    env = os.environ if env is None else env
    platform = PLATFORM if platform is None else platform
    if not is_safe_url(url):
        return Outcome(False)
    for args in browser_commands(url, env, platform):
        if run(args, None, env):
            return Outcome(True, os.path.basename(args[0]))
    startfile = getattr(os, "startfile", None)  # Windows only
    if platform.startswith("win") and startfile is not None:
        try:
            startfile(url)
        except OSError:
            return Outcome(False)
        return Outcome(True, "the default browser")
    return Outcome(False)


def copy_with_tool(
    text: str,
    *,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    run: Runner = run_command,
) -> Outcome:
    """Put `text` on the system clipboard with the first tool that works."""
    env = os.environ if env is None else env
    platform = PLATFORM if platform is None else platform
    for args, encoding in clipboard_commands(env, platform):
        if run(args, text.encode(encoding), env):
            return Outcome(True, args[0])
    return Outcome(False)


# --- From the reader --------------------------------------------------------------------


def open_in_browser(app: App[Any], url: str, what: str = "link") -> None:
    """Open `url` in a thread; notify which program did, or show the URL to copy."""
    shown = clean_line(url)
    if not is_safe_url(url):
        app.notify(f"Refusing to open a {what} that is not http(s): {shown}", markup=False)
        return

    def work() -> None:
        outcome = open_url(url)
        if outcome.ok:
            message = f"Opened the {what} with {outcome.how}: {shown}"
            app.call_from_thread(app.notify, message, markup=False)
        else:
            message = f"No browser could be started. Open this {what} yourself:\n{shown}"
            app.call_from_thread(app.notify, message, severity="warning", timeout=30, markup=False)

    _in_thread(app, work, group="open-url", description=f"open the {what}")


def copy_for_user(app: App[Any], text: str, what: str) -> None:
    """Copy `text` with a clipboard tool, else OSC 52; the note says which."""

    def work() -> None:
        outcome = copy_with_tool(text)
        app.call_from_thread(_after_copy, app, text, what, outcome)

    _in_thread(app, work, group="copy", description=f"copy the {what}")


def _in_thread(app: App[Any], work: Callable[[], None], *, group: str, description: str) -> None:
    # A browser or clipboard tool may take seconds to fail: never on the UI thread.
    app.run_worker(work, group=group, description=description, thread=True, exit_on_error=False)


def _after_copy(app: App[Any], text: str, what: str, outcome: Outcome) -> None:
    if outcome.ok:
        app.notify(f"Copied the {what} with {outcome.how}.", markup=False)
        return
    app.copy_to_clipboard(text)
    app.notify(
        f"Copied the {what} with OSC 52 (no clipboard tool worked): your terminal must "
        "allow it (tmux: set-clipboard on).",
        markup=False,
    )


# --- The current paper --------------------------------------------------------------------


def open_paper(app: App[Any], record: PaperRecord, *, pdf: bool = False) -> bool:
    """Open the paper's abstract page (or its PDF); False when it has no such link."""
    url = pdf_url(record.paper.id) if pdf else paper_url(record)
    what = "PDF" if pdf else "abstract page"
    if not url:
        app.notify(f"This paper has no {what} link.", severity="warning", markup=False)
        return False
    open_in_browser(app, url, what)
    return True


def copy_paper_link(app: App[Any], record: PaperRecord) -> None:
    url = paper_url(record)
    if not url:
        app.notify("This paper has no link.", severity="warning", markup=False)
        return
    copy_for_user(app, url, "link")


def copy_paper_bibtex(app: App[Any], record: PaperRecord) -> None:
    copy_for_user(app, to_bibtex([record]), "BibTeX")
