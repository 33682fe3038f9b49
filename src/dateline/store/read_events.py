"""Event records as readers ask for them: filtered, paged, counted per day, place and pair.

Every function answers one page section with one SQL query over the indexed columns of
`event_records` (migration `1900_web_read_tables`) and `event_participants`; none loads all
records or any article. `EventQuery` holds the filters the web app, its API and the CLI
share; `event_where` turns it into one WHERE clause, so a new filter (review state, issue 22)
is one field here plus one clause.
"""

from __future__ import annotations

import calendar
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateline.model import EventRecord, from_dict
from dateline.store.db import Store

# Date buckets of the histogram: SQLite date expressions giving a bucket's first day.
BUCKETS = {
    "day": "r.date_start",
    "week": "date(r.date_start, '-' || ((CAST(strftime('%w', r.date_start) AS INTEGER) + 6) % 7)"
    " || ' days')",
    "month": "substr(r.date_start, 1, 7) || '-01'",
}
BUCKET_DAYS = {"day": 1, "week": 7, "month": 31}
ORDER = "coalesce(r.date, '~'), r.id"  # chronological, undated last (index event_records_order)


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Filters over event records; empty fields do not filter.

    `actor` and `place` are entity ids or pieces of a name or alias (case-insensitive for
    ASCII letters); `actor` matches any side of an event (actor, recipient or attendee).
    `date_from`/`date_to` keep records whose date (a day, week, month, quarter or year)
    overlaps the range, so undated records drop out of a dated view.
    """

    type: str | None = None
    actor: str | None = None
    place: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    min_sources: int = 1
    min_confidence: float = 0.0

    def narrowed(self, **changes: Any) -> EventQuery:
        """A copy with some filters changed."""
        return dataclasses.replace(self, **changes)


def _names_match(column: str, needle: str) -> tuple[str, list[Any]]:
    """SQL matching an entity id exactly or a piece of its name or aliases."""
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    variants = list(dict.fromkeys([pattern, pattern.lower(), pattern.upper(), pattern.title()]))
    likes = " OR ".join("names LIKE ? ESCAPE '\\'" for _ in variants)
    return f"{column} IN (SELECT id FROM entities WHERE id = ? OR {likes})", [needle, *variants]


def event_where(query: EventQuery) -> tuple[str, list[Any]]:
    """The WHERE clause (over `event_records r`) and its arguments for a query."""
    clauses: list[str] = []
    args: list[Any] = []
    if query.type:
        clauses.append("r.type = ?")
        args.append(query.type)
    if query.date_from:
        clauses.append("r.date_end >= ?")
        args.append(query.date_from.isoformat())
    if query.date_to:
        clauses.append("r.date_start <= ?")
        args.append(query.date_to.isoformat())
    if query.min_sources > 1:
        clauses.append("r.source_count >= ?")
        args.append(query.min_sources)
    if query.min_confidence > 0:
        clauses.append("r.confidence >= ?")
        args.append(query.min_confidence)
    if query.place:
        sql, more = _names_match("r.place_id", query.place)
        clauses.append(sql)
        args += more
    if query.actor:
        sql, more = _names_match("p.entity_id", query.actor)
        clauses.append(
            "r.id IN (SELECT p.event_id FROM event_participants p"
            f" WHERE p.role != 'place' AND {sql})"
        )
        args += more
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def date_period(value: str | None) -> tuple[date, date] | None:
    """The first and last day an ISO date prefix (YYYY, YYYY-MM, YYYY-MM-DD) covers."""
    if not value:
        return None
    try:
        if len(value) >= 10:
            day = date.fromisoformat(value[:10])
            return day, day
        year = int(value[:4])
        if len(value) >= 7 and value[4] == "-" and value[5:7].isdigit():
            month = int(value[5:7])
            last = calendar.monthrange(year, month)[1]
            return date(year, month, 1), date(year, month, last)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def article_event_rows(
    store: Store, kind: str | None = None, min_confidence: float = 0.0
) -> list[tuple[str, str | None, str, dict[str, Any]]]:
    """Every article's own events as (article id, title, text, event dict), in date order.

    SQLite walks the articles' JSON for the events (type and confidence filtered there), so
    no article is deserialised in Python; undated events come last.
    """
    clauses = []
    args: list[Any] = []
    if kind:
        clauses.append("json_extract(e.value, '$.type') = ?")
        args.append(kind)
    if min_confidence > 0:
        clauses.append("coalesce(json_extract(e.value, '$.confidence'), 1.0) >= ?")
        args.append(min_confidence)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = store.conn.execute(
        "SELECT a.id, a.title, a.text, e.value, json_extract(e.value, '$.date.value') AS d"
        f" FROM articles a, json_each(a.data, '$.events') e{where}"
        " ORDER BY d IS NULL, d, a.id, CAST(e.key AS INTEGER)",
        args,
    ).fetchall()
    return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]


def _records(rows: list[Any]) -> list[dict[str, Any]]:
    """Records as their stored JSON dicts (`dateline.model.to_dict(EventRecord)` shape).

    Pages render dicts: building EventRecord objects costs more than the rest of a page.
    """
    return [json.loads(r[0]) for r in rows]


def as_records(dicts: list[dict[str, Any]]) -> list[EventRecord]:
    """Record dicts as EventRecord objects."""
    return [from_dict(EventRecord, d) for d in dicts]


def count_events(store: Store, query: EventQuery) -> int:
    """How many records match."""
    where, args = event_where(query)
    sql = "SELECT count(*) FROM event_records r" + where
    return int(store.conn.execute(sql, args).fetchone()[0])


def event_page(
    store: Store, query: EventQuery, *, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    """One page of matching records (stored dicts) in time order (undated last)."""
    where, args = event_where(query)
    rows = store.conn.execute(
        f"SELECT r.data FROM event_records r{where} ORDER BY {ORDER} LIMIT ? OFFSET ?",
        (*args, limit, offset),
    ).fetchall()
    return _records(rows)


def iter_events(store: Store, query: EventQuery, *, chunk: int = 500) -> Iterator[dict[str, Any]]:
    """Every matching record in time order, read `chunk` at a time (for exports)."""
    where, args = event_where(query)
    cursor = store.conn.execute(f"SELECT r.data FROM event_records r{where} ORDER BY {ORDER}", args)
    while rows := cursor.fetchmany(chunk):
        yield from _records(rows)


def event_snippets(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per record id: snippet (first evidence, cut short), parties, days its date covers."""
    if not ids:
        return {}
    rows = store.conn.execute(
        "SELECT id, snippet, parties, date_start, date_end FROM event_records"
        " WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    )
    return {
        r[0]: {"snippet": r[1], "parties": r[2], "date_start": r[3], "date_end": r[4]} for r in rows
    }


@dataclass(frozen=True, slots=True)
class Extent:
    """The days matching records cover, and how many have a date precise enough to draw."""

    first: date | None
    last: date | None
    dated: int
    undated: int


def event_extent(store: Store, query: EventQuery) -> Extent:
    """First and last day of the matching dated records, and dated/undated counts."""
    where, args = event_where(query)
    row = store.conn.execute(
        "SELECT min(r.date_start), max(r.date_end), count(r.date_start),"
        " count(*) - count(r.date_start) FROM event_records r" + where,
        args,
    ).fetchone()
    first = date.fromisoformat(row[0]) if row[0] else None
    last = date.fromisoformat(row[1]) if row[1] else None
    return Extent(first, last, int(row[2]), int(row[3]))


def event_histogram(
    store: Store, query: EventQuery, bucket: str
) -> tuple[list[tuple[date, int]], int]:
    """Matching records per day/week/month (by first day of the bucket), and how many were left out.

    A record counts in a bucket only when its date is at least as precise as the bucket (a
    day for days, a week for weeks): an event known only to its month would otherwise pile
    up on the first of the month. Those left out are counted apart.
    """
    where, args = event_where(query)
    key = BUCKETS[bucket]
    span = BUCKET_DAYS[bucket] - 1
    precise = f"julianday(r.date_end) - julianday(r.date_start) <= {span}"
    clause = (where + " AND " if where else " WHERE ") + "r.date_start IS NOT NULL"
    rows = store.conn.execute(
        f"SELECT CASE WHEN {precise} THEN {key} END AS b, count(*) FROM event_records r"
        f"{clause} GROUP BY b ORDER BY b",
        args,
    ).fetchall()
    counts = [(date.fromisoformat(r[0]), int(r[1])) for r in rows if r[0]]
    left_out = sum(int(r[1]) for r in rows if not r[0])
    return counts, left_out


def event_facets(store: Store, query: EventQuery, *, top: int = 12) -> dict[str, list[Any]]:
    """The most frequent types, places and participants among the matching records."""
    where, args = event_where(query)
    conn = store.conn
    types = conn.execute(
        f"SELECT r.type, count(*) AS n FROM event_records r{where} GROUP BY r.type"
        " ORDER BY n DESC, r.type",
        args,
    ).fetchall()
    places = conn.execute(
        "SELECT e.id, e.name, n FROM (SELECT r.place_id AS pid, count(*) AS n FROM event_records r"
        f"{(where + ' AND ') if where else ' WHERE '}r.place_id IS NOT NULL GROUP BY r.place_id"
        " ORDER BY n DESC, r.place_id LIMIT ?) JOIN entities e ON e.id = pid"
        " ORDER BY n DESC, e.name",
        (*args, top),
    ).fetchall()
    actors = conn.execute(
        "SELECT e.id, e.name, e.kind, n FROM (SELECT p.entity_id AS eid, count(*) AS n"
        " FROM event_participants p JOIN event_records r ON r.id = p.event_id"
        f"{(where + ' AND ') if where else ' WHERE '}p.role != 'place' GROUP BY p.entity_id"
        " ORDER BY n DESC, p.entity_id LIMIT ?) JOIN entities e ON e.id = eid"
        " ORDER BY n DESC, e.name",
        (*args, top),
    ).fetchall()
    return {
        "type": [(r[0], int(r[1])) for r in types],
        "place": [(r[0], r[1], int(r[2])) for r in places],
        "actor": [(r[0], r[1], r[2], int(r[3])) for r in actors],
    }


def event_places(store: Store, query: EventQuery, *, top: int = 400) -> list[dict[str, Any]]:
    """Geocoded places of the matching records with how many records happened there."""
    where, args = event_where(query)
    rows = store.conn.execute(
        "SELECT e.id, e.name, e.latitude, e.longitude, json_extract(e.data, '$.geo_feature'),"
        " n FROM (SELECT r.place_id AS pid, count(*) AS n FROM event_records r"
        f"{(where + ' AND ') if where else ' WHERE '}r.place_id IS NOT NULL GROUP BY r.place_id)"
        " JOIN entities e ON e.id = pid WHERE e.latitude IS NOT NULL"
        " ORDER BY n DESC, e.id LIMIT ?",
        (*args, top),
    ).fetchall()
    return [
        {"id": r[0], "name": r[1], "lat": r[2], "lon": r[3], "feature": r[4], "events": int(r[5])}
        for r in rows
    ]


def mentioned_places(store: Store, *, top: int = 400) -> list[dict[str, Any]]:
    """Geocoded place entities with how many articles mention them (most mentioned first)."""
    rows = store.conn.execute(
        "SELECT e.id, e.name, e.latitude, e.longitude, json_extract(e.data, '$.geo_feature'),"
        " (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = e.id) AS n"
        " FROM entities e WHERE e.kind = 'PLACE' AND e.latitude IS NOT NULL"
        " ORDER BY n DESC, e.id LIMIT ?",
        (top,),
    ).fetchall()
    return [
        {"id": r[0], "name": r[1], "lat": r[2], "lon": r[3], "feature": r[4], "articles": int(r[5])}
        for r in rows
    ]


def event_pairs(store: Store, query: EventQuery, *, top: int = 150) -> list[dict[str, Any]]:
    """Actor -> recipient pairs of the matching records: how many events, of which types."""
    where, args = event_where(query)
    rows = store.conn.execute(
        "SELECT a.entity_id, b.entity_id, count(*) AS n, group_concat(r.type) FROM event_records r"
        " JOIN event_participants a ON a.event_id = r.id AND a.role = 'actor'"
        " JOIN event_participants b ON b.event_id = r.id AND b.role = 'recipient'"
        f"{(where + ' AND ') if where else ' WHERE '}a.entity_id != b.entity_id"
        " GROUP BY a.entity_id, b.entity_id ORDER BY n DESC, a.entity_id, b.entity_id LIMIT ?",
        (*args, top),
    ).fetchall()
    out = []
    for r in rows:
        types: dict[str, int] = {}
        for kind in (r[3] or "").split(","):
            types[kind] = types.get(kind, 0) + 1
        out.append({"source": r[0], "target": r[1], "events": int(r[2]), "types": types})
    return out


def participant_events(
    store: Store, entity_id: str, *, limit: int, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """A page of the records an entity takes part in (any role), and how many there are."""
    conn = store.conn
    total = conn.execute(
        "SELECT count(DISTINCT event_id) FROM event_participants WHERE entity_id = ?", (entity_id,)
    ).fetchone()[0]
    rows = conn.execute(
        "SELECT r.data FROM event_records r WHERE r.id IN"
        " (SELECT event_id FROM event_participants WHERE entity_id = ?)"
        f" ORDER BY {ORDER} LIMIT ? OFFSET ?",
        (entity_id, limit, offset),
    ).fetchall()
    return _records(rows), int(total)
