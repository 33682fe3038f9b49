"""Train the attribution model (tagger + linker) on PolNeAR train; select on PolNeAR dev.

    python -m dateline.train attribution [--epochs 8] [--cache DIR] [--limit N]

1. Parse both splits with the project's spaCy pipeline (the parse the stage will see);
   `--cache DIR` keeps the parses and token vectors between runs.
2. Train the linker (logistic regression over (span, cue) pair features) on the gold spans
   of train.
3. Train the tagger (hashed parse features + spaCy token vectors -> window CNN -> BIO tags)
   for `--epochs` passes over train; after each, tag and link dev and score it with Citron's
   exact definitions; keep the epoch with the best mean of source, cue and content F1.
4. Write tagger.bin, linker.npy, config.json, meta.json (dev figures) and MODEL_CARD.md.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dateline.pipeline._attribution import (
    FORMAT,
    NAME,
    AttributionModel,
    StaticVectors,
    find_attributions,
    token_vectors,
)
from dateline.pipeline._attribution_features import Parsed, analyse
from dateline.pipeline._attribution_link import BITS, Layout, candidates, pair_features
from dateline.pipeline._attribution_model import DEFAULT_CONFIG, TAGS, build_tagger, tag_spans
from dateline.train._attribution_card import write_card
from dateline.train._attribution_score import score
from dateline.train._attribution_vectors import describe, load_vectors, save_vectors
from dateline.train._common import base_parser, fix_seeds, write_meta
from dateline.train._polnear import GoldText, read_split, token_labels


@dataclass(slots=True)
class Example:
    """One parsed training text with its labels."""

    gold: GoldText
    doc: Any
    parsed: Parsed
    tensor: np.ndarray
    tags: np.ndarray
    owner: np.ndarray


def parse_split(
    texts: Sequence[GoldText], nlp: Any, cache: Path | None, label: str, log: Any
) -> list[Any]:
    """Parse the texts with the stage's spaCy pipeline, reusing a cached parse when given."""
    from spacy.tokens import DocBin

    key = hashlib.sha256(
        "\n".join([nlp.meta.get("name", ""), nlp.meta.get("version", ""), *nlp.pipe_names]).encode()
        + b"".join(t.text.encode() for t in texts)
    ).hexdigest()[:16]
    if cache is not None:
        docs_path = cache / f"{label}-{key}.spacy"
        vectors_path = cache / f"{label}-{key}.npz"
        if docs_path.is_file() and vectors_path.is_file():
            docs = list(DocBin().from_disk(docs_path).get_docs(nlp.vocab))
            with np.load(vectors_path) as vectors:
                for i, doc in enumerate(docs):
                    doc.tensor = vectors[f"arr_{i}"].astype(np.float32)
            log(f"{label}: {len(docs)} parses read from {docs_path}")
            return docs
    started = time.perf_counter()
    docs = list(nlp.pipe([t.text for t in texts], batch_size=32))
    log(f"{label}: {len(docs)} texts parsed in {time.perf_counter() - started:.0f}s")
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        bin_ = DocBin(store_user_data=False)
        for doc in docs:
            bin_.add(doc)
        bin_.to_disk(docs_path)
        np.savez(vectors_path, *[d.tensor.astype(np.float16) for d in docs])
    return docs


def make_examples(
    texts: Sequence[GoldText],
    docs: Sequence[Any],
    config: dict[str, Any],
    vectors: StaticVectors | None = None,
) -> list[Example]:
    """Features and BIO labels of parsed texts."""
    out = []
    for gold, doc in zip(texts, docs, strict=True):
        tags, owner = token_labels(doc, gold.attributions)
        tensor = token_vectors(doc, config, vectors)
        out.append(Example(gold, doc, analyse(doc), tensor, tags, owner))
    return out


