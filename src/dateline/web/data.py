"""The data functions behind both the REST API and the pages: plain dicts from the store.

Every function takes an open `Store` and returns JSON-ready values built from
`dateline.views` and the store helpers; the API returns them as they are and the templates
render the same dicts.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateline.errors import NotFound
from dateline.store.db import Store
from dateline.store.entities import entity_view, get_entity, load_entities
from dateline.store.events import get_event_record, load_event_records
from dateline.store.groups import group_view, load_groups, load_links
from dateline.views import (
    article_summary,
    article_view,
    claim_view,
    compare_view,
    date_view,
    event_record_view,
)
from dateline.web.events import PLOVER_TYPES

GROUP_KINDS = ("copy", "same-event", "thread")


class BadFilter(ValueError):
    """A query parameter has a value the API cannot use (answered with 422)."""


# -- overview ----------------------------------------------------------------------------------


def overview(store: Store) -> dict[str, Any]:
    """Counts of what is stored, and the inputs that failed to read."""
    conn = store.conn
    claims = conn.execute(
        "SELECT coalesce(sum(json_array_length(data, '$.claims')), 0) FROM articles"
    ).fetchone()[0]
    groups = {
        r[0]: r[1] for r in conn.execute("SELECT kind, count(*) FROM article_groups GROUP BY kind")
    }
    dated = conn.execute(
        "SELECT min(published), max(published) FROM articles WHERE published IS NOT NULL"
    ).fetchone()
    return {
        "counts": {
            "articles": store.count_articles(),
            "events": conn.execute("SELECT count(*) FROM event_records").fetchone()[0],
            "entities": conn.execute("SELECT count(*) FROM entities").fetchone()[0],
            "groups": sum(groups.values()),
            "claims": int(claims),
        },
        "groups_by_kind": groups,
        "published_range": {"from": dated[0], "to": dated[1]},
        "ingest_errors": store.ingest_errors(),
    }


# -- articles ----------------------------------------------------------------------------------


def list_articles(store: Store, *, limit: int, offset: int) -> dict[str, Any]:
    """A page of articles (by publication date, undated last) with the total count."""
    ids = [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM articles ORDER BY published IS NULL, published, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
    ]
    items = [article_summary(store.get_article(i)) for i in ids]
    return {"total": store.count_articles(), "limit": limit, "offset": offset, "items": items}


def article_detail(store: Store, article_id: str) -> dict[str, Any]:
    """An article with every annotation, its input records, groups and copy links."""
    article = store.get_article(article_id)
    view = article_view(article)
    group_ids = {
        r[0]
        for r in store.conn.execute(
            "SELECT group_id FROM group_members WHERE article_id = ?", (article.id,)
        )
    }
    view["groups"] = [group_view(store, g) for g in load_groups(store) if g.id in group_ids]
    view["links"] = [
        {"other": x.b if x.a == article.id else x.a, "kind": x.kind, "score": x.score}
        | {"evidence": list(x.evidence)}
        for x in load_links(store)
        if article.id in (x.a, x.b)
    ]
    view["input_records"] = store.article_sources(article.id)
    return view


def compare_articles(store: Store, first: str, second: str) -> dict[str, Any]:
    """The passages two articles share and what each has alone, with offsets."""
    return compare_view(store.get_article(first), store.get_article(second))


# -- events ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventFilters:
    """Validated event filters (entity, PLOVER type, place, date range)."""

    entity: str | None = None
    type: str | None = None
    place: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def parse(
        cls,
        entity: str | None = None,
        type: str | None = None,
        place: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> EventFilters:
        """Check raw query values; raise BadFilter naming the bad one."""
        kind = (type or "").strip().upper() or None
        if kind is not None and kind not in PLOVER_TYPES:
            raise BadFilter(f"type: {type!r} is not a PLOVER type ({', '.join(PLOVER_TYPES)})")
        dates = []
        for name, raw in (("date_from", date_from), ("date_to", date_to)):
            text = (raw or "").strip()
            try:
                dates.append(date.fromisoformat(text) if text else None)
            except ValueError:
                raise BadFilter(f"{name}: {raw!r} is not an ISO date (YYYY-MM-DD)") from None
        if dates[0] and dates[1] and dates[0] > dates[1]:
            raise BadFilter("date_from is after date_to")
        return cls(
            (entity or "").strip() or None, kind, (place or "").strip() or None, dates[0], dates[1]
        )

    def as_query(self) -> dict[str, str]:
        """The filters as query-string values (empty ones left out)."""
        values = {
            "entity": self.entity,
            "type": self.type,
            "place": self.place,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }
        return {k: v for k, v in values.items() if v}


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


def _place_matches(view: dict[str, Any], place: str) -> bool:
    where = view.get("place") or {}
    needle = place.lower()
    return where.get("id") == place or needle in str(where.get("name") or "").lower()


def list_events(
    store: Store, filters: EventFilters, *, limit: int | None = None, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Corpus-level events matching the filters in date order (undated last), and their count.

    Type and dates are checked on the stored records before any view is built; only the
    page asked for (`offset`, `limit`) is rendered with names and sources.
    """
    records = []
    for record in load_event_records(store, entity=filters.entity):
        if filters.type and record.type != filters.type:
            continue
        if filters.date_from or filters.date_to:
            period = date_period(record.date.value)
            if period is None:
                continue
            if filters.date_from and period[1] < filters.date_from:
                continue
            if filters.date_to and period[0] > filters.date_to:
                continue
        records.append(record)
    if filters.place:
        views = [event_record_view(store, r) for r in records]
        views = [v for v in views if _place_matches(v, filters.place)]
        end = None if limit is None else offset + limit
        return views[offset:end], len(views)
    end = None if limit is None else offset + limit
    return [event_record_view(store, r) for r in records[offset:end]], len(records)


