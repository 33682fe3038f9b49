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
import re
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from dateline.model import Article, DateInfo, Event, Mention, Participant, Span
from dateline.pipeline import Stage
from dateline.pipeline.event_dates import event_date
from dateline.settings import Settings


@dataclass(frozen=True, slots=True)
class Trigger:
    """A lexicon entry: PLOVER type, mode and CAMEO code."""

    type: str
    mode: str | None
    cameo: str | None


_PARTY_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_PLACE_LABELS = ("GPE", "LOC", "FAC")
_HOST_VERBS = frozenset({"receive", "host", "welcome"})
_FUTURE = frozenset({"will", "shall", "would", "'ll", "wo"})
# Verbs whose infinitive complement is an intention, not a fact ("plans to withdraw").
_INTENT = frozenset("plan intend vow decide hope want prepare aim expect seek going set".split())
# PLOVER: cooperative acts told in the future are AGREE; a retreat announced is a CONCEDE; a
# conflict act announced (ASSAULT/COERCE/SANCTION + future) is a THREATEN.
_FUTURE_TYPE = {
    "CONSULT": "AGREE",
    "SUPPORT": "AGREE",
    "COOPERATE": "AGREE",
    "AID": "AGREE",
    "RETREAT": "CONCEDE",
    "ASSAULT": "THREATEN",
    "COERCE": "THREATEN",
    "SANCTION": "THREATEN",
}
# Nouns that name an event when they are the subject of a verb of happening ("clashes erupted").
_HAPPEN = frozenset(
    "erupt break occur take continue spread flare rage begin start resume end kill leave wound "
    "hit rock paralyze paralyse cripple spark follow intensify escalate".split()
)
# A noun's participants: "talks with X", "an attack by X", "aid to X", "calls for X"; "on" and
# "over" name a topic ("a meeting on refugees") except for hostile acts ("an attack on X").
_NOUN_PREPS = ("with", "between", "against", "by", "for", "to", "from")
_HOSTILE_PREPS = ("on", "upon", "over")
# "air strike" is an attack, "phone call" a consultation: a noun's compound changes its type.
_COMPOUND_TRIGGERS = {
    ("air", "strike"): Trigger("ASSAULT", "aerial", "195"),
    ("missile", "strike"): Trigger("ASSAULT", "heavy-weapons", "195"),
    ("drone", "strike"): Trigger("ASSAULT", "drone", "195"),
    ("military", "strike"): Trigger("ASSAULT", None, "190"),
    ("hunger", "strike"): Trigger("PROTEST", "hunger", "142"),
    ("phone", "call"): Trigger("CONSULT", "phone", "041"),
    ("telephone", "call"): Trigger("CONSULT", "phone", "041"),
    ("joint", "exercise"): Trigger("COOPERATE", None, "062"),
    ("joint", "drill"): Trigger("COOPERATE", None, "062"),
    ("peace", "talks"): Trigger("CONSULT", None, "046"),
}
# Speech verbs: a hostile act a speaker attributes to a named party is an accusation.
_SAY = frozenset(
    "say stress point note indicate confirm add state declare emphasize emphasise explain "
    "tell claim assert affirm insist reiterate charge".split()
)
_HOSTILE = frozenset(
    {"ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
)
_ALLEGED = _HOSTILE - {"ACCUSE", "PROTEST"}  # acts a speaker can accuse another party of
# A "protest" by a government, a ministry or one person is a diplomatic protest (ACCUSE), not
# a demonstration: PLOVER's PROTEST presumes collective physical action.
_OFFICIAL = frozenset(
    "government ministry minister president official embassy ambassador foreign office "
    "spokesman spokeswoman spokesperson state country".split()
)
_ATTEND = frozenset({"attend", "join", "participate"})


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
            if child.dep_ not in ("prt", "prep", "dobj"):
                continue
            found = pairs.get((lemma, child.lemma_.lower())) or pairs.get((lemma, child.lower_))
            if found:
                return found
            if child.dep_ == "prep":  # "go on strike", "take to the streets"
                for grand in child.children:
                    if grand.dep_ == "pobj" and (found := pairs.get((lemma, grand.lemma_.lower()))):
                        return found
        if lemma == "strike" and any(c.dep_ == "dobj" for c in token.children):
            return Trigger("ASSAULT", None, "190")  # "jets struck targets", not a labour strike
        if lemma == "call" and any(c.dep_ in ("oprd", "ccomp", "xcomp") for c in token.children):
            return None  # "called the vote a sham" is a statement, not a phone call
        return verbs.get(lemma)
    if token.pos_ == "NOUN":
        for child in token.children:
            if child.dep_ in ("compound", "amod"):
                found = _COMPOUND_TRIGGERS.get((child.lemma_.lower(), token.lower_))
                found = found or _COMPOUND_TRIGGERS.get((child.lemma_.lower(), lemma))
                if found:
                    return found
        found = nouns.get(lemma) or nouns.get(token.lower_)
        if (
            found
            and lemma == "call"
            and not any(c.dep_ == "prep" and c.lower_ in ("for", "on") for c in token.children)
        ):
            return None  # a "call" is a request only as a "call for" / "call on"
        return found
    return None


def _governor(token: Any) -> Any:
    """The verb an event word belongs to: itself, or the verb a trigger noun depends on."""
    node = token
    for _ in range(3):
        if node.pos_ in ("VERB", "AUX") or node.head is node:
            return node
        if node.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "pobj", "prep", "conj"):
            node = node.head
        else:
            return node
    return node


