"""Events stage: PLOVER-typed events with actors, recipients, attendees, place, date, evidence.

Every verb of the parse, and every noun the lexicon or the training corpora know as an event
word, is a candidate trigger. The learned classifier (`models/events`, see `_event_model`)
says whether it is an event and of which PLOVER type and mode, with a calibrated confidence;
the trigger lexicon (`data/plover_triggers.tsv`) is one of its features. Rules then keep the
precision: negated acts are no event; a noun names an event only when something is done with
it or it has participants; an event needs a participant; the outlet's frame ("..., SANA
reports.") is never an event nor a participant; what a named speaker says is that speaker's
claim (`_event_speech`); "return" of refugees is no RETREAT. Participants are the entity
mentions of the trigger's subject and object phrases, people before the organisations and
countries describing them. PLOVER's rules applied: in CONSULT the visitor is the actor and
the host the recipient ("Assad received Lavrentiev": Lavrentiev -> Assad); a cooperative act
announced for the future is an AGREE. Guard against a known parser trap: in "After meeting X,
Y, held talks with Z" the parse makes X the subject of "held" and Y its appositive; Y is taken
as the actor of both meetings and X as the one met. Attendees and the agents of multilateral
meetings come from `_event_meetings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from dateline.model import Article, DateInfo, Event, Mention, Span
from dateline.pipeline import Stage
from dateline.pipeline._event_features import is_candidate, sentence_context, trigger_features
from dateline.pipeline._event_lexicon import (
    _ALLEGED,
    _FUTURE_TYPE,
    _HAPPEN,
    _HOST_VERBS,
    _HOSTILE,
    _HOSTILE_PREPS,
    _NOUN_PREPS,
    _OFFICIAL,
    _PARTY_LABELS,
    Trigger,
    _after_clause,
    _governor,
    _is_future,
    _match,
    lexicon,
)
from dateline.pipeline._event_meetings import participants_of
from dateline.pipeline._event_model import LABEL_NONE, Verdict, load_event_model
from dateline.pipeline._event_speech import (
    Speech,
    asserted,
    credit_span,
    find_speeches,
    speech_of,
)
from dateline.pipeline.event_dates import event_date, redated
from dateline.pipeline.event_places import event_place
from dateline.settings import Settings

__all__ = ["Trigger", "extract_events", "lexicon", "main_event", "redate_events"]


def _light(token: Any) -> bool:
    """A light verb, also when the lemmatizer misses it ("staged" -> "stag")."""
    if token.lemma_.lower() in _LIGHT_VERBS:
        return True
    word = token.lower_
    stems = {word[:-1], word[:-2], word[:-3], word[:-3] + "e"} if len(word) > 4 else set()
    return token.pos_ in ("VERB", "AUX") and bool(stems & _LIGHT_VERBS)


def _noun_counts(token: Any, type_: str) -> bool:
    """A noun names an event only when something is done with it or it has participants."""
    head = token.head
    if token.dep_ in ("dobj", "attr", "conj") and _light(head):
        return True  # "held talks", "staged a protest", "issued a warning"
    if token.dep_ == "pobj" and _light(head.head):
        return True  # "took part in a rally", "went on strike"
    if token.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in _HAPPEN:
        return True  # "clashes erupted", "the attack killed five"
    if token.dep_ == "pobj" and token.head.lower_ == "during":
        return True  # "X, during a joint meeting ..., stressed": X took part
    preps = _NOUN_PREPS + (_HOSTILE_PREPS if type_ in _HOSTILE else ())
    return any(c.dep_ == "prep" and c.lower_ in preps for c in token.children) or any(
        c.dep_ == "poss" for c in token.children
    )


def _mentions_in(article: Article, tokens: list[Any], labels: tuple[str, ...]) -> list[Mention]:
    if not tokens:
        return []
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    return [m for m in article.mentions if m.label in labels and start <= m.start and m.end <= end]


def _phrase(token: Any) -> list[Any]:
    return [t for t in token.subtree if not (t.dep_ == "relcl" or t.head.dep_ == "relcl")]


# Meeting verbs whose "to" names the other side ("talked to", "spoke by phone to").
_TO_VERBS = frozenset("talk speak telephone phone call write".split())
# Verbs whose direct object is the topic talked about, not a party ("discussed the issue").
_TOPIC_VERBS = frozenset(
    "discuss negotiate talk review tackle address debate examine consider study".split()
)


def _roles(token: Any, type_: str | None = None) -> tuple[list[Any], list[Any]]:
    """Subject-side and object-side phrases of a trigger (verb, or noun under a light verb).

    "on" introduces a party only for hostile acts ("an attack on X"); for others it names a
    topic ("talks on refugees"), as does the object of a verb of discussion.
    """
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
        elif (
            child.dep_ in ("dobj", "dative")
            and child != token
            and not (type_ == "CONSULT" and verb.lemma_.lower() in _TOPIC_VERBS)
        ):
            objects.extend(_phrase(child))
    if not subjects and token.pos_ == "VERB":
        # "threatened to attack", "continues to support ... and plunder": the controller's
        # subject is the subject of an infinitive or conjoined verb without its own.
        node = token
        while not subjects and node.dep_ in ("xcomp", "conj") and node.head != node:
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
    for child in [*holder.children, *(verb.children if holder != verb else [])]:
        preps: tuple[str, ...] = ("with", "to", "against")
        if type_ in _HOSTILE:
            preps = ("with", "to", "against", "on")
        elif type_ == "CONSULT" and verb.lemma_.lower() not in _TO_VERBS:
            preps = ("with",)  # "received X to Syria": "to" is no party of a meeting
        if child.dep_ == "prep" and child.lower_ in preps:
            for c in child.children:
                if c.dep_ == "pobj":
                    # "with X, Putin's envoy": an appositive after the one met is often the
                    # next clause's subject, misattached by the parser.
                    skip = {t.i for a in c.children if a.dep_ == "appos" for t in a.subtree}
                    objects.extend(t for t in _phrase(c) if t.i not in skip)
    return subjects, objects


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
    heads = [t for t in tokens if t.head not in tokens or t.head == t]
    # "thousands of people": the number heads the phrase, the people are the party.
    heads += [g for h in heads for c in h.children if c.dep_ == "prep" for g in c.children]
    for head in heads:
        if head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in _PARTY_NOUNS | {
            w.rstrip("s") for w in _PARTY_NOUNS
        }:
            return [Mention(head.idx, head.idx + len(head.text), "PARTY")]
    return []


@dataclass(slots=True)
class _Found:
    """An event being built, with the trigger token and how it was found."""

    event: Event
    token: Any
    speech: Speech | None = None
    inferred: bool = False  # made by a rule from other events (an accusation in speech)
    stated: bool = False  # an intention, a threat or a refusal: the saying is the event


# People and bodies a nationality word may stand for ("the Turkish occupation", "Syrian
# forces", "the Russian envoy"); before other nouns it only describes ("the Syrian issue").
_ACTOR_NOUNS = frozenset(
    "occupation side sides counterpart counterparts delegation bodies body envoy".split()
)


def extract_events(article: Article, *, settings: Settings) -> Article:
    """Attach the article's PLOVER events."""
    doc = article.doc
    if doc is None:
        from dateline.pipeline.annotate import nlp_for

        doc = nlp_for(settings)(article.text)
    model = load_event_model()
    credits = [
        c
        for c in (credit_span(article.text, s.start_char, s.end_char) for s in doc.sents)
        if c is not None
    ]
    article_view = _ArticleView(article, credits)
    speeches = find_speeches(article, doc, article_view.heads_of)
    found: list[_Found] = []
    for sent in doc.sents:
        in_sentence: list[_Found] = []
        doubted: list[tuple[float, Any, Trigger, Verdict]] = []
        context = None
        for token in sent:
            rule = _match(token)
            if not is_candidate(token, model.nouns, rule, model.verbs):
                continue
            context = context if context is not None else sentence_context(sent)
            verdict = model.verdict(trigger_features(token, rule, context))
            if verdict.type == LABEL_NONE and rule is not None and _announced(token, rule.type):
                # an announced act ("the conference to be held in Damascus next month", "Kenya
                # will host talks", "plans to impose"): PLOVER's rule decides where the
                # classifier abstains (the classifier learned whether acts happened)
                verdict = replace(verdict, type=rule.type, confidence=model.calibrate(0.5))
            if verdict.type == LABEL_NONE:
                if rule is not None and verdict.event_probability >= model.backoff:
                    doubted.append((verdict.event_probability, token, rule, verdict))
                continue
            item = _event_in(article_view, token, rule, verdict, sent, speeches)
            if item is not None:
                in_sentence.append(item)
        # Back-off: a sentence with no event keeps the lexicon's trigger the classifier doubted
        # most weakly, typed by the lexicon, with the classifier's low confidence.
        for p, token, rule, verdict in sorted(doubted, key=lambda d: -d[0]):
            if in_sentence:
                break
            typed = replace(verdict, type=rule.type, mode=None, confidence=model.calibrate(p))
            item = _event_in(article_view, token, rule, typed, sent, speeches)
            if item is not None:
                in_sentence.append(item)
        found.extend(_same_happening(in_sentence))
    found = _reported(article_view, found, speeches, model)
    from dateline.pipeline._event_meetings import attach_meeting_people

    events = attach_meeting_people(article_view, doc, [f.event for f in found])
    return replace(article, events=tuple(events))


