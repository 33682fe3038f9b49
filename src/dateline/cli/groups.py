"""Commands over article groups: `link`, `groups`, `compare`."""

from __future__ import annotations

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


class GroupKind(StrEnum):
    """Kinds of article group (the --kind choices)."""

    copy = "copy"
    same_event = "same-event"
    thread = "thread"


@app.command("link")
def link_command(db: DbOption = None, config: ConfigOption = None) -> None:
    """Group the stored articles: copies, same-event reports, story threads; date twins."""
    from dateline.link.run import link_corpus

    settings = settings_from(db, config)
    with store_from(settings, settle=False) as store:
        try:
            report = link_corpus(store, settings=settings)
        except DatelineError as exc:
            fail(exc)
            return
    typer.echo(
        f"linked {report.articles} articles: {report.copies} copy groups, {report.same_event} "
        f"same-event groups, {report.threads} threads, {report.dates_inferred} dates inferred, "
        f"{report.entities} entities, {report.events} events"
    )


@app.command("groups")
def groups_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    kind: Annotated[
        GroupKind | None, typer.Option("--kind", help="Only groups of this kind.")
    ] = None,
) -> None:
    """List article groups with their members, score and evidence."""
    from rich.console import Console

    from dateline.store.read import group_page

    one_format(as_json, as_csv)
    settings = settings_from(db)
    with store_from(settings) as store:
        views = group_page(store, kind.value if kind else None, limit=-1)
    if as_json:
        sys.stdout.write(json.dumps(views, ensure_ascii=False, indent=2) + "\n")
        return
    if as_csv:
        emit(
            ("group", "kind", "score", "article", "published", "origin", "title"),
            (
                (
                    v["id"],
                    v["kind"],
                    v["score"],
                    m["id"],
                    m["published"],
                    m["published_origin"],
                    m["title"] or m["source_path"],
                )
                for v in views
                for m in v["members"]
            ),
            as_csv=True,
        )
        return
    out = Console(width=160) if not Console().is_terminal else Console()
    for view in views:
        out.print(
            f"[bold]{view['kind']}[/bold] {view['id']}  score {view['score']}  "
            f"{'; '.join(view['evidence'])}",
            highlight=False,
        )
        for m in view["members"]:
            out.print(
                f"   {m['id']}  {m['published'] or '-':10s} {m['published_origin']:18s} "
                f"{(m['title'] or m['source_path'])[:90]}",
                markup=False,
                highlight=False,
            )


@app.command("compare")
def compare_command(
    first: Annotated[str, typer.Argument(help="article id (prefix)")],
    second: Annotated[str, typer.Argument(help="article id (prefix)")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the passages two articles share and what each adds."""
    from rich.console import Console

    from dateline.views import compare_view

    settings = settings_from(db)
    with store_from(settings) as store:
        try:
            a, b = store.get_article(first), store.get_article(second)
        except DatelineError as exc:
            fail(exc)
            return
    view = compare_view(a, b)
    data: dict[str, Any] = {
        "a": a.id, "b": b.id, "jaccard": view["jaccard"], "containment": view["containment"],
        "shared": [{"a": s["a"]["text"], "b": s["b"]["text"], "score": s["score"]}
                   for s in view["shared"]],
        "only_a": [p["text"] for p in view["only_a"]],
        "only_b": [p["text"] for p in view["only_b"]],
    }  # fmt: skip
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    out = Console(width=160) if not Console().is_terminal else Console()
    out.print(
        f"{a.id} vs {b.id}: word 5-gram Jaccard {data['jaccard']}, "
        f"containment {data['containment']}",
        highlight=False,
    )
    for title, items in (
        (f"shared ({len(data['shared'])})", [s["a"] for s in data["shared"]]),
        (f"only in {a.id}", data["only_a"]),
        (f"only in {b.id}", data["only_b"]),
    ):
        out.rule(title)
        for text in items:
            out.print(text, markup=False, highlight=False)
            out.print()
