"""Graph exports: the actor network as GraphML or GEXF (Gephi, Cytoscape, networkx) — who did what to whom.

Nodes are actors across articles (one per canonical entity once entities are linked, else per type and
normalised name) with their name, type, country, CAMEO sector, aliases and how many articles and mentions name
them. Edges are events from an actor to its target, one edge per (actor, target, PLOVER type): ``event_type``
(GEXF reserves ``type``), ``count`` event mentions, ``articles``, ``stories``, ``first_date``/``last_date``, the
modalities (``asserted:3;negated:1``), the verdicts of the stories behind it (``corroborated:1;single-source:2``)
and the largest independent-outlet count.
Events without a coded actor and target add to their node's ``events_as_actor``/``events_as_target`` only.

The network is aggregated while the store streams by; memory grows with the number of actors and actor pairs,
never with the number of articles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from newstrace.export import ExportStats
from newstrace.export.files import describe, open_binary
from newstrace.export.select import Item, Selection, actor_key


@dataclass
class EdgeAgg:
    """What is known about one (actor, target, type) edge so far."""

    count: int = 0
    articles: int = 0
    first_date: str | None = None
    last_date: str | None = None
    cameo: Counter = field(default_factory=Counter)
    modalities: Counter = field(default_factory=Counter)
    verdicts: Counter = field(default_factory=Counter)
    stories: set[str] = field(default_factory=set)
    independent_outlets: int = 0
    last_article: str | None = None

    def add(self, it: Item, date: str | None, cameo: str | None, modality: str) -> None:
        self.count += 1
        if self.last_article != it.article.id:
            self.articles += 1
            self.last_article = it.article.id
        if date:
            self.first_date = min(self.first_date or date, date)
            self.last_date = max(self.last_date or date, date)
        if cameo:
            self.cameo[cameo] += 1
        self.modalities[modality or "asserted"] += 1


def _counts(c: Counter) -> str:
    return ";".join(f"{k}:{n}" for k, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def build(selection: Selection) -> tuple[nx.MultiDiGraph, int]:
    """The actor network of the selection, and how many articles it read."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str], EdgeAgg] = {}
    articles = 0
    for it in selection.items():
        articles += 1
        keys = {}
        for ent in it.analysis.entities:
            key = actor_key(ent)
            keys[ent.id] = key
            node = nodes.get(key)
            if node is None:
                node = nodes[key] = {"label": ent.name, "type": ent.type or "", "country": ent.country or "",
                                     "sector": ent.sector or "", "aliases": set(), "articles": 0, "mentions": 0,
                                     "events_as_actor": 0, "events_as_target": 0}
                canon = selection.canonical(ent.canonical)
                if canon is not None:  # a linked actor is named by its fullest name; other forms become aliases
                    node["aliases"].update(canon["aliases"] or [])
                    node["aliases"].add(ent.name)
                    node.update(label=canon["name"], country=canon.get("country") or node["country"],
                                sector=canon.get("sector") or node["sector"])
            node["articles"] += 1
            node["mentions"] += len(ent.mentions or [])
            node["aliases"].update(a for a in ent.aliases or [] if a != node["label"])
            node["country"] = node["country"] or ent.country or ""
            node["sector"] = node["sector"] or ent.sector or ""
        for ev in it.events:
            src, dst = keys.get(ev.actor or ""), keys.get(ev.target or "")
            if src:
                nodes[src]["events_as_actor"] += 1
            if dst:
                nodes[dst]["events_as_target"] += 1
            if not src or not dst or src == dst:
                continue
            agg = edges.setdefault((src, dst, ev.type or "EVENT"), EdgeAgg())
            date = ev.date or (it.article.published or "")[:10] or None
            agg.add(it, date, ev.cameo, ev.modality)
            story = it.stories.get(ev.id)
            if story is not None and story.story_id not in agg.stories:
                agg.stories.add(story.story_id)
                agg.verdicts[story.verdict or "unknown"] += 1
                agg.independent_outlets = max(agg.independent_outlets, story.independent_outlets)
    g = nx.MultiDiGraph(name="newstrace actor network")
    for key, attrs in nodes.items():
        aliases = sorted(a for a in attrs["aliases"] if a and a != attrs["label"])
        g.add_node(key, **{**attrs, "aliases": "; ".join(aliases)})
    for (src, dst, etype), agg in edges.items():
        g.add_edge(src, dst, key=etype, event_type=etype, label=etype, count=agg.count, weight=float(agg.count),
                   articles=agg.articles, stories=len(agg.stories), first_date=agg.first_date or "",
                   last_date=agg.last_date or "", cameo=_counts(agg.cameo), modalities=_counts(agg.modalities),
                   verdicts=_counts(agg.verdicts), independent_outlets=agg.independent_outlets)
    return g, articles


def write(selection: Selection, target: Any, *, fmt: str = "graphml", **_: Any) -> ExportStats:
    """Write the actor network as GraphML (``fmt="graphml"``) or GEXF 1.2 (``fmt="gexf"``)."""
    g, articles = build(selection)
    stats = ExportStats(fmt, articles=articles)
    with open_binary(target) as fh:
        if fmt == "gexf":
            nx.write_gexf(g, fh, version="1.2draft")
        else:
            nx.write_graphml(g, fh, named_key_ids=True)
    stats.add("nodes", g.number_of_nodes())
    stats.add("edges", g.number_of_edges())
    stats.files.append(describe(target))
    return stats
