"""Finders of groups and roles: agent nouns (groups.tsv, roles.tsv, the Phoenix agents) with the
country that modifiers, possessives, "of/in COUNTRY" or the group's own clause give them;
demonyms and ethnic groups acting as states or peoples.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.token_columns import columns
from eventwire.ground.actor_common import _Context, _Found, _code, _slice, _stance
from eventwire.ground.actor_geography import (
    _LOCATIVE, _PLACE_LABELS, _PLACE_NOUNS, _capital_country, _clause_place, _feature_words, _place_country,
    _settlement_words,
)
from eventwire.ground.actor_kb import ActorKB, Sector
from eventwire.ground.actor_populations import settlement_noun_first
from eventwire.ground.actor_titles import _own_country
from eventwire.read import Sentence, doc_text, token_offsets

# Prepositions (and participles before them) whose country says whose a group is: "rebels in the
# Ivory Coast", "students throughout Indonesia", "a terror group based in Trinidad".
_GROUP_PLACE_PREPS = ("of", "in", "throughout", "across", "inside", "within")


_GROUP_PLACE_VERBS = {"based", "operating", "living", "stationed", "deployed", "active"}
# Participles of leaving: the country left is the group's ("refugees fleeing the war in Liberia").
_GROUP_FLIGHT_VERBS = {"flee", "escape", "leave"}


# Nouns that count people: "thousands of Nigerians", "a group of Liberians".
_QUANTITY_NOUNS = {"thousands", "hundreds", "dozens", "millions", "scores", "group", "number", "crowd",
                   "crowds", "members", "majority", "most", "many", "some", "tens", "families"}


_ACTING_DEPS = {"nsubj", "nsubjpass", "dobj", "agent", "conj", "appos", "ROOT", "pobj", "iobj", "dative"}


def _group_phrase(tok: Token, kb: ActorKB) -> tuple[str, int, str] | None:
    """(phrase, first token, table) when a group or role phrase ends at tok."""
    for table, name in (("groups", "group"), ("roles", "role")):
        match = _ending_at(tok, kb, table)
        if match:
            return match[0], match[1], name
    return None


def _ending_at(tok: Token, kb: ActorKB, table: str) -> tuple[str, int] | None:
    """_phrase_ending_at over the KB's "groups" or "roles", asked once per token and table for an
    article: the finders ask again and again of the same tokens (the article's KB view has a memo)."""
    doc, i = tok.doc, tok.i
    memo = getattr(kb, "memo", None)
    if memo is not None:
        ends = memo.get(("ends", id(doc), table))
        if ends is None:
            ends = memo[("ends", id(doc), table)] = _may_end_phrase(doc, kb, table)
        if not ends[i]:
            return None  # most tokens end no phrase: no need to build the phrases that end there
    lasts = kb.last_words(table)
    respelt = getattr(kb, "spellings", {}).get(columns(doc).text[i])  # "Commision": the article's misspelling
    respelt = respelt.lower() if respelt and respelt.lower() in lasts else None
    if columns(doc).lower[i] not in lasts and columns(doc).lemma[i] not in lasts and respelt is None:
        return None
    key = (id(doc), i, table)
    if memo is not None and key in memo:
        return memo[key]
    found = _phrase_ending_at(tok, getattr(kb, table), last=respelt)
    if memo is not None:
        memo[key] = found
    return found


def _may_end_phrase(doc: Doc, kb: ActorKB, table: str) -> list[bool]:
    """For each token of the Doc, whether a phrase of the "groups" or "roles" table may end there:
    its text, lemma or the word the article's misspelling stands for is a last word of one."""
    lasts = kb.last_words(table)
    spellings = getattr(kb, "spellings", {})
    respelt = {word for word, right in spellings.items() if right and right.lower() in lasts}
    return [lower in lasts or lemma in lasts or text in respelt for lower, lemma, text
            in zip(columns(doc).lower, columns(doc).lemma, columns(doc).text)]


def _modifies_group_or_role(tok: Token, kb: ActorKB) -> bool:
    """A country that only says whose a group or role is: "Poland's parliament", "president of
    Armenia", "rebels in the Ivory Coast" (the group or role is the actor)."""
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    head = tok.head
    if tok.dep_ in ("poss", "compound", "amod", "nmod") and head.pos_ in ("NOUN", "PROPN"):
        return _group_phrase(head, kb) is not None
    if tok.dep_ == "pobj" and head.lower_ in _GROUP_PLACE_PREPS and head.head.pos_ in ("NOUN", "PROPN"):
        found = _group_phrase(head.head, kb)
        if found is not None and head.lower_ != "of" and _serves_abroad(head.head, kb):
            return False  # "its forces in Lebanon": the place is an actor of its own
        return found is not None and (found[2] == "group" or head.lower_ == "of")
    return False


def _serves_abroad(tok: Token, kb: ActorKB) -> bool:
    """A group whose place is not its country: a body that serves in other states (groups.tsv
    country_from = abroad: "the peacekeeping force in Lebanon"), or armed forces a pronoun owns ("its
    forces in Lebanon": the owner is named elsewhere)."""
    match = _ending_at(tok, kb, "groups")
    if match is None:
        return False
    sector = kb.groups[match[0]]
    return sector.country_from == "abroad" or (
        sector.cameo[:3] == "MIL" and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in tok.children))


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
    if any(c.dep_ == "compound" and c.is_sent_start and not c.ent_type_ and c.i == tok.i - 1 for c in tok.children):
        return True  # "Young Algerians ...": a describing word capitalised only to start the sentence
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
            after = _country_after(tok, kb, "group", ctx)
            if after is not None and after[0] != iso3 and any(p.dep_ == "prep" and p.lower_ in ("of", "in")
                                                             for p in tok.children):
                # "the Albanians of southern Serbia": a people coded by the country it lives in
                return _people(sentence, first, last, after[0], "pattern:people + country of residence")
            return _people(sentence, first, last, iso3, "dictionary:demonyms (people)")
        # "The Palestinians reject ...": a bare plural demonym speaks for its state or leadership
        return _Found(key=f"state:{iso3}", name=_slice(doc, first, last), kind="group", sentence=sentence,
                      start=doc[first].idx, end=tok.idx + len(tok.text), country=iso3, code=iso3,
                      resolved_by="dictionary:demonyms (state)")
    modifier = tok
    while modifier.dep_ == "conj" and modifier.head.i != modifier.i:
        modifier = modifier.head  # "The Turkish and Greek sides"
    noun = modifier.head
    if (modifier.i == tok.i and tok.dep_ in ("amod", "compound", "nmod") and noun.i == last + 1
            and noun.tag_ in ("NNS", "NNPS") and noun.text[:1].isupper()
            and (kb.country_of(noun.text) or ("", "ethnic"))[1] == "ethnic" and _group_phrase(noun, kb) is None):
        # "Iraqi Kurds", "Turkish Kurds": a people (a capitalised plural) named by the country it lives in
        return _people(sentence, first, noun.i, iso3, "pattern:demonym + people")
    if modifier.dep_ not in ("amod", "compound", "nmod") or noun.pos_ != "NOUN" or noun.i <= tok.i:
        return None
    if modifier.i == tok.i and noun.tag_ == "NNS" and (
            (noun.i == last + 1 and noun.lemma_.lower() in _settlement_words())
            or settlement_noun_first(noun) == last + 1):
        # "Iraqi towns", "Kurdish cities", "Palestinian homes": where people of a country live, their
        # people (as a town is)
        return _people(sentence, first, noun.i, iso3, "pattern:demonym + towns")
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
            if _stance(tok.doc, tok.i):
                continue  # "anti-Syria journalists": a stance, not their country
            hit = kb.country_of(tok.text)
            if hit and tok.i < first:
                found.append((hit[0], tok))
            elif tok.i < first and tok.pos_ == "PROPN" and tok.text in kb.regions:
                found.append((kb.regions[tok.text], tok))  # "Darfur rebels": a region's country
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
        if hit and hit[1] in ("demonym", "name", "seat", "ethnic") and not _stance(doc, start):
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
    if kind == "group":
        # "refugees fleeing (the war in) Liberia": the first country named in what they flee
        for verb in tok.rights:
            if verb.dep_ == "acl" and verb.lemma_.lower() in _GROUP_FLIGHT_VERBS:
                for word in verb.subtree:
                    hit = kb.country_of(word.text) if word.i > verb.i and word.pos_ == "PROPN" else None
                    if hit and hit[1] == "name":
                        return hit[0], tok  # the mention stays the group's; the country is a place of its own
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
            if ctx is not None and hit is None and start < obj.i and obj.text[:1].isupper() \
                    and (alone := kb.country_of(obj.text)) and alone[1] in ("name", "capital"):
                # "a newspaper based in Christian east Beirut": the place word alone
                return (_capital_country(alone[0], obj.text, kb, ctx.outright) if alone[1] == "capital"
                        else alone[0]), obj
    return None


