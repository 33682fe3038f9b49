"""The polite client against a real HTTP server on the loopback interface."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fixture_site import Answer, NewsSite
from warcio.archiveiterator import ArchiveIterator

from conftest import settings_for
from dateline.fetch.archive import WarcArchive, read_response
from dateline.fetch.client import Fetched, PoliteClient, retry_after
from dateline.fetch.config import fetch_settings
from dateline.store import open_store

ROBOTS = "User-agent: *\nDisallow: /private/\n"
PAGE = "<html><body><article><p>Officials met in Hama.</p></article></body></html>"


def fetch_all(tmp: Path, urls: list[str], **fetch: Any) -> tuple[list[Fetched], PoliteClient]:
    """GET the URLs concurrently with a fresh client, archive and store."""
    settings = settings_for(tmp, **fetch)
    config = fetch_settings(settings)

    async def run() -> tuple[list[Fetched], PoliteClient]:
        with (
            open_store(settings.db_path) as store,
            WarcArchive(tmp / "warc", max_bytes=10**9, user_agent=config.user_agent) as archive,
        ):
            async with PoliteClient(config, archive, store) as client:
                results = await asyncio.gather(*(client.get(u) for u in urls))
            return list(results), client

    return asyncio.run(run())


def warc_records(folder: Path) -> list[tuple[str, str, str | None]]:
    """(type, target URI, HTTP status) of every record in the WARC files of a folder."""
    out = []
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                status = record.http_headers.get_statuscode() if record.http_headers else None
                target = record.rec_headers.get_header("WARC-Target-URI") or ""
                out.append((record.rec_type, target, status))
    return out


def test_robots_txt_disallows_a_path_and_is_read_once(site: NewsSite, tmp_path: Path) -> None:
    site.static("/robots.txt", ROBOTS, "text/plain")
    site.static("/news/open.html", PAGE)
    site.static("/private/leak.html", PAGE)
    results, _ = fetch_all(tmp_path, [site.url("/news/open.html"), site.url("/private/leak.html")])
    open_page, leak = results
    assert open_page.ok and open_page.status == 200
    assert leak.error is not None and leak.error.code == "DL111" and not leak.transient
    assert site.hits("/private/leak.html") == []  # never asked for
    assert len(site.hits("/robots.txt")) == 1


def test_robots_txt_server_error_means_wait_not_fetch(site: NewsSite, tmp_path: Path) -> None:
    site.sequence("/robots.txt", [Answer(503, b"down")])
    site.static("/news/open.html", PAGE)
    (result,), _ = fetch_all(tmp_path, [site.url("/news/open.html")], retries=0)
    assert result.error is not None and result.transient  # RFC 9309: 5xx = disallow all, for now
    assert site.hits("/news/open.html") == []


def test_429_waits_for_retry_after_then_succeeds(site: NewsSite, tmp_path: Path) -> None:
    site.static("/robots.txt", "", "text/plain", status=404)
    site.sequence(
        "/busy.html",
        [Answer(429, b"slow down", {"Retry-After": "1"}), Answer(200, PAGE.encode(), {})],
    )
    (result,), _ = fetch_all(tmp_path, [site.url("/busy.html")], retries=2)
    assert result.ok
    first, second = site.hits("/busy.html")
    assert second.start - first.end >= 0.95  # the server asked for one second
    kinds = [(t, s) for t, u, s in warc_records(tmp_path / "warc") if u.endswith("/busy.html")]
    assert ("response", "429") in kinds and ("response", "200") in kinds


def test_500s_are_retried_with_backoff_then_left_for_later(site: NewsSite, tmp_path: Path) -> None:
    site.static("/robots.txt", "", "text/plain", status=404)
    site.sequence("/broken.html", [Answer(500, b"oops")])
    (result,), _ = fetch_all(tmp_path, [site.url("/broken.html")], retries=2, backoff=0.2)
    assert not result.ok and result.transient
    assert result.error is not None and "HTTP 500" in result.error.message
    hits = site.hits("/broken.html")
    assert len(hits) == 3
    assert hits[1].start - hits[0].end >= 0.19 and hits[2].start - hits[1].end >= 0.38


def test_a_host_asking_for_a_long_wait_is_left_alone(site: NewsSite, tmp_path: Path) -> None:
    site.static("/robots.txt", "", "text/plain", status=404)
    site.sequence("/later.html", [Answer(503, b"", {"Retry-After": "3600"})])
    (result,), client = fetch_all(tmp_path, [site.url("/later.html")], retries=3)
    assert result.transient and result.error is not None
    assert "3,600 s" in result.error.message
    assert len(site.hits("/later.html")) == 1  # not hammered
    assert "127.0.0.1" in client.newly_blocked


def test_a_slow_server_times_out(site: NewsSite, tmp_path: Path) -> None:
    site.static("/robots.txt", "", "text/plain", status=404)
    site.sequence("/slow.html", [Answer(200, PAGE.encode(), {}, delay=3.0)])
    (result,), _ = fetch_all(tmp_path, [site.url("/slow.html")], timeout=0.5, retries=0)
    assert not result.ok and result.transient
    assert result.error is not None and result.error.code == "DL110"
    assert "0.5 s" in result.error.message


def test_redirects_are_followed_and_the_final_url_kept(site: NewsSite, tmp_path: Path) -> None:
    site.static("/robots.txt", "", "text/plain", status=404)
    site.sequence("/old.html", [Answer(301, b"", {"Location": "/news/new.html"})])
    site.static("/news/new.html", PAGE)
    (result,), _ = fetch_all(tmp_path, [site.url("/old.html")])
    assert result.ok and result.final_url == site.url("/news/new.html")
    assert result.record is not None and result.record.url == site.url("/news/new.html")


def test_a_redirect_loop_is_refused(site: NewsSite, tmp_path: Path) -> None:
    site.static("/robots.txt", "", "text/plain", status=404)
    site.sequence("/loop/a", [Answer(302, b"", {"Location": "/loop/b"})])
    site.sequence("/loop/b", [Answer(302, b"", {"Location": "/loop/a"})])
    (result,), _ = fetch_all(tmp_path, [site.url("/loop/a")])
    assert result.error is not None and "redirect loop" in result.error.message
    assert not result.transient
    assert len(site.hits("/loop/a")) == 1 and len(site.hits("/loop/b")) == 1


def test_a_50_mb_page_is_refused_without_downloading_it(site: NewsSite, tmp_path: Path) -> None:
    site.static("/robots.txt", "", "text/plain", status=404)
    size = 50_000_000
    site.sequence(
        "/huge.html",
        [Answer(200, b"", {"Content-Type": "text/html", "Content-Length": str(size)}, stream=size)],
    )
    site.sequence("/endless.html", [Answer(200, b"", {"Content-Type": "text/html"}, stream=size)])
    cap = 1_000_000
    (declared, endless), client = fetch_all(
        tmp_path, [site.url("/huge.html"), site.url("/endless.html")], max_bytes=cap
    )
    assert declared.error is not None and declared.error.code == "DL013"
    assert endless.error is not None and endless.error.code == "DL013"
    assert client.bytes <= cap  # the declared one was not read; the other cut at the cap
    assert endless.record is not None
    cut = read_response(endless.record.file, endless.record.offset, limit=10**8)
    assert cut.truncated and len(cut.payload) == cap


def test_per_host_rate_and_concurrency_hold_at_the_server(site: NewsSite, tmp_path: Path) -> None:
    other = NewsSite("127.0.0.2")  # another host: its own limits, in parallel
    try:
        for server in (site, other):
            server.static("/robots.txt", "", "text/plain", status=404)
            for i in range(12):
                server.sequence(f"/p{i}.html", [Answer(200, PAGE.encode(), {}, delay=0.3)])
        urls = [s.url(f"/p{i}.html") for i in range(12) for s in (site, other)]
        results, _ = fetch_all(tmp_path, urls, rate_per_host=5.0, per_host_concurrency=2)
        assert all(r.ok for r in results)
        for server in (site, other):
            starts = sorted(h.start for h in server.hits() if h.path != "/robots.txt")
            assert len(starts) == 12
            # At most 5 requests start in any one second, and at most 2 are in flight.
            assert all(starts[i + 5] - starts[i] >= 0.97 for i in range(len(starts) - 5))
            assert server.max_inflight <= 2
        # The two hosts were served side by side, not one after the other.
        first_other = min(h.start for h in other.hits())
        last_site = max(h.start for h in site.hits())
        assert first_other < last_site
    finally:
        other.close()


def test_every_response_is_archived_and_names_dateline(site: NewsSite, tmp_path: Path) -> None:
    site.static("/robots.txt", ROBOTS, "text/plain")
    site.static("/news/a.html", PAGE, gzip_body=True)
    site.static("/gone.html", "gone", status=404)
    results, _ = fetch_all(tmp_path, [site.url("/news/a.html"), site.url("/gone.html")])
    agent = site.hits("/news/a.html")[0].headers["user-agent"]
    assert agent.startswith("dateline/") and "newsroom@example.org" in agent
    records = warc_records(tmp_path / "warc")
    assert records[0][0] == "warcinfo"
    responses = [(u.rsplit("/", 1)[1], s) for t, u, s in records if t == "response"]
    assert sorted(responses) == [("a.html", "200"), ("gone.html", "404"), ("robots.txt", "200")]
    assert sum(1 for t, _, _ in records if t == "request") == 3
    page = results[0]
    assert page.record is not None
    back = read_response(page.record.file, page.record.offset, limit=10**6)
    assert back.payload == PAGE.encode()  # sent gzipped, archived as sent, read back decoded
    assert back.headers.get("content-encoding") == "gzip"


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after("120") == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert retry_after("soon") is None and retry_after(None) is None
