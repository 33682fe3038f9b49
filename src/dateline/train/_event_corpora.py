"""The event classifier's training corpora, read into one shape: a text and its trigger labels.

Each reader yields `Sample`s: a text (a sentence, a headline or a story's lede), the character
spans of the triggers its annotators marked with a PLOVER type (and mode where known), and a
`policy` saying what the other candidate words of the text are:
- ``none``: every other candidate is no event (the annotators looked at every word);
- ``none-if:T1,T2``: another candidate is no event unless the rule lexicon gives it a type
  outside T1, T2 (the annotators marked only these types: M2E2's ACE events);
- ``skip``: other candidates are unknown and left out (sentence- or story-level labels).

Corpora (under ``../shared/corpora``; licences on the model card):
- ``conflibert-cameo``: the ten multi-coder annotation rounds (CAMEO root per marked action,
  majority of coders) and the CAMEO pentaclass sentences (a lexicon trigger of the sentence's
  class is confirmed; the speech verb of a "make a statement" sentence is no event);
- ``m2e2-voa``: ACE event triggers mapped to PLOVER (Attack -> ASSAULT, Meet -> CONSULT, ...);
  movement ("refugees returned", "fled") is no event;
- ``india-police-events``: sentences labelled with police arrests and killings confirm the
  lexicon's COERCE / ASSAULT triggers;
- ``ngec-actor-tests``: the synthetic stories' headline and lede carry the story's PLOVER type
  and mode (language-model pseudo-labels: weak data).
The PLOVER gold records (``plover-gsr``) are never read here: they are the evaluation set.

The held-out part (`split == "dev"`) is one text in five, chosen by a hash of the document id,
so a document never has texts on both sides.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Sample:
    """One training text with its labelled trigger spans."""

    corpus: str
    doc_id: str
    text: str
    labels: tuple[tuple[int, int, str, str | None], ...] = ()  # start, end, TYPE, mode
    policy: str = "none"
    # For ``skip`` samples: the types a lexicon trigger of the text may be confirmed as, and
    # flags: ``mode=M`` (the mode of a confirmed trigger), ``root`` (with no lexicon trigger of
    # those types, the text's main verb is the event).
    hints: tuple[str, ...] = field(default=())

    @property
    def split(self) -> str:
        """``dev`` for one document in five (by a stable hash), else ``train``."""
        return "dev" if zlib.crc32(self.doc_id.encode("utf-8")) % 5 == 0 else "train"


# CAMEO two-digit roots to PLOVER (CAMEO2PLOVER-2021 at the root level; 01 statements and the
# 02 appeals that merely "make a statement" are no PLOVER event; 08 splits CONCEDE/RETREAT).
ROOT_TO_PLOVER = {
    "01": "NONE", "02": "REQUEST", "03": "AGREE", "04": "CONSULT", "05": "SUPPORT",
    "06": "COOPERATE", "07": "AID", "08": "CONCEDE", "09": "ACCUSE", "10": "REQUEST",
    "11": "ACCUSE", "12": "REJECT", "13": "THREATEN", "14": "PROTEST", "15": "MOBILIZE",
    "16": "SANCTION", "17": "COERCE", "18": "ASSAULT", "19": "ASSAULT", "20": "ASSAULT",
}  # fmt: skip
# CAMEO pentaclass -> the PLOVER types of that class.
PENTACLASS = {
    "0": ("REQUEST",),
    "1": ("AGREE", "CONSULT", "SUPPORT"),
    "2": ("COOPERATE", "AID", "CONCEDE", "RETREAT"),
    "3": ("ACCUSE", "REQUEST", "REJECT", "THREATEN"),
    "4": ("PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT"),
}
_ACE = {
    "Conflict:Attack": "ASSAULT",
    "Contact:Meet": "CONSULT",
    "Conflict:Demonstrate": "PROTEST",
    "Justice:Arrest-Jail": "COERCE",
}
_ACE_TYPES = "ASSAULT,CONSULT,PROTEST,COERCE"
_KILL = frozenset(
    "kill killed killing kills execute executed execution murder murdered shot".split()
)
_PHONE = frozenset("call called calls phone phoned telephone conversation".split())
_TROOPS = re.compile(r"\b(troops?|forces?|soldiers?|army|military|units?|fighters)\b", re.I)
_VISIT = frozenset("visit visited visits visiting trip tour toured".split())


def read_all(corpora: Path) -> Iterator[Sample]:
    """Every training sample of every corpus (missing corpora are skipped)."""
    readers = (conflibert_rounds, conflibert_classes, m2e2, india_police, ngec_stories)
    for reader in readers:
        yield from reader(corpora)


def conflibert_rounds(corpora: Path) -> Iterator[Sample]:
    """The multi-coder rounds: each action span typed by the majority of the coders' roots."""
    folder = corpora / "conflibert-cameo" / "annotation_rounds"
    votes: dict[str, Counter[tuple[int, int, str]]] = {}
    coders: Counter[str] = Counter()
    for path in sorted(folder.glob("round*_summary*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                text = row.get("sentences") or ""
                for k in range(1, 6):
                    if row.get(f"anncomplete_{k}") != "True" or not row.get(f"entities_{k}"):
                        continue
                    coders[text] += 1
                    spans = ast.literal_eval(row[f"entities_{k}"])
                    for label, span_text, offset in spans:
                        match = re.fullmatch(r"Action-(\d+)", label)
                        code = row.get(f"Action{match.group(1)}_CAMEO_{k}", "") if match else ""
                        root = re.match(r"\d+-(\d+)", code or "")
                        if not root:
                            continue
                        start = _locate(text, span_text, offset)
                        if start is None:
                            continue
                        plover = ROOT_TO_PLOVER.get(root.group(1).zfill(2))
                        if plover:
                            votes.setdefault(text, Counter())[
                                (start, start + len(span_text), plover)
                            ] += 1
    for text, counter in votes.items():
        by_span: dict[tuple[int, int], Counter[str]] = {}
        for (start, end, plover), n in counter.items():
            by_span.setdefault((start, end), Counter())[plover] += n
        labels = []
        for (start, end), types in sorted(by_span.items()):
            plover, n = types.most_common(1)[0]
            if n * 2 >= max(2, coders[text] // 3):  # marked by enough of the sentence's coders
                labels.append((start, end, plover, None))
        yield Sample("conflibert-rounds", "cr:" + text[:80], text, tuple(labels), "none")


def _locate(text: str, piece: str, offset: int) -> int | None:
    """The offset of `piece` in `text` nearest to the annotator's `offset`."""
    if text[offset : offset + len(piece)] == piece:
        return offset
    found = [m.start() for m in re.finditer(re.escape(piece), text)]
    return min(found, key=lambda s: abs(s - offset)) if found else None


def conflibert_classes(corpora: Path) -> Iterator[Sample]:
    """Pentaclass sentences: the lexicon triggers of the sentence's class are confirmed."""
    folder = corpora / "conflibert-cameo" / "cameo_class"
    for name in ("train.tsv", "test.tsv"):
        path = folder / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" not in line:
                continue
            text, label = line.rsplit("\t", 1)
            label = label.strip()
            if label in PENTACLASS:
                yield Sample(
                    "conflibert-class", "cc:" + text[:80], text, (), "skip", PENTACLASS[label]
                )


def m2e2(corpora: Path) -> Iterator[Sample]:
    """M2E2 VOA sentences with ACE triggers mapped to PLOVER types (see the module docstring)."""
    path = corpora / "m2e2-voa" / "m2e2_text_events.slim.jsonl"
    if not path.is_file():
        return
    seen: dict[str, dict] = {}
    for line in path.open(encoding="utf-8"):
        record = json.loads(line)
        if record["sentence_id"] in seen:
            seen[record["sentence_id"]]["events"] += record["events"]
        else:
            seen[record["sentence_id"]] = record
    for record in seen.values():
        text = record["sentence"]
        starts = _word_offsets(text, record["words"])
        if starts is None:
            continue
        labels = []
        for event in record["events"]:
            trig = event["trigger"]
            if trig["end"] > len(starts) or min(starts[trig["start"] : trig["end"]]) < 0:
                continue
            start = starts[trig["start"]]
            last = trig["end"] - 1
            end = starts[last] + len(record["words"][last])
            word = trig["text"].lower()
            plover, mode = _ace_to_plover(event, word)
            labels.append((start, end, plover, mode))
        yield Sample("m2e2", "m2:" + record["doc_id"], text, tuple(labels), "none-if:" + _ACE_TYPES)


def _ace_to_plover(event: dict, word: str) -> tuple[str, str | None]:
    kind = event["event_type"]
    if kind in _ACE:
        return _ACE[kind], None
    if kind == "Life:Die":
        agent = any(a["role"] in ("Agent", "Attacker") for a in event["arguments"])
        return ("ASSAULT", None) if agent or word in _KILL else ("NONE", None)
    if kind == "Contact:Phone-Write":
        return ("CONSULT", "phone") if word in _PHONE else ("SKIP", None)
    if kind == "Movement:Transport":
        if word in _VISIT:
            return "CONSULT", "visit"
        moved = " ".join(a["text"] for a in event["arguments"] if a["role"] == "Artifact")
        if word.startswith(("withdr", "retreat", "pull")) and _TROOPS.search(moved):
            return "RETREAT", "withdraw"
        return "NONE", None  # refugees fled / returned, a delegation arrived: movement only
    return "SKIP", None


def _word_offsets(text: str, words: list[str]) -> list[int] | None:
    """Character offsets of a tokenised sentence's words (-1 for a word not in the text)."""
    offsets = []
    position = 0
    for word in words:
        found = text.find(word, position)
        if found < 0 or found - position > 20:
            offsets.append(-1)
            continue
        offsets.append(found)
        position = found + len(word)
    return offsets if sum(1 for o in offsets if o < 0) * 4 < len(offsets) else None


def india_police(corpora: Path) -> Iterator[Sample]:
    """Sentences labelled with police killings or arrests confirm ASSAULT / COERCE triggers."""
    path = corpora / "india-police-events" / "sents.jsonl"
    if not path.is_file():
        return
    for line in path.open(encoding="utf-8"):
        record = json.loads(line)
        labels = set(record.get("sent_labels") or ())
        hints = tuple(
            t for t, want in (("ASSAULT", "KILL"), ("COERCE", "ARREST")) if want in labels
        )
        text = record["sent_text"].strip()
        if hints and 20 < len(text) < 600:
            yield Sample("india-police", f"ip:{record['doc_id']}", text, (), "skip", hints)


def ngec_stories(corpora: Path) -> Iterator[Sample]:
    """Synthetic stories: the headline and the lede carry the story's type and mode (weak)."""
    folder = corpora / "ngec-actor-tests"
    paths = sorted(folder.glob("gpt_synthetic_events_*.csv.zip"))
    if not paths:
        return
    with zipfile.ZipFile(paths[0]) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".csv"))
        rows = list(csv.DictReader(io.TextIOWrapper(zf.open(name), encoding="utf-8")))
    for row in rows:
        label = row["label"].strip().upper()
        mode = row["mode"].strip().lower()
        headline = row["prompt"].split("\n", 1)[0].strip()
        lede = re.split(r"(?<=[.!?])\s+", row["text"].strip(), maxsplit=1)[0]
        doc_id = f"ng:{row['title']}"  # one template's stories stay on one side of the split
        hints = (label, f"mode={mode}") if mode else (label,)
        if 10 < len(headline) < 300:
            # A headline's main verb tells the story's event ("... Teachers Walk Out").
            yield Sample("ngec", doc_id, headline, (), "skip", (*hints, "root"))
        if 10 < len(lede) < 600:
            yield Sample("ngec", doc_id, lede, (), "skip", hints)
