-- 0002_canonical: cross-article entities, written by newstrace.link.resolve (derived; rebuilt when the link
-- stage runs from scratch). `entities.canonical` (base schema) points at canonical_entities.id.

-- one row per real-world actor across the store
CREATE TABLE IF NOT EXISTS canonical_entities (
    id         TEXT PRIMARY KEY,     -- "c" + a hash of type, name key and country; stable across rebuilds
    name       TEXT NOT NULL,        -- the fullest name seen
    type       TEXT,
    country    TEXT,                 -- ISO3
    sector     TEXT,
    title      TEXT,
    aliases    TEXT NOT NULL DEFAULT '[]',   -- JSON array of every other written form
    articles   INTEGER NOT NULL DEFAULT 0,   -- how many articles mention it
    mentions   INTEGER NOT NULL DEFAULT 0,
    first_seq  INTEGER,                      -- the article (ingest order) that founded it
    updated_at TEXT
);
CREATE INDEX IF NOT EXISTS canonical_entities_name ON canonical_entities(name);
CREATE INDEX IF NOT EXISTS canonical_entities_type ON canonical_entities(type, country);

-- blocking keys: normalised names and aliases ("n:"), surname skeletons ("s:"), acronyms/initials ("a:")
CREATE TABLE IF NOT EXISTS canonical_keys (
    key       TEXT NOT NULL,
    canonical TEXT NOT NULL REFERENCES canonical_entities(id) ON DELETE CASCADE,
    PRIMARY KEY (key, canonical)
);
CREATE INDEX IF NOT EXISTS canonical_keys_canonical ON canonical_keys(canonical);

-- every per-article entity and why it joined its canonical entity (the explanation `entities --why` prints)
CREATE TABLE IF NOT EXISTS canonical_members (
    article_id  TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id   TEXT NOT NULL,
    canonical   TEXT NOT NULL,
    article_seq INTEGER,
    name        TEXT NOT NULL,
    rule        TEXT NOT NULL,       -- new | same-name | alias | nationality | acronym | name-subset | spelling | surname
    score       REAL,
    matched     TEXT,                -- the canonical name or key that matched
    PRIMARY KEY (article_id, entity_id)
);
CREATE INDEX IF NOT EXISTS canonical_members_canonical ON canonical_members(canonical);
