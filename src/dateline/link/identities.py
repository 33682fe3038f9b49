"""Identities: one entity per real person, organisation and place across spellings.

People are matched on a transliteration-tolerant skeleton of their names (consonants only,
with q/k, y/i, w/v, ph/f, kh/h and doubled letters folded, Arabic "al-" particles dropped):
Lavrentiev, Lavrentyev and Lavrenteev share one. A surname alone joins the full name it
follows in the same article, or the only person of the corpus with that surname. Titles are
stripped first ("President", "Major General"). Countries merge across names and demonyms
and cities across aliases (link/actors.py); other organisations and places on their
normalised name. A misspelling one letter apart (Verchinen / Vershinin) joins only when both
names carry a role with the same country and sector. A role alone ("the Syrian president")
joins the one person of the corpus who holds it.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from dateline.link.actors import (
    ascii_fold,
    code_actor,
    country_name,
    is_demonym,
    resolve_place,
    role_near,
)
from dateline.model import Article, Entity, Mention
from dateline.readers._bytes import content_hash

TITLES = frozenset(
    """president prime minister deputy foreign assistant secretary general major colonel
    lieutenant brigadier admiral prince princess king queen crown sheikh sheik emir dr dr.
    mr mr. mrs mrs. ms ms. sir lord ambassador envoy special senator governor mayor chairman
    chief head director spokesman spokeswoman commander marshal pope imam rabbi judge
    justice syrian russian saudi""".split()
)
_PARTICLES = frozenset({"al", "el", "ul"})
_KIND = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}
_FOLDS = (
    ("ph", "f"),
    ("kh", "h"),
    ("ck", "k"),
    ("q", "k"),
    ("w", "v"),
    ("y", "i"),
    ("j", "i"),
    ("ı", "i"),
    ("z", "s"),
    ("c", "k"),
    ("x", "ks"),
)


def skeleton(word: str) -> str:
    """A spelling-tolerant key for a name word: folded consonants, vowels and doubles dropped."""
    word = ascii_fold(word)
    for a, b in _FOLDS:
        word = word.replace(a, b)
    consonants = re.sub(r"[^a-z]|[aeiou]", "", word)
    return re.sub(r"(.)\1+", r"\1", consonants)


def person_words(text: str) -> list[str]:
    """The name words of a person mention, without titles, possessives and particles."""
    text = re.sub(r"['’]s$", "", text.strip())
    words = [w for w in re.split(r"[\s-]+", text) if w]
    while words and words[0].lower().strip(".") in TITLES:
        words = words[1:]
    return [w for w in words if w.lower() not in _PARTICLES]


def _strip_titles(text: str) -> str:
    words = text.split()
    while len(words) > 1 and words[0].lower().strip(".") in TITLES:
        words = words[1:]
    return " ".join(words)


def place_key(text: str) -> str:
    """Normalised name of an organisation or place."""
    text = re.sub(r"^(the)\s+", "", ascii_fold(text.strip()))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class Resolved:
    """Entities of a corpus and which mention belongs to which."""

    entities: tuple[Entity, ...]
    mention_entity: dict[tuple[str, int, int], str]  # (article id, start, end) -> entity id
    # Role-only mentions found at link time ("the Syrian president"), label NOMINAL.
    nominals: dict[str, tuple[Mention, ...]] = field(default_factory=dict)


def resolve_identities(articles: Sequence[Article]) -> Resolved:
    """Cluster the corpus's mentions into entities."""
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)  # cluster key -> surface forms
    kinds: dict[str, str] = {}
    assign: dict[tuple[str, int, int], str] = {}
    pending: list[tuple[str, int, int, str, str]] = []  # surname-only person mentions
    full_by_last: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    pending_roles: list[tuple[str, int, int, str]] = []
    canonical: dict[str, str] = {}  # place key -> the gazetteer's name of a city
    for article in articles:
        local_last: dict[str, str] = {}
        for m in article.mentions:
            kind = _KIND.get(m.label)
            text = article.text[m.start : m.end]
            if kind is None and m.label == "NORP" and is_demonym(text):
                kind = "PLACE"  # "Russian" delegation: the country acts
            if (
                kind == "PLACE"
                and " " not in text.strip()
                and skeleton(text) in local_last
                and resolve_place(text) is None
            ):
                kind = "PERSON"  # "Makhlouf" tagged as a place after "Hussein Makhlouf"
            if kind is None:
                continue
            if kind == "PERSON":
                role = role_near(article.text, m.start, m.end)
                words = person_words(text)
                if not words:
                    continue
                if len(words) == 1:
                    pending.append((article.id, m.start, m.end, skeleton(words[0]), text))
                    if role:
                        pending_roles.append((article.id, m.start, m.end, role))
                    continue
                key = f"P:{skeleton(words[0])}:{skeleton(words[-1])}"
                full_by_last[skeleton(words[-1])].add(key)
                local_last[skeleton(words[-1])] = key
                if role:
                    roles[key][role] += 1
            elif kind == "PLACE" and (place := resolve_place(text)) is not None:
                key = place.key
                canonical[key] = place.name if place.key.startswith("G:") else ""
            else:
                key = f"{kind[0]}:{place_key(text)}"
            kinds[key] = kind
            surfaces[key][text] += 1
            assign[(article.id, m.start, m.end)] = key
        # Surnames in this article after their full name join it.
        for item in [p for p in pending if p[0] == article.id]:
            own = local_last.get(item[3])
            if own:
                assign[(item[0], item[1], item[2])] = own
                surfaces[own][item[4]] += 1
                pending.remove(item)
    for article_id, start, end, last, text in pending:
        keys = full_by_last.get(last, set())
        key = next(iter(keys)) if len(keys) == 1 else f"P:?:{last}"
        kinds[key] = "PERSON"
        assign[(article_id, start, end)] = key
        surfaces[key][text] += 1
    for article_id, start, end, role in pending_roles:
        roles[assign[(article_id, start, end)]][role] += 1
    _join_misspellings(assign, surfaces, roles, kinds)
    ids = {key: "ent-" + content_hash(key)[:12] for key in surfaces}
    entities = [
        _entity(ids[key], key, kinds[key], forms, roles.get(key), canonical)
        for key, forms in surfaces.items()
    ]
    mention_entity = {k: ids[v] for k, v in assign.items()}
    nominals, entities = _nominal_mentions(articles, entities)
    for article_id, found in nominals.items():
        for m in found:
            mention_entity[(article_id, m.start, m.end)] = m.entity_id or ""
    return Resolved(tuple(sorted(entities, key=lambda e: e.name)), mention_entity, nominals)


