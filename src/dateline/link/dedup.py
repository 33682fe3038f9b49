"""Copies and near-copies: MinHash LSH over word 5-gram shingles, with containment.

Jaccard alone misses "wire copy plus extra paragraphs" (the added text dilutes it), so a
candidate pair from the LSH index is confirmed on exact shingle sets by *containment*: the
share of the shorter article's shingles found in the longer one. Shared and own passages of a
pair are computed per paragraph, which is what a source comparison shows an analyst.

`find_copies` gives the links of that LSH index without enumerating its buckets (wire text and
boilerplate fill them with non-copies): the pairs passing the rule are found exactly by a
prefix-filtered join (`_copyjoin`), and kept when their signatures share a band.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH

from dateline.link._copyjoin import (
    candidate_pairs,
    pack,
    passing_pairs,
    shingle_sets,
    words_of,
)
from dateline.model import Article, ArticleLink, Span

SHINGLE = 5
NUM_PERM = 128
LSH_THRESHOLD = 0.3  # candidate recall: confirmed exactly afterwards
COPY_JACCARD = 0.9
NEAR_COPY_CONTAINMENT = 0.7


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Lower-cased word n-grams of a text (the whole text when shorter than n words)."""
    words = words_of(text)
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


def signature(text: str) -> MinHash:
    """The MinHash signature `find_copies` indexes for an article's text."""
    return minhash(shingles(text))


