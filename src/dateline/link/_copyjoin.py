"""The exact half of copy detection: every pair of shingle sets that can pass the copy rule.

`find_copies` keeps a pair when the smaller set has at least ``NEAR_COPY_CONTAINMENT`` of its
shingles in the other (a Jaccard of 0.9 implies it). Rather than enumerate LSH buckets, which
boilerplate and wire paragraphs fill with thousands of non-copies, the pairs that can pass are
found with a prefix filter over an inverted index and then counted exactly, so the cost grows
with the pairs that share rare text, not with the square of a bucket.

Shingles here are 64-bit codes mixed from the words' own hashes: one set per article is exact
up to 64-bit collisions (~5e-20 a pair of shingles), and costs a fraction of hashing each
shingle's string. Codes are compared only within one call, so they need not be stable across
processes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dateline.languages import strip_marks

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
WORD = re.compile(r"\w+", re.UNICODE)
CHUNK = 1 << 20  # entries gathered per NumPy batch (bounds every temporary)
# Beyond a set's prefix, shingles held by at most this many sets are also probed, and a pair
# must then meet in enough of them (see `candidate_pairs`): it costs at most this many index
# entries a shingle and drops pairs that share a place name and a stock phrase but no story.
EXTEND_DF = 32

_SEED = np.uint64(0x243F6A8885A308D3)
_MUL = np.uint64(0x9E3779B97F4A7C15)


def _mix(h: U64) -> U64:
    """SplitMix64's finaliser, elementwise (spreads every input bit over the 64)."""
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def shingle_sets(texts: Sequence[str], size: int) -> tuple[U64, I64]:
    """Each text's shingle set as sorted unique codes, CSR-packed: (flat codes, offsets).

    A shingle is `size` consecutive words of `words_of` (the whole text when shorter, coded
    apart from every `size`-gram); a text without words has an empty set.
    """
    # A word is its str hash (64 bits, fixed within the process: enough, as codes are only
    # compared within one call); collisions between words are as rare as between shingles.
    arrays = []
    for text in texts:
        words = words_of(text)
        arrays.append(np.fromiter(map(hash, words), dtype=np.int64, count=len(words)))
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    ids = (np.concatenate(arrays) if arrays else np.empty(0, dtype=np.int64)).view(np.uint64)
    del arrays
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    # Whole-length windows over the concatenation; those running into the next text go.
    count = max(len(ids) - size + 1, 0)
    codes = np.full(count, _SEED ^ np.uint64(size), dtype=np.uint64)
    for k in range(size):
        codes = _mix((codes ^ ids[k : k + count]) * _MUL)
    sets = []
    for start, length in zip(starts.tolist(), lengths.tolist(), strict=True):
        if length >= size:  # the windows starting in this text and ending in it
            sets.append(np.unique(codes[start : start + length - size + 1]))
        elif length:  # shorter than a shingle: one code for all its words
            h = np.full(1, _SEED ^ np.uint64(length), dtype=np.uint64)
            for k in range(length):
                h = _mix((h ^ ids[start + k : start + k + 1]) * _MUL)
            sets.append(h)
        else:
            sets.append(ids[:0])
    return pack(sets)


def words_of(text: str) -> list[str]:
    """The text's words, lower-cased, combining marks removed (what shingles are made of)."""
    if text.isascii():  # lowering ASCII first finds the same words, in one call
        return WORD.findall(text.lower())
    return [w.lower() for w in WORD.findall(strip_marks(text))]


def pack(arrays: Sequence[U64]) -> tuple[U64, I64]:
    """CSR packing: one flat array and offsets (len + 1)."""
    offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in arrays], out=offsets[1:])
    flat = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.uint64)
    return flat, offsets


def min_shared(sizes: I64, containment: float) -> I64:
    """The fewest shared shingles giving `containment` of a set of each size.

    Computed as the confirmation computes containment (a float division), so no pair the rule
    accepts falls below it by rounding.
    """
    size = np.maximum(sizes, 1)
    need = np.ceil(size * containment).astype(np.int64)
    need = np.where((need - 1) / size >= containment, need - 1, need)
    return np.where(need / size < containment, need + 1, need)


