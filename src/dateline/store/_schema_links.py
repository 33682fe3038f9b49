"""Schema of the link tables (kept apart so migrations import no store code)."""

GROUPS_SQL = """
CREATE TABLE article_links (
    a TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    b TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    score REAL NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (a, b, kind)
);
CREATE TABLE article_groups (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    score REAL NOT NULL,
    evidence TEXT NOT NULL
);
CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES article_groups(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, article_id)
);
CREATE INDEX group_members_article ON group_members(article_id);
"""

ENTITIES_SQL = """
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    data TEXT NOT NULL              -- the whole Entity as JSON (aliases, roles, country, sector)
);
CREATE INDEX entities_name ON entities(name);
"""

EVENTS_SQL = """
CREATE TABLE event_records (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    date TEXT,                      -- YYYY-MM-DD / YYYY-MM / YYYY or NULL when undated
    date_origin TEXT NOT NULL,
    data TEXT NOT NULL              -- the whole EventRecord as JSON
);
CREATE INDEX event_records_date ON event_records(date);
CREATE TABLE event_sources (
    event_id TEXT NOT NULL REFERENCES event_records(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, article_id)
);
CREATE INDEX event_sources_article ON event_sources(article_id);
CREATE TABLE event_participants (
    event_id TEXT NOT NULL REFERENCES event_records(id) ON DELETE CASCADE,
    entity_id TEXT NOT NULL,
    role TEXT NOT NULL,             -- actor, recipient, attendee or place
    PRIMARY KEY (event_id, entity_id, role)
);
CREATE INDEX event_participants_entity ON event_participants(entity_id);
"""
