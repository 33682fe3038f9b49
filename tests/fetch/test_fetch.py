"""Following feeds end to end: fetch, archive, ingest, re-fetch with 304s, languages, groups."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fixture_site import NewsSite, article, build_levant

from conftest import settings_for
from dateline.fetch import FetchReport, archived_article, fetch_once, follow
from dateline.ingest import ingest
from dateline.languages import stage_report
from dateline.model import Article
from dateline.settings import Settings
from dateline.store import Store, open_store
from dateline.store.feeds import entries, list_sources
from dateline.store.groups import load_groups
from dateline.store.search import search

ENGLISH_STAGES = ("annotate", "timerefs", "quotes", "claims", "events", "embed")


@dataclass
class Run:
    """One site followed and fetched twice."""

    site: NewsSite
    settings: Settings
    store: Store
    feeds: dict[str, str]
    first: FetchReport
    second: FetchReport
    hits_after_first: int

    def by_url(self, path: str) -> Article:
        """The stored article fetched from a path of the site."""
        url = self.site.url(path)
        found = [a for a in self.store.iter_articles() if a.url == url]
        assert len(found) == 1, (url, [a.url for a in self.store.iter_articles()])
        return found[0]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    site = NewsSite("127.0.0.1")
    feeds = build_levant(site)
    settings = settings_for(tmp_path_factory.mktemp("levant"))
    store = open_store(settings.db_path)
    for url in feeds.values():
        follow(store, url)
    first = fetch_once(store, settings=settings)
    hits = len(site.hits())
    second = fetch_once(store, settings=settings)
    yield Run(site, settings, store, feeds, first, second, hits)
    store.close()
    site.close()


def test_first_fetch_ingests_the_new_articles_of_every_feed(run: Run) -> None:
    report = run.first
    assert report.sources == 3 and report.not_modified == 0
    assert report.new_entries == 9  # 5 English links (one disallowed, one gone), 2 + 2
    assert report.pages == 7 and report.failed == 2
    assert report.ingest is not None and report.ingest.inserted == 7
    assert report.languages == {"en": 3, "ru": 2, "ar": 2}
    assert run.store.count_articles() == 7
    kinds = {s.url: s.kind for s in list_sources(run.store)}
    assert set(kinds.values()) == {"feed"}


def test_articles_carry_the_feeds_fields_and_their_provenance(run: Run) -> None:
    hama = run.by_url("/news/quake-hama.html")
    record = article("quake-hama", "en")
    assert hama.title == record["title"]
    assert hama.published.value == "2025-03-04" and hama.published.origin == "record"
    assert hama.byline == "Lina Saad" and hama.outlet == "Levant Wire"
    assert hama.language == "en" and hama.stages == ENGLISH_STAGES
    assert "Mhardeh" in hama.text and "Share this article" not in hama.text
    assert hama.archived is not None and Path(hama.archived.file).is_file()
    assert hama.source_path == f"{hama.archived.file}#{hama.archived.record_id}"
    # The tracking parameters of the feed's link are not part of the page's identity.
    damascus = run.by_url("/news/conf-damascus.html")
    assert damascus.title == article("conf-damascus", "en")["title"]


def test_pages_refused_by_robots_or_gone_are_recorded_not_fetched(run: Run) -> None:
    failed = {e.url.rsplit("/", 1)[1]: e for e in entries(run.store, "failed")}
    assert set(failed) == {"memo.html", "gone.html"}
    assert failed["memo.html"].error_code == "DL111"
    assert failed["gone.html"].error_code == "DL110" and failed["gone.html"].status == 404
    assert run.site.hits("/private/memo.html") == []


def test_a_second_fetch_downloads_nothing_new(run: Run) -> None:
    report = run.second
    assert report.not_modified == 3 and report.new_entries == 0 and report.pages == 0
    assert report.ingest is None  # nothing fetched, so nothing to ingest
    later = run.site.hits()[run.hits_after_first :]
    assert {h.path for h in later} == {"/robots.txt", "/feed.xml", "/ru/rss.xml", "/ar/atom.xml"}
    assert {h.status for h in later} == {304}  # conditional GETs, robots.txt included
    assert run.store.count_articles() == 7


def test_non_utf8_pages_in_russian_and_arabic_are_stored_with_their_language(run: Run) -> None:
    russian = run.by_url("/ru/quake-hama.html")  # windows-1251, named only by the header
    arabic = run.by_url("/ar/quake-hama.html")  # windows-1256, named only by <meta>
    assert russian.language == "ru" and "Землетрясение магнитудой 6,1" in russian.text
    assert arabic.language == "ar" and "ضرب زلزال بقوة 6.1 درجات" in arabic.text
    assert russian.byline == "Иван Петров" and arabic.byline == "هبة علي"
    for foreign in (russian, arabic):
        assert foreign.stages == () and foreign.mentions == () and foreign.events == ()
        report = stage_report(foreign, run.settings)
        reasons = {r["stage"]: r["why"] for r in report["not_run"]}
        assert set(reasons) == set(ENGLISH_STAGES)
        assert "English only" in reasons["events"]


def test_articles_in_every_language_are_found_by_search(run: Run) -> None:
    russian = run.by_url("/ru/quake-hama.html")
    arabic = run.by_url("/ar/quake-hama.html")
    assert russian.id in {h.article_id for h in search(run.store, "Мхарде").hits}
    assert arabic.id in {h.article_id for h in search(run.store, "محردة").hits}
    assert arabic.id in {h.article_id for h in search(run.store, "زلزال حماة").hits}


def test_reports_in_three_languages_are_grouped_as_one_event(run: Run) -> None:
    hama = {run.by_url(p).id for p in ("/news/quake-hama.html", "/ru/quake-hama.html",
                                       "/ar/quake-hama.html")}  # fmt: skip
    latakia = {run.by_url(p).id for p in ("/news/quake-latakia.html", "/ru/quake-latakia.html")}
    damascus = {run.by_url(p).id for p in ("/news/conf-damascus.html", "/ar/conf-damascus.html")}
    groups = [set(g.members) for g in load_groups(run.store, "same-event")]
    assert hama in groups and latakia in groups and damascus in groups
    # The two earthquakes, five days apart in the same country, are not one event.
    assert not any(g & hama and g & latakia for g in groups)


def test_every_web_article_re_extracts_from_its_warc_record(run: Run) -> None:
    for stored in run.store.iter_articles():
        again = archived_article(run.store, stored.id, settings=run.settings)
        assert again.text == stored.text and again.id == stored.id


def test_ingesting_the_archive_again_stores_nothing_twice(run: Run) -> None:
    files = sorted({e.warc_file for e in entries(run.store, "done") if e.warc_file})
    report = ingest(files, store=run.store, settings=run.settings, workers=1)
    assert report.inserted == 0 and report.skipped == 7 and report.failed == 0


def test_the_article_page_and_api_say_language_stages_and_archive(run: Run) -> None:
    from fastapi.testclient import TestClient

    from dateline.web import create_app

    arabic = run.by_url("/ar/quake-hama.html")
    app = create_app(str(run.settings.db_path), settings=run.settings)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        page = client.get(f"/articles/{arabic.id}")
        assert page.status_code == 200
        assert "Arabic (<code>ar</code>)" in page.text
        assert "not run: <b>events</b> (English only; this article is in Arabic)" in page.text
        assert arabic.archived is not None and arabic.archived.record_id in page.text
        data = client.get(f"/api/articles/{arabic.id}").json()
        assert data["language"] == "ar" and data["stages"] == []
        assert {s["stage"] for s in data["stages_not_run"]} == set(ENGLISH_STAGES)
        assert data["archived"]["offset"] == arabic.archived.offset


def test_a_host_that_asks_for_an_hour_is_left_alone_across_runs(tmp_path: Path) -> None:
    from fixture_site import Answer, rss

    site = NewsSite("127.0.0.1")
    try:
        site.static("/robots.txt", "", "text/plain", status=404)
        site.static("/feed.xml", rss([(site.url("/busy.html"), "Busy", "", "")]), "text/xml")
        site.sequence("/busy.html", [Answer(503, b"", {"Retry-After": "3600"})])
        settings = settings_for(tmp_path, stages=(), retries=3)
        with open_store(settings.db_path) as store:
            follow(store, site.url("/feed.xml"))
            first = fetch_once(store, settings=settings)
            assert first.deferred == 1 and first.failed == 0
            second = fetch_once(store, settings=settings)
            assert second.pages == 0 and second.deferred == 1
            assert any("asked us to wait until" in e.message for e in second.errors)
            (entry,) = entries(store, "pending")
            assert entry.attempts == 1  # the run that was told to wait did not try
        assert len(site.hits("/busy.html")) == 1 and len(site.hits("/feed.xml")) == 1
    finally:
        site.close()
