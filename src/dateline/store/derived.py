"""Rows derived from each stored article, written in the same transaction as the article.

Readers page through claims and search hits with SQL instead of deserialising articles, so
both live in their own tables, kept in step with the article JSON by `write_derived` (called by
`Store._write_article`):

- `claims`: one row per claim with its spans, texts, the speaker's entity (the first linked
  mention overlapping the speaker span) and the article's publication date for ordering;
- `search_index` (FTS5): the article's title and text, and each claim's content, under rowids
  `article rowid * 4096 + k` (k = 0 for the article, 1 + i for claim i), so an article's rows
  are replaced by one rowid range delete instead of a scan of the index.

Migration `1900_web_read_tables` fills both from articles stored before it, with the same rules
in SQL (a test checks that the two agree).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from dateline.model import Article, to_dict

_COMPACT = (",", ":")
ROWS_PER_ARTICLE = 4096  # search rowids per article: the article itself and up to 4095 claims


def speaker_entity(article: Article, start: int, end: int) -> str | None:
    """The entity of the first linked mention overlapping [start, end), or None."""
    for mention in sorted(article.mentions, key=lambda m: (m.start, m.end)):
        if mention.entity_id and mention.start < end and start < mention.end:
            return mention.entity_id
    return None


def claim_rows(article: Article) -> list[tuple[Any, ...]]:
    """The `claims` rows of one article, in claim order."""
    text = article.text
    rows = []
    for i, claim in enumerate(article.claims):
        sp = claim.speaker
        rows.append(
            (
                article.id,
                i,
                article.published.value,
                text[sp.start : sp.end] if sp else None,
                sp.start if sp else None,
                sp.end if sp else None,
                speaker_entity(article, sp.start, sp.end) if sp else None,
                text[claim.cue.start : claim.cue.end] if claim.cue else None,
                text[claim.content.start : claim.content.end],
                claim.content.start,
                claim.content.end,
                claim.evidence.start,
                claim.evidence.end,
                int(claim.direct),
                json.dumps(to_dict(claim), ensure_ascii=False, sort_keys=True, separators=_COMPACT),
            )
        )
    return rows


def write_derived(
    conn: sqlite3.Connection, article: Article, *, claims: bool = True, search: bool = True
) -> None:
    """Replace the article's claim rows and/or search rows (inside the caller's transaction)."""
    if claims:
        conn.execute("DELETE FROM claims WHERE article_id = ?", (article.id,))
        conn.executemany(
            "INSERT INTO claims(article_id, idx, published, speaker, speaker_start, speaker_end,"
            " speaker_entity_id, cue, content, content_start, content_end, evidence_start,"
            " evidence_end, direct, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            claim_rows(article),
        )
    if not search:
        return
    row = conn.execute("SELECT rowid, outlet FROM articles WHERE id = ?", (article.id,)).fetchone()
    if row is None:
        return
    base = int(row[0]) * ROWS_PER_ARTICLE
    conn.execute(
        "DELETE FROM search_index WHERE rowid BETWEEN ? AND ?", (base, base + ROWS_PER_ARTICLE - 1)
    )
    published, title, outlet = article.published.value, article.title or "", row[1]
    values = [(base, "article", article.id, "", outlet, published, title, article.text)]
    for i, claim in enumerate(article.claims[: ROWS_PER_ARTICLE - 1]):
        content = article.text[claim.content.start : claim.content.end]
        values.append(
            (base + 1 + i, "claim", article.id, str(i), outlet, published, title, content)
        )
    conn.executemany(
        "INSERT INTO search_index(rowid, kind, article_id, ref, outlet, published, title, body)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        values,
    )


def derived_changes(before: Article, after: Article, fields: tuple[str, ...]) -> dict[str, bool]:
    """Which derived rows a patch of `fields` from `before` to `after` must rewrite."""
    moved = before.published != after.published
    claims = moved or "claims" in fields or "mentions" in fields
    search = moved or bool({"claims", "title", "text", "outlet"} & set(fields))
    return {"claims": claims, "search": search}
