"""Score event locations: is the place span chosen for an event verb exactly the annotated one?

    python bench/event_location.py                       # the held-out part of train.jsonl
    python bench/event_location.py --data FILE.jsonl     # any file in train.jsonl's format
    python bench/event_location.py --predictions preds.jsonl

Data: ``../shared/corpora/event-location/train.jsonl`` (Halterman 2019, MIT). On that file the
default is its held-out part: the seeded document-level split of
`dateline.train.event_location.split_records` (seed 15, bucket 0 of 10: 898 records) that
training and tuning never read. On any other file every record is scored (``--split all``).

Per record, the model's place spans (`dateline.pipeline.event_places.place_spans`, on the
record's whole sentence, every span it tags) are mapped to the corpus's tokens and compared
with the gold spans: exact match, no span when the gold has none. Beside it, in the same run,
the naive baseline the corpus README names: the first place name (spaCy GPE/LOC/FAC) in the
sentence. Also token-level precision/recall/F1 over records with a location. The last line is
JSON with ``exact_accuracy``, ``with_location_accuracy``, ``without_location_accuracy``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from dateline.pipeline.event_places import place_spans
from dateline.train.event_location import (
    Record,
    event_token,
    parse_texts,
    read_records,
    score,
    split_records,
    to_corpus_spans,
)

DEFAULT = Path("../shared/corpora/event-location/train.jsonl")
PUBLISHED = "Halterman 2019, upstream RELABEL test (not in our corpora): token P and R > 0.83"


def _baseline(doc: Any) -> list[tuple[int, int]]:
    """The first place name of the sentence, as the corpus README's naive baseline."""
    for ent in doc.ents:
        if ent.label_ in ("GPE", "LOC", "FAC"):
            return [(ent.start_char, ent.end_char)]
    return []


def _token_prf(pairs: list[tuple[Record, frozenset[tuple[int, int]]]]) -> tuple[float, ...]:
    """Token-level precision, recall, F1 over records that have a gold location."""
    tp = fp = fn = 0
    for record, pred in pairs:
        if not record.places:
            continue
        gold = {i for a, b in record.places for i in range(a, b + 1)}
        got = {i for a, b in pred for i in range(a, b + 1)}
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _speed(path: Path, limit: int) -> None:
    """Parse articles, then ask `event_place` for every event trigger; print both costs."""
    from dateline.model import Article
    from dateline.pipeline.annotate import annotate_many
    from dateline.pipeline.event_places import event_place
    from dateline.pipeline.events import _match
    from dateline.settings import load_settings

    texts = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if len(texts) >= limit:
                break
            row = json.loads(line)
            texts.append(row.get("text") or "\n\n".join(s["text"] for s in row["sentences"]))
    articles = [Article(id=str(i), text=t, source_path="") for i, t in enumerate(texts)]
    settings = load_settings()
    annotate_many(articles[:2], settings=settings)  # load the model outside the timing
    event_place(*_first_trigger(annotate_many(articles[:1], settings=settings)[0], _match))
    started = time.perf_counter()
    parsed = annotate_many(articles, settings=settings)
    parse_seconds = time.perf_counter() - started
    calls = 0
    started = time.perf_counter()
    for article in parsed:
        for sent in article.doc.sents:
            for token in sent:
                if _match(token) is not None:
                    event_place(article, token, sent)
                    calls += 1
    place_seconds = time.perf_counter() - started
    per = 1000 * parse_seconds / len(parsed)
    places = 1000 * place_seconds / len(parsed)
    share = 100 * place_seconds / parse_seconds
    print(
        f"speed: {len(parsed)} articles of {path.name}: parse {per:.1f} ms/article; place"
        f" choice {places:.2f} ms/article for {calls / len(parsed):.1f} triggers ({share:.1f}%"
        " of the parse; trigger matching included; 2 shared cores, noisy)"
    )


def _first_trigger(article: Any, match: Any) -> tuple[Any, Any, Any]:
    for sent in article.doc.sents:
        for token in sent:
            if match(token) is not None:
                return article, token, sent
    first = next(iter(article.doc.sents))
    return article, first[0], first


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument(
        "--split",
        choices=("heldout", "dev", "train", "all"),
        default=None,
        help="which part to score (default: heldout for train.jsonl, all for other files)",
    )
    parser.add_argument("--predictions", type=Path, help="write one JSON line per record here")
    parser.add_argument("--cache", type=Path, default=Path("bench/out/cache"))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument(
        "--speed",
        type=Path,
        help="also time place choice against the parse on a JSONL of articles ('text' field)",
    )
    parser.add_argument("--speed-limit", type=int, default=200)
    args = parser.parse_args(argv)
    if args.speed:
        _speed(args.speed, args.speed_limit)
    records = read_records(args.data)
    split = args.split or ("heldout" if args.data.name == "train.jsonl" else "all")
    if split != "all":
        parts = split_records(records)
        records = [r for r, part in zip(records, parts, strict=True) if part == split]
    if args.limit:
        records = records[: args.limit]
    docs = parse_texts([r.text for r in records], args.cache)
    model_pairs = []
    base_pairs = []
    rows = []
    tag_seconds = 0.0
    for record in records:
        doc = docs[record.text]
        token = event_token(doc, *record.verb)
        started = time.perf_counter()
        spans = [(s.start, s.end) for s, _ in place_spans(doc[:], token)] if token else []
        tag_seconds += time.perf_counter() - started
        pred = to_corpus_spans(record, spans)
        base = to_corpus_spans(record, _baseline(doc))
        model_pairs.append((record, pred))
        base_pairs.append((record, base))
        rows.append({"id": record.id, "gold": sorted(record.places), "predicted": sorted(pred),
                     "baseline": sorted(base)})  # fmt: skip
    model, base = score(model_pairs), score(base_pairs)
    mp, mr, mf = _token_prf(model_pairs)
    bp, br, bf = _token_prf(base_pairs)
    print(f"data: {args.data} (split {split}: {model.n} records, {model.n_with} with a location)")
    print(f"{'':28}{'exact':>8}{'with loc':>10}{'without':>9}{'tok P':>7}{'tok R':>7}{'tok F1':>7}")
    print(f"{'event-location CRF':28}{model.exact:8.3f}{model.with_location:10.3f}"
          f"{model.without_location:9.3f}{mp:7.3f}{mr:7.3f}{mf:7.3f}")  # fmt: skip
    print(f"{'baseline: first place name':28}{base.exact:8.3f}{base.with_location:10.3f}"
          f"{base.without_location:9.3f}{bp:7.3f}{br:7.3f}{bf:7.3f}")  # fmt: skip
    print(f"published: {PUBLISHED}")
    per = 1000 * tag_seconds / max(1, len(records))
    print(f"tagging: {per:.2f} ms per event (features + CRF, parse excluded; 2 shared cores)")
    if args.predictions:
        args.predictions.parent.mkdir(parents=True, exist_ok=True)
        with args.predictions.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
    print(
        json.dumps(
            {
                "data": str(args.data),
                "split": split,
                "n": model.n,
                "exact_accuracy": round(model.exact, 4),
                "with_location_accuracy": round(model.with_location, 4),
                "without_location_accuracy": round(model.without_location, 4),
                "token_f1": round(mf, 4),
                "baseline_exact_accuracy": round(base.exact, 4),
                "baseline_with_location_accuracy": round(base.with_location, 4),
                "baseline_without_location_accuracy": round(base.without_location, 4),
                "ms_per_event": round(per, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
