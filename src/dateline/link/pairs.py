"""The learned same-event pair scorer: signals of two articles in, a calibrated probability out.

Signals (`FEATURES`): TF-IDF cosine over words and names, cosine of the event-text embeddings,
people / organisations / places shared (weighted by how rare each is in the corpus) and
whether both name some and share none, countries, PLOVER event types, publication-date
distance with whether each date is firm, dates and numbers the texts state, and the outlet.
The model is a logistic regression over those signals (no products of them: with a product
of TF-IDF and embedding cosines the fitted logit flattened out for strong pairs, so a rewrite
and a look-alike a year apart scored the same), trained on
the ECB+ train split by `python -m dateline.train grouping`, shipped in
`dateline/models/grouping/`; its output is the probability that two articles report the same
real-world event, calibrated on ECB+ dev (one scale for every score grouping shows).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dateline.link.features import (
    ArticleFeatures,
    CorpusStats,
    all_keys,
    sparse_cosine,
    tfidf_vector,
)
from dateline.models import load_model_info

FORMAT = 1
MODEL_NAME = "grouping"
SLICE = 20_000  # pairs scored at a time

FEATURES = (
    "tfidf",  # cosine of TF-IDF vectors over content words and names
    "embedding",  # cosine of the event-text embeddings (0 when either is missing)
    "no_embedding",  # either article has no embedding
    "people",  # rarity-weighted share of people named by both (of the fewer-named side)
    "people_conflict",  # both name people, none in common
    "people_union",  # rarity-weighted share of people named by both, of all named by either
    "orgs",
    "places",  # cities, regions, venues
    "places_conflict",
    "places_union",
    "countries",  # Jaccard of countries
    "lead_names",  # share of the people and places of each lead the other names anywhere
    "types",  # Jaccard of PLOVER event types (0 when either has none)
    "days",  # days between firm publication dates (NaN unless both are firm): the date term
    "months",  # Jaccard of months the texts state in full (0 unless both state some)
    "years_conflict",  # both state years, none in common
    "numbers",  # Jaccard of the numbers in the texts (years left out)
    "same_outlet",  # both name an outlet, the same one
)


@dataclass(slots=True)
class PairContext:
    """Corpus statistics and per-article vectors shared by every pair of one corpus."""

    stats: CorpusStats
    tfidf: dict[str, dict[str, float]]
    by_id: dict[str, ArticleFeatures]

    @classmethod
    def of(cls, docs: Sequence[ArticleFeatures]) -> PairContext:
        """Fit the corpus statistics on `docs` and vectorise them."""
        stats = CorpusStats.of(docs)
        return cls(stats, {d.id: tfidf_vector(d, stats) for d in docs}, {d.id: d for d in docs})


def _weighted_share(a: dict[str, str], b: dict[str, str], stats: CorpusStats, kind: str) -> float:
    """Rarity-weighted overlap of two key sets, over the smaller side's weight."""
    if not a or not b:
        return 0.0
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0
    weight = {k: stats.idf(kind + k) for k in a.keys() | b.keys()}
    common = sum(weight[k] for k in shared)
    return common / min(sum(weight[k] for k in a), sum(weight[k] for k in b))


def _weighted_jaccard(a: dict[str, str], b: dict[str, str], stats: CorpusStats, kind: str) -> float:
    """Rarity-weighted overlap of two key sets, over the weight of their union."""
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0
    union = a.keys() | b.keys()
    return sum(stats.idf(kind + k) for k in shared) / sum(stats.idf(kind + k) for k in union)


def _covered(lead: frozenset[str], other: ArticleFeatures) -> float:
    """Share of the names in a lead that the other article names anywhere (1 if none)."""
    if not lead:
        return 1.0
    return len(lead & all_keys(other)) / len(lead)


def _jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def pair_vector(a: ArticleFeatures, b: ArticleFeatures, ctx: PairContext) -> list[float]:
    """The signals of one pair, in `FEATURES` order."""
    tfidf = sparse_cosine(ctx.tfidf[a.id], ctx.tfidf[b.id])
    has_vectors = a.vector is not None and b.vector is not None
    emb = float(a.vector @ b.vector) if a.vector is not None and b.vector is not None else 0.0
    people = _weighted_share(a.people, b.people, ctx.stats, "p:")
    places = _weighted_share(a.places, b.places, ctx.stats, "l:")
    days = abs(a.day - b.day) if a.day is not None and b.day is not None else math.nan
    return [
        tfidf,
        emb,
        0.0 if has_vectors else 1.0,
        people,
        float(bool(a.people) and bool(b.people) and people == 0.0),
        _weighted_jaccard(a.people, b.people, ctx.stats, "p:"),
        _weighted_share(a.orgs, b.orgs, ctx.stats, "o:"),
        places,
        float(bool(a.places) and bool(b.places) and places == 0.0),
        _weighted_jaccard(a.places, b.places, ctx.stats, "l:"),
        _jaccard(set(a.countries), set(b.countries)),
        min(_covered(a.lead, b), _covered(b.lead, a)),
        _jaccard(a.types, b.types),
        float(days),
        _jaccard(a.months, b.months),
        float(bool(a.years) and bool(b.years) and not a.years & b.years),
        _jaccard(a.numbers, b.numbers),
        float(a.outlet is not None and a.outlet == b.outlet),
    ]


