"""Events stage: PLOVER-typed events with actors, recipients, attendees, place, date, evidence.

Triggers come from a shipped lexicon (`data/plover_triggers.tsv`: verbs, verb+particle,
"hold talks", nouns) matched on the spaCy parse; participants are the entity mentions in the
trigger's subject and object phrases. PLOVER's rules applied: in CONSULT the visitor is the
actor and the host the recipient ("Assad received Lavrentiev": Lavrentiev -> Assad); a meeting
announced for the future is an AGREE (to meet); negated triggers give no event. Guard against
a known parser trap: in "After meeting X, Y, held talks with Z" the parse makes X the subject
of "held" and Y its appositive; Y is taken as the actor of both meetings and X as the one met.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from dateline.model import Article, DateInfo, DateOrigin, Event, Mention, Participant, Span
from dateline.pipeline import Stage
from dateline.settings import Settings

_PARTY_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_PLACE_LABELS = ("GPE", "LOC", "FAC")
_HOST_VERBS = frozenset({"receive", "host", "welcome"})
_FUTURE = frozenset({"will", "shall", "would", "'ll"})
_ATTEND = frozenset({"attend", "join", "participate"})


@dataclass(frozen=True, slots=True)
class Trigger:
    """A lexicon entry: PLOVER type, mode and CAMEO code."""

    type: str
    mode: str | None
    cameo: str | None


@functools.lru_cache(maxsize=1)
def lexicon() -> tuple[dict[str, Trigger], dict[tuple[str, str], Trigger], dict[str, Trigger]]:
    """Verb, two-word and noun triggers from the shipped table."""
    verbs: dict[str, Trigger] = {}
    pairs: dict[tuple[str, str], Trigger] = {}
    nouns: dict[str, Trigger] = {}
    table = resources.files("dateline").joinpath("data/plover_triggers.tsv").read_text("utf-8")
    for line in table.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = [*line.split("\t"), "", "", "", ""][:5]
        lemma, type_, mode, cameo, pos = cols
        trigger = Trigger(type_, mode or None, cameo or None)
        if pos == "NOUN":
            nouns[lemma] = trigger
        elif " " in lemma:
            first, second = lemma.split(" ", 1)
            pairs[(first, second)] = trigger
        else:
            verbs[lemma] = trigger
    return verbs, pairs, nouns


def _match(token: Any) -> Trigger | None:
    verbs, pairs, nouns = lexicon()
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB":
        for child in token.children:
            key = (lemma, child.lemma_.lower())
            if child.dep_ not in ("prt", "prep", "dobj"):
                continue
            found = pairs.get(key) or pairs.get((lemma, child.lower_))
            if found:
                return found
        return verbs.get(lemma)
    if token.pos_ == "NOUN":
        return nouns.get(lemma) or nouns.get(token.lower_)
    return None


def _after_clause(verb: Any) -> tuple[Any, list[Any], list[Any]] | None:
    """The parser trap "After meeting X, Y, held talks": X parsed as the subject, Y its appositive.

    Returns the clause's verb ("meeting"), the true subject's tokens (Y) and the tokens of
    the one met (X), or None when the sentence is not built so.
    """
    clause = next(
        (
            g
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ in ("after", "before", "following")
            for g in c.children
            if g.dep_ == "pcomp" and g.pos_ == "VERB"
        ),
        None,
    )
    if clause is None or any(c.dep_ in ("dobj", "nsubj") for c in clause.children):
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ != "PROPN":
        return None
    appositives = [c for c in subject.children if c.dep_ == "appos"]
    if not appositives:
        return None
    true_subject = [t for a in appositives for t in a.subtree]
    met = [
        t
        for t in subject.subtree
        if t.i == subject.i or (t.dep_ == "compound" and t.head.i == subject.i)
    ]
    return clause, true_subject, met


def _mentions_in(article: Article, tokens: list[Any], labels: tuple[str, ...]) -> list[Mention]:
    if not tokens:
        return []
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    return [m for m in article.mentions if m.label in labels and start <= m.start and m.end <= end]


def _phrase(token: Any) -> list[Any]:
    return [t for t in token.subtree if not (t.dep_ == "relcl" or t.head.dep_ == "relcl")]


def _roles(token: Any) -> tuple[list[Any], list[Any]]:
    """Subject-side and object-side phrases of a trigger (verb, or noun under a light verb)."""
    verb = token if token.pos_ == "VERB" else token.head
    if token.dep_ == "pcomp" and token.head.head.pos_ == "VERB":
        trap = _after_clause(token.head.head)
        if trap is not None and trap[0].i == token.i:
            return trap[1], trap[2]  # "after meeting X": the main clause's subject met X
    trap = _after_clause(verb)
    subjects: list[Any] = []
    objects: list[Any] = []
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            if trap is not None and child.dep_ == "nsubj":
                subjects.extend(trap[1])  # the appositive is the subject, not the one met
                continue
            (objects if passive else subjects).extend(_phrase(child))
        elif child.dep_ == "agent":
            subjects.extend(t for c in child.children for t in _phrase(c))
        elif child.dep_ in ("dobj", "dative") and child is not token:
            objects.extend(_phrase(child))
    holder = token if token.pos_ == "NOUN" else verb
    for child in [*holder.children, *(verb.children if holder is not verb else [])]:
        if child.dep_ == "prep" and child.lower_ in ("with", "to", "against", "on"):
            for c in child.children:
                if c.dep_ == "pobj":
                    # "with X, Putin's envoy": an appositive after the one met is often the
                    # next clause's subject, misattached by the parser.
                    skip = {t.i for a in c.children if a.dep_ == "appos" for t in a.subtree}
                    objects.extend(t for t in _phrase(c) if t.i not in skip)
    return subjects, objects


def _place(article: Article, token: Any, sent: Any) -> Span | None:
    verb = token if token.pos_ == "VERB" else token.head
    for node in (token, verb):
        for child in node.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "at"):
                found = _mentions_in(article, list(child.subtree), _PLACE_LABELS)
                if found:
                    return Span(found[0].start, found[0].end)
    return None


def _date(article: Article, sent: Any) -> tuple[DateInfo, Span | None]:
    """The event's date: a resolved time expression in its sentence, else the article's."""
    for ref in article.timerefs:
        if sent.start_char <= ref.start < sent.end_char and ref.type in ("DATE", "TIME"):
            if ref.origin == "unresolved" or not ref.value[:4].isdigit():
                continue
            value = ref.value[:10]
            granularity = "day" if len(value) == 10 else ("month" if len(value) == 7 else "year")
            origin = "stated" if ref.origin == "stated" else ref.origin
            if origin not in ("stated", "resolved-relative", "resolved-from-inferred"):
                origin = "stated"
            return DateInfo(value, origin, granularity), Span(ref.start, ref.end)  # type: ignore[arg-type]
    pub = article.published
    if pub.value:
        # An event dated only by its article carries the article date's own standing: a date
        # inferred from a twin stays marked as inferred.
        inferred = pub.origin == "inferred-from-twin"
        standing: DateOrigin = "inferred-from-twin" if inferred else "publication-date"
        return DateInfo(pub.value, standing, pub.granularity, pub.twin_id), None
    return DateInfo(), None


_LIGHT_VERBS = frozenset(
    {
        "hold",
        "have",
        "conduct",
        "attend",
        "begin",
        "start",
        "host",
        "open",
        "sign",
        "reach",
        "conclude",
        "launch",
        "stage",
        "carry",
        "deliver",
    }
)


def _heads(article: Article, mentions: list[Mention]) -> list[Mention]:
    """Keep the participants a phrase is about, not the words that describe them.

    "Russian Special Envoy to Syria Alexander Lavrentiev" is Lavrentiev: people first, then
    organisations, then countries and nationalities; places after "in"/"at" are not parties.
    """
    text = article.text
    parties = [
        m
        for m in mentions
        if not text[max(0, m.start - 4) : m.start].lower().endswith(("in ", "at "))
    ]
    for labels in (("PERSON",), ("ORG",), ("GPE", "NORP")):
        chosen = [m for m in parties if m.label in labels]
        if chosen:
            return chosen
    return []


_PARTY_NOUNS = frozenset(
    "police army troops soldiers forces rebels militants protesters demonstrators government "
    "officials ministry president minister leaders delegation authorities court opposition "
    "party parliament workers students residents villagers refugees guerrillas insurgents "
    "gunmen activists diplomats envoy spokesman negotiators countries states allies union "
    "company ministers embassy navy militia commander".split()
)


def _common_party(tokens: list[Any]) -> list[Mention]:
    """The head noun of a phrase as an unnamed party, when it names a kind of actor."""
    heads = [t for t in tokens if t.head not in tokens or t.head is t]
    for head in heads:
        if head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in _PARTY_NOUNS | {
            w.rstrip("s") for w in _PARTY_NOUNS
        }:
            return [Mention(head.idx, head.idx + len(head.text), "PARTY")]
    return []


def _sentence_place(article: Article, sent: Any) -> Span | None:
    text = article.text
    for m in article.mentions:
        in_sentence = m.label in _PLACE_LABELS and sent.start_char <= m.start < sent.end_char
        if in_sentence and text[max(0, m.start - 4) : m.start].lower().endswith(("in ", "at ")):
            return Span(m.start, m.end)
    return None


def _participants(mentions: list[Mention]) -> tuple[Participant, ...]:
    seen: set[tuple[int, int]] = set()
    out = []
    for m in mentions:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            out.append(Participant(m.start, m.end, m.entity_id))
    return tuple(out)


def extract_events(article: Article, *, settings: Settings) -> Article:
    """Attach the article's PLOVER events."""
    doc = article.doc
    if doc is None:
        from dateline.pipeline.annotate import nlp_for

        doc = nlp_for(settings)(article.text)
    events: list[Event] = []
    for sent in doc.sents:
        for token in sent:
            trigger = _match(token)
            if trigger is None:
                continue
            verb = token if token.pos_ == "VERB" else token.head
            if any(c.dep_ == "neg" for c in verb.children):
                continue  # "did not meet": nothing happened
            if token.pos_ == "NOUN" and token.dep_ == "dobj" and _match(token.head) is not None:
                continue  # "held talks": the verb pair already made this event
            if token.pos_ == "NOUN" and not (
                token.head.lemma_.lower() in _LIGHT_VERBS
                or any(c.dep_ == "prep" and c.lower_ in ("with", "between") for c in token.children)
            ):
                continue  # a noun names an event only when something is done with it
            subj_tokens, obj_tokens = _roles(token)
            # "After meeting X, ...": the sentence's place belongs to the main clause.
            in_clause = token.dep_ == "pcomp"
            actors = _heads(article, _mentions_in(article, subj_tokens, _PARTY_LABELS))
            recipients = _heads(article, _mentions_in(article, obj_tokens, _PARTY_LABELS))
            # Unnamed parties ("police", "protesters", "rebels") still make an event.
            actors = actors or _common_party(subj_tokens)
            recipients = recipients or _common_party(obj_tokens)
            if not actors and not recipients:
                continue
            type_, mode = trigger.type, trigger.mode
            if type_ == "CONSULT" and verb.lemma_.lower() in _HOST_VERBS:
                actors, recipients = recipients, actors  # visitor acts, host receives
            future = any(c.lower_ in _FUTURE for c in verb.children if c.dep_ == "aux")
            if type_ == "CONSULT" and future:
                type_, mode = "AGREE", "consult"  # a meeting to come is an agreement to meet
            date, date_ref = _date(article, sent)
            events.append(
                Event(
                    type=type_,
                    evidence=Span(sent.start_char, sent.end_char),
                    mode=mode,
                    cameo=trigger.cameo,
                    trigger=Span(token.idx, token.idx + len(token.text)),
                    actors=_participants(actors),
                    recipients=_participants([m for m in recipients if m not in actors]),
                    place=_place(article, token, sent)
                    or (None if in_clause else _sentence_place(article, sent)),
                    date=date,
                    date_ref=date_ref,
                    confidence=0.6 if token.pos_ == "NOUN" else 0.75,
                )
            )
    return replace(article, events=tuple(_attach_attendees(article, doc, events)))


