"""Actor grounding: mentions of political actors -> Actors with CAMEO codes and PLOVER sectors.

What it recognises, sentence by sentence:
- persons (spaCy PERSON entities) with a title before ("Turkish President Recep Tayyip Erdogan",
  "Kremlin spokesperson, Dmitry Peskov") or after ("Emmanuel Macron [French president]",
  "Peskov, the Kremlin spokesman"); the title's country and role give the code (TURGOV);
- short names ("Putin") joined to the full name met elsewhere in the article;
- organisations, seats of government used as metonyms ("the Kremlin"), and countries acting;
- capitals acting as governments ("Moscow was still coordinating") as subject or object;
- collective groups with a country modifier ("Syrian regime forces", "Russian warplanes");
- role nouns with country modifiers and no name ("his Russian, German and French counterparts").

Photo credits and bylines are never parsed, so an agency named only as a credit is no actor.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from eventwire.ground.actor_kb import ActorKB, Organisation
from eventwire.read import Parsed, Sentence
from eventwire.record import Actor

__all__ = ["resolve_actors"]

log = logging.getLogger(__name__)

_MAX_NGRAM = 5
_TITLE_POS = {"PROPN", "NOUN", "ADJ"}
# Prepositions after which a country name is a place rather than an acting state.
_LOCATIVE = {"in", "into", "inside", "near", "across", "throughout", "within", "from", "to", "at",
             "around", "outside", "towards", "toward", "through", "over", "across", "via"}
_PLACE_NOUNS = {"province", "city", "region", "governorate", "border", "capital", "territory", "town",
                "village", "district", "coast", "countryside", "north", "south", "east", "west", "soil"}
_ACTING_DEPS = {"nsubj", "nsubjpass", "dobj", "agent", "conj", "appos", "ROOT", "pobj", "iobj", "dative"}
_HONORIFICS = {"Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Sir", "Dame"}


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
    return doc.text[doc[first].idx: doc[last].idx + len(doc[last].text)]


def _ngrams(doc: Doc, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """(first, last, text) for every token n-gram in [start, end), longest first at each start."""
    for first in range(start, end):
        for last in range(min(end, first + _MAX_NGRAM) - 1, first - 1, -1):
            yield first, last, _slice(doc, first, last)


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
    return title


def _left_title(ent: Span, sentence: Sentence) -> list[Token]:
    doc = ent.doc
    j = ent.start - 1
    floor = sentence.span.start
    if j >= floor and doc[j].text == ",":
        j -= 1  # "Kremlin spokesperson, Dmitry Peskov"
    tokens: list[Token] = []
    while j >= floor and len(tokens) < 6:
        tok = doc[j]
        if tok.ent_type_ == "PERSON" or not (tok.pos_ in _TITLE_POS or tok.text in ("-", "’s", "'s") or tok.tag_ == "POS"):
            break
        tokens.insert(0, tok)
        j -= 1
    return tokens


def _right_title(ent: Span, sentence: Sentence) -> list[Token]:
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
        for tok in doc[i + 1: min(end, i + 10)]:
            if tok.text in (",", ";", ".", "–", "—") or tok.pos_ == "VERB":
                break
            tokens.append(tok)
        return tokens
    return []


def _strip_name(ent: Span, kb: ActorKB) -> tuple[Span, list[Token]]:
    """Move leading honorifics and role words that the NER put inside the name out of it."""
    start = ent.start
    moved: list[Token] = []
    while start < ent.end - 1:
        tok = ent.doc[start]
        if tok.text in _HONORIFICS or tok.text.lower() in kb.roles or kb.country_of(tok.text):
            moved.append(tok)
            start += 1
        else:
            break
    return ent.doc[start: ent.end], moved


def _code(country: str | None, sector: str | None) -> str | None:
    if country and sector:
        return country + sector
    return country or sector


def _persons(sentence: Sentence, kb: ActorKB, taken: set[int]) -> Iterator[_Found]:
    for ent in sentence.span.ents:
        if ent.label_ != "PERSON":
            continue
        name_span, inside = _strip_name(ent, kb)
        if kb.country_of(name_span.text) or name_span.text in kb.org_names:
            continue  # the NER's PERSON is a country or organisation name
        left = _left_title(ent, sentence)
        title = _analyse_title(left + inside, kb)
        right = _right_title(ent, sentence)
        if not title.useful and right:
            title = _analyse_title(right, kb)
            tokens_used = right
        else:
            tokens_used = left + inside
        country = title.country
        if title.org is not None and country is None:
            country = title.org.country
        code = _code(country, title.cameo)
        if title.org is not None and not title.role:
            code = title.org.code
        taken.update(range(ent.start, ent.end))
        if title.useful:
            taken.update(t.i for t in tokens_used)
        yield _Found(
            key="person", name=name_span.text, kind="person", sentence=sentence,
            start=name_span.start_char, end=name_span.end_char,
            country=country, cameo_sector=title.cameo, plover_sector=title.plover, code=code,
            role=title.role, resolved_by=f"title:{title.text}" if title.useful else "entity",
        )


def _is_place_use(tok: Token) -> bool:
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ in _LOCATIVE:
        return True
    if tok.dep_ in ("poss", "compound", "nmod", "appos") and (
            head.ent_type_ in ("GPE", "LOC", "FAC") or head.lower_ in _PLACE_NOUNS
            or (head.pos_ == "PROPN" and head.ent_type_ not in ("PERSON", "ORG", "NORP"))):
        return True  # "Syria's Idlib province", "Idlib, Syria"
    if tok.dep_ == "conj":
        return _is_place_use(head) if head is not tok else False
    return False


def _named(sentence: Sentence, kb: ActorKB, taken: set[int]) -> Iterator[_Found]:
    """Organisations, seats, countries and capitals named in the sentence."""
    doc = sentence.paragraph.doc
    span = sentence.span
    for first, last, text in _ngrams(doc, span.start, span.end):
        if taken & set(range(first, last + 1)) or doc[first].lower_ == "the":
            continue  # "the Kremlin": the mention starts at the name
        head = doc[last]
        org = kb.org_names.get(text)
        if org is not None:
            taken.update(range(first, last + 1))
            yield _Found(key=f"org:{org.name}", name=org.name, kind="organisation", sentence=sentence,
                         start=doc[first].idx, end=head.idx + len(head.text), country=org.country,
                         plover_sector=org.sector, code=org.code, resolved_by="dictionary:organisations",
                         media=org.kind == "media", wikidata=org.wikidata)
            continue
        hit = kb.country_of(text)
        if hit is None or not text[:1].isupper():
            continue
        iso3, how = hit
        if how == "demonym":
            continue  # demonyms act only through the group or role noun they modify
        if how == "seat":
            taken.update(range(first, last + 1))
            yield _Found(key=f"seat:{text}", name=text, kind="organisation", sentence=sentence,
                         start=doc[first].idx, end=head.idx + len(head.text), country=iso3,
                         cameo_sector="GOV", plover_sector="GOV", code=iso3 + "GOV",
                         resolved_by="dictionary:seats")
            continue
        if head.pos_ not in ("PROPN", "NOUN") or _is_place_use(head):
            continue
        if how == "capital":
            if head.dep_ not in ("nsubj", "nsubjpass", "dobj", "agent"):
                continue  # a capital is a place unless it acts or is acted on
            taken.update(range(first, last + 1))
            yield _Found(key=f"capital:{iso3}", name=text, kind="state", sentence=sentence,
                         start=doc[first].idx, end=head.idx + len(head.text), country=iso3,
                         cameo_sector="GOV", plover_sector="GOV", code=iso3 + "GOV",
                         resolved_by="dictionary:capitals (metonym)")
            continue
        if head.dep_ not in _ACTING_DEPS and head.dep_ != "poss":
            continue
        taken.update(range(first, last + 1))
        yield _Found(key=f"state:{iso3}", name=kb.countries[iso3].name, kind="state", sentence=sentence,
                     start=doc[first].idx, end=head.idx + len(head.text), country=iso3,
                     code=iso3, resolved_by="dictionary:countries")


def _country_modifiers(head: Token, kb: ActorKB, first: int) -> list[tuple[str, Token]]:
    """Countries named by modifiers left of a noun phrase: "Syrian regime forces", "his Russian,
    German and French counterparts", "Russia's forces"."""
    found: list[tuple[str, Token]] = []
    for child in head.children:
        if child.i >= first or child.dep_ not in ("amod", "compound", "poss", "nmod", "npadvmod"):
            continue
        for tok in (child, *child.conjuncts):
            hit = kb.country_of(tok.text)
            if hit and tok.i < first:
                found.append((hit[0], tok))
    return found