def _light(token: Any) -> bool:
    """A light verb, also when the lemmatizer misses it ("staged" -> "stag")."""
    if token.lemma_.lower() in _LIGHT_VERBS:
        return True
    word = token.lower_
    stems = {word[:-1], word[:-2], word[:-3], word[:-3] + "e"} if len(word) > 4 else set()
    return token.pos_ in ("VERB", "AUX") and bool(stems & _LIGHT_VERBS)


def _noun_counts(token: Any, trigger: Trigger) -> bool:
    """A noun names an event only when something is done with it or it has participants."""
    head = token.head
    if token.dep_ in ("dobj", "attr", "conj") and _light(head):
        return True  # "held talks", "staged a protest", "issued a warning"
    if token.dep_ == "pobj" and _light(head.head):
        return True  # "took part in a rally", "went on strike"
    if token.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in _HAPPEN:
        return True  # "clashes erupted", "the attack killed five"
    preps = _NOUN_PREPS + (_HOSTILE_PREPS if trigger.type in _HOSTILE else ())
    return any(c.dep_ == "prep" and c.lower_ in preps for c in token.children) or any(
        c.dep_ == "poss" for c in token.children
    )


def _is_future(verb: Any) -> bool:
    """The act is announced, not done: "will meet", "plans to withdraw", "is going to strike"."""
    if any(c.lower_ in _FUTURE for c in verb.children if c.dep_ == "aux"):
        return True
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in _INTENT


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


# Buildings the tagger often calls organisations: "at the Umayyad Conference Palace".
_VENUES = frozenset(
    "palace hall hotel centre center stadium square airport building headquarters embassy "
    "compound base camp mosque church cathedral university hospital".split()
)


def _places_in(article: Article, tokens: list[Any]) -> list[Mention]:
    """Place mentions among `tokens`: places, and organisations named as a venue."""
    return [
        m
        for m in _mentions_in(article, tokens, (*_PLACE_LABELS, "ORG"))
        if m.label != "ORG" or article.text[m.start : m.end].split()[-1].lower() in _VENUES
    ]


def _phrase(token: Any) -> list[Any]:
    return [t for t in token.subtree if not (t.dep_ == "relcl" or t.head.dep_ == "relcl")]


