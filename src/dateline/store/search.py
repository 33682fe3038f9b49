"""Full-text search (SQLite FTS5) over article titles and text and over claim text.

The index is written with each article (`dateline.store.derived`), in the transaction that
stores it, so a search never builds anything; `rebuild_search_index` refills it for repair.
Outlet and publication date sit in the index as unindexed columns: facets and facet filters
read them without a join.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dateline.store.db import Store
from dateline.store.derived import write_derived

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
    outlet: str | None = None  # the facet values the hits were narrowed to
    year: str | None = None


def rebuild_search_index(store: Store) -> int:
    """Refill the search index from every stored article and claim; return the row count.

    The index is kept up to date as articles are written; this is for repair only.
    """
    with store.transaction() as conn:
        conn.execute("DELETE FROM search_index")
        for article in store.iter_articles(order="id", without=("tokens", "sentences")):
            write_derived(conn, article, claims=False)
    return int(store.conn.execute("SELECT count(*) FROM search_index").fetchone()[0])


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


def search(
    store: Store,
    text: str,
    *,
    limit: int = 20,
    offset: int = 0,
    outlet: str | None = None,
    year: str | None = None,
) -> SearchResult:
    """Search article titles, text and claims; best matches first, with facets over all hits.

    `outlet` and `year` ("undated" for articles without a date) narrow the hits to one facet
    value; the facets are counted over the hits of the words alone, so every value stays
    clickable.
    """
    query = fts_query(text)
    if not query:
        return SearchResult(text, 0, ())
    where, args = " WHERE search_index MATCH ?", [query]
    facet_base = " FROM search_index" + where
    if outlet:
        where += " AND coalesce(outlet, '(unknown)') = ?"
        args.append(outlet)
    if year:
        where += " AND coalesce(substr(published, 1, 4), 'undated') = ?"
        args.append(year)
    conn = store.conn
    total = int(conn.execute("SELECT count(*) FROM search_index" + where, args).fetchone()[0])
    rows = conn.execute(
        "SELECT h.*, a.title AS title FROM (SELECT kind, article_id, ref, outlet, published,"
        " bm25(search_index, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 1.0) AS score,"
        f" snippet(search_index, 6, '{MARK_START}', '{MARK_END}', '…', 24) AS snip"
        " FROM search_index" + where + " ORDER BY score, article_id, ref LIMIT ? OFFSET ?) h"
        " JOIN articles a ON a.id = h.article_id ORDER BY h.score, h.article_id, h.ref",
        (*args, limit, offset),
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
    facet_rows = conn.execute(
        "SELECT coalesce(outlet, '(unknown)') AS outlet,"
        " coalesce(substr(published, 1, 4), 'undated') AS year, count(DISTINCT article_id) AS n"
        + facet_base
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
        outlet,
        year,
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
        "selected": {"outlet": result.outlet, "year": result.year},
    }
