-- 0006_story_words: the corpus statistics that weigh story evidence words (newstrace.link.stories). `df` is the
-- number of story mentions (events linked into stories) whose evidence contains the word (stemmed, case-folded);
-- the row with the empty word '' holds the number of mentions counted. The link stage adds each batch of new
-- mentions before assigning it, so the weights follow the store incrementally; derived, rebuilt by a full link.
CREATE TABLE IF NOT EXISTS story_words (
    word TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) WITHOUT ROWID;
