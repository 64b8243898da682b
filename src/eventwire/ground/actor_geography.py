"""Article geography for actor grounding: the countries a sentence names, capitals and their namesakes,
places named as places (state actors without a sector), a group's place in its own clause, and the
article's dominant country.
"""
from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from eventwire.ground.actor_common import _Context, _Found, _capitalised, _ngrams, _slice
from eventwire.ground.actor_kb import ActorKB
from eventwire.ground.gazetteer import Gazetteer, load_gazetteer
from eventwire.ground.places import feature_kinds
from eventwire.read import Parsed, Sentence

# Prepositions after which a country name is a place rather than an acting state.
# "to"/"towards" are not here: "offered to hand over to Great Britain" names a recipient, an actor.
_LOCATIVE = {"in", "into", "inside", "near", "across", "throughout", "within", "from", "at",
             "around", "outside", "through", "over", "via", "across", "between", "beyond", "along"}


# Gazetteer kinds of a town that may be a capital's namesake ("Tripoli", Lebanon): cities only.
_NAMESAKE_KINDS = {"city"}


_PLACE_NOUNS = {"province", "city", "region", "governorate", "border", "capital", "territory", "town",
                "village", "district", "coast", "countryside", "north", "south", "east", "west", "soil"}


# Words before a region's name that only say which part of it ("West Darfur", "central Baghdad").
_DIRECTIONS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
               "northeast", "northwest", "southeast", "southwest", "north-east", "north-west", "south-east",
               "south-west", "northeastern", "northwestern", "southeastern", "southwestern", "upper", "lower"}


# Places named as places: after these prepositions a gazetteer name is a place, not a person.
_PLACE_PREPS = _LOCATIVE | {"of", "to", "toward", "towards"}


_PLACE_LABELS = ("GPE", "LOC")


_STRICT_POPULATION = 100_000


@functools.lru_cache(maxsize=1)
def _feature_words() -> frozenset[str]:
    """Place-type words ("province", "town", "state") of data/places/feature_words.tsv (places' reader)."""
    return frozenset(feature_kinds()) | frozenset(_PLACE_NOUNS)


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


@functools.lru_cache(maxsize=1)
def _settlement_words() -> frozenset[str]:
    """Place-type words of settlements ("town", "city", "village"): feature_words.tsv's kind city."""
    return frozenset(word for word, kind in feature_kinds().items() if kind == "city")


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
    names = kb.may_begin_name
    for first, last, text in _ngrams(doc, span.start, min(span.end, span.start + 200),
                                     lambda word: _capitalised(word) and names(word)):
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
        return _is_place_use(head) if head.i != tok.i else False
    return False


def _is_whole_place(tok: Token) -> bool:
    """A place named on its own after a preposition ("troops in Lebanon", "arrived in Amman"),
    not a modifier that only says where a smaller place lies ("Syria's Idlib province")."""
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok.dep_ == "pobj"


_CLAUSE_PLACE_PREPS = {"in", "across", "throughout", "inside", "within"}
# Prepositions of a site whose own place says where the group is ("rioted at a jail in Dili").
_CLAUSE_SITE_PREPS = {"at", "near", "outside", "into", "on"}


def _clause_place(tok: Token, ctx: _Context) -> str | None:
    """The country of a place in a group's own clause, when the group is its verb's subject or
    object: "Protesters gathered in Cairo" (EGY), "villagers across Nigeria fled" (NGA)."""
    while tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ in ("NOUN", "NUM", "PRON"):
        tok = tok.head.head  # "hundreds of thousands of people blocked ..."
    if tok.dep_ not in ("nsubj", "nsubjpass", "dobj"):
        return None
    verb = tok.head
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.i != tok.i]
    for prep in [*verb.children, *(p for o in objects for p in o.children)]:
        if prep.dep_ != "prep" or prep.lower_ not in _CLAUSE_PLACE_PREPS | _CLAUSE_SITE_PREPS:
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            iso3 = _pobj_country(obj, ctx) if prep.lower_ in _CLAUSE_PLACE_PREPS else None
            if iso3 is None:
                # "rioted at a jail in Dili": the place of the site
                inner = [g for p in obj.children if p.dep_ == "prep" and p.lower_ in _CLAUSE_PLACE_PREPS
                         for g in p.children if g.dep_ == "pobj"]
                iso3 = next((c for c in map(lambda g: _pobj_country(g, ctx), inner) if c), None)
            if iso3:
                return iso3
    return None


def _pobj_country(obj: Token, ctx: _Context) -> str | None:
    """The country a prepositional object names as a place: a country, a capital, a region or a
    town ("in Cairo"); a place with words before it is also tried alone ("in Christian east Beirut")."""
    kb = ctx.kb
    doc = obj.doc
    start = obj.left_edge.i
    while start < obj.i and doc[start].lower_ == "the":
        start += 1
    for text in dict.fromkeys((_slice(doc, start, obj.i), obj.text)):
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


