"""Paged reads for listings and pages: one query per page section, no article deserialised.

Listings (articles, claims, entities, groups, ingest errors) take `limit`/`offset` and come
with a count; the helpers for a page of records (`entity_briefs`, `article_briefs`,
`evidence_texts`, `claims_of_articles`) take the ids of that page and answer in one query.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
from collections.abc import Iterable
from typing import Any

from dateline.errors import StoreError
from dateline.store.db import Store
from dateline.store.read_events import _names_match


class ReadStore(Store):
    """A store opened for reading only: no migration, no write (PRAGMA query_only).

    One per web request. Its connection may be closed by another thread than the one that
    opened it (FastAPI runs a dependency's exit in the thread pool), never used by two at once.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Open the existing database at `path` for reading."""
        self.path = str(path)
        target = "file:" + urllib.parse.quote(os.path.abspath(self.path)) + "?mode=rw"
        try:
            self.conn = sqlite3.connect(
                target, uri=True, timeout=30, isolation_level=None, check_same_thread=False
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA query_only=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open database: {exc}", path=self.path) from exc


def _json_ids(ids: Iterable[str]) -> str:
    return json.dumps(sorted(set(ids)))


# -- what a page of records names ---------------------------------------------------------------


def entity_briefs(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Short views of entities by id: id, name, kind, country, sector."""
    rows = store.conn.execute(
        "SELECT id, name, kind, json_extract(data, '$.country'), json_extract(data, '$.sector')"
        " FROM entities WHERE id IN (SELECT value FROM json_each(?))",
        (_json_ids(ids),),
    )
    return {
        r[0]: {"id": r[0], "name": r[1], "kind": r[2], "country": r[3], "sector": r[4]}
        for r in rows
    }


_ARTICLE_BRIEF = (
    "id, title, outlet, url, published, published_origin, published_granularity, twin_id,"
    " source_path"
)


def article_briefs(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Title, outlet, URL, source path, date (with origin), text head and credits by id."""
    rows = store.conn.execute(
        f"SELECT {_ARTICLE_BRIEF}, substr(text, 1, 81) AS head,"
        " json_extract(data, '$.original_sources') AS original_sources"
        " FROM articles WHERE id IN (SELECT value FROM json_each(?))",
        (_json_ids(ids),),
    )
    return {r["id"]: dict(r) for r in rows}


def evidence_texts(
    store: Store, spans: Iterable[tuple[str, int, int]]
) -> dict[tuple[str, int, int], str]:
    """The text of each (article id, start, end) span, sliced by SQLite."""
    wanted = sorted(set(spans))
    if not wanted:
        return {}
    rows = store.conn.execute(
        "SELECT json_extract(s.value, '$[0]'), json_extract(s.value, '$[1]'),"
        " json_extract(s.value, '$[2]'), substr(a.text, json_extract(s.value, '$[1]') + 1,"
        " json_extract(s.value, '$[2]') - json_extract(s.value, '$[1]'))"
        " FROM json_each(?) s JOIN articles a ON a.id = json_extract(s.value, '$[0]')",
        (json.dumps(wanted),),
    )
    return {(r[0], int(r[1]), int(r[2])): r[3] for r in rows}


def article_texts(store: Store, ids: Iterable[str]) -> dict[str, str]:
    """The clean text of articles by id (for pages that show whole texts side by side)."""
    rows = store.conn.execute(
        "SELECT id, text FROM articles WHERE id IN (SELECT value FROM json_each(?))",
        (_json_ids(ids),),
    )
    return {r[0]: r[1] for r in rows}


# -- claims -------------------------------------------------------------------------------------

_CLAIM = (
    "c.article_id, c.idx, c.published, c.speaker, c.speaker_start, c.speaker_end,"
    " c.speaker_entity_id, c.cue, c.content, c.content_start, c.content_end, c.evidence_start,"
    " c.evidence_end, c.direct, c.data, a.title AS article_title,"
    " json_extract(a.data, '$.notes') AS notes"
)
_CLAIM_ORDER = "coalesce(c.published, '~'), c.article_id, c.idx"


def _claim_filter(speaker: str | None) -> tuple[str, list[Any]]:
    if not speaker:
        return "", []
    return " WHERE c.speaker LIKE ? ESCAPE '\\'", ["%" + _escape(speaker) + "%"]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def count_claims(store: Store, *, speaker: str | None = None) -> int:
    """How many claims there are (whose speaker text contains `speaker`)."""
    where, args = _claim_filter(speaker)
    return int(store.conn.execute("SELECT count(*) FROM claims c" + where, args).fetchone()[0])


def claim_page(
    store: Store, *, speaker: str | None = None, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    """A page of claim rows in article date order (undated last)."""
    where, args = _claim_filter(speaker)
    rows = store.conn.execute(
        f"SELECT {_CLAIM} FROM (SELECT * FROM claims c{where} ORDER BY {_CLAIM_ORDER}"
        " LIMIT ? OFFSET ?) c JOIN articles a ON a.id = c.article_id"
        f" ORDER BY {_CLAIM_ORDER}",
        (*args, limit, offset),
    ).fetchall()
    return [dict(r) for r in rows]


def claims_of_articles(store: Store, ids: Iterable[str]) -> list[dict[str, Any]]:
    """Every claim row of the given articles, in date and article order."""
    rows = store.conn.execute(
        f"SELECT {_CLAIM} FROM claims c JOIN articles a ON a.id = c.article_id"
        f" WHERE c.article_id IN (SELECT value FROM json_each(?)) ORDER BY {_CLAIM_ORDER}",
        (_json_ids(ids),),
    ).fetchall()
    return [dict(r) for r in rows]


def claims_by_speaker(
    store: Store, entity_id: str, *, limit: int, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """A page of the claims an entity made (its mention is the speaker), and their count."""
    conn = store.conn
    total = conn.execute(
        "SELECT count(*) FROM claims WHERE speaker_entity_id = ?", (entity_id,)
    ).fetchone()[0]
    rows = conn.execute(
        f"SELECT {_CLAIM} FROM (SELECT * FROM claims c WHERE c.speaker_entity_id = ?"
        f" ORDER BY {_CLAIM_ORDER} LIMIT ? OFFSET ?) c JOIN articles a ON a.id = c.article_id"
        f" ORDER BY {_CLAIM_ORDER}",
        (entity_id, limit, offset),
    ).fetchall()
    return [dict(r) for r in rows], int(total)


# -- articles -----------------------------------------------------------------------------------

_SUMMARY = (
    f"{_ARTICLE_BRIEF}, byline, substr(text, 1, 81) AS head,"
    " json_extract(data, '$.notes') AS notes,"
    " json_extract(data, '$.language') AS language, json_extract(data, '$.archived') AS archived"
)


def article_page(store: Store, *, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """A page of article summary rows by publication date (undated last), then id."""
    rows = store.conn.execute(
        f"SELECT {_SUMMARY} FROM articles ORDER BY published IS NULL, published, id"
        " LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    return [dict(r) for r in rows]


def articles_mentioning(
    store: Store, entity_id: str, *, limit: int, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """A page of the articles mentioning an entity (date order, with mention counts), and count."""
    conn = store.conn
    total = conn.execute(
        "SELECT count(DISTINCT article_id) FROM mentions WHERE entity_id = ?", (entity_id,)
    ).fetchone()[0]
    rows = conn.execute(
        "SELECT a.id, a.title, a.published, a.published_origin, a.published_granularity,"
        " a.twin_id, m.n AS mentions FROM (SELECT article_id, count(*) AS n FROM mentions"
        " WHERE entity_id = ? GROUP BY article_id) m JOIN articles a ON a.id = m.article_id"
        " ORDER BY a.published IS NULL, a.published, a.id LIMIT ? OFFSET ?",
        (entity_id, limit, offset),
    ).fetchall()
    return [dict(r) for r in rows], int(total)


# -- entities -----------------------------------------------------------------------------------


def _entity_filter(name: str | None, kind: str | None) -> tuple[str, list[Any]]:
    clauses, args = [], []
    if name:
        sql, more = _names_match("id", name)
        clauses.append(sql)
        args += more
    if kind:
        clauses.append("kind = ?")
        args.append(kind.upper())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def matching_entity_ids(store: Store, name: str) -> list[str]:
    """Ids of the entities an id or a piece of a name or alias names."""
    sql, args = _names_match("id", name)
    return [r[0] for r in store.conn.execute(f"SELECT id FROM entities WHERE {sql}", args)]


def count_entities(store: Store, *, name: str | None = None, kind: str | None = None) -> int:
    """How many entities match a name piece and kind."""
    where, args = _entity_filter(name, kind)
    return int(store.conn.execute("SELECT count(*) FROM entities" + where, args).fetchone()[0])


def entity_page(
    store: Store, *, name: str | None = None, kind: str | None = None, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    """A page of entities (as stored JSON dicts) by kind and name, with mention/article counts."""
    where, args = _entity_filter(name, kind)
    rows = store.conn.execute(
        "SELECT e.data, (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id),"
        " (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = e.id)"
        f" FROM (SELECT id, data, kind, name FROM entities{where} ORDER BY kind, name, id"
        " LIMIT ? OFFSET ?) e ORDER BY e.kind, e.name, e.id",
        (*args, limit, offset),
    ).fetchall()
    return [json.loads(r[0]) | {"mentions": int(r[1]), "articles": int(r[2])} for r in rows]


def entity_record(store: Store, entity_id: str) -> dict[str, Any] | None:
    """One entity as its stored JSON dict with mention and article counts, or None."""
    row = store.conn.execute(
        "SELECT data, (SELECT count(*) FROM mentions WHERE entity_id = ?),"
        " (SELECT count(DISTINCT article_id) FROM mentions WHERE entity_id = ?)"
        " FROM entities WHERE id = ?",
        (entity_id, entity_id, entity_id),
    ).fetchone()
    if row is None:
        return None
    return dict(json.loads(row[0])) | {"mentions": int(row[1]), "articles": int(row[2])}


# -- groups, overview -----------------------------------------------------------------------------


def count_groups(store: Store, kind: str | None = None) -> int:
    """How many article groups there are (of one kind)."""
    sql = "SELECT count(*) FROM article_groups" + (" WHERE kind = ?" if kind else "")
    return int(store.conn.execute(sql, (kind,) if kind else ()).fetchone()[0])


def group_page(
    store: Store, kind: str | None = None, *, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    """A page of groups (every stored column, evidence decoded) with their members' briefs."""
    rows = store.conn.execute(
        "SELECT * FROM article_groups"
        + (" WHERE kind = ?" if kind else "")
        + " ORDER BY kind, id LIMIT ? OFFSET ?",
        (*((kind,) if kind else ()), limit, offset),
    )
    return _with_members(store, [dict(r) for r in rows])


def groups_of_article(store: Store, article_id: str) -> list[dict[str, Any]]:
    """The groups an article belongs to, as `group_page` renders them."""
    rows = store.conn.execute(
        "SELECT * FROM article_groups WHERE id IN"
        " (SELECT group_id FROM group_members WHERE article_id = ?) ORDER BY kind, id",
        (article_id,),
    )
    return _with_members(store, [dict(r) for r in rows])


def _with_members(store: Store, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    members: dict[str, list[dict[str, Any]]] = {g["id"]: [] for g in groups}
    rows = store.conn.execute(
        "SELECT g.group_id, a.id, a.title, a.published, a.published_origin, a.source_path,"
        " a.outlet, substr(a.text, 1, 81)"
        " FROM group_members g JOIN articles a ON a.id = g.article_id"
        " WHERE g.group_id IN (SELECT value FROM json_each(?)) ORDER BY g.group_id, a.id",
        (_json_ids(members),),
    )
    for r in rows:
        # An untitled article is named by its first words, never by its file path.
        head = " ".join(r[7][:80].split())
        label = r[2] or f"(untitled) {head}{'…' if len(r[7]) > 80 else ''}"
        members[r[0]].append(
            {"id": r[1], "title": r[2], "published": r[3], "published_origin": r[4]}
            | {"source_path": r[5], "outlet": r[6], "label": label}
        )
    for group in groups:
        group["evidence"] = json.loads(group.get("evidence") or "[]")
        details = json.loads(group.pop("details", None) or "{}")
        group["date_span"] = details.get("date_span")
        group["entities"] = details.get("entities", [])
        group["places"] = details.get("places", [])
        group["twins"] = [
            {"article": m, "twin": t, "probability": p} for m, t, p in details.get("twins", [])
        ]
        group["members"] = members[group["id"]]
    return groups


def links_of_article(store: Store, article_id: str) -> list[dict[str, Any]]:
    """The copy links of an article: the other article, kind, score and evidence."""
    rows = store.conn.execute(
        "SELECT a, b, kind, score, evidence FROM article_links WHERE a = ? OR b = ? ORDER BY a, b",
        (article_id, article_id),
    )
    return [
        {"other": r[1] if r[0] == article_id else r[0], "kind": r[2], "score": r[3]}
        | {"evidence": json.loads(r[4])}
        for r in rows
    ]


def entity_json(store: Store, ids: Iterable[str]) -> dict[str, str]:
    """The stored JSON of entities by id."""
    rows = store.conn.execute(
        "SELECT id, data FROM entities WHERE id IN (SELECT value FROM json_each(?))",
        (_json_ids(ids),),
    )
    return {r[0]: r[1] for r in rows}


def overview_counts(store: Store) -> dict[str, Any]:
    """Counts of what is stored, groups by kind, the publication date range, errors."""
    conn = store.conn
    row = conn.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM event_records),"
        " (SELECT count(*) FROM entities), (SELECT count(*) FROM claims),"
        " (SELECT min(published) FROM articles), (SELECT max(published) FROM articles),"
        " (SELECT count(*) FROM ingest_errors)"
    ).fetchone()
    groups = {r[0]: int(r[1]) for r in conn.execute(
        "SELECT kind, count(*) FROM article_groups GROUP BY kind"
    )}  # fmt: skip
    return {
        "counts": {
            "articles": int(row[0]),
            "events": int(row[1]),
            "entities": int(row[2]),
            "groups": sum(groups.values()),
            "claims": int(row[3]),
        },
        "groups_by_kind": groups,
        "published_range": {"from": row[4], "to": row[5]},
        "ingest_error_count": int(row[6]),
    }


def ingest_error_page(store: Store, *, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """A page of the inputs that failed to read, newest first."""
    rows = store.conn.execute(
        "SELECT source_path, code, message, at FROM ingest_errors ORDER BY at DESC, source_path"
        " LIMIT ? OFFSET ?",
        (limit, offset),
    )
    return [dict(r) for r in rows]
