"""Score dateline's time references on TimeML folders, beside HeidelTime's published figure.

    python bench/timerefs.py --data ../shared/corpora/timeml/tbaq-cleaned

Runs the spaCy parse and the timerefs stage on each document's raw text with the document
creation time as the anchor, and prints TempEval-3 strict/relaxed extent P/R/F1, type F1,
value accuracy and value F1, the stage's time beside the parse's, and a last line of JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timeml import Counts, Timex, read_timeml
from dateline.pipeline.annotate import nlp_for
from dateline.pipeline.timerefs import find_timerefs
from dateline.settings import load_settings

HEIDELTIME_TE3_VALUE_F1 = 77.61  # TempEval-3 platinum test, HeidelTime-t (published)


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="folder of .tml files")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    files = sorted(args.data.rglob("*.tml"))
    if args.limit:
        files = files[: args.limit]
    if not files:
        sys.exit(f"no .tml files under {args.data}")
    nlp = nlp_for(load_settings())
    counts = Counts()
    parse_s = stage_s = 0.0
    for path in files:
        doc_ = read_timeml(path)
        anchor = dt.date.fromisoformat(doc_.dct) if doc_.dct else None
        t0 = time.perf_counter()
        doc = nlp(doc_.text)
        t1 = time.perf_counter()
        refs = find_timerefs(doc_.text, anchor, doc=doc)
        t2 = time.perf_counter()
        parse_s += t1 - t0
        stage_s += t2 - t1
        counts.add([Timex(r.start, r.end, r.type, r.value) for r in refs], doc_.gold)
    scores = counts.scores()
    print(
        f"{args.data}: {len(files)} documents, {counts.gold} gold and {counts.system} "
        "system expressions"
    )
    for key in ("strict", "relaxed"):
        print(
            f"  {key:8s} P {scores[key + '_precision']:5.1f}  R {scores[key + '_recall']:5.1f}"
            f"  F1 {scores[key + '_f1']:5.1f}"
        )
    print(
        f"  type F1 {scores['type_f1']:5.1f}   value accuracy {scores['value_accuracy']:5.1f}"
        f"   value F1 {scores['value_f1']:5.1f}   (HeidelTime-t, TempEval-3 test: "
        f"{HEIDELTIME_TE3_VALUE_F1})"
    )
    share = 100 * stage_s / parse_s if parse_s else 0.0
    print(
        f"  time: spaCy parse {parse_s:.2f}s, timerefs stage {stage_s:.2f}s "
        f"({share:.1f}% of the parse)"
    )
    print(
        json.dumps(
            {
                "strict_f1": round(scores["strict_f1"], 2),
                "relaxed_f1": round(scores["relaxed_f1"], 2),
                "value_f1": round(scores["value_f1"], 2),
                "type_f1": round(scores["type_f1"], 2),
                "stage_share_of_parse_pct": round(share, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
