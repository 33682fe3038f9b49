"""What keeps the web app fast on a large store: handlers off the event loop, one query per
page section (no N+1), paged lists of one shape, read tables kept with each write, a
migration that fills them as the writer does, caches that follow the store, views and exports
that honour the same filters.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from dateline.settings import Settings
from dateline.store import open_store
from dateline.store import read as store_read
from dateline.store.read_events import EventQuery
from dateline.web import create_app
from dateline.web.filters import BadFilter, filter_values, parse_filters

LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="module")
def uncached(web_db: str, web_settings: Settings) -> Iterator[TestClient]:
    """A client of an app that renders every request (no page cache)."""
    extra = web_settings.extra | {"web": web_settings.extra.get("web", {}) | {"page_cache": False}}
    app = create_app(web_db, settings=web_settings.replace(extra=extra))
    with TestClient(app, base_url=LOCAL) as client:
        yield client


@pytest.fixture()
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the request connections run (traced on each ReadStore)."""
    seen: list[str] = []
    original = store_read.ReadStore.__init__

    def traced(self: Any, path: Any) -> None:
        original(self, path)
        self.conn.set_trace_callback(seen.append)

    monkeypatch.setattr(store_read.ReadStore, "__init__", traced)
    return seen


def _queries(statements: list[str]) -> list[str]:
    """Our statements (FTS5's own reads of its tables are traced too, prefixed with --)."""
    return [s for s in statements if not s.startswith(("PRAGMA", "--"))]


def test_store_handlers_are_plain_functions(client: TestClient) -> None:
    """A handler that reads the store runs on the thread pool, never on the event loop."""
    from dateline.web import api, docs, pages

    checked = 0
    for route in [*api.router.routes, *pages.router.routes, *docs.router.routes]:
        if not isinstance(route, APIRoute):
            continue
        endpoint = inspect.unwrap(route.endpoint)
        if "store" in inspect.signature(endpoint).parameters:
            checked += 1
            assert not inspect.iscoroutinefunction(endpoint), route.path
    assert checked >= 20


@pytest.mark.parametrize(
    "path",
    [
        "/timeline?limit={n}",
        "/api/events?limit={n}",
        "/api/claims?limit={n}",
        "/claims?limit={n}",
        "/api/entities?limit={n}",
        "/api/articles?limit={n}",
        "/api/groups?limit={n}",
        "/search?q=refugees&limit={n}",
    ],
)
def test_queries_per_page_do_not_grow_with_the_page(
    uncached: TestClient, statements: list[str], path: str
) -> None:
    """One query per page section: a page of 1 and a page of 40 run the same statements."""
    counts = []
    for n in (1, 40):
        statements.clear()
        response = uncached.get(path.format(n=n))
        assert response.status_code == 200, response.text
        counts.append(len(_queries(statements)))
    assert counts[0] == counts[1], (path, counts)
    assert counts[1] <= 12


def test_an_entity_dossier_and_an_event_page_are_a_few_queries(
    uncached: TestClient, statements: list[str]
) -> None:
    lavrentiev = uncached.get("/api/entities", params={"name": "Lavrentiev"}).json()["items"][0]
    statements.clear()
    dossier = uncached.get(f"/entities/{lavrentiev['id']}")
    assert dossier.status_code == 200
    assert len(_queries(statements)) <= 12
    event = uncached.get("/api/events", params={"min_sources": 2}).json()["items"][0]
    statements.clear()
    assert uncached.get(f"/events/{event['id']}").status_code == 200
    assert len(_queries(statements)) <= 10
    # No page reads whole articles: the JSON column is read only for a few fields by SQLite.
    statements.clear()
    uncached.get("/timeline")
    uncached.get("/api/claims")
    assert not any("SELECT text, data FROM articles" in s for s in statements)


@pytest.mark.parametrize(
    "path",
    [
        "/api/articles",
        "/api/events",
        "/api/entities",
        "/api/claims",
        "/api/groups",
        "/api/search?q=Syria",
    ],
)
def test_every_list_is_paged_the_same_way(client: TestClient, path: str) -> None:
    page = client.get(path + ("&" if "?" in path else "?") + "limit=2&offset=1").json()
    assert set(page) >= {"total", "limit", "offset", "items"}
    assert (page["limit"], page["offset"]) == (2, 1)
    assert len(page["items"]) == min(2, max(0, page["total"] - 1))


