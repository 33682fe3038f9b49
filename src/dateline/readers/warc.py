"""WARC reader (Common Crawl News and other crawls, `.warc` or `.warc.gz`): one article per page.

Only `response` records for HTTP 200 with an HTML or plain-text body become documents; every
other record (requests, metadata, redirects, 404s, images) is passed over. HTML is kept as
markup for the clean stage, exactly as for `.html` files. A record is named
``FILE#<WARC-Record-ID>`` (its byte offset when it has no id), so each has its own ingest key.

The file is streamed record by record, so crawl files far larger than `max_file_bytes` are
read; the limit applies to each record's payload instead. A bad record is reported and the
rest of the file is read; a truncated or corrupt file is reported after the records that
could be read.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from dateline.errors import EmptyInput, InputTooLarge, MalformedInput, ReadError
from dateline.model import RawDocument
from dateline.readers._bytes import content_hash, decode, open_regular, shown
from dateline.readers.tabular import normalise_date
from dateline.readers.text import split_header
from dateline.settings import Settings

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
_CHUNK = 1 << 16


def read_warc_file(path: Path, *, settings: Settings) -> Iterator[RawDocument | ReadError]:
    """Read a WARC file's article pages; bad records and a broken tail are yielded as errors."""
    with open_regular(path) as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            raise EmptyInput("file is empty", path=shown(path))
        count = 0
        for item in _read_records(fh, path, settings):
            count += 1
            yield item
    if count == 0:
        # Records of other kinds only (requests, redirects, images): say so rather than nothing.
        raise EmptyInput("WARC file holds no HTTP 200 HTML or plain-text page", path=shown(path))


def _read_records(
    fh: BinaryIO, path: Path, settings: Settings
) -> Iterator[RawDocument | ReadError]:
    records = ArchiveIterator(fh)
    seen = warned = offset = 0
    while True:
        try:
            with _silenced():
                record = next(records, None)
        except Exception as exc:  # warcio and zlib raise many kinds on damaged input
            yield _broken(path, records.offset, seen, exc)
            return
        if record is None:
            break
        seen += 1
        offset = records.offset
        if records.err_count > warned:
            # The record before this one does not end where its Content-Length says; warcio
            # found the next record all the same, so report the damage and go on.
            warned = records.err_count
            yield MalformedInput(
                f"the WARC record before byte {offset:,} does not end where its "
                "Content-Length says (damaged file)",
                path=shown(path),
            )
        where = f"{shown(path)}#{_record_name(record, offset)}"
        if record.format != "warc":
            # warcio also reads the older ARC format and takes stray text for it.
            what = "not a WARC file" if seen == 1 else f"no WARC record at byte {offset:,}"
            yield MalformedInput(f"{what} (damaged or another format)", path=shown(path))
            return
        declared = (record.rec_headers.get_header("Content-Length") or "").strip()
        if not declared.isdigit():
            # Content-Length is mandatory; a header block without it was cut short.
            yield MalformedInput(
                "WARC record has no valid Content-Length: the file is cut short or damaged",
                path=where,
            )
            return
        try:
            item, missing = _take(record, where, settings)
        except Exception as exc:  # the stream under the record is damaged
            yield _broken(path, offset, seen, exc)
            return
        if missing:
            yield MalformedInput(
                f"WARC record is incomplete ({missing:,} bytes missing): the file is cut short "
                "or damaged",
                path=where,
            )
            return
        if item is not None:
            yield item
    if seen == 0:
        yield MalformedInput("no WARC records found (cut short, or not a WARC)", path=shown(path))
        return
    size = os.fstat(fh.fileno()).st_size
    if records.offset < size:
        yield MalformedInput(
            f"file is truncated or corrupt after byte {records.offset:,} of {size:,} "
            "(the records before it were read)",
            path=shown(path),
        )
    elif not _last_member_complete(fh, offset):
        yield MalformedInput(
            f"the gzip member of the last record (from byte {offset:,}) is cut short: "
            "the file is truncated",
            path=shown(path),
        )


def _take(
    record: Any, where: str, settings: Settings
) -> tuple[RawDocument | ReadError | None, int]:
    item: RawDocument | ReadError | None
    try:
        item = _to_document(record, where, settings)
    except ReadError as exc:
        item = exc
    except Exception as exc:  # a payload that cannot be de-chunked or decompressed
        item = MalformedInput(f"cannot read the record's payload: {exc}", path=where)
    return item, _drain(record)


