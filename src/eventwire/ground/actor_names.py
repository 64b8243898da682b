"""Finders of named actors: persons (titles, people.tsv, the Phoenix dictionary on the article's date),
organisations of the dictionaries (organisations.tsv, Phoenix), countries, capitals and seats;
discard phrases name no actor. Organisations no dictionary lists: actor_organisations.
"""
from __future__ import annotations

import dataclasses

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from eventwire.ground.actor_common import _Context, _Found, _code, _ngrams, _slice
from eventwire.token_columns import columns
from eventwire.ground.actor_dictionary import DictionaryActor, load_actor_dictionary, match_words, match_words_between
from eventwire.ground.actor_geography import (
    _capital_country, _is_place_use, _is_whole_place, _names_currency, _place_country, _settlement_words,
)
from eventwire.ground.actor_groups import (
    _ACTING_DEPS, _demonym, _ethnic_group, _modifies_group_or_role, _ending_at,
)
from eventwire.ground.actor_kb import ActorKB, Sector, TRANSNATIONAL, agent_sector
from eventwire.ground.actor_organisations import STATE_ORGANS, organisation_in_title
from eventwire.ground.actor_titles import (
    _analyse_title, _left_title, _merge_titles, _office, _own_country, _right_title, _strip_name,
)
from eventwire.read import Sentence

# Prepositions whose object, a capital, acts ("an admission by Moscow", "talks with Ankara").
_ACTING_PREPS = {"by", "with", "against", "to", "toward", "towards"}


# Branches of government that Phoenix writes after GOV ("USAGOVLEG"): the branch is the sector.
_GOVERNMENT_BRANCHES = {"LEG", "JUD", "MIL", "COP", "SPY"}


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
    head = code[:3]  # the converter wrote ISO-3 countries (tools/import_phoenix_actors.py)
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
    countries = {c for e in entries for c in e.countries}
    if len(countries) == 1 and (country := countries.pop()) in ctx.kb.countries:
        return _DictCode(country, None, country)
    return None


# Sectors of roles that only say "leads" or "speaks for" (president, leader, spokesman, chief): the
# organisation a title names gives the sector instead.
_LEADING_SECTORS = {"GOV", "ELI"}
def _inside_organisation_name(ent: Span, sentence: Sentence, kb: ActorKB) -> bool:
    """The entity lies inside a longer name of organisations.tsv (up to three words more either side)."""
    doc = ent.doc
    for first in range(max(sentence.span.start, ent.start - 3), ent.start + 1):
        for last in range(ent.end - 1, min(sentence.span.end, ent.end + 3)):
            if (first, last) != (ent.start, ent.end - 1) and kb.organisation(_slice(doc, first, last)) is not None:
                return True
    return False


def _titled_name(ent: Span, sentence: Sentence, kb: ActorKB) -> bool:
    """An ORG entity that is a person's name with a role title right before it ("Vice-President Moody
    Example" where the NER saw an organisation): two or more capitalised proper nouns, no word of an
    organisation's kind, no known organisation or country."""
    if ent.label_ != "ORG" or len(ent) < 2 or not all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in ent):
        return False
    if any(t.lower_ in kb.organisation_words for t in ent) or kb.organisation(ent.text) or kb.country_of(ent.text) \
            or any(kb.country_of(t.text) for t in ent):
        return False
    left = _left_title(ent, sentence)
    if not left or ent.doc[ent.start - 1].text == ",":
        return False
    return _analyse_title(left, kb).role is not None


