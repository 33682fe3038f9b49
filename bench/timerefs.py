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

`--part tune|heldout` scores one side of the fixed tuning split: a document whose SHA-1 of its
file name is 0 mod 5 is held out (on TimeBank+AQUAINT `tbaq-heldout`, 48 of 256 documents; the
rest is `tbaq-tune`, on which the rules were tuned and their errors read). `--notation tweets`
writes values the way the Tweets corpus writes them before scoring (a year alone as
`2014-XX-XX`, a named weekday as `2014-12-12-WXX-5`, an ISO week as `2015-03-W10`); dateline's
own values stay TIMEX3 everywhere else.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
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
from dateline.model import TimeRef
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


def part_of(name: str) -> str:
    """`heldout` or `tune`: the fixed tuning split of a TimeML file name."""
    return "heldout" if int(hashlib.sha1(name.encode()).hexdigest(), 16) % 5 == 0 else "tune"


def tweets_notation(ref: TimeRef, text: str) -> str:
    """A TIMEX3 value written the way the Tweets corpus writes it."""
    value, span = ref.value, text[ref.start : ref.end]
    if re.fullmatch(r"\d{4}", value) and re.fullmatch(r"\s*\d{4}\s*", span):
        return value + "-XX-XX"
    m = re.match(r"(\d{4}-\d\d-\d\d)(.*)", value)
    if m and re.search(r"(?i)\b(mon|tue|wed|thu|fri|sat|sun)", span):
        try:
            weekday = dt.date.fromisoformat(m.group(1)).isoweekday()
        except ValueError:
            return value
        return f"{m.group(1)}-WXX-{weekday}{m.group(2)}"
    m = re.fullmatch(r"(\d{4})-W(\d\d)", value)
    if m:
        try:
            monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            return value
        return f"{monday.year:04d}-{monday.month:02d}-W{m.group(2)}"
    return value


def predict(
    gold: dict[str, dict[str, Any]], notation: str = "timex3"
) -> tuple[Predictions, float, float]:
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
            {
                "start": r.start,
                "end": r.end,
                "type": r.type,
                "value": tweets_notation(r, doc_["text"]) if notation == "tweets" else r.value,
            }
            for r in refs
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
    parser.add_argument("--part", choices=("whole", "tune", "heldout"), default="whole")
    parser.add_argument("--notation", choices=("timex3", "tweets"), default="timex3")
    args = parser.parse_args(argv)
    try:
        everything = read_gold(args.data)
    except (OSError, ValueError) as exc:
        sys.exit(f"{args.data}: {exc}")
    names = [n for n in sorted(everything) if args.part in ("whole", part_of(n))]
    names = pick(names, args.limit, args.sample)
    gold = {name: everything[name] for name in names}
    predictions, parse_s, stage_s = predict(gold, args.notation)
    result = load_scorer("timeml").score(gold, predictions)
    part = "" if args.part == "whole" else f", part {args.part}"
    notation = "" if args.notation == "timex3" else f", values in the {args.notation} notation"
    print(f"{args.data}: {subset_note(len(gold), len(everything))} documents{part}{notation}")
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
