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


def store_from(settings: Settings, *, create: bool = False, settle: bool = True) -> Store:
    """Open the store the settings name, or exit with the error's message.

    Only commands that store articles pass `create`: any other command refuses a database
    that does not exist rather than leave an empty one behind. With `settle` (read commands),
    a link run that was killed before it finished is finished first, and a store whose
    articles changed since the last link says so; both notes go to stderr.
    """
    try:
        store = open_store(settings.db_path, create=create)
    except DatelineError as exc:
        fail(exc)
        raise
    if settle:
        settle_links(store, settings)
    return store


def settle_links(store: Store, settings: Settings) -> None:
    """Finish an interrupted link run, or note that articles were stored since the last link."""
    from dateline.link.run import finish_link

    due = store.link_due()
    if due is None:
        return
    if due == "stored":
        typer.echo(
            "dateline: articles were stored since the corpus was last linked (ingest "
            "--no-link?); groups, entities and events do not cover them yet: run dateline link",
            err=True,
        )
        return
    typer.echo("dateline: the last link run did not finish (interrupted?); linking now", err=True)
    try:
        report = finish_link(store, settings=settings)
    except DatelineError as exc:
        typer.echo(f"dateline: linking failed: {exc}; run dateline link", err=True)
        return
    if report is not None:
        typer.echo(f"dateline: linked {report.articles} articles", err=True)


def fail(exc: DatelineError, code: int = 1) -> None:
    """Print an error line to stderr and exit."""
    typer.echo(str(exc), err=True)
    raise typer.Exit(code)
