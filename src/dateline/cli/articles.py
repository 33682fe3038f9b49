"""Commands over articles: `ingest`, `articles`, `show`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dateline.cli.app import (
    ConfigOption,
    CsvOption,
    DbOption,
    JsonOption,
    LimitOption,
    app,
    emit,
    fail,
    one_format,
    print_json,
    print_json_lines,
    settings_from,
    store_from,
)
from dateline.errors import DatelineError

if TYPE_CHECKING:
    from rich.console import Console

    from dateline.ingest import IngestReport

_print_json = print_json


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (read recursively).")],
    db: DbOption = None,
    config: ConfigOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-process inputs that are already stored.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    link: Annotated[
        bool, typer.Option("--link/--no-link", help="Group the corpus after storing.")
    ] = True,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-w",
            min=0,
            help="Processes that clean and annotate (0: automatic, min(2, CPUs); "
            "1: no extra process). Default: the [pipeline] workers setting.",
        ),
    ] = None,
) -> None:
    """Read, clean, annotate and store articles, then group them; bad files are skipped."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from dateline.ingest import check_parts, ingest
    from dateline.readers import iter_files

    settings = settings_from(db, config)
    err = Console(stderr=True)
    try:
        check_parts()  # a broken install: one error line, and no database left behind
    except DatelineError as exc:
        fail(exc)
    with store_from(settings, create=True, settle=False) as store:
        due = store.link_due()  # set before this run: an earlier link was skipped or killed
        files = list(iter_files(paths, settings=settings))
        total = _expected_documents(files, settings.max_file_bytes)
        columns = (
            TextColumn("ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
        )
        shown = warned = 0
        small = (total if total is not None else len(files)) < 20
        with Progress(*columns, console=err, disable=quiet or small, transient=True) as bar:
            task = bar.add_task("ingest", total=total, rate="")

            def progress(done: int, report: IngestReport) -> None:
                nonlocal shown, warned
                for error in report.errors[shown:]:
                    err.print(f"error {error}", markup=False, highlight=False, soft_wrap=True)
                for warning in report.warnings[warned:]:
                    err.print(f"warning {warning}", markup=False, highlight=False, soft_wrap=True)
                shown, warned = len(report.errors), len(report.warnings)
                speed = bar.tasks[0].speed
                bar.update(task, advance=done, rate=f"{speed:.1f} docs/s" if speed else "")

            try:
                report = ingest(
                    paths,
                    store=store,
                    settings=settings,
                    force=force,
                    progress=progress,
                    workers=workers,
                )
            except DatelineError as exc:
                fail(exc)
                return
        for error in report.errors[shown:]:
            err.print(f"error {error}", markup=False, highlight=False, soft_wrap=True)
        for warning in report.warnings[warned:]:
            err.print(f"warning {warning}", markup=False, highlight=False, soft_wrap=True)
        if not quiet:
            typer.echo(
                f"read {report.read} documents: {report.inserted} new, {report.updated} updated, "
                f"{report.unchanged} unchanged, {report.skipped} already stored, "
                f"{report.failed} failed; {store.count_articles()} articles in {store.path}"
            )
        if link and (report.inserted or report.updated or due):
            from dateline.link.run import link_corpus

            if due and not (report.inserted or report.updated) and not quiet:
                typer.echo(
                    "the corpus changed since it was last linked (a link was skipped or "
                    "interrupted): linking now"
                )
            try:
                linked = link_corpus(store, settings=settings)
            except DatelineError as exc:
                fail(exc)
                return
            if not quiet:
                typer.echo(
                    f"grouped: {linked.copies} copy groups, {linked.same_event} same-event "
                    f"groups, {linked.threads} threads, {linked.dates_inferred} dates inferred"
                )
    if report.failed:
        raise typer.Exit(1)


def _expected_documents(files: list[Path], max_bytes: int) -> int | None:
    """How many documents the files hold, for the progress bar's ETA (None: cannot tell).

    One per text or HTML file, one per non-blank line of JSONL, one per line after the header
    of CSV (a quoted field over several lines makes this an overestimate); WARC files are
    not counted ahead (None), so the bar then shows the count and rate without an ETA.
    """
    from dateline.readers._bytes import check_regular, open_regular

    total = 0
    for path in files:
        name = path.name.lower()
        if name.endswith((".warc", ".warc.gz")):
            return None
        if name.endswith((".jsonl", ".ndjson", ".csv")):
            try:  # only regular files within the size limit: a FIFO here would never end
                if check_regular(path).st_size > max_bytes:
                    raise OSError("too large")
                with open_regular(path) as fh:
                    lines = sum(1 for line in fh if line.strip())
            except (OSError, DatelineError):
                lines = 1
            total += max(0, lines - 1) if name.endswith(".csv") else lines
        else:
            total += 1
    return total


@app.command("articles")
def articles_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    limit: LimitOption = None,
) -> None:
    """List stored articles (with --json: every article with its clean text and annotations)."""
    one_format(as_json, as_csv)
    settings = settings_from(db)
    with store_from(settings) as store:
        if as_json:
            from dateline.views import article_view

            articles = store.iter_articles()
            print_json_lines(
                article_view(a) for i, a in enumerate(articles) if limit is None or i < limit
            )
            return
        from dateline.store.read import article_page

        rows = article_page(store, limit=limit or -1)
    emit(
        ("id", "published", "origin", "title", "outlet", "source"),
        (
            (
                r["id"],
                r["published"] or "-",
                r["published_origin"],
                (r["title"] or "(untitled)")[:70],
                r["outlet"] or "",
                Path(r["source_path"]).name[:30],
            )
            for r in rows
        ),
        as_csv=as_csv,
        width=160,
    )


