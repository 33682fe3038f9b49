"""Score event typing on the PLOVER gold standard records (sentences from the CAMEO manual).

    python bench/events.py --data ../shared/corpora/plover-gsr/PLOVER_GSR_CAMEO.txt
    python bench/events.py --synthetic ../shared/corpora/ngec-actor-tests/gpt_synthetic_events_*.zip

Each record's sentence runs through the parse and the events stage; the sentence's main event
(`dateline.pipeline.events.main_event`: the trigger nearest the parse root, events inferred
from reported speech last) is the prediction (no event: a miss). Old PLOVER 0.5 labels are
mapped as the corpus README says. Prints type accuracy, macro F1, per-type precision/recall
and, for actors, the share of gold source texts found among predicted actors.

`--synthetic ZIP` scores the NGEC synthetic stories (language-model pseudo-labels): even rows
are the development half, odd rows the held-out half reported by default (`--half`).

Actor coding: every gold source and target actor with a country code (and, where given, a
sector) is coded by dateline.link.actors from the sentence: the country from the actor's own
words (falling back to its noun phrase), the sector from the noun phrase around it ("Senior
Hungarian and Romanian officials" -> GOV). Two figures: given the gold actor text (the
identity step alone), and end to end (only actors the events stage found count as right).
`--heldout CORPORA` scores event / no event on the held-out part (one document in five) of the
event classifier's word-level training corpora (ConfliBERT annotation rounds, M2E2): every
candidate word with a gold label counts; a word is predicted an event when the events stage
makes an event on it (so an event without a participant is a miss, as in use).

`--data` takes any JSON array of records in the GSR's form (`id`, `event`, `text`, `source`,
`target`); `--limit`/`--sample` score a subset; `--predictions FILE` writes `{record id: {"event",
"mode", "actors", "recipients"}}` (actor texts) so the figures can be recomputed by anyone (no
reference scorer or published figure exists for this data). The last line is JSON.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _reference import pick, print_figures, subset_note, write_predictions
from dateline.link.actors import code_actor, country_in, sectors_of
from dateline.model import Article, Mention
from dateline.pipeline.annotate import MENTION_LABELS, nlp_for
from dateline.pipeline.events import extract_events, main_event
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


def per_type(pairs: list[tuple[str, str]]) -> dict[str, tuple[float, float, float, int]]:
    """Precision, recall, F1 and gold count for every gold label."""
    out = {}
    for label in sorted({g for g, _ in pairs}):
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[label] = (prec, rec, f1, tp + fn)
    return out


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Macro-averaged F1 over the gold labels."""
    scores = [f1 for _, _, f1, _ in per_type(pairs).values()]
    return sum(scores) / len(scores) if scores else 0.0


def print_per_type(pairs: list[tuple[str, str]]) -> None:
    """One line per gold type: precision, recall, F1 and how many gold records."""
    print("  per type (precision / recall / F1, n):")
    for label, (prec, rec, f1, n) in per_type(pairs).items():
        print(f"    {label:10} {prec:.2f} / {rec:.2f} / {f1:.2f}  n={n}")


def _article(record_id: str, text: str, nlp: Any) -> Article:
    doc = nlp(text)
    return Article(
        id=record_id,
        text=text,
        source_path=record_id,
        doc=doc,
        mentions=tuple(
            Mention(e.start_char, e.end_char, e.label_)
            for e in doc.ents
            if e.label_ in MENTION_LABELS
        ),
    )


def synthetic(path: Path, half: str, limit: int | None) -> None:
    """Type accuracy on one half of the NGEC synthetic stories (even rows dev, odd held out).

    A story's type is the main event of its first sentence that has one (the lede rule); the
    labels are a language model's pseudo-labels, so this is a smoke figure, not gold.
    """
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".csv"))
        rows = list(csv.DictReader(io.TextIOWrapper(zf.open(name), encoding="utf-8")))
    chosen = [r for i, r in enumerate(rows) if i % 2 == (0 if half == "dev" else 1)]
    chosen = chosen[:limit] if limit else chosen
    settings = load_settings()
    nlp = nlp_for(settings)
    pairs: list[tuple[str, str]] = []
    for i, row in enumerate(chosen):
        article = _article(f"syn-{i}", row["text"], nlp)
        events = extract_events(article, settings=settings).events
        predicted = "NONE"
        for sent in article.doc.sents:
            in_sent = [e for e in events if sent.start_char <= e.trigger.start < sent.end_char]
            best = main_event(in_sent, article.doc)
            if best is not None:
                predicted = best.type
                break
        pairs.append((row["label"], predicted))
    accuracy = sum(1 for g, p in pairs if g == p) / len(pairs)
    print(f"{path.name} ({half} half): {len(pairs)} stories")
    print(f"  story type accuracy {accuracy:.3f}   macro F1 {macro_f1(pairs):.3f}")
    print_per_type(pairs)
    confusion = Counter((g, p) for g, p in pairs if g != p).most_common(12)
    print(f"  most common confusions (gold -> predicted): {confusion}")
    print(json.dumps({"synthetic_half": half, "type_accuracy": round(accuracy, 4)}))


