"""Clustering scores: B-cubed, adjusted Rand index and V-measure (written for dateline)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping


def b_cubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B³ precision, recall and F1 over the items of `gold`."""
    items = list(gold)
    pred_members: dict[str, set[str]] = {}
    gold_members: dict[str, set[str]] = {}
    for item in items:
        pred_members.setdefault(predicted[item], set()).add(item)
        gold_members.setdefault(gold[item], set()).add(item)
    p = r = 0.0
    for item in items:
        mine = pred_members[predicted[item]]
        truth = gold_members[gold[item]]
        both = len(mine & truth)
        p += both / len(mine)
        r += both / len(truth)
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _comb2(n: int) -> float:
    return n * (n - 1) / 2


def adjusted_rand(predicted: Mapping[str, str], gold: Mapping[str, str]) -> float:
    """Adjusted Rand index of two labelings."""
    items = list(gold)
    n = len(items)
    cells = Counter((predicted[i], gold[i]) for i in items)
    rows = Counter(predicted[i] for i in items)
    cols = Counter(gold[i] for i in items)
    index = sum(_comb2(c) for c in cells.values())
    expected = sum(_comb2(c) for c in rows.values()) * sum(_comb2(c) for c in cols.values())
    expected /= _comb2(n) if n > 1 else 1
    maximum = (sum(_comb2(c) for c in rows.values()) + sum(_comb2(c) for c in cols.values())) / 2
    return (index - expected) / (maximum - expected) if maximum != expected else 1.0


def _entropy(counts: Counter[str], n: int) -> float:
    return -sum(c / n * math.log(c / n) for c in counts.values() if c)


def v_measure(predicted: Mapping[str, str], gold: Mapping[str, str]) -> float:
    """V-measure: harmonic mean of homogeneity and completeness."""
    items = list(gold)
    n = len(items)
    cells = Counter((predicted[i], gold[i]) for i in items)
    rows = Counter(predicted[i] for i in items)
    cols = Counter(gold[i] for i in items)
    h_gold, h_pred = _entropy(cols, n), _entropy(rows, n)
    h_gold_given_pred = -sum(c / n * math.log(c / rows[p]) for (p, _g), c in cells.items())
    h_pred_given_gold = -sum(c / n * math.log(c / cols[g]) for (_p, g), c in cells.items())
    homogeneity = 1.0 if h_gold == 0 else 1 - h_gold_given_pred / h_gold
    completeness = 1.0 if h_pred == 0 else 1 - h_pred_given_gold / h_pred
    total = homogeneity + completeness
    return 2 * homogeneity * completeness / total if total else 0.0
