"""Brat standoff reading and attribution scoring (exact and token overlap), for PolNeAR."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

Spans = tuple[tuple[int, int], ...]
KINDS = ("source", "cue", "content")


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attribution: source (may be empty), cue and content, each a tuple of pieces."""

    source: Spans
    cue: Spans
    content: Spans

    def part(self, kind: str) -> Spans:
        """Return the spans of one part."""
        return {"source": self.source, "cue": self.cue, "content": self.content}[kind]


def read_ann(path: Path) -> list[Attribution]:
    """Read Source/Cue/Content text-bound annotations and their Attribution events."""
    spans: dict[str, Spans] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            ident, middle, _text = [*line.split("\t"), "", ""][:3]
            _label, _, offsets = middle.partition(" ")
            pieces = tuple(
                (int(a), int(b)) for a, b in (p.split() for p in offsets.split(";") if p.strip())
            )
            spans[ident] = pieces
        elif line.startswith("E"):
            args = line.split("\t")[1].split()
            events.append(dict(a.split(":", 1) for a in args))
    out = []
    for event in events:

        def get(role: str, ev: dict[str, str] = event) -> Spans:
            return spans.get(ev.get(role, ""), ())

        out.append(Attribution(get("Source"), get("Cue"), get("Content")))
    return out


def first_annotation(folder: Path, stem: str) -> Path | None:
    """Pick the first annotator's file for a text (sorted by name), used consistently."""
    matches = sorted(folder.glob(f"{stem}_*.ann"))
    return matches[0] if matches else None


def _tokens(text: str, spans: Spans) -> set[int]:
    """Start offsets of the whitespace tokens inside spans."""
    out = set()
    for start, end in spans:
        for m in re.finditer(r"\S+", text[start:end]):
            out.add(start + m.start())
    return out


def _prf(tp_sys: int, n_sys: int, tp_gold: int, n_gold: int) -> dict[str, float]:
    p = tp_sys / n_sys if n_sys else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": 100 * p, "recall": 100 * r, "f1": 100 * f}


@dataclass(slots=True)
class Scorer:
    """Accumulates exact and token-overlap counts over documents."""

    exact: dict[str, list[int]] = field(
        default_factory=lambda: {k: [0, 0, 0, 0] for k in (*KINDS, "attribution")}
    )
    overlap: dict[str, list[int]] = field(
        default_factory=lambda: {k: [0, 0, 0, 0] for k in (*KINDS, "attribution")}
    )

    def add(self, text: str, system: list[Attribution], gold: list[Attribution]) -> None:
        """Score one document (counts: [tp_sys, n_sys, tp_gold, n_gold])."""
        for kind in KINDS:
            sys_set = {a.part(kind) for a in system if a.part(kind)}
            gold_set = {a.part(kind) for a in gold if a.part(kind)}
            hit = len(sys_set & gold_set)
            self._bump(self.exact[kind], hit, len(sys_set), hit, len(gold_set))
            sys_tok = set().union(*(_tokens(text, s) for s in sys_set)) if sys_set else set()
            gold_tok = set().union(*(_tokens(text, s) for s in gold_set)) if gold_set else set()
            both = len(sys_tok & gold_tok)
            self._bump(self.overlap[kind], both, len(sys_tok), both, len(gold_tok))
        sys_rel = {(a.source, a.cue, a.content) for a in system}
        gold_rel = {(a.source, a.cue, a.content) for a in gold}
        hit = len(sys_rel & gold_rel)
        self._bump(self.exact["attribution"], hit, len(sys_rel), hit, len(gold_rel))
        matched_sys = sum(1 for s in system if any(_loose(s, g) for g in gold))
        matched_gold = sum(1 for g in gold if any(_loose(s, g) for s in system))
        self._bump(self.overlap["attribution"], matched_sys, len(system), matched_gold, len(gold))

    @staticmethod
    def _bump(counts: list[int], tp_sys: int, n_sys: int, tp_gold: int, n_gold: int) -> None:
        counts[0] += tp_sys
        counts[1] += n_sys
        counts[2] += tp_gold
        counts[3] += n_gold

    def scores(self) -> dict[str, dict[str, dict[str, float]]]:
        """Return {exact|overlap: {kind: {precision, recall, f1}}} in percent."""
        return {
            name: {kind: _prf(*counts) for kind, counts in table.items()}
            for name, table in (("exact", self.exact), ("overlap", self.overlap))
        }


def _touch(a: Spans, b: Spans) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _loose(s: Attribution, g: Attribution) -> bool:
    """An attribution found loosely: cue and content overlap (and source, when both have one)."""
    if not (_touch(s.cue, g.cue) and _touch(s.content, g.content)):
        return False
    return not (s.source and g.source) or _touch(s.source, g.source)
