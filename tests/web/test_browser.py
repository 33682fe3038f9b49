"""End-to-end checks in a real browser (Debian chromium driven by Playwright).

The app runs under uvicorn in a background thread on a free loopback port, over the same
store as the other web tests. Screenshots go to tests/artifacts/web/ (git-ignored).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(web_db: str) -> Iterator[str]:
    """The app served by uvicorn in a background thread on a free loopback port."""
    import uvicorn

    from dateline.web import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(web_db), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


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