@dataclass(frozen=True, slots=True)
class PairScorer:
    """Logistic regression over the pair signals, a date term, then Platt calibration.

    The regression reads every signal but "days". ECB+ dates only its web-crawled half, so
    inside a topic "is dated" tells the halves (the two events) apart: a regression that saw
    dates would learn the corpus, not the news. The date distance enters instead as a
    separate term: the log-likelihood ratio of the day gap (same event vs not) estimated on
    firmly dated ECB+ train pairs, binned and clamped at 0, so being far apart counts against
    a pair and being close proves nothing. Pairs where either date is not firm get 0.
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # one per feature; "days" has weight 0 and its own term
    bias: float
    date_edges: tuple[float, ...] = ()  # bin edges in days; bin i is [edge i, edge i+1)
    date_llr: tuple[float, ...] = ()  # the date term of each bin (<= 0)
    calibration: tuple[float, float] = (1.0, 0.0)  # Platt (a, b) on the logit, fitted on dev
    meta: tuple[tuple[str, float], ...] = ()  # thresholds chosen on dev, by name

    def date_term(self, days: np.ndarray) -> np.ndarray:
        """The date term of each pair's day gap (NaN: not both firm -> 0)."""
        out = np.zeros(len(days))
        if not self.date_llr:
            return out
        known = ~np.isnan(days)
        bins = np.searchsorted(np.array(self.date_edges), days[known], side="right") - 1
        bins = np.clip(bins, 0, len(self.date_llr) - 1)
        out[known] = np.array(self.date_llr)[bins]
        return out

    def raw_logits(self, rows: np.ndarray) -> np.ndarray:
        """Uncalibrated logits of pair signal rows."""
        at = self.features.index("days")
        days = rows[:, at].copy()
        text = rows.copy()
        text[:, at] = 0.0
        text = np.nan_to_num(text)
        return ((text - self.mean) / self.scale) @ self.weights + self.bias + self.date_term(days)

    def logits(self, rows: np.ndarray) -> np.ndarray:
        """Calibrated logits of pair signal rows."""
        a, b = self.calibration
        return a * self.raw_logits(rows) + b

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Calibrated same-event probabilities of pair signal rows."""
        if len(rows) == 0:
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(rows), -30, 30)))

    def threshold(self, name: str, default: float) -> float:
        """A threshold chosen on ECB+ dev and shipped with the model."""
        return dict(self.meta).get(name, default)

    def to_json(self) -> dict[str, object]:
        """The model as plain JSON."""
        return {
            "features": list(self.features),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
            "bias": round(self.bias, 6),
            "date_edges": list(self.date_edges),
            "date_llr": [round(x, 4) for x in self.date_llr],
            "calibration": [round(x, 6) for x in self.calibration],
            "thresholds": dict(self.meta),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PairScorer:
        """Rebuild a scorer written by `to_json`."""
        calibration = data.get("calibration", (1.0, 0.0))
        return cls(
            features=tuple(data["features"]),
            mean=np.array(data["mean"], dtype=float),
            scale=np.array(data["scale"], dtype=float),
            weights=np.array(data["weights"], dtype=float),
            bias=float(data["bias"]),
            date_edges=tuple(float(x) for x in data.get("date_edges", ())),
            date_llr=tuple(float(x) for x in data.get("date_llr", ())),
            calibration=(float(calibration[0]), float(calibration[1])),
            meta=tuple(sorted((str(k), float(v)) for k, v in data.get("thresholds", {}).items())),
        )


@functools.cache
def load_scorer(root: str | None = None) -> PairScorer:
    """The shipped pair scorer (DL003 ModelError when it is missing or of another format)."""
    from dateline.errors import ModelError

    info = load_model_info(MODEL_NAME, expects=FORMAT, root=root)
    scorer = PairScorer.from_json(json.loads(info.file("scorer.json").read_text("utf-8")))
    if scorer.features != FEATURES:
        raise ModelError(
            f"model {MODEL_NAME!r} was trained on other signals than this dateline computes; "
            f"rebuild it with `python -m dateline.train {MODEL_NAME}`",
            path=str(info.path),
        )
    return scorer


def score_pairs(
    pairs: Sequence[tuple[str, str]], ctx: PairContext, scorer: PairScorer
) -> np.ndarray:
    """Same-event probability of each pair of article ids."""
    out = np.zeros(len(pairs))
    # In slices, so the signal rows of millions of pairs are never all in memory at once.
    for start in range(0, len(pairs), SLICE):
        chunk = pairs[start : start + SLICE]
        rows = np.array([pair_vector(ctx.by_id[a], ctx.by_id[b], ctx) for a, b in chunk])
        out[start : start + len(chunk)] = scorer.probabilities(rows)
    return out
