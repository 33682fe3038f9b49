"""Provenance on the pages, the API, the CLI and in exports, over four bundled examples.

The Nahrabad Herald page (outlet and canonical URL from its metadata), QNA's report (which
credits QNA) and Meridian's undated rewrite of the same visit, and Velgorod Today's untitled
article. The last tests drive Debian's chromium through Playwright (skipped without it).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import served
from typer.testing import CliRunner

from dateline.cli import app
from dateline.export import articles_frame, claims_frame, events_frame, plover_records
from dateline.ingest import ingest
from dateline.link.run import link_corpus
from dateline.settings import Settings, load_settings
from dateline.store import open_store
from dateline.web import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = (
    "nahrabad-herald-envoy-visit.html",
    "qna-envoy-received.txt",
    "meridian-post-envoy-visit.txt",
    "velgorod-today-returns-committee.txt",
)
HERALD_URL = "https://nahrabad-herald.example/politics/2024/03/13/sidorenko-meets-al-hamdani"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"  # git-ignored


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four examples copied to a folder whose absolute path no page may show."""
    target = tmp_path_factory.mktemp("server-side-secret-path")
    for name in FILES:
        shutil.copy(EXAMPLES / name, target / name)
    return target


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(None, data_dir=str(tmp_path_factory.mktemp("prov")), db="prov.db")


@pytest.fixture(scope="module")
def db(folder: Path, settings: Settings) -> str:
    with open_store(settings.db_path) as store:
        report = ingest([folder], store=store, settings=settings, workers=1)
        assert report.failed == 0, report.errors
        link_corpus(store, settings=settings)
    return str(settings.db_path)


