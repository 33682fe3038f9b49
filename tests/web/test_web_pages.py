"""HTML pages: what each shows, escaping of article text, security headers."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from markupsafe import Markup

from dateline.web.highlight import Highlight, highlight
from dateline.web.pages import ENV


def _meeting_id(client: TestClient) -> str:
    events = client.get(
        "/api/events",
        params={"entity": "Lavrentiev", "date_from": "2020-10-29", "date_to": "2020-10-29"},
    ).json()["items"]
    return next(e["id"] for e in events if any("Assad" in p["name"] for p in e["recipients"]))


def test_overview_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<b>6</b> articles" in html
    assert 'href="/timeline"' in html and 'href="/static/style.css"' in html


def test_security_headers_on_pages(client: TestClient) -> None:
    for url in ("/", "/timeline", "/search?q=Rukban"):
        csp = client.get(url).headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert client.get("/").headers["x-content-type-options"] == "nosniff"


def test_autoescape_is_on_for_every_template() -> None:
    assert ENV.autoescape is True
    template = ENV.from_string("{{ x }}")
    assert template.render(x="<script>") == "&lt;script&gt;"


def test_timeline_page(client: TestClient) -> None:
    html = client.get("/timeline").text
    dates = re.findall(r'<li class="tl-event (?:firm|soft)[^"]*" data-date="([^"]+)"', html)
    assert dates and dates == sorted(dates)
    assert "2020-10-29" in dates and "2021-11-17" in dates
    assert "Undated events" in html
    assert html.index("Undated events") > html.index('data-date="2021-11-17"')
    assert 'class="legend"' in html and "inferred-from-twin" in html
    assert "date-soft" in html and "date-firm" in html
    assert '<form class="filters" action="/timeline" method="get">' in html


def test_timeline_filters(client: TestClient) -> None:
    html = client.get("/timeline", params={"type": "CONSULT", "date_from": "2021-01-01"}).text
    dates = re.findall(r'data-date="([^"]+)"', html)
    assert dates and all(d >= "2021" for d in dates)
    assert '<option value="CONSULT" selected>' in html
    bad = client.get("/timeline", params={"type": "PARTY"})
    assert bad.status_code == 422 and "not a PLOVER type" in bad.text
    assert bad.headers["content-type"].startswith("text/html")
    bad_date = client.get("/timeline", params={"date_to": "2020-02-30"})
    assert bad_date.status_code == 422


def test_inferred_dates_are_marked(client: TestClient, ids: dict[str, str]) -> None:
    html = client.get(f"/articles/{ids['002']}").text
    assert re.search(r'class="date date-soft origin-inferred-from-twin"', html)
    assert f'href="/articles/{ids["001"]}"' in html  # the twin it came from


def test_event_page_lists_both_sources(client: TestClient, ids: dict[str, str]) -> None:
    html = client.get(f"/events/{_meeting_id(client)}").text
    assert f'data-article="{ids["001"]}"' in html and f'data-article="{ids["002"]}"' in html
    assert html.count('<mark class="evidence"') >= 4  # listed and highlighted in each text
    assert "CONSULT" in html and "2020-10-29" in html
    assert "Alexander Lavrentiev" in html and "Bashar Al-Assad" in html
    assert "Claims in these articles" in html


def test_event_page_unknown_is_404(client: TestClient) -> None:
    response = client.get("/events/ev-nothing")
    assert response.status_code == 404 and "no event" in response.text


def test_entity_page(client: TestClient) -> None:
    items = client.get("/api/entities", params={"name": "Lavrentiev"}).json()["items"]
    html = client.get(f"/entities/{items[0]['id']}").text
    assert "Alexander Lavrentiev" in html and "Lavrenteev" in html
    assert "Claims over time" in html and 'href="/events/' in html
    assert client.get("/entities/ent-none").status_code == 404


def test_article_page_highlights(client: TestClient, ids: dict[str, str]) -> None:
    html = client.get(f"/articles/{ids['000']}").text
    assert '<mark class="ent ent-person"' in html
    assert '<mark class="time"' in html
    assert re.search(r'<mark class="[^"]*quote', html)
    assert "Provenance notes" in html and "disclaimer" in html
    assert 'action="/articles/' in html and 'name="other"' in html
    assert "publisher did not verify" in html


def test_compare_form_and_page(client: TestClient, ids: dict[str, str]) -> None:
    response = client.get(
        f"/articles/{ids['001']}/compare", params={"other": ids["002"][:8]}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/articles/{ids['001']}/compare/{ids['002'][:8]}"
    html = client.get(response.headers["location"]).text
    assert "Shared passages" in html
    only_b = html[html.index("Only in B") :]
    assert "It is noteworthy that Russia" in only_b


def test_search_page(client: TestClient) -> None:
    html = client.get("/search", params={"q": "Rukban"}).text
    assert '<mark class="hit">Rukban</mark>' in html
    assert "Outlet" in html and "Year" in html
    assert client.get("/search").status_code == 200


def test_listing_pages(client: TestClient) -> None:
    assert "Articles" in client.get("/articles").text
    assert "Alexander Lavrentiev" in client.get("/entities").text
    assert "Makhlouf" in client.get("/claims").text
    assert "same-event" in client.get("/groups").text
    assert client.get("/articles?limit=0").status_code == 422
    assert client.get("/no/such/page").status_code == 404


def test_hostile_article_is_shown_as_text(client: TestClient, hostile_id: str) -> None:
    article = client.get(f"/api/articles/{hostile_id}").json()
    assert "<script>alert(1)</script>" in article["text"]  # the data keeps what was written
    html = client.get(f"/articles/{hostile_id}").text
    assert "<script>alert(1)" not in html
    assert "<script>alert(3)" not in html
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in html
    for page in ("/search?q=alert", "/articles", "/claims", "/map", "/network"):
        assert "<script" not in client.get(page).text.lower()
    # The timeline loads our own brushing script, and no other.
    timeline = client.get("/timeline", params={"actor": "alert"}).text.lower()
    assert re.findall(r"<script[^>]*>", timeline) == ['<script src="/static/timeline.js" defer>']


def test_highlight_escapes_every_piece() -> None:
    text = 'a <b>"x"</b> & <script>y</script>'
    html = highlight(text, [Highlight(2, 12, "ent", 'title "q" <t>', "/e/1"),
                            Highlight(15, 33, "quote")])  # fmt: skip
    assert isinstance(html, Markup)
    assert "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;&#34;x&#34;&lt;/b&gt;" in html
    assert 'title="title &#34;q&#34; &lt;t&gt;"' in html
    assert '<mark class="quote">&lt;script&gt;y&lt;/script&gt;</mark>' in html


def test_highlight_overlaps_and_bad_spans() -> None:
    html = highlight("abcdef", [Highlight(0, 4, "quote"), Highlight(2, 6, "ent"),
                                Highlight(5, 99, "time"), Highlight(3, 3, "time")])  # fmt: skip
    assert str(html) == (
        '<mark class="quote">ab</mark><mark class="ent quote">cd</mark><mark class="ent">ef</mark>'
    )
