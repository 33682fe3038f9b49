"""Commands for following the news: `follow add|list|remove`, `fetch`, `watch`, `archived`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from dateline.cli.app import (
    ConfigOption,
    CsvOption,
    DbOption,
    JsonOption,
    app,
    emit,
    fail,
    one_format,
    settings_from,
    store_from,
)
from dateline.errors import DatelineError

follow_app = typer.Typer(
    help="Feeds and sitemaps to follow (RSS, Atom, RDF, XML and news sitemaps, OPML lists).",
    no_args_is_help=True,
)
app.add_typer(follow_app, name="follow")

WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", "-w", min=0, help="Processes that clean and annotate (0: auto)."),
]


class SourceKind(StrEnum):
    """What a followed URL is (the --kind choices)."""

    auto = "auto"
    feed = "feed"
    sitemap = "sitemap"


@follow_app.command("add")
def follow_add(
    target: Annotated[str, typer.Argument(help="A feed or sitemap URL, or an OPML file.")],
    kind: Annotated[
        SourceKind,
        typer.Option("--kind", help="auto (found on the first fetch), feed or sitemap."),
    ] = SourceKind.auto,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Follow a feed or sitemap (or every feed an OPML file lists); `dateline fetch` reads it."""
    from dateline.fetch import follow

    settings = settings_from(db, config)
    with store_from(settings, create=True, settle=False) as store:
        try:
            added = follow(store, target, kind=kind.value)
        except DatelineError as exc:
            fail(exc)
            return
    for source, new in added:
        state = "following" if new else "already following"
        typer.echo(f"{state} [{source.id}] {source.url}")


