"""JSONL and CSV corpora: one article per record, with optional url, title, date and source."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dateline.errors import EmptyInput, MalformedInput, ReadError
from dateline.model import RawDocument
from dateline.readers._bytes import (
    content_hash,
    decode_records,
    read_bytes,
    record_problem,
    shown,
)
from dateline.settings import Settings

# Column names seen in public news corpora, in order of preference.
TEXT_KEYS = ("text", "body", "content", "maintext", "article", "story")
HTML_KEYS = ("html", "raw_html")
TITLE_KEYS = ("title", "headline")
URL_KEYS = ("url", "link", "uri")
DATE_KEYS = ("date", "published", "date_publish", "publish_date", "pubdate", "dct", "datetime")
SOURCE_KEYS = ("source", "outlet", "publisher", "source_name", "site")
ID_KEYS = ("id", "doc_id", "article_id", "uuid")

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _first(record: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def normalise_date(value: str | None) -> str | None:
    """Turn a record's date field into YYYY-MM-DD, or None when it is not a recognisable date."""
    if not value:
        return None
    match = _ISO_DATE.search(value)
    if match:
        return match.group(0)
    import dateparser

    parsed = dateparser.parse(value, settings={"STRICT_PARSING": True})
    return parsed.date().isoformat() if parsed else None


def record_to_document(record: Mapping[str, Any], where: str) -> RawDocument:
    """Turn one corpus record into a raw document, or raise a ReadError naming it."""
    text = _first(record, TEXT_KEYS)
    html = _first(record, HTML_KEYS)
    if not (text and text.strip()) and not (html and html.strip()):
        raise EmptyInput(
            f"record has no text (looked for fields {', '.join(TEXT_KEYS + HTML_KEYS)})",
            path=where,
        )
    date = normalise_date(_first(record, DATE_KEYS))
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return RawDocument(
        source_path=where,
        raw_hash=content_hash(canonical),
        text=text if text and text.strip() else None,
        html=None if text and text.strip() else html,
        title=_first(record, TITLE_KEYS),
        url=_first(record, URL_KEYS),
        outlet=_first(record, SOURCE_KEYS),
        date=date,
        date_origin="record" if date else "unknown",
    )


def _where(name: str, record: Mapping[str, Any], number: int) -> str:
    ident = _first(record, ID_KEYS)
    if ident and record_problem(ident, name) is None:
        return f"{name}#{ident}"
    return f"{name}#{number}"


def read_jsonl_file(path: Path, *, settings: Settings) -> Iterator[RawDocument | ReadError]:
    """Read a JSON-lines corpus; a broken line is reported and the rest is read."""
    name = shown(path)
    text = decode_records(read_bytes(path, settings.max_file_bytes), name)
    seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        seen = True
        problem = record_problem(line, f"{name}#{number}")
        if problem is not None:
            yield problem
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield MalformedInput(f"line {number} is not JSON: {exc.msg}", path=f"{name}#{number}")
            continue
        except RecursionError:
            yield MalformedInput(f"line {number} nests too deep", path=f"{name}#{number}")
            continue
        if not isinstance(record, dict):
            yield MalformedInput(f"line {number} is not a JSON object", path=f"{name}#{number}")
            continue
        yield from _document(record, name, number)
    if not seen:
        raise EmptyInput("file has no records (only blank lines)", path=name)


def _document(
    record: Mapping[str, Any], name: str, number: int
) -> Iterator[RawDocument | ReadError]:
    """The record as a document, or the error that refuses it (NUL bytes in a field, ...)."""
    where = _where(name, record, number)
    fields = [v for v in record.values() if isinstance(v, str)]
    problem = next((p for p in (record_problem(v, where) for v in fields) if p), None)
    if problem is not None:
        yield problem
        return
    try:
        yield record_to_document(record, where)
    except ReadError as exc:
        yield exc


def read_csv_file(path: Path, *, settings: Settings) -> Iterator[RawDocument | ReadError]:
    """Read a CSV corpus with a header row; a bad row is reported and the rest is read."""
    name = shown(path)
    text = decode_records(read_bytes(path, settings.max_file_bytes), name)
    csv.field_size_limit(max(settings.max_file_bytes, 131072))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise MalformedInput(f"CSV header row is malformed: {exc}", path=name) from exc
    if not header:
        raise MalformedInput("CSV file has no header row", path=name)
    problem = record_problem(",".join(header), name)
    if problem is not None:
        raise problem
    number = 1  # records are numbered from 2, the line after the header when one line each
    while True:
        before = reader.line_num
        try:
            row = next(reader, None)
        except csv.Error as exc:
            number += 1
            yield MalformedInput(f"CSV row is malformed: {exc}", path=f"{name}#{number}")
            if reader.line_num == before:
                return  # the reader cannot move past the damage
            continue
        if row is None:
            if number == 1:
                raise EmptyInput("CSV file has a header row and no records", path=name)
            return
        number += 1
        record = {k.strip().lower(): v for k, v in row.items() if isinstance(k, str)}
        yield from _document(record, name, number)
