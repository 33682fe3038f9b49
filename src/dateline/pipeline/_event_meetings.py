"""Who took part in a meeting: attendees, and the agents of multilateral meetings.

- "The meeting was attended by X, Y and Z" / "X and Y attended the meeting": the people named
  are attendees of the meeting the sentence speaks of (the latest meeting told before it with
  a named participant), never of a meeting they only came to take part in ("who is on a visit
  to participate in ..."), and never someone named only as whose envoy a person is.
- A multilateral meeting's agents are the people and bodies that act in it: whoever speaks
  "during" it, the next speaker "in turn" / "for his part", and those named "with the
  participation of"; the countries of its committees are represented by them, not listed
  beside them. Two mentions of one joint meeting in an article ("a joint meeting of the
  Ministerial Coordinating Bodies of Syria and Russia" ... "a joint meeting of the Syrian and
  Russian ministerial coordinating bodies began this morning") share their agents.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from dateline.model import Event, Mention, Participant
from dateline.pipeline._event_speech import SPEECH_VERBS

_TURN = re.compile(r"^\s*(?:in turn|for (?:his|her|their|its) part)\b", re.IGNORECASE)
_OF_SOMEONE = re.compile(
    r"\b(?:envoy|representative|adviser|advisor|aide|son|daughter|wife|husband|deputy|"
    r"spokesman|spokeswoman)\s+(?:to\s+\w+\s+)?(?:of|for)\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){0,3}$"
)
_NAMED = ("PERSON", "ORG", "GPE", "NORP")


def attach_meeting_people(view: Any, doc: Any, events: list[Event]) -> list[Event]:
    """Attendees and multilateral agents added to the article's meeting events."""
    article = view.article
    events = list(events)
    for sent in doc.sents:
        words = article.text[sent.start_char : sent.end_char].lower()
        if "attend" not in words and "particip" not in words and "join" not in words:
            continue
        attendees = _attendees(article, sent)
        if not attendees:
            continue
        target = _meeting_before(article, events, sent.start_char, sent.end_char)
        if target is None:
            continue
        event = events[target]
        taken = {(p.start, p.end) for p in (*event.actors, *event.recipients, *event.attendees)}
        extra = [m for m in attendees if (m.start, m.end) not in taken]
        events[target] = replace(event, attendees=event.attendees + participants_of(extra))
    events = _multilateral_agents(view, doc, events)
    return events


def _attendees(article: Any, sent: Any) -> list[Mention]:
    """People a sentence says attended a meeting (see the module docstring)."""
    people: list[Mention] = []
    for token in sent:
        lemma = token.lemma_.lower()
        if lemma == "attend" and token.pos_ == "VERB":
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
            sides = [c for c in token.children if c.dep_ == ("agent" if passive else "nsubj")]
        elif lemma in ("participate", "join") and token.pos_ == "VERB" and token.dep_ != "xcomp":
            if any(c.lower_ == "to" for c in token.children if c.dep_ == "aux"):
                continue  # "to participate in": a purpose, not an attendance
            sides = [c for c in token.children if c.dep_ == "nsubj"]
        else:
            continue
        for side in sides:
            start = min(t.idx for t in side.subtree)
            end = max(t.idx + len(t.text) for t in side.subtree)
            for m in article.mentions:
                if m.label != "PERSON" or not (start <= m.start and m.end <= end):
                    continue
                if _OF_SOMEONE.search(article.text[max(0, m.start - 40) : m.start]):
                    continue
                people.append(m)
    return people


def _meeting_before(article: Any, events: list[Event], start: int, end: int) -> int | None:
    """The latest meeting told up to this sentence that has a named participant."""
    best = None
    for i, event in enumerate(events):
        if event.type != "CONSULT" or event.evidence.start > start:
            continue
        if any(_label(article, p) in _NAMED for p in (*event.actors, *event.recipients)):
            best = i
    return best


def _label(article: Any, part: Participant) -> str | None:
    for m in article.mentions:
        if m.start == part.start and m.end == part.end:
            return str(m.label)
    return None


def participants_of(mentions: list[Mention]) -> tuple[Participant, ...]:
    """Return one participant per distinct mention span, in mention order."""
    seen: set[tuple[int, int]] = set()
    out = []
    for m in mentions:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            out.append(Participant(m.start, m.end, m.entity_id))
    return tuple(out)


