"""Time-references stage: every time expression, normalised against the article's date.

Values follow TIMEX3 (`2021-11-17`, `2020-11`, `2021-W46`, `2021-11-18TMO`, `P3D`,
`PAST_REF`, `XXXX-WXX-3` when the article has no date to resolve against). Relative
expressions in an undated article stay unresolved rather than guessed; when a later stage
gives the article a date, `reresolve` runs them again and marks them `resolved-from-inferred`.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from dateline.model import Article, TimeRef
from dateline.pipeline import Stage
from dateline.pipeline._timex_context import quarter_comparisons
from dateline.pipeline._timex_resolve import find
from dateline.pipeline._timex_rules import Found, Tense
from dateline.pipeline._timex_speech import statement_times
from dateline.settings import Settings

_FUTURE_WORDS = frozenset({"will", "shall", "'ll", "wo", "would", "might", "gonna"})
_FUTURE_VERBS = frozenset({"schedule", "plan", "expect", "due", "intend", "hope", "aim"})
_FUTURE_TEXT = re.compile(
    r"\b(will|shall|won't|'ll|is|are)\s+(?:\w+\s+)?(?:be\s+)?(?:going\s+to|scheduled|planned|due|"
    r"expected|set\s+to)\b|\b(?:will|would)\b|\bscheduled\b|\bupcoming\b|\bto be held\b",
    re.IGNORECASE,
)
_PAST_TEXT = re.compile(
    r"\b(\w+ed|said|met|held|was|were|had|did|told|made|took|came|went)\b", re.IGNORECASE
)


def anchor_of(article: Article) -> dt.date | None:
    """Return the article's date as a day to resolve against, or None when not known to the day."""
    value = article.published.value
    if not value or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _tense_from_doc(doc: Any) -> Callable[[int], Tense]:
    starts = [t.idx for t in doc]
    cache: dict[int, Tense] = {}

    def tense_at(offset: int) -> Tense:
        i = max(0, bisect_right(starts, offset) - 1)
        if i not in cache:
            cache[i] = _tense_of(doc[i])
        return cache[i]

    return tense_at


def _tense_of(token: Any) -> Tense:
    """The tense of the clause governing a token, from the verb it hangs from."""
    # Climb to the verb that governs the expression; its auxiliaries and tag give the tense.
    verb = token
    for _ in range(6):
        if verb.pos_ in ("VERB", "AUX") or verb.head == verb:
            break
        verb = verb.head
    for _ in range(3):
        auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        if any(a.lower_ in _FUTURE_WORDS for a in auxes):
            return "future"
        if verb.lemma_ in _FUTURE_VERBS and not (verb.tag_ == "VBD" and not auxes):
            return "future"  # "is scheduled for Monday"; but "planned on Friday" is past
        if verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in auxes):
            if verb.head == verb:
                break
            verb = verb.head  # "agreed to meet on Monday": the governing verb decides
            continue
        break
    if verb.tag_ in ("VBD",) or any(
        a.tag_ == "VBD" for a in verb.children if a.dep_ in ("aux", "auxpass")
    ):
        return "past"
    if verb.tag_ == "VBN" and any(a.lower_ in ("has", "have", "had") for a in verb.children):
        return "past"
    if verb.tag_ in ("VBZ", "VBP") or verb.tag_ == "VBG":
        sent = verb.sent.text
        return "future" if _FUTURE_TEXT.search(sent) else "present"
    if verb.pos_ not in ("VERB", "AUX"):
        return "present"  # no verb (a headline, a tweet): the nearest occurrence
    return "past"  # news reports events that happened unless told otherwise


def _tense_from_text(text: str) -> Callable[[int], Tense]:
    bounds = [m.end() for m in re.finditer(r"[.!?]\s+", text)]

    def tense_at(offset: int) -> Tense:
        i = bisect_right(bounds, offset)
        start = bounds[i - 1] if i else 0
        end = bounds[i] if i < len(bounds) else len(text)
        sentence = text[start:end]
        if _FUTURE_TEXT.search(sentence):
            return "future"
        return "past" if _PAST_TEXT.search(sentence) else "present"

    return tense_at


def find_timerefs(
    text: str, anchor: dt.date | None, *, doc: Any = None, inferred: bool = False
) -> list[TimeRef]:
    """Find time expressions in text and resolve them against `anchor` (None: unresolved)."""
    tense_at = _tense_from_doc(doc) if doc is not None else _tense_from_text(text)
    found = find(text, anchor, tense_at)
    # Quoted and reported speech dated apart ("he said on Tuesday") is resolved again with
    # the statement's day as its speech time.
    speech_at = statement_times(doc, found, anchor)
    if speech_at is not None:
        found = find(text, anchor, tense_at, speech_at)
    found = quarter_comparisons(text, found)
    return [_to_timeref(f, anchor, inferred) for f in found]


def _to_timeref(found: Found, anchor: dt.date | None, inferred: bool) -> TimeRef:
    if not found.relative:
        origin, confidence = "stated", 0.95
    elif anchor is None:
        origin, confidence = "unresolved", 0.5
    else:
        origin = "resolved-from-inferred" if inferred else "resolved-relative"
        confidence = 0.7 if inferred else 0.85
    return TimeRef(
        start=found.start,
        end=found.end,
        type=found.type,  # type: ignore[arg-type]
        value=found.value,
        granularity=found.granularity,  # type: ignore[arg-type]
        anchor=anchor.isoformat() if anchor and found.relative else None,
        origin=origin,  # type: ignore[arg-type]
        confidence=confidence,
    )


def extract_timerefs(article: Article, *, settings: Settings) -> Article:
    """Attach the article's time references, resolved against its publication date."""
    inferred = article.published.origin == "inferred-from-twin"
    refs = find_timerefs(article.text, anchor_of(article), doc=article.doc, inferred=inferred)
    return replace(article, timerefs=tuple(refs))


STAGE = Stage(
    name="timerefs",
    run=extract_timerefs,
    needs=frozenset({"text", "published"}),
    adds=frozenset({"timerefs"}),
)