def _event_in(
    view: _ArticleView,
    token: Any,
    rule: Trigger | None,
    verdict: Verdict,
    sent: Any,
    speeches: list[Speech],
) -> _Found | None:
    """`_event_at` with the speech the token is told in; notes the meetings found."""
    speech = speech_of(token, speeches)
    item = _event_at(view, token, rule, verdict, sent, speech)
    if item is not None:
        item.speech = speech
        if item.event.type == "CONSULT":
            view.meeting_starts.append(sent.start_char)
    return item


@dataclass(frozen=True, slots=True)
class _ArticleView:
    """The article with what participant finding needs: credit lines to leave out."""

    article: Article
    credits: list[tuple[int, int]]
    meeting_starts: list[int] = field(default_factory=list)  # sentences with a meeting found

    def mentions(
        self, tokens: list[Any], labels: tuple[str, ...] = _PARTY_LABELS, hostile: bool = False
    ) -> list[Mention]:
        """Party mentions among the tokens, minus credit lines and describing nationalities.

        In a hostile act a nationality stands for its side whatever it describes ("Israeli
        bulldozers demolished Palestinian homes"); elsewhere it may only describe a topic.
        """
        out = []
        for m in _mentions_in(self.article, tokens, labels):
            if any(s <= m.start < e for s, e in self.credits):
                continue  # "..., SANA reports.": the outlet is no party
            if m.label in ("NORP", "GPE") and not hostile and _only_describes(tokens, m):
                continue
            out.append(m)
        return out

    def told_meeting_before(self, start: int) -> bool:
        """Whether a meeting event was found in a sentence before `start`."""
        return any(s < start for s in self.meeting_starts)

    def heads_of(self, tokens: list[Any]) -> list[Mention]:
        """The parties a phrase is about (people first), see `_heads`."""
        return _heads(self.article, self.mentions(tokens))