# Words by which a group takes the side of an actor of its own country: "forces loyal to President
# X", "rebels opposed to the Syrian government" (both sides of a civil conflict are that country's).
_ALLEGIANCE_WORDS = {"loyal", "opposed", "faithful"}


def _allegiance_country(tok: Token, ctx: _Context) -> str | None:
    """The country of the actor a group is loyal or opposed to: a country or demonym in the object
    ("opposed to the Syrian government"), else a person the people table knows ("loyal to President
    Bashar al-Assad")."""
    kb = ctx.kb
    for word in tok.children:
        if word.dep_ not in ("amod", "acl") or word.lower_ not in _ALLEGIANCE_WORDS:
            continue
        for obj in (o for p in word.children if p.dep_ == "prep" and p.lower_ == "to"
                    for o in p.children if o.dep_ == "pobj"):
            names = [t for t in obj.subtree if t.ent_type_ == "PERSON"]
            for t in obj.subtree:
                hit = kb.country_of(t.text) if t.ent_type_ != "PERSON" else None
                if hit and hit[1] in ("name", "demonym", "seat"):
                    return hit[0]
            if names:
                return _own_country(kb, _slice(tok.doc, names[0].i, names[-1].i))
    return None


def _residence(mod: Token, kb: ActorKB) -> str | None:
    """The country of a demonym modifying an ethnic group's name or another demonym ("Turkish Kurd
    refugees" -> TUR, "Croatian Serb refugees" -> HRV: a people named by the country it lives in)."""
    if (kb.country_of(mod.text) or ("", ""))[1] not in ("ethnic", "demonym"):
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


