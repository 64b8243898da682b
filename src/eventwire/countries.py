"""Country codes: ISO 3166 alpha-2 and alpha-3, and FIPS 10-4 (GDELT's geo columns).

One table, data/export/iso_to_fips.tsv (docs/data-formats.md), read here and nowhere else.
eventwire stores ISO 3166 alpha-3 codes (CAMEO's country codes), and KOS for Kosovo, which has no
ISO code (GeoNames' XKX and Phoenix's KSV are read as KOS). A filter or a watchlist may name a
country in any of the three systems or by its name, and is turned into the stored code here
(`to_iso3`, the one parser for both).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from eventwire.datafiles import builtin_text, read_tsv

__all__ = ["CountryRow", "country_rows", "fips_of", "to_iso3", "stored_code"]


@dataclass(frozen=True)
class CountryRow:
    iso2: str
    iso3: str
    fips: str
    admin1: str  # non-empty: the row applies to places in this area only (Gaza -> GZ)
    name: str
    also: tuple[str, ...] = ()  # other alpha-3 codes read as iso3 (Kosovo: XKX, KSV)


@lru_cache(maxsize=1)
def country_rows() -> tuple[CountryRow, ...]:
    return tuple(CountryRow(r["iso2"], r["iso3"], r["fips"], r["admin1"], r["name"],
                            tuple(c for c in r["also"].split("|") if c))
                 for r in read_tsv(builtin_text("export", "iso_to_fips.tsv"), "export/iso_to_fips.tsv"))


def fips_of(iso: str | None, *areas: str | None) -> str:
    """The FIPS 10-4 code of an ISO alpha-3 (or alpha-2) country code, '' when it has none; `areas`
    (a place's name, its admin-1 name) choose between FIPS codes that split one ISO country."""
    if not iso:
        return ""
    key = iso.upper()
    wanted = {a.casefold() for a in areas if a}
    plain = ""
    for row in country_rows():
        if key in (row.iso3, row.iso2) or key in row.also:
            if row.admin1 and row.admin1.casefold() in wanted:
                return row.fips
            if not row.admin1 and not plain:
                plain = row.fips
    return plain


def _describe(rows: list[CountryRow]) -> str:
    return " or ".join(sorted({f"{r.name.split(' (')[0]} ({r.iso3})" for r in rows}))


def stored_code(code: str) -> str:
    """The code eventwire stores for an ISO alpha-3 code: itself, or the row's code when the table
    lists it under `also` (XKX -> KOS)."""
    key = code.upper()
    for row in country_rows():
        if key in row.also:
            return row.iso3
    return key


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Country name (case-folded) -> stored code: the news names and aliases of
    data/actors/countries.tsv first, then this table's names, then pycountry's ISO names."""
    import pycountry

    out: dict[str, str] = {}
    for r in read_tsv(builtin_text("actors", "countries.tsv"), "actors/countries.tsv"):
        for name in [r["name"], *r["aliases"].split("|")]:
            out.setdefault(name.strip().casefold(), r["iso3"])
    for row in country_rows():
        if not row.admin1:
            out.setdefault(row.name.split(" (")[0].casefold(), row.iso3)
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
            if name:
                out.setdefault(name.casefold(), stored_code(c.alpha_3))
    out.pop("", None)
    return out


def to_iso3(value: str) -> str:
    """A country filter or watchlist country -> the stored alpha-3 code. Accepts alpha-3, alpha-2 and
    FIPS 10-4 codes, the prefixes iso: / fips: for a two-letter code that means different countries
    in ISO and FIPS (GM: Gambia in ISO, Germany in FIPS), and English country names ("Syria",
    "Ivory Coast"). Raises ValueError with a message naming the value."""
    import pycountry

    text = " ".join(value.split())
    system, _, code = text.rpartition(":")
    system, code = system.lower(), code.upper()
    if not system and not (code.isalpha() and len(code) in (2, 3)):
        if found := _names().get(text.casefold()):
            return found
        raise ValueError(f"{value!r} is not a country: give a name (Syria), ISO 3166 alpha-3 (SYR), alpha-2 (SY) "
                         "or FIPS 10-4 (SY), optionally as iso:XX or fips:XX")
    if system not in ("", "iso", "fips") or not code.isalpha() or len(code) not in (2, 3):
        raise ValueError(f"{value!r} is not a country code: give ISO 3166 alpha-3 (SYR), alpha-2 (SY) "
                         "or FIPS 10-4 (SY), optionally as iso:XX or fips:XX")
    rows = [r for r in country_rows() if not r.admin1]
    if len(code) == 3:
        if system == "fips":
            raise ValueError(f"{value!r}: FIPS 10-4 country codes have two letters")
        for r in rows:
            if code == r.iso3 or code in r.also:
                return r.iso3
        if pycountry.countries.get(alpha_3=code):
            return code
        if not system and (found := _names().get(text.casefold())):
            return found  # "DRC"
        raise ValueError(f"{value!r} is not an ISO 3166 alpha-3 country code")
    by_iso = [r for r in rows if r.iso2 == code] if system in ("", "iso") else []
    if system in ("", "iso") and not by_iso and (found := pycountry.countries.get(alpha_2=code)):
        by_iso = [CountryRow(code, found.alpha_3, "", "", found.name)]
    by_fips = [r for r in rows if r.fips == code] if system in ("", "fips") else []
    iso3s = {r.iso3 for r in by_iso + by_fips}
    if len(iso3s) == 1:
        return iso3s.pop()
    if not iso3s:
        raise ValueError(f"{value!r} is not an ISO 3166 or FIPS 10-4 country code")
    raise ValueError(f"{value!r} is ambiguous: ISO 3166 {code} is {_describe(by_iso)}, FIPS 10-4 {code} is "
                     f"{_describe(by_fips)}; give the alpha-3 code, or iso:{code} / fips:{code}")
