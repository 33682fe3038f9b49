"""Train the same-event pair scorer: ``python -m dateline.train grouping``.

1. Run the ECB+ train and dev documents through the same pipeline `dateline ingest` runs (the
   reader's record conversion, the clean step, every stage including the embedding), so the
   signals are those linking will see; `--cache DIR` keeps the processed articles.
2. Take the candidate pairs the linker itself would score (`link.cluster.candidate_pairs`)
   in each split, labelled by the gold sub-topic (the same real-world event).
3. Fit a logistic regression (L2, Newton steps, NumPy) on the train pairs over every signal
   but the date distance, and the binned date term on firmly dated train pairs (see
   `link.pairs.PairScorer` for why the two are apart).
4. On dev: Platt-calibrate the logit, then choose the average-linkage cut and the stricter
   cut for undated articles by B³ F1 of the real clustering, and the probability an undated
   article needs to take a twin's date by the precision of those dates.
5. Write ``scorer.json`` and ``meta.json`` into ``dateline/models/grouping/``.
GVC dev and ECB+ test are never read here (they are evaluation sets: bench/grouping.py).
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from dateline.link.cluster import (
    TWIN_FLOOR,
    UNDATED_FLOOR,
    LinkSettings,
    ScoredCorpus,
    candidate_pairs,
    cluster_scored,
    score_corpus,
)
from dateline.link.features import all_features
from dateline.link.pairs import FEATURES, FORMAT, MODEL_NAME, PairContext, PairScorer, pair_vector
from dateline.model import Article, from_dict, to_dict
from dateline.pipeline import build_pipeline
from dateline.readers.tabular import record_to_document
from dateline.settings import load_settings
from dateline.train._common import base_parser, fix_seeds, write_meta

PRECISION = 0.98  # least mean B³ precision of the chosen cuts (about 1 document in 50 misplaced)
JOIN_PRECISION = 0.95  # least share of undated joins to a dated group of the same event
DATE_EDGES = (0.0, 2.0, 8.0, 32.0, 64.0, 128.0, 365.0)
CORPUS = Path("ecbplus") / "docs.jsonl"


def corpus_articles(
    path: Path, split: str, *, topics: int | None = None, cache: Path | None = None
) -> tuple[list[Article], dict[str, str], dict[str, str]]:
    """Articles of one ECB+ split through the ingest pipeline, with gold event and topic."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    rows = [r for r in rows if r.get("split") == split]
    if topics is not None:
        keep = sorted({r["topic"] for r in rows})[:topics]
        rows = [r for r in rows if r["topic"] in keep]
    stored: dict[str, dict[str, Any]] = {}
    cache_file = cache / f"{path.parent.name}-{split}.jsonl" if cache else None
    if cache_file is not None and cache_file.is_file():
        for line in cache_file.open(encoding="utf-8"):
            record = json.loads(line)
            stored[record["raw_hash"]] = record
    raws = [record_to_document(r, f"{path}#{r['doc_id']}") for r in rows]
    missing = [raw for raw in raws if raw.raw_hash not in stored]
    if missing:
        pipeline = build_pipeline(settings=load_settings())
        for start in range(0, len(missing), 32):
            for article in pipeline.process_many(missing[start : start + 32]):
                record = to_dict(replace(article, doc=None, tokens=()))
                stored[article.raw_hash or ""] = record
        if cache_file is not None:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            with cache_file.open("w", encoding="utf-8") as fh:
                for record in stored.values():
                    fh.write(json.dumps(record) + "\n")
    articles, gold, topic = [], {}, {}
    for row, raw in zip(rows, raws, strict=True):
        article = from_dict(Article, stored[raw.raw_hash])
        articles.append(article)
        gold[article.id] = str(row["subtopic"])
        topic[article.id] = str(row["topic"])
    return articles, gold, topic


