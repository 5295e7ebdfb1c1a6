"""Stories on ECB+: cluster each topic's documents into the real-world events they report.

    .venv/bin/python benchmarks/stories.py /work/shared/data/dev/stories/ecbplus-dev [--limit-topics N]

Each ECB+ topic mixes documents about two real events of one kind (the ``*ecb.xml`` files report one, the
``*ecbplus.xml`` files the other). Every document runs through the newstrace pipeline (spaCy + the newstrace
components); its story mention is built the way ``newstrace.link.stories`` builds event mentions: participants
(entity names, folded), their distinctive name words, the most-mentioned place (without its country: a document
names places in several countries), and the counts of the content words of its text; documents of a topic are
compared whatever the types of their events (one family). Each topic is grouped with ``link.grouping.group_mentions``
(blocking keys, compatibility checks, pair score with fixed word rarities, threshold from the shipped data, then
constrained single-link clustering), the same rules ``link_stories`` applies in the store.

Scores: B-cubed and pairwise precision/recall/F1 over each topic's documents, micro-averaged over documents
(B-cubed) and pairs (pairwise). Baselines in the same run: TF-IDF cosine over the documents' words (a) with the
same one-pass assignment at the best of several thresholds (chosen on this very set, so an optimistic baseline),
and (b) average-link agglomerative clustering cut at exactly two clusters per topic (it is told the answer's size).
"""

from __future__ import annotations

import argparse
import pickle
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from newstrace.link.grouping import group_mentions
from tfidf import cos, single_pass, vectors
from newstrace.link.stories import Mention, load_config, name_key, name_tokens, word_weights

NO_SPACE_BEFORE = {".", ",", ":", ";", "!", "?", "%", ")", "]", "'s", "n't", "''", "'", "'re", "'ve", "'ll", "'d", "'m"}
NO_SPACE_AFTER = {"(", "[", "$", "``"}
PARTICIPANT_TYPES = {"PERSON", "ORG", "NORP", "GPE", "FAC", "LOC", "EVENT", "PRODUCT", "WORK_OF_ART"}


@dataclass
class Document:
    topic: str
    name: str
    gold: str  # ecb | ecbplus
    text: str


def read_document(path: Path) -> str:
    """The document's text rebuilt from its tokens: sentences on their own lines, punctuation attached."""
    root = ET.parse(path).getroot()
    lines: dict[int, list[str]] = defaultdict(list)
    for tok in root.iter("token"):
        lines[int(tok.get("sentence", "0"))].append(tok.text or "")
    out = []
    for _, toks in sorted(lines.items()):
        s = ""
        for t in toks:
            t = {"``": "\"", "''": "\""}.get(t, t)
            if s and t not in NO_SPACE_BEFORE and not s.endswith(tuple(NO_SPACE_AFTER)):
                s += " "
            s += t
        out.append(s)
    return "\n".join(out)


def load(root: Path, limit_topics: int | None) -> list[Document]:
    docs = []
    topics = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: int(p.name) if p.name.isdigit() else 0)
    for topic in topics[:limit_topics]:
        for f in sorted(topic.glob("*.xml")):
            gold = "ecbplus" if f.stem.endswith("ecbplus") else "ecb"
            docs.append(Document(topic.name, f.stem, gold, read_document(f)))
    return docs


# -- the system: document mentions assigned to stories ------------------------------------------------------------

def lead(text: str, n: int = 3) -> str:
    return "\n".join(text.split("\n")[:n])


def document_mention(doc: Document, an, cfg) -> Mention:  # noqa: ANN001 - Analysis
    """A document as one story mention, from what the pipeline found in it."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    countries = set()
    lead_end = len(lead(doc.text))
    for e in an.entities:
        if e.type not in PARTICIPANT_TYPES:
            continue
        key = name_key(e.name)
        if not key:
            continue
        # participants named in the lead weigh most; the rest must recur to count
        in_lead = any(s < lead_end for s, _ in e.mentions)
        counts[key] += len(e.mentions) + (3 if in_lead else 0)
        names.setdefault(key, e.name)
        if e.country:
            countries.add(e.country)
    keys = {k for k, c in counts.items() if c >= 2}
    tokens = frozenset().union(*(name_tokens(names[k], cfg.name_stopwords) for k in keys)) if keys else frozenset()
    places = Counter()
    pname = {}
    for p in an.places:
        key = f"g:{p.geonameid}" if p.geonameid else name_key(p.name)
        places[key] += len(p.mentions)
        pname[key] = p.name
    place = places.most_common(1)[0][0] if places else None
    types = Counter(ev.type for ev in an.events)
    counts, weights = word_weights(doc.text)
    family = cfg.family(types.most_common(1)[0][0]) if types else "NONE"
    return Mention(
        article_id=doc.name, event_id="doc", type=types.most_common(1)[0][0] if types else "NONE", family=family,
        actors=frozenset(keys), names=names, tokens=tokens, countries=frozenset(countries),
        # no place country: a document names places in several countries, and the country of its most-named
        # place is too weak a guess to veto a story the way an event's own place does
        place=place, place_name=pname.get(place),
        words=frozenset(counts), counts=dict(counts), weights=weights,
    )


def cluster_system(docs: list[Document], analyses: list, cfg) -> dict[str, str]:  # noqa: ANN001
    """Story id per document, topic by topic (each topic is its own corpus), grouped as the link stage does."""
    out = {}
    by_topic: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        by_topic[d.topic].append(i)
    for topic, idx in by_topic.items():
        mentions = [document_mention(docs[i], analyses[i], cfg) for i in idx]
        for m in mentions:
            # documents are compared across type families: a topic's documents are of one kind already
            m.family = m.type = "DOC"
        stories = group_mentions(mentions, cfg)
        for i, m in zip(idx, mentions):
            out[docs[i].name] = f"{topic}:{stories[m.ref]}"
    return out


# -- the baselines --------------------------------------------------------------------------------------------------



def tfidf(docs: list[Document]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (log tf, smoothed idf) over each topic's documents."""
    return vectors([d.text for d in docs])


