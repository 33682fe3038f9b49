"""Throughput of the per-article pipeline beside spaCy's small pipeline alone, same texts.

    python bench/speed.py --data ../shared/corpora/ecbplus/docs.jsonl --limit 500

Runs, in one process and one run: (1) `nlp.pipe` alone over the texts (the peer), (2) the
clean step and every stage dateline knows, timing each, and (3) the store write. Prints
articles/s end to end, per-stage seconds, peak RSS and the ratio dateline/spaCy-alone; the
last line is JSON. Single process (parallel workers are issue 8's next step).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from dateline.model import RawDocument
from dateline.pipeline import build_pipeline
from dateline.pipeline.annotate import nlp_for
from dateline.pipeline.clean import clean_document
from dateline.readers._bytes import content_hash
from dateline.settings import load_settings
from dateline.store import open_store


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="JSONL with a 'text' field")
    parser.add_argument("--limit", type=int, default=500)
    args = parser.parse_args()
    rows = []
    with args.data.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
            if len(rows) >= args.limit:
                break
    texts = [r["text"] for r in rows]
    settings = load_settings()
    nlp = nlp_for(settings)
    list(nlp.pipe(texts[:5]))  # warm up both runs alike

    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=settings.nlp_batch_size):
        pass
    spacy_s = time.perf_counter() - started

    raws = [
        RawDocument(source_path=f"{args.data}#{i}", raw_hash=content_hash(t), text=t)
        for i, t in enumerate(texts)
    ]
    pipeline = build_pipeline(settings=settings)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    t0 = time.perf_counter()
    articles = [clean_document(raw, settings=settings) for raw in raws]
    timings["clean"] = time.perf_counter() - t0
    for stage in pipeline.stages:
        t0 = time.perf_counter()
        if stage.run_batch is not None:
            articles = stage.run_batch(articles, settings=settings)
        else:
            articles = [stage.run(a, settings=settings) for a in articles]
        timings[stage.name] = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "speed.db") as store:
        t0 = time.perf_counter()
        for i in range(0, len(articles), settings.batch_size):
            store.upsert_articles(articles[i : i + settings.batch_size])
        timings["store"] = time.perf_counter() - t0
    total_s = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(texts)
    ours, peer = n / total_s, n / spacy_s
    print(f"{args.data.name}: {n} articles, {sum(len(t) for t in texts) / n:.0f} chars each")
    print(f"  spaCy small pipeline alone (nlp.pipe): {peer:6.1f} articles/s")
    print(
        f"  dateline end to end (1 process):       {ours:6.1f} articles/s   ratio {ours / peer:.2f}"
    )
    print("  per stage: " + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items()))
    print(f"  peak RSS {rss:.0f} MiB")
    print(
        json.dumps(
            {
                "articles_per_s": round(ours, 2),
                "spacy_articles_per_s": round(peer, 2),
                "ratio": round(ours / peer, 3),
                "peak_rss_mib": round(rss),
                "stages_s": {k: round(v, 3) for k, v in timings.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
