"""Score dateline's attributed speech on PolNeAR-format data with Citron's metrics.

    python bench/quotes.py --data ../shared/corpora/polnear/dev
    python bench/quotes.py --data ../shared/corpora/polnear/dev --predictions p.json

--data is a PolNeAR split folder: DIR/text/<stem>.txt and DIR/attributions/<stem>_<id>.ann
(brat standoff; a text done by several annotators is scored against the smallest id, as the
reference scorer does). Each raw text runs through the spaCy parse and the quotes stage; the
figures are ../shared/score/polnear.py's: exact P/R/F1 per attribution tied to its cue (a
source or content counts only inside an attribution whose cue matches, Citron's definition)
and token-overlap P/R/F1 per role. `--predictions FILE` writes the predictions in the scorer's
format. Direct and indirect speech are then scored apart, each with the same scorer: a gold
attribution is direct when its content is the speaker's own words in quotation marks
(`dateline.pipeline.quotes.is_direct` on the gold span), a predicted one when the stage says
so; a quote put on the wrong side counts as a miss on one side and a false find on the other.
The bench also says which path decided (origin "model" or "rules") and how often its cue was
right. `--rules fallback|off|only` runs the stage with that `[quotes] rules` setting. The last
line is JSON with F1 in percent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _reference import (
    add_data_args,
    load_scorer,
    pick,
    print_figures,
    subset_note,
    write_predictions,
)
from dateline.model import Article, Mention, Quote, Span
from dateline.pipeline.annotate import MENTION_LABELS, nlp_for
from dateline.pipeline.quotes import RULE_MODES, extract_quotes, is_direct
from dateline.settings import load_settings

# Published exact F1, measured on PARC 3.0 (a different corpus, with its own conventions).
PEER = ("Citron", "PARC 3.0 test", {"source": 82.0, "cue": 82.3, "content": 59.3})
ROLES = ("source", "cue", "content", "attribution")


def _span(span: Span | None) -> list[list[int]] | None:
    return [[span.start, span.end]] if span is not None else None


def as_prediction(quote: Quote) -> dict[str, Any]:
    """One quote in the scorer's format (source, cue, content with its fragments), plus the
    stage's direct flag and origin, which the scorer ignores."""
    content = [[s.start, s.end] for s in (quote.content, *quote.fragments)]
    return {
        "source": _span(quote.source), "cue": _span(quote.cue), "content": content,
        "direct": quote.direct, "origin": quote.origin,
    }  # fmt: skip


def gold_direct(text: str, attribution: dict[str, Any]) -> bool:
    """Whether a gold attribution is direct speech, judged as the stage judges its own."""
    pieces = sorted(attribution.get("content") or ())
    if not pieces:
        return False
    spans = [Span(s, e) for s, e in pieces]
    return is_direct(text, spans[0], tuple(spans[1:]))


def by_speech(
    polnear: Any, gold: dict[str, dict[str, Any]], predictions: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """The reference scorer's figures on direct and on indirect speech, apart."""
    out = {}
    for kind, want in (("direct", True), ("indirect", False)):
        part_gold = {
            stem: {**entry, "attributions": [
                a for a in entry["attributions"] if gold_direct(entry["text"], a) is want
            ]}
            for stem, entry in gold.items()
        }  # fmt: skip
        part_pred = {
            stem: [p for p in preds if bool(p["direct"]) is want]
            for stem, preds in predictions.items()
        }
        out[kind] = polnear.score(part_gold, part_pred)
    return out


def by_path(
    polnear: Any, gold: dict[str, dict[str, Any]], predictions: dict[str, list[dict[str, Any]]]
) -> dict[str, list[int]]:
    """Per origin: attributions found and how many have a cue equal to a gold cue."""
    out: dict[str, list[int]] = {}
    for stem, preds in predictions.items():
        text = gold[stem]["text"]
        cues = {polnear.normalize(a["cue"], text) for a in gold[stem]["attributions"]}
        for p in preds:
            counts = out.setdefault(p["origin"], [0, 0])
            counts[0] += 1
            cue = [tuple(piece) for piece in p["cue"] or ()]
            counts[1] += int(bool(cue) and polnear.normalize(cue, text) in cues)
    return out


def predict(
    gold: dict[str, dict[str, Any]], rules: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Run parse + quotes on every text; predictions keyed by text stem."""
    settings = load_settings()
    if rules is not None:
        settings = settings.replace(extra={**settings.extra, "quotes": {"rules": rules}})
    nlp = nlp_for(settings)
    predictions: dict[str, list[dict[str, Any]]] = {}
    for stem, entry in gold.items():
        text = entry["text"]
        doc = nlp(text)
        article = Article(
            id=stem, text=text, source_path=stem, doc=doc,
            mentions=tuple(Mention(e.start_char, e.end_char, e.label_) for e in doc.ents
                           if e.label_ in MENTION_LABELS),
        )  # fmt: skip
        quotes = extract_quotes(article, settings=settings).quotes
        predictions[stem] = [as_prediction(q) for q in quotes]
    return predictions


def figures(result: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The JSON figures: F1 in percent per measure and role."""
    return {
        name: {role: round(100 * result[name][role]["f1"], 2) for role in ROLES}
        for name in ("exact", "overlap")
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_args(parser, "a PolNeAR split folder (text/ and attributions/)")
    parser.add_argument("--annotator", help="preferred annotator id for doubly annotated texts")
    parser.add_argument(
        "--rules", choices=RULE_MODES, help="the stage's [quotes] rules setting (default: as set)"
    )
    args = parser.parse_args(argv)
    polnear = load_scorer("polnear")
    try:
        everything = polnear.read_gold(str(args.data), args.annotator)
    except (OSError, ValueError) as exc:
        sys.exit(f"{args.data}: {exc}")
    gold = {stem: everything[stem] for stem in pick(sorted(everything), args.limit, args.sample)}
    started = time.perf_counter()
    predictions = predict(gold, args.rules)
    took = time.perf_counter() - started
    result = polnear.score(gold, predictions)
    print(f"{args.data}: {subset_note(len(gold), len(everything))} texts ({took:.1f}s)")
    write_predictions(args.predictions, predictions)
    print("\n".join("  " + line for line in polnear.summary(result, gold).splitlines()))
    name, where, peer = PEER
    print(
        f"  peer: {name} exact F1 source {peer['source']}, cue {peer['cue']}, content "
        f"{peer['content']}, measured on {where}: another corpus, not this data"
    )
    speech = by_speech(polnear, gold, predictions)
    for kind, part in speech.items():
        counts = part["counts"]
        print(
            f"  {kind} speech ({counts['gold']} gold, {counts['pred']} found), exact P/R/F1: "
            + ", ".join(
                f"{role} {100 * part['exact'][role]['p']:.1f}/{100 * part['exact'][role]['r']:.1f}"
                f"/{100 * part['exact'][role]['f1']:.1f}"
                for role in ROLES
            )
        )
    for origin, (found, right) in sorted(by_path(polnear, gold, predictions).items()):
        print(f"  decided by {origin}: {found} attributions, cue exactly right in {right}")
    out = figures(result)
    for kind, part in speech.items():
        out[kind] = {role: round(100 * part["exact"][role]["f1"], 2) for role in ROLES}
    print_figures(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
