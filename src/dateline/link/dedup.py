"""Copies and near-copies: MinHash LSH over word 5-gram shingles, with containment.

Jaccard alone misses "wire copy plus extra paragraphs" (the added text dilutes it), so a
candidate pair from the LSH index is confirmed on exact shingle sets by *containment*: the
share of the shorter article's shingles found in the longer one. Shared and own passages of a
pair are computed per paragraph, which is what a source comparison shows an analyst.
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

from dateline.languages import strip_marks
from dateline.model import Article, ArticleLink, Span

SHINGLE = 5
NUM_PERM = 128
LSH_THRESHOLD = 0.3  # candidate recall: confirmed exactly afterwards
COPY_JACCARD = 0.9
NEAR_COPY_CONTAINMENT = 0.7
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Lower-cased word n-grams of a text (the whole text when shorter than n words)."""
    words = [w.lower() for w in _WORD.findall(strip_marks(text))]
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


# Scalable path of find_copies. It gives the links that a MinHashLSH index of `minhash`
# signatures, queried for every article, with candidates confirmed by `confirm_copy`, gives
# (the same bands as `band_keys`), computed in bulk: each shingle is hashed once with SHA-1 (as
# datasketch does); the low 32 bits feed the MinHash exactly as datasketch's affine32 scheme
# does (checked against `minhash` on first use, else the signatures come from `minhash`
# itself), and the first 64 bits stand for the shingle in the exact overlap, so an article's
# shingle set is a sorted uint64 array rather than a Python set of strings. Two different
# shingles share 64 bits with probability ~5e-20 a pair, far too rarely to move a threshold.
_U64 = npt.NDArray[np.uint64]
_SIG_CHUNK = 1 << 16  # shingles hashed together per MinHash batch (bounds the temporary)
_PAIR_CHUNK = 1 << 20  # shingles gathered per verification batch


def shingle_hashes(text: str, size: int = SHINGLE) -> _U64:
    """Sorted unique 64-bit hashes (SHA-1 prefixes) of the text's shingles, as in `shingles`."""
    words = [w.lower() for w in _WORD.findall(strip_marks(text))]
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


def _pack(arrays: Sequence[_U64]) -> tuple[_U64, npt.NDArray[np.int64]]:
    """CSR packing: one flat array and offsets (len + 1)."""
    offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in arrays], out=offsets[1:])
    flat = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.uint64)
    return flat, offsets


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
    flat, offsets = _pack([hash_sets[i] for i in keep])
    n = len(keep)
    return [(keep[c // n], keep[c % n]) for c in _candidates(flat, offsets).tolist()]


def _shared_counts(
    flat: _U64, offsets: npt.NDArray[np.int64], lo: npt.NDArray[np.int64], hi: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Exact |A & B| for each pair (lo[k], hi[k]), pairs sorted by lo: one search per batch."""
    sizes = np.diff(offsets)
    shared = np.zeros(len(lo), dtype=np.int64)
    if not len(lo):
        return shared
    bounds = np.flatnonzero(np.diff(lo)) + 1
    group_starts = np.concatenate(([0], bounds)).tolist()
    group_ends = np.concatenate((bounds, [len(lo)])).tolist()
    for s, e in zip(group_starts, group_ends, strict=True):
        left = flat[offsets[lo[s]] : offsets[lo[s] + 1]]
        pos = s
        while pos < e:
            lens = sizes[hi[pos:e]]
            stop = min(e, pos + max(1, int(np.searchsorted(np.cumsum(lens), _PAIR_CHUNK))))
            lens = lens[: stop - pos]
            seg = np.zeros(len(lens), dtype=np.int64)
            np.cumsum(lens[:-1], out=seg[1:])
            gather = np.repeat(offsets[hi[pos:stop]] - seg, lens) + np.arange(int(lens.sum()))
            right = flat[gather]
            idx = np.minimum(np.searchsorted(left, right), len(left) - 1)
            shared[pos:stop] = np.add.reduceat((left[idx] == right).astype(np.int64), seg)
            pos = stop
    return shared


def find_copies(articles: Sequence[Article]) -> list[ArticleLink]:
    """Find exact and near copies among articles; candidates from LSH, confirmed exactly."""
    texts = {a.id: a.text for a in articles}  # an id given twice keeps its last text
    # Articles with one shingle set are one entry for LSH and verification (their signatures
    # are equal, so they are candidates of each other and of the same others).
    entry: dict[bytes, int] = {}
    arrays: list[_U64] = []
    members: list[list[str]] = []
    for article_id, text in texts.items():
        hashes = shingle_hashes(text)
        if not len(hashes):
            continue  # no words: overlaps nothing
        index = entry.setdefault(hashlib.blake2b(hashes.tobytes()).digest(), len(arrays))
        if index == len(arrays):
            arrays.append(hashes)
            members.append([])
        members[index].append(article_id)
    del texts, entry
    flat, offsets = _pack(arrays)
    del arrays
    n = len(members)
    codes = _candidates(flat, offsets)
    lo, hi = codes // n, codes % n
    del codes
    shared = _shared_counts(flat, offsets, lo, hi)
    sizes = np.diff(offsets)
    size_lo, size_hi = sizes[lo], sizes[hi]
    jaccard = shared / (size_lo + size_hi - shared)
    containment = shared / np.minimum(size_lo, size_hi)
    hits = np.flatnonzero((jaccard >= COPY_JACCARD) | (containment >= NEAR_COPY_CONTAINMENT))
    links = [_link(x, y, 1.0, 1.0) for g in members for i, x in enumerate(g) for y in g[i + 1 :]]
    for k in hits.tolist():
        jac, cont = float(jaccard[k]), float(containment[k])
        links.extend(_link(x, y, jac, cont) for x in members[lo[k]] for y in members[hi[k]])
    return sorted(links, key=lambda link: (link.a, link.b))


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
    return {
        w
        for w in (x.lower() for x in _WORD.findall(strip_marks(text)))
        if w not in _STOP and len(w) > 2
    }
