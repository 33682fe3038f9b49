"""Fixtures for the fetch tests: a news site on 127.0.0.1 and settings that point at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixture_site import NewsSite

from dateline.settings import Settings, load_settings

# Fast but still polite: the real limits are exercised by the tests that measure them.
FAST = {
    "rate_per_host": 50.0,
    "per_host_concurrency": 4,
    "timeout": 5.0,
    "connect_timeout": 2.0,
    "retries": 1,
    "backoff": 0.05,
    "max_retry_wait": 5.0,
    "contact": "newsroom@example.org",
}


def settings_for(tmp: Path, *, stages: tuple[str, ...] | None = None, **fetch: Any) -> Settings:
    """Settings with the database in `tmp` and `[fetch]` values over the fast defaults."""
    base = load_settings(None, data_dir=str(tmp), db="fetch.db")
    extra = {**base.extra, "fetch": {**FAST, **fetch}}
    changes: dict[str, Any] = {"extra": extra, "workers": 1}
    if stages is not None:
        changes["stages"] = stages
    return base.replace(**changes)


@pytest.fixture()
def site() -> Iterator[NewsSite]:
    """A fresh news site on 127.0.0.1 (no routes yet)."""
    server = NewsSite("127.0.0.1")
    yield server
    server.close()
