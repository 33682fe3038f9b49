"""End-to-end checks in a real browser (Debian chromium driven by Playwright).

The app runs under uvicorn in a background thread on a free loopback port, over the same
store as the other web tests. Screenshots go to tests/artifacts/web/ (git-ignored).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import served

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
if not CHROMIUM.exists():
    pytest.skip(
        "no browser at /usr/bin/chromium (apt-get install -y chromium)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def base_url(web_db: str) -> Iterator[str]:
    """The app served by uvicorn in a background thread on a free loopback port."""
    with served(web_db) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, launched by Playwright (no browser download)."""
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records dialogs and page errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.dialogs = []
    tab.errors = []

    def on_dialog(dialog: Any) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


def _api(base_url: str, path: str, **params: str) -> Any:
    url = f"{base_url}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def test_timeline_in_date_order(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/timeline")
    dates = page.locator("li.tl-event[data-date]").evaluate_all(
        "els => els.map(e => e.dataset.date)"
    )
    assert dates and dates == sorted(dates)
    assert "2020-10-29" in dates and "2021-11-17" in dates
    assert page.locator("li.undated-head ~ li.tl-event:not([data-date])").count() > 0
    soft = page.locator(".date-soft").first
    assert soft.evaluate("e => getComputedStyle(e).borderStyle") == "dashed"
    assert page.errors == [] and page.dialogs == []
    assert _screenshot(page, "timeline.png").stat().st_size > 10_000


def test_event_page_lists_both_sources(page: Any, base_url: str, ids: dict[str, str]) -> None:
    events = _api(
        base_url, "/api/events", entity="Lavrentiev", date_from="2020-10-29", date_to="2020-10-29"
    )["items"]
    meeting = next(e for e in events if any("Assad" in p["name"] for p in e["recipients"]))
    page.goto(f"{base_url}/timeline")
    page.locator(f'a.ev-link[href="/events/{meeting["id"]}"]').click()
    page.wait_for_url(f"**/events/{meeting['id']}")
    sources = page.locator("article.source").evaluate_all("els => els.map(e => e.dataset.article)")
    assert set(sources) == {ids["001"], ids["002"]}
    for article in page.locator("article.source").all():
        assert article.locator(".text mark.evidence").count() >= 1
    assert page.locator("dl.facts").inner_text().count("2020-10-29") >= 1
    _screenshot(page, "event.png")


def test_search_finds_rukban(page: Any, base_url: str, ids: dict[str, str]) -> None:
    page.goto(f"{base_url}/")
    page.locator("header input[name=q]").fill("Rukban")
    page.locator("header input[name=q]").press("Enter")
    page.wait_for_url("**/search?q=Rukban")
    assert page.locator("mark.hit").first.inner_text() == "Rukban"
    page.locator("ol.hits a").first.click()
    page.wait_for_url(f"**/articles/{ids['004']}")


def test_hostile_article_does_not_run(page: Any, base_url: str, hostile_id: str) -> None:
    page.goto(f"{base_url}/articles/{hostile_id}")
    text = page.locator(".article-text").inner_text()
    assert "<script>alert(1)</script>" in text
    assert '<img src=x onerror="alert(2)">' in text
    assert page.locator("h1").inner_text().endswith("<script>alert(3)</script>")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("script").count() == 0
    assert page.locator("main img").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.errors == []


# -- time, place and network views ------------------------------------------------------------


def _bars(page: Any) -> list[dict[str, Any]]:
    return page.locator("#tl-chart rect.bar").evaluate_all(
        "els => els.map(e => ({x: +e.getAttribute('x'), start: e.dataset.start,"
        " end: e.dataset.end, count: +e.dataset.count}))"
    )


