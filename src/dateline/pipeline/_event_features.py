"""Features of a candidate event trigger for the learned event classifier.

One function, `trigger_features`, turns a token of a spaCy parse into a list of string
features: the word and its lemma, the words the parse attaches to it (particle, object,
prepositions, the verb it complements), tense, negation and modality, what kind of party
its subject and object are, the rule lexicon's verdict, and the sentence's content words.
Training (`dateline.train.events`) and the events stage use this same function, so the model
sees at run time exactly what it was trained on.
"""

from __future__ import annotations

from typing import Any

_FUTURE = frozenset({"will", "shall", "would", "'ll", "wo"})
_MODALS = frozenset({"may", "might", "could", "should", "must", "can", "ca"})
_PARTY_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_CONTENT = frozenset({"NOUN", "VERB", "ADJ", "PROPN"})
_CLAUSE_DEPS = frozenset({"xcomp", "ccomp", "advcl", "conj", "pcomp", "acl", "relcl", "pobj"})
_SAY = frozenset(
    "say tell report state add note stress confirm claim announce explain quote "
    "declare insist affirm emphasize emphasise point".split()
)


def is_candidate(
    token: Any, nouns: frozenset[str], rule: Any, verbs: frozenset[str] | None = None
) -> bool:
    """A token the classifier looks at: a lexicon trigger, a noun the model knows, or a verb.

    At run time `verbs` narrows the verbs to those the training corpora ever marked as an
    event: the others are no event in practice, and scoring them costs time.
    """
    if rule is not None:
        return True
    if token.pos_ == "VERB":
        return token.is_alpha and (verbs is None or token.lemma_.lower() in verbs)
    return token.pos_ == "NOUN" and token.lemma_.lower() in nouns


def _party(token: Any) -> str:
    """What kind of party a phrase head is: an entity label, a common noun, or a pronoun."""
    if token.ent_type_ in _PARTY_LABELS:
        return token.ent_type_
    for t in token.subtree:
        if t.ent_type_ in _PARTY_LABELS and t.head == token:
            return "mod-" + t.ent_type_
    if token.pos_ == "PRON":
        return "PRON"
    return "noun" if token.pos_ in ("NOUN", "PROPN") else "other"


def sentence_context(sent: Any) -> tuple[tuple[int, str], ...]:
    """The sentence's content words (token index, feature), computed once per sentence."""
    return tuple(
        (t.i, f"c={t.lemma_.lower()}")
        for t in sent
        if t.pos_ in _CONTENT and t.is_alpha and not t.is_stop
    )


def trigger_features(
    token: Any, rule: Any, context: tuple[tuple[int, str], ...] | None = None
) -> list[str]:
    """String features of one candidate trigger token (see the module docstring).

    `context` is `sentence_context(token.sent)`, passed in when several candidates of one
    sentence are scored.
    """
    lemma = token.lemma_.lower()
    word = token.lower_
    feats = [
        f"l={lemma}",
        f"w={word}",
        f"pos={token.pos_}",
        f"dep={token.dep_}",
        f"tag={token.tag_}",
    ]
    if rule is not None:
        feats += [
            f"rule={rule.type}",
            f"rulem={rule.type}/{rule.mode or '-'}",
            f"rl={lemma}/{rule.type}",
        ]
    else:
        feats.append("rule=none")
    head = token.head
    if head != token:
        feats.append(f"hd={token.dep_}/{head.lemma_.lower()}")
        if token.dep_ in _CLAUSE_DEPS and head.lemma_.lower() in _SAY:
            feats.append("under-say")
    if token.dep_ == "ROOT":
        feats.append("root")
    depth = sum(1 for _ in token.ancestors)
    feats.append(f"depth={min(depth, 4)}")
    verb = token
    if token.pos_ == "NOUN" and head != token:
        verb = head
        feats.append(f"gov={head.lemma_.lower()}/{token.dep_}")
    subject = obj = None
    passive = False
    for child in token.children:
        dep = child.dep_
        clemma = child.lemma_.lower()
        if dep == "prt":
            feats.append(f"lp={lemma}_{clemma}")
        elif dep == "prep":
            feats.append(f"lprep={lemma}_{child.lower_}")
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                feats.append(f"lpp={lemma}_{child.lower_}_{pobj.lemma_.lower()}")
                feats.append(f"pp={child.lower_}/{_party(pobj)}")
        elif dep in ("dobj", "attr", "oprd"):
            obj = child
            feats.append(f"lobj={lemma}_{clemma}")
        elif dep in ("xcomp", "ccomp"):
            feats.append(f"lx={lemma}_{clemma}")
            feats.append(f"x={dep}")
        elif dep in ("nsubj", "nsubjpass", "csubj"):
            subject = child
            passive = passive or dep == "nsubjpass"
        elif dep in ("compound", "amod") and token.pos_ == "NOUN":
            feats.append(f"cmp={clemma}_{lemma}")
        elif dep == "poss":
            feats.append(f"poss={_party(child)}")
        elif dep == "agent":
            feats.append("agent")
        elif dep == "neg":
            feats.append("neg")
        elif dep in ("aux", "auxpass"):
            if clemma in _FUTURE or child.lower_ in _FUTURE:
                feats.append("future")
            elif clemma in _MODALS:
                feats.append("modal")
            elif child.lower_ == "to":
                feats.append("inf")
            elif clemma == "have":
                feats.append("perfect")
    if verb != token:
        for child in verb.children:
            if child.dep_ == "neg":
                feats.append("gov-neg")
            elif child.dep_ == "aux" and child.lower_ in _FUTURE:
                feats.append("gov-future")
            elif child.dep_ in ("nsubj", "nsubjpass") and subject is None:
                subject = child
    if passive:
        feats.append("passive")
    feats.append(f"subj={_party(subject) if subject is not None else 'none'}")
    feats.append(f"obj={_party(obj) if obj is not None else 'none'}")
    if subject is not None and subject.pos_ == "NOUN":
        feats.append(f"subjw={subject.lemma_.lower()}")
    if obj is not None and obj.pos_ == "NOUN":
        feats.append(f"objw={obj.lemma_.lower()}")
    feats.append(f"morph={token.morph.get('Tense')}{token.morph.get('VerbForm')}")
    if context is None:
        context = sentence_context(token.sent)
    feats.extend(dict.fromkeys(f for i, f in context if i != token.i))
    return feats
