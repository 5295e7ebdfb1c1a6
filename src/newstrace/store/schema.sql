-- newstrace store, schema version 1 (the base). Later changes are files in migrations/, applied in name order
-- and recorded in the table `migrations`; never edit a migration that has shipped, add a new one.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE IF NOT EXISTS migrations (
    name       TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
);

-- every document seen, good or bad: the run's ledger. `sha` is the hash of the raw content (NULL when the
-- content could not be read at all); a document already here with status 'ok' or 'failed' is not ingested again.
CREATE TABLE IF NOT EXISTS documents (
    seq         INTEGER PRIMARY KEY,
    uri         TEXT NOT NULL,
    sha         TEXT,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'duplicate')),
    stage       TEXT,            -- where it failed: collect | extract | analyze | store
    reason      TEXT,
    article_id  TEXT,
    size        INTEGER,
    fetched_at  TEXT,
    ingested_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS documents_sha ON documents(sha) WHERE sha IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS documents_uri_failed ON documents(uri, reason) WHERE sha IS NULL;
CREATE INDEX IF NOT EXISTS documents_status ON documents(status);

CREATE TABLE IF NOT EXISTS articles (
    seq         INTEGER PRIMARY KEY,  -- ingest order, the tie-breaker when publication dates are missing
    id          TEXT NOT NULL UNIQUE,
    url         TEXT,
    outlet      TEXT,
    title       TEXT,
    byline      TEXT,
    published   TEXT,
    tags        TEXT NOT NULL DEFAULT '[]',   -- JSON array
    language    TEXT,
    text        TEXT NOT NULL,
    paragraphs  TEXT NOT NULL DEFAULT '[]',   -- JSON [[start, end], ...]
    removed     TEXT NOT NULL DEFAULT '[]',   -- JSON [{text, reason}, ...]
    uri         TEXT,
    fetched_at  TEXT,
    meta        TEXT NOT NULL DEFAULT '{}',
    analysis    TEXT,                         -- JSON of the whole Analysis, the record's source of truth
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_url ON articles(url);

CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
END;

-- the per-article analysis, normalised for querying (ids are unique within their article)
CREATE TABLE IF NOT EXISTS entities (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    type       TEXT,
    aliases    TEXT NOT NULL DEFAULT '[]',
    country    TEXT,
    sector     TEXT,
    title      TEXT,
    canonical  TEXT,               -- cross-article entity id, set by link
    PRIMARY KEY (article_id, id)
);
CREATE INDEX IF NOT EXISTS entities_name ON entities(name);
CREATE INDEX IF NOT EXISTS entities_canonical ON entities(canonical);

CREATE TABLE IF NOT EXISTS mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id  TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(article_id, entity_id);

CREATE TABLE IF NOT EXISTS places (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    country    TEXT,
    admin1     TEXT,
    lat        REAL,
    lon        REAL,
    geonameid  INTEGER,
    feature    TEXT,
    mentions   TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (article_id, id)
);
CREATE INDEX IF NOT EXISTS places_country ON places(country);

CREATE TABLE IF NOT EXISTS events (
    article_id    TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    type          TEXT NOT NULL,
    mode          TEXT,
    cameo         TEXT,
    actor         TEXT,
    target        TEXT,
    place         TEXT,
    date          TEXT,
    modality      TEXT NOT NULL,
    ev_start      INTEGER,
    ev_end        INTEGER,
    ev_text       TEXT,
    source_kind   TEXT,
    source_entity TEXT,
    source_text   TEXT,
    source_cue    TEXT,
    source_quote  TEXT,
    flags         TEXT NOT NULL DEFAULT '[]',
    actor_text    TEXT,
    target_text   TEXT,
    trigger       TEXT,
    PRIMARY KEY (article_id, id)
);
CREATE INDEX IF NOT EXISTS events_type ON events(type);

CREATE TABLE IF NOT EXISTS quotes (
    article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    speaker      TEXT,
    speaker_text TEXT,
    cue          TEXT,
    text         TEXT NOT NULL,
    start        INTEGER,
    end          INTEGER,
    direct       INTEGER NOT NULL,
    PRIMARY KEY (article_id, id)
);

CREATE TABLE IF NOT EXISTS flags (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    start      INTEGER,
    end        INTEGER,
    text       TEXT
);
CREATE INDEX IF NOT EXISTS flags_kind ON flags(kind);
