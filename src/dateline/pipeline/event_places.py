"""Where an event happened: the place span a trained tagger picks for one event word.

`event_place(article, token, sent)` is what the events stage calls for each event. Steps:
1. In the event's own sentence, the event-location CRF (``models/event_location``, trained on
   Halterman's event_location corpus) tags the span(s) of the place where the event named by
   `token` happened; it reads the preposition, the clause the place hangs from and the entity
   type ("in the nearby city of Fallujah", not "the envoy to Syria"). The most probable span
   is kept, widened to the entity mention it overlaps so the link stage finds its entity; a
   nationality word ("Russian") is passed over.
2. When the tagger finds nothing, a sentence that says where something was held ("...
   being held in Damascus", "took place at X") lends its place: the event's own sentence,
   or the next or previous sentence when it refers back to it ("Talks during the meeting
   dealt with the conference scheduled to be held in Damascus"); only for gatherings
   (received, met, talks, ...). A grammatical rule, not learned: the corpus has no
   cross-sentence annotation.
3. Otherwise None.
"""

from __future__ import annotations

import functools
from typing import Any

from dateline.model import Article, Mention, Span
from dateline.models import load_model_info
from dateline.pipeline._place_features import sentence_features, sentence_static

MODEL_NAME = "event_location"
MODEL_FORMAT = 1
# A span is kept when its tokens' mean marginal probability reaches this (the tagger's own
# Viterbi path decides which spans exist; this only drops the least sure ones).
_MIN_PROB = 0.0
# Verbs that say where something took place ("held in", "convened at"), and the event words
# of gatherings that may take their place from such a sentence nearby.
_SETTING_VERBS = frozenset("hold convene gather open begin start arrive land".split())
_GATHERINGS = frozenset(
    "receive meet visit host welcome hold talk discuss confer negotiate attend sign meeting talks "
    "visit summit conference session negotiations discussions consultations reception".split()
)
# Children that open another clause: a place inside them belongs to that clause's happening.
_OTHER_CLAUSE = frozenset({"advcl", "relcl", "ccomp", "pcomp", "conj", "parataxis", "acl"})
_VENUES = frozenset(
    "palace hall hotel centre center stadium square airport building headquarters embassy "
    "compound base camp mosque church cathedral university hospital".split()
)
# Nouns by which a neighbouring sentence refers back to the happening ("during the meeting").
_HAPPENING_NOUNS = frozenset(
    "meeting meetings talks visit session conference summit negotiations discussions "
    "consultations attack attacks raid strike bombing clashes fighting protest protests "
    "rally demonstration ceremony signing reception".split()
)
# Entity labels a place can be tagged with (the small model calls venues ORG, towns PERSON).
_PLACE_LIKE = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP", "PERSON"})
_GATE = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP"})


@functools.cache
def _tagger() -> Any:
    """The shipped CRFsuite tagger (opened once per process)."""
    import pycrfsuite

    info = load_model_info(MODEL_NAME, expects=MODEL_FORMAT)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(info.file("model.crfsuite")))
    return tagger


def _worth_tagging(sent: Any) -> bool:
    """Tag only sentences with a place, organisation or nationality entity: without one the
    tagger seldom finds a place (held-out exact 0.683 -> 0.678 when skipping them), and
    skipping them halves its cost on news articles (bench/event_location.py --speed)."""
    return any(token.ent_type_ in _GATE for token in sent)


def place_spans(sent: Any, token: Any, static: list[Any] | None = None) -> list[tuple[Span, float]]:
    """The place spans the tagger finds in `sent` for the event word `token`, with their
    mean marginal probability, most probable first."""
    if not _worth_tagging(sent):
        return []
    tagger = _tagger()
    feats = sentence_features(sent, token, static if static is not None else _static_for(sent))
    labels = tagger.tag(feats)
    tokens = list(sent)
    found: list[tuple[Span, float]] = []
    run: list[int] = []
    for i, label in enumerate([*labels, "O"]):
        if run and (label != "I-LOC"):
            probs = [tagger.marginal(labels[k], k) for k in run]
            first, last = tokens[run[0]], tokens[run[-1]]
            found.append((Span(first.idx, last.idx + len(last.text)), sum(probs) / len(probs)))
            run = []
        if label in ("B-LOC", "I-LOC"):
            run.append(i)
    found = [(span, p) for span, p in found if p >= _MIN_PROB]
    return sorted(found, key=lambda sp: -sp[1])


# Per-sentence work shared by the events of one sentence, for the doc being processed. Kept
# here, not in Doc.user_data, so a Doc still pickles; bounded, and checked by identity.
_CACHE: dict[tuple[int, int, int], tuple[Any, Any]] = {}
_CACHE_SIZE = 512


