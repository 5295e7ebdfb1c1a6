"""Cross-article entities: every per-article entity joined to one canonical entity of the whole store.

``resolve_entities(store, since_seq)`` takes the articles stored after ``since_seq`` that are not resolved yet
and, for each of their entities,
1. collects candidate canonical entities by **blocking keys** (``canonical_keys``): the normalised name and
   aliases ("n:"), a person's surname skeleton ("s:"), an organisation's acronym or initials ("a:");
   at most ``MAX_CANDIDATES`` per entity, so the cost per entity does not grow with the store;
2. keeps the candidates whose **type** is compatible and whose **country** does not contradict;
3. scores them with named rules (``RULES``), and joins the best one (ties: the smallest id), or founds a new
   canonical entity.
Every join is stored in ``canonical_members`` with its rule, score and what matched, so
``newstrace entities --why ID`` explains it; the same store and order always give the same result.
``since_seq <= 0`` rebuilds the canonical tables from scratch.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from newstrace.analyze.actors import get_dictionary
from newstrace.analyze.names import initials, is_acronym, name_key, skeleton
from newstrace.model import Analysis, Entity, from_dict, to_dict
from newstrace.store.sqlite import Store, utcnow

log = logging.getLogger(__name__)

MAX_CANDIDATES = 50
BATCH = 200  # articles per transaction
PLACE_TYPES = {"GPE", "LOC", "FAC"}
# rule -> score; the explanation of a join is its rule name plus what matched
RULES = {"same-name": 100.0, "alias": 95.0, "nationality": 92.0, "acronym": 90.0, "name-subset": 85.0, "spelling": 80.0,
         "surname": 70.0}


@dataclass
class Canonical:
    """A canonical entity as the resolver holds it while a run lasts."""

    id: str
    name: str
    type: str | None
    country: str | None
    sector: str | None
    title: str | None
    aliases: list[str] = field(default_factory=list)
    articles: int = 0
    mentions: int = 0
    first_seq: int | None = None
    keys: set[str] = field(default_factory=set)
    dirty: bool = False

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


def block_keys(name: str, aliases: list[str], etype: str | None) -> set[str]:
    """The blocking keys of an entity: names and aliases, a person's surname skeleton, acronyms and initials."""
    keys: set[str] = set()
    d = get_dictionary()
    for n in [name, *aliases]:
        k = name_key(n)
        if not k:
            continue
        keys.add("n:" + k)
        if etype != "PERSON":
            # "Pakistani Foreign Office" and "Foreign Office" (of Pakistan) share a block
            rest, iso = d.strip_nationality(n)
            if iso:
                keys.add("n:" + name_key(rest))
        if etype == "PERSON":
            keys.add("s:" + skeleton(k.split()[-1]))
        elif is_acronym(n):
            keys.add("a:" + n.replace(".", "").casefold())
        else:
            ini = initials(n)
            if len(ini) >= 2:
                keys.add("a:" + ini)
    return keys


def resolution_keys(entity: Entity) -> set[str]:
    """Every key by which resolving this entity may meet another entity: its blocking keys, and its base canonical id
    (``"c:"``, which two entities founding canonical entities of one base share, and whose second gets ``-2``).

    Entities that share no key, directly or through others, never meet: resolving each connected group of them on
    its own gives what resolving the whole store gives (the Spark link step resolves them so)."""
    return {*block_keys(entity.name, entity.aliases, entity.type), "c:" + _base_id(entity)}


def resolvable(entity: Entity) -> bool:
    """Whether the resolver joins this entity to a canonical entity: a common noun the model took for a name
    ("foreign ministry", no capital letter) is no actor of its own."""
    return any(ch.isupper() for ch in entity.name)


def _compatible_type(a: str | None, b: str | None, name: str = "") -> bool:
    """Types that may be one actor: equal, two kinds of place, or a person and an organisation when the name
    is a multi-word name without an organisation word (a model calls a person ORG in some sentences)."""
    if a == b or a is None or b is None:
        return True
    if a in PLACE_TYPES and b in PLACE_TYPES:
        return True
    if {a, b} == {"PERSON", "ORG"}:
        words = name_key(name).split()
        return len(words) >= 2 and not set(words) & get_dictionary().org_words
    return False


def _words(text: str) -> list[str]:
    return name_key(text).split()


