"""The actor knowledge base: countries, roles, groups and organisations, loaded from data files.

Built-in tables live in data/actors/*.tsv (format: docs/data-formats.md). A user path (a folder
with files of the same names, or a single TSV file whose name says which table it extends) is
read after them; a user row with an existing key replaces the built-in row.
"""
from __future__ import annotations

import functools
import re
import logging
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.ground.actor_dictionary import choose_code, parse_codes

__all__ = ["Country", "EthnicGroup", "Organisation", "Person", "Sector", "ActorKB", "load_actor_kb", "TABLES",
           "TRANSNATIONAL", "country_or_bloc", "agent_sectors", "agent_sector"]

log = logging.getLogger(__name__)

# CAMEO's transnational top-level codes (IGO, NGO ...), and the ones of older codebooks still in gold
# data (ISM, UNO, EUR): the code stands where an actor has no country.
TRANSNATIONAL = frozenset({"IGO", "NGO", "NGM", "MNC", "IMG", "UIS", "ISM", "UNO", "EUR"})


def country_or_bloc(country: str | None, code: str | None) -> str | None:
    """An actor's country, else its transnational prefix (IGO, NGO ...); None for a bare sector ("CVL")."""
    if country:
        return country
    prefix = (code or "")[:3]
    return prefix if prefix in TRANSNATIONAL else None


# The longest name, in tokens, that the actor finders try at each word (actor_common._ngrams); longer
# organisation names are listed in ActorKB.long_org_starts. "Democratic People's Republic of Korea" is six.
NGRAM_WINDOW = 7

TABLES = ("countries", "roles", "groups", "organisations", "people", "ethnic_groups", "regions")
# Misspelling tolerance (news wire typos: "Ethopia", "Afganistan"): words shorter than this are never
# corrected; from _LONG_WORD letters on, two edits are allowed instead of one.
_MIN_FUZZY = 6
_LONG_WORD = 9
_SPELLING_MEMO = 20_000


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
    # "article" = the article's dominant country (see ground/actor_groups.py)
    country_from: str = ""
    # from the Phoenix agents: an actor only with a country or an organisation in the text
    # ("Turkish troops"); alone ("reservists", "fundamentalists") too generic to stand for anyone
    needs_owner: bool = False


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

    def holds(self, day: str) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class EthnicGroup:
    """An ethnic, religious or national group with a home country ("Yoruba" -> NGA)."""

    name: str
    forms: tuple[str, ...]
    countries: tuple[str, ...]  # home countries, the usual one first; empty: any country
    from_context: bool  # the country of the context, when it is one of `countries`, wins


