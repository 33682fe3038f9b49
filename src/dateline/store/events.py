"""Storage of corpus-level events (merged across articles), their sources and participants."""

from __future__ import annotations

import json
from collections.abc import Sequence

from dateline.errors import NotFound
from dateline.model import EventRecord, from_dict, to_dict
from dateline.store.db import Store


def _redirects(old: dict[str, set[str]], records: Sequence[EventRecord]) -> dict[str, str | None]:
    """Where each old id that no longer names a record now points (None: nowhere).

    An old record goes to the new record holding most of its member events (ties: the
    new record's id order); its sources' evidence spans stand in for members in records
    stored before records listed them.
    """
    new_ids = {r.id for r in records}
    owner: dict[str, str] = {}
    for record in records:
        for key in _keys(record):
            owner.setdefault(key, record.id)
    moved: dict[str, str | None] = {}
    for old_id, keys in old.items():
        if old_id in new_ids:
            continue
        counts: dict[str, int] = {}
        for key in keys:
            if key in owner:
                counts[owner[key]] = counts.get(owner[key], 0) + 1
        moved[old_id] = min(counts, key=lambda i: (-counts[i], i)) if counts else None
    return moved


def _keys(record: EventRecord) -> set[str]:
    """What identifies a record's parts across runs: member events and evidence spans."""
    return set(record.members) | {f"{s.article_id}@{s.start}-{s.end}" for s in record.sources}


def replace_event_records(store: Store, records: Sequence[EventRecord]) -> None:
    """Replace the stored event records with a freshly merged set, in one transaction.

    Ids that stop naming a record are kept as redirects to the record that took over most of
    their events (`event_redirects`), so an id an analyst cited still answers.
    """
    with store.transaction() as conn:
        old = {
            row[0]: _keys(from_dict(EventRecord, json.loads(row[1])))
            for row in conn.execute("SELECT id, data FROM event_records")
        }
        moved = _redirects(old, records)
        for old_id, new_id in moved.items():
            conn.execute("UPDATE event_redirects SET new_id = ? WHERE new_id = ?", (new_id, old_id))
            conn.execute(
                "INSERT INTO event_redirects(old_id, new_id) VALUES (?, ?) ON CONFLICT(old_id)"
                " DO UPDATE SET new_id = excluded.new_id, at = excluded.at",
                (old_id, new_id),
            )
        conn.executemany("DELETE FROM event_redirects WHERE old_id = ?", [(r.id,) for r in records])
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
    """One event record by id (or a unique id prefix); raise NotFound otherwise.

    An id that named a record before a re-link answers with the record that took over its
    events (the returned record's `id` says which); a same-event group's id ("sg-...") is
    not an event, and the error says where groups are listed.
    """
    try:
        row = store.find_by_id("event_records", "data", event_id, "event", "dateline events")
    except NotFound:
        moved = store.conn.execute(
            "SELECT new_id FROM event_redirects WHERE old_id = ?", (event_id,)
        ).fetchone()
        if moved is not None and moved[0] is not None:
            return get_event_record(store, moved[0])
        if moved is not None:
            raise NotFound(
                f"event {event_id!r} no longer exists: after a re-link its sources no longer "
                "tell one event; list events with: dateline events"
            ) from None
        if event_id.startswith("sg-"):
            raise NotFound(
                f"{event_id!r} is a same-event group of articles, not an event record; list "
                "groups with: dateline groups --kind same-event"
            ) from None
        raise
    return from_dict(EventRecord, json.loads(row[0]))
