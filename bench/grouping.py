"""Score same-event grouping on a JSONL corpus (ECB+, GVC) with the reference B³ scorer.

    python bench/grouping.py --data ../shared/corpora/ecbplus/docs.jsonl --gold-key subtopic \
        --split test --tune-split dev
    python bench/grouping.py --data ../shared/corpora/gvc-dev/docs.jsonl --gold-key incident_id

--data is a JSONL file, one document per line with `doc_id`, `text`, the gold cluster under
--gold-key and optionally `split` and `dct`/`date`. Clusters the whole split with no gold
topics and no given number of clusters. With --tune-split, the same-event threshold and name
weight are chosen on that split first (never on the scored one). The figures are
../shared/score/bcubed.py's (B³ P/R/F1 over documents, every document weighted equally,
singletons included; CoNLL F1, ARI, V-measure). `--predictions FILE` writes `{doc_id:
cluster}`. The last line is JSON (fractions).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
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
from dateline.link.cluster import LinkSettings, clusters_of, same_event_groups
from dateline.model import Article, DateInfo
from dateline.pipeline.annotate import annotate_many
from dateline.settings import load_settings

# Published B³ F1, each on one named split; printed only with that split named.
PEERS = {
    "ecbplus": ("Barhom et al. 2019 (given the gold K=20)", "ECB+ test", "test", 0.968),
    "gvc": ("TF-IDF + a 7-day date gate (published baseline)", "GVC test", "test", 0.94),
}


def load(path: Path, split: str | None) -> list[dict[str, Any]]:
    """Read the JSONL records of one split (all when split is None)."""
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r for r in rows if split is None or r.get("split") == split]


def to_articles(rows: list[dict[str, Any]], ner: bool) -> list[Article]:
    """Build (optionally NER-annotated) articles from records."""
    articles = []
    for row in rows:
        date = row.get("dct") or row.get("date")
        articles.append(Article(
            id=str(row["doc_id"]), text=row["text"], source_path=str(row["doc_id"]),
            published=DateInfo(date[:10], "record", "day") if date else DateInfo(),
        ))  # fmt: skip
    if ner:
        articles = [replace(a, doc=None) for a in annotate_many(articles, settings=load_settings())]
    return articles


def cluster(articles: list[Article], cfg: LinkSettings) -> dict[str, str]:
    """Predicted cluster of every article (its own id when it stands alone)."""
    return clusters_of(articles, same_event_groups(articles, cfg))


def score(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, Any]:
    """The reference scorer's figures for predicted and gold labels over the gold documents."""
    result: dict[str, Any] = load_scorer("bcubed").score(gold, predicted)
    return result


def figures(result: dict[str, Any]) -> dict[str, float]:
    """The JSON figures (fractions)."""
    return {
        "b3_precision": round(result["b3"]["p"], 4),
        "b3_recall": round(result["b3"]["r"], 4),
        "b3_f1": round(result["b3_f1"], 4),
        "conll_f1": round(result["conll_f1"], 4),
        "ari": round(result["ari"], 4),
        "v_measure": round(result["v_measure"], 4),
    }


def tune(rows: list[dict[str, Any]], gold_key: str, cfg: LinkSettings, ner: bool) -> LinkSettings:
    """Choose the same-event cut and the name weight by B³ F1 on rows (a split never scored)."""
    articles = to_articles(rows, ner)
    gold = {str(r["doc_id"]): str(r[gold_key]) for r in rows}
    best = max(
        (score(cluster(articles, replace(cfg, same_event=t / 100, entity_weight=w)), gold)["b3_f1"],
         t / 100, w)
        for t in range(4, 60, 2)
        for w in (1.0, 2.0, 4.0)
    )  # fmt: skip
    print(f"threshold {best[1]:.2f}, entity weight {best[2]} chosen (B³ F1 {best[0]:.3f})")
    return replace(cfg, same_event=best[1], entity_weight=best[2])


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_args(parser, "a JSONL file of documents with doc_id, text and the gold key")
    parser.add_argument("--gold-key", required=True)
    parser.add_argument("--split", default=None)
    parser.add_argument("--tune-split", default=None, help="choose the threshold on this split")
    parser.add_argument("--no-ner", action="store_true", help="skip spaCy names (faster)")
    parser.add_argument("--threshold", type=float, default=None, help="fixed same-event cut")
    parser.add_argument(
        "--date-gate-days", type=int, default=None, help="publication-date gate (default 7)"
    )
    args = parser.parse_args(argv)
    cfg = LinkSettings()
    if args.threshold is not None:
        cfg = replace(cfg, same_event=args.threshold)
    if args.date_gate_days is not None:
        cfg = replace(cfg, date_gate_days=args.date_gate_days)
    if args.tune_split:
        print(f"tuning on split {args.tune_split!r}: ", end="")
        cfg = tune(load(args.data, args.tune_split), args.gold_key, cfg, not args.no_ner)
    everything = load(args.data, args.split)
    rows = pick(everything, args.limit, args.sample)
    started = time.perf_counter()
    articles = to_articles(rows, not args.no_ner)
    predicted = cluster(articles, cfg)
    took = time.perf_counter() - started
    gold = {str(r["doc_id"]): str(r[args.gold_key]) for r in rows}
    result = score(predicted, gold)
    split = args.split or "all"
    print(
        f"{args.data} split={split}: {subset_note(len(rows), len(everything))} documents, "
        f"{len(set(gold.values()))} gold clusters, {took:.1f}s"
    )
    write_predictions(args.predictions, predicted)
    print("\n".join("  " + line for line in load_scorer("bcubed").summary(result).splitlines()))
    for key, (who, where, peer_split, value) in PEERS.items():
        if key in str(args.data).lower():
            same = peer_split == args.split and len(rows) == len(everything)
            note = "the same data" if same else "not this data"
            print(f"  peer: {who}: B³ F1 {value}, measured on {where} ({note})")
    print_figures(figures(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
