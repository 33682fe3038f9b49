"""Command for the web app: `serve` (REST API under /api and pages, one process)."""

from __future__ import annotations

from typing import Annotated

import typer

from dateline.cli.app import ConfigOption, DbOption, app, fail, settings_from, store_from
from dateline.errors import DatelineError


@app.command("serve")
def serve_command(
    db: DbOption = None,
    config: ConfigOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="DATELINE_TOKEN",
            help="Bearer token for writes (ingest, entity merge/split); none: read-only.",
            show_default=False,
        ),
    ] = None,
    allow_remote: Annotated[
        bool,
        typer.Option("--allow-remote", help="Allow listening on a non-loopback address."),
    ] = False,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A host name clients use to reach the server (repeatable); loopback names "
            "are always served, and with --allow-remote the --host name too.",
        ),
    ] = None,
) -> None:
    """Serve the web pages and the REST API (OpenAPI at /docs) over the database."""
    from dateline.web.app import check_bind, create_app, served_hosts

    try:
        check_bind(host, allow_remote)
    except DatelineError as exc:
        fail(exc, code=2)
        return
    settings = settings_from(db, config)
    with store_from(settings):  # refuses a missing database; finishes an interrupted link
        pass
    import uvicorn

    try:
        web = create_app(
            str(settings.db_path),
            token=token,
            settings=settings,
            allowed_hosts=served_hosts(host, allow_remote, allowed_host or []),
        )
    except DatelineError as exc:
        fail(exc)
        return
    writes = "writes need the bearer token" if token else "read-only (no --token)"
    names = ", ".join(["loopback names", *served_hosts(host, allow_remote, allowed_host or [])])
    typer.echo(
        f"dateline: serving {settings.db_path} on http://{host}:{port}/ ({writes}; "
        f"answers requests for: {names})",
        err=True,
    )
    uvicorn.run(web, host=host, port=port, log_level="info")
