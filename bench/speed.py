"""Throughput of the per-article pipeline beside spaCy's small pipeline alone, same texts.

    python bench/speed.py --data ../shared/corpora/ecbplus/docs.jsonl --limit 500
    python bench/speed.py --synthetic 2000

Runs, in one run: (1) `nlp.pipe` alone over the texts in this process (the peer), then
(2) dateline end to end. With ``--workers 1`` that is the clean step and every stage dateline
knows in this process, timing each, and the store write; with more workers it is
`ingest_documents` on a pool of worker processes (started and warmed before the clock starts,
as the peer's model is loaded before its clock starts), the main process writing the store.
Prints articles/s end to end, per-stage seconds (one process only), peak RSS (this process
plus the largest worker) and the ratio dateline/spaCy-alone; the last line is JSON.
``--workers`` defaults to 0, automatic: min(2, CPU count).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from dateline.ingest import WorkerPool, ingest_documents, resolve_workers
from dateline.model import RawDocument
from dateline.pipeline import build_pipeline
from dateline.pipeline.annotate import nlp_for
from dateline.pipeline.clean import clean_document
from dateline.readers._bytes import content_hash
from dateline.settings import Settings, load_settings
from dateline.store import open_store


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="JSONL with a 'text' field")
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument(
        "--synthetic", type=int, help="instead of --data: N generated articles (bench/_synthetic)"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="worker processes (0: automatic, min(2, CPUs))"
    )
    args = parser.parse_args()
    if args.synthetic:
        from _synthetic import news_texts

        texts = [text for _, text in news_texts(args.synthetic)]
        args.data = Path(f"synthetic-{args.synthetic}")
    elif args.data is None:
        parser.error("give --data FILE or --synthetic N")
    else:
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
    workers = resolve_workers(args.workers, settings)
    if len(raws) <= settings.batch_size:
        workers = 1  # as in `ingest`: a single batch starts no worker processes
    if workers > 1:
        timings, total_s, startup_s = _parallel(raws, settings, workers)
    else:
        timings, total_s = _single(raws, settings)
        startup_s = 0.0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rss = own + child
    n = len(texts)
    ours, peer = n / total_s, n / spacy_s
    label = "1 process" if workers == 1 else f"{workers} workers"
    print(f"{args.data.name}: {n} articles, {sum(len(t) for t in texts) / n:.0f} chars each")
    print(f"  spaCy small pipeline alone (nlp.pipe): {peer:6.1f} articles/s")
    prefix = f"  dateline end to end ({label}):"
    print(f"{prefix:<41}{ours:6.1f} articles/s   ratio {ours / peer:.2f}")
    if timings:
        print("  per stage: " + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items()))
    else:
        print(
            f"  per stage: not measured across processes (run --workers 1); worker start-up "
            f"{startup_s:.1f}s, not counted"
        )
    if workers > 1:
        print(
            f"  peak RSS {rss:.0f} MiB (main {own:.0f} MiB, with the peer's model loaded, + "
            f"largest worker {child:.0f} MiB; all {workers} workers together at most "
            f"{own + workers * child:.0f} MiB)"
        )
    else:
        print(f"  peak RSS {rss:.0f} MiB (one process)")
    print(
        json.dumps(
            {
                "articles_per_s": round(ours, 2),
                "spacy_articles_per_s": round(peer, 2),
                "ratio": round(ours / peer, 3),
                "peak_rss_mib": round(rss),
                "rss_scope": "main" if workers == 1 else "main+largest-worker",
                "workers": workers,
                "stages_s": {k: round(v, 3) for k, v in timings.items()},
            }
        )
    )


def _single(raws: list[RawDocument], settings: Settings) -> tuple[dict[str, float], float]:
    """Time the clean step, each stage and the store write in this process."""
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
    return timings, time.perf_counter() - started


def _parallel(
    raws: list[RawDocument], settings: Settings, workers: int
) -> tuple[dict[str, float], float, float]:
    """Time `ingest_documents` on a warm pool of worker processes; return start-up apart."""
    with WorkerPool(settings, workers) as pool, tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        pool.start()
        startup_s = time.perf_counter() - t0
        with open_store(Path(tmp) / "speed.db") as store:
            started = time.perf_counter()
            report = ingest_documents(raws, store=store, settings=settings, pool=pool)
            total_s = time.perf_counter() - started
        if report.failed or report.inserted + report.unchanged != len(raws):
            raise SystemExit(f"ingest failed: {[str(e) for e in report.errors[:3]]}")
    return {}, total_s, startup_s


if __name__ == "__main__":
    main()
