"""Rewriting argv before argparse sees it: query words that look like options.

`search model -survey` must work unquoted, so a query command's words are moved
behind `--`. This reads argparse's parser structure (`_actions`,
`_SubParsersAction`): argparse has no public API for a subcommand's options.
"""

from __future__ import annotations

import argparse

# The commands whose free words are a query (cli.build_parser registers them).
QUERY_COMMANDS = ("search", "export", "translate", "enrich", "tag")


def query_terms_last(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """Let `search model -survey` work unquoted.

    argparse takes `-survey` for an unknown option; for the commands that take
    a query, every token that is not one of the command's own options (or the
    value of one) is moved behind `--`, where argparse reads it as a query word.
    """
    sub = _command_index(argv)
    if sub is None or argv[sub] not in QUERY_COMMANDS or "--" in argv:
        return argv
    subparser = _subparsers(parser)[argv[sub]]
    takes_value: set[str] = set()
    flags: set[str] = set()
    for action in subparser._actions:
        for opt in action.option_strings:
            (takes_value if action.nargs != 0 else flags).add(opt)
    head, options, words = argv[: sub + 1], [], []
    rest = iter(argv[sub + 1 :])
    for token in rest:
        name = token.split("=", 1)[0]
        if token in flags or (name in takes_value and "=" in token):
            options.append(token)
        elif token in takes_value:
            options += [token, next(rest, "")]
        else:
            words.append(token)
    return head + options + (["--", *words] if words else [])


def _command_index(argv: list[str]) -> int | None:
    """Index of the subcommand: the first token that is neither a global option nor its value."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--db":
            i += 2
        elif token.startswith("-"):
            i += 1
        else:
            return i
    return None


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}