def _person_rule(e_names: list[str], c: Canonical) -> tuple[str, str] | None:
    """How a person's names match a canonical person: name-subset, spelling or surname (else None)."""
    for en in e_names:
        ew = _words(en)
        if not ew:
            continue
        for cn in c.names():
            cw = _words(cn)
            if not cw or skeleton(ew[-1]) != skeleton(cw[-1]) or fuzz.ratio(ew[-1], cw[-1]) < 70:
                continue
            if len(ew) >= 2 and len(cw) >= 2:
                short, long_ = (ew, cw) if len(ew) <= len(cw) else (cw, ew)
                # "Tariq Awan" / "Tariq Mahmood Awan": every word of the shorter name in the longer one
                # ("Al-Naimi" / "Hamad Saeed Al-Naimi": a shorter name need not start with the given name)
                if (fuzz.ratio(ew[0], cw[0]) >= 80 or len(short) < len(long_)) and all(
                        any(fuzz.ratio(w, x) >= 80 for x in long_) for w in short):
                    return ("name-subset" if len(ew) != len(cw) else "spelling"), cn
                if fuzz.token_sort_ratio(" ".join(ew), " ".join(cw)) >= 88:
                    return "spelling", cn
            elif len(ew) == 1 and len(cw) >= 2:
                # a lone surname meets a full name (never a full name a lone-surname alias)
                return "surname", cn
    return None


def match(entity: Entity, c: Canonical) -> tuple[str, float, str] | None:
    """The rule, score and matched name by which an entity joins a canonical entity, or None."""
    e_names = [entity.name, *entity.aliases]
    c_keys = {name_key(n): n for n in c.names()}
    key = name_key(entity.name)
    if not _compatible_type(entity.type, c.type, entity.name if key in c_keys else ""):
        return None
    # a person's country is read from context and can be wrong; a full name written the same way is enough
    if key in c_keys and "PERSON" in (entity.type, c.type) and len(key.split()) >= 2:
        return "same-name", RULES["same-name"], c_keys[key]
    if entity.country and c.country and entity.country != c.country:
        return None
    if key in c_keys:
        return "same-name", RULES["same-name"], c_keys[key]
    for a in entity.aliases:
        if name_key(a) in c_keys:
            return "alias", RULES["alias"], c_keys[name_key(a)]
    if entity.type != "PERSON" and entity.country and entity.country == c.country:
        # the same name once the nationality in front is set aside, and the same country
        d = get_dictionary()
        bare_c = {name_key(d.strip_nationality(n)[0]): n for n in c.names()}
        for n in e_names:
            bare = name_key(d.strip_nationality(n)[0])
            if bare in bare_c:
                return "nationality", RULES["nationality"], bare_c[bare]
    if entity.type == "PERSON":
        found = _person_rule(e_names, c)
        if found:
            rule, matched = found
            return rule, RULES[rule], matched
        return None
    # organisations: an acronym equal to the initials of the other's name, in the same country
    acr_e = {n.replace(".", "").casefold() for n in e_names if is_acronym(n)}
    acr_c = {n.replace(".", "").casefold() for n in c.names() if is_acronym(n)}
    ini_e = {initials(n) for n in e_names if not is_acronym(n)} - {""}
    ini_c = {initials(n) for n in c.names() if not is_acronym(n)} - {""}
    if (acr_e & ini_c or acr_c & ini_e) and entity.country and entity.country == c.country:
        return "acronym", RULES["acronym"], c.name
    for en in e_names:
        for cn in c.names():
            if len(en) >= 5 and fuzz.ratio(name_key(en), name_key(cn)) >= 90:
                return "spelling", RULES["spelling"], cn
    return None


def _base_id(entity: Entity) -> str:
    return "c" + hashlib.sha1(f"{entity.type}|{name_key(entity.name)}|{entity.country}".encode()).hexdigest()[:10]


def _canonical_id(entity: Entity, taken: set[str], conn: Any) -> str:
    base = _base_id(entity)
    cid, n = base, 1
    while cid in taken or conn.execute("SELECT 1 FROM canonical_entities WHERE id=?", (cid,)).fetchone():
        n += 1
        cid = f"{base}-{n}"
    return cid