def heldout(corpora: Path) -> dict[str, float]:
    """Event / no-event precision and recall of the events stage on the held-out texts."""
    from dateline.train._event_corpora import conflibert_rounds, m2e2
    from dateline.train.events import gold_tokens

    settings = load_settings()
    nlp = nlp_for(settings)
    out: dict[str, float] = {}
    totals = Counter()
    for name, reader in (("conflibert-rounds", conflibert_rounds), ("m2e2", m2e2)):
        counts: Counter[str] = Counter()
        for i, sample in enumerate(s for s in reader(corpora) if s.split == "dev"):
            article = _article(f"{name}-{i}", sample.text, nlp)
            gold = gold_tokens(sample, article.doc)
            events = extract_events(article, settings=settings).events
            starts = {e.trigger.start for e in events if e.trigger}
            for token in article.doc:
                if token.i not in gold:
                    continue
                event, said = gold[token.i] != "NONE", token.idx in starts
                counts["tp" if event and said else "fn" if event else "fp" if said else "tn"] += 1
        totals.update(counts)
        prec = counts["tp"] / max(1, counts["tp"] + counts["fp"])
        rec = counts["tp"] / max(1, counts["tp"] + counts["fn"])
        print(f"  held-out {name}: event precision {prec:.3f}  recall {rec:.3f}  ({dict(counts)})")
        out[f"heldout_{name}_event_precision"] = round(prec, 4)
        out[f"heldout_{name}_event_recall"] = round(rec, 4)
    prec = totals["tp"] / max(1, totals["tp"] + totals["fp"])
    rec = totals["tp"] / max(1, totals["tp"] + totals["fn"])
    print(f"  held-out all: event precision {prec:.3f}  recall {rec:.3f}")
    out["heldout_event_precision"] = round(prec, 4)
    out["heldout_event_recall"] = round(rec, 4)
    return out


def _record_keys(records: list[dict[str, Any]]) -> list[str]:
    """Prediction keys: the record id, with #2, #3 ... where the file repeats an id."""
    seen: Counter[str] = Counter()
    keys = []
    for record in records:
        seen[record["id"]] += 1
        n = seen[record["id"]]
        keys.append(record["id"] if n == 1 else f"{record['id']}#{n}")
    return keys


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="PLOVER_GSR_CAMEO.txt or records alike")
    parser.add_argument("--predictions", type=Path, help="write the predictions here (JSON)")
    parser.add_argument("--synthetic", type=Path, help="gpt_synthetic_events_*.csv.zip")
    parser.add_argument("--half", choices=("dev", "held-out"), default="held-out")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N")
    parser.add_argument("--sample", type=int, default=0, help="N records spread evenly")
    parser.add_argument("--heldout", type=Path, help="corpora folder: event/no-event held out")
    args = parser.parse_args(argv)
    if args.synthetic is not None:
        synthetic(args.synthetic, args.half, args.limit)
    held = heldout(args.heldout) if args.heldout is not None else {}
    if args.data is None:
        if args.synthetic is None and args.heldout is None:
            parser.error("give --data, --synthetic and/or --heldout")
        if held:
            print_figures(held)
        return 0
    everything = [
        r
        for r in json.loads(args.data.read_text(encoding="utf-8"))
        if r.get("event") != "DOCUMENT" and r.get("text")
    ]
    records = pick(everything, args.limit or 0, args.sample)
    settings = load_settings()
    nlp = nlp_for(settings)
    pairs: list[tuple[str, str]] = []
    predictions: dict[str, dict[str, Any]] = {}
    actor_hits = actor_total = 0
    country_ok = country_n = sector_ok = sector_n = 0  # given the gold actor text
    e2e_country_ok = e2e_sector_ok = 0  # and found by the events stage
    for key, record in zip(_record_keys(records), records, strict=True):
        gold = OLD_TO_NEW.get(record["event"], record["event"])
        text = record["text"]
        article = _article(record["id"], text, nlp)
        doc = article.doc
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
        best = main_event(events, doc)
        predictions[key] = {"event": predicted, "mode": None, "actors": [], "recipients": []}
        if best is not None:
            predicted = best.type
            predictions[key] = {
                "event": best.type,
                "mode": best.mode,
                "actors": [text[a.start : a.end] for a in best.actors],
                "recipients": [text[a.start : a.end] for a in best.recipients],
            }
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
    write_predictions(args.predictions, predictions)
    print(f"{args.data}: {subset_note(len(records), len(everything))} records")
    print(f"  event type accuracy {accuracy:.3f}   macro F1 {mf1:.3f}   (no published figure)")
    print_per_type(pairs)
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
    print_figures(
        {
            "type_accuracy": round(accuracy, 4),
            "type_macro_f1": round(mf1, 4),
            "actor_text_recall": round(actor_hits / max(1, actor_total), 4),
            "actor_country_accuracy": round(country_acc, 4),
            "actor_sector_accuracy": round(sector_acc, 4),
            "actor_country_accuracy_end_to_end": round(e2e_country_ok / max(1, country_n), 4),
            "actor_sector_accuracy_end_to_end": round(e2e_sector_ok / max(1, sector_n), 4),
            **held,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
