"""Corroboration: per story, who reported it first, who copied whom, how many independent outlets, and a verdict.

Rules, in order:

* A mention's **voice** is the article whose words state it. Passages copied into an article count as the
  origin's words: an event whose evidence sentence lies inside a passage copied from an earlier article (or in an
  article that is a duplicate or syndicated republication) is a report of that origin, followed back to the
  first origin.
* A **report** is one article's mentions in the story. Its ``copied_from`` is the voice when none of its mentions
  is in its own words; its stance is ``denies`` when it negates the event and asserts it only on others' word.
* **Independent outlets** are the distinct outlet groups (one owner or one wire counts once, see
  ``link.outlets``) of the reports' voices, among the asserting reports.
* **Verdict**: ``contested`` when an outlet group that does not assert the story denies it; else
  ``corroborated`` with two or more independent outlets; else ``single-source``.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from newstrace.link.outlets import OutletGroups, outlet_key
from newstrace.link.reuse import earlier
from newstrace.link.stories import Mention, incompatible, load_config, load_mentions, summarise

WHOLE_COPY_KINDS = ("duplicate", "syndicated")
MAX_VOICE_HOPS = 8


@dataclass
class ReuseGraph:
    """The reuse links touching a set of articles: for each copy, its origins with kinds and passages."""

    origins: dict[str, list[tuple[str, str, list[tuple[int, int, int, int]]]]] = field(
        default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, conn: sqlite3.Connection, article_ids: Iterable[str]) -> ReuseGraph:
        """The links out of these articles and, transitively, out of their origins."""
        graph = cls()
        todo = set(article_ids)
        seen: set[str] = set()
        hops = 0
        while todo and hops < MAX_VOICE_HOPS:
            ids = sorted(todo - seen)
            seen |= todo
            todo = set()
            for i in range(0, len(ids), 400):
                chunk = ids[i : i + 400]
                marks = ",".join("?" * len(chunk))
                links = conn.execute(f"SELECT copy_id, origin_id, kind FROM reuse_links WHERE copy_id IN ({marks})",
                                     chunk).fetchall()
                passages: dict[tuple[str, str], list[tuple[int, int, int, int]]] = defaultdict(list)
                for p in conn.execute(f"SELECT copy_id, origin_id, copy_start, copy_end, origin_start, origin_end"
                                      f" FROM reuse_passages WHERE copy_id IN ({marks})", chunk):
                    passages[(p[0], p[1])].append((p[2], p[3], p[4], p[5]))
                for copy_id, origin_id, kind in links:
                    graph.origins[copy_id].append((origin_id, kind, passages[(copy_id, origin_id)]))
                    todo.add(origin_id)
            hops += 1
        return graph

    def voice(self, article_id: str, start: int | None, end: int | None) -> str:
        """The article whose words a span of ``article_id`` is: followed through copies to the first origin."""
        current, s, e = article_id, start, end
        for _ in range(MAX_VOICE_HOPS):
            nxt = None
            for origin, kind, passages in self.origins.get(current, ()):
                if kind in WHOLE_COPY_KINDS:
                    nxt = (origin, None, None)
                    break
                if s is None or e is None:
                    continue
                for cs, ce, os_, _oe in passages:
                    # the evidence sentence lies (mostly) inside the copied passage
                    inside = min(e, ce) - max(s, cs)
                    if inside > 0 and inside >= 0.5 * (e - s):
                        nxt = (origin, os_ + max(0, s - cs), os_ + max(0, e - cs))
                        break
                if nxt:
                    break
            if nxt is None:
                return current
            current, s, e = nxt
        return current


@dataclass
class ArticleInfo:
    id: str
    seq: int
    outlet: str | None
    url: str | None
    published: str | None
    outlet_key: str | None


def _articles(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, ArticleInfo]:
    out: dict[str, ArticleInfo] = {}
    ids = sorted(set(ids))
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        for r in conn.execute(f"SELECT id, seq, outlet, url, published FROM articles WHERE id IN"
                              f" ({','.join('?' * len(chunk))})", chunk):
            out[r[0]] = ArticleInfo(r[0], r[1], r[2], r[3], r[4], outlet_key(r[3], r[2]))
    return out


def corroborate(conn: sqlite3.Connection, story_id: str, groups: OutletGroups,
                members: list[Mention] | None = None) -> dict[str, Any]:
    """Recompute one story's reports, independent outlets and verdict, write them, and return the story record."""
    if members is None:
        refs = conn.execute("SELECT article_id, event_id FROM story_members WHERE story_id=?", (story_id,)).fetchall()
        members = load_mentions(conn, [r[0] for r in refs], load_config(), only={(r[0], r[1]) for r in refs})
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in members:
        by_article[m.article_id].append(m)
    graph = ReuseGraph.load(conn, by_article)
    voices: dict[tuple[str, str], str] = {m.ref: graph.voice(m.article_id, m.ev_start, m.ev_end) for m in members}
    infos = _articles(conn, set(by_article) | set(voices.values()))
    reports: list[dict[str, Any]] = []
    asserting: set[str] = set()
    denying: set[str] = set()
    for aid, ms in by_article.items():
        info = infos.get(aid)
        if info is None:
            continue
        own = [m for m in ms if voices[m.ref] == aid]
        copied = Counter(voices[m.ref] for m in ms if voices[m.ref] != aid)
        copied_from = None if own else copied.most_common(1)[0][0]
        voice = infos.get(copied_from) if copied_from else info
        # an article of unknown outlet is a voice of its own
        group = groups.group((voice or info).outlet_key) or f"article:{(voice or info).id}"
        stance = _stance(ms, _denies_same_event(conn, ms))
        (denying if stance == "denies" else asserting).add(group)
        kinds = Counter(m.source_kind or "author" for m in ms)
        reports.append({
            "article": aid, "seq": info.seq, "outlet": info.outlet_key or info.outlet, "outlet_group": group,
            "published": info.published, "copied_from": copied_from, "stance": stance,
            "source_kinds": dict(kinds),
        })
    reports = _time_order(reports)
    denying -= asserting
    independent = len(asserting) if asserting else len(denying)
    if asserting and denying:
        verdict = "contested"
    elif independent >= 2:
        verdict = "corroborated"
    else:
        verdict = "single-source"
    summary = summarise(members)
    published = [r["published"] for r in reports if r["published"]]
    conn.execute("DELETE FROM story_reports WHERE story_id=?", (story_id,))
    conn.executemany(
        "INSERT INTO story_reports(story_id, article_id, seq, outlet, outlet_group, published, copied_from, stance,"
        " source_kinds) VALUES (?,?,?,?,?,?,?,?,?)",
        [(story_id, r["article"], r["seq"], r["outlet"], r["outlet_group"], r["published"], r["copied_from"],
          r["stance"], json.dumps(r["source_kinds"])) for r in reports],
    )
    for m in members:
        conn.execute("UPDATE story_members SET voice_id=? WHERE article_id=? AND event_id=?",
                     (voices[m.ref], m.article_id, m.event_id))
    first_seen = published[0] if published else None
    last_seen = published[-1] if published else None
    conn.execute(
        "UPDATE stories SET type=coalesce(?, type), actors=?, place=?, country=?, first_seen=?, last_seen=?,"
        " reports=?, independent_outlets=?, denying_outlets=?, verdict=?, updated_at=? WHERE id=?",
        (summary["type"], json.dumps(summary["actors"], ensure_ascii=False), summary["place"], summary["country"],
         first_seen, last_seen, len(reports), independent, len(denying), verdict,
         datetime.now(timezone.utc).replace(microsecond=0).isoformat(), story_id),
    )
    return {"id": story_id, "type": summary["type"], "actors": [a["name"] for a in summary["actors"]],
            "place": summary["place"], "first_seen": first_seen,
            "reports": [{k: r[k] for k in ("article", "outlet", "published", "copied_from", "stance",
                                           "source_kinds")} for r in reports],
            "independent_outlets": independent, "verdict": verdict}