class Resolver:
    """One resolution run over a store: candidate lookups, joins and the writes, batch by batch."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn
        self.cache: dict[str, Canonical] = {}
        self.key_index: dict[str, set[str]] = {}  # keys of this run not yet written -> canonical ids

    def load(self, cid: str) -> Canonical | None:
        if cid in self.cache:
            return self.cache[cid]
        row = self.conn.execute("SELECT * FROM canonical_entities WHERE id=?", (cid,)).fetchone()
        if row is None:
            return None
        c = Canonical(row["id"], row["name"], row["type"], row["country"], row["sector"], row["title"],
                      json.loads(row["aliases"]), row["articles"], row["mentions"], row["first_seq"])
        self.cache[cid] = c
        return c

    def candidates(self, keys: set[str]) -> list[Canonical]:
        """Canonical entities sharing a blocking key (at most ``MAX_CANDIDATES``, smallest ids first: the same ones
        whether the run has written its earlier batches or not, so the batches do not change a join)."""
        if not keys:
            return []
        ks = sorted(keys)
        ids: set[str] = set()
        for k in ks:
            ids.update(self.key_index.get(k, ()))
        q = (f"SELECT DISTINCT canonical FROM canonical_keys WHERE key IN ({','.join('?' * len(ks))})"
             f" ORDER BY canonical LIMIT ?")
        ids.update(r[0] for r in self.conn.execute(q, [*ks, MAX_CANDIDATES]))
        out = [c for c in (self.load(i) for i in sorted(ids)[:MAX_CANDIDATES]) if c is not None]
        return out

    def resolve_entity(self, seq: int, entity: Entity, ambiguous: bool = False) -> tuple[Canonical, str, float, str]:
        """The canonical entity this entity joins (or founds), with the rule, score and what matched.

        ``ambiguous``: a lone surname that two people of its own article share joins nobody by surname.
        """
        keys = block_keys(entity.name, entity.aliases, entity.type)
        best: tuple[float, str, Canonical, str, str] | None = None
        scored = []
        for c in self.candidates(keys):
            m = match(entity, c)
            if m is not None and not (ambiguous and m[0] == "surname"):
                scored.append((m[1], c, m[0], m[2]))
        # a lone surname joins only when one person has it; otherwise it founds its own entity
        if scored and all(rule == "surname" for _, _, rule, _ in scored) and len(scored) > 1:
            scored = []
        for score, c, rule, matched in scored:
            if best is None or score > best[0] or (score == best[0] and c.id < best[1]):
                best = (score, c.id, c, rule, matched)
        if best is not None:
            _, _, c, rule, matched = best
        else:
            cid = _canonical_id(entity, set(self.cache), self.conn)
            c = Canonical(cid, entity.name, entity.type, entity.country, entity.sector, entity.title,
                          first_seq=seq)
            self.cache[cid] = c
            rule, matched = "new", entity.name
        self._absorb(c, entity, keys)
        for k in keys:
            self.key_index.setdefault(k, set()).add(c.id)
        return c, rule, RULES.get(rule, 0.0), matched

    @staticmethod
    def _absorb(c: Canonical, entity: Entity, keys: set[str]) -> None:
        # the fullest name becomes the canonical name; every other written form stays an alias
        names = [n for n in [entity.name, *entity.aliases] if n]
        for n in names:
            if n != c.name and n not in c.aliases:
                if (len(_words(n)), len(n)) > (len(_words(c.name)), len(c.name)) and not is_acronym(n) \
                        and (c.type != "PERSON" or len(_words(n)) <= 5):
                    c.aliases.append(c.name)
                    c.name = n
                else:
                    c.aliases.append(n)
        c.country = c.country or entity.country
        c.sector = c.sector or entity.sector
        c.title = c.title or entity.title
        c.mentions += len(entity.mentions)
        c.keys |= keys
        c.dirty = True

    def flush(self) -> None:
        """Write the changed canonical entities and their keys."""
        now = utcnow()
        for c in self.cache.values():
            if not c.dirty:
                continue
            self.conn.execute(
                "INSERT INTO canonical_entities(id, name, type, country, sector, title, aliases, articles, mentions,"
                " first_seq, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
                " name=excluded.name, country=excluded.country, sector=excluded.sector, title=excluded.title,"
                " aliases=excluded.aliases, articles=excluded.articles, mentions=excluded.mentions,"
                " updated_at=excluded.updated_at",
                (c.id, c.name, c.type, c.country, c.sector, c.title, json.dumps(c.aliases, ensure_ascii=False),
                 c.articles, c.mentions, c.first_seq, now))
            self.conn.executemany("INSERT OR IGNORE INTO canonical_keys(key, canonical) VALUES (?,?)",
                                  [(k, c.id) for k in sorted(c.keys)])
            c.dirty = False
        # keep memory bounded on big stores: the cache is rebuilt from the tables as needed
        self.key_index.clear()
        if len(self.cache) > 50_000:
            self.cache.clear()

    def resolve_article(self, seq: int, article_id: str, analysis: Analysis,
                        only: Collection[tuple[str, str]] | None = None) -> int:
        """Resolve one article's entities (of ``only``, (article id, entity id) pairs, when given: the others keep
        their canonical id); returns how many joined an existing canonical entity."""
        joined = 0
        seen: set[str] = set()
        surnames = Counter(skeleton(_words(e.name)[-1]) for e in analysis.entities
                           if e.type == "PERSON" and len(_words(e.name)) >= 2)
        for e in analysis.entities:
            if not resolvable(e) or (only is not None and (article_id, e.id) not in only):
                continue
            words = _words(e.name)
            ambiguous = e.type == "PERSON" and len(words) == 1 and surnames[skeleton(words[0])] > 1
            c, rule, score, matched = self.resolve_entity(seq, e, ambiguous)
            if c.id not in seen:
                c.articles += 1
                seen.add(c.id)
            e.canonical = c.id
            joined += rule != "new"
            self.conn.execute(
                "INSERT OR REPLACE INTO canonical_members(article_id, entity_id, canonical, article_seq, name, rule,"
                " score, matched) VALUES (?,?,?,?,?,?,?,?)",
                (article_id, e.id, c.id, seq, e.name, rule, score, matched))
            self.conn.execute("UPDATE entities SET canonical=? WHERE article_id=? AND id=?", (c.id, article_id, e.id))
        if analysis.entities:
            self.conn.execute("UPDATE articles SET analysis=? WHERE id=?", (analysis_json(analysis), article_id))
        return joined


def analysis_json(analysis: Analysis) -> str:
    """The stored JSON of an analysis whose entities carry their canonical ids (what resolution writes back)."""
    return json.dumps(to_dict(analysis), ensure_ascii=False)


def with_canonical(raw: str | None, ids: dict[str, str]) -> str | None:
    """A stored analysis JSON with these entities' canonical ids set (entity id -> canonical id), written as
    resolution writes it; unchanged when it names no entity or cannot be read (resolution skips those too)."""
    try:
        analysis = from_dict(Analysis, json.loads(raw)) if raw else None
    except (ValueError, TypeError, KeyError):
        return raw
    if analysis is None or not analysis.entities:
        return raw
    for e in analysis.entities:
        if e.id in ids:
            e.canonical = ids[e.id]
    return analysis_json(analysis)


def _pending(store: Store, since_seq: int, batch: int) -> list[int]:
    return [r[0] for r in store.conn.execute(
        "SELECT a.seq FROM articles a WHERE a.seq > ? AND a.analysis IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM canonical_members m WHERE m.article_id = a.id) ORDER BY a.seq LIMIT ?",
        (since_seq, batch))]


def resolve_entities(store: Store, since_seq: int = 0,
                     only: Collection[tuple[str, str]] | None = None) -> dict[str, int]:
    """Join the entities of the articles after ``since_seq`` to canonical entities; returns counts.

    Incremental: articles already resolved are skipped, so a rerun costs only the new articles.
    ``since_seq <= 0`` clears the canonical tables first and resolves every article again. ``only``: resolve just
    these (article id, entity id) pairs, a group closed under ``resolution_keys`` (the Spark link step).
    """
    conn = store.conn
    if since_seq <= 0:
        with store.transaction():
            conn.execute("DELETE FROM canonical_members")
            conn.execute("DELETE FROM canonical_keys")
            conn.execute("DELETE FROM canonical_entities")
            conn.execute("UPDATE entities SET canonical=NULL WHERE canonical IS NOT NULL")
    resolver = Resolver(store)
    stats = {"articles": 0, "entities": 0, "joined": 0, "canonical": 0}
    last = max(since_seq, 0)
    while True:
        seqs = _pending(store, last, BATCH)
        if not seqs:
            break
        with store.transaction():
            for seq in seqs:
                row = conn.execute("SELECT id, analysis FROM articles WHERE seq=?", (seq,)).fetchone()
                try:
                    analysis = from_dict(Analysis, json.loads(row["analysis"]))
                except (ValueError, TypeError, KeyError) as exc:
                    log.warning("article %s: unreadable analysis, not resolved: %s", row["id"], exc)
                    continue
                stats["joined"] += resolver.resolve_article(seq, row["id"], analysis, only)
                stats["entities"] += len(analysis.entities)
                stats["articles"] += 1
            resolver.flush()
        last = seqs[-1]
    stats["canonical"] = conn.execute("SELECT count(*) FROM canonical_entities").fetchone()[0]
    return stats
