"""Load on `dateline serve` over a large store: latency per page at 1, 8 and 32 clients.

    python bench/web_load.py --store /tmp/web/store100k.db                 # the bench
    python bench/web_load.py --store /tmp/web/store100k.db --build 100000  # build it first

The store is a synthetic news corpus (`bench/_web_store.py`: dated articles from 14 outlets,
real cities in six events out of ten) ingested and linked by `dateline ingest`; `--build N`
writes and ingests it under `nice` when the file does not exist yet and prints how long that
took. Each run works on a copy (`--work`), since one phase writes to it.

`dateline serve` runs as its own process on a free port of 127.0.0.1. Clients (asyncio +
httpx, keep-alive, in this process) fetch, in turn: the overview, the timeline (all events,
and filtered by type and a year), an event page, an entity dossier, a search and
`/api/events?limit=100`, for `--duration` seconds at each concurrency. A last phase runs the
8 clients while `dateline ingest` stores `--ingest` new articles into the same store and links
it (the writer holds the store's write lock for the whole link): it reports the slowest
request and any error during the ingest. Every phase prints p50/p95/p99/max per endpoint, the
request rate, errors and the server's resident memory; the last line is JSON.

Figures depend on the machine's load: the load average is printed with each phase.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _web_store import write_corpus  # noqa: E402

DATELINE = [sys.executable, "-m", "dateline"]


def rss_mib(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmHWM) of a process, in MiB."""
    now = peak = float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            now = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return now, peak


def build_store(path: Path, articles: int, corpus: Path) -> float:
    """Write the synthetic corpus and ingest it (nice 19) into `path`; return seconds taken."""
    files = write_corpus(articles, corpus)
    started = time.monotonic()
    env = os.environ | {"DATELINE_HOME": str(path.parent / "home")}
    subprocess.run(
        ["nice", "-n", "19", *DATELINE, "ingest", *map(str, files), "--db", str(path), "--quiet"],
        check=True,
        env=env,
    )
    return time.monotonic() - started


