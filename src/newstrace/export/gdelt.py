"""GDELT 2.0 export: the Events table (61 tab-separated columns, GDELT's order) and the Mentions table (16 columns).

One Events row per real-world event: per **story** once the link stage has grouped event mentions across articles,
else per event mention. One Mentions row per report of it (each stored event mention), with char offsets.

Where newstrace's meaning differs from GDELT's (also in README "Export"):

- ``GlobalEventID`` is a stable 60-bit hash of the story id (or article id + event id), not a running number;
  the same store exports the same ids every time.
- ``NumSources`` counts **independent outlets** (copies of one wire story and outlets of one group count once),
  where GDELT counts every source that carried the event; ``NumArticles`` counts reporting articles and
  ``NumMentions`` event mentions, as stored by the link stage (a story whose reports come from outlets that
  could not be named counts as one source). Before linking all three are 1.
- Only events stated as having happened (modality ``asserted``, ``data/gdelt/mapping.yaml``) are exported;
  negated, possible, future, conditional and question events stay in the JSONL/Parquet/CSV exports.
- ``Actor1Code``/``Actor2Code`` = ISO3 country + the actor's CAMEO sector code (``PAKSPY``); ``Actor*Name`` is the
  name as newstrace resolved it (upper-cased, like GDELT). Ethnic and religion codes are left empty.
- ``Day`` is the event's own date when analysis resolved one to the day, else the publication date of the
  first report; ``DATEADDED`` is the first report's publication time (UTC), not the time of ingest.
- ``AvgTone`` and ``MentionDocTone`` are empty: newstrace does not score tone.
- ``Actor1Geo``/``Actor2Geo`` are the actor's country (type 1, its centroid); ``ActionGeo`` is the event's place.
- Mentions: ``SentenceID`` is the number of the paragraph holding the evidence sentence; ``Confidence`` is 100
  when actor and target were both coded, 70 when one was, 40 when neither; ``Extras`` carries newstrace's
  ``<SOURCE_KIND>``, ``<SOURCE>``, ``<MODALITY>``, ``<VERDICT>`` and ``<COPIED_FROM>``.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from newstrace.export import ExportStats, mappings
from newstrace.export.countries import country
from newstrace.export.files import ensure_dir
from newstrace.export.select import Item, Selection, StoryLink
from newstrace.model import Entity, Event, Place
from newstrace.settings import DATA_DIR
from newstrace.yamlio import read_yaml

GDELT_DIR = DATA_DIR / "gdelt"

ACTOR_FIELDS = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
                "Type1Code", "Type2Code", "Type3Code")
GEO_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")

EVENT_COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{f}" for f in ACTOR_FIELDS), *(f"Actor2{f}" for f in ACTOR_FIELDS),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{f}" for f in GEO_FIELDS), *(f"Actor2Geo_{f}" for f in GEO_FIELDS),
    *(f"ActionGeo_{f}" for f in GEO_FIELDS),
    "DATEADDED", "SOURCEURL",
)
MENTION_COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName", "MentionIdentifier",
    "SentenceID", "Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset", "InRawText", "Confidence",
    "MentionDocLen", "MentionDocTone", "MentionDocTranslationInfo", "Extras",
)
assert len(EVENT_COLUMNS) == 61 and len(MENTION_COLUMNS) == 16

EVENTS_FILE = "newstrace.export.CSV"
MENTIONS_FILE = "newstrace.mentions.CSV"
MENTION_TYPE_WEB = 1


# -- the data tables ---------------------------------------------------------------------------------------------
def _read_tsv(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@lru_cache(maxsize=1)
def tables() -> dict[str, Any]:
    """The GDELT mapping data: Goldstein weights, QuadClass by root, geo types, fallbacks, known groups."""
    mapping = mappings.load("gdelt")
    goldstein = {r["cameo"]: float(r["goldstein"]) for r in _read_tsv(GDELT_DIR / "goldstein.tsv")}
    goldstein.update({str(k): float(v) for k, v in (mapping.get("goldstein") or {}).items()})
    quad = {r["root"]: int(r["quadclass"]) for r in _read_tsv(GDELT_DIR / "quadclass.tsv")}
    roots = dict(mapping.get("plover_roots") or {})
    roots.update(_lexicon_roots())
    roots.update(mapping.get("plover_roots_override") or {})
    return {
        "goldstein": goldstein,
        "quadclass": quad,
        "roots": {k.upper(): str(v) for k, v in roots.items()},
        "geo_types": mapping.get("geo_types") or {},
        "geo_types_us": mapping.get("geo_types_us") or {},
        "known_groups": {k.casefold(): v for k, v in (mapping.get("known_groups") or {}).items()},
        "country_types": set(mapping.get("country_types") or ()),
        "modalities": set(mapping.get("modalities") or ("asserted",)),
    }


def _lexicon_roots() -> dict[str, str]:
    """The type-level CAMEO codes of the event lexicon (data/events/triggers.yaml), when it states them."""
    path = DATA_DIR / "events" / "triggers.yaml"
    try:
        data = read_yaml(path) or {}
    except (OSError, yaml.YAMLError):
        return {}
    out = {}
    for name, spec in (data.get("types") or {}).items():
        if isinstance(spec, dict) and spec.get("cameo"):
            out[str(name).upper()] = str(spec["cameo"])
    return out


def cameo_code(ev: Event) -> str | None:
    """The event's CAMEO code: its own, else the root code of its PLOVER type."""
    code = (ev.cameo or "").strip()
    if code.isdigit() and len(code) >= 2:
        return code
    return tables()["roots"].get((ev.type or "").upper())