def _only_describes(tokens: list[Any], mention: Mention) -> bool:
    """A nationality or country word that modifies a noun which is no actor ("Syrian issue")."""
    span = tokens[0].doc.char_span(mention.start, mention.end) if tokens else None
    token = span[0] if span is not None and len(span) else None
    if token is None or token.dep_ not in ("amod", "compound", "poss"):
        return False
    noun = token.head
    while noun.dep_ in ("amod", "compound") and noun.head != noun:
        noun = noun.head  # "Syrian -Russian coordination committees"
    lemma = noun.lemma_.lower()
    if noun.ent_type_ or lemma in _ACTOR_NOUNS or lemma in _PARTY_NOUNS:
        return False
    return lemma.rstrip("s") not in _PARTY_NOUNS and not _TITLE.search(noun.text)


_TITLE = re.compile(
    r"(?i)^(?:president|minister|envoy|ambassador|prince|king|emir|premier|chancellor|"
    r"general|commander|secretary|spokes\w+|official|leader|chief|head|delegation)s?$"
)
# Words that bring people home, not troops back: "the return of refugees" is no RETREAT.
_DISPLACED = frozenset(
    "refugee displaced people returnee migrant civilian family resident citizen syrian "
    "person child woman".split()
)


def _event_at(
    view: _ArticleView,
    token: Any,
    rule: Trigger | None,
    verdict: Verdict,
    sent: Any,
    speech: Speech | None = None,
) -> _Found | None:
    """The event a classified trigger makes, or None when a precision rule says no."""
    article = view.article
    verb = token if token.pos_ == "VERB" else _governor(token)
    type_ = verdict.type
    stated = False
    if any(c.dep_ == "neg" for c in verb.children):
        if type_ not in _REFUSABLE or not _refused(verb):
            return None  # "did not meet": nothing happened
        type_, stated = "REJECT", True  # "will not lift the ban": a refusal (PLOVER REJECT)
    if any(s <= token.idx < e for s, e in view.credits):
        return None  # "SANA reports": the outlet's frame
    if token.pos_ == "NOUN" and token.dep_ == "dobj" and _match(token.head) is not None:
        return None  # "held talks": the verb pair already made this event
    if token.pos_ == "NOUN" and not (_noun_counts(token, type_) or _scheduled(token, type_)):
        return None  # a noun names an event only when something is done with it
    if _told_before(view, token, type_, sent):
        return None  # "the meeting" again: the meeting already told
    if type_ == "RETREAT" and token.lemma_.lower() == "return" and _displaced(token):
        return None  # refugees going home is no military retreat
    if type_ == "CONSULT" and verb.lemma_.lower() == "host" and not _party_object(verb):
        return None  # "countries that host refugees"
    subj_tokens, obj_tokens = _roles(token, type_)
    hostile = type_ in _HOSTILE and type_ != "ACCUSE"
    actors = _heads(article, view.mentions(subj_tokens, hostile=hostile))
    recipients = _heads(article, view.mentions(obj_tokens, hostile=hostile))
    # The trigger word is never its own participant ("what Destroyed by terrorists").
    end = token.idx + len(token.text)
    actors = [m for m in actors if not (m.start < end and token.idx < m.end)]
    recipients = [m for m in recipients if not (m.start < end and token.idx < m.end)]
    # Unnamed parties ("police", "protesters", "rebels") still make an event.
    actors = actors or _common_party(subj_tokens)
    recipients = recipients or _common_party(obj_tokens)
    if not actors and speech is not None and _pronoun_subject(subj_tokens):
        actors = list(speech.speakers)  # "X said it would withdraw": "it" is X
    if not actors and not recipients and not _scheduled(token, type_):
        return None
    mode = verdict.mode if verdict.mode_probability >= 0.5 and not stated else None
    if rule is not None and rule.type == type_ and rule.mode:
        mode = rule.mode  # the lexicon's mode for its own type ("air strike": aerial)
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
    if type_ in _FUTURE_TYPE and (_is_future(verb) or _scheduled(token, type_)):
        # a meeting to come is an agreement to meet; a withdrawal announced, a concession
        type_, mode, stated = _FUTURE_TYPE[type_], None, True
    elif token.pos_ == "VERB" and _is_future(verb):
        stated = True  # "will boycott the elections", "will seek support": said, not done
    date, date_ref = _date(article, sent, token)
    event = Event(
        type=type_,
        evidence=Span(sent.start_char, sent.end_char),
        mode=mode,
        cameo=rule.cameo if rule is not None and rule.type == type_ else _CAMEO.get(type_),
        trigger=Span(token.idx, token.idx + len(token.text)),
        actors=participants_of(actors),
        recipients=participants_of([m for m in recipients if m not in actors]),
        place=event_place(article, token, sent),
        date=date,
        date_ref=date_ref,
        confidence=round(verdict.confidence, 4),
    )
    return _Found(event, token, stated=stated)


