"""The headless side of For you (the `rank` feature).

    tui-digest search 'cat:cs.CL sort:foryou' [--json] [--limit N]
    tui-digest related ID [--json] [--limit N]

`search` hands a query with `sort:foryou` or `related:ID` to `ranked_search`;
`related ID` is `search related:ID`. Output is the same as `search`'s (the
table, or with `--json` the paper objects of `search --json`), best first.
With fewer than MIN_STARS stars (or every paper starred), sort:foryou prints
how to get started on stderr and exits 1 instead of ranking at random.
"""

from __future__ import annotations

import argparse
import sys

from tui_digest.cli_args import positive_int
from tui_digest.cli_output import write_utf8
from tui_digest.rank import CannotRank, RankUnavailable

EXIT_OK = 0
EXIT_NOT_READY = 1  # too few stars / the rank extra is missing
EXIT_ERROR = 2


def register(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser | None = None
) -> None:
    """Add `related`; `common` is a parent parser (the global --db flag)."""
    parents = [common] if common is not None else []
    p = subparsers.add_parser(
        "related",
        parents=parents,
        help="papers most similar to one paper",
        description="The papers of the whole cache most similar to paper ID (cosine "
        "similarity of English words and phrases, Chinese character pairs, categories "
        "and authors). Needs the optional extra: pip install 'tui-digest[rank]'.",
    )
    p.add_argument("id", help="an arXiv id in the cache (2403.10056 or 2403.10056v2)")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--limit", type=positive_int, default=20, help="at most N (default 20)")
    p.set_defaults(func=cmd_related)


def cmd_related(args: argparse.Namespace) -> int:
    paper_id = args.id.strip()
    if not paper_id or any(c.isspace() or c == '"' for c in paper_id):
        print(f"tui-digest: not an arXiv id: {paper_id!r}", file=sys.stderr)
        return EXIT_ERROR
    return ranked_search(args, f"related:{paper_id}")


def ranked_search(args: argparse.Namespace, query: str) -> int:
    """`search` for a query with sort:foryou or related:ID (same output, ranked)."""
    from tui_digest.core.query import QueryError
    from tui_digest.core.store import Store
    from tui_digest.rank.listing import rank_listing

    store = Store.open_reading(getattr(args, "db", None))
    try:
        for notice in store.notices:
            print(f"tui-digest: {notice}", file=sys.stderr)
        try:
            _say_when_training(store.path, query)
            ranking = rank_listing(
                store, query, digest=getattr(args, "digest", None), related_limit=args.limit
            )
        except (CannotRank, RankUnavailable) as exc:
            print(f"tui-digest: {exc}", file=sys.stderr)
            return EXIT_NOT_READY
        except QueryError as exc:
            print(f"tui-digest: {exc}", file=sys.stderr)
            return EXIT_ERROR
        if ranking.unsaved:  # (ranked all the same)
            print(f"tui-digest: {ranking.unsaved}", file=sys.stderr)
        shown = ranking.ids[: args.limit]
        if args.json:
            from tui_digest.core.export import to_json

            write_utf8(to_json(store.get_papers(shown)))
            return EXIT_OK
        rows = store.list_rows(shown)
    finally:
        store.close()
    from tui_digest.cli_table import write_rows

    print(f"tui-digest: {ranking.note}", file=sys.stderr)
    write_rows(rows, total=ranking.found)
    return EXIT_OK


def _say_when_training(db, query: str) -> None:
    """A line on stderr before a model is (re)trained: the first time takes seconds."""
    from tui_digest.rank import CannotRank, check_trainable, has_model
    from tui_digest.rank.corpus import cache_state, read_only
    from tui_digest.rank.listing import split_query

    if split_query(query).sort is None:
        return
    with read_only(db) as conn:
        state = cache_state(conn)
    try:
        check_trainable(state.n_starred, state.n_papers)
    except CannotRank:
        return  # (rank_listing says why)
    if not has_model(db):
        from tui_digest.rank.files import can_save

        # (files that cannot be saved make every run the first: the unsaved
        # sentence that follows says so, once)
        once = f" (the first time reads all {state.n_papers:,} papers)" if can_save(db) else ""
        print(
            f"tui-digest: training For you on {state.n_starred} starred papers{once}…",
            file=sys.stderr,
        )
        return
    from tui_digest.rank.files import Model, is_current

    if not is_current(Model.load(db), state):
        print(
            f"tui-digest: retraining For you on {state.n_starred} starred papers…", file=sys.stderr
        )
