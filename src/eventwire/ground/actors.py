"""Actor grounding: mentions of political actors -> Actors with CAMEO codes and PLOVER sectors.

What it recognises, sentence by sentence:
- persons (spaCy PERSON entities) with a title before ("Turkish President Recep Tayyip Erdogan",
  "Kremlin spokesperson, Dmitry Peskov") or after ("Emmanuel Macron [French president]",
  "Peskov, the Kremlin spokesman"); the title's country and role give the code (TURGOV);
- short names ("Putin") joined to the full name met elsewhere in the article;
- organisations, seats of government used as metonyms ("the Kremlin"), and countries acting;
- capitals acting as governments ("Moscow was still coordinating") as subject or object;
- collective groups with a country modifier ("Syrian regime forces", "Russian warplanes");
- role nouns with country modifiers and no name ("his Russian, German and French counterparts");
- named persons from the people table (data/actors/people.tsv): the office valid on the article's
  publication date gives the code ("Putin" in 2020 -> RUSGOV); after the office ended -> ELI;
- context: a person with a role but no country, and a generic group marked `country_from=article`
  in groups.tsv with no country modifier, take the article's dominant country (the country named
  most often by names, demonyms, capitals and seats; ties: the one named first);
- "he"/"she" as a subject -> a mention of the nearest preceding person actor;
- coordinated modifiers ("U.S. and Russian negotiators"): one actor per conjunct, each also
  mentioned by the shared head noun;
- misspelt country names, demonyms, capitals, ethnic groups and, inside person names, people's
  surnames ("Ethopia", "Ghanians", "Mitterand"): a capitalised word of 6+ letters that is no English
  word and no known name, one edit (two from 9 letters) from exactly one known name, reads as it;
- ethnic and religious groups (data/actors/ethnic_groups.tsv: "Yoruba leaders" -> NGA, "Hutu
  rebels" -> the country named in the sentence, else Rwanda);
- places named as places ("in Baghdad", "the town of Cizre", "West Darfur State"): regions
  (data/actors/regions.tsv) and the offline gazetteer's towns and areas give a state actor of their
  country without a sector; they also give groups and roles their country ("rebels in Darfur");
- context: persons and unlisted organisations with no country take the country named nearest in
  the same sentence, else the article's.

Photo credits and bylines are never parsed, so an agency named only as a credit is no actor.
"""
from __future__ import annotations

import functools
import glob
import importlib.util
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from eventwire.ground.actor_dictionary import DictionaryActor, load_actor_dictionary, match_words
from eventwire.ground.actor_kb import TRANSNATIONAL, ActorKB, Organisation, Person, Sector, agent_sector
from eventwire.ground.gazetteer import Gazetteer, load_gazetteer
from eventwire.read import Parsed, Sentence, doc_text
from eventwire.record import Actor

__all__ = ["resolve_actors"]

log = logging.getLogger(__name__)

_MAX_NGRAM = 7  # "Democratic People's Republic of Korea" is six tokens
_TITLE_POS = {"PROPN", "NOUN", "ADJ"}
# Prepositions after which a country name is a place rather than an acting state.
# "to"/"towards" are not here: "offered to hand over to Great Britain" names a recipient, an actor.
_LOCATIVE = {"in", "into", "inside", "near", "across", "throughout", "within", "from", "at",
             "around", "outside", "through", "over", "via", "across", "between", "beyond", "along"}
# Prepositions whose object, a capital, acts ("an admission by Moscow", "talks with Ankara").
_ACTING_PREPS = {"by", "with", "against", "to", "toward", "towards"}
# Title words that make an office a former one (CAMEO ELI, "former president Carlos Menem").
_FORMER = {"former", "ousted", "ex", "ex-", "deposed", "toppled", "exiled", "onetime", "one-time"}
_SUBJECT_PRONOUNS = {"he", "she"}
# Gazetteer kinds of a town that may be a capital's namesake ("Tripoli", Lebanon): cities only.
_NAMESAKE_KINDS = {"city"}
_PLACE_NOUNS = {"province", "city", "region", "governorate", "border", "capital", "territory", "town",
                "village", "district", "coast", "countryside", "north", "south", "east", "west", "soil"}
# Prepositions (and participles before them) whose country says whose a group is: "rebels in the
# Ivory Coast", "students throughout Indonesia", "a terror group based in Trinidad".
_GROUP_PLACE_PREPS = ("of", "in", "throughout", "across", "inside", "within")
_GROUP_PLACE_VERBS = {"based", "operating", "living", "stationed", "deployed", "active"}
# Nouns that count people: "thousands of Nigerians", "a group of Liberians".
_QUANTITY_NOUNS = {"thousands", "hundreds", "dozens", "millions", "scores", "group", "number", "crowd",
                   "crowds", "members", "majority", "most", "many", "some", "tens", "families"}
_ACTING_DEPS = {"nsubj", "nsubjpass", "dobj", "agent", "conj", "appos", "ROOT", "pobj", "iobj", "dative"}
_HONORIFICS = {"Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Sir", "Dame", "Lt", "Lt.", "Gen", "Gen.",
               "Col", "Col.", "Maj", "Maj.", "Capt", "Capt.", "Sgt", "Sgt."}


@dataclass
class _Found:
    """One mention before clustering into actors."""

    key: str
    name: str
    kind: str
    sentence: Sentence
    start: int  # character offsets in the paragraph's Doc
    end: int
    country: str | None = None
    cameo_sector: str | None = None
    plover_sector: str | None = None
    code: str | None = None
    role: str | None = None
    resolved_by: str = ""
    media: bool = False
    wikidata: str | None = None
    refers_to: "_Found | None" = None  # a pronoun: the person mention it stands for


@dataclass
class _Title:
    country: str | None = None
    how: str | None = None
    role: str | None = None
    cameo: str | None = None
    plover: str | None = None
    org: Organisation | None = None
    text: str = ""

    @property
    def useful(self) -> bool:
        return bool(self.role or self.org)


def _slice(doc: Doc, first: int, last: int) -> str:
    """Text of tokens first..last inclusive, as written."""
    return doc_text(doc)[doc[first].idx: doc[last].idx + len(doc[last].text)]


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _ngrams(doc: Doc, start: int, end: int, keep: Callable[[str], bool] | None = None
            ) -> Iterator[tuple[int, int, str]]:
    """(first, last, text) for every token n-gram in [start, end), longest first at each start; with
    `keep`, only the n-grams whose first token's text it accepts."""
    text = doc_text(doc)
    tokens = doc[start:end]
    starts = [t.idx for t in tokens]
    ends = [t.idx + len(t) for t in tokens]
    for first in range(start, end):
        if keep is not None and not keep(text[starts[first - start]: ends[first - start]]):
            continue
        for last in range(min(end, first + _MAX_NGRAM) - 1, first - 1, -1):
            yield first, last, text[starts[first - start]: ends[last - start]]


# Words before a region's name that only say which part of it ("West Darfur", "central Baghdad").
_DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
               "northeast", "northwest", "southeast", "southwest", "north-east", "north-west", "south-east",
               "south-west", "northeastern", "northwestern", "southeastern", "southwestern", "upper", "lower"}
# Places named as places: after these prepositions a gazetteer name is a place, not a person.
_PLACE_PREPS = _LOCATIVE | {"of", "to", "toward", "towards"}
_PLACE_LABELS = ("GPE", "LOC")
_STRICT_POPULATION = 100_000
# Sectors of groups that belong to one country's politics, so that a group of them with no country
# in the text takes the country named nearest in its sentence ("the Umma party ... Algeria's elections");
# other groups ("people", "forces", "reporters") only when that country is also the article's.
_DOMESTIC_SECTORS = {"PTY", "OPP", "REL"}
# Head nouns of organisation names that say it is an organisation of some state or society
# ("Kenya Anti-Corruption Commission", "Cumhuriyet University"); the group table gives the sector.
_ORG_NOUNS = {"commission", "ministry", "party", "front", "movement", "union", "council", "association",
              "committee", "university", "assembly", "congress", "league", "alliance", "coalition",
              "parliament", "court", "police", "army", "agency", "authority", "federation", "organisation",
              "organization", "society", "church", "bank", "newspaper", "government"}


