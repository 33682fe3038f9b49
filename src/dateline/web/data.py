"""The data functions behind both the REST API and the pages: plain dicts from the store.

Every function takes an open `Store` and returns JSON-ready values built from the paged
store reads (`dateline.store.read`, `dateline.store.read_events`) and `dateline.views`; the
API returns them as they are and the templates render the same dicts. Lists are pages:
`{total, limit, offset, items}`. Aggregates (counts, histograms, facets, map points, actor
pairs) go through the app's `SectionCache` when one is given: they are valid until the store
next changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar

from dateline.errors import NotFound
from dateline.model import from_dict, to_dict
from dateline.store import read
from dateline.store import read_events as rev
from dateline.store.db import Store
from dateline.store.events import get_event_record
from dateline.store.read_events import EventQuery
from dateline.views import (
    article_row_view,
    article_view,
    claim_rows_view,
    compare_view,
    date_view,
    event_records_view,
)
from dateline.web.cache import SectionCache
from dateline.web.filters import BadFilter

GROUP_KINDS = ("copy", "same-event", "thread")
T = TypeVar("T")

__all__ = ["GROUP_KINDS", "BadFilter"]


def _cached(cache: SectionCache | None, key: Hashable, compute: Callable[[], T]) -> T:
    return compute() if cache is None else cache.get(key, compute)


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    """The one shape of every list: the items of one page and the count of all."""
    return {"total": total, "limit": limit, "offset": offset, "items": items}


# -- overview ----------------------------------------------------------------------------------


def overview(store: Store, cache: SectionCache | None = None) -> dict[str, Any]:
    """Counts of what is stored, and (the latest 100 of) the inputs that failed to read."""
    counts = _cached(cache, "overview", lambda: read.overview_counts(store))
    return counts | {"ingest_errors": read.ingest_error_page(store, limit=100)}


# -- articles ----------------------------------------------------------------------------------


def list_articles(
    store: Store, *, limit: int, offset: int, cache: SectionCache | None = None
) -> dict[str, Any]:
    """A page of articles (by publication date, undated last) with the total count."""
    rows = read.article_page(store, limit=limit, offset=offset)
    total = _cached(cache, "articles", store.count_articles)
    return page([article_row_view(r) for r in rows], total, limit, offset)


def article_detail(store: Store, article_id: str) -> dict[str, Any]:
    """An article with every annotation, its input records, groups and copy links."""
    article = store.get_article(article_id)
    view = article_view(article)
    view["groups"] = read.groups_of_article(store, article.id)
    view["links"] = read.links_of_article(store, article.id)
    view["input_records"] = store.article_sources(article.id)
    return view


def compare_articles(store: Store, first: str, second: str) -> dict[str, Any]:
    """The passages two articles share and what each has alone, with offsets."""
    return compare_view(store.get_article(first), store.get_article(second))


# -- events ------------------------------------------------------------------------------------


def count_events(store: Store, query: EventQuery, cache: SectionCache | None = None) -> int:
    """How many records match (cached per store generation)."""
    return _cached(cache, ("count", query), lambda: rev.count_events(store, query))


def list_events(
    store: Store,
    query: EventQuery,
    *,
    limit: int,
    offset: int = 0,
    cache: SectionCache | None = None,
) -> dict[str, Any]:
    """A page of corpus-level events matching the filters, in date order (undated last)."""
    records = rev.event_page(store, query, limit=limit, offset=offset)
    return page(
        event_records_view(store, records), count_events(store, query, cache), limit, offset
    )


def event_detail(store: Store, event_id: str) -> dict[str, Any]:
    """One event with every source's evidence and the claims its source articles carry."""
    view = event_records_view(store, [to_dict(get_event_record(store, event_id))])[0]
    rows = read.claims_of_articles(store, [s["article_id"] for s in view["sources"]])
    return view | {"claims": claim_rows_view(store, rows)}


def timeline_sections(
    store: Store, query: EventQuery, cache: SectionCache | None = None
) -> dict[str, Any]:
    """The aggregates of a timeline: extent, per-day/week/month counts, facets."""

    def compute() -> dict[str, Any]:
        extent = rev.event_extent(store, query)
        bucket = choose_bucket(extent.first, extent.last)
        counts, coarse = rev.event_histogram(store, query, bucket)
        return {
            "extent": extent,
            "bucket": bucket,
            "histogram": counts,
            "coarse": coarse,
            "facets": rev.event_facets(store, query),
        }

    return _cached(cache, ("timeline", query), compute)


def choose_bucket(first: date | None, last: date | None) -> str:
    """Days for up to about four months, weeks up to about four years, months beyond."""
    if first is None or last is None:
        return "day"
    days = (last - first).days
    return "day" if days <= 130 else "week" if days <= 4 * 366 else "month"


