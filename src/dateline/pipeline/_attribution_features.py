"""Token features for the attribution tagger, computed from a spaCy parse with numpy.

One row per token, one column per feature; every cell is a 64-bit id that the model hashes
into an embedding table (so no vocabulary is stored). Besides the token's own attributes the
columns describe where the token sits in the parse relative to the verbs above it ("inside
the clausal complement of *say*", "starts the subject of *say*") and whether it lies inside a
quotation: what decides where a source or a content begins and ends, often far from the cue.
Training and serving call the same function, so the model always sees the same features.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.attrs import (
    DEP,
    ENT_IOB,
    ENT_TYPE,
    HEAD,
    IS_PUNCT,
    LEMMA,
    NORM,
    POS,
    SENT_START,
    SHAPE,
    SUFFIX,
    TAG,
)

# Feature columns, in order (the model's embedding tables follow this list).
COLUMNS = (
    "norm", "suffix", "shape", "lemma", "tag", "dep", "ent", "head",
    "verb1", "verb2", "verb3", "quote", "children", "starts", "ends", "where",
)  # fmt: skip
_ATTRS = [NORM, SUFFIX, SHAPE, LEMMA, TAG, DEP, ENT_IOB, ENT_TYPE, HEAD, POS]
_MAX_DEPTH = 24  # deeper parse paths are cut (news sentences rarely exceed 15 levels)
_OPENING = frozenset({"“", "«", "„", "``"})
_CLOSING = frozenset({"”", "»", "''"})
_STRAIGHT = frozenset({'"'})
_CHILD_DEPS = ("nsubj", "nsubjpass", "ccomp", "xcomp", "dobj", "agent", "parataxis", "mark")
_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)


def _mix(*columns: np.ndarray) -> np.ndarray:
    """Combine id columns into one id per row (order-sensitive, wrapping uint64 arithmetic)."""
    out = np.full(columns[0].shape, 0x12345, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i, col in enumerate(columns):
            out = (out ^ col.astype(np.uint64)) * _P1 + np.uint64(i + 1) * _P2
    return out


def _ids(values: dict[str, int], names: list[str]) -> np.ndarray:
    return np.array([values[n] for n in names], dtype=np.uint64)


class _Strings:
    """Small fixed ids for the categorical values this module invents."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        if name not in self.values:
            self.values[name] = len(self.values) + 1
        return self.values[name]


@dataclass(frozen=True, slots=True)
class Parsed:
    """A document's feature ids and the parse arrays the linker reads (one row per token)."""

    features: np.ndarray  # (n, len(COLUMNS)) uint64
    head: np.ndarray  # index of each token's head (itself at a root)
    depth: np.ndarray  # steps from the token to its sentence root
    sent: np.ndarray  # sentence number
    para: np.ndarray  # paragraph number (a line break starts one)
    quote: np.ndarray  # 1 for quotation marks, 0 otherwise
    right: np.ndarray  # the last token of each token's subtree
    punct: np.ndarray  # 1 for punctuation


def doc_features(doc: Any) -> np.ndarray:
    """Return an (n_tokens, len(COLUMNS)) uint64 array of feature ids for a parsed Doc."""
    return analyse(doc).features


