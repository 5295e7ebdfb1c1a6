"""The actor dictionary: countries, demonyms, organisations, titles and role nouns, loaded once per process.

Reads the files of ``data/actors/`` (see its README) and the user's files named by ``NEWSTRACE_ACTORS``, and
indexes them by ``name_key`` so the entity and place components look names up in constant time.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from newstrace.analyze.names import name_key, strip_possessive
from newstrace.settings import DATA_DIR, get_settings
from newstrace.yamlio import read_yaml

log = logging.getLogger(__name__)
ACTORS_DIR = DATA_DIR / "actors"
# words that, before a country's name, name a part of it ("South Lebanon", "northern Iraq")
DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
              "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern", "southeastern",
              "southwestern", "upper", "lower"}
ADMIN_WORDS = {"province", "region", "state", "district", "county", "republic", "territory", "territories"}


@dataclass
class Country:
    """One country of the dictionary."""

    iso3: str
    iso2: str
    name: str
    geonameid: int | None
    lat: float | None
    lon: float | None
    population: int
    capital: str
    capital_geonameid: int | None
    tld: str
    demonyms: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


@dataclass
class Actor:
    """A named organisation or group of the dictionary."""

    name: str
    type: str
    country: str | None
    sector: str | None
    aliases: list[str] = field(default_factory=list)
    seat: tuple[str, str] | None = None  # an international body's seat: town, ISO3


@dataclass
class ActorDictionary:
    """The indexes the components read: by name key, by acronym (case-sensitive), by demonym."""

    countries: dict[str, Country] = field(default_factory=dict)  # iso3 -> Country
    country_by_key: dict[str, str] = field(default_factory=dict)  # name key -> iso3
    demonym_by_key: dict[str, str] = field(default_factory=dict)  # demonym key -> iso3
    actors: list[Actor] = field(default_factory=list)
    actor_by_key: dict[str, int] = field(default_factory=dict)  # name key -> index in actors
    shared_keys: set[str] = field(default_factory=set)  # names two listed people go by: no actor_by_key entry
    surname_country: dict[str, str | None] = field(default_factory=dict)  # one-word person name -> ISO3 (None: mixed)
    acronym_actor: dict[str, int] = field(default_factory=dict)  # exact acronym -> index in actors
    titles: dict[str, str] = field(default_factory=dict)  # title key -> sector
    title_words: list[tuple[str, ...]] = field(default_factory=list)  # titles as word tuples, longest first
    roles: dict[str, str] = field(default_factory=dict)  # role noun key -> role group
    role_sectors: dict[str, str] = field(default_factory=dict)
    tld_country: dict[str, str] = field(default_factory=dict)  # ".pk" -> PAK
    org_words: set[str] = field(default_factory=set)  # head nouns that make a name an organisation
    continents: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # code -> aliases, demonyms

    def country_of(self, text: str) -> str | None:
        """The ISO3 country a name or a demonym stands for ("Pakistan's", "Pakistani", "U.S.")."""
        key = name_key(text)
        return self.country_by_key.get(key) or self.demonym_by_key.get(key)

    def strip_nationality(self, name: str) -> tuple[str, str | None]:
        """A name without a leading country possessive or demonym, and that country's ISO3.

        "Pakistan's Foreign Office" -> ("Foreign Office", "PAK"); "Pakistani Foreign Office" -> ("Foreign
        Office", "PAK"); a name with no such prefix comes back as it is, with None.
        """
        words = name.split()
        for n in (3, 2, 1):
            if len(words) <= n:
                continue
            head = " ".join(words[:n])
            possessive = strip_possessive(head)
            iso = self.country_by_key.get(name_key(possessive)) if possessive != head else None
            if iso is None and n == 1:
                iso = self.demonym_by_key.get(name_key(head))
            if iso:
                return " ".join(words[n:]), iso
        return name, None

    def country_in_name(self, name: str, etype: str = "") -> str | None:
        """The country a name belongs to when the entity layer gave it none, from the name alone.

        A dictionary actor gives its own country (None for an international one). Otherwise the whole name may
        be a country or demonym the model tagged as something else ("Sri Lanka" as PERSON, "Bosnian Serbs"); a
        person's name may end in the distinctive surname of a listed person ("Vladimir Putin", "Hafez al-Assad");
        a group's or organisation's name may start with a country or demonym ("Bosnian Serb leaders") or hold one
        ("Kenya Anti-Corruption Commission", "Radical French farmers"); a region may be a direction of a country
        ("South Lebanon").
        """
        idx = self.actor_index(name)
        if idx is not None:
            return self.actors[idx].country
        key = name_key(name)
        iso = self.country_by_key.get(key) or self.demonym_by_key.get(key)
        if iso or not key:
            return iso
        words = name.split()
        if etype == "PERSON" or (len(words) == 1 and key in self.surname_country):
            # a listed surname, alone or ending a name, gives the country of the people who go by it
            return self.surname_country.get(name_key(words[-1])) if words else None
        if etype in ("GPE", "LOC"):
            # "South Lebanon", "northern Iraq", "Montenegro province": only a direction or an administrative word
            # around a country's name names a part of it
            rest = [w for w in words if name_key(w) not in DIRECTIONS and name_key(w) not in ADMIN_WORDS]
            return self.country_by_key.get(name_key(" ".join(rest))) if len(rest) < len(words) else None
        iso = self.strip_nationality(name)[1]
        if iso:
            return iso
        caps = [w for w in words if w[:1].isupper()]
        for n in (3, 2, 1):
            for i in range(len(caps) - n + 1):
                k = name_key(" ".join(caps[i : i + n]))
                iso = self.country_by_key.get(k) or self.demonym_by_key.get(k)
                if iso:
                    return iso
        return None

    def actor_index(self, text: str) -> int | None:
        """The index of the dictionary organisation a mention names: acronyms match exactly, other names by key."""
        bare = text.strip()
        idx = self.acronym_actor.get(bare.replace(".", ""))
        if idx is None:
            idx = self.actor_by_key.get(name_key(bare))
        return idx

    def actor(self, text: str) -> Actor | None:
        """The dictionary organisation a mention names, or None."""
        idx = self.actor_index(text)
        return None if idx is None else self.actors[idx]


def _split(value: str) -> list[str]:
    # the generated table separates values with "|"; a few demonyms come as "Bosnian,Herzegovinian"
    return [v.strip() for v in (value or "").replace(",", "|").split("|") if v.strip()]


def _read_countries(path: Path, d: ActorDictionary) -> None:
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        for r in rows:
            c = Country(
                iso3=r["iso3"], iso2=r["iso2"], name=r["name"].strip(),
                geonameid=int(r["geonameid"]) if r["geonameid"] else None,
                lat=float(r["lat"]) if r["lat"] else None, lon=float(r["lon"]) if r["lon"] else None,
                population=int(r["population"] or 0), capital=r["capital"].strip(),
                capital_geonameid=int(r["capital_geonameid"]) if r["capital_geonameid"] else None,
                tld=r["tld"], demonyms=_split(r["demonyms"]), aliases=_split(r["aliases"]),
            )
            d.countries[c.iso3] = c


def _add_country_names(d: ActorDictionary, c: Country) -> None:
    for n in [c.name, *c.aliases]:
        # the bigger country keeps a shared name ("Congo")
        key = name_key(n)
        old = d.country_by_key.get(key)
        if key and (old is None or d.countries[old].population < c.population):
            d.country_by_key[key] = c.iso3
    for dem in c.demonyms:
        key = name_key(dem)
        # the plural of a demonym ("Pakistanis") names the people too; the bigger country keeps a shared one
        for k in (key, key + "s") if key else ():
            old = d.demonym_by_key.get(k)
            if old is None or d.countries[old].population < c.population:
                d.demonym_by_key[k] = c.iso3
    if c.tld:
        d.tld_country[c.tld.lower()] = c.iso3


def _add_actor(d: ActorDictionary, entry: dict[str, Any]) -> None:
    actor = Actor(name=str(entry["name"]), type=str(entry.get("type") or "ORG"), country=entry.get("country"),
                  sector=entry.get("sector"), aliases=[str(a) for a in entry.get("aliases") or []],
                  seat=(str(entry["seat"][0]), str(entry["seat"][1])) if entry.get("seat") else None)
    idx = len(d.actors)
    d.actors.append(actor)
    for n in [actor.name, *actor.aliases]:
        bare = n.replace(".", "")
        if bare.isupper() and len(bare) <= 8:
            # acronyms are case-sensitive: "IS" must not match the verb "is", "RAW" not "raw"
            d.acronym_actor[bare] = idx
        else:
            key = name_key(n)
            if actor.type == "PERSON" and " " not in key:
                seen = d.surname_country.get(key, actor.country)
                d.surname_country[key] = actor.country if seen == actor.country else None
            prev = d.actor_by_key.get(key)
            if key in d.shared_keys or (prev is not None and prev != idx and actor.type == "PERSON"
                                        and d.actors[prev].type == "PERSON"):
                # two listed people go by this name ("Bhutto"): alone it names neither
                d.shared_keys.add(key)
                d.actor_by_key.pop(key, None)
            else:
                d.actor_by_key[key] = idx


def _read_yaml(path: Path, d: ActorDictionary) -> None:
    data = read_yaml(path)
    if isinstance(data, list):  # organisations
        for entry in data:
            if isinstance(entry, dict) and entry.get("name"):
                _add_actor(d, entry)
        return
    if not isinstance(data, dict):
        return
    if "continents" in data:
        for code, extra in (data.get("continents") or {}).items():
            if isinstance(extra, dict):
                entry = d.continents.setdefault(str(code), {"aliases": [], "demonyms": []})
                entry["aliases"].extend(str(a) for a in extra.get("aliases") or [])
                entry["demonyms"].extend(str(a) for a in extra.get("demonyms") or [])
        return
    if "titles" in data or "roles" in data:
        for sector, titles in (data.get("titles") or {}).items():
            for t in titles or []:
                d.titles[name_key(t)] = str(sector)
        for group, nouns in (data.get("roles") or {}).items():
            for n in nouns or []:
                d.roles[name_key(n)] = str(group)
        for noun, sector in (data.get("role_sectors") or {}).items():
            d.role_sectors[name_key(str(noun))] = str(sector)
        d.org_words.update(name_key(str(w)) for w in data.get("org_words") or [])
        return
    if "organisations" in data or "actors" in data:
        for entry in data.get("organisations") or data.get("actors") or []:
            if isinstance(entry, dict) and entry.get("name"):
                _add_actor(d, entry)
        return
    for iso3, extra in data.items():  # countries_extra: ISO3 -> {aliases, demonyms, point}
        c = d.countries.get(str(iso3))
        if c is None or not isinstance(extra, dict):
            continue
        c.aliases.extend(str(a) for a in extra.get("aliases") or [])
        c.demonyms.extend(str(a) for a in extra.get("demonyms") or [])
        point = extra.get("point")
        if isinstance(point, list) and len(point) == 2:
            c.lat, c.lon = float(point[0]), float(point[1])


def load_dictionary(extra_files: tuple[Path, ...] = ()) -> ActorDictionary:
    """Read the shipped files and then the user's, and build the indexes."""
    d = ActorDictionary()
    _read_countries(ACTORS_DIR / "countries.tsv", d)
    for path in sorted(ACTORS_DIR.glob("*.yaml")):
        _read_yaml(path, d)
    for path in extra_files:
        try:
            if path.suffix.lower() == ".tsv":
                _read_countries(path, d)
            else:
                _read_yaml(path, d)
        except (OSError, yaml.YAMLError, KeyError, ValueError) as exc:
            log.warning("actor file %s skipped: %s", path, exc)
    for c in d.countries.values():
        _add_country_names(d, c)
    d.title_words = sorted({tuple(k.split()) for k in d.titles}, key=len, reverse=True)
    return d


@lru_cache(maxsize=2)
def _cached(extra: tuple[Path, ...]) -> ActorDictionary:
    return load_dictionary(extra)


def get_dictionary() -> ActorDictionary:
    """The dictionary for this process (shipped files plus ``NEWSTRACE_ACTORS``), built once."""
    return _cached(tuple(get_settings().actor_files))
