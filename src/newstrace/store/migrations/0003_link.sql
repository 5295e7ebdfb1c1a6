-- 0003_link: what the link stage (newstrace.link) writes. Everything here is derived from `articles`, `entities`,
-- `places` and `events`, and is rebuilt by `newstrace link --full`. Readers (CLI, server): the tables below.
--
-- Article references: `*_seq` columns are `articles.seq` (ingest order), `*_id`/`article_id` are `articles.id`.

-- Outlet groups: registered domains that count as one voice (one owner, one wire), loaded from
-- data/outlets/*.yaml plus the user's files (NEWSTRACE_OUTLETS). `outlet` is a registered domain or a
-- case-folded outlet name; `grp` the group's name; `kind` owner | wire | ...
CREATE TABLE IF NOT EXISTS outlet_groups (
    outlet TEXT PRIMARY KEY,
    grp    TEXT NOT NULL,
    kind   TEXT
);

-- Per-article link bookkeeping: the outlet key used for independence (registered domain or name) and whether
-- the article's text has been fingerprinted.
CREATE TABLE IF NOT EXISTS link_articles (
    article_seq INTEGER PRIMARY KEY,
    article_id  TEXT NOT NULL,
    outlet_key  TEXT,            -- registered domain (tldextract) or normalised outlet name
    words       INTEGER NOT NULL DEFAULT 0,
    chunks      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS link_articles_id ON link_articles(article_id);

-- MinHash signatures of each article's windows (two consecutive content-defined word intervals, about 20
-- words; word 3-shingles). Cuts depend on the words only, so a passage copied into another article produces the
-- same windows there. `offsets`: int64 little-endian [windows, 2] word offsets [start, end) into the article's
-- words (\w+ runs of articles.text); `signatures`: uint32 little-endian [windows, num_perm].
CREATE TABLE IF NOT EXISTS reuse_signatures (
    article_seq INTEGER PRIMARY KEY,
    num_perm    INTEGER NOT NULL,
    windows     INTEGER NOT NULL,
    offsets     BLOB NOT NULL,
    signatures  BLOB NOT NULL
);

-- The LSH index as rows: one row per distinct band key of an article; `band_key` is a 63-bit hash of a band's
-- index and values. Articles sharing a band_key are candidate pairs.
CREATE TABLE IF NOT EXISTS reuse_bands (
    band_key    INTEGER NOT NULL,
    article_seq INTEGER NOT NULL,
    PRIMARY KEY (band_key, article_seq)
) WITHOUT ROWID;

-- Text reuse: `copy_id` shares passages with the earlier `origin_id` (direction by publication date, else
-- ingest order: `direction_by` says which). kind: duplicate (the same text) | syndicated (the copy is mostly
-- the origin's text: a republished wire or partner story) | excerpt (passages pasted into a different article).
-- containment_copy = share of the copy's words found in the origin; containment_origin = the reverse.
CREATE TABLE IF NOT EXISTS reuse_links (
    copy_id            TEXT NOT NULL,
    origin_id          TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('duplicate', 'syndicated', 'excerpt')),
    containment_copy   REAL NOT NULL,
    containment_origin REAL NOT NULL,
    shared_words       INTEGER NOT NULL,
    direction_by       TEXT NOT NULL,   -- published | ingest
    PRIMARY KEY (copy_id, origin_id)
);
CREATE INDEX IF NOT EXISTS reuse_links_origin ON reuse_links(origin_id);

-- The aligned passages of each link, as char offsets into both articles' text.
CREATE TABLE IF NOT EXISTS reuse_passages (
    copy_id      TEXT NOT NULL,
    origin_id    TEXT NOT NULL,
    copy_start   INTEGER NOT NULL,
    copy_end     INTEGER NOT NULL,
    origin_start INTEGER NOT NULL,
    origin_end   INTEGER NOT NULL,
    words        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS reuse_passages_pair ON reuse_passages(copy_id, origin_id);

-- Stories: event mentions from different articles that report one real-world event (DESIGN.md's story record).
-- actors: JSON [{key, name}] of the participants; place/country: the place name and ISO3 country;
-- first_seen/last_seen: earliest/latest publication date of a report; first_date/last_date: the event dates
-- (or publication dates) spanned, used for the date window; verdict: corroborated | single-source | contested.
CREATE TABLE IF NOT EXISTS stories (
    id                  TEXT PRIMARY KEY,
    type                TEXT NOT NULL,
    family              TEXT NOT NULL,
    actors              TEXT NOT NULL DEFAULT '[]',
    place               TEXT,
    country             TEXT,
    first_seen          TEXT,
    last_seen           TEXT,
    first_date          TEXT,
    last_date           TEXT,
    headline            TEXT,         -- the evidence sentence of the earliest report
    reports             INTEGER NOT NULL DEFAULT 0,
    independent_outlets INTEGER NOT NULL DEFAULT 0,
    denying_outlets     INTEGER NOT NULL DEFAULT 0,
    verdict             TEXT,
    updated_at          TEXT
);
CREATE INDEX IF NOT EXISTS stories_verdict ON stories(verdict);
CREATE INDEX IF NOT EXISTS stories_dates ON stories(first_date, last_date);

-- The event mentions grouped into each story; `voice_id` is the article whose words state it (the origin when
-- the evidence sits inside a copied passage, else the article itself).
CREATE TABLE IF NOT EXISTS story_members (
    story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    modality   TEXT,
    voice_id   TEXT,
    score      REAL,
    PRIMARY KEY (article_id, event_id)
);
CREATE INDEX IF NOT EXISTS story_members_story ON story_members(story_id);

-- One row per article reporting a story, in time order by (published, seq). copied_from: the article whose
-- words this report repeats (NULL for an independent report); outlet_group: the voice it counts as;
-- stance: asserts | denies; source_kinds: JSON {kind: count} of the sources behind its events.
CREATE TABLE IF NOT EXISTS story_reports (
    story_id     TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    article_id   TEXT NOT NULL,
    seq          INTEGER,
    outlet       TEXT,
    outlet_group TEXT,
    published    TEXT,
    copied_from  TEXT,
    stance       TEXT NOT NULL,
    source_kinds TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (story_id, article_id)
);
CREATE INDEX IF NOT EXISTS story_reports_article ON story_reports(article_id);

-- Blocking keys of each story (type family + participant, + country pair ...), for incremental candidate lookup.
CREATE TABLE IF NOT EXISTS story_keys (
    key      TEXT NOT NULL,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    PRIMARY KEY (key, story_id)
);