def _phrase_ending_at(tok: Token, table: dict, max_words: int = 6, last: str | None = None) -> tuple[str, int] | None:
    """The longest phrase of `table` ending at tok (its text or lemma last; `last`: the word a
    misspelt tok stands for), with its first token."""
    doc = tok.doc
    text = doc_text(doc)
    starts, ends = token_offsets(doc)
    end = ends[tok.i]
    lasts = [columns(doc).lemma[tok.i]] + ([last] if last else [])
    for first in range(max(tok.i - max_words + 1, 0), tok.i + 1):
        words = text[starts[first]:end].lower().split()
        phrase = " ".join(words)
        for candidate in (phrase, *(" ".join(words[:-1] + [w]) for w in lasts)):
            if candidate in table:
                return candidate, first
    return None


# A noun the role table codes as government that, of an ethnic group, names its elites (ELI): "Pashtun
# leaders". (Elders and notables are elites in the table already.)
_LEADING_NOUNS = {"leader"}
# Sectors of nouns that only say "persons" (candidates, people): a qualifying group gives the sector.
_PERSON_SECTORS = {"ELI", "CVL"}
# Sectors of a state's own organs: a bare "the regime", "the army", "the police" is the home state's.
_STATE_ORGANS = frozenset({"GOV", "MIL", "COP"})
# PLOVER sectors of groups that belong to one country's politics (parties, opposition, clergy and
# believers of a religion, "Islamic fundamentalists"; labour, "workers", "trade unionists").
_DOMESTIC_SECTORS = {"PTY", "OPP", "REL", "LAB"}


