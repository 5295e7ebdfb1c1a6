"""Text reuse across articles: which earlier article a passage was copied from, and where it sits in both.

How it works, and why:

* **Fingerprints that survive pasting.** An article's words are cut into content-defined intervals: a cut falls
  after every word whose hash is divisible by ``ANCHOR_DIV`` (so a cut depends on the word itself, not on where the
  passage starts). A passage copied into another article therefore produces the same intervals there, whatever
  surrounds it. Each window of two consecutive intervals (about 20 words) gets a MinHash signature
  (datasketch's MinHash, legacy scheme, word 3-shingles; computed for all windows of an article in one numpy
  pass and checked against datasketch in the tests), so a short excerpt in a long article is found as easily as
  a whole copy: containment, not whole-document Jaccard, is what the index sees.
* **LSH as rows.** Each signature is split into ``BANDS`` bands; each band hashes to a key stored in
  ``reuse_bands(band_key, article_seq)``. Articles that share ``MIN_BAND_HITS`` keys are candidates. Signatures are stored as
  blobs, so linking new articles reads the index and never recomputes the corpus. Keys shared by more than
  ``BUCKET_CAP`` articles are boilerplate (a site's footer) and are ignored.
* **Alignment.** A candidate pair is verified on word 4-shingles: the shared shingles, merged into runs, give
  the passages with character offsets in both texts and the containment both ways.
* **Direction.** A copy that credits its origin ("X reported") decides; else the earlier publication date; without
  two different dates, the smaller article id (fixed, so no answer hangs on ingest order).
* **Kind.** ``duplicate`` when both texts are nearly the same and come from one outlet; ``syndicated`` when most of
  the later article is the origin's text (a wire or partner story republished); ``excerpt`` otherwise.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import islice
from typing import Any

import numpy as np
from datasketch import MinHash

WORD = re.compile(r"\w+", re.UNICODE)

ANCHOR_DIV = 10  # mean words per interval
MAX_INTERVAL = 40  # a cut is forced after this many words without an anchor
NUM_PERM = 16
BANDS = 4
ROWS = NUM_PERM // BANDS
SEED = 20261125
MINHASH_SHINGLE = 3
ALIGN_SHINGLE = 4
MIN_PASSAGE_WORDS = 15  # shorter shared runs are common phrasing, not copying
GAP_WORDS = 3  # runs separated by at most this many differing words are one passage (a light edit)
BUCKET_CAP = 64
MIN_BAND_HITS = 2  # one identical window gives BANDS hits; a single chance band collision is not a candidate
MAX_CANDIDATES = 50  # per new article, the most-hit candidates verified
MAX_WORDS = 200_000  # a longer text is fingerprinted on its first MAX_WORDS words (bounded time per document)

DUPLICATE_MIN = 0.9
SYNDICATED_MIN = 0.7  # a republication keeps most of the origin and adds little; a pasted passage is less of the copy

_MASK32 = np.uint64(0xFFFFFFFF)
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_P1, _P2, _P3 = np.uint64(0x9E3779B1), np.uint64(0x85EBCA77), np.uint64(0xC2B2AE3D)


@dataclass
class Tokens:
    """The words of a text: their char offsets (when asked for) and 32-bit hashes."""

    starts: np.ndarray | None
    ends: np.ndarray | None
    hashes: np.ndarray  # uint64 holding 32-bit values

    def __len__(self) -> int:
        return len(self.hashes)


_WORD_HASHES: dict[str, int] = {}


def _hash_words(words: list[str]) -> np.ndarray:
    """Stable 32-bit hashes of case-folded words (crc32), memoised for the vocabulary seen so far."""
    cache = _WORD_HASHES
    if len(cache) > 2_000_000:
        cache.clear()  # bounded memory on endless streams
    out = []
    for w in words:
        h = cache.get(w)
        if h is None:
            h = cache[w] = zlib.crc32(w.encode("utf-8"))
        out.append(h)
    return np.array(out, dtype=np.uint64)


def tokenize(text: str, max_words: int = MAX_WORDS, offsets: bool = True) -> Tokens:
    """The words of ``text`` (case-folded, punctuation ignored) with stable hashes and, if asked, char offsets."""
    if not offsets:
        words = WORD.findall(text.casefold())[:max_words]
        return Tokens(None, None, _hash_words(words))
    spans = [m.span() for m in islice(WORD.finditer(text), max_words)]
    arr = np.array(spans, dtype=np.int64).reshape(-1, 2)
    words = [text[a:b].casefold() for a, b in spans]
    return Tokens(arr[:, 0], arr[:, 1], _hash_words(words))


def shingle_hashes(hashes: np.ndarray, k: int) -> np.ndarray:
    """32-bit hashes of every run of ``k`` consecutive words (empty when the text is shorter than ``k``)."""
    n = len(hashes) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc = acc * _P1 + hashes[j : j + n] * _P2 + _P3
            acc ^= acc >> np.uint64(29)
    return (acc ^ (acc >> np.uint64(32))) & _MASK32


def intervals(hashes: np.ndarray) -> list[tuple[int, int]]:
    """Content-defined word intervals ``[start, end)``: a cut after each anchor word, or after MAX_INTERVAL words."""
    cuts = (np.nonzero(hashes % np.uint64(ANCHOR_DIV) == 0)[0] + 1).tolist()
    out: list[tuple[int, int]] = []
    prev = 0
    for c in [*cuts, len(hashes)]:
        while c - prev > MAX_INTERVAL:
            out.append((prev, prev + MAX_INTERVAL))
            prev += MAX_INTERVAL
        if c > prev:
            out.append((prev, c))
            prev = c
    return out


@dataclass
class Fingerprint:
    """The MinHash signatures of one article's windows and the LSH band keys they give."""

    windows: list[tuple[int, int]]  # word offsets [start, end) of each window
    signatures: np.ndarray  # uint32 [windows, NUM_PERM]
    words: int

    def band_keys(self) -> set[int]:
        return band_keys(self.signatures)

    def blobs(self) -> tuple[bytes, bytes]:
        return (np.asarray(self.windows, dtype="<i8").tobytes(), self.signatures.astype("<u4").tobytes())


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The permutations of datasketch's MinHash (legacy scheme) for NUM_PERM and SEED."""
    proto = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme="legacy")
    a, b = proto.permutations
    return a.astype(np.uint64), b.astype(np.uint64)


