"""Worst cases for feed parsing inside the XML guard's bounds (issue 11, item 3).

Each case is generated in memory, about 2 MB, and is either refused by
`core/xml_guard.py` at once or parsed within the budget (well under 2 s per
MB). Run: `.venv/bin/python benchmarks/xml_bounds.py`.
"""

from __future__ import annotations

import time

from tui_digest.core.model import InputError
from tui_digest.core.readers import read_document
from tui_digest.core.xml_guard import CHARS_PER_ELEMENT, MAX_ATTRIBUTES, MAX_DEPTH


def _item(i: int, extra: str = "", pad: int = 0) -> str:
    return (
        f"<item><title>t{i}</title><link>https://arxiv.org/abs/2401.{i % 100_000:05d}</link>"
        f"{extra}<description>{'x' * pad}</description></item>"
    )


def cases() -> dict[str, str]:
    attrs = " ".join(f'a{i}="x"' for i in range(MAX_ATTRIBUTES))
    per_item = 4 * CHARS_PER_ELEMENT  # an item has 4 elements
    return {
        "200,000 attributes on one element": _item(
            0, "<x " + " ".join(f'a{i}="x"' for i in range(200_000)) + "/>"
        ),
        f"{MAX_ATTRIBUTES} attributes on 9,000 elements": "".join(
            f"<x {attrs}/>" for _ in range(9_000)
        ),
        f"{MAX_ATTRIBUTES} attributes in 8,000 items": "".join(
            _item(i, f"<x {attrs}/>") for i in range(8_000)
        ),
        f"depth {MAX_DEPTH - 5}, repeated": "".join(
            "<d>" * (MAX_DEPTH - 5) + "t" * (per_item * MAX_DEPTH // 2) + "</d>" * (MAX_DEPTH - 5)
            for _ in range(200)
        ),
        "500,000 empty elements": "<e/>" * 500_000,
        "items at the element density cap": "".join(
            _item(i, pad=per_item - 60) for i in range(14_000)
        ),
        "unclosed HTML at the density cap (malformed)": "".join(
            _item(i, "<p>a<br>", pad=per_item) for i in range(11_000)
        ),
        "one 50 MB text node": _item(0, pad=50 * 1024 * 1024),
    }


def main() -> None:
    for name, body in cases().items():
        doc = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"{body}</channel></rss>"
        ).encode()
        start = time.perf_counter()
        try:
            result = read_document(doc, source="bench.xml")
            outcome = f"parsed, {len(result.digest.papers)} papers"
        except InputError as exc:
            outcome = f"refused: {str(exc)[:70]}"
        took = time.perf_counter() - start
        mb = len(doc) / 1e6
        print(f"{name:46} {mb:6.2f} MB {took:6.2f} s {took / mb:5.2f} s/MB  {outcome}")


if __name__ == "__main__":
    main()
