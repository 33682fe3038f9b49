"""Storage of followed sources and fetch state: entries, conditional-GET validators, host waits.

An entry (one page a feed or sitemap listed) moves pending -> fetched -> done, or to failed.
`fetched` means its response is in a WARC file (the pointer is stored with it), so a run
killed before the page was ingested finishes it from the archive without downloading again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from dateline.errors import NotFound
from dateline.store.db import Store

STATES = ("pending", "fetched", "done", "failed")


@dataclass(frozen=True, slots=True)
class FeedSource:
    """A followed feed or sitemap, with what its last check found and its entries by state."""

    id: int
    url: str
    kind: str = "auto"  # auto (found on the first fetch), feed or sitemap
    title: str | None = None
    added_at: str | None = None
    last_checked: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    counts: tuple[tuple[str, int], ...] = ()  # (state, entries) pairs


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """A page a source listed, with the feed's own fields and where its fetch got to."""

    url: str
    source_id: int | None = None
    guid: str | None = None
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD from the feed or news sitemap
    author: str | None = None
    outlet: str | None = None
    state: str = "pending"
    attempts: int = 0
    final_url: str | None = None
    status: int | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_record_id: str | None = None
    fetched_at: str | None = None
    article_id: str | None = None
    error_code: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional GET sends back, and where the last full response is archived."""

    etag: str | None = None
    last_modified: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None


_ENTRY_COLUMNS = tuple(f.name for f in fields(FeedEntry))
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


# -- sources -------------------------------------------------------------------------------------


def add_source(
    store: Store, url: str, *, kind: str = "auto", title: str | None = None
) -> tuple[FeedSource, bool]:
    """Follow a URL; returns the source and whether it is new (following twice is harmless)."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO feed_sources(url, kind, title) VALUES (?, ?, ?)"
            " ON CONFLICT(url) DO NOTHING",
            (url, kind, title),
        )
        created = cursor.rowcount == 1
    return get_source(store, url), created


def get_source(store: Store, ref: str | int) -> FeedSource:
    """A followed source by URL or number (raises NotFound naming `dateline follow list`)."""
    key = str(ref)
    row = store.conn.execute(
        "SELECT * FROM feed_sources WHERE url = ? OR CAST(id AS TEXT) = ?", (key, key)
    ).fetchone()
    if row is None:
        raise NotFound(f"no followed source {key!r}; list them with: dateline follow list")
    return _source(store, row)


def list_sources(store: Store) -> list[FeedSource]:
    """Every followed source, oldest first, with its entries counted by state."""
    rows = store.conn.execute("SELECT * FROM feed_sources ORDER BY id").fetchall()
    return [_source(store, r) for r in rows]


def _source(store: Store, row: Any) -> FeedSource:
    counts = store.conn.execute(
        "SELECT state, count(*) FROM fetch_entries WHERE source_id = ? GROUP BY state",
        (row["id"],),
    ).fetchall()
    by_state = {r[0]: int(r[1]) for r in counts}
    return FeedSource(
        id=int(row["id"]),
        url=row["url"],
        kind=row["kind"],
        title=row["title"],
        added_at=row["added_at"],
        last_checked=row["last_checked"],
        last_status=row["last_status"],
        last_error=row["last_error"],
        counts=tuple((s, by_state[s]) for s in STATES if s in by_state),
    )


def remove_source(store: Store, ref: str | int) -> FeedSource:
    """Stop following a source; its pages not yet fetched are forgotten, stored articles stay."""
    source = get_source(store, ref)
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM fetch_entries WHERE source_id = ? AND state = 'pending'", (source.id,)
        )
        conn.execute("DELETE FROM feed_sources WHERE id = ?", (source.id,))
    return source


def record_check(
    store: Store,
    source_id: int,
    *,
    status: int | None,
    error: str | None = None,
    kind: str | None = None,
    title: str | None = None,
) -> None:
    """Remember what checking a source found (and its kind and title once known)."""
    with store.transaction() as conn:
        conn.execute(
            f"UPDATE feed_sources SET last_checked = {_NOW}, last_status = ?, last_error = ?,"
            " kind = coalesce(?, kind), title = coalesce(title, ?) WHERE id = ?",
            (status, error, kind, title, source_id),
        )


# -- validators ----------------------------------------------------------------------------------


def get_validators(store: Store, url: str) -> Validators | None:
    """The ETag / Last-Modified seen for a URL (and its archived response), if any."""
    row = store.conn.execute(
        "SELECT etag, last_modified, warc_file, warc_offset FROM fetch_validators WHERE url = ?",
        (url,),
    ).fetchone()
    if row is None:
        return None
    return Validators(row[0], row[1], row[2], row[3])


def save_validators(store: Store, url: str, validators: Validators) -> None:
    """Remember a URL's validators after a full response (replacing older ones)."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO fetch_validators(url, etag, last_modified, warc_file, warc_offset)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
            " last_modified = excluded.last_modified, warc_file = excluded.warc_file,"
            f" warc_offset = excluded.warc_offset, checked_at = {_NOW}",
            (
                url,
                validators.etag,
                validators.last_modified,
                validators.warc_file,
                validators.warc_offset,
            ),
        )


# -- entries -------------------------------------------------------------------------------------


def queue_entries(store: Store, entries: Iterable[FeedEntry]) -> int:
    """Add pages not seen before (by URL, or by the feed's guid); return how many were new."""
    added = 0
    with store.transaction() as conn:
        for entry in entries:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO fetch_entries"
                "(url, source_id, guid, title, published, author, outlet)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.url,
                    entry.source_id,
                    entry.guid,
                    entry.title,
                    entry.published,
                    entry.author,
                    entry.outlet,
                ),
            )
            added += cursor.rowcount
    return added