@dataclass(frozen=True)
class Organisation:
    name: str
    aliases: tuple[str, ...]
    code: str  # the code without a date: the undated one of `codes`, else the latest
    country: str | None
    sector: str | None
    kind: str  # organisation | media
    wikidata: str | None = None
    # dated codes ("AFGREB ..2021-08-14|AFGGOV 2021-08-15.."): the one holding on the article's date
    dated: tuple = ()

    def on(self, day: str | None) -> tuple[str, str | None]:
        """(code, PLOVER sector) on a day: a dated code holding then, else the undated ones."""
        code = choose_code(self.dated, day) if day is not None else None
        if code is None:
            return self.code, self.sector
        rest = code[len(self.country):] if self.country and code.startswith(self.country) else code[3:]
        sector = agent_sector(rest) if rest else None
        return code, (sector.plover if sector else self.sector)


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
    # ethnic group form ("Yorubas") -> its group; region name -> ISO-3
    ethnic: dict[str, EthnicGroup] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    # organisation name word ("party", "authority") -> its sector (None: a generic kind, "association")
    # and transnational code (NGO ...)
    organisation_words: dict[str, tuple[Sector | None, str]] = field(default_factory=dict)

    def offices_of(self, name: str) -> list[Person]:
        """Office rows for a name; hyphens and spaces alike ("Bashar al Assad", "Bashar al-Assad")."""
        return self.people.get(name) or self._people_loose.get(_loose(name), [])

    @functools.cached_property
    def _people_loose(self) -> dict[str, list[Person]]:
        loose: dict[str, list[Person]] = {}
        for name, rows in self.people.items():
            loose.setdefault(_loose(name), []).extend(rows)
        return loose

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

    def organisation(self, text: str) -> Organisation | None:
        """The organisation a name stands for: as written in organisations.tsv, or, for a name in
        capitals of four letters or more ("DAESH", "HEZBOLLAH"), whatever its case there."""
        org = self.org_names.get(text)
        if org is None and len(text) > 3 and text.isupper():
            org = self._org_names_folded.get(text.lower())
        return org

    @functools.cached_property
    def _name_keys(self) -> tuple[str, ...]:
        """Every name that country_of, organisation and the regions table look up (organisations'
        also in lower case, as organisation folds names in capitals), sorted for may_begin_name."""
        return tuple(sorted({*self.country_names, *self.demonyms, *self.seats, *self.capitals, *self.regions,
                             *self.ethnic, *self.org_names, *(name.lower() for name in self.org_names)}))

    def may_begin_name(self, word: str) -> bool:
        """Whether a token n-gram whose first token is `word` may be a name that country_of,
        organisation or the regions table knows. The n-gram finders ask it once per start token
        and skip the n-grams of the starts that begin no name (most of them) without building them.
        The answers are kept (the same capitalised words come back article after article), up to
        _SPELLING_MEMO of them, then all forgotten at once."""
        memo = self._begins_memo
        known = memo.get(word)
        if known is None:
            if len(memo) >= _SPELLING_MEMO:
                memo.clear()
            known = memo[word] = may_begin_key(self._name_keys, word)
        return known

    @functools.cached_property
    def _begins_memo(self) -> dict[str, bool]:
        return {}

    @functools.cached_property
    def _org_names_folded(self) -> dict[str, Organisation]:
        return {name.lower(): org for name, org in self.org_names.items()}

    @functools.cached_property
    def lowercase_org_starts(self) -> frozenset[str]:
        """First words of the organisation names written in lower case ("al" of "al-Qaeda", "dpa")."""
        return frozenset(re.split(r"[\s\-]", name)[0].lower() for name in self.org_names if not name[:1].isupper())

    @functools.cached_property
    def long_org_starts(self) -> dict[str, int]:
        """First word (as written) -> the most tokens of an organisation name beginning with it, for
        names longer than the n-gram window ("National Union for the Total Independence of Angola");
        words counted generously (hyphens and apostrophes may split tokens)."""
        out: dict[str, int] = {}
        for name in self.org_names:
            words = name.split()
            size = len(re.findall(r"\w+|[^\w\s]", name))
            if size > NGRAM_WINDOW:  # in tokens, as the window counts: "Jama'at Nusrat al-Islam wal-Muslimin"
                out[words[0]] = max(out.get(words[0], 0), size)
        return out

    def last_words(self, table: str) -> frozenset[str]:
        """The last words of the "groups" or "roles" phrases, and their last hyphen parts
        ("vice-president" -> also "president"): a token that ends none of them ends no phrase."""
        cache = self.__dict__.setdefault("_last_words", {})
        if table not in cache:
            words = {phrase.split()[-1] for phrase in getattr(self, table) if phrase.strip()}
            cache[table] = frozenset(words | {w.rsplit("-", 1)[-1] for w in words})
        return cache[table]

    @functools.cached_property
    def max_role_words(self) -> int:
        return max((len(r.split()) for r in self.roles), default=1)

    @functools.cached_property
    def _name_words(self) -> frozenset[str]:
        """Every word of the people table's names (first names too): never a misspelling."""
        return frozenset(w for name in self.people for w in name.split())

    @functools.cached_property
    def _spelling_choices(self) -> dict[bool, dict[int, list[str]]]:
        """Known one-word names by length, for people's surnames (True) and for country names,
        demonyms, capitals and ethnic groups (False); built on first use."""
        known = {True: [name.split()[-1] for name in self.people if name[:1].isupper()],
                 False: [w for w in (*self.country_names, *self.demonyms, *self.capitals, *self.ethnic) if " " not in w]}
        out: dict[bool, dict[int, list[str]]] = {}
        for person, words in known.items():
            by_length = out.setdefault(person, {})
            for word in sorted({w for w in words if len(w) >= _MIN_FUZZY - 1}):
                by_length.setdefault(len(word), []).append(word)
        return out

    def correct_spelling(self, word: str, person: bool = False) -> str | None:
        """The known name a misspelt word stands for ("Ethopia" -> "Ethiopia", "Ghanians" ->
        "Ghanaians"; with `person`, a surname: "Mitterand" -> "Mitterrand"): one edit for words of
        6-8 letters, two from 9 on (Levenshtein distance, rapidfuzz); None when the word is known,
        too short, close to several names, or a plural of a name ("the Husseins")."""
        if len(word) < _MIN_FUZZY or word in self._name_words or self.country_of(word) or word in self.ethnic:
            return None
        return self._remembered_spelling(word, person, self._spelling_choices[person])

    def closest_kind_word(self, word: str) -> str | None:
        """The group noun or organisation kind word a capitalised misspelt word stands for
        ("Commision" -> "Commission"), as closest_spelling chooses it."""
        return self._remembered_spelling(word, "kind word", self._kind_word_choices)

    @functools.cached_property
    def _kind_word_choices(self) -> dict[int, list[str]]:
        """Capitalised one-word group nouns and organisation kind words of 6+ letters ("Commission",
        "Ministry"), by length: what a misspelt word of an organisation's name may stand for."""
        by_length: dict[int, list[str]] = {}
        for w in sorted({w for w in (*self.groups, *self.organisation_words)
                         if " " not in w and len(w) >= 6 and w.isalpha()}):
            by_length.setdefault(len(w), []).append(w.capitalize())
        return by_length

    @functools.cached_property
    def _spelling_memo(self) -> dict:
        return {}

    def _remembered_spelling(self, word: str, kind: object, by_length: dict[int, list[str]]) -> str | None:
        """closest_spelling, its answers kept: the same unknown capitalised words are asked article
        after article. Up to _SPELLING_MEMO answers, then all forgotten at once, so a long run's
        memory stays bounded."""
        memo, key = self._spelling_memo, (word, kind)
        if key not in memo:
            if len(memo) >= _SPELLING_MEMO:
                memo.clear()
            memo[key] = closest_spelling(word, by_length)
        return memo[key]

    def respell(self, text: str) -> str:
        """The text with known misspellings corrected: the plain KB knows none (see ground/actors.py)."""
        return text


