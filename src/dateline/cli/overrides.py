"""Command over analysts' entity decisions: `overrides`."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dateline.cli.app import DbOption, JsonOption, app, settings_from, store_from
from dateline.store.overrides import list_overrides


@app.command("overrides")
def overrides_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    stale: Annotated[
        bool, typer.Option("--stale", help="Only decisions that no longer apply.")
    ] = False,
) -> None:
    """List analysts' entity merges and splits, and why any no longer applies after a re-link."""
    settings = settings_from(db)
    with store_from(settings) as store:
        rows = list_overrides(store, status="stale" if stale else None)
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        typer.echo("no stale entity decisions" if stale else "no entity decisions recorded")
        return
    table = Table("#", "op", "entity", "other", "aliases", "at", "status", "reason")
    for row in rows:
        table.add_row(
            str(row["seq"]),
            str(row["op"]),
            str(row["entity_id"]),
            str(row["other_id"]),
            ", ".join(row["aliases"]),  # type: ignore[arg-type]
            str(row["at"]),
            str(row["status"]),
            str(row["reason"] or ""),
        )
    out = Console() if Console().is_terminal else Console(width=200)
    out.print(table)
