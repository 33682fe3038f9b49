"""Storage of corpus-level events (merged across articles), their sources and participants."""

from __future__ import annotations

import json
from collections.abc import Sequence

from dateline.model import EventRecord, from_dict, to_dict
from dateline.store.db import Store


def replace_event_records(store: Store, records: Sequence[EventRecord]) -> None:
    """Replace the stored event records with a freshly merged set, in one transaction."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM event_records")
        conn.executemany(
            "INSERT INTO event_records(id, type, date, date_origin, data) VALUES (?, ?, ?, ?, ?)",
            [(r.id, r.type, r.date.value, r.date.origin, json.dumps(to_dict(r))) for r in records],
        )
        for statement in DERIVE_EVENT_COLUMNS:
            conn.execute(statement)
        conn.executemany(
            "INSERT OR IGNORE INTO event_sources(event_id, article_id) VALUES (?, ?)",
            [(r.id, s.article_id) for r in records for s in r.sources],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO event_participants(event_id, entity_id, role) VALUES (?, ?, ?)",
            [
                (r.id, entity_id, role)
                for r in records
                for role, ids in (
                    ("actor", r.actors),
                    ("recipient", r.recipients),
                    ("attendee", r.attendees),
                    ("place", (r.place,) if r.place else ()),
                )
                for entity_id in ids
            ],
        )


# The queryable columns of an event record, read from its JSON (and its first source's text).
# date_start/date_end: the days its date covers (a day, ISO week, month, quarter or year);
# parties: its named actors, recipients and attendees; snippet: its first evidence, cut short.
DERIVE_EVENT_COLUMNS = (
    """
UPDATE event_records SET
  mode = json_extract(data, '$.mode'),
  confidence = coalesce(json_extract(data, '$.confidence'), 1.0),
  place_id = json_extract(data, '$.place'),
  source_count = (SELECT count(DISTINCT json_extract(s.value, '$.article_id'))
                    FROM json_each(data, '$.sources') s),
  parties = json_array_length(data, '$.actors') + json_array_length(data, '$.recipients')
            + json_array_length(data, '$.attendees'),
  date_start = CASE
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN substr(date, 1, 10)
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' THEN date || '-01'
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]' THEN
      date(substr(date, 1, 4) || '-01-04', 'weekday 0', '-6 days',
           '+' || ((CAST(substr(date, 7, 2) AS INTEGER) - 1) * 7) || ' days')
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-Q[1-4]' THEN
      printf('%s-%02d-01', substr(date, 1, 4), (CAST(substr(date, 7, 1) AS INTEGER) - 1) * 3 + 1)
    WHEN date GLOB '[0-9][0-9][0-9][0-9]' THEN date || '-01-01'
  END,
  snippet = (SELECT substr(a.text, json_extract(s.value, '$.start') + 1,
                           min(280, json_extract(s.value, '$.end')
                                    - json_extract(s.value, '$.start')))
               FROM json_each(event_records.data, '$.sources') s
               JOIN articles a ON a.id = json_extract(s.value, '$.article_id')
              ORDER BY s.key LIMIT 1)
""",
    """
UPDATE event_records SET date_end = CASE
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN date_start
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' THEN date(date_start, '+1 month', '-1 day')
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]' THEN date(date_start, '+6 days')
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-Q[1-4]' THEN date(date_start, '+3 months', '-1 day')
    WHEN date GLOB '[0-9][0-9][0-9][0-9]' THEN substr(date, 1, 4) || '-12-31'
  END
""",
)


def load_event_records(
    store: Store, *, entity: str | None = None, min_confidence: float = 0.0
) -> list[EventRecord]:
    """Stored event records in time order (undated last), optionally those of one entity.

    `entity` is an entity id, or a piece of an entity's name or alias (case-insensitive);
    `min_confidence` keeps the records at least that confident.
    """
    if entity is None:
        rows = store.conn.execute("SELECT data FROM event_records").fetchall()
    else:
        ids = entity_ids(store, entity)
        marks = ",".join("?" * len(ids))
        rows = store.conn.execute(
            "SELECT data FROM event_records WHERE id IN (SELECT event_id FROM event_participants "
            f"WHERE entity_id IN ({marks}))",
            ids,
        ).fetchall()
    records = (from_dict(EventRecord, json.loads(r[0])) for r in rows)
    return sorted((r for r in records if r.confidence >= min_confidence), key=_record_order)


def _record_order(record: EventRecord) -> tuple[bool, str, str]:
    """Chronological, undated last, then by id (as `dateline.link.events.record_order`)."""
    return (record.date.value is None, record.date.value or "", record.id)


def entity_ids(store: Store, entity: str) -> list[str]:
    """Ids of the entities an id or a name fragment names."""
    if store.conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity,)).fetchone():
        return [entity]
    from dateline.store.entities import load_entities

    return [e.id for e in load_entities(store, entity)]


def get_event_record(store: Store, event_id: str) -> EventRecord:
    """One event record by id (or a unique id prefix); raise NotFound otherwise."""
    row = store.find_by_id("event_records", "data", event_id, "event", "dateline events")
    return from_dict(EventRecord, json.loads(row[0]))
