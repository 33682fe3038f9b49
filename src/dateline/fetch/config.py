"""Fetch settings: the `[fetch]` table of the settings file, checked once."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from dateline import __version__
from dateline.errors import ConfigError
from dateline.settings import Settings


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How dateline fetches: politeness, limits and where the WARC archive goes."""

    contact: str = ""
    rate_per_host: float = 1.0  # requests per second to one host
    per_host_concurrency: int = 2
    concurrency: int = 8
    connect_timeout: float = 10.0
    timeout: float = 30.0  # seconds for one whole request: headers and body
    retries: int = 3
    backoff: float = 1.0
    max_retry_wait: float = 120.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    max_pages_per_run: int = 500
    max_attempts: int = 3
    sitemap_max_age_days: int = 30
    robots: bool = True
    archive_dir: str = "warc"
    warc_max_bytes: int = 1_000_000_000
    every: str = "15m"

    @property
    def user_agent(self) -> str:
        """The User-Agent header: dateline, its version and the operator's contact."""
        contact = self.contact.strip() or "contact not configured"
        return f"dateline/{__version__} (news archiver; +{contact})"

    @property
    def min_interval(self) -> float:
        """Seconds between the starts of two requests to one host."""
        return 1.0 / self.rate_per_host


def fetch_settings(settings: Settings) -> FetchSettings:
    """The `[fetch]` table of the settings as FetchSettings (DL001 on an unknown or bad key)."""
    given = dict(settings.extra.get("fetch", {}))
    known = {f.name: f for f in dataclasses.fields(FetchSettings)}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ConfigError(f"unknown [fetch] settings: {unknown}; known: {sorted(known)}")
    values: dict[str, object] = {}
    for key, value in given.items():
        kind = type(known[key].default)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
            raise ConfigError(f"[fetch] {key} must be a {kind.__name__}, not {value!r}")
        values[key] = value
    result = FetchSettings(**values)  # type: ignore[arg-type]
    if result.rate_per_host <= 0 or result.per_host_concurrency < 1 or result.concurrency < 1:
        raise ConfigError("[fetch] rate_per_host must be > 0 and the concurrency caps >= 1")
    parse_interval(result.every)
    return result


def archive_folder(settings: Settings, fetch: FetchSettings) -> Path:
    """Where WARC files are written: `archive_dir`, relative to the database's folder."""
    folder = Path(fetch.archive_dir).expanduser()
    if not folder.is_absolute():
        folder = settings.db_path.parent / folder
    return folder


_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """Seconds in an interval such as "15m", "1h", "30s" or "90" (seconds); DL001 if bad."""
    match = _INTERVAL.match(str(text))
    if not match:
        raise ConfigError(f"cannot read the interval {text!r}: write e.g. 30s, 15m, 1h or 1d")
    seconds = float(match.group(1)) * _UNIT[(match.group(2) or "s").lower()]
    if seconds <= 0:
        raise ConfigError(f"the interval {text!r} must be longer than zero")
    return seconds
