"""The WARC archive of everything dateline fetches, and pages read back from it.

Every HTTP exchange (robots.txt, feeds, sitemaps, pages, redirects, errors, 304s) is appended
as a `request` and a `response` record (WARC/1.1, each record its own gzip member) to the
run's file, ``dateline-<UTC time>-<pid>.warc.gz``; a new file starts past `warc_max_bytes`.
A record is built in memory and written with one `write`, and the database learns its
offset only after that, so a run killed mid-write leaves at most a torn tail that nothing
points to, and the next run writes to a new file.

A page is always ingested from its archived record, never from the bytes in memory:
`page_document` reads the record at its offset (warcio removes the transfer and content
encodings), decodes the text and builds the raw document. `reextract` does the same later,
so an article's text can be shown to come from the archived bytes. Source paths and raw
hashes are those `dateline ingest FILE.warc.gz` gives the same record, so ingesting an
archive file again stores nothing twice.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dateline.errors import EmptyInput, InputTooLarge, MalformedInput, ReadError
from dateline.model import ArchiveRecord, Article, RawDocument
from dateline.readers._bytes import content_hash, decode
from dateline.readers.tabular import normalise_date
from dateline.settings import Settings

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
_DROPPED = {"transfer-encoding"}  # the archived payload is de-chunked
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, as archived."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes  # as received (content-encoded), possibly cut short
    truncated: bool = False
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """A response record read back from a WARC file, its payload decoded."""

    file: str
    offset: int
    record_id: str
    url: str
    date: str  # WARC-Date
    status: int
    headers: dict[str, str]  # HTTP headers, lower-case names
    payload: bytes
    truncated: bool

    @property
    def media_type(self) -> str:
        """The media type of the payload, lower case, without parameters."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header names, if any."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset":
                return value.strip().strip("\"'") or None
        return None


class WarcArchive:
    """Appends request/response records to this run's WARC file(s) in a folder."""

    def __init__(self, folder: Path, *, max_bytes: int, user_agent: str) -> None:
        """Prepare an archive in `folder` (the file is created on the first record)."""
        self.folder = folder
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self.path: Path | None = None
        self._fh: io.BufferedWriter | None = None
        self.files: list[Path] = []
        self.records = 0

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the current file."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def _file(self) -> io.BufferedWriter:
        if self._fh is not None and self._fh.tell() < self.max_bytes:
            return self._fh
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.path = self.folder / f"dateline-{stamp}-{os.getpid()}.warc.gz"
        self._fh = self.path.open("ab")
        self.files.append(self.path)
        info = {
            "software": self.user_agent,
            "format": "WARC File Format 1.1",
            "description": "pages, feeds and robots.txt fetched by dateline",
        }
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(self.path.name, info))
        self._write(buffer.getvalue())
        return self._fh

    def _write(self, data: bytes) -> int:
        assert self._fh is not None
        offset = self._fh.tell()
        self._fh.write(data)
        self._fh.flush()
        return offset

    def append(self, exchange: Exchange) -> ArchiveRecord:
        """Archive one exchange (request + response records); returns the response's place."""
        self._file()
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
        parts = re.match(r"^[a-z]+://[^/]*(/.*)?$", exchange.url, re.IGNORECASE)
        target = (parts.group(1) if parts else None) or "/"
        headers = [(k, v) for k, v in exchange.headers if k.lower() not in _DROPPED]
        warc_headers = {}
        if exchange.truncated:
            warc_headers["WARC-Truncated"] = "length"
        if exchange.ip:
            warc_headers["WARC-IP-Address"] = exchange.ip
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            warc_headers_dict=warc_headers,
            http_headers=StatusAndHeaders(
                f"{exchange.status} {exchange.reason}".strip(), headers, protocol="HTTP/1.1"
            ),
        )
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            warc_headers_dict={"WARC-Concurrent-To": record_id},
            http_headers=StatusAndHeaders(
                f"{exchange.method} {target} HTTP/1.1",
                exchange.request_headers,
                is_http_request=True,
            ),
        )
        writer.write_record(response)
        writer.write_record(request)
        # Response and request go out in one write: a record is never half on disk unless
        # the process dies inside this call.
        offset = self._write(buffer.getvalue())
        self.records += 1
        assert self.path is not None
        return ArchiveRecord(
            file=str(self.path.resolve()),
            record_id=record_id.strip("<>"),
            offset=offset,
            url=exchange.url,
            fetched=response.rec_headers.get_header("WARC-Date"),
        )


