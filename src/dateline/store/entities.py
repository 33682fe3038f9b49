"""Storage of entities (one per real actor) and the mention -> entity links."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dateline.errors import NotFound
from dateline.model import Entity, from_dict, to_dict
from dateline.store.db import Store


def replace_entities(store: Store, entities: Sequence[Entity]) -> None:
    """Replace the stored entities with a freshly resolved set, in one transaction."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM entities")
        conn.executemany(
            "INSERT INTO entities(id, kind, name, data, geonameid, latitude, longitude)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.id,
                    e.kind,
                    e.name,
                    json.dumps(to_dict(e), ensure_ascii=False),
                    e.geonameid,
                    e.latitude,
                    e.longitude,
                )
                for e in entities
            ],
        )


def load_entities(store: Store, name: str | None = None) -> list[Entity]:
    """Stored entities, optionally those whose name or an alias contains `name`."""
    rows = store.conn.execute("SELECT data FROM entities ORDER BY kind, name").fetchall()
    entities = [from_dict(Entity, json.loads(r[0])) for r in rows]
    if name:
        needle = name.lower()
        entities = [e for e in entities if any(needle in a.lower() for a in (e.name, *e.aliases))]
    return entities


def get_entity(store: Store, entity_id: str) -> Entity:
    """One stored entity by id; raise NotFound naming it otherwise."""
    row = store.conn.execute("SELECT data FROM entities WHERE id = ?", (entity_id,)).fetchone()
    if row is None:
        raise NotFound(f"no entity with id {entity_id!r}; list them with: dateline entities")
    return from_dict(Entity, json.loads(row[0]))


def person_ids(store: Store) -> frozenset[str]:
    """Ids of the stored entities that are people."""
    rows = store.conn.execute("SELECT id FROM entities WHERE kind = 'PERSON'")
    return frozenset(r[0] for r in rows)


def entity_kinds(store: Store) -> dict[str, tuple[str, str | None]]:
    """Each stored entity's kind and country (ISO 3166-1 alpha-3), by id."""
    rows = store.conn.execute("SELECT id, kind, data FROM entities")
    return {r[0]: (r[1], json.loads(r[2]).get("country")) for r in rows}


def entity_view(store: Store, entity: Entity) -> dict[str, Any]:
    """An entity with how many mentions and articles point to it."""
    row = store.conn.execute(
        "SELECT count(*), count(DISTINCT article_id) FROM mentions WHERE entity_id = ?",
        (entity.id,),
    ).fetchone()
    return to_dict(entity) | {"mentions": row[0], "articles": row[1]}
