"""Following sources and fetching them: `follow`, `unfollow`, `fetch_once`, `watch`.

A run (1) checks every followed feed or sitemap by conditional GET and queues the pages it
lists that were never seen before, (2) fetches the queued pages politely, archiving each
response, (3) ingests the archived pages through the ordinary pipeline, with the feed's
title, date and author as record fields, and (4) links the corpus. Each step records its
progress in the store before the next begins: a run killed at any point is finished by the
next one, which neither fetches a page twice nor loses one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from dateline.errors import (
    DatelineError,
    FetchError,
    InputTooLarge,
    MalformedInput,
    MissingDependency,
    ReadError,
)
from dateline.fetch.archive import WarcArchive, page_document, read_response, reextract
from dateline.fetch.client import Fetched, PoliteClient, host_of
from dateline.fetch.config import FetchSettings, archive_folder, fetch_settings
from dateline.model import Article, RawDocument
from dateline.readers.feeds import ListedPage, ParsedSource, normalise_url, parse_opml, parse_source
from dateline.settings import Settings
from dateline.store import Store
from dateline.store import feeds as state

if TYPE_CHECKING:
    from dateline.ingest import IngestReport, ProgressFn
    from dateline.link.run import LinkReport

ACCEPT_FEED = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.5"
)
ACCEPT_PAGE = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8, */*;q=0.5"
MAX_SUB_SITEMAPS = 50  # sub-sitemaps of one sitemap index read per run
MAX_SITEMAP_DEPTH = 3


@dataclass(slots=True)
class FetchReport:
    """What a fetch run did: sources checked, pages fetched and stored, what went wrong."""

    sources: int = 0
    not_modified: int = 0  # sources (and sub-sitemaps) answering 304
    new_entries: int = 0  # pages seen for the first time
    pages: int = 0  # pages fetched and archived
    failed: int = 0  # pages given up on
    deferred: int = 0  # pages left queued for a later run (a host asked us to wait, ...)
    requests: int = 0
    bytes: int = 0
    warc_files: list[str] = field(default_factory=list)
    errors: list[DatelineError] = field(default_factory=list)
    ingest: IngestReport | None = None
    link: LinkReport | None = None
    languages: Counter[str] = field(default_factory=Counter)  # of the articles stored now
    notices: list[MissingDependency] = field(default_factory=list)


# -- following -----------------------------------------------------------------------------------


def follow(
    store: Store, target: str | os.PathLike[str], *, kind: str = "auto"
) -> list[tuple[state.FeedSource, bool]]:
    """Follow a feed or sitemap URL, or every feed an OPML file lists; (source, new) each."""
    path = Path(target)
    text = str(target)
    if not text.startswith(("http://", "https://")) and path.is_file():
        pairs = parse_opml(path.read_bytes(), str(path))
        return [state.add_source(store, url, kind=kind, title=title) for url, title in pairs]
    url = normalise_url(text)
    if url is None:
        raise MalformedInput(
            "not an http(s) URL nor an OPML file: give a feed or sitemap URL, or a .opml file",
            path=text,
        )
    if kind not in ("auto", "feed", "sitemap"):
        raise MalformedInput(f"unknown kind {kind!r}: auto, feed or sitemap", path=text)
    return [state.add_source(store, url, kind=kind)]


def unfollow(store: Store, ref: str) -> state.FeedSource:
    """Stop following a source given by URL or number; its stored articles stay."""
    url = normalise_url(ref) if ref.startswith(("http://", "https://")) else None
    return state.remove_source(store, url or ref)


# -- one run -------------------------------------------------------------------------------------


def fetch_once(
    store: Store,
    *,
    settings: Settings,
    workers: int | None = None,
    progress: ProgressFn | None = None,
    link: bool = True,
    archive: WarcArchive | None = None,
) -> FetchReport:
    """Check every followed source, fetch the new pages, ingest and link them.

    Responses go to `archive` when given (`watch` keeps one open across runs), else to a
    new WARC file of this run.
    """
    fetch = fetch_settings(settings)
    report = FetchReport()
    with _run_lock(settings):
        own = archive is None
        if archive is None:
            archive = open_archive(settings)
        before = len(archive.files)
        try:
            asyncio.run(_network(store, fetch, archive, report, settings))
        finally:
            if own:
                archive.close()
        written = list(archive.files[before:])
        if archive.path is not None and archive.records and archive.path not in written:
            written.insert(0, archive.path)  # the file kept open from an earlier run
        report.warc_files = [str(p) for p in written]
        _ingest_fetched(store, settings, report, workers, progress)
        ingested = report.ingest
        if link and ingested is not None and (ingested.inserted or ingested.updated):
            from dateline.link.run import link_corpus

            report.link = link_corpus(store, settings=settings)
    return report


def watch(
    store: Store,
    *,
    settings: Settings,
    every: float,
    cycles: int | None = None,
    on_report: Callable[[FetchReport], None] | None = None,
    workers: int | None = None,
) -> int:
    """Run `fetch_once` every `every` seconds (`cycles` times, or until interrupted)."""
    done = 0
    with open_archive(settings) as archive:  # one WARC file across runs, until it is full
        while cycles is None or done < cycles:
            started = time.monotonic()
            archive.records = 0
            report = fetch_once(store, settings=settings, workers=workers, archive=archive)
            done += 1
            if on_report is not None:
                on_report(report)
            if cycles is not None and done >= cycles:
                break
            time.sleep(max(0.0, every - (time.monotonic() - started)))
    return done


def open_archive(settings: Settings) -> WarcArchive:
    """The WARC archive the settings name (its file is created on the first record)."""
    fetch = fetch_settings(settings)
    folder = archive_folder(settings, fetch)
    return WarcArchive(folder, max_bytes=fetch.warc_max_bytes, user_agent=fetch.user_agent)


@contextlib.contextmanager
def _run_lock(settings: Settings) -> Iterator[None]:
    """One fetch run per database at a time (a lock file beside it; freed if the run dies)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: no lock
        yield
        return
    db = settings.db_path
    if str(db) == ":memory:":
        yield
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(str(db) + ".fetch-lock", "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise FetchError(
                "another dateline fetch or watch is running on this database", path=str(db)
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _epoch(iso: str) -> float:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


async def _network(
    store: Store,
    fetch: FetchSettings,
    archive: WarcArchive,
    report: FetchReport,
    settings: Settings,
) -> None:
    blocked = {h: _epoch(u) for h, u in state.blocked_hosts(store, _now()).items()}
    async with PoliteClient(fetch, archive, store, blocked=blocked) as client:
        sources = state.list_sources(store)
        report.sources = len(sources)
        await asyncio.gather(
            *(_check_source(client, store, fetch, s, report, settings) for s in sources)
        )
        queued = state.entries(store, "pending", limit=fetch.max_pages_per_run)
        await asyncio.gather(*(_fetch_page(client, store, fetch, e, report) for e in queued))
        for host, (until, reason) in client.newly_blocked.items():
            stamp = dt.datetime.fromtimestamp(until, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            state.block_host(store, host, stamp, reason)
        report.requests = client.requests
        report.bytes = client.bytes


# -- sources -------------------------------------------------------------------------------------


async def _read_listing(
    client: PoliteClient, store: Store, url: str, report: FetchReport, settings: Settings
) -> tuple[Fetched, ParsedSource | None]:
    """Fetch a feed or sitemap by conditional GET and parse it (None when not modified)."""
    validators = state.get_validators(store, url)
    fetched = await client.get(url, validators=validators, accept=ACCEPT_FEED)
    if fetched.error is not None or fetched.not_modified:
        if fetched.not_modified:
            report.not_modified += 1
        return fetched, None
    if fetched.status != 200 or fetched.record is None:
        error = FetchError(f"HTTP {fetched.status}", path=url)
        return Fetched(url, fetched.final_url, fetched.status, error=error), None
    record = fetched.record
    response = read_response(record.file, record.offset, limit=settings.max_file_bytes)
    data = _gunzip(response.payload, settings.max_file_bytes, url)
    parsed = parse_source(data, fetched.final_url, fetched.content_type)
    return fetched, parsed


def _gunzip(data: bytes, limit: int, url: str) -> bytes:
    """A gzip-compressed sitemap file (sitemap.xml.gz) decompressed, within the size limit."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise MalformedInput(f"broken gzip data: {exc}", path=url) from exc
    if len(out) > limit:
        raise InputTooLarge(f"decompressed document is over {limit:,} bytes", path=url)
    return out


async def _check_source(
    client: PoliteClient,
    store: Store,
    fetch: FetchSettings,
    source: state.FeedSource,
    report: FetchReport,
    settings: Settings,
) -> None:
    try:
        fetched, parsed = await _read_listing(client, store, source.url, report, settings)
    except DatelineError as exc:
        report.errors.append(exc)
        state.record_check(store, source.id, status=200, error=str(exc))
        return
    if fetched.error is not None:
        report.errors.append(fetched.error)
        state.record_check(store, source.id, status=fetched.status, error=str(fetched.error))
        return
    if parsed is None:  # 304: nothing new
        state.record_check(store, source.id, status=fetched.status)
        return
    pages = list(parsed.pages)
    if parsed.kind == "sitemap":
        pages += await _sub_sitemaps(client, store, parsed, report, settings)
        pages = [p for p in pages if _recent(p, fetch.sitemap_max_age_days) and _article_like(p)]
    outlet = source.title or parsed.title or host_of(source.url)
    queued = [
        state.FeedEntry(
            url=p.url,
            source_id=source.id,
            guid=p.guid,
            title=p.title,
            published=p.published,
            author=p.author,
            outlet=outlet,
        )
        for p in pages
    ]
    assert fetched.record is not None
    # The entries and the validators that would hide them from the next run are saved in one
    # transaction: a run killed in between fetches the source again, in full.
    with store.transaction():
        report.new_entries += state.queue_entries(store, queued)
        state.save_validators(
            store,
            source.url,
            state.Validators(
                fetched.etag, fetched.last_modified, fetched.record.file, fetched.record.offset
            ),
        )
        state.record_check(
            store,
            source.id,
            status=fetched.status,
            error=parsed.warning,
            kind=parsed.kind if source.kind == "auto" else None,
            title=parsed.title,
        )


async def _sub_sitemaps(
    client: PoliteClient,
    store: Store,
    parsed: ParsedSource,
    report: FetchReport,
    settings: Settings,
    depth: int = 1,
) -> list[ListedPage]:
    """The pages of a sitemap index's sub-sitemaps (each by conditional GET)."""
    pages: list[ListedPage] = []
    for url in parsed.sitemaps[:MAX_SUB_SITEMAPS]:
        try:
            fetched, sub = await _read_listing(client, store, url, report, settings)
        except DatelineError as exc:
            report.errors.append(exc)
            continue
        if fetched.error is not None:
            report.errors.append(fetched.error)
            continue
        if sub is None:
            continue
        pages += sub.pages
        if sub.sitemaps and depth < MAX_SITEMAP_DEPTH:
            pages += await _sub_sitemaps(client, store, sub, report, settings, depth + 1)
        if fetched.record is not None:
            state.save_validators(
                store,
                url,
                state.Validators(
                    fetched.etag, fetched.last_modified, fetched.record.file, fetched.record.offset
                ),
            )
    return pages


def _recent(page: ListedPage, days: int) -> bool:
    when = page.published or page.modified
    if not days or not when:
        return True
    cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).date().isoformat()
    return when >= cutoff


def _article_like(page: ListedPage) -> bool:
    """Sitemaps list images, PDFs and tag pages too; only what may be an article is fetched."""
    from courlan.filters import extension_filter, is_navigation_page

    return extension_filter(urlsplit(page.url).path) and not is_navigation_page(page.url)


# -- pages ---------------------------------------------------------------------------------------


async def _fetch_page(
    client: PoliteClient,
    store: Store,
    fetch: FetchSettings,
    entry: state.FeedEntry,
    report: FetchReport,
) -> None:
    fetched = await client.get(entry.url, accept=ACCEPT_PAGE)
    if fetched.ok:
        record = fetched.record
        assert record is not None
        state.mark_fetched(
            store,
            entry.url,
            final_url=fetched.final_url,
            status=200,
            warc_file=record.file,
            warc_offset=record.offset,
            warc_record_id=record.record_id,
            fetched_at=record.fetched or _now(),
        )
        report.pages += 1
        return
    error = fetched.error or FetchError(f"HTTP {fetched.status}", path=entry.url)
    waited = fetched.waited  # not tried: it does not count as an attempt
    final = not waited and (not fetched.transient or entry.attempts + 1 >= fetch.max_attempts)
    state.mark_failed(
        store,
        entry.url,
        code=error.code,
        error=error.message,
        status=fetched.status,
        final=final,
        counts=not waited,
    )
    if final:
        report.failed += 1
        report.errors.append(error)
    else:
        report.deferred += 1


def entry_fields(entry: state.FeedEntry) -> dict[str, Any]:
    """The record fields a fetched page is ingested with: the feed's title, date, author, outlet."""
    return {
        "title": entry.title,
        "published": entry.published,
        "author": entry.author,
        "outlet": entry.outlet,
    }


def _documents(
    store: Store, settings: Settings, keys: dict[tuple[str, str], str], report: FetchReport
) -> Iterator[RawDocument | ReadError]:
    """The fetched pages, read back from the archive one at a time."""
    for entry in state.entries(store, "fetched"):
        assert entry.warc_file is not None and entry.warc_offset is not None
        try:
            response = read_response(
                entry.warc_file, entry.warc_offset, limit=settings.max_file_bytes
            )
        except ReadError as exc:
            # The archive lost the record (file moved or damaged): fetch the page again.
            state.requeue(store, entry.url, str(exc))
            report.errors.append(exc)
            continue
        try:
            raw = page_document(response, **entry_fields(entry))
        except ReadError as exc:
            state.mark_done(store, entry.url, article_id=None, code=exc.code, error=exc.message)
            report.errors.append(exc)
            continue
        keys[(raw.raw_hash, raw.source_path)] = entry.url
        yield raw


def _ingest_fetched(
    store: Store,
    settings: Settings,
    report: FetchReport,
    workers: int | None,
    progress: ProgressFn | None,
) -> None:
    from dateline.ingest import ingest_documents
    from dateline.languages import missing_pipeline

    if not state.entries(store, "fetched", limit=1):
        return  # nothing to ingest: no pipeline (and no spaCy model) is loaded
    keys: dict[tuple[str, str], str] = {}
    result = ingest_documents(
        _documents(store, settings, keys, report),
        store=store,
        settings=settings,
        workers=workers,
        progress=progress,
    )
    report.ingest = result
    report.errors.extend(result.errors)
    outcomes = state.ingest_outcomes(store, list(keys))
    new_ids = set(result.article_ids)
    for key, url in keys.items():
        article_id, code, message = outcomes.get(key, (None, "DL020", "not stored"))
        state.mark_done(store, url, article_id=article_id, code=code, error=message)
    seen: set[str] = set()
    for article_id in sorted(new_ids):
        article = store.get_article(article_id)
        report.languages[article.language] += 1
        missing = missing_pipeline(article.language, settings)
        if missing is not None and article.language not in seen:
            seen.add(article.language)
            report.notices.append(missing)


def archived_article(store: Store, article_id: str, *, settings: Settings) -> Article:
    """The article as cleaned again from its WARC record (to compare with the stored one)."""
    article = store.get_article(article_id)
    entry = state.entry_for_article(store, article.id)
    fields = entry_fields(entry) if entry is not None else {}
    return reextract(article, settings=settings, **fields)
