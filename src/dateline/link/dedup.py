"""Copies and near-copies: MinHash LSH over word 5-gram shingles, with containment.

Jaccard alone misses "wire copy plus extra paragraphs" (the added text dilutes it), so a
candidate pair from the LSH index is confirmed on exact shingle sets by *containment*: the
share of the shorter article's shingles found in the longer one. Shared and own passages of a
pair are computed per paragraph, which is what a source comparison shows an analyst.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from datasketch import MinHash, MinHashLSH

from dateline.model import Article, ArticleLink, Span

SHINGLE = 5
NUM_PERM = 128
LSH_THRESHOLD = 0.3  # candidate recall: confirmed exactly afterwards
COPY_JACCARD = 0.9
NEAR_COPY_CONTAINMENT = 0.7
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Lower-cased word n-grams of a text (the whole text when shorter than n words)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def minhash(shingle_set: Iterable[str], num_perm: int = NUM_PERM) -> MinHash:
    """A MinHash signature of a shingle set (seeded, so signatures agree across processes)."""
    signature = MinHash(num_perm=num_perm, seed=7)
    signature.update_batch([s.encode("utf-8") for s in shingle_set])
    return signature


@dataclass(frozen=True, slots=True)
class Overlap:
    """How much two articles share."""

    jaccard: float
    containment: float  # share of the smaller article found in the larger one


def overlap(a: set[str], b: set[str]) -> Overlap:
    """Jaccard and containment of two shingle sets."""
    if not a or not b:
        return Overlap(0.0, 0.0)
    shared = len(a & b)
    return Overlap(shared / len(a | b), shared / min(len(a), len(b)))


def find_copies(articles: Sequence[Article]) -> list[ArticleLink]:
    """Find exact and near copies among articles; candidates from LSH, confirmed exactly."""
    sets = {a.id: shingles(a.text) for a in articles}
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    signatures = {}
    for article in articles:
        signature = minhash(sets[article.id])
        signatures[article.id] = signature
        if article.id not in lsh:
            lsh.insert(article.id, signature)
    links: dict[tuple[str, str], ArticleLink] = {}
    for article in articles:
        for other in lsh.query(signatures[article.id]):
            if other == article.id:
                continue
            a, b = sorted((article.id, other))
            if (a, b) in links:
                continue
            ov = overlap(sets[a], sets[b])
            kind: Literal["copy", "near-copy"]
            if ov.jaccard >= COPY_JACCARD:
                kind = "copy"
            elif ov.containment >= NEAR_COPY_CONTAINMENT:
                kind = "near-copy"
            else:
                continue
            links[(a, b)] = ArticleLink(
                a,
                b,
                kind,
                round(ov.containment, 4),
                (f"jaccard {ov.jaccard:.2f}", f"containment {ov.containment:.2f}"),
            )
    return sorted(links.values(), key=lambda link: (link.a, link.b))


def paragraphs(article: Article) -> list[Span]:
    """The article's paragraphs as spans (blank-line separated)."""
    spans = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", article.text):
        if m.group(0).strip():
            spans.append(Span(m.start(), m.end()))
    return spans


@dataclass(frozen=True, slots=True)
class Comparison:
    """Which paragraphs two articles share and which each has alone."""

    shared: tuple[tuple[Span, Span, float], ...]  # (span in a, best span in b, similarity)
    only_a: tuple[Span, ...]
    only_b: tuple[Span, ...]


def compare(a: Article, b: Article, *, threshold: float = 0.35) -> Comparison:
    """Pair each paragraph with its closest counterpart by word overlap; the rest is own text."""
    pa, pb = paragraphs(a), paragraphs(b)
    words_a = [_content(a.text[p.start : p.end]) for p in pa]
    words_b = [_content(b.text[p.start : p.end]) for p in pb]
    shared = []
    matched_b: set[int] = set()
    only_a = []
    for i, wa in enumerate(words_a):
        best, best_j = 0.0, -1
        for j, wb in enumerate(words_b):
            if wa and wb:
                score = len(wa & wb) / min(len(wa), len(wb))
                if score > best:
                    best, best_j = score, j
        if best >= threshold:
            shared.append((pa[i], pb[best_j], round(best, 3)))
            matched_b.add(best_j)
        else:
            only_a.append(pa[i])
    only_b = [
        p
        for j, p in enumerate(pb)
        if j not in matched_b and not _covered(j, words_b, words_a, threshold)
    ]
    return Comparison(tuple(shared), tuple(only_a), tuple(only_b))


def _covered(j: int, words_b: list[set[str]], words_a: list[set[str]], threshold: float) -> bool:
    wb = words_b[j]
    return bool(wb) and any(
        wa and len(wa & wb) / min(len(wa), len(wb)) >= threshold for wa in words_a
    )


_STOP = frozenset(
    "the a an of to in on for with and or but by at from as is are was were be been this that "
    "these those it its their they he she his her we our has have had which who will would".split()
)


def _content(text: str) -> set[str]:
    return {w for w in (x.lower() for x in _WORD.findall(text)) if w not in _STOP and len(w) > 2}
