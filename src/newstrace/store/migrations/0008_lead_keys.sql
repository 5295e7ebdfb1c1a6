-- 0008_lead_keys: rewrite candidates found by the words of the leads. Derived by the link stage, rebuilt by
-- `newstrace link --full`.

-- The rarest words of each article's lead (newstrace.link.paraphrase.lead_keys): articles whose leads share several
-- are compared for rewrites, whether or not an event was coded in them.
CREATE TABLE IF NOT EXISTS lead_keys (
    key        TEXT NOT NULL,
    article_id TEXT NOT NULL,
    day        TEXT,
    PRIMARY KEY (key, article_id)
) WITHOUT ROWID;