def _edit_distance_one(a: str, b: str) -> bool:
    """Whether two strings differ by exactly one substitution, insertion or deletion."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _join_misspellings(
    assign: dict[tuple[str, int, int], str],
    surfaces: dict[str, Counter[str]],
    roles: dict[str, Counter[str]],
    kinds: dict[str, str],
) -> None:
    """Join two spellings of one person one letter apart, only when their roles agree.

    "Sergey Verchinen" and "Sergey Vershinin" share a first name and differ by one consonant
    of the surname; they join when both carry a role naming the same country and sector
    ("Russian Deputy Foreign Minister"). Without such context two names stay apart.
    """
    # Only people with a role can join, and only those sharing a first name are compared.
    by_first: dict[str, list[tuple[str, str, set[tuple[str, str]]]]] = defaultdict(list)
    for key in surfaces:
        if kinds.get(key) != "PERSON" or key.count(":") != 2 or key.startswith("P:?:"):
            continue
        codes = {(c.country, c.sector) for r in roles.get(key, ()) if (c := code_actor(r))}
        context = {(str(a), str(b)) for a, b in codes if a and b}
        if context:
            _, first, last = key.split(":")
            by_first[first].append((key, last, context))
    moved: dict[str, str] = {}
    for group in by_first.values():
        for i, (a, last_a, context_a) in enumerate(group):
            for b, last_b, context_b in group[i + 1 :]:
                if len(last_a) < 4 or not _edit_distance_one(last_a, last_b):
                    continue
                if not context_a & context_b:
                    continue
                bigger = sum(surfaces[a].values()) >= sum(surfaces[b].values())
                keep, drop = (a, b) if bigger else (b, a)
                moved[drop] = moved.get(keep, keep)
    if not moved:
        return

    def final(key: str) -> str:
        while key in moved:
            key = moved[key]
        return key

    for drop in moved:
        keep = final(drop)
        surfaces[keep].update(surfaces.pop(drop, Counter()))
        roles[keep].update(roles.pop(drop, Counter()))
        kinds.pop(drop, None)
    for mention, key in assign.items():
        if key in moved:
            assign[mention] = final(key)


# "the Syrian president", "the Russian foreign minister": a person named by role alone.
_TITLE_WORDS = (
    "president|prime minister|foreign minister|defen[cs]e minister|crown prince|king|emir|"
    "chancellor|envoy|special envoy|ambassador|interior minister|premier"
)
_NOMINAL = re.compile(
    rf"\b[Tt]he\s+([A-Z][a-z]+)\s+({_TITLE_WORDS})\b(?!(?-i:\s+[A-Z]))", re.IGNORECASE
)


def _nominal_mentions(
    articles: Sequence[Article], entities: list[Entity]
) -> tuple[dict[str, tuple[Mention, ...]], list[Entity]]:
    """Link role-only mentions to the one person of the corpus holding that role."""
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in entities:
        if e.kind != "PERSON":
            continue
        for role in e.roles:
            code = code_actor(role)
            title = re.search(_TITLE_WORDS, role.lower())
            if code.country and title:
                holders[(code.country, title.group(0))].add(e.id)
    found: dict[str, tuple[Mention, ...]] = {}
    new_aliases: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        spans = []
        for match in _NOMINAL.finditer(article.text):
            country = code_actor(match.group(1)).country if is_demonym(match.group(1)) else None
            who = holders.get((country or "", match.group(2).lower()), set())
            if len(who) != 1:
                continue
            entity_id = next(iter(who))
            spans.append(Mention(match.start(), match.end(), "NOMINAL", entity_id))
            new_aliases[entity_id].add(match.group(0))
        if spans:
            found[article.id] = tuple(spans)
    entities = [
        dataclasses.replace(e, aliases=tuple(sorted({*e.aliases, *new_aliases[e.id]})))
        if e.id in new_aliases
        else e
        for e in entities
    ]
    return found, entities


def _entity(
    entity_id: str,
    key: str,
    kind: str,
    forms: Counter[str],
    roles: Counter[str] | None,
    canonical: dict[str, str],
) -> Entity:
    """Build one entity: its best name, aliases, roles, country and sector."""
    if kind == "PERSON":
        name = _strip_titles(max(forms, key=lambda f: (len(person_words(f)), forms[f], len(f))))
    elif canonical.get(key):
        name = canonical[key]
    else:
        # A country is named by its most used name, not by a demonym ("Russia", not "Russian").
        names = [f for f in forms if not is_demonym(f)] or list(forms)
        name = max(names, key=lambda f: (forms[f], len(f)))
        if key.startswith("C:"):
            name = country_name(key[2:]) or name
    role_list = tuple(r for r, _ in (roles or Counter()).most_common())
    country = sector = None
    if kind == "PLACE" and key[:2] in ("C:", "G:"):
        country = key.split(":")[-1]
    elif kind == "ORG":
        code = code_actor(name)
        country, sector = code.country, code.sector
    elif role_list:
        codes = [code_actor(r) for r in role_list]
        country = next((c.country for c in codes if c.country), None)
        sector = next((c.sector for c in codes if c.sector), None)
    return Entity(
        id=entity_id,
        kind=kind,  # type: ignore[arg-type]
        name=name,
        aliases=tuple(sorted(forms)),
        roles=role_list,
        country=country,
        sector=sector,
    )