def test_the_search_index_is_kept_with_the_articles(web_db: str) -> None:
    """Each article and each claim has its search row, written with it: a search builds nothing."""
    with open_store(web_db) as store:
        conn = store.conn
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
        rows = conn.execute("SELECT kind, count(*) FROM search_index GROUP BY kind").fetchall()
        assert dict((r[0], r[1]) for r in rows) == {"article": articles, "claim": claims}
        per_claim = conn.execute(
            "SELECT count(*) FROM claims c JOIN search_index s ON s.rowid ="
            " (SELECT rowid FROM articles WHERE id = c.article_id) * 4096 + 1 + c.idx"
            " AND s.body = c.content"
        ).fetchone()[0]
        assert per_claim == claims


def test_the_migration_fills_the_read_tables_as_the_writer_does(
    web_db: str, tmp_path: Path
) -> None:
    """A store written before migration 1900 gets the same rows the writer gives."""
    copy = tmp_path / "old.db"
    with sqlite3.connect(web_db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)

    def snapshot(path: Path) -> dict[str, Any]:
        conn = sqlite3.connect(path)
        out = {
            "claims": sorted(
                (*r[:-1], json.loads(r[-1]))
                for r in conn.execute(
                    "SELECT article_id, idx, published, speaker, speaker_start, speaker_end,"
                    " speaker_entity_id, cue, content, content_start, content_end,"
                    " evidence_start, evidence_end, direct, data FROM claims"
                )
            ),
            "search": sorted(
                conn.execute(
                    "SELECT rowid, kind, article_id, ref, outlet, published, title, body"
                    " FROM search_index"
                )
            ),
            "events": sorted(
                conn.execute(
                    "SELECT id, mode, confidence, source_count, parties, place_id, date_start,"
                    " date_end, snippet FROM event_records"
                )
            ),
            "names": sorted(conn.execute("SELECT id, names FROM entities")),
        }
        conn.close()
        return out

    written = snapshot(copy)
    assert written["claims"] and written["events"] and written["names"]
    conn = sqlite3.connect(copy)  # back to the schema before the migration
    conn.executescript(
        """
        DROP TABLE claims;
        DROP TABLE search_index;
        CREATE VIRTUAL TABLE search_index USING fts5(kind UNINDEXED, article_id UNINDEXED,
            ref UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE search_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        DROP INDEX event_records_order; DROP INDEX event_records_span;
        DROP INDEX event_records_type; DROP INDEX event_records_place;
        DROP INDEX event_participants_role; DROP INDEX entities_kind_name;
        DROP TRIGGER entities_names_insert; DROP TRIGGER entities_names_update;
        ALTER TABLE entities DROP COLUMN names;
        DELETE FROM schema_migrations WHERE name = '1900_web_read_tables';
        """
    )
    for column in ("mode", "confidence", "source_count", "parties", "place_id", "date_start",
                   "date_end", "snippet"):  # fmt: skip
        conn.execute(f"ALTER TABLE event_records DROP COLUMN {column}")
    conn.commit()
    conn.close()
    open_store(copy).close()  # migrates
    assert snapshot(copy) == written


def test_pages_follow_the_store(writer: TestClient, auth: dict[str, str]) -> None:
    """A cached page is rendered again once anything is written (here: an entity merge)."""
    people = writer.get("/api/entities", params={"kind": "PERSON", "limit": 500}).json()["items"]
    lavrentiev = next(p for p in people if p["name"] == "Alexander Lavrentiev")
    other = next(p for p in people if p["name"] != lavrentiev["name"] and p["mentions"] == 1)
    before = writer.get("/entities", params={"name": other["name"]}).text
    assert writer.get("/entities", params={"name": other["name"]}).text == before  # cached
    merged = writer.post(
        f"/api/entities/{lavrentiev['id']}/merge", json={"other_id": other["id"]}, headers=auth
    )
    assert merged.status_code == 200
    after = writer.get(f"/api/entities/{lavrentiev['id']}").json()
    assert other["name"] in after["aliases"]
    assert writer.get(f"/api/entities/{other['id']}").status_code == 404
    listing = writer.get("/entities", params={"name": other["name"]}).text
    assert listing != before and f"/entities/{other['id']}" not in listing


