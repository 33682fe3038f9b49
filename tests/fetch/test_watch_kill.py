"""A `dateline watch` killed with SIGKILL resumes without duplicates or lost pages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixture_site import Answer, NewsSite, rss

from dateline.fetch import archived_article, fetch_once, follow
from dateline.settings import load_settings
from dateline.store import open_store
from dateline.store.feeds import entries

PAGES = 12
_PLACES = ["Sarnbridge", "Valmora", "Kellport", "Duneholm", "Marentia", "Lisk"]


def _page(i: int) -> str:
    place = _PLACES[i % len(_PLACES)]
    paragraphs = [
        f"Officials in {place} said on Monday that bridge number {i} over the river would "
        f"reopen after {10 + i} days of repairs, ahead of the harvest.",
        f"Engineers found {3 + i} cracked beams during the inspection of bridge {i}, the "
        f"regional transport office said in a statement published in {place}.",
        f'Traders in {place} welcomed the news. "We lost {i + 2} weeks of business," said '
        f"a grain merchant whose lorries had to take the southern road.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>Bridge {i} in {place} to reopen</title></head><body>"
        f"<article><h1>Bridge {i} in {place} to reopen</h1>{body}</article></body></html>"
    )


def _serve(site: NewsSite) -> None:
    site.static("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain", etag='"r"')
    items = []
    for i in range(PAGES):
        page = Answer(200, _page(i).encode(), {"Content-Type": "text/html"}, delay=0.25)
        site.sequence(f"/news/p{i}.html", [page])
        items.append((site.url(f"/news/p{i}.html"), f"Bridge {i} to reopen",
                      "Mon, 03 Mar 2025 08:00:00 GMT", "Desk"))  # fmt: skip
    site.static("/feed.xml", rss(items), "application/rss+xml", etag='"f"')


def _wait_for(site: NewsSite, pages: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len([h for h in site.hits() if h.path.startswith("/news/")]) >= pages:
            return
        time.sleep(0.02)
    raise AssertionError(f"the watch never fetched {pages} pages")


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [4, PAGES])  # while fetching pages / around ingest
def test_a_killed_watch_resumes_without_duplicates_or_lost_pages(
    tmp_path: Path, site: NewsSite, kill_after: int
) -> None:
    _serve(site)
    config = tmp_path / "dateline.toml"
    config.write_text(
        "[fetch]\nrate_per_host = 4.0\nper_host_concurrency = 2\nretries = 1\n"
        'backoff = 0.05\ncontact = "desk@example.org"\n'
        # Clean only: what is under test is fetching and resuming, not the stages.
        "[pipeline]\nworkers = 1\nstages = []\n"
    )
    db = tmp_path / "watch.db"
    env = {**os.environ, "DATELINE_HOME": str(tmp_path)}
    base = [sys.executable, "-m", "dateline"]
    with open_store(db) as store:
        follow(store, site.url("/feed.xml"))
    watch = subprocess.Popen(
        [*base, "watch", "--every", "1s", "--db", str(db), "--config", str(config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(site, kill_after)
    finally:
        os.killpg(watch.pid, signal.SIGKILL)
        watch.wait(timeout=30)

    settings = load_settings(config, db=str(db))
    with open_store(db) as store:
        fetch_once(store, settings=settings)
        done = entries(store, "done")
        assert len(done) == PAGES and not entries(store, "pending") + entries(store, "fetched")
        articles = list(store.iter_articles())
        assert len(articles) == PAGES  # each page stored once
        assert sorted(a.url for a in articles) == sorted(e.url for e in done)
        for article in articles:  # every pointer leads to a whole record
            assert archived_article(store, article.id, settings=settings).text == article.text
    page_hits = [h for h in site.hits() if h.path.startswith("/news/")]
    # Only pages in flight when the process died were downloaded a second time.
    assert len(page_hits) <= PAGES + 2
    assert len(site.hits("/feed.xml")) >= 1
