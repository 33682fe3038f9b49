"""Tie tagged source and content spans to the cue they belong to.

The tagger marks spans; an attribution is a cue with at most one source and any number of
content pieces ("“A,” he said, “B.”" is one content in two pieces). A logistic model scores
each (span, cue) pair within a few sentences from hashed features: side and distance in
tokens and sentences, cues and spans between, the parse path between their heads, the cue's
lemma, quotation marks and paragraph breaks. Each span goes to its best cue when the score
says it belongs to one; a cue keeps its best source.
"""

from __future__ import annotations

import zlib
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dateline.pipeline._attribution_features import Parsed

TokenSpan = tuple[int, int]  # first token, last token + 1
BITS = 18  # 2**18 hashed weights
_MAX_SENTENCES = 3  # spans further from a cue than this are never tied to it


@dataclass(slots=True)
class Linked:
    """One attribution in token offsets: a cue, its source and its content pieces."""

    cue: TokenSpan
    source: TokenSpan | None = None
    content: list[TokenSpan] = field(default_factory=list)


def _bucket(n: int, edges: Sequence[int] = (0, 1, 2, 3, 5, 8, 12, 20, 35, 60)) -> int:
    for i, edge in enumerate(edges):
        if n <= edge:
            return i
    return len(edges)


def _span_head(parsed: Parsed, start: int, end: int) -> int:
    """The token of a span closest to its sentence root."""
    return start + int(np.argmin(parsed.depth[start:end]))


def _path(parsed: Parsed, low: int, high: int) -> int | None:
    """The relation under `high` by which `low` hangs from it, if `high` is an ancestor."""
    node = low
    for _ in range(30):
        parent = int(parsed.head[node])
        if parent == high:
            return node
        if parent == node:
            return None
        node = parent
    return None


@dataclass(frozen=True, slots=True)
class Layout:
    """A document's tagged spans, sorted, as the linker looks them up."""

    spans: Sequence[tuple[str, int, int]]
    cues: list[TokenSpan]
    cue_starts: list[int]
    starts: dict[str, list[int]]

    @classmethod
    def of(cls, spans: Sequence[tuple[str, int, int]]) -> Layout:
        """Index (role, start, end) spans."""
        cues = sorted((s, e) for r, s, e in spans if r == "cue")
        starts = {r: sorted(s for rr, s, _ in spans if rr == r) for r in ("source", "content")}
        return cls(spans, cues, [c[0] for c in cues], starts)


def pair_features(
    doc: Any, parsed: Parsed, layout: Layout, role: str, span: TokenSpan, cue_index: int
) -> list[int]:
    """Hashed feature indices for the question "does this span belong to that cue?"."""
    start, end = span
    cues, cue_starts, role_starts = layout.cues, layout.cue_starts, layout.starts[role]
    cs, ce = cues[cue_index]
    after = start >= ce
    side = "after" if after else "before"
    lo, hi = (ce, start) if after else (end, cs)
    gap = hi - lo
    sentences = int(abs(parsed.sent[min(hi, len(doc) - 1)] - parsed.sent[max(lo - 1, 0)]))
    between = bisect_left(cue_starts, hi) - bisect_left(cue_starts, lo)
    same_role = bisect_left(role_starts, hi) - bisect_left(role_starts, lo)
    paragraphs = int(parsed.para[min(hi, len(doc) - 1)] != parsed.para[max(lo - 1, 0)])
    sh, ch = _span_head(parsed, start, end), _span_head(parsed, cs, ce)
    down = _path(parsed, sh, ch)
    up = _path(parsed, ch, sh)
    relation = (
        f"cue-above:{doc[down].dep_}" if down is not None
        else f"span-above:{doc[up].dep_}" if up is not None
        else "same-sent" if parsed.sent[sh] == parsed.sent[ch]
        else "apart"
    )  # fmt: skip
    quoted = int(parsed.quote[start] or (start > 0 and parsed.quote[start - 1]))
    cue_lemma = doc[ch].lemma_.lower()
    base = (
        f"{role}|{side}",
        f"gap={_bucket(gap)}",
        f"sent={min(sentences, 3)}",
        f"between={min(between, 2)}",
        f"same={min(same_role, 2)}",
        f"para={paragraphs}",
        f"rel={relation}",
        f"lemma={cue_lemma}",
        f"head={doc[sh].dep_}",
        f"quoted={quoted}",
        f"len={_bucket(end - start)}",
        f"cuelen={min(ce - cs, 4)}",
    )
    names = [base[0], *(f"{base[0]}|{b}" for b in base[1:])]
    names.append(f"{base[0]}|{base[2]}|{base[3]}|{base[1]}")
    names.append(f"{base[0]}|{base[6]}|{base[3]}")
    names.append(f"{base[0]}|{base[9]}|{base[5]}|{base[2]}")
    mask = (1 << BITS) - 1
    return [zlib.crc32(n.encode("utf-8")) & mask for n in names]


def candidates(cues: Sequence[TokenSpan], span: TokenSpan, parsed: Parsed) -> list[int]:
    """Cues within a few sentences of a span."""
    start, end = span
    sent = parsed.sent
    out = []
    for k, (cs, ce) in enumerate(cues):
        near = sent[cs] if cs >= end else sent[ce - 1]
        far = sent[end - 1] if cs >= end else sent[start]
        if abs(int(near) - int(far)) <= _MAX_SENTENCES:
            out.append(k)
    return out


def link(
    doc: Any,
    parsed: Parsed,
    spans: Sequence[tuple[str, int, int]],
    weights: np.ndarray,
    thresholds: dict[str, float] | None = None,
) -> list[Linked]:
    """Group (role, start, end) token spans into attributions around their cues.

    A span joins its best cue when the pair's score (a logit) exceeds the role's threshold.
    """
    limits = thresholds or {}
    layout = Layout.of(spans)
    cues = layout.cues
    found = [Linked(cue) for cue in cues]
    if not found:
        return []
    best_source: dict[int, tuple[float, TokenSpan]] = {}
    for role, start, end in spans:
        if role == "cue":
            continue
        options = candidates(cues, (start, end), parsed)
        if not options:
            continue
        scores = [
            float(weights[pair_features(doc, parsed, layout, role, (start, end), k)].sum())
            for k in options
        ]
        i = int(np.argmax(scores))
        if scores[i] <= limits.get(role, 0.0):
            continue
        k = options[i]
        if role == "content":
            found[k].content.append((start, end))
        elif k not in best_source or scores[i] > best_source[k][0]:
            best_source[k] = (scores[i], (start, end))
    for k, (_, span) in best_source.items():
        found[k].source = span
    return found
