"""What every training module shares: where the corpora are, seeds, and writing an artefact."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
from pathlib import Path
from typing import Any

from dateline.models import models_root

DEFAULT_CORPORA = Path("../shared/corpora")


def base_parser(name: str, description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every training command takes."""
    parser = argparse.ArgumentParser(
        prog=f"python -m dateline.train {name}", description=description
    )
    parser.add_argument(
        "--corpora",
        type=Path,
        default=Path(os.environ.get("DATELINE_CORPORA", DEFAULT_CORPORA)),
        help="the shared corpora folder (default ../shared/corpora or $DATELINE_CORPORA)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=models_root() / name,
        help="where the model is written (default: the package's own models folder)",
    )
    parser.add_argument("--seed", type=int, default=13, help="random seed (fixed by default)")
    return parser


def fix_seeds(seed: int) -> None:
    """Seed every random generator training uses."""
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    try:
        import numpy as np

        np.random.seed(seed)
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass


def git_commit() -> str | None:
    """The commit of the working tree training runs from, if it is a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def write_meta(out: Path, *, name: str, format: int, **fields: Any) -> Path:
    """Write a model's meta.json (name, format, training date, commit and the given fields)."""
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "name": name,
        "format": format,
        "trained": dt.date.today().isoformat(),
        "commit": git_commit(),
        **fields,
    }
    path = out / "meta.json"
    path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