@functools.lru_cache(maxsize=8)
def lsh_params(threshold: float = LSH_THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """The (bands, rows per band) the LSH index of `find_copies` uses for these settings."""
    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return index.b, index.r


def band_keys(sig: MinHash) -> list[tuple[int, str]]:
    """One (band number, key) per LSH band: two texts are candidates when any key is equal.

    The bands are those of the `find_copies` index (same count and rows), so grouping articles
    by these keys yields exactly the candidate pairs its LSH queries return.
    """
    bands, rows = lsh_params(LSH_THRESHOLD, len(sig.hashvalues))
    values = sig.hashvalues
    return [(i, values[i * rows : (i + 1) * rows].tobytes().hex()) for i in range(bands)]


def confirm_copy(
    first: str, second: str, first_set: set[str], second_set: set[str]
) -> ArticleLink | None:
    """The copy or near-copy link between two candidate articles, or None when neither holds."""
    ov = overlap(first_set, second_set)
    if ov.jaccard < COPY_JACCARD and ov.containment < NEAR_COPY_CONTAINMENT:
        return None
    return _link(first, second, ov.jaccard, ov.containment)


# LSH in bulk. `find_copies` keeps the pairs a MinHashLSH index of `minhash` signatures,
# queried for every article, would pair (and `confirm_copy` would confirm), so its links are
# those the Spark runner gets from `band_keys`. Signatures are computed in bulk, for the few
# articles in a pair that passed the exact rule: each shingle hashed once with SHA-1 (as
# datasketch does); the low 32 bits feed the MinHash exactly as datasketch's affine32 scheme
# does (checked against `minhash` on first use, else the signatures come from `minhash`
# itself).
_U64 = npt.NDArray[np.uint64]
_SIG_CHUNK = 1 << 16  # shingles hashed together per MinHash batch (bounds the temporary)


def shingle_hashes(text: str, size: int = SHINGLE) -> _U64:
    """Sorted unique 64-bit hashes (SHA-1 prefixes) of the text's shingles, as in `shingles`."""
    words = words_of(text)
    if not words:
        return np.empty(0, dtype=np.uint64)
    if len(words) < size:
        grams: Iterable[str] = [" ".join(words)]
    else:
        grams = map(" ".join, zip(*(words[k:] for k in range(size)), strict=False))
    sha1 = hashlib.sha1
    digests = np.frombuffer(b"".join([sha1(g).digest() for g in map(str.encode, grams)]), np.uint8)
    return np.unique(digests.reshape(-1, 20)[:, :8].copy().view("<u8").ravel().astype(np.uint64))


def _fmix32(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """MurmurHash3's 32-bit finaliser, elementwise (datasketch's affine32 pre-mix)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


@functools.cache
def _affine32() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]] | None:
    """datasketch's permutations for `minhash`, if vectorising reproduces its signatures."""
    probe = MinHash(num_perm=NUM_PERM, seed=7)
    a, b = (np.asarray(x) for x in probe.permutations)
    if a.dtype != np.uint32 or b.dtype != np.uint32:
        return None  # another datasketch scheme: use `minhash` itself
    words = [f"w{i}" for i in range(40)]
    grams = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    flat = shingle_hashes(" ".join(words))
    mine = _signature_block(flat, np.array([0, len(flat)], dtype=np.int64), a, b)[0]
    same = np.array_equal(mine, np.asarray(minhash(grams).hashvalues)[: len(a)])
    return (a, b) if same else None


def _signature_block(
    flat: _U64, offsets: npt.NDArray[np.int64], a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]
) -> npt.NDArray[np.uint32]:
    """Signatures (articles x len(a)) of CSR-packed non-empty shingle-hash arrays."""
    n = len(offsets) - 1
    out = np.empty((n, len(a)), dtype=np.uint32)
    first = 0
    while first < n:
        last = int(np.searchsorted(offsets, offsets[first] + _SIG_CHUNK, side="right")) - 1
        last = min(max(last, first + 1), n)
        lo, hi = int(offsets[first]), int(offsets[last])
        hv = _fmix32((flat[lo:hi] & np.uint64(0xFFFFFFFF)).astype(np.uint32))
        values = np.multiply.outer(a, hv)
        values += b[:, None]
        starts = (offsets[first:last] - lo).astype(np.intp)
        out[first:last] = np.minimum.reduceat(values, starts, axis=1).T
        first = last
    return out


def _signatures(flat: _U64, offsets: npt.NDArray[np.int64], width: int) -> npt.NDArray[np.uint32]:
    """The first `width` MinHash values of `minhash` for each packed shingle set."""
    perms = _affine32()
    if perms is not None:
        return _signature_block(flat, offsets, perms[0][:width], perms[1][:width])
    # Not the scheme vectorised here: datasketch's own (slow) path, on the same hashes.
    out = np.empty((len(offsets) - 1, width), dtype=np.uint32)
    for i in range(len(offsets) - 1):
        sig = MinHash(num_perm=NUM_PERM, seed=7)
        low = flat[offsets[i] : offsets[i + 1]] & np.uint64(0xFFFFFFFF)
        sig.hashfunc = int  # the 32-bit SHA-1 value is already the hash
        sig.update_batch(low.tolist())
        out[i] = np.asarray(sig.hashvalues)[:width]
    return out


def _candidates(flat: _U64, offsets: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Unique LSH candidate pairs as sorted codes lo * n + hi (lo < hi): equal band keys.

    A bucket of k articles yields its k(k-1)/2 pairs; pairs are generated a bucket size at a
    time with NumPy and deduplicated across bands as they accumulate.
    """
    n = len(offsets) - 1
    if n < 2:
        return np.empty(0, dtype=np.int64)
    bands, rows = lsh_params(LSH_THRESHOLD, NUM_PERM)
    sig = _signatures(flat, offsets, bands * rows)
    codes: list[npt.NDArray[np.int64]] = []
    pending = 0
    for band in range(bands):
        cols = sig[:, band * rows : (band + 1) * rows]
        order = np.lexsort(cols.T[::-1])
        ks = cols[order]
        new = np.ones(n, dtype=bool)
        new[1:] = np.any(ks[1:] != ks[:-1], axis=1)
        starts = np.flatnonzero(new)
        lengths = np.diff(np.append(starts, n))
        for length in np.unique(lengths[lengths > 1]).tolist():
            run_starts = starts[lengths == length]
            ti, tj = np.triu_indices(length, 1)
            x = order[run_starts[:, None] + ti[None, :]].ravel().astype(np.int64)
            y = order[run_starts[:, None] + tj[None, :]].ravel().astype(np.int64)
            codes.append(np.minimum(x, y) * n + np.maximum(x, y))
            pending += len(x)
        if pending > 1 << 22:
            codes, pending = [np.unique(np.concatenate(codes))], 0
    if not codes:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(codes))


def lsh_candidates(hash_sets: Sequence[_U64]) -> list[tuple[int, int]]:
    """Index pairs (i < j) of shingle-hash sets that share an LSH band key (empty sets: none)."""
    keep = [i for i, h in enumerate(hash_sets) if len(h)]
    flat, offsets = pack([hash_sets[i] for i in keep])
    n = len(keep)
    return [(keep[c // n], keep[c % n]) for c in _candidates(flat, offsets).tolist()]


def find_copies(articles: Sequence[Article]) -> list[ArticleLink]:
    """Find exact and near copies: the pairs an LSH index would pair that pass the exact rule.

    The links are those of a MinHashLSH index queried for every article, each candidate
    confirmed on shingle sets (`confirm_copy`), but the LSH candidates are never enumerated:
    the pairs that pass the rule are found exactly (`_copyjoin.passing_pairs`, near linear
    when many articles share boilerplate or wire paragraphs), then kept when their MinHash
    signatures agree on a band, as the index would have paired them.
    """
    texts = {a.id: a.text for a in articles}  # an id given twice keeps its last text
    ids = list(texts)
    flat, offsets = shingle_sets(list(texts.values()), SHINGLE)
    # Articles with one shingle set are one entry (their signatures are equal, so they are
    # candidates of each other and of the same others).
    entry: dict[bytes, int] = {}
    kept: list[int] = []
    members: list[list[str]] = []
    for i, article_id in enumerate(ids):
        own = flat[offsets[i] : offsets[i + 1]]
        if not len(own):
            continue  # no words: overlaps nothing
        index = entry.setdefault(hashlib.blake2b(own.tobytes()).digest(), len(kept))
        if index == len(kept):
            kept.append(i)
            members.append([])
        members[index].append(article_id)
    del entry
    flat, offsets = pack([flat[offsets[i] : offsets[i + 1]] for i in kept])
    links = [_link(x, y, 1.0, 1.0) for g in members for i, x in enumerate(g) for y in g[i + 1 :]]
    n = max(len(kept), 1)
    pairs = candidate_pairs(flat, offsets, NEAR_COPY_CONTAINMENT)
    lo, hi = pairs // n, pairs % n
    del pairs
    # The LSH test first: a pair of signatures costs less to compare than a pair of sets.
    keep = _share_a_band([texts[ids[i]] for i in kept], lo, hi)
    lo, hi, shared = passing_pairs(
        flat, offsets, lo[keep], hi[keep], COPY_JACCARD, NEAR_COPY_CONTAINMENT
    )
    sizes = np.diff(offsets)
    del flat
    size_lo, size_hi = sizes[lo], sizes[hi]
    jaccard = shared / (size_lo + size_hi - shared)
    containment = shared / np.minimum(size_lo, size_hi)
    for k in range(len(lo)):
        jac, cont = float(jaccard[k]), float(containment[k])
        links.extend(_link(x, y, jac, cont) for x in members[lo[k]] for y in members[hi[k]])
    return sorted(links, key=lambda link: (link.a, link.b))


def _share_a_band(
    texts: Sequence[str], lo: npt.NDArray[np.int64], hi: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Whether each pair's MinHash signatures agree on a whole LSH band (LSH candidates).

    Only the texts in a pair are hashed (SHA-1, as datasketch hashes shingles).
    """
    if not len(lo):
        return np.zeros(0, dtype=bool)
    bands, rows = lsh_params(LSH_THRESHOLD, NUM_PERM)
    involved, where = np.unique(np.concatenate((lo, hi)), return_inverse=True)
    hashed = [shingle_hashes(texts[i]) for i in involved.tolist()]  # as datasketch hashes
    sig = _signatures(*pack(hashed), bands * rows)
    a, b = where[: len(lo)], where[len(lo) :]
    out = np.empty(len(lo), dtype=bool)
    step = 1 << 16
    for k in range(0, len(lo), step):
        same = sig[a[k : k + step]] == sig[b[k : k + step]]
        out[k : k + step] = same.reshape(-1, bands, rows).all(axis=2).any(axis=1)
    return out


def _link(x: str, y: str, jaccard: float, containment: float) -> ArticleLink:
    """The link for a confirmed pair with this overlap: a copy, else a near copy."""
    a, b = (x, y) if x < y else (y, x)
    kind: Literal["copy", "near-copy"] = "copy" if jaccard >= COPY_JACCARD else "near-copy"
    return ArticleLink(
        a,
        b,
        kind,
        round(containment, 4),
        (f"jaccard {jaccard:.2f}", f"containment {containment:.2f}"),
    )


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
    return {w for w in words_of(text) if w not in _STOP and len(w) > 2}
