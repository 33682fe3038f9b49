"""Memory of a streaming ingest as the corpus grows: is peak RSS bounded, whatever N?

    python bench/streaming.py --synthetic 100000 --stages clean
    python bench/streaming.py --synthetic 5000

Generates N synthetic articles lazily (bench/_synthetic.py; never all in memory), feeds them
to `dateline.ingest.ingest_documents` into a fresh SQLite store, and prints the resident
memory of this process (and the largest worker) at every tenth of the run, the rate, and the
store's size. Bounded memory shows as a flat RSS column; growth with N would show as a
rising one. `--stages clean` stores articles without the spaCy stages (a 100k run then takes
minutes instead of hours; the spaCy stages add a per-batch cost that does not grow with N,
shown by a run with every stage on a smaller N). The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _synthetic import news_texts
from dateline.ingest import IngestReport, ingest_documents
from dateline.model import RawDocument
from dateline.readers._bytes import content_hash
from dateline.settings import load_settings
from dateline.store import open_store


def current_rss_mib() -> float:
    """Resident memory of this process now (Linux /proc), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _documents(n: int) -> Iterator[RawDocument]:
    for doc_id, text in news_texts(n):
        yield RawDocument(source_path=f"synthetic#{doc_id}", raw_hash=content_hash(text), text=text)


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, required=True, help="number of articles")
    parser.add_argument(
        "--stages", default="all", help="'all', 'clean' (no spaCy) or a comma-separated list"
    )
    parser.add_argument("--workers", type=int, default=0, help="0: automatic, min(2, CPUs)")
    args = parser.parse_args()
    stages = [] if args.stages == "clean" else args.stages.split(",")
    settings = load_settings().replace(stages=tuple(stages), workers=args.workers)
    n = args.synthetic
    marks = {max(1, n * k // 10) for k in range(1, 11)}
    rows: list[tuple[int, float, float]] = []
    started = time.perf_counter()

    def progress(done: int, report: IngestReport) -> None:
        stored = report.inserted + report.updated + report.unchanged + report.skipped
        if any(stored >= m > stored - done for m in marks):
            rows.append((stored, current_rss_mib(), time.perf_counter() - started))

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "stream.db"
        with open_store(db) as store:
            report = ingest_documents(
                _documents(n), store=store, settings=settings, progress=progress
            )
            count = store.count_articles()
        db_mib = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20
    total_s = time.perf_counter() - started
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"synthetic: {n} articles, stages {args.stages}, {count} stored, {report.failed} failed")
    print("  stored    rss MiB   elapsed s")
    for stored, rss, elapsed in rows:
        print(f"  {stored:>7}  {rss:8.0f}  {elapsed:10.1f}")
    first = rows[0][1] if rows else float("nan")
    last = rows[-1][1] if rows else float("nan")
    print(
        f"  {n / total_s:.1f} articles/s; peak RSS main {own_peak:.0f} MiB, largest worker "
        f"{child_peak:.0f} MiB; RSS at 10% {first:.0f} MiB, at 100% {last:.0f} MiB; "
        f"store {db_mib:.0f} MiB"
    )
    print(
        json.dumps(
            {
                "articles": n,
                "stages": args.stages,
                "articles_per_s": round(n / total_s, 2),
                "peak_rss_mib": round(own_peak + child_peak),
                "rss_first_tenth_mib": round(first),
                "rss_last_mib": round(last),
                "store_mib": round(db_mib),
            }
        )
    )


if __name__ == "__main__":
    main()
