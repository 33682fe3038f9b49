"""Score dateline's time references on TimeML data with the TempEval-3 reference scorer.

    python bench/timerefs.py --data ../shared/corpora/timeml/tbaq-cleaned
    python bench/timerefs.py --data ../shared/corpora/timeml/wikiwars/timeml_all22 \
        --predictions bench/out/wikiwars.json

--data is a folder of TimeML files (searched recursively) or one .tml file. Each document's raw
<TEXT> (exactly as ../shared/score/timeml.py reads it) runs through the spaCy parse and the
timerefs stage, anchored on the document creation time. The figures are the reference
scorer's (one-to-one pairing, exact type and value strings): strict/relaxed extent P/R/F1,
type and value accuracy and F1. `--predictions FILE` writes the predictions in the scorer's
format, so `python ../shared/score/timeml.py DATA FILE` gives the same figures. The last line
is JSON (percent), with the stage's time beside the parse's (noisy; never gated).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
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
from dateline.pipeline.annotate import nlp_for
from dateline.pipeline.timerefs import find_timerefs
from dateline.settings import load_settings

Predictions = dict[str, list[dict[str, Any]]]

# Published, and measured on data that is not here: the TempEval-3 platinum test set.
PEER = ("HeidelTime-t", "value F1", 77.61, "TempEval-3 platinum test")


def read_gold(path: Path) -> dict[str, dict[str, Any]]:
    """Gold documents of a TimeML folder or a single .tml file, read by the reference scorer."""
    timeml = load_scorer("timeml")
    if path.is_file():
        doc = timeml.read_tml(str(path))
        return {doc["file"]: doc}
    gold: dict[str, dict[str, Any]] = timeml.read_gold(str(path))
    return gold


def anchor_of(dct: str | None) -> dt.date | None:
    """The document creation time as a date (TimeML writes 1998-01-08, 19980108 or with a time)."""
    if not dct:
        return None
    if re.fullmatch(r"\d{8}", dct[:8]):
        dct = f"{dct[:4]}-{dct[4:6]}-{dct[6:8]}"
    try:
        return dt.date.fromisoformat(dct[:10])
    except ValueError:
        return None


def predict(gold: dict[str, dict[str, Any]]) -> tuple[Predictions, float, float]:
    """Run parse + timerefs on every document: predictions keyed by file, parse and stage time."""
    nlp = nlp_for(load_settings())
    predictions: Predictions = {}
    parse_s = stage_s = 0.0
    for name, doc_ in gold.items():
        t0 = time.perf_counter()
        doc = nlp(doc_["text"])
        t1 = time.perf_counter()
        refs = find_timerefs(doc_["text"], anchor_of(doc_["dct"]), doc=doc)
        stage_s += time.perf_counter() - t1
        parse_s += t1 - t0
        predictions[name] = [
            {"start": r.start, "end": r.end, "type": r.type, "value": r.value} for r in refs
        ]
    return predictions, parse_s, stage_s


def figures(result: dict[str, Any]) -> dict[str, float]:
    """The JSON figures (percent) from the reference scorer's result."""
    return {
        "strict_f1": round(100 * result["strict_f1"], 2),
        "relaxed_f1": round(100 * result["relaxed_f1"], 2),
        "value_f1": round(100 * result["value_f1"], 2),
        "type_f1": round(100 * result["type_f1"], 2),
        "value_accuracy": round(100 * result["value_accuracy"], 2),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_args(parser, "a folder of TimeML (.tml) files, or one .tml file")
    args = parser.parse_args(argv)
    try:
        everything = read_gold(args.data)
    except (OSError, ValueError) as exc:
        sys.exit(f"{args.data}: {exc}")
    names = pick(sorted(everything), args.limit, args.sample)
    gold = {name: everything[name] for name in names}
    predictions, parse_s, stage_s = predict(gold)
    result = load_scorer("timeml").score(gold, predictions)
    print(f"{args.data}: {subset_note(len(gold), len(everything))} documents")
    write_predictions(args.predictions, predictions)
    print(result_table(result))
    print(
        f"  peer: {PEER[0]} {PEER[1]} {PEER[2]}, measured on the {PEER[3]} set (held out, "
        "not in ../shared): not this data"
    )
    share = 100 * stage_s / parse_s if parse_s else 0.0
    print(
        f"  time (noisy, shared machine): spaCy parse {parse_s:.2f}s, timerefs stage "
        f"{stage_s:.2f}s ({share:.1f}% of the parse)"
    )
    print_figures({**figures(result), "stage_share_of_parse_pct": round(share, 2)})
    return 0


def result_table(result: dict[str, Any]) -> str:
    """The reference scorer's own table, indented."""
    table: str = load_scorer("timeml").summary(result)
    return "\n".join("  " + line for line in table.splitlines())


if __name__ == "__main__":
    sys.exit(main())