def _roles(token: Any) -> tuple[list[Any], list[Any]]:
    """Subject-side and object-side phrases of a trigger (verb, or noun under a light verb)."""
    verb = token if token.pos_ == "VERB" else _governor(token)
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
    if not subjects and token.pos_ == "VERB":
        # "threatened to attack", "continues to support ... and plunder": the controller's
        # subject is the subject of an infinitive or conjoined verb without its own.
        node = token
        while not subjects and node.dep_ in ("xcomp", "conj") and node.head is not node:
            node = node.head
            for child in node.children:
                if child.dep_ == "nsubj":
                    subjects.extend(_phrase(child))
    holder = token if token.pos_ == "NOUN" else verb
    if token.pos_ == "NOUN":
        for child in token.children:
            if child.dep_ in ("poss", "compound", "amod"):
                subjects.extend(child.subtree)  # "Israel's attack", "Palestinian protests"
            elif child.dep_ == "prep" and child.lower_ == "by":
                subjects.extend(t for c in child.children for t in _phrase(c))
    for child in [*holder.children, *(verb.children if holder is not verb else [])]:
        if child.dep_ == "prep" and child.lower_ in ("with", "to", "against", "on"):
            for c in child.children:
                if c.dep_ == "pobj":
                    # "with X, Putin's envoy": an appositive after the one met is often the
                    # next clause's subject, misattached by the parser.
                    skip = {t.i for a in c.children if a.dep_ == "appos" for t in a.subtree}
                    objects.extend(t for t in _phrase(c) if t.i not in skip)
    return subjects, objects


# Children that open another clause: a place inside them belongs to that clause's event.
_OTHER_CLAUSE = frozenset({"advcl", "relcl", "ccomp", "pcomp", "conj", "parataxis", "acl"})


def _place(article: Article, token: Any, sent: Any) -> Span | None:
    """The place of an event: "in/at" a place within the trigger's own clause."""
    verb = token if token.pos_ == "VERB" else _governor(token)
    for node in (token, verb):
        for child in node.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "at"):
                found = _places_in(article, list(child.subtree))
                if found:
                    return Span(found[0].start, found[0].end)
    # Deeper in the clause: "discussing the issue with the Crown Prince in Riyadh".
    stack = [c for c in verb.children if c.dep_ not in _OTHER_CLAUSE]
    while stack:
        node = stack.pop(0)
        if node.dep_ == "prep" and node.lower_ in ("in", "at"):
            found = _places_in(article, list(node.subtree))
            if found:
                return Span(found[0].start, found[0].end)
        stack.extend(c for c in node.children if c.dep_ not in _OTHER_CLAUSE)
    return None


def _date(article: Article, sent: Any, trigger: Any = None) -> tuple[DateInfo, Span | None]:
    """The event's date: the time expression governing its trigger, else the article's."""
    return event_date(article, sent, trigger)


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
        "issue",
        "make",
        "pay",
        "lodge",
        "file",
        "mount",
        "organize",
        "organise",
        "declare",
        "announce",
        "call",
        "impose",
        "express",
        "voice",
        "extend",
        "grant",
        "resume",
        "continue",
        "renew",
        "step",
        "intensify",
        "escalate",
        "join",
        "lead",
        "take",
        "go",
        "give",
        "offer",
        "seek",
        "receive",
        "send",
        "order",
        "plan",
        "win",
    }
)


def _after_in_at(text: str, start: int) -> bool:
    """The word before offset `start` is "in" or "at" (not "that", "within")."""
    before = text[max(0, start - 5) : start].lower()
    return before.endswith(("in ", "at ")) and not before[-4:-3].isalpha()


def _heads(article: Article, mentions: list[Mention]) -> list[Mention]:
    """Keep the participants a phrase is about, not the words that describe them.

    "Russian Special Envoy to Syria Alexander Lavrentiev" is Lavrentiev: people first, then
    organisations, then countries and nationalities; places after "in"/"at" are not parties.
    """
    text = article.text
    parties = [m for m in mentions if not _after_in_at(text, m.start)]
    for labels in (("PERSON",), ("ORG",), ("GPE", "NORP")):
        chosen = [m for m in parties if m.label in labels]
        if len(chosen) > 1 and labels == ("PERSON",):
            # "Lavrentiev, the special envoy of President Vladimir Putin": Putin names whose
            # envoy he is; he is not a party when someone else in the phrase is.
            named = [
                m for m in chosen if not _OF_SOMEONE.search(text[max(0, m.start - 40) : m.start])
            ]
            chosen = named or chosen
        if chosen:
            return chosen
    return []