# Acts whose announced refusal is a PLOVER REJECT ("will not withdraw", "cannot accept").
_REFUSABLE = frozenset("AGREE CONSULT SUPPORT COOPERATE AID CONCEDE RETREAT REQUEST".split())


def _refused(verb: Any) -> bool:
    """A negated act told as a refusal: "will not", "would not", "cannot", "refused to"."""
    for child in verb.children:
        if child.dep_ == "aux" and child.lower_ in ("will", "would", "wo", "can", "ca", "could"):
            return True
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ("refuse", "decline")


def _pronoun_subject(tokens: list[Any]) -> bool:
    """The subject phrase is a personal pronoun ("it", "they", "we", "he")."""
    heads = [t for t in tokens if t.head not in tokens or t.head == t]
    return bool(heads) and heads[0].pos_ == "PRON" and heads[0].lower_ not in ("this", "that")


# The CAMEO root of each PLOVER type, for events the lexicon did not type.
_CAMEO = {
    "AGREE": "030", "CONSULT": "040", "SUPPORT": "050", "COOPERATE": "060", "AID": "070",
    "CONCEDE": "080", "RETREAT": "084", "ACCUSE": "112", "REQUEST": "100", "REJECT": "120",
    "THREATEN": "130", "PROTEST": "140", "MOBILIZE": "150", "SANCTION": "160", "COERCE": "170",
    "ASSAULT": "190",
}  # fmt: skip


