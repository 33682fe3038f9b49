"""Each event's own date: the time expression that governs its trigger, else the article's date.

The cascade (first step that answers wins):
1. a time expression attached to the trigger or to the verb that carries it: a temporal noun
   phrase ("received on Wednesday a delegation", "met Thursday"), a prepositional phrase ("on
   Thursday", "in November", "since 2018"), a possessive ("last week's meeting") or a
   modifier of the trigger noun ("the November conference");
2. a time expression elsewhere in the trigger's own clause, not inside another clause
   (a relative, adverbial or complement clause belongs to another event);
3. the only datable time expression of the sentence when no other predicate governs it;
4. the article's date, marked `publication-date` (or `inferred-from-twin`): a guess, shown
   as one.
Durations and sets never date an event; an unresolved expression (an undated article's "on
Wednesday") dates nothing until a twin gives the article a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dateline.model import Article, DateInfo, DateOrigin, Granularity, Span, TimeRef

# Dependency labels that open another clause: a time expression under them dates that clause.
_OTHER_CLAUSE = frozenset(
    {"advcl", "relcl", "ccomp", "xcomp", "pcomp", "conj", "parataxis", "acl", "csubj"}
)
_MAX_CLIMB = 8


def event_date(article: Article, sent: Any, trigger: Any = None) -> tuple[DateInfo, Span | None]:
    """The date of the event whose trigger token is `trigger` in sentence `sent`, with its span.

    `sent` is a spaCy span (or anything with `start_char`/`end_char`); `trigger` a spaCy token
    of the article's parse, or None when only the sentence is known (its root stands in).
    """
    refs = [r for r in article.timerefs if sent.start_char <= r.start < sent.end_char]
    datable = [r for r in refs if _datable(r)]
    doc = article.doc
    if datable and doc is not None:
        head = trigger if trigger is not None else _root_of(doc, sent)
        if head is not None:
            ref = _governing(doc, head, datable)
            if ref is not None:
                return _from_ref(ref), Span(ref.start, ref.end)
            # 3. the sentence's only datable expression, when no other predicate claims it
            if len(datable) == 1 and not _in_other_clause(doc, datable[0], head):
                return _from_ref(datable[0]), Span(datable[0].start, datable[0].end)
    elif datable and doc is None and len(datable) == 1:
        # No parse at hand (re-dating stored events): the sentence's only datable expression.
        return _from_ref(datable[0]), Span(datable[0].start, datable[0].end)
    return _publication(article), None


@dataclass(frozen=True, slots=True)
class _Sentence:
    start_char: int
    end_char: int


def redated(
    article: Article, evidence: Span, date_ref: Span | None
) -> tuple[DateInfo, Span | None]:
    """Date a stored event again (its article's date changed), keeping the expression it had."""
    if date_ref is not None:
        for ref in article.timerefs:
            if (ref.start, ref.end) == (date_ref.start, date_ref.end) and _datable(ref):
                return _from_ref(ref), date_ref
    return event_date(article, _Sentence(evidence.start, evidence.end))


def _datable(ref: TimeRef) -> bool:
    return ref.type in ("DATE", "TIME") and ref.origin != "unresolved" and ref.value[:4].isdigit()


def _from_ref(ref: TimeRef) -> DateInfo:
    value = ref.value[:10]
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        granularity: Granularity = "day"
    elif len(value) >= 7 and value[4] == "-" and value[5:7].isdigit():
        value, granularity = value[:7], "month"
    elif "-W" in ref.value[:8]:
        value, granularity = ref.value[:8], "week"
    elif "-Q" in ref.value[:7]:
        value, granularity = ref.value[:7], "quarter"
    else:
        value, granularity = value[:4], "year"
    origin: DateOrigin = "stated" if ref.origin == "stated" else "resolved-relative"
    if ref.origin == "resolved-from-inferred":
        origin = "resolved-from-inferred"
    return DateInfo(value, origin, granularity)


def _publication(article: Article) -> DateInfo:
    pub = article.published
    if not pub.value:
        return DateInfo()
    # An article's date inferred from a twin keeps that standing when it dates an event.
    standing: DateOrigin = (
        "inferred-from-twin" if pub.origin == "inferred-from-twin" else "publication-date"
    )
    return DateInfo(pub.value, standing, pub.granularity, pub.twin_id)


def _root_of(doc: Any, sent: Any) -> Any:
    span = doc.char_span(sent.start_char, sent.end_char, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _ref_root(doc: Any, ref: TimeRef) -> Any:
    span = doc.char_span(ref.start, ref.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _governor(token: Any) -> Any:
    """The verb a trigger noun depends on ("held talks" -> "held"), or the token itself."""
    node = token
    for _ in range(_MAX_CLIMB):
        if node.pos_ in ("VERB", "AUX") or node.head == node:
            return node
        if node.dep_ in _OTHER_CLAUSE:
            return node
        node = node.head
    return node


def _path_to(node: Any, targets: set[int], noun: int | None = None) -> tuple[bool, bool]:
    """Climb from a time expression's root: (reached a target, crossed into another clause).

    A clause that describes a trigger noun itself tells that event's time ("the conference
    scheduled to be held next November"): entering it, and the infinitive chain inside it, do
    not count as crossing; any other clause below it still does ("a meeting about the
    conference which is held next month" keeps the meeting apart from the conference).
    """
    path = []
    for _ in range(_MAX_CLIMB):
        if node.i in targets:
            break
        if node.head == node:
            return False, False
        path.append(node)
        node = node.head
    else:
        return False, False
    own = next(
        (i for i, n in enumerate(path) if n.dep_ in ("acl", "relcl") and n.head.i == noun), None
    )
    crossed = any(
        n.dep_ in _OTHER_CLAUSE
        and not (own is not None and (i == own or (i < own and n.dep_ == "xcomp")))
        for i, n in enumerate(path)
    )
    return True, crossed


def _governing(doc: Any, head: Any, refs: list[TimeRef]) -> TimeRef | None:
    """1-2. The expression attached to the trigger (or its verb), else one in its clause."""
    verb = _governor(head)
    targets = {head.i, verb.i}
    direct: list[tuple[int, TimeRef]] = []
    for ref in refs:
        root = _ref_root(doc, ref)
        if root is None:
            continue
        reached, crossed = _path_to(root, targets, head.i if head.pos_ == "NOUN" else None)
        if reached and not crossed:
            direct.append((abs(root.i - head.i), ref))
    if direct:
        return min(direct, key=lambda d: d[0])[1]
    return None


def _in_other_clause(doc: Any, ref: TimeRef, head: Any) -> bool:
    """Whether the expression hangs from a clause other than the trigger's own."""
    root = _ref_root(doc, ref)
    if root is None:
        return True
    verb = _governor(head)
    node = root
    for _ in range(_MAX_CLIMB):
        if node.i in (head.i, verb.i):
            return False
        if node.dep_ in _OTHER_CLAUSE and node.pos_ in ("VERB", "AUX"):
            return True
        if node.head == node:
            return False
        node = node.head
    return False
