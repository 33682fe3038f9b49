"""Score same-event grouping on a JSONL corpus (ECB+, GVC) with the reference B³ scorer.

    python bench/grouping.py --data ../shared/corpora/ecbplus/docs.jsonl --gold-key subtopic \
        --split test --tune-split dev
    python bench/grouping.py --data ../shared/corpora/gvc-dev/docs.jsonl --gold-key incident_id

--data is a JSONL file, one document per line with `doc_id`, `text`, the gold cluster under
--gold-key and optionally `split` and `dct`/`date`. The documents go through the code path
`dateline ingest` uses: the JSONL reader, the clean step (which finds dates in the text, as
for any user), every stage (embedding included) and the store, then the linker's same-event
grouping over the stored articles, dates on. Clusters the whole split with no gold topics
and no given number of clusters, with the shipped model's cuts (chosen on ECB+ dev); with
--tune-split, the cut is chosen on that split first (never on the scored one). Stores are
kept under bench/out/grouping/ (--fresh re-ingests). The figures are
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
from dateline.ingest import ingest
from dateline.link.cluster import LinkSettings, clusters_of, same_event_groups
from dateline.link.run import link_corpus
from dateline.model import Article
from dateline.settings import load_settings
from dateline.store import open_store
from dateline.store.groups import load_groups

OUT = Path(__file__).resolve().parent / "out" / "grouping"
LIGHT = ("tokens", "sentences")

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


def ingested(
    rows: list[dict[str, Any]], name: str, *, ner: bool = True, fresh: bool = False
) -> tuple[Path, dict[str, str]]:
    """Ingest rows like `dateline ingest` (a JSONL file, a store): the store and id -> doc_id."""
    OUT.mkdir(parents=True, exist_ok=True)
    stem = f"{name}{'' if ner else '-no-ner'}"
    data, db = OUT / f"{stem}.jsonl", OUT / f"{stem}.db"
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if fresh or not data.is_file() or data.read_text(encoding="utf-8") != text:
        data.write_text(text, encoding="utf-8")
        for old in OUT.glob(f"{stem}.db*"):
            old.unlink()
    settings = load_settings(None, db=str(db))
    if not ner:
        settings = replace(settings, stages=("embed",))
    with open_store(settings.db_path) as store:
        ingest([data], store=store, settings=settings)
        doc_of = {
            a.id: a.source_path.rsplit("#", 1)[-1] for a in store.iter_articles(without=LIGHT)
        }
    return db, doc_of


def linked(db: Path, doc_of: dict[str, str]) -> dict[str, str]:
    """Link the store as `dateline ingest` does; each document's same-event cluster."""
    settings = load_settings(None, db=str(db))
    with open_store(settings.db_path) as store:
        link_corpus(store, settings=settings)
        groups = load_groups(store, "same-event")
    label = {doc: doc for doc in doc_of.values()}
    for group in groups:
        for member in group.members:
            label[doc_of[member]] = group.id
    return label


def stored(db: Path) -> list[Article]:
    """The stored articles (as linking reads them)."""
    with open_store(load_settings(None, db=str(db)).db_path) as store:
        return list(store.iter_articles(without=LIGHT))


def cluster(articles: list[Article], doc_of: dict[str, str], cfg: LinkSettings) -> dict[str, str]:
    """Same-event cluster of every document under `cfg` (the linker's grouping function)."""
    label = clusters_of(articles, same_event_groups(articles, cfg))
    return {doc_of[a]: c for a, c in label.items()}


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


def tune(db: Path, doc_of: dict[str, str], gold: dict[str, str], cfg: LinkSettings) -> LinkSettings:
    """Choose the same-event cut by B³ F1 on a split that is never scored."""
    articles = stored(db)
    best = max(
        (score(cluster(articles, doc_of, replace(cfg, same_event=t / 100)), gold)["b3_f1"], t / 100)
        for t in range(10, 90, 5)
    )
    print(f"cut {best[1]:.2f} chosen (B³ F1 {best[0]:.3f})")
    return replace(cfg, same_event=best[1])


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_args(parser, "a JSONL file of documents with doc_id, text and the gold key")
    parser.add_argument("--gold-key", required=True)
    parser.add_argument("--split", default=None)
    parser.add_argument("--tune-split", default=None, help="choose the threshold on this split")
    parser.add_argument("--no-ner", action="store_true", help="skip spaCy (clean + embed only)")
    parser.add_argument("--threshold", type=float, default=None, help="fixed same-event cut")
    parser.add_argument(
        "--undated", type=float, default=None, help="fixed cut for undated joins (>= 0.65)"
    )
    parser.add_argument(
        "--max-span-days", type=int, default=None, help="firm dates of one group (default 128)"
    )
    parser.add_argument("--fresh", action="store_true", help="ingest again, not from bench/out")
    args = parser.parse_args(argv)
    cfg = LinkSettings()
    if args.threshold is not None:
        cfg = replace(cfg, same_event=args.threshold)
    if args.undated is not None:
        cfg = replace(cfg, undated=args.undated)
    if args.max_span_days is not None:
        cfg = replace(cfg, max_span_days=args.max_span_days)
    corpus = args.data.parent.name
    if args.tune_split:
        print(f"tuning on split {args.tune_split!r}: ", end="")
        tune_rows = load(args.data, args.tune_split)
        db, doc_of = ingested(tune_rows, f"{corpus}-{args.tune_split}", ner=not args.no_ner)
        tune_gold = {str(r["doc_id"]): str(r[args.gold_key]) for r in tune_rows}
        cfg = tune(db, doc_of, tune_gold, cfg)
    everything = load(args.data, args.split)
    rows = pick(everything, args.limit, args.sample)
    started = time.perf_counter()
    name = f"{corpus}-{args.split or 'all'}-{len(rows)}"
    db, doc_of = ingested(rows, name, ner=not args.no_ner, fresh=args.fresh)
    # Default settings: exactly what `dateline ingest` links and stores.
    default = cfg == LinkSettings()
    predicted = linked(db, doc_of) if default else cluster(stored(db), doc_of, cfg)
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
