"""Operator overrides of entity identities: merge two entities, split aliases off one.

Each decision is recorded in `entity_overrides` and applied at once by rewriting the entity
rows, the mentions' entity ids and the stored articles (mentions and event participants).
Corpus-level event records are re-merged afterwards so they name the right entities. The
link step recomputes identities from scratch, and `link_corpus` then replays every recorded
decision in order (`apply_entity_overrides`) before it merges the event records.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from typing import Any

from dateline.errors import DatelineError, NotFound
from dateline.link.events import merge_events
from dateline.model import Article, Entity, Participant, to_dict
from dateline.readers._bytes import content_hash
from dateline.store.db import Store
from dateline.store.entities import entity_kinds, get_entity, person_ids
from dateline.store.events import replace_event_records
from dateline.store.groups import load_groups


class OverrideError(DatelineError):
    """An entity merge or split that cannot be done (same entity, unknown alias, ...)."""

    code = "DL041"


def _put(store: Store, entity: Entity) -> None:
    store.conn.execute(
        "INSERT INTO entities(id, kind, name, data) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name,"
        " data = excluded.data",
        (entity.id, entity.kind, entity.name, json.dumps(to_dict(entity), ensure_ascii=False)),
    )


def _union(*groups: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item, None)
    return tuple(sorted(seen))


def _relabel(store: Store, entity_id: str, new_id: Callable[[str], str | None]) -> None:
    """Rewrite articles mentioning `entity_id`: `new_id(surface)` gives the new id or None."""
    ids = [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT article_id FROM mentions WHERE entity_id = ?", (entity_id,)
        )
    ]
    changed: list[Article] = []
    for article_id in ids:
        article = store.get_article(article_id)

        def swap(current: str | None, start: int, end: int, text: str = article.text) -> str | None:
            if current != entity_id:
                return current
            return new_id(text[start:end]) or current

        def parts(items: tuple[Participant, ...]) -> tuple[Participant, ...]:
            return tuple(
                dataclasses.replace(p, entity_id=swap(p.entity_id, p.start, p.end)) for p in items
            )

        mentions = tuple(
            dataclasses.replace(m, entity_id=swap(m.entity_id, m.start, m.end))
            for m in article.mentions
        )
        events = tuple(
            dataclasses.replace(
                e,
                actors=parts(e.actors),
                recipients=parts(e.recipients),
                attendees=parts(e.attendees),
            )
            for e in article.events
        )
        updated = dataclasses.replace(article, mentions=mentions, events=events)
        if updated != article:
            changed.append(updated)
    if changed:
        store.patch_articles(changed, ("mentions", "events"))


def _refresh_events(store: Store) -> None:
    """Re-merge the corpus-level events from the relabelled articles."""
    groups = [g for g in load_groups(store) if g.kind in ("copy", "same-event")]
    articles = list(store.iter_articles(without=("tokens", "sentences")))
    records = merge_events(
        articles, groups, person_ids(store), entity_kinds(store), first_seen=store.first_seen()
    )
    replace_event_records(store, records)


def _do_merge(store: Store, keep_id: str, other_id: str) -> Entity:
    if keep_id == other_id:
        raise OverrideError(f"cannot merge entity {keep_id!r} with itself")
    keep, other = get_entity(store, keep_id), get_entity(store, other_id)
    merged = dataclasses.replace(
        keep,
        aliases=_union(keep.aliases, (other.name,), other.aliases),
        roles=_union(keep.roles, other.roles),
        country=keep.country or other.country,
        sector=keep.sector or other.sector,
        wikidata=keep.wikidata or other.wikidata,
    )
    _put(store, merged)
    _relabel(store, other_id, lambda _surface: keep_id)
    store.conn.execute("DELETE FROM entities WHERE id = ?", (other_id,))
    return merged


def _do_split(
    store: Store, entity_id: str, aliases: tuple[str, ...], new_id: str, name: str | None
) -> tuple[Entity, Entity]:
    entity = get_entity(store, entity_id)
    moving = set(aliases)
    unknown = sorted(moving - set(entity.aliases) - {entity.name})
    if not moving or unknown:
        raise OverrideError(
            f"entity {entity_id!r} has no alias {', '.join(map(repr, unknown))}"
            if unknown
            else "name at least one alias to split off"
        )
    rest = tuple(a for a in entity.aliases if a not in moving)
    if not rest:
        raise OverrideError(f"splitting off every alias of {entity_id!r} would leave it empty")
    new_name = name or sorted(moving, key=lambda a: (-len(a), a))[0]
    kept_name = entity.name if entity.name not in moving else sorted(rest, key=lambda a: -len(a))[0]
    kept = dataclasses.replace(entity, name=kept_name, aliases=rest)
    split = Entity(
        id=new_id,
        kind=entity.kind,
        name=new_name,
        aliases=tuple(sorted(moving)),
        country=entity.country,
        sector=entity.sector,
    )
    _put(store, kept)
    _put(store, split)
    _relabel(store, entity_id, lambda surface: new_id if surface in moving else None)
    return kept, split


def merge_entities(store: Store, keep_id: str, other_id: str) -> Entity:
    """Fold entity `other_id` into `keep_id` (aliases, roles, mentions); record the decision."""
    with store.transaction() as conn:
        merged = _do_merge(store, keep_id, other_id)
        conn.execute(
            "INSERT INTO entity_overrides(op, entity_id, other_id) VALUES ('merge', ?, ?)",
            (keep_id, other_id),
        )
        _refresh_events(store)
    return merged


def split_entity(
    store: Store, entity_id: str, aliases: Iterable[str], *, name: str | None = None
) -> tuple[Entity, Entity]:
    """Move the mentions spelled as `aliases` to a new entity; return (kept, new)."""
    moving = tuple(sorted(set(aliases)))
    new_id = "ent-" + content_hash(f"split|{entity_id}|{'|'.join(moving)}")[:12]
    with store.transaction() as conn:
        result = _do_split(store, entity_id, moving, new_id, name)
        conn.execute(
            "INSERT INTO entity_overrides(op, entity_id, other_id, aliases, name)"
            " VALUES ('split', ?, ?, ?, ?)",
            (entity_id, new_id, json.dumps(list(moving), ensure_ascii=False), name),
        )
        _refresh_events(store)
    return result


def apply_entity_overrides(store: Store, *, refresh_events: bool = True) -> int:
    """Replay every recorded merge/split (after a re-link); return how many still applied.

    A decision that no longer applies (an entity it names is gone, an alias moved) is kept,
    marked `stale` with the reason, so `list_overrides` shows it instead of losing it; one
    that applies again later is marked `applied` again.
    With `refresh_events` false the caller re-merges the event records itself (the link step
    applies the overrides before it merges events, so it merges them once).
    """
    rows = store.conn.execute(
        "SELECT seq, op, entity_id, other_id, aliases, name FROM entity_overrides ORDER BY seq"
    ).fetchall()
    applied = 0
    with store.transaction():
        for row in rows:
            status, reason = "applied", None
            try:
                if row["op"] == "merge":
                    _do_merge(store, row["entity_id"], row["other_id"])
                else:
                    aliases = tuple(json.loads(row["aliases"]))
                    _do_split(store, row["entity_id"], aliases, row["other_id"], row["name"])
            except (NotFound, OverrideError) as exc:
                # The entities changed since; the decision no longer applies.
                status, reason = "stale", _stale_reason(store, row, exc)
            else:
                applied += 1
            store.conn.execute(
                "UPDATE entity_overrides SET status = ?, reason = ?,"
                " checked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE seq = ?",
                (status, reason, row["seq"]),
            )
        if applied and refresh_events:
            _refresh_events(store)
    return applied


def _stale_reason(store: Store, row: Any, exc: DatelineError) -> str:
    """Why a recorded decision no longer applies, in an analyst's words."""
    missing = [
        entity_id
        for entity_id in (row["entity_id"], row["other_id"] if row["op"] == "merge" else None)
        if entity_id
        and store.conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone()
        is None
    ]
    if missing:
        which = " and ".join(repr(m) for m in missing)
        return (
            f"entity {which} no longer exists after re-linking (the linker now groups these "
            f"mentions differently); {exc.message}"
        )
    return exc.message


def list_overrides(store: Store, *, status: str | None = None) -> list[dict[str, object]]:
    """Return the recorded operator decisions, oldest first, each with whether it still
    applied at the last re-link (`status`: applied or stale) and, if not, the `reason`.

    `status` keeps only the decisions in that state.
    """
    query = (
        "SELECT seq, op, entity_id, other_id, aliases, name, at, status, reason, checked_at"
        " FROM entity_overrides"
    )
    params: tuple[str, ...] = ()
    if status:
        query += " WHERE status = ?"
        params = (status,)
    rows = store.conn.execute(query + " ORDER BY seq", params)
    return [dict(r) | {"aliases": json.loads(r["aliases"])} for r in rows]
