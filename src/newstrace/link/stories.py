"""Stories: event mentions from different articles that report one real-world event.

A mention (one coded event of one article) is compared only with stories that share a blocking key with it: its
type family joined with a participant (canonical entity id, else normalised name), with its place, or with a
participant's country. Among those, a story is accepted when its dates fall inside the window, its place country
does not contradict, its established targets do not contradict, and a score over participants, place, date,
evidence wording and event mode reaches the threshold. Assignment is greedy and incremental: a new mention joins the
best story or founds one, so adding articles never recomputes the corpus.

Evidence wording is compared as vectors of words weighed by log term frequency and by inverse document frequency
over the store's story mentions; those document frequencies live in the store (``story_words``) and each batch of
new mentions is counted in before it is assigned, so the weights follow the corpus without recomputing it.

The decision works on ``Mention`` objects and a ``StoryIndex``; ``MemoryIndex`` keeps stories in memory (used by
``benchmarks/stories.py``), ``SQLiteStoryIndex`` keeps them in the store's ``stories``/``story_members``/
``story_keys``/``story_words`` tables.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import read_yaml

log = logging.getLogger(__name__)

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MAX_MEMBERS_COMPARED = 40  # a story is judged on its first members; bounded cost per mention
MAX_CANDIDATE_STORIES = 50
MAX_CACHED_WORDS = 200_000  # document frequencies kept in memory while linking
DEFAULT_WEIGHTS = {"participants": 0.35, "text": 0.25, "place": 0.15, "date": 0.1, "type": 0.15}


# -- configuration (data) -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoryConfig:
    """The story rules read from ``data/link/stories.yaml`` and the user's lexicon files."""

    families: dict[str, str]
    window_days: int
    threshold: float
    name_stopwords: frozenset[str]
    modalities: frozenset[str] = frozenset({"asserted", "negated"})
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    text_core: float = 1.5  # same wording: a cosine of text_core / sqrt(words), at most 1
    text_alone: float = 0.6  # the text evidence that links mentions sharing nobody and no place

    def family(self, event_type: str) -> str:
        """The family of a PLOVER type; a type no family lists is its own family."""
        return self.families.get(event_type.upper(), event_type.upper())


@lru_cache(maxsize=1)
def load_config() -> StoryConfig:
    """The shipped story rules, extended by any ``NEWSTRACE_LEXICONS`` file that has story keys."""
    files: list[Path] = [DATA_DIR / "link" / "stories.yaml", *get_settings().lexicon_files]
    families: dict[str, str] = {}
    window, threshold, stop = 7, 0.4, set()
    weights = dict(DEFAULT_WEIGHTS)
    text_core, text_alone = StoryConfig.text_core, StoryConfig.text_alone  # the defaults, unless a file says
    modalities: set[str] | None = None
    for path in files:
        try:
            data = read_yaml(path) or {}
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
            log.warning("story rules file %s skipped: %s", path, exc)
            continue
        if not isinstance(data, dict):
            continue
        for fam, types in (data.get("story_families") or {}).items():
            for t in types or []:
                families[str(t).upper()] = str(fam)
        window = int(data.get("story_window_days", window))
        threshold = float(data.get("story_threshold", threshold))
        weights.update({str(k): float(v) for k, v in (data.get("story_weights") or {}).items() if k in weights})
        text_core = float(data.get("story_text_core", text_core))
        text_alone = float(data.get("story_text_alone", text_alone))
        stop.update(str(w).casefold() for w in data.get("name_stopwords") or [])
        if data.get("story_modalities"):
            modalities = {str(m) for m in data["story_modalities"]}
    return StoryConfig(families, window, threshold, frozenset(stop), frozenset(modalities or {"asserted", "negated"}),
                       weights, text_core, text_alone)


# -- text helpers ---------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words (imported on first use: linking without events never loads spaCy)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


