"""Stories: event mentions from different articles that report one real-world event.

A mention (one coded event of one article) is compared only with the stored mentions that share a blocking key with
it: its type family joined with a named participant's name, a distinctive name word, its place, the sentence it is
stated in, or (for a headline and its lead) the article; failing all of them, a participant's country. Two mentions
are **linked** when their dates fall inside the window, their place countries and their counterparts do not
contradict, and a score over participants, wording, place, date and event type reaches the threshold
(``pair_score``; words weigh by a fixed rarity, ``rarity``, never by corpus counts, so a link depends on its two
mentions alone). Links are kept in the store (``story_links``) with each mention's keys (``mention_keys``); a new
mention's links are added, and every connected group of links it touches is cut into stories again
(``link.grouping.cluster``), so the stories depend on the mentions alone: the same in any ingest order or batch,
and an incremental link equals a full one.

A key held by more than ``story_key_cap`` mentions in one block of days (blocks as long as the window) is hot
there and compares no pair (``hot_blocks``, ``usable_keys``): the cost of a key in every report of a busy week stays
bounded, and pairs that share a rarer key still meet.

``link_stories`` does this for the new articles of a link run; ``load_mentions`` builds mentions from the store's
events, entities and places; generic participants ("the two sides", "officials", bare nationality words) give no
key and no name words.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any


from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import rule_files

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
    merge_mean: float = 0.15  # mean link of a lone mention to a story that lets it join after the pass (grouping)
    merge_stories: float = 0.3  # mean link across two stories of one event type that merges them after the pass
    # families of happenings that have no actor (a quake, a fire): their place and country stand for who took part
    place_families: frozenset[str] = frozenset()
    place_country_part: float = 0.3  # what the same country counts as participants for those families
    # a blocking key held by more mentions than this in one block of days says nothing by itself (``hot_blocks``)
    key_cap: int = 200

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
    merge_mean, merge_stories = StoryConfig.merge_mean, StoryConfig.merge_stories
    modalities: set[str] | None = None
    place_families: set[str] = set()
    key_cap = StoryConfig.key_cap
    for data in rule_files(files, "story rules"):
        place_families.update(str(f) for f in data.get("story_place_families") or [])
        for fam, types in (data.get("story_families") or {}).items():
            for t in types or []:
                families[str(t).upper()] = str(fam)
        window = int(data.get("story_window_days", window))
        threshold = float(data.get("story_threshold", threshold))
        weights.update({str(k): float(v) for k, v in (data.get("story_weights") or {}).items() if k in weights})
        text_core = float(data.get("story_text_core", text_core))
        text_alone = float(data.get("story_text_alone", text_alone))
        merge_mean = float(data.get("story_merge_mean", merge_mean))
        merge_stories = float(data.get("story_merge_stories", merge_stories))
        key_cap = int(data.get("story_key_cap", key_cap))
        stop.update(str(w).casefold() for w in data.get("name_stopwords") or [])
        if data.get("story_modalities"):
            modalities = {str(m) for m in data["story_modalities"]}
    return StoryConfig(families, window, threshold, frozenset(stop), frozenset(modalities or {"asserted", "negated"}),
                       weights, text_core, text_alone, merge_mean, merge_stories, frozenset(place_families),
                       key_cap=key_cap)


# -- text helpers ---------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, read from spaCy's own list without importing spaCy (a second of start-up that a
    linker in a fresh process would pay for one word list); through the import where the file is not at hand."""
    import importlib.util

    spec = importlib.util.find_spec("spacy")  # locates the package without running it
    path = Path(spec.origin).parent / "lang" / "en" / "stop_words.py" if spec and spec.origin else None
    if path is not None and path.is_file():
        scope: dict[str, Any] = {}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), scope)  # noqa: S102 - spaCy's own data file
        if isinstance(scope.get("STOP_WORDS"), (set, frozenset)):
            return frozenset(scope["STOP_WORDS"])
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
    return word_weights(text)[0]


@lru_cache(maxsize=200_000)
def rarity(word: str) -> float:
    """How much a shared word says that two texts tell one event: 8 less its Zipf frequency in English (wordfreq).

    A fixed property of the word, not of the store: the same two reports score the same whatever else has been
    ingested, which is what lets stories come out alike in any ingest order. "said" weighs 2, "visit" 3,
    "Kabul" 4.6, a word wordfreq does not know 8.
    """
    from wordfreq import zipf_frequency

    return max(1.0, 8.0 - zipf_frequency(word, "en"))


