"""The typer application and the options every command shares."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dateline.errors import DatelineError
from dateline.settings import Settings, load_settings
from dateline.store import Store, open_store

app = typer.Typer(
    name="dateline",
    help="Turn news articles into a sourced record of events, actors, claims and timelines.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="SQLite database file (default: $DATELINE_DB or the data dir)."),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="A TOML settings file ($DATELINE_CONFIG).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def settings_from(db: Path | None, config: Path | None = None) -> Settings:
    """Build settings from the shared command-line options."""
    try:
        return load_settings(config, db=str(db) if db else None)
    except DatelineError as exc:
        fail(exc)
        raise  # unreachable; keeps type checkers happy


def store_from(settings: Settings) -> Store:
    """Open the store the settings name, or exit with the error's message."""
    try:
        return open_store(settings.db_path)
    except DatelineError as exc:
        fail(exc)
        raise


def fail(exc: DatelineError, code: int = 1) -> None:
    """Print an error line to stderr and exit."""
    typer.echo(str(exc), err=True)
    raise typer.Exit(code)
