"""dateline: news articles in, a sourced record of events, actors, claims and timelines out."""

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