def word_weights(text: str | None) -> tuple[Counter[str], dict[str, float]]:
    """The stemmed content words of a text with their counts, and each stem's rarity (its rarest surface form)."""
    out: Counter[str] = Counter()
    weights: dict[str, float] = {}
    if not text:
        return out, weights
    stop = stop_words()
    for w in WORD.findall(text.casefold()):
        if len(w) > 2 and w not in stop:
            st = stem(w)
            out[st] += 1
            weights[st] = max(weights.get(st, 0.0), rarity(w))
    return out, weights


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


NAME_WORD_RARITY = 3.0  # rarity (8 - wordfreq Zipf) below which a name's word is too common to tell who it is


def name_tokens(name: str | None, stop: frozenset[str]) -> frozenset[str]:
    """The distinctive words of a name ("Lt Gen Tariq Awan" -> {tariq, awan}), for matching names loosely.

    A word as common as "council" or "national" (``NAME_WORD_RARITY``) names nobody in particular: two bodies that
    share it ("the Sereth Council", "the Lakemont Council") are not one party."""
    if not name:
        return frozenset()
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    common = stop_words()
    return frozenset(w for w in WORD.findall(folded) if len(w) > 2 and w not in stop and w not in common
                     and rarity(w) >= NAME_WORD_RARITY)


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
    place_is_country: bool = False  # the place is a whole country ("Peru"), not a town or region in one
    date: date | None = None
    words: frozenset[str] = frozenset()
    counts: dict[str, int] = field(default_factory=dict)  # word -> occurrences, for long mentions; else each once
    weights: dict[str, float] = field(default_factory=dict)  # word -> rarity (``rarity``); empty: all alike
    modality: str = "asserted"
    seq: int = 0
    published: str | None = None
    ev_start: int | None = None
    ev_end: int | None = None
    evidence: str | None = None
    source_kind: str | None = None
    trigger: str | None = None
    flags: tuple[str, ...] = ()
    target_types: frozenset[str] = frozenset()  # entity types of the named targets (GPE, ORG, ...)

    @property
    def participants(self) -> frozenset[str]:
        return self.actors | self.targets

    @property
    def ref(self) -> tuple[str, str]:
        return (self.article_id, self.event_id)


LEAD_KEY_CHARS = 800  # mentions starting this early in an article are its headline's or its lead's


def blocking_keys(m: Mention) -> set[str]:
    """The keys under which a mention looks for stories: its family with each participant, its place, its countries.

    Name words are keys too, so "Gen Awan" finds "Tariq Mahmood Awan" before any cross-article resolution.
    """
    # a phrase ("the two sides", "officials") is no key: generic participants never bring reports together
    keys = {f"{m.family}|p|{k}" for k in named_keys(m.participants)}
    keys |= {f"{m.family}|t|{t}" for t in m.tokens}
    if m.place:
        keys.add(f"{m.family}|pl|{m.place}")
    if m.ev_start is not None:
        keys.add(f"{m.family}|s|{m.article_id}:{m.ev_start}")
    if "headline" in m.flags or (m.ev_start is not None and m.ev_start < LEAD_KEY_CHARS):
        # a headline and the lead below it are compared (grouping.link_score links them when they tell one event)
        keys.add(f"{m.family}|lead|{m.article_id}")
    if not keys or (m.place_country and not named_keys(m.participants)
                    and m.family in load_config().place_families):
        # a happening with no actor is found by its country too: "Colca Valley" and "southern Peru" are one quake's
        keys |= {f"{m.family}|c|{c}" for c in m.countries | ({m.place_country} - {None})}
    return keys


# -- hot blocks: the cap on a blocking key ----------------------------------------------------------------------------
# A key such as "verbal cooperation with the United States" or "placed in Russia" is held by thousands of mentions
# a week in a month of world news; scoring all their pairs costs the square of that, and a pair that shares nothing
# rarer is no evidence of one event. So the days are cut into blocks as long as the story window, and a key held by
# more than ``key_cap`` mentions in one block is **hot** there: a pair of mentions is compared through a key only
# when the key is hot in neither's block (``usable_keys``), and pairs that share a rarer key still meet through it.
# Counts only grow, so a key once hot in a block stays hot; ``link_stories`` takes back the links a key that turned
# hot had made alone, so an incremental link still equals a full one.

