"""Same-event groups and story threads across outlets.

Each article becomes a TF-IDF vector over its content words plus its named entities (names
weigh more: two rewrites of one meeting share names, two meetings of one kind do not).
Candidate pairs come from an inverted index over each article's most distinctive terms, so
the number of pairs grows about linearly with the corpus; pairs are scored by cosine, gated
by dates (two reports of one event are published within days of each other), and clustered
by average linkage inside each connected component. Story threads are looser: articles that
share several named participants, whatever the date.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from dateline.languages import WORD as _WORD
from dateline.languages import stop_words, strip_marks
from dateline.model import Article, Group
from dateline.readers._bytes import content_hash

_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my no nor not now of off on once only or other our
    ours out over own said same says she should so some such than that the their theirs them
    then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your told year years day days week
    also one two three new last first according mr mrs ms since""".split()
)
_ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT")


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """Thresholds for grouping; chosen on the ECB+ dev split (bench/grouping.py --tune)."""

    same_event: float = 0.12  # average-linkage cosine cut (chosen on ECB+ dev)
    thread: float = 0.25  # share of named participants for one story thread
    date_gate_days: int = 7  # reports of one event are published within this many days
    entity_weight: float = 1.0  # weight of a name relative to a content word (ECB+ dev)
    block_terms: int = 12  # distinctive terms per article used for candidate pairs
    max_posting: int = 400  # terms in more articles than this are not used to block


@dataclass(slots=True)
class Features:
    """What grouping needs of an article."""

    id: str
    date: dt.date | None
    terms: Counter[str] = field(default_factory=Counter)
    names: set[str] = field(default_factory=set)


def _day(value: str | None) -> dt.date | None:
    if not value or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def features(article: Article, *, entity_weight: float = 2.0) -> Features:
    """Content words and names of an article (names from its mentions, when annotated)."""
    feats = Features(article.id, _day(article.published.value))
    # Terms are interned: a corpus shares one string per term instead of one per article.
    # Words in any script (Unicode letters); stop words of the article's language too.
    stop = _STOP if article.language == "en" else _STOP | stop_words(article.language)
    for word in _WORD.findall(strip_marks(article.text)):
        w = word.lower().replace("’", "'").removesuffix("'s")
        if w not in stop and len(w) > 2:
            feats.terms[sys.intern(w)] += 1
    for mention in article.mentions:
        if mention.label in _ENTITY_LABELS:
            name = _name_key(article.text[mention.start : mention.end])
            if name:
                feats.names.add(name)
                feats.terms[sys.intern("ent:" + name)] += entity_weight  # type: ignore[assignment]
    return feats


def _name_key(text: str) -> str:
    """A loose key for a name: lower case, no article, last word for people-like names."""
    text = re.sub(r"^(the|a|an)\s+", "", text.strip().lower())
    text = re.sub(r"['’]s$", "", text)
    return text


class TfIdf:
    """TF-IDF vectors (sublinear tf, smoothed idf, L2-normalised) as sparse dicts."""

    def __init__(self, docs: Sequence[Features]) -> None:
        """Fit document frequencies on the given documents."""
        self.n = len(docs)
        self.df: Counter[str] = Counter()
        for doc in docs:
            self.df.update(doc.terms.keys())
        self.vectors = {doc.id: self.vector(doc) for doc in docs}

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency."""
        return math.log((1 + self.n) / (1 + self.df.get(term, 0))) + 1.0

    def vector(self, doc: Features) -> dict[str, float]:
        """The normalised TF-IDF vector of a document."""
        weights = {t: (1 + math.log(c)) * self.idf(t) for t, c in doc.terms.items() if c > 0}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        return {t: v / norm for t, v in weights.items()}

    def cosine(self, a: str, b: str) -> float:
        """Cosine similarity of two fitted documents."""
        va, vb = self.vectors[a], self.vectors[b]
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(v * vb.get(t, 0.0) for t, v in va.items())


def candidate_pairs(
    docs: Sequence[Features], tfidf: TfIdf, cfg: LinkSettings
) -> set[tuple[str, str]]:
    """Pairs sharing a distinctive term and within the date gate: near-linear in the corpus.

    Each posting is walked in date order and a dated article is paired with the dated ones
    within `cfg.date_gate_days` (and with every undated one), so a term shared over months
    makes no pairs to discard later.
    """
    postings: dict[str, list[Features]] = defaultdict(list)
    for doc in docs:
        vec = tfidf.vectors[doc.id]
        for term in sorted(vec, key=lambda t: -vec[t])[: cfg.block_terms]:
            postings[term].append(doc)
    pairs: set[tuple[str, str]] = set()
    for posting in postings.values():
        if len(posting) <= cfg.max_posting:
            _gated_pairs(posting, cfg.date_gate_days, pairs)
    return pairs


def _gated_pairs(posting: list[Features], days: int, pairs: set[tuple[str, str]]) -> None:
    """Add the pairs of a posting whose dates are within `days` (or unknown on either side)."""
    undated = [d.id for d in posting if d.date is None]
    dated = sorted((d.date.toordinal(), d.id) for d in posting if d.date is not None)
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


def _average_linkage(
    ids: list[str], sim: dict[tuple[str, str], float], cut: float
) -> list[list[str]]:
    """Agglomerative clustering (average linkage) of one component; missing pairs count 0.

    Keeps a matrix of summed similarities between clusters and updates it on each merge, so
    a component of k articles costs O(k^2) per merge with NumPy doing the inner loops.
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
    avg = sums.copy()
    np.fill_diagonal(avg, -1.0)
    while alive.sum() > 1:
        flat = int(np.argmax(avg))
        x, y = divmod(flat, k)
        if avg[x, y] < cut:
            break
        sums[x, :] += sums[y, :]
        sums[:, x] += sums[:, y]
        sums[x, x] = 0.0
        sizes[x] += sizes[y]
        alive[y] = False
        members[x] += members[y]
        members[y] = []
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
                pending.append((component, level + max(0.02, level * 0.25)))
            else:
                out.append(component)
    return out