def linker_pairs(examples: Sequence[Example]) -> tuple[list[list[int]], np.ndarray]:
    """Pair features and labels (1: the span belongs to the cue) from the gold spans."""
    rows: list[list[int]] = []
    labels: list[int] = []
    for ex in examples:
        spans = tag_spans(ex.tags)
        layout = Layout.of(spans)
        for role, start, end in spans:
            if role == "cue":
                continue
            for k in candidates(layout.cues, (start, end), ex.parsed):
                rows.append(pair_features(ex.doc, ex.parsed, layout, role, (start, end), k))
                labels.append(int(ex.owner[layout.cues[k][0]] == ex.owner[start]))
    return rows, np.array(labels, dtype=np.float64)


def train_linker(
    rows: list[list[int]], labels: np.ndarray, steps: int = 300, rate: float = 0.5
) -> np.ndarray:
    """Logistic regression over hashed features: full-batch AdaGrad with a little L2."""
    weights = np.zeros(1 << BITS, dtype=np.float64)
    if not rows:
        return weights.astype(np.float32)
    lengths = np.array([len(r) for r in rows])
    cols = np.concatenate([np.asarray(r, dtype=np.int64) for r in rows])
    row_of = np.repeat(np.arange(len(rows)), lengths)
    squares = np.full(1 << BITS, 1e-8)
    for _ in range(steps):
        z = np.bincount(row_of, weights=weights[cols], minlength=len(rows))
        error = 1.0 / (1.0 + np.exp(-z)) - labels
        grad = np.bincount(cols, weights=error[row_of], minlength=1 << BITS) / len(rows)
        grad += 1e-6 * weights
        squares += grad * grad
        weights -= rate * grad / np.sqrt(squares)
    return weights.astype(np.float32)


def evaluate(model: AttributionModel, examples: Sequence[Example]) -> dict[str, dict[str, float]]:
    """Citron exact P/R/F1 of the model on parsed examples."""
    texts, gold, pred = [], [], []
    for ex in examples:
        texts.append(ex.gold.text)
        gold.append(
            [{"cue": a.cue, "source": a.source, "content": a.content} for a in ex.gold.attributions]
        )
        found = find_attributions(ex.doc, model)
        pred.append(
            [
                {
                    "cue": [(f.cue.start, f.cue.end)],
                    "source": [(f.source.start, f.source.end)] if f.source else None,
                    "content": [(c.start, c.end) for c in f.content] or None,
                }
                for f in found
            ]
        )
    return score(texts, gold, pred)


def train_tagger(
    train: Sequence[Example],
    dev: Sequence[Example],
    config: dict[str, Any],
    linker: np.ndarray,
    *,
    vectors: StaticVectors | None = None,
    epochs: int,
    seed: int,
    batch: int = 8,
    rate: float = 0.001,
    log: Any = print,
    on_best: Any = None,
) -> tuple[Any, dict[str, dict[str, float]], int]:
    """Train for some epochs; return the model of the best dev epoch, its scores and number.

    `on_best(model, scores, epoch)`, when given, is called (with the best weights in place)
    each time an epoch beats the ones before: a long run stopped early keeps its best model.
    """
    from thinc.api import Adam, fix_random_seed

    fix_random_seed(seed)
    rng = random.Random(seed)
    model = build_tagger(config)
    model.initialize()
    optimizer = Adam(rate)
    eye = np.eye(len(TAGS), dtype="f")
    best: tuple[float, bytes, dict[str, dict[str, float]], int] | None = None
    order = list(train)
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        rng.shuffle(order)
        loss = 0.0
        for i in range(0, len(order), batch):
            chunk = order[i : i + batch]
            probs, backprop = model.begin_update([(ex.parsed.features, ex.tensor) for ex in chunk])
            truth = eye[np.concatenate([ex.tags for ex in chunk])]
            loss += float(-(np.log(np.clip(np.asarray(probs), 1e-9, 1.0)) * truth).sum())
            backprop((probs - truth) / len(truth))
            model.finish_update(optimizer)
        # Scored (and kept) with the running average of the weights, as spaCy does.
        with model.use_params(optimizer.averages):
            scores = evaluate(AttributionModel(model, linker, config, vectors), dev)
            weights = model.to_bytes()
        mean = sum(scores[r]["f1"] for r in ("source", "cue", "content")) / 3
        log(
            f"epoch {epoch}: loss {loss:.0f}, dev exact F1 "
            + ", ".join(f"{k} {100 * v['f1']:.1f}" for k, v in scores.items())
            + f" ({time.perf_counter() - started:.0f}s)"
        )
        if best is None or mean > best[0]:
            best = (mean, weights, scores, epoch)
            if on_best is not None:
                with model.use_params(optimizer.averages):
                    on_best(model, scores, epoch)
    assert best is not None
    model.from_bytes(best[1])
    return model, best[2], best[3]


