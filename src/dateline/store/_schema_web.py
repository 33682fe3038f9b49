"""Schema of the tables readers page through (kept apart so migrations import no store code).

Migration `1900_web_read_tables`: claims and the search index as rows derived from each
article (`dateline.store.derived` writes them with the article), queryable columns on event
records (`dateline.store.events.DERIVE_EVENT_COLUMNS` fills them on every link), entity names
for substring search (kept by triggers, whoever writes an entity), and the indexes the pages'
queries use. Stores written before it are filled here, with the same rules in SQL.
"""

WEB_READ_SQL = """
CREATE TABLE claims (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,               -- the claim's position in the article
    published TEXT,                     -- the article's date, for ordering
    speaker TEXT, speaker_start INTEGER, speaker_end INTEGER,
    speaker_entity_id TEXT,             -- the first linked mention overlapping the speaker
    cue TEXT,
    content TEXT NOT NULL, content_start INTEGER NOT NULL, content_end INTEGER NOT NULL,
    evidence_start INTEGER, evidence_end INTEGER,
    direct INTEGER NOT NULL,
    data TEXT NOT NULL,                 -- the Claim as JSON (quantities, stance)
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX claims_order ON claims(coalesce(published, '~'), article_id, idx);
CREATE INDEX claims_speaker_entity ON claims(speaker_entity_id, published);

DROP TABLE search_index;
DROP TABLE search_state;
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,                     -- 'article' or 'claim'
    article_id UNINDEXED,
    ref UNINDEXED,                      -- claim number within the article, '' for articles
    outlet UNINDEXED,
    published UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO claims(article_id, idx, published, speaker, speaker_start, speaker_end,
                   speaker_entity_id, cue, content, content_start, content_end,
                   evidence_start, evidence_end, direct, data)
SELECT a.id, CAST(c.key AS INTEGER), a.published,
       CASE WHEN json_extract(c.value, '$.speaker') IS NOT NULL THEN
            substr(a.text, json_extract(c.value, '$.speaker.start') + 1,
                   json_extract(c.value, '$.speaker.end')
                   - json_extract(c.value, '$.speaker.start'))
       END,
       json_extract(c.value, '$.speaker.start'), json_extract(c.value, '$.speaker.end'),
       (SELECT m.entity_id FROM mentions m
         WHERE m.article_id = a.id AND m.entity_id IS NOT NULL
           AND m.start < json_extract(c.value, '$.speaker.end')
           AND json_extract(c.value, '$.speaker.start') < m.end
         ORDER BY m.start, m.end LIMIT 1),
       CASE WHEN json_extract(c.value, '$.cue') IS NOT NULL THEN
            substr(a.text, json_extract(c.value, '$.cue.start') + 1,
                   json_extract(c.value, '$.cue.end') - json_extract(c.value, '$.cue.start'))
       END,
       substr(a.text, json_extract(c.value, '$.content.start') + 1,
              json_extract(c.value, '$.content.end') - json_extract(c.value, '$.content.start')),
       json_extract(c.value, '$.content.start'), json_extract(c.value, '$.content.end'),
       json_extract(c.value, '$.evidence.start'), json_extract(c.value, '$.evidence.end'),
       CASE WHEN json_extract(c.value, '$.direct') THEN 1 ELSE 0 END,
       c.value
  FROM articles a, json_each(a.data, '$.claims') c;
INSERT INTO search_index(rowid, kind, article_id, ref, outlet, published, title, body)
SELECT a.rowid * 4096, 'article', a.id, '', a.outlet, a.published,
       coalesce(a.title, ''), a.text
  FROM articles a;
INSERT INTO search_index(rowid, kind, article_id, ref, outlet, published, title, body)
SELECT a.rowid * 4096 + 1 + c.idx, 'claim', a.id, CAST(c.idx AS TEXT), a.outlet,
       a.published, coalesce(a.title, ''), c.content
  FROM claims c JOIN articles a ON a.id = c.article_id
 WHERE c.idx < 4095;

ALTER TABLE event_records ADD COLUMN mode TEXT;
ALTER TABLE event_records ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0;
ALTER TABLE event_records ADD COLUMN source_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event_records ADD COLUMN parties INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event_records ADD COLUMN place_id TEXT;
ALTER TABLE event_records ADD COLUMN date_start TEXT;
ALTER TABLE event_records ADD COLUMN date_end TEXT;
ALTER TABLE event_records ADD COLUMN snippet TEXT;
UPDATE event_records SET
  mode = json_extract(data, '$.mode'),
  confidence = coalesce(json_extract(data, '$.confidence'), 1.0),
  place_id = json_extract(data, '$.place'),
  source_count = (SELECT count(DISTINCT json_extract(s.value, '$.article_id'))
                    FROM json_each(data, '$.sources') s),
  parties = json_array_length(data, '$.actors') + json_array_length(data, '$.recipients')
            + json_array_length(data, '$.attendees'),
  date_start = CASE
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN substr(date, 1, 10)
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' THEN date || '-01'
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]' THEN
      date(substr(date, 1, 4) || '-01-04', 'weekday 0', '-6 days',
           '+' || ((CAST(substr(date, 7, 2) AS INTEGER) - 1) * 7) || ' days')
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-Q[1-4]' THEN
      printf('%s-%02d-01', substr(date, 1, 4), (CAST(substr(date, 7, 1) AS INTEGER) - 1) * 3 + 1)
    WHEN date GLOB '[0-9][0-9][0-9][0-9]' THEN date || '-01-01'
  END,
  snippet = (SELECT substr(a.text, json_extract(s.value, '$.start') + 1,
                           min(280, json_extract(s.value, '$.end')
                                    - json_extract(s.value, '$.start')))
               FROM json_each(event_records.data, '$.sources') s
               JOIN articles a ON a.id = json_extract(s.value, '$.article_id')
              ORDER BY s.key LIMIT 1);
UPDATE event_records SET date_end = CASE
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN date_start
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' THEN date(date_start, '+1 month', '-1 day')
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]' THEN date(date_start, '+6 days')
    WHEN date GLOB '[0-9][0-9][0-9][0-9]-Q[1-4]' THEN date(date_start, '+3 months', '-1 day')
    WHEN date GLOB '[0-9][0-9][0-9][0-9]' THEN substr(date, 1, 4) || '-12-31'
  END;
CREATE INDEX event_records_order ON event_records(coalesce(date, '~'), id);
CREATE INDEX event_records_span ON event_records(date_start, date_end);
CREATE INDEX event_records_type ON event_records(type, date_start);
CREATE INDEX event_records_place ON event_records(place_id);
CREATE INDEX event_participants_role ON event_participants(entity_id, role, event_id);

ALTER TABLE entities ADD COLUMN names TEXT NOT NULL DEFAULT '';
CREATE TRIGGER entities_names_insert AFTER INSERT ON entities BEGIN
    UPDATE entities SET names = NEW.name || char(10) || coalesce(
        (SELECT group_concat(value, char(10)) FROM json_each(NEW.data, '$.aliases')), '')
     WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER entities_names_update AFTER UPDATE OF name, data ON entities BEGIN
    UPDATE entities SET names = NEW.name || char(10) || coalesce(
        (SELECT group_concat(value, char(10)) FROM json_each(NEW.data, '$.aliases')), '')
     WHERE rowid = NEW.rowid;
END;
UPDATE entities SET names = name || char(10) || coalesce(
    (SELECT group_concat(value, char(10)) FROM json_each(data, '$.aliases')), '');
CREATE INDEX entities_kind_name ON entities(kind, name);
"""
