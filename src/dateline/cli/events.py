"""Commands over events and actors: `events`, `timeline`, `entities`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from dateline.cli.app import DbOption, JsonOption, app, settings_from, store_from
from dateline.settings import Settings
from dateline.store import Store
from dateline.store.entities import entity_view, load_entities
from dateline.store.events import entity_ids, load_event_records
from dateline.views import event_record_view, event_view

MinConfidence = Annotated[
    float,
    typer.Option(
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="Only events at least this confident (0-1, the calibrated chance they are right).",
    ),
]


def list_events(store: Store) -> Iterator[dict[str, Any]]:
    """Yield every stored per-article event with its article id and title."""
    for article in store.iter_articles():
        for event in article.events:
            yield event_view(article, event) | {"article_id": article.id, "title": article.title}


@app.command("events")
def events_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    per_article: Annotated[
        bool, typer.Option("--per-article", help="Each article's own events, unmerged.")
    ] = False,
    min_confidence: MinConfidence = 0.0,
) -> None:
    """List events merged across outlets (type, who, where, when with its origin, sources)."""
    settings = settings_from(db)
    if per_article:
        with store_from(settings) as store:
            rows = sorted(
                (r for r in list_events(store) if r["confidence"] >= min_confidence),
                key=lambda r: (r["date"]["value"] is None, r["date"]["value"] or ""),
            )
        if as_json:
            sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
            return
        _print(_table(rows, name="text", last=("article", lambda r: r["article_id"][:8])))
        return
    _records(settings, None, as_json, min_confidence)


@app.command("timeline")
def timeline_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    entity: Annotated[
        str | None, typer.Option("--entity", help="Only events of this entity (id or name).")
    ] = None,
    min_confidence: MinConfidence = 0.0,
) -> None:
    """Show events in time order, undated last, with how many articles report each."""
    _records(settings_from(db), entity, as_json, min_confidence)


def _records(settings: Settings, entity: str | None, as_json: bool, min_confidence: float) -> None:
    with store_from(settings) as store:
        if entity is not None and not entity_ids(store, entity):
            typer.echo(f"no entity matches {entity!r}; list them with: dateline entities", err=True)
            raise typer.Exit(1)
        rows = [
            event_record_view(store, r)
            for r in load_event_records(store, entity=entity, min_confidence=min_confidence)
        ]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    _print(
        _table(rows, name="name", last=("sources, id", lambda r: f"{r['source_count']}  {r['id']}"))
    )


def _table(
    rows: list[dict[str, Any]], *, name: str, last: tuple[str, Callable[[dict[str, Any]], str]]
) -> Table:
    """Events as a table: date, origin, type/mode, who, where, and a last column of choice."""
    table = Table("date", "origin", "type", "conf", "actors", "recipients", "place", last[0])
    for row in rows:
        table.add_row(
            row["date"]["value"] or "undated", row["date"]["origin"],
            f"{row['type']}{'/' + row['mode'] if row['mode'] else ''}",
            f"{row['confidence']:.2f}",
            ", ".join(p[name] for p in row["actors"]),
            ", ".join(p[name] for p in row["recipients"]),
            (row["place"] or {}).get(name, ""), last[1](row),
        )  # fmt: skip
    return table


def _print(table: Table) -> None:
    out = Console() if Console().is_terminal else Console(width=180)
    out.print(table)


@app.command("entities")
def entities_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    name: Annotated[str | None, typer.Option("--name", help="Only entities matching this.")] = None,
) -> None:
    """List entities: one per real person, organisation or place, with every spelling seen."""
    settings = settings_from(db)
    with store_from(settings) as store:
        rows = [entity_view(store, e) for e in load_entities(store, name)]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("kind", "name", "aliases", "mentions", "articles")
    for row in rows:
        table.add_row(
            row["kind"],
            row["name"],
            ", ".join(row["aliases"]),
            str(row["mentions"]),
            str(row["articles"]),
        )
    _print(table)