_SUFFIXES = ("ings", "ing", "ies", "ied", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A crude stem so that inflections meet (visited/visits -> visit, meetings -> meet)."""
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            return word[: -len(suf)]
    return word


def word_counts(text: str | None) -> Counter[str]:
    """How often each stemmed content word occurs in a text (stop words and words under three letters dropped)."""
    out: Counter[str] = Counter()
    if not text:
        return out
    stop = stop_words()
    for w in WORD.findall(text.casefold()):
        if len(w) > 2 and w not in stop:
            out[stem(w)] += 1
    return out


def content_words(text: str | None) -> frozenset[str]:
    """The stemmed content words of a sentence (stop words and words under three letters dropped)."""
    return frozenset(word_counts(text))


def name_key(name: str | None) -> str | None:
    """A participant key from its name when no canonical id is known: accents, case and punctuation folded."""
    if not name:
        return None
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    folded = re.sub(r"^(the)\s+", "", re.sub(r"[^\w\s]", " ", folded)).strip()
    folded = re.sub(r"\s+", " ", folded)
    return f"n:{folded}" if folded else None


def name_tokens(name: str | None, stop: frozenset[str]) -> frozenset[str]:
    """The distinctive words of a name ("Lt Gen Tariq Awan" -> {tariq, awan}), for matching names loosely."""
    if not name:
        return frozenset()
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    common = stop_words()
    return frozenset(w for w in WORD.findall(folded) if len(w) > 2 and w not in stop and w not in common)


def to_date(value: str | None) -> date | None:
    """The calendar day of an ISO date or datetime (a bare year or month gives None: too coarse to compare)."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# -- mentions -------------------------------------------------------------------------------------------------------

@dataclass
class Mention:
    """One event of one article, with what story matching compares."""

    article_id: str
    event_id: str
    type: str
    family: str
    mode: str | None = None
    actors: frozenset[str] = frozenset()  # participant keys
    targets: frozenset[str] = frozenset()
    names: dict[str, str] = field(default_factory=dict)  # key -> name as written
    tokens: frozenset[str] = frozenset()  # distinctive name words of all participants
    countries: frozenset[str] = frozenset()  # participants' countries (ISO3)
    target_countries: frozenset[str] = frozenset()
    place: str | None = None  # place key
    place_name: str | None = None
    place_country: str | None = None
    date: date | None = None
    words: frozenset[str] = frozenset()
    counts: dict[str, int] = field(default_factory=dict)  # word -> occurrences, for long mentions; else each once
    modality: str = "asserted"
    seq: int = 0
    published: str | None = None
    ev_start: int | None = None
    ev_end: int | None = None
    evidence: str | None = None
    source_kind: str | None = None

    @property
    def participants(self) -> frozenset[str]:
        return self.actors | self.targets

    @property
    def ref(self) -> tuple[str, str]:
        return (self.article_id, self.event_id)


def blocking_keys(m: Mention) -> set[str]:
    """The keys under which a mention looks for stories: its family with each participant, its place, its countries.

    Name words are keys too, so "Gen Awan" finds "Tariq Mahmood Awan" before any cross-article resolution.
    """
    keys = {f"{m.family}|p|{k}" for k in m.participants}
    keys |= {f"{m.family}|t|{t}" for t in m.tokens}
    if m.place:
        keys.add(f"{m.family}|pl|{m.place}")
    if not keys:
        keys |= {f"{m.family}|c|{c}" for c in m.countries | ({m.place_country} - {None})}
    return keys


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def text_vector(m: Mention, idf: Callable[[str], float] | None = None) -> dict[str, float]:
    """The mention's words weighed by log term frequency (1 + ln tf) and, with ``idf``, by their rarity."""
    counts = m.counts or dict.fromkeys(m.words, 1)
    return {w: (1.0 + math.log(c)) * (idf(w) if idf else 1.0) for w, c in counts.items()}


def text_similarity(m: Mention, x: Mention, idf: Callable[[str], float] | None = None) -> float:
    """Cosine of two mentions' word vectors: a shared rare word says more than a shared "said"."""
    a, b = text_vector(m, idf), text_vector(x, idf)
    if len(a) > len(b):
        a, b = b, a
    num = sum(v * b[w] for w, v in a.items() if w in b)
    if not num:
        return 0.0
    return num / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def incompatible(m: Mention, x: Mention, cfg: StoryConfig) -> bool:
    """Whether two mentions cannot be one event: days apart beyond the window, or places in different countries."""
    if m.date and x.date and abs((m.date - x.date).days) > cfg.window_days:
        return True
    if m.place_country and x.place_country and m.place_country != x.place_country:
        return True
    return False


def named_keys(keys: frozenset[str]) -> frozenset[str]:
    """The participant keys that stand for named entities (not a phrase like "three civilians")."""
    return frozenset(k for k in keys if not k.startswith("x:"))


def targets_conflict(m: Mention, members: Sequence[Mention]) -> bool:
    """Whether the mention's target contradicts the targets the story already has.

    Rule: one event has one counterpart. When the mention and the story both name a target entity and no named
    target of one is a participant of the other, and their countries do not meet, the mention is about someone
    else (a meeting with another group during the same trip is another event). Resolved entities (canonical ids)
    are compared by id; unresolved names may still meet on a distinctive word ("Gen Awan", "Tariq Awan").
    """
    m_targets = named_keys(m.targets)
    if not m_targets:
        return False
    s_targets = frozenset().union(*(named_keys(x.targets) for x in members))
    if not s_targets:
        return False
    s_parts = frozenset().union(*(x.participants for x in members))
    if m_targets & s_parts or s_targets & m.participants:
        return False
    loose_m = [k for k in m_targets if not k.startswith("c:")]
    loose_s = [(x, k) for x in members for k in named_keys(x.targets) if not k.startswith("c:")]
    if loose_m and loose_s:
        m_tok = frozenset().union(*(_tokens_of(m, k) for k in loose_m))
        s_tok = frozenset().union(*(_tokens_of(x, k) for x, k in loose_s))
        if m_tok & s_tok:
            return False
    s_tc = frozenset().union(*(x.target_countries for x in members))
    return not (m.target_countries and s_tc and m.target_countries & s_tc)


def _tokens_of(m: Mention, key: str) -> frozenset[str]:
    return name_tokens(m.names.get(key), load_config().name_stopwords)


@dataclass(frozen=True)
class Evidence:
    """What two mentions share, each part 0..1: participants, wording, place, date and event type."""

    participants: float
    text: float
    place: float
    date: float
    type: float


def evidence(m: Mention, x: Mention, cfg: StoryConfig, idf: Callable[[str], float] | None = None) -> Evidence:
    """The evidence that two mentions report one event.

    participants: the same canonical actor or name, else shared name words (0.8), else a shared phrase such as
    "the two sides" (0.5), else shared countries (0.5); place: the same place (1) or country (0.5); date: the same
    day (1), a day apart (0.6), further (0.3); type: the same type and mode (1), the same type (0.5); text: the
    cosine of the evidence words (weighed by log term frequency and corpus IDF) over the cosine that counts as the
    same wording. Two reports of one event share a core of words that grows about as the square root of their
    length while the rest of their words differ, so that cosine falls with length: ``text_core / sqrt(n)`` for
    mentions of n distinct words (geometric mean), at most 1; about 0.5 for a sentence, 0.15 for a news story.
    Two mentions of one article share its wording whatever their events, so there the text counts nothing.
    """
    named = _overlap(named_keys(m.participants), named_keys(x.participants))
    phrase = 0.5 * _overlap(m.participants - named_keys(m.participants), x.participants - named_keys(x.participants))
    part = max(named, phrase, 0.8 * _overlap(m.tokens, x.tokens), 0.5 * _overlap(m.countries, x.countries))
    if m.place and x.place and m.place == x.place:
        place = 1.0
    elif m.place_country and m.place_country == x.place_country:
        place = 0.5
    else:
        place = 0.0
    when = 0.0
    if m.date and x.date:
        gap = abs((m.date - x.date).days)
        when = 1.0 if gap == 0 else 0.6 if gap <= 1 else 0.3
    same = 1.0 if (m.type == x.type and (m.mode or "") == (x.mode or "")) else 0.5 if m.type == x.type else 0.0
    text = 0.0
    if m.article_id != x.article_id and m.words and x.words:
        full = min(1.0, cfg.text_core / math.sqrt(math.sqrt(len(m.words) * len(x.words))))
        text = min(1.0, text_similarity(m, x, idf) / full)
    return Evidence(part, text, place, when, same)


def weigh(ev: Evidence, cfg: StoryConfig) -> float:
    """The score of the evidence (0..1): its weighted mean (weights from the story rules).

    Gates: with nobody and no place in common, or with neighbouring types ("agreed" for "met"), only wording as
    similar as ``text_alone`` can make two mentions one event.
    """
    w = cfg.weights
    if ev.text < cfg.text_alone and (ev.type == 0.0 or (ev.participants == 0.0 and ev.place < 1.0)):
        return 0.0
    total = (w["participants"] * ev.participants + w["text"] * ev.text
             + w["place"] * ev.place + w["date"] * ev.date + w["type"] * ev.type)
    return total / (sum(w.values()) or 1.0)


def pair_score(m: Mention, x: Mention, cfg: StoryConfig, idf: Callable[[str], float] | None = None) -> float:
    """How strongly two compatible mentions look like one event (0..1)."""
    return weigh(evidence(m, x, cfg, idf), cfg)


def story_score(m: Mention, members: Sequence[Mention], cfg: StoryConfig,
                idf: Callable[[str], float] | None = None) -> float:
    """The score of a mention against a story: the best over its compatible members; 0 when the story excludes it."""
    members = [x for x in list(members)[:MAX_MEMBERS_COMPARED] if x.ref != m.ref]
    if not members or targets_conflict(m, members):
        return 0.0
    clashes = [x for x in members if incompatible(m, x, cfg)]
    # the story's dates and places are those of most of its members: one stray member neither admits nor bars
    if 2 * len(clashes) > len(members):
        return 0.0
    return max((pair_score(m, x, cfg, idf) for x in members if x not in clashes), default=0.0)


# -- the index of stories -------------------------------------------------------------------------------------------

class StoryIndex(Protocol):
    def candidates(self, keys: set[str], m: Mention) -> list[str]: ...
    def members(self, story_id: str) -> list[Mention]: ...
    def add(self, story_id: str | None, m: Mention, keys: set[str], score: float) -> str: ...


def idf_value(mentions: int, df: int) -> float:
    """Smoothed inverse document frequency of a word found in ``df`` of ``mentions`` mentions."""
    return math.log((1 + mentions) / (1 + df))


def story_id_for(m: Mention) -> str:
    """A stable story id from its founding mention."""
    return "s" + hashlib.sha256(f"{m.article_id}:{m.event_id}".encode()).hexdigest()[:12]


def assign(m: Mention, index: StoryIndex, cfg: StoryConfig | None = None) -> str:
    """Put one mention into the best matching story of ``index`` (or a new one); returns the story id."""
    cfg = cfg or load_config()
    keys = blocking_keys(m)
    best_id, best = None, 0.0
    idf = getattr(index, "idf", None)
    for sid in index.candidates(keys, m)[:MAX_CANDIDATE_STORIES]:
        s = story_score(m, index.members(sid), cfg, idf)
        if s > best:
            best_id, best = sid, s
    if best_id is not None and best >= cfg.threshold:
        return index.add(best_id, m, keys, best)
    return index.add(None, m, keys, 1.0)


@dataclass
class MemoryIndex:
    """Stories kept in memory: for benchmarks, tests and one-off groupings.

    Evidence words weigh by their inverse document frequency over the mentions ``observe`` was given (a batch is
    observed before it is assigned, as ``link_stories`` does); before any, words weigh alike.
    """

    by_key: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    stories: dict[str, list[Mention]] = field(default_factory=dict)
    df: Counter[str] = field(default_factory=Counter)
    seen: int = 0

    def observe(self, mentions: Iterable[Mention]) -> None:
        for m in mentions:
            self.df.update(m.words)
            self.seen += 1

    def idf_of(self, word: str) -> float:
        return idf_value(self.seen, self.df[word])

    @property
    def idf(self) -> Callable[[str], float] | None:
        return self.idf_of if self.seen else None

    def candidates(self, keys: set[str], m: Mention) -> list[str]:
        hits: Counter[str] = Counter()
        for k in keys:
            hits.update(self.by_key.get(k, ()))
        return [sid for sid, _ in hits.most_common()]

    def members(self, story_id: str) -> list[Mention]:
        return self.stories[story_id]

    def add(self, story_id: str | None, m: Mention, keys: set[str], score: float) -> str:
        sid = story_id or story_id_for(m)
        self.stories.setdefault(sid, []).append(m)
        for k in keys:
            self.by_key[k].add(sid)
        return sid


# -- the store ------------------------------------------------------------------------------------------------------

def _country(value: Any) -> str | None:
    return str(value).upper() if value else None


def load_mentions(conn: sqlite3.Connection, article_ids: Sequence[str], cfg: StoryConfig | None = None,
                  only: set[tuple[str, str]] | None = None) -> list[Mention]:
    """The mentions (events) of these articles, built from the events, entities and places tables.

    Participant keys are the entities' canonical ids where cross-article resolution set them, else their
    normalised names (or the event's own actor/target text when no entity is bound).
    """
    cfg = cfg or load_config()
    out: list[Mention] = []
    ids = list(dict.fromkeys(article_ids))
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        marks = ",".join("?" * len(chunk))
        ents: dict[tuple[str, str], sqlite3.Row] = {
            (r["article_id"], r["id"]): r
            for r in conn.execute(f"SELECT article_id, id, name, country, canonical FROM entities"
                                  f" WHERE article_id IN ({marks})", chunk)
        }
        places: dict[tuple[str, str], sqlite3.Row] = {
            (r["article_id"], r["id"]): r
            for r in conn.execute(f"SELECT article_id, id, name, country, geonameid FROM places"
                                  f" WHERE article_id IN ({marks})", chunk)
        }
        rows = conn.execute(
            f"SELECT e.*, a.seq AS a_seq, a.published AS a_published FROM events e JOIN articles a ON a.id=e.article_id"
            f" WHERE e.article_id IN ({marks}) ORDER BY a.seq, e.ev_start", chunk).fetchall()
        for r in rows:
            if only is not None and (r["article_id"], r["id"]) not in only:
                continue
            out.append(_mention(r, ents, places, cfg))
    return out


def _participant(aid: str, ent_id: str | None, text: str | None,
                 ents: dict[tuple[str, str], sqlite3.Row]) -> tuple[str | None, str | None, str | None]:
    """(key, name, country) of an event participant."""
    row = ents.get((aid, ent_id)) if ent_id else None
    if row is not None:
        key = f"c:{row['canonical']}" if row["canonical"] else name_key(row["name"])
        return key, row["name"], _country(row["country"])
    # a participant known only as a phrase ("three civilians"): a weaker key that never contradicts a story
    key = name_key(text)
    return ("x:" + key[2:] if key else None), text, None


def _mention(r: sqlite3.Row, ents: dict, places: dict, cfg: StoryConfig) -> Mention:
    aid = r["article_id"]
    names: dict[str, str] = {}
    actors, targets, countries, tcountries = set(), set(), set(), set()
    for ent_id, text, keyset, is_target in ((r["actor"], r["actor_text"], actors, False),
                                            (r["target"], r["target_text"], targets, True)):
        key, name, ctry = _participant(aid, ent_id, text, ents)
        if key:
            keyset.add(key)
            names[key] = name or key
        if ctry:
            countries.add(ctry)
            if is_target:
                tcountries.add(ctry)
    # name words come from named participants only: the words of a phrase ("the two sides", "the movement") are
    # common words, and two unrelated reports sharing one would otherwise look like reports of one actor
    named = [n for k, n in names.items() if not k.startswith("x:")]
    tokens = frozenset().union(*(name_tokens(n, cfg.name_stopwords) for n in named))
    place_key = place_name = place_country = None
    prow = places.get((aid, r["place"])) if r["place"] else None
    if prow is not None:
        place_key = f"g:{prow['geonameid']}" if prow["geonameid"] else name_key(prow["name"])
        place_name, place_country = prow["name"], _country(prow["country"])
    counts = word_counts(r["ev_text"])
    return Mention(
        article_id=aid, event_id=r["id"], type=r["type"], family=cfg.family(r["type"]), mode=r["mode"],
        actors=frozenset(actors), targets=frozenset(targets), names=names, tokens=tokens,
        countries=frozenset(countries), target_countries=frozenset(tcountries), place=place_key,
        place_name=place_name, place_country=place_country,
        date=to_date(r["date"]) or to_date(r["a_published"]), words=frozenset(counts), counts=dict(counts),
        modality=r["modality"] or "asserted", seq=r["a_seq"], published=r["a_published"], ev_start=r["ev_start"],
        ev_end=r["ev_end"], evidence=r["ev_text"], source_kind=r["source_kind"],
    )


class SQLiteStoryIndex:
    """Stories kept in the store: candidates from ``story_keys`` within the date window, members loaded on demand."""

    def __init__(self, conn: sqlite3.Connection, cfg: StoryConfig | None = None) -> None:
        self.conn = conn
        self.cfg = cfg or load_config()
        self._members: dict[str, list[Mention]] = {}
        self.touched: set[str] = set()
        self._df: dict[str, int] = {}  # document frequencies read so far, kept equal to the table's
        self.seen = self._count("")

    def _count(self, word: str) -> int:
        row = self.conn.execute("SELECT df FROM story_words WHERE word=?", (word,)).fetchone()
        return int(row[0]) if row else 0

    def observe(self, mentions: Sequence[Mention]) -> None:
        """Count a batch of mentions' words into the store's document frequencies (``story_words``)."""
        df: Counter[str] = Counter()
        for m in mentions:
            df.update(m.words)
        df[""] = len(mentions)
        self.conn.executemany("INSERT INTO story_words(word, df) VALUES (?, ?)"
                              " ON CONFLICT(word) DO UPDATE SET df = df + excluded.df", sorted(df.items()))
        self.seen = self._count("")
        if len(self._df) > MAX_CACHED_WORDS:
            self._df.clear()  # bounded memory over a long run: words are read again when needed
        for w in self._df.keys() & df.keys():
            self._df[w] += df[w]

    def prefetch(self, mentions: Iterable[Mention]) -> None:
        """Read the document frequencies of these mentions' words in a few queries."""
        words = sorted({w for m in mentions for w in m.words if w not in self._df})
        for i in range(0, len(words), 400):
            chunk = words[i : i + 400]
            self._df.update(dict.fromkeys(chunk, 0))
            self._df.update(self.conn.execute(
                f"SELECT word, df FROM story_words WHERE word IN ({','.join('?' * len(chunk))})", chunk).fetchall())

    def idf_of(self, word: str) -> float:
        if word not in self._df:
            self._df[word] = self._count(word)
        return idf_value(self.seen, self._df[word])

    @property
    def idf(self) -> Callable[[str], float] | None:
        return self.idf_of if self.seen else None

    def candidates(self, keys: set[str], m: Mention) -> list[str]:
        if not keys:
            return []
        keys_l = sorted(keys)
        hits: Counter[str] = Counter()
        for i in range(0, len(keys_l), 400):
            chunk = keys_l[i : i + 400]
            sql = (f"SELECT k.story_id FROM story_keys k JOIN stories s ON s.id=k.story_id"
                   f" WHERE k.key IN ({','.join('?' * len(chunk))})")
            args: list[Any] = list(chunk)
            if m.date:
                # the date window: a story whose dates all lie far from this mention cannot hold it
                sql += " AND (s.last_date IS NULL OR s.last_date >= ?) AND (s.first_date IS NULL OR s.first_date <= ?)"
                args += [(m.date - timedelta(days=self.cfg.window_days)).isoformat(),
                         (m.date + timedelta(days=self.cfg.window_days)).isoformat()]
            hits.update(r[0] for r in self.conn.execute(sql, args))
        return [sid for sid, _ in hits.most_common(MAX_CANDIDATE_STORIES)]

    def members(self, story_id: str) -> list[Mention]:
        if story_id not in self._members:
            refs = self.conn.execute(
                "SELECT article_id, event_id FROM story_members WHERE story_id=? ORDER BY rowid LIMIT ?",
                (story_id, MAX_MEMBERS_COMPARED)).fetchall()
            wanted = {(r[0], r[1]) for r in refs}
            self._members[story_id] = load_mentions(self.conn, [r[0] for r in refs], self.cfg, only=wanted)
            self.prefetch(self._members[story_id])
        return self._members[story_id]

    def add(self, story_id: str | None, m: Mention, keys: set[str], score: float) -> str:
        c = self.conn
        day = m.date.isoformat() if m.date else None
        if story_id is None:
            story_id = story_id_for(m)
            c.execute("INSERT OR IGNORE INTO stories(id, type, family, first_date, last_date, headline)"
                      " VALUES (?,?,?,?,?,?)", (story_id, m.type, m.family, day, day, m.evidence))
            self._members[story_id] = []
        elif day:
            c.execute("UPDATE stories SET first_date=min(coalesce(first_date, ?), ?),"
                      " last_date=max(coalesce(last_date, ?), ?) WHERE id=?", (day, day, day, day, story_id))
        c.execute("INSERT OR REPLACE INTO story_members(story_id, article_id, event_id, modality, score)"
                  " VALUES (?,?,?,?,?)", (story_id, m.article_id, m.event_id, m.modality, round(score, 4)))
        c.executemany("INSERT OR IGNORE INTO story_keys(key, story_id) VALUES (?,?)", [(k, story_id) for k in keys])
        members = self._members.setdefault(story_id, [])
        if len(members) < MAX_MEMBERS_COMPARED:
            members.append(m)
        self.touched.add(story_id)
        return story_id


def link_stories(conn: sqlite3.Connection, article_ids: Sequence[str], cfg: StoryConfig | None = None) -> set[str]:
    """Assign the events of these (new) articles to stories in the store; returns the ids of the stories touched."""
    cfg = cfg or load_config()
    index = SQLiteStoryIndex(conn, cfg)
    for i in range(0, len(article_ids), 200):
        # only what an article states happened (or denies) is a report: predictions and hypotheses are not
        mentions = [m for m in load_mentions(conn, article_ids[i : i + 200], cfg) if m.modality in cfg.modalities]
        mentions.sort(key=lambda m: (m.seq, m.ev_start or 0))
        # the batch's words count in the corpus statistics before it is assigned (as the rest of the store's do)
        index.observe(mentions)
        index.prefetch(mentions)
        for m in mentions:
            assign(m, index, cfg)
    return index.touched


def summarise(members: Iterable[Mention]) -> dict[str, Any]:
    """The story's type, main participants, place and country, as the most frequent values among its mentions."""
    members = list(members)
    types = Counter(m.type for m in members)
    names: Counter[str] = Counter()
    display: dict[str, str] = {}
    for m in members:
        for k in m.participants:
            names[k] += 1
            display.setdefault(k, m.names.get(k, k))
    places = Counter(m.place_name for m in members if m.place_name)
    countries = Counter(m.place_country for m in members if m.place_country)
    return {
        "type": types.most_common(1)[0][0] if types else None,
        # named participants first: a phrase ("their home", "a framework") shows only when nobody is named
        "actors": [{"key": k, "name": display[k]}
                   for k, _ in sorted(names.most_common(), key=lambda kv: (kv[0].startswith("x:"), -kv[1]))[:6]
                   if not k.startswith("x:") or all(n.startswith("x:") for n in names)],
        "place": places.most_common(1)[0][0] if places else None,
        "country": countries.most_common(1)[0][0] if countries else None,
    }


def actors_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary["actors"], ensure_ascii=False)