def key_bucket(day: date | None, cfg: StoryConfig) -> int | None:
    """The block of days a mention's keys are counted in: its day's ordinal over the story window (None: undated).
    Two mentions inside the window are in one block or in two neighbouring ones."""
    return day.toordinal() // max(1, cfg.window_days) if day else None


def bucket_days(bucket: int, cfg: StoryConfig) -> tuple[str, str]:
    """The first and last day of a block (ISO dates)."""
    w = max(1, cfg.window_days)
    return date.fromordinal(max(1, bucket * w)).isoformat(), date.fromordinal(bucket * w + w - 1).isoformat()


def hot_blocks(mentions: Iterable[Mention], cfg: StoryConfig) -> set[tuple[str, int | None]]:
    """The (key, block) pairs held by more than ``key_cap`` of these mentions (a whole corpus, in memory)."""
    counts: Counter[tuple[str, int | None]] = Counter()
    for m in mentions:
        b = key_bucket(m.date, cfg)
        counts.update((k, b) for k in blocking_keys(m))
    return {kb for kb, n in counts.items() if n > cfg.key_cap}


def hot_keys_of(m: Mention, hot: set[tuple[str, int | None]], cfg: StoryConfig) -> frozenset[str]:
    """The keys of a mention that are hot in its block (``hot``: the hot (key, block) pairs)."""
    b = key_bucket(m.date, cfg)
    return frozenset(k for k in blocking_keys(m) if (k, b) in hot)


def usable_keys(m_keys: frozenset[str] | set[str], m_hot: frozenset[str], x_keys: frozenset[str] | set[str],
                x_hot: frozenset[str]) -> set[str]:
    """The keys two mentions share that are hot in neither's block: the keys through which they are compared."""
    return (set(m_keys) & set(x_keys)) - m_hot - x_hot


def block_rows(key: str, bucket: int | None, cfg: StoryConfig) -> tuple[str, list[Any]]:
    """The query (and its arguments) of the mentions in ``mention_keys`` that hold ``key`` in block ``bucket``."""
    sql = "SELECT article_id, event_id FROM mention_keys WHERE key=? AND "
    if bucket is None:
        return sql + "day IS NULL", [key]
    return sql + "day BETWEEN ? AND ?", [key, *bucket_days(bucket, cfg)]