def _persons(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    kb = ctx.kb
    for ent in sentence.ents:
        if taken & set(range(ent.start, ent.end)) or not (ent.label_ == "PERSON" or _titled_name(ent, sentence, kb)):
            continue
        if len(ent) > 1 and ent[-1].text[:1].isupper() and ent[-1].lower_ in kb.organisation_words:
            continue  # "the Fateh al-Sham Front": an organisation's name (actor_organisations)
        if _inside_organisation_name(ent, sentence, kb):
            continue  # "Reporters Without Borders" where the NER saw a person in "Without Borders"
        if ent.start >= sentence.span.start + 2 and ent.doc[ent.start - 1].lower_ == "of" \
                and ent.doc[ent.start - 2].lemma_.lower() in _settlement_words():
            continue  # "the town of Cizre" where the NER saw a person: a place (actor_geography)
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
        how = f"title:{title.text}" if title.useful else "entity"
        if country is None and title.org is None:
            # "Indiana House Speaker Brian Bosma": a state or province in the title gives its country
            for tok in left + inside + right:
                if tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.lower_ not in kb.roles \
                        and tok.ent_type_ not in ("PERSON", "NORP") \
                        and (iso3 := _place_country(tok.text, ctx, strict=True)) is not None:
                    country = iso3
                    how = f"title:{title.text} + place in the title"
                    break
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
            if len(words) > 1 or title.useful:
                # a surname alone only after a title ("President Kagame"): "Persson", "Ms Persson" may be anyone
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
        if role and cameo in _LEADING_SECTORS and title.org is None \
                and (led := organisation_in_title(left + inside, kb)) is not None:
            # "Teachers Association President Keith Gambill": a leader speaks for the organisation,
            # whose sector the title's organisation name gives (teachers: EDU)
            cameo, plover = led.cameo, led.plover
            how += " + organisation in the title"
        if title.org is not None and title.org.country is None:
            # an officer of an international organisation: IGOUNO + GOV
            code = _org_code(title.org.code, cameo) if role else title.org.code
        elif title.org is not None and not role:
            code = title.org.code
        elif title.org is not None and cameo in _LEADING_SECTORS and country == title.org.country \
                and (org_code := title.org.on(ctx.day)[0])[3:6] not in STATE_ORGANS | {""}:
            # "the Taliban's deputy leader": a leader of a national organisation with a sector of its
            # own (rebels, a party, a union) has the organisation's code, not a government's
            code, plover = org_code, title.org.on(ctx.day)[1]
            cameo = org_code[3:]
        elif dict_code is not None and dict_code.country is None and country is None:
            code = dict_code.code  # "IGOUNO": a transnational officer
        else:
            code = _code(country, cameo)
        taken.update(range(ent.start, ent.end))
        # the title's words name no other actor, except an organisation named after the person
        # ("Jane Roe, head of Human Rights Watch": the NGO is an actor of its own)
        taken.update(t.i for t in left + inside + right if (title.useful or title.country)
                     and not (t.i >= ent.end and t.i in title.org_tokens))
        found = _Found(
            key="person", name=name, kind="person", sentence=sentence,
            start=name_span.start_char, end=name_span.start_char + len(name),
            country=country, cameo_sector=cameo, plover_sector=plover, code=code,
            role=role, resolved_by=how, wikidata=wikidata,
        )
        yield found
        lead = [t for t in left if not (t.is_punct or t.pos_ == "DET")] if title.useful or title.country else []
        if lead and ent.doc[ent.start - 1].text != ",":
            # a title written right before the name ("the Kenyan envoy Jane Roe") is a mention of the
            # same person; one set off by a comma is an appositive, left to those who read it as one
            # (quotes: "Kremlin spokesperson, Dmitry Peskov, told reporters")
            yield dataclasses.replace(found, start=lead[0].idx, end=lead[-1].idx + len(lead[-1].text))


def _org_code(org_code: str, sector: str | None) -> str:
    """An international organisation's code with a sector added, unless the code already ends with it
    (the UN Security Council is IGOUNOGOV: its president is IGOUNOGOV, not IGOUNOGOVGOV)."""
    return org_code if not sector or org_code.endswith(sector) else org_code + sector


# Sectors of armed organisations (CAMEO agent codes): rebels, insurgents, militias, military, separatists.
_ARMED_SECTORS = frozenset({"REB", "INS", "MIL", "UAF", "SEP"})


def _group_after(doc: Doc, last: int, end: int, kb: ActorKB) -> tuple[int, Sector] | None:
    """A group noun right after an organisation's name: "UN peacekeepers", "NATO peacekeeping troops"."""
    for j in range(last + 1, min(end, last + 4)):
        tok = doc[j]
        if tok.pos_ not in ("NOUN", "ADJ", "VERB") or (tok.pos_ == "VERB" and tok.dep_ not in ("amod", "compound")):
            return None  # "SOHR saying Syrian helicopters": a verb between, two actors
        match = _ending_at(tok, kb, "groups")
        if match and match[1] >= last + 1 and all(doc[k].pos_ in ("NOUN", "ADJ", "VERB") for k in range(last + 1, match[1])):
            return j, kb.groups[match[0]]
    return None


def _office_after(doc: Doc, last: int, end: int, kb: ActorKB) -> tuple[int, str, Sector] | None:
    """An office named right after an organisation's name, with no person after it: "United Nations
    High Commissioner for Human Rights", "UN Secretary-General": (last token, role, sector). The
    office's own "for/of" complement of capitalised words belongs to it."""
    for j in range(last + 1, min(end, last + 4)):
        tok = doc[j]
        if tok.pos_ not in ("NOUN", "PROPN", "ADJ") or tok.ent_type_ == "PERSON":
            return None
        match = _ending_at(tok, kb, "roles")
        if match is None or match[1] < last + 1:
            continue
        if tok.tag_ in ("NNS", "NNPS"):
            return None  # "UN peacekeepers": a group (_group_after)
        o_last = j
        k = j + 1
        while k + 1 < end and doc[k].lower_ in ("for", "of") and doc[k + 1].text[:1].isupper():
            k += 1
            while k < end and (doc[k].text[:1].isupper() or (doc[k].lower_ in ("and", "of") and k + 1 < end
                                                             and doc[k + 1].text[:1].isupper())):
                o_last = k
                k += 1
        if o_last + 1 < end and doc[o_last + 1].ent_type_ == "PERSON" or (
                o_last + 2 < end and doc[o_last + 1].text == "," and doc[o_last + 2].ent_type_ == "PERSON"):
            return None  # the title of a named person (_persons)
        return o_last, match[0], kb.roles[match[0]]
    return None


def _named(sentence: Sentence, ctx: _Context, taken: set[int]) -> Iterator[_Found]:
    """Organisations, seats, countries, capitals and demonyms named in the sentence."""
    kb = ctx.kb
    doc = sentence.paragraph.doc
    span = sentence.span
    regions: set[int] = set()
    lower_starts, names = kb.lowercase_org_starts, kb.may_begin_name
    for first, last, text in _ngrams(doc, span.start, span.end,
                                     lambda word: (not word[:1].islower() or word in lower_starts) and names(word),
                                     longer=kb.long_org_starts):
        # Most n-grams name nothing: rule them out with dictionary lookups before touching tokens.
        hit = kb.country_of(text) if text[:1].isupper() else None
        org = kb.organisation(text)
        if hit is None and org is None and not (text in kb.regions and text[:1].isupper()):
            continue
        if taken & set(range(first, last + 1)) or doc[first].lower_ == "the" or regions & set(range(first, last + 1)):
            continue  # "the Kremlin": the mention starts at the name
        if text in kb.regions and text[:1].isupper() and hit is None:
            regions.update(range(first, last + 1))  # "East Jerusalem" is no "Jerusalem": left to _places
            continue
        head = doc[last]
        if org is not None and (office := _office_after(doc, last, span.end, kb)) is not None:
            # "the United Nations High Commissioner for Human Rights said": the holder of an office of
            # the organisation, a person with its code and the office's sector
            o_last, role, sector = office
            taken.update(range(first, o_last + 1))
            code = _org_code(org.code, sector.cameo) if org.country is None else _code(org.country, sector.cameo)
            yield _Found(key="person", name=_slice(doc, first, o_last), kind="person", sentence=sentence,
                         start=doc[first].idx, end=doc[o_last].idx + len(doc[o_last].text), country=org.country,
                         cameo_sector=sector.cameo, plover_sector=sector.plover, code=code, role=role,
                         resolved_by="dictionary:organisations + office")
            continue
        if org is not None:
            group = _group_after(doc, last, span.end, kb)
            if group is not None:
                # "UN peacekeepers": the organisation's code with the group's sector.
                g_last, sector = group
                taken.update(range(first, g_last + 1))
                # "Islamic State fighters": IMGREB already says REB
                code = _org_code(org.code, sector.cameo) if org.country is None else _code(org.country, sector.cameo)
                cameo_sector, plover_sector = sector.cameo, sector.plover
                own_code, own_plover = org.on(ctx.day)
                if sector.cameo == "CVL" and own_code[-3:] in _ARMED_SECTORS:
                    # "Taliban prisoners", "Hamas detainees": an armed group's held members are still its own
                    code, cameo_sector, plover_sector = own_code, own_code[-3:], own_plover or plover_sector
                yield _Found(key=f"orggroup:{code}", name=_slice(doc, first, g_last), kind="group", sentence=sentence,
                             start=doc[first].idx, end=doc[g_last].idx + len(doc[g_last].text), country=org.country,
                             cameo_sector=cameo_sector, plover_sector=plover_sector, code=code,
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


def _sentence_words(sentence: Sentence, kb: ActorKB) -> tuple[list[str], list[Token]]:
    """match_words of a sentence, once per article (the article's KB view has a memo)."""
    memo = getattr(kb, "memo", None)
    key = ("words", sentence.index)
    if memo is not None and key in memo:
        return memo[key]
    words = match_words_between(sentence.paragraph.doc, sentence.paragraph.tokens, sentence.span.start,
                                sentence.span.end)
    if memo is not None:
        memo[key] = words
    return words


def _discarded(sentence: Sentence, kb: ActorKB) -> set[int]:
    """Tokens inside a discard phrase of the Phoenix dictionary (sports events, films, history:
    "the Australian Open", "the Asian Cup"): they name no actor."""
    words, tokens = _sentence_words(sentence, kb)
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
    words, tokens = _sentence_words(sentence, kb)
    trie = load_actor_dictionary().actors
    caps, lower_starts = columns(doc).capitalised, kb.lowercase_org_starts
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.i in taken or not (caps[tok.i] or words[i] in lower_starts):
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
