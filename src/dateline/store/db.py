"""The SQLite store: WAL mode, migrations, idempotent upserts keyed by content hash."""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any

from dateline.errors import NotFound, StoreError
from dateline.model import Article, from_dict, to_dict
from dateline.store.derived import derived_changes, write_derived
from dateline.store.migrations import MIGRATIONS


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """How many articles a write added, changed, or found already stored unchanged."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


class Store:
    """A dateline database: one SQLite file (or ':memory:')."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        """Open and migrate the database at `path`; a missing file is created only if `create`."""
        self.path = str(path)
        target = self.path
        if self.path != ":memory:" and create:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        elif self.path != ":memory:":
            if not Path(self.path).is_file():
                raise StoreError(
                    "no dateline database here (nothing was created); store articles first "
                    "with: dateline ingest PATH, or name an existing database with --db",
                    path=self.path,
                )
            # mode=rw: never create the file, even if it vanished since the check above.
            target = "file:" + urllib.parse.quote(os.path.abspath(self.path)) + "?mode=rw"
        try:
            self.conn = sqlite3.connect(
                target, timeout=30, isolation_level=None, uri=target.startswith("file:")
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open database: {exc}", path=self.path) from exc

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def migrate(self) -> list[str]:
        """Apply every migration not yet applied; return the names applied now."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, "
            "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
        )
        done = {r[0] for r in self.conn.execute("SELECT name FROM schema_migrations")}
        applied = []
        for migration in MIGRATIONS:
            if migration.name in done:
                continue
            with self.transaction():
                for statement in _statements(migration.sql):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_migrations(name) VALUES (?)", (migration.name,)
                )
            applied.append(migration.name)
        return applied

    def transaction(self) -> _Transaction:
        """Return a context manager running its block in one IMMEDIATE transaction."""
        return _Transaction(self.conn)

    # -- articles ----------------------------------------------------------------------------

    def known_inputs(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Return which (raw hash, source path) input records are already stored."""
        found: set[tuple[str, str]] = set()
        for i in range(0, len(keys), 400):
            chunk = list(keys[i : i + 400])
            hashes = sorted({h for h, _ in chunk})
            marks = ",".join("?" * len(hashes))
            rows = self.conn.execute(
                f"SELECT raw_hash, source_path FROM article_sources WHERE raw_hash IN ({marks})",
                hashes,
            )
            found.update((r[0], r[1]) for r in rows)
        return found & set(keys)

    def upsert_articles(self, articles: Iterable[Article]) -> UpsertResult:
        """Store articles in one transaction; an article already stored unchanged is left alone."""
        inserted = updated = unchanged = 0
        with self.transaction():
            for incoming in articles:
                row = self.conn.execute(
                    "SELECT source_path, data FROM articles WHERE id = ?", (incoming.id,)
                ).fetchone()
                article = incoming
                if row is not None and row["source_path"] != incoming.source_path:
                    # The same content from another input: the article keeps the place it
                    # was first seen; the new place is recorded as one more source below.
                    first = json.loads(row["data"])
                    article = replace(
                        incoming,
                        source_path=row["source_path"],
                        raw_hash=first.get("raw_hash"),
                        url=first.get("url"),
                        outlet=first.get("outlet"),
                    )
                data = _article_json(article)
                if row is None:
                    inserted += 1
                elif row["data"] == data:
                    unchanged += 1
                else:
                    updated += 1
                if row is None or row["data"] != data:
                    self._write_article(article, data)
                article = incoming
                if article.raw_hash:
                    self.conn.execute(
                        "INSERT INTO article_sources"
                        "(raw_hash, article_id, source_path, url, outlet) VALUES (?, ?, ?, ?, ?)"
                        " ON CONFLICT(raw_hash, source_path) DO UPDATE SET"
                        " article_id = excluded.article_id",
                        (
                            article.raw_hash,
                            article.id,
                            article.source_path,
                            article.url,
                            article.outlet,
                        ),
                    )
                self.conn.execute(
                    "DELETE FROM ingest_errors WHERE source_path = ?", (article.source_path,)
                )
        return UpsertResult(inserted, updated, unchanged)

    def _write_article(
        self, article: Article, data: str, derived: dict[str, bool] | None = None
    ) -> None:
        """Write the article row, its mentions and (all, or those `derived` names) derived rows."""
        pub = article.published
        self.conn.execute(
            """INSERT INTO articles(id, title, byline, published, published_origin,
                   published_granularity, twin_id, source_path, url, outlet, text, data)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET title = excluded.title, byline = excluded.byline,
                   published = excluded.published, published_origin = excluded.published_origin,
                   published_granularity = excluded.published_granularity,
                   twin_id = excluded.twin_id, url = excluded.url, outlet = excluded.outlet,
                   data = excluded.data,
                   updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')""",
            (
                article.id,
                article.title,
                article.byline,
                pub.value,
                pub.origin,
                pub.granularity,
                pub.twin_id,
                article.source_path,
                article.url,
                article.outlet,
                article.text,
                data,
            ),
        )
        self.conn.execute("DELETE FROM mentions WHERE article_id = ?", (article.id,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO mentions(article_id, start, end, label, text, entity_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (article.id, m.start, m.end, m.label, article.text[m.start : m.end], m.entity_id)
                for m in article.mentions
            ],
        )
        write_derived(self.conn, article, **(derived or {}))

    def get_article(self, article_id: str) -> Article:
        """Return one stored article by id (a unique id prefix is accepted)."""
        row = self.find_by_id("articles", "text, data", article_id, "article", "dateline articles")
        return _article_from_row(row)

    def find_by_id(
        self, table: str, columns: str, item_id: str, what: str, listing: str
    ) -> sqlite3.Row:
        """The row of `table` with this id, or the one row whose id starts with it.

        Raises NotFound naming `what` and the command that lists them (`listing`).
        """
        query = f"SELECT {columns} FROM {table} WHERE id "  # table and columns are ours
        row = self.conn.execute(query + "= ?", (item_id,)).fetchone()
        if row is not None:
            return row
        prefix = item_id.replace("%", "").replace("_", "")
        rows = self.conn.execute(query + "LIKE ? LIMIT 2", (prefix + "%",)).fetchall()
        if len(rows) != 1 or not prefix:
            many = "more than one " if len(rows) > 1 and prefix else "no "
            raise NotFound(f"{many}{what} with id {item_id!r}; list them with: {listing}")
        return rows[0]

    def iter_articles(
        self, *, order: str = "published", without: tuple[str, ...] = ()
    ) -> Iterator[Article]:
        """Yield every stored article, by publication date (undated last) then id.

        `without` names layers left out (e.g. "tokens", "sentences") to save memory when a
        whole corpus is held at once; such articles must be written back with
        `patch_articles`, never `upsert_articles`, or the layers left out would be lost.
        """
        key = {"published": "published IS NULL, published, id", "id": "id"}.get(order, "id")
        cursor = self.conn.execute(f"SELECT text, data FROM articles ORDER BY {key}")
        for row in cursor:
            yield _article_from_row(row, without)

    def patch_articles(self, articles: Iterable[Article], fields: tuple[str, ...]) -> int:
        """Write only `fields` of each article over its stored record; return how many changed."""
        changed = 0
        with self.transaction():
            for incoming in articles:
                row = self.conn.execute(
                    "SELECT text, data FROM articles WHERE id = ?", (incoming.id,)
                ).fetchone()
                if row is None:
                    raise NotFound(f"no article with id {incoming.id!r} to update")
                stored = _article_from_row(row)
                patched = replace(stored, **{f: getattr(incoming, f) for f in fields})
                data = _article_json(patched)
                if data != row["data"]:
                    self._write_article(patched, data, derived_changes(stored, patched, fields))
                    changed += 1
        return changed

    def count_articles(self) -> int:
        """Return how many articles are stored."""
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def article_sources(self, article_id: str) -> list[dict[str, Any]]:
        """Return every input record an article was read from."""
        rows = self.conn.execute(
            "SELECT source_path, url, outlet, seen_at FROM article_sources WHERE article_id = ?"
            " ORDER BY seen_at, source_path",
            (article_id,),
        )
        return [dict(r) for r in rows]

    # -- store state -------------------------------------------------------------------------

    def link_due(self) -> str | None:
        """Why the corpus links lag behind the articles (None: they do not).

        "stored": articles changed and no link was asked for; otherwise the JSON settings of a
        link run that started and did not finish.
        """
        row = self.conn.execute("SELECT value FROM store_meta WHERE key = 'link_due'").fetchone()
        return None if row is None else str(row[0])

    def set_link_due(self, value: str) -> None:
        """Record that links lag ("stored") or that a link run starts (its settings as JSON).

        A started run is never downgraded to "stored".
        """
        with self.transaction():
            current = self.link_due()
            if value == "stored" and current not in (None, "stored"):
                return
            self.conn.execute(
                "INSERT INTO store_meta(key, value) VALUES ('link_due', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (value,),
            )

    def clear_link_due(self) -> None:
        """Record that the links match the stored articles (the end of a link run)."""
        self.conn.execute("DELETE FROM store_meta WHERE key = 'link_due'")

    def integrity_problems(self) -> list[str]:
        """What is wrong with the database ([] when it is sound).

        SQLite's integrity and foreign-key checks, plus ids one table names and another lacks
        (event -> entity, event or group -> article, mention -> entity).
        """
        problems = [
            str(r[0])
            for r in self.conn.execute("PRAGMA integrity_check")
            if str(r[0]).lower() != "ok"
        ]
        problems += [
            f"foreign key: {r[0]} row {r[1]} -> {r[2]}"
            for r in self.conn.execute("PRAGMA foreign_key_check")
        ]
        dangling = {
            "event participant -> entity": "SELECT DISTINCT entity_id FROM event_participants"
            " WHERE entity_id NOT IN (SELECT id FROM entities)",
            "event source -> article": "SELECT DISTINCT article_id FROM event_sources"
            " WHERE article_id NOT IN (SELECT id FROM articles)",
            "event source -> event": "SELECT DISTINCT event_id FROM event_sources"
            " WHERE event_id NOT IN (SELECT id FROM event_records)",
            "group member -> article": "SELECT DISTINCT article_id FROM group_members"
            " WHERE article_id NOT IN (SELECT id FROM articles)",
            "mention -> entity": "SELECT DISTINCT entity_id FROM mentions WHERE entity_id"
            " IS NOT NULL AND entity_id NOT IN (SELECT id FROM entities)",
            "article source -> article": "SELECT DISTINCT article_id FROM article_sources"
            " WHERE article_id NOT IN (SELECT id FROM articles)",
        }
        for what, query in dangling.items():
            ids = [str(r[0]) for r in self.conn.execute(query + " LIMIT 5")]
            if ids:
                problems.append(f"{what}: unknown id(s) {', '.join(ids)}")
        return problems

    # -- errors ------------------------------------------------------------------------------

    def record_error(self, source_path: str, code: str, message: str) -> None:
        """Remember that an input could not be read (replacing an older error for it)."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO ingest_errors(source_path, code, message) VALUES (?, ?, ?)"
                " ON CONFLICT(source_path) DO UPDATE SET code = excluded.code,"
                " message = excluded.message, at = excluded.at",
                (source_path, code, message),
            )

    def ingest_errors(self) -> list[dict[str, Any]]:
        """Return the inputs that failed to read, newest first."""
        rows = self.conn.execute(
            "SELECT source_path, code, message, at FROM ingest_errors ORDER BY at DESC"
        )
        return [dict(r) for r in rows]


class _Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        self.outer = not self.conn.in_transaction
        if self.outer:
            self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.outer:
            return
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (sqlite3 executes one at a time)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def _article_json(article: Article) -> str:
    data = to_dict(article)
    del data["text"]
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _article_from_row(row: sqlite3.Row, without: tuple[str, ...] = ()) -> Article:
    data = json.loads(row["data"])
    data["text"] = row["text"]
    for layer in without:
        data.pop(layer, None)
    return from_dict(Article, data)


def open_store(path: str | os.PathLike[str], *, create: bool = True) -> Store:
    """Open the dateline database at `path` (migrated; created if missing only with `create`)."""
    return Store(path, create=create)
