"""Score dateline's attributed-speech extraction on PolNeAR-format data, beside Citron.

    python bench/quotes.py --data ../shared/corpora/polnear/dev

Reads DIR/text/*.txt and DIR/attributions/*.ann (brat standoff; when several annotators'
files exist for a text, the first by file name is used, consistently), runs the spaCy parse
and the quotes stage on each raw text, and prints exact and token-overlap P/R/F1 for source,
cue, content and whole attributions; the last line is JSON with F1 in percent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _brat import KINDS, Attribution, Scorer, first_annotation, read_ann
from dateline.model import Article, Mention
from dateline.pipeline.annotate import MENTION_LABELS, nlp_for
from dateline.pipeline.quotes import extract_quotes
from dateline.settings import load_settings

CITRON_PARC3_EXACT = {"source": 82.0, "cue": 82.3, "content": 59.3}  # published, PARC 3.0


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    settings = load_settings()
    nlp = nlp_for(settings)
    texts = sorted((args.data / "text").glob("*.txt"))
    if args.limit:
        texts = texts[: args.limit]
    scorer = Scorer()
    used = 0
    started = time.perf_counter()
    for path in texts:
        ann = first_annotation(args.data / "attributions", path.stem)
        if ann is None:
            continue
        text = path.read_text(encoding="utf-8")
        doc = nlp(text)
        article = Article(
            id=path.stem, text=text, source_path=str(path), doc=doc,
            mentions=tuple(Mention(e.start_char, e.end_char, e.label_) for e in doc.ents
                           if e.label_ in MENTION_LABELS),
        )  # fmt: skip
        quotes = extract_quotes(article, settings=settings).quotes
        system = [
            Attribution(
                ((q.source.start, q.source.end),) if q.source else (),
                ((q.cue.start, q.cue.end),) if q.cue else (),
                tuple((s.start, s.end) for s in (q.content, *q.fragments)),
            )
            for q in quotes
        ]
        scorer.add(text, system, read_ann(ann))
        used += 1
    scores = scorer.scores()
    print(f"{args.data}: {used} documents ({time.perf_counter() - started:.1f}s)")
    for name in ("exact", "overlap"):
        for kind in (*KINDS, "attribution"):
            s = scores[name][kind]
            peer = (
                f"   Citron (PARC 3.0) {CITRON_PARC3_EXACT[kind]}"
                if (name == "exact" and kind in CITRON_PARC3_EXACT)
                else ""
            )
            print(
                f"  {name:7s} {kind:11s} P {s['precision']:5.1f}  R {s['recall']:5.1f}"
                f"  F1 {s['f1']:5.1f}{peer}"
            )
    print(
        json.dumps(
            {
                name: {k: round(v["f1"], 2) for k, v in scores[name].items()}
                for name in ("exact", "overlap")
            }
        )
    )


if __name__ == "__main__":
    main()
