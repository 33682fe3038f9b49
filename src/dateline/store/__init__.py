"""Storage: one SQLite file by default, written with idempotent upserts."""

from dateline.store.db import Store, UpsertResult, open_store

__all__ = ["Store", "UpsertResult", "open_store"]
