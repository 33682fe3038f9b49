"""The attribution tagger: a small CNN over parse features that tags source, cue and content.

Shared by serving (`pipeline/_attribution.py`) and training (`dateline.train.attribution`):
the architecture is rebuilt here from the config stored beside the weights, so the two can
never disagree. Input per document: the feature ids of `_attribution_features.doc_features`
and spaCy's own token vectors (`doc.tensor`, computed by the parse anyway); output per token:
a distribution over BIO tags for the three roles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from thinc.api import (
    LSTM,
    HashEmbed,
    Maxout,
    Model,
    Softmax,
    chain,
    clone,
    concatenate,
    expand_window,
    residual,
    with_array,
    with_padded,
)
from thinc.types import Floats2d, Ragged

from dateline.pipeline._attribution_features import COLUMNS

ROLES = ("source", "cue", "content")
TAGS = ("O", "B-source", "I-source", "B-cue", "I-cue", "B-content", "I-content")

# Embedding rows and width per feature column (hashed ids: collisions are harmless).
DEFAULT_CONFIG: dict[str, Any] = {
    "rows": {
        "norm": 5000, "suffix": 1000, "shape": 200, "lemma": 5000, "tag": 64, "dep": 64,
        "ent": 64, "head": 5000, "verb1": 4000, "verb2": 2000, "verb3": 1000, "quote": 16,
        "children": 256, "starts": 3000, "ends": 3000, "where": 16,
    },
    "small": 16,  # width of columns with <= 256 rows
    "large": 32,  # width of the others
    "tensor": 96,  # spaCy's token vectors (0: not used)
    "width": 128,
    "depth": 3,
    "dropout": 0.3,
    "lstm": False,
    "content_stay": 1.0,  # decoding bonus for a content going on (see `decode`)
    "close_content": True,  # let contents reach the end of the phrases they began
}  # fmt: skip

Inputs = list[tuple[np.ndarray, np.ndarray]]


def build_tagger(config: dict[str, Any]) -> Model[Inputs, Floats2d]:
    """Build the tagger: hashed embeddings + token vectors -> window CNN -> softmax."""
    dropout = float(config.get("dropout", 0.0))
    tables: list[Model[Any, Any]] = []
    n_in = int(config["tensor"])
    for j, name in enumerate(COLUMNS):
        rows = int(config["rows"][name])
        width = int(config["small"] if rows <= 256 else config["large"])
        tables.append(HashEmbed(width, rows, seed=101 + j, column=j, dropout=dropout))
        n_in += width
    embed: Model[np.ndarray, Floats2d] = concatenate(*tables)
    width = int(config["width"])
    inputs = _join_inputs(embed, int(config["tensor"]))

    def maxout(n_inputs: int) -> Model[Floats2d, Floats2d]:
        return Maxout(width, n_inputs, nP=3, normalize=True, dropout=dropout)

    encode = clone(
        residual(chain(expand_window(window_size=1), maxout(3 * width))), int(config["depth"])
    )
    layers: list[Model[Any, Any]] = [inputs, with_array(chain(maxout(n_in), encode))]
    if config.get("lstm"):
        # A bidirectional LSTM carries context across a whole quotation or clause.
        layers.append(residual(with_padded(LSTM(width, width, bi=True, dropout=dropout))))
    layers += [with_array(Softmax(len(TAGS), width)), _flatten()]
    model: Model[Inputs, Floats2d] = chain(*layers)
    return model


def _flatten() -> Model[Ragged, Floats2d]:
    """The rows of a ragged batch as one array (and back for the gradient)."""

    def forward(model: Model[Ragged, Floats2d], X: Ragged, is_train: bool) -> Any:
        def backprop(dY: Floats2d) -> Ragged:
            return Ragged(dY, X.lengths)

        return cast(Floats2d, X.dataXd), backprop

    return Model("attribution_flatten", forward)


def _join_inputs(embed: Model[np.ndarray, Floats2d], tensor_width: int) -> Model[Inputs, Ragged]:
    """A layer that embeds each document's feature ids and appends its token vectors."""

    def forward(model: Model[Inputs, Ragged], docs: Inputs, is_train: bool) -> Any:
        ids = np.concatenate([d[0] for d in docs]) if docs else np.zeros((0, len(COLUMNS)))
        vectors, backprop_embed = model.layers[0](ids.astype(np.uint64), is_train)
        if tensor_width:
            rows = [_tensor(d[1], len(d[0]), tensor_width) for d in docs]
            extra = model.ops.asarray2f(cast(Any, np.concatenate(rows))) if rows else None
            if extra is not None:
                vectors = model.ops.xp.hstack([vectors, extra])
        width = model.layers[0].get_dim("nO")
        lengths = model.ops.asarray1i([len(d[0]) for d in docs])

        def backprop(d_vectors: Ragged) -> Inputs:
            backprop_embed(cast(Floats2d, d_vectors.dataXd)[:, :width])
            return []

        return Ragged(vectors, lengths), backprop

    def init(model: Model[Inputs, Ragged], X: Any = None, Y: Any = None) -> None:
        model.layers[0].initialize()
        model.set_dim("nO", model.layers[0].get_dim("nO") + tensor_width)

    return Model("attribution_inputs", forward, init=init, layers=[embed], dims={"nO": None})