def minhash(values: Sequence[int]) -> np.ndarray:
    """The datasketch MinHash signature of a set of 32-bit values (the reference the fast path must equal)."""
    m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme="legacy", permutations=_permutations())
    m.update_batch([int(v) for v in values])
    return m.hashvalues.astype(np.uint32)


def interval_signatures(shingles: np.ndarray, starts: list[int]) -> np.ndarray:
    """MinHash signatures of consecutive groups of shingles (group k = shingles[starts[k]:starts[k+1]]).

    The same values datasketch's MinHash (legacy scheme, same seed) gives for each group, computed for the whole
    article in one numpy pass: permute every shingle hash, then take the minimum per group.
    """
    a, b = _permutations()
    out = np.full((len(starts), NUM_PERM), _MAX_HASH, dtype=np.uint64)
    valid = [k for k, s in enumerate(starts) if s < len(shingles)]
    if not valid:
        return out.astype(np.uint32)
    with np.errstate(over="ignore"):
        phv = ((shingles.reshape(-1, 1) * a + b) % _MERSENNE) & _MAX_HASH
    mins = np.minimum.reduceat(phv, [starts[k] for k in valid], axis=0)
    out[valid] = mins
    return out.astype(np.uint32)


def fingerprint(text: str, tokens: Tokens | None = None) -> Fingerprint:
    """MinHash signatures of the windows of two consecutive content-defined intervals of ``text``.

    A window's signature is the element-wise minimum of its intervals' signatures, which is the MinHash of the
    union of their shingles, so each interval is hashed once.
    """
    tok = tokens if tokens is not None else tokenize(text, offsets=False)
    ivs = intervals(tok.hashes)
    sh = shingle_hashes(tok.hashes, MINHASH_SHINGLE)
    # an interval's shingles are those starting inside it (the last ones reach into the next interval)
    sigs = interval_signatures(sh, [a for a, _ in ivs])
    windows: list[tuple[int, int]] = []
    rows: list[np.ndarray] = []
    empty = np.uint32(_MAX_HASH)
    for i in range(len(ivs)):
        j = min(i + 1, len(ivs) - 1)
        if ivs[j][1] - ivs[i][0] < MINHASH_SHINGLE + 3 and len(ivs) > 1:
            continue  # too few shingles to say anything
        sig = np.minimum(sigs[i], sigs[j])
        if (sig == empty).all():
            continue
        windows.append((ivs[i][0], ivs[j][1]))
        rows.append(sig)
        if j == len(ivs) - 1:
            break
    mat = np.vstack(rows).astype(np.uint32) if rows else np.zeros((0, NUM_PERM), dtype=np.uint32)
    return Fingerprint(windows, mat, len(tok))