def pair_rows(
    articles: Sequence[Article], cfg: LinkSettings, topic: dict[str, str] | None = None
) -> tuple[list[tuple[str, str]], np.ndarray, PairContext]:
    """The pairs the linker would score, with their signal rows: the candidate pairs, and
    (given `topic`) every pair inside one gold topic, as the linker scores every pair inside
    a component of candidate links."""
    docs = all_features(articles, entity_weight=cfg.entity_weight)
    ctx = PairContext.of(docs)
    chosen = set(candidate_pairs(docs, ctx, cfg))
    if topic is not None:
        ids = sorted(d.id for d in docs)
        chosen.update(
            (a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if topic[a] == topic[b]
        )
    pairs = sorted(chosen)
    rows = np.array([pair_vector(ctx.by_id[a], ctx.by_id[b], ctx) for a, b in pairs])
    return pairs, rows.reshape(len(pairs), len(FEATURES)), ctx


def fit_logistic(
    x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 50
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (weights, bias)."""
    z = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = l2 * np.r_[np.ones(z.shape[1] - 1), 0.0]
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (p - y) + penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def date_term(
    articles: Sequence[Article], gold: dict[str, str]
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Binned log-likelihood ratio of the gap between firm dates, clamped at 0, non-rising."""
    docs = [d for d in all_features(articles) if d.day is not None]
    same: Counter[int] = Counter()
    other: Counter[int] = Counter()
    edges = np.array(DATE_EDGES)
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            gap = abs(a.day - b.day)  # type: ignore[operator]
            at = int(np.searchsorted(edges, gap, side="right") - 1)
            (same if gold[a.id] == gold[b.id] else other)[at] += 1
    bins = len(DATE_EDGES)
    n_same, n_other = sum(same.values()), sum(other.values())
    llr, floor = [], 0.0
    for at in range(bins):
        # Add-one smoothing: a bin with no same-event pair is unlikely, not impossible.
        value = math.log((same[at] + 1) / (n_same + bins)) - math.log(
            (other[at] + 1) / (n_other + bins)
        )
        floor = min(floor, value)
        llr.append(round(floor, 4))
    return DATE_EDGES, tuple(llr)


def fit_platt(logit: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling (a, b) of raw logits against labels."""
    w, b = fit_logistic(logit[:, None], y, l2=1e-6)
    return float(w[0]), b


def b_cubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B³ precision, recall and F1 over the gold items (every item weighted equally)."""
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for item in gold:
        by_pred[predicted[item]].add(item)
        by_gold[gold[item]].add(item)
    both = {i: len(by_pred[predicted[i]] & by_gold[gold[i]]) for i in gold}
    p = sum(both[i] / len(by_pred[predicted[i]]) for i in gold) / len(gold)
    r = sum(both[i] / len(by_gold[gold[i]]) for i in gold) / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (ties count half)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if not len(pos) or not len(neg):
        return math.nan
    order = np.argsort(np.r_[pos, neg], kind="mergesort")
    ranks = np.empty(len(order))
    values = np.r_[pos, neg][order]
    # Average ranks over ties.
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


@dataclass(frozen=True, slots=True)
class Outcome:
    """B³ of one clustering, and how many undated articles joined a dated group of their own
    event (by the majority of its dated members) or of another."""

    precision: float
    recall: float
    f1: float
    joined_right: int = 0
    joined_wrong: int = 0


def outcome(scored: ScoredCorpus, gold: dict[str, str], cfg: LinkSettings) -> Outcome:
    """B³ and undated joins of the real same-event clustering of a scored corpus under `cfg`."""
    grouping = cluster_scored(scored, cfg)
    label = {a: a for a in scored.ids}
    right = wrong = 0
    for group in grouping.groups:
        dated = [m for m in group.members if scored.ctx.by_id[m].day is not None]
        event = Counter(gold[m] for m in dated).most_common(1)[0][0] if dated else None
        for member in group.members:
            label[member] = group.id
            if dated and scored.ctx.by_id[member].day is None:
                right += gold[member] == event
                wrong += gold[member] != event
    return Outcome(*b_cubed(label, {a: gold[a] for a in label}), right, wrong)


def cluster_f1(
    articles: Sequence[Article], gold: dict[str, str], cfg: LinkSettings, scorer: PairScorer
) -> tuple[float, float, float]:
    """B³ of the real same-event clustering under `cfg`."""
    result = outcome(score_corpus(articles, cfg, scorer=scorer), gold, cfg)
    return result.precision, result.recall, result.f1


def twin_precision(scored: ScoredCorpus, cfg: LinkSettings) -> list[tuple[float, str, str]]:
    """(probability, member, twin) of every undated member of a dated group."""
    return [(p, m, t) for g in cluster_scored(scored, cfg).groups for m, t, p in g.twins]


Cut = tuple[float, float]  # (same_event, undated)
UNDATED_GRID = (UNDATED_FLOOR, 0.7, 0.75, 0.8, 0.85, 0.9)


def _cfg(cut: Cut) -> LinkSettings:
    return LinkSettings(same_event=cut[0], undated=cut[1])


def fold_scores(
    train: Sequence[Article],
    gold: dict[str, str],
    topic: dict[str, str],
    pairs: list[tuple[str, str]],
    text: np.ndarray,
    y: np.ndarray,
    scorer: PairScorer,
    grid: Sequence[Cut],
    l2: float,
    folds: int = 5,
) -> list[tuple[int, dict[Cut, Outcome]]]:
    """Outcomes at each pair of cuts on each topic fold of train, from a model fitted on the
    other folds (with the full model's date term and dev calibration)."""
    topics = sorted(set(topic.values()), key=lambda t: (len(t), t))
    out = []
    for k in range(folds):
        held = set(topics[k::folds])
        fit = np.array([topic[a] not in held and topic[b] not in held for a, b in pairs])
        if not fit.any() or fit.all():
            continue
        mean, scale = text[fit].mean(axis=0), text[fit].std(axis=0)
        scale[scale < 1e-9] = 1.0
        weights, bias = fit_logistic((text[fit] - mean) / scale, y[fit], l2=l2)
        weights[FEATURES.index("days")] = 0.0
        model = replace(scorer, mean=mean, scale=scale, weights=weights, bias=bias)
        part = [a for a in train if topic[a.id] in held]
        out.append((len(part), grid_outcomes(part, gold, model, grid)))
    return out


def grid_outcomes(
    articles: Sequence[Article], gold: dict[str, str], scorer: PairScorer, grid: Sequence[Cut]
) -> dict[Cut, Outcome]:
    """The outcome of clustering `articles` at every pair of cuts (each pair scored once)."""
    scored = score_corpus(articles, LinkSettings(), scorer=scorer)
    return {cut: outcome(scored, gold, _cfg(cut)) for cut in grid}


def choose_cuts(
    parts: Sequence[tuple[int, dict[Cut, Outcome]]], grid: Sequence[Cut]
) -> tuple[Cut, dict[Cut, tuple[float, float, float]]]:
    """The cuts with the best document-weighted mean B³ F1 among those whose mean B³
    precision reaches PRECISION and whose undated joins are at least JOIN_PRECISION right
    (pooled); with the mean (P, F1, join precision) of every pair of cuts."""
    total = sum(n for n, _ in parts)
    summary = {}
    for cut in grid:
        p = sum(n * o[cut].precision for n, o in parts) / total
        f1 = sum(n * o[cut].f1 for n, o in parts) / total
        right = sum(o[cut].joined_right for _, o in parts)
        wrong = sum(o[cut].joined_wrong for _, o in parts)
        summary[cut] = (p, f1, right / (right + wrong) if right + wrong else 1.0)
    ok = [c for c in grid if summary[c][0] >= PRECISION and summary[c][2] >= JOIN_PRECISION]
    # Ties go to the stricter cuts.
    best = max(ok or list(grid), key=lambda c: (round(summary[c][1], 4), c[1], c[0]))
    return best, summary


def main(argv: Sequence[str] | None = None) -> int:
    """Train, calibrate, choose thresholds on dev, write the model."""
    parser = base_parser("grouping", __doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=None, help="keep processed articles here")
    parser.add_argument("--topics", type=int, default=None, help="first N topics only (tests)")
    parser.add_argument("--l2", type=float, default=1.0)
    args = parser.parse_args(list(argv) if argv is not None else None)
    fix_seeds(args.seed)
    path = args.corpora / CORPUS
    if not path.is_file():
        print(f"no ECB+ corpus at {path}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    train, train_gold, train_topic = corpus_articles(
        path, "train", topics=args.topics, cache=args.cache
    )
    dev, dev_gold, dev_topic = corpus_articles(path, "dev", topics=args.topics, cache=args.cache)
    print(f"ECB+ train {len(train)} and dev {len(dev)} documents processed", flush=True)
    cfg = LinkSettings()
    pairs, rows, _ = pair_rows(train, cfg, train_topic)
    y = np.array([train_gold[a] == train_gold[b] for a, b in pairs], dtype=float)
    days_at = FEATURES.index("days")
    text = np.nan_to_num(rows.copy())
    text[:, days_at] = 0.0
    mean, scale = text.mean(axis=0), text.std(axis=0)
    scale[scale < 1e-9] = 1.0
    weights, bias = fit_logistic((text - mean) / scale, y, l2=args.l2)
    weights[days_at] = 0.0
    edges, llr = date_term(train, train_gold)
    scorer = PairScorer(FEATURES, mean, scale, weights, bias, edges, llr)
    print(f"train: {len(pairs)} pairs, {int(y.sum())} same-event", flush=True)

    dev_pairs, dev_rows, _ = pair_rows(dev, cfg, dev_topic)
    dev_y = np.array([dev_gold[a] == dev_gold[b] for a, b in dev_pairs], dtype=float)
    scorer = replace(scorer, calibration=fit_platt(scorer.raw_logits(dev_rows), dev_y))
    dev_p = scorer.probabilities(dev_rows)
    within = np.array([dev_topic[a] == dev_topic[b] for a, b in dev_pairs], dtype=bool)
    auc = roc_auc(dev_p, dev_y)
    auc_topic = roc_auc(dev_p[within], dev_y[within])
    tfidf_topic = roc_auc(dev_rows[within, 0], dev_y[within])
    emb_topic = roc_auc(dev_rows[within, 1], dev_y[within])
    print(
        f"dev pairs: {len(dev_pairs)}; AUC {auc:.4f}; within-topic AUC {auc_topic:.4f} "
        f"(TF-IDF alone {tfidf_topic:.4f}, embedding alone {emb_topic:.4f})",
        flush=True,
    )

    # The cuts: the average-linkage cut and the stricter cut for an undated group joining a
    # dated one, chosen together: the best B³ F1 among pairs whose B³ precision reaches
    # PRECISION and whose undated joins are JOIN_PRECISION right, averaged over ECB+ dev and
    # 5 topic folds of train (each fold scored by a model fitted without it), weighted by
    # documents. Dev alone has 8 topics (one pair of look-alike events there moves its best
    # cut from 0.3 to 0.6), and a wrong group costs an analyst more than a missed one: it
    # merges events and dates articles that were never dated.
    grid = [
        (round(0.05 * i, 2), u)
        for i in range(2, 19)
        for u in UNDATED_GRID
        if u >= round(0.05 * i, 2)
    ]
    folds = fold_scores(train, train_gold, train_topic, pairs, text, y, scorer, grid, args.l2)
    dev_scored = score_corpus(dev, cfg, scorer=scorer)
    dev_scores = {c: outcome(dev_scored, dev_gold, _cfg(c)) for c in grid}
    (same, undated), summary = choose_cuts([*folds, (len(dev), dev_scores)], grid)
    print(
        "cuts (same-event, undated): mean B³ P/F1, join precision, dev F1: "
        + ", ".join(
            f"{c[0]}/{c[1]} {summary[c][0]:.3f}/{summary[c][1]:.3f} {summary[c][2]:.3f} "
            f"{dev_scores[c].f1:.3f}"
            for c in grid
            if c[1] in (UNDATED_GRID[0], 0.8)
        )
    )
    tuned = _cfg((same, undated))
    b3 = dev_scores[(same, undated)]
    print(
        f"dev B³ P {b3.precision:.4f} R {b3.recall:.4f} F1 {b3.f1:.4f} (cut {same}, undated "
        f"cut {undated}; undated joins {b3.joined_right} right, {b3.joined_wrong} wrong)",
        flush=True,
    )
    # The lowest probability, at least TWIN_FLOOR ("high"), at which 95% of the dates
    # undated dev articles would take come from a true same-event twin.
    twins = twin_precision(dev_scored, tuned)
    date_cut = 0.99
    for cut in (TWIN_FLOOR, 0.85, 0.9, 0.95):
        chosen = [dev_gold[m] == dev_gold[t] for p, m, t in twins if p >= cut]
        if not chosen or sum(chosen) / len(chosen) >= 0.95:
            date_cut = cut
            break
    dated_right = [dev_gold[m] == dev_gold[t] for p, m, t in twins if p >= date_cut]
    print(
        f"dev twin dating: {len(dated_right)} undated articles would take a date at p >= "
        f"{date_cut}, {sum(dated_right)} from a true same-event twin",
        flush=True,
    )
    scorer = replace(
        scorer,
        meta=(("date_from_twin", date_cut), ("same_event", same), ("undated", undated)),
    )
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "scorer.json").write_text(
        json.dumps(scorer.to_json(), indent=1) + "\n", encoding="utf-8"
    )
    write_meta(
        out,
        name=MODEL_NAME,
        format=FORMAT,
        data="ECB+ train (fit), ECB+ dev (calibration, thresholds)",
        topics=args.topics,
        train_pairs=len(pairs),
        dev={
            "pairs": len(dev_pairs),
            "auc": round(auc, 4),
            "auc_within_topic": round(auc_topic, 4),
            "b3_precision": round(b3.precision, 4),
            "b3_recall": round(b3.recall, 4),
            "b3_f1": round(b3.f1, 4),
            "undated_joins_right": b3.joined_right,
            "undated_joins_wrong": b3.joined_wrong,
            "twin_dates": len(dated_right),
            "twin_dates_right": sum(dated_right),
        },
        thresholds={"same_event": same, "undated": undated, "date_from_twin": date_cut},
    )
    print(f"wrote {out} in {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
