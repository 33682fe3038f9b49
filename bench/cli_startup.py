"""How fast the command line starts: `dateline --help` and read commands on a small store.

    python bench/cli_startup.py                       # this checkout
    python bench/cli_startup.py --compare /work/main/.venv/bin/dateline

Each command runs `--runs` times in a fresh process (the median wall time and the largest
peak RSS are printed) beside `python -c pass`, the interpreter's own start. The small store
is the five sample articles (../shared/samples/seeds), ingested once into bench/out/. With
`--compare`, the same commands run through another installation's `dateline` (e.g. the main
branch's), on a copy of the store, for a before/after on the same machine and load. Timings
are noisy on a shared machine: the load average is printed. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent.parent / "shared" / "samples" / "seeds"


def run(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall seconds and peak RSS (MiB) of `argv` over `runs` fresh processes."""
    times, peaks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        child = subprocess.Popen(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0  # reaped above
        times.append(time.perf_counter() - started)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def main() -> int:
    """Run the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare", type=Path, help="another installation's dateline script")
    args = parser.parse_args()
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    store = out / "cli-seeds.db"
    home = Path(tempfile.mkdtemp(prefix="cli-startup-"))
    env = os.environ | {"DATELINE_HOME": str(home)}
    here = [sys.executable, "-m", "dateline"]
    if not store.exists():
        subprocess.run([*here, "ingest", str(SEEDS), "--db", str(store), "--quiet"], check=True)
    commands = {
        "--help": ["--help"],
        "timeline": ["timeline", "--db", str(store)],
        "timeline --json": ["timeline", "--db", str(store), "--json"],
        "claims": ["claims", "--db", str(store)],
        "entities --csv": ["entities", "--db", str(store), "--csv"],
    }
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.runs} runs each")
    bare, bare_rss = run([sys.executable, "-c", "pass"], env, args.runs)
    print(f"  {'python -c pass':24s} {bare * 1000:7.0f} ms {bare_rss:6.0f} MiB")
    results: dict[str, dict[str, float]] = {"python -c pass": {"ms": round(bare * 1000)}}
    installs = {"this": here}
    if args.compare:
        installs["compare"] = [str(args.compare)]
    for label, prefix in installs.items():
        db = store
        if label == "compare":  # the other version may migrate the file differently
            db = home / "compare.db"
            shutil.copy(store, db)
        for name, argv in commands.items():
            argv = [str(db) if a == str(store) else a for a in argv]
            took, rss = run([*prefix, *argv], env, args.runs)
            key = f"{label}: dateline {name}"
            results[key] = {"ms": round(took * 1000), "peak_rss_mib": round(rss)}
            print(f"  {key:40s} {took * 1000:7.0f} ms {rss:6.0f} MiB")
    print(json.dumps({"load_avg": [round(x, 2) for x in load], "results": results}))
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