def test_filters_in_the_url_select_the_same_events_everywhere(client: TestClient) -> None:
    params = {"type": "CONSULT", "actor": "Lavrentiev", "min_confidence": "0.5"}
    listed = client.get("/api/events", params=params | {"limit": 500}).json()
    assert listed["total"] >= 2
    exported = client.get("/api/events/export", params=params | {"format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["id"] for r in rows] == [e["id"] for e in listed["items"]]
    assert all(r["type"] == "CONSULT" and float(r["confidence"]) >= 0.5 for r in rows)
    as_json = client.get("/api/events/export", params=params | {"format": "json"}).json()
    assert [e["id"] for e in as_json] == [e["id"] for e in listed["items"]]
    geo = client.get("/api/events/export", params=params | {"format": "geojson"}).json()
    placed = {e["id"] for e in listed["items"] if e["place"]}
    assert geo["type"] == "FeatureCollection" and geo["features"]
    assert {f["properties"]["event_id"] for f in geo["features"]} <= placed
    damascus = next(f for f in geo["features"] if f["properties"]["place"] == "Damascus")
    lon, lat = damascus["geometry"]["coordinates"]
    assert 33.0 < lat < 34.0 and 36.0 < lon < 37.0
    page = client.get("/timeline", params=params).text
    for fmt in ("csv", "json", "geojson"):
        assert f"format={fmt}" in page and "actor=Lavrentiev" in page


def test_map_and_network_data(client: TestClient) -> None:
    points = client.get("/api/map").json()
    damascus = next(p for p in points["events"] if p["name"] == "Damascus")
    assert damascus["events"] >= 3 and 33.0 < damascus["lat"] < 34.0
    assert points["places"], "the unfiltered map also shows the places articles mention"
    graph = client.get("/api/network", params={"type": "CONSULT"}).json()
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    pairs = {(names[e["source"]], names[e["target"]]) for e in graph["edges"]}
    assert ("Alexander Lavrentiev", "Bashar Al-Assad") in pairs
    assert all(set(e["types"]) == {"CONSULT"} for e in graph["edges"])


def test_timeline_chart_and_facets(client: TestClient) -> None:
    html = client.get("/timeline").text
    assert '<svg id="tl-chart"' in html and 'class="bar"' in html
    assert "date_from=" in html and "date_to=" in html  # each bar filters on click
    assert html.count('class="mark') >= 5  # this page's events on the same axis
    assert 'href="/timeline?type=CONSULT"' in html  # a clickable type facet
    narrowed = client.get("/timeline", params={"type": "CONSULT"}).text
    assert '<li class="on"><a href="/timeline">CONSULT</a>' in narrowed  # a click removes it
    search = client.get("/search", params={"q": "refugees"}).text
    assert "/search?q=refugees&amp;year=" in search  # facets of a search narrow it
    year = client.get("/api/search", params={"q": "refugees", "year": "2021"}).json()
    assert year["total"] >= 1 and all(h["published"].startswith("2021") for h in year["items"])


def test_docs_work_offline_under_the_policy(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        response = client.get(path)
        assert response.status_code == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        html = response.text
        assert "<script>" not in html and "http" not in html.replace("http-equiv", "")
    assert client.get("/static-docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static-docs/redoc.standalone.js").status_code == 200
    assert client.get("/static/docs-init.js").status_code == 200


@given(
    kind=st.sampled_from([None, "CONSULT", "accuse"]),
    actor=st.one_of(st.none(), st.text(max_size=30)),
    first=st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2100, 1, 1))),
    days=st.integers(0, 4000),
    sources=st.integers(1, 10_000),
    confidence=st.floats(0.0, 1.0, allow_nan=False),
)
def test_filters_survive_the_url(
    kind: str | None,
    actor: str | None,
    first: date | None,
    days: int,
    sources: int,
    confidence: float,
) -> None:
    """Any filter written to the URL reads back as the same query."""
    last = date.fromordinal(first.toordinal() + days) if first else None
    raw = {
        "type": kind or "",
        "actor": actor or "",
        "date_from": first.isoformat() if first else "",
        "date_to": last.isoformat() if last else "",
        "min_sources": str(sources),
        "min_confidence": repr(confidence),
    }
    try:
        query = parse_filters(raw)
    except BadFilter as exc:
        assert actor is not None and len(actor.strip()) > 200, exc
        return
    assert isinstance(query, EventQuery)
    assert parse_filters(filter_values(query)) == query