def analyse(doc: Any) -> Parsed:
    """Compute the feature ids and parse arrays of a parsed Doc."""
    n = len(doc)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Parsed(np.zeros((0, len(COLUMNS)), dtype=np.uint64), *([empty] * 7))
    arr = doc.to_array(_ATTRS)
    norm, suffix, shape, lemma, tag, dep, iob, etype, rel, pos = (arr[:, i] for i in range(10))
    idx = np.arange(n)
    head = (idx + rel.astype(np.int64)).astype(np.int64)
    verbal = np.isin(pos, _VERB_POS)
    root = head == idx

    # The first three verbs above each token, with the relation by which the path enters each.
    verb_cols = []
    child = idx.copy()
    node = head.copy()
    found = np.zeros(n, dtype=np.int64)
    cols = [np.zeros(n, dtype=np.uint64) for _ in range(3)]
    for _ in range(_MAX_DEPTH):
        hit = verbal[node] & (node != child) & (found < 3)
        if hit.any():
            value = _mix(dep[child], lemma[node], np.minimum(found, 2))
            for k in range(3):
                sel = hit & (found == k)
                cols[k][sel] = value[sel]
            found[hit] += 1
        moved = node != child
        if not moved.any():
            break
        child = np.where(moved, node, child)
        node = head[node]
    verb_cols = cols

    # Depth and subtree edges (spaCy parses are projective: a subtree is a contiguous run).
    depth = np.zeros(n, dtype=np.int64)
    left = idx.copy()
    right = idx.copy()
    node = idx.copy()
    for _ in range(_MAX_DEPTH):
        parent = head[node]
        up = parent != node
        if not up.any():
            break
        depth[up] += 1
        np.minimum.at(left, parent[up], idx[up])
        np.maximum.at(right, parent[up], idx[up])
        node = np.where(up, parent, node)
    # The widest argument of a verb that starts (ends) at each token: "that" starts the
    # ccomp of "said", "Trump" both starts and ends its nsubj.
    arg = verbal[head] & ~root
    starts = _edge_feature(n, left, depth, arg, dep, lemma, head)
    ends = _edge_feature(n, right, depth, arg, dep, lemma, head)

    # Child relations of the token (a verb with a subject and a clausal complement is a cue).
    strings = _Strings()
    bits = np.zeros(n, dtype=np.int64)
    for b, name in enumerate(_CHILD_DEPS):
        mask = dep == doc.vocab.strings[name]
        if mask.any():
            np.bitwise_or.at(bits, head[mask & ~root], 1 << b)
    children = _mix(bits.astype(np.uint64), pos)

    texts = [t.text for t in doc]
    sent_id = np.cumsum(doc.to_array([SENT_START]).reshape(-1) == 1)
    quote = _quote_states(texts, sent_id, strings)
    where = _where(texts, sent_id, strings)
    ent = _mix(iob, etype)
    head_col = _mix(lemma[head], dep)
    features = np.stack(
        [norm, suffix, shape, lemma, tag, dep, ent, head_col, *verb_cols,
         quote, children, starts, ends, where],
        axis=1,
    ).astype(np.uint64)  # fmt: skip
    marks = (quote == strings("open")) | (quote == strings("close"))
    para = np.cumsum(quote == strings("para"))
    punct = doc.to_array([IS_PUNCT]).reshape(-1).astype(np.int64)
    return Parsed(features, head, depth, sent_id, para, marks.astype(np.int64), right, punct)


def _edge_feature(
    n: int,
    edge: np.ndarray,
    depth: np.ndarray,
    arg: np.ndarray,
    dep: np.ndarray,
    lemma: np.ndarray,
    head: np.ndarray,
) -> np.ndarray:
    """For each token, (relation, verb) of the shallowest verb argument whose edge it is."""
    best = np.full(n, _MAX_DEPTH + 1, dtype=np.int64)
    nodes = np.nonzero(arg)[0]
    if nodes.size:
        np.minimum.at(best, edge[nodes], depth[nodes])
    out = np.zeros(n, dtype=np.uint64)
    chosen = nodes[depth[nodes] == best[edge[nodes]]]
    if chosen.size:
        out[edge[chosen]] = _mix(dep[chosen], lemma[head[chosen]])
    return out


def _quote_states(texts: list[str], sent_id: np.ndarray, strings: _Strings) -> np.ndarray:
    """Inside or outside a quotation (per paragraph), and whether the token is a mark."""
    out = np.zeros(len(texts), dtype=np.uint64)
    inside = False
    opened = -1
    for i, text in enumerate(texts):
        if "\n" in text and not text.strip():
            inside = False  # an unclosed quotation stops at the paragraph's end
            out[i] = strings("para")
        elif text in _OPENING or (text in _STRAIGHT and not inside):
            inside, opened = True, int(sent_id[i])
            out[i] = strings("open")
        elif text in _CLOSING or (text in _STRAIGHT and inside):
            inside = False
            out[i] = strings("close")
        elif inside:
            out[i] = strings("in" if sent_id[i] == opened else "in-earlier")
    return out


def _where(texts: list[str], sent_id: np.ndarray, strings: _Strings) -> np.ndarray:
    """Sentence and paragraph position: first, last, after a paragraph break."""
    n = len(texts)
    out = np.zeros(n, dtype=np.uint64)
    change = np.nonzero(np.diff(sent_id))[0]
    out[0] = strings("sent-start")
    out[change + 1] = strings("sent-start")
    out[change] = strings("sent-end")
    out[n - 1] = strings("sent-end")
    for i, text in enumerate(texts[:-1]):
        if "\n" in text and not text.strip():
            out[i + 1] = strings("para-start")
    return out


_VERB_POS: np.ndarray = np.zeros(0, dtype=np.uint64)


def _init_pos() -> None:
    """Resolve the POS ids of verbs once (spaCy's symbol ids are fixed)."""
    global _VERB_POS
    from spacy.parts_of_speech import AUX, VERB

    _VERB_POS = np.array([VERB, AUX], dtype=np.uint64)


_init_pos()
