"""Server-rendered HTML pages: the same data functions as the API, through Jinja2 templates.

Autoescaping is on for every template; article text reaches the page only through
`dateline.web.highlight`, which escapes each piece before wrapping it in `<mark>`.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader

from dateline.store import Store, read
from dateline.store.read_events import EventQuery
from dateline.store.search import search, search_view
from dateline.web import charts, data
from dateline.web.app import MAX_OFFSET, CacheDep, StoreDep, cached_response
from dateline.web.basemap import basemap_svg
from dateline.web.cache import SectionCache
from dateline.web.events import PLOVER_TYPES, SOFT_ORIGINS, date_is_soft
from dateline.web.filters import filter_values, parse_filters, url_with
from dateline.web.highlight import Highlight, highlight, marked_snippet
from dateline.web.rows import event_rows_html

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


def _query(request: Request) -> EventQuery:
    return parse_filters(request.query_params)


def _view_links(query: EventQuery) -> dict[str, str]:
    """The same filters on every view and export."""
    return {
        "timeline": url_with("/timeline", query),
        "map": url_with("/map", query),
        "network": url_with("/network", query),
        "csv": url_with("/api/events/export", query) + _fmt(query, "csv"),
        "json": url_with("/api/events/export", query) + _fmt(query, "json"),
        "geojson": url_with("/api/events/export", query) + _fmt(query, "geojson"),
    }


def _fmt(query: EventQuery, fmt: str) -> str:
    return ("&" if filter_values(query) else "?") + "format=" + fmt


def _facet_links(
    query: EventQuery, facets: dict[str, list[Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Facet values as links that add (or, when selected, remove) the filter."""
    out: dict[str, list[dict[str, Any]]] = {"type": [], "place": [], "actor": []}
    for kind, n in facets["type"]:
        on = query.type == kind
        out["type"].append(
            {
                "label": kind,
                "n": n,
                "on": on,
                "href": url_with("/timeline", query, type=None if on else kind),
            }
        )
    for pid, name, n in facets["place"]:
        on = query.place == pid
        out["place"].append(
            {
                "label": name,
                "n": n,
                "on": on,
                "href": url_with("/timeline", query, place=None if on else pid),
            }
        )
    for eid, name, kind, n in facets["actor"]:
        on = query.actor == eid
        out["actor"].append(
            {"label": name, "kind": kind, "n": n, "on": on,
             "href": url_with("/timeline", query, actor=None if on else eid)}
        )  # fmt: skip
    return out


@router.get("/")
@cached_response
def home(request: Request, store: Store = StoreDep, cache: SectionCache = CacheDep) -> Response:
    """Overview: counts, date range, ingest errors."""
    return render(request, "overview.html", view=data.overview(store, cache))


TIMELINE_PAGE = 100  # events listed per timeline page


@router.get("/timeline")
@cached_response
def timeline(
    request: Request,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = TIMELINE_PAGE,
    store: Store = StoreDep,
    cache: SectionCache = CacheDep,
) -> Response:
    """Events on a proportional time axis with a histogram, facets and a page of rows."""
    query = _query(request)
    listing = data.list_events(store, query, limit=limit, offset=offset, cache=cache)
    sections = data.timeline_sections(store, query, cache)
    extent = sections["extent"]
    first = query.date_from or extent.first
    last = query.date_to or extent.last
    chart = None
    if first and last and first <= last:
        scale = charts.TimeScale(first, last)
        lanes = [t for t in PLOVER_TYPES if any(e["type"] == t for e in listing["items"])]
        marks = charts.strip_marks(
            scale, [e | {"label": _label(e)} for e in listing["items"]], lanes or ["?"]
        )
        chart = {
            "scale": scale,
            "ticks": scale.ticks(),
            "bars": charts.histogram_bars(scale, sections["histogram"], sections["bucket"]),
            "marks": marks,
            "bucket": sections["bucket"],
            "coarse": sections["coarse"],
            "lanes": lanes,
            "height": 150 + 12 * max(1, len(lanes)),
        }
        undated = url_with("/timeline", query, date_from=None, date_to=None)
        glue = "&" if "?" in undated else "?"
        chart["svg"] = charts.timeline_svg(
            chart, lambda a, b: f"{undated}{glue}date_from={a}&date_to={b}", undated
        )
    rows = []
    previous = None
    undated_seen = False
    for event in listing["items"]:
        value = event["date"].get("value")
        first_undated = value is None and not undated_seen
        undated_seen = undated_seen or value is None
        rows.append(
            event | {"gap": charts.gap_class(previous, value), "first_undated": first_undated}
        )
        previous = value or previous
    return render(
        request,
        "timeline.html",
        listing=listing,
        rows=rows,
        rows_html=event_rows_html(rows, lambda pid: url_with("/timeline", query, place=pid)),
        chart=chart,
        extent=extent,
        facets=_facet_links(query, sections["facets"]),
        form=filter_values(query),
        links=_view_links(query),
        pager=_pager("/timeline", query, listing),
        url_with=url_with,
        query=query,
    )


