"""Following the news: feeds and sitemaps fetched politely, every response archived as WARC.

`follow` / `unfollow` manage the followed sources (RSS, Atom, RDF, XML and news sitemaps,
OPML lists), `fetch_once` runs one check-fetch-ingest-link pass and `watch` repeats it.
"""

from dateline.fetch.config import FetchSettings, fetch_settings, parse_interval
from dateline.fetch.run import (
    FetchReport,
    archived_article,
    entry_fields,
    fetch_once,
    follow,
    unfollow,
    watch,
)

__all__ = [
    "FetchReport",
    "FetchSettings",
    "archived_article",
    "entry_fields",
    "fetch_once",
    "fetch_settings",
    "follow",
    "parse_interval",
    "unfollow",
    "watch",
]