def _tensor(tensor: np.ndarray, n: int, width: int) -> np.ndarray:
    """spaCy's token vectors, or zeros when the pipeline produced none of that width."""
    if tensor is None or tensor.shape != (n, width):
        return np.zeros((n, width), dtype=np.float32)
    return tensor.astype(np.float32)


def decode(probs: np.ndarray, stay: float = 0.0) -> np.ndarray:
    """Most likely valid BIO tag sequence (Viterbi: I-x only after B-x or I-x).

    `stay` adds a log-score bonus for a content span going on: trained per token, the tagger
    ends long contents a word or two early more often than late. The transitions are so few
    that each step is a handful of float operations (O and B-x may follow any tag, I-x only
    B-x or I-x): plain Python floats, several times faster here than numpy on 7x7 matrices.
    """
    n = len(probs)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    scores = np.log(np.clip(probs, 1e-9, 1.0)).tolist()
    neg = float("-inf")
    first = scores[0]
    best = [first[0], first[1], neg, first[3], neg, first[5], neg]
    back: list[tuple[int, int, int, int]] = []  # per step: best tag; B or I before each I-x
    for o, bs, is_, bc, ic, bk, ik in scores[1:]:
        m = max(best)
        top = best.index(m)
        # For each role, I-x continues B-x or I-x; a tie goes to B (the lower tag index).
        s_prev = 2 if best[2] > best[1] else 1
        c_prev = 4 if best[4] > best[3] else 3
        k_prev = 6 if best[6] > best[5] else 5
        back.append((top, s_prev, c_prev, k_prev))
        best = [
            m + o, m + bs, best[s_prev] + is_, m + bc, best[c_prev] + ic, m + bk,
            best[k_prev] + stay + ik,
        ]  # fmt: skip
    out = np.zeros(n, dtype=np.int64)
    tag = best.index(max(best))
    out[-1] = tag
    for k in range(n - 2, -1, -1):
        step = back[k]
        tag = step[tag // 2] if tag in (2, 4, 6) else step[0]
        out[k] = tag
    return out


def close_content(
    spans: list[tuple[str, int, int]],
    head: np.ndarray,
    sent: np.ndarray,
    right: np.ndarray,
    punct: np.ndarray,
) -> list[tuple[str, int, int]]:
    """Let each content span reach the end of the phrases it has begun.

    A content that stops inside a phrase ("calling [Trump a] fascist") takes in the rest: the
    subtree of a head that lies just after it, or of a dependent of its own that follows it,
    within the sentence and without running into another tagged span.
    """
    n = len(head)
    blocked = np.zeros(n + 1, dtype=bool)
    for role, s, e in spans:
        if role != "content":
            blocked[s:e] = True
    out = []
    for role, s, e in spans:
        if role == "content":
            e = _close(s, e, head, sent, right, punct, blocked)
        out.append((role, s, e))
    return out


def _close(
    s: int,
    e: int,
    head: np.ndarray,
    sent: np.ndarray,
    right: np.ndarray,
    punct: np.ndarray,
    blocked: np.ndarray,
) -> int:
    n = len(head)
    for _ in range(n):
        grown = e
        outside = [int(h) for h in head[s:e] if h >= e and sent[h] == sent[e - 1]]
        for h in sorted(outside):
            if not blocked[h] and not punct[h] and not blocked[e : right[h] + 1].any():
                grown = int(right[h]) + 1
                break
        follows = grown == e and e < n and s <= head[e] < e and not punct[e]
        if follows and not blocked[e : right[e] + 1].any():
            grown = int(right[e]) + 1
        if grown == e:
            break
        e = grown
    return e


def tag_spans(tags: Sequence[int] | np.ndarray) -> list[tuple[str, int, int]]:
    """(role, first token, last token + 1) for each tagged span."""
    spans: list[tuple[str, int, int]] = []
    for i, t in enumerate(tags):
        name = TAGS[int(t)]
        if name == "O":
            continue
        role = name[2:]
        if name.startswith("I-") and spans and spans[-1][0] == role and spans[-1][2] == i:
            spans[-1] = (role, spans[-1][1], i + 1)
        else:
            spans.append((role, i, i + 1))
    return spans
