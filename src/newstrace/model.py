"""The record dataclasses, in one place.

Every stage speaks these types: collect yields ``RawDocument``, extract yields ``Article``, analyze yields
``Analysis``; the store, the CLI, the API and the exports all read and write the same field names, which are
the public JSON contract of ``DESIGN.md``. Offsets are character offsets into ``Article.text``.

``to_dict``/``from_dict`` give the JSON form; new fields may be added freely, existing names and meanings stay.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

Span = list[int]  # [start, end) character offsets into Article.text

MODALITIES = ("asserted", "negated", "possible", "future", "conditional", "question")
SOURCE_KINDS = ("author", "person", "organization", "outlet", "anonymous", "document")
VERDICTS = ("corroborated", "single-source", "contested", "unverified")


@dataclass
class RawDocument:
    """One document as collected: bytes and framing, nothing interpreted yet.

    ``error`` is set when the document could not even be read (a truncated archive, an unreadable file); such a
    document still travels through the pipeline so that the store records the failure against its ``uri``.
    """

    uri: str
    content: bytes
    content_type: str  # "html" | "text" | "json" (a JSONL record, already decoded into meta)
    fetched_at: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Removed:
    """A piece of the input that extraction dropped, and why (site chrome, a widget, a bio blurb)."""

    text: str
    reason: str


@dataclass
class Article:
    """The article that extraction found in a document: metadata plus clean text with paragraph breaks."""

    id: str
    url: str | None
    outlet: str | None
    title: str | None
    byline: str | None
    published: str | None  # ISO 8601 date or datetime, as precise as the source gives
    tags: list[str]
    language: str | None
    text: str
    paragraphs: list[Span] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    uri: str | None = None  # where it was collected from (path, URL, warc record)
    fetched_at: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Entity:
    """An actor (person, organisation, country, group) with all its mentions in one article."""

    id: str
    name: str
    type: str  # PERSON | ORG | GPE | NORP | ...
    aliases: list[str] = field(default_factory=list)
    country: str | None = None  # ISO3
    sector: str | None = None
    title: str | None = None
    mentions: list[Span] = field(default_factory=list)
    canonical: str | None = None  # cross-article id, set by link


@dataclass
class Place:
    """A resolved toponym: GeoNames id, country (ISO3), first-level division, coordinates."""

    id: str
    name: str
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    mentions: list[Span] = field(default_factory=list)
    # country | continent | area | region | county | capital | city | physical: a gazetteer entry; site | local: a
    # name the gazetteer lacks, placed at the place it names or at the article's town (README, "The record")
    feature: str | None = None


@dataclass
class DateMention:
    """A date expression resolved against the publication date (``value`` is None when there is no anchor)."""

    text: str
    start: int
    end: int
    value: str | None
    granularity: str | None  # day | month | year


@dataclass
class Evidence:
    start: int
    end: int
    text: str  # the sentence
    trigger: Span | None = None


@dataclass
class Source:
    """Who an event or claim is attributed to. ``kind`` is one of ``SOURCE_KINDS``."""

    kind: str = "author"
    entity: str | None = None  # entity id when the source is a named actor
    text: str | None = None  # the source as written ("officials who asked not to be named")
    cue: str | None = None  # the attribution cue ("said", "according to", "wrote")
    quote: str | None = None  # quote id when the event sits inside a quote or a block passage


@dataclass
class Event:
    """One coded political event: who did what to whom, where, when, how surely, and on whose word.

    The same record holds a happening (``ontology == "happening"``): a disaster, an accident or a rate move that the
    news reports and PLOVER does not code; ``type`` is then its kind (``EARTHQUAKE``, ``SHIPWRECK``) and
    ``category`` its family. Happenings are listed apart (``Analysis.happenings``), never among the events."""

    id: str
    type: str  # PLOVER type (a happening's kind for a happening)
    mode: str | None
    cameo: str | None
    actor: str | None  # entity id
    target: str | None  # entity id
    place: str | None  # place id
    date: str | None  # ISO date
    modality: str
    evidence: Evidence
    source: Source = field(default_factory=Source)
    flags: list[str] = field(default_factory=list)
    actor_text: str | None = None
    target_text: str | None = None
    trigger: str | None = None
    # ISO3 of each side: the entity's country, else the country its phrase names ("Israeli Prime Minister ...")
    actor_country: str | None = None
    target_country: str | None = None
    ontology: str = "plover"  # plover | happening
    category: str | None = None  # a happening's family: disaster | accident | economy


@dataclass
class Quote:
    """A direct or reported quotation, with its speaker as an entity id where one can be bound."""

    id: str
    speaker: str | None
    speaker_text: str | None
    cue: str | None
    text: str
    start: int
    end: int
    direct: bool
    kind: str | None = None  # the speaker's source kind (SOURCE_KINDS): person, organization, outlet, anonymous, ...
    speaker_span: Span | None = None  # the speaker as written ("she", "sources"), offsets into Article.text
    cue_span: Span | None = None  # the cue as written ("explained", "according to", "wrote")
    block: bool = False  # a passage introduced by "X wrote:" rather than marked by quote marks


@dataclass
class Flag:
    """A span the reader should look at twice: exclusive, overclaim, hedge, loaded, anonymous. Never a verdict."""

    kind: str
    start: int
    end: int
    text: str


@dataclass
class Analysis:
    """Everything analysis found in one article."""

    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    sourcing: dict[str, int] = field(default_factory=dict)
    happenings: list[Event] = field(default_factory=list)  # disasters, accidents, rate moves: no PLOVER events


@dataclass
class Failure:
    """A document that could not be turned into an article or analysed, stored with its reason."""

    uri: str
    stage: str  # collect | extract | analyze | store
    reason: str
    content_sha: str | None = None
    size: int | None = None


_SCALARS = (str, int, float, type(None))
_field_names: dict[type, tuple[str, ...] | None] = {}  # a class -> its field names, None when it is no record


def to_dict(obj: Any) -> Any:
    """The JSON form of any record: dataclasses to dicts, recursively.

    Every stored article goes through here (the store keeps the whole analysis as JSON), so the field names of
    each class are looked up once, and scalars, the bulk of the values, return at the first test."""
    if isinstance(obj, _SCALARS):
        return obj
    cls = type(obj)
    if cls not in _field_names:
        record = dataclasses.is_dataclass(cls)
        _field_names[cls] = tuple(f.name for f in dataclasses.fields(cls)) if record else None
    names = _field_names[cls]
    if names is not None:
        return {n: to_dict(getattr(obj, n)) for n in names}
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    if isinstance(obj, datetime):
        return obj.isoformat()
    return obj


T = TypeVar("T")


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a record from its JSON form; unknown keys are ignored so older readers survive new fields."""
    hints = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    nested = {
        (Article, "removed"): Removed,
        (Analysis, "entities"): Entity,
        (Analysis, "places"): Place,
        (Analysis, "dates"): DateMention,
        (Analysis, "events"): Event,
        (Analysis, "happenings"): Event,
        (Analysis, "quotes"): Quote,
        (Analysis, "flags"): Flag,
    }
    for name, value in data.items():
        if name not in hints:
            continue
        sub = nested.get((cls, name))
        if sub is not None and value is not None:
            value = [from_dict(sub, v) for v in value]
        elif cls is Event and name == "evidence" and isinstance(value, dict):
            value = from_dict(Evidence, value)
        elif cls is Event and name == "source" and isinstance(value, dict):
            value = from_dict(Source, value)
        kwargs[name] = value
    return cls(**kwargs)


def record(article: Article, analysis: Analysis | None) -> dict[str, Any]:
    """The public JSON record of one analysed article (DESIGN.md: article, entities, places, events, ...)."""
    art = to_dict(article)
    out: dict[str, Any] = {"article": art}
    out.update(to_dict(analysis or Analysis()))
    return out


_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Text as compared for identity: NFC, whitespace folded, case folded."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def article_id(text: str) -> str:
    """The article id: a short hash of the normalised text, so the same text from anywhere is one article."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]
