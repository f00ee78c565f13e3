"""One wording for a command's OSError, whichever part of the CLI reports it.

`cli._describe` (the import/export commands) wrote "reason FILE" and
`cli_args.error_text` (config/sources commands) "FILE: reason"; both now use
`error_text`, which names the file once.
"""

from __future__ import annotations

from tui_digest.cli import _describe
from tui_digest.cli_args import FORCE_HINT, error_text


def test_an_os_error_reads_file_then_reason_in_both_places() -> None:
    exc = FileNotFoundError(2, "No such file or directory", "/data/x.md")
    assert error_text(exc) == "/data/x.md: No such file or directory"
    assert _describe(exc) == error_text(exc)


def test_a_message_that_names_its_file_is_not_given_it_twice() -> None:
    exc = OSError(2, "cannot write /data/x.md: folder /data does not exist", "/data/x.md")
    assert error_text(exc) == "cannot write /data/x.md: folder /data does not exist"
    taken = FileExistsError(17, "refusing to overwrite x.md: a file already exists there", "x.md")
    assert error_text(taken).endswith(FORCE_HINT) and error_text(taken).count("x.md") == 1


def test_untrusted_text_in_a_path_is_cleaned_for_the_terminal() -> None:
    exc = FileNotFoundError(2, "No such file or directory", "/tmp/\x1b]0;owned\x07x.md")
    assert "\x1b" not in _describe(exc) and "\x07" not in _describe(exc)
