"""Rules whose meaning leans on context: results reporting ("the quarter", "a year ago"),
anaphora ("the next day", "August of that year"), bare time nouns ("the morning"), informal
forms ("this Sat, 7pm"), and the modifiers TIMEX3 takes into an extent ("early", "nearly").

They register after the core rules of `_timex_rules` (the order breaks ties between matches
of equal length).
"""

from __future__ import annotations

import datetime as dt
import re

from dateline.pipeline._timex_rules import (
    _MONTH,
    _MONTH_KEYS,
    _PART,
    _UNIT_KEYS,
    _WEEKDAY_KEYS,
    _WEEKDAY_SHORT,
    _YEAR,
    MONTHS,
    PARTS_OF_DAY,
    SEASONS,
    Found,
    Resolved,
    Tense,
    _lower_cased,
    day,
    month_value,
    rule,
    shift_unit,
    week_value,
    weekday_date,
)

_YEAR_BACK = re.compile(
    r"(?:a|one)\s+year\s+(?:ago|earlier|before)|(?:the\s+)?year[- ](?:ago|earlier)\b", re.IGNORECASE
)
_SAME_QUARTER = re.compile(
    r"(?:the|this|that)\s+(?:latest\s+|same\s+|most\s+recent\s+|current\s+)?(?:quarter|period)",
    re.IGNORECASE,
)


def quarter_comparisons(text: str, found: list[Found]) -> list[Found]:
    """Financial reporting speaks of the quarter it reports on.

    "Third-quarter profit rose 10% from a year ago": the comparison is with the same quarter
    of the previous year; "sales in the quarter", "the latest period" are the quarter last
    named; "the 1988 period" is that quarter of 1988.
    """
    out: list[Found] = []
    last_quarter: tuple[int, str] | None = None
    for item in found:
        span = text[item.start : item.end]
        near = last_quarter is not None and item.start - last_quarter[0] <= 1500
        if re.fullmatch(r"\d{4}-Q\d", item.value) and not _SAME_QUARTER.fullmatch(span):
            last_quarter = (item.end, item.value)
        elif last_quarter and near and item.type == "DATE":
            quarter = last_quarter[1]
            value = item.value
            if _SAME_QUARTER.fullmatch(span):
                value = quarter
            elif _YEAR_BACK.search(span) and item.granularity == "year":
                value = f"{int(quarter[:4]) - 1:04d}{quarter[4:]}"
            elif re.fullmatch(r"(?:the\s+)?\d{4}\s+period", span, re.IGNORECASE):
                value = item.value[:4] + quarter[4:]
            if value != item.value:
                item = Found(item.start, item.end, "DATE", value, "quarter", item.relative)
        out.append(item)
    return out