def band_keys(signatures: np.ndarray) -> set[int]:
    """The LSH keys of each window's bands, as signed 63-bit integers (SQLite INTEGER)."""
    if len(signatures) == 0:
        return set()
    sig = signatures.astype(np.uint64).reshape(len(signatures), BANDS, ROWS)
    acc = np.zeros((len(signatures), BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        acc += np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(0x27D4EB2F165667C5)
        for r in range(ROWS):
            acc = (acc ^ sig[:, :, r]) * np.uint64(0x100000001B3)
            acc ^= acc >> np.uint64(31)
    acc &= np.uint64(0x7FFFFFFFFFFFFFFF)
    return {int(x) for x in acc.ravel()}


# -- alignment ---------------------------------------------------------------------------------------------------

@dataclass
class Passage:
    """A passage found in both texts: char offsets in the copy and in the origin, and its length in words."""

    copy_start: int
    copy_end: int
    origin_start: int
    origin_end: int
    words: int


@dataclass
class Alignment:
    """What two texts share: the passages and the share of each text's words that they cover."""

    passages: list[Passage] = field(default_factory=list)
    containment_a: float = 0.0  # share of A's words inside shared passages
    containment_b: float = 0.0
    shared_words: int = 0


def align(a_text: str, b_text: str, a_tok: Tokens | None = None, b_tok: Tokens | None = None) -> Alignment:
    """The passages ``a`` shares with ``b``, with offsets in both, and the containment both ways.

    Shared 4-shingles are found with numpy; runs of them (allowing GAP_WORDS differing words) are passages in A,
    each mapped to B by following the shingles from the run's first match. Runs under MIN_PASSAGE_WORDS are
    dropped as common phrasing.
    """
    ta = a_tok if a_tok is not None else tokenize(a_text)
    tb = b_tok if b_tok is not None else tokenize(b_text)
    sa, sb = shingle_hashes(ta.hashes, ALIGN_SHINGLE), shingle_hashes(tb.hashes, ALIGN_SHINGLE)
    if len(sa) == 0 or len(sb) == 0:
        return Alignment()
    hit_a = np.isin(sa, sb)
    if not hit_a.any():
        return Alignment()
    b_pos: dict[int, list[int]] = defaultdict(list)
    hit_b = np.isin(sb, sa)
    for j in np.nonzero(hit_b)[0].tolist():
        b_pos[int(sb[j])].append(j)
    hit_a = hit_a.tolist()
    sa, sb = sa.tolist(), sb.tolist()
    passages: list[Passage] = []
    cover_a = np.zeros(len(ta), dtype=bool)
    cover_b = np.zeros(len(tb), dtype=bool)
    i, n = 0, len(sa)
    while i < n:
        if not hit_a[i]:
            i += 1
            continue
        # follow the best-matching occurrence in B from this shingle, tolerating small edits
        best: tuple[int, int, int] | None = None  # (end_a, start_b, end_b)
        for j0 in b_pos[sa[i]][:8]:
            ia, jb, last_a, last_b = i, j0, i, j0
            while ia < n and jb < len(sb):
                if sa[ia] == sb[jb]:
                    last_a, last_b = ia, jb
                    ia += 1
                    jb += 1
                    continue
                # a light edit: resume if the texts meet again within GAP_WORDS + shingle words on both sides
                resumed = False
                for da in range(0, GAP_WORDS + ALIGN_SHINGLE):
                    for db in range(0, GAP_WORDS + ALIGN_SHINGLE):
                        if (da or db) and ia + da < n and jb + db < len(sb) and sa[ia + da] == sb[jb + db]:
                            ia, jb, resumed = ia + da, jb + db, True
                            break
                    if resumed:
                        break
                if not resumed:
                    break
            cand = (last_a + ALIGN_SHINGLE, j0, last_b + ALIGN_SHINGLE)
            if best is None or cand[0] - i > best[0] - i:
                best = cand
        assert best is not None
        end_a, start_b, end_b = best
        if end_a - i >= MIN_PASSAGE_WORDS:
            passages.append(Passage(int(ta.starts[i]), int(ta.ends[end_a - 1]), int(tb.starts[start_b]),
                                    int(tb.ends[end_b - 1]), end_a - i))
            cover_a[i:end_a] = True
            cover_b[start_b:end_b] = True
        i = max(end_a - ALIGN_SHINGLE + 1, i + 1)
    if not passages:
        return Alignment()
    shared = int(cover_a.sum())
    return Alignment(passages, shared / max(len(ta), 1), int(cover_b.sum()) / max(len(tb), 1), shared)


# -- direction and kind --------------------------------------------------------------------------------------------

def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=None) if dt.tzinfo is None else dt.astimezone().replace(tzinfo=None)


def earlier(a_pub: str | None, a_seq: int, b_pub: str | None, b_seq: int) -> tuple[bool, str]:
    """Whether A came first, and what decided it: the publication dates when both exist and differ, else ingest."""
    da, db = _parse(a_pub), _parse(b_pub)
    if da is not None and db is not None and da != db:
        # a date-only value is midnight; compare at day precision when either side has no time
        if len(a_pub or "") <= 10 or len(b_pub or "") <= 10:
            if da.date() != db.date():
                return da.date() < db.date(), "published"
        else:
            return da < db, "published"
    return a_seq < b_seq, "ingest"


def origin_first(a: ArticleRef, b: ArticleRef) -> tuple[bool, str]:
    """Whether A is the origin of a pair sharing text, and what decided it.

    An explicit credit first (the copy says "A reported"), then the publication dates; then, on the same day, the
    signs of a republication: an alternate rendering of the page (an AMP or print URL of the same outlet) and a
    byline or dateline
    that names the other outlet, a wire or a desk ("By GlobeWire", "KAMPALA (GlobeWire) -", "Wire Reports"); then
    the article ids: the last is arbitrary but fixed, so the same two articles get the same direction in any
    ingest order.
    """
    from newstrace.link.credits import alternate_rendering, credits, republished

    b_credits_a = credits(b.text, a.outlet, a.outlet_key)
    a_credits_b = credits(a.text, b.outlet, b.outlet_key)
    if b_credits_a != a_credits_b:
        return b_credits_a, "credit"
    first, how = earlier(a.published, 0, b.published, 0)
    if how == "published":
        return first, how
    a_alt, b_alt = alternate_rendering(a.url), alternate_rendering(b.url)
    if a_alt != b_alt and a.outlet_key and a.outlet_key == b.outlet_key:
        # an AMP or print page renders its own outlet's article; beside another outlet's it tells nothing of who
        # wrote first
        return b_alt, "url"
    a_rep = republished(a.byline, a.text, (b.outlet, b.outlet_key))
    b_rep = republished(b.byline, b.text, (a.outlet, a.outlet_key))
    if a_rep != b_rep:
        return b_rep, "byline"
    return a.id < b.id, "id"


def reuse_kind(containment_copy: float, containment_origin: float, same_outlet: bool) -> str:
    """duplicate: the same text from one outlet; syndicated: the copy is mostly the origin; excerpt: otherwise."""
    if containment_copy >= DUPLICATE_MIN and containment_origin >= DUPLICATE_MIN and same_outlet:
        return "duplicate"
    if containment_copy >= SYNDICATED_MIN:
        return "syndicated"
    return "excerpt"


# -- the store side ------------------------------------------------------------------------------------------------

@dataclass
class ArticleRef:
    seq: int
    id: str
    published: str | None
    outlet_key: str | None
    text: str
    outlet: str | None = None
    byline: str | None = None
    url: str | None = None


REF_COLUMNS = "a.seq, a.id, a.published, a.text, l.outlet_key, a.outlet, a.byline, a.url"


def article_ref(r: Sequence[Any]) -> ArticleRef:
    """An ``ArticleRef`` from a row of ``REF_COLUMNS``."""
    return ArticleRef(r[0], r[1], r[2], r[4], r[3], r[5], r[6], r[7])


def _fetch(conn: sqlite3.Connection, seqs: Sequence[int]) -> dict[int, ArticleRef]:
    out: dict[int, ArticleRef] = {}
    seqs = list(seqs)
    for i in range(0, len(seqs), 500):
        chunk = seqs[i : i + 500]
        q = (f"SELECT {REF_COLUMNS} FROM articles a LEFT JOIN link_articles l ON l.article_seq=a.seq"
             f" WHERE a.seq IN ({','.join('?' * len(chunk))})")
        for r in conn.execute(q, chunk):
            out[r[0]] = article_ref(r)
    return out


def index_articles(conn: sqlite3.Connection, refs: Iterable[ArticleRef]) -> dict[int, set[int]]:
    """Fingerprint articles and write their signatures and band rows; returns their band keys."""
    keys: dict[int, set[int]] = {}
    sig_rows, band_rows = [], []
    for ref in refs:
        fp = fingerprint(ref.text)
        offsets, sigs = fp.blobs()
        sig_rows.append((ref.seq, NUM_PERM, len(fp.windows), offsets, sigs))
        keys[ref.seq] = fp.band_keys()
        band_rows.extend((k, ref.seq) for k in keys[ref.seq])
    conn.executemany("INSERT OR REPLACE INTO reuse_signatures(article_seq, num_perm, windows, offsets, signatures)"
                     " VALUES (?,?,?,?,?)", sig_rows)
    band_rows.sort()  # in key order the b-tree is written page by page, not at random
    conn.executemany("INSERT OR IGNORE INTO reuse_bands(band_key, article_seq) VALUES (?,?)", band_rows)
    return keys


def candidates(conn: sqlite3.Connection, keys_by_seq: dict[int, set[int]]) -> dict[int, list[int]]:
    """For each article, the other articles sharing at least MIN_BAND_HITS LSH band keys with it, most first (the
    smallest ``seq`` first among equals), at most ``MAX_CANDIDATES``.

    Done in SQL over a temporary table of the articles' keys: keys whose bucket holds more than BUCKET_CAP articles
    are boilerplate and dropped first, so a site footer never turns into all pairs.
    """
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS link_new_keys(band_key INTEGER NOT NULL, article_seq INTEGER NOT NULL)")
    conn.execute("DELETE FROM link_new_keys")
    conn.executemany("INSERT INTO link_new_keys(band_key, article_seq) VALUES (?,?)",
                     sorted((k, seq) for seq, keys in keys_by_seq.items() for k in keys))
    conn.execute("CREATE INDEX IF NOT EXISTS temp.link_new_keys_key ON link_new_keys(band_key)")
    conn.execute(
        "DELETE FROM link_new_keys WHERE band_key IN (SELECT b.band_key FROM reuse_bands b WHERE b.band_key IN"
        " (SELECT band_key FROM link_new_keys) GROUP BY b.band_key HAVING count(*) > ?)", (BUCKET_CAP,))
    rows = conn.execute(
        "SELECT n.article_seq, b.article_seq, count(*) AS hits FROM link_new_keys n"
        " JOIN reuse_bands b ON b.band_key = n.band_key AND b.article_seq != n.article_seq"
        " GROUP BY n.article_seq, b.article_seq HAVING hits >= ? ORDER BY n.article_seq, hits DESC, b.article_seq",
        (MIN_BAND_HITS,)).fetchall()
    conn.execute("DELETE FROM link_new_keys")
    out: dict[int, list[int]] = defaultdict(list)
    for s, o, _ in rows:
        if len(out[s]) < MAX_CANDIDATES:
            out[s].append(o)
    return dict(out)


@dataclass
class ReuseLink:
    copy: ArticleRef
    origin: ArticleRef
    kind: str
    alignment: Alignment
    direction_by: str


def stored_keys(conn: sqlite3.Connection, seqs: Sequence[int]) -> dict[int, set[int]]:
    """The band keys of these indexed articles, from their stored signatures."""
    out: dict[int, set[int]] = {}
    seqs = list(seqs)
    for i in range(0, len(seqs), 500):
        chunk = seqs[i : i + 500]
        for seq, sigs in conn.execute(f"SELECT article_seq, signatures FROM reuse_signatures WHERE article_seq IN"
                                      f" ({','.join('?' * len(chunk))})", chunk):
            out[seq] = band_keys(np.frombuffer(sigs, dtype="<u4").reshape(-1, NUM_PERM))
    return out


def index_new(conn: sqlite3.Connection, new_seqs: Sequence[int]) -> None:
    """Fingerprint these stored articles and write their signatures and band keys (``link_reuse`` reads them)."""
    refs = _fetch(conn, new_seqs)
    index_articles(conn, (refs[s] for s in sorted(new_seqs) if s in refs))


def link_reuse(conn: sqlite3.Connection, new_seqs: Sequence[int], batch: int = 2000,
               pairs: Mapping[int, Sequence[int]] | None = None) -> Iterator[ReuseLink]:
    """Yield the reuse links of these new (indexed: ``index_new``) articles with the store's articles and with each
    other.

    ``link_store`` indexes every new article of a run before it compares any, so a band key's count
    (``BUCKET_CAP``) and an article's best candidates (``MAX_CANDIDATES``) cover the whole run, not the batches so
    far: one run over a corpus compares what the Spark link step compares. ``pairs`` (new article -> the articles to
    compare it with) replaces the candidates found here: a Spark bin holds only some of an article's candidates and
    is told which ones the whole corpus ranks first. Works in batches of ``batch`` new articles so memory stays
    bounded (no cursor stays open between two links, so the caller may commit between them); each pair is verified
    once (the pairs of two new articles are remembered for the run, the others meet from one side only).
    """
    new_seqs = sorted(new_seqs)
    new = set(new_seqs)
    seen_pairs: set[tuple[int, int]] = set()
    for i in range(0, len(new_seqs), batch):
        part = new_seqs[i : i + batch]
        refs = _fetch(conn, part)
        if pairs is None:
            cands = candidates(conn, stored_keys(conn, [s for s in part if s in refs]))
        else:
            cands = {s: list(pairs[s]) for s in part if s in refs and pairs.get(s)}
        toks: dict[int, Tokens] = {}
        others = {o for cs in cands.values() for o in cs if o not in refs}
        refs.update(_fetch(conn, sorted(others)))
        for s, cs in sorted(cands.items()):
            for o in cs:
                pair = (min(s, o), max(s, o))
                if o not in refs or (o in new and pair in seen_pairs):
                    continue
                if o in new:
                    seen_pairs.add(pair)
                for x in (s, o):
                    if x not in toks:
                        toks[x] = tokenize(refs[x].text)
                link = verify(refs[s], refs[o], toks[s], toks[o])
                if link is not None:
                    yield link
        # tokens and texts are kept only for this batch: memory stays bounded on any corpus size
        del toks, refs


def verify(a: ArticleRef, b: ArticleRef, ta: Tokens | None = None, tb: Tokens | None = None) -> ReuseLink | None:
    """The reuse link between two candidate articles, or None when they share no real passage."""
    a_first, how = origin_first(a, b)
    origin, copy = (a, b) if a_first else (b, a)
    t_origin, t_copy = (ta, tb) if a_first else (tb, ta)
    al = align(copy.text, origin.text, t_copy, t_origin)
    if not al.passages:
        return None
    # one outlet (or two unknown ones): a repeat of its own text is a duplicate; across outlets it is a republication
    same = copy.outlet_key == origin.outlet_key
    kind = reuse_kind(al.containment_a, al.containment_b, same)
    return ReuseLink(copy, origin, kind, al, how)


def save_link(conn: sqlite3.Connection, link: ReuseLink) -> None:
    """Write one reuse link and its passages (replacing an earlier version of the same pair)."""
    c, o = link.copy.id, link.origin.id
    conn.execute("DELETE FROM reuse_passages WHERE copy_id=? AND origin_id=?", (c, o))
    conn.execute(
        "INSERT OR REPLACE INTO reuse_links(copy_id, origin_id, kind, containment_copy, containment_origin,"
        " shared_words, direction_by) VALUES (?,?,?,?,?,?,?)",
        (c, o, link.kind, round(link.alignment.containment_a, 4), round(link.alignment.containment_b, 4),
         link.alignment.shared_words, link.direction_by),
    )
    conn.executemany(
        "INSERT INTO reuse_passages(copy_id, origin_id, copy_start, copy_end, origin_start, origin_end, words)"
        " VALUES (?,?,?,?,?,?,?)",
        [(c, o, p.copy_start, p.copy_end, p.origin_start, p.origin_end, p.words) for p in link.alignment.passages],
    )
