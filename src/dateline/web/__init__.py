"""The dateline web app: REST API and server-rendered pages over one store."""

from dateline.web.app import check_bind, create_app

__all__ = ["check_bind", "create_app"]
