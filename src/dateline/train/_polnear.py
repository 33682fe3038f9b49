"""PolNeAR reading for training: brat attributions, token labels, the texts' parses.

Each brat event (E line) is one attribution with a Cue (the trigger when it has none), Source
and Content/Content2 arguments, as `../shared/score/polnear.py` reads them; a text annotated
by several people uses the smallest annotator id, as the scorer does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dateline.pipeline._attribution_model import ROLES, TAGS

Pieces = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One annotated attribution: cue, source and content as character pieces."""

    cue: Pieces
    source: Pieces = ()
    content: Pieces = ()

    def role(self, name: str) -> Pieces:
        """The pieces of one role."""
        return {"source": self.source, "cue": self.cue, "content": self.content}[name]


@dataclass(frozen=True, slots=True)
class GoldText:
    """A PolNeAR text and its attributions."""

    name: str
    text: str
    attributions: tuple[GoldAttribution, ...]


def read_ann(path: Path) -> list[GoldAttribution]:
    """Read the attributions of one brat standoff file."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        m = re.match(r"(T\d+)\t\S+ (\d+ \d+(?:;\d+ \d+)*)\t", line)
        if m:
            pieces = [p.split() for p in m[2].split(";")]
            spans[m[1]] = [(int(a), int(b)) for a, b in pieces]
        elif re.match(r"E\d+\t", line):
            events.append(line.split("\t")[1].split())
    out = []
    for args in events:
        roles: dict[str, list[tuple[int, int]]] = {}
        for arg in args[1:]:
            role, tid = arg.split(":")
            roles.setdefault(role.rstrip("0123456789").lower(), []).extend(spans[tid])
        trigger = spans[args[0].split(":")[1]]
        out.append(
            GoldAttribution(
                cue=tuple(sorted(roles.get("cue", trigger))),
                source=tuple(sorted(roles.get("source", []))),
                content=tuple(sorted(roles.get("content", []))),
            )
        )
    return out


def read_split(folder: Path, limit: int = 0) -> list[GoldText]:
    """Read every text of a PolNeAR split folder (text/ and attributions/), sorted by name."""
    texts = sorted((folder / "text").glob("*.txt"))
    if limit:
        texts = texts[:limit]
    anns = sorted(p.name for p in (folder / "attributions").glob("*.ann"))
    out = []
    for path in texts:
        stem = path.stem
        who = sorted(
            a[len(stem) + 1 : -4]
            for a in anns
            if a.startswith(stem + "_") and "_" not in a[len(stem) + 1 : -4]
        )
        if not who:
            continue
        atts = read_ann(folder / "attributions" / f"{stem}_{who[0]}.ann")
        text = path.read_bytes().decode("utf-8")
        out.append(GoldText(stem, text, tuple(atts)))
    return out


def token_labels(doc: Any, attributions: tuple[GoldAttribution, ...]) -> tuple[Any, Any]:
    """BIO tag ids and the attribution index of each token (-1 outside every attribution)."""
    n = len(doc)
    starts = np.array([t.idx for t in doc], dtype=np.int64)
    ends = starts + np.array([len(t) for t in doc], dtype=np.int64)
    space = np.array([t.is_space for t in doc], dtype=bool)
    role = np.zeros(n, dtype=np.int64)  # 0 none, 1 source, 2 cue, 3 content
    owner = np.full(n, -1, dtype=np.int64)
    # Cues first: PolNeAR gives each token one role, and a cue must never be overwritten.
    for r in (2, 1, 3):
        for a, att in enumerate(attributions):
            for s, e in att.role(ROLES[r - 1]):
                hit = (starts < e) & (s < ends) & ~space & (role == 0)
                role[hit] = r
                owner[hit] = a
    # A line break inside a span (a quotation over two paragraphs) keeps the span whole.
    for k in (int(x) for x in np.nonzero(space)[0]):
        inside = 0 < k < n - 1 and role[k - 1] and role[k - 1] == role[k + 1]
        if inside and owner[k - 1] == owner[k + 1]:
            role[k] = role[k - 1]
            owner[k] = owner[k - 1]
    tags = np.zeros(n, dtype=np.int64)
    for i in range(n):
        if role[i] == 0:
            continue
        name = ROLES[role[i] - 1]
        same = i > 0 and role[i - 1] == role[i] and owner[i - 1] == owner[i]
        tags[i] = TAGS.index(("I-" if same else "B-") + name)
    return tags, owner
