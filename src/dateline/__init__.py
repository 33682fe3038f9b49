"""dateline: news articles in, a sourced record of events, actors, claims and timelines out.

The names below are imported on first use (PEP 562), so `import dateline` and the command
line start without loading the pipeline (spaCy, pandas) until a command needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dateline.errors import DatelineError
    from dateline.ingest import IngestReport, ingest
    from dateline.model import Article
    from dateline.pipeline import build_pipeline
    from dateline.settings import Settings, load_settings
    from dateline.store import Store, open_store

__all__ = [
    "Article",
    "DatelineError",
    "IngestReport",
    "Settings",
    "Store",
    "build_pipeline",
    "ingest",
    "load_settings",
    "open_store",
]
__version__ = "0.1.0"

_HOMES = {
    "Article": "dateline.model",
    "DatelineError": "dateline.errors",
    "IngestReport": "dateline.ingest",
    "Settings": "dateline.settings",
    "Store": "dateline.store",
    "build_pipeline": "dateline.pipeline",
    "ingest": "dateline.ingest",
    "load_settings": "dateline.settings",
    "open_store": "dateline.store",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'dateline' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names and the module's own."""
    return sorted([*globals(), *__all__])
