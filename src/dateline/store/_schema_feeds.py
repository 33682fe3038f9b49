"""Schema of the fetch tables (sources, entries, validators, hosts) and the vector cache."""

FEEDS_SQL = """
-- What the user follows: RSS/Atom/RDF feeds and XML sitemaps (kind found on the first fetch).
CREATE TABLE feed_sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'auto' CHECK (kind IN ('auto', 'feed', 'sitemap')),
    title TEXT,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_checked TEXT,
    last_status INTEGER,
    last_error TEXT
);

-- Conditional-GET validators of every feed, sitemap and robots.txt URL fetched, with the WARC
-- record of the last full response (a 304 for robots.txt is answered from it).
CREATE TABLE fetch_validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    warc_file TEXT,
    warc_offset INTEGER,
    checked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Every page a source listed, keyed by its normalised URL, so no page is fetched twice.
-- pending -> fetched (its response is in a WARC file) -> done (an article, or a DL error)
-- and failed (given up on: robots.txt, 404, too large, retries spent).
CREATE TABLE fetch_entries (
    url TEXT PRIMARY KEY,
    source_id INTEGER REFERENCES feed_sources(id) ON DELETE SET NULL,
    guid TEXT,
    title TEXT,
    published TEXT,
    author TEXT,
    outlet TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'fetched', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    final_url TEXT,
    status INTEGER,
    warc_file TEXT,
    warc_offset INTEGER,
    warc_record_id TEXT,
    fetched_at TEXT,
    article_id TEXT,
    error_code TEXT,
    error TEXT,
    first_seen TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX fetch_entries_state ON fetch_entries(state, first_seen);
CREATE UNIQUE INDEX fetch_entries_guid ON fetch_entries(source_id, guid) WHERE guid IS NOT NULL;

-- Hosts that asked us to wait (429/503 with a Retry-After longer than a run waits).
CREATE TABLE fetch_hosts (
    host TEXT PRIMARY KEY,
    blocked_until TEXT NOT NULL,
    reason TEXT
);
"""

VECTORS_SQL = """
-- Sentence-embedding vectors of articles, per model: computed once, reused by every link run.
CREATE TABLE article_vectors (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,        -- of the text embedded: a changed article is embedded again
    vector BLOB NOT NULL,           -- float32, little-endian
    PRIMARY KEY (article_id, model)
);
"""
