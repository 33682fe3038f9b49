"""Train the event-location tagger: which place in the sentence is where the event happened.

Data: ``event-location/train.jsonl`` (Halterman 2019, MIT): one sentence per record, one event
verb, and the span(s) of the place where that event happened, or none. The records are split
by document before anything is fitted (`split_records`): sentences of one wire story, the same
sentence annotated for another verb, and sentences sharing a word 8-gram always fall on the
same side. Bucket 0 of 10 is the held-out part (never tuned on, read only by
``bench/event_location.py``), bucket 1 the dev part used to choose the settings below, the rest
trains. The shipped model is trained on train + dev with those settings.

The model is a linear-chain CRF (CRFsuite) over the features of `pipeline._place_features`,
tagging B-LOC / I-LOC / O on spaCy's tokens of the sentence. Run as
``python -m dateline.train event-location [--limit N] [--cache DIR]``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dateline.models import models_root
from dateline.train._common import base_parser, fix_seeds, write_meta

NAME = "event-location"  # the training command's name
MODEL = "event_location"  # the model's folder in dateline/models and its meta.json name
FORMAT = 1
SPLIT_SEED = 15  # fixes which records are held out; never changed to chase a figure
HELDOUT_BUCKET = 0
DEV_BUCKET = 1
# Chosen on the dev part (see MODEL_CARD.md for the alternatives' figures).
PARAMS: dict[str, Any] = {
    "c1": 0.01,
    "c2": 0.1,
    "max_iterations": 150,
    "feature.possible_transitions": True,
    "feature.minfreq": 1,
}

_WIRE_DOC = re.compile(r"^([A-Z]{3}_ENG_\d{8}\.\d{4})")


@dataclass(frozen=True, slots=True)
class Record:
    """One annotated sentence: its text, its tokens, the event verb and the gold places."""

    id: str
    text: str
    tokens: tuple[tuple[int, int], ...]  # character ranges of the corpus's tokens
    verb: tuple[int, int]  # character range of the event verb
    places: frozenset[tuple[int, int]]  # gold place spans as inclusive corpus token ranges
    doc: str | None = None  # the wire story it comes from, when its id says so


def _token_range(tokens: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    ids = [i for i, (s, e) in enumerate(tokens) if s < end and start < e]
    return (min(ids), max(ids)) if ids else None


def read_records(path: Path) -> list[Record]:
    """Read a file in the format of ``event-location/train.jsonl``."""
    out = []
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if not line.strip():
                continue
            raw = json.loads(line)
            tokens = tuple((int(t["start"]), int(t["end"])) for t in raw["tokens"])
            verb: tuple[int, int] | None = None
            places: set[tuple[int, int]] = set()
            for span in raw.get("spans", []):
                if span["token_end"] < len(tokens):
                    ts, te = int(span["token_start"]), int(span["token_end"])
                else:  # two records carry character offsets as token ids: find the text
                    at = raw["text"].find(span.get("text", "\0"))
                    found = _token_range(tokens, at, at + len(span["text"])) if at >= 0 else None
                    if found is None:
                        continue
                    ts, te = found
                if span["label"] == "VERB" and verb is None:
                    verb = (tokens[ts][0], tokens[te][1])
                elif span["label"] == "LOCATION":
                    places.add((ts, te))
            if verb is None:
                continue
            ident = str(raw.get("_id", n)).strip()
            wire = _WIRE_DOC.match(ident)
            out.append(
                Record(ident, raw["text"], tokens, verb, frozenset(places), wire and wire.group(1))
            )
    return out


def _shingles(text: str, n: int = 8) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + n]) for i in range(max(0, len(words) - n + 1))}


def split_records(records: Sequence[Record], seed: int = SPLIT_SEED) -> list[str]:
    """Assign each record to ``train``, ``dev`` or ``heldout`` by document.

    Records of one wire story, of one sentence text, or sharing a word 8-gram form one group;
    a group's bucket is sha256(seed, its smallest member key) mod 10.
    """
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first: dict[str, int] = {}
    for i, record in enumerate(records):
        keys = {"t:" + record.text.strip()} | {"g:" + s for s in _shingles(record.text)}
        if record.doc:
            keys.add("d:" + record.doc)
        for key in keys:
            if key in first:
                union(i, first[key])
            else:
                first[key] = i
    members: dict[int, list[str]] = {}
    for i, record in enumerate(records):
        members.setdefault(find(i), []).append(record.doc or record.text.strip())
    bucket_of = {}
    for root, group in members.items():
        digest = hashlib.sha256(f"{seed}:{min(group)}".encode()).hexdigest()
        bucket_of[root] = int(digest, 16) % 10
    names = {HELDOUT_BUCKET: "heldout", DEV_BUCKET: "dev"}
    return [names.get(bucket_of[find(i)], "train") for i in range(len(records))]


# ---------------------------------------------------------------------------------------------
# Parsing and alignment


def parse_texts(texts: Sequence[str], cache: Path | None = None) -> dict[str, Any]:
    """Parse sentences with dateline's own spaCy pipeline (cached as a DocBin when asked)."""
    from spacy.tokens import DocBin

    from dateline.pipeline.annotate import nlp_for
    from dateline.settings import load_settings

    nlp = nlp_for(load_settings())
    unique = sorted(set(texts))
    key = hashlib.sha256("\n\0".join(unique).encode()).hexdigest()[:16]
    path = cache / f"event-location-{key}.spacy" if cache else None
    if path is not None and path.is_file():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe(unique, batch_size=64))
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            bin_ = DocBin(store_user_data=False)
            for doc in docs:
                bin_.add(doc)
            bin_.to_disk(path)
    return dict(zip(unique, docs, strict=True))


