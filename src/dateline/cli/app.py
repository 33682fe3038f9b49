"""The typer application, the options every command shares, and how tables are printed.

Command modules import only typer and this module at load time; everything heavier (the
pipeline, pandas, networkx, uvicorn) is imported inside the command that needs it, so
`dateline --help` and a read command on a small store start in a fraction of a second
(`bench/cli_startup.py` measures it).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dateline.errors import DatelineError

if TYPE_CHECKING:
    from dateline.settings import Settings
    from dateline.store import Store

app = typer.Typer(
    name="dateline",
    help="Turn news articles into a sourced record of events, actors, claims and timelines.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from dateline import __version__

        typer.echo(f"dateline {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Turn news articles into a sourced record of events, actors, claims and timelines."""


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="SQLite database file, relative to the working directory "
        "(default: $DATELINE_DB or dateline.db in the data dir).",
    ),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="A TOML settings file ($DATELINE_CONFIG).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV (with a header row).")]
LimitOption = Annotated[
    int | None, typer.Option("--limit", min=1, help="Print at most this many rows.")
]


class PloverType(StrEnum):
    """PLOVER event types (the --type choices)."""

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"


TypeOption = Annotated[
    PloverType | None,
    typer.Option("--type", case_sensitive=False, help="Only events of this PLOVER type."),
]


def settings_from(db: Path | None, config: Path | None = None) -> Settings:
    """Build settings from the shared command-line options.

    A relative `--db` names a file in the working directory, as any path given on a command
    line does (the data directory is only the default's home).
    """
    from dateline.settings import load_settings

    try:
        return load_settings(config, db=str(db.expanduser().absolute()) if db else None)
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
    from dateline.store import open_store

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
    from dateline.link.run import finish_link

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


def one_format(as_json: bool, as_csv: bool) -> None:
    """Refuse --json together with --csv (exit 2, as any bad usage)."""
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv", param_hint="--json / --csv")


def print_json(data: Any) -> None:
    """Write JSON to stdout (UTF-8, indented)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_json_lines(rows: Iterable[Any]) -> None:
    """Write a JSON array to stdout one item at a time (nothing held but the current row)."""
    sys.stdout.write("[")
    for i, row in enumerate(rows):
        text = json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        sys.stdout.write(("," if i else "") + "\n  " + text)
    sys.stdout.write("\n]\n")


def print_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write CSV with a header row to stdout."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])


def print_table(header: Sequence[str], rows: Iterable[Sequence[Any]], width: int = 180) -> None:
    """Print a rich table (the terminal's width, or `width` columns into a pipe or file)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(*header)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    out = Console()
    if not out.is_terminal:
        out = Console(width=width)
    out.print(table)


def emit(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    as_csv: bool,
    width: int = 180,
) -> None:
    """Print rows as CSV or as a table."""
    if as_csv:
        print_csv(header, rows)
    else:
        print_table(header, rows, width)
