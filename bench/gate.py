"""The quality gate: run a fast version of every quality bench and fail below a floor.

    python -m bench.gate                       # every benchmark in bench/floors.toml
    python -m bench.gate --only quotes events  # some of them
    python -m bench.gate --list                # what would run, on which data

Each `[name]` table of `bench/floors.toml` names a bench script, its arguments (a subset of
the shared dev data), the data in words, and per metric a floor and the figure it was set
from. A metric is a dotted path into the bench's last output line (one JSON object), e.g.
`exact.cue`. The gate runs the benches (two at a time by default, each in its own process),
writes each one's output and predictions under `bench/out/gate/`, prints every figure beside
its floor, and exits 1 naming the benchmark, the figure and the floor when a figure falls
below its floor, or when a bench fails or does not print the metric. `report` metrics (timing
ratios) are printed and never fail the gate. A new bench joins the gate by a new table in
`floors.toml`; nothing here changes.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import runpy
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ROOT / "bench" / "floors.toml"
OUT = ROOT / "bench" / "out" / "gate"


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One gated benchmark: how to run it and the floors its figures must reach."""

    name: str
    script: str
    args: tuple[str, ...]
    data: str
    floors: dict[str, float]
    measured: dict[str, float]
    report: tuple[str, ...] = ()


@dataclass(slots=True)
class Outcome:
    """What one run of a benchmark gave: its figures (or why there are none) and its time."""

    name: str
    figures: dict[str, Any] = field(default_factory=dict)
    output: str = ""
    error: str | None = None
    seconds: float = 0.0


def load_floors(path: Path = FLOORS) -> list[Benchmark]:
    """Read and check the floors file; a malformed table is an error naming it."""
    with path.open("rb") as f:
        table = tomllib.load(f)
    benchmarks = []
    for name, entry in table.items():
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: [{name}] must be a table")
        missing = [k for k in ("script", "args", "data", "floors", "measured") if k not in entry]
        if missing:
            raise ValueError(f"{path}: [{name}] lacks {', '.join(missing)}")
        floors = {k: float(v) for k, v in entry["floors"].items()}
        measured = {k: float(v) for k, v in entry["measured"].items()}
        if not floors or set(floors) - set(measured):
            raise ValueError(f"{path}: [{name}] needs floors, each with its measured figure")
        benchmarks.append(
            Benchmark(
                name=name,
                script=entry["script"],
                args=tuple(str(a) for a in entry["args"]),
                data=entry["data"],
                floors=floors,
                measured=measured,
                report=tuple(entry.get("report", ())),
            )
        )
    return benchmarks


def figure_at(figures: dict[str, Any], metric: str) -> float | None:
    """The number at a dotted path of a bench's JSON figures (None when absent)."""
    value: Any = figures
    for part in metric.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return float(value) if isinstance(value, int | float) else None


def check(bench: Benchmark, outcome: Outcome) -> list[str]:
    """The gate's verdict on one benchmark: one message per failure, none when it passes."""
    if outcome.error is not None:
        return [f"{bench.name}: the benchmark did not run to the end: {outcome.error}"]
    failures = []
    for metric, floor in bench.floors.items():
        value = figure_at(outcome.figures, metric)
        if value is None:
            failures.append(f"{bench.name}: {metric} is missing from the bench's figures")
        elif value < floor:
            failures.append(
                f"{bench.name}: {metric} = {value:g} is below its floor {floor:g} "
                f"(set from {bench.measured[metric]:g}; data: {bench.data})"
            )
    return failures