@rule(
    rf"(?:the\s+)?({_YEAR})\s+(?:(first|second|third|fourth)[\s-]+quarter|period)", keys=_UNIT_KEYS
)
def _year_period(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    """ "The 1988 third quarter", "the 1989 period" (results compared across years)."""
    if m.group(2):
        order = {"first": 1, "second": 2, "third": 3, "fourth": 4}[m.group(2).lower()]
        return "DATE", f"{m.group(1)}-Q{order}", "quarter", False
    return "DATE", m.group(1), "year", False


@rule(
    r"(?:the\s+)?year[- ](?:ago|earlier)"
    r"(?:\s+(?:(first|second|third|fourth)[\s-]+)?(quarter|period))?",
    keys=_UNIT_KEYS,
)
def _year_ago(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    """ "The year-ago quarter", "year-earlier results": the same time a year before."""
    year = f"{anchor.year - 1:04d}" if anchor else "XXXX"
    if m.group(1):
        order = {"first": 1, "second": 2, "third": 3, "fourth": 4}[m.group(1).lower()]
        return "DATE", f"{year}-Q{order}", "quarter", True
    return "DATE", year, "year", True


@rule(
    r"the\s+(?:current\s+|latest\s+|same\s+)?(?:fiscal\s+)?(year|quarter)\s+(?=end(?:ed|ing)\b)",
    keys=_UNIT_KEYS,
)
def _reporting_period(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    """ "For the year ended June 30": a reporting period, a duration in TimeBank."""
    return "DURATION", "P1Y" if m.group(1).lower() == "year" else "P3M", "unknown", False


@rule(
    r"the\s+(?:current|full|latest|fiscal|entire|whole)\s+(?:fiscal\s+|calendar\s+)?"
    r"(year|quarter|month|week|period)|(?:around\s+)?year[- ]end",
    keys=_UNIT_KEYS,
)
def _current_unit(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    """ "The current fiscal year", "the full year", "the latest period": the unit of the
    speech time ("the latest period" is then the quarter last named, in results reporting)."""
    unit = (m.group(1) or "year").lower()
    if anchor is None:
        return "DATE", "XXXX", "unknown", True
    if unit == "period":
        q = (anchor.month - 1) // 3  # the latest completed quarter
        index = anchor.year * 4 + q - 1
        return "DATE", f"{index // 4:04d}-Q{index % 4 + 1}", "quarter", True
    if unit == "year":
        return "DATE", f"{anchor.year:04d}", "year", True
    if unit == "month":
        return "DATE", month_value(anchor.year, anchor.month), "month", True
    if unit == "week":
        return "DATE", week_value(anchor), "week", True
    return "DATE", f"{anchor.year:04d}-Q{(anchor.month - 1) // 3 + 1}", "quarter", True


# --- rules: expressions anchored on the narrative's current time --------------------------------

_ANAPHORIC_UNIT = (
    r"(day|week|month|year|morning|afternoon|evening|night|weekend|decade|"
    r"spring|summer|autumn|fall|winter)"
)


@rule(
    rf"(?:(?:early|late)\s+)?(?:the\s+)?(next|following|previous|preceding|same|prior)\s+{_ANAPHORIC_UNIT}|(?:on\s+)?(that|the\s+same)\s+{_ANAPHORIC_UNIT}",
    keys=_UNIT_KEYS,
)
def _anaphoric(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    text = m.group(0).lower()
    which = (m.group(1) or m.group(3) or "").lower().replace("the ", "")
    unit = (m.group(2) or m.group(4)).lower()
    if which in ("next", "previous") and not text.startswith(("the", "early", "late")):
        return None  # "next week", "previous year": the deictic rules read these
    delta = {"next": 1, "following": 1, "previous": -1, "preceding": -1, "prior": -1}.get(which, 0)
    if anchor is None:
        value = {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX"}.get(unit, "XXXX")
        return "DATE", value, "unknown", True
    if unit in ("day", "morning", "afternoon", "evening", "night"):
        base = day(anchor + dt.timedelta(days=delta))
        if unit != "day":
            return "TIME", f"{base}T{PARTS_OF_DAY[unit]}", "time", True
        return "DATE", base, "day", True
    return shift_unit(anchor, unit, delta)


@rule(
    rf"({_MONTH})\s+(?:of\s+)?(that|this|last|next|the\s+same|the\s+following|the\s+previous)\s+year",
    keys=_MONTH_KEYS,
)
def _month_of_year(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    month = MONTHS[m.group(1).lower().rstrip(".")]
    if not m.group(1)[0].isupper() and not _lower_cased(m):
        return None
    which = m.group(2).lower().replace("the ", "")
    delta = {"last": -1, "previous": -1, "next": 1, "following": 1}.get(which, 0)
    if anchor is None:
        return "DATE", f"XXXX-{month:02d}", "month", True
    return "DATE", month_value(anchor.year + delta, month), "month", True


@rule(
    rf"(?:(?:the|early|late|mid)[\s-]+)?(spring|summer|autumn|fall|winter)\s+(?:of\s+)?({_YEAR})",
    keys=_UNIT_KEYS,
)
def _season_year(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    return "DATE", f"{m.group(2)}-{SEASONS[m.group(1).lower()]}", "season", False


@rule(rf"(?:the\s+)?(first|second|last|latter)\s+half\s+of\s+({_YEAR})")
def _half_year(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    half = 1 if m.group(1).lower() == "first" else 2
    return "DATE", f"{m.group(2)}-H{half}", "unknown", False


# Resolvers whose expressions carry no year and follow the narrative in a history.
YEARLESS = frozenset({"_month_day", "_day_month", "_month", "_holiday", "_clock", "_bare"})
DEICTIC_DAYS = frozenset({"_weekday", "_weekday_short", "_deictic_day", "_clock_day"})
# Resolvers whose expressions are anchored on the narrative's current time.
ANAPHORIC = frozenset({"_anaphoric"})

# Words before an expression that belong to it (TIMEX3 takes in modifiers such as "early",
# "about" and "more than" and records them as its `mod`).
_LEFT_SPAN = re.compile(
    r"(?:\b(?:approximately|roughly|nearly|almost|some|fully|"
    r"at\s+least|at\s+most|more\s+than|less\s+than|fewer\s+than|up\s+to|no\s+more\s+than|"
    r"no\s+less\s+than|a\s+little\s+(?:more|less|over|under)\s+than|well\s+over|"
    r"close\s+to|upwards\s+of|the\s+better\s+part\s+of|the)\s+)$",
    re.IGNORECASE,
)
_LEFT_POINT = re.compile(
    r"(?:\b(?:(?:early|late|earlier|later|around|mid|more\s+recently)\s+|"
    r"(?:mid|pre|post|early|late)-|"
    r"the\s+(?:very\s+)?(?:end|beginning|start|middle|close|turn|first\s+half|second\s+half|"
    r"latter\s+part|early\s+part|last\s+half)\s+of\s+(?:the\s+)?))$",
    re.IGNORECASE,
)
_RIGHT_SPAN = re.compile(r"^\s+or\s+so\b", re.IGNORECASE)


def extend(text: str, found: Found) -> Found:
    """Take in the modifiers TIMEX3 puts inside an expression's extent."""
    start, end = found.start, found.end
    before = text[max(0, start - 48) : start]
    span = text[start:end].lower()
    is_span = found.type == "DURATION" or span.endswith((" ago", " earlier", " later"))
    if text[end : end + 2] in ("'s", "\u2019s"):
        pass  # "around Wednesday's ruling": the words before belong to the noun phrase
    elif is_span and re.fullmatch(r"(?:days|weeks|months|years|decades|hours)", span):
        pass  # "in the days before the shooting": TimeBank leaves the article out
    elif is_span:
        m = _LEFT_SPAN.search(before)
        if m and not (
            m.group(0).lower().startswith("the")
            and ("-" in span or span.startswith(("the", "this", "last", "next", "past")))
        ):
            start -= len(m.group(0))
    elif found.type in ("DATE", "TIME") and not span.startswith(("the ", "early", "late", "mid")):
        while True:
            m = _LEFT_POINT.search(text[max(0, start - 48) : start])
            if not m:
                break
            start -= len(m.group(0))
    m = _RIGHT_SPAN.match(text[end : end + 10])
    if m and found.type in ("DURATION", "DATE"):
        end += len(m.group(0))
    if (start, end) == (found.start, found.end):
        return found
    return Found(start, end, found.type, found.value, found.granularity, found.relative)


@rule(
    r"(?:the\s+)?(?:(day|week|weekend|quarter|year|morning|afternoon|evening|night|nite)s?|"
    r"(spring|summer|autumn|fall|winter))",
    keys=_UNIT_KEYS,
)
def _bare(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    """A bare time noun ("a long day", "the morning", "in spring"): TimeML tags these too."""
    text = m.group(0).lower()
    the = text.startswith("the")
    word = (m.group(1) or m.group(2)).lower()
    after = m.string[m.end() : m.end() + 12]
    if re.match(r"-|\s*(?:of\b|'s|\u2019s)", after) and not the:
        return None  # "day-to-day", "year-end": part of another word or phrase
    if m.group(2):
        if word == "fall" and not the:
            return None  # the verb
        year = f"{anchor.year:04d}" if anchor else "XXXX"
        return "DATE", f"{year}-{SEASONS[word]}", "season", True
    if word in ("morning", "afternoon", "evening", "night", "nite"):
        part = PARTS_OF_DAY["night" if word == "nite" else word]
        base = day(anchor) if anchor else "XXXX-XX-XX"
        return "TIME", f"{base}T{part}", "time", True
    if text.endswith("s"):
        return None  # "days", "weeks": the vague durations rule reads these
    if word == "day":
        if the:
            return "DATE", day(anchor) if anchor else "XXXX-XX-XX", "day", True
        return "DURATION", "P1D", "unknown", False
    if word == "week":
        if the:
            return "DATE", week_value(anchor) if anchor else "XXXX-WXX", "week", True
        return "DURATION", "P1W", "unknown", False
    if word == "weekend":
        return "DATE", (week_value(anchor) if anchor else "XXXX-WXX") + "-WE", "week", True
    if not the:
        return None  # bare "year", "quarter": too often part of something else
    if word == "year":
        return "DATE", f"{anchor.year:04d}" if anchor else "XXXX", "year", True
    if anchor is None:
        return "DATE", "XXXX-QX", "quarter", True
    q = (anchor.month - 1) // 3  # the latest completed quarter: what results speak of
    index = anchor.year * 4 + q - 1
    return "DATE", f"{index // 4:04d}-Q{index % 4 + 1}", "quarter", True


@rule(
    r"(?:(this|next|last|coming|on)\s+)?(mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?"
    rf"(?:\s+({_PART}|nite))?(?:,?\s*(\d{{1,2}})(?:[:.]?(\d{{2}}))?\s*(am|pm))?",
    keys=_WEEKDAY_KEYS,
)
def _weekday_short(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    """Abbreviated weekdays ("this Sat, 7pm"), when a modifier or a capital marks them."""
    if not m.group(1) and not m.group(3) and not m.group(6):
        return None  # "Sun Microsystems", "wed": words before they are days
    written = m.group(2)
    weekday = _WEEKDAY_SHORT[written.lower()]
    modifier = (m.group(1) or "").lower()
    modifier = {"coming": "next", "on": ""}.get(modifier, modifier)
    value = "XXXX-WXX-" + str(weekday + 1)
    if anchor is not None:
        value = day(weekday_date(anchor, weekday, tense, modifier))
    if m.group(4):
        hh, mm = int(m.group(4)), int(m.group(5) or 0)
        if not 1 <= hh <= 12 or mm > 59:
            return None
        hh = hh % 12 + (12 if m.group(6).lower() == "pm" else 0)
        return "TIME", f"{value}T{hh:02d}:{mm:02d}", "time", True
    if m.group(3):
        part = "night" if m.group(3).lower() == "nite" else m.group(3).lower()
        return "TIME", f"{value}T{PARTS_OF_DAY[part]}", "time", True
    return "DATE", value, "day", True


@rule(r"(\d{1,2})/(\d{1,2})/((?:19|20)?\d\d)")
def _numeric_date(m: re.Match[str], anchor: dt.date | None, tense: Tense) -> Resolved:
    """Numeric dates: day/month when the first number cannot be a month, else month/day."""
    a, b = int(m.group(1)), int(m.group(2))
    year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
    month, dd = (b, a) if a > 12 else (a, b)
    try:
        return "DATE", dt.date(year, month, dd).isoformat(), "day", False
    except ValueError:
        return None
