"""Named organisations that no dictionary lists: known by the kind word of their name
(data/actors/organisation_words.tsv: "Harbour Housing Authority" GOV, "Green Future Party" PTY,
"Coastal Watch Foundation" NGO), by a group noun in the name when the kind word is generic ("Nigerian
Teachers Association" -> teachers: EDU), or by what an appositive says they are ("the Syrian
Coalition, an opposition group"). The country only from the name itself ("Nigerian Union of
Teachers", "Baghdad University", "Indiana State Police") or a possessive before it ("Ivory Coast's
Supreme Court"); no name word and no country: "---" + the sector, or the kind word's transnational
code (NGO ...). One finder, run twice: first for the organisations whose name says their country
(before the country finder, so that "Montenegro Assembly" is no state), then after the dictionaries
for the rest.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from spacy.tokens import Span, Token

from eventwire.ground.actor_common import _Context, _Found, _capitalised, _code, _ngrams, _slice
from eventwire.ground.actor_geography import _capital_country, _place_country
from eventwire.ground.actor_groups import _DOMESTIC_SECTORS, _country_before
from eventwire.ground.actor_kb import ActorKB, Sector
from eventwire.read import Sentence

__all__ = ["STATE_ORGANS", "organisation_in_title", "organisation_kind", "sector_of_noun", "unlisted_organisations"]


def sector_of_noun(word: str, kb: ActorKB) -> Sector | None:
    """The group sector of a noun, singular or plural ("Union" -> unions: LAB, "Teachers" -> EDU)."""
    word = word.lower()
    for form in (word, word + "s", word[:-1] + "ies" if word.endswith("y") else word):
        if form in kb.groups:
            return kb.groups[form]
    return None


def organisation_kind(tokens: Sequence[Token], kb: ActorKB) -> tuple[Sector | None, str, Token | None]:
    """(sector, transnational code, kind word) of an organisation's name words: the last kind word
    that ends the name or comes before "of"/"for" (its head: "Union of Teachers"); a generic kind word
    ("Association"): the last plural group noun of the name gives the sector ("Teachers", not the
    "State" of "Movement for the Sovereign State of X"); none: the name's last word if a group noun."""
    head = None
    for tok in reversed(tokens):
        after = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        if tok.lower_ in kb.organisation_words and (tok.i == tokens[-1].i or (after is not None and after.lower_ in ("of", "for"))):
            head = tok
            break
    sector, bloc = kb.organisation_words[head.lower_] if head is not None else (None, "")
    if sector is None:
        nouns = [t for t in tokens if (head is None or t.i != head.i) and (t.tag_ in ("NNS", "NNPS") or t.lower_.endswith("s"))] \
            if head is not None \
            else [tokens[-1]]
        sector = next((s for t in reversed(nouns) if (s := sector_of_noun(t.text, kb)) is not None), None)
    return sector, bloc, head


# Sectors of the state's own bodies: whoever presides over a parliament or a court is an official
# (GOV in CAMEO practice), so such a body in a title leaves the role's sector alone.
STATE_ORGANS = {"GOV", "LEG", "JUD", "MIL", "COP", "SPY"}


def organisation_in_title(tokens: list[Token], kb: ActorKB) -> Sector | None:
    """The sector of an organisation that no dictionary lists, named in a person's title before the
    role: the capitalised words up to the last kind word ("Indiana State Teachers Association")."""
    words = [t for t in tokens if t.text[:1].isupper()]
    last = max((i for i, t in enumerate(words) if t.lower_ in kb.organisation_words), default=None)
    if last is None or last == 0:
        return None  # a kind word alone ("Party chief") says no organisation
    sector, _, _ = organisation_kind(words[: last + 1], kb)
    return None if sector is None or sector.cameo[:3] in STATE_ORGANS else sector


