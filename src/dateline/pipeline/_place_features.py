"""Token features for the event-location tagger: what a word is and how it stands to the event.

One feature dict per token of the event's sentence, for one event word (the verb or noun that
names the event). A CRF reads them and tags the span(s) of the place where *that* event
happened (B-LOC / I-LOC / O). Training (`dateline.train.event_location`) and serving
(`pipeline.event_places`) call the same function, so the model sees the same features in both.

What matters for the choice, besides the word itself and its entity type: which preposition
governs the word's phrase ("in", "at", "near", "of" in "the city of Fallujah"), whether the
phrase hangs off the event word's own clause or another verb's ("... to attend a conference
being held in Damascus"), and how far away it is.
"""

from __future__ import annotations

from typing import Any

# Tokens are compared by index, never with `is`: spaCy makes a new Token object on every
# access (`token.head is token` is never true, even at the root).

# Dependency labels that stay inside one noun phrase: a word climbs them to its phrase head.
_INSIDE_PHRASE = frozenset({"compound", "amod", "det", "nummod", "poss", "case", "punct", "nmod"})
# Labels that join phrases of the same standing: "in Aleppo and Idlib", "Nablus, a city ...".
_SAME_STANDING = frozenset({"conj", "appos", "cc"})
_VERBAL = frozenset({"VERB", "AUX"})
_PLACES = frozenset({"GPE", "LOC", "FAC"})
# Entity types an annotated place carries in spaCy's small model (towns are often PERSON).
_PLACEISH = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP", "PERSON"})


def _bucket(n: int) -> str:
    if n <= 3:
        return str(n)
    if n <= 5:
        return "4-5"
    if n <= 10:
        return "6-10"
    if n <= 20:
        return "11-20"
    return "20+"


def _shape(text: str) -> str:
    out: list[str] = []
    for ch in text[:6]:
        kind = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


def _phrase_head(token: Any) -> Any:
    """The head of the noun phrase a word belongs to ("Kodori" -> "Gorge")."""
    node = token
    for _ in range(6):
        if node.dep_ in _INSIDE_PHRASE and node.head.i != node.i:
            node = node.head
        else:
            break
    return node


def _governing_preps(head: Any) -> tuple[str, str]:
    """The preposition a phrase hangs from, and the one above it ("of" < "in" in "in the city
    of Fallujah"); phrases joined by "and" or apposition share their first one's."""
    node = head
    for _ in range(4):
        if node.dep_ in _SAME_STANDING and node.head.i != node.i:
            node = node.head
        else:
            break
    preps: list[str] = []
    for _ in range(6):
        if node.dep_ == "pobj" and node.head.dep_ in ("prep", "agent"):
            preps.append(node.head.lower_)
            node = node.head.head
            if len(preps) == 2:
                break
            continue
        if node.dep_ in _INSIDE_PHRASE | _SAME_STANDING and node.head.i != node.i:
            node = node.head
            continue
        break
    while len(preps) < 2:
        preps.append("-")
    return preps[0], preps[1]


def _clause_verb(token: Any) -> Any | None:
    """The nearest verb above a word (the clause it belongs to)."""
    node = token
    for _ in range(12):
        if node.head.i == node.i:
            return node if node.pos_ in _VERBAL else None
        node = node.head
        if node.pos_ in _VERBAL:
            return node
    return None


def _path_to(i: int, target: int, heads: dict[int, int], deps: dict[int, str]) -> str:
    """Dependency labels from word `i` up to word `target` (at most four), or how they meet.

    `heads` and `deps` give each word's head index and label (read once per sentence).
    """
    labels: list[str] = []
    node = i
    ancestors = {i}
    for step in range(64):
        if node == target:
            return (">".join(labels) or "self") if step <= 4 else "far-below"
        head = heads.get(node, node)
        if head == node:
            break
        if step < 4:
            labels.append(deps[node])
        node = head
        ancestors.add(node)
    target_head = heads.get(target, target)
    if target_head != target and target_head in ancestors:
        return "sibling:" + deps[target]
    return "apart"


