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
from newstrace.link.claims import ClaimKey, claim_id, claim_key, denies, label, load_rules, supports
from newstrace.link.stories import Mention, incompatible, load_config, load_mentions, named_keys, summarise

WHOLE_COPY_KINDS = ("duplicate", "syndicated", "rewrite")
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


def _genres(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    ids = sorted(set(ids))
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        out.update(conn.execute(f"SELECT article_id, genre FROM link_articles WHERE article_id IN"
                                f" ({','.join('?' * len(chunk))})", chunk).fetchall())
    return out


@dataclass
class Claim:
    """One claim of a story while it is judged: its key, the mentions stating it, and who stands behind it."""

    key: ClaimKey
    mentions: list[Mention]
    reports: list[dict[str, Any]] = field(default_factory=list)
    asserting: set[str] = field(default_factory=set)
    denying: set[str] = field(default_factory=set)
    anonymous_only: bool = False
    exclusive: bool = False
    verdict: str = "single-source"
    why: list[str] = field(default_factory=list)


def _role(m: Mention, voice: str, genre: str | None) -> str:
    """How a mention stands behind its claim: the rules of attribution, in order."""
    if m.modality == "negated":
        return "denies"
    if voice != m.article_id:
        return "copy"  # the words are another article's: it counts with that one
    if genre == "opinion":
        return "opinion"  # an opinion piece states its author's view; it never confirms
    if (m.source_kind or "author") == "outlet":
        return "second-hand"  # only on another outlet's word
    return "asserts"


def same_parties(n: Mention, backing: list[Mention]) -> bool:
    """Whether a negated mention speaks of the parties of a claim's mentions: a named participant or a distinctive
    name word in common, or (when it names nobody) the same place. "Taliban officials denied meeting the American
    delegation" contradicts no claim about a Qatari minister's mediation, however close the two sentences stand."""
    if _other_counterpart(n, backing):
        return False
    named = frozenset().union(*(named_keys(m.participants) for m in backing))
    tokens = frozenset().union(*(m.tokens for m in backing))
    if named_keys(n.participants) & named or n.tokens & tokens:
        return True
    places = {m.place for m in backing if m.place}
    return not named_keys(n.participants) and bool(n.place and n.place in places)


def _other_counterpart(n: Mention, backing: list[Mention]) -> bool:
    """Whether a negated mention names a counterpart the claim's mentions never speak of: "denied meeting the
    American delegation" denies a meeting with that delegation, not every meeting its actor had. A named
    counterpart is matched by key or name word, a phrase by its words among the claim's names and sentences, one
    known only by its nationality by the countries of the claim's parties."""
    targets = [k for k in n.targets if k]
    if not targets:
        # a counterpart known only by its nationality ("the American delegation") still says whose it is
        countries = frozenset().union(*(m.countries for m in backing))
        return bool(n.target_countries and countries and not n.target_countries & countries)
    named = frozenset().union(*(m.participants for m in backing))
    tokens = frozenset().union(*(m.tokens for m in backing))
    words = frozenset().union(*(m.words for m in backing))
    for key in targets:
        if key in named or _tokens_of_key(n, key) & tokens:
            return False
        if key.startswith("x:") and _phrase_words(n.names.get(key, key[2:])) & (words | tokens):
            return False
    return True


def _tokens_of_key(n: Mention, key: str) -> frozenset[str]:
    from newstrace.link.stories import name_tokens

    return name_tokens(n.names.get(key), load_config().name_stopwords)


def _phrase_words(phrase: str) -> frozenset[str]:
    """The stemmed content words of a participant phrase rarer than "said" or "people" ("american", "delegation")."""
    from newstrace.link.stories import NAME_WORD_RARITY, word_weights

    _, weights = word_weights(phrase)
    return frozenset(w for w, r in weights.items() if r >= NAME_WORD_RARITY)


def _negated_near(conn: sqlite3.Connection, members: list[Mention],
                  article_ids: list[str]) -> tuple[list[Mention], dict[tuple[str, str], set[tuple[str, str]]]]:
    """The negated mentions a story's claims may be denied by: those of its own articles, and those linked to its
    members (``story_links``) that the grouping kept in another story (a denial whose article restates the claim
    it denies forms a story of its own), with the members each of the latter is linked to. Loaded once per story,
    in a fixed order."""
    refs = {m.ref for m in members}
    linked: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for a, e in sorted(refs):
        for r in conn.execute("SELECT b_article, b_event FROM story_links WHERE a_article=? AND a_event=?"
                              " UNION SELECT a_article, a_event FROM story_links WHERE b_article=? AND b_event=?",
                              (a, e, a, e)):
            if (r[0], r[1]) not in refs:
                linked.setdefault((r[0], r[1]), set()).add((a, e))
    cfg = load_config()
    out = [n for n in load_mentions(conn, article_ids, cfg) if n.modality == "negated"]
    if linked:
        own = {n.ref for n in out}
        out += [n for n in load_mentions(conn, sorted({a for a, _ in linked}), cfg, only=set(linked))
                if n.modality == "negated" and n.ref not in own]
    return sorted(out, key=lambda n: n.ref), linked


def _denials_elsewhere(c: Claim, negated: list[Mention], group_of: Any, voice_of: Any,
                       linked: dict[tuple[str, str], set[tuple[str, str]]]) -> None:
    """Denials of this claim that the story did not take in: a negated mention, in an article of the story, of the
    same claim or a more general one that speaks of the claim's parties (``same_parties``).

    A denial often names its side differently ("the military's media wing" for the army): it stays in its own
    story, yet it contradicts this claim when it negates the same event of the same people or place. A denial
    repeated in a copy counts with the words' origin.
    """
    if not c.mentions:
        return
    cfg = load_config()
    rules = load_rules()
    known = {(r["article"], r["event"]) for r in c.reports}
    own = {m.ref for m in c.mentions}
    for n in negated:
        if n.ref in known or not denies(claim_key(n, rules), c.key) or not same_parties(n, c.mentions):
            continue
        if n.ref in linked and not linked[n.ref] & own:
            continue  # a denial from another story counts only where it is linked to this claim's own reports
        if any(incompatible(n, m, cfg) for m in c.mentions[:5]):
            continue
        voice = voice_of(n)
        c.denying.add(group_of(voice))
        c.reports.append({"article": n.article_id, "event": n.event_id, "role": "denies", "voice_id": voice,
                          "voice": group_of(voice), "copied_from": voice if voice != n.article_id else None,
                          "source_kind": n.source_kind or "author", "start": n.ev_start, "end": n.ev_end})
        known.add(n.ref)


def _restated_denials(c: Claim) -> None:
    """An article that denies the claim and states it only on others' word restates what it denies.

    "Afghan officials had said that shells hit the village" in a denial is attributed: it does not make the denying
    outlet a voice of the claim. An article that states the claim in its own voice asserts it, whatever it quotes.
    """
    denying = {r["article"] for r in c.reports if r["role"] == "denies"}
    for aid in sorted(denying):
        mine = [r for r in c.reports if r["article"] == aid and r["role"] != "denies"]
        if mine and all(r["source_kind"] != "author" for r in mine):
            for r in mine:
                r["role"] = "second-hand"
            voice = mine[0]["voice"]
            if not any(r["voice"] == voice and r["role"] in ("asserts", "copy") for r in c.reports):
                c.asserting.discard(voice)


def judge(claims: list[Claim]) -> None:
    """Each claim's verdict from its voices, with the reasons in words.

    contested: an outlet that does not assert it denies the same claim (or a more general one); corroborated: two or
    more independent outlets assert it; unverified: one outlet asserts it on anonymous sources only; single-source:
    otherwise (one outlet, one author's opinion, or only second-hand reports).
    """
    for c in claims:
        denying = c.denying - c.asserting
        n = len(c.asserting)
        if n and denying:
            c.verdict = "contested"
            c.why.append(f"asserted by {n} independent outlet(s), denied by {', '.join(sorted(denying))}")
        elif n >= 2:
            c.verdict = "corroborated"
            c.why.append(f"asserted by {n} independent outlets: {', '.join(sorted(c.asserting))}")
        elif n == 1 and c.anonymous_only:
            c.verdict = "unverified"
            c.why.append(f"only {next(iter(c.asserting))} asserts it, on anonymous sources")
        else:
            c.verdict = "single-source"
            roles = Counter(r["role"] for r in c.reports)
            if n == 1:
                c.why.append(f"only {next(iter(c.asserting))} asserts it")
            elif roles.get("opinion"):
                c.why.append("stated only in an opinion piece: the author's claim, confirmed by no outlet")
            else:
                c.why.append("no outlet asserts it in its own voice")
        if c.exclusive:
            c.why.append("presented as an exclusive")
        copies = [r for r in c.reports if r["role"] == "copy"]
        if copies:
            c.why.append(f"{len(copies)} report(s) repeat another's words and count with their origin")


def _central(claims: list[Claim]) -> Claim:
    """The story's central claim: a fact before a prediction, the most widely asserted, then the most reported,
    then the least qualified."""
    return sorted(claims, key=lambda c: (c.key.stance != "fact", -len(c.asserting),
                                         -len({r["article"] for r in c.reports}),
                                         c.exclusive, len(c.key.qualifiers), len(c.key.targets), c.key.text()))[0]


def corroborate(conn: sqlite3.Connection, story_id: str, groups: OutletGroups,
                members: list[Mention] | None = None) -> dict[str, Any]:
    """Recompute one story's claims, their verdicts and the story's reports and verdict; write them, return the
    story record. The story's verdict and independent outlets are its central claim's."""
    if members is None:
        refs = conn.execute("SELECT article_id, event_id FROM story_members WHERE story_id=?", (story_id,)).fetchall()
        members = load_mentions(conn, [r[0] for r in refs], load_config(), only={(r[0], r[1]) for r in refs})
    rules = load_rules()
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in members:
        by_article[m.article_id].append(m)
    # the negated mentions of the story's articles and those linked to its reports, for denials (loaded once)
    negated, linked = _negated_near(conn, members, sorted(by_article))
    around = set(by_article) | {n.article_id for n in negated}
    graph = ReuseGraph.load(conn, around)
    voices: dict[tuple[str, str], str] = {m.ref: graph.voice(m.article_id, m.ev_start, m.ev_end) for m in members}
    denial_voices = {graph.voice(n.article_id, n.ev_start, n.ev_end) for n in negated}
    infos = _articles(conn, around | set(voices.values()) | denial_voices)
    genres = _genres(conn, around | set(voices.values()) | denial_voices)

    def group_of(aid: str) -> str:
        info = infos.get(aid)
        if genres.get(aid) == "opinion":
            return f"author:{aid}"
        # an article of unknown outlet is a voice of its own
        return (groups.group(info.outlet_key) if info else None) or f"article:{aid}"

    keys = {m.ref: claim_key(m, rules) for m in members}
    claims: dict[ClaimKey, Claim] = {}
    for m in sorted(members, key=lambda x: x.ref):
        if m.modality != "negated":
            claims.setdefault(keys[m.ref], Claim(keys[m.ref], []))
    if not claims:  # a story of denials only: each denied claim stands as stated
        for m in sorted(members, key=lambda x: x.ref):
            claims.setdefault(keys[m.ref], Claim(keys[m.ref], []))
    for c in claims.values():
        anonymous = []
        backing = [m for m in members if m.modality != "negated" and supports(keys[m.ref], c.key)]
        for m in sorted(members, key=lambda x: x.ref):
            k = keys[m.ref]
            asserted = m.modality != "negated" and supports(k, c.key)
            denied = m.modality == "negated" and denies(k, c.key) and (not backing or same_parties(m, backing))
            if not asserted and not denied:
                continue
            voice = voices[m.ref]
            role = _role(m, voice, genres.get(voice) or genres.get(m.article_id))
            if asserted:
                c.mentions.append(m)
                c.exclusive |= "exclusive" in m.flags
            grp = group_of(voice)
            if role in ("asserts", "copy") and asserted and genres.get(voice) != "opinion":
                c.asserting.add(grp)
                anonymous.append((m.source_kind or "author") == "anonymous")
            elif role == "denies":
                c.denying.add(grp)
            c.reports.append({"article": m.article_id, "event": m.ref[1], "role": role, "voice_id": voice,
                              "voice": grp, "copied_from": voice if voice != m.article_id else None,
                              "source_kind": m.source_kind or "author", "start": m.ev_start, "end": m.ev_end})
        c.anonymous_only = bool(anonymous) and all(anonymous)
        _denials_elsewhere(c, negated, group_of, lambda n: graph.voice(n.article_id, n.ev_start, n.ev_end), linked)
        _restated_denials(c)
    judged = [c for c in claims.values() if c.mentions or c.reports]
    judge(judged)
    central = _central(judged)

    # one row per article: its strongest stance towards the central claim, else towards any claim
    reports: list[dict[str, Any]] = []
    for aid, ms in by_article.items():
        info = infos.get(aid)
        if info is None:
            continue
        own = [m for m in ms if voices[m.ref] == aid]
        copied = Counter(voices[m.ref] for m in ms if voices[m.ref] != aid)
        copied_from = None if own else copied.most_common(1)[0][0]
        voice = copied_from or aid
        roles = [r["role"] for r in central.reports if r["article"] == aid] or \
            [r["role"] for c in judged for r in c.reports if r["article"] == aid]
        stance = ("denies" if roles and all(r == "denies" for r in roles)
                  else "opinion" if "opinion" in roles else "asserts")
        reports.append({
            "article": aid, "seq": info.seq, "outlet": info.outlet_key or info.outlet, "outlet_group": group_of(voice),
            "published": info.published, "copied_from": copied_from, "stance": stance,
            "source_kinds": dict(Counter(m.source_kind or "author" for m in ms)),
        })
    reports = _time_order(reports)
    summary = summarise(members)
    headline = label(central.key, central.mentions or members, rules)
    published = [r["published"] for r in reports if r["published"]]
    _write_claims(conn, story_id, judged, central, rules)
    conn.execute("DELETE FROM story_reports WHERE story_id=?", (story_id,))
    conn.executemany(
        "INSERT INTO story_reports(story_id, article_id, seq, outlet, outlet_group, published, copied_from, stance,"
        " source_kinds) VALUES (?,?,?,?,?,?,?,?,?)",
        [(story_id, r["article"], r["seq"], r["outlet"], r["outlet_group"], r["published"], r["copied_from"],
          r["stance"], json.dumps(r["source_kinds"])) for r in reports],
    )
    conn.executemany("UPDATE story_members SET voice_id=? WHERE article_id=? AND event_id=?",
                     [(voices[m.ref], m.article_id, m.event_id) for m in members])
    first_seen = published[0] if published else None
    last_seen = published[-1] if published else None
    independent = len(central.asserting)
    denying = len(central.denying - central.asserting)
    conn.execute(
        "UPDATE stories SET type=?, actors=?, place=?, country=?, first_seen=?, last_seen=?, headline=?,"
        " reports=?, independent_outlets=?, denying_outlets=?, verdict=?, updated_at=? WHERE id=?",
        (central.key.type, json.dumps(summary["actors"], ensure_ascii=False), summary["place"], summary["country"],
         first_seen, last_seen, headline, len(reports), independent, denying, central.verdict,
         datetime.now(timezone.utc).replace(microsecond=0).isoformat(), story_id),
    )
    return {"id": story_id, "type": central.key.type, "headline": headline,
            "actors": [a["name"] for a in summary["actors"]], "place": summary["place"], "first_seen": first_seen,
            "reports": [{k: r[k] for k in ("article", "outlet", "published", "copied_from", "stance",
                                           "source_kinds")} for r in reports],
            "independent_outlets": independent, "verdict": central.verdict,
            "claims": [{"id": claim_id(story_id, c.key), "label": label(c.key, c.mentions or members, rules),
                        "verdict": c.verdict, "independent_outlets": len(c.asserting), "central": c is central}
                       for c in judged]}


def _write_claims(conn: sqlite3.Connection, story_id: str, claims: list[Claim], central: Claim,
                  rules: Any) -> None:
    conn.execute("DELETE FROM claim_reports WHERE claim_id IN (SELECT id FROM claims WHERE story_id=?)", (story_id,))
    conn.execute("DELETE FROM claims WHERE story_id=?", (story_id,))
    for c in claims:
        cid = claim_id(story_id, c.key)
        ms = c.mentions or []
        summary = summarise(ms) if ms else {"actors": [], "place": None}
        dates = sorted(m.date.isoformat() for m in ms if m.date)
        single = sorted(c.asserting) if len(c.asserting) == 1 else []
        source = single[0] if single else ("author (opinion)" if any(r["role"] == "opinion" for r in c.reports)
                                           and not c.asserting else None)
        conn.execute(
            "INSERT OR REPLACE INTO claims(id, story_id, type, mode, actor, target, place, date, qualifiers, label,"
            " verdict, independent_outlets, reports, central, exclusive, source, why)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (cid, story_id, c.key.type, c.key.mode,
             summary["actors"][0]["name"] if summary["actors"] else None,
             ", ".join(sorted(m.names.get(k, k) for m in ms[:1] for k in c.key.targets)) or None,
             summary["place"], dates[0] if dates else None, json.dumps(sorted(c.key.qualifiers)),
             label(c.key, ms or c.mentions, rules) if ms else c.key.type, c.verdict, len(c.asserting),
             len({r["article"] for r in c.reports}), int(c is central), int(c.exclusive), source,
             "; ".join(c.why)))
        conn.executemany(
            "INSERT OR REPLACE INTO claim_reports(claim_id, article_id, event_id, role, voice_id, voice, copied_from,"
            " source_kind, start, \"end\") VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(cid, r["article"], r["event"], r["role"], r["voice_id"], r["voice"], r["copied_from"], r["source_kind"],
              r["start"], r["end"]) for r in c.reports])


def _time_order(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reports in publication order (reuse.earlier's rule), the article id where dates are missing or equal (never
    ingest order, so the same articles list the same way whatever order they came in)."""
    import functools

    def cmp(a: dict[str, Any], b: dict[str, Any]) -> int:
        if a is b:
            return 0
        first, how = earlier(a["published"], 0, b["published"], 0)
        if how != "published":
            return -1 if a["article"] < b["article"] else 1
        return -1 if first else 1

    return sorted(reports, key=functools.cmp_to_key(cmp))
