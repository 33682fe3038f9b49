"""Named, ordered schema migrations. Append new ones; never edit one that has shipped."""

from __future__ import annotations

from dataclasses import dataclass

from dateline.store._schema_feeds import FEEDS_SQL, VECTORS_SQL
from dateline.store._schema_links import ENTITIES_SQL, EVENTS_SQL, GROUPS_SQL
from dateline.store._schema_web import WEB_READ_SQL


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: applied once, in list order, inside a transaction."""

    name: str
    sql: str


MIGRATIONS: list[Migration] = [
    Migration(
        "0001_articles",
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,            -- content hash of title + clean text
            title TEXT,
            byline TEXT,
            published TEXT,                 -- YYYY-MM-DD / YYYY-MM / YYYY or NULL
            published_origin TEXT NOT NULL,
            published_granularity TEXT NOT NULL,
            twin_id TEXT,
            source_path TEXT NOT NULL,      -- where it was first seen
            url TEXT,
            outlet TEXT,
            text TEXT NOT NULL,
            data TEXT NOT NULL,             -- the whole Article as JSON, minus text
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE INDEX articles_published ON articles(published);

        -- Every input record that produced an article: one article may come from several
        -- files (exact copies); (raw hash, path) makes re-runs skip work already stored.
        CREATE TABLE article_sources (
            raw_hash TEXT NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            source_path TEXT NOT NULL,
            url TEXT,
            outlet TEXT,
            seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (raw_hash, source_path)
        );
        CREATE INDEX article_sources_article ON article_sources(article_id);

        -- Entity mentions, denormalised from the JSON for corpus-wide queries.
        CREATE TABLE mentions (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label TEXT NOT NULL,
            text TEXT NOT NULL,
            entity_id TEXT,
            PRIMARY KEY (article_id, start, end, label)
        );
        CREATE INDEX mentions_text ON mentions(text);
        CREATE INDEX mentions_entity ON mentions(entity_id);

        -- Inputs that could not be read, kept for the overview page and reruns.
        CREATE TABLE ingest_errors (
            source_path TEXT PRIMARY KEY,
            code TEXT NOT NULL,
            message TEXT NOT NULL,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        """,
    ),
    Migration("0100_groups", GROUPS_SQL),
    Migration("0200_entities", ENTITIES_SQL),
    Migration("0300_events", EVENTS_SQL),
    Migration(
        "0400_search",
        """
        -- Full-text index over article title + text and claim text (dateline.store.search).
        CREATE VIRTUAL TABLE search_index USING fts5(
            kind UNINDEXED,                 -- 'article' or 'claim'
            article_id UNINDEXED,
            ref UNINDEXED,                  -- claim number within the article, '' for articles
            title,
            body,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        -- What the index was built from (article count and latest update), to spot staleness.
        CREATE TABLE search_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    ),
    Migration(
        "0410_entity_overrides",
        """
        -- Operator decisions on entities (merge two, split aliases off one), replayed in order
        -- after every re-link so they survive a recomputation of identities.
        CREATE TABLE entity_overrides (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            op TEXT NOT NULL CHECK (op IN ('merge', 'split')),
            entity_id TEXT NOT NULL,        -- merge: the entity kept; split: the one split
            other_id TEXT NOT NULL,         -- merge: the entity folded in; split: the new one
            aliases TEXT NOT NULL DEFAULT '[]',  -- split: JSON list of surface forms moved
            name TEXT,                      -- split: the new entity's name
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        """,
    ),
    Migration(
        "0500_entity_geo",
        """
        -- Places' GeoNames entries (dateline.link.geocode), queryable for maps; the full
        -- Entity (with the ASCII name and feature kind) stays in `data`.
        ALTER TABLE entities ADD COLUMN geonameid INTEGER;
        ALTER TABLE entities ADD COLUMN latitude REAL;
        ALTER TABLE entities ADD COLUMN longitude REAL;
        CREATE INDEX entities_geonameid ON entities(geonameid);
        """,
    ),
    Migration("0900_feeds", FEEDS_SQL),
    Migration("0910_article_vectors", VECTORS_SQL),
    Migration(
        "0920_store_meta",
        """
        -- Facts about the store itself (key -> value). 'link_due' says the corpus-level
        -- links are behind the articles: 'stored' (articles changed, no link asked for) or a
        -- JSON object (a link run was started with these settings and has not finished).
        CREATE TABLE store_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    ),
    Migration("1900_web_read_tables", WEB_READ_SQL),
    Migration(
        "1910_provenance",
        """
        -- Each input an article was read from keeps its own date, crawl time and canonical
        -- URL (several sources of one text: dateline.store.db.Store.upsert_articles).
        ALTER TABLE article_sources ADD COLUMN published TEXT;
        ALTER TABLE article_sources ADD COLUMN published_origin TEXT;
        ALTER TABLE article_sources ADD COLUMN published_granularity TEXT;
        ALTER TABLE article_sources ADD COLUMN crawled TEXT;
        ALTER TABLE article_sources ADD COLUMN canonical_url TEXT;

        -- Event ids that no longer name a record (its first source left, or two records
        -- became one): where each now points, so a cited id still answers.
        CREATE TABLE event_redirects (
            old_id TEXT PRIMARY KEY,
            new_id TEXT,                    -- NULL: its events no longer form a record
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );

        -- Whether each operator decision still applied at the last re-link, and why not.
        ALTER TABLE entity_overrides ADD COLUMN status TEXT NOT NULL DEFAULT 'applied';
        ALTER TABLE entity_overrides ADD COLUMN reason TEXT;
        ALTER TABLE entity_overrides ADD COLUMN checked_at TEXT;
        """,
    ),
    Migration(
        "1920_group_details",
        # Same-event groups: date span, shared names and twins (JSON), beside the evidence.
        "ALTER TABLE article_groups ADD COLUMN details TEXT NOT NULL DEFAULT '{}';",
    ),
]
