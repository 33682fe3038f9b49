"""Record dates: a corpus record's date field read as an absolute date, or refused.

A record's date is the publisher's word on when the article appeared, stored as a firm fact
(origin `record`), so only a date that says the day (or month, or year) itself is accepted:

- ISO 8601 (``2024-03-14``, ``2024-03-14T09:30:00+02:00``, ``2024-03``, ``2024``) is read as
  written, its precision kept (day, month, year);
- numeric dates with slashes or dots (``12/03/2021``) follow ``[read] date_order``: ``DMY``,
  ``MDY`` or ``YMD``; with ``auto`` (the default) a date that reads both ways (both parts 12
  or less, and different) is refused rather than guessed;
- other written dates ("14 March 2024", "Thu, 14 Mar 2024 09:30:00 GMT", "14. März 2024",
  "le 12 mars 2021") go through dateparser with its relative-date parser switched off, and
  must name a year;
- relative words ("gestern", "yesterday", "3 days ago", "Monday") are refused: they count
  from a day the record does not give, and read on the day of ingest they would store the
  wrong date as a fact.

A refused date raises `RecordDateError` with the reason; the reader keeps the record
(undated) and ingest reports the reason as a DL018 warning naming the record.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from dateline.errors import ConfigError

DATE_ORDERS = ("auto", "DMY", "MDY", "YMD")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")
_YEAR_ONLY = re.compile(r"^\s*((?:1[5-9]|20)\d\d)\s*$")
_NUMERIC = re.compile(r"^\s*(\d{1,4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})\b")
_HAS_YEAR = re.compile(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)")


class RecordDateError(ValueError):
    """A record's date field that is not an absolute date (the message says why)."""


@dataclass(frozen=True, slots=True)
class RecordDate:
    """A record date as an ISO prefix with the precision the record gave."""

    value: str  # YYYY-MM-DD, YYYY-MM or YYYY
    granularity: str  # day, month or year


def check_date_order(order: str) -> str:
    """Return a valid `[read] date_order` (upper-cased), or raise ConfigError."""
    normalised = order.strip().upper() if order.strip().lower() != "auto" else "auto"
    if normalised not in DATE_ORDERS:
        raise ConfigError(
            f"[read] date_order must be one of {', '.join(DATE_ORDERS)}, not {order!r}"
        )
    return normalised


def parse_record_date(value: str, *, order: str = "auto") -> RecordDate:
    """Read a record's date field as an absolute date; raise RecordDateError when it is not one."""
    text = " ".join(str(value).split())
    if not text:
        raise RecordDateError("the date field is empty")
    order = check_date_order(order)
    if m := _ISO.search(text):
        year, month, day = m.group(1), m.group(2), m.group(3)
        if day:
            return _checked(int(year), int(month), int(day), text)
        return _checked_month(int(year), int(month), text)
    if m := _YEAR_ONLY.match(text):
        return RecordDate(m.group(1), "year")
    if m := _NUMERIC.match(text):
        return _numeric(m, text, order)
    return _written(text)


def _checked(year: int, month: int, day: int, text: str) -> RecordDate:
    import datetime as dt

    try:
        return RecordDate(dt.date(year, month, day).isoformat(), "day")
    except ValueError:
        raise RecordDateError(f"{text!r} is not a calendar date") from None


def _checked_month(year: int, month: int, text: str) -> RecordDate:
    if not 1 <= month <= 12:
        raise RecordDateError(f"{text!r} is not a calendar date")
    return RecordDate(f"{year:04d}-{month:02d}", "month")


def _numeric(m: re.Match[str], text: str, order: str) -> RecordDate:
    """12/03/2021, 03.12.21, 2021/03/12: the day/month order comes from the setting."""
    a, b, c = m.group(1), m.group(2), m.group(3)
    if len(a) == 4:  # 2021/03/12: year first is never read otherwise
        return _checked(int(a), int(b), int(c), text)
    if len(c) == 2:
        c = ("20" if int(c) < 70 else "19") + c
    first, second, year = int(a), int(b), int(c)
    if order == "YMD":
        raise RecordDateError(
            f"{text!r} does not start with a year, as [read] date_order = YMD says"
        )
    if order == "auto":
        if first <= 12 and second <= 12 and first != second:
            raise RecordDateError(
                f"{text!r} reads as day/month and as month/day; set [read] date_order to "
                '"DMY" or "MDY" for this corpus'
            )
        order = "MDY" if second > 12 else "DMY"
    day, month = (first, second) if order == "DMY" else (second, first)
    return _checked(year, month, day, text)


@functools.lru_cache(maxsize=2)
def _parsers(english: bool) -> tuple[Any, Any]:
    """dateparser's absolute and relative parsers, English only or every language it knows."""
    from dateparser.date import DateDataParser

    languages = ["en"] if english else None
    absolute = DateDataParser(
        languages=languages,
        settings={
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_TIME_AS_PERIOD": True,
        },
    )
    relative = DateDataParser(languages=languages, settings={"PARSERS": ["relative-time"]})
    return absolute, relative


@functools.lru_cache(maxsize=4096)
def _written(text: str) -> RecordDate:
    """Written dates in any language dateparser knows, relative ones refused.

    English is tried first (about a millisecond); only what it cannot read goes through every
    language (about a tenth of a second per value). Corpora repeat their dates, so results
    are cached.
    """
    found = None
    for english in (True, False):
        absolute, relative = _parsers(english)
        if relative.get_date_data(text).date_obj is not None:
            raise RecordDateError(
                f"{text!r} is a relative date: it counts from a day the record does not give; "
                "a record date must be absolute (e.g. 2024-03-14)"
            )
        found = absolute.get_date_data(text)
        if found.date_obj is not None:
            break
    if found is None or found.date_obj is None:
        raise RecordDateError(f"{text!r} is not a date dateline can read")
    if not _HAS_YEAR.search(text):
        raise RecordDateError(
            f"{text!r} names no year: it is relative to a day the record does not give; "
            "a record date must be absolute (e.g. 2024-03-14)"
        )
    day = found.date_obj.date()
    period = found.period or "day"
    if period in ("day", "time"):
        return RecordDate(day.isoformat(), "day")
    if period == "month":
        return RecordDate(f"{day.year:04d}-{day.month:02d}", "month")
    if period == "year":
        return RecordDate(f"{day.year:04d}", "year")
    raise RecordDateError(f"{text!r} names a {period}, not a calendar date")
