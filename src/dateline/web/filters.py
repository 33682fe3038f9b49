"""The event filters of every view, read from and written back to the URL.

One table (`FIELDS`) names each filter's query parameter, how its raw value is checked and how
it is written back; the timeline, map, network, exports and `/api/events` all parse the same
parameters, so a link from one view to another keeps the filter. Review state (issue 22) is
not stored yet and so is not a filter: it joins as one `Field` here and one column clause in
`dateline.store.read_events.event_where`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from dateline.store.read_events import EventQuery
from dateline.web.events import PLOVER_TYPES


class BadFilter(ValueError):
    """A query parameter has a value the app cannot use (answered with 422)."""


def _text(name: str, raw: str) -> str | None:
    value = raw.strip()
    if len(value) > 200:
        raise BadFilter(f"{name}: longer than 200 characters")
    return value or None


def _type(name: str, raw: str) -> str | None:
    value = raw.strip().upper() or None
    if value is not None and value not in PLOVER_TYPES:
        raise BadFilter(f"{name}: {raw!r} is not a PLOVER type ({', '.join(PLOVER_TYPES)})")
    return value


def _day(name: str, raw: str) -> date | None:
    text = raw.strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise BadFilter(f"{name}: {raw!r} is not an ISO date (YYYY-MM-DD)") from None


def _sources(name: str, raw: str) -> int:
    text = raw.strip()
    if not text:
        return 1
    if not text.isdigit() or not 1 <= int(text) <= 10_000:
        raise BadFilter(f"{name}: {raw!r} is not a whole number from 1 to 10000")
    return int(text)


def _confidence(name: str, raw: str) -> float:
    text = raw.strip()
    if not text:
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise BadFilter(f"{name}: {raw!r} is not a number from 0 to 1")
    return value


@dataclass(frozen=True, slots=True)
class Field:
    """One filter: its URL parameter, the EventQuery field it sets, its parser and label."""

    param: str
    field: str
    parse: Callable[[str, str], Any]
    label: str


FIELDS: tuple[Field, ...] = (
    Field("type", "type", _type, "PLOVER type"),
    Field("actor", "actor", _text, "participant (entity id or name)"),
    Field("place", "place", _text, "place (entity id or name)"),
    Field("date_from", "date_from", _day, "from (YYYY-MM-DD)"),
    Field("date_to", "date_to", _day, "to (YYYY-MM-DD)"),
    Field("min_sources", "min_sources", _sources, "at least N sources"),
    Field("min_confidence", "min_confidence", _confidence, "confidence at least (0-1)"),
)
PARAMS = tuple(f.param for f in FIELDS)
ALIASES = {"entity": "actor"}  # the parameter's earlier name, still read


def parse_filters(params: Mapping[str, str]) -> EventQuery:
    """Check raw query values and build the query; raise BadFilter naming the bad one."""
    values: dict[str, Any] = {}
    for old, new in ALIASES.items():
        if params.get(old) and not params.get(new):
            params = {**params, new: params[old]}
    for spec in FIELDS:
        raw = params.get(spec.param)
        if raw is not None:
            values[spec.field] = spec.parse(spec.param, raw)
    query = EventQuery(**values)
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise BadFilter("date_from is after date_to")
    return query


def filter_values(query: EventQuery) -> dict[str, str]:
    """The query as URL parameters (filters left at their default are left out)."""
    default = EventQuery()
    out = {}
    for spec in FIELDS:
        value = getattr(query, spec.field)
        if value == getattr(default, spec.field) or value is None:
            continue
        out[spec.param] = value.isoformat() if isinstance(value, date) else str(value)
    return out


def url_with(path: str, query: EventQuery, **changes: Any) -> str:
    """`path` with the query's filters, some changed (None removes one), as a URL."""
    changed = dataclasses.replace(query, **changes) if changes else query
    params = filter_values(changed)
    return path + ("?" + urlencode(params) if params else "")
