"""REST API under /api: JSON views of the store, plus authenticated writes."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from dateline.ingest import ingest
from dateline.link.run import link_corpus
from dateline.settings import Settings
from dateline.store import Store, open_store
from dateline.store.entities import entity_view
from dateline.store.overrides import apply_entity_overrides, merge_entities, split_entity
from dateline.store.read_events import EventQuery
from dateline.store.search import search, search_view
from dateline.web import data
from dateline.web.app import (
    MAX_OFFSET,
    CacheDep,
    StoreDep,
    WriteDep,
    WriteStoreDep,
    cached_response,
)
from dateline.web.cache import SectionCache
from dateline.web.events import PLOVER_TYPES
from dateline.web.filters import parse_filters

router = APIRouter(prefix="/api", tags=["api"])

Limit = Annotated[int, Query(ge=1, le=500, description="page size (1-500)")]
# SQLite integers are 64-bit: a larger offset would be a server error, so it is a 422.
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _json(data: Any) -> Response:
    """A JSON response written with json.dumps (FastAPI's encoder walks big pages slowly)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return Response(body, media_type="application/json")


def _filters(
    type: Annotated[
        str | None, Query(description="PLOVER type: " + ", ".join(PLOVER_TYPES))
    ] = None,
    actor: Annotated[
        str | None, Query(description="participant: entity id, or a piece of a name or alias")
    ] = None,
    entity: Annotated[str | None, Query(description="the earlier name of actor")] = None,
    place: Annotated[
        str | None, Query(description="place entity id, or a piece of its name")
    ] = None,
    date_from: Annotated[str | None, Query(description="ISO date YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(description="ISO date YYYY-MM-DD")] = None,
    min_sources: Annotated[
        str | None, Query(description="at least this many source articles")
    ] = None,
    min_confidence: Annotated[str | None, Query(description="confidence at least (0-1)")] = None,
) -> EventQuery:
    """The event filters of a request (422 naming a bad value)."""
    given = {
        "type": type, "actor": actor, "entity": entity, "place": place,
        "date_from": date_from, "date_to": date_to, "min_sources": min_sources,
        "min_confidence": min_confidence,
    }  # fmt: skip
    return parse_filters({k: v for k, v in given.items() if v is not None})


FilterDep = Depends(_filters)


@router.get("/overview")
@cached_response
def overview(request: Request, store: Store = StoreDep, cache: SectionCache = CacheDep) -> Response:
    """Counts of articles, events, entities, groups and claims; inputs that failed."""
    return _json(data.overview(store, cache))


@router.get("/articles")
@cached_response
def articles(
    request: Request,
    limit: Limit = 50,
    offset: Offset = 0,
    store: Store = StoreDep,
    cache: SectionCache = CacheDep,
) -> Response:
    """A page of articles, by publication date (undated last)."""
    return _json(data.list_articles(store, limit=limit, offset=offset, cache=cache))


@router.get("/articles/{article_id}")
@cached_response
def article(request: Request, article_id: str, store: Store = StoreDep) -> Response:
    """One article (an id prefix is enough) with text, annotations, groups and sources."""
    return _json(data.article_detail(store, article_id))


@router.get("/articles/{article_id}/compare/{other_id}")
@cached_response
def compare(request: Request, article_id: str, other_id: str, store: Store = StoreDep) -> Response:
    """The passages two articles share and what each adds."""
    return _json(data.compare_articles(store, article_id, other_id))


@router.get("/events")
@cached_response
def events(
    request: Request,
    limit: Limit = 100,
    offset: Offset = 0,
    query: EventQuery = FilterDep,
    store: Store = StoreDep,
    cache: SectionCache = CacheDep,
) -> Response:
    """A page of corpus-level events in date order (undated last), filtered.

    Filters (query string): type, actor (alias entity), place, date_from, date_to,
    min_sources, min_confidence.
    """
    return _json(data.list_events(store, query, limit=limit, offset=offset, cache=cache))


@router.get("/events/export")
def events_export(
    request: Request,
    format: Annotated[
        str, Query(pattern="^(csv|json|geojson)$", description="csv, json or geojson")
    ] = "json",
    query: EventQuery = FilterDep,
) -> Response:
    """Every event the filters select (no paging), as CSV, a JSON array or GeoJSON points."""
    from dateline.web import exports

    return exports.export_response(request.app.state.db_path, query, format)


@router.get("/events/{event_id}")
@cached_response
def event(request: Request, event_id: str, store: Store = StoreDep) -> Response:
    """One corpus-level event with its sources' evidence and their claims."""
    return _json(data.event_detail(store, event_id))


@router.get("/map")
@cached_response
def map_points(
    request: Request,
    query: EventQuery = FilterDep,
    store: Store = StoreDep,
    cache: SectionCache = CacheDep,
) -> Response:
    """Geocoded places of the filtered events (with counts) and the most mentioned places."""
    return _json(data.map_points(store, query, cache))


@router.get("/network")
@cached_response
def network(
    request: Request,
    query: EventQuery = FilterDep,
    store: Store = StoreDep,
    cache: SectionCache = CacheDep,
) -> Response:
    """Actor -> recipient pairs among the filtered events, with the entities they join."""
    return _json(data.actor_network(store, query, cache))


@router.get("/entities")
@cached_response
def entities(
    request: Request,
    name: Annotated[str | None, Query(description="name or alias substring")] = None,
    kind: Annotated[str | None, Query(pattern="^(?i:PERSON|ORG|PLACE|OTHER)$")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
    store: Store = StoreDep,
) -> Response:
    """Entities (one per real person/organisation/place) with mention counts."""
    return _json(data.list_entities(store, name=name, kind=kind, limit=limit, offset=offset))


@router.get("/entities/{entity_id}")
@cached_response
def entity(
    request: Request, entity_id: str, limit: Limit = 50, offset: Offset = 0, store: Store = StoreDep
) -> Response:
    """An entity's dossier: aliases, roles, country, sector; pages of events, claims, articles."""
    return _json(data.entity_dossier(store, entity_id, limit=limit, offset=offset))


@router.get("/claims")
@cached_response
def claims(
    request: Request,
    speaker: Annotated[str | None, Query(description="speaker substring")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
    store: Store = StoreDep,
    cache: SectionCache = CacheDep,
) -> Response:
    """Attributed claims with speaker, content, numbers and provenance notes."""
    return _json(data.list_claims(store, speaker=speaker, limit=limit, offset=offset, cache=cache))


@router.get("/groups")
@cached_response
def groups(
    request: Request,
    kind: Annotated[str | None, Query(description="copy, same-event or thread")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
    store: Store = StoreDep,
) -> Response:
    """Article groups with members, score and evidence."""
    return _json(data.list_groups(store, kind, limit=limit, offset=offset))


@router.get("/search")
@cached_response
def search_endpoint(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, description="words to find")],
    outlet: Annotated[str | None, Query(max_length=300, description="only this outlet")] = None,
    year: Annotated[
        str | None, Query(pattern="^([0-9]{4}|undated)$", description="only this year")
    ] = None,
    limit: Limit = 20,
    offset: Offset = 0,
    store: Store = StoreDep,
) -> Response:
    """Full-text search over article titles, text and claims, with outlet and year facets."""
    result = search(store, q, limit=limit, offset=offset, outlet=outlet, year=year)
    view = search_view(result)
    return _json(
        {"total": view["total"], "limit": limit, "offset": offset, "items": view["hits"]}
        | {k: view[k] for k in ("query", "facets", "selected")}
    )


# -- writes (bearer token) ---------------------------------------------------------------------


def _ingest_paths(settings: Settings, paths: list[str]) -> dict[str, Any]:
    """Ingest files and re-link the corpus, in a worker thread with its own store."""
    with open_store(settings.db_path) as store:
        report = ingest(paths, store=store, settings=settings)
        linked = None
        if report.inserted or report.updated or store.link_due():
            result = link_corpus(store, settings=settings)
            apply_entity_overrides(store)
            linked = {
                "articles": result.articles,
                "copies": result.copies,
                "same_event": result.same_event,
                "threads": result.threads,
                "dates_inferred": result.dates_inferred,
                "entities": result.entities,
            }
        return {
            "read": report.read,
            "inserted": report.inserted,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "skipped": report.skipped,
            "failed": report.failed,
            "errors": [str(e) for e in report.errors],
            "warnings": [str(e) for e in report.warnings],
            "article_ids": report.article_ids,
            "link": linked,
        }


@router.post("/ingest", dependencies=[WriteDep])
async def ingest_upload(
    request: Request,
    files: Annotated[list[UploadFile], File(description="article files (text, HTML, JSONL, CSV)")],
) -> dict[str, Any]:
    """Upload files, read and store them as articles, then group the corpus."""
    settings: Settings = request.app.state.settings
    uploads = Path(request.app.state.db_path).parent / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=uploads))
    paths = []
    for i, upload in enumerate(files):
        content = await upload.read(settings.max_file_bytes + 1)
        if len(content) > settings.max_file_bytes:
            raise HTTPException(
                413, f"{upload.filename!r} is larger than {settings.max_file_bytes} bytes"
            )
        name = _SAFE_NAME.sub("_", Path(upload.filename or f"upload-{i}").name).strip("._")
        target = folder / f"{i:03d}_{name or 'upload'}"
        target.write_bytes(content)
        paths.append(str(target))
    return await run_in_threadpool(_ingest_paths, settings, paths)


@router.post("/entities/{entity_id}/merge", dependencies=[WriteDep])
def merge(
    entity_id: str,
    other_id: Annotated[str, Body(embed=True, description="the entity folded into this one")],
    store: Store = WriteStoreDep,
) -> dict[str, Any]:
    """Merge another entity into this one (aliases, roles, mentions); recorded as an override."""
    merged = merge_entities(store, entity_id, other_id)
    return entity_view(store, merged)


@router.post("/entities/{entity_id}/split", dependencies=[WriteDep])
def split(
    entity_id: str,
    aliases: Annotated[list[str], Body(min_length=1, description="spellings to move out")],
    name: Annotated[str | None, Body(description="name of the new entity")] = None,
    store: Store = WriteStoreDep,
) -> dict[str, Any]:
    """Split the mentions spelled as `aliases` off into a new entity; recorded as an override."""
    kept, new = split_entity(store, entity_id, aliases, name=name)
    return {"kept": entity_view(store, kept), "new": entity_view(store, new)}