@app.command("show")
def show_command(
    article_id: Annotated[str, typer.Argument(help="Article id (a unique prefix is enough).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print one article with its annotations."""
    from rich.console import Console

    from dateline.views import article_view

    settings = settings_from(db)
    with store_from(settings) as store:
        try:
            article = store.get_article(article_id)
        except DatelineError as exc:
            fail(exc)
            return
        sources = store.article_sources(article.id)
    view = article_view(article)
    if as_json:
        _print_json(view | {"sources": sources})
        return
    out = Console() if Console().is_terminal else Console(width=160, soft_wrap=True)
    out.rule(f"[bold]{article.title or '(no title)'}")
    pub = view["published"]
    out.print(
        f"id {article.id}  published {pub['value'] or 'unknown'} ({pub['origin']})"
        f"  byline {article.byline or '-'}",
        highlight=False,
    )
    for source in sources:
        out.print(f"source {source['source_path']}", highlight=False)
    _languages(out, view)
    for note in view["notes"]:
        out.print(f"[yellow]note ({note['kind']})[/yellow]: {note['text']}", highlight=False)
    out.print()
    out.print(article.text, markup=False, highlight=False)
    _layer(out, "entities", ["text", "label", "start", "end"], view["entities"])
    _layer(out, "time references", ["text", "type", "value", "origin"], view["timerefs"])
    _layer(out, "quotes", ["source", "cue", "content", "direct"], view["quotes"])
    _layer(out, "claims", ["speaker", "content", "direct"], view["claims"])
    _layer(out, "events", ["type", "mode", "actors", "recipients", "place", "date"], view["events"])


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or value.get("value") or "")
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    return "" if value is None else str(value)


def _layer(out: Console, name: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    if not rows:
        return
    table = Table(*columns, title=name, title_justify="left")
    for row in rows:
        table.add_row(*(_cell(row.get(c))[:120] for c in columns))
    out.print(table)


def _languages(out: Console, view: dict[str, Any]) -> None:
    """Say which language the article is in, which stages ran and why the others did not."""
    from dateline.languages import language_name

    out.print(
        f"language {view['language']} ({language_name(view['language'])}); stages run: "
        f"{', '.join(view['stages']) or 'none'}",
        highlight=False,
    )
    for skipped in view["stages_not_run"]:
        out.print(f"  not run: {skipped['stage']} ({skipped['why']})", highlight=False)
    if view.get("archived"):
        ref = view["archived"]
        out.print(
            f"archived {ref['file']} at byte {ref['offset']}, record <{ref['record_id']}>, "
            f"fetched {ref['fetched']}",
            highlight=False,
        )
