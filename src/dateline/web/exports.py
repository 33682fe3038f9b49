"""Export this view: every event the current filters select, as CSV, JSON or GeoJSON.

The response streams: records are read and rendered a chunk at a time from one read-only
connection, which the generator closes when it ends (or when the client goes away), so an
export of a whole corpus holds neither the corpus in memory nor a thread of the event loop.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from fastapi.responses import StreamingResponse

from dateline.export_geo import geojson_collection
from dateline.store.read import ReadStore
from dateline.store.read_events import EventQuery
from dateline.web import data
from dateline.web.filters import filter_values

CSV_COLUMNS = (
    "id", "date", "date_origin", "date_granularity", "type", "mode", "cameo", "confidence",
    "actors", "actor_ids", "recipients", "recipient_ids", "attendees", "attendee_ids",
    "place", "place_id", "source_count", "article_ids", "snippet",
)  # fmt: skip
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
         "geojson": "application/geo+json"}  # fmt: skip


def csv_row(view: dict[str, Any]) -> list[Any]:
    """One CSV row of an event view; lists join their items with '|'."""

    def names(items: list[dict[str, Any]]) -> str:
        return "|".join(str(p["name"]) for p in items)

    def ids(items: list[dict[str, Any]]) -> str:
        return "|".join(str(p["id"]) for p in items)

    place = view["place"] or {}
    return [
        view["id"], view["date"]["value"] or "", view["date"]["origin"],
        view["date"]["granularity"], view["type"], view["mode"] or "", view["cameo"] or "",
        view["confidence"], names(view["actors"]), ids(view["actors"]),
        names(view["recipients"]), ids(view["recipients"]), names(view["attendees"]),
        ids(view["attendees"]), place.get("name", ""), place.get("id", ""),
        view["source_count"], "|".join(s["article_id"] for s in view["sources"]),
        view.get("snippet") or "",
    ]  # fmt: skip


def _csv(store: ReadStore, query: EventQuery) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for i, view in enumerate(data.iter_event_views(store, query), start=1):
        writer.writerow(csv_row(view))
        if i % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(store: ReadStore, query: EventQuery) -> Iterator[str]:
    yield "["
    for i, view in enumerate(data.iter_event_views(store, query)):
        yield ("," if i else "") + "\n" + json.dumps(view, ensure_ascii=False)
    yield "\n]\n"


def _geojson(store: ReadStore, query: EventQuery) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    chunk: list[Any] = []

    def flush() -> Iterator[str]:
        nonlocal first
        places = {r.place for r in chunk if r.place}
        entities = data.entities_by_id(store, {p for p in places if p})
        for feature in geojson_collection(chunk, entities)["features"]:
            yield ("" if first else ",") + "\n" + json.dumps(feature, ensure_ascii=False)
            first = False

    for record in data.iter_event_records(store, query):
        chunk.append(record)
        if len(chunk) >= 500:
            yield from flush()
            chunk = []
    yield from flush()
    yield "\n]}\n"


def export_response(db_path: str, query: EventQuery, fmt: str) -> StreamingResponse:
    """A streamed download of the filtered events in `fmt` (csv, json or geojson)."""
    writers = {"csv": _csv, "json": _json, "geojson": _geojson}
    store = ReadStore(db_path)

    def body() -> Iterator[str]:
        try:
            yield from writers[fmt](store, query)
        finally:
            store.close()

    name = "events" + "".join(f"-{v}" for v in filter_values(query).values())
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:120]
    return StreamingResponse(
        body(),
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{safe}.{fmt}"'},
    )
