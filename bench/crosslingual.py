"""Cross-lingual same-event pairs: pair AUC of the multilingual embedding, and grouping B³.

    python bench/crosslingual.py [--data tests/data/languages/events.jsonl]

The data are 40 articles we wrote (tests/data/languages/README.md): eight invented events in
four sibling pairs (two earthquakes, two conferences, two rounds of talks, two wheat
stories, each pair within a week), each told in English, Russian and Arabic as parallel
versions, plus an independent Russian and Arabic brief per event (other details, other
structure: not translations). Prints

- language detection accuracy;
- pair AUC over every pair of articles in different languages (positive: same event),
  for all pairs, parallel versions only, pairs with an independent brief, and same-event
  against sibling-event pairs only (the hard negatives);
- B³ of same-event grouping over the 40 articles, TF-IDF alone and with the cross-lingual
  edges at several cuts (the shipped cut is marked).

No published figure exists for this data (written for this bench); the last line is JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _reference import load_scorer, print_figures, write_predictions
from dateline.link import crosslingual
from dateline.link.cluster import clusters_of, same_event_groups
from dateline.model import RawDocument
from dateline.pipeline import build_pipeline
from dateline.pipeline.clean import clean_document
from dateline.settings import load_settings

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "languages" / "events.jsonl"


def auc(positive: list[float], negative: list[float]) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    pos = np.asarray(positive)[:, None]
    neg = np.asarray(negative)[None, :]
    return float(((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size))


def load(path: Path) -> list[dict[str, Any]]:
    """The bench's articles as records."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def main(argv: list[str] | None = None) -> int:
    """Print pair AUCs and grouping B³; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the JSONL of written articles")
    parser.add_argument(
        "--predictions", type=Path, help="write the shipped cut's groups here ({doc: cluster})"
    )
    args = parser.parse_args(argv)
    rows = load(args.data)
    settings = load_settings(None, data_dir="/tmp", db=":memory:")
    started = time.perf_counter()
    raws = [
        RawDocument(
            source_path=f"{r['event']}/{r['lang']}/{r['style']}",
            raw_hash=str(i),
            text=r["text"],
            title=r["title"],
            date=r["date"],
            date_origin="record",
        )
        for i, r in enumerate(rows)
    ]
    pipeline = build_pipeline(settings=settings)
    articles = pipeline.run_stages([clean_document(raw, settings=settings) for raw in raws])
    detected = sum(a.language == r["lang"] for a, r in zip(articles, rows, strict=True))
    print(f"language detected right: {detected}/{len(rows)}")

    vectors = crosslingual.vectors(articles)
    scores: dict[str, tuple[list[float], list[float]]] = {
        k: ([], []) for k in ("all", "parallel", "independent", "sibling")
    }
    for (a, ra), (b, rb) in itertools.combinations(zip(articles, rows, strict=True), 2):
        if ra["lang"] == rb["lang"]:
            continue
        score = float(np.dot(vectors[a.id], vectors[b.id]))
        same = ra["event"] == rb["event"]
        style = "parallel" if ra["style"] == rb["style"] == "parallel" else "independent"
        for key in ("all", style):
            scores[key][0 if same else 1].append(score)
        if same or ra["sibling"] == rb["event"]:
            scores["sibling"][0 if same else 1].append(score)
    figures: dict[str, Any] = {}
    for key, (pos, neg) in scores.items():
        figures[f"auc_{key}"] = round(auc(pos, neg), 4)
        print(
            f"pair AUC {key:<11} {figures[f'auc_{key}']:.4f}  ({len(pos)} same-event, "
            f"{len(neg)} other pairs; same-event cosine min {min(pos):.3f}, "
            f"other max {max(neg):.3f})"
        )

    gold = {a.id: r["event"] for a, r in zip(articles, rows, strict=True)}
    scorer = load_scorer("bcubed")  # ../shared/score/bcubed.py, the reference scorer

    def b3(groups: list[Any]) -> dict[str, float]:
        result: dict[str, float] = scorer.score(gold, clusters_of(articles, groups))["b3"]
        return result

    base = b3(same_event_groups(articles))
    print(f"grouping B³ TF-IDF alone:              P {base['p']:.3f} R {base['r']:.3f} "
          f"F1 {base['f1']:.3f}")  # fmt: skip
    figures["b3_tfidf"] = round(base["f1"], 4)
    for cut in (0.5, 0.55, 0.6, 0.65, 0.7):
        extra = crosslingual.crosslingual_pairs(articles, cut=cut)
        groups = same_event_groups(articles, extra_pairs=extra)
        got = b3(groups)
        mark = " (shipped)" if cut == crosslingual.CROSS_CUT else ""
        print(f"grouping B³ + cross-lingual, cut {cut:.2f}:  P {got['p']:.3f} R {got['r']:.3f} "
              f"F1 {got['f1']:.3f}{mark}")  # fmt: skip
        if cut == crosslingual.CROSS_CUT:
            figures.update(b3_p=round(got["p"], 4), b3_r=round(got["r"], 4))
            figures["b3_f1"] = round(got["f1"], 4)
            write_predictions(args.predictions, clusters_of(articles, groups))
    figures["seconds"] = round(time.perf_counter() - started, 1)
    print("peer: none published (data written for this bench)")
    print_figures({"bench": "crosslingual", "articles": len(rows), **figures})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
