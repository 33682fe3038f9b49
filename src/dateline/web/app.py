"""The dateline web app: a REST API under /api and server-rendered pages, one FastAPI app.

Both halves render the same data functions (`dateline.web.data`). Handlers that touch the
store are plain `def` functions: FastAPI runs them in its thread pool, so a slow query never
holds the event loop, and each request opens its own read-only connection (a `ReadStore`;
SQLite in WAL mode lets readers run beside one writer, an ingest in another process
included). Writes open a migrated store of their own.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import json
import socket
from collections.abc import Callable, Iterable, Iterator
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
from dateline.store.read import ReadStore
from dateline.web.cache import SectionCache
from dateline.web.filters import BadFilter

HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
MAX_OFFSET = 1_000_000_000  # paging offsets above this are a 422 (SQLite integers are 64-bit)


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


def served_hosts(host: str, allow_remote: bool, given: Iterable[str]) -> list[str]:
    """Host names the server answers to besides loopback ones.

    `given` (--allowed-host), and with remote access the listen address (for a wildcard
    address, this machine's host names).
    """
    names = list(given)
    if allow_remote and host.strip("[]") in ("0.0.0.0", "::", ""):
        names += [socket.gethostname(), socket.getfqdn()]
    elif allow_remote:
        names.append(host)
    return names


def host_name(header: str) -> str:
    """The host part of a Host header ("[::1]:8000" -> "::1"), lower-cased."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value[1:]
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    """Whether a request's Host header names this server: a loopback name or an allowed one.

    A page on another site can make a browser send requests to a loopback server under its own
    name (DNS rebinding); refusing every other Host keeps such pages from reading the corpus.
    """
    if not header:
        return False
    name = host_name(header)
    return is_loopback(name) or name in allowed


class Guard:
    """ASGI middleware run before any route: allowed hosts, write token, upload size.

    Each check answers before the request body is read: a request for another host name is
    400, a write without the right bearer token 401 (403 when the server takes no writes),
    and a body over the limit 413, from its Content-Length or while it streams in.
    """

    def __init__(
        self, app: Any, *, allowed: frozenset[str], token: str | None, max_upload: int
    ) -> None:
        """Wrap `app` with the checks."""
        self.app = app
        self.allowed = allowed
        self.token = token
        self.max_upload = max_upload

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Check one request, then hand it on (with its body counted) or answer it."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not host_allowed(headers.get("host"), self.allowed):
            shown = (headers.get("host") or "")[:100]
            await _answer(
                send,
                400,
                f"host {shown!r} is not served here: use http://127.0.0.1 or a name given with "
                "--allowed-host (this refusal protects against DNS rebinding)",
            )
            return
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        refusal = token_refusal(headers.get("authorization"), self.token)
        if refusal is not None:
            status, detail = refusal
            extra = [(b"www-authenticate", b"Bearer")] if status == 401 else []
            await _answer(send, status, detail, extra)
            return
        limit = self.max_upload if scope["path"] == "/api/ingest" else _MAX_FORM
        declared = headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            await _answer(send, 413, _too_large(limit))
            return
        await _capped(self.app, scope, receive, send, limit)


_MAX_FORM = 1 << 20  # a JSON body of a merge or split


def _too_large(limit: int) -> str:
    return f"request body over the {limit:,}-byte limit ([web] max_upload_bytes for uploads)"


async def _capped(app: Any, scope: Any, receive: Any, send: Any, limit: int) -> None:
    """Run `app`, cutting its request body off after `limit` bytes and answering 413.

    Past the limit the app is told the client went away, so it stops reading (and spooling
    to disk), and whatever it answers is replaced by the 413.
    """
    seen = 0
    over = answered = False

    async def counted() -> Any:
        nonlocal seen, over
        if over:
            return {"type": "http.disconnect"}
        message = await receive()
        if message.get("type") == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                over = True
                return {"type": "http.disconnect"}
        return message

    async def replaced(message: Any) -> None:
        nonlocal answered
        if not over:
            await send(message)
        elif not answered:
            answered = True
            await _answer(send, 413, _too_large(limit))

    try:
        await app(scope, counted, replaced)
    except Exception:
        if not over:
            raise
    if over and not answered:
        await _answer(send, 413, _too_large(limit))


async def _answer(send: Any, status: int, detail: str, extra: list[Any] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-content-type-options", b"nosniff"),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def token_refusal(authorization: str | None, token: str | None) -> tuple[int, str] | None:
    """Why a write is refused as (status, detail), or None when the bearer token is right.

    403 when the server has no token (it takes no writes), 401 for a missing or wrong token;
    a header with any bytes (non-ASCII included) is compared safely, never a server error.
    """
    if not token:
        return 403, "writes are disabled: start the server with --token"
    scheme, _, given = (authorization or "").partition(" ")
    presented = given.strip().encode("utf-8", "surrogateescape")
    if scheme.lower() != "bearer" or not hmac.compare_digest(presented, token.encode()):
        return 401, "missing or wrong bearer token"
    return None


def get_store(request: Request) -> Iterator[Store]:
    """Open a read-only store for one request and close it afterwards."""
    store = ReadStore(request.app.state.db_path)
    try:
        yield store
    finally:
        store.close()


def get_write_store(request: Request) -> Iterator[Store]:
    """Open a writable (migrated) store for one write request and close it afterwards."""
    store = open_store(request.app.state.db_path, create=False)
    try:
        yield store
    finally:
        store.close()


def cached_response(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Serve a GET handler's answer from the app's cache until the store changes.

    The key is the path and query string; only 200 answers are kept. The handler must take
    `request` as a keyword argument (FastAPI passes it by name).
    """

    @functools.wraps(handler)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        request: Request = kwargs["request"]
        if not request.app.state.page_cache:
            return handler(*args, **kwargs)

        def build() -> tuple[bytes, int, str | None]:
            response = handler(*args, **kwargs)
            if response.status_code != 200:
                raise _Uncached(response)
            return bytes(response.body), response.status_code, response.media_type

        key = ("response", request.url.path, request.url.query)
        try:
            body, status, media = request.app.state.cache.get(key, build)
        except _Uncached as passed:
            return passed.response
        return Response(body, status_code=status, media_type=media)

    return wrapper


class _Uncached(Exception):
    """A response not to keep (its status is not 200): handed back as it is."""

    def __init__(self, response: Response) -> None:
        self.response = response


def get_cache(request: Request) -> SectionCache:
    """The app's cache of aggregate page sections."""
    cache: SectionCache = request.app.state.cache
    return cache


def require_token(request: Request, authorization: str | None = Header(None)) -> None:
    """Allow a write only with `Authorization: Bearer <token>` matching the app's token."""
    from fastapi import HTTPException

    refusal = token_refusal(authorization, request.app.state.token)
    if refusal is not None:
        status, detail = refusal
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        raise HTTPException(status, detail, headers=headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def create_app(
    db_path: str,
    *,
    token: str | None = None,
    settings: Settings | None = None,
    allowed_hosts: Iterable[str] = (),
) -> FastAPI:
    """Build the web app over the database at `db_path`; writes need `token` (None: no writes).

    Requests must name a loopback host (localhost, 127.0.0.1, ::1) or one of `allowed_hosts`.
    """
    from dateline import __version__
    from dateline.web import api, docs, pages

    path = str(Path(db_path).expanduser().resolve())
    app = FastAPI(
        title="dateline",
        description="Articles, events, entities, claims and groups from a dateline store.",
        version=__version__,
        docs_url=None,  # served by dateline.web.docs from self-hosted assets, under the CSP
        redoc_url=None,
    )
    app.state.db_path = path
    app.state.token = token or None
    app.state.settings = settings or load_settings(None, db=path)
    open_store(path).close()  # create and migrate once, up front
    web_settings = app.state.settings.extra.get("web", {})
    app.state.cache = SectionCache(path, int(web_settings.get("cache_entries", 512)))
    app.state.page_cache = bool(web_settings.get("page_cache", True))

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
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

    async def out_of_range(request: Request, exc: Exception) -> Response:
        # A number too large for SQLite (an id or count from the URL): the request's fault.
        message = "a number in the request is out of range"
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=422)
        return pages.error_page(request, 422, message)

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(OverflowError, out_of_range)
    app.add_exception_handler(BadFilter, unprocessable)
    app.add_exception_handler(OverrideError, unprocessable)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(docs.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount("/static-docs", StaticFiles(directory=docs.assets_dir()), name="static-docs")
    web = app.state.settings.extra.get("web", {})
    app.add_middleware(
        Guard,
        allowed=frozenset(host_name(h) for h in [*allowed_hosts, *web.get("allowed_hosts", [])]),
        token=app.state.token,
        max_upload=int(web.get("max_upload_bytes", 100_000_000)),
    )
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
WriteStoreDep = Depends(get_write_store)
CacheDep = Depends(get_cache)
WriteDep = Depends(require_token)
