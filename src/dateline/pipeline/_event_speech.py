"""Reported speech around event triggers: whose words an event is, and the outlet's frame.

An event told inside what someone said is that speaker's claim, not the outlet's fact:
- a hostile act the speaker attributes to a named party becomes the speaker's accusation
  (PLOVER ACCUSE, mode ``allege``: "Makhlouf pointed out that the Turkish occupation continues
  to plunder Syria" is Makhlouf accusing Turkey); the act itself is no separate event, and
  neither is anything else said in the same statement;
- any other act the speaker asserts happened (a finite verb, not future, modal, infinitive or
  negated) is kept with mode ``allege`` and the speaker in ``said_by``;
- what a speaker promises, hopes or plans is no event.
The outlet's own frame is not speech: "..., SANA reports." and "officials said" (an unnamed
source) leave the content as the article's fact, and the outlet is never a participant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dateline.model import Article, Mention

SPEECH_VERBS = frozenset(
    "say stress point note indicate confirm add state declare emphasize emphasise explain "
    "tell claim assert affirm insist reiterate charge report announce reveal warn underline "
    "express quote describe".split()
)
_FRAME_VERBS = frozenset({"report", "quote"})
_ANY_SPEECH = SPEECH_VERBS | _FRAME_VERBS
_OUTLET = re.compile(
    r"\b(?:news|agency|press|tv|television|radio|times|post|observer|journal|gazette|herald|"
    r"tribune|reuters|afp|ap|sana|tass|xinhua|ria|interfax|sputnik|irna|anadolu|bbc|cnn|"
    r"al jazeera|al arabiya|yonhap|kyodo|kcna|efe|dpa|ansa|wafa|petra)\b",
    re.IGNORECASE,
)
# "..., SANA reports." / "..., Reuters said." closing a sentence: the outlet's credit line.
_CREDIT = re.compile(
    r",\s*((?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,5})\s+"
    r"(?:reports?|reported|said|says|quoted|writes|wrote)\s*[.!]?[\s”\"]*$"
)
_INTENT = frozenset("plan intend vow decide hope want prepare aim expect seek".split())
_FUTURE = frozenset({"will", "shall", "would", "'ll", "wo"})
_MODALS = frozenset({"may", "might", "could", "should", "must", "can", "ca"})


@dataclass(frozen=True, slots=True)
class Speech:
    """A speech act in a sentence: its verb, its named speakers and the tokens it reports."""

    verb: Any
    speakers: tuple[Mention, ...]
    content: frozenset[int]  # token indices


def credit_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of a closing credit line ("..., SANA reports."), if text[start:end] has one."""
    tail = max(start, end - 120)  # a credit line is short: read only the sentence's end
    match = _CREDIT.search(text, tail, end)
    if match is None:
        return None
    return match.start(), end


def is_outlet(text: str) -> bool:
    """A name that reads as a news outlet (agency, paper, channel)."""
    return bool(_OUTLET.search(text))


def find_speeches(article: Article, doc: Any, heads: Any) -> list[Speech]:
    """Speech acts whose speaker is a named party other than the outlet (see the docstring).

    `heads(tokens)` gives the party mentions a phrase is about (the events stage's rule).
    """
    speeches: list[Speech] = []
    for verb in doc:
        lemma = verb.lemma_.lower()
        if lemma not in _ANY_SPEECH or verb.pos_ not in ("VERB", "NOUN"):
            continue
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None:
            continue
        speakers = heads([t for t in subject.subtree])
        if not speakers or lemma in _FRAME_VERBS:
            continue  # an unnamed source or the outlet's report: the content is the article's
        named = tuple(m for m in speakers if not is_outlet(article.text[m.start : m.end]))
        if not named:
            continue
        content = _content_tokens(verb)
        if content:
            speeches.append(Speech(verb, named, frozenset(content)))
    by_verb = {s.verb.i for s in speeches}
    for quote in article.quotes:
        speaker = _speaker_mention(article, quote.speaker)
        if speaker is None or is_outlet(article.text[speaker.start : speaker.end]):
            continue
        spans = [quote.content, *quote.fragments]
        tokens = {t.i for s in spans for t in _tokens_in(doc, s.start, s.end)}
        cue = _tokens_in(doc, quote.cue.start, quote.cue.end) if quote.cue else []
        if tokens and not (cue and cue[0].i in by_verb):
            verb = cue[0] if cue else doc[min(tokens)]
            speeches.append(Speech(verb, (speaker,), frozenset(tokens)))
    return speeches


def _content_tokens(verb: Any) -> set[int]:
    """What a speech verb reports: its clausal complement ("said that ..."), or all after it."""
    out: set[int] = set()
    for child in verb.children:
        if child.dep_ in ("ccomp", "xcomp", "parataxis") or (
            child.dep_ in ("dobj", "advcl", "conj") and child.i > verb.i and child.pos_ == "VERB"
        ):
            out.update(t.i for t in child.subtree)
    # "pointed out that": the clause hangs off the particle's verb too
    return out


def _tokens_in(doc: Any, start: int, end: int) -> list[Any]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _speaker_mention(article: Article, span: Any) -> Mention | None:
    if span is None:
        return None
    for m in article.mentions:
        if (
            m.label in ("PERSON", "ORG", "GPE", "NORP")
            and m.start < span.end
            and span.start < m.end
        ):
            return m
    return None


def speech_of(token: Any, speeches: list[Speech]) -> Speech | None:
    """The innermost speech whose content holds the token (None: the outlet's own telling)."""
    holding = [s for s in speeches if token.i in s.content and s.verb.i != token.i]
    return min(holding, key=lambda s: len(s.content)) if holding else None


def asserted(token: Any) -> bool:
    """The speaker tells the act as done: finite, not future, modal, infinitive or negated."""
    if token.pos_ != "VERB":
        return False
    node = token
    for _ in range(4):
        for child in node.children:
            if child.dep_ == "neg":
                return False
            if child.dep_ in ("aux", "auxpass"):
                word = child.lower_
                if word in _FUTURE or word in _MODALS or child.lemma_.lower() in _MODALS:
                    return False
                if word == "to":
                    return False
            if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
                return False
        if node.dep_ in ("xcomp",) and node.head.lemma_.lower() in _INTENT:
            return False
        if node.dep_ in ("xcomp", "conj") and node.head != node:
            node = node.head  # "continues to support": the controlling verb's tense
            continue
        break
    return token.tag_ in ("VBD", "VBN", "VBZ", "VBP") or token.morph.get("VerbForm") == ["Fin"]
