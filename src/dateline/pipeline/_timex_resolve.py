"""Finding time expressions in a text and resolving each against its own reference time.

The rules (`_timex_rules`) say what an expression means relative to some reference time;
this module decides which reference time that is (the reference-time model):

1. deictic expressions ("yesterday", "next month", "three days ago", "on Friday") are
   anchored on the speech time: the article's date, or, inside quoted or reported speech whose
   statement is itself dated ("he said on Tuesday: ... tomorrow"), the statement's date;
2. anaphoric expressions ("the next day", "that year", "two weeks later", "the previous
   Friday") are anchored on the narrative's current time: the latest date the text stated or
   resolved before them;
3. expressions without a year ("in June", "on 7 April", "at 11 a.m.") follow the speech time in
   news and the narrative's current time in historical text (a text whose stated years lie
   mostly far from its date, or an undated text).

The direction of an expression without "last"/"next" (past or future) comes from the tense and
aspect of the clause that governs it, read from the parse by the caller (`tense_at`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from dateline.pipeline._timex_context import ANAPHORIC, DEICTIC_DAYS, YEARLESS, extend
from dateline.pipeline._timex_rules import KEYS, MONTH_PATTERN, RULES, Found, Resolver, Tense

# A statement's date for a character offset inside its quoted or reported speech, or None.
SpeechAt = Callable[[int], dt.date | None]

_HISTORICAL_GAP = 8  # years between a stated year and the article's date that mark a history
_LOCAL_WINDOW = 80  # characters after a stated far year in news within which a month takes it
_REFERENCE_WINDOW = 2500  # characters a narrative's current time stays current without renewal


@dataclass(slots=True)
class Candidate:
    """A rule's match: what it found, the rule's name, the match and its resolver."""

    found: Found
    name: str
    match: re.Match[str]
    resolve: Resolver


def find(
    text: str,
    anchor: dt.date | None,
    tense_at: Callable[[int], Tense],
    speech_at: SpeechAt | None = None,
) -> list[Found]:
    """Find and normalise every time expression in `text` (overlaps keep the longest)."""
    candidates: list[Candidate] = []
    windows: dict[str, list[tuple[int, int]]] = {}
    for name, pattern, resolve in RULES:
        for m in _matches(text, name, pattern, windows):
            got = resolve(m, anchor, tense_at(m.start()))
            if got is None:
                continue
            type_, value, granularity, relative = got
            found = Found(m.start(), m.end(), type_, value, granularity, relative)
            candidates.append(Candidate(found, name, m, resolve))
    candidates.sort(key=lambda c: (-(c.found.end - c.found.start), c.found.start))
    taken: list[Candidate] = []
    for cand in candidates:
        f = cand.found
        if all(f.end <= t.found.start or f.start >= t.found.end for t in taken):
            taken.append(cand)
    taken.sort(key=lambda c: c.found.start)
    taken = split_ranges(text, taken)
    historical = _is_historical(taken, anchor)
    out: list[Found] = []
    reference: dt.date | None = None  # the narrative's current time
    reference_at = 0
    reference_granularity = "day"
    for cand in taken:
        f = cand.found
        kind = _kind(cand)
        if reference is not None and f.start - reference_at > _REFERENCE_WINDOW:
            reference = None
        use: dt.date | None = anchor
        local = False
        if kind == "deictic" and speech_at is not None and anchor is not None:
            use = speech_at(f.start) or anchor
        elif reference is not None and (kind == "anaphoric" or (kind == "yearless" and historical)):
            use = reference
        elif (
            kind == "yearless"
            and reference is not None
            and reference_granularity == "year"
            and f.start - reference_at <= _LOCAL_WINDOW
            and cand.name in ("_month", "_month_day", "_day_month")
            and (anchor is None or abs(reference.year - anchor.year) >= _HISTORICAL_GAP)
        ):
            use = reference  # "In 1942 the army crossed the river. In June, ..."
            local = True
        if f.relative and use is not anchor:
            tense = tense_at(f.start)
            got = cand.resolve(cand.match, use, tense)
            if got is not None:
                type_, value, granularity, _ = got
                if use is not None and kind == "yearless" and (historical or local):
                    # A history moves on from the year it last named: "In June" is that year's.
                    value = _same_year(value, use)
                f = Found(f.start, f.end, type_, value, granularity, True)
        elif f.relative and kind == "yearless" and historical and reference is None and anchor:
            f = Found(f.start, f.end, f.type, "XXXX" + f.value[4:], f.granularity, True)
        f = extend(text, f)
        out.append(f)
        concrete = _as_date(f)
        if concrete is not None:
            reference, reference_granularity = concrete
            reference_at = f.end
    return _clock_days(text, out, [c.name for c in taken])


_NEAR_DAY = 40  # characters between a clock time and the day it belongs to


def _clock_days(text: str, found: list[Found], names: list[str]) -> list[Found]:
    """A clock time takes the day named beside it: "at 10:35 a.m. (0735 GMT) Friday"."""
    out = list(found)
    for i, (f, name) in enumerate(zip(found, names, strict=True)):
        if name != "_clock" or not re.match(r"(?:\d{4}|XXXX)-\d\d-\d\dT", f.value):
            continue
        for j in (i + 1, i - 1):
            if not 0 <= j < len(found):
                continue
            other = found[j]
            between = text[min(f.end, other.end) : max(f.start, other.start)]
            if len(between) > _NEAR_DAY or re.search(r"[.;!?]\s", between):
                continue
            if other.type == "DATE" and re.fullmatch(r"\d{4}-\d\d-\d\d", other.value):
                out[i] = Found(
                    f.start, f.end, f.type, other.value + f.value[10:], f.granularity, True
                )
                break
    return out


_BACK, _AHEAD = 70, 50  # characters a match may reach before and after one of its keys


def _matches(
    text: str, name: str, pattern: re.Pattern[str], windows: dict[str, list[tuple[int, int]]]
) -> list[re.Match[str]]:
    """A rule's matches, looked for only in windows around its key words (when it has any)."""
    keys = KEYS.get(name)
    if keys is None:
        return list(pattern.finditer(text))
    spans = windows.get(keys.pattern)
    if spans is None:
        spans = []
        for hit in keys.finditer(text):
            start, end = max(0, hit.start() - _BACK), hit.end() + _AHEAD
            while end < len(text) and not text[end].isspace():
                end += 1  # never cut a word: a shorter match would take its place
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            else:
                spans.append((start, end))
        windows[keys.pattern] = spans
    return [m for start, end in spans for m in pattern.finditer(text, start, min(end, len(text)))]


