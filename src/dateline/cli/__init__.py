"""The `dateline` command: a thin layer over the Python API (one module per area)."""

from __future__ import annotations

import sys

from dateline.cli.app import app
from dateline.errors import MissingDependency

# Each module adds its commands to `app`; listed here in one place.
from dateline.cli import articles, claims, events, export, groups, serve, spark  # noqa: F401  isort: skip
from dateline.cli import feeds  # noqa: F401  isort: skip


def main() -> None:
    """Run the dateline command line; a part that cannot be imported is one DL002 line."""
    try:
        app()
    except ImportError as exc:
        missing = MissingDependency(
            f"a package dateline needs cannot be imported ({' '.join(str(exc).split())}); "
            "install the package it names, or reinstall dateline: pip install -e ."
        )
        print(missing, file=sys.stderr)
        raise SystemExit(1) from None


__all__ = ["app", "main"]