def _denies_same_event(conn: sqlite3.Connection, mentions: list[Mention]) -> bool:
    """Whether the article negates, anywhere, an event of the same type, days and country as these."""
    cfg = load_config()
    negated = [n for n in load_mentions(conn, [mentions[0].article_id], cfg) if n.modality == "negated"]
    for n in negated:
        for m in mentions:
            # the same kind of event in the same days and country, denied in the article that restates it
            if n.type == m.type and not incompatible(n, m, cfg):
                return True
    return False


def _stance(mentions: list[Mention], denies_elsewhere: bool = False) -> str:
    """``denies`` when the article negates such an event and asserts it only on others' word, else ``asserts``.

    A denial usually restates the claim it denies ("officials had said that shells hit the village"); that
    restatement is attributed, so it does not make the article a report of the event. An article that states the
    event in its own voice asserts it, whatever else it quotes.
    """
    negates = denies_elsewhere or any(m.modality == "negated" for m in mentions)
    if not negates:
        return "asserts"
    own = [m for m in mentions if m.modality != "negated" and (m.source_kind or "author") == "author"]
    return "asserts" if own else "denies"


def _time_order(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reports in publication order, with ingest order where dates are missing or equal (reuse.earlier's rule)."""
    import functools

    def cmp(a: dict[str, Any], b: dict[str, Any]) -> int:
        if a is b:
            return 0
        first, _ = earlier(a["published"], a["seq"], b["published"], b["seq"])
        return -1 if first else 1

    return sorted(reports, key=functools.cmp_to_key(cmp))
