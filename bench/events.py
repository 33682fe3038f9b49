"""Score event typing on the PLOVER gold standard records (sentences from the CAMEO manual).

    python bench/events.py --data ../shared/corpora/plover-gsr/PLOVER_GSR_CAMEO.txt

Each record's sentence runs through the parse and the events stage; the event whose trigger
sits highest in the parse (closest to the root) is the sentence's prediction (no event: a
miss). Old PLOVER 0.5 labels are mapped as the corpus README says. Prints type accuracy and
macro F1 and, for actors, the share of gold source texts found among predicted actors; the
last line is JSON. Actor country/sector accuracy needs the identity stage (not built yet).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from dateline.model import Article, Mention
from dateline.pipeline.annotate import MENTION_LABELS, nlp_for
from dateline.pipeline.events import extract_events
from dateline.settings import load_settings

OLD_TO_NEW = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Macro-averaged F1 over the gold labels."""
    labels = sorted({g for g, _ in pairs})
    scores = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path)
    args = parser.parse_args()
    records = [
        r
        for r in json.loads(args.data.read_text(encoding="utf-8"))
        if r.get("event") != "DOCUMENT" and r.get("text")
    ]
    settings = load_settings()
    nlp = nlp_for(settings)
    pairs: list[tuple[str, str]] = []
    actor_hits = actor_total = 0
    for record in records:
        gold = OLD_TO_NEW.get(record["event"], record["event"])
        text = record["text"]
        doc = nlp(text)
        article = Article(
            id=record["id"],
            text=text,
            source_path=record["id"],
            doc=doc,
            mentions=tuple(
                Mention(e.start_char, e.end_char, e.label_)
                for e in doc.ents
                if e.label_ in MENTION_LABELS
            ),
        )
        events = extract_events(article, settings=settings).events
        predicted = "NONE"
        if events:

            def depth(event: object, doc: object = doc) -> int:
                token = doc.char_span(event.trigger.start, event.trigger.end)  # type: ignore[attr-defined]
                return len(list(token.root.ancestors)) if token is not None else 99

            best = min(events, key=depth)
            predicted = best.type
            sources = record.get("source") or []
            if isinstance(sources, list):
                for src in sources:
                    if isinstance(src, dict) and src.get("actorText"):
                        actor_total += 1
                        found = [text[a.start : a.end] for a in best.actors]
                        actor_hits += any(
                            src["actorText"] in f or f in src["actorText"] for f in found
                        )
        pairs.append((gold, predicted))
    accuracy = sum(1 for g, p in pairs if g == p) / len(pairs)
    mf1 = macro_f1(pairs)
    confusion = Counter((g, p) for g, p in pairs if g != p).most_common(8)
    print(f"{args.data.name}: {len(pairs)} records")
    print(f"  event type accuracy {accuracy:.3f}   macro F1 {mf1:.3f}   (no published figure)")
    print(f"  actor text found among predicted actors: {actor_hits}/{actor_total}")
    print(f"  most common confusions (gold -> predicted): {confusion}")
    print(
        json.dumps(
            {
                "type_accuracy": round(accuracy, 4),
                "type_macro_f1": round(mf1, 4),
                "actor_text_recall": round(actor_hits / max(1, actor_total), 4),
                "actor_country_accuracy": None,
                "actor_sector_accuracy": None,
            }
        )
    )


if __name__ == "__main__":
    main()
