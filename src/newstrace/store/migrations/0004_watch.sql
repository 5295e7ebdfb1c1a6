-- live collection (newstrace watch): the sources followed and every item URL they listed, so that a restarted
-- watcher neither refetches what it has nor forgets what it was about to fetch.

CREATE TABLE IF NOT EXISTS watch_sources (
    url            TEXT PRIMARY KEY,          -- the feed or sitemap
    name           TEXT,
    kind           TEXT NOT NULL DEFAULT 'auto',  -- feed | sitemap | auto
    interval_s     REAL NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1, -- 0 once the sources file no longer lists it
    etag           TEXT,                      -- validators for the next conditional GET
    last_modified  TEXT,
    last_poll      TEXT,                      -- ISO time of the last poll attempt
    next_poll      REAL NOT NULL DEFAULT 0,   -- unix time the source is due again (interval or backoff)
    last_status    INTEGER,                   -- HTTP status of the last poll (304 = not modified)
    last_error     TEXT,
    failures       INTEGER NOT NULL DEFAULT 0, -- consecutive failed polls (drives the backoff)
    polls          INTEGER NOT NULL DEFAULT 0,
    errors         INTEGER NOT NULL DEFAULT 0,
    new_last       INTEGER NOT NULL DEFAULT 0, -- new items found by the last successful poll
    new_total      INTEGER NOT NULL DEFAULT 0,
    added_at       TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS watch_items (
    url         TEXT PRIMARY KEY,             -- normalised item URL: seen once, whichever feed listed it
    source      TEXT NOT NULL,                -- the first source that listed it
    status      TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    meta        TEXT NOT NULL DEFAULT '{}',   -- the listing's facts (title, published, author, outlet) as JSON
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try    REAL NOT NULL DEFAULT 0,      -- unix time a pending item may be fetched (retry backoff)
    last_error  TEXT,
    first_seen  TEXT NOT NULL,
    done_at     TEXT
);
CREATE INDEX IF NOT EXISTS watch_items_pending ON watch_items(status, next_try);
CREATE INDEX IF NOT EXISTS watch_items_source ON watch_items(source);
