-- 0007_claims: order-independent stories, claim-level corroboration, rewrites and shared origins.
-- All of it is derived by the link stage and rebuilt by `newstrace link --full`.

-- The blocking keys of every linked mention, with its day (event date, else publication date; NULL when
-- unknown): a new mention is compared with the mentions sharing a key within the date window.
CREATE TABLE IF NOT EXISTS mention_keys (
    key        TEXT NOT NULL,
    day        TEXT,
    article_id TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    PRIMARY KEY (key, article_id, event_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mention_keys_day ON mention_keys(key, day);
CREATE INDEX IF NOT EXISTS mention_keys_ref ON mention_keys(article_id, event_id);

-- Links between two mentions that look like one event (newstrace.link.grouping); (a, b) in id order. Stories are
-- cut from each connected group of links, so the same links give the same stories whatever the ingest order.
CREATE TABLE IF NOT EXISTS story_links (
    a_article TEXT NOT NULL,
    a_event   TEXT NOT NULL,
    b_article TEXT NOT NULL,
    b_event   TEXT NOT NULL,
    score     REAL NOT NULL,
    PRIMARY KEY (a_article, a_event, b_article, b_event)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_links_b ON story_links(b_article, b_event);

-- Claims: an event with its specifics (type, mode, counterpart, qualifiers such as "secret" or a death toll)
-- inside a story. verdict: corroborated | single-source | contested | unverified, decided per claim; the story's
-- verdict is its central claim's. why: the reasons, in words.
CREATE TABLE IF NOT EXISTS claims (
    id                  TEXT PRIMARY KEY,
    story_id            TEXT NOT NULL,
    type                TEXT NOT NULL,
    mode                TEXT,
    actor               TEXT,
    target              TEXT,
    place               TEXT,
    date                TEXT,
    qualifiers          TEXT NOT NULL DEFAULT '[]',
    label               TEXT,
    verdict             TEXT NOT NULL,
    independent_outlets INTEGER NOT NULL DEFAULT 0,
    reports             INTEGER NOT NULL DEFAULT 0,
    central             INTEGER NOT NULL DEFAULT 0,
    exclusive           INTEGER NOT NULL DEFAULT 0,
    source              TEXT,
    why                 TEXT
);
CREATE INDEX IF NOT EXISTS claims_story ON claims(story_id);
CREATE INDEX IF NOT EXISTS claims_verdict ON claims(verdict);

-- Who stands behind each claim. role: asserts (states it in its own voice or on its own source) | denies |
-- second-hand (only on another outlet's word) | copy (repeats another article's words) | opinion (an opinion
-- piece: the author's voice, never confirmation). voice_id: the article whose words state it; voice: the outlet
-- group (or author) it counts as.
CREATE TABLE IF NOT EXISTS claim_reports (
    claim_id    TEXT NOT NULL,
    article_id  TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    role        TEXT NOT NULL,
    voice_id    TEXT,
    voice       TEXT,
    copied_from TEXT,
    source_kind TEXT,
    start       INTEGER,
    "end"       INTEGER,
    PRIMARY KEY (claim_id, article_id, event_id)
);
CREATE INDEX IF NOT EXISTS claim_reports_article ON claim_reports(article_id);

-- What kind of piece an article is (news | opinion), from its URL, section, headline and author line.
ALTER TABLE link_articles ADD COLUMN genre TEXT;

-- Pairs of articles already compared for rewrites (newstrace.link.paraphrase), so a pair is compared once.
CREATE TABLE IF NOT EXISTS paraphrase_checked (
    a_id TEXT NOT NULL,
    b_id TEXT NOT NULL,
    PRIMARY KEY (a_id, b_id)
) WITHOUT ROWID;

-- Reuse links gain two kinds: rewrite (the same report reworded, sentence by sentence) and shared-origin (two
-- texts quoting the same third source), and direction_by gains credit (the copy credits its origin: "X reported")
-- url (an AMP or print view is the copy), byline (a byline or dateline naming the other outlet, a wire or a desk marks
-- the copy) and id (nothing tells: the smaller article id is taken as the origin, so the answer does not hang on
-- ingest order).
CREATE TABLE reuse_links_new (
    copy_id            TEXT NOT NULL,
    origin_id          TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('duplicate', 'syndicated', 'excerpt', 'rewrite', 'shared-origin')),
    containment_copy   REAL NOT NULL,
    containment_origin REAL NOT NULL,
    shared_words       INTEGER NOT NULL,
    direction_by       TEXT NOT NULL,
    PRIMARY KEY (copy_id, origin_id)
);
INSERT INTO reuse_links_new SELECT * FROM reuse_links;
DROP TABLE reuse_links;
ALTER TABLE reuse_links_new RENAME TO reuse_links;
CREATE INDEX IF NOT EXISTS reuse_links_origin ON reuse_links(origin_id);
