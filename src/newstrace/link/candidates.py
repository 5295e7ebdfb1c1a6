"""Every key under which the link stage looks for pairs of articles to compare, in one place.

Each step of the link stage finds its candidates by keys an article shares with others: text reuse by the MinHash
band keys of its windows (``link.reuse``), rewrites by the rare words of its lead (``link.paraphrase``), entities by
their blocking keys (``link.resolve``), stories by the blocking keys of its event mentions (``link.stories``).
Articles that share no key are never compared. ``candidate_keys`` lists them all, so a corpus can be cut into groups
of articles that share keys and each group linked on its own with the same result; a step that gains a candidate
source adds it here. ``entity_keys`` gives the keys of each entity alone (``link.resolve.resolution_keys``): the
Spark link step resolves entities over groups of entities that share them, then cuts the articles into groups by
the other kinds only, so a country named in every article does not join every article.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence

KINDS = "rles"


def _chunks(ids: Sequence[str]) -> Iterator[tuple[list[str], str]]:
    for i in range(0, len(ids), 400):
        chunk = list(ids[i : i + 400])
        yield chunk, ",".join("?" * len(chunk))


def candidate_keys(conn: sqlite3.Connection, article_ids: Sequence[str],
                   kinds: str = KINDS) -> Iterator[tuple[str, str]]:
    """(article id, key) for every candidate key of these stored articles, the kind of key as its prefix: ``r:``
    reuse bands, ``l:`` lead words, ``e:`` entity blocking keys, ``s:`` story blocking keys (those of ``kinds``)."""
    from newstrace.link.paraphrase import lead_keys
    from newstrace.link.resolve import block_keys
    from newstrace.link.reuse import fingerprint
    from newstrace.link.stories import blocking_keys, load_config, load_mentions

    ids = list(dict.fromkeys(article_ids))
    for chunk, marks in _chunks(ids):
        if "r" in kinds or "l" in kinds:
            for aid, text in conn.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", chunk):
                if "r" in kinds:
                    yield from ((aid, f"r:{k}") for k in fingerprint(text).band_keys())
                if "l" in kinds:
                    yield from ((aid, f"l:{k}") for k in sorted(lead_keys(text)))
        if "e" in kinds:
            for aid, name, aliases, etype in conn.execute(
                    f"SELECT article_id, name, aliases, type FROM entities WHERE article_id IN ({marks})", chunk):
                for k in block_keys(name, list(json.loads(aliases or "[]")), etype):
                    yield aid, f"e:{k}"
    if "s" in kinds:
        for m in load_mentions(conn, ids, load_config()):
            for k in blocking_keys(m):
                yield m.article_id, f"s:{k}"


def entity_keys(conn: sqlite3.Connection, article_ids: Sequence[str]) -> Iterator[tuple[str, str, str]]:
    """(article id, entity id, key) for every key by which entity resolution may bring two of these stored
    articles' entities together (``link.resolve.resolution_keys``; the entities it resolves only)."""
    from newstrace.link.resolve import resolution_keys, resolvable
    from newstrace.model import Entity

    for chunk, marks in _chunks(list(dict.fromkeys(article_ids))):
        for r in conn.execute(f"SELECT article_id, id, name, type, aliases, country FROM entities"
                              f" WHERE article_id IN ({marks})", chunk):
            ent = Entity(id=r[1], name=r[2], type=r[3], aliases=list(json.loads(r[4] or "[]")), country=r[5])
            if resolvable(ent):
                for k in sorted(resolution_keys(ent)):
                    yield r[0], r[1], k