@functools.lru_cache(maxsize=1)
def bloc_modifiers() -> dict[str, tuple[str, frozenset[str]]]:
    """modifier -> (bloc, CAMEO sectors it applies to), from data/actors/bloc_modifiers.tsv."""
    rows = read_tsv(builtin_text("actors", "bloc_modifiers.tsv"), "data/actors/bloc_modifiers.tsv")
    return {r["modifier"].lower(): (r["bloc"], frozenset(r["sectors"].split("|"))) for r in rows}


def _bloc_of(tok: Token, first: int, sector: Sector, blocs: dict[str, tuple[str, frozenset[str]]]) -> str | None:
    """The bloc a modifier of the group makes it ("a regional peacekeeping force": IGO), if any."""
    for child in tok.children:
        hit = blocs.get(child.lower_) if child.dep_ in ("amod", "compound") and child.i < first else None
        if hit and sector.cameo[:3] in hit[1]:
            return hit[0]
    return None


def _groups_and_roles(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    kb = ctx.kb
    doc = sentence.paragraph.doc
    blocs = bloc_modifiers()  # loaded with the finder (warm-up), not on the first group without a country
    tokens, pos = sentence.paragraph.tokens, columns(doc).pos
    for i in range(sentence.span.start, sentence.span.end):
        if i in taken or pos[i] not in ("NOUN", "PROPN"):
            continue
        tok = tokens[i]
        if tok.dep_ in ("compound", "amod", "nmod") and tok.head.i > tok.i and tok.head.i not in taken \
                and _ending_at(tok, kb, "groups") is not None and _group_phrase(tok.head, kb) is not None:
            continue  # "opposition lawmakers": one actor, at the head noun, qualified by this one
        for table_name, kind in (("groups", "group"), ("roles", "role")):
            match = _ending_at(tok, kb, table_name)
            if match is None:
                continue
            phrase, first = match
            sector = getattr(kb, table_name)[phrase]
            qualifier = next((q for q in tok.children if q.dep_ in ("compound", "amod", "nmod") and q.i < first
                              and q.i not in taken and _ending_at(q, kb, "groups") is not None), None)
            if qualifier is not None:
                # "opposition lawmakers" (LEG + OPP), "civilian refugees" (REF + CVL): one actor whose head
                # noun's sector leads, unless the head only says "persons" ("opposition candidates": OPP)
                q_phrase, q_first = _ending_at(qualifier, kb, "groups")
                q_sector = kb.groups[q_phrase]
                if q_sector.cameo[:3] != sector.cameo[:3]:
                    lead, follow = (q_sector, sector) if sector.cameo[:3] in _PERSON_SECTORS else (sector, q_sector)
                    codes = dict.fromkeys(c[i:i + 3] for c in (lead.cameo, follow.cameo) for i in range(0, len(c), 3))
                    sector = Sector("".join(codes), lead.plover, sector.country_from or q_sector.country_from,
                                    sector.needs_owner and q_sector.needs_owner)
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
                mods = sorted(mod.i for _, mod in countries)
                if len(countries) > 1 and mods == list(range(mods[0], mods[0] + len(mods))):
                    # "Croatian Serb refugees", "Bosnian Serb forces": stacked demonyms with no "and" name
                    # one people by the country it lives in (the first), as "Bosnian Serbs" does
                    countries = [min(countries, key=lambda cm: cm[1].i)]
                if len(countries) == 1:
                    spans[countries[0][1].i] = (countries[0][1].i, tok.i)  # the mention runs over both
            if countries and sector.cameo[:3] == "GOV" and tok.lemma_.lower() in _LEADING_NOUNS and all(
                    (kb.country_of(mod.text) or ("", ""))[1] == "ethnic" for _, mod in countries):
                # "Yoruba leaders", "Pashtun elders": who lead a people, not its state, are its elites
                sector = Sector("ELI", "ELI", sector.country_from, sector.needs_owner)
            countries = [(_residence(mod, kb) or c, mod) for c, mod in countries]
            if len(countries) == 1 and countries[0][1].i > sentence.span.start \
                    and doc[countries[0][1].i - 1].lower_ == "ethnic" and (after := _country_after(tok, kb, "group", ctx)):
                countries = [(after[0], countries[0][1])]  # "ethnic Albanian guerrillas operating in Macedonia"
                how = "pattern:ethnic group + country of residence"
            if len(countries) == 1:
                countries += _coordinated_before(doc, countries[0][1], first, sentence.span.start, kb, spans)
            # where a state's forces are ("its forces in Lebanon") is not whose they are: no country
            # from the place they are in
            abroad = kind == "group" and _serves_abroad(tok, kb)
            if not countries and not abroad:
                after = _country_after(tok, kb, kind, ctx)
                if after is not None:
                    countries = [(after[0], after[1])]
                    spans[after[1].i] = (first, after[1].i)
                    how = f"pattern:{kind}+of/in country"
            if not countries and kind == "group" and (sides := _allegiance_country(tok, ctx)) is not None:
                countries = [(sides, None)]
                how = "pattern:group loyal or opposed to a country's actor"
            # "Regime airstrikes killed ...", "army shelling hit ...": a group noun qualifying the noun that
            # acts (what it does or uses) acts through it
            acting = tok.dep_ in ("nsubj", "nsubjpass", "dobj", "agent") or (
                tok.dep_ in ("compound", "nmod") and tok.head.pos_ == "NOUN" and tok.head.i == tok.i + 1
                and tok.head.dep_ in ("nsubj", "nsubjpass", "agent"))
            if not countries and kind == "group" and not abroad and (place := _clause_place(tok, ctx)) is not None:
                # "Protesters gathered in Cairo": a place of the group's own clause, never merely the
                # country named nearest in the sentence (a monitor's base, a foreign government).
                countries = [(place, None)]
                how = "pattern:group + place of its clause"
            if not countries and kind == "group" and getattr(sector, "country_from", "") == "article" and ctx.home \
                    and (acting or tok.dep_ in ("pobj", "conj", "appos", "ROOT")) \
                    and (sector.cameo[:3] in _STATE_ORGANS
                         or all(iso3 == ctx.home for _, iso3 in ctx.nearby.get(sentence.index, ()))):
                # The article's own country, unless the sentence names another: then which one the
                # group belongs to is not said ("... according to a monitoring group in Britain").
                # An organ of the state with no owner named ("the regime", "government forces") is the
                # article's country's even then: a foreign one would be named as such.
                countries = [(ctx.home, None)]
                how = "context:article country"
            if not countries and kind == "group" and sector.plover in _DOMESTIC_SECTORS \
                    and len(named := {iso3 for _, iso3 in ctx.nearby.get(sentence.index, ())}) == 1:
                # "the fundamentalist Umma party ... boycott Algeria's elections": a party or opposition
                # group takes the country of its sentence when the sentence names only one
                countries = [(named.pop(), None)]
                how = "context:the sentence's one country"
            bloc = _bloc_of(tok, first, sector, blocs) if kind == "group" and not countries else None
            if kind == "role" and not countries:
                break  # an unnamed role without a country says too little ("the leaders")
            if kind == "group" and not countries and not bloc and (not acting or sector.needs_owner):
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
                code = bloc + sector.cameo if bloc and iso3 is None else _code(iso3, sector.cameo)
                found = _Found(key=f"{kind}:{code}:{phrase}", name=name, kind="person" if kind == "role" else "group",
                               sentence=sentence, start=start, end=end, country=iso3,
                               cameo_sector=sector.cameo, plover_sector=sector.plover, code=code,
                               role=phrase if kind == "role" else None,
                               resolved_by=how if iso3 else f"dictionary:{kind}s" + (f" + bloc {bloc}" if bloc else ""),
                               plural=tok.tag_ in ("NNS", "NNPS"))
                yield found
                if len(countries) > 1 and end <= doc[first].idx:
                    # "U.S. and Russian negotiators": the shared head noun also names each conjunct's actor
                    yield _Found(**{**found.__dict__, "start": doc[first].idx, "end": tok.idx + len(tok.text)})
                if mod is not None:
                    taken.add(mod.i)
            taken.update(range(first, tok.i + 1))
            break
