"""REST API under /api: JSON views of the store, plus authenticated writes."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, File, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool

from dateline.ingest import ingest
from dateline.link.run import link_corpus
from dateline.settings import Settings
from dateline.store import Store, open_store
from dateline.store.entities import entity_view
from dateline.store.overrides import apply_entity_overrides, merge_entities, split_entity
from dateline.store.search import search, search_view
from dateline.web import data
from dateline.web.app import MAX_OFFSET, StoreDep, WriteDep
from dateline.web.events import PLOVER_TYPES

router = APIRouter(prefix="/api", tags=["api"])

Limit = Annotated[int, Query(ge=1, le=500, description="page size (1-500)")]
# SQLite integers are 64-bit: a larger offset would be a server error, so it is a 422.
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@router.get("/overview")
async def overview(store: Store = StoreDep) -> dict[str, Any]:
    """Counts of articles, events, entities, groups and claims; inputs that failed."""
    return data.overview(store)


@router.get("/articles")
async def articles(
    limit: Limit = 50, offset: Offset = 0, store: Store = StoreDep
) -> dict[str, Any]:
    """A page of articles, by publication date (undated last)."""
    return data.list_articles(store, limit=limit, offset=offset)


@router.get("/articles/{article_id}")
async def article(article_id: str, store: Store = StoreDep) -> dict[str, Any]:
    """One article (an id prefix is enough) with text, annotations, groups and sources."""
    return data.article_detail(store, article_id)


@router.get("/articles/{article_id}/compare/{other_id}")
async def compare(article_id: str, other_id: str, store: Store = StoreDep) -> dict[str, Any]:
    """The passages two articles share and what each adds."""
    return data.compare_articles(store, article_id, other_id)


@router.get("/events")
async def events(
    entity: Annotated[str | None, Query(description="entity id or name substring")] = None,
    type: Annotated[
        str | None, Query(description="PLOVER type: " + ", ".join(PLOVER_TYPES))
    ] = None,
    place: Annotated[str | None, Query(description="place entity id or name substring")] = None,
    date_from: Annotated[str | None, Query(description="ISO date YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(description="ISO date YYYY-MM-DD")] = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="page size (1-5000)")] = 1000,
    offset: Offset = 0,
    store: Store = StoreDep,
) -> list[dict[str, Any]]:
    """Corpus-level events in date order (undated last), filtered, one page at a time."""
    filters = data.EventFilters.parse(entity, type, place, date_from, date_to)
    return data.list_events(store, filters, limit=limit, offset=offset)[0]


@router.get("/events/{event_id}")
async def event(event_id: str, store: Store = StoreDep) -> dict[str, Any]:
    """One corpus-level event with its sources' evidence and their claims."""
    return data.event_detail(store, event_id)


@router.get("/entities")
async def entities(
    name: Annotated[str | None, Query(description="name or alias substring")] = None,
    kind: Annotated[str | None, Query(pattern="^(?i:PERSON|ORG|PLACE|OTHER)$")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
    store: Store = StoreDep,
) -> dict[str, Any]:
    """Entities (one per real person/organisation/place) with mention counts."""
    return data.list_entities(store, name=name, kind=kind, limit=limit, offset=offset)


@router.get("/entities/{entity_id}")
async def entity(entity_id: str, store: Store = StoreDep) -> dict[str, Any]:
    """An entity's dossier: aliases, roles, country, sector, events, claims over time."""
    return data.entity_dossier(store, entity_id)


@router.get("/claims")
async def claims(
    speaker: Annotated[str | None, Query(description="speaker substring")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
    store: Store = StoreDep,
) -> dict[str, Any]:
    """Attributed claims with speaker, content, numbers and provenance notes."""
    return data.list_claims(store, speaker=speaker, limit=limit, offset=offset)


@router.get("/groups")
async def groups(
    kind: Annotated[str | None, Query(description="copy, same-event or thread")] = None,
    store: Store = StoreDep,
) -> list[dict[str, Any]]:
    """Article groups with members, score and evidence."""
    return data.list_groups(store, kind)


@router.get("/search")
async def search_endpoint(
    q: Annotated[str, Query(min_length=1, max_length=500, description="words to find")],
    limit: Limit = 20,
    offset: Offset = 0,
    store: Store = StoreDep,
) -> dict[str, Any]:
    """Full-text search over article titles, text and claims, with outlet and year facets."""
    return search_view(search(store, q, limit=limit, offset=offset))


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
async def merge(
    entity_id: str,
    other_id: Annotated[str, Body(embed=True, description="the entity folded into this one")],
    store: Store = StoreDep,
) -> dict[str, Any]:
    """Merge another entity into this one (aliases, roles, mentions); recorded as an override."""
    merged = merge_entities(store, entity_id, other_id)
    return entity_view(store, merged)


@router.post("/entities/{entity_id}/split", dependencies=[WriteDep])
async def split(
    entity_id: str,
    aliases: Annotated[list[str], Body(min_length=1, description="spellings to move out")],
    name: Annotated[str | None, Body(description="name of the new entity")] = None,
    store: Store = StoreDep,
) -> dict[str, Any]:
    """Split the mentions spelled as `aliases` off into a new entity; recorded as an override."""
    kept, new = split_entity(store, entity_id, aliases, name=name)
    return {"kept": entity_view(store, kept), "new": entity_view(store, new)}