def _last_member_complete(fh: BinaryIO, start: int) -> bool:
    """Whether the gzip member holding the last record ends properly (always true unzipped)."""
    fh.seek(start)
    if fh.read(2) != b"\x1f\x8b":
        return True
    fh.seek(start)
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        while not member.eof and (chunk := fh.read(_CHUNK)):
            member.decompress(chunk)
    except zlib.error:
        return False
    return member.eof


def _silenced() -> contextlib.redirect_stderr[io.StringIO]:
    # warcio prints warnings about damaged input to stderr; we report them as errors instead.
    return contextlib.redirect_stderr(io.StringIO())


def _broken(path: Path, offset: int, seen: int, exc: Exception) -> ReadError:
    message = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, (AttributeError, TypeError, KeyError, IndexError, ValueError)):
        message = "unreadable record headers"
    if "non-chunked gzip" in message:
        message = "gzip file is not compressed record by record (run `warcio recompress`)"
    if seen == 0 and "Unknown archive format" in message:
        return MalformedInput(f"not a WARC file ({message[:120]})", path=shown(path))
    return MalformedInput(
        f"WARC file is damaged at byte {offset:,} after {seen} record(s): {message[:200]}",
        path=shown(path),
    )


def _record_name(record: Any, offset: int) -> str:
    ident = (record.rec_headers.get_header("WARC-Record-ID") or "").strip().strip("<>")
    return ident or str(offset)


def _drain(record: Any) -> int:
    """Read the rest of a record's block; return how many declared bytes the file lacks."""
    stream = record.raw_stream
    with _silenced():
        while stream.read(_CHUNK):
            pass
    return max(int(getattr(stream, "limit", 0) or 0), 0)


def _media_type(value: str | None) -> tuple[str, str | None]:
    if not value:
        return "", None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return media.strip().lower(), charset


def _to_document(record: Any, where: str, settings: Settings) -> RawDocument | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    if (record.rec_headers.get_header("WARC-Target-URI") or "").endswith("/robots.txt"):
        return None  # a crawl's robots.txt (text/plain) is not an article
    media, charset = _media_type(record.http_headers.get_header("Content-Type"))
    if media not in HTML_TYPES and media not in TEXT_TYPES:
        return None
    data = _read_payload(record, settings.max_file_bytes, where)
    if not data.strip():
        raise EmptyInput("WARC response has an empty body", path=where)
    body = _decode(data, charset, where)
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    crawled = normalise_date(record.rec_headers.get_header("WARC-Date"))
    raw_hash = content_hash(f"{url}\n{crawled}\n".encode() + data)
    # The crawl date is a fallback: the page's own metadata or dateline, when it has one, wins.
    if media in HTML_TYPES:
        return RawDocument(
            source_path=where, raw_hash=raw_hash, html=body, url=url, fallback_date=crawled
        )
    header_date, text = split_header(body)
    if not text.strip():
        raise EmptyInput("WARC response has a date header but no text", path=where)
    return RawDocument(
        source_path=where,
        raw_hash=raw_hash,
        text=text,
        url=url,
        date=header_date,
        date_origin="header" if header_date else "unknown",
        fallback_date=crawled,
    )


def _read_payload(record: Any, limit: int, where: str) -> bytes:
    stream = record.content_stream()
    parts: list[bytes] = []
    size = 0
    with _silenced():
        while chunk := stream.read(_CHUNK):
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                raise InputTooLarge(
                    f"WARC record body is over the {limit:,}-byte limit "
                    "(raise [read] max_file_bytes to accept it)",
                    path=where,
                )
    return b"".join(parts)


def _decode(data: bytes, charset: str | None, where: str) -> str:
    # The HTTP charset, when it is a real codec and fits the bytes, beats guessing; otherwise
    # the same checks as for files (binary sniffing, UTF-8, UTF-16, legacy text).
    if charset:
        try:
            codec = codecs.lookup(charset).name
            text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if text.strip() and "\x00" not in text[:8192]:
                return text.removeprefix("\ufeff")
    return decode(data, where)