def copy_store(source: Path, target: Path) -> None:
    """A consistent copy of a (WAL) SQLite store."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    with sqlite3.connect(source) as src:
        src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(source, target)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def targets(db: Path) -> dict[str, str]:
    """The URL of each endpoint driven, with ids and words taken from the store."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    event = conn.execute(
        "SELECT id FROM event_records ORDER BY source_count DESC, id LIMIT 1"
    ).fetchone()[0]
    # The person in most events: a busy dossier, as an analyst opens it.
    entity = conn.execute(
        "SELECT p.entity_id FROM event_participants p JOIN entities e ON e.id = p.entity_id"
        " WHERE e.kind = 'PERSON' GROUP BY p.entity_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    year = conn.execute("SELECT substr(max(date_start), 1, 4) FROM event_records").fetchone()[0]
    conn.close()
    return {
        "overview": "/",
        "timeline": "/timeline",
        "timeline_filtered": f"/timeline?type=CONSULT&date_from={year}-01-01&date_to={year}-12-31",
        "event": f"/events/{event}",
        "entity": f"/entities/{entity}",
        "search": "/search?q=ceasefire+refugees",
        "api_events": "/api/events?limit=100",
    }


@dataclass
class Phase:
    """Latencies (ms) per endpoint and errors of one phase."""

    name: str
    clients: int
    seconds: float = 0.0
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    rss: tuple[float, float] = (0.0, 0.0)

    def summary(self) -> dict[str, Any]:
        """Percentiles per endpoint (ms), totals, errors, memory."""
        out: dict[str, Any] = {}
        for name, values in sorted(self.times.items()):
            ordered = sorted(values)
            q = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else []

            def pct(k: int, q: list[float] = q, ordered: list[float] = ordered) -> float:
                return round(q[k - 1] if q else ordered[0], 1)

            out[name] = {
                "n": len(ordered),
                "p50": pct(50),
                "p95": pct(95),
                "p99": pct(99),
                "max": round(ordered[-1], 1),
            }
        total = sum(len(v) for v in self.times.values())
        return {
            "phase": self.name,
            "clients": self.clients,
            "seconds": round(self.seconds, 1),
            "requests": total,
            "per_s": round(total / self.seconds, 1) if self.seconds else 0.0,
            "errors": len(self.errors),
            "error_examples": self.errors[:5],
            "load_avg": [round(x, 2) for x in self.load],
            "server_rss_mib": round(self.rss[0]),
            "server_peak_rss_mib": round(self.rss[1]),
            "endpoints": out,
        }


async def drive(base: str, urls: dict[str, str], clients: int, until: Any, phase: Phase) -> None:
    """Run `clients` loops over the endpoints until `until()` is true."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:

        async def client(k: int) -> None:
            names = list(urls)
            i = k
            while not until():
                name = names[i % len(names)]
                i += 1
                started = time.perf_counter()
                try:
                    response = await http.get(urls[name])
                    await response.aread()
                    if response.status_code != 200:
                        phase.errors.append(f"{name}: HTTP {response.status_code}")
                except httpx.HTTPError as exc:
                    phase.errors.append(f"{name}: {type(exc).__name__}: {exc}")
                    continue
                phase.times.setdefault(name, []).append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(client(k) for k in range(clients)))


def run_phase(
    base: str, urls: dict[str, str], name: str, clients: int, until: Any, pid: int
) -> Phase:
    """One phase: drive the clients, then read the server's memory."""
    phase = Phase(name, clients, load=os.getloadavg())
    started = time.monotonic()
    asyncio.run(drive(base, urls, clients, until, phase))
    phase.seconds = time.monotonic() - started
    phase.rss = rss_mib(pid)
    return phase


def print_phase(summary: dict[str, Any]) -> None:
    """A phase as a table."""
    load = ", ".join(str(x) for x in summary["load_avg"])
    print(
        f"\n{summary['phase']}: {summary['clients']} client(s), {summary['seconds']} s, "
        f"{summary['requests']} requests ({summary['per_s']}/s), {summary['errors']} errors; "
        f"server RSS {summary['server_rss_mib']} MiB (peak {summary['server_peak_rss_mib']}); "
        f"load average {load}"
    )
    print(f"  {'endpoint':20s} {'n':>6s} {'p50':>8s} {'p95':>8s} {'p99':>8s} {'max':>8s}  (ms)")
    for name, row in summary["endpoints"].items():
        print(
            f"  {name:20s} {row['n']:6d} {row['p50']:8.1f} {row['p95']:8.1f} {row['p99']:8.1f}"
            f" {row['max']:8.1f}"
        )
    for example in summary["error_examples"]:
        print(f"  error: {example}")


def main() -> int:
    """Run the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/web/store100k.db"))
    parser.add_argument("--build", type=int, default=0, help="articles, if the store is missing")
    parser.add_argument("--work", type=Path, default=None, help="the copy served (default: beside)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--clients", default="1,8,32", help="concurrency levels")
    parser.add_argument("--ingest", type=int, default=200, help="articles ingested (0: no phase)")
    parser.add_argument("--ingest-timeout", type=float, default=1800.0)
    args = parser.parse_args()

    store = args.store.resolve()
    if not store.exists():
        if not args.build:
            parser.error(f"{store} does not exist: build it with --build N")
        took = build_store(store, args.build, store.parent / f"corpus{args.build}")
        print(f"built {store} from {args.build} articles in {took / 60:.1f} min")
    work = (args.work or store.with_name(store.stem + ".work.db")).resolve()
    copy_store(store, work)
    conn = sqlite3.connect(work)
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM event_records),"
        " (SELECT count(*) FROM entities)"
    ).fetchone()
    conn.close()
    print(f"store: {counts[0]} articles, {counts[1]} events, {counts[2]} entities ({work})")

    port = free_port()
    env = os.environ | {"DATELINE_HOME": str(work.parent / "home")}
    log = open(work.with_suffix(".serve.log"), "w")  # noqa: SIM115
    started = time.monotonic()
    server = subprocess.Popen(
        [*DATELINE, "serve", "--db", str(work), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    summaries: list[dict[str, Any]] = []
    try:
        while True:
            try:
                if httpx.get(base + "/api/overview", timeout=60).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() - started > 600:
                raise SystemExit(f"the server did not start (see {log.name})")
            time.sleep(0.5)
        print(f"server up in {time.monotonic() - started:.1f} s (includes migrating the copy)")
        urls = targets(work)
        for name, url in urls.items():
            print(f"  {name:18s} {url}")
        # One warm-up round (first use of each page: templates, caches, file cache).
        run_phase(base, urls, "warm-up", 1, _rounds(len(urls)), server.pid)
        for clients in [int(c) for c in args.clients.split(",")]:
            deadline = time.monotonic() + args.duration
            phase = run_phase(
                base, urls, f"c={clients}", clients, lambda d=deadline: time.monotonic() > d,
                server.pid,
            )  # fmt: skip
            summaries.append(phase.summary())
            print_phase(summaries[-1])
        if args.ingest:
            summaries.append(_ingest_phase(base, urls, work, args, server.pid, env))
            print_phase(summaries[-1])
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    worst = max(
        (row["p95"] for s in summaries if s["clients"] == 8 for row in s["endpoints"].values()),
        default=0.0,
    )
    print(json.dumps({"articles": counts[0], "events": counts[1], "worst_p95_c8_ms": worst,
                      "phases": summaries}))  # fmt: skip
    return 0


def _rounds(n: int) -> Any:
    done = {"k": 0}

    def until() -> bool:
        done["k"] += 1
        return done["k"] > n

    return until


def _ingest_phase(
    base: str, urls: dict[str, str], work: Path, args: Any, pid: int, env: dict[str, str]
) -> dict[str, Any]:
    """8 clients while `dateline ingest` stores and links new articles in the same store."""
    corpus = work.parent / f"extra{args.ingest}"
    shutil.rmtree(corpus, ignore_errors=True)
    files = write_corpus(args.ingest, corpus, offset=args.build or 100_000)
    writer = subprocess.Popen(
        [*DATELINE, "ingest", *map(str, files), "--db", str(work), "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + args.ingest_timeout

    def until() -> bool:
        return writer.poll() is not None or time.monotonic() > deadline

    phase = run_phase(base, urls, f"c=8 during ingest of {args.ingest}", 8, until, pid)
    if writer.poll() is None:
        writer.kill()
        phase.errors.append("the ingest did not finish within --ingest-timeout")
    elif writer.returncode != 0:
        phase.errors.append(f"ingest exit {writer.returncode}: {writer.stderr.read()[-300:]!r}")
    summary = phase.summary()
    slowest = max((r["max"] for r in summary["endpoints"].values()), default=0.0)
    summary["slowest_ms"] = slowest
    print(f"\ningest of {args.ingest} articles (with link) took {phase.seconds:.0f} s")
    return summary


if __name__ == "__main__":
    raise SystemExit(main())