def _told_before(view: _ArticleView, token: Any, type_: str, sent: Any) -> bool:
    """ "The Russian delegation held the meeting ...": a definite meeting noun without parties
    of its own refers back to a meeting the article has told in an earlier sentence."""
    if type_ != "CONSULT" or token.pos_ != "NOUN" or token.lemma_.lower() not in _MEETING_NOUNS:
        return False
    if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in token.children):
        return False
    if any(c.dep_ == "prep" and c.lower_ in ("with", "between") for c in token.children):
        return False
    if _multilateral(token) or _scheduled(token, type_):
        return False
    return sent.start != 0 and sent.start_char > 0 and view.told_meeting_before(sent.start_char)


def _displaced(token: Any) -> bool:
    """ "the return of Syrian refugees", "refugees returned", "to return the displaced"."""
    words = [t for c in token.children if c.dep_ in ("prep", "dobj", "nsubj") for t in c.subtree]
    return any(
        t.lemma_.lower() in _DISPLACED or t.lower_ in ("home", "homes", "homeland") for t in words
    ) or (
        token.dep_ in ("pobj", "dobj", "nsubj")
        and token.head.lemma_.lower() in ("facilitate", "secure", "ensure")
    )


def _party_object(verb: Any) -> bool:
    """The verb's object is a party or a meeting ("hosted Lavrentiev", "host a round of talks")."""
    meeting = {"talk", "talks", "meeting", "summit", "delegation", "visit", "conference", "round"}
    for child in verb.children:
        if child.dep_ == "dobj":
            if child.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
                return True
            return any(t.lemma_.lower() in meeting for t in child.subtree)
    return False


_MEETING_NOUNS = frozenset("meeting conference summit talks session round forum".split())