class BlockCounts:
    """Whether a key is hot in a block of days, counted in the store's ``mention_keys`` (each pair asked once a run).

    The counts include every mention whose keys are stored, the new ones of this run too, so a full link counts the
    whole corpus, as the Spark link step does."""

    def __init__(self, conn: sqlite3.Connection, cfg: StoryConfig) -> None:
        self.conn, self.cfg = conn, cfg
        self._n: dict[tuple[str, int | None], int] = {}

    def count(self, key: str, bucket: int | None) -> int:
        """How many mentions hold ``key`` in ``bucket``, counted up to ``key_cap`` + 1."""
        kb = (key, bucket)
        if kb not in self._n:
            sql, args = block_rows(key, bucket, self.cfg)
            self._n[kb] = self.conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)",
                                            [*args, self.cfg.key_cap + 1]).fetchone()[0]
        return self._n[kb]

    def hot(self, key: str, bucket: int | None) -> bool:
        return self.count(key, bucket) > self.cfg.key_cap


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def text_vector(m: Mention, idf: Callable[[str], float] | None = None) -> dict[str, float]:
    """The mention's words weighed by log term frequency (1 + ln tf) and by their rarity: ``idf`` when given (a
    corpus's own statistics, for one-off groupings), else the mention's fixed word rarities."""
    counts = m.counts or dict.fromkeys(m.words, 1)
    if idf is not None:
        return {w: (1.0 + math.log(c)) * idf(w) for w, c in counts.items()}
    return {w: (1.0 + math.log(c)) * m.weights.get(w, 1.0) for w, c in counts.items()}


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
    # names still meet on a distinctive word, resolved or not: cross-article resolution is cautious, and "Kunar
    # villages" and "Afghanistan's Kunar province" are two entities that one event may name
    m_tok = frozenset().union(*(_tokens_of(m, k) for k in m_targets))
    s_tok = frozenset().union(*(_tokens_of(x, k) for x in members for k in named_keys(x.targets)))
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

    participants: the same canonical actor or name, else shared name words (0.8), else shared countries (0.5); a
    shared phrase such as "the two sides" or "officials" counts nothing (generic participants never link); for a
    happening with no actor (``story_place_families``) the same place (1) or country (0.3) instead; place: the same place (1) or country (0.5); date: the same
    day (1), a day apart (0.6), further (0.3); type: the same type and mode (1), the same type (0.5); text: the
    cosine of the evidence words (weighed by log term frequency and corpus IDF) over the cosine that counts as the
    same wording. Two reports of one event share a core of words that grows about as the square root of their
    length while the rest of their words differ, so that cosine falls with length: ``text_core / sqrt(n)`` for
    mentions of n distinct words (geometric mean), at most 1; about 0.5 for a sentence, 0.15 for a news story.
    Two mentions of one article share its wording whatever their events, so there the text counts nothing.
    """
    named = _overlap(named_keys(m.participants), named_keys(x.participants))
    part = max(named, 0.8 * _overlap(m.tokens, x.tokens), 0.5 * _overlap(m.countries, x.countries))
    if m.family in cfg.place_families and not named_keys(m.participants) and not named_keys(x.participants):
        # a quake or a fire has no actor: where it happened says which one it is, the place itself fully, the
        # country only a little (two fires in one country in a week are common; their reports' words tell them apart)
        same_country = bool(m.place_country and m.place_country == x.place_country)
        part = (1.0 if m.place and m.place == x.place
                # "struck southern Peru" and "in the Colca Valley": the country holds the place
                else 0.8 if same_country and (m.place_is_country or x.place_is_country)
                else cfg.place_country_part if same_country else 0.0)
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

    Gates: with nobody in common (a shared place is not enough: one city hosts many events), or with neighbouring
    types ("agreed" for "met"), only wording as similar as ``text_alone`` can make two mentions one event.
    """
    w = cfg.weights
    if ev.text < cfg.text_alone and (ev.type == 0.0 or ev.participants == 0.0):
        return 0.0
    total = (w["participants"] * ev.participants + w["text"] * ev.text
             + w["place"] * ev.place + w["date"] * ev.date + w["type"] * ev.type)
    return total / (sum(w.values()) or 1.0)


def pair_score(m: Mention, x: Mention, cfg: StoryConfig, idf: Callable[[str], float] | None = None) -> float:
    """How strongly two compatible mentions look like one event (0..1)."""
    return weigh(evidence(m, x, cfg, idf), cfg)



def story_id_for(m: Mention) -> str:
    """A stable story id from its founding mention."""
    return "s" + hashlib.sha256(f"{m.article_id}:{m.event_id}".encode()).hexdigest()[:12]



# -- the store ------------------------------------------------------------------------------------------------------

GENERIC_TYPES = frozenset({"NORP"})
GENERIC_NAME = re.compile(
    r"^(?:the\s+)?(?:two|both|all|other|some|many|several|local|senior|top|government|security|foreign)?\s*"
    r"(?:sides?|parties|officials?|sources?|people|residents|authorities|leaders?|countries|nations|delegations?|"
    r"governments?|ministers?|observers|analysts|experts|diplomats|witnesses|police|forces|troops|militants|"
    r"he|she|they|it|we|you|i|him|her|them|us|nobody|everyone|someone|anyone)$", re.I)