def _attach_attendees(article: Article, doc: Any, events: list[Event]) -> list[Event]:
    """ "The meeting was attended by X, Y and Z": attendees of the latest CONSULT before it."""
    for sent in doc.sents:
        if not any(t.lemma_.lower() in _ATTEND for t in sent):
            continue
        people = [
            m for m in article.mentions
            if m.label == "PERSON" and sent.start_char <= m.start < sent.end_char
        ]  # fmt: skip
        earlier = [
            i for i, e in enumerate(events)
            if e.type == "CONSULT" and e.evidence.start <= sent.start_char
        ]  # fmt: skip
        if people and earlier:
            i = earlier[-1]
            taken = {(p.start, p.end) for p in (*events[i].actors, *events[i].recipients)}
            extra = [m for m in people if (m.start, m.end) not in taken]
            events[i] = replace(events[i], attendees=events[i].attendees + _participants(extra))
    return events


@dataclass(frozen=True, slots=True)
class _Sentence:
    start_char: int
    end_char: int


def redate_events(article: Article) -> Article:
    """Date the article's events again (after its time references or date changed)."""
    events = []
    for event in article.events:
        date, ref = _date(article, _Sentence(event.evidence.start, event.evidence.end))
        events.append(replace(event, date=date, date_ref=ref))
    return replace(article, events=tuple(events))


STAGE = Stage(
    name="events",
    run=extract_events,
    needs=frozenset({"text", "mentions", "sentences"}),
    adds=frozenset({"events"}),
)