def _label(event: dict[str, Any]) -> str:
    who = ", ".join(p["name"] for p in event["actors"][:2])
    whom = ", ".join(p["name"] for p in event["recipients"][:2])
    return (
        f"{event['date'].get('value') or 'undated'} {event['type']}: {who or '?'} -> {whom or '?'}"
    )


def _pager(path: str, query: EventQuery, listing: dict[str, Any]) -> dict[str, str | None]:
    base = filter_values(query) | {"limit": str(listing["limit"])}
    offset, limit, total = listing["offset"], listing["limit"], listing["total"]

    def at(value: int) -> str:
        return path + "?" + urlencode(base | {"offset": str(value)})

    return {
        "previous": at(max(0, offset - limit)) if offset > 0 else None,
        "next": at(offset + limit) if offset + limit < total else None,
    }


@router.get("/map")
@cached_response
def map_page(request: Request, store: Store = StoreDep, cache: SectionCache = CacheDep) -> Response:
    """Where the filtered events happened, over country outlines; places most mentioned."""
    query = _query(request)
    points = data.map_points(store, query, cache)
    box = charts.map_view_box(points["events"] or points["places"])
    return render(
        request,
        "map.html",
        box=box,
        events=charts.map_marks(points["events"], box, "events"),
        places=charts.map_marks(points["places"], box, "articles"),
        form=filter_values(query),
        links=_view_links(query),
        query=query,
        url_with=url_with,
    )


@router.get("/map/basemap.svg")
def basemap(request: Request) -> Response:
    """Country outlines (Natural Earth), the map's base layer."""
    body, etag = basemap_svg()
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="image/svg+xml", headers=headers)


@router.get("/network")
@cached_response
def network_page(
    request: Request, store: Store = StoreDep, cache: SectionCache = CacheDep
) -> Response:
    """Who acts on whom among the filtered events, as a graph."""
    query = _query(request)
    graph = data.actor_network(store, query, cache, top=120)
    nodes, edges = cache.get(
        ("layout", query), lambda: charts.network_layout(graph["nodes"], graph["edges"])
    )
    return render(
        request,
        "network.html",
        nodes=nodes,
        edges=edges,
        form=filter_values(query),
        links=_view_links(query),
        query=query,
        url_with=url_with,
    )


@router.get("/events/{event_id}")
@cached_response
def event_page(request: Request, event_id: str, store: Store = StoreDep) -> Response:
    """One event: date with origin, place, participants, sources side by side, claims."""
    view = data.event_detail(store, event_id)
    texts = read.article_texts(store, [s["article_id"] for s in view["sources"]])
    columns = []
    for source in view["sources"]:
        text = texts.get(source["article_id"], "")
        marks = [
            Highlight(e["start"], _trim(text, e["start"], e["end"]), "evidence", "evidence")
            for e in source["evidence"]
        ]
        columns.append(source | {"html": highlight(text, marks)})
    return render(request, "event.html", event=view, columns=columns)


@router.get("/events")
def events_redirect(request: Request) -> Response:
    """The event list lives on the timeline (filters kept)."""
    suffix = ("?" + str(request.url.query)) if request.url.query else ""
    return RedirectResponse("/timeline" + suffix, status_code=307)


@router.get("/entities")
@cached_response
def entities_page(
    request: Request,
    name: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    store: Store = StoreDep,
) -> Response:
    """Entities with their spellings and mention counts."""
    view = data.list_entities(store, name=name, kind=None, limit=limit, offset=offset)
    return render(
        request, "entities.html", view=view, name=name or "", pager=_list_pager(request, view)
    )