def is_generic(name: str | None) -> bool:
    """Whether a participant's name is a generic phrase ("the two sides", "officials", "they") that names nobody."""
    return bool(name) and bool(GENERIC_NAME.match(name.strip()))


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
            for r in conn.execute(f"SELECT article_id, id, name, type, country, canonical FROM entities"
                                  f" WHERE article_id IN ({marks})", chunk)
        }
        places: dict[tuple[str, str], sqlite3.Row] = {
            (r["article_id"], r["id"]): r
            for r in conn.execute(f"SELECT article_id, id, name, country, geonameid, feature FROM places"
                                  f" WHERE article_id IN ({marks})", chunk)
        }
        rows = conn.execute(
            f"SELECT e.*, a.seq AS a_seq, a.published AS a_published FROM occurrences e JOIN articles a ON a.id=e.article_id"
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
        if row["type"] in GENERIC_TYPES or is_generic(row["name"]):
            # a bare nationality word ("Afghan", "American") says which country, not who: a country, no key
            return None, None, _country(row["country"])
        key = name_key(row['name'])
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
    place_is_country = False
    prow = places.get((aid, r["place"])) if r["place"] else None
    if prow is not None:
        place_key = f"g:{prow['geonameid']}" if prow["geonameid"] else name_key(prow["name"])
        place_name, place_country = prow["name"], _country(prow["country"])
        place_is_country = (prow["feature"] or "") == "country"
    trow = ents.get((aid, r["target"])) if r["target"] else None
    ttypes = {trow["type"]} if trow is not None and trow["type"] and targets else set()
    counts, weights = word_weights(r["ev_text"])
    return Mention(
        article_id=aid, event_id=r["id"], type=r["type"], family=cfg.family(r["type"]), mode=r["mode"],
        actors=frozenset(actors), targets=frozenset(targets), names=names, tokens=tokens,
        countries=frozenset(countries), target_countries=frozenset(tcountries), place=place_key,
        place_name=place_name, place_country=place_country, place_is_country=place_is_country,
        date=to_date(r["date"]) or to_date(r["a_published"]), words=frozenset(counts), counts=dict(counts),
        weights=weights, modality=r["modality"] or "asserted", seq=r["a_seq"], published=r["a_published"],
        ev_start=r["ev_start"],
        ev_end=r["ev_end"], evidence=r["ev_text"], source_kind=r["source_kind"], trigger=r["trigger"],
        flags=tuple(_flags(r["flags"])), target_types=frozenset(ttypes),
    )


def _flags(value: Any) -> list[str]:
    try:
        out = json.loads(value) if value else []
    except (TypeError, ValueError):
        return []
    return [str(f) for f in out] if isinstance(out, list) else []


Ref = tuple[str, str]
MAX_GROUP = 20_000  # mentions of one connected group reclustered at once; past it the group is cut (logged)


def _day(m: Mention) -> str | None:
    return m.date.isoformat() if m.date else None


def _mentions_of(conn: sqlite3.Connection, refs: Iterable[Ref], cfg: StoryConfig) -> list[Mention]:
    wanted = set(refs)
    return load_mentions(conn, sorted({a for a, _ in wanted}), cfg, only=wanted)


def _candidates(conn: sqlite3.Connection, m: Mention, cfg: StoryConfig, counts: BlockCounts) -> set[Ref]:
    """The linked mentions that share a key with ``m`` that is hot in neither's block (``usable_keys``), within the
    date window (or without a date)."""
    out: set[Ref] = set()
    mine = key_bucket(m.date, cfg)
    for key in sorted(blocking_keys(m)):
        if counts.hot(key, mine):
            continue
        sql = "SELECT article_id, event_id, day FROM mention_keys WHERE key=?"
        args: list[Any] = [key]
        if m.date:
            sql += " AND (day IS NULL OR day BETWEEN ? AND ?)"
            args += [(m.date - timedelta(days=cfg.window_days)).isoformat(),
                     (m.date + timedelta(days=cfg.window_days)).isoformat()]
        for aid, eid, day in conn.execute(sql, args):
            b = key_bucket(to_date(day), cfg)
            if b == mine or not counts.hot(key, b):
                out.add((aid, eid))
    out.discard(m.ref)
    return out


def _retract(conn: sqlite3.Connection, new: Sequence[Mention], cfg: StoryConfig, counts: BlockCounts) -> set[Ref]:
    """Take back the stored links that a key turned hot by these new mentions had made alone; returns the mentions
    whose links went (their groups are cut again).

    A key's count in a block only grows, so a pair linked while its only shared key was not yet hot there is no
    longer a pair a full link would compare: without this, the stories would depend on the order of ingest."""
    added: Counter[tuple[str, int | None]] = Counter()
    for m in new:
        b = key_bucket(m.date, cfg)
        added.update((k, b) for k in blocking_keys(m))
    turned = sorted((kb for kb, n in added.items() if counts.hot(*kb) and counts.count(*kb) - n <= cfg.key_cap),
                    key=lambda kb: (kb[0], kb[1] if kb[1] is not None else -1))
    if not turned:
        return set()
    new_refs = {m.ref for m in new}
    keys: dict[Ref, tuple[set[str], frozenset[str]]] = {}
    gone: set[Ref] = set()
    taken = 0
    for key, bucket in turned:
        for a in [(r[0], r[1]) for r in conn.execute(*block_rows(key, bucket, cfg))]:
            if a in new_refs:
                continue
            for b in _linked_to(conn, a):
                for ref in (a, b):
                    if ref not in keys:
                        keys[ref] = _keys_of(conn, ref, cfg, counts)
                if not usable_keys(*keys[a], *keys[b]):
                    x, y = sorted((a, b))
                    conn.execute("DELETE FROM story_links WHERE a_article=? AND a_event=? AND b_article=?"
                                 " AND b_event=?", (*x, *y))
                    gone |= {a, b}
                    taken += 1
    if taken:
        log.info("%d story links taken back: their only shared key turned hot", taken)
    return gone


def _linked_to(conn: sqlite3.Connection, ref: Ref) -> list[Ref]:
    """The mentions a stored story link joins to ``ref``."""
    a, e = ref
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT b_article, b_event FROM story_links WHERE a_article=? AND a_event=?"
        " UNION SELECT a_article, a_event FROM story_links WHERE b_article=? AND b_event=?", (a, e, a, e))]


