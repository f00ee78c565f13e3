"""The core: parsing, storage, search, fetching and export.

Nothing under this package imports Textual (a test checks it), and httpx and
feedparser are imported lazily inside the functions that need them, so the
reader's first frame does not pay for them.
"""