def read_response(file: str | os.PathLike[str], offset: int, *, limit: int) -> ArchivedResponse:
    """The response record at `offset` of a WARC file, payload decoded (ReadError if none)."""
    where = f"{file}@{offset}"
    try:
        with open(file, "rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)), None)
            if record is None or record.rec_type != "response" or record.http_headers is None:
                raise MalformedInput("no WARC response record at this offset", path=where)
            stream = record.content_stream()
            parts: list[bytes] = []
            size = 0
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise InputTooLarge(
                        f"archived response is over the {limit:,}-byte limit once decoded",
                        path=where,
                    )
                parts.append(chunk)
            status = int(record.http_headers.get_statuscode() or 0)
            headers = {k.lower(): v for k, v in record.http_headers.headers}
            return ArchivedResponse(
                file=str(file),
                offset=offset,
                record_id=(record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>"),
                url=record.rec_headers.get_header("WARC-Target-URI") or "",
                date=record.rec_headers.get_header("WARC-Date") or "",
                status=status,
                headers=headers,
                payload=b"".join(parts),
                truncated=bool(record.rec_headers.get_header("WARC-Truncated")),
            )
    except ReadError:
        raise
    except OSError as exc:
        raise ReadError(f"cannot read the WARC file: {exc.strerror or exc}", path=where) from exc
    except Exception as exc:  # warcio and zlib raise many kinds on damaged files
        raise MalformedInput(f"damaged WARC record: {exc}", path=where) from exc


# --- pages ----------------------------------------------------------------------------------------

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def decode_page(data: bytes, http_charset: str | None, where: str) -> str:
    """Decode a page as a browser would: BOM, HTTP charset, <meta> charset, then detection.

    A declared charset is used only when the bytes decode in it. Undeclared bytes that are
    not UTF-8 go to charset-normalizer (windows-1251 Russian, windows-1256 Arabic, ...), and
    only then to the file readers' checks.
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data, where)
    meta = _META_CHARSET.search(data[:4096])
    for declared in (_codec(http_charset), _codec(meta.group(1).decode("ascii")) if meta else None):
        if declared is None:
            continue
        try:
            text = data.decode("utf-8" if declared == "utf-8" else declared)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text[:8192]:
            return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return decode(data, where)


_HTML_START = re.compile(rb"^\s*(?:<!doctype html|<html|<head|<body|<article|<p[\s>])", re.I)


def _sniff(payload: bytes) -> str:
    """The media type of a response sent without one: HTML when it starts like HTML."""
    head = payload[:512].removeprefix(b"\xef\xbb\xbf")
    return "text/html" if _HTML_START.match(head) else ""


def page_document(
    response: ArchivedResponse,
    *,
    title: str | None = None,
    published: str | None = None,
    author: str | None = None,
    outlet: str | None = None,
) -> RawDocument:
    """The raw document of an archived page, with the feed's own fields as record fields."""
    where = f"{response.file}#{response.record_id}"
    if response.status != 200:
        raise MalformedInput(f"the archived response is HTTP {response.status}", path=where)
    media = response.media_type or _sniff(response.payload)
    if media not in HTML_TYPES and media not in TEXT_TYPES:
        raise MalformedInput(
            f"not an article page: {media or 'no content type'} (HTML or plain text expected)",
            path=where,
        )
    if response.truncated:
        raise InputTooLarge("the page was cut off at the size limit", path=where)
    if not response.payload.strip():
        raise EmptyInput("the page is empty", path=where)
    body = decode_page(response.payload, response.charset, where)
    crawled = normalise_date(response.date)
    # The keys `dateline ingest` gives the same WARC record (readers/warc.py).
    raw_hash = content_hash(f"{response.url}\n{crawled}\n".encode() + response.payload)
    archived = ArchiveRecord(
        file=response.file,
        record_id=response.record_id,
        offset=response.offset,
        url=response.url,
        fetched=response.date,
    )
    doc = RawDocument(
        source_path=where,
        raw_hash=raw_hash,
        url=response.url,
        outlet=outlet,
        title=title,
        author=author,
        date=published,
        date_origin="record" if published else "unknown",
        fallback_date=crawled,
        archived=archived,
    )
    if media in HTML_TYPES:
        return replace(doc, html=body)
    return replace(doc, text=body)


def reextract(article: Article, *, settings: Settings, **fields: Any) -> Article:
    """Clean an article again from its archived WARC record (ReadError if it has none).

    `fields` are the record fields the page was ingested with (title, published, author,
    outlet: `dateline.fetch.entry_fields` gives them for a fetched page).
    """
    from dateline.pipeline.clean import clean_document

    if article.archived is None:
        raise ReadError("the article has no archived WARC record", path=article.source_path)
    ref = article.archived
    response = read_response(ref.file, ref.offset, limit=settings.max_file_bytes)
    if response.record_id != ref.record_id:
        raise MalformedInput(
            f"the WARC record at this offset is {response.record_id}, not {ref.record_id}",
            path=f"{ref.file}@{ref.offset}",
        )
    return clean_document(page_document(response, **fields), settings=settings)