def _multilateral_agents(view: Any, doc: Any, events: list[Event]) -> list[Event]:
    article = view.article
    meetings = [
        i for i, e in enumerate(events)
        if e.type == "CONSULT" and e.mode == "multilateral" and e.trigger is not None
    ]  # fmt: skip
    if not meetings:
        return events
    for i in meetings:
        events[i] = _with_actors(events[i], _participation(view, doc, events[i]))
    # The next speaker "in turn" speaks at the meeting the previous speaker spoke at.
    current = None
    for sent in doc.sents:
        for i in meetings:
            if events[i].evidence.start == sent.start_char and _people(article, events[i]):
                current = i
        if current is None or not _TURN.search(sent.text):
            continue
        for token in sent:
            if token.lemma_.lower() in SPEECH_VERBS and token.pos_ == "VERB":
                subject = [t for c in token.children if c.dep_ == "nsubj" for t in c.subtree]
                speakers = view.heads_of(subject)
                events[current] = _with_actors(
                    events[current], [m for m in speakers if m.label == "PERSON"]
                )
                break
    # Mentions of one joint meeting share their agents.
    for i in meetings:
        for j in meetings:
            if i < j and _same_meeting(doc, events[i], events[j]):
                union = [*events[i].actors, *events[j].actors]
                events[i] = _with_actors(events[i], union)
                events[j] = _with_actors(events[j], union)
    # People and bodies represent their countries: the countries are not listed beside them.
    for i in meetings:
        actors = events[i].actors
        if any(_label(article, p) in ("PERSON", "ORG") for p in actors):
            kept = tuple(p for p in actors if _label(article, p) not in ("GPE", "NORP"))
            events[i] = replace(events[i], actors=kept)
    return events


def _participation(view: Any, doc: Any, event: Event) -> list[Mention]:
    """Bodies and people named "with the participation of" ... in the meeting's sentence.

    A sentence the splitter cut at a stray full stop goes on in a next piece that starts in
    lower case ("... Syrian Refugees. and displaced persons, with the participation of ...");
    the names listed after "participation" all take part.
    """
    span = doc.char_span(event.evidence.start, event.evidence.end, alignment_mode="expand")
    if span is None:
        return []
    sents = [span[0].sent]
    last = sents[0].end
    if last < len(doc) and doc[last].is_space and last + 1 < len(doc):
        last += 1
    if last < len(doc) and doc[last].is_lower:
        sents.append(doc[last].sent)
    found: list[Mention] = []
    for sent in sents:
        for token in sent:
            if token.lemma_.lower() == "participation":
                after = [t for t in sent if t.i > token.i]
                found.extend(view.mentions(after, ("PERSON", "ORG")))
    return found


def _people(article: Any, event: Event) -> bool:
    return any(_label(article, p) == "PERSON" for p in event.actors)


def _with_actors(event: Event, mentions: list[Any]) -> Event:
    have = {(p.start, p.end) for p in event.actors}
    added = []
    for m in mentions:
        if (m.start, m.end) not in have:
            have.add((m.start, m.end))
            added.append(Participant(m.start, m.end, m.entity_id))
    return replace(event, actors=event.actors + tuple(added)) if added else event


def _same_meeting(doc: Any, a: Event, b: Event) -> bool:
    """Two multilateral meeting nouns with the same words around them ("joint", the countries)."""
    words = []
    for event in (a, b):
        span = doc.char_span(event.trigger.start, event.trigger.end) if event.trigger else None
        if span is None:
            return False
        token = span.root
        words.append(
            {t.lemma_.lower() for t in token.subtree if t.is_alpha and not t.is_stop}
            | {t.ent_type_ + ":" + t.lemma_.lower()[:4] for t in token.subtree if t.ent_type_}
        )
    shared = words[0] & words[1]
    return token_lemma(doc, a) == token_lemma(doc, b) and len(shared) >= 4


def token_lemma(doc: Any, event: Event) -> str:
    """The lemma of an event's trigger word."""
    span = doc.char_span(event.trigger.start, event.trigger.end) if event.trigger else None
    return span.root.lemma_.lower() if span is not None else ""
