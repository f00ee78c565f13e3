"""Rewriting argv before argparse sees it: query words that look like options.

`search model -survey` must work unquoted, so a query command's words are moved
behind `--`. This reads argparse's parser structure (`_actions`,
`_SubParsersAction`): argparse has no public API for a subcommand's options.
"""

from __future__ import annotations

import argparse

# The commands whose free words are a query (cli.build_parser registers them).
QUERY_COMMANDS = ("search", "export", "translate", "enrich", "tag")
# The commands whose options may follow their words (`options_first`).
OPTIONS_FIRST_COMMANDS = ("digests",)


def _query_values_joined(argv: list[str]) -> list[str]:
    """`--query -tag:x` as `--query=-tag:x`: argparse takes a value starting with
    `-` for an option, and said "expected one argument" (`mark --query`; found by
    a regression hunt). Only up to a `--`, after which every token is a word."""
    out: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        if token == "--":
            out.append(token)
            out.extend(tokens)
            break
        if token == "--query":
            value = next(tokens, None)
            if value is not None and value.startswith("-") and not value.startswith("--"):
                out.append(f"--query={value}")
                continue
            out.append(token)
            if value is not None:
                out.append(value)
            continue
        out.append(token)
    return out


def query_terms_last(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """Let `search model -survey` work unquoted.

    argparse takes `-survey` for an unknown option; for the commands that take
    a query, every word is moved behind `--`, where argparse reads it as a query
    word. A token starting with `--` is never a word (no query term starts with
    two): it stays an option, so a mistyped one (`--fromat`) is refused as by
    every other command, not searched for (found by a bug hunt: `export
    is:starred --fromat bibtex -o x.bib` wrote an empty Markdown file, exit 0).
    """
    sub = _command_index(parser, argv)
    subparser = None if sub is None else _subparsers(parser).get(argv[sub])
    if sub is None or subparser is None:
        return argv
    if _option(subparser, "--query") is not None:
        argv = _query_values_joined(argv)  # (only a command that has --query: `mark`)
    if argv[sub] not in QUERY_COMMANDS or "--" in argv:
        return argv
    head, options, words = argv[: sub + 1], [], []
    rest = iter(argv[sub + 1 :])
    for token in rest:
        action = _option(subparser, token)
        if action is None and not token.startswith("--"):
            _refuse_single_dash_option(subparser, token)
            _refuse_glued_value(subparser, token)
            words.append(token)
            continue
        # A known option (or a prefix argparse expands), or one argparse refuses.
        options.append(token)
        if action is not None and action.nargs != 0 and "=" not in token:
            value = next(rest, None)
            if value is not None:  # (none: argparse says "expected one argument")
                options.append(value)
    return head + options + (["--", *words] if words else [])


def options_first(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """`digests rm --yes NAME` was refused ("unrecognized arguments: NAME"; found
    by a bug hunt): argparse fills `digests`' two positionals (`action`, `names`)
    with the words before the first option, so a name after it was one too many.
    The command's options are moved before its words, which argparse then reads
    in one run; a `--` leaves the line as written."""
    sub = _command_index(parser, argv)
    if sub is None or argv[sub] not in OPTIONS_FIRST_COMMANDS or "--" in argv:
        return argv
    subparser = _subparsers(parser).get(argv[sub])
    if subparser is None:
        return argv
    options, words = [], []
    rest = iter(argv[sub + 1 :])
    for token in rest:
        if not token.startswith("-") or token == "-":
            words.append(token)
            continue
        options.append(token)
        action = _option(subparser, token)
        if action is not None and action.nargs != 0 and "=" not in token:
            value = next(rest, None)
            if value is not None:
                options.append(value)
    return argv[: sub + 1] + options + words


def _refuse_single_dash_option(subparser: argparse.ArgumentParser, token: str) -> None:
    """`search graph -json` searched for papers without the word "json" and
    printed a table, exit 0, where `--json` was meant (left from a bug hunt).
    A word that is a long option of the command with one dash is refused,
    naming both readings; `-- -json` still searches for it."""
    name = token.split("=", 1)[0]
    if len(name) < 3 or name.startswith("--"):
        return
    long = "-" + name
    if any(long in a.option_strings for a in subparser._actions):
        subparser.error(
            f"{token}: the option {long}, or a negated query word? "
            f"Write {long}{token[len(name) :]} for the option, "
            f"or end the options with -- and write the query after it (-- {token})"
        )


def _refuse_glued_value(subparser: argparse.ArgumentParser, token: str) -> None:
    """argparse reads `-os2.bib` as `-o s2.bib`; here it could as well be a negated
    word. Either guess is silently wrong one time in two (a file named
    "verview" for `-overview`), so a glued value that looks like a file name or
    `=value` is refused; any other `-oword` stays a negated word."""
    short, glued = token[:2], token[2:]
    action = _option(subparser, short) if len(token) > 2 and not token.startswith("--") else None
    if action is None or action.nargs == 0:
        return
    if glued == "-" or any(c in glued for c in "./="):
        subparser.error(
            f"{token}: {short} glued to a value, or a negated query word? "
            f"Write {short} {glued.removeprefix('=')} for the option, "
            f"or end the options with -- and write the query after it (-- {token})"
        )


def _command_index(parser: argparse.ArgumentParser, argv: list[str]) -> int | None:
    """Index of the subcommand: the first token that is neither a global option nor its value.

    Which global options take a value is read from `parser`: a list written here
    knew only `--db`, and `--config PATH search model -survey` took PATH for the
    command (found by a bug hunt). A prefix argparse would expand counts too.
    """
    i = 0
    while i < len(argv):
        token = argv[i]
        if not token.startswith("-"):
            return i
        action = _option(parser, token)
        takes_value = action is not None and action.nargs != 0 and "=" not in token
        i += 2 if takes_value else 1
    return None


def _option(parser: argparse.ArgumentParser, token: str) -> argparse.Action | None:
    """The option of `parser` that `token` names as argparse reads it: exactly
    (`--db`, `--db=X`, `-o`), or by a prefix of one long option only (`--conf`)."""
    name = token.split("=", 1)[0] if token.startswith("--") else token
    options = {opt: a for a in parser._actions for opt in a.option_strings}
    if name in options:
        return options[name]
    if not name.startswith("--"):
        return None
    matches = {a for opt, a in options.items() if opt.startswith("--") and opt.startswith(name)}
    return matches.pop() if len(matches) == 1 else None


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}
