"""Commands for Spark scale-out: `spark-run` (process on Spark, write Parquet) and `load`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dateline.cli.app import ConfigOption, DbOption, app, fail, settings_from, store_from
from dateline.errors import DatelineError


@app.command("spark-run")
def spark_run_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (read recursively).")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the Parquet output (articles, errors, ...).")
    ],
    master: Annotated[
        str, typer.Option("--master", help="Spark master URL (local[N], spark://..., yarn).")
    ] = "local[2]",
    partitions: Annotated[
        int | None,
        typer.Option("--partitions", min=1, help="Partitions for the per-article stages."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Read, clean, annotate and find copies on Apache Spark; `dateline load OUT` stores it."""
    from dateline.spark import run_spark

    settings = settings_from(None, config)
    try:
        report = run_spark(
            [str(p) for p in paths],
            out,
            settings=settings,
            master=master,
            partitions=partitions,
        )
    except DatelineError as exc:
        fail(exc)
        return
    for row in report.errors:
        typer.echo(f"error [{row['code']}] {row['source_path']!r}: {row['message']}", err=True)
    typer.echo(
        f"spark: {report.files} files, {report.articles} articles, {report.failed} failed, "
        f"{report.copies} copy links in {report.copy_groups} copy groups; wrote {report.out}"
    )
    if report.failed:
        raise typer.Exit(1)


@app.command("load")
def load_command(
    out: Annotated[Path, typer.Argument(help="A folder written by `dateline spark-run`.")],
    db: DbOption = None,
    config: ConfigOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Store records even if their input is stored.")
    ] = False,
    link: Annotated[
        bool, typer.Option("--link/--no-link", help="Group the corpus after storing.")
    ] = True,
) -> None:
    """Store the articles and errors of a Spark run, then group the corpus as ingest does."""
    from dateline.spark import check_output, load_output

    settings = settings_from(db, config)
    try:
        check_output(out)  # before the store is opened: a wrong folder leaves no database
    except DatelineError as exc:
        fail(exc)
    with store_from(settings, create=True, settle=False) as store:
        try:
            report = load_output(out, store=store, settings=settings, force=force, link=link)
        except DatelineError as exc:
            fail(exc)
            return
        typer.echo(
            f"loaded {report.read} records: {report.inserted} new, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.skipped} already stored, "
            f"{report.errors} errors recorded; {store.count_articles()} articles in {store.path}"
        )
    linked = report.linked
    if linked is not None:
        typer.echo(
            f"grouped: {linked.copies} copy groups, {linked.same_event} same-event groups, "
            f"{linked.threads} threads, {linked.dates_inferred} dates inferred"
        )
    if linked is not None and not report.copies_from_spark:
        typer.echo("the store holds other articles too: copies were found again over all of it")