def goldstein(code: str | None) -> float | None:
    """The Goldstein weight of a CAMEO code: the code's own, else its base code's, else its root's."""
    if not code:
        return None
    g = tables()["goldstein"]
    for key in (code, code[:3], code[:2]):
        if key in g:
            return g[key]
    return None


def quad_class(code: str | None) -> int | None:
    """GDELT's QuadClass of a CAMEO code, by its two-digit root."""
    return tables()["quadclass"].get(code[:2]) if code else None


# -- field groups ---------------------------------------------------------------------------------------------------
def clean(value: Any) -> str:
    """A field as GDELT writes it: tabs and line breaks folded into spaces, None as an empty field."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.1f}"
    return " ".join(str(value).split())


def tsv_line(values: list[Any]) -> str:
    """One tab-separated line; ``clean`` has removed every tab and line break from the fields."""
    return "\t".join(clean(v) for v in values) + "\n"


def actor_fields(ent: Entity | None, text: str | None) -> list[Any]:
    """The ten Actor fields: CAMEO code (country + sector), name, country, known group, type codes."""
    if ent is None and not text:
        return [""] * len(ACTOR_FIELDS)
    t = tables()
    iso3 = (ent.country or "").upper() if ent else ""
    sector = (ent.sector or "").upper() if ent else ""
    group = ""
    if ent is not None:
        for name in (ent.name, ent.canonical, *(ent.aliases or [])):
            if name and name.casefold() in t["known_groups"]:
                group = t["known_groups"][name.casefold()]
                break
    # a country named as an actor ("Pakistan said") is coded by its country code alone, as CAMEO does
    is_country = ent is not None and ent.type in t["country_types"]
    code = iso3 if is_country else f"{iso3}{group or sector}"
    name = (ent.name if ent else text) or ""
    return [code, name.upper(), iso3, group, "", "", "", "" if is_country else sector, "", ""]


def geo_fields(place: Place | None = None, iso3: str | None = None) -> list[Any]:
    """The eight Geo fields of a resolved place, or of a country (type 1, its centroid) when only that is known."""
    t = tables()
    if place is not None:
        c = country(place.country)
        us = c is not None and c.iso3 == "USA"
        gtype = (t["geo_types_us"].get(place.feature) if us else None) or t["geo_types"].get(place.feature)
        if place.feature is None:
            gtype = 4 if place.lat is not None else None
        full = place.name if c is None or place.feature == "country" else f"{place.name}, {c.name}"
        adm1 = ""
        if c is not None and c.fips:
            adm1 = c.fips
            if place.admin1 and "." in place.admin1:
                adm1 = f"{c.fips}{place.admin1.split('.', 1)[1]}"
        return [gtype or "", full, c.fips if c else "", adm1, "", place.lat, place.lon, place.geonameid or ""]
    c = country(iso3)
    if c is None:
        return [""] * len(GEO_FIELDS)
    lat, lon = _centroid(c.iso3)
    return [1, c.name, c.fips, c.fips, "", lat, lon, c.iso2]


@lru_cache(maxsize=1)
def _centroids() -> dict[str, tuple[float | None, float | None]]:
    out: dict[str, tuple[float | None, float | None]] = {}
    path = DATA_DIR / "actors" / "countries.tsv"
    if path.exists():
        for r in _read_tsv(path):
            try:
                out[r["iso3"]] = (float(r["lat"]), float(r["lon"]))
            except (KeyError, TypeError, ValueError):
                continue
    return out


def _centroid(iso3: str) -> tuple[float | None, float | None]:
    return _centroids().get(iso3, (None, None))


def parse_time(value: str | None) -> datetime | None:
    """An ISO date or datetime as an aware UTC datetime (dates at midnight UTC), or None."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = datetime.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def stamp(value: str | None) -> str:
    """YYYYMMDDHHMMSS in UTC, GDELT's timestamp form."""
    dt = parse_time(value)
    return dt.strftime("%Y%m%d%H%M%S") if dt else ""