def _scheduled(token: Any, type_: str) -> bool:
    """A meeting noun announced for later: "the conference scheduled to be held in Damascus"."""
    if type_ != "CONSULT" or token.pos_ != "NOUN" or token.lemma_.lower() not in _MEETING_NOUNS:
        return False
    words = {c.lemma_.lower() for c in token.children if c.dep_ in ("amod", "compound", "acl")}
    if words & {"upcoming", "forthcoming", "next", "scheduled", "planned"}:
        return True
    # "the conference on refugees which is being held ...": the parser often hangs the
    # relative clause on the last noun of the phrase
    nouns = [token] + [g for c in token.children if c.dep_ == "prep" for g in c.children]
    for child in (c for n in nouns for c in n.children):
        lemma = child.lemma_.lower()
        if child.dep_ in ("acl", "relcl") and lemma in ("hold", "schedule", "plan", "convene"):
            aux = {c.lower_ for c in child.children if c.dep_ in ("aux", "auxpass")}
            if aux & {"to", "will", "being"} or lemma == "schedule":
                return True
    return False


def _announced(token: Any, type_: str) -> bool:
    """An act announced for later: a scheduled meeting noun, or a verb of a type PLOVER
    recodes when announced (`_FUTURE_TYPE`: to meet or to aid is to AGREE, to attack or to
    sanction is to THREATEN) in the future tense or after a verb of intent."""
    if _scheduled(token, type_):
        return True
    return type_ in _FUTURE_TYPE and token.pos_ == "VERB" and _is_future(token)


def _same_happening(found: list[_Found]) -> list[_Found]:
    """In one sentence, one happening told twice is one event.

    A trigger noun of a verb event's type names that same happening ("X received Y, who is on a
    visit to Syria"), and so does a verb conjoined to another of its type with no subject of
    its own ("Assad received the envoy and discussed with him ...").
    """
    verbs = [f for f in found if f.token.pos_ == "VERB"]
    verb_types = {f.event.type for f in verbs}
    out = []
    for f in found:
        if f.token.pos_ != "VERB" and f.event.type in verb_types:
            continue
        head = f.token.head
        if (
            f.token.dep_ == "conj"
            and any(g.token.i == head.i and g.event.type == f.event.type for g in verbs)
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in f.token.children)
        ):
            continue
        out.append(f)
    return out


def _reported(
    view: _ArticleView, found: list[_Found], speeches: list[Speech], model: Any
) -> list[_Found]:
    """Events told in a named speaker's words become that speaker's claims (`_event_speech`)."""
    article = view.article
    out = [f for f in found if f.speech is None]
    by_speech: dict[int, list[_Found]] = {}
    for f in found:
        if f.speech is not None:
            by_speech.setdefault(f.speech.verb.i, []).append(f)
    done: set[int] = set()
    for speech in speeches:
        if speech.verb.i in done:
            continue
        done.add(speech.verb.i)
        told = by_speech.get(speech.verb.i, [])
        # "X did Y, officials said": a closing attribution sources the report; the acts told
        # are kept as the speaker's claims (mode allege), not turned into an accusation.
        closing = bool(speech.content) and speech.verb.i > max(speech.content)
        accused, support = ([], []) if closing else _accused(view, speech, told)
        speakers = [m for m in speech.speakers]
        if accused:
            sent = speech.verb.sent
            date, date_ref = _date(article, sent, speech.verb)
            confidence = max((f.event.confidence for f in support), default=model.calibrate(0.5))
            out.append(
                _Found(
                    Event(
                        type="ACCUSE",
                        evidence=Span(sent.start_char, sent.end_char),
                        mode="allege",
                        cameo="112",
                        trigger=Span(speech.verb.idx, speech.verb.idx + len(speech.verb.text)),
                        actors=participants_of(speakers),
                        recipients=participants_of([m for m in accused if m not in speakers]),
                        date=date,
                        date_ref=date_ref,
                        confidence=round(confidence, 4),
                    ),
                    speech.verb,
                    None,
                    inferred=True,
                )
            )
            continue  # the statement is the accusation; what it tells is its content
        for f in told:
            if f.stated and _own_word(article, f.event, speakers):
                # a promise, a threat or a refusal told by its speaker: saying it is the act
                out.append(
                    _Found(
                        replace(f.event, said_by=participants_of(speakers)),
                        f.token,
                        f.speech,
                        stated=True,
                    )
                )
                continue
            if not asserted(f.token):
                continue  # a promise to another's account, a plan, a hope: no event
            if f.event.type in _ALLEGED and not (closing or _own_word(article, f.event, speakers)):
                continue  # a hostile act without a named agent: the statement's content
            out.append(
                _Found(
                    replace(f.event, mode="allege", said_by=participants_of(speakers)),
                    f.token,
                    f.speech,
                )
            )
    out.sort(key=lambda f: f.event.trigger.start if f.event.trigger else 0)
    return out


