"""News-language rules that find time expressions and normalise them TIMEX3-style.

Each rule is a regular expression with a resolver that turns a match into (type, value,
granularity) against an anchor date (the article's date) and the tense of the clause. The
rules are general English news patterns, not fitted to any document: a weekday in past-tense
reporting is the latest such day on or before the anchor (the anchor's own day included), in
future-tense reporting the next one after it; "next <Month>" is the first such month after the
anchor; "this morning", "today", "earlier in the day" are the anchor's day; "last/next
week|month|year" are calendar units.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

Tense = str  # "past", "future" or "present"

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "couple": 2, "few": None, "several": None, "many": None,
}  # fmt: skip
UNIT_CODE = {
    "day": "D",
    "week": "W",
    "month": "M",
    "year": "Y",
    "decade": "DE",
    "century": "CE",
    "hour": "H",
    "minute": "M",
    "second": "S",
    "quarter": "Q",
    "hr": "H",
    "min": "M",
    "sec": "S",
    "yr": "Y",
    "wk": "W",
    "mth": "M",
}
_UNIT_NAMES = {
    "hr": "hour",
    "min": "minute",
    "sec": "second",
    "yr": "year",
    "wk": "week",
    "mth": "month",
}
PARTS_OF_DAY = {
    "morning": "MO",
    "afternoon": "AF",
    "evening": "EV",
    "night": "NI",
    "tonight": "NI",
    "overnight": "NI",
}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}

MONTH_PATTERN = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?)"
_MONTH = MONTH_PATTERN
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_WEEKDAY_SHORT = {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4,
    "sat": 5, "sun": 6,
}  # fmt: skip
_NUM = r"(?:\d+\s+1/2|\d+(?:\.\d+)?|(?:a|one|two|three|four|five|several|a\s+few)\s+(?:hundred|thousand)|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|(?:a )?couple of|a few|few|several|many|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)"
_UNIT = r"(?:second|minute|hour|day|week|month|year|decade|century|centurie|quarter|hr|min|sec|yr|wk|mth)s?"
_YEAR = r"(?:1[0-9]\d\d|20\d\d)"
_PART = r"(?:morning|afternoon|evening|night)"


@dataclass(frozen=True, slots=True)
class Found:
    """A time expression found in text, normalised."""

    start: int
    end: int
    type: str
    value: str
    granularity: str
    relative: bool  # resolved against the anchor (rather than stated in full)


# (type, value, granularity, relative) or None when the match is not a time expression.
Resolved = tuple[str, str, str, bool] | None
Resolver = Callable[[re.Match[str], dt.date | None, Tense], Resolved]
RULES: list[tuple[str, re.Pattern[str], Resolver]] = []
# A hyphen joins an expression to a word ("24-hour-old", "anti-1990") but not to a number
# ("1861-1865", "12-14 July") nor to the modifiers extend() takes in ("mid-1996").
_BEFORE = r"(?<!\w)(?:(?<=mid-)|(?<=early-)|(?<=late-)|(?<=pre-)|(?<=post-)|(?<![A-Za-z]-))"
_AFTER = r"(?!\w)(?!-[A-Za-z])"


# Words every match of a rule contains (a necessary condition, as substrings): the rule's
# pattern only runs near them, which keeps the stage cheap on long texts.
_MONTH_KEYS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_UNIT_KEYS = (
    r"sec|min|hour|hr|day|week|wk|month|mth|year|yr|decade|centur|quarter|period|morning|"
    r"afternoon|evening|night|nite|spring|summer|autumn|fall|winter"
)
_WEEKDAY_KEYS = r"mon|tue|wed|thu|fri|sat|sun"
KEYS: dict[str, re.Pattern[str]] = {}


def rule(pattern: str, keys: str | None = None) -> Callable[[Resolver], Resolver]:
    """Register a resolver for a case-insensitive, word-bounded pattern."""

    def register(fn: Resolver) -> Resolver:
        compiled = re.compile(rf"{_BEFORE}(?:{pattern}){_AFTER}", re.IGNORECASE)
        RULES.append((fn.__name__, compiled, fn))
        if keys is not None:
            KEYS[fn.__name__] = re.compile(keys, re.IGNORECASE)
        return fn

    return register


# --- helpers ----------------------------------------------------------------------------------


def number(word: str) -> int | float | None:
    """Read a small number written in digits or words ("twenty four", "a few" -> None)."""
    word = re.sub(
        r"\s+", " ", word.lower().replace(" of", "").replace("a couple", "couple").strip()
    )
    if re.fullmatch(r"\d+ 1/2", word):
        return int(word.split()[0]) + 0.5
    if re.fullmatch(r"\d+(\.\d+)?", word):
        return float(word) if "." in word else int(word)
    total = 0
    for part in re.split(r"[- ]", word):
        if part == "thousand":
            total = max(total, 1) * 1000
            continue
        if part not in NUMBERS:
            return None
        value = NUMBERS[part]
        if value is None:
            return None
        total = max(total, 1) * 100 if part == "hundred" else total + value
    return total


def _lower_cased(m: re.Match[str]) -> bool:
    """Whether the text around a match is written all in lower case (tweets, some feeds)."""
    window = m.string[max(0, m.start() - 80) : m.end() + 80]
    return not any(ch.isupper() for ch in window)


def unit_name(word: str) -> str:
    """The calendar unit a unit word names ("hrs" -> "hour", "centuries" -> "century")."""
    unit = word.lower().rstrip("s").replace("centurie", "century")
    return _UNIT_NAMES.get(unit, unit)


def day(d: dt.date) -> str:
    """Format a day value."""
    return d.isoformat()


def month_value(year: int, month: int) -> str:
    """Format a month value."""
    return f"{year:04d}-{month:02d}"


def week_value(d: dt.date) -> str:
    """Format the ISO week containing a day."""
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"


def shift_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """Add months to a (year, month)."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def weekday_date(anchor: dt.date, weekday: int, tense: Tense, modifier: str = "") -> dt.date:
    """Resolve a weekday name against the anchor, by tense and a last/next/this modifier."""
    modifier = modifier.lower()
    if modifier == "last" or (not modifier and tense == "past"):
        back = (anchor.weekday() - weekday) % 7
        if modifier == "last" and back == 0:
            back = 7
        return anchor - dt.timedelta(days=back)
    if modifier == "next" or tense == "future":
        ahead = (weekday - anchor.weekday()) % 7
        if modifier == "next" and ahead == 0:
            ahead = 7
        return anchor + dt.timedelta(days=ahead)
    # Present tense or "this": the day in the anchor's week.
    return anchor + dt.timedelta(days=weekday - anchor.weekday())


