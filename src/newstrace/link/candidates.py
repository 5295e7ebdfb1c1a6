"""Every key under which the link stage looks for pairs of articles to compare, in one place.

Each step of the link stage finds its candidates by keys an article shares with others: text reuse by the MinHash
band keys of its windows (``link.reuse``), rewrites by the rare words of its lead (``link.paraphrase``), entities by
their blocking keys (``link.resolve``), stories by the blocking keys of its event mentions (``link.stories``).
Articles that share no key are never compared. ``candidate_keys`` lists them all, so a corpus can be cut into groups
of articles that share keys and each group linked on its own with the same result (the Spark link step does this);
a step that gains a candidate source adds it here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence


def candidate_keys(conn: sqlite3.Connection, article_ids: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(article id, key) for every candidate key of these stored articles, the kind of key as its prefix: ``r:``
    reuse bands, ``l:`` lead words, ``e:`` entity blocking keys, ``s:`` story blocking keys."""
    from newstrace.link.paraphrase import lead_keys
    from newstrace.link.resolve import block_keys
    from newstrace.link.reuse import fingerprint
    from newstrace.link.stories import blocking_keys, load_config, load_mentions

    ids = list(dict.fromkeys(article_ids))
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        marks = ",".join("?" * len(chunk))
        for aid, text in conn.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", chunk):
            for k in fingerprint(text).band_keys():
                yield aid, f"r:{k}"
            for k in sorted(lead_keys(text)):
                yield aid, f"l:{k}"
        for aid, name, aliases, etype in conn.execute(
                f"SELECT article_id, name, aliases, type FROM entities WHERE article_id IN ({marks})", chunk):
            for k in block_keys(name, list(json.loads(aliases or "[]")), etype):
                yield aid, f"e:{k}"
    for m in load_mentions(conn, ids, load_config()):
        for k in blocking_keys(m):
            yield m.article_id, f"s:{k}"
