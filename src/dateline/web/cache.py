"""A small cache for a page's aggregate sections, valid until the store changes.

Counts, histograms, facets, map points and actor pairs scan many rows but change only when
something is written. Each is kept under its arguments and the store's *generation*: the
size, modification time and header of the database file and of its write-ahead log. Every
commit in WAL mode appends to the log (a checkpoint rewrites the database, a restarted log
gets new salts in its header), so a commit by any process, an ingest in another terminal
included, yields a new generation and the next request computes afresh. Row pages are never
cached: they are cheap with the indexes and must show what is stored now.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


def generation(db_path: str) -> tuple[Any, ...]:
    """A token that changes whenever a transaction commits to the database at `db_path`."""
    parts: list[Any] = []
    for path in (db_path, db_path + "-wal"):
        try:
            stat = os.stat(path)
            with open(path, "rb") as handle:
                header = handle.read(32)
        except OSError:
            parts.append(None)
            continue
        parts.append((stat.st_size, stat.st_mtime_ns, stat.st_ino, header))
    return tuple(parts)


class SectionCache:
    """Least-recently-used values by (generation, key), safe across request threads."""

    def __init__(self, db_path: str, size: int = 256) -> None:
        """A cache for the database at `db_path` holding at most `size` values."""
        self.db_path = db_path
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value cached for `key` in the current generation, computed when missing."""
        full = (generation(self.db_path), key)
        with self._lock:
            if full in self._values:
                self._values.move_to_end(full)
                self.hits += 1
                return self._values[full]
        value = compute()
        with self._lock:
            self.misses += 1
            self._values[full] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value
