"""Reading feeds, sitemaps and OPML lists from bytes (readers/feeds.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dateline.errors import MalformedInput
from dateline.readers.feeds import normalise_url, parse_opml, parse_source

BASE = "http://news.example.org/feed"

RSS = b"""<?xml version="1.0" encoding="windows-1252"?>
<rss version="2.0"><channel><title>Harbour Daily</title><link>http://news.example.org/</link>
<description>d</description>
<item><title>Port reopens &amp; ships return</title><link>/2025/port.html?utm_source=rss</link>
<guid isPermaLink="false">port-1</guid><pubDate>Tue, 04 Mar 2025 23:30:00 -0500</pubDate>
<author>desk@example.org (R\xe9mi Caf\xe9)</author></item>
<item><title>No link, permalink guid</title><guid>http://news.example.org/2025/guid.html</guid></item>
<item><title>Not http</title><link>mailto:desk@example.org</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valmora Times</title><id>urn:x</id>
<updated>2025-03-09T00:00:00Z</updated>
<entry><title type="html">&lt;b&gt;Bridge&lt;/b&gt; reopens</title>
<link rel="alternate" href="http://valmora.example/bridge.html#comments"/><id>urn:1</id>
<published>2025-03-08T10:00:00+02:00</published><author><name>Ana Lind</name></author></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://rdf.example/"><title>RDF Wire</title><link>http://rdf.example/</link>
<description>x</description></channel>
<item rdf:about="http://rdf.example/a.html"><title>A</title><link>http://rdf.example/a.html</link>
<dc:date>2025-03-01T09:00:00Z</dc:date></item></rdf:RDF>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>http://s.example/news/one.html</loc><news:news><news:publication>
<news:name>Sitemap Herald</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2025-03-10T23:00:00-03:00</news:publication_date>
<news:title>Talks resume</news:title></news:news></url>
<url><loc>http://s.example/img/photo.jpg</loc><lastmod>2025-03-01</lastmod></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://s.example/news-sitemap.xml</loc></sitemap>
<sitemap><loc>http://s.example/2025-03.xml</loc><lastmod>2025-03-31</lastmod></sitemap>
</sitemapindex>"""


def test_rss_2_items_with_relative_links_dates_and_authors() -> None:
    parsed = parse_source(RSS, BASE, "application/rss+xml")
    assert parsed.kind == "feed" and parsed.title == "Harbour Daily"
    first, second = parsed.pages  # the mailto: link is not a page
    assert first.url == "http://news.example.org/2025/port.html"  # tracking parameter gone
    assert first.title == "Port reopens & ships return" and first.guid == "port-1"
    assert first.published == "2025-03-05"  # 23:30 at -05:00 is the 5th in UTC
    assert first.author is not None and "Rémi Café" in first.author  # windows-1252 decoded
    assert second.url == "http://news.example.org/2025/guid.html"


def test_atom_and_rdf_feeds() -> None:
    atom = parse_source(ATOM, "http://valmora.example/atom.xml")
    (entry,) = atom.pages
    assert entry.url == "http://valmora.example/bridge.html"  # fragment dropped
    assert entry.title == "Bridge reopens" and entry.author == "Ana Lind"
    assert entry.published == "2025-03-08"
    rdf = parse_source(RDF, "http://rdf.example/rss")
    assert rdf.title == "RDF Wire" and [p.url for p in rdf.pages] == ["http://rdf.example/a.html"]
    assert rdf.pages[0].published == "2025-03-01"


def test_news_sitemaps_and_sitemap_indexes() -> None:
    news = parse_source(NEWS_SITEMAP, "http://s.example/news-sitemap.xml")
    assert news.kind == "sitemap" and news.title == "Sitemap Herald"
    one, photo = news.pages
    assert one.title == "Talks resume" and one.published == "2025-03-11"
    assert photo.modified == "2025-03-01" and photo.title is None
    index = parse_source(INDEX, "http://s.example/sitemap.xml")
    assert index.pages == () and index.sitemaps == (
        "http://s.example/news-sitemap.xml",
        "http://s.example/2025-03.xml",
    )


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>Not a feed</body></html>",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>cut',
        b"<urlset><url><loc>http://x.example/a</loc></url>",
        b"",
    ],
)
def test_what_is_not_a_feed_or_sitemap_is_refused_with_dl015(data: bytes) -> None:
    with pytest.raises(MalformedInput) as caught:
        parse_source(data, BASE)
    assert caught.value.code == "DL015" and caught.value.path == BASE


def test_opml_lists_feeds_once_each_and_bad_opml_is_refused() -> None:
    opml = b"""<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
    <outline text="Syria"><outline text="SANA" type="rss" xmlUrl="http://sana.example/rss"/>
    <outline title="TASS" type="rss" xmlUrl="http://tass.example/rss/v2.xml"/></outline>
    <outline text="again" xmlUrl="http://sana.example/rss"/><outline text="folder only"/>
    </body></opml>"""
    assert parse_opml(opml, "subs.opml") == [
        ("http://sana.example/rss", "SANA"),
        ("http://tass.example/rss/v2.xml", "TASS"),
    ]
    for bad in (b"<opml><body>", b"<rss/>", b"<opml><body><outline text='x'/></body></opml>"):
        with pytest.raises(MalformedInput):
            parse_opml(bad, "subs.opml")
    bomb = b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
    bomb += b'<opml><body><outline xmlUrl="http://e.example/&b;"/></body></opml>'
    with pytest.raises(MalformedInput, match="entities"):
        parse_opml(bomb, "bomb.opml")  # never expanded


@given(st.binary(max_size=2000))
def test_any_bytes_give_a_listing_or_a_dl015_error(data: bytes) -> None:
    try:
        parsed = parse_source(data, BASE)
    except MalformedInput:
        return
    assert parsed.kind in ("feed", "sitemap")
    assert all(p.url.startswith(("http://", "https://")) for p in parsed.pages)


@given(st.text(max_size=200))
def test_normalised_urls_are_absolute_http_without_fragments(text: str) -> None:
    url = normalise_url(text, BASE)
    if url is not None:
        assert url.startswith(("http://", "https://")) and "#" not in url
        assert normalise_url(url) == url  # stable
