"""Rewrites and shared origins: reports that tell another's text in other words, sentence by sentence.

Exact shingles (``link.reuse``) find copies and pasted passages; a rewrite with synonyms keeps few of them. Here two
articles are aligned **sentence by sentence on content words**: each sentence's stemmed content words weighed by
their rarity (``stories.rarity``: names, numbers and rare words weigh most, so a rewrite that swaps "arrived" for
"landed" keeps most of its weight), a sentence pair matching when its weighted Dice coefficient reaches
``MATCH_MIN``, and only matches that keep the sentences' order counting (the longest increasing run of matches):

* **rewrite**: the aligned sentences cover at least ``REWRITE_MIN`` of the shorter text's sentences (three or more),
  in the same order; a brief (``SHORT_TEXT`` sentences or fewer) must be retold whole and closely: the same report
  reworded;
* **shared-origin**: the aligned sentences are mostly quotations (text inside quotation marks) and cover less than
  a rewrite: two reports quoting the same third source; claims stated inside those quotes count once.

Independent reports of one event share names and a sentence or two ("Awan arrived in Kabul on Saturday"); a
rewrite shares the order and most of the sentences. Candidates are the pairs of articles that report one story, and
the pairs whose leads share ``MIN_LEAD_KEYS`` of their rarest words (``lead_keys``: the names and rare words a
rewrite keeps, so a rewrite of a report no event was coded in is found too); the cost follows the stories and the
lead-word buckets, never all pairs, and each pair is compared once (``paraphrase_checked``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from newstrace.link.reuse import REF_COLUMNS, Alignment, ArticleRef, Passage, ReuseLink, article_ref, origin_first
from newstrace.link.stories import word_weights

SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)")
QUOTED = re.compile(r"[\"“”](.+?)[\"“”]", re.S)
MATCH_MIN = 0.5
REWRITE_MIN = 0.5
SHORT_TEXT = 3  # a text of this many sentences or fewer is a brief: a rewrite retells all of it
SHORT_MATCH_MEAN = 0.6  # the mean match of a brief's sentences in a rewrite
QUOTE_SHARE = 0.6
MIN_CONTENT_WORDS = 4
KEY_RARITY = 3.5  # words at least this rare (wordfreq: "visit" 3, "Kabul" 4.6) key a sentence for comparison
MAX_SENTENCES = 200  # a long article is compared on its first sentences: bounded cost per pair
LEAD_CHARS = 700  # the lead: the headline and first sentences, where a rewrite keeps the original's names
LEAD_WORDS = 8  # the rarest content words of a lead that key it
MIN_RARITY = 4.5  # rarer than "government" (wordfreq): names, places, rare words
MIN_LEAD_KEYS = 3  # lead keys two articles share to be compared
LEAD_DAYS = 3  # leads compared within this many days of each other (or undated)
LEAD_BUCKET_CAP = 200  # a key shared by more articles says nothing (a country's name in every report)
MAX_STORY_PAIRS = 2000  # pairs of one story compared per run: bounded cost on a story of hundreds of reports


@dataclass
class Sentence:
    start: int
    end: int
    weights: dict[str, float]
    total: float
    quoted: float  # share of its characters inside quotation marks
    title: bool = False  # a line with no closing punctuation: a headline, a label


def sentences(text: str) -> list[Sentence]:
    """The sentences of a text with at least MIN_CONTENT_WORDS content words, as weighed word bags."""
    quotes = [(m.start(1), m.end(1)) for m in QUOTED.finditer(text)]
    out: list[Sentence] = []
    for m in SENTENCE.finditer(text):
        if len(out) >= MAX_SENTENCES:
            break
        s, e = m.start(), m.end()
        counts, weights = word_weights(m.group())
        if len(counts) < MIN_CONTENT_WORDS:
            continue
        inside = sum(max(0, min(e, qe) - max(s, qs)) for qs, qe in quotes)
        title = not m.group().rstrip().rstrip("\"'”’)").endswith((".", "!", "?"))
        out.append(Sentence(s, e, weights, sum(weights.values()), inside / max(1, e - s), title))
    return out


def dice(a: Sentence, b: Sentence) -> float:
    """The weighted Dice coefficient of two sentences' content words (0..1)."""
    if len(a.weights) > len(b.weights):
        a, b = b, a
    shared = sum(min(w, b.weights[k]) for k, w in a.weights.items() if k in b.weights)
    return 2 * shared / ((a.total + b.total) or 1.0)


