"""Writing a bilingual digest as RSS 2.0, the form `digest_feed` reads.

The layout follows the published cn-chat-arxiv feeds (see
../shared/samples/digest-feed-cs.AI-2024-03-18.xml): one item per paper, its
title the Chinese one-line summary, its description the footnote's paragraphs
as HTML `<p>` blocks (Chinese title, English title, link, Chinese summary,
English summary slot, Chinese abstract, English abstract). The paragraphs come
from `digest_format.detail_fields`, so a day's feed and Markdown agree.

Machine text is marked: a paragraph a model wrote carries
`class="machine-translation"` (`MACHINE_CLASS`) and the model's name as its
`title`, which `digest_feed` reads back into `extras["machine_fields"]` and
`extras["machine_model"]`. HTML feed readers simply show the text.

The output is a pure function of the papers and the day: no build time, no
random ids, so publishing an unchanged day gives identical bytes.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from email.utils import format_datetime
from xml.sax.saxutils import escape

from .digest_feed import MACHINE_CLASS, PUBLISHER_GENERATOR
from .digest_format import detail_fields
from .extras import Extra, machine_fields
from .model import Paper
from .sanitize import clean_line

# The feed a category's papers come from (../shared/docs/upstream.md): the
# channel's required <link>, since a published folder does not know its own URL.
ARXIV_RSS = "https://rss.arxiv.org/rss/{category}"


def _machine(paper: Paper) -> set[str]:
    return set(machine_fields(paper.extras))


def _p(text: str, machine: bool = False, model: str = "") -> str:
    attr = f' class="{MACHINE_CLASS}"' if machine else ""
    if machine and model:
        attr += f' title="{html.escape(model, quote=True)}"'  # which model wrote it
    # Newlines stay raw text inside the paragraph: the reader keeps them, where a
    # <br> would start a new block and lose blank lines.
    return f"<p{attr}>\n{html.escape(text, quote=False)}\n</p>"


def item_description(paper: Paper) -> str:
    """The item's HTML: the footnote paragraphs, machine-made ones marked."""
    f = detail_fields(paper)
    machine = _machine(paper)
    model = clean_line(paper.extras.get(Extra.MACHINE_MODEL, ""), 200)
    paras = [
        _p(f["title_zh"], "title_zh" in machine and bool(f["title_zh"]), model),
        _p(f["title_en"]),
        _p(f["link"]),
    ]
    if not (paper.extras.get(Extra.LAYOUT) == "early" and not f["summary_en"]):
        paras.append(_p(f["summary_zh"], "summary_zh" in machine and bool(f["summary_zh"]), model))
        paras.append(_p(f["summary_en"]))
    paras.append(_p(f["abstract_zh"], "abstract_zh" in machine and bool(f["abstract_zh"]), model))
    paras.append(_p(f["abstract_en"]))
    return "\n".join(paras)


def write_digest_feed(
    papers: Iterable[Paper], *, category: str, date: str, title: str = "tui-digest"
) -> str:
    """The RSS 2.0 document of one category's digest for `date` (YYYY-MM-DD)."""
    day = dt.date.fromisoformat(date)
    stamp = format_datetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))
    # The reader takes the category from the end of the channel title.
    channel_title = f"{title} {category}".strip()
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0"><channel>'
        f"<title>{escape(channel_title)}</title>"
        f"<link>{escape(ARXIV_RSS.format(category=category))}</link>"
        f"<description>{escape(f'Bilingual digest of {category} for {date}')}</description>"
        f"<pubDate>{stamp}</pubDate>"
        f"<generator>{PUBLISHER_GENERATOR}</generator>\n"
    )
    items = []
    for paper in papers:
        f = detail_fields(paper)
        items.append(
            f"<item><title>{escape(f['table_summary'])}</title>"
            f"<link>{escape(f['link'])}</link>"
            f"<description>{escape(item_description(paper))}</description></item>\n"
        )
    return head + "".join(items) + "</channel></rss>\n"
