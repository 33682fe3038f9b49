"""Throughput of dateline beside spaCy alone on equal resources: N processes each, same texts.

    python bench/speed.py --data ../shared/corpora/ecbplus/docs.jsonl --workers 1
    python bench/speed.py --data ../shared/corpora/ecbplus/docs.jsonl --workers 2
    python bench/speed.py --synthetic 2000 --workers 2

Method. Two runs are compared on the same texts, each in a fresh Python process (so neither
inherits the other's memory or warm caches) and each with N processes doing the work:

- the peer: spaCy alone, ``nlp.pipe(texts, n_process=N, batch_size=...)`` with the model as
  dateline's annotate stage loads it (the same package, components and entity ruler), every
  Doc consumed by the parent, as spaCy's own multiprocessing gives it back;
- dateline: `ingest_documents` with ``workers=N`` (N = 1: everything in one process), from
  raw documents to rows committed in a fresh SQLite store: clean, every stage, the store write,
  the worker processes' start-up and the transfer of articles between processes.

In both, the model is loaded in the measuring process before the clock starts (spaCy's
n_process workers are forked from it and inherit it; dateline's workers are spawned and load
it themselves, inside the clock: start-up is part of what dateline costs and is printed
apart). Runs are interleaved (peer, dateline, dateline, peer, ...) for ``--rounds`` rounds,
so load from other programs on the machine falls on both alike. Each run reports wall time
and CPU time summed over all its processes (user + system of the measuring process and of
every child it waited for). The figure of merit is the ratio of articles per CPU-second,
dateline / peer (1.0 = dateline costs no more than spaCy's parse alone); the wall-clock ratio
is printed beside it. Memory is sampled every 0.1 s over the run's whole process tree: the
peak of the RSS summed over processes, and of the PSS (proportional set size: pages shared
between processes counted once, which is what the machine really gives).

With ``--workers 1`` the time of each step inside dateline (clean, each stage, store) is also
printed. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))


# -- the measured runs (each in its own process) -------------------------------------------------


def _cpu() -> float:
    """CPU seconds of this process and of every child it has waited for."""
    own, children = os.times()[:2], os.times()[2:4]
    return sum(own) + sum(children)


def _run_peer(texts: list[str], workers: int) -> dict[str, Any]:
    """spaCy alone: nlp.pipe with n_process = workers, the model loaded as dateline loads it."""
    from dateline.pipeline.annotate import nlp_for
    from dateline.settings import load_settings

    settings = load_settings()
    nlp = nlp_for(settings)
    nlp.max_length = max(nlp.max_length, settings.nlp_max_chars + 1)
    list(nlp.pipe(texts[:3]))  # warm up, as dateline's model is warmed by its own load
    cpu, wall = _cpu(), time.perf_counter()
    tokens = 0
    texts = [t[: settings.nlp_max_chars] for t in texts]
    for doc in nlp.pipe(texts, batch_size=settings.nlp_batch_size, n_process=workers):
        tokens += len(doc)
    for process in multiprocessing.active_children():  # reaped, so their CPU time counts
        process.join()
    return {"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu, "tokens": tokens}


def _run_dateline(texts: list[str], workers: int, label: str) -> dict[str, Any]:
    """dateline end to end: raw documents to committed rows, with `workers` processes."""
    from dateline.ingest import ingest_documents
    from dateline.model import RawDocument
    from dateline.pipeline import build_pipeline
    from dateline.pipeline.annotate import nlp_for
    from dateline.readers._bytes import content_hash
    from dateline.settings import load_settings
    from dateline.store import open_store

    settings = load_settings()
    steps = _timed_steps() if workers == 1 else {}
    build_pipeline(settings=settings)
    list(nlp_for(settings).pipe(texts[:3]))  # the model loaded and warm, as the peer's
    raws = [
        RawDocument(source_path=f"{label}#{i}", raw_hash=content_hash(t), text=t)
        for i, t in enumerate(texts)
    ]
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "speed.db") as store:
        cpu, wall = _cpu(), time.perf_counter()
        report = ingest_documents(raws, store=store, settings=settings, workers=workers)
        result = {"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu}
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    if report.failed or report.inserted != len(raws):
        raise SystemExit(f"ingest failed: {[str(e) for e in report.errors[:3]]}")
    return result | {"steps_s": steps, "store_bytes": size}


def _timed_steps() -> dict[str, float]:
    """Wrap the clean step, every stage and the store write with timers (one process only)."""
    import dataclasses

    from dateline.pipeline import STAGE_NAMES, get_stage
    from dateline.store import Store

    steps: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                steps[name] = steps.get(name, 0.0) + time.process_time() - started

        return wrapper

    ingest = sys.modules["dateline.ingest"]  # (`dateline.ingest` the name is the function)
    ingest.clean_document = timed("clean", ingest.clean_document)  # type: ignore[attr-defined]
    for name in STAGE_NAMES:
        stage = get_stage(name)
        module = sys.modules[stage.run.__module__]
        batch = stage.run_batch and timed(name, stage.run_batch)
        module.STAGE = dataclasses.replace(  # type: ignore[attr-defined]
            stage, run=timed(name, stage.run), run_batch=batch
        )
    Store.upsert_articles = timed("store", Store.upsert_articles)  # type: ignore[method-assign]
    return steps


def _child(args: argparse.Namespace) -> None:
    texts = json.loads(Path(args.texts).read_text("utf-8"))
    if args.run == "peer":
        result = _run_peer(texts, args.workers)
    else:
        result = _run_dateline(texts, args.workers, args.label)
    print(json.dumps(result))


# -- the harness ---------------------------------------------------------------------------------


def _tree(root: int) -> list[int]:
    """The process `root` and all its descendants (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def _memory(pids: list[int]) -> tuple[int, int]:
    """(RSS, PSS) in KiB summed over processes."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


def _measure(command: list[str]) -> dict[str, Any]:
    """Run one measured process; sample its tree's memory until it ends; return its report."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = {"rss": 0, "pss": 0, "processes": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids = _tree(process.pid)
            rss, pss = _memory(pids)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            peak["processes"] = max(peak["processes"], len(pids))
            done.wait(0.1)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    out, _ = process.communicate()
    done.set()
    watcher.join()
    if process.returncode:
        raise SystemExit(f"measured run failed: {' '.join(command)}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result | {
        "peak_rss_mib": peak["rss"] / 1024,
        "peak_pss_mib": peak["pss"] / 1024,
        "processes": peak["processes"],
    }


def _texts(args: argparse.Namespace, parser: argparse.ArgumentParser) -> tuple[list[str], str]:
    if args.synthetic:
        from _synthetic import news_texts

        return [text for _, text in news_texts(args.synthetic)], f"synthetic-{args.synthetic}"
    if args.data is None:
        parser.error("give --data FILE or --synthetic N")
    texts = []
    with args.data.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                texts.append(json.loads(line)["text"])
            if len(texts) >= args.limit:
                break
    return texts, args.data.name


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} (runs {min(values):.2f}-{max(values):.2f})"


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="JSONL with a 'text' field")
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--synthetic", type=int, help="instead of --data: N generated articles")
    parser.add_argument("--workers", type=int, default=1, help="processes on each side (N)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved runs of each side")
    parser.add_argument("--run", choices=("peer", "dateline"), help=argparse.SUPPRESS)
    parser.add_argument("--texts", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="texts", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        _child(args)
        return
    texts, label = _texts(args, parser)
    n = len(texts)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.json"
        path.write_text(json.dumps(texts), "utf-8")
        base = [sys.executable, __file__, "--texts", str(path), "--workers", str(args.workers)]
        runs: dict[str, list[dict[str, Any]]] = {"peer": [], "dateline": []}
        for round_no in range(args.rounds):
            order = ("peer", "dateline") if round_no % 2 == 0 else ("dateline", "peer")
            for side in order:
                runs[side].append(_measure([*base, "--run", side, "--label", label]))
                last = runs[side][-1]
                print(
                    f"  round {round_no + 1} {side:<8} {last['wall_s']:6.1f} s wall, "
                    f"{last['cpu_s']:6.1f} CPU-s, peak RSS {last['peak_rss_mib']:5.0f} MiB "
                    f"(PSS {last['peak_pss_mib']:.0f}) over {last['processes']} processes",
                    flush=True,
                )
    pairs = list(zip(runs["peer"], runs["dateline"], strict=True))
    cpu_ratios = [p["cpu_s"] / d["cpu_s"] for p, d in pairs]
    wall_ratios = [p["wall_s"] / d["wall_s"] for p, d in pairs]

    def per_s(side: str, key: str) -> float:
        return n / statistics.median(r[key] for r in runs[side])

    chars = sum(len(t) for t in texts) / max(n, 1)
    print(f"{label}: {n} articles, {chars:.0f} characters each; {args.workers} process(es) a side")
    for side, name in (("peer", "spaCy alone, nlp.pipe(n_process)"), ("dateline", "dateline")):
        rs = runs[side]
        print(
            f"  {name:<34} {per_s(side, 'cpu_s'):6.2f} articles/CPU-s "
            f"{per_s(side, 'wall_s'):6.2f} articles/s   peak RSS "
            f"{statistics.median(r['peak_rss_mib'] for r in rs):.0f} MiB, PSS "
            f"{statistics.median(r['peak_pss_mib'] for r in rs):.0f} MiB (summed over processes)"
        )
    print(f"  ratio dateline/spaCy, CPU time:  {_spread(cpu_ratios)}")
    print(f"  ratio dateline/spaCy, wall time: {_spread(wall_ratios)}")
    steps = runs["dateline"][0].get("steps_s") or {}
    medians: dict[str, float] = {}
    if steps:
        medians = {
            k: statistics.median(r["steps_s"].get(k, 0.0) for r in runs["dateline"]) for k in steps
        }
        print(
            "  dateline per step (CPU-s): " + ", ".join(f"{k} {v:.2f}" for k, v in medians.items())
        )
    store = statistics.median(r["store_bytes"] for r in runs["dateline"]) / n
    print(f"  store: {store / 1024:.1f} KiB an article before linking ({store / chars:.1f}x text)")
    print(
        json.dumps(
            {
                "data": label,
                "articles": n,
                "workers": args.workers,
                "rounds": args.rounds,
                "ratio_cpu": round(statistics.median(cpu_ratios), 3),
                "ratio_cpu_runs": [round(x, 3) for x in cpu_ratios],
                "ratio_wall": round(statistics.median(wall_ratios), 3),
                "ratio_wall_runs": [round(x, 3) for x in wall_ratios],
                "articles_per_cpu_s": round(per_s("dateline", "cpu_s"), 2),
                "spacy_articles_per_cpu_s": round(per_s("peer", "cpu_s"), 2),
                "articles_per_s": round(per_s("dateline", "wall_s"), 2),
                "spacy_articles_per_s": round(per_s("peer", "wall_s"), 2),
                "peak_rss_mib": round(
                    statistics.median(r["peak_rss_mib"] for r in runs["dateline"])
                ),
                "spacy_peak_rss_mib": round(
                    statistics.median(r["peak_rss_mib"] for r in runs["peer"])
                ),
                "rss_scope": "sum over the run's processes",
                "steps_cpu_s": {k: round(v, 3) for k, v in medians.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