def _increasing(pairs: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """The longest run of matches whose sentences keep their order in both texts."""
    best: list[list[tuple[int, int, float]]] = []
    for p in pairs:
        chain = max((c for c in best if c[-1][0] < p[0] and c[-1][1] < p[1]), key=len, default=[])
        best.append([*chain, p])
    return max(best, key=len, default=[])


@dataclass
class Rewording:
    kind: str  # rewrite | shared-origin
    pairs: list[tuple[Sentence, Sentence, float]]
    coverage: float  # share of the shorter text's sentences aligned


def _retold(run: list[tuple[int, int, float]], shorter: int, coverage: float,
            titles: frozenset[int] = frozenset()) -> bool:
    """Whether aligned sentences make a rewrite: in a text of ``SHORT_TEXT`` sentences or fewer every sentence is
    retold, closely on average (two independent briefs of one event share their names, place and numbers, and so
    two of their three sentences); in a longer one at least ``REWRITE_MIN`` of them and three or more, in order.
    In a brief, the mean is taken over its sentences, not its headline (``titles``, indices into the first text):
    two headlines of one event name the same people and place whoever wrote them."""
    if shorter <= SHORT_TEXT:
        body = [s for i, _, s in run if i not in titles] or [s for _, _, s in run]
        return len(run) == shorter and sum(body) / len(body) >= SHORT_MATCH_MEAN
    return coverage >= REWRITE_MIN and len(run) >= 3


def compare(a_text: str, b_text: str) -> Rewording | None:
    """Whether ``b`` retells ``a`` (or both quote one source), with the aligned sentences; None when neither."""
    return compare_sentences(sentences(a_text), sentences(b_text))


def compare_sentences(sa: list[Sentence], sb: list[Sentence]) -> Rewording | None:
    """``compare`` on texts already cut into weighed sentences (an article is cut once however many it meets)."""
    if not sa or not sb:
        return None
    # a sentence is scored only against those sharing a word rarer than KEY_RARITY with it: two sentences that
    # match share names or rare words, and "said" or "officials" alone never make a match
    by_word: dict[str, list[int]] = {}
    for j, y in enumerate(sb):
        for w, r in y.weights.items():
            if r >= KEY_RARITY:
                by_word.setdefault(w, []).append(j)
    matches = []
    for i, x in enumerate(sa):
        near = {j for w, r in x.weights.items() if r >= KEY_RARITY for j in by_word.get(w, ())}
        if not near:
            continue
        score, j = max((dice(x, sb[j]), j) for j in near)
        if score >= MATCH_MIN:
            matches.append((i, j, score))
    run = _increasing(matches)
    if not run:
        return None
    shorter = min(len(sa), len(sb))
    coverage = len(run) / shorter
    pairs = [(sa[i], sb[j], s) for i, j, s in run]
    if _retold(run, shorter, coverage, frozenset(i for i, x in enumerate(sa) if x.title)):
        return Rewording("rewrite", pairs, coverage)
    quoted = [p for p in pairs if p[0].quoted >= QUOTE_SHARE and p[1].quoted >= QUOTE_SHARE]
    if quoted and len(quoted) * 2 >= len(pairs):
        return Rewording("shared-origin", quoted, coverage)
    return None


def lead_keys(text: str | None) -> set[str]:
    """The ``LEAD_WORDS`` rarest content words (stems) of a text's lead, of rarity ``MIN_RARITY`` or more."""
    _, weights = word_weights((text or "")[:LEAD_CHARS])
    rare = sorted((w for w, r in weights.items() if r >= MIN_RARITY), key=lambda w: (-weights[w], w))
    return set(rare[:LEAD_WORDS])


def lead_pairs(conn: sqlite3.Connection, new_ids: Sequence[str]) -> set[tuple[str, str]]:
    """Index the leads of these (new) articles and return the pairs of articles whose leads share
    ``MIN_LEAD_KEYS`` keys within ``LEAD_DAYS`` days (ids in order)."""
    from newstrace.link.stories import to_date

    rows: list[tuple[str, str, str | None]] = []
    days: dict[str, str | None] = {}
    keys_of: dict[str, list[str]] = {}
    for i in range(0, len(new_ids), 400):
        chunk = list(new_ids[i : i + 400])
        for aid, text, published in conn.execute(f"SELECT id, substr(text, 1, {LEAD_CHARS}), published FROM articles"
                                                 f" WHERE id IN ({','.join('?' * len(chunk))})", chunk):
            day = to_date(published)
            days[aid] = day.isoformat() if day else None
            keys_of[aid] = sorted(lead_keys(text))
            rows += [(k, aid, days[aid]) for k in keys_of[aid]]
    conn.executemany("INSERT OR IGNORE INTO lead_keys(key, article_id, day) VALUES (?,?,?)", rows)
    shared: dict[tuple[str, str], int] = {}
    for aid in sorted(days):
        hits: dict[str, int] = {}
        for key in keys_of[aid]:
            bucket = conn.execute("SELECT article_id, day FROM lead_keys WHERE key=? LIMIT ?",
                                  (key, LEAD_BUCKET_CAP + 1)).fetchall()
            if len(bucket) > LEAD_BUCKET_CAP:
                continue
            for other, day in bucket:
                if other != aid and _near(days[aid], day):
                    hits[other] = hits.get(other, 0) + 1
        for other, n in hits.items():
            if n >= MIN_LEAD_KEYS:
                shared[tuple(sorted((aid, other)))] = n  # type: ignore[index]
    return set(shared)


def _near(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    from datetime import date

    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) <= LEAD_DAYS


def link_rewrites(conn: sqlite3.Connection, stories: Iterable[Sequence[str]], new_ids: Sequence[str] = ()) -> set[str]:
    """Compare the articles of each story pairwise, and the new articles with those whose leads share their rare
    words (each pair once), and store the rewrites and shared origins found as reuse links with their aligned
    sentences as passages; returns the ids of the copies found."""
    from newstrace.link.reuse import save_link

    pairs: set[tuple[str, str]] = lead_pairs(conn, new_ids) if new_ids else set()
    for ids in stories:
        pairs.update(list(combinations(sorted(set(ids)), 2))[:MAX_STORY_PAIRS])
    todo = sorted(p for p in pairs if not _checked(conn, p))
    if not todo:
        return set()
    refs = _refs(conn, {x for p in todo for x in p})
    found: set[str] = set()
    cut: dict[str, list[Sentence]] = {}
    for a_id, b_id in todo:
        conn.execute("INSERT OR IGNORE INTO paraphrase_checked(a_id, b_id) VALUES (?,?)", (a_id, b_id))
        a, b = refs.get(a_id), refs.get(b_id)
        if a is None or b is None or _linked(conn, a_id, b_id):
            continue
        link = reworded(a, b, cut)
        if link is not None:
            save_link(conn, link)
            found.add(link.copy.id)
    return found


def reworded(a: ArticleRef, b: ArticleRef, cut: dict[str, list[Sentence]] | None = None) -> ReuseLink | None:
    """The rewrite or shared-origin link between two articles (the later one the copy), or None; ``cut`` keeps
    each article's sentences for the next pair."""
    cut = {} if cut is None else cut
    a_first, how = origin_first(a, b)
    origin, copy = (a, b) if a_first else (b, a)
    for ref in (origin, copy):
        if ref.id not in cut:
            cut[ref.id] = sentences(ref.text)
    rw = compare_sentences(cut[origin.id], cut[copy.id])
    if rw is None:
        return None
    passages = [Passage(y.start, y.end, x.start, x.end, len(y.weights)) for x, y, _ in rw.pairs]
    words = sum(p.words for p in passages)
    al = Alignment(passages, round(rw.coverage, 4), round(rw.coverage, 4), words)
    return ReuseLink(copy, origin, rw.kind, al, how)


def _checked(conn: sqlite3.Connection, pair: tuple[str, str]) -> bool:
    return conn.execute("SELECT 1 FROM paraphrase_checked WHERE a_id=? AND b_id=?", pair).fetchone() is not None


def _linked(conn: sqlite3.Connection, a: str, b: str) -> bool:
    """Whether the pair already shares exact passages (a copy or excerpt found by ``link.reuse``)."""
    return conn.execute("SELECT 1 FROM reuse_links WHERE (copy_id=? AND origin_id=?) OR (copy_id=? AND origin_id=?)",
                        (a, b, b, a)).fetchone() is not None


def _refs(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, ArticleRef]:
    out: dict[str, ArticleRef] = {}
    ids = sorted(ids)
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        for r in conn.execute(f"SELECT {REF_COLUMNS} FROM articles a LEFT JOIN link_articles l ON l.article_seq=a.seq"
                              f" WHERE a.id IN ({','.join('?' * len(chunk))})", chunk):
            out[r[1]] = article_ref(r)
    return out
