"""Exact attribution scores with Citron's definitions, for model selection during training.

The same definitions as `../shared/score/polnear.py` (which a test shows this agrees with):
each span is normalised (pieces lose surrounding whitespace and punctuation, pieces joined by
only whitespace or punctuation merge); a predicted cue is right when it equals a gold cue; a
source (content) is right when its cue overlaps the gold cue and the sources (contents) are
equal, no source on both sides counting as equal; pairs are matched one to one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

Pieces = Sequence[tuple[int, int]]
Norm = tuple[tuple[int, int], ...]
ROLES = ("source", "cue", "content")


def _blank(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def normalize(pieces: Iterable[tuple[int, int]] | None, text: str) -> Norm:
    """Canonical extent of a span: trimmed, merged pieces."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(pieces or ()):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        ps, pe = s, e
        while ps < pe and _blank(text[ps]):
            ps += 1
        while pe > ps and _blank(text[pe - 1]):
            pe -= 1
        s, e = (ps, pe) if ps < pe else (s, e)
        if s == e:
            continue
        if out and all(_blank(ch) for ch in text[out[-1][1] : s]):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return tuple(out)


def _overlap(a: Norm, b: Norm) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _matching(n_pred: int, n_gold: int, ok: Callable[[int, int], bool]) -> int:
    """Size of a maximum one-to-one matching between predictions and gold items."""
    adj = [[j for j in range(n_gold) if ok(i, j)] for i in range(n_pred)]
    owner: list[int | None] = [None] * n_gold

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j not in seen:
                seen.add(j)
                prev = owner[j]
                if prev is None or augment(prev, seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(n_pred))


Attribution = Mapping[str, Any]


def score(
    texts: Sequence[str],
    gold: Sequence[Sequence[Attribution]],
    pred: Sequence[Sequence[Attribution]],
) -> dict[str, dict[str, float]]:
    """Exact P/R/F1 (fractions) for source, cue, content and whole attributions."""
    same: dict[str, Callable[[dict[str, Norm], dict[str, Norm]], bool]] = {
        "cue": lambda p, g: p["cue"] == g["cue"],
        "source": lambda p, g: _overlap(p["cue"], g["cue"]) and p["source"] == g["source"],
        "content": lambda p, g: _overlap(p["cue"], g["cue"]) and p["content"] == g["content"],
        "attribution": lambda p, g: all(p[r] == g[r] for r in ROLES),
    }
    hits = dict.fromkeys(same, 0)
    n_gold = n_pred = 0
    for text, g_atts, p_atts in zip(texts, gold, pred, strict=True):
        G = [{r: normalize(a.get(r), text) for r in ROLES} for a in g_atts]
        P = [{r: normalize(a.get(r), text) for r in ROLES} for a in p_atts]
        n_gold += len(G)
        n_pred += len(P)
        for kind, ok in same.items():

            def pair_ok(i: int, j: int, ok: Any = ok, P: Any = P, G: Any = G) -> bool:
                return bool(ok(P[i], G[j]))

            hits[kind] += _matching(len(P), len(G), pair_ok)
    out = {}
    for kind, hit in hits.items():
        p = hit / n_pred if n_pred else 0.0
        r = hit / n_gold if n_gold else 0.0
        out[kind] = {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
    return out
