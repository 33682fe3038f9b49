"""Server-rendered HTML pages: the same data functions as the API, through Jinja2 templates.

Autoescaping is on for every template; article text reaches the page only through
`dateline.web.highlight`, which escapes each piece before wrapping it in `<mark>`.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader

from dateline.store import Store
from dateline.store.search import search, search_view
from dateline.web import data
from dateline.web.app import MAX_OFFSET, StoreDep
from dateline.web.events import PLOVER_TYPES, SOFT_ORIGINS, date_is_soft
from dateline.web.highlight import Highlight, highlight, marked_snippet

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

ENV = Environment(
    loader=PackageLoader("dateline.web", "templates"),
    autoescape=True,  # every template, whatever its name
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.globals.update(
    plover_types=PLOVER_TYPES,
    soft_origins=sorted(SOFT_ORIGINS),
    date_is_soft=date_is_soft,
    marked_snippet=marked_snippet,
)
templates = Jinja2Templates(env=ENV)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """Render a template with the request in its context."""
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def error_page(request: Request, status_code: int, message: str) -> Response:
    """An HTML error page (404 unknown id, 422 bad filter)."""
    return render(request, "error.html", status_code, status=status_code, message=message)


def _article_marks(view: dict[str, Any]) -> list[Highlight]:
    marks = []
    for q in view["quotes"]:
        content = q["content"]
        if content:
            who = (q["speaker"] or q["source"] or {}).get("text")
            marks.append(
                Highlight(content["start"], content["end"], "quote", f"quote: {who or '?'}")
            )
    for t in view["timerefs"]:
        marks.append(Highlight(t["start"], t["end"], "time", f"{t['type']} {t['value']}"))
    for m in view["entities"]:
        eid = m.get("entity_id")
        marks.append(
            Highlight(
                m["start"],
                m["end"],
                f"ent ent-{m['label'].lower()}",
                m["label"],
                f"/entities/{eid}" if eid else None,
            )
        )
    return marks


def _trim(text: str, start: int, end: int) -> int:
    """The end of a span with trailing whitespace left out."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


@router.get("/")
async def home(request: Request, store: Store = StoreDep) -> Response:
    """Overview: counts, date range, ingest errors."""
    return render(request, "overview.html", view=data.overview(store))


TIMELINE_LIMIT = 2000  # events drawn on one page; narrow the filters to see the rest


@router.get("/timeline")
async def timeline(
    request: Request,
    entity: str | None = None,
    type: str | None = None,
    place: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    store: Store = StoreDep,
) -> Response:
    """Events on a time axis in date order; undated ones listed apart; filters as a GET form."""
    filters = data.EventFilters.parse(entity, type, place, date_from, date_to)
    events, total = data.list_events(store, filters, limit=TIMELINE_LIMIT)
    dated = [e for e in events if e["date"].get("value")]
    undated = [e for e in events if not e["date"].get("value")]
    by_year: dict[str, list[dict[str, Any]]] = {}
    for event in dated:
        by_year.setdefault(event["date"]["value"][:4], []).append(event)
    raw = {"entity": entity, "type": type, "place": place, "date_from": date_from}
    return render(
        request,
        "timeline.html",
        by_year=by_year,
        undated=undated,
        count=total,
        shown=len(events),
        form=raw | {"date_to": date_to},
    )


@router.get("/events/{event_id}")
async def event_page(request: Request, event_id: str, store: Store = StoreDep) -> Response:
    """One event: date with origin, place, participants, sources side by side, claims."""
    view = data.event_detail(store, event_id)
    columns = []
    for source in view["sources"]:
        article = store.get_article(source["article_id"])
        marks = [
            Highlight(e["start"], _trim(article.text, e["start"], e["end"]), "evidence", "evidence")
            for e in source["evidence"]
        ]
        columns.append(source | {"html": highlight(article.text, marks)})
    return render(request, "event.html", event=view, columns=columns)


@router.get("/events")
async def events_redirect() -> Response:
    """The event list lives on the timeline."""
    return RedirectResponse("/timeline", status_code=307)


@router.get("/entities")
async def entities_page(
    request: Request,
    name: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    store: Store = StoreDep,
) -> Response:
    """Entities with their spellings and mention counts."""
    view = data.list_entities(store, name=name, kind=None, limit=limit, offset=offset)
    return render(request, "entities.html", view=view, name=name or "")


@router.get("/entities/{entity_id}")
async def entity_page(request: Request, entity_id: str, store: Store = StoreDep) -> Response:
    """An entity's dossier."""
    return render(request, "entity.html", entity=data.entity_dossier(store, entity_id))


@router.get("/articles")
async def articles_page(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    store: Store = StoreDep,
) -> Response:
    """A page of articles."""
    return render(
        request, "articles.html", view=data.list_articles(store, limit=limit, offset=offset)
    )


@router.get("/articles/{article_id}")
async def article_page(request: Request, article_id: str, store: Store = StoreDep) -> Response:
    """An article's clean text with entity/time/quote highlights, provenance and groups."""
    view = data.article_detail(store, article_id)
    body = highlight(view["text"], _article_marks(view))
    return render(request, "article.html", article=view, body=body)


@router.get("/articles/{article_id}/compare")
async def compare_form(article_id: str, other: str = "") -> Response:
    """The "compare with" form's target: redirect to the comparison page."""
    if not other.strip():
        return RedirectResponse(f"/articles/{quote(article_id, safe='')}", status_code=303)
    first, second = quote(article_id, safe=""), quote(other.strip(), safe="")
    return RedirectResponse(f"/articles/{first}/compare/{second}", status_code=303)


@router.get("/articles/{article_id}/compare/{other_id}")
async def compare_page(
    request: Request, article_id: str, other_id: str, store: Store = StoreDep
) -> Response:
    """Shared passages side by side, and what each article has alone."""
    return render(request, "compare.html", cmp=data.compare_articles(store, article_id, other_id))


@router.get("/claims")
async def claims_page(
    request: Request,
    speaker: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    store: Store = StoreDep,
) -> Response:
    """Attributed claims."""
    view = data.list_claims(store, speaker=speaker, limit=limit, offset=offset)
    return render(request, "claims.html", view=view, speaker=speaker or "")


@router.get("/groups")
async def groups_page(
    request: Request, kind: str | None = None, store: Store = StoreDep
) -> Response:
    """Article groups."""
    return render(request, "groups.html", groups=data.list_groups(store, kind or None), kind=kind)


@router.get("/search")
async def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    store: Store = StoreDep,
) -> Response:
    """Search results with snippets and facets by outlet and year."""
    view = search_view(search(store, q, limit=limit, offset=offset)) if q.strip() else None
    return render(request, "search.html", q=q, view=view, limit=limit, offset=offset)