def nearest_year(anchor: dt.date, month: int, dd: int = 15, tense: Tense = "present") -> int:
    """Pick the year of a month (and day) named without one.

    The tense of the clause picks the side (past: on or before the anchor; future: after)
    when that occurrence lies within nine months; otherwise the nearest occurrence wins,
    because news is about now and tense detection is only a hint.
    """

    def gap(year: int) -> int:
        return (dt.date(year, month, min(dd, 28)) - anchor).days

    before = anchor.year if gap(anchor.year) <= 0 else anchor.year - 1
    after = anchor.year if gap(anchor.year) > 0 else anchor.year + 1
    if tense == "past" and -gap(before) <= 335 and gap(after) > 62:
        return before
    if tense == "future" and gap(after) <= 270:
        return after
    return before if -gap(before) <= gap(after) else after


def month_year(anchor: dt.date, month: int, tense: Tense, modifier: str = "") -> int:
    """Pick the year of a month named without one, from the anchor, tense and modifier."""
    modifier = modifier.lower()
    if modifier == "next":
        return anchor.year + (1 if month <= anchor.month else 0)
    if modifier == "last":
        return anchor.year - (1 if month >= anchor.month else 0)
    if modifier == "this" or tense == "present":
        return anchor.year
    if tense == "future":
        return anchor.year + (1 if month < anchor.month else 0)
    return anchor.year - (1 if month > anchor.month else 0)


