"""The rule side of event extraction: the trigger lexicon and the parse patterns around it.

`_match` finds a lexicon trigger (`data/plover_triggers.tsv`: verbs, verb+particle, verb+object,
nouns, compounds such as "air strike"); the learned classifier uses its verdict as a feature
and the events stage as a guard.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any


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
_INTENT = frozenset(
    "plan intend vow decide hope want prepare aim expect seek going set willing ready prepared "
    "pledge promise offer".split()
)
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
        if node.pos_ in ("VERB", "AUX") or node.head == node:
            return node
        if node.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "pobj", "prep", "conj"):
            node = node.head
        else:
            return node
    return node


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
