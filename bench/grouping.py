"""Score same-event grouping on a JSONL corpus (ECB+, GVC), beside the published peer.

    python bench/grouping.py --data ../shared/corpora/ecbplus/docs.jsonl --gold-key subtopic \
        --split test --tune-split dev

Clusters the whole split with no gold topics and no given number of clusters. With
--tune-split, the same-event threshold is chosen on that split first (never on the scored
one). Prints B³ P/R/F1, ARI and V-measure; the last line is JSON.
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

from _clusters import adjusted_rand, b_cubed, v_measure
from dateline.link.cluster import LinkSettings, clusters_of, same_event_groups
from dateline.model import Article, DateInfo
from dateline.pipeline.annotate import annotate_many
from dateline.settings import load_settings

PEERS = {
    "ecbplus": ("Barhom et al. 2019 (given K=20)", 0.968),
    "gvc": ("TF-IDF + 7-day gate", 0.94),
}


def load(path: Path, split: str | None) -> list[dict[str, Any]]:
    """Read the JSONL records of one split (all when split is None)."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
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


def score(articles: list[Article], gold: dict[str, str], cfg: LinkSettings) -> dict[str, float]:
    """Cluster and score."""
    predicted = clusters_of(articles, same_event_groups(articles, cfg))
    p, r, f = b_cubed(predicted, gold)
    return {
        "b3_precision": p,
        "b3_recall": r,
        "b3_f1": f,
        "ari": adjusted_rand(predicted, gold),
        "v_measure": v_measure(predicted, gold),
    }


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--gold-key", required=True)
    parser.add_argument("--split", default=None)
    parser.add_argument("--tune-split", default=None, help="choose the threshold on this split")
    parser.add_argument("--no-ner", action="store_true", help="skip spaCy names (faster)")
    parser.add_argument("--threshold", type=float, default=None, help="fixed same-event cut")
    args = parser.parse_args()
    cfg = LinkSettings()
    if args.threshold is not None:
        cfg = replace(cfg, same_event=args.threshold)
    if args.tune_split:
        rows = load(args.data, args.tune_split)
        arts = to_articles(rows, not args.no_ner)
        gold = {str(r["doc_id"]): str(r[args.gold_key]) for r in rows}
        best = max(
            (
                score(arts, gold, replace(cfg, same_event=t / 100, entity_weight=w))["b3_f1"],
                t / 100,
                w,
            )
            for t in range(4, 60, 2)
            for w in (1.0, 2.0, 4.0)
        )
        cfg = replace(cfg, same_event=best[1], entity_weight=best[2])
        print(
            f"threshold {best[1]:.2f}, entity weight {best[2]} chosen on split "
            f"{args.tune_split!r} (B³ F1 {best[0]:.3f})"
        )
    rows = load(args.data, args.split)
    started = time.perf_counter()
    articles = to_articles(rows, not args.no_ner)
    gold = {str(r["doc_id"]): str(r[args.gold_key]) for r in rows}
    result = score(articles, gold, cfg)
    took = time.perf_counter() - started
    peer = next((v for k, v in PEERS.items() if k in str(args.data).lower()), None)
    print(
        f"{args.data} split={args.split or 'all'}: {len(rows)} documents, "
        f"{len(set(gold.values()))} gold clusters, {took:.1f}s"
    )
    print(
        f"  B³ P {result['b3_precision']:.3f}  R {result['b3_recall']:.3f}  "
        f"F1 {result['b3_f1']:.3f}   ARI {result['ari']:.3f}   V {result['v_measure']:.3f}"
    )
    if peer:
        print(f"  peer: {peer[0]}: B³ F1 {peer[1]}")
    print(json.dumps({k: round(v, 4) for k, v in result.items()}))


if __name__ == "__main__":
    main()
