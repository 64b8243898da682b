"""The actor knowledge base: countries, roles, groups and organisations, loaded from data files.

Built-in tables live in data/actors/*.tsv (format: docs/data-formats.md). A user path (a folder
with files of the same names, or a single TSV file whose name says which table it extends) is
read after them; a user row with an existing key replaces the built-in row.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from eventwire.datafiles import builtin_text, read_tsv

__all__ = ["Country", "Organisation", "Person", "Sector", "ActorKB", "load_actor_kb", "TABLES"]

log = logging.getLogger(__name__)

TABLES = ("countries", "roles", "groups", "organisations", "people")


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    seats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sector:
    cameo: str
    plover: str
    # where a group without a country modifier takes its country: "" = nowhere (no country),
    # "article" = the article's dominant country (see ground/actors.py)
    country_from: str = ""


@dataclass(frozen=True)
class Person:
    """One office held by a named person: the row valid on an article's date gives the code."""

    name: str
    aliases: tuple[str, ...]
    country: str
    role: str
    sector: str  # CAMEO sector while in office (GOV, MIL, ...)
    start: str  # ISO date the office began
    end: str | None  # ISO date it ended; None while it lasts
    wikidata: str | None = None

    def valid_on(self, day: str) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Organisation:
    name: str
    aliases: tuple[str, ...]
    code: str
    country: str | None
    sector: str | None
    kind: str  # organisation | media
    wikidata: str | None = None


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (cell or "").split("|") if v.strip())


def _rows(text: str, where: str) -> list[dict[str, str]]:
    return read_tsv(text, where)


def _builtin(table: str) -> str:
    return builtin_text("actors", f"{table}.tsv")


def _user_tables(path: str | None) -> dict[str, list[dict[str, str]]]:
    if not path:
        return {}
    root = Path(path)
    files = {}
    if root.is_dir():
        files = {t: root / f"{t}.tsv" for t in TABLES if (root / f"{t}.tsv").is_file()}
    elif root.is_file():
        table = next((t for t in TABLES if root.stem.startswith(t)), None)
        if table is None:
            raise ValueError(f"{path}: a user actor file must be named after its table ({', '.join(TABLES)})")
        files = {table: root}
    else:
        raise ValueError(f"{path}: no such actor dictionary file or folder")
    return {t: _rows(f.read_text("utf-8"), str(f)) for t, f in files.items()}


def _merge(builtin: list[dict[str, str]], user: list[dict[str, str]], table: str = "") -> list[dict[str, str]]:
    """User rows replace built-in rows with the same key (first column); others are added.

    people.tsv has one row per office, so a person's name may key several rows: the user's rows
    for a name replace all the built-in rows for that name."""
    if not builtin:
        return user
    if table == "people":
        replaced = {row.get("name", "") for row in user}
        return [row for row in builtin if row["name"] not in replaced] + user
    key = next(iter(builtin[0]))
    merged = {row[key]: row for row in builtin}
    for row in user:
        merged[row.get(key, "")] = row
    return list(merged.values())


@dataclass
class ActorKB:
    countries: dict[str, Country] = field(default_factory=dict)
    roles: dict[str, Sector] = field(default_factory=dict)
    groups: dict[str, Sector] = field(default_factory=dict)
    organisations: list[Organisation] = field(default_factory=list)
    # surface form -> ISO-3, by how the form names the country
    country_names: dict[str, str] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)
    capitals: dict[str, str] = field(default_factory=dict)
    seats: dict[str, str] = field(default_factory=dict)
    org_names: dict[str, Organisation] = field(default_factory=dict)
    # person name or alias -> every office row of people with that name
    people: dict[str, list[Person]] = field(default_factory=dict)

    def offices_of(self, name: str) -> list[Person]:
        return self.people.get(name, [])

    def country_of(self, text: str) -> tuple[str, str] | None:
        """(ISO-3, how) for a name, demonym, capital or seat; None when it names no country."""
        text = text.strip()
        if text.lower().startswith("the "):
            text = text[4:]
        for how, table in (("name", self.country_names), ("demonym", self.demonyms),
                           ("seat", self.seats), ("capital", self.capitals)):
            if text in table:
                return table[text], how
        if text.endswith(("’s", "'s")) and text[:-2] in self.country_names:
            return self.country_names[text[:-2]], "name"
        return None

    @functools.cached_property
    def max_role_words(self) -> int:
        return max((len(r.split()) for r in self.roles), default=1)


def _strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


def build_kb(tables: dict[str, list[dict[str, str]]]) -> ActorKB:
    kb = ActorKB()
    for row in tables["countries"]:
        c = Country(row["iso3"], row["name"], _split(row.get("aliases")), _split(row.get("demonyms")),
                    _split(row.get("capitals")), _split(row.get("seats")))
        kb.countries[c.iso3] = c
    # ISO names from pycountry for every country the table lacks or names differently.
    for entry in pycountry.countries:
        if entry.alpha_3 not in kb.countries:
            continue
        for attr in ("name", "common_name", "official_name"):
            value = getattr(entry, attr, None)
            if value:
                kb.country_names.setdefault(value, entry.alpha_3)
    for c in kb.countries.values():
        for name in (c.name, *c.aliases):
            kb.country_names[_strip_the(name)] = c.iso3
        for demonym in c.demonyms:
            kb.demonyms[demonym] = c.iso3
        for capital in c.capitals:
            kb.capitals[capital] = c.iso3
        for seat in c.seats:
            kb.seats[_strip_the(seat)] = c.iso3
    for row in tables["roles"]:
        kb.roles[row["role"].lower()] = Sector(row["cameo"], row["plover"] or row["cameo"])
    for row in tables["groups"]:
        kb.groups[row["group"].lower()] = Sector(row["cameo"], row["plover"] or row["cameo"],
                                                 row.get("country_from") or "")
    for row in tables["organisations"]:
        org = Organisation(row["name"], _split(row.get("aliases")), row["code"], row.get("country") or None,
                           row.get("sector") or None, row.get("kind") or "organisation",
                           row.get("wikidata") or None)
        kb.organisations.append(org)
        for name in (org.name, *org.aliases):
            kb.org_names[_strip_the(name)] = org
    for row in tables.get("people", []):
        person = Person(row["name"], _split(row.get("aliases")), row["country"], row["role"],
                        row.get("sector") or "GOV", row["start"], row.get("end") or None,
                        row.get("wikidata") or None)
        for name in {person.name, *person.aliases}:
            kb.people.setdefault(name, []).append(person)
    return kb


@functools.lru_cache(maxsize=8)
def load_actor_kb(user_path: str | None = None) -> ActorKB:
    """The built-in tables, extended and overridden by the user's (cached per path)."""
    user = _user_tables(user_path)
    tables = {}
    for table in TABLES:
        builtin = _rows(_builtin(table), f"data/actors/{table}.tsv")
        tables[table] = _merge(builtin, user.get(table, []), table)
    kb = build_kb(tables)
    log.info("actor KB: %d countries, %d roles, %d groups, %d organisations, %d people names",
             len(kb.countries), len(kb.roles), len(kb.groups), len(kb.organisations), len(kb.people))
    return kb