def _kind(cand: Candidate) -> str:
    if not cand.found.relative:
        return "absolute"
    if cand.name in ANAPHORIC or (
        cand.name == "_month_of_year" and "that" in cand.match.group(0).lower()
    ):
        return "anaphoric"
    if cand.name in YEARLESS:
        modifier = cand.match.group(0).split()[0].lower()
        if modifier in ("last", "next", "this", "past", "coming"):
            return "deictic"
        return "yearless"
    if cand.name == "_offset":
        word = cand.match.group(0).lower()
        if word.endswith(("later", "earlier", "before", "after", "previously", "afterwards")):
            return "anaphoric"
    return "deictic"


def _same_year(value: str, use: dt.date) -> str:
    """In a history, a month named without a year is in the year the text is talking about."""
    if re.match(r"\d{4}-(?:\d{2}|SP|SU|FA|WI)", value):
        return f"{use.year:04d}" + value[4:]
    return value


def _as_date(found: Found) -> tuple[dt.date, str] | None:
    """The day (or first day of the month/year) a found expression names, for later anchors."""
    if found.type not in ("DATE", "TIME"):
        return None
    m = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?![\dW])", found.value)
    if not m or int(m.group(1)) < 1000:
        return None
    year = int(m.group(1))
    if m.group(3):
        try:
            return dt.date(year, int(m.group(2)), int(m.group(3))), "day"
        except ValueError:
            return None
    if m.group(2):
        month = int(m.group(2))
        return (dt.date(year, month, 15), "month") if 1 <= month <= 12 else None
    if found.value[4:5] in ("", "-") and found.granularity == "year":
        return dt.date(year, 7, 1), "year"
    return None


def _is_historical(taken: list[Candidate], anchor: dt.date | None) -> bool:
    """A history: an undated text, or one whose stated years are mostly far from its date."""
    years = [
        int(c.found.value[:4])
        for c in taken
        if not c.found.relative and re.match(r"\d{4}", c.found.value) and c.found.type == "DATE"
    ]
    if anchor is None:
        return bool(years)
    if len(years) < 2:
        return False
    # News speaks of its own days ("on Friday", "yesterday"); a history does not.
    deictic_days = sum(1 for c in taken if c.name in DEICTIC_DAYS)
    if deictic_days * 3 >= len(years):
        return False
    far = sum(1 for y in years if abs(y - anchor.year) >= _HISTORICAL_GAP)
    return far * 2 > len(years)


_RANGE = re.compile(
    r"(?<![\d,.])(\d{1,2})\s*[-\u2013]\s*(?=\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?"
    + MONTH_PATTERN
    + r"\b)",
    re.IGNORECASE,
)
_YEAR_RANGE_TAIL = re.compile(r"(?<=\d{4}[-\u2013])(\d{2})(?![\d\w])")


def split_ranges(text: str, taken: list[Candidate]) -> list[Candidate]:
    """Each end of a range is its own expression: "12-14 July" gives "12" (July 12) and "14 July";
    "2006-07" gives "2006" and "07" (2007). TIMEX3 tags the ends, not the range."""
    from dateline.pipeline._timex_resolve import Candidate

    extra = []
    starts = {c.found.start: c for c in taken}
    for m in _RANGE.finditer(text):
        later = starts.get(m.end())
        if later is None or not re.match(r"\d{4}-\d{2}-\d{2}|XXXX-\d{2}-\d{2}", later.found.value):
            continue
        dd = int(m.group(1))
        if not 1 <= dd <= 31:
            continue
        f = later.found
        value = f"{f.value[:8]}{dd:02d}"
        extra.append(
            Candidate(
                Found(m.start(1), m.end(1), "DATE", value, "day", f.relative),
                later.name,
                later.match,
                later.resolve,
            )
        )
    for m in _YEAR_RANGE_TAIL.finditer(text):
        head = next(
            (
                c
                for c in taken
                if c.found.end == m.start() - 1 and re.fullmatch(r"\d{4}", c.found.value)
            ),
            None,
        )
        if head is None:
            continue
        year = int(head.found.value[:2] + m.group(1))
        if year <= int(head.found.value):
            continue
        extra.append(
            Candidate(
                Found(m.start(), m.end(), "DATE", str(year), "year", False),
                "_year",
                m,
                head.resolve,
            )
        )
    if not extra:
        return taken
    spans = [(c.found.start, c.found.end) for c in taken]
    extra = [e for e in extra if all(e.found.end <= s or e.found.start >= t for s, t in spans)]
    return sorted(taken + extra, key=lambda c: c.found.start)
