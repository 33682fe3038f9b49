"""The `dateline` command: a thin layer over the Python API (one module per area)."""

from __future__ import annotations

from dateline.cli.app import app

# Each module adds its commands to `app`; listed here in one place.
from dateline.cli import articles, claims, events, export, groups, serve, spark  # noqa: F401  isort: skip
from dateline.cli import feeds  # noqa: F401  isort: skip


def main() -> None:
    """Run the dateline command line."""
    app()


__all__ = ["app", "main"]