@pytest.fixture(scope="module")
def client(db: str, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(db, settings=settings), base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture(scope="module")
def by_file(client: TestClient) -> dict[str, dict[str, Any]]:
    items = client.get("/api/articles", params={"limit": 50}).json()["items"]
    return {Path(a["source_path"]).name: a for a in items}


def _visit(client: TestClient, by_file: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The record of Sidorenko's visit to al-Hamdani (E1), which QNA and the Herald report."""
    herald = by_file["nahrabad-herald-envoy-visit.html"]["id"]
    qna = by_file["qna-envoy-received.txt"]["id"]
    events = client.get("/api/events", params={"limit": 500}).json()["items"]
    return next(e for e in events if {s["article_id"] for s in e["sources"]} >= {herald, qna})


def test_articles_json_has_the_pages_outlet_and_url(db: str) -> None:
    result = CliRunner().invoke(app, ["articles", "--json", "--db", db])
    assert result.exit_code == 0
    rows = {Path(a["source_path"]).name: a for a in json.loads(result.stdout)}
    herald = rows["nahrabad-herald-envoy-visit.html"]
    assert (herald["outlet"], herald["url"]) == ("Nahrabad Herald", HERALD_URL)
    qna = rows["qna-envoy-received.txt"]
    assert [o["name"] for o in qna["original_sources"]] == ["QNA"]
    assert qna["outlet"] is None  # a text file names no outlet; nothing is made up
    table = CliRunner().invoke(app, ["articles", "--db", db]).stdout
    assert "Nahrabad Herald" in table


def test_article_page_shows_outlet_url_and_original_source(
    client: TestClient, by_file: dict[str, dict[str, Any]]
) -> None:
    page = client.get(f"/articles/{by_file['nahrabad-herald-envoy-visit.html']['id']}").text
    assert "<dt>Outlet</dt><dd>Nahrabad Herald</dd>" in page
    assert HERALD_URL in page
    qna = client.get(f"/articles/{by_file['qna-envoy-received.txt']['id']}").text
    assert '<dt>Original source</dt><dd class="original-source">QNA' in qna


def test_no_page_or_listing_shows_a_server_path(
    client: TestClient, folder: Path, db: str, by_file: dict[str, dict[str, Any]]
) -> None:
    untitled = by_file["velgorod-today-returns-committee.txt"]
    assert untitled["title"] is None
    assert untitled["label"].startswith("(untitled) A Belovian delegation")
    pages = ["/groups", "/articles", "/timeline"]
    pages += [f"/articles/{a['id']}" for a in by_file.values()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200 and str(folder) not in response.text, url
    groups = CliRunner().invoke(app, ["groups", "--db", db]).stdout
    assert str(folder) not in groups and "(untitled) A Belovian delegation" in groups


def test_event_sources_show_their_outlets_and_date_origins(
    client: TestClient, by_file: dict[str, dict[str, Any]]
) -> None:
    visit = _visit(client, by_file)
    assert visit["id"].startswith("ev-")
    outlets = {s["article_id"]: s["outlet"] for s in visit["sources"]}
    assert outlets[by_file["nahrabad-herald-envoy-visit.html"]["id"]] == "Nahrabad Herald"
    page = client.get(f"/events/{visit['id']}").text
    assert '<span class="outlet">Nahrabad Herald</span>' in page
    assert '<span class="outlet">outlet unknown</span>' in page  # QNA's text names none ...
    assert '<span class="original-source">credits QNA</span>' in page  # ... but credits QNA
    assert "origin-html-meta" in page and "origin-header" in page


def test_a_publication_date_is_a_guess_everywhere(client: TestClient, db: str) -> None:
    events = client.get("/api/events", params={"limit": 500}).json()["items"]
    guessed = [e for e in events if e["date"]["origin"] == "publication-date"]
    assert guessed and all(e["date"]["firm"] is False for e in guessed)
    page = client.get(f"/events/{guessed[0]['id']}").text
    assert 'class="date date-soft origin-publication-date"' in page
    legend = page[page.index('<p class="legend">') :]
    legend = legend[: legend.index("</p>")]
    assert "a guess, not firm" in legend and "publication-date" in legend.split("a guess")[1]
    timeline = CliRunner().invoke(app, ["timeline", "--db", db]).stdout
    assert "publication-date (guess)" in timeline
    with open_store(db) as store:
        frame = events_frame(store)
        plover = plover_records(store)
    rows = frame[frame["date_origin"] == "publication-date"]
    assert len(rows) and not rows["date_firm"].any()
    assert frame[frame["date_origin"] == "resolved-relative"]["date_firm"].all()
    assert all(
        not p["date_info"]["firm"] for p in plover if p["date_info"]["origin"] == "publication-date"
    )


def test_exports_carry_provenance(db: str) -> None:
    with open_store(db) as store:
        articles = articles_frame(store).set_index("source_path")
        claims = claims_frame(store)
    herald = articles.loc[next(p for p in articles.index if p.endswith(".html"))]
    assert herald["canonical_url"] == HERALD_URL and herald["outlet"] == "Nahrabad Herald"
    assert bool(herald["published_firm"])
    qna = articles.loc[next(p for p in articles.index if p.endswith("qna-envoy-received.txt"))]
    assert qna["original_sources"] == "QNA"
    assert "source" in claims.columns


# -- in a real browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(db: str) -> Iterator[str]:
    with served(db) as url:
        yield url


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip("no browser at /usr/bin/chromium (apt-get install -y chromium)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        yield tab
        browser.close()


def test_browser_event_page_shows_each_source(
    page: Any, base_url: str, client: TestClient, by_file: dict[str, dict[str, Any]]
) -> None:
    visit = _visit(client, by_file)
    page.goto(f"{base_url}/timeline")
    page.locator(f'a.ev-link[href="/events/{visit["id"]}"]').first.click()
    page.wait_for_url(f"**/events/{visit['id']}")
    cards = page.locator("article.source")
    assert cards.count() == len(visit["sources"]) >= 2
    seen = {}
    for card in cards.all():
        meta = card.locator("p.meta")
        seen[card.get_attribute("data-article")] = (
            meta.locator(".outlet").inner_text(),
            meta.locator(".origin").first.inner_text(),
        )
    herald = by_file["nahrabad-herald-envoy-visit.html"]["id"]
    qna = by_file["qna-envoy-received.txt"]["id"]
    assert seen[herald] == ("Nahrabad Herald", "html-meta")
    assert seen[qna] == ("outlet unknown", "header")
    credit = page.locator(f'article.source[data-article="{qna}"] .original-source')
    assert credit.inner_text() == "credits QNA"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "event-sources.png"), full_page=True)


def test_browser_publication_date_is_visibly_not_firm(
    page: Any, base_url: str, client: TestClient
) -> None:
    guessed = next(
        e
        for e in client.get("/api/events", params={"limit": 500}).json()["items"]
        if e["date"]["origin"] == "publication-date"
    )
    page.goto(f"{base_url}/events/{guessed['id']}")
    date = page.locator("dl.facts .date").first
    assert "date-soft" in (date.get_attribute("class") or "")
    assert date.evaluate("e => getComputedStyle(e).borderStyle") == "dashed"
    assert date.evaluate("e => getComputedStyle(e).fontStyle") == "italic"
    firm = page.locator(".legend .date-firm").first
    assert firm.evaluate("e => getComputedStyle(e).borderStyle") != "dashed"
    assert "publication-date" in page.locator(".legend").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "event-guessed-date.png"), full_page=True)
