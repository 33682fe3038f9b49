"""Same-event groups and story threads across outlets.

Same event: every article is described by features of its own (`link.features`: words and
names for TF-IDF, people, organisations, places, event types, firm publication date, stated
dates, numbers, the embedding of its title and lead). Candidate pairs come from an inverted
index over each article's most distinctive terms (near-linear in the corpus); each pair is
scored by the learned pair scorer (`link.pairs`, a calibrated same-event probability), and
articles are clustered by average linkage over those probabilities inside each connected
component, under two constraints checked at every merge:

1. no group holds two firm publication dates more than `max_span_days` apart;
2. a group with no firm date joins a dated group only when its mean probability with it
   reaches the stricter `undated` cut, so an undated article joins at most one dated group
   and never bridges two.

A group carries its date span, the people, organisations and places most of its members name
(as written in the articles), its score (the mean same-event probability over its members'
pairs, 0-1) and, for each undated member, the dated member it most probably shares its event
with. Story threads are looser: articles that share several named participants, whatever
the date.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dateline.link.features import ArticleFeatures, all_features, all_keys, name_words
from dateline.link.pairs import PairContext, PairScorer, load_scorer, score_pairs
from dateline.model import Article, Group
from dateline.readers._bytes import content_hash

_NAME_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT")


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """Grouping settings; `None` cuts take the values the shipped model chose on ECB+ dev."""

    same_event: float | None = None  # average-linkage cut on the same-event probability
    undated: float | None = None  # cut for a group with no firm date joining a dated one
    date_from_twin: float | None = None  # probability an undated article needs to take a date
    max_span_days: int = 128  # firm publication dates of one group lie within this many days
    thread: float = 0.25  # share of named participants for one story thread
    entity_weight: float = 1.0  # weight of a name relative to a content word in TF-IDF
    block_terms: int = 30  # distinctive terms per article used for candidate pairs
    max_posting: int = 400  # terms in more articles than this are not used to block
    min_similarity: float = 0.04  # candidate pairs with a lower TF-IDF cosine are not scored
    date_gate_days: int = 7  # cross-lingual candidate pairs (link.crosslingual) only


UNDATED_FLOOR = 0.65  # the least "strong evidence" for an undated group joining a dated one
TWIN_FLOOR = 0.8  # the least probability with a twin an undated article takes a date from


@dataclass(frozen=True, slots=True)
class Cuts:
    """The probability cuts in force (settings, else the model's dev-chosen values)."""

    same_event: float
    undated: float
    date_from_twin: float


def cuts(cfg: LinkSettings, scorer: PairScorer) -> Cuts:
    """Resolve the cuts: explicit settings win over the model's shipped thresholds."""
    same = cfg.same_event if cfg.same_event is not None else scorer.threshold("same_event", 0.5)
    undated = cfg.undated if cfg.undated is not None else scorer.threshold("undated", 0.8)
    twin = (
        cfg.date_from_twin
        if cfg.date_from_twin is not None
        else scorer.threshold("date_from_twin", 0.8)
    )
    # An undated article joins a dated group only on strong evidence (and `_covered`), and
    # takes a twin's date only at a high probability with that twin.
    return Cuts(same, max(same, undated, UNDATED_FLOOR), max(twin, TWIN_FLOOR))


def candidate_pairs(
    docs: Sequence[ArticleFeatures], ctx: PairContext, cfg: LinkSettings
) -> list[tuple[str, str]]:
    """Pairs sharing a distinctive term, not firmly dated too far apart, similar enough.

    Each posting is walked in date order and a dated article is paired with the dated ones
    within `cfg.max_span_days` (and with every undated one), so a term shared over years
    makes no pairs to discard later.
    """
    postings: dict[str, list[ArticleFeatures]] = defaultdict(list)
    for doc in docs:
        vec = ctx.tfidf[doc.id]
        for term in sorted(vec, key=lambda t: -vec[t])[: cfg.block_terms]:
            postings[term].append(doc)
    pairs: set[tuple[str, str]] = set()
    for posting in postings.values():
        if len(posting) <= cfg.max_posting:
            _gated_pairs(posting, cfg.max_span_days, pairs)
    from dateline.link.features import sparse_cosine

    return sorted(
        (a, b) for a, b in pairs if sparse_cosine(ctx.tfidf[a], ctx.tfidf[b]) >= cfg.min_similarity
    )


def _gated_pairs(posting: list[ArticleFeatures], days: int, pairs: set[tuple[str, str]]) -> None:
    """Add the pairs of a posting whose firm dates are within `days` (or unknown)."""
    undated = [d.id for d in posting if d.day is None]
    dated = sorted((d.day, d.id) for d in posting if d.day is not None)
    for i, a in enumerate(undated):
        for b in undated[i + 1 :]:
            pairs.add((a, b) if a < b else (b, a))
        for _, b in dated:
            pairs.add((a, b) if a < b else (b, a))
    for i, (day, a) in enumerate(dated):
        for later, b in dated[i + 1 :]:
            if later - day > days:
                break
            pairs.add((a, b) if a < b else (b, a))


def constrained_average_linkage(
    ids: list[str],
    days: Sequence[int | None],
    sim: dict[tuple[str, str], float],
    cut: Cuts,
    max_span: int,
    covered: Callable[[list[str], list[str]], bool] | None = None,
) -> list[list[str]]:
    """Average linkage over pair probabilities (missing pairs count 0), with the constraints.

    `covered(undated, dated)` is the extra guard for an undated group joining a dated one.
    Keeps a matrix of summed probabilities between clusters and updates it on each merge (a
    component of k articles costs O(k^2) per merge). A best pair that breaks a constraint
    or misses its cut is set aside until one of its clusters changes.
    """
    k = len(ids)
    index = {a: i for i, a in enumerate(ids)}
    sums = np.zeros((k, k))
    for (a, b), score in sim.items():
        if a in index and b in index:
            sums[index[a], index[b]] = sums[index[b], index[a]] = score
    sizes = np.ones(k)
    alive = np.ones(k, dtype=bool)
    members = [[a] for a in ids]
    first = [d for d in days]
    last = [d for d in days]
    avg = sums.copy()
    np.fill_diagonal(avg, -1.0)
    while True:
        flat = int(np.argmax(avg))
        x, y = divmod(flat, k)
        best = avg[x, y]
        if best < cut.same_event:
            break
        dated_x, dated_y = first[x] is not None, first[y] is not None
        if dated_x and dated_y:
            span = max(last[x], last[y]) - min(first[x], first[y])  # type: ignore[type-var,operator]
            allowed = span <= max_span
        elif dated_x == dated_y:
            allowed = True
        else:
            undated, dated = (members[y], members[x]) if dated_x else (members[x], members[y])
            allowed = best >= cut.undated and (covered is None or covered(undated, dated))
        if not allowed:
            avg[x, y] = avg[y, x] = -1.0
            continue
        sums[x, :] += sums[y, :]
        sums[:, x] += sums[:, y]
        sums[x, x] = 0.0
        sizes[x] += sizes[y]
        alive[y] = False
        members[x] += members[y]
        members[y] = []
        known = [d for d in (first[x], first[y], last[x], last[y]) if d is not None]
        first[x] = min(known) if known else None
        last[x] = max(known) if known else None
        # Only the merged cluster's row and column change; the dead one leaves the race.
        row = np.where(alive, sums[x, :] / (sizes[x] * sizes), -1.0)
        row[x] = -1.0
        avg[x, :] = row
        avg[:, x] = row
        avg[y, :] = -1.0
        avg[:, y] = -1.0
    return [m for m in members if m]


MAX_COMPONENT = 300  # articles clustered together at most; larger components are split first


def _bounded_components(
    ids: Sequence[str], sim: dict[tuple[str, str], float], cut: float
) -> list[list[str]]:
    """Components of the graph of pairs at or above the cut, split until none is too large."""
    adjacency: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (a, b), score in sim.items():
        adjacency[a].append((b, score))
    out: list[list[str]] = []
    pending = [(list(ids), cut)]
    while pending:
        nodes, level = pending.pop()
        node_set = set(nodes)
        edges = [
            (a, b)
            for a in nodes
            for b, score in adjacency.get(a, ())
            if score >= level and b in node_set
        ]
        for component in connected_components(nodes, edges):
            if len(component) > MAX_COMPONENT and level < 1.0:
                pending.append((component, level + max(0.02, (1.0 - level) * 0.25)))
            else:
                out.append(component)
    return out


def connected_components(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Group ids linked by edges (union-find); every id is in exactly one component."""
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        groups[find(i)].append(i)
    return list(groups.values())


@dataclass(frozen=True, slots=True)
class Grouping:
    """Same-event groups and the probability of every scored pair."""

    groups: list[Group]
    probability: dict[tuple[str, str], float]


@dataclass(slots=True)
class ScoredCorpus:
    """A corpus's grouping features and the probabilities of the pairs scored so far."""

    ids: list[str]
    ctx: PairContext
    scorer: PairScorer
    probability: dict[tuple[str, str], float]


def score_corpus(
    articles: Sequence[Article],
    cfg: LinkSettings | None = None,
    extra_pairs: Mapping[tuple[str, str], float] | None = None,
    *,
    scorer: PairScorer | None = None,
) -> ScoredCorpus:
    """Features of every article and the same-event probability of every candidate pair.

    `extra_pairs` are edges the pair scorer cannot see, such as articles in different
    languages (`dateline.link.crosslingual.crosslingual_pairs`: multilingual cosines at or
    above its own cut); each enters as that pair's probability (the higher of the two).
    """
    cfg = cfg or LinkSettings()
    scorer = scorer or load_scorer()
    docs = all_features(_with_embeddings(articles), entity_weight=cfg.entity_weight)
    ctx = PairContext.of(docs)
    for doc in docs:
        doc.terms = Counter()  # the vectors hold what grouping needs of the terms
    pairs = candidate_pairs(docs, ctx, cfg)
    probability = dict(zip(pairs, score_pairs(pairs, ctx, scorer).tolist(), strict=True))
    for pair, score in (extra_pairs or {}).items():
        a, b = sorted(pair)
        if a in ctx.by_id and b in ctx.by_id:
            probability[(a, b)] = max(probability.get((a, b), 0.0), float(score))
    return ScoredCorpus([d.id for d in docs], ctx, scorer, probability)


def cluster_scored(scored: ScoredCorpus, cfg: LinkSettings | None = None) -> Grouping:
    """Same-event groups of a scored corpus under `cfg`'s cuts (pairs scored on the way are
    kept in `scored`, so clustering one corpus at several cuts scores each pair once)."""
    cfg = cfg or LinkSettings()
    ctx, probability = scored.ctx, scored.probability
    cut = cuts(cfg, scored.scorer)
    # Components join candidate pairs at or above the cut; inside one, every pair is scored
    # (blocking finds who may belong together, the averages then see every pair).
    sim = {pair: p for pair, p in probability.items() if p >= cut.same_event}
    groups = []
    for component in _bounded_components(scored.ids, sim, cut.same_event):
        if len(component) < 2:
            continue
        if len(component) > MAX_COMPONENT:
            clusters = [component]  # near-identical at every cut tried: kept whole
        else:
            ordered = sorted(component)
            _score_within(ordered, probability, ctx, scored.scorer)
            local = {
                (a, b): probability.get((a, b), 0.0)
                for i, a in enumerate(ordered)
                for b in ordered[i + 1 :]
            }
            days = [ctx.by_id[a].day for a in ordered]
            clusters = constrained_average_linkage(
                ordered, days, local, cut, cfg.max_span_days, functools.partial(_covered, ctx)
            )
        for cluster in clusters:
            if len(cluster) >= 2:
                groups.append(_group(sorted(cluster), ctx.by_id, probability))
    return Grouping(sorted(groups, key=lambda g: g.members), probability)


def same_event_grouping(
    articles: Sequence[Article],
    cfg: LinkSettings | None = None,
    extra_pairs: Mapping[tuple[str, str], float] | None = None,
    *,
    scorer: PairScorer | None = None,
) -> Grouping:
    """Group articles that report the same real-world event (singletons are not returned);
    `extra_pairs` as in `score_corpus`."""
    return cluster_scored(score_corpus(articles, cfg, extra_pairs, scorer=scorer), cfg)


def _covered(ctx: PairContext, undated: list[str], dated: list[str]) -> bool:
    """Every name in each undated article's lead is named by some dated article.

    An undated article takes its date from the group it joins, so joining asks for more than
    a high probability: what its headline and first sentences name must be in the dated
    reports too (a visit to Riyadh before Damascus is not the Damascus visit alone). A name
    counts as named when its key is among the dated articles' names, or when every word of it
    (as written) is among their words: the parser tags one name differently in two reports
    ("Mount Cook National Park" a place in one, not a name in the other; a driver's surname
    a person here and an organisation there), and the guard is about the name, not the tag.
    """
    names = set().union(*(all_keys(ctx.by_id[d]) for d in dated))
    words: set[str] | None = None
    for u in undated:
        doc = ctx.by_id[u]
        for key in doc.lead - names:
            if words is None:
                words = set().union(*(ctx.tfidf[d].keys() for d in dated))
            written = name_words(doc, key)
            if not written or not written <= words:
                return False
    return True


def _score_within(
    ids: list[str],
    probability: dict[tuple[str, str], float],
    ctx: PairContext,
    scorer: PairScorer,
) -> None:
    """Score the pairs of a component that blocking did not propose (in place)."""
    todo = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if (a, b) not in probability]
    if todo:
        probability.update(zip(todo, score_pairs(todo, ctx, scorer).tolist(), strict=True))


def _with_embeddings(articles: Sequence[Article]) -> Sequence[Article]:
    """Embed, in memory, English articles stored before the embed stage existed.

    MiniLM is English: other languages stay without a vector (the scorer then leans on words
    and names, and pairs across languages on `link.crosslingual`'s multilingual edges).
    """
    from dateline.languages import is_english

    missing = [a for a in articles if a.embedding is None and is_english(a)]
    if not missing:
        return articles
    from dateline.pipeline.embed import embed_many
    from dateline.settings import Settings

    done = {a.id: a for a in embed_many(missing, settings=Settings())}
    return [done.get(a.id, a) for a in articles]


def same_event_groups(
    articles: Sequence[Article],
    cfg: LinkSettings | None = None,
    extra_pairs: Mapping[tuple[str, str], float] | None = None,
    *,
    scorer: PairScorer | None = None,
) -> list[Group]:
    """Group articles that report the same real-world event (singletons are not returned)."""
    return same_event_grouping(articles, cfg, extra_pairs, scorer=scorer).groups


def _iso(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


def _common(names: Sequence[dict[str, str]], limit: int = 6) -> tuple[str, ...]:
    """Names (as written) that at least two members, and at least half of them, share."""
    counts: Counter[str] = Counter(k for n in names for k in n)
    shown: dict[str, str] = {}
    for n in names:
        for key, text in n.items():
            if len(text) > len(shown.get(key, "")):
                shown[key] = text
    need = max(2, (len(names) + 1) // 2)
    keys = [k for k, c in counts.most_common() if c >= need]
    return tuple(shown[k] for k in keys[:limit])


def _group(
    members: list[str],
    by_id: dict[str, ArticleFeatures],
    probability: dict[tuple[str, str], float],
) -> Group:
    """A same-event group with its score, date span, shared names and twins."""

    def p(a: str, b: str) -> float:
        return probability.get((a, b) if a < b else (b, a), 0.0)

    pair_scores = [p(x, y) for i, x in enumerate(members) for y in members[i + 1 :]]
    score = round(float(np.mean(pair_scores)), 4)
    days = sorted(d for m in members if (d := by_id[m].day) is not None)
    span = (_iso(days[0]), _iso(days[-1])) if days else None
    people = _common([{**by_id[m].people, **by_id[m].orgs} for m in members])
    places = _common([by_id[m].places for m in members])
    # A twin is a member whose publisher stated its date, to the day or not (a month stays a
    # month: `infer_dates` copies the twin's granularity).
    dated = [m for m in members if by_id[m].firm]
    twins = []
    for member in members:
        if by_id[member].firm or not dated:
            continue
        twin = max(dated, key=lambda d: (p(member, d), d))
        twins.append((member, twin, round(p(member, twin), 4)))
    evidence = [f"same-event probability {score:.2f} (mean over member pairs)"]
    if span:
        evidence.append(f"dates {span[0]}" + (f" to {span[1]}" if span[1] != span[0] else ""))
    if people:
        evidence.append("people and organisations: " + ", ".join(people))
    if places:
        evidence.append("places: " + ", ".join(places))
    return Group(
        id="sg-" + content_hash("|".join(members))[:12],
        kind="same-event",
        members=tuple(members),
        score=score,
        evidence=tuple(evidence),
        date_span=span,
        entities=people,
        places=places,
        twins=tuple(twins),
    )


def _names(article: Article) -> set[str]:
    """Loose keys of the names an article mentions (threads)."""
    names = set()
    for mention in article.mentions:
        if mention.label in _NAME_LABELS:
            text = article.text[mention.start : mention.end].strip().lower()
            text = re.sub(r"['’]s$", "", re.sub(r"^(the|a|an)\s+", "", text))
            if text:
                names.add(text)
    return names


def thread_groups(articles: Sequence[Article], cfg: LinkSettings | None = None) -> list[Group]:
    """Story threads: articles linked by sharing a large part of their named participants."""
    cfg = cfg or LinkSettings()
    names = {a.id: _names(a) for a in articles}
    postings: dict[str, list[str]] = defaultdict(list)
    for article_id, article_names in names.items():
        for name in article_names:
            postings[name].append(article_id)
    edges = []
    seen: set[tuple[str, str]] = set()
    for ids in postings.values():
        if len(ids) > cfg.max_posting:
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                key = (a, b) if a < b else (b, a)
                if key in seen:
                    continue
                seen.add(key)
                na, nb = names[a], names[b]
                shared = len(na & nb) / max(1, min(len(na), len(nb)))
                if shared >= cfg.thread and len(na & nb) >= 2:
                    edges.append(key)
    groups = []
    for component in connected_components([a.id for a in articles], edges):
        if len(component) < 2:
            continue
        members = tuple(sorted(component))
        counts = Counter(n for m in members for n in names[m])
        common = [n for n, c in counts.most_common(6) if c > 1]
        groups.append(
            Group(
                id="th-" + content_hash("|".join(members))[:12],
                kind="thread",
                members=members,
                score=round(len(edges) / max(1, len(members)), 3),
                evidence=(f"recurring names: {', '.join(common)}",),
            )
        )
    return sorted(groups, key=lambda g: g.members)


def clusters_of(articles: Sequence[Article], groups: Sequence[Group]) -> dict[str, str]:
    """Map every article id to its group id (its own id when it stands alone)."""
    label = {a.id: a.id for a in articles}
    for group in groups:
        for member in group.members:
            label[member] = group.id
    return label