# "... of President", "... of the Russian President": the person after it is a modifier.
_OF_SOMEONE = re.compile(
    r"\b(?:envoy|representative|adviser|advisor|aide|son|daughter|wife|"
    r"husband|deputy|spokesman|spokeswoman)\s+(?:to\s+\w+\s+)?(?:of|for)\s+"
    r"(?:the\s+)?(?:[A-Z][\w'’-]*\s+){0,3}$"
)


_PARTY_NOUNS = frozenset(
    "police army troops soldiers forces rebels militants protesters demonstrators government "
    "officials ministry president minister leaders delegation authorities court opposition "
    "party parliament workers students residents villagers refugees guerrillas insurgents "
    "gunmen activists diplomats envoy spokesman negotiators countries states allies union "
    "company ministers embassy navy militia commander people crowds crowd thousands hundreds "
    "dozens tens citizens civilians farmers teachers doctors nurses employees miners drivers "
    "supporters followers members prisoners detainees hostages inmates journalists lawyers "
    "judges prosecutors regime administration cabinet council committee commission agency "
    "military soldier troop jets aircraft warplanes planes fighters attackers assailants "
    "bombers terrorists extremists separatists jihadists mob rioters strikers marchers "
    "unions unionists opponents critics lawmakers legislators senators deputies mayor governor "
    "premier chancellor king prince monarch leader chief spokeswoman spokesperson ambassador "
    "mission observers peacekeepers inspectors donors nations coalition alliance bloc group "
    "groups faction factions organization organisation movement victims women men children "
    "youths pilgrims settlers migrants guards security officers agents investigators "
    "ministries governments".split()
)


def _common_party(tokens: list[Any]) -> list[Mention]:
    """The head noun of a phrase as an unnamed party, when it names a kind of actor."""
    heads = [t for t in tokens if t.head not in tokens or t.head is t]
    # "thousands of people": the number heads the phrase, the people are the party.
    heads += [g for h in heads for c in h.children if c.dep_ == "prep" for g in c.children]
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
        if in_sentence and _after_in_at(text, m.start):
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
            verb = token if token.pos_ == "VERB" else _governor(token)
            if any(c.dep_ == "neg" for c in verb.children):
                continue  # "did not meet": nothing happened
            if token.pos_ == "NOUN" and token.dep_ == "dobj" and _match(token.head) is not None:
                continue  # "held talks": the verb pair already made this event
            if token.pos_ == "NOUN" and not _noun_counts(token, trigger):
                continue  # a noun names an event only when something is done with it
            subj_tokens, obj_tokens = _roles(token)
            # "After meeting X, ...": the sentence's place belongs to the main clause.
            in_clause = token.dep_ == "pcomp"
            actors = _heads(article, _mentions_in(article, subj_tokens, _PARTY_LABELS))
            recipients = _heads(article, _mentions_in(article, obj_tokens, _PARTY_LABELS))
            # The trigger word is never its own participant ("what Destroyed by terrorists").
            end = token.idx + len(token.text)
            actors = [m for m in actors if not (m.start < end and token.idx < m.end)]
            recipients = [m for m in recipients if not (m.start < end and token.idx < m.end)]
            # Unnamed parties ("police", "protesters", "rebels") still make an event.
            actors = actors or _common_party(subj_tokens)
            recipients = recipients or _common_party(obj_tokens)
            if not actors and not recipients:
                continue
            type_, mode = trigger.type, trigger.mode
            if type_ == "CONSULT" and verb.lemma_.lower() in _HOST_VERBS:
                actors, recipients = recipients, actors  # visitor acts, host receives
            if (
                type_ == "PROTEST"
                and token.lemma_.lower() == "protest"
                and _official(article, actors, subj_tokens)
            ):
                type_, mode = "ACCUSE", "disapprove"  # a diplomatic protest, not a demonstration
            if type_ == "CONSULT" and token.pos_ == "NOUN" and _multilateral(token):
                mode = "multilateral"
            if type_ in _FUTURE_TYPE and _is_future(verb):
                # a meeting to come is an agreement to meet; a withdrawal announced, a concession
                type_ = _FUTURE_TYPE[type_]
                mode = "consult" if trigger.type == "CONSULT" else None
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
        events = _same_happening(events, sent)
        events.extend(_reported_accusations(article, sent, events))
    return replace(article, events=tuple(_attach_attendees(article, doc, events)))


