"""Event helpers for the web: PLOVER types for filter checks, and which dates are not firm."""

from __future__ import annotations

from typing import Any

from dateline.model import GUESS_ORIGINS

# PLOVER 2.0 event types (the `type` filter is checked against these).
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip

# Date origins that are not firm (a guess, or nothing): pages style them apart. An event
# dated by its article's publication date is a guess, and so is a crawl date.
SOFT_ORIGINS = GUESS_ORIGINS


def date_is_soft(date: dict[str, Any]) -> bool:
    """Tell whether a rendered date is a guess or missing rather than a firm fact."""
    return date.get("value") is None or date.get("origin") in SOFT_ORIGINS
