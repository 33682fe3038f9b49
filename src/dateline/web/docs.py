"""The OpenAPI documentation pages, offline: Swagger UI at /docs and ReDoc at /redoc.

FastAPI's own pages load their scripts from a CDN and start them with an inline script, which
neither works offline nor passes the app's Content-Security-Policy. Here the assets come from
the `fastapi-offline` package's static folder (served at /static-docs), and Swagger UI is
started by our own `static/docs-init.js`; ReDoc starts itself from its `<redoc>` element.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dateline.errors import MissingDependency

router = APIRouter(include_in_schema=False)


def assets_dir() -> Path:
    """The folder of Swagger UI and ReDoc files inside the fastapi-offline package."""
    try:
        import fastapi_offline
    except ImportError as exc:
        raise MissingDependency(
            "the API documentation pages need fastapi-offline; reinstall dateline: pip install -e ."
        ) from exc
    return Path(fastapi_offline.__file__).resolve().parent / "static"


@router.get("/docs")
def swagger_page(request: Request) -> Response:
    """Swagger UI over /openapi.json."""
    from dateline.web.pages import render

    return render(request, "docs.html", openapi=request.app.openapi_url)


@router.get("/redoc")
def redoc_page(request: Request) -> Response:
    """ReDoc over /openapi.json."""
    from dateline.web.pages import render

    return render(request, "redoc.html", openapi=request.app.openapi_url)


__all__ = ["assets_dir", "router"]
