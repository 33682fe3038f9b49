"""Feeds, sitemaps and OPML: what pages a followed source lists, read from its bytes.

RSS 0.9x/1.0 (RDF)/2.0 and Atom are read by feedparser, XML sitemaps (page lists, sitemap
indexes, Google News sitemaps) by ultimate-sitemap-parser, OPML subscription lists by lxml
with entity expansion and network access off. Page URLs are normalised with courlan (tracking
parameters and fragments dropped, host lower-cased) so one page listed twice is one entry.
Nothing here touches the network: the fetcher hands over the bytes it downloaded.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import time
import warnings
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urldefrag, urljoin, urlsplit

from dateline.errors import MalformedInput

# ultimate-sitemap-parser reports what it skips through logging; dateline reports by values.
logging.getLogger("usp").addHandler(logging.NullHandler())
logging.getLogger("usp").propagate = False

_SITEMAP_ROOT = re.compile(rb"<(?:[\w.-]+:)?(urlset|sitemapindex)[\s>/]")
_FEED_ROOT = re.compile(rb"<(?:[\w.-]+:)?(rss|feed|RDF|channel)[\s>/]")


@dataclass(frozen=True, slots=True)
class ListedPage:
    """One page a feed or sitemap lists, with the fields the source gives for it."""

    url: str
    guid: str | None = None
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD (UTC)
    author: str | None = None
    modified: str | None = None  # a sitemap's lastmod, YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """What a feed or sitemap document holds."""

    kind: Literal["feed", "sitemap"]
    title: str | None
    pages: tuple[ListedPage, ...]
    sitemaps: tuple[str, ...] = ()  # the sub-sitemaps of a sitemap index
    warning: str | None = None  # e.g. a feed that is not well-formed XML but could be read


def normalise_url(url: str, base: str | None = None) -> str | None:
    """An absolute http(s) URL without fragment or tracking parameters, or None if not one."""
    from courlan import normalize_url

    url = (url or "").strip()
    if not url:
        return None
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        clean = normalize_url(url)
    except (ValueError, AttributeError):
        return None
    return urldefrag(clean)[0] or None


def parse_source(data: bytes, url: str, content_type: str | None = None) -> ParsedSource:
    """Read a feed or sitemap document (kind told by its root element); raises MalformedInput."""
    head = _strip_prolog(data[:4096])
    if _SITEMAP_ROOT.match(head):
        return _parse_sitemap(data, url)
    return _parse_feed(data, url, content_type)


def _strip_prolog(head: bytes) -> bytes:
    """The document from its root element on (BOM, XML declaration, comments, doctype gone)."""
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    prolog = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S)
    while (m := prolog.match(head)) is not None:
        head = head[m.end() :]
    return head.lstrip()


def _day(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, time.struct_time):
        return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = re.sub(r"<[^>]+>", " ", value)
    value = " ".join(value.split())
    return value or None


def _entry_date(entry: Any) -> Any:
    """An entry's published time, else its updated time (feedparser's own fallback, quietly)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return entry.get("published_parsed") or entry.get("updated_parsed")


def _parse_feed(data: bytes, url: str, content_type: str | None) -> ParsedSource:
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A stream, never bytes or str: feedparser would take a string for a URL or file name.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        # Nothing read: not a feed at all, or one too broken to give a single entry (an
        # empty but well-formed feed is fine).
        if not _FEED_ROOT.match(_strip_prolog(data[:4096])):
            raise MalformedInput("not an RSS/Atom/RDF feed or an XML sitemap", path=url)
        reason = parsed.get("bozo_exception")
        raise MalformedInput(f"cannot read the feed: {reason or 'no entries'}", path=url)
    pages: list[ListedPage] = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        guid = entry.get("id") or None
        if not link and guid and guid.startswith(("http://", "https://")):
            link = guid
        page_url = normalise_url(link, url)
        if page_url is None:
            continue
        pages.append(
            ListedPage(
                url=page_url,
                guid=guid,
                title=_text(entry.get("title")),
                published=_day(_entry_date(entry)),
                author=_text(entry.get("author")),
            )
        )
    warning = None
    if parsed.get("bozo"):
        warning = f"feed is not well-formed ({parsed.get('bozo_exception')}); read what parsed"
    return ParsedSource("feed", _text(parsed.feed.get("title")), tuple(pages), warning=warning)


def _no_entities(data: bytes, where: str, what: str) -> None:
    """Refuse documents declaring entities: no feed list or sitemap needs them (entity bombs)."""
    if b"<!ENTITY" in data[:65536].upper():
        raise MalformedInput(f"{what} declares XML entities; refused", path=where)


def _well_formed(data: bytes, url: str) -> None:
    from lxml import etree

    _no_entities(data, url, "sitemap")

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise MalformedInput(f"sitemap is not well-formed XML: {exc}", path=url) from exc


def _parse_sitemap(data: bytes, url: str) -> ParsedSource:
    from usp.tree import sitemap_from_str

    _well_formed(data, url)
    text = data.decode("utf-8-sig", errors="replace")
    sitemap = sitemap_from_str(text)
    pages: list[ListedPage] = []
    for page in getattr(sitemap, "pages", []) or []:
        page_url = normalise_url(page.url, url)
        if page_url is None:
            continue
        story = page.news_story
        pages.append(
            ListedPage(
                url=page_url,
                title=_text(story.title) if story else None,
                published=_day(story.publish_date) if story else None,
                modified=_day(page.last_modified),
                author=None,
            )
        )
    subs = []
    for sub in getattr(sitemap, "sub_sitemaps", []) or []:
        sub_url = normalise_url(sub.url, url)
        if sub_url is not None:
            subs.append(sub_url)
    stories = [p.news_story for p in getattr(sitemap, "pages", []) or [] if p.news_story]
    name = _text(stories[0].publication_name) if stories else None
    return ParsedSource("sitemap", name, tuple(pages), tuple(subs))


def parse_opml(data: bytes, path: str) -> list[tuple[str, str | None]]:
    """The (feed URL, title) pairs of an OPML subscription list; raises MalformedInput."""
    from lxml import etree

    _no_entities(data, path, "OPML file")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise MalformedInput(f"not well-formed OPML: {exc}", path=path) from exc
    if etree.QName(root).localname.lower() != "opml":
        raise MalformedInput("not an OPML file (its root element is not <opml>)", path=path)
    found: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for outline in root.iter("{*}outline"):
        xml_url = outline.get("xmlUrl") or outline.get("xmlurl") or outline.get("url")
        url = normalise_url(xml_url or "")
        if url is None or url in seen:
            continue
        seen.add(url)
        found.append((url, outline.get("title") or outline.get("text") or None))
    if not found:
        raise MalformedInput("OPML file lists no feed (no outline with an xmlUrl)", path=path)
    return found
