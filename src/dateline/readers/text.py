"""Plain-text reader, including the ` date YYYY-MM-DD ` header that runs into the first line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from dateline.errors import EmptyInput
from dateline.model import RawDocument
from dateline.readers._bytes import content_hash, decode, read_bytes, shown
from dateline.settings import Settings

# The header the sample corpus uses: optional leading space, "date", an ISO date, then the
# article's first line on the same line.
_HEADER = re.compile(r"\A\s*date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|\s*\n)", re.IGNORECASE)
_LOOKS_HTML = re.compile(r"\A\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)


def split_header(text: str) -> tuple[str | None, str]:
    """Split a leading ` date YYYY-MM-DD ` header from the text; return (date or None, rest)."""
    match = _HEADER.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end() :]


def read_text_file(path: Path, *, settings: Settings) -> Iterator[RawDocument]:
    """Read one plain-text article file (HTML content found in a text file is read as HTML)."""
    data = read_bytes(path, settings.max_file_bytes)
    text = decode(data, shown(path))
    if _LOOKS_HTML.match(text):
        yield RawDocument(source_path=shown(path), raw_hash=content_hash(data), html=text)
        return
    date, body = split_header(text)
    if not body.strip():
        raise EmptyInput("file has a date header but no article text", path=shown(path))
    yield RawDocument(
        source_path=shown(path),
        raw_hash=content_hash(data),
        text=body,
        date=date,
        date_origin="header" if date else "unknown",
    )
