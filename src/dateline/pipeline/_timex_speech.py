"""Statement times: the speech time of quoted and reported speech, read from the parse.

"We will meet tomorrow," the minister said on Tuesday: "tomorrow" is the day after Tuesday,
not the day after the article's date. A speech verb ("said", "told", "announced") dated by a
day-level expression of its own clause ("said on Tuesday", "told reporters Monday") gives
that day as the speech time of what it reports: its complement clause, and the quotations of
its sentence. Speech verbs without such a date leave the article's date as the speech time.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from typing import Any

from dateline.pipeline._timex_resolve import SpeechAt
from dateline.pipeline._timex_rules import Found

SPEECH_VERBS = frozenset(
    {
        "say", "tell", "announce", "report", "add", "state", "declare", "predict", "warn",
        "insist", "claim", "write", "explain", "note", "stress", "confirm", "promise",
        "pledge", "vow", "assert", "argue", "acknowledge", "admit", "deny", "reply", "answer",
    }
)  # fmt: skip
_QUOTE = re.compile(r"[\"\u201c\u201d]|``|''")
_CLAUSES = frozenset({"ccomp", "parataxis", "xcomp"})


def statement_times(doc: Any, found: list[Found], anchor: dt.date | None) -> SpeechAt | None:
    """A speech time per character offset, or None when no statement is dated apart."""
    if doc is None or anchor is None:
        return None
    days = [
        f for f in found if f.type in ("DATE", "TIME") and re.match(r"\d{4}-\d\d-\d\d", f.value)
    ]
    if not days:
        return None
    starts = [t.idx for t in doc]
    regions: list[tuple[int, int, dt.date]] = []
    for f in days:
        try:
            day = dt.date.fromisoformat(f.value[:10])
        except ValueError:
            continue  # "31 September": no such day to speak on
        if day == anchor:
            continue
        token = doc[max(0, bisect_right(starts, f.start) - 1)]
        verb = _speech_verb(token)
        if verb is None:
            continue
        for child in verb.children:
            if child.dep_ in _CLAUSES:
                sub = list(child.subtree)
                regions.append((sub[0].idx, sub[-1].idx + len(sub[-1].text), day))
        sent = verb.sent
        marks = [m.start() + sent.start_char for m in _QUOTE.finditer(sent.text)]
        for a, b in zip(marks[::2], marks[1::2], strict=False):
            regions.append((a, b, day))
    if not regions:
        return None

    def speech_at(offset: int) -> dt.date | None:
        for a, b, day in regions:
            if a <= offset < b:
                return day
        return None

    return speech_at


def _speech_verb(token: Any) -> Any:
    """The speech verb a time expression's token modifies directly ("said Tuesday"), or None."""
    node = token
    for _ in range(4):
        if node.head == node:
            return None
        if node.dep_ in _CLAUSES or node.dep_ in ("advcl", "relcl", "conj"):
            return None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node if node.lemma_.lower() in SPEECH_VERBS else None
    return None
