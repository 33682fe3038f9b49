"""Commands over events and actors: `events` (per article), `timeline` (merged), `entities`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dateline.cli.app import (
    CsvOption,
    DbOption,
    JsonOption,
    LimitOption,
    TypeOption,
    app,
    emit,
    one_format,
    print_json_lines,
    settings_from,
    store_from,
)

if TYPE_CHECKING:
    from dateline.store import Store

MinConfidence = Annotated[
    float,
    typer.Option(
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="Only events at least this confident (0-1, the calibrated chance they are right).",
    ),
]
ActorOption = Annotated[
    str | None,
    typer.Option("--actor", help="Only events with this participant (entity id or name)."),
]
PlaceOption = Annotated[
    str | None, typer.Option("--place", help="Only events at this place (entity id or name).")
]
SinceOption = Annotated[
    str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="Only events from this day.")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", metavar="YYYY-MM-DD", help="Only events to this day.")
]
HEADER = ("date", "origin", "type", "conf", "actors", "recipients", "place")


def _day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


def _period(value: str | None) -> tuple[date, date] | None:
    """The days an event date (YYYY, YYYY-MM, YYYY-MM-DD) covers."""
    from dateline.store.read_events import date_period

    return date_period(value)


@app.command("events")
def events_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    type: TypeOption = None,
    actor: ActorOption = None,
    place: PlaceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: LimitOption = None,
    min_confidence: MinConfidence = 0.0,
    per_article: Annotated[
        bool, typer.Option("--per-article", hidden=True, help="Kept for old scripts: no effect.")
    ] = False,
) -> None:
    """List each article's own events (unmerged) in date order, with the article they are in."""
    one_format(as_json, as_csv)
    first, last = _day(since, "--since"), _day(until, "--until")
    settings = settings_from(db)
    with store_from(settings) as store:
        rows = _article_events(
            store,
            type.value if type else None,
            min_confidence,
            actor=actor,
            place=place,
            first=first,
            last=last,
        )
        if limit is not None:
            rows = rows[:limit]
    if as_json:
        print_json_lines(rows)
        return
    emit(
        (*HEADER, "trigger", "article"),
        (
            (*_cells(r, "text"), (r["trigger"] or {}).get("text", ""), r["article_id"][:8])
            for r in rows
        ),
        as_csv=as_csv,
    )


def _article_events(
    store: Store,
    kind: str | None,
    min_confidence: float,
    *,
    actor: str | None,
    place: str | None,
    first: date | None,
    last: date | None,
) -> list[dict[str, Any]]:
    from dateline.model import Article, Event, from_dict
    from dateline.store.read_events import article_event_rows
    from dateline.views import event_view

    ids = _entity_ids(store, actor) if actor else set()
    needle = (actor or "").lower()
    out = []
    for article_id, title, text, data in article_event_rows(store, kind, min_confidence):
        event = from_dict(Event, data)
        view = event_view(Article(id=article_id, text=text, source_path=""), event)
        if actor and not any(
            p.get("entity_id") in ids or needle in p["text"].lower()
            for p in (*view["actors"], *view["recipients"], *view["attendees"])
        ):
            continue
        if place and place.lower() not in ((view["place"] or {}).get("text") or "").lower():
            continue
        if first or last:
            period = _period(view["date"]["value"])
            if period is None or (first and period[1] < first) or (last and period[0] > last):
                continue
        out.append(view | {"article_id": article_id, "title": title})
    return out


def _entity_ids(store: Store, name: str) -> set[str]:
    from dateline.store.read import matching_entity_ids

    return set(matching_entity_ids(store, name))


@app.command("timeline")
def timeline_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    type: TypeOption = None,
    actor: ActorOption = None,
    place: PlaceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: LimitOption = None,
    min_confidence: MinConfidence = 0.0,
    entity: Annotated[
        str | None, typer.Option("--entity", help="The same as --actor (its earlier name).")
    ] = None,
) -> None:
    """Show events merged across outlets in time order (undated last), with their sources."""
    from dateline.store.read_events import EventQuery

    one_format(as_json, as_csv)
    query = EventQuery(
        type=type.value if type else None,
        actor=actor or entity,
        place=place,
        date_from=_day(since, "--since"),
        date_to=_day(until, "--until"),
        min_confidence=min_confidence,
    )
    settings = settings_from(db)
    with store_from(settings) as store:
        if query.actor and not _entity_ids(store, query.actor):
            typer.echo(
                f"no entity matches {query.actor!r}; list them with: dateline entities", err=True
            )
            raise typer.Exit(1)
        rows = _records(store, query, limit, evidence=as_json)
        if as_json:
            print_json_lines(rows)
            return
        emit(
            (*HEADER, "sources", "id"),
            ((*_cells(r, "name"), r["source_count"], r["id"]) for r in rows),
            as_csv=as_csv,
        )


def _records(store: Store, query: Any, limit: int | None, *, evidence: bool) -> Any:
    """The matching records' views in time order, read a chunk at a time."""
    from dateline.store.read_events import iter_events
    from dateline.views import event_records_view

    batch: list[Any] = []
    for i, record in enumerate(iter_events(store, query)):
        if limit is not None and i >= limit:
            break
        batch.append(record)
        if len(batch) == 200:
            yield from event_records_view(store, batch, evidence=evidence)
            batch = []
    if batch:
        yield from event_records_view(store, batch, evidence=evidence)


def _cells(row: dict[str, Any], name: str) -> tuple[Any, ...]:
    return (
        row["date"]["value"] or "undated",
        row["date"]["origin"],
        f"{row['type']}{'/' + row['mode'] if row['mode'] else ''}",
        f"{row['confidence']:.2f}",
        ", ".join(p[name] for p in row["actors"]),
        ", ".join(p[name] for p in row["recipients"]),
        (row["place"] or {}).get(name, ""),
    )


@app.command("entities")
def entities_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    name: Annotated[str | None, typer.Option("--name", help="Only entities matching this.")] = None,
    limit: LimitOption = None,
) -> None:
    """List entities: one per real person, organisation or place, with every spelling seen."""
    from dateline.store.read import entity_page

    one_format(as_json, as_csv)
    settings = settings_from(db)
    with store_from(settings) as store:
        rows = entity_page(store, name=name, limit=limit or -1, offset=0)
    if as_json:
        print_json_lines(rows)
        return
    emit(
        ("kind", "name", "aliases", "mentions", "articles", "id"),
        (
            (r["kind"], r["name"], ", ".join(r["aliases"]), r["mentions"], r["articles"], r["id"])
            for r in rows
        ),
        as_csv=as_csv,
    )
