"""Full-text search (SQLite FTS5) over article titles and text and over claim text.

The index is derived data: `rebuild_search_index` refills it from the articles table in one
transaction, and `ensure_search_index` does so only when the articles changed since the last
build (their count or latest `updated_at` differs from what the index was built from).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dateline.model import Article
from dateline.store.db import Store

# Snippet markers: control characters that never occur in clean article text.
MARK_START = "\x02"
MARK_END = "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match: an article (title/text) or one of its claims, with a marked snippet."""

    kind: str  # "article" or "claim"
    article_id: str
    ref: str  # claim number within the article, "" for an article hit
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str  # plain text
    highlights: tuple[tuple[int, int], ...]  # (start, end) of matched terms in `snippet`
    rank: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of hits, the total number of hits and facet counts over all of them."""

    query: str
    total: int
    hits: tuple[SearchHit, ...]
    by_outlet: dict[str, int] = field(default_factory=dict)
    by_year: dict[str, int] = field(default_factory=dict)


def _state(store: Store) -> str:
    row = store.conn.execute("SELECT count(*), max(updated_at) FROM articles").fetchone()
    return f"{row[0]}|{row[1] or ''}"


def _rows(article: Article) -> list[tuple[str, str, str, str, str]]:
    rows = [("article", article.id, "", article.title or "", article.text)]
    for i, claim in enumerate(article.claims):
        content = article.text[claim.content.start : claim.content.end]
        rows.append(("claim", article.id, str(i), article.title or "", content))
    return rows


def rebuild_search_index(store: Store) -> int:
    """Refill the search index from every stored article and claim; return the row count."""
    state = _state(store)
    rows = [row for article in store.iter_articles(order="id") for row in _rows(article)]
    with store.transaction() as conn:
        conn.execute("DELETE FROM search_index")
        conn.executemany(
            "INSERT INTO search_index(kind, article_id, ref, title, body) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute(
            "INSERT INTO search_state(key, value) VALUES ('articles', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (state,),
        )
    return len(rows)


def search_index_stale(store: Store) -> bool:
    """Tell whether the articles changed since the search index was last built."""
    row = store.conn.execute("SELECT value FROM search_state WHERE key = 'articles'").fetchone()
    return row is None or row[0] != _state(store)


def ensure_search_index(store: Store) -> bool:
    """Rebuild the search index if it is empty or stale; return whether it was rebuilt."""
    if not search_index_stale(store):
        return False
    rebuild_search_index(store)
    return True


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 query: every word must match (quoted, no operators)."""
    words = _WORD.findall(text)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _unmark(snippet: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    out: list[str] = []
    marks: list[tuple[int, int]] = []
    pos = 0
    start = -1
    for ch in snippet:
        if ch == MARK_START:
            start = pos
        elif ch == MARK_END:
            if start >= 0:
                marks.append((start, pos))
            start = -1
        else:
            out.append(ch)
            pos += 1
    return "".join(out), tuple(marks)


def search(store: Store, text: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
    """Search article titles, text and claims; best matches first, with facets over all hits."""
    ensure_search_index(store)
    query = fts_query(text)
    if not query:
        return SearchResult(text, 0, ())
    base = (
        " FROM search_index JOIN articles a ON a.id = search_index.article_id"
        " WHERE search_index MATCH ?"
    )
    total = int(store.conn.execute("SELECT count(*)" + base, (query,)).fetchone()[0])
    rows = store.conn.execute(
        "SELECT search_index.kind, search_index.article_id, search_index.ref, a.title,"
        " a.outlet, a.published, bm25(search_index, 0.0, 0.0, 0.0, 5.0, 1.0) AS score,"
        f" snippet(search_index, 4, '{MARK_START}', '{MARK_END}', '…', 24) AS snip"
        + base
        + " ORDER BY score, search_index.article_id, search_index.ref LIMIT ? OFFSET ?",
        (query, limit, offset),
    ).fetchall()
    hits = []
    for row in rows:
        snippet, marks = _unmark(row["snip"] or "")
        hits.append(
            SearchHit(
                kind=row["kind"],
                article_id=row["article_id"],
                ref=row["ref"],
                title=row["title"],
                outlet=row["outlet"],
                published=row["published"],
                snippet=snippet,
                highlights=marks,
                rank=round(float(row["score"]), 4),
            )
        )
    facets: dict[str, dict[str, int]] = {"outlet": {}, "year": {}}
    facet_rows = store.conn.execute(
        "SELECT coalesce(a.outlet, '(unknown)') AS outlet,"
        " coalesce(substr(a.published, 1, 4), 'undated') AS year, count(DISTINCT a.id) AS n"
        + base
        + " GROUP BY 1, 2",
        (query,),
    ).fetchall()
    for row in facet_rows:
        facets["outlet"][row["outlet"]] = facets["outlet"].get(row["outlet"], 0) + row["n"]
        facets["year"][row["year"]] = facets["year"].get(row["year"], 0) + row["n"]
    return SearchResult(
        text,
        total,
        tuple(hits),
        dict(sorted(facets["outlet"].items(), key=lambda kv: (-kv[1], kv[0]))),
        dict(sorted(facets["year"].items())),
    )


def search_view(result: SearchResult) -> dict[str, Any]:
    """Render a search result as plain JSON-ready values."""
    return {
        "query": result.query,
        "total": result.total,
        "hits": [
            {
                "kind": h.kind,
                "article_id": h.article_id,
                "claim": int(h.ref) if h.ref else None,
                "title": h.title,
                "outlet": h.outlet,
                "published": h.published,
                "snippet": h.snippet,
                "highlights": [list(m) for m in h.highlights],
                "rank": h.rank,
            }
            for h in result.hits
        ],
        "facets": {"outlet": result.by_outlet, "year": result.by_year},
    }
