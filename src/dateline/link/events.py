"""Event merging: per-article events that tell the same happening become one `EventRecord`.

Two per-article events merge when they have the same PLOVER type, compatible dates (the same
day, or one of them undated), share a participant entity, and either come from one article or
from articles grouped as copies or as the same event (or, across ungrouped articles, share
two participants and the same day). The merged record keeps every source article and
evidence span; a detail the sources disagree on (mode, date, place) is kept as an
alternative, never overwritten.

Precision before recall: a record needs a named participant (an entity, not "police"), except
an announced meeting (AGREE) known by its place ("the conference to be held in Damascus next
month"), which merges with its twins by type, place and date. People come before the
countries they represent: a country on the same side as a person of that country (or of no
known country) is dropped from the record; the person's country stays in their actor code.
A record's confidence is that of its most confident source event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from dateline.link.cluster import connected_components
from dateline.model import Article, DateInfo, Event, EventRecord, Evidence, Group, Participant
from dateline.readers._bytes import content_hash

# How firm a date's origin is: the firmest value among the sources wins.
_ORIGIN_RANK = {
    "stated": 0, "resolved-relative": 1, "header": 2, "html-meta": 2, "record": 2, "text": 3,
    "publication-date": 3, "resolved-from-inferred": 4, "inferred-from-twin": 5, "unknown": 9,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Item:
    """One per-article event, flattened for merging."""

    key: str
    article: Article
    event: Event
    people: frozenset[str]  # entity ids of actors and recipients


def merge_events(
    articles: Sequence[Article],
    groups: Sequence[Group],
    persons: frozenset[str] = frozenset(),
    entities: Mapping[str, tuple[str, str | None]] | None = None,
) -> list[EventRecord]:
    """Merge the corpus's per-article events into corpus-level event records.

    `persons` are the ids of entities that are people: two events whose actors are different
    people are different events (two speakers' accusations), whatever else they share.
    `entities` gives each entity's kind and country (PERSON/ORG/PLACE, ISO3), for putting
    people before the countries they represent.
    """
    items = [
        _Item(
            f"{a.id}:{i}",
            a,
            e,
            frozenset(p.entity_id for p in (*e.actors, *e.recipients) if p.entity_id),
        )
        for a in articles
        for i, e in enumerate(a.events)
    ]
    # Blocking: a compatible pair shares its type and a participant, and is in one article,
    # in one copy/same-event group, or on one day; only items sharing such a block are
    # compared, so the cost follows the blocks' sizes, not the square of the corpus.
    groups_of: dict[str, set[str]] = {}
    for group in groups:
        if group.kind in ("copy", "same-event"):
            for member in group.members:
                groups_of.setdefault(member, set()).add(group.id)
    blocks: dict[tuple[str, str, str], list[_Item]] = {}
    for item in items:
        scopes = [f"a:{item.article.id}"]
        scopes += [f"g:{g}" for g in sorted(groups_of.get(item.article.id, ()))]
        if item.event.date.value:
            scopes.append(f"d:{item.event.date.value}")
        keys = set(item.people)
        if not keys and (place := _place(item)):
            keys = {"place:" + place}  # an announced meeting known only by its place
        for entity in keys:
            for scope in scopes:
                blocks.setdefault((item.event.type, entity, scope), []).append(item)
    pairs: set[tuple[str, str]] = set()
    for block in blocks.values():
        for i, x in enumerate(block):
            for y in block[i + 1 :]:
                pair = (x.key, y.key) if x.key < y.key else (y.key, x.key)
                if pair not in pairs and _compatible(x, y, groups_of, persons):
                    pairs.add(pair)
    components = connected_components([it.key for it in items], sorted(pairs))
    by_key = {it.key: it for it in items}
    records = [_record([by_key[k] for k in sorted(c)]) for c in components]
    records = [_people_first(r, entities or {}) for r in records]
    return sorted((r for r in records if _named(r)), key=record_order)


def _named(record: EventRecord) -> bool:
    """A record names a participant, or is an announced meeting with its place."""
    if record.actors or record.recipients:
        return True
    return record.type == "AGREE" and record.place is not None


def _people_first(
    record: EventRecord, entities: Mapping[str, tuple[str, str | None]]
) -> EventRecord:
    """Drop the countries a person on the same side represents ("Lavrentiev", not "Russia")."""
    if not entities:
        return record

    def side(ids: tuple[str, ...]) -> tuple[str, ...]:
        people = [entities[e][1] for e in ids if entities.get(e, ("", None))[0] == "PERSON"]
        if not people:
            return ids
        return tuple(
            e
            for e in ids
            if entities.get(e, ("", None))[0] != "PLACE"
            or not any(c is None or c == entities[e][1] for c in people)
        )

    actors, recipients = side(record.actors), side(record.recipients)
    mode = record.mode
    place = record.place
    if record.type == "CONSULT" and mode is None and place is not None and place in entities:
        # Met in the recipient's country, which is not the actor's: the actor is visiting.
        here = entities[place][1]
        hosts = {entities.get(e, ("", None))[1] for e in recipients}
        guests = {entities.get(e, ("", None))[1] for e in actors}
        if here and here in hosts and here not in guests and actors:
            mode = "visit"
    if (actors, recipients, mode) == (record.actors, record.recipients, record.mode):
        return record
    return replace(record, actors=actors, recipients=recipients, mode=mode)


def record_order(record: EventRecord) -> tuple[bool, str, str]:
    """Sort key: chronological, undated last, then by id for a stable order."""
    return (record.date.value is None, record.date.value or "", record.id)


def _firm(date: DateInfo) -> str | None:
    """The date's value unless it is only the article's own date (a default, not a finding)."""
    return None if date.origin in ("publication-date", "unknown") else date.value


def _compatible(
    x: _Item, y: _Item, groups_of: dict[str, set[str]], persons: frozenset[str]
) -> bool:
    """Whether two per-article events tell one happening (see the module docstring)."""
    shared = x.people & y.people
    if not shared and (x.people or y.people or not _place(x) or _place(x) != _place(y)):
        return False
    rx, ry = _ids(x.event.recipients), _ids(y.event.recipients)
    if rx and ry and not rx & ry:
        return False  # Lavrentyev met bin Salman, then Assad: two meetings
    ax, ay = _ids(x.event.actors) & persons, _ids(y.event.actors) & persons
    if ax and ay and not ax & ay:
        return False  # Makhlouf's accusation and Mizintsev's are two statements
    px, py = _place(x), _place(y)
    if px and py and px != py:
        return False  # one meeting in Riyadh, another in Damascus
    fx, fy = _firm(x.event.date), _firm(y.event.date)
    if fx and fy and fx != fy:
        return False
    a, b = x.article.id, y.article.id
    if a == b or groups_of.get(a, set()) & groups_of.get(b, set()):
        return True  # one article, or articles grouped as copies or as the same event
    # Ungrouped articles: the same day and the same two sides.
    dx, dy = x.event.date.value, y.event.date.value
    return bool(dx and dx == dy and len(shared) >= 2)


def _record(items: list[_Item]) -> EventRecord:
    """Build one merged record from the per-article events that tell it."""
    alternatives: list[tuple[str, str]] = []
    modes = Counter(it.event.mode for it in items if it.event.mode)
    mode = modes.most_common(1)[0][0] if modes else None
    alternatives += [("mode", m) for m in sorted(modes) if m != mode]
    dated = sorted(
        (it for it in items if it.event.date.value),
        key=lambda it: (_ORIGIN_RANK.get(it.event.date.origin, 8), -len(it.event.date.value or "")),
    )
    date = dated[0].event.date if dated else items[0].event.date
    alternatives += sorted(
        {
            ("date", it.event.date.value or "")
            for it in dated
            if _firm(it.event.date) and it.event.date.value != date.value
        }
    )
    roles: Counter[tuple[str, str]] = Counter()
    for it in items:
        for p in it.event.actors:
            if p.entity_id:
                roles[(p.entity_id, "actor")] += 1
        for p in it.event.recipients:
            if p.entity_id:
                roles[(p.entity_id, "recipient")] += 1
    people = {eid for eid, _ in roles}
    # An entity is an actor or a recipient by the majority of its sources (ties: actor).
    actors = tuple(
        sorted(
            (e for e in people if roles[(e, "actor")] >= roles[(e, "recipient")]),
            key=lambda e: -roles[(e, "actor")],
        )
    )
    recipients = tuple(
        sorted(
            (e for e in people if roles[(e, "actor")] < roles[(e, "recipient")]),
            key=lambda e: -roles[(e, "recipient")],
        )
    )
    attendees = tuple(
        dict.fromkeys(
            p.entity_id
            for it in items
            for p in it.event.attendees
            if p.entity_id and p.entity_id not in people
        )
    )
    places: Counter[str] = Counter()
    for it in items:
        if it.event.place is not None:
            eid = _entity_at(it.article, it.event.place.start, it.event.place.end)
            if eid:
                places[eid] += 1
    place = places.most_common(1)[0][0] if places else None
    alternatives += [("place", p) for p in sorted(places) if p != place]
    sources = tuple(
        sorted(
            {
                Evidence(it.article.id, it.event.evidence.start, it.event.evidence.end)
                for it in items
            },
            key=lambda ev: (ev.article_id, ev.start),
        )
    )
    first = items[0].event
    return EventRecord(
        id="ev-" + content_hash("|".join(sorted(it.key for it in items)))[:12],
        type=first.type,
        sources=sources,
        mode=mode,
        cameo=Counter(it.event.cameo for it in items if it.event.cameo).most_common(1)[0][0]
        if any(it.event.cameo for it in items)
        else None,
        actors=actors,
        recipients=recipients,
        attendees=attendees,
        place=place,
        date=date,
        alternatives=tuple(alternatives),
        confidence=max(it.event.confidence for it in items),
        said_by=tuple(
            dict.fromkeys(p.entity_id for it in items for p in it.event.said_by if p.entity_id)
        ),
    )


def _entity_at(article: Article, start: int, end: int) -> str | None:
    """The entity of the mention that overlaps a span, if any."""
    for m in article.mentions:
        if m.entity_id and m.start < end and start < m.end:
            return m.entity_id
    return None


def _place(item: _Item) -> str | None:
    place = item.event.place
    return _entity_at(item.article, place.start, place.end) if place is not None else None


def _ids(parts: tuple[Participant, ...]) -> set[str]:
    return {p.entity_id for p in parts if p.entity_id}