def by_topic(docs: list[Document]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        out[d.topic].append(i)
    return out


def baseline_single_pass(docs: list[Document], threshold: float) -> dict[str, str]:
    """TF-IDF cosine, the same one-pass assignment: join the story of the most similar earlier document."""
    out = {}
    for topic, idx in by_topic(docs).items():
        labels = single_pass(tfidf([docs[i] for i in idx]), threshold)
        out.update({docs[i].name: f"{topic}:{labels[k]}" for k, i in enumerate(idx)})
    return out


def baseline_agglomerative(docs: list[Document], k: int = 2) -> dict[str, str]:
    """TF-IDF cosine, average-link agglomerative clustering cut at ``k`` clusters per topic."""
    out = {}
    for topic, idx in by_topic(docs).items():
        vecs = tfidf([docs[i] for i in idx])
        sim = [[cos(a, b) for b in vecs] for a in vecs]
        clusters = [[i] for i in range(len(idx))]
        while len(clusters) > k:
            best, pair = -1.0, (0, 1)
            for x in range(len(clusters)):
                for y in range(x + 1, len(clusters)):
                    s = sum(sim[a][b] for a in clusters[x] for b in clusters[y]) / (len(clusters[x]) * len(clusters[y]))
                    if s > best:
                        best, pair = s, (x, y)
            x, y = pair
            clusters[x] += clusters.pop(y)
        for c, members in enumerate(clusters):
            for m in members:
                out[docs[idx[m]].name] = f"{topic}:{c}"
    return out


# -- scores ---------------------------------------------------------------------------------------------------------

def prf(p: float, r: float) -> tuple[float, float, float]:
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bcubed(docs: list[Document], pred: dict[str, str]) -> tuple[float, float, float]:
    gold = {d.name: f"{d.topic}:{d.gold}" for d in docs}
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        by_pred[pred[d.name]].add(d.name)
        by_gold[gold[d.name]].add(d.name)
    p = r = 0.0
    for d in docs:
        c, g = by_pred[pred[d.name]], by_gold[gold[d.name]]
        both = len(c & g)
        p += both / len(c)
        r += both / len(g)
    return prf(p / len(docs), r / len(docs))


def pairwise(docs: list[Document], pred: dict[str, str]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for idx in by_topic(docs).values():
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                da, db = docs[idx[a]], docs[idx[b]]
                same_pred = pred[da.name] == pred[db.name]
                same_gold = da.gold == db.gold
                tp += same_pred and same_gold
                fp += same_pred and not same_gold
                fn += same_gold and not same_pred
    return prf(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)


def report(name: str, docs: list[Document], pred: dict[str, str]) -> dict:
    b, pw = bcubed(docs, pred), pairwise(docs, pred)
    n = len(set(pred.values()))
    row = {"method": name, "clusters": n, "bcubed_p": round(b[0], 4), "bcubed_r": round(b[1], 4),
           "bcubed_f1": round(b[2], 4), "pair_p": round(pw[0], 4), "pair_r": round(pw[1], 4), "pair_f1": round(pw[2], 4)}
    print(f"{name:44} clusters {n:4d}  B3 P {b[0]:.3f} R {b[1]:.3f} F1 {b[2]:.3f}   "
          f"pairs P {pw[0]:.3f} R {pw[1]:.3f} F1 {pw[2]:.3f}")
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path, help="the ecbplus-dev folder (topic sub-folders of ECB+ XML files)")
    ap.add_argument("--limit-topics", type=int, default=None)
    ap.add_argument("--cache", type=Path, default=None, help="pickle the analyses here and reuse them (re-runs)")
    args = ap.parse_args()
    docs = load(args.root, args.limit_topics)
    if not docs:
        sys.exit(f"no ECB+ documents under {args.root}")
    from newstrace.analyze.pipeline import analyze_many, load_nlp
    from newstrace.model import Analysis, Article, article_id

    t = time.perf_counter()
    cached = {}
    if args.cache and args.cache.exists():
        cached = pickle.loads(args.cache.read_bytes())
    todo = [d for d in docs if d.name not in cached]
    if todo:
        nlp = load_nlp()
        arts = [Article(id=article_id(d.text), url=None, outlet=None, title=None, byline=None, published=None,
                        tags=[], language="en", text=d.text) for d in todo]
        for d, (_, an) in zip(todo, analyze_many(arts, nlp)):
            cached[d.name] = an if not isinstance(an, Exception) else Analysis()
        if args.cache:
            args.cache.write_bytes(pickle.dumps(cached))
    analyses = [cached[d.name] for d in docs]
    print(f"# {len(docs)} documents in {len(by_topic(docs))} topics analysed in {time.perf_counter() - t:.1f}s",
          file=sys.stderr)
    cfg = load_config()
    report("newstrace stories (link.grouping)", docs, cluster_system(docs, analyses, cfg))
    best = None
    for th in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4):
        pred = baseline_single_pass(docs, th)
        f1 = bcubed(docs, pred)[2]
        if best is None or f1 > best[0]:
            best = (f1, th, pred)
    assert best is not None
    report(f"baseline TF-IDF one-pass (best thr {best[1]})", docs, best[2])
    report("baseline TF-IDF average-link, k=2 (oracle k)", docs, baseline_agglomerative(docs))
    report("all documents of a topic in one story", docs, {d.name: d.topic for d in docs})


if __name__ == "__main__":
    main()
