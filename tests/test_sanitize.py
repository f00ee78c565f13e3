from tui_digest.core.sanitize import (
    TRUNCATION_MARKER,
    clean_line,
    clean_text,
    decode_bytes,
    is_safe_url,
)


def test_controls_and_bidi_removed_newlines_and_tabs_kept():
    raw = "a\x1b[31mred\x07\u202eevil\u2066x\u2069\x9b\x7f\tb\nc\r\nd"
    assert clean_text(raw) == "a[31mredevilx\tb\nc\nd"


def test_cap_adds_marker():
    out = clean_text("x" * 50_000, limit=1_000)
    assert len(out) == 1_000 and out.endswith(TRUNCATION_MARKER)


def test_clean_line_collapses_whitespace():
    assert clean_line("  a \n b\t c ") == "a b c"


def test_decode_bytes_bom_and_invalid():
    assert decode_bytes(b"\xef\xbb\xbfabc\xff") == "abc\ufffd"


def test_safe_urls():
    assert is_safe_url("https://arxiv.org/abs/1")
    assert is_safe_url("http://arxiv.org/abs/1")
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "ftp://x"):
        assert not is_safe_url(bad)


def test_every_character_the_control_pattern_drops_is_not_printable():
    """`clean_text` skips the pattern for a text `str.isprintable` accepts."""
    import sys

    from tui_digest.core.sanitize import _CONTROL_RE

    dropped = [c for c in map(chr, range(sys.maxunicode + 1)) if _CONTROL_RE.match(c)]
    assert len(dropped) > 2048 + 128  # the surrogates and tag characters among them
    assert not any(c.isprintable() for c in dropped)
    for c in dropped:  # each still goes from a text that is otherwise printable
        if c != "\r":  # (a line end, made "\n" first)
            # A line break to `str.splitlines` (Unicode's) ends a line; the rest go.
            ends_line = len(f"a{c}b".splitlines()) == 2
            expected = ("a\nb",) if ends_line else ("ab", "a\ufffdb")
            assert clean_text(f"a{c}b") in expected, repr(c)


def test_line_and_paragraph_separators_become_spaces():
    """U+2028/U+2029 in an abstract were kept, and the reader drew the words
    on both sides run together ("Instructiontuning"); search read them as
    spaces, titles had them made spaces (bug hunt `enc` #7). They end a line,
    as a newline does (a one-line field: a space)."""
    text = "Instruction\u2028tuning for\u2029large"
    assert clean_text(text) == "Instruction\ntuning for\nlarge"
    assert clean_line("a\u2028b") == "a b"


def test_every_other_line_break_ends_a_line_too():
    """NEL (U+0085, also a cp1252 "…" read as Latin-1), FF, VT and the
    separators \\x1c-\\x1e are line breaks to Unicode and `str.splitlines`,
    but were dropped: "Key-part\\x85Information" was saved "Key-partInformation"
    and a note "first\\x0csecond" "firstsecond" (found by a regression hunt).
    They end a line now, as U+2028 does (a one-line field: a space)."""
    for c in "\x0b\x0c\x1c\x1d\x1e\x85":
        assert clean_text(f"Instruction{c}tuning") == "Instruction\ntuning", repr(c)
        assert clean_line(f"Key-part{c}Information") == "Key-part Information", repr(c)