def _loose(name: str) -> str:
    return " ".join(name.replace("-", " ").lower().split())


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
        codes = parse_codes(row["code"], f"organisations.tsv ({row['name']})")
        undated = [c.code for c in codes if not c.dated]
        default = undated[0] if undated else max(codes, key=lambda c: c.start or "").code
        org = Organisation(row["name"], _split(row.get("aliases")), default, row.get("country") or None,
                           row.get("sector") or None, row.get("kind") or "organisation",
                           row.get("wikidata") or None, tuple(c for c in codes if c.dated))
        kb.organisations.append(org)
        for name in (org.name, *org.aliases):
            kb.org_names[_strip_the(name)] = org
    for row in tables.get("ethnic_groups", []):
        group = EthnicGroup(row["group"], _split(row.get("forms")), _split(row.get("countries")),
                            (row.get("context") or "").lower() in ("yes", "true", "1"))
        for form in (group.name, *group.forms):
            kb.ethnic[form] = group
    for row in tables.get("regions", []):
        for name in (row["name"], *_split(row.get("aliases"))):
            kb.regions[_strip_the(name)] = row["country"]
    for row in tables.get("people", []):
        person = Person(row["name"], _split(row.get("aliases")), row["country"], row["role"],
                        row.get("sector") or "GOV", row["start"], row.get("end") or None,
                        row.get("wikidata") or None)
        for name in {person.name, *person.aliases}:
            kb.people.setdefault(name, []).append(person)
    return kb


@functools.lru_cache(maxsize=1)
def agent_sectors() -> dict[str, str]:
    """CAMEO agent code -> PLOVER sector (data/actors/sectors.tsv)."""
    rows = read_tsv(builtin_text("actors", "sectors.tsv"), "data/actors/sectors.tsv")
    return {r["cameo"]: r["plover"] or r["cameo"] for r in rows}


def agent_sector(code: str) -> Sector | None:
    """The sector of a Phoenix agent code ("GOVMED" -> GOV/GOV, "MUS" -> MUS/REL); None for codes
    that are no sector ("PPL") or lead the actor's code ("NGO~", "IGO~": attach = before)."""
    plover = agent_sectors().get(code[:3])
    if plover is None:
        return None
    return Sector(code, plover, needs_owner=True)


# Endings of English person nouns: lawmaker, governor, activist, civilian, spokesman, president,
# attendant, employee, financier, engineer.
_PERSON_ENDINGS = ("er", "or", "ist", "ian", "man", "woman", "person", "ent", "ant", "ee", "ier", "eer", "ic",
                   "ive", "ary", "ate", "arch", "ess", "ite")


