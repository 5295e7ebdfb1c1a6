-- 0009_happenings: what the news reports that is no PLOVER event (disasters, accidents, rate moves), stored beside
-- the events with the same columns and a category, and one view over both for the link stage, which corroborates
-- a flood exactly as it does a meeting. `events` stays PLOVER only.
CREATE TABLE IF NOT EXISTS happenings (
    article_id    TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    type          TEXT NOT NULL,
    category      TEXT,
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
    actor_country TEXT,
    target_country TEXT,
    PRIMARY KEY (article_id, id)
);
CREATE INDEX IF NOT EXISTS happenings_type ON happenings(type);

-- Everything an article reports as happening: its PLOVER events and its happenings (ids never collide: v1.. and
-- h1..). The link stage reads mentions from here.
CREATE VIEW IF NOT EXISTS occurrences AS
    SELECT article_id, id, type, mode, cameo, actor, target, place, date, modality, ev_start, ev_end, ev_text,
           source_kind, source_entity, source_text, source_cue, source_quote, flags, actor_text, target_text, trigger,
           actor_country, target_country, 'plover' AS ontology, NULL AS category
      FROM events
    UNION ALL
    SELECT article_id, id, type, mode, cameo, actor, target, place, date, modality, ev_start, ev_end, ev_text,
           source_kind, source_entity, source_text, source_cue, source_quote, flags, actor_text, target_text, trigger,
           actor_country, target_country, 'happening' AS ontology, category
      FROM happenings;