def _keys_of(conn: sqlite3.Connection, ref: Ref, cfg: StoryConfig, counts: BlockCounts) -> tuple[set[str],
                                                                                                   frozenset[str]]:
    """A stored mention's keys and those of them hot in its block."""
    rows = conn.execute("SELECT key, day FROM mention_keys WHERE article_id=? AND event_id=?", ref).fetchall()
    keys = {r[0] for r in rows}
    hot = frozenset(r[0] for r in rows if counts.hot(r[0], key_bucket(to_date(r[1]), cfg)))
    return keys, hot


def _group(conn: sqlite3.Connection, start: Iterable[Ref]) -> set[Ref]:
    """The mentions connected to ``start`` through story links (the group whose stories must be cut again)."""
    seen: set[Ref] = set(start)
    todo = sorted(seen)
    while todo and len(seen) < MAX_GROUP:
        nxt: list[Ref] = []
        for start_ref in todo:
            for ref in _linked_to(conn, start_ref):
                if ref not in seen:
                    seen.add(ref)
                    nxt.append(ref)
        todo = sorted(nxt)
    if todo:
        log.warning("a group of linked mentions passed %d; the rest is not reclustered this run", MAX_GROUP)
    return seen


def _links_among(conn: sqlite3.Connection, refs: set[Ref]) -> list[Any]:
    from newstrace.link.grouping import Link

    out = []
    articles = sorted({a for a, _ in refs})
    for i in range(0, len(articles), 400):
        chunk = articles[i : i + 400]
        for r in conn.execute(f"SELECT a_article, a_event, b_article, b_event, score FROM story_links"
                              f" WHERE a_article IN ({','.join('?' * len(chunk))})", chunk):
            a, b = (r[0], r[1]), (r[2], r[3])
            if a in refs and b in refs:
                out.append(Link(a, b, r[4]))
    return out


