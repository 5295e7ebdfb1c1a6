"""STIX 2.1 export: one bundle for threat-intelligence platforms (OpenCTI, MISP), built with the ``stix2`` library.

What becomes what (``data/stix/mapping.yaml``):

- actors → ``identity`` (people, organisations, groups), ``threat-actor`` or ``intrusion-set`` (organisations whose
  CAMEO sector marks them as armed or clandestine), ``location`` (countries and places named as actors);
- resolved places → ``location`` (country, administrative area, coordinates);
- each article → a ``report`` created by its outlet (an ``identity``), referring to what the article states;
- each event → a ``relationship`` from its actor to its target (or to its place when it has no target), typed by
  its PLOVER type; one per story once the link stage has run, so every outlet's report refers to the same one;
- each story's corroboration verdict → an ``opinion`` on that relationship (``agree`` for corroborated, ``neutral``
  for single-source, ``disagree`` for contested), authored by newstrace, with the independent-outlet count;
- each event mention → a ``note`` saying on whose word the article states it: the source kind (author, person,
  organization, outlet, anonymous, document), the source as written, the cue, the modality and the verdict.

Ids are derived from a hash of the thing's key (an actor's canonical id or name, a story id, an article id), so
the same store exports the same ids and objects are referred to before they are written. Objects are serialised
one at a time by ``stix2`` (``allow_custom=False``) and written into the bundle JSON as they are made; only the
ids of shared objects (actors, places, outlets, story relationships and opinions) are kept in memory.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from functools import lru_cache
from typing import IO, Any

import stix2

from newstrace.export import ExportStats, mappings
from newstrace.export.countries import country
from newstrace.export.files import describe, open_text
from newstrace.export.gdelt import parse_time
from newstrace.export.select import Item, Selection, StoryLink, actor_key
from newstrace.model import Entity, Event, Place, normalise_text

NAMESPACE = uuid.UUID("5f0b8c2e-6c1a-5b8e-9a57-3d7c1e2f4a10")  # newstrace's own namespace for UUIDv5 ids
PRODUCER = "newstrace"


@lru_cache(maxsize=1)
def mapping() -> dict[str, Any]:
    return mappings.load("stix")


def stix_id(kind: str, key: str) -> str:
    """A stable STIX id for a thing's key: a UUID in version-4 form whose bits come from a hash of the key.

    STIX asks for UUIDv4 ids on domain objects; drawing the "random" bits from a hash of the key keeps the id
    valid and makes it the same on every export of the same store.
    """
    digest = uuid.uuid5(NAMESPACE, f"{kind}:{key}").bytes
    return f"{kind}--{uuid.UUID(bytes=digest, version=4)}"



def slug(value: str) -> str:
    """A STIX relationship type: lower-case letters, digits and hyphens."""
    out = "".join(ch if ch.isalnum() else "-" for ch in value.lower())
    return "-".join(p for p in out.split("-") if p) or "related-to"




class BundleWriter:
    """Writes a STIX bundle object by object; an id already written is skipped."""

    def __init__(self, fh: IO[str], stats: ExportStats) -> None:
        self.fh = fh
        self.stats = stats
        self.seen: set[str] = set()
        self.written = 0
        self.head = '{"type": "bundle", "id": "bundle--%s"' % uuid.uuid4()

    def add(self, obj: Any, *, once: bool = False) -> str:
        """Write an object unless its id was written before; ``once`` marks an object made exactly once (a report,
        a note), whose id need not be remembered — so memory grows with actors and stories, not with articles."""
        if obj.id in self.seen:
            return obj.id
        # the objects list is opened with the first object: STIX lists, when present, must not be empty
        self.fh.write((self.head + ', "objects": [\n' if not self.written else ",\n") + obj.serialize())
        self.written += 1
        if not once:
            self.seen.add(obj.id)
        self.stats.add(obj.type)
        return obj.id

    def close(self) -> None:
        self.fh.write("\n]}\n" if self.written else self.head + "}\n")


class StixBuilder:
    """Turns selected articles into STIX objects, each written once through a ``BundleWriter``."""

    def __init__(self, out: BundleWriter, selection: Selection) -> None:
        self.out = out
        self.selection = selection
        self.map = mapping()
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        self.producer = stix_id("identity", PRODUCER)

    def common(self) -> dict[str, Any]:
        return {"created": self.now, "modified": self.now, "allow_custom": False}

    def producer_identity(self) -> str:
        if self.producer not in self.out.seen:
            self.out.add(stix2.v21.Identity(
                id=self.producer, name=PRODUCER, identity_class="system",
                description="newstrace: what happened, who says so, and who else confirms it", **self.common()))
        return self.producer

    # -- actors and places -----------------------------------------------------------------------------------------
    def actor(self, ent: Entity, places: dict[str, Place]) -> str:
        """The id of the STIX object for an actor, written on first sight."""
        spec = dict(self.map.get("types", {}).get(ent.type) or self.map.get("default") or {"object": "identity"})
        if ent.type != "PERSON" and (ent.sector or "").upper() in (self.map.get("sectors") or {}):
            spec = dict(self.map["sectors"][ent.sector.upper()])
        kind = spec.get("object", "identity")
        sid = stix_id(kind, actor_key(ent))
        if sid in self.out.seen:
            return sid
        canon = self.selection.canonical(ent.canonical)
        if canon is not None:  # a linked actor: its fullest name, every other written form an alias
            ent = Entity(id=ent.id, name=canon["name"], type=ent.type, country=canon.get("country") or ent.country,
                         sector=canon.get("sector") or ent.sector, title=canon.get("title") or ent.title,
                         aliases=[*(canon["aliases"] or []), *(ent.aliases or []), ent.name], canonical=ent.canonical)
        c = country(ent.country)
        about = "; ".join(x for x in (ent.type, f"country {ent.country}" if ent.country else "",
                                      f"CAMEO sector {ent.sector}" if ent.sector else "",
                                      f"title {ent.title}" if ent.title else "") if x)
        aliases = sorted({a for a in ent.aliases or [] if a and a != ent.name})
        if kind == "location":
            loc = self._place_for(ent, places)
            placed = self.place(loc, sid=sid) if loc is not None else None
            if placed is not None:
                return placed
            if c is None:  # a location needs a country, a region or coordinates: an unplaceable place stays an identity
                return self._identity(ent, stix_id("identity", actor_key(ent)), "unknown", about)
            return self.out.add(stix2.v21.Location(id=sid, name=ent.name, country=c.iso2, description=about,
                                                   **self.common()))
        if kind == "threat-actor":
            return self.out.add(stix2.v21.ThreatActor(
                id=sid, name=ent.name, threat_actor_types=spec.get("threat_actor_types") or ["unknown"],
                aliases=aliases or None, description=about, **self.common()))
        if kind == "intrusion-set":
            return self.out.add(stix2.v21.IntrusionSet(id=sid, name=ent.name, aliases=aliases or None,
                                                       description=about, **self.common()))
        return self._identity(ent, sid, spec.get("identity_class", "unknown"), about)

    def _identity(self, ent: Entity, sid: str, identity_class: str, about: str) -> str:
        if sid in self.out.seen:
            return sid
        sector = (self.map.get("industry_sectors") or {}).get((ent.sector or "").upper())
        return self.out.add(stix2.v21.Identity(id=sid, name=ent.name, identity_class=identity_class,
                                               sectors=[sector] if sector else None, description=about,
                                               roles=[ent.title] if ent.title else None, **self.common()))

    @staticmethod
    def _place_for(ent: Entity, places: dict[str, Place]) -> Place | None:
        """The resolved place an actor names (the same name and country), when analysis resolved one."""
        for p in places.values():
            if p.name == ent.name or normalise_text(p.name) == normalise_text(ent.name):
                return p
        return None

    def place(self, p: Place, sid: str | None = None) -> str | None:
        """The id of the STIX location of a resolved place, written on first sight (None: it cannot be placed)."""
        key = f"geonames:{p.geonameid}" if p.geonameid else f"place:{normalise_text(p.name)}:{p.country or ''}"
        sid = sid or stix_id("location", key)
        if sid in self.out.seen:
            return sid
        c = country(p.country)
        kwargs: dict[str, Any] = {"name": p.name}
        if c is not None:
            kwargs["country"] = c.iso2
        if p.lat is not None and p.lon is not None:
            kwargs["latitude"], kwargs["longitude"] = float(p.lat), float(p.lon)
        if p.admin1:
            kwargs["administrative_area"] = p.admin1
        if "country" not in kwargs and "latitude" not in kwargs:
            return None  # STIX places a location by country, region or coordinates; this place has none of them
        desc = f"GeoNames {p.geonameid}" if p.geonameid else None
        return self.out.add(stix2.v21.Location(id=sid, description=desc, **kwargs, **self.common()))

    def outlet(self, name: str) -> str:
        sid = stix_id("identity", f"outlet:{name.casefold()}")
        if sid not in self.out.seen:
            self.out.add(stix2.v21.Identity(id=sid, name=name, identity_class="organization",
                                            sectors=["communications"], description="news outlet", **self.common()))
        return sid

    # -- events, verdicts, sources -----------------------------------------------------------------------------------
    def relationship(self, it: Item, ev: Event, refs: dict[str, str], story: StoryLink | None) -> str | None:
        """The relationship of an event (per story when linked); None when the event has no coded actor."""
        src = refs.get(ev.actor or "")
        dst = refs.get(ev.target or "") or refs.get(f"place:{ev.place}" if ev.place else "")
        if src is None or dst is None or src == dst:
            return None
        key = story.story_id if story else f"{it.article.id}:{ev.id}"
        sid = stix_id("relationship", key)
        if sid in self.out.seen:
            return sid
        kwargs: dict[str, Any] = {}
        start = parse_time(ev.date) if ev.date and len(ev.date) >= 10 else None
        if start is not None:
            kwargs["start_time"] = start
        desc = f"{ev.type}{'/' + ev.mode if ev.mode else ''} (CAMEO {ev.cameo or '-'}): {ev.evidence.text}"
        return self.out.add(stix2.v21.Relationship(
            id=sid, relationship_type=slug(ev.type or "related-to"), source_ref=src, target_ref=dst,
            description=desc[:2000], created_by_ref=self.producer_identity(), **kwargs, **self.common()))

    def opinion(self, story: StoryLink, rel: str) -> str | None:
        """The opinion that carries a story's corroboration verdict, on the story's relationship."""
        if not story.verdict:
            return None
        sid = stix_id("opinion", story.story_id)
        if sid in self.out.seen:
            return sid
        value = (self.map.get("opinions") or {}).get(story.verdict, "neutral")
        if story.verdict == "corroborated" and story.independent_outlets >= int(self.map.get("strong_outlets", 3)):
            value = "strongly-agree"
        explanation = (f"verdict: {story.verdict}; {story.independent_outlets} independent outlet(s), "
                       f"{story.reports} reporting article(s), {story.mentions} mention(s) (newstrace story "
                       f"{story.story_id})")
        return self.out.add(stix2.v21.Opinion(id=sid, opinion=value, explanation=explanation, authors=[PRODUCER],
                                              object_refs=[rel], created_by_ref=self.producer_identity(),
                                              **self.common()))

    def note(self, it: Item, ev: Event, refs: list[str], story: StoryLink | None) -> str:
        """A note on one event mention: who the article says it on the word of, and how surely."""
        s = ev.source
        abstract = f"source: {s.kind}" + (f" ({s.text})" if s.text else "")
        lines = [f"evidence: {ev.evidence.text}", f"source kind: {s.kind}"]
        if s.text:
            lines.append(f"source as written: {s.text}")
        if s.cue:
            lines.append(f"attribution cue: {s.cue}")
        lines.append(f"modality: {ev.modality}")
        if story is not None:
            lines.append(f"story verdict: {story.verdict} ({story.independent_outlets} independent outlet(s))")
            if story.copied_from:
                lines.append(f"this report repeats the words of article {story.copied_from}")
        return self.out.add(stix2.v21.Note(
            id=stix_id("note", f"{it.article.id}:{ev.id}"), abstract=abstract[:500], content="\n".join(lines),
            authors=[PRODUCER], object_refs=refs, created_by_ref=self.producer_identity(), **self.common()),
            once=True)

    def article(self, it: Item) -> str:
        """Every object one article states, then its report."""
        art, an = it.article, it.analysis
        places = {p.id: p for p in an.places}
        report_id = stix_id("report", art.id)
        refs: dict[str, str] = {}
        for p in an.places:
            if (loc := self.place(p)) is not None:
                refs[f"place:{p.id}"] = loc
        for ent in an.entities:
            refs[ent.id] = self.actor(ent, places)
        listed: list[str] = [*refs.values()]
        for ev in it.events:
            story = it.stories.get(ev.id)
            rel = self.relationship(it, ev, refs, story)
            if rel is not None:
                listed.append(rel)
                if story is not None and (op := self.opinion(story, rel)):
                    listed.append(op)
            listed.append(self.note(it, ev, [rel or report_id], story))
        creator = self.outlet(art.outlet) if art.outlet else self.producer_identity()
        published = parse_time(art.published) or parse_time(it.ingested_at) or self.now
        ext = {"source_name": art.outlet or PRODUCER, "external_id": art.id}
        if art.url:
            ext["url"] = art.url
        desc = art.text[int(art.meta.get("body_start", 0) or 0):][:500]
        objects = list(dict.fromkeys(x for x in listed if x != report_id)) or [creator]
        return self.out.add(stix2.v21.Report(
            id=report_id, name=(art.title or art.url or art.id)[:500], published=published,
            report_types=["threat-report"], description=desc, object_refs=objects, created_by_ref=creator,
            external_references=[ext], labels=["news-article"], **self.common()), once=True)


def write(selection: Selection, target: Any, *, fmt: str = "stix", **_: Any) -> ExportStats:
    """Write the selection as one STIX 2.1 bundle; returns the objects written by type."""
    stats = ExportStats(fmt)
    with open_text(target) as fh:
        out = BundleWriter(fh, stats)
        builder = StixBuilder(out, selection)
        for it in selection.items():
            builder.article(it)
            stats.articles += 1
        out.close()
    stats.files.append(describe(target))
    return stats


def validate(path_or_text: str, *, strict_schema: bool = True) -> list[str]:
    """The problems of a STIX bundle: stix2's own parse (``allow_custom=False``), then the STIX 2.1 JSON schemas
    of ``stix2-validator`` when it is installed. An empty list means the bundle is valid."""
    text = path_or_text
    if not path_or_text.lstrip().startswith("{"):
        with open(path_or_text, encoding="utf-8") as fh:
            text = fh.read()
    problems: list[str] = []
    try:
        stix2.parse(text, allow_custom=False, version="2.1")
    except Exception as exc:  # noqa: BLE001 - any parse failure is a finding to report
        problems.append(f"stix2.parse: {type(exc).__name__}: {exc}")
    try:
        from stix2validator import ValidationOptions, validate_string
    except ImportError:
        return problems
    if not strict_schema:
        return problems
    result = validate_string(text, ValidationOptions(version="2.1"))
    if not result.is_valid:
        for obj in result.object_results:
            for err in obj.errors:
                problems.append(f"{obj.object_id}: {err}")
    return problems


def load(path: str) -> dict[str, Any]:
    """The bundle as plain JSON (for tests and quick looks)."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