def _static(sent: Any) -> list[tuple[dict[str, str | float], Any, str, Any]]:
    """What does not depend on the event: per token its own features, phrase head,
    governing preposition and clause verb (computed once per sentence)."""
    tokens = list(sent)
    words = [t.lower_ for t in tokens]
    ents = [(t.ent_iob_ + "-" + t.ent_type_) if t.ent_type_ else "O" for t in tokens]
    out = []
    for i, token in enumerate(tokens):
        head = _phrase_head(token)
        prep, prep2 = _governing_preps(head)
        ent = token.ent_type_ or "O"
        feats: dict[str, str | float] = {
            "bias": 1.0,
            "w": words[i],
            "suf3": words[i][-3:],
            "shape": _shape(token.text),
            "title": float(token.is_title),
            "pos": token.pos_,
            "dep": token.dep_,
            "ent": ents[i],
            "prep": prep,
            "prep2": prep + "<" + prep2,
            "prep|ent": prep + "|" + ent,
            "hdep": head.dep_,
            "hw": head.lower_,
        }
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < len(tokens):
                feats[f"w{offset:+d}"] = words[j]
                feats[f"ent{offset:+d}"] = ents[j]
            else:
                feats[f"w{offset:+d}"] = "<pad>"
        if 0 < i < len(tokens) - 1:
            feats["w-1|w+1"] = words[i - 1] + "|" + words[i + 1]
        out.append((feats, head, prep, _clause_verb(head)))
    return out


def sentence_features(
    sent: Any, event: Any, static: list[Any] | None = None
) -> list[dict[str, str | float]]:
    """Features of every token of `sent` (a spaCy Span) for the event word `event` (a Token).

    `static` is `sentence_static(sent)` when the caller tags several events of one sentence.
    """
    rows = static if static is not None else _static(sent)
    event_clause = event if event.pos_ in _VERBAL else (_clause_verb(event) or event)
    event_lemma = event.lemma_.lower()
    out: list[dict[str, str | float]] = []
    # Where the candidate places stand: nearest to the event word first.
    ents = {}
    for token in sent:
        if token.ent_type_ in _PLACEISH and token.ent_iob_ == "B":
            ents[token.i] = abs(token.i - event.i)
    order = {i: rank for rank, i in enumerate(sorted(ents, key=lambda i: ents[i]))}
    first = min(ents) if ents else -1
    n_places = sum(1 for t in sent if t.ent_type_ in _PLACES and t.ent_iob_ == "B")
    count = str(min(n_places, 3))
    own_in = str(
        int(
            any(
                c.dep_ == "prep"
                and c.lower_ in ("in", "at")
                and any(t.ent_type_ in _PLACES for t in c.subtree)
                for c in event_clause.children
            )
        )
    )
    heads = {t.i: t.head.i for t in sent}
    deps = {t.i: t.dep_ for t in sent}
    entity_start = -1
    for token, (base, head, prep, clause) in zip(sent, rows, strict=True):
        if token.ent_iob_ == "B":
            entity_start = token.i
        elif token.ent_iob_ != "I":
            entity_start = -1
        distance = token.i - event.i
        side = "at" if distance == 0 else ("before" if distance < 0 else "after")
        if clause is None:
            clause_rel = "none"
        elif clause.i in (event_clause.i, event.i):
            clause_rel = "own"
        elif clause.head.i in (event_clause.i, event.i):
            clause_rel = "child:" + clause.dep_
        elif event_clause.head.i == clause.i:
            clause_rel = "parent:" + event_clause.dep_
        else:
            clause_rel = "other"
        feats = dict(base)
        ent = token.ent_type_ or "O"
        feats["side"] = side
        feats["dist"] = side + _bucket(abs(distance))
        feats["clause"] = clause_rel
        feats["prep|clause"] = prep + "|" + clause_rel
        feats["ent|clause"] = ent + "|" + clause_rel
        feats["path"] = _path_to(head.i, event.i, heads, deps)
        feats["ev|prep"] = event_lemma + "|" + prep
        feats["prep|clause|ent"] = prep + "|" + clause_rel + "|" + ent
        feats["path|ent"] = str(feats["path"]) + "|" + ent
        feats["nplaces"] = count
        feats["own_in"] = own_in
        feats["own_in|prep|clause"] = own_in + "|" + prep + "|" + clause_rel
        if entity_start in order:
            rank = str(min(order[entity_start], 2))
            feats["rank"] = rank
            feats["rank|own_in"] = rank + "|" + own_in
            feats["first"] = float(entity_start == first)
        out.append(feats)
    return out


sentence_static = _static