def _phrase_ending_at(tok: Token, table: dict, max_words: int = 4) -> tuple[str, int] | None:
    doc = tok.doc
    for n in range(max_words, 0, -1):
        first = tok.i - n + 1
        if first < 0:
            continue
        phrase = " ".join(_slice(doc, first, tok.i).lower().split())
        for candidate in (phrase, " ".join(phrase.split()[:-1] + [tok.lemma_.lower()])):
            if candidate in table:
                return candidate, first
    return None


def _groups_and_roles(sentence: Sentence, kb: ActorKB, taken: set[int]) -> Iterator[_Found]:
    doc = sentence.paragraph.doc
    for tok in sentence.span:
        if tok.i in taken or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        for table, kind in ((kb.groups, "group"), (kb.roles, "role")):
            match = _phrase_ending_at(tok, table)
            if match is None:
                continue
            phrase, first = match
            sector = table[phrase]
            countries = _country_modifiers(tok, kb, first)
            # A leading demonym inside the matched phrase itself ("syrian army" is not a phrase,
            # but the modifier may be adjacent): look one token further left as well.
            if not countries and first > sentence.span.start:
                hit = kb.country_of(doc[first - 1].text)
                if hit and hit[1] in ("demonym", "name", "seat"):
                    countries = [(hit[0], doc[first - 1])]
            if kind == "role" and not countries:
                break  # an unnamed role without a country says too little ("the leaders")
            if kind == "group" and not countries and tok.dep_ not in ("nsubj", "nsubjpass", "dobj", "agent"):
                break
            phrase_text = _slice(doc, first, tok.i)
            for iso3, mod in countries or [(None, None)]:
                if mod is not None and mod.i != first - 1:
                    # A coordinated or distant modifier ("Russian, German and French counterparts"):
                    # the mention is the modifier itself, the name says what it modifies.
                    name, start, end = f"{mod.text} {phrase_text}", mod.idx, mod.idx + len(mod.text)
                else:
                    start_tok = first - 1 if mod is not None else first
                    name = _slice(doc, start_tok, tok.i)
                    start, end = doc[start_tok].idx, tok.idx + len(tok.text)
                code = _code(iso3, sector.cameo)
                yield _Found(key=f"{kind}:{code}:{phrase}", name=name, kind="person" if kind == "role" else "group",
                             sentence=sentence, start=start, end=end, country=iso3,
                             cameo_sector=sector.cameo, plover_sector=sector.plover, code=code,
                             role=phrase if kind == "role" else None,
                             resolved_by=f"pattern:country+{kind}" if iso3 else f"dictionary:{kind}s")
                if mod is not None:
                    taken.add(mod.i)
            taken.update(range(first, tok.i + 1))
            break