def _list_pager(request: Request, view: dict[str, Any]) -> dict[str, str | None]:
    params = dict(request.query_params)
    offset, limit, total = view["offset"], view["limit"], view["total"]

    def at(value: int) -> str:
        return (
            request.url.path + "?" + urlencode(params | {"offset": str(value), "limit": str(limit)})
        )

    return {
        "previous": at(max(0, offset - limit)) if offset > 0 else None,
        "next": at(offset + limit) if offset + limit < total else None,
    }


@router.get("/entities/{entity_id}")
@cached_response
def entity_page(
    request: Request,
    entity_id: str,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    store: Store = StoreDep,
) -> Response:
    """An entity's dossier, a page of each section at a time."""
    dossier = data.entity_dossier(store, entity_id, limit=limit, offset=offset)
    most = max(dossier["events_total"], dossier["claims_total"], dossier["articles_total"])
    pager = _list_pager(request, dossier | {"total": most})
    return render(request, "entity.html", entity=dossier, pager=pager)


@router.get("/articles")
@cached_response
def articles_page(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    store: Store = StoreDep,
    cache: SectionCache = CacheDep,
) -> Response:
    """A page of articles."""
    view = data.list_articles(store, limit=limit, offset=offset, cache=cache)
    return render(request, "articles.html", view=view)


@router.get("/articles/{article_id}")
@cached_response
def article_page(request: Request, article_id: str, store: Store = StoreDep) -> Response:
    """An article's clean text with entity/time/quote highlights, provenance and groups."""
    view = data.article_detail(store, article_id)
    body = highlight(view["text"], _article_marks(view))
    return render(request, "article.html", article=view, body=body)


@router.get("/articles/{article_id}/compare")
def compare_form(article_id: str, other: str = "") -> Response:
    """The "compare with" form's target: redirect to the comparison page."""
    if not other.strip():
        return RedirectResponse(f"/articles/{quote(article_id, safe='')}", status_code=303)
    first, second = quote(article_id, safe=""), quote(other.strip(), safe="")
    return RedirectResponse(f"/articles/{first}/compare/{second}", status_code=303)


@router.get("/articles/{article_id}/compare/{other_id}")
@cached_response
def compare_page(
    request: Request, article_id: str, other_id: str, store: Store = StoreDep
) -> Response:
    """Shared passages side by side, and what each article has alone."""
    return render(request, "compare.html", cmp=data.compare_articles(store, article_id, other_id))


@router.get("/claims")
@cached_response
def claims_page(
    request: Request,
    speaker: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    store: Store = StoreDep,
    cache: SectionCache = CacheDep,
) -> Response:
    """Attributed claims, a page at a time."""
    view = data.list_claims(store, speaker=speaker, limit=limit, offset=offset, cache=cache)
    return render(
        request, "claims.html", view=view, speaker=speaker or "", pager=_list_pager(request, view)
    )


@router.get("/groups")
@cached_response
def groups_page(
    request: Request,
    kind: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    store: Store = StoreDep,
) -> Response:
    """Article groups, a page at a time."""
    view = data.list_groups(store, kind or None, limit=limit, offset=offset)
    return render(
        request, "groups.html", groups=view["items"], view=view, kind=kind,
        pager=_list_pager(request, view),
    )  # fmt: skip


@router.get("/search")
@cached_response
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    outlet: Annotated[str | None, Query(max_length=300)] = None,
    year: Annotated[str | None, Query(pattern="^([0-9]{4}|undated)$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    store: Store = StoreDep,
) -> Response:
    """Search results with snippets, and facets by outlet and year that narrow the results."""
    view = None
    facets: dict[str, list[dict[str, Any]]] = {"outlet": [], "year": []}
    if q.strip():
        result = search(store, q, limit=limit, offset=offset, outlet=outlet, year=year)
        view = search_view(result)
        chosen = {"outlet": outlet, "year": year}
        for name in ("outlet", "year"):
            for value, n in view["facets"][name].items():
                on = chosen[name] == value
                params = {"q": q, "outlet": outlet, "year": year} | {name: None if on else value}
                facets[name].append(
                    {"label": value, "n": n, "on": on,
                     "href": "/search?" + urlencode({k: v for k, v in params.items() if v})}
                )  # fmt: skip
    pager = _list_pager(request, {"total": view["total"] if view else 0} | {
        "offset": offset, "limit": limit})  # fmt: skip
    return render(request, "search.html", q=q, view=view, facets=facets, pager=pager)