def candidate_pairs(flat: U64, offsets: I64, containment: float) -> I64:
    """Every pair of sets that can reach `containment`, as sorted codes lo * n + hi (lo < hi).

    Prefix filtering (Bayardo, Ma and Srikant, "Scaling up all pairs similarity search", WWW
    2007; Xiao et al., PPJoin, 2008): order all shingles rarest first (by how many sets hold
    them; ties by code). If the smaller set S of a pair shares at least t = `min_shared(|S|)`
    shingles with the other, at most |S| - t of S's shingles are missing from it, so among
    S's first q shingles at least q - (|S| - t) are shared. With q = |S| - t + 1 (the prefix)
    that is one: the pair is found by looking S's prefix up in an index of every set. q is
    taken further, over the shingles held by at most `EXTEND_DF` sets, and a pair is kept
    only when it meets that count. Shingles held by one set count as misses and are never
    looked up; boilerplate, held by many, comes last in every order and is looked up only
    for an article that is nearly all boilerplate. A pair (S, D) is looked up from S's side
    when |S| < |D|, or |S| = |D| and S comes first, so each pair is counted once.
    """
    n = len(offsets) - 1
    if n < 2:
        return np.empty(0, dtype=np.int64)
    sizes = np.diff(offsets)
    doc = np.repeat(np.arange(n, dtype=np.int32), sizes)
    # The inverted index: entries sorted by shingle; token ids in code order.
    order = np.argsort(flat, kind="stable")
    by_code = flat[order]
    new = np.empty(len(by_code), dtype=bool)
    new[:1] = True
    np.not_equal(by_code[1:], by_code[:-1], out=new[1:])
    del by_code
    starts = np.flatnonzero(new)
    df = np.diff(np.append(starts, len(flat))).astype(np.int64)
    token = np.empty(len(flat), dtype=np.int32)
    token[order] = (np.cumsum(new) - 1).astype(np.int32)
    posting = doc[order]
    del order, new
    prefix = sizes - min_shared(sizes, containment) + 1
    probe_tok, probe_doc, need = _probes(token, doc, df, offsets, prefix)
    del token, doc
    # Each probe meets every set holding its shingle; pairs are counted per S, a bounded
    # slice of S's at a time (a slice always ends at the end of an S).
    counts = df[probe_tok]
    ends = np.cumsum(counts)
    found: list[I64] = []
    done = 0
    while done < len(probe_tok):
        stop = int(np.searchsorted(ends, (ends[done - 1] if done else 0) + CHUNK, "right"))
        stop = max(stop, done + 1)
        stop = int(np.searchsorted(probe_doc, probe_doc[stop - 1], "right"))
        lens = counts[done:stop]
        seg = np.zeros(len(lens), dtype=np.int64)
        np.cumsum(lens[:-1], out=seg[1:])
        gather = np.repeat(starts[probe_tok[done:stop]] - seg, lens) + np.arange(int(lens.sum()))
        other = posting[gather].astype(np.int64)
        own = np.repeat(probe_doc[done:stop], lens).astype(np.int64)
        wanted = (sizes[other] > sizes[own]) | ((sizes[other] == sizes[own]) & (other > own))
        pairs, hits = np.unique(own[wanted] * n + other[wanted], return_counts=True)
        pairs = pairs[hits >= need[pairs // n]]
        x, y = pairs // n, pairs % n
        found.append(np.minimum(x, y) * n + np.maximum(x, y))
        done = stop
    if not found:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(found))


def _probes(
    token: npt.NDArray[np.int32],
    doc: npt.NDArray[np.int32],
    df: I64,
    offsets: I64,
    prefix: I64,
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], I64]:
    """The shingles each set looks up (in set order) and the hits a pair needs, per set."""
    n = len(offsets) - 1
    need = np.ones(n, dtype=np.int64)
    tokens: list[npt.NDArray[np.int32]] = []
    docs: list[npt.NDArray[np.int32]] = []
    first = 0
    while first < n:
        last = int(np.searchsorted(offsets, offsets[first] + CHUNK, side="right")) - 1
        last = min(max(last, first + 1), n)
        lo, hi = int(offsets[first]), int(offsets[last])
        tok, own = token[lo:hi], doc[lo:hi]
        ranked = np.lexsort((tok, df[tok], own))
        tok, own = tok[ranked], own[ranked]
        position = np.arange(lo, hi) - offsets[own]
        held = df[tok]
        # q: the prefix, or further while shingles are held by few sets (they come first).
        cheap = np.bincount(own - first, weights=held <= EXTEND_DF, minlength=last - first)
        q = np.maximum(prefix[first:last], cheap.astype(np.int64))
        need[first:last] = q - prefix[first:last] + 1
        keep = (position < q[own - first]) & (held > 1)
        tokens.append(tok[keep])
        docs.append(own[keep])
        first = last
    if not tokens:
        return np.empty(0, np.int32), np.empty(0, np.int32), need
    return np.concatenate(tokens), np.concatenate(docs), need


def shared_counts(flat: U64, offsets: I64, lo: I64, hi: I64) -> I64:
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
            stop = min(e, pos + max(1, int(np.searchsorted(np.cumsum(lens), CHUNK))))
            lens = lens[: stop - pos]
            seg = np.zeros(len(lens), dtype=np.int64)
            np.cumsum(lens[:-1], out=seg[1:])
            gather = np.repeat(offsets[hi[pos:stop]] - seg, lens) + np.arange(int(lens.sum()))
            right = flat[gather]
            idx = np.minimum(np.searchsorted(left, right), len(left) - 1)
            shared[pos:stop] = np.add.reduceat((left[idx] == right).astype(np.int64), seg)
            pos = stop
    return shared


def passing_pairs(
    flat: U64, offsets: I64, lo: I64, hi: I64, jaccard_min: float, containment_min: float
) -> tuple[I64, I64, I64]:
    """Of the pairs (lo, hi), sorted by lo, those whose exact sets pass the copy rule, with
    their shared counts."""
    shared = shared_counts(flat, offsets, lo, hi)
    sizes = np.diff(offsets)
    size_lo, size_hi = sizes[lo], sizes[hi]
    jaccard = shared / np.maximum(size_lo + size_hi - shared, 1)
    containment = shared / np.maximum(np.minimum(size_lo, size_hi), 1)
    hits = (jaccard >= jaccard_min) | (containment >= containment_min)
    return lo[hits], hi[hits], shared[hits]