@functools.lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Lower-case English words (the spaCy model's WordNet lemma index), so that a capitalised word
    such as "Nations" or "Recent" is never read as a misspelt name. Empty when the model has none."""
    from spacy.lookups import Lookups

    from eventwire.config import DEFAULT_MODELS

    for name in DEFAULT_MODELS:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for folder in spec.submodule_search_locations:
            for lookups in glob.glob(f"{folder}/*/lemmatizer/lookups"):
                table = Lookups().from_disk(lookups).get_table("lemma_index", {})
                return frozenset(w.lower() for words in table.values() for w in words)
    log.warning("no WordNet lemma index in the spaCy model: misspelt names are not corrected")
    return frozenset()


@functools.lru_cache(maxsize=1)
def _feature_words() -> frozenset[str]:
    """Place-type words ("province", "town", "state") from data/places/feature_words.tsv."""
    from eventwire.datafiles import builtin_text, read_tsv

    rows = read_tsv(builtin_text("places", "feature_words.tsv"), "data/places/feature_words.tsv")
    return frozenset(r["word"].lower() for r in rows) | frozenset(_PLACE_NOUNS)


class _ArticleKB:
    """The actor KB as one article reads it: the article's misspellings of known names read as the
    names ("Ethopia" -> Ethiopia), and ethnic groups give a country (how = "ethnic"): for groups
    marked `context`, the article's country or else the sentence's first one that is among the
    group's home countries (`here`, set sentence by sentence); otherwise their usual home country.
    Every other attribute is the KB's."""

    def __init__(self, kb: ActorKB, spellings: dict[str, str]):
        self._kb = kb
        self.spellings = spellings
        self.here: list[str] = []  # the article's country, then the sentence's countries

    def __getattr__(self, name: str):
        return getattr(self._kb, name)

    def respell(self, text: str) -> str:
        return " ".join(self.spellings.get(w, w) for w in text.split())

    def offices_of(self, name: str) -> list[Person]:
        return self._kb.offices_of(self.respell(name))

    def country_of(self, text: str) -> tuple[str, str] | None:
        hit = self._kb.country_of(text)
        if hit:
            return hit
        bare = text.strip()
        if bare.lower().startswith("the "):
            bare = bare[4:]
        if bare.endswith(("’s", "'s")):
            bare = bare[:-2]
        right = self.spellings.get(bare, bare)
        if right != bare and (hit := self._kb.country_of(right)):
            return hit
        group = self._kb.ethnic.get(right)
        if group is None:
            return None
        choices = [c for c in self.here if not group.countries or c in group.countries] if group.from_context else []
        country = choices[0] if choices else (group.countries[0] if group.countries else None)
        return (country, "ethnic") if country in self._kb.countries else None


@dataclass(frozen=True)
class _Context:
    """What resolution knows about the article beyond one sentence."""

    kb: ActorKB
    day: str | None  # the publication date (ISO), for the people table
    home: str | None  # the article's dominant country
    # sentence index -> (token index, ISO-3) of every country named in it (names, demonyms, capitals, places)
    nearby: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    seen: frozenset[str] = frozenset()  # every country the article names
    # every country the article names outright (names, demonyms, seats: not through a capital)
    outright: frozenset[str] = frozenset()


def _misspellings(parsed: Parsed, kb: ActorKB) -> dict[str, str]:
    """Misspelt known names in the article -> the names ("Afganistan" -> "Afghanistan"). Only
    capitalised alphabetic words of 6+ letters that are neither English words nor known names."""
    words = _english_words()
    found: dict[str, str] = {}
    for sentence in parsed.sentences:
        for tok in sentence.span:
            text = tok.text
            if text in found or not (text[:1].isupper() and text.isalpha() and len(text) >= 6) \
                    or tok.lower_ in words or tok.lemma_.lower() in words or text in kb.org_names \
                    or (tok.lower_.endswith("s") and tok.lower_[:-1] in words):  # "Standards"
                continue
            # A word of a person's name may only be a misspelt surname ("Francois Mitterand"), never
            # a country ("Angela" is no "Angola").
            right = kb.correct_spelling(text, person=tok.ent_type_ == "PERSON")
            if right is not None:
                found[text] = right
    return found


def _place_country(text: str, ctx: _Context, strict: bool = False) -> str | None:
    """The country of a place name: a region (regions.tsv), a country or capital, else the
    gazetteer's town or area (never a village: too many are also common names) — among namesakes
    the most populous, unless one at least a fifth as big lies in a country the article names.
    `strict` (a name that neither the NER nor a place word marks as a place: "in Jericho", "Party of
    God"): only areas and towns of _STRICT_POPULATION or more. "West Darfur
    State" is tried as "West Darfur", "Darfur"."""
    kb = ctx.kb
    words = text.split()
    tries = [words]
    if len(words) > 1 and words[-1].lower() in _feature_words():
        tries.append(words[:-1])
    for w in list(tries):
        if len(w) > 1 and w[0].lower() in _DIRECTIONS:
            tries.append(w[1:])
    gaz = None
    for w in tries:
        name = " ".join(w)
        if not name[:1].isupper() or all(x.lower() in _DIRECTIONS for x in w):
            continue  # "the West" is no region of Cameroon
        if name in kb.regions:
            return kb.regions[name]
        hit = kb.country_of(name)
        if hit and hit[1] == "capital":
            return _capital_country(hit[0], name, kb, ctx.outright)
        if hit:
            return hit[0] if hit[1] == "name" else None
        gaz = gaz or load_gazetteer()
        iso3 = _gazetteer_country(gaz, name, ctx, _STRICT_POPULATION if strict else 0)
        if iso3:
            return iso3
    return None


def _gazetteer_country(gaz: Gazetteer, name: str, ctx: _Context, least: int = 0) -> str | None:
    every = gaz.lookup(name)
    if not every or max(every, key=lambda e: e.population).country is None:
        return None  # a continent or a region across borders ("Africa", "the Middle East")
    entries = [e for e in every if e.country in ctx.kb.countries and e.kind != "locality" and e.population >= least]
    if not entries:
        return None
    countries = [e for e in entries if e.kind == "country"]
    if countries:
        return countries[0].country
    top = max(entries, key=lambda e: e.population)
    # A namesake in a country the article names wins only when it is not much smaller ("Tripoli" in an
    # article about Lebanon; "Geneva" stays Swiss in an article that names the United States).
    local = [e for e in entries if e.country in ctx.seen and e.population * 5 >= top.population]
    return max(local, key=lambda e: e.population).country if local else top.country


_CURRENCY_WORDS = {"dollar", "dollars", "pound", "pounds", "euro", "euros", "franc", "francs", "yen", "yuan",
                   "rupee", "rupees", "peso", "pesos", "shilling", "shillings", "dinar", "dinars", "rouble", "roubles",
                   "ruble", "rubles", "lira", "riyal", "riyals"}


def _names_currency(doc: Doc, first: int, last: int) -> bool:
    """Tokens first..last name a currency, not a country: "US $50 million", "40 million Canadian dollars"."""
    if any(doc[i].ent_type_ == "MONEY" for i in range(first, last + 1)):
        return True
    after = doc[last + 1] if last + 1 < len(doc) else None
    return after is not None and (after.tag_ == "$" or after.lower_ in _CURRENCY_WORDS)


def _country_hits(sentence: Sentence, kb: ActorKB) -> list[tuple[int, str, str | None]]:
    """(token index, ISO-3, the capital's name when the hit is a capital) of the countries a sentence
    names: names, demonyms, capitals, seats, and regions; ethnic groups and currencies ("US $50
    million") are not countries. A capital's country is settled later (_capital_country)."""
    doc = sentence.paragraph.doc
    span = sentence.span
    out: list[tuple[int, str, str | None]] = []
    last_end = span.start
    for first, last, text in _ngrams(doc, span.start, min(span.end, span.start + 200), _capitalised):
        if first < last_end:
            continue
        hit = kb.country_of(text)
        iso3 = hit[0] if hit and hit[1] != "ethnic" else kb.regions.get(text)
        if iso3 and _names_currency(doc, first, last):
            continue
        if iso3:
            out.append((first, iso3, text if hit and hit[1] == "capital" else None))
            last_end = last + 1
    return out


def _capital_country(iso3: str, name: str, kb: ActorKB, outright: frozenset[str]) -> str:
    """The country of a capital's name: its own, unless the article never names that country outright
    while it does name another country with a town of the same name ("Tripoli" in an article about
    Lebanon is Lebanon's Tripoli, not Libya's capital)."""
    if iso3 in outright or not outright:
        return iso3
    namesakes = [e for e in load_gazetteer().lookup(name) if e.country != iso3 and e.country in outright
                 and e.kind in _NAMESAKE_KINDS and e.country in kb.countries]
    return max(namesakes, key=lambda e: e.population).country if namesakes else iso3


def _nearest_country(ctx: _Context, sentence: Sentence, first: int, last: int) -> str | None:
    """The country named nearest to tokens first..last in their sentence (outside them)."""
    near = [(min(abs(i - first), abs(i - last)), iso3) for i, iso3 in ctx.nearby.get(sentence.index, ())
            if not first <= i <= last]
    return min(near)[1] if near else None


def _analyse_title(tokens: list[Token], kb: ActorKB) -> _Title:
    """Country (demonym, name, seat, organisation) and role within a title phrase."""
    title = _Title(text=" ".join(t.text for t in tokens))
    if not tokens:
        return title
    doc = tokens[0].doc
    first_i, last_i = tokens[0].i, tokens[-1].i
    used: set[int] = set()
    for first, last, text in _ngrams(doc, first_i, last_i + 1):
        if used & set(range(first, last + 1)):
            continue
        hit = kb.country_of(text)
        if hit and title.country is None:
            title.country, title.how = hit
            used.update(range(first, last + 1))
            continue
        org = kb.org_names.get(text)
        if org and title.org is None:
            title.org = org
            used.update(range(first, last + 1))
    words = [t for t in tokens if t.i not in used and t.text not in ("’s", "'s", ",", "the", "The", "a", "[", "]", "(", ")")]
    lowered = [t.text.lower() for t in words]
    lemmas = [t.lemma_.lower() for t in words]
    best = None
    for seq in (lowered, lemmas):
        for n in range(min(len(seq), kb.max_role_words), 0, -1):
            for i in range(len(seq) - n + 1):
                phrase = " ".join(seq[i: i + n]).replace(" - ", "-")
                if phrase in kb.roles and (best is None or n > len(best.split())):
                    best = phrase
    if best:
        sector = kb.roles[best]
        title.role, title.cameo, title.plover = best, sector.cameo, sector.plover
        if title.cameo not in ("ELI",) and _FORMER & set(lowered):
            # "Ousted President Askar Akayev": a former office holder is an elite, not the government.
            title.role, title.cameo, title.plover = f"former {best}", "ELI", "ELI"
    return title


def _merge_titles(left: _Title, right: _Title) -> _Title:
    """A title split around the name: "President Omar al-Bashir of Sudan", "Kofi Annan, UN secretary-general"."""
    if not left.useful and not left.country:
        return right
    if not right.useful and not right.country:
        return left
    merged = _Title(text=" ".join(x for x in (left.text, right.text) if x))
    for attr in ("country", "how", "org"):
        setattr(merged, attr, getattr(left, attr) or getattr(right, attr))
    role_from = left if left.role else right
    merged.role, merged.cameo, merged.plover = role_from.role, role_from.cameo, role_from.plover
    return merged


# Words of page furniture before a name ("Image caption", "Media caption", "Photo: ..."): no title.
_FURNITURE_WORDS = {"caption", "image", "photo", "photograph", "copyright", "credit", "video", "getty", "file"}


def _left_title(ent: Span, sentence: Sentence) -> list[Token]:
    doc = ent.doc
    j = ent.start - 1
    floor = sentence.span.start
    if j >= floor and doc[j].text == ",":
        j -= 1  # "Kremlin spokesperson, Dmitry Peskov"
    tokens: list[Token] = []
    while j >= floor and len(tokens) < 7:
        tok = doc[j]
        if tok.lower_ in _FURNITURE_WORDS:
            break  # "Media caption Julian Assange ...": page furniture, no title
        linking = tok.lower_ in ("for", "of") and tokens and tokens[0].text[:1].isupper() \
            and j - 1 >= floor and doc[j - 1].pos_ in _TITLE_POS  # "Federal Minister for Interior"
        if tok.ent_type_ == "PERSON" or not (tok.pos_ in _TITLE_POS or tok.lower_ in _FORMER or tok.text in ("-", "’s", "'s")
                                              or tok.tag_ == "POS" or tok.text in _HONORIFICS or linking):
            break
        tokens.insert(0, tok)
        j -= 1
    return tokens


def _right_title(ent: Span, sentence: Sentence, kb: ActorKB) -> list[Token]:
    doc = ent.doc
    end = sentence.span.end
    i = ent.end
    if i >= end:
        return []
    if doc[i].text in ("[", "("):
        closer = "]" if doc[i].text == "[" else ")"
        tokens = []
        for tok in doc[i + 1: min(end, i + 9)]:
            if tok.text == closer:
                return tokens
            tokens.append(tok)
        return []
    if doc[i].text == ",":
        tokens = []
        # "Philip Luther, Research and Advocacy Director for the Middle East and North Africa at
        # Amnesty International": an appositive title runs to the next comma or verb
        for tok in doc[i + 1: min(end, i + 20)]:
            if tok.text in (",", ";", ".", "–", "—") or tok.pos_ in ("VERB", "AUX"):
                break
            tokens.append(tok)
        return tokens
    if doc[i].lower_ == "of":
        # "King Hassan of Morocco": the longest country name after "of".
        for last in range(min(end, i + 4) - 1, i, -1):
            if kb.country_of(_slice(doc, i + 1, last)):
                return list(doc[i: last + 1])
    return []


def _strip_name(ent: Span, kb: ActorKB) -> tuple[Span, list[Token]]:
    """Move leading honorifics and role words that the NER put inside the name out of it."""
    start = ent.start
    moved: list[Token] = []
    while start < ent.end - 1:
        tok = ent.doc[start]
        if tok.text in _HONORIFICS or tok.text.lower() in kb.roles or tok.lower_ in _FORMER \
                or (kb.country_of(tok.text) or ("", "ethnic"))[1] != "ethnic":  # "Karen Smith" is a name
            moved.append(tok)
            start += 1
        else:
            break
    return ent.doc[start: ent.end], moved


def _code(country: str | None, sector: str | None) -> str | None:
    """CAMEO code of a country and a sector; a sector without a country is "---" + sector (the text
    gave none)."""
    if country and sector:
        return country + sector
    if sector and sector[:3] not in TRANSNATIONAL:
        return "---" + sector
    return country or sector


# Branches of government that Phoenix writes after GOV ("USAGOVLEG"): the branch is the sector.
_GOVERNMENT_BRANCHES = {"LEG", "JUD", "MIL", "COP", "SPY"}
# Phoenix country codes that are not ISO 3166 (or eventwire's own: KOS).
_PHOENIX_COUNTRY = {"TMP": "TLS", "KSV": "KOS", "SCG": "SRB", "YUG": "SRB", "FRY": "SRB"}


@dataclass(frozen=True)
class _DictCode:
    """A Phoenix code read as eventwire's: country, the sector part, the code."""

    country: str | None
    sector: str | None  # CAMEO agent code(s) after the country or bloc ("GOV", "GOVBUS")
    code: str


def _dict_code(code: str | None, kb: ActorKB) -> _DictCode | None:
    """"AFGGOVBUS" -> AFG / GOVBUS; "IGOUNO" -> bloc code; regional codes ("MEA", "AFR") -> None."""
    if not code:
        return None
    head = _PHOENIX_COUNTRY.get(code[:3], code[:3])
    rest = code[3:]
    if rest[:3] == "GOV" and rest[3:6] in _GOVERNMENT_BRANCHES:
        rest = rest[3:]  # "USAGOVLEG" (Congress): the branch is the sector
    if rest and code[:3] not in TRANSNATIONAL and agent_sector(rest) is None:
        return None  # a region inside a country ("SRBMNE"), not a sector
    if head in kb.countries:
        return _DictCode(head, rest or None, head + rest)
    if code[:3] in TRANSNATIONAL:
        return _DictCode(None, None, code)
    return None


def _dictionary_choice(entries: list[DictionaryActor], ctx: "_Context") -> list[DictionaryActor]:
    """The entries a name may stand for: all of them, or those of a country the article names."""
    entries = list(dict.fromkeys(entries))
    if len(entries) > 1:
        entries = [e for e in entries if e.countries & ctx.seen] or entries
    return entries


def _dictionary_code(entries: list[DictionaryActor], ctx: "_Context") -> _DictCode | None:
    """The code of the entries on the article's date when they agree on it; else the one country
    they share (a code of no entry holding then, or namesakes of one country); else None."""
    if not entries:
        return None
    codes = {_dict_code(e.code_on(ctx.day), ctx.kb) for e in entries}
    if len(codes) == 1 and (only := codes.pop()) is not None:
        return only
    countries = {_PHOENIX_COUNTRY.get(c, c) for e in entries for c in e.countries}
    if len(countries) == 1 and (country := countries.pop()) in ctx.kb.countries:
        return _DictCode(country, None, country)
    return None


def _office(kb: ActorKB, name: str, day: str | None) -> tuple[Person, bool] | None:
    """The people-table row for a name on a date: (row, in office). Without a date, the latest office.
    After every office ended: the last one, not in office. Before the first began: None."""
    name = kb.respell(name)
    offices = kb.offices_of(name)
    if not offices and " " in name:
        offices = kb.offices_of(name.split()[-1])  # "Ehud Barak" when only the alias "Barak" is listed
        offices = [o for o in offices if o.name.split()[-1] == name.split()[-1]]
    if not offices:
        return None
    if day is None:
        latest = max(offices, key=lambda o: o.start)
        return latest, latest.end is None
    current = [o for o in offices if o.valid_on(day)]
    if current:
        # On the day one office hands over to the next, the newer one.
        return max(current, key=lambda o: o.start), True
    ended = [o for o in offices if o.end is not None and o.end < day]
    if ended:
        return max(ended, key=lambda o: o.end or ""), False
    return None


def _own_country(kb: ActorKB, name: str) -> str | None:
    """The one country of all a person's rows in the people table, whatever the dates."""
    name = kb.respell(name)
    offices = kb.offices_of(name)
    if not offices and " " in name:
        offices = [o for o in kb.offices_of(name.split()[-1]) if o.name.split()[-1] == name.split()[-1]]
    countries = {o.country for o in offices}
    return countries.pop() if len(countries) == 1 else None


def _persons(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    kb = ctx.kb
    for ent in sentence.span.ents:
        if ent.label_ != "PERSON" or taken & set(range(ent.start, ent.end)):
            continue
        name_span, inside = _strip_name(ent, kb)
        hit = kb.country_of(name_span.text)
        if (hit and (hit[1] != "ethnic" or (ent.end < len(ent.doc) and ent.doc[ent.end].pos_ == "NOUN"))) \
                or name_span.text in kb.org_names:
            continue  # the NER's PERSON is a country, an ethnic group before its noun, or an organisation
        name = name_span.text
        if name.endswith(("’s", "'s")):
            name = name[:-2]
        left = _left_title(ent, sentence)
        right = _right_title(ent, sentence, kb)
        title = _merge_titles(_analyse_title(left + inside, kb), _analyse_title(right, kb))
        country = title.country or (title.org.country if title.org else None)
        role, cameo, plover = title.role, title.cameo, title.plover
        if title.how == "seat" and not role:
            # "White House Press Secretary ...": a person titled by a seat of government is of it
            role, cameo, plover = "official", "GOV", "GOV"
        if country is None and title.org is None:
            # "Indiana House Speaker Brian Bosma": a state or province in the title gives its country
            for tok in left + inside + right:
                if tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.lower_ not in kb.roles \
                        and tok.ent_type_ not in ("PERSON", "NORP") \
                        and (iso3 := _place_country(tok.text, ctx, strict=True)) is not None:
                    country = iso3
                    how = f"title:{title.text} + place in the title"
                    break
        how = f"title:{title.text}" if title.useful else "entity"
        wikidata = None
        office = _office(kb, name, ctx.day)
        if office is not None:
            person, in_office = office
            wikidata = person.wikidata
            if country is None and title.org is None:
                country = person.country
            if not role:
                sector = kb.roles.get(person.role)
                if in_office:
                    role, cameo = person.role, person.sector
                    plover = sector.plover if sector and sector.cameo == cameo else cameo
                else:
                    role, cameo, plover = f"former {person.role}", "ELI", "ELI"
            how = f"people:{person.name} {person.role} {person.start}..{person.end or ''}" + (
                f" + {how}" if title.useful else "")
        if office is None and country is None and title.org is None:
            # Known, but not in office on the article's date: still that person's country.
            known = _own_country(kb, name)
            if known:
                country = known
                how += " + people (country)"
        dict_code = None
        if office is None:
            # The Phoenix dictionary: the code valid on the article's date ("Hamid Karzai" in 2005: AFGGOV).
            words, _ = match_words([t for t in name_span if t.text not in ("’s", "'s")])
            if len(words) > 1 or title.useful or inside:
                # a surname alone only after a title ("President Kagame"): "Persson" may be anyone
                dict_code = _dictionary_code(_dictionary_choice(load_actor_dictionary().person(words), ctx), ctx)
        if dict_code is not None and title.org is None:
            if country is None or country == dict_code.country:
                country = dict_code.country
                if not role and dict_code.sector:
                    cameo = dict_code.sector
                    sector = agent_sector(cameo)
                    plover = sector.plover if sector else cameo[:3]
                    role = "former office holder" if cameo.startswith("ELI") else None
                how = f"dictionary:phoenix {dict_code.code}" + (f" + {how}" if title.useful else "")
        if role and country is None and title.org is None and dict_code is None:
            # "President Omar El Bashir ... the curfew imposed in Sudan": a titled person the
            # dictionaries do not know takes the country of the sentence only when it names just one;
            # the nearest of several, or the article's, would be a guess (a visitor, a monitor).
            named = {iso3 for i, iso3 in ctx.nearby.get(sentence.index, ())
                     if not ent.start - len(left) <= i <= ent.end + len(right)}
            if len(named) == 1:
                country = named.pop()
                how += " + the sentence's one country"
            elif not ctx.nearby.get(sentence.index) and ctx.home:
                # "Republican Gov. Eric Holcomb ..." in an article about Indiana: with no country in the
                # sentence at all, the office is the article's own country's
                country = ctx.home
                how += " + article country (none in the sentence)"
        if title.org is not None and title.org.country is None:
            # an officer of an international organisation: IGOUNO + GOV
            code = title.org.code + (cameo or "") if role else title.org.code
        elif title.org is not None and not role:
            code = title.org.code
        elif dict_code is not None and dict_code.country is None and country is None:
            code = dict_code.code  # "IGOUNO": a transnational officer
        else:
            code = _code(country, cameo)
        taken.update(range(ent.start, ent.end))
        taken.update(t.i for t in left + inside + right if title.useful or title.country)
        found = _Found(
            key="person", name=name, kind="person", sentence=sentence,
            start=name_span.start_char, end=name_span.start_char + len(name),
            country=country, cameo_sector=cameo, plover_sector=plover, code=code,
            role=role, resolved_by=how, wikidata=wikidata,
        )
        yield found


def _sector_of_noun(word: str, kb: ActorKB) -> Sector | None:
    """The group sector of an organisation's head noun, singular or plural ("Union" -> unions: LAB)."""
    word = word.lower()
    for form in (word, word + "s", word[:-1] + "ies" if word.endswith("y") else word):
        if form in kb.groups:
            return kb.groups[form]
    return None


def _national_organisations(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    """Organisations missing from the dictionary whose name says their country: "Nigerian Union of
    Teachers", "Montenegro Assembly". The sector comes from the head noun when it is a group noun."""
    kb = ctx.kb
    doc = sentence.paragraph.doc
    for ent in sentence.span.ents:
        if ent.label_ != "ORG" or taken & set(range(ent.start, ent.end)):
            continue
        start = ent.start + (doc[ent.start].lower_ == "the")
        if start >= ent.end or _slice(doc, start, ent.end - 1) in kb.org_names or kb.country_of(ent.text):
            continue
        country = None
        for first, last, text in _ngrams(doc, start, ent.end):
            hit = kb.country_of(text)
            if hit and hit[1] in ("name", "demonym"):
                country = hit[0]
                break
        if country is None:
            continue
        sector = _sector_of_noun(ent.root.text, kb)
        taken.update(range(start, ent.end))
        yield _Found(key=f"org:{_slice(doc, start, ent.end - 1)}", name=_slice(doc, start, ent.end - 1),
                     kind="organisation", sentence=sentence, start=doc[start].idx, end=ent.end_char,
                     country=country, cameo_sector=sector.cameo if sector else None,
                     plover_sector=sector.plover if sector else None,
                     code=_code(country, sector.cameo if sector else None),
                     resolved_by="pattern:organisation named with its country")


def _is_place_use(tok: Token) -> bool:
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ in _LOCATIVE:
        return True
    if tok.dep_ in ("poss", "compound", "nmod", "appos") and (
            head.ent_type_ in ("GPE", "LOC", "FAC") or head.lower_ in _PLACE_NOUNS
            or (head.pos_ == "PROPN" and head.ent_type_ not in ("PERSON", "ORG", "NORP"))):
        return True  # "Syria's Idlib province", "Idlib, Syria"
    if tok.dep_ == "amod" and head.lower_ in _PLACE_NOUNS:
        return True  # "the Syrian town"
    if tok.dep_ == "conj":
        return _is_place_use(head) if head is not tok else False
    return False


def _is_whole_place(tok: Token) -> bool:
    """A place named on its own after a preposition ("troops in Lebanon", "arrived in Amman"),
    not a modifier that only says where a smaller place lies ("Syria's Idlib province")."""
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok.dep_ == "pobj"


def _group_phrase(tok: Token, kb: ActorKB) -> tuple[str, int, str] | None:
    """(phrase, first token, table) when a group or role phrase ends at tok."""
    for table, name in ((kb.groups, "group"), (kb.roles, "role")):
        match = _phrase_ending_at(tok, table)
        if match:
            return match[0], match[1], name
    return None


def _modifies_group_or_role(tok: Token, kb: ActorKB) -> bool:
    """A country that only says whose a group or role is: "Poland's parliament", "president of
    Armenia", "rebels in the Ivory Coast" (the group or role is the actor)."""
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    head = tok.head
    if tok.dep_ in ("poss", "compound", "amod", "nmod") and head.pos_ in ("NOUN", "PROPN"):
        return _group_phrase(head, kb) is not None
    if tok.dep_ == "pobj" and head.lower_ in _GROUP_PLACE_PREPS and head.head.pos_ in ("NOUN", "PROPN"):
        found = _group_phrase(head.head, kb)
        return found is not None and (found[2] == "group" or head.lower_ == "of")
    return False


def _group_after(doc: Doc, last: int, end: int, kb: ActorKB) -> tuple[int, Sector] | None:
    """A group noun right after an organisation's name: "UN peacekeepers", "NATO peacekeeping troops"."""
    for j in range(last + 1, min(end, last + 4)):
        tok = doc[j]
        if tok.pos_ not in ("NOUN", "ADJ", "VERB") or (tok.pos_ == "VERB" and tok.dep_ not in ("amod", "compound")):
            return None  # "SOHR saying Syrian helicopters": a verb between, two actors
        match = _phrase_ending_at(tok, kb.groups)
        if match and match[1] >= last + 1 and all(doc[k].pos_ in ("NOUN", "ADJ", "VERB") for k in range(last + 1, match[1])):
            return j, kb.groups[match[0]]
    return None


def _named(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    """Organisations, seats, countries, capitals and demonyms named in the sentence."""
    kb = ctx.kb
    doc = sentence.paragraph.doc
    span = sentence.span
    regions: set[int] = set()
    lower_starts = kb.lowercase_org_starts
    for first, last, text in _ngrams(doc, span.start, span.end,
                                     lambda word: not word[:1].islower() or word in lower_starts):
        # Most n-grams name nothing: rule them out with dictionary lookups before touching tokens.
        hit = kb.country_of(text) if text[:1].isupper() else None
        if hit is None and text not in kb.org_names and not (text in kb.regions and text[:1].isupper()):
            continue
        if taken & set(range(first, last + 1)) or doc[first].lower_ == "the" or regions & set(range(first, last + 1)):
            continue  # "the Kremlin": the mention starts at the name
        if text in kb.regions and text[:1].isupper() and hit is None:
            regions.update(range(first, last + 1))  # "East Jerusalem" is no "Jerusalem": left to _places
            continue
        head = doc[last]
        org = kb.org_names.get(text)
        if org is not None:
            group = _group_after(doc, last, span.end, kb)
            if group is not None:
                # "UN peacekeepers": the organisation's code with the group's sector.
                g_last, sector = group
                taken.update(range(first, g_last + 1))
                code = org.code + sector.cameo if org.country is None else _code(org.country, sector.cameo)
                yield _Found(key=f"orggroup:{code}", name=_slice(doc, first, g_last), kind="group", sentence=sentence,
                             start=doc[first].idx, end=doc[g_last].idx + len(doc[g_last].text), country=org.country,
                             cameo_sector=sector.cameo, plover_sector=sector.plover, code=code,
                             resolved_by="dictionary:organisations + group", wikidata=None)
                continue
            taken.update(range(first, last + 1))
            code, plover = org.on(ctx.day)
            yield _Found(key=f"org:{org.name}", name=org.name, kind="organisation", sentence=sentence,
                         start=doc[first].idx, end=head.idx + len(head.text), country=org.country,
                         plover_sector=plover, code=code, resolved_by="dictionary:organisations",
                         media=org.kind == "media", wikidata=org.wikidata)
            continue
        if hit is None or _names_currency(doc, first, last):
            continue
        iso3, how = hit
        if how == "capital":
            iso3 = _capital_country(iso3, text, kb, ctx.outright)
        if how == "seat":
            taken.update(range(first, last + 1))
            yield _Found(key=f"seat:{text}", name=text, kind="organisation", sentence=sentence,
                         start=doc[first].idx, end=head.idx + len(head.text), country=iso3,
                         cameo_sector="GOV", plover_sector="GOV", code=iso3 + "GOV",
                         resolved_by="dictionary:seats")
            continue
        if head.pos_ not in ("PROPN", "NOUN", "ADJ") or _modifies_group_or_role(head, kb):
            continue
        if how == "ethnic":
            found = _ethnic_group(sentence, first, last, iso3)
            if found is not None:
                taken.update(range(first, last + 1))
                yield found
            continue
        if _is_place_use(head):
            if how in ("name", "capital") and head.pos_ == "PROPN" and _is_whole_place(head):
                # A country or capital named as a place ("peacekeepers in Lebanon", "a visit to Amman")
                # is still that country's territory: a state actor without a sector.
                taken.update(range(first, last + 1))
                yield _Found(key=f"state:{iso3}", name=kb.countries[iso3].name, kind="state", sentence=sentence,
                             start=doc[first].idx, end=head.idx + len(head.text), country=iso3,
                             code=iso3, resolved_by="dictionary:countries (place)")
            continue
        if how == "demonym":
            found = _demonym(sentence, ctx, first, last, iso3)
            if found is not None:
                taken.update(range(first, last + 1))
                yield found
            continue
        if head.pos_ == "ADJ":
            continue
        if how == "capital":
            acting = head.dep_ in ("nsubj", "nsubjpass", "dobj", "agent") or (
                head.dep_ == "pobj" and head.head.lower_ in _ACTING_PREPS)
            if not acting:
                continue  # a capital is a place unless it acts or is acted on
            taken.update(range(first, last + 1))
            yield _Found(key=f"capital:{iso3}", name=text, kind="state", sentence=sentence,
                         start=doc[first].idx, end=head.idx + len(head.text), country=iso3,
                         cameo_sector="GOV", plover_sector="GOV", code=iso3 + "GOV",
                         resolved_by="dictionary:capitals (metonym)")
            continue
        led = head.dep_ == "npadvmod" and head.head.lower_ == "led"  # "the US-led war": the US leads it
        if head.dep_ not in _ACTING_DEPS and head.dep_ not in ("poss", "compound", "nmod", "amod", "npadvmod") and not led:
            continue
        taken.update(range(first, last + 1))
        yield _Found(key=f"state:{iso3}", name=kb.countries[iso3].name, kind="state", sentence=sentence,
                     start=doc[first].idx, end=head.idx + len(head.text), country=iso3,
                     code=iso3, resolved_by="dictionary:countries")


def _ethnic_group(sentence: Sentence, first: int, last: int, iso3: str) -> _Found | None:
    """An ethnic or religious group as civilians of its country: "Kurds" (a plural noun), "Druze
    inhabitants" (before a plural noun that is no place word). Group and role nouns after it are left
    to _groups_and_roles ("Karen guerrillas"); inside a longer name it is no group ("Tamil Nadu")."""
    doc = sentence.paragraph.doc
    tok = doc[last]
    if doc[first].ent_iob_ == "I" or (last + 1 < sentence.span.end and doc[last + 1].ent_iob_ == "I"):
        return None  # part of a longer entity
    if tok.tag_ in ("NNS", "NNPS") and tok.dep_ in _ACTING_DEPS | {"pobj"}:
        return _people(sentence, first, last, iso3, "dictionary:ethnic groups")
    noun = tok.head
    if tok.dep_ in ("amod", "compound", "nmod") and noun.i == last + 1 and noun.tag_ == "NNS" \
            and noun.lemma_.lower() not in _feature_words():
        return _people(sentence, first, noun.i, iso3, "dictionary:ethnic groups")
    return None


def _as_civilians(tok: Token) -> bool:
    """A plural demonym counted or described as people rather than speaking for a state:
    "thousands of Nigerians", "young Algerians", "Palestinians living in the West Bank",
    "Albanians of southern Serbia"."""
    if any(c.dep_ in ("amod", "nummod", "quantmod", "acl", "relcl", "prep") for c in tok.children):
        return True
    head = tok.head
    return tok.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ in ("NOUN", "NUM") and (
        head.head.ent_type_ in ("CARDINAL", "QUANTITY") or head.head.lower_ in _QUANTITY_NOUNS)


def _people(sentence: Sentence, first: int, last: int, iso3: str, how: str) -> _Found:
    """The people of a country as a group of civilians (CAMEO CVL): "Nigerians", "Bosnian Serbs"."""
    doc = sentence.paragraph.doc
    return _Found(key=f"group:{iso3}CVL:people", name=_slice(doc, first, last), kind="group", sentence=sentence,
                  start=doc[first].idx, end=doc[last].idx + len(doc[last].text), country=iso3,
                  cameo_sector="CVL", plover_sector="CVL", code=iso3 + "CVL", resolved_by=how)


def _demonym(sentence: Sentence, ctx: _Context, first: int, last: int, iso3: str) -> _Found | None:
    """A demonym acting for its state or people: "Palestinians reject ...", "an Indian proposal",
    "Israeli air raids". Demonyms before group and role nouns are left to those ("Syrian regime
    forces"); before place nouns they say where ("the Syrian town")."""
    doc = sentence.paragraph.doc
    tok = doc[last]
    kb = ctx.kb
    if tok.pos_ in ("NOUN", "PROPN") and tok.tag_ in ("NNS", "NNPS") and first > 0 and doc[first - 1].lower_ == "ethnic":
        # "ethnic Albanians in south Serbia": an ethnic group is coded by the country it lives in
        # (CAMEO), so the country of an in/of phrase, else the article's country, else its own.
        after = _country_after(tok, kb, "group")
        country = after[0] if after else (ctx.home if ctx.home and ctx.home != iso3 else iso3)
        return _Found(key=f"group:{country}CVL:ethnic {iso3}", name=_slice(doc, first - 1, last), kind="group",
                      sentence=sentence, start=doc[first - 1].idx, end=tok.idx + len(tok.text), country=country,
                      cameo_sector="CVL", plover_sector="CVL", code=country + "CVL",
                      resolved_by="pattern:ethnic group + country of residence")
    if tok.pos_ in ("NOUN", "PROPN") and tok.tag_ in ("NNS", "NNPS") and (
            tok.dep_ in _ACTING_DEPS and not (tok.dep_ == "pobj" and tok.head.lower_ in _LOCATIVE)):
        before = kb.country_of(doc[first - 1].text) if first > 0 else None
        if before and before[1] == "demonym" and before[0] != iso3:
            # "Bosnian Serbs": a people named by where it lives, coded by that country
            return _people(sentence, first - 1, last, before[0], "pattern:demonym + people")
        if _as_civilians(tok):
            return _people(sentence, first, last, iso3, "dictionary:demonyms (people)")
        # "The Palestinians reject ...": a bare plural demonym speaks for its state or leadership
        return _Found(key=f"state:{iso3}", name=_slice(doc, first, last), kind="group", sentence=sentence,
                      start=doc[first].idx, end=tok.idx + len(tok.text), country=iso3, code=iso3,
                      resolved_by="dictionary:demonyms (state)")
    modifier = tok
    while modifier.dep_ == "conj" and modifier.head is not modifier:
        modifier = modifier.head  # "The Turkish and Greek sides"
    noun = modifier.head
    if (modifier is tok and tok.dep_ in ("amod", "compound", "nmod") and noun.i == last + 1
            and noun.tag_ in ("NNS", "NNPS") and noun.text[:1].isupper()
            and (kb.country_of(noun.text) or ("", "ethnic"))[1] == "ethnic" and _group_phrase(noun, kb) is None):
        # "Iraqi Kurds", "Turkish Kurds": a people (a capitalised plural) named by the country it lives in
        return _people(sentence, first, noun.i, iso3, "pattern:demonym + people")
    if modifier.dep_ not in ("amod", "compound", "nmod") or noun.pos_ != "NOUN" or noun.i <= tok.i:
        return None
    if noun.lower_ in _PLACE_NOUNS or _group_phrase(noun, kb) is not None:
        return None
    return _Found(key=f"state:{iso3}", name=kb.countries[iso3].name, kind="state", sentence=sentence,
                  start=doc[first].idx, end=tok.idx + len(tok.text), country=iso3, code=iso3,
                  resolved_by=f"pattern:demonym + {noun.lower_}")


def _country_modifiers(head: Token, kb: ActorKB, first: int) -> list[tuple[str, Token]]:
    """Countries named by modifiers left of a noun phrase: "Syrian regime forces", "his Russian,
    German and French counterparts", "Russia's forces"."""
    found: list[tuple[str, Token]] = []
    for child in head.children:
        if child.i >= first or child.dep_ not in ("amod", "compound", "poss", "nmod", "npadvmod"):
            continue
        leaders = [c for c in child.children if c.dep_ == "npadvmod"] if child.lower_ == "led" else []
        for tok in (child, *child.conjuncts, *leaders):  # "Vietnamese-led forces" are Vietnam's
            hit = kb.country_of(tok.text)
            if hit and tok.i < first:
                found.append((hit[0], tok))
            elif tok.i < first and tok.pos_ == "PROPN" and tok.dep_ == "compound" and (own := _own_country(kb, tok.text)):
                found.append((own, tok))  # "the Bush administration": a known leader's surname
    return found


def _country_before(doc: Doc, first: int, floor: int, kb: ActorKB) -> tuple[str, int] | None:
    """A country name or demonym of up to three tokens ending right before `first` ("Sri Lankan
    army", "Ivory Coast rebels", "Poland's parliament")."""
    end = first - 1
    if end >= floor and doc[end].text in ("’s", "'s"):
        end -= 1
    for start in range(max(floor, end - 2), end + 1):
        if end < floor:
            break
        if doc[start].lower_ == "the":
            continue
        hit = kb.country_of(_slice(doc, start, end))
        if hit and hit[1] in ("demonym", "name", "seat", "ethnic"):
            return hit[0], start
    return None


def _country_after(tok: Token, kb: ActorKB, kind: str, ctx: _Context | None = None) -> tuple[str, Token] | None:
    """"president of Armenia", "rebels in the Ivory Coast", "opposition groups in Zimbabwe"; with the
    context, also places: "rebels in Darfur", "demonstrators in Baghdad", "governor of the Tyumen region"."""
    preps = list(tok.rights)
    if kind == "group":
        # "a terror group based in Trinidad", "students living in Germany"
        preps += [p for verb in tok.rights if verb.dep_ == "acl" and verb.lower_ in _GROUP_PLACE_VERBS
                  for p in verb.rights]
    for prep in preps:
        if prep.dep_ != "prep" or prep.lower_ not in (_GROUP_PLACE_PREPS if kind == "group" else ("of",)):
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            doc = tok.doc
            start = obj.left_edge.i
            while start < obj.i and doc[start].lower_ == "the":
                start += 1
            hit = kb.country_of(_slice(doc, start, obj.i))
            if hit and hit[1] in ("name", "demonym"):
                return hit[0], obj
            marked = obj.ent_type_ in _PLACE_LABELS or obj.lower_ in _feature_words()
            if ctx is not None and hit is None and (obj.pos_ == "PROPN" or marked) and doc[start].text[:1].isupper() \
                    and (iso3 := _place_country(_slice(doc, start, obj.i), ctx, strict=not marked)):
                return iso3, obj
            if ctx is not None and hit and hit[1] == "capital":
                return _capital_country(hit[0], _slice(doc, start, obj.i), kb, ctx.outright), obj
    return None


def _residence(mod: Token, kb: ActorKB) -> str | None:
    """The country of a demonym modifying an ethnic group's name ("Turkish Kurd refugees" -> TUR)."""
    if (kb.country_of(mod.text) or ("", ""))[1] != "ethnic":
        return None
    for child in mod.children:
        hit = kb.country_of(child.text) if child.dep_ in ("amod", "compound") else None
        if hit and hit[1] in ("demonym", "name"):
            return hit[0]
    return None


def _coordinated_before(doc: Doc, mod: Token | None, first: int, floor: int, kb: ActorKB,
                        spans: dict[int, tuple[int, int]]) -> list[tuple[str, Token]]:
    """Countries coordinated with the one right before a group or role that the parse did not join
    ("Sierra Leonean and Liberian refugees", "Iraqi, Syrian and Jordanian troops"); each one's
    mention is its own name (recorded in `spans`)."""
    if mod is None or mod.i >= first or doc[first - 1].text in ("’s", "'s"):
        return []
    if mod.i not in spans and mod.i != first - 1:
        return []  # a distant modifier: the parse has placed it
    found: list[tuple[str, Token]] = []
    j = mod.i - 1
    while j > floor and doc[j].lower_ in ("and", "or", ","):
        before = _country_before(doc, j, floor, kb)
        if before is None or doc[j - 1].text in ("’s", "'s"):
            break
        iso3, at = before
        spans[at] = (at, j - 1)
        found.append((iso3, doc[at]))
        j = at - 1
    return found


def _phrase_ending_at(tok: Token, table: dict, max_words: int = 6) -> tuple[str, int] | None:
    doc = tok.doc
    text = doc_text(doc)
    end = tok.idx + len(tok.text)
    for n in range(max_words, 0, -1):
        first = tok.i - n + 1
        if first < 0:
            continue
        phrase = " ".join(text[doc[first].idx:end].lower().split())
        for candidate in (phrase, " ".join(phrase.split()[:-1] + [tok.lemma_.lower()])):
            if candidate in table:
                return candidate, first
    return None


# Sectors of nouns that only say "persons" (candidates, people): a qualifying group gives the sector.
_PERSON_SECTORS = {"ELI", "CVL"}
_CLAUSE_PLACE_PREPS = {"in", "across", "throughout", "inside", "within"}


def _clause_place(tok: Token, ctx: _Context) -> str | None:
    """The country of a place in a group's own clause, when the group is its verb's subject or
    object: "Protesters gathered in Cairo" (EGY), "villagers across Nigeria fled" (NGA)."""
    while tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ in ("NOUN", "NUM", "PRON"):
        tok = tok.head.head  # "hundreds of thousands of people blocked ..."
    if tok.dep_ not in ("nsubj", "nsubjpass", "dobj"):
        return None
    verb = tok.head
    kb = ctx.kb
    objects = [c for c in verb.children if c.dep_ == "dobj" and c is not tok]
    for prep in [*verb.children, *(p for o in objects for p in o.children)]:
        if prep.dep_ != "prep" or prep.lower_ not in _CLAUSE_PLACE_PREPS:
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            doc = tok.doc
            start = obj.left_edge.i
            while start < obj.i and doc[start].lower_ == "the":
                start += 1
            text = _slice(doc, start, obj.i)
            hit = kb.country_of(text)
            if hit and hit[1] == "name":
                return hit[0]
            if hit and hit[1] == "capital":
                return _capital_country(hit[0], text, kb, ctx.outright)
            if hit is None and obj.ent_type_ in _PLACE_LABELS and text[:1].isupper():
                iso3 = _place_country(text, ctx)
                if iso3:
                    return iso3
    return None


def _groups_and_roles(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    kb = ctx.kb
    doc = sentence.paragraph.doc
    for tok in sentence.span:
        if tok.i in taken or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        if tok.dep_ in ("compound", "amod", "nmod") and tok.head.i > tok.i and tok.head.i not in taken \
                and _phrase_ending_at(tok, kb.groups) is not None and _group_phrase(tok.head, kb) is not None:
            continue  # "opposition lawmakers": one actor, at the head noun, qualified by this one
        for table, kind in ((kb.groups, "group"), (kb.roles, "role")):
            match = _phrase_ending_at(tok, table)
            if match is None:
                continue
            phrase, first = match
            sector = table[phrase]
            qualifier = next((q for q in tok.children if q.dep_ in ("compound", "amod", "nmod") and q.i < first
                              and q.i not in taken and _phrase_ending_at(q, kb.groups) is not None), None)
            if qualifier is not None:
                # "opposition lawmakers" (LEG + OPP), "civilian refugees" (REF + CVL): one actor whose head
                # noun's sector leads, unless the head only says "persons" ("opposition candidates": OPP)
                q_phrase, q_first = _phrase_ending_at(qualifier, kb.groups)
                q_sector = kb.groups[q_phrase]
                if q_sector.cameo[:3] != sector.cameo[:3]:
                    lead, follow = (q_sector, sector) if sector.cameo[:3] in _PERSON_SECTORS else (sector, q_sector)
                    sector = Sector(lead.cameo + follow.cameo, lead.plover, sector.country_from or q_sector.country_from)
                first = min(first, q_first)
            countries = _country_modifiers(tok, kb, first)
            how = f"pattern:country+{kind}"
            spans: dict[int, tuple[int, int]] = {}  # modifier token -> (first token, last token) of the mention
            if not countries:
                before = _country_before(doc, first, sentence.span.start, kb)
                if before is not None:
                    countries = [(before[0], doc[before[1]])]
                    spans[before[1]] = (before[1], tok.i)
            if len(countries) > 1 and not any(mod.dep_ == "conj" for _, mod in countries):
                # "Turkish Kurd refugees": an ethnic group named with the country it lives in is that country's
                states = [(c, mod) for c, mod in countries if (kb.country_of(mod.text) or ("", ""))[1] != "ethnic"]
                countries = states or countries
            countries = [(_residence(mod, kb) or c, mod) for c, mod in countries]
            if len(countries) == 1 and countries[0][1].i > sentence.span.start \
                    and doc[countries[0][1].i - 1].lower_ == "ethnic" and (after := _country_after(tok, kb, "group", ctx)):
                countries = [(after[0], countries[0][1])]  # "ethnic Albanian guerrillas operating in Macedonia"
                how = "pattern:ethnic group + country of residence"
            if len(countries) == 1:
                countries += _coordinated_before(doc, countries[0][1], first, sentence.span.start, kb, spans)
            if not countries:
                after = _country_after(tok, kb, kind, ctx)
                if after is not None:
                    countries = [(after[0], after[1])]
                    spans[after[1].i] = (first, after[1].i)
                    how = f"pattern:{kind}+of/in country"
            acting = tok.dep_ in ("nsubj", "nsubjpass", "dobj", "agent")
            if not countries and kind == "group" and (place := _clause_place(tok, ctx)) is not None:
                # "Protesters gathered in Cairo": a place of the group's own clause, never merely the
                # country named nearest in the sentence (a monitor's base, a foreign government).
                countries = [(place, None)]
                how = "pattern:group + place of its clause"
            if not countries and kind == "group" and getattr(sector, "country_from", "") == "article" and ctx.home \
                    and (acting or tok.dep_ in ("pobj", "conj", "appos", "ROOT")):
                countries = [(ctx.home, None)]
                how = "context:article country"
            if kind == "role" and not countries:
                break  # an unnamed role without a country says too little ("the leaders")
            if kind == "group" and not countries and not acting:
                break
            phrase_text = _slice(doc, first, tok.i)
            for iso3, mod in countries or [(None, None)]:
                if mod is not None and mod.i in spans:
                    a, b = spans[mod.i]
                    name, start, end = _slice(doc, a, b), doc[a].idx, doc[b].idx + len(doc[b].text)
                elif mod is not None and mod.i < first - 1 and doc[mod.i + 1].text not in ("’s", "'s") \
                        and mod.head.lower_ != "led":
                    # A coordinated or distant modifier ("Russian, German and French counterparts"):
                    # the mention is the modifier itself, the name says what it modifies.
                    name, start, end = f"{mod.text} {phrase_text}", mod.idx, mod.idx + len(mod.text)
                else:
                    start_tok = mod.i if mod is not None and mod.i < first else first
                    name = _slice(doc, start_tok, tok.i)
                    start, end = doc[start_tok].idx, tok.idx + len(tok.text)
                code = _code(iso3, sector.cameo)
                found = _Found(key=f"{kind}:{code}:{phrase}", name=name, kind="person" if kind == "role" else "group",
                               sentence=sentence, start=start, end=end, country=iso3,
                               cameo_sector=sector.cameo, plover_sector=sector.plover, code=code,
                               role=phrase if kind == "role" else None,
                               resolved_by=how if iso3 else f"dictionary:{kind}s")
                yield found
                if len(countries) > 1 and end <= doc[first].idx:
                    # "U.S. and Russian negotiators": the shared head noun also names each conjunct's actor
                    yield _Found(**{**found.__dict__, "start": doc[first].idx, "end": tok.idx + len(tok.text)})
                if mod is not None:
                    taken.add(mod.i)
            taken.update(range(first, tok.i + 1))
            break


def _discarded(sentence: Sentence) -> set[int]:
    """Tokens inside a discard phrase of the Phoenix dictionary (sports events, films, history:
    "the Australian Open", "the Asian Cup"): they name no actor."""
    words, tokens = match_words(sentence.span)
    out: set[int] = set()
    for start, end, _ in load_actor_dictionary().discards.matches(words):
        out.update(t.i for t in tokens[start:end])
    return out


def _continues_name(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.ent_iob_ == "I"


def _dictionary_actors(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    """Names of the Phoenix dictionaries (institutions, armed groups, IGOs and NGOs, people the NER
    did not mark as persons): the longest entry that is a whole proper name ("the Afghan National
    Security Forces", "Hezbollah"), coded as on the article's date. Entries that only name a
    country or a place are left to the country and place finders."""
    kb = ctx.kb
    doc = sentence.paragraph.doc
    words, tokens = match_words(sentence.span)
    trie = load_actor_dictionary().actors
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.i in taken or not (tok.text[:1].isupper() or tok.lower_ in kb.lowercase_org_starts):
            i += 1
            continue
        hit = trie.longest(words, i)
        if hit is None:
            i += 1
            continue
        end, entries = hit
        span = tokens[i:end]
        last = span[-1]
        whole = (not _continues_name(tok) or i == 0 or tokens[i - 1].i in taken) \
            and (end >= len(tokens) or not _continues_name(tokens[end])) \
            and (last.text[:1].isupper() or not last.is_alpha) \
            and not any(t.i in taken for t in span) \
            and (len(span) > 1 or tok.pos_ == "PROPN" or tok.ent_type_ in ("ORG", "NORP", "PERSON"))
        entries = _dictionary_choice(entries, ctx) if whole and not kb.country_of(_slice(doc, span[0].i, last.i)) else []
        dict_code = _dictionary_code(entries, ctx)
        if dict_code is None or (dict_code.country and not dict_code.sector):
            i += 1  # no entry, an ambiguous one, or one that names a country or a place
            continue
        taken.update(t.i for t in span)
        sector = agent_sector(dict_code.sector) if dict_code.sector else None
        kind = "person" if tok.ent_type_ == "PERSON" else "organisation"
        name = _slice(doc, span[0].i, last.i)
        yield _Found(key="person" if kind == "person" else f"dict:{entries[0].name}", name=name, kind=kind,
                     sentence=sentence, start=tok.idx, end=last.idx + len(last.text), country=dict_code.country,
                     cameo_sector=dict_code.sector, plover_sector=sector.plover if sector else None,
                     code=dict_code.code, resolved_by=f"dictionary:phoenix {entries[0].source} ({entries[0].name})")
        i = end


def _is_time_zone(ent: Span) -> bool:
    """An all-capital abbreviation right after a clock time ("10:30 GMT", "8 p.m. EST") is a time
    zone, never an organisation."""
    doc = ent.doc
    before = doc[ent.start - 1] if ent.start > 0 else None
    return len(ent) == 1 and ent.text.isupper() and before is not None and (
        before.ent_type_ == "TIME" or before.like_num or before.lower_ in ("a.m.", "p.m.", "am", "pm"))


def _organisations_by_name_words(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    """Named organisations no dictionary lists, known by a kind word of their name
    (data/actors/organisation_words.tsv: "Harbour Housing Authority" GOV, "Green Future Party" PTY,
    "Coastal Watch Foundation" NGO). No country unless the name gives one (then
    _national_organisations has it): "---" + the sector, or the word's transnational code."""
    kb = ctx.kb
    doc = sentence.paragraph.doc
    for ent in sentence.span.ents:
        if ent.label_ != "ORG" or taken & set(range(ent.start, ent.end)) or _is_time_zone(ent):
            continue
        start = ent.start + (doc[ent.start].lower_ == "the")
        if ent.end - start < 2 or not doc[ent.end - 1].text[:1].isupper():
            continue  # a bare "Court" is a group noun, not a name
        head = next(((t, kb.organisation_words[t.lower_]) for t in reversed(doc[start: ent.end])
                     if t.lower_ in kb.organisation_words
                     and (t.i == ent.end - 1 or doc[t.i + 1].lower_ in ("of", "for"))), None)
        if head is None:
            continue
        sector, bloc = head[1]
        country, how = None, f"pattern:organisation name word {head[0].lower_!r}"
        for _, _, text in _ngrams(doc, start, ent.end, _capitalised):
            hit = kb.country_of(text)
            if hit and hit[1] in ("name", "demonym", "capital"):
                # "Baghdad University", "United Bus Company of Tehran": the name says whose it is
                country = _capital_country(hit[0], text, kb, ctx.outright) if hit[1] == "capital" else hit[0]
                break
        if country is None and doc[start].ent_iob_ != "I":
            # "Indiana State Police": a state or province leading the name (a large place only)
            for last in range(min(ent.end - 2, start + 2), start - 1, -1):
                text = _slice(doc, start, last)
                if text[:1].isupper() and not kb.organisation_words.get(doc[last].lower_) \
                        and (iso3 := _place_country(text, ctx, strict=True)) is not None:
                    country = iso3
                    break
        before = _country_before(doc, start, sentence.span.start, kb) if country is None else None
        first = start
        if before is not None and doc[start - 1].text in ("’s", "'s"):
            country, first = before  # "Ivory Coast's Supreme Court"
        if country is not None:
            how += " + country in the name"
        code = _code(country, sector.cameo) if country or not bloc else bloc
        taken.update(range(first, ent.end))
        yield _Found(key=f"org:{_slice(doc, start, ent.end - 1)}", name=_slice(doc, start, ent.end - 1),
                     kind="organisation", sentence=sentence, start=doc[first].idx, end=ent.end_char,
                     country=country, cameo_sector=None if bloc and not country else sector.cameo,
                     plover_sector=sector.plover, code=code, resolved_by=how)


def _place_spans(sentence: Sentence) -> Iterator[tuple[int, int, bool]]:
    """(first, last, weak) token spans that name a place: GPE/LOC entities, and capitalised names
    after a place-type word ("the town of Cizre") or, weak evidence, a place preposition ("in Jericho")."""
    doc = sentence.paragraph.doc
    span = sentence.span
    seen: set[int] = set()
    for ent in span.ents:
        if ent.label_ in _PLACE_LABELS:
            seen.update(range(ent.start, ent.end))
            before = doc[ent.start - 1] if ent.start > span.start else None
            if before is not None and before.pos_ == "PROPN" and before.text[:1].isupper() \
                    and before.ent_type_ not in _PLACE_LABELS + ("NORP",):
                continue  # a name the NER split ("Kenzo | Oshima"): no place
            yield ent.start, ent.end - 1, False
    for tok in span:
        if tok.i in seen or tok.pos_ != "PROPN" or not tok.text[:1].isupper():
            continue
        before = doc[tok.i - 1] if tok.i > span.start else None
        if before is None or not (before.lower_ in _PLACE_PREPS or before.lower_ in _feature_words()):
            continue
        feature = before.lower_ in _feature_words() or (
            before.lower_ == "of" and doc[before.i - 1].lower_ in _feature_words())
        if tok.ent_type_ == "ORG" and before.lower_ not in _LOCATIVE and not feature:
            continue  # an organisation's name unless after "in", "the city of" ...: "in Khanty-Mansiysk"
        if before.lower_ == "of" and not (before.i > span.start and doc[before.i - 1].lower_ in _feature_words()):
            continue  # "of" only after a place word: "the town of Cizre", not "the government of Khan"
        last = tok.i
        while last + 1 < span.end:
            if doc[last + 1].pos_ == "PROPN" and doc[last + 1].text[:1].isupper():
                last += 1
            elif doc[last + 1].text == "-" and last + 2 < span.end and doc[last + 2].pos_ == "PROPN":
                last += 2  # "Khanty-Mansiysk"
            else:
                break
        seen.update(range(tok.i, last + 1))
        yield tok.i, last, not feature


def _places(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    """Towns, regions and capitals named as places ("in Baghdad", "the town of Cizre", "West Darfur
    State", "Montenegro province"): a state actor of their country without a sector, as for "in Lebanon"."""
    kb = ctx.kb
    doc = sentence.paragraph.doc
    for first, last, weak in _place_spans(sentence):
        while first <= last and doc[first].lower_ == "the":
            first += 1
        if last >= first and doc[last].text in ("’s", "'s"):
            last -= 1
        if first > last or taken & set(range(first, last + 1)):
            continue
        text = _slice(doc, first, last)
        hit = kb.country_of(text)
        place_word = last + 1 < sentence.span.end and doc[last + 1].lower_ in _feature_words()
        if hit is not None and hit[1] == "name" and place_word and doc[last + 1].dep_ == "pobj":
            pass  # "in Montenegro province": the country's name names the place itself
        elif hit is not None and hit[1] != "capital":
            continue  # countries, demonyms and seats are the dictionary's (_named)
        if hit is None and place_word:
            last += 1  # "West Darfur State"
            text = _slice(doc, first, last)
        iso3 = _place_country(text, ctx, strict=weak)
        if iso3 is None:
            continue
        if any(c.dep_ == "poss" and kb.country_of(c.text) for t in doc[first: last + 1] for c in t.children):
            continue  # "Syria's Idlib province": the country only says where the place lies (as in _named)
        if first - 3 >= sentence.span.start and doc[first - 1].lower_ == "of" \
                and doc[first - 2].lower_ in _feature_words() and not taken & {first - 3, first - 2} \
                and (kb.country_of(doc[first - 3].text) or ("", ""))[0] == iso3:
            first -= 3  # "the Iraqi city of Basra", "the Bosnian town of Gorazde": one place
        taken.update(range(first, last + 1))
        yield _Found(key=f"state:{iso3}", name=kb.countries[iso3].name, kind="state", sentence=sentence,
                     start=doc[first].idx, end=doc[last].idx + len(doc[last].text), country=iso3, code=iso3,
                     resolved_by=f"gazetteer:place {text}")


def _dominant_country(parsed: Parsed, kb: ActorKB, outright: frozenset[str] = frozenset()) -> str | None:
    """The article's own country: the one named most often as a place ("in Syria", "Syria's Idlib
    province", "the Syrian town"), else the one named most (names, demonyms, capitals, seats);
    ties: more mentions overall, then the first named. Groups such as "regime forces" or
    "anti-government armed groups" belong to the country where the story happens, which foreign
    actors ("Russia", "Turkey") may out-mention."""
    counts: Counter[str] = Counter()
    places: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for sentence in parsed.sentences:
        for ent in sentence.span.ents:
            if ent.label_ not in ("GPE", "NORP", "LOC", "FAC", "ORG"):
                continue
            hit = kb.country_of(ent.text)
            if hit and hit[1] == "capital":
                hit = (_capital_country(hit[0], ent.text, kb, outright), "capital")
            if hit and hit[1] != "ethnic":
                counts[hit[0]] += 1
                first_seen.setdefault(hit[0], len(first_seen))
                if hit[1] in ("name", "demonym") and _is_place_use(ent.root):
                    places[hit[0]] += 1
    if not counts:
        # No country named at all ("Teachers rallied in Indianapolis ... Indiana House Speaker"): the
        # country of the large places named (towns and areas of 100,000 people or more).
        gaz, probe = load_gazetteer(), _Context(kb=kb, day=None, home=None)
        for sentence in parsed.sentences:
            for ent in sentence.span.ents:
                if ent.label_ in _PLACE_LABELS and ent.text[:1].isupper() \
                        and (iso3 := _gazetteer_country(gaz, ent.text, probe, _STRICT_POPULATION)):
                    counts[iso3] += 1
                    first_seen.setdefault(iso3, len(first_seen))
        if not counts:
            return None
    pool = places or counts
    return max(pool, key=lambda c: (pool[c], counts[c], -first_seen[c]))


def _same_group_country(found: list[_Found]) -> None:
    """A group that took the article's country ("the regime", "government forces") takes instead the
    country the article gives the same kind of group elsewhere ("the Syrian regime", "Syrian regime
    forces"): same sector and head noun; the most frequent such country wins."""
    given: dict[tuple[str | None, str], Counter[str]] = {}
    for f in found:
        if f.kind == "group" and f.country and f.resolved_by.startswith("pattern:"):
            given.setdefault((f.cameo_sector, f.name.split()[-1].lower()), Counter())[f.country] += 1
    for f in found:
        if f.resolved_by != "context:article country":
            continue
        counter = given.get((f.cameo_sector, f.name.split()[-1].lower()))
        if counter:
            f.country = counter.most_common(1)[0][0]
            f.code = _code(f.country, f.cameo_sector)
            f.key = f"group:{f.code}:{f.key.split(':', 2)[-1]}"
            f.resolved_by = "context:same group with a country"


def _pronouns(parsed: Parsed, found: list[_Found]) -> Iterator[_Found]:
    """"he"/"she" as the subject of a verb -> a mention of the nearest preceding person actor
    (a named person or a singular role holder), so later stages find the actor by offsets."""
    persons = sorted((f for f in found if f.kind == "person" and (f.key == "person" or f.role)),
                     key=_sentence_order)
    if not persons:
        return
    for sentence in parsed.sentences:
        for tok in sentence.span:
            if tok.lower_ not in _SUBJECT_PRONOUNS or tok.dep_ not in ("nsubj", "nsubjpass"):
                continue
            here = (sentence.index, tok.idx)
            before = [p for p in persons if _sentence_order(p) < here and p.refers_to is None
                      and not p.name.endswith(("counterparts", "leaders"))]
            if not before:
                continue
            target = before[-1]
            yield _Found(key=target.key, name=tok.text, kind="person", sentence=sentence,
                         start=tok.idx, end=tok.idx + len(tok.text), resolved_by="pronoun", refers_to=target)


@dataclass
class _Cluster:
    found: list[_Found] = field(default_factory=list)

    @property
    def first(self) -> _Found:
        return self.found[0]

    @property
    def named(self) -> list[_Found]:
        return [f for f in self.found if f.refers_to is None] or self.found


def _person_clusters(persons: list[_Found]) -> list[_Cluster]:
    """Join "Putin" to "Vladimir Putin": a shorter name that ends a longer one is the same person."""
    clusters: list[_Cluster] = []
    for f in sorted(persons, key=lambda f: -len(f.name.split())):
        words = f.name.split()
        for cluster in clusters:
            full = cluster.first.name.split()
            if words == full or (len(words) < len(full) and full[-len(words):] == words):
                cluster.found.append(f)
                break
        else:
            clusters.append(_Cluster([f]))
    return clusters


def _sentence_order(f: _Found) -> tuple[int, int]:
    return f.sentence.index, f.start


def resolve_actors(parsed: Parsed, kb: ActorKB) -> tuple[Actor, ...]:
    """All actors of the article, each with its mentions; ids follow the order of first mention."""
    published = parsed.document.published
    article_kb = _ArticleKB(kb, _misspellings(parsed, kb))
    hits = {sentence.index: _country_hits(sentence, article_kb) for sentence in parsed.sentences}
    # Countries named outright (not through a capital) decide which country a capital's name stands for.
    outright = frozenset(iso3 for named in hits.values() for _, iso3, capital in named if capital is None)
    nearby = {index: [(first, _capital_country(iso3, capital, article_kb, outright) if capital else iso3)
                      for first, iso3, capital in named] for index, named in hits.items()}
    home = _dominant_country(parsed, article_kb, outright)
    ctx = _Context(kb=article_kb, day=published[:10] if published else None, home=home, nearby=nearby,
                   seen=frozenset(iso3 for named in nearby.values() for _, iso3 in named), outright=outright)
    found: list[_Found] = []
    for sentence in parsed.sentences:
        taken: set[int] = _discarded(sentence)
        article_kb.here = [c for c in (home, *(iso3 for _, iso3 in nearby[sentence.index])) if c]
        found.extend(_persons(sentence, ctx, taken))
        found.extend(_national_organisations(sentence, ctx, taken))
        found.extend(_named(sentence, ctx, taken))
        found.extend(_dictionary_actors(sentence, ctx, taken))
        found.extend(_organisations_by_name_words(sentence, ctx, taken))
        found.extend(_groups_and_roles(sentence, ctx, taken))
        found.extend(_places(sentence, ctx, taken))
    _same_group_country(found)
    pronouns = list(_pronouns(parsed, found))

    clusters = _person_clusters([f for f in found if f.key == "person"])
    by_key: dict[str, _Cluster] = {}
    for f in found:
        if f.key != "person":
            by_key.setdefault(f.key, _Cluster()).found.append(f)
    all_clusters = clusters + list(by_key.values())
    home_of = {id(f): c for c in all_clusters for f in c.found}
    for pronoun in pronouns:
        home_of[id(pronoun.refers_to)].found.append(pronoun)
    for cluster in all_clusters:
        cluster.found.sort(key=_sentence_order)
    all_clusters.sort(key=lambda c: _sentence_order(c.first))

    actors = []
    for number, cluster in enumerate(all_clusters, start=1):
        # The most informative mention gives the code: a titled one beats an untitled one.
        named = cluster.named
        best = max(named, key=lambda f: (f.code is not None, len(f.code or "") > 3, len(f.name)))
        name = max((f.name for f in named), key=len) if best.kind == "person" else best.name
        mentions = tuple(f.sentence.mention(f.start, f.end) for f in cluster.found)
        actors.append(Actor(
            id=f"actor{number}",
            name=name,
            code=best.code or "",
            country=best.country,
            sector=best.plover_sector,
            kind=best.kind,
            mentions=mentions,
            evidence=best.sentence.evidence(),
            resolved_by=best.resolved_by,
            role=best.role,
            wikidata=next((f.wikidata for f in named if f.wikidata), None),
            media_only=best.media,
        ))
    return tuple(actors)
