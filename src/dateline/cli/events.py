"""Command over events: `events` (per-article events, in date order)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from dateline.cli.app import DbOption, JsonOption, app, settings_from, store_from
from dateline.store import Store
from dateline.store.entities import entity_view, load_entities
from dateline.views import event_view


def list_events(store: Store) -> Iterator[dict[str, Any]]:
    """Yield every stored per-article event with its article id and title."""
    for article in store.iter_articles():
        for event in article.events:
            yield event_view(article, event) | {"article_id": article.id, "title": article.title}


@app.command("events")
def events_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List extracted events (type, participants, place, date with its origin, source)."""
    settings = settings_from(db)
    with store_from(settings) as store:
        rows = sorted(
            list_events(store), key=lambda r: (r["date"]["value"] is None, r["date"]["value"] or "")
        )
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("date", "origin", "type", "actors", "recipients", "place", "article")
    for row in rows:
        table.add_row(
            row["date"]["value"] or "?", row["date"]["origin"],
            f"{row['type']}{'/' + row['mode'] if row['mode'] else ''}",
            ", ".join(p["text"] for p in row["actors"]),
            ", ".join(p["text"] for p in row["recipients"]),
            (row["place"] or {}).get("text", ""), row["article_id"][:8],
        )  # fmt: skip
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
    out = Console() if Console().is_terminal else Console(width=180)
    out.print(table)
