"""tui-digest: a terminal reader for bilingual (Chinese + English) arXiv digests."""

__version__ = "0.1.0"