def day_fields(ev: Event, fallback: str | None) -> list[Any]:
    """Day, MonthYear, Year and FractionDate: the event date when known to the day, else ``fallback``'s date."""
    day = None
    if ev.date and len(ev.date) >= 10:
        try:
            day = datetime.fromisoformat(ev.date[:10])  # the calendar day as written, no time-zone shift
        except ValueError:
            day = None
    dt = day or parse_time(fallback)
    if dt is None:
        return ["", "", "", ""]
    y, m, d = dt.year, dt.month, dt.day
    # GDELT's FractionDate: year + (month * 30 + day) / 365
    return [f"{y:04d}{m:02d}{d:02d}", f"{y:04d}{m:02d}", y, f"{y + (m * 30 + d) / 365:.4f}"]


def global_id(key: str) -> int:
    """A stable 60-bit event id from a story id or an article+event key."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:15], 16)


def _first_offset(ent: Entity | None, start: int, end: int) -> int:
    """The actor's first mention inside the evidence sentence, else its first mention at all, else -1."""
    if ent is None or not ent.mentions:
        return -1
    inside = [s for s, e in ent.mentions if s >= start and e <= end]
    return min(inside) if inside else min(s for s, _ in ent.mentions)


def _paragraph_number(it: Item, offset: int) -> int:
    for i, (s, e) in enumerate(it.article.paragraphs or [], start=1):
        if s <= offset < e or (offset < s):
            return i
    return 1


def _is_root(it: Item, ev: Event) -> int:
    """1 when the event is stated in the headline or the lead paragraph (GDELT's IsRootEvent), else 0."""
    paras = it.article.paragraphs or []
    body_start = int(it.article.meta.get("body_start", 0) or 0)
    lead = [p for p in paras if p[0] >= body_start][:1]
    limit = lead[0][1] if lead else (paras[0][1] if paras else 0)
    return int(ev.evidence.start < limit)


# -- rows ---------------------------------------------------------------------------------------------------------
def event_row(it: Item, ev: Event, key: str, story: StoryLink | None, first: dict[str, Any] | None) -> list[Any]:
    """The 61 fields of one GDELT event, from a representative mention and its story (when linked)."""
    places = {p.id: p for p in it.analysis.places}
    actor, target = it.entity(ev.actor), it.entity(ev.target)
    code = cameo_code(ev)
    first_pub = (first or {}).get("published") or it.article.published
    source_url = (first or {}).get("url") or it.article.url or it.article.uri or f"newstrace:article/{it.article.id}"
    row: list[Any] = [global_id(key), *day_fields(ev, first_pub or it.ingested_at)]
    row += actor_fields(actor, ev.actor_text)
    row += actor_fields(target, ev.target_text)
    row += [_is_root(it, ev), code or "", code[:3] if code else "", code[:2] if code else "", quad_class(code) or "",
            goldstein(code), story.mentions if story else 1,
            # a report from an outlet that extraction could not name is still one source
            max(story.independent_outlets, 1) if story else 1, story.reports if story else 1, ""]
    row += geo_fields(iso3=actor.country if actor else None)
    row += geo_fields(iso3=target.country if target else None)
    row += geo_fields(places.get(ev.place)) if ev.place in places else geo_fields(iso3=None)
    row += [stamp(first_pub or it.ingested_at), source_url]
    return row