def test_time_axis_is_proportional_and_a_bar_filters(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/timeline")
    bars = _bars(page)
    assert len(bars) >= 2
    first, last = bars[0], bars[-1]
    chart = page.locator("#tl-chart")
    # A bucket (week, month) may start before the axis does: its bar starts at the axis.
    axis_first = date.fromisoformat(chart.get_attribute("data-first"))
    start = max(date.fromisoformat(first["start"]), axis_first)
    days = (max(date.fromisoformat(last["start"]), axis_first) - start).days
    span_days = int(chart.get_attribute("data-days"))
    width = float(chart.get_attribute("data-right")) - float(chart.get_attribute("data-left"))
    # x is proportional to time: the gap between two bars is their days apart on the scale.
    assert abs((last["x"] - first["x"]) - days / span_days * width) < 1.0
    assert page.locator("#tl-chart .tick-label").count() >= 3
    _screenshot(page, "timeline-axis.png")
    target = max(bars, key=lambda b: b["count"])
    page.locator(f'#tl-chart rect.bar[data-start="{target["start"]}"]').click()
    page.wait_for_url("**date_from=**")
    assert f"date_from={target['start']}" in page.url and f"date_to={target['end']}" in page.url
    dates = page.locator("li.tl-event").evaluate_all("els => els.map(e => e.dataset.date)")
    assert dates and all(d and target["start"][:4] <= d[:10] for d in dates)
    assert page.locator("li.tl-event").count() >= target["count"]
    assert page.errors == [] and page.dialogs == []
    _screenshot(page, "timeline-bar-filter.png")


def test_brushing_the_histogram_chooses_dates(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/timeline?type=CONSULT")
    box = page.locator("#tl-chart").bounding_box()
    y = box["y"] + box["height"] * 0.1
    page.mouse.move(box["x"] + box["width"] * 0.55, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, y, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.97, y, steps=5)
    page.mouse.up()
    page.wait_for_url("**date_to=**")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query["type"] == ["CONSULT"]  # the other filters are kept
    start, end = date.fromisoformat(query["date_from"][0]), date.fromisoformat(query["date_to"][0])
    assert start < end
    dates = page.locator("li.tl-event[data-date]").evaluate_all(
        "els => els.map(e => e.dataset.date)"
    )
    for value in dates:  # every dated row overlaps the brushed range
        assert value[:4] >= str(start.year - 1) and value[:4] <= str(end.year)
    assert page.errors == []


def test_map_places_events_over_country_outlines(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/map")
    damascus = page.locator("#map circle.event-pt[data-place]").filter(
        has=page.locator("title", has_text="Damascus")
    )
    assert damascus.count() == 1
    cx, cy = float(damascus.get_attribute("cx")), float(damascus.get_attribute("cy"))
    assert 36.0 < cx < 36.5 and -34.0 < cy < -33.0  # x = longitude, y = -latitude
    outlines = page.evaluate(
        "fetch('/map/basemap.svg').then(r => r.text()).then(t => [t.length, t.includes('c-SYR')])"
    )
    assert outlines[0] > 100_000 and outlines[1]
    loaded = page.locator("#map image").evaluate("e => e.getBBox().width")
    assert loaded == 360
    assert page.locator("#map").bounding_box()["width"] > 600
    _screenshot(page, "map.png")
    damascus.click()
    page.wait_for_url("**/timeline?place=**")
    assert page.locator("li.tl-event .place").first.inner_text() == "in Damascus"
    assert page.errors == []


def test_actor_network_links_participants(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/network")
    assert page.locator("#network circle.node").count() >= 4
    assert page.locator("#network line.edge").count() >= 3
    labels = page.locator("#network .node-labels text").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert "Alexander Lavrentiev" in labels and "Bashar Al-Assad" in labels
    _screenshot(page, "network.png")
    node = page.locator("#network a").filter(
        has=page.locator("title", has_text="Alexander Lavrentiev")
    )
    node.first.click()
    page.wait_for_url("**/entities/**")
    assert page.locator("h1").inner_text().startswith("Alexander Lavrentiev")
    assert page.errors == []


def test_api_docs_render_offline_under_the_policy(page: Any, base_url: str) -> None:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    external: list[str] = []
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(base_url) else None,
    )
    page.goto(f"{base_url}/docs")
    page.locator(".opblock").first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() >= 15
    assert refused == [] and external == []
    _screenshot(page, "docs.png")
