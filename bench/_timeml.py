"""TimeML reading and TempEval-3-style scoring of time expressions (written for dateline)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Timex:
    """A time expression span with its TIMEX3 type and value."""

    start: int
    end: int
    type: str
    value: str


@dataclass(slots=True)
class TimeMLDoc:
    """A TimeML document: raw text, creation time, gold expressions."""

    name: str
    text: str
    dct: str | None
    gold: list[Timex] = field(default_factory=list)


def read_timeml(path: Path) -> TimeMLDoc:
    """Read a .tml file: text with tags stripped, gold TIMEX3 spans as offsets into it."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    root = ET.fromstring(raw)
    dct = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = timex.get("value")
            break
    text_el = root.find("TEXT")
    if text_el is None:
        raise ValueError(f"{path}: no TEXT element")
    parts: list[str] = []
    gold: list[Timex] = []

    def walk(el: ET.Element) -> None:
        if el.tag == "TIMEX3":
            start = sum(len(p) for p in parts)
            inner = "".join(el.itertext())
            parts.append(inner)
            gold.append(
                Timex(start, start + len(inner), el.get("type", "DATE"), el.get("value", ""))
            )
        else:
            if el.text:
                parts.append(el.text)
            for child in el:
                walk(child)
                if child.tail:
                    parts.append(child.tail)
                    continue
            return
        return

    if text_el.text:
        parts.append(text_el.text)
    for child in text_el:
        walk(child)
        if child.tail:
            parts.append(child.tail)
    text = "".join(parts)
    if dct and re.fullmatch(r"\d{8}", dct):
        dct = f"{dct[:4]}-{dct[4:6]}-{dct[6:]}"
    return TimeMLDoc(path.stem, text, dct[:10] if dct else None, gold)


@dataclass(slots=True)
class Counts:
    """Running counts for the TempEval-3 measures."""

    system: int = 0
    gold: int = 0
    strict_sys: int = 0
    strict_gold: int = 0
    relaxed_sys: int = 0
    relaxed_gold: int = 0
    matched: int = 0  # one-to-one relaxed pairs
    type_ok: int = 0
    value_ok: int = 0

    def add(self, system: list[Timex], gold: list[Timex]) -> None:
        """Score one document's system expressions against its gold ones."""
        self.system += len(system)
        self.gold += len(gold)
        gold_spans = {(g.start, g.end) for g in gold}
        sys_spans = {(s.start, s.end) for s in system}
        self.strict_sys += sum(1 for s in system if (s.start, s.end) in gold_spans)
        self.strict_gold += sum(1 for g in gold if (g.start, g.end) in sys_spans)
        self.relaxed_sys += sum(1 for s in system if any(_overlap(s, g) for g in gold))
        self.relaxed_gold += sum(1 for g in gold if any(_overlap(s, g) for s in system))
        used: set[int] = set()
        for g in gold:
            best, best_len = None, 0
            for i, s in enumerate(system):
                if i in used:
                    continue
                shared = min(s.end, g.end) - max(s.start, g.start)
                if shared > best_len:
                    best, best_len = i, shared
            if best is None:
                continue
            used.add(best)
            self.matched += 1
            self.type_ok += system[best].type == g.type
            self.value_ok += normalise_value(system[best].value) == normalise_value(g.value)

    def scores(self) -> dict[str, float]:
        """Return strict/relaxed P, R, F1, type and value accuracy and F1, in percent."""

        def f1(p: float, r: float) -> float:
            return 2 * p * r / (p + r) if p + r else 0.0

        sp = self.strict_sys / self.system if self.system else 0.0
        sr = self.strict_gold / self.gold if self.gold else 0.0
        rp = self.relaxed_sys / self.system if self.system else 0.0
        rr = self.relaxed_gold / self.gold if self.gold else 0.0
        relaxed = f1(rp, rr)
        type_acc = self.type_ok / self.matched if self.matched else 0.0
        value_acc = self.value_ok / self.matched if self.matched else 0.0
        return {
            "strict_precision": 100 * sp, "strict_recall": 100 * sr, "strict_f1": 100 * f1(sp, sr),
            "relaxed_precision": 100 * rp, "relaxed_recall": 100 * rr, "relaxed_f1": 100 * relaxed,
            "type_accuracy": 100 * type_acc, "type_f1": 100 * relaxed * type_acc,
            "value_accuracy": 100 * value_acc, "value_f1": 100 * relaxed * value_acc,
        }  # fmt: skip


def _overlap(a: Timex, b: Timex) -> bool:
    return a.start < b.end and b.start < a.end


def normalise_value(value: str) -> str:
    """Canonical form for comparing values: upper case, no trailing T00:00, weeks unpadded."""
    value = value.strip().upper().removesuffix("T00:00")
    # Gold files write ISO weeks both as W7 and W07: compare them as one.
    value = re.sub(r"-W0(\d)", r"-W\1", value)
    # ... and decades both as 198 and 198X.
    return re.sub(r"^(\d{3})X$", r"\1", value)
