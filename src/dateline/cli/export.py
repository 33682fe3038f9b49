"""Command for exports: `export` (tables, PLOVER JSON, GDELT rows, the actor graph)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dateline.cli.app import ConfigOption, DbOption, app, fail, settings_from, store_from
from dateline.errors import DatelineError


class ExportFormat(StrEnum):
    """The export formats (the --format choices; `dateline.export.FORMATS`, kept in step)."""

    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    plover = "plover"
    gdelt = "gdelt"
    graphml = "graphml"
    geojson = "geojson"


@app.command("export")
def export_command(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", case_sensitive=False, help="What to write.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Directory for jsonl/csv/parquet (one file per table); file or directory "
            "for plover/gdelt/graphml, which go to stdout without it.",
        ),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    header: Annotated[
        bool, typer.Option("--header", help="gdelt: put the GDELT column names first.")
    ] = False,
) -> None:
    """Export articles, claims, entities and events as tables, PLOVER, GDELT or GraphML."""
    from dateline.export import export

    settings = settings_from(db, config)
    with store_from(settings) as store:
        try:
            written = export(store, fmt.value, out, header=header)
        except DatelineError as exc:
            fail(exc)
            return
    if written is not None:
        typer.echo(f"exported {fmt.value} to {written}", err=True)