def event_detail(store: Store, event_id: str) -> dict[str, Any]:
    """One event with every source article's text and the claims those articles carry."""
    view = event_record_view(store, get_event_record(store, event_id))
    claims: list[dict[str, Any]] = []
    for source in view["sources"]:
        try:
            article = store.get_article(source["article_id"])
        except NotFound:
            continue
        claims.extend(
            claim_view(article, c) | {"article_title": article.title} for c in article.claims
        )
    return view | {"claims": claims}


# -- entities ----------------------------------------------------------------------------------


def list_entities(
    store: Store, *, name: str | None, kind: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """A page of entities (optionally by name/alias substring and kind) with mention counts."""
    entities = [e for e in load_entities(store, name) if not kind or e.kind == kind.upper()]
    page = entities[offset : offset + limit]
    return {
        "total": len(entities),
        "limit": limit,
        "offset": offset,
        "items": [entity_view(store, e) for e in page],
    }


def entity_dossier(store: Store, entity_id: str) -> dict[str, Any]:
    """An entity's dossier: aliases, roles, country, sector, events, its claims over time."""
    entity = get_entity(store, entity_id)
    view = entity_view(store, entity)
    spans: dict[str, list[tuple[int, int]]] = {}
    for row in store.conn.execute(
        "SELECT article_id, start, end FROM mentions WHERE entity_id = ?", (entity_id,)
    ):
        spans.setdefault(row[0], []).append((row[1], row[2]))
    articles = []
    claims = []
    for article_id in spans:
        article = store.get_article(article_id)
        articles.append(
            {
                "id": article.id,
                "title": article.title,
                "published": date_view(article.published),
                "mentions": len(spans[article_id]),
            }
        )
        for claim in article.claims:
            sp = claim.speaker
            if sp and any(s < sp.end and sp.start < e for s, e in spans[article_id]):
                claims.append(
                    claim_view(article, claim)
                    | {"article_title": article.title, "published": date_view(article.published)}
                )

    def when(item: dict[str, Any]) -> tuple[bool, str]:
        value = item["published"]["value"]
        return value is None, value or ""

    articles.sort(key=when)
    claims.sort(key=when)
    events = [event_record_view(store, r) for r in load_event_records(store, entity=entity_id)]
    return view | {"articles_list": articles, "claims": claims, "events": events}


# -- claims and groups -------------------------------------------------------------------------


def list_claims(store: Store, *, speaker: str | None, limit: int, offset: int) -> dict[str, Any]:
    """A page of attributed claims in article date order (optionally by speaker substring)."""
    from dateline.pipeline.claims import list_claims as iter_claims

    rows = list(iter_claims(store, speaker=speaker))
    return {
        "total": len(rows),
        "limit": limit,
        "offset": offset,
        "items": rows[offset : offset + limit],
    }


def list_groups(store: Store, kind: str | None) -> list[dict[str, Any]]:
    """Article groups (copies, same-event groups, threads) with members."""
    if kind and kind not in GROUP_KINDS:
        raise BadFilter(f"kind: {kind!r} is not one of {', '.join(GROUP_KINDS)}")
    return [group_view(store, g) for g in load_groups(store, kind)]