def _clusters(
    component: list[str], adjacency: dict[str, list[tuple[str, float]]], cut: float
) -> list[list[str]]:
    """Average linkage inside a component; one still too large after splitting (its articles
    are near-identical at every cut tried) is kept whole rather than clustered in cubic time."""
    if len(component) > MAX_COMPONENT:
        return [component]
    members = set(component)
    local = {(a, b): score for a in component for b, score in adjacency.get(a, ()) if b in members}
    return _average_linkage(sorted(component), local, cut)


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


def same_event_groups(
    articles: Sequence[Article],
    cfg: LinkSettings | None = None,
    extra_pairs: Mapping[tuple[str, str], float] | None = None,
) -> list[Group]:
    """Group articles that report the same real-world event (singletons are not returned).

    `extra_pairs` are edges TF-IDF cannot see, such as articles in different languages
    (`dateline.link.crosslingual.crosslingual_pairs`), added to the similarities.
    """
    cfg = cfg or LinkSettings()
    docs = [features(a, entity_weight=cfg.entity_weight) for a in articles]
    by_id = {d.id: d for d in docs}
    tfidf = TfIdf(docs)
    for doc in docs:
        doc.terms = Counter()  # the vectors hold what grouping needs of the terms
    sim: dict[tuple[str, str], float] = {}
    for a, b in candidate_pairs(docs, tfidf, cfg):
        score = tfidf.cosine(a, b)
        if score >= cfg.same_event:
            sim[(a, b)] = score
    # --- cross-lingual edges (feeds branch): kept apart from the TF-IDF scoring above ---
    if extra_pairs:
        from dateline.link.crosslingual import merge_edges

        merge_edges(sim, {p: v for p, v in extra_pairs.items() if p[0] in by_id and p[1] in by_id})
    adjacency: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (a, b), score in sim.items():
        adjacency[a].append((b, score))
    groups = []
    for component in _bounded_components([d.id for d in docs], sim, cfg.same_event):
        if len(component) < 2:
            continue
        for cluster in _clusters(component, adjacency, cfg.same_event):
            if len(cluster) < 2:
                continue
            members = tuple(sorted(cluster))
            pair_scores = [
                sim.get((x, y), 0.0) for i, x in enumerate(members) for y in members[i + 1 :]
            ]
            shared = set.intersection(*(by_id[m].names for m in members)) if members else set()
            groups.append(
                Group(
                    id="sg-" + content_hash("|".join(members))[:12],
                    kind="same-event",
                    members=members,
                    score=round(float(np.mean(pair_scores)), 4),
                    evidence=(f"shared names: {', '.join(sorted(shared)[:8]) or '-'}",),
                )
            )
    return sorted(groups, key=lambda g: g.members)


def thread_groups(articles: Sequence[Article], cfg: LinkSettings | None = None) -> list[Group]:
    """Story threads: articles linked by sharing a large part of their named participants."""
    cfg = cfg or LinkSettings()
    docs = [features(a, entity_weight=cfg.entity_weight) for a in articles]
    postings: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        for name in doc.names:
            postings[name].append(doc.id)
    by_id = {d.id: d for d in docs}
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
                na, nb = by_id[a].names, by_id[b].names
                shared = len(na & nb) / max(1, min(len(na), len(nb)))
                if shared >= cfg.thread and len(na & nb) >= 2:
                    edges.append(key)
    groups = []
    for component in connected_components([d.id for d in docs], edges):
        if len(component) < 2:
            continue
        members = tuple(sorted(component))
        counts = Counter(n for m in members for n in by_id[m].names)
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
