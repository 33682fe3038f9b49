"""Storage of corpus-level events (merged across articles), their sources and participants."""

from __future__ import annotations

import json
from collections.abc import Sequence

from dateline.link.events import record_order
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
    return sorted((r for r in records if r.confidence >= min_confidence), key=record_order)


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
