"""bench/speed.py runs end to end on a small file and reports both figures (no timing asserts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_speed_bench_prints_both_figures() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "speed.py"), "--data",
         str(ROOT / "examples" / "wire.jsonl"), "--limit", "2", "--rounds", "1"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["articles_per_s"] > 0 and result["spacy_articles_per_s"] > 0
    assert result["ratio_cpu"] > 0 and len(result["ratio_cpu_runs"]) == 1
    assert result["workers"] == 1 and result["rss_scope"] == "sum over the run's processes"
    assert set(result["steps_cpu_s"]) >= {"clean", "annotate", "timerefs", "quotes", "store"}
