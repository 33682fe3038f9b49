"""Command for exports: `export` (tables, PLOVER JSON, GDELT rows, the actor graph)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dateline.cli.app import ConfigOption, DbOption, app, fail, settings_from, store_from
from dateline.errors import DatelineError
from dateline.export import FORMATS, check_format, export


@app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")],
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
    try:
        fmt = check_format(fmt)
    except DatelineError as exc:
        fail(exc)
        return
    settings = settings_from(db, config)
    with store_from(settings) as store:
        try:
            written = export(store, fmt, out, header=header)
        except DatelineError as exc:
            fail(exc)
            return
    if written is not None:
        typer.echo(f"exported {fmt} to {written}", err=True)
