"""The dateline web app: a REST API under /api and server-rendered pages, one FastAPI app.

Both halves render the same data functions (`dateline.web.data`). Each request opens its own
`Store` (SQLite connections are not shared between threads); handlers that use it are
`async`, so the connection is opened, used and closed on the event loop's thread.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from dateline.errors import ConfigError, NotFound
from dateline.settings import Settings, load_settings
from dateline.store import Store, open_store
from dateline.store.overrides import OverrideError
from dateline.web.data import BadFilter

HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_NO_CSP = ("/docs", "/redoc")  # FastAPI's own documentation pages load their assets from a CDN


class RemoteBindRefused(ConfigError):
    """The server was asked to listen on a non-loopback address without --allow-remote."""


def check_bind(host: str, allow_remote: bool) -> None:
    """Refuse a non-loopback listen address unless remote access was asked for explicitly."""
    if allow_remote or is_loopback(host):
        return
    raise RemoteBindRefused(
        f"refusing to listen on {host!r}: it is reachable from other machines; the web app "
        "shows every stored article. Use --host 127.0.0.1, or pass --allow-remote (and set "
        "--token for writes) if you mean it."
    )


def is_loopback(host: str) -> bool:
    """Tell whether a host name or address only accepts connections from this machine."""
    name = host.strip().strip("[]").lower()
    if name in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


async def get_store(request: Request) -> AsyncIterator[Store]:
    """Open a fresh store for one request and close it afterwards."""
    store = open_store(request.app.state.db_path)
    try:
        yield store
    finally:
        store.close()


def require_token(request: Request, authorization: str | None = Header(None)) -> None:
    """Allow a write only with `Authorization: Bearer <token>` matching the app's token."""
    from fastapi import HTTPException

    token: str | None = request.app.state.token
    if not token:
        raise HTTPException(403, "writes are disabled: start the server with --token")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip(), token):
        raise HTTPException(
            401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"}
        )


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def create_app(
    db_path: str, *, token: str | None = None, settings: Settings | None = None
) -> FastAPI:
    """Build the web app over the database at `db_path`; writes need `token` (None: no writes)."""
    from dateline.web import api, pages

    path = str(Path(db_path).expanduser().resolve())
    app = FastAPI(
        title="dateline",
        description="Articles, events, entities, claims and groups from a dateline store.",
        version="0.1.0",
    )
    app.state.db_path = path
    app.state.token = token or None
    app.state.settings = settings or load_settings(None, db=path)
    open_store(path).close()  # create and migrate once, up front

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        if not request.url.path.startswith(_NO_CSP):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    async def not_found(request: Request, exc: Exception) -> Response:
        message = getattr(exc, "message", str(exc))
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=404)
        return pages.error_page(request, 404, message)

    async def unprocessable(request: Request, exc: Exception) -> Response:
        message = getattr(exc, "message", None) or str(exc)
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=422)
        return pages.error_page(request, 422, message)

    async def invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if _wants_json(request):
            return JSONResponse({"detail": jsonable(exc.errors())}, status_code=422)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}"
            for e in exc.errors()
        )
        return pages.error_page(request, 422, problems)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if _wants_json(request) or exc.status_code not in (404, 405):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return pages.error_page(request, exc.status_code, str(exc.detail))

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(BadFilter, unprocessable)
    app.add_exception_handler(OverrideError, unprocessable)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


def jsonable(value: Any) -> Any:
    """Make validation error details JSON-safe (drop exception objects in `ctx`)."""
    from fastapi.encoders import jsonable_encoder

    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: (str(v) if k == "ctx" else jsonable(v)) for k, v in value.items()}
    return jsonable_encoder(value)


StoreDep = Depends(get_store)
WriteDep = Depends(require_token)