def add_agents(kb: ActorKB, rows: list[dict[str, str]]) -> None:
    """The Phoenix agent nouns, after the hand-written roles and groups (which win): a singular
    agent is a role ("Kenyan lawmaker": a person), its plurals and agents without a plural
    ("police", "air force") are groups."""
    for row in rows:
        if row["attach"] != "after":
            continue
        sector = agent_sector(row["code"])
        if sector is None:
            continue
        plurals = [p for p in row["plurals"].split("|") if p]
        # A singular agent is a person's role only when it is a person noun ("lawmaker", "envoy" are
        # in roles.tsv); "embassy", "ministry" are bodies, as groups.
        agent = row["agent"]
        if agent in kb.roles or agent in kb.groups:
            continue  # the hand-written tables win, across both ("spokesman" is a role there)
        person = agent.endswith(_PERSON_ENDINGS) and (plurals or agent.endswith(("man", "woman", "person")))
        (kb.roles if person else kb.groups)[agent] = _like_head(agent, sector, kb)
        for plural in plurals:
            if plural not in kb.roles:
                kb.groups.setdefault(plural, _like_head(plural, sector, kb))


def _like_head(phrase: str, sector: Sector, kb: ActorKB) -> Sector:
    """A Phoenix phrase ending in a hand-written group ("muslim rebels" -> "rebels") takes where that
    group's country comes from, and is an actor on its own like it."""
    words = phrase.split()
    for i in range(1, len(words)):
        head = kb.groups.get(" ".join(words[i:]))
        if head is not None and not head.needs_owner:
            return Sector(sector.cameo, sector.plover, head.country_from)
    return sector


@functools.lru_cache(maxsize=8)
def load_actor_kb(user_path: str | None = None) -> ActorKB:
    """The built-in tables, extended and overridden by the user's (cached per path)."""
    user = _user_tables(user_path)
    tables = {}
    for table in TABLES:
        builtin = _rows(_builtin(table), f"data/actors/{table}.tsv")
        tables[table] = _merge(builtin, user.get(table, []), table)
    kb = build_kb(tables)
    add_agents(kb, _rows(_builtin("phoenix_agents"), "data/actors/phoenix_agents.tsv"))
    for row in _rows(_builtin("organisation_words"), "data/actors/organisation_words.tsv"):
        sector = Sector(row["cameo"], row["plover"] or row["cameo"]) if row["cameo"] else None
        kb.organisation_words[row["word"]] = (sector, row.get("bloc") or "")
    log.info("actor KB: %d countries, %d roles, %d groups, %d organisations, %d people names",
             len(kb.countries), len(kb.roles), len(kb.groups), len(kb.organisations), len(kb.people))
    return kb


def may_begin_key(keys: tuple[str, ...], word: str) -> bool:
    """Whether some of the sorted `keys` begins with `word`, or with `word` less a possessive ending
    ("Syria's": a key "Syria" looked up without it), in either case (organisations' names are
    folded to lower case). "the" and whitespace tokens are always let through, since country_of
    strips them before it looks up ("the Kremlin")."""
    if not word.strip() or word != word.strip() or word.lower() == "the":
        return True
    forms = [word, word.lower()]
    for ending in ("’s", "'s", "’", "'"):
        if word.endswith(ending):
            forms.append(word[:-len(ending)])
            break
    for form in forms:
        at = bisect_left(keys, form)
        if at < len(keys) and keys[at].startswith(form):
            return True
    return False


def closest_spelling(word: str, by_length: dict[int, list[str]]) -> str | None:
    """The one word of `by_length` (words by their length) that a misspelt `word` stands for: one edit
    for words up to 8 letters, two from 9 on (Levenshtein distance, rapidfuzz); None when the word is
    itself there, when several are as close, or when the closest is the word without its plural "s"."""
    limit = 2 if len(word) >= _LONG_WORD else 1
    choices = [c for n in range(len(word) - limit, len(word) + limit + 1) for c in by_length.get(n, ())]
    scored = process.extract(word, choices, scorer=Levenshtein.distance, score_cutoff=limit, limit=None)
    if not scored:
        return None
    best_distance = min(d for _, d, _ in scored)
    best = [c for c, d, _ in scored if d == best_distance]
    if best_distance == 0 or len(best) != 1 or (word.endswith("s") and best[0] == word[:-1]):
        return None
    return best[0]
