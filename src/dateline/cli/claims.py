"""Command over claims: `claims`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dateline.cli.app import (
    CsvOption,
    DbOption,
    JsonOption,
    LimitOption,
    app,
    emit,
    one_format,
    print_json_lines,
    settings_from,
    store_from,
)


def _numbers(row: dict[str, Any]) -> str:
    return ", ".join(
        f"{q['op'] if q['op'] != '=' else ''}{q['value']:,.0f} {q['unit'] or ''}".strip()
        for q in row["quantities"]
    )


@app.command("claims")
def claims_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Only claims whose speaker contains this.")
    ] = None,
    limit: LimitOption = None,
) -> None:
    """List attributed claims with speaker, content, numbers and provenance notes."""
    from dateline.store.read import claim_page
    from dateline.views import claim_rows_view

    one_format(as_json, as_csv)
    settings = settings_from(db)
    with store_from(settings) as store:
        rows = claim_rows_view(store, claim_page(store, speaker=speaker, limit=limit or -1))
    if as_json:
        print_json_lines(rows)
        return
    emit(
        ("speaker", "cue", "claim", "numbers", "article", "note"),
        (
            (
                (r["speaker"] or {}).get("text") or "?",
                (r["cue"] or {}).get("text") or "",
                (r["content"] or {}).get("text", "")[: None if as_csv else 140],
                _numbers(r),
                r["article_id"] if as_csv else r["article_id"][:8],
                "unverified" if any(n["kind"] == "disclaimer" for n in r["notes"]) else "",
            )
            for r in rows
        ),
        as_csv=as_csv,
        width=200,
    )