@dataclass
class _Cluster:
    found: list[_Found] = field(default_factory=list)

    @property
    def first(self) -> _Found:
        return self.found[0]


def _person_clusters(persons: list[_Found]) -> list[_Cluster]:
    """Join "Putin" to "Vladimir Putin": a shorter name that ends a longer one is the same person."""
    clusters: list[_Cluster] = []
    for f in sorted(persons, key=lambda f: -len(f.name.split())):
        words = f.name.split()
        for cluster in clusters:
            full = cluster.first.name.split()
            if words == full or (len(words) < len(full) and full[-len(words):] == words) or (
                    len(words) == 1 and words[0] == full[0] and len(full) > 1 and False):
                cluster.found.append(f)
                break
        else:
            clusters.append(_Cluster([f]))
    return clusters


def _sentence_order(f: _Found) -> tuple[int, int]:
    return f.sentence.index, f.start


def resolve_actors(parsed: Parsed, kb: ActorKB) -> tuple[Actor, ...]:
    """All actors of the article, each with its mentions; ids follow the order of first mention."""
    found: list[_Found] = []
    for sentence in parsed.sentences:
        taken: set[int] = set()
        found.extend(_persons(sentence, kb, taken))
        found.extend(_named(sentence, kb, taken))
        found.extend(_groups_and_roles(sentence, kb, taken))

    clusters = _person_clusters([f for f in found if f.key == "person"])
    by_key: dict[str, _Cluster] = {}
    for f in found:
        if f.key != "person":
            by_key.setdefault(f.key, _Cluster()).found.append(f)
    all_clusters = clusters + list(by_key.values())
    for cluster in all_clusters:
        cluster.found.sort(key=_sentence_order)
    all_clusters.sort(key=lambda c: _sentence_order(c.first))

    actors = []
    for number, cluster in enumerate(all_clusters, start=1):
        # The most informative mention gives the code: a titled one beats an untitled one.
        best = max(cluster.found, key=lambda f: (f.code is not None, len(f.name)))
        name = max((f.name for f in cluster.found), key=len) if best.kind == "person" else best.name
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
            wikidata=best.wikidata,
            media_only=best.media,
        ))
    return tuple(actors)