def event_token(doc: Any, start: int, end: int) -> Any | None:
    """The spaCy token of an event word given by characters (the verb if several)."""
    tokens = [t for t in doc if t.idx < end and start < t.idx + len(t.text)]
    if not tokens:
        return None
    verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX")]
    return (verbs or tokens)[-1]


def labels_for(record: Record, sent: Any) -> list[str]:
    """B-LOC / I-LOC / O for the sentence's spaCy tokens from the record's gold spans."""
    labels = ["O"] * len(sent)
    for ts, te in sorted(record.places):
        start, end = record.tokens[ts][0], record.tokens[te][1]
        inside = [i for i, t in enumerate(sent) if t.idx < end and start < t.idx + len(t.text)]
        for k, i in enumerate(inside):
            labels[i] = "B-LOC" if k == 0 else "I-LOC"
    return labels


def spans_from_labels(sent: Any, labels: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans of the B/I runs in a label sequence."""
    spans: list[tuple[int, int]] = []
    tokens = list(sent)
    for i, label in enumerate(labels):
        token = tokens[i]
        if label == "B-LOC" or (label == "I-LOC" and (i == 0 or labels[i - 1] == "O")):
            spans.append((token.idx, token.idx + len(token.text)))
        elif label == "I-LOC":
            spans[-1] = (spans[-1][0], token.idx + len(token.text))
    return spans


def to_corpus_spans(record: Record, spans: Iterable[tuple[int, int]]) -> frozenset[tuple[int, int]]:
    """Predicted character spans as the record's inclusive corpus token ranges."""
    out = set()
    for start, end in spans:
        found = _token_range(record.tokens, start, end)
        if found is not None:
            out.add(found)
    return frozenset(out)


def sentence_of(doc: Any, token: Any) -> Any:
    """The record's sentence: the whole text (each record is one sentence, however spaCy
    splits it), so the event word always sees every place the annotator saw."""
    return doc[:]


def examples(
    records: Sequence[Record], docs: dict[str, Any]
) -> list[tuple[Record, Any, Any, list[dict[str, str | float]]]]:
    """(record, sentence, event token, features) for every record whose verb is found."""
    from dateline.pipeline._place_features import sentence_features

    out = []
    for record in records:
        doc = docs[record.text]
        token = event_token(doc, *record.verb)
        if token is None:
            continue
        sent = sentence_of(doc, token)
        out.append((record, sent, token, sentence_features(sent, token)))
    return out


# ---------------------------------------------------------------------------------------------
# Training and scoring


def train_crf(
    items: Sequence[tuple[list[dict[str, str | float]], list[str]]],
    model_path: Path,
    params: dict[str, Any] | None = None,
) -> None:
    """Fit a CRFsuite model on (features, labels) sequences and write it to `model_path`."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, labels in items:
        trainer.append(feats, labels)
    trainer.set_params({**PARAMS, **(params or {})})
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))


@dataclass(frozen=True, slots=True)
class Scores:
    """Exact-span accuracy overall, on records with a place and on records without one."""

    n: int
    exact: float
    with_location: float
    without_location: float
    n_with: int
    n_without: int


def score(pairs: Sequence[tuple[Record, frozenset[tuple[int, int]]]]) -> Scores:
    """Per-record exact match of predicted corpus token spans with the gold spans."""
    hits = [pred == record.places for record, pred in pairs]
    with_ = [h for (r, _), h in zip(pairs, hits, strict=True) if r.places]
    without = [h for (r, _), h in zip(pairs, hits, strict=True) if not r.places]

    def mean(xs: list[bool]) -> float:
        return sum(xs) / len(xs) if xs else 0.0

    return Scores(len(hits), mean(hits), mean(with_), mean(without), len(with_), len(without))


def predict(tagger: Any, example: tuple[Record, Any, Any, list[dict[str, str | float]]]) -> Any:
    """The record's predicted corpus token spans from a loaded CRFsuite tagger."""
    record, sent, _, feats = example
    labels = tagger.tag(feats)
    return to_corpus_spans(record, spans_from_labels(sent, labels))


def main(argv: Sequence[str] | None = None) -> int:
    """Train on train + dev (after reporting dev figures of a train-only fit) and ship it."""
    parser = base_parser(NAME, "Train the event-location CRF on event-location/train.jsonl.")
    parser.set_defaults(out=models_root() / MODEL)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N records")
    parser.add_argument("--cache", type=Path, default=None, help="keep parsed sentences here")
    parser.add_argument("--iterations", type=int, default=None, help="CRF iterations")
    args = parser.parse_args(argv)
    fix_seeds(args.seed)
    import pycrfsuite

    path = args.corpora / "event-location" / "train.jsonl"
    if not path.is_file():
        print(f"no corpus at {path}", file=sys.stderr)
        return 2
    records = read_records(path)
    splits = split_records(records)
    if args.limit:
        records, splits = records[: args.limit], splits[: args.limit]
    started = time.perf_counter()
    docs = parse_texts([r.text for r in records], args.cache)
    data = examples(records, docs)
    split_of = {id(r): s for r, s in zip(records, splits, strict=True)}
    params = dict(PARAMS)
    if args.iterations:
        params["max_iterations"] = args.iterations
    train = [(f, labels_for(r, s)) for r, s, _, f in data if split_of[id(r)] == "train"]
    dev = [x for x in data if split_of[id(x[0])] == "dev"]
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    scratch = out / "dev-fit.crfsuite"
    train_crf(train, scratch, params)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(scratch))
    dev_scores = score([(x[0], predict(tagger, x)) for x in dev])
    tagger.close()
    scratch.unlink()
    print(
        f"dev: n={dev_scores.n} exact={dev_scores.exact:.3f} "
        f"with_location={dev_scores.with_location:.3f} "
        f"without_location={dev_scores.without_location:.3f}"
    )
    final = [(f, labels_for(r, s)) for r, s, _, f in data if split_of[id(r)] != "heldout"]
    train_crf(final, out / "model.crfsuite", params)
    counts = {name: splits.count(name) for name in ("train", "dev", "heldout")}
    write_meta(
        out,
        name=MODEL,
        format=FORMAT,
        corpus="event-location/train.jsonl (Halterman 2019, MIT)",
        split={
            "seed": SPLIT_SEED,
            "heldout_bucket": HELDOUT_BUCKET,
            "dev_bucket": DEV_BUCKET,
            "records": counts,
        },
        params={k: v for k, v in params.items()},
        dev={
            "exact_accuracy": round(dev_scores.exact, 4),
            "with_location_accuracy": round(dev_scores.with_location, 4),
            "without_location_accuracy": round(dev_scores.without_location, 4),
            "n": dev_scores.n,
        },
        train_seconds=round(time.perf_counter() - started, 1),
    )
    print(f"wrote {out / 'model.crfsuite'} ({(out / 'model.crfsuite').stat().st_size} bytes)")
    return 0
