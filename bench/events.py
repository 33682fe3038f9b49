"""Score event typing on the PLOVER gold standard records (sentences from the CAMEO manual).

    python bench/events.py --data ../shared/corpora/plover-gsr/PLOVER_GSR_CAMEO.txt

Each record's sentence runs through the parse and the events stage; the event whose trigger
sits highest in the parse (closest to the root) is the sentence's prediction (no event: a
miss). Old PLOVER 0.5 labels are mapped as the corpus README says. Prints type accuracy and
macro F1 and, for actors, the share of gold source texts found among predicted actors.

Actor coding: every gold source and target actor with a country code (and, where given, a
sector) is coded by dateline.link.actors from the sentence: the country from the actor's own
words (falling back to its noun phrase), the sector from the noun phrase around it ("Senior
Hungarian and Romanian officials" -> GOV). Two figures: given the gold actor text (the
identity step alone), and end to end (only actors the events stage found count as right).
The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from dateline.link.actors import code_actor, country_in, sectors_of
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


# The GSR keeps a few CAMEO country codes that differ from ISO 3166-1 alpha-3.
CAMEO_TO_ISO = {"JAP": "JPN", "GMY": "DEU", "UK": "GBR", "SPN": "ESP", "ITL": "ITA"}


def _code_in_sentence(doc: Any, actor_text: str) -> tuple[str | None, str | None]:
    """Country and sector of a gold actor, read from its words and the noun phrase around it."""
    start = doc.text.find(actor_text)
    if start < 0:
        code = code_actor(actor_text)
        return code.country, code.sector
    end = start + len(actor_text)
    phrase = actor_text
    for chunk in doc.noun_chunks:
        if chunk.start_char <= start and end <= chunk.end_char:
            phrase = chunk.text
            break
    country = country_in(actor_text) or country_in(phrase)
    sector, _ = sectors_of(phrase)
    if sector is None and country in ("UNO", "IGO"):
        sector = "IGO"
    return country, sector


def _found(text: str, actor_text: str, spans: list[tuple[int, int]]) -> bool:
    start = text.find(actor_text)
    end = start + len(actor_text)
    return start >= 0 and any(s < end and start < e for s, e in spans)


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
    country_ok = country_n = sector_ok = sector_n = 0  # given the gold actor text
    e2e_country_ok = e2e_sector_ok = 0  # and found by the events stage
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
        found_spans = [(p.start, p.end) for e in events for p in (*e.actors, *e.recipients)]
        for side in ("source", "target"):
            for gold_actor in record.get(side) or []:
                if not isinstance(gold_actor, dict) or not gold_actor.get("code"):
                    continue
                country, sector = _code_in_sentence(doc, gold_actor["actorText"])
                found = _found(text, gold_actor["actorText"], found_spans)
                want_country = CAMEO_TO_ISO.get(gold_actor["code"], gold_actor["code"])
                if want_country == "IGO" and country == "UNO":
                    country = "IGO"  # the GSR codes UN bodies as IGO; we say UNO (a kind of IGO)
                country_n += 1
                country_ok += country == want_country
                e2e_country_ok += country == want_country and found
                if gold_actor.get("sector"):
                    sector_n += 1
                    sector_ok += sector == gold_actor["sector"]
                    e2e_sector_ok += sector == gold_actor["sector"] and found
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
    country_acc = country_ok / max(1, country_n)
    sector_acc = sector_ok / max(1, sector_n)
    print(
        f"  actor country accuracy {country_acc:.3f} ({country_ok}/{country_n}), sector "
        f"{sector_acc:.3f} ({sector_ok}/{sector_n})  given the gold actor text"
    )
    print(
        f"  end to end (actor also found by the events stage): country "
        f"{e2e_country_ok / max(1, country_n):.3f}, sector {e2e_sector_ok / max(1, sector_n):.3f}"
    )
    print(
        json.dumps(
            {
                "type_accuracy": round(accuracy, 4),
                "type_macro_f1": round(mf1, 4),
                "actor_text_recall": round(actor_hits / max(1, actor_total), 4),
                "actor_country_accuracy": round(country_acc, 4),
                "actor_sector_accuracy": round(sector_acc, 4),
                "actor_country_accuracy_end_to_end": round(e2e_country_ok / max(1, country_n), 4),
                "actor_sector_accuracy_end_to_end": round(e2e_sector_ok / max(1, sector_n), 4),
            }
        )
    )


if __name__ == "__main__":
    main()
