"""What every quality bench shares: the reference scorers, subsets, predictions, the last line.

The reference scorers live in `../shared/score/` (read-only, standard library only) and are
loaded from there at bench time, never copied into the project: a bench's figure is the
reference scorer's figure on the bench's own predictions. `DATELINE_SCORE_DIR` points
elsewhere when `../shared` is not beside the project.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
SCORE_DIR = Path(os.environ.get("DATELINE_SCORE_DIR", ROOT.parent / "shared" / "score"))

T = TypeVar("T")
_LOADED: dict[str, ModuleType] = {}


def load_scorer(name: str) -> ModuleType:
    """Import the reference scorer `name` (timeml, polnear, bcubed) from ../shared/score."""
    if name in _LOADED:
        return _LOADED[name]
    path = SCORE_DIR / f"{name}.py"
    if not path.is_file():
        sys.exit(
            f"reference scorer {path} not found: put ../shared beside the project "
            "or set DATELINE_SCORE_DIR"
        )
    spec = importlib.util.spec_from_file_location(f"reference_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _LOADED[name] = module
    return module


def add_data_args(parser: argparse.ArgumentParser, data_help: str) -> None:
    """The options every quality bench takes: --data, --predictions, --limit, --sample."""
    parser.add_argument("--data", required=True, type=Path, help=data_help)
    parser.add_argument(
        "--predictions",
        type=Path,
        help="write the predictions here, in the reference scorer's format",
    )
    parser.add_argument(
        "--sample", type=int, default=0, help="N documents spread evenly (the gate's subsets)"
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N (of the sample)")


def pick(items: Sequence[T], limit: int = 0, sample: int = 0) -> list[T]:
    """`sample` items spread evenly (deterministic), then the first `limit` of those."""
    chosen = list(items)
    if sample and sample < len(chosen):
        step = len(chosen) / sample
        chosen = [chosen[int(i * step)] for i in range(sample)]
    return chosen[:limit] if limit else chosen


def subset_note(used: int, total: int) -> str:
    """'all 84' or '30 of 84', for the header line of a bench."""
    return f"all {total}" if used == total else f"{used} of {total}"


def write_predictions(path: Path | None, predictions: Any) -> None:
    """Write predictions as JSON (the reference scorer's input) when a path is given."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(predictions, ensure_ascii=False), encoding="utf-8")
    print(f"  predictions written to {path} (re-score them with ../shared/score/)")


def print_figures(figures: dict[str, Any]) -> None:
    """The bench's last line: one JSON object of figures."""
    print(json.dumps(figures, sort_keys=False), flush=True)