def _same_happening(events: list[Event], sent: Any) -> list[Event]:
    """In one sentence a trigger noun of a verb event's type names that same happening.

    "X received Y, who is on a visit to Syria": one visit, told by the verb.
    """
    verb_types = {
        e.type
        for e in events
        if e.trigger and sent.start_char <= e.trigger.start < sent.end_char and e.confidence > 0.6
    }
    return [
        e
        for e in events
        if not (
            e.trigger
            and sent.start_char <= e.trigger.start < sent.end_char
            and e.confidence == 0.6
            and e.type in verb_types
        )
    ]


def _official(article: Article, actors: list[Mention], subj_tokens: list[Any]) -> bool:
    """The protesting side is a state, a government body or one named person."""
    if any(t.lemma_.lower() in _OFFICIAL for t in subj_tokens if t.pos_ == "NOUN"):
        return True
    return bool(actors) and all(m.label in ("GPE", "PERSON") for m in actors)


def _multilateral(token: Any) -> bool:
    """A joint, international or multilateral meeting, or one "with the participation of" others."""
    words = {c.lemma_.lower() for c in token.children if c.dep_ in ("amod", "compound")}
    if words & {"joint", "international", "multilateral", "trilateral", "regional"}:
        return True
    return any(t.lemma_.lower() == "participation" for t in token.subtree)


def _reported_accusations(article: Article, sent: Any, events: list[Event]) -> list[Event]:
    """A speaker who says a named party did something hostile accuses it (PLOVER ACCUSE allege).

    "Makhlouf pointed out that the Turkish occupation continues to plunder Syria": Makhlouf
    accuses Turkey. The hostile acts are the conflict-type triggers in what was said (verbs with
    their subjects, nouns with the nationality or party words attached); the speaker is the
    subject of the speech verb. Inferred, so ranked after the sentence's own events.
    """
    out: list[Event] = []
    for verb in sent:
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in _SAY:
            continue
        speaker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if speaker is None:
            continue
        speaker_tokens = _phrase(speaker)
        speakers = _heads(article, _mentions_in(article, speaker_tokens, _PARTY_LABELS))
        if not speakers:
            continue
        taken = {t.i for t in speaker_tokens}
        said = [t for t in sent if t.i not in taken and t.i > verb.i]
        accused: list[Mention] = []
        for token in said:
            trigger = _match(token)
            if trigger is None or trigger.type not in _ALLEGED:
                continue
            if token.pos_ == "NOUN":
                agent = [t for c in token.children if c.dep_ in ("amod", "poss", "compound")
                         for t in c.subtree]  # fmt: skip
            else:
                agent = _roles(token)[0]
            found = _heads(article, _mentions_in(article, agent, ("GPE", "NORP", "ORG", "PERSON")))
            accused.extend(m for m in found if m not in accused and m not in speakers)
        if accused:
            date, date_ref = _date(article, sent)
            out.append(
                Event(
                    type="ACCUSE",
                    evidence=Span(sent.start_char, sent.end_char),
                    mode="allege",
                    cameo="112",
                    trigger=Span(verb.idx, verb.idx + len(verb.text)),
                    actors=_participants(speakers),
                    recipients=_participants(accused),
                    place=None,
                    date=date,
                    date_ref=date_ref,
                    confidence=_INFERRED,
                )
            )
    return out


_INFERRED = 0.4


def main_event(events: list[Event] | tuple[Event, ...], doc: Any) -> Event | None:
    """The sentence's main event: the trigger nearest the parse root, inferred events last.

    A trigger noun counts at the depth of the verb it depends on ("staged a protest" is as
    high as "staged"); ties go to the earlier trigger.
    """

    def rank(event: Event) -> tuple[int, int, int]:
        span = doc.char_span(event.trigger.start, event.trigger.end) if event.trigger else None
        depth = 99
        if span is not None:
            token = span.root
            node = token if token.pos_ == "VERB" else _governor(token)
            depth = len(list(node.ancestors))
        inferred = 1 if event.confidence <= _INFERRED else 0
        return inferred, depth, event.trigger.start if event.trigger else 0

    return min(events, key=rank) if events else None


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