def _cached(doc: Any, key: tuple[int, int], build: Any) -> Any:
    """`build()` once per (doc, key) while the doc is being worked on."""
    full = (id(doc), *key)
    hit = _CACHE.get(full)
    if hit is not None and hit[0] is doc:
        return hit[1]
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    value = build()
    _CACHE[full] = (doc, value)
    return value


def _static_for(sent: Any) -> list[Any]:
    """The sentence's event-independent features, computed once per sentence of a doc."""
    rows: list[Any] = _cached(sent.doc, (sent.start, sent.end), lambda: sentence_static(sent))
    return rows


def _snap(article: Article, span: Span) -> Span:
    """Widen a span to the place-like mention it overlaps ("Conference Palace" -> "the
    Umayyad Conference Palace" when the tagger left a word out), so linking finds it."""
    best: Mention | None = None
    for m in article.mentions:
        overlaps = m.start < span.end and span.start < m.end and m.label in _PLACE_LIKE
        if overlaps and (best is None or (m.end - m.start) > (best.end - best.start)):
            best = m
    if best is None:
        return span
    return Span(best.start, best.end)


def _sentences(doc: Any) -> list[Any]:
    """The doc's sentences, listed once per doc."""
    sents: list[Any] = _cached(doc, (-1, -1), lambda: list(doc.sents))
    return sents


def _refers_back(sent: Any, token: Any) -> bool:
    """The sentence names the happening again: a definite "the meeting", or the same word."""
    lemma = token.lemma_.lower()
    for t in sent:
        if t.i != token.i and t.lemma_.lower() == lemma and t.pos_ == token.pos_:
            return True
        if t.lower_ in _HAPPENING_NOUNS and any(
            c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in t.children
        ):
            return True
    return False


def _setting_place(article: Article, sent: Any, event: Any | None = None) -> Span | None:
    """Where the sentence says something was held: "held in X", "took place at X" (a
    grammatical rule: the tagger was trained on acts of violence and protest, and reads
    these weakly). A verb that `event` depends on through a clause is skipped."""
    for verb in sent:
        lemma = verb.lemma_.lower()
        if lemma not in _SETTING_VERBS and not (
            lemma == "take" and any(c.lower_ == "place" for c in verb.children)
        ):
            continue
        if event is not None and event.i != verb.i and verb in event.ancestors:
            continue  # "after meeting X, Y held talks in Damascus": the first one was not
        # "in/at" in the verb's own clause, also deeper ("held talks with X in Damascus"),
        # never inside another clause ("after discussing ... in Riyadh").
        stack = [c for c in verb.children if c.dep_ not in _OTHER_CLAUSE]
        while stack:
            node = stack.pop(0)
            if node.dep_ == "prep" and node.lower_ in ("in", "at"):
                start = min(t.idx for t in node.subtree)
                end = max(t.idx + len(t.text) for t in node.subtree)
                for m in article.mentions:
                    if start <= m.start and m.end <= end and _is_place(article, m):
                        return Span(m.start, m.end)
            stack.extend(c for c in node.children if c.dep_ not in _OTHER_CLAUSE)
    return None


def _is_place(article: Article, mention: Mention) -> bool:
    """A place mention, or an organisation named as a venue ("the Conference Palace")."""
    if mention.label in ("GPE", "LOC", "FAC"):
        return True
    last = article.text[mention.start : mention.end].split()[-1:]
    return mention.label == "ORG" and bool(last) and last[0].lower() in _VENUES


def _neighbour_place(article: Article, sent: Any, token: Any) -> Span | None:
    """A place lent by the event's own sentence or the next or previous one (step 2)."""
    sents = _sentences(sent.doc)
    at = next((i for i, s in enumerate(sents) if s.start == sent.start), None)
    if at is None:
        return None
    if token.lemma_.lower() not in _GATHERINGS:
        return None
    own = _setting_place(article, sent, token)
    if own is not None:
        return own
    for j in (at + 1, at - 1):
        if 0 <= j < len(sents) and _refers_back(sents[j], token):
            found = _setting_place(article, sents[j])
            if found is not None:
                return found
    return None


def event_place(article: Article, token: Any, sent: Any) -> Span | None:
    """The place where the event named by `token` (a spaCy token in `sent`) happened, or None."""
    for span, _ in place_spans(sent, token):
        snapped = _snap(article, span)
        if not _nationality(article, snapped):
            return snapped
    return _neighbour_place(article, sent, token)


def _nationality(article: Article, span: Span) -> bool:
    """A nationality word ("Russian", "Saudi") names people, not where something happened."""
    return any(
        m.label == "NORP" and m.start == span.start and m.end == span.end for m in article.mentions
    )