def _drop_stories(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    ids = sorted(set(ids))
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM claim_reports WHERE claim_id IN (SELECT id FROM claims WHERE story_id IN ({marks}))",
                     chunk)
        for table in ("claims", "story_reports", "story_members", "story_keys"):
            conn.execute(f"DELETE FROM {table} WHERE story_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)


def _stories_of(conn: sqlite3.Connection, refs: Iterable[Ref]) -> set[str]:
    out: set[str] = set()
    for a, e in refs:
        out.update(r[0] for r in conn.execute("SELECT story_id FROM story_members WHERE article_id=? AND event_id=?",
                                              (a, e)))
    return out


def link_stories(conn: sqlite3.Connection, article_ids: Sequence[str],
                 cfg: StoryConfig | None = None) -> tuple[dict[str, list[Mention]], set[str]]:
    """Link the events of these (new) articles into the store's stories.

    Yields the stories (re)written, with their members, and the ids of stories that no longer exist (merged or cut
    anew). Each new mention is linked with the stored mentions sharing a key in its date window; then every group of
    linked mentions it touches is clustered again from its links (``grouping.cluster``), so the stories depend on
    the mentions alone, not on the order or batches they came in.
    """
    from newstrace.link.grouping import link_score

    cfg = cfg or load_config()
    # only what an article states happened (or denies) is a report: predictions and hypotheses are not
    new = [m for m in load_mentions(conn, article_ids, cfg) if m.modality in cfg.modalities]
    if not new:
        return {}, set()
    by_ref = {m.ref: m for m in new}
    conn.executemany("INSERT OR IGNORE INTO mention_keys(key, day, article_id, event_id) VALUES (?,?,?,?)",
                     sorted(((k, _day(m), m.article_id, m.event_id) for m in new for k in blocking_keys(m)),
                            key=lambda t: (t[0], t[1] or "", t[2], t[3])))
    counts = BlockCounts(conn, cfg)
    retracted = _retract(conn, new, cfg, counts)
    cands = {m.ref: _candidates(conn, m, cfg, counts) for m in new}
    others = _mentions_of(conn, {r for cs in cands.values() for r in cs if r not in by_ref}, cfg)
    known = {**{x.ref: x for x in others}, **by_ref}
    rows = []
    for ref in sorted(cands):
        m = by_ref[ref]
        for o in sorted(cands[ref]):
            if o in by_ref and o < ref:
                continue  # a pair of two new mentions is scored once
            x = known.get(o)
            if x is None:
                continue
            score = link_score(m, x, cfg)
            if score >= cfg.threshold:
                a, b = sorted((m.ref, x.ref))
                rows.append((*a, *b, round(score, 6)))
    conn.executemany("INSERT OR REPLACE INTO story_links(a_article, a_event, b_article, b_event, score)"
                     " VALUES (?,?,?,?,?)", rows)
    return recluster(conn, _group(conn, set(by_ref) | retracted), cfg, known)


def recluster(conn: sqlite3.Connection, refs: set[Ref], cfg: StoryConfig,
              known: dict[Ref, Mention] | None = None) -> tuple[dict[str, list[Mention]], set[str]]:
    """Cut the stories of a group of linked mentions anew and write them; returns (stories written, ids gone)."""
    from newstrace.link.grouping import cluster_groups, story_id

    known = known or {}
    mentions = [known[r] for r in refs if r in known]
    mentions += _mentions_of(conn, {r for r in refs if r not in known}, cfg)
    old = _stories_of(conn, refs)
    _drop_stories(conn, old)
    written: dict[str, list[Mention]] = {}
    for members in cluster_groups(mentions, _links_among(conn, refs), cfg):
        sid = story_id(members)
        days = sorted(d for d in (_day(m) for m in members) if d)
        first = members[0]
        conn.execute("INSERT OR REPLACE INTO stories(id, type, family, first_date, last_date, headline)"
                     " VALUES (?,?,?,?,?,?)", (sid, first.type, first.family, days[0] if days else None,
                                               days[-1] if days else None, first.evidence))
        conn.executemany("INSERT OR REPLACE INTO story_members(story_id, article_id, event_id, modality, score)"
                         " VALUES (?,?,?,?,?)", [(sid, m.article_id, m.event_id, m.modality, 1.0) for m in members])
        written[sid] = members
    return written, old - set(written)


def summarise(members: Iterable[Mention]) -> dict[str, Any]:
    """The story's type, main participants, place and country, as the most frequent values among its mentions."""
    members = sorted(members, key=lambda m: m.ref)  # ties go to the smallest, not to whoever was read first
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
        "type": _top(types),
        # named participants first: a phrase ("their home", "a framework") shows only when nobody is named
        "actors": [{"key": k, "name": display[k]}
                   for k, _ in sorted(names.most_common(), key=lambda kv: (kv[0].startswith("x:"), -kv[1], kv[0]))[:6]
                   if not k.startswith("x:") or all(n.startswith("x:") for n in names)],
        "place": _top(places),
        "country": _top(countries),
    }


def _top(counts: Counter[str]) -> str | None:
    """The most frequent value, the smallest among equals (so the answer does not hang on reading order)."""
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else None


def actors_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary["actors"], ensure_ascii=False)