def _own_word(article: Article, event: Event, speakers: list[Mention]) -> bool:
    """The speaker commits its own side: it is the actor, or a person speaking for the
    country that is ("Novak said Poland will withdraw"), not for another person or body."""
    text = article.text
    spoken = {text[m.start : m.end].split()[-1].lower() for m in speakers}  # "Mr Poroshenko"
    labels = {(m.start, m.end): m.label for m in article.mentions}
    persons = any(m.label == "PERSON" for m in speakers)
    return bool(event.actors) and all(
        text[a.start : a.end].split()[-1].lower() in spoken
        or (persons and labels.get((a.start, a.end)) in ("GPE", "NORP"))
        for a in event.actors
    )


def _accused(
    view: _ArticleView, speech: Speech, told: list[_Found]
) -> tuple[list[Mention], list[_Found]]:
    """Named parties the speaker says did something hostile, and the events saying so."""
    doc = speech.verb.doc
    accused: list[Mention] = []
    support: list[_Found] = []
    by_token = {f.token.i: f for f in told}
    for i in sorted(speech.content):
        token = doc[i]
        found = by_token.get(i)
        trigger = _match(token)
        hostile = (found is not None and found.event.type in _ALLEGED) or (
            trigger is not None and trigger.type in _ALLEGED and token.pos_ in ("VERB", "NOUN")
        )
        if not hostile or any(c.dep_ == "neg" for c in token.children):
            continue
        if token.pos_ == "NOUN":
            agent = [t for c in token.children if c.dep_ in ("amod", "poss", "compound")
                     for t in c.subtree]  # fmt: skip
            names = _heads(view.article, _mentions_in(view.article, agent, _PARTY_LABELS))
        else:
            names = view.heads_of(_roles(token)[0])
        end = token.idx + len(token.text)
        # A party is never the trigger word itself (the tagger may call "Destroyed" a name).
        itself = [m for m in names if m.start < end and token.idx < m.end]
        new = [m for m in names if m not in accused + itself and m not in speech.speakers]
        if new:
            accused.extend(new)
            if found is not None:
                support.append(found)
    return accused, support


def main_event(events: list[Event] | tuple[Event, ...], doc: Any) -> Event | None:
    """The sentence's main event: the trigger nearest the parse root, accusations inferred
    from reported speech last.

    A trigger noun counts at the depth of the verb it depends on ("staged a protest" is as
    high as "staged"); ties go to the earlier trigger.
    """

    def rank(event: Event) -> tuple[int, int, int]:
        span = doc.char_span(event.trigger.start, event.trigger.end) if event.trigger else None
        depth = 99
        inferred = 0
        if span is not None:
            token = span.root
            node = token if token.pos_ == "VERB" else _governor(token)
            depth = len(list(node.ancestors))
            # an accusation read from "X said that Y attacked": its trigger is the speech verb
            inferred = int(
                event.type == "ACCUSE" and event.mode == "allege" and _match(token) is None
            )
        return inferred, depth, event.trigger.start if event.trigger else 0

    return min(events, key=rank) if events else None


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


def redate_events(article: Article) -> Article:
    """Date the article's events again (after its time references or date changed)."""
    events = []
    for event in article.events:
        date, ref = redated(article, event.evidence, event.date_ref)
        events.append(replace(event, date=date, date_ref=ref))
    return replace(article, events=tuple(events))


STAGE = Stage(
    name="events",
    run=extract_events,
    needs=frozenset({"text", "mentions", "sentences"}),
    adds=frozenset({"events"}),
)
