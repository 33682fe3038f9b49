"""Storage of entities (one per real actor) and the mention -> entity links."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dateline.model import Entity, from_dict, to_dict
from dateline.store.db import Store


def replace_entities(store: Store, entities: Sequence[Entity]) -> None:
    """Replace the stored entities with a freshly resolved set, in one transaction."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM entities")
        conn.executemany(
            "INSERT INTO entities(id, kind, name, data) VALUES (?, ?, ?, ?)",
            [(e.id, e.kind, e.name, json.dumps(to_dict(e), ensure_ascii=False)) for e in entities],
        )


def load_entities(store: Store, name: str | None = None) -> list[Entity]:
    """Stored entities, optionally those whose name or an alias contains `name`."""
    rows = store.conn.execute("SELECT data FROM entities ORDER BY kind, name").fetchall()
    entities = [from_dict(Entity, json.loads(r[0])) for r in rows]
    if name:
        needle = name.lower()
        entities = [e for e in entities if any(needle in a.lower() for a in (e.name, *e.aliases))]
    return entities


def entity_view(store: Store, entity: Entity) -> dict[str, Any]:
    """An entity with how many mentions and articles point to it."""
    row = store.conn.execute(
        "SELECT count(*), count(DISTINCT article_id) FROM mentions WHERE entity_id = ?",
        (entity.id,),
    ).fetchone()
    return to_dict(entity) | {"mentions": row[0], "articles": row[1]}