def _described_sector(root: Token, start: int, kb: ActorKB) -> tuple[Sector, range] | None:
    """What the words around an organisation's name say it is: a group word before the name ("the
    militant Fateh al-Sham Front": militants, REB) or an appositive ("the Syrian Coalition, an
    opposition group": OPP; the appositive's modifiers first, its noun is often generic: "group"), with
    the tokens that said it (they name no other actor)."""
    before = [m for m in root.lefts if m.i < start and m.dep_ in ("amod", "compound") and m.pos_ in ("ADJ", "NOUN")]
    for tok in reversed(before):
        sector = sector_of_noun(tok.text, kb)
        if sector is not None:
            return sector, range(tok.i, tok.i + 1)
    for appos in (c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"):
        for tok in [*(m for m in appos.lefts if m.dep_ in ("compound", "amod")), appos]:
            sector = sector_of_noun(tok.text, kb)
            if sector is not None:
                return sector, range(appos.left_edge.i, appos.i + 1)  # "an opposition group" is the organisation
    return None


def _name_country(doc, start: int, end: int, ctx: _Context, with_capitals: bool) -> str | None:
    """A country named inside the name: a name or demonym ("Nigerian Union of Teachers"), with
    `with_capitals` also a capital ("Baghdad University") or a state or province leading it
    ("Indiana State Police": a large place only)."""
    kb = ctx.kb
    names = kb.may_begin_name
    keep = (lambda word: _capitalised(word) and names(word)) if with_capitals else names
    for _, _, text in _ngrams(doc, start, end, keep):
        hit = kb.country_of(text)
        if hit and hit[1] in ("name", "demonym"):
            return hit[0]
        if with_capitals and hit and hit[1] == "capital":
            return _capital_country(hit[0], text, kb, ctx.outright)
    if with_capitals and doc[start].ent_iob_ != "I":
        for last in range(min(end - 2, start + 2), start - 1, -1):
            text = _slice(doc, start, last)
            if text[:1].isupper() and doc[last].lower_ not in kb.organisation_words \
                    and (iso3 := _place_country(text, ctx, strict=True)) is not None:
                return iso3
    return None


def _candidates(sentence: Sentence, kb: ActorKB, taken: set[int]) -> Iterator[tuple[Span, int]]:
    """(entity, first token of the name) of ORG entities, and of PERSON entities that end in a
    capitalised kind word ("the militant Fateh al-Sham Front": the NER's person is an organisation)."""
    doc = sentence.paragraph.doc
    for ent in sentence.ents:
        if taken & set(range(ent.start, ent.end)):
            continue
        last = doc[ent.end - 1]
        if ent.label_ == "ORG" or (ent.label_ == "PERSON" and len(ent) > 1 and last.text[:1].isupper()
                                   and last.lower_ in kb.organisation_words):
            start = ent.start + (doc[ent.start].lower_ == "the")
            paren = next((t.i for t in doc[start: ent.end] if t.text == "("), None)
            if paren is not None:
                ent = doc[ent.start: paren]  # "the Homeland Union (Conservatives)": the name ends before it
            if start < ent.end:
                yield ent, start


def unlisted_organisations(sentence: Sentence, ctx: _Context, taken: set[int], country_named: bool) -> Iterator[_Found]:
    """The organisations of the sentence that no dictionary lists. `country_named`: only those whose
    name names a country or demonym (the first run); else the rest that a kind word marks."""
    kb = ctx.kb
    doc = sentence.paragraph.doc
    for ent, start in _candidates(sentence, kb, taken):
        end = ent.end - (doc[ent.end - 1].text in ("’s", "'s") and ent.end - 1 > start)  # "Ministry’s"
        name = _slice(doc, start, end - 1)
        if name in kb.org_names or kb.country_of(ent.text):
            continue
        tokens = list(doc[start: end])
        sector, bloc, head = organisation_kind(tokens, kb)
        first, how = start, ""
        if country_named:
            country = _name_country(doc, start, end, ctx, with_capitals=False)
            if country is None:
                continue
            how = "pattern:organisation named with its country"
        else:
            if head is None or end - start < 2 or not doc[end - 1].text[:1].isupper():
                continue  # a bare "Court" is a group noun, not a name
            how = f"pattern:organisation name word {head.lower_!r}"
            country = _name_country(doc, start, end, ctx, with_capitals=True)
            before = _country_before(doc, start, sentence.span.start, kb) if country is None else None
            if before is not None and doc[start - 1].text in ("’s", "'s"):
                country, first = before  # "Ivory Coast's Supreme Court"
            if country is not None:
                how += " + country in the name"
        described = _described_sector(ent.root, start, kb) if sector is None else None
        if described is not None:
            sector, describing = described
            taken.update(describing)
            how += " + the words around it"
            if country is None and sector.country_from == "article" and ctx.home \
                    and all(iso3 == ctx.home for _, iso3 in ctx.nearby.get(sentence.index, ())):
                # as the group it is said to be ("militants", "rebels": groups.tsv country_from)
                country = ctx.home
                how += " + article country"
        if country is None and sector is not None and sector.plover in _DOMESTIC_SECTORS \
                and len(named := {iso3 for _, iso3 in ctx.nearby.get(sentence.index, ())}) == 1:
            # a party, union or religious body of one country's politics takes the country of its
            # sentence when the sentence names only one (as such groups do: actor_groups)
            country = named.pop()
            how += " + the sentence's one country"
        if sector is None and country is None and not bloc:
            continue  # a name that says nothing of whose or what it is
        generic = head is None or kb.organisation_words[head.lower_][0] is None
        if country or not bloc:
            code = _code(country, sector.cameo if sector else None)
        else:  # the kind word's bloc, with the sector of the name's group noun ("Farmers Association": NGOAGR)
            code = bloc + (sector.cameo if sector is not None and generic else "")
        taken.update(range(first, end))
        yield _Found(key=f"org:{name}", name=name, kind="organisation", sentence=sentence,
                     start=doc[first].idx, end=doc[end - 1].idx + len(doc[end - 1]), country=country,
                     cameo_sector=sector.cameo if sector and (country or not bloc or generic) else None,
                     plover_sector=sector.plover if sector else None, code=code, resolved_by=how)