def map_points(
    store: Store, query: EventQuery, cache: SectionCache | None = None
) -> dict[str, Any]:
    """Where the matching events happened, and the most mentioned geocoded places."""

    def compute() -> dict[str, Any]:
        return {
            "events": rev.event_places(store, query),
            "places": rev.mentioned_places(store) if query == EventQuery() else [],
        }

    return _cached(cache, ("map", query), compute)


def actor_network(
    store: Store, query: EventQuery, cache: SectionCache | None = None, *, top: int = 150
) -> dict[str, Any]:
    """Who acts on whom among the matching events: nodes (entities) and weighted edges."""

    def compute() -> dict[str, Any]:
        edges = rev.event_pairs(store, query, top=top)
        ids = {e["source"] for e in edges} | {e["target"] for e in edges}
        names = read.entity_briefs(store, ids)
        degree: dict[str, int] = {}
        for edge in edges:
            for end in (edge["source"], edge["target"]):
                degree[end] = degree.get(end, 0) + edge["events"]
        nodes = [
            names.get(i, {"id": i, "name": i, "kind": "OTHER"}) | {"events": degree[i]}
            for i in sorted(ids, key=lambda i: (-degree[i], i))
        ]
        return {"nodes": nodes, "edges": edges}

    return _cached(cache, ("network", query, top), compute)


def iter_event_views(store: Store, query: EventQuery, *, chunk: int = 200) -> Any:
    """Every matching event view, a chunk of records (three queries) at a time (exports)."""
    batch: list[dict[str, Any]] = []
    for record in rev.iter_events(store, query):
        batch.append(record)
        if len(batch) >= chunk:
            yield from event_records_view(store, batch)
            batch = []
    if batch:
        yield from event_records_view(store, batch)


def iter_event_records(store: Store, query: EventQuery) -> Any:
    """Every matching record as an EventRecord (for the GeoJSON export)."""
    for record in rev.iter_events(store, query):
        yield from rev.as_records([record])


def entities_by_id(store: Store, ids: set[str]) -> dict[str, Any]:
    """Stored entities (as model objects) by id."""
    from dateline.model import Entity

    rows = read.entity_json(store, ids)
    return {i: from_dict(Entity, json.loads(d)) for i, d in rows.items()}


# -- entities ----------------------------------------------------------------------------------


def list_entities(
    store: Store, *, name: str | None, kind: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """A page of entities (optionally by name/alias substring and kind) with mention counts."""
    items = read.entity_page(store, name=name, kind=kind, limit=limit, offset=offset)
    return page(items, read.count_entities(store, name=name, kind=kind), limit, offset)


def entity_dossier(
    store: Store, entity_id: str, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """An entity's dossier: aliases, roles, country, sector; pages of its events, claims, articles.

    Each section is one page (`limit` items from `offset`) with its total.
    """
    view = read.entity_record(store, entity_id)
    if view is None:
        raise NotFound(f"no entity with id {entity_id!r}; list them with: dateline entities")
    records, n_events = rev.participant_events(store, entity_id, limit=limit, offset=offset)
    claims, n_claims = read.claims_by_speaker(store, entity_id, limit=limit, offset=offset)
    articles, n_articles = read.articles_mentioning(store, entity_id, limit=limit, offset=offset)
    claim_views = claim_rows_view(store, claims)
    for claim, row in zip(claim_views, claims, strict=True):
        claim["published"] = _date_of(row)
    for article in articles:
        article["published"] = _date_of(article)
    return view | {
        "events": event_records_view(store, records, evidence=False),
        "events_total": n_events,
        "claims": claim_views,
        "claims_total": n_claims,
        "articles_list": [
            {k: a[k] for k in ("id", "title", "published", "mentions")} for a in articles
        ],
        "articles_total": n_articles,
        "limit": limit,
        "offset": offset,
    }


def _date_of(row: dict[str, Any]) -> dict[str, Any]:
    from dateline.model import DateInfo

    return date_view(
        DateInfo(
            row.get("published"),
            row.get("published_origin") or ("unknown" if not row.get("published") else "record"),
            row.get("published_granularity") or "unknown",
            row.get("twin_id"),
        )
    )


# -- claims and groups -------------------------------------------------------------------------


def list_claims(
    store: Store,
    *,
    speaker: str | None,
    limit: int,
    offset: int,
    cache: SectionCache | None = None,
) -> dict[str, Any]:
    """A page of attributed claims in article date order (optionally by speaker substring)."""
    rows = read.claim_page(store, speaker=speaker, limit=limit, offset=offset)
    total = _cached(cache, ("claims", speaker), lambda: read.count_claims(store, speaker=speaker))
    return page(claim_rows_view(store, rows), total, limit, offset)


def list_groups(store: Store, kind: str | None, *, limit: int, offset: int) -> dict[str, Any]:
    """A page of article groups (copies, same-event groups, threads) with members."""
    if kind and kind not in GROUP_KINDS:
        raise BadFilter(f"kind: {kind!r} is not one of {', '.join(GROUP_KINDS)}")
    items = read.group_page(store, kind, limit=limit, offset=offset)
    return page(items, read.count_groups(store, kind), limit, offset)
