"""Score dateline's attributed speech on PolNeAR-format data with Citron's metrics.

    python bench/quotes.py --data ../shared/corpora/polnear/dev
    python bench/quotes.py --data ../shared/corpora/polnear/dev --predictions p.json

--data is a PolNeAR split folder: DIR/text/<stem>.txt and DIR/attributions/<stem>_<id>.ann
(brat standoff; a text done by several annotators is scored against the smallest id, as the
reference scorer does). Each raw text runs through the spaCy parse and the quotes stage; the
figures are ../shared/score/polnear.py's: exact P/R/F1 per attribution tied to its cue (a
source or content counts only inside an attribution whose cue matches, Citron's definition)
and token-overlap P/R/F1 per role. `--predictions FILE` writes the predictions in the scorer's
format. The last line is JSON with F1 in percent.
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
from dateline.pipeline.quotes import extract_quotes
from dateline.settings import load_settings

# Published exact F1, measured on PARC 3.0 (a different corpus, with its own conventions).
PEER = ("Citron", "PARC 3.0 test", {"source": 82.0, "cue": 82.3, "content": 59.3})
ROLES = ("source", "cue", "content", "attribution")


def _span(span: Span | None) -> list[list[int]] | None:
    return [[span.start, span.end]] if span is not None else None


def as_prediction(quote: Quote) -> dict[str, Any]:
    """One quote in the scorer's format: source, cue and content (with its fragments)."""
    content = [[s.start, s.end] for s in (quote.content, *quote.fragments)]
    return {"source": _span(quote.source), "cue": _span(quote.cue), "content": content}


def predict(gold: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Run parse + quotes on every text; predictions keyed by text stem."""
    settings = load_settings()
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
    args = parser.parse_args(argv)
    polnear = load_scorer("polnear")
    try:
        everything = polnear.read_gold(str(args.data), args.annotator)
    except (OSError, ValueError) as exc:
        sys.exit(f"{args.data}: {exc}")
    gold = {stem: everything[stem] for stem in pick(sorted(everything), args.limit, args.sample)}
    started = time.perf_counter()
    predictions = predict(gold)
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
    print_figures(figures(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
