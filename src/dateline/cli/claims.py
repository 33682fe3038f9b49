"""Command over claims: `claims`."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from dateline.cli.app import DbOption, JsonOption, app, settings_from, store_from
from dateline.pipeline.claims import list_claims


def _speaker(row: dict[str, Any]) -> str:
    """Who made the claim: the resolved speaker, else the source as written, marked."""
    if row["speaker"]:
        return str(row["speaker"]["text"])
    if row.get("source"):
        return f"{row['source']['text']} (unresolved)"
    return "?"


@app.command("claims")
def claims_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Only claims whose speaker contains this.")
    ] = None,
) -> None:
    """List attributed claims with speaker, content, numbers and provenance notes."""
    settings = settings_from(db)
    with store_from(settings) as store:
        rows = list(list_claims(store, speaker=speaker))
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("speaker", "cue", "claim", "numbers", "article", "note")
    for row in rows:
        numbers = ", ".join(
            f"{q['op'] if q['op'] != '=' else ''}{q['value']:,.0f} {q['unit'] or ''}".strip()
            for q in row["quantities"]
        )
        table.add_row(
            _speaker(row),
            (row["cue"] or {}).get("text") or "",
            (row["content"] or {}).get("text", "")[:140],
            numbers,
            row["article_id"][:8],
            "unverified" if any(n["kind"] == "disclaimer" for n in row["notes"]) else "",
        )
    out = Console()
    if not out.is_terminal:
        out = Console(width=200)
    out.print(table)