def run(
    bench: Benchmark, *, in_process: bool = False, extra: tuple[str, ...] = (), out: Path = OUT
) -> Outcome:
    """Run one bench (its own process, or this one) and read the JSON of its last line.

    The bench writes its predictions to OUT/NAME.predictions.json and its output goes to
    OUT/NAME.txt; `extra` arguments come after the table's own (argparse: the last one wins).
    """
    outcome = Outcome(bench.name)
    script = ROOT / bench.script
    out.mkdir(parents=True, exist_ok=True)
    argv = [*bench.args, "--predictions", str(out / f"{bench.name}.predictions.json"), *extra]
    started = time.perf_counter()
    if in_process:
        outcome.output, code = _run_here(script, argv)
    else:
        proc = subprocess.run(
            [sys.executable, str(script), *argv],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        outcome.output, code = proc.stdout + proc.stderr, proc.returncode
    outcome.seconds = time.perf_counter() - started
    (out / f"{bench.name}.txt").write_text(outcome.output, encoding="utf-8")
    if code != 0:
        tail = " | ".join(outcome.output.strip().splitlines()[-3:])
        outcome.error = f"exit code {code}; output in {out / (bench.name + '.txt')}: {tail}"
        return outcome
    outcome.figures = _last_json(outcome.output) or {}
    if not outcome.figures:
        outcome.error = "its last line is not a JSON object of figures"
    return outcome


def _run_here(script: Path, argv: list[str]) -> tuple[str, int]:
    """Run a bench script's main(argv) in this interpreter, capturing what it prints."""
    buffer = io.StringIO()
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        with redirect_stdout(buffer):
            module = runpy.run_path(str(script), run_name=f"bench_{script.stem}")
            code = module["main"](argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
        buffer.write(f"{exc.code}\n" if not isinstance(exc.code, int) else "")
    finally:
        os.chdir(cwd)
    return buffer.getvalue(), int(code or 0)


def _last_json(output: str) -> dict[str, Any] | None:
    for line in reversed(output.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                return None
            return value if isinstance(value, dict) else None
    return None


def _announce(outcome: Outcome) -> Outcome:
    state = "failed" if outcome.error else "done"
    print(f"{outcome.name}: {state} in {outcome.seconds:.0f}s", flush=True)
    return outcome


def table(bench: Benchmark, outcome: Outcome) -> list[str]:
    """Human-readable lines: every gated figure beside its floor, then the reported ones."""
    lines = [f"{bench.name} ({bench.data}): {outcome.seconds:.0f}s"]
    for metric, floor in bench.floors.items():
        value = figure_at(outcome.figures, metric)
        shown = "missing" if value is None else f"{value:g}"
        verdict = "ok" if value is not None and value >= floor else "BELOW FLOOR"
        rise = ""
        if value is not None and value > bench.measured[metric]:
            rise = f" (above the {bench.measured[metric]:g} it was set from: raise the floor)"
        lines.append(f"  {metric:40s} {shown:>9s}  floor {floor:g}  {verdict}{rise}")
    for metric in bench.report:
        value = figure_at(outcome.figures, metric)
        shown = "missing" if value is None else f"{value:g}"
        lines.append(f"  {metric:40s} {shown:>9s}  (reported, never gated)")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the gate; 0 when every figure reaches its floor, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floors", type=Path, default=FLOORS)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--in-process", action="store_true", help="run the benches in this interpreter, one by one"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    benchmarks = load_floors(args.floors)
    if args.only:
        unknown = set(args.only) - {b.name for b in benchmarks}
        if unknown:
            parser.error(f"not in {args.floors}: {', '.join(sorted(unknown))}")
        benchmarks = [b for b in benchmarks if b.name in args.only]
    if args.list:
        for bench in benchmarks:
            print(f"{bench.name}: python {bench.script} {' '.join(bench.args)}  # {bench.data}")
        return 0
    started = time.perf_counter()
    print(f"quality gate: {len(benchmarks)} benchmarks from {args.floors}", flush=True)
    if args.in_process:
        outcomes = [_announce(run(b, in_process=True)) for b in benchmarks]
    else:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            outcomes = list(pool.map(lambda b: _announce(run(b)), benchmarks))
    failures: list[str] = []
    for bench, outcome in zip(benchmarks, outcomes, strict=True):
        print("\n".join(table(bench, outcome)))
        failures += check(bench, outcome)
        if outcome.error:
            print("  " + "\n  ".join(outcome.output.strip().splitlines()[-15:]))
    took = time.perf_counter() - started
    if failures:
        print(f"\nquality gate FAILED ({took:.0f}s):")
        print("\n".join(f"  {f}" for f in failures))
        return 1
    print(f"\nquality gate passed: {len(benchmarks)} benchmarks, {took:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