def mention_row(it: Item, ev: Event, key: str, story: StoryLink | None, event_time: str) -> list[Any]:
    """The 16 fields of one report of an event: where in which article, and how surely it was coded."""
    art = it.article
    actor, target = it.entity(ev.actor), it.entity(ev.target)
    s, e = ev.evidence.start, ev.evidence.end
    action = ev.evidence.trigger[0] if ev.evidence.trigger else s
    coded = int(ev.actor is not None) + int(ev.target is not None)
    confidence = {2: 100, 1: 70, 0: 40}[coded]
    extras = (f"<SOURCE_KIND>{clean(ev.source.kind)}</SOURCE_KIND><SOURCE>{clean(ev.source.text)}</SOURCE>"
              f"<MODALITY>{clean(ev.modality)}</MODALITY><VERDICT>{clean(story.verdict if story else None)}</VERDICT>"
              f"<COPIED_FROM>{clean(story.copied_from if story else None)}</COPIED_FROM>")
    return [global_id(key), event_time, stamp(art.published or it.ingested_at), MENTION_TYPE_WEB, art.outlet or "",
            art.url or art.uri or f"newstrace:article/{art.id}", _paragraph_number(it, s), _first_offset(actor, s, e),
            _first_offset(target, s, e), action, 1, confidence, len(art.text), "", "", extras]


def write(selection: Selection, target: Any, *, fmt: str = "gdelt", header: bool = False, **_: Any) -> ExportStats:
    """Write ``newstrace.export.CSV`` (events) and ``newstrace.mentions.CSV`` into the directory ``target``.

    Tab-separated and header-less like GDELT's own files (``header=True`` adds a header row). Rows stream out as
    the store is read; the only state kept is the set of story ids already written (one Events row per story).
    """
    folder = ensure_dir(target)
    stats = ExportStats(fmt)
    modalities = tables()["modalities"]
    written: dict[str, str] = {}  # story id -> its Events row's DATEADDED, for its later mentions
    ev_path, mn_path = folder / EVENTS_FILE, folder / MENTIONS_FILE
    with ev_path.open("w", encoding="utf-8", newline="") as evf, mn_path.open("w", encoding="utf-8", newline="") as mnf:
        if header:
            evf.write("\t".join(EVENT_COLUMNS) + "\n")
            mnf.write("\t".join(MENTION_COLUMNS) + "\n")
        for it in selection.items():
            stats.articles += 1
            for ev in it.events:
                if ev.modality not in modalities:
                    continue
                story = it.stories.get(ev.id)
                key = story.story_id if story else f"{it.article.id}:{ev.id}"
                if key not in written:
                    first = _first_report(selection, story)
                    row = event_row(it, ev, key, story, first)
                    evf.write(tsv_line(row))
                    stats.add("events")
                    event_time = row[EVENT_COLUMNS.index("DATEADDED")]
                    if story is not None:
                        written[key] = event_time
                else:
                    event_time = written[key]
                mnf.write(tsv_line(mention_row(it, ev, key, story, event_time)))
                stats.add("mentions")
    stats.files += [str(ev_path), str(mn_path)]
    return stats


def _first_report(selection: Selection, story: StoryLink | None) -> dict[str, Any] | None:
    """The earliest report of a story (its publication time and URL stand for the event's)."""
    if story is None:
        return None
    reports = selection.story_reports(story.story_id)
    return reports[0] if reports else None
