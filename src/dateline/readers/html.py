"""HTML reader: keeps the page as markup; extraction happens in the clean stage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dateline.model import RawDocument
from dateline.readers._bytes import content_hash, decode, read_bytes, shown
from dateline.settings import Settings


def read_html_file(path: Path, *, settings: Settings) -> Iterator[RawDocument]:
    """Read one HTML page as a raw document."""
    data = read_bytes(path, settings.max_file_bytes)
    yield RawDocument(
        source_path=shown(path), raw_hash=content_hash(data), html=decode(data, shown(path))
    )