def known_entries(store: Store, urls: Sequence[str]) -> set[str]:
    """Which of these entry URLs are already known (in any state)."""
    found: set[str] = set()
    for i in range(0, len(urls), 400):
        chunk = list(urls[i : i + 400])
        marks = ",".join("?" * len(chunk))
        rows = store.conn.execute(f"SELECT url FROM fetch_entries WHERE url IN ({marks})", chunk)
        found.update(r[0] for r in rows)
    return found


def entries(store: Store, state: str | None = None, *, limit: int | None = None) -> list[FeedEntry]:
    """Entries in one state (or all), first seen first."""
    query = f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM fetch_entries"
    args: list[Any] = []
    if state is not None:
        query += " WHERE state = ?"
        args.append(state)
    query += " ORDER BY first_seen, url"
    if limit is not None:
        query += " LIMIT ?"
        args.append(limit)
    return [FeedEntry(**dict(r)) for r in store.conn.execute(query, args)]


def get_entry(store: Store, url: str) -> FeedEntry:
    """One entry by URL."""
    row = store.conn.execute(
        f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM fetch_entries WHERE url = ?", (url,)
    ).fetchone()
    if row is None:
        raise NotFound(f"no fetched page {url!r}")
    return FeedEntry(**dict(row))


def entry_for_article(store: Store, article_id: str) -> FeedEntry | None:
    """The fetched page an article came from, if it came from the web."""
    row = store.conn.execute(
        f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM fetch_entries WHERE article_id = ?"
        " ORDER BY fetched_at LIMIT 1",
        (article_id,),
    ).fetchone()
    return FeedEntry(**dict(row)) if row is not None else None


def mark_fetched(
    store: Store,
    url: str,
    *,
    final_url: str,
    status: int,
    warc_file: str,
    warc_offset: int,
    warc_record_id: str,
    fetched_at: str,
) -> None:
    """Record that a page's response is archived (and where); it is ingested next."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE fetch_entries SET state = 'fetched', attempts = attempts + 1, final_url = ?,"
            " status = ?, warc_file = ?, warc_offset = ?, warc_record_id = ?, fetched_at = ?,"
            f" error_code = NULL, error = NULL, updated_at = {_NOW} WHERE url = ?",
            (final_url, status, warc_file, warc_offset, warc_record_id, fetched_at, url),
        )


def mark_failed(
    store: Store,
    url: str,
    *,
    code: str,
    error: str,
    status: int | None = None,
    final: bool,
    counts: bool = True,
) -> None:
    """Record a failed attempt: `final` gives up on the page, otherwise it stays pending.

    `counts` False leaves the attempt count alone (the page was not tried: its host asked us
    to wait).
    """
    with store.transaction() as conn:
        conn.execute(
            "UPDATE fetch_entries SET state = ?, attempts = attempts + ?, status = ?,"
            f" error_code = ?, error = ?, updated_at = {_NOW} WHERE url = ?",
            ("failed" if final else "pending", 1 if counts else 0, status, code, error, url),
        )


def mark_done(
    store: Store,
    url: str,
    *,
    article_id: str | None,
    code: str | None = None,
    error: str | None = None,
) -> None:
    """Record that a fetched page was ingested: into an article, or refused with an error."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE fetch_entries SET state = 'done', article_id = ?, error_code = ?, error = ?,"
            f" updated_at = {_NOW} WHERE url = ?",
            (article_id, code, error, url),
        )


def requeue(store: Store, url: str, reason: str) -> None:
    """Send a fetched page back to pending (its archived response could not be read)."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE fetch_entries SET state = 'pending', warc_file = NULL, warc_offset = NULL,"
            f" warc_record_id = NULL, error = ?, updated_at = {_NOW} WHERE url = ?",
            (reason, url),
        )


# -- hosts ---------------------------------------------------------------------------------------


def blocked_hosts(store: Store, now: str) -> dict[str, str]:
    """Hosts that asked us to wait past `now` (ISO 8601 UTC), with until when."""
    rows = store.conn.execute(
        "SELECT host, blocked_until FROM fetch_hosts WHERE blocked_until > ?", (now,)
    )
    return {r[0]: r[1] for r in rows}


def block_host(store: Store, host: str, until: str, reason: str) -> None:
    """Remember that a host asked us not to come back before `until` (ISO 8601 UTC)."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO fetch_hosts(host, blocked_until, reason) VALUES (?, ?, ?)"
            " ON CONFLICT(host) DO UPDATE SET blocked_until = excluded.blocked_until,"
            " reason = excluded.reason",
            (host, until, reason),
        )


# -- what ingest made of fetched pages ------------------------------------------------------------


def ingest_outcomes(
    store: Store, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str | None, str | None, str | None]]:
    """For (raw hash, source path) inputs: (article id, error code, error message) each."""
    found: dict[tuple[str, str], tuple[str | None, str | None, str | None]] = {}
    for raw_hash, source_path in keys:
        row = store.conn.execute(
            "SELECT article_id FROM article_sources WHERE raw_hash = ? AND source_path = ?",
            (raw_hash, source_path),
        ).fetchone()
        if row is not None:
            found[(raw_hash, source_path)] = (row[0], None, None)
            continue
        error = store.conn.execute(
            "SELECT code, message FROM ingest_errors WHERE source_path = ?", (source_path,)
        ).fetchone()
        if error is not None:
            found[(raw_hash, source_path)] = (None, error[0], error[1])
    return found