@follow_app.command("list")
def follow_list(
    db: DbOption = None, as_json: JsonOption = False, as_csv: CsvOption = False
) -> None:
    """List followed sources with their last check and their pages by state."""
    from dateline.store.feeds import list_sources

    one_format(as_json, as_csv)
    settings = settings_from(db)
    with store_from(settings) as store:
        sources = list_sources(store)
    if as_json:
        rows = [
            {
                "id": s.id,
                "url": s.url,
                "kind": s.kind,
                "title": s.title,
                "added_at": s.added_at,
                "last_checked": s.last_checked,
                "last_status": s.last_status,
                "last_error": s.last_error,
                "pages": dict(s.counts),
            }
            for s in sources
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not sources and not as_csv:
        typer.echo("following nothing; add a feed with: dateline follow add URL")
        return
    table: list[tuple[Any, ...]] = []
    for s in sources:
        pages = ", ".join(f"{n} {state}" for state, n in s.counts) or "-"
        status = str(s.last_status or "-") + (f" ({s.last_error})" if s.last_error else "")
        table.append((s.id, s.url, s.kind, s.title or "-", s.last_checked or "never", status))
        table[-1] += (pages,)
    emit(
        ("id", "url", "kind", "title", "checked", "status", "pages"),
        table,
        as_csv=as_csv,
        width=160,
    )


@follow_app.command("remove")
def follow_remove(
    source: Annotated[str, typer.Argument(help="The URL or number `follow list` shows.")],
    db: DbOption = None,
) -> None:
    """Stop following a source (articles already stored stay)."""
    from dateline.fetch import unfollow

    settings = settings_from(db)
    with store_from(settings) as store:
        try:
            removed = unfollow(store, source)
        except DatelineError as exc:
            fail(exc)
            return
    typer.echo(f"no longer following [{removed.id}] {removed.url}")


def _contact_notice(settings: Any) -> None:
    """Remind the operator to name a contact in the User-Agent, as good crawlers do."""
    from dateline.fetch import fetch_settings

    try:
        contact = fetch_settings(settings).contact
    except DatelineError:
        return  # reported by the command itself
    if not contact.strip():
        typer.echo(
            "notice: no [fetch] contact is set; sites see 'contact not configured' in the "
            "User-Agent. Set one (an e-mail address or URL) in your settings file.",
            err=True,
        )


def _summary(report: Any, quiet: bool) -> list[str]:
    """The lines a fetch run prints."""
    lines = [f"error {e}" for e in report.errors]
    lines += [f"notice {n}" for n in report.notices]
    if quiet:
        return lines
    ingest = report.ingest
    stored = (
        f"{ingest.inserted} new articles, {ingest.updated} updated, {ingest.unchanged} unchanged"
        if ingest is not None
        else "nothing to store"
    )
    langs = ", ".join(f"{code} {n}" for code, n in report.languages.most_common()) or "-"
    lines.append(
        f"checked {report.sources} sources ({report.not_modified} not modified); "
        f"{report.new_entries} new pages found; fetched {report.pages} pages "
        f"({report.requests} requests, {report.bytes:,} bytes); {report.failed} failed, "
        f"{report.deferred} left for later; {stored}; languages: {langs}"
    )
    if report.warc_files:
        lines.append("archived in " + ", ".join(report.warc_files))
    if report.link is not None:
        link = report.link
        lines.append(
            f"grouped: {link.copies} copy groups, {link.same_event} same-event groups, "
            f"{link.threads} threads, {link.dates_inferred} dates inferred"
        )
    return lines


@app.command("fetch")
def fetch_command(
    db: DbOption = None,
    config: ConfigOption = None,
    workers: WorkersOption = None,
    link: Annotated[
        bool, typer.Option("--link/--no-link", help="Group the corpus after storing.")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Check every followed source once, fetch new pages politely, archive, ingest and link."""
    from dateline.fetch import fetch_once

    settings = settings_from(db, config)
    _contact_notice(settings)
    with store_from(settings) as store:
        try:
            report = fetch_once(store, settings=settings, workers=workers, link=link)
        except DatelineError as exc:
            fail(exc)
            return
    for line in _summary(report, quiet):
        typer.echo(line, err=line.startswith(("error", "notice")))
    if report.errors:
        raise typer.Exit(1)


@app.command("watch")
def watch_command(
    every: Annotated[
        str | None,
        typer.Option("--every", help="Interval, e.g. 15m, 1h, 30s ([fetch] every by default)."),
    ] = None,
    cycles: Annotated[
        int | None, typer.Option("--cycles", min=1, help="Stop after this many runs.")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    workers: WorkersOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Fetch on a schedule until stopped; a run killed midway is finished by the next."""
    from dateline.fetch import fetch_settings, parse_interval, watch

    settings = settings_from(db, config)
    try:
        seconds = parse_interval(every or fetch_settings(settings).every)
    except DatelineError as exc:
        fail(exc)
        return
    _contact_notice(settings)

    def show(report: Any) -> None:
        stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        for line in _summary(report, quiet):
            typer.echo(f"{stamp} {line}", err=line.startswith(("error", "notice")))

    with store_from(settings) as store:
        try:
            watch(
                store,
                settings=settings,
                every=seconds,
                cycles=cycles,
                on_report=show,
                workers=workers,
            )
        except KeyboardInterrupt:
            typer.echo("stopped", err=True)
        except DatelineError as exc:
            fail(exc)


@app.command("archived")
def archived_command(
    article_id: Annotated[str, typer.Argument(help="Article id (a unique prefix is enough).")],
    raw: Annotated[
        bool, typer.Option("--raw", help="Write the archived response body to standard output.")
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Show where a fetched article's bytes are archived and check they give the same text."""
    from dateline.fetch import archived_article
    from dateline.fetch.archive import read_response

    settings = settings_from(db, config)
    with store_from(settings) as store:
        try:
            article = store.get_article(article_id)
            ref = article.archived
            if ref is None:
                fail(DatelineError(f"article {article.id} was not fetched by dateline"))
                return
            if raw:
                body = read_response(ref.file, ref.offset, limit=settings.max_file_bytes)
                sys.stdout.buffer.write(body.payload)
                return
            again = archived_article(store, article.id, settings=settings)
        except DatelineError as exc:
            fail(exc)
            return
    same = again.text == article.text
    typer.echo(f"article {article.id}: {article.url}")
    typer.echo(f"archived in {ref.file} at byte {ref.offset:,}, record <{ref.record_id}>")
    typer.echo(f"fetched {ref.fetched}")
    typer.echo(
        "re-extracted from the archived bytes: "
        + ("the same text" if same else "a DIFFERENT text (the extraction changed since)")
    )
    if not same:
        raise typer.Exit(1)
