"""Run every corpus-level link step over a store: copies, same-event groups, threads, dates."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass

from dateline.link.cluster import (
    LinkSettings,
    connected_components,
    same_event_groups,
    thread_groups,
)
from dateline.link.crosslingual import crosslingual_pairs
from dateline.link.dedup import find_copies
from dateline.link.events import merge_events
from dateline.link.geocode import geocode_entities
from dateline.link.identities import resolve_identities
from dateline.link.twins import infer_dates
from dateline.link.wikidata import attach_wikidata, load_lookup
from dateline.model import Article, ArticleLink, Group, Mention
from dateline.readers._bytes import content_hash
from dateline.settings import Settings
from dateline.store import Store
from dateline.store.entities import entity_kinds, person_ids, replace_entities
from dateline.store.events import replace_event_records
from dateline.store.groups import replace_links
from dateline.store.overrides import apply_entity_overrides

# Layers linking does without, and the fields it may change on an article.
LIGHT = ("tokens", "sentences")
LINKED_FIELDS = ("published", "timerefs", "events", "mentions")


@dataclass(frozen=True, slots=True)
class LinkReport:
    """What a link run found."""

    articles: int
    copies: int
    same_event: int
    threads: int
    dates_inferred: int
    entities: int = 0
    events: int = 0


def link_settings(settings: Settings) -> LinkSettings:
    """Grouping thresholds, with overrides from a `[link]` table in the settings file."""
    known = {f.name for f in dataclasses.fields(LinkSettings)}
    given = {k: v for k, v in settings.extra.get("link", {}).items() if k in known}
    return LinkSettings(**given)


def copy_groups(links: Sequence[ArticleLink]) -> list[Group]:
    """Copy groups (connected copy links) with their evidence, sorted by id."""
    links = sorted(links, key=lambda x: (x.a, x.b))
    ids = sorted({x.a for x in links} | {x.b for x in links})
    components = connected_components(ids, [(x.a, x.b) for x in links])
    component_of = {member: i for i, c in enumerate(components) for member in c}
    by_component: dict[int, list[ArticleLink]] = {}
    for link in links:
        by_component.setdefault(component_of[link.a], []).append(link)
    groups = [
        Group(
            id="cp-" + content_hash("|".join(sorted(components[i])))[:12],
            kind="copy",
            members=tuple(sorted(components[i])),
            score=max(x.score for x in group_links),
            evidence=tuple(f"{x.kind} {x.a[:8]}~{x.b[:8]} ({x.score:.2f})" for x in group_links),
        )
        for i, group_links in by_component.items()
    ]
    return sorted(groups, key=lambda g: g.id)


def link_corpus(
    store: Store, *, settings: Settings, copies: Sequence[ArticleLink] | None = None
) -> LinkReport:
    """Recompute links and groups over the stored corpus and date undated twins.

    `copies` are copy links already found for exactly the stored articles (by the Spark
    runner); without them copies are found here.

    A run cannot be half done: it first records (committed) that a link run started, with
    the settings it uses, then reads and writes everything in one transaction that also
    clears that mark. Killed midway, the store keeps the previous links whole, and
    `finish_link` (run by the next command) sees the mark and links again.
    """
    store.set_link_due(json.dumps({"extra": settings.extra}, sort_keys=True, default=str))
    with store.transaction():
        report = _link_corpus(store, settings=settings, copies=copies)
        store.clear_link_due()
    return report


def finish_link(store: Store, *, settings: Settings) -> LinkReport | None:
    """Finish a link run that started and did not end (killed); None when none is pending.

    The run is redone with the settings tables it was started with.
    """
    due = store.link_due()
    if due is None or due == "stored":
        return None
    try:
        extra = json.loads(due).get("extra")
    except (ValueError, AttributeError):
        extra = None
    if isinstance(extra, dict):
        settings = settings.replace(extra=extra)
    return link_corpus(store, settings=settings)


def _link_corpus(
    store: Store, *, settings: Settings, copies: Sequence[ArticleLink] | None = None
) -> LinkReport:
    """The link steps, run inside `link_corpus`'s transaction."""
    # Tokens and sentences are not needed to link and are most of an article's memory.
    articles = list(store.iter_articles(without=LIGHT))
    cfg = link_settings(settings)
    links = sorted(find_copies(articles) if copies is None else copies, key=lambda x: (x.a, x.b))
    copy_group_list = copy_groups(links)
    # Articles in different languages share no words: a multilingual embedding pairs them.
    extra = crosslingual_pairs(articles, store=store, date_gate_days=cfg.date_gate_days)
    events = same_event_groups(articles, cfg, extra_pairs=extra)
    threads = thread_groups(articles, cfg)
    replace_links(store, links, [*copy_group_list, *events, *threads])
    dated = infer_dates(articles, events, settings=settings)
    by_id = {a.id: a for a in articles} | {a.id: a for a in dated}
    resolved = resolve_identities(list(by_id.values()))
    entities = geocode_entities(resolved.entities, by_id.values(), resolved.mention_entity)
    lookup = settings.extra.get("identities", {}).get("wikidata")
    if lookup:
        entities = attach_wikidata(entities, load_lookup(lookup))
    replace_entities(store, entities)
    changed = {a.id for a in dated}
    for article_id, article in list(by_id.items()):
        linked = _with_entities(
            article, resolved.mention_entity, resolved.nominals.get(article_id, ())
        )
        if linked != article:
            by_id[article_id] = linked
            changed.add(article_id)
    if changed:
        store.patch_articles([by_id[i] for i in sorted(changed)], LINKED_FIELDS)
    # An operator's merges and splits of entities outlive the recomputation; they relabel the
    # stored articles, so the events are then merged from what is stored.
    if apply_entity_overrides(store, refresh_events=False):
        by_id = {a.id: a for a in store.iter_articles(without=LIGHT)}
    groups = [*copy_group_list, *events]
    records = merge_events(list(by_id.values()), groups, person_ids(store), entity_kinds(store))
    replace_event_records(store, records)
    return LinkReport(
        len(articles),
        len(copy_group_list),
        len(events),
        len(threads),
        len(dated),
        len(entities),
        len(records),
    )


def _with_entities(
    article: Article,
    mention_entity: dict[tuple[str, int, int], str],
    nominals: tuple[Mention, ...] = (),
) -> Article:
    """The article with entity ids on its mentions and events' participants, nominals added."""

    def eid(start: int, end: int) -> str | None:
        # A word inside a role-only mention ("Syrian" in "the Syrian president") is the person.
        for n in nominals:
            if n.start <= start and end <= n.end:
                return n.entity_id
        return mention_entity.get((article.id, start, end))

    kept = [m for m in article.mentions if m.label != "NOMINAL"]
    mentions = tuple(
        sorted(
            [dataclasses.replace(m, entity_id=eid(m.start, m.end)) for m in kept]
            + [m for m in nominals],
            key=lambda m: (m.start, m.end, m.label),
        )
    )
    events = tuple(
        dataclasses.replace(
            e,
            actors=tuple(dataclasses.replace(p, entity_id=eid(p.start, p.end)) for p in e.actors),
            recipients=tuple(
                dataclasses.replace(p, entity_id=eid(p.start, p.end)) for p in e.recipients
            ),
            attendees=tuple(
                dataclasses.replace(p, entity_id=eid(p.start, p.end)) for p in e.attendees
            ),
        )
        for e in article.events
    )
    return dataclasses.replace(article, mentions=mentions, events=events)