def _place_spans(sentence: Sentence) -> Iterator[tuple[int, int, bool]]:
    """(first, last, weak) token spans that name a place: GPE/LOC entities, and capitalised names
    after a place-type word ("the town of Cizre") or, weak evidence, a place preposition ("in Jericho")."""
    doc = sentence.paragraph.doc
    span = sentence.span
    seen: set[int] = set()
    for ent in sentence.ents:
        if ent.label_ in _PLACE_LABELS:
            seen.update(range(ent.start, ent.end))
            before = doc[ent.start - 1] if ent.start > span.start else None
            if before is not None and before.pos_ == "PROPN" and before.text[:1].isupper() \
                    and before.ent_type_ not in _PLACE_LABELS + ("NORP",):
                continue  # a name the NER split ("Kenzo | Oshima"): no place
            yield ent.start, ent.end - 1, False
    for tok in sentence.tokens:
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
    province", "the Syrian town", "in Aleppo": towns of 100,000 people or more), else the one named most (names, demonyms, capitals, seats);
    ties: more mentions overall, then the first named. Groups such as "regime forces" or
    "anti-government armed groups" belong to the country where the story happens, which foreign
    actors ("Russia", "Turkey") may out-mention."""
    counts: Counter[str] = Counter()
    places: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    gaz, probe = load_gazetteer(), _Context(kb=kb, day=None, home=None)
    for sentence in parsed.sentences:
        for ent in sentence.ents:
            if ent.label_ not in ("GPE", "NORP", "LOC", "FAC", "ORG"):
                continue
            hit = kb.country_of(ent.text)
            if hit and hit[1] == "capital":
                hit = (_capital_country(hit[0], ent.text, kb, outright), "capital")
            if hit and hit[1] != "ethnic":
                counts[hit[0]] += 1
                first_seen.setdefault(hit[0], len(first_seen))
                if hit[1] in ("name", "demonym", "capital") and _is_place_use(ent.root):
                    places[hit[0]] += 1
            elif hit is None and ent.label_ in _PLACE_LABELS + ("NORP",) and ent.text[:1].isupper() \
                    and _is_place_use(ent.root) \
                    and (iso3 := _gazetteer_country(gaz, ent.text, probe, _STRICT_POPULATION)):
                # "fighting in Aleppo": the story happens in Syria (a town after "in" is a place even
                # where the NER took it for a nationality)
                places[iso3] += 1
                first_seen.setdefault(iso3, len(first_seen))
    if not counts:
        # No country named at all ("Teachers rallied in Indianapolis ... Indiana House Speaker"): the
        # country of the large places named (towns and areas of 100,000 people or more).
        for sentence in parsed.sentences:
            for ent in sentence.ents:
                if ent.label_ in _PLACE_LABELS and ent.text[:1].isupper() \
                        and (iso3 := _gazetteer_country(gaz, ent.text, probe, _STRICT_POPULATION)):
                    counts[iso3] += 1
                    first_seen.setdefault(iso3, len(first_seen))
        if not counts:
            return None
    pool = places or counts
    return max(pool, key=lambda c: (pool[c], counts[c], -first_seen[c]))


def one_site_country(phrases: list[Token], tok: Token, ctx: _Context, taken: set[int]) -> tuple[str, int] | None:
    """The one country that the place phrases of `tok` name, and where its mention ends (over its own
    place phrases when no other actor holds them: "a roadside bombing near the town of Samarra"); None
    when they name no country or several, for no country is guessed."""
    named = [(p, phrase_countries(p, ctx)) for p in phrases]
    countries = set().union(*(c for _, c in named)) if named else set()
    if len(countries) != 1:
        return None
    last = tok.i
    own = [p for p, c in named if c and p.head.i == tok.i]
    if own and not any(t.i in taken for p in own for t in p.subtree):
        last = max(t.i for p in own for t in p.subtree)
    return countries.pop(), last


def phrase_countries(prep: Token, ctx: _Context) -> set[str]:
    """Countries the place phrase names: names, demonyms and capitals ("the Iraqi city of Basra"),
    places of the NER, names after a settlement word ("the town of Samarra")."""
    kb = ctx.kb
    doc = prep.doc
    tokens = list(prep.subtree)
    ids = {t.i for t in tokens}
    out: set[str] = set()
    in_ents: set[int] = set()  # tokens of the entities read here
    for ent in doc.ents:
        if ent.start in ids and ent.label_ in _PLACE_LABELS + ("FAC", "NORP"):
            hit = kb.country_of(ent.text)
            if hit and hit[1] in ("name", "demonym", "capital"):
                out.add(hit[0])
            elif hit is None and ent.label_ in _PLACE_LABELS + ("FAC",) and (iso3 := _place_country(ent.text, ctx)):
                out.add(iso3)
            else:
                continue
            in_ents.update(range(ent.start, ent.end))
    for t in tokens:
        if t.pos_ != "PROPN" or t.dep_ != "pobj" or t.i in in_ents or kb.country_of(t.text):
            continue
        if t.head.lower_ == "of" and t.head.head.lemma_.lower() in _settlement_words():
            iso3 = _place_country(t.text, ctx)  # "the town of Samarra" where the NER saw no place
        else:
            iso3 = _place_country(t.text, ctx, strict=True)  # "from Mosul to Aleppo": large towns only
        if iso3:
            out.add(iso3)
    return out
