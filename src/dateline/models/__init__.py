"""Trained models shipped inside the package: one loader that finds a model and checks it.

Each model lives in ``dateline/models/<name>/`` with a ``meta.json`` (at least ``name``,
``format`` and ``trained``), its weights and a ``MODEL_CARD.md``. Serving code asks for a
model by name and the ``format`` it understands; a missing folder or another format is a
`ModelError` (DL003) that says how to rebuild it, never a traceback from deep inside a stage.
Training code lives apart, in `dateline.train`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from dateline.errors import ModelError


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A shipped model's folder and what its meta.json says about it."""

    name: str
    format: int
    path: Path
    meta: dict[str, Any] = field(default_factory=dict)

    def file(self, name: str) -> Path:
        """Return the path of one of the model's files, or raise ModelError if it is missing."""
        target = self.path / name
        if not target.is_file():
            raise ModelError(
                f"model {self.name!r} has no file {name!r}; {rebuild_hint(self.name)}",
                path=str(self.path),
            )
        return target


def rebuild_hint(name: str) -> str:
    """Say how to rebuild a model from the shared corpora."""
    return f"reinstall dateline, or rebuild it with `python -m dateline.train {name}`"


def models_root() -> Path:
    """Return the folder that holds the shipped models."""
    root: Traversable = resources.files("dateline.models")
    return Path(str(root))


@cache
def load_model_info(name: str, *, expects: int, root: str | None = None) -> ModelInfo:
    """Find model `name` and check that its meta.json declares format `expects`."""
    folder = Path(root) / name if root else models_root() / name
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        raise ModelError(f"model {name!r} is not installed; {rebuild_hint(name)}", path=str(folder))
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read model {name!r}: {exc}", path=str(meta_path)) from exc
    found = meta.get("format")
    if found != expects:
        raise ModelError(
            f"model {name!r} has format {found!r} but this dateline reads format {expects}; "
            + rebuild_hint(name),
            path=str(meta_path),
        )
    return ModelInfo(name=name, format=expects, path=folder, meta=meta)