def main(argv: Sequence[str] | None = None) -> int:
    """Train the attribution model and write it into the package (or --out)."""
    parser = base_parser(NAME, __doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N texts")
    parser.add_argument("--cache", type=Path, help="keep parses here between runs")
    parser.add_argument("--width", type=int, default=DEFAULT_CONFIG["width"])
    parser.add_argument("--depth", type=int, default=DEFAULT_CONFIG["depth"])
    parser.add_argument("--lstm", action="store_true", help="add a BiLSTM over the CNN")
    parser.add_argument(
        "--vectors", type=Path, help="a spaCy vector table (vocab folder or wheel) to add"
    )
    parser.add_argument("--vector-width", type=int, default=64)
    args = parser.parse_args(argv)
    fix_seeds(args.seed)
    from dateline.pipeline.annotate import nlp_for
    from dateline.settings import load_settings

    started = time.perf_counter()
    polnear = args.corpora / "polnear"
    train_texts = read_split(polnear / "train", args.limit)
    dev_texts = read_split(polnear / "dev", args.limit)
    nlp = nlp_for(load_settings())

    def log(message: str) -> None:
        print(message, flush=True)

    config = dict(DEFAULT_CONFIG, width=args.width, depth=args.depth, lstm=args.lstm)
    vectors = None
    if args.vectors is not None:
        vectors = load_vectors(args.vectors, args.vector_width)
        config.update(static=args.vector_width, tensor=config["tensor"] + args.vector_width)
        log(f"static vectors: {describe(vectors)} from {args.vectors}")
    train_docs = parse_split(train_texts, nlp, args.cache, "train", log)
    train = make_examples(train_texts, train_docs, config, vectors)
    dev_docs = parse_split(dev_texts, nlp, args.cache, "dev", log)
    dev = make_examples(dev_texts, dev_docs, config, vectors)
    rows, labels = linker_pairs(train)
    linker = train_linker(rows, labels)
    log(f"linker: {len(rows)} (span, cue) pairs from train")

    def write(tagger: Any, scores: dict[str, dict[str, float]], epoch: int) -> None:
        minutes = (time.perf_counter() - started) / 60
        save(args.out, tagger, linker, config)
        if vectors is not None:
            save_vectors(vectors, args.out)
        figures = {kind: {k: round(100 * v, 2) for k, v in s.items()} for kind, s in scores.items()}
        write_meta(
            args.out,
            name=NAME,
            format=FORMAT,
            seed=args.seed,
            epochs=args.epochs,
            best_epoch=epoch,
            train_texts=len(train),
            dev_texts=len(dev),
            training_minutes=round(minutes, 1),
            dev_exact=figures,
            data="PolNeAR v1.0.0 train (selection on dev); no data licence stated: research use",
        )
        write_card(
            args.out, figures, epoch=epoch, epochs=args.epochs, seed=args.seed, minutes=minutes,
            n_train=len(train), config=config,
        )  # fmt: skip

    _, _, epoch = train_tagger(
        train, dev, config, linker, vectors=vectors, epochs=args.epochs, seed=args.seed, log=log,
        on_best=write,
    )  # fmt: skip
    minutes = (time.perf_counter() - started) / 60
    log(f"best epoch {epoch}; wrote {args.out} ({minutes:.0f} min)")
    return 0


def save(out: Path, tagger: Any, linker: np.ndarray, config: dict[str, Any]) -> None:
    """Write the weights and the architecture config."""
    import json

    out.mkdir(parents=True, exist_ok=True)
    (out / "tagger.bin").write_bytes(tagger.to_bytes())
    np.save(out / "linker.npy", linker.astype(np.float16))
    (out / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