# --- rules: full dates ------------------------------------------------------------------------


@rule(r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?")
def _iso(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    if m.group(4):
        return (
            "TIME",
            f"{m.group(1)}-{m.group(2)}-{m.group(3)}T{m.group(4)}:{m.group(5)}",
            "time",
            False,
        )
    return "DATE", f"{m.group(1)}-{m.group(2)}-{m.group(3)}", "day", False


@rule(
    rf"(?:{_WEEKDAY},?\s+)?({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+({_YEAR}))?",
    keys=_MONTH_KEYS,
)
def _month_day(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    month = MONTHS[m.group(1).lower().rstrip(".")]
    dd = int(m.group(2))
    if not 1 <= dd <= 31:
        return None
    if m.group(3):
        return "DATE", f"{m.group(3)}-{month:02d}-{dd:02d}", "day", False
    if anchor is None:
        return "DATE", f"XXXX-{month:02d}-{dd:02d}", "day", True
    return "DATE", f"{nearest_year(anchor, month, dd, tense):04d}-{month:02d}-{dd:02d}", "day", True


@rule(
    rf"(?:{_WEEKDAY},?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})(?:,?\s+({_YEAR}))?",
    keys=_MONTH_KEYS,
)
def _day_month(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    dd = int(m.group(1))
    month = MONTHS[m.group(2).lower().rstrip(".")]
    if not 1 <= dd <= 31 or (m.group(2).lower() == "may" and not m.group(3)):
        return None  # "5 may" is more often a verb than a date
    if m.group(3):
        return "DATE", f"{m.group(3)}-{month:02d}-{dd:02d}", "day", False
    if anchor is None:
        return "DATE", f"XXXX-{month:02d}-{dd:02d}", "day", True
    return "DATE", f"{nearest_year(anchor, month, dd, tense):04d}-{month:02d}-{dd:02d}", "day", True


@rule(rf"(?:(early|mid|late)[- ])?({_MONTH})(?:,?\s+(?:of\s+)?({_YEAR}))", keys=_MONTH_KEYS)
def _month_year(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    month = MONTHS[m.group(2).lower().rstrip(".")]
    return "DATE", f"{m.group(3)}-{month:02d}", "month", False


@rule(rf"(?:(next|last|this|past|coming)\s+)?({_MONTH})", keys=_MONTH_KEYS)
def _month(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    written = m.group(2)
    name = written.lower().rstrip(".")
    if not written[0].isupper() and not _lower_cased(m):
        return None  # "march", "may": a verb, not a month
    if name == "may" and not m.group(1):
        before = m.string[max(0, m.start() - 12) : m.start()].lower()
        nxt = m.string[m.end() : m.end() + 12]
        after_prep = re.search(
            r"\b(?:in|by|until|till|since|from|of|through|during|before|after|early|late|mid|and|or|to|between)[\s-]+$",
            before,
        )
        if not after_prep and not re.match(r"\s*(?:[.,;:)\]]|$|\d)", nxt):
            return None  # "May" opening a clause is the modal verb more often than the month
    if re.match(r"\s*\d{1,2}(?:st|nd|rd|th)?\b(?!:)", m.string[m.end() : m.end() + 6]):
        return None  # "last Oct. 23": the month-day rule reads it
    short = len(name) <= 4 and name not in ("june", "july") and not written.endswith(".")
    if short and re.match(r"\s+[A-Z][a-z]", m.string[m.end() : m.end() + 3]):
        return None  # "Jan Kavan": a first name
    month = MONTHS[name]
    modifier = {"past": "last", "coming": "next"}.get((m.group(1) or "").lower(), m.group(1) or "")
    if anchor is None:
        return "DATE", f"XXXX-{month:02d}", "month", True
    if not modifier and month != anchor.month:
        return "DATE", month_value(nearest_year(anchor, month, 15, tense), month), "month", True
    return "DATE", month_value(month_year(anchor, month, tense, modifier), month), "month", True


@rule(r"(?:the\s+)?(?:(early|mid|late)[- ])?(?:(\d{2}|\d{4})s|'(\d0)s)")
def _decade(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    if m.group(2):
        digits = m.group(2)
        if len(digits) == 2:
            digits = "19" + digits
        if not digits.endswith("0") or not re.fullmatch(_YEAR, digits):
            return None
        return "DATE", digits[:3], "decade", False
    return "DATE", "19" + m.group(3)[0], "decade", False


@rule(
    rf"(?:(?:fiscal|calendar|the\s+year)\s+)?({_YEAR})(?!\s*(?:%|percent|people|troops|km|kilometres|miles|tonnes|dollars))"
)
def _year(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    if int(m.group(1)) < 1800:
        # An old year only where a year is expected ("in 1777", "1778-1783", "(1614)"), not
        # a count or a clock time ("at 1015").
        before = m.string[max(0, m.start() - 12) : m.start()]
        if not re.search(
            r"(?:\b(?:in|of|since|until|till|by|from|to|and|during|before|after|circa|c\.|the|year)"
            r"\s+|[(\[,-]\s*|\u2013\s*|^\s*)$",
            before,
            re.IGNORECASE,
        ):
            return None
    return "DATE", m.group(1), "year", False


@rule(
    rf"(?:(?:the|this\s+year's|last\s+year's|next\s+year's)\s+)?(?:fiscal\s+)?(first|second|third|fourth|1st|2nd|3rd|4th|last|next|this|current|latest|previous|final)(?:\s+fiscal)?[\s-]+quarter(?:\s+of\s+({_YEAR}))?",
    keys=_UNIT_KEYS,
)
def _quarter(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    which = m.group(1).lower()
    lead = m.group(0).lower()
    shift = 1 if lead.startswith("next year") else (-1 if lead.startswith("last year") else 0)
    if shift and anchor is not None:
        anchor = anchor.replace(year=anchor.year + shift, day=min(anchor.day, 28))
    order = {
        "first": 1,
        "1st": 1,
        "second": 2,
        "2nd": 2,
        "third": 3,
        "3rd": 3,
        "fourth": 4,
        "4th": 4,
    }
    if which in order:
        if m.group(2):
            return "DATE", f"{m.group(2)}-Q{order[which]}", "quarter", False
        if anchor is None:
            return "DATE", f"XXXX-Q{order[which]}", "quarter", True
        # A quarter that has not begun yet at the article's date is last year's (results
        # are reported for completed quarters).
        start_month = 3 * (order[which] - 1) + 1
        year = anchor.year if start_month <= anchor.month else anchor.year - 1
        return "DATE", f"{year:04d}-Q{order[which]}", "quarter", True
    if anchor is None:
        return "DATE", "XXXX-QX", "quarter", True
    q = (anchor.month - 1) // 3 + 1
    delta = {"last": -1, "previous": -1, "latest": -1, "next": 1}.get(which, 0)
    index = anchor.year * 4 + q - 1 + delta
    return "DATE", f"{index // 4:04d}-Q{index % 4 + 1}", "quarter", True


# --- rules: days relative to the anchor -------------------------------------------------------


@rule(
    rf"(?:(last|next|this|past|coming)\s+)?({_WEEKDAY})(?:\s+({_PART}))?(?:,?\s+({_MONTH})\s+(\d{{1,2}}))?",
    keys=_WEEKDAY_KEYS,
)
def _weekday(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    weekday = WEEKDAYS[m.group(2).lower()]
    part = m.group(3)
    if m.group(4):
        month = MONTHS[m.group(4).lower().rstrip(".")]
        year = month_year(anchor, month, tense) if anchor else None
        value = f"{year:04d}" if year else "XXXX"
        value += f"-{month:02d}-{int(m.group(5)):02d}"
        return "DATE", value, "day", anchor is not None
    modifier = {"past": "last", "coming": "next"}.get((m.group(1) or "").lower(), m.group(1) or "")
    if anchor is None:
        value = f"XXXX-WXX-{weekday + 1}"
    else:
        value = day(weekday_date(anchor, weekday, tense, modifier))
    if part:
        # TIMEX3: a part of a named day is a TIME with the part's code ("2024-03-14TNI").
        return "TIME", f"{value}T{PARTS_OF_DAY[part.lower()]}", "time", True
    return "DATE", value, "day", True


# Informal spellings of the deictic days (messages, tweets).
_DAY_WORDS = {
    "tmr": "tomorrow", "tmrw": "tomorrow", "tml": "tomorrow", "tmw": "tomorrow",
    "2moro": "tomorrow", "2morrow": "tomorrow", "tomo": "tomorrow", "tomolo": "tomorrow",
    "tomoro": "tomorrow", "trmw": "tomorrow", "tdy": "today", "2day": "today", "ytd": "yesterday",
    "ystd": "yesterday", "yday": "yesterday", "tonite": "tonight", "2nite": "tonight",
    "tnite": "tonight", "last night": "lastnight",
}  # fmt: skip
_DAY_WORD = "|".join(
    sorted((re.escape(w).replace(r"\ ", r"\s+") for w in _DAY_WORDS), key=len)[::-1]
)


@rule(
    rf"(today|tonight|yesterday|tomorrow|overnight|{_DAY_WORD})(?:\s+(morning|afternoon|evening|night|nite))?"
)
def _deictic_day(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    word = re.sub(r"\s+", " ", m.group(1).lower())
    word = _DAY_WORDS.get(word, word)
    if word == "lastnight":
        base = "XXXX-XX-XX" if anchor is None else day(anchor - dt.timedelta(days=1))
        return "TIME", f"{base}TNI", "time", True
    offset = {"yesterday": -1, "tomorrow": 1}.get(word, 0)
    base = "XXXX-XX-XX" if anchor is None else day(anchor + dt.timedelta(days=offset))
    part = m.group(2) or (word if word in ("tonight", "overnight") else None)
    if part:
        part = "night" if part.lower() == "nite" else part.lower()
        return "TIME", f"{base}T{PARTS_OF_DAY[part]}", "time", True
    return "DATE", base, "day", True


@rule(
    rf"(?:(?:early|late|earlier|later)\s+)?(this|that|the)\s+({_PART})|earlier\s+(?:in\s+the|that|this)\s+day|later\s+(?:in\s+the|that|this)\s+day"
)
def _part_of_day(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    base = day(anchor) if anchor else "XXXX-XX-XX"
    if m.group(2):
        return "TIME", f"{base}T{PARTS_OF_DAY[m.group(2).lower()]}", "time", True
    return "DATE", base, "day", True


@rule(
    r"(?:(earlier|later)\s+)?(this|last|next|past|coming|previous|the\s+past|the\s+last|the\s+next|the\s+coming|the\s+previous|the\s+same)\s+(week|month|year|weekend|decade|century|spring|summer|autumn|fall|winter)",
    keys=_UNIT_KEYS,
)
def _calendar_unit(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    which = m.group(2).lower().replace("the ", "")
    unit = m.group(3).lower()
    delta = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(which, 0)
    if which == "same":
        return None
    if m.group(2).lower().startswith("the ") and which in ("past", "last", "next", "coming"):
        # "the past week" is a stretch of time ending now: a duration in TimeML.
        code = {
            "week": "P1W",
            "month": "P1M",
            "year": "P1Y",
            "decade": "P10Y",
            "century": "P100Y",
            "weekend": "P1WE",
        }.get(unit)
        return ("DURATION", code, "unknown", False) if code else None
    if anchor is None:
        return "DATE", "XXXX", "unknown", True
    return shift_unit(anchor, unit, delta)


def shift_unit(anchor: dt.date, unit: str, delta: int) -> Resolved:
    """Return the calendar unit (week, month, year, season ...) `delta` units from `anchor`."""
    if unit == "week":
        return "DATE", week_value(anchor + dt.timedelta(weeks=delta)), "week", True
    if unit == "weekend":
        return "DATE", week_value(anchor + dt.timedelta(weeks=delta)) + "-WE", "week", True
    if unit == "month":
        return "DATE", month_value(*shift_months(anchor.year, anchor.month, delta)), "month", True
    if unit == "year":
        return "DATE", f"{anchor.year + delta:04d}", "year", True
    if unit == "decade":
        return "DATE", f"{(anchor.year // 10 + delta):03d}", "decade", True
    if unit == "century":
        return "DATE", f"{(anchor.year // 100 + delta):02d}", "unknown", True
    return "DATE", f"{anchor.year + delta:04d}-{SEASONS[unit]}", "season", True


@rule(
    rf"({_NUM})(?:\s+or\s+so)?\s+({_UNIT})(?:\s+or\s+so)?\s+"
    r"(ago|earlier|later|from\s+now|hence|before(?=\s*[.,;)]|$)|after(?=\s*[.,;)]|$))",
    keys=_UNIT_KEYS,
)
def _offset(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    amount = number(m.group(1))
    unit = unit_name(m.group(2))
    sign = 1 if m.group(3).lower() in ("later", "from now", "hence") else -1
    if amount is None:
        # "several years ago", "a few days later": a vague past or future, not a date
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", "unknown", True
    if anchor is None or isinstance(amount, float):
        return "DATE", "XXXX", "unknown", True
    n = sign * amount
    if unit == "day":
        return "DATE", day(anchor + dt.timedelta(days=n)), "day", True
    if unit == "week":
        return "DATE", week_value(anchor + dt.timedelta(weeks=n)), "week", True
    if unit == "month":
        return "DATE", month_value(*shift_months(anchor.year, anchor.month, n)), "month", True
    if unit == "year":
        return "DATE", f"{anchor.year + n:04d}", "year", True
    if unit == "decade":
        return "DATE", f"{anchor.year + 10 * n:04d}", "year", True
    return None


@rule(
    r"(?:right\s+)?now|currently|at\s+present|at\s+the\s+moment|these\s+days|nowadays|the\s+present|current|present[- ]day"
)
def _present(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    text = m.group(0).lower()
    if text.startswith("at "):
        return "DATE", "PRESENT_REF", "unknown", True
    return "DATE", "PRESENT_REF", "unknown", True


@rule(r"recently|lately|the\s+past|previously|earlier|former(?:ly)?|once|recent")
def _past_ref(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    text = m.group(0).lower()
    if text in ("earlier", "previously", "former", "formerly", "once"):
        return None  # adverbs too often not temporal expressions in TimeML's sense
    return "DATE", "PAST_REF", "unknown", True


@rule(r"the\s+(?:near\s+|distant\s+)?future|future|soon|shortly")
def _future_ref(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    text = m.group(0).lower()
    if text in ("soon", "shortly"):
        return None
    return "DATE", "FUTURE_REF", "unknown", True


# --- rules: durations, sets, clock times ------------------------------------------------------


# "five and a half hours" in TIMEX3 is PT5H30M: the half in the next smaller unit.
_HALF = {
    "hour": ("PT{}H", "30M"),
    "minute": ("PT{}M", "30S"),
    "day": ("P{}DT", "12H"),
    "year": ("P{}Y", "6M"),
    "month": ("P{}M", "15D"),
    "week": ("P{}W", "3DT12H"),
}


@rule(
    rf"(?:(?:the\s+)?(?:past|last|next|first|coming|previous|final|remaining)\s+)?({_NUM})"
    rf"(?:\s+(?:more|additional|full|long|straight|consecutive))?(?:[- ]|(?<=\d))({_UNIT})"
    r"(\s+and\s+a\s+half)?(?:[- ]long|[- ]old)?",
    keys=_UNIT_KEYS,
)
def _duration(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    text = m.group(0).lower()
    if text.endswith("old"):
        return None  # an age
    amount = number(m.group(1))
    unit = unit_name(m.group(2))
    if m.group(3) and amount is not None:
        amount += 0.5
    if isinstance(amount, float) and amount % 1 == 0.5 and unit in _HALF:
        whole = int(amount)
        big, small = _HALF[unit]
        return "DURATION", (f"{big}".format(whole) + small), "unknown", False
    code = "Q" if unit == "quarter" else UNIT_CODE[unit]
    count = "X" if amount is None else (f"{amount:g}" if isinstance(amount, float) else str(amount))
    if unit == "decade" and amount is not None:
        code, count = "Y", str(int(amount) * 10)
    if unit == "century" and amount is not None:
        code, count = "Y", str(int(amount) * 100)
    prefix = "PT" if unit in ("hour", "minute", "second") else "P"
    return "DURATION", f"{prefix}{count}{code}", "unknown", False


@rule(
    r"(?:several|many|recent|past|the\s+past|the\s+last|the\s+coming|the\s+next)\s+(days|weeks|months|years|decades)|(days|weeks|months|years)",
    keys=_UNIT_KEYS,
)
def _vague_duration(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    if m.group(0).lower().startswith("past"):
        return "DATE", "PAST_REF", "unknown", True  # "past years": a vague past, not a span
    unit = (m.group(1) or m.group(2)).lower().rstrip("s")
    code = "Y" if unit == "decade" else UNIT_CODE[unit]
    if unit == "decade":
        return "DURATION", "P10Y" if m.group(2) else "PXDE", "unknown", False
    return "DURATION", f"PX{code}", "unknown", False


@rule(
    r"(every|each)\s+(day|week|month|year|morning|evening|night|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(daily|weekly|monthly|annually|yearly|quarterly|nightly)"
)
def _set(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    word = (m.group(2) or m.group(3)).lower()
    if word in ("quarterly", "annually") or (
        m.group(3)
        and re.match(r"\s+[a-z]", m.string[m.end() : m.end() + 2])
        and word not in ("daily", "weekly", "monthly")
    ):
        return None  # "a quarterly dividend", "rose 20% annually": TimeBank leaves these out
    table = {
        "day": "P1D", "daily": "P1D", "week": "P1W", "weekly": "P1W", "month": "P1M",
        "monthly": "P1M", "year": "P1Y", "annually": "P1Y", "yearly": "P1Y",
        "quarterly": "P3M", "morning": "XXXX-XX-XXTMO", "evening": "XXXX-XX-XXTEV",
        "night": "XXXX-XX-XXTNI", "nightly": "XXXX-XX-XXTNI",
    }  # fmt: skip
    if word in WEEKDAYS:
        return "SET", f"XXXX-WXX-{WEEKDAYS[word] + 1}", "unknown", False
    return "SET", table[word], "unknown", False


@rule(
    r"(\d{1,2})(?:[:.]?(\d{2}))?\+?\s*(a\.?m\.?|p\.?m\.?)|(\d{1,2}):(\d{2})(?:\s*(?:gmt|utc|local\s+time|hrs))?|(?:12\s+)?noon|midday|midnight"
)
def _clock(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    text = m.group(0).lower()
    if text.endswith("noon") or text == "midday":
        hh, mm = 12, 0
    elif text == "midnight":
        hh, mm = 0, 0
    elif m.group(1):
        hh, mm = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hh <= 12:
            return None
        pm = m.group(3).lower().startswith("p")
        hh = (hh % 12) + (12 if pm else 0)
    else:
        hh, mm = int(m.group(4)), int(m.group(5))
    if hh > 23 or mm > 59:
        return None
    base = day(anchor) if anchor else "XXXX-XX-XX"
    return "TIME", f"{base}T{hh:02d}:{mm:02d}", "time", True


# --- rules added after measuring on TimeBank/AQUAINT (general patterns, not documents) -------

_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ONES = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}


@rule(
    r"(?:the\s+year\s+)?(nineteen|two\s+thousand)(?:[- ](?:and\s+)?(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|one|two|three|four|five|six|seven|eight|nine|ten)(?:[- ](one|two|three|four|five|six|seven|eight|nine))?)?"
)
def _spelled_year(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    century = 1900 if m.group(1).lower() == "nineteen" else 2000
    rest = (m.group(2) or "").lower()
    if century == 1900 and not rest:
        return None  # "nineteen" alone is a number
    value = _TENS.get(rest, 0) + _ONES.get(rest, 0) + (10 if rest == "ten" else 0)
    value += _ONES.get((m.group(3) or "").lower(), 0)
    return "DATE", f"{century + value:04d}", "year", False


@rule(r"(this|last|next|the|that)\s+weekend")
def _weekend(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    if anchor is None:
        return "DATE", "XXXX-WXX-WE", "week", True
    which = m.group(1).lower()
    delta = {"last": -1, "next": 1}.get(which, 0)
    if which in ("the", "that"):
        delta = -1 if tense == "past" and anchor.weekday() < 5 else 0
    return shift_unit(anchor, "weekend", delta)


def _easter(year: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    return dt.date(year, month, (h + l_ - 7 * m + 33 * month + 19) % 32)


def _thanksgiving(year: int) -> dt.date:
    """US Thanksgiving: the fourth Thursday of November."""
    first = dt.date(year, 11, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)


_HOLIDAYS: dict[str, Callable[[int], dt.date]] = {
    "christmas eve": lambda y: dt.date(y, 12, 24),
    "christmas day": lambda y: dt.date(y, 12, 25),
    "christmas": lambda y: dt.date(y, 12, 25),
    "new year's eve": lambda y: dt.date(y, 12, 31),
    "new year's day": lambda y: dt.date(y, 1, 1),
    "independence day": lambda y: dt.date(y, 7, 4),
    "halloween": lambda y: dt.date(y, 10, 31),
    "thanksgiving day": _thanksgiving,
    "thanksgiving": _thanksgiving,
    "easter sunday": _easter,
    "easter": _easter,
}


@rule(
    r"(?:(last|next|this)\s+)?(christmas\s+eve|christmas\s+day|christmas|new\s+year'?s\s+(?:eve|day)|independence\s+day|halloween|thanksgiving\s+day|thanksgiving|easter\s+sunday|easter)(?:\s+(?:of\s+)?(1[89]\d\d|20\d\d))?"
)
def _holiday(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    name = (
        re.sub(r"\s+", " ", m.group(2).lower())
        .replace("years", "year's")
        .replace("year s", "year's")
    )
    make = _HOLIDAYS.get(name)
    if make is None:
        return None
    if m.group(3):
        return "DATE", day(make(int(m.group(3)))), "day", False
    if anchor is None:
        return "DATE", "XXXX-XX-XX", "day", True
    which = (m.group(1) or "").lower()
    this_year = make(anchor.year)
    if which == "last" or (not which and tense == "past" and this_year > anchor):
        year = anchor.year - (1 if this_year >= anchor else 0)
    elif which == "next" or (not which and tense == "future" and this_year < anchor):
        year = anchor.year + (1 if this_year <= anchor else 0)
    else:
        year = anchor.year
    return "DATE", day(make(year)), "day", True


@rule(
    r"(\d{1,2})(?:[:.]?(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?:\s+(?:[A-Z]{3}|local\s+time))?(?:\s+on)?\s+"
    rf"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|{_DAY_WORD})"
)
def _clock_day(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    hh, mm = int(m.group(1)), int(m.group(2) or 0)
    if not 1 <= hh <= 12 or mm > 59:
        return None
    hh = (hh % 12) + (12 if m.group(3).lower().startswith("p") else 0)
    word = _DAY_WORDS.get(re.sub(r"\s+", " ", m.group(4).lower()), m.group(4).lower())
    if anchor is None:
        base = "XXXX-XX-XX"
    elif word in WEEKDAYS:
        base = day(weekday_date(anchor, WEEKDAYS[word], tense))
    else:
        base = day(anchor + dt.timedelta(days={"yesterday": -1, "tomorrow": 1}.get(word, 0)))
    return "TIME", f"{base}T{hh:02d}:{mm:02d}", "time", True
