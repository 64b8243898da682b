"""Place grounding: toponyms in the article -> Places with coordinates and their admin hierarchy.

Recognition, sentence by sentence:
- spaCy GPE/LOC/FAC entities, trimmed of "the", possessives and feature words ("Idlib province");
- place adjectives used as modifiers ("Syrian forces" mentions Syria, "European leaders" Europe),
  from the demonyms of data/actors/countries.tsv and the adjectives of data/places/places.tsv;
- gazetteer names the NER missed or mislabelled, gated by the parse: capitalised proper nouns only,
  never month or weekday names, and a name the NER called a person or organisation only with place
  evidence (a locative preposition before it, a feature word after it, an "X, Country" pattern, or
  a country/admin-1 name);
- area abbreviations after "Town," ("Long Beach, CA", "Laurel, Md.": data/places/abbreviations.tsv).

Dropped: compass words and the like alone ("West"), and one-word or acronym names the NER called a
place that the gazetteer does not know ("Modi", "NATO"). Multi-word unknown names are kept as places
without a point (kind "other", resolved_by "...:unresolved"), with the country of an explicit container.

Resolution, per distinct name (one sense per article): a population prior over the gazetteer's
candidates plus the article's context: explicit containers ("Idlib, Syria", "Syria's Idlib
province", "the Syrian city of Homs"), feature words (province -> admin-1, city -> town), the
countries and admin-1 areas of the article's other places and actors, and national capitals.
"""
from __future__ import annotations

import csv
import functools
import io
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources

from spacy.tokens import Doc, Token

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.token_columns import columns
from eventwire.ground.gazetteer import Entry, Gazetteer, load_gazetteer, normalise
from eventwire.read import Parsed, Sentence, doc_text, token_offsets
from eventwire.record import Actor, Mention, Place

__all__ = ["resolve_places"]

log = logging.getLogger(__name__)

_ENTITY_LABELS = {"GPE", "LOC", "FAC"}
_NOT_PLACE_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LAW", "LANGUAGE"}
_PLACE_EVIDENCE_LABELS = {"PERSON", "ORG", "NORP", "EVENT", "WORK_OF_ART", "PRODUCT"}
_MONTHS_DAYS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                "saturday", "sunday", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                "nov", "dec"}
_LOCATIVE = {"in", "near", "at", "from", "to", "into", "outside", "inside", "around", "across", "throughout",
             "within", "toward", "towards", "through", "via", "across", "between", "of", "on", "off", "along",
             "beyond", "past", "over", "north", "south", "east", "west", "northern", "southern", "eastern",
             "western", "central"}
_CONNECTORS = {"of", "de", "del", "da", "do", "dos", "das", "la", "le", "les", "el", "al", "upon", "on",
               "y", "-", "am", "an", "der", "sur", "en"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_MAX_WORDS = 5


@functools.lru_cache(maxsize=1)
def feature_kinds() -> dict[str, str]:
    """Place-type word -> the kind of place it names (data/places/feature_words.tsv)."""
    return {row["word"].lower(): row["kind"] for row in read_tsv(builtin_text("places", "feature_words.tsv"),
                                                                  "data/places/feature_words.tsv")}


@dataclass
class _Occurrence:
    """One toponym mention before resolution; start/end are token indices in the paragraph Doc."""

    sentence: Sentence
    start: int
    end: int
    source: str  # ner | gazetteer | demonym | state-code
    adjectival: bool = False
    kind_hint: str | None = None
    container: _Occurrence | None = None
    contains: list[_Occurrence] = field(default_factory=list)  # occurrences it is the container of
    fixed: Entry | None = None  # already resolved by its form (demonym, state code)
    entry: Entry | None = None
    how: str = ""

    @property
    def doc(self) -> Doc:
        return self.sentence.paragraph.doc

    @property
    def text(self) -> str:
        if self.end <= self.start:
            return ""
        starts, ends = token_offsets(self.doc)
        return doc_text(self.doc)[starts[self.start]: ends[self.end - 1]]

    @property
    def key(self) -> str:
        if self.fixed is not None:
            return f"#{self.fixed.index}"
        return normalise(self.text)

    def mention(self) -> Mention:
        span = self.doc[self.start: self.end]
        return self.sentence.mention(span.start_char, span.end_char)


def _capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper()


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int, str | None]:
    """Drop "the", possessive endings and edge feature words; return the core and the kind they hint."""
    words = feature_kinds()
    hint = None
    while start < end and doc[start].lower_ in ("the", "a"):
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].text in (".", ",", "-")):
        end -= 1
    if end - start >= 2 and doc[end - 1].lower_ in words:
        hint = words[doc[end - 1].lower_]
        end -= 1
    if end - start >= 3 and doc[start].lower_ in words and doc[start + 1].lower_ == "of":
        hint = words[doc[start].lower_]
        start += 2
    return start, end, hint


def _hint_around(doc: Doc, start: int, end: int, floor: int, ceiling: int) -> str | None:
    """A feature word right after the name ("Idlib province") or "the province of" before it."""
    words = feature_kinds()
    if end < ceiling and doc[end].lower_ in words and doc[end].pos_ in ("NOUN", "PROPN"):
        return words[doc[end].lower_]
    if start - 2 >= floor and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in words:
        return words[doc[start - 2].lower_]
    return None


def _has_place_evidence(doc: Doc, start: int, end: int, floor: int, ceiling: int) -> bool:
    if start > floor and doc[start - 1].lower_ in _LOCATIVE:
        return True
    if start > floor + 1 and doc[start - 1].lower_ == "the" and doc[start - 2].lower_ in _LOCATIVE:
        return True
    if _hint_around(doc, start, end, floor, ceiling):
        return True
    return end + 1 < ceiling and doc[end].text == "," and _capitalised(doc[end + 1])


def _best_part(doc: Doc, start: int, end: int, gaz: Gazetteer) -> tuple[int, int] | None:
    """The longest, leftmost capitalised part of an unknown name that names a sizeable place.

    "Montgomery County Democrats", "Manila Cathedral", "Buffalo Bisons": the NER's span is an
    organisation or building named after the place, and the place is what can be located.
    """
    for n in range(end - start - 1, 0, -1):
        for first in range(start, end - n + 1):
            words = doc[first: first + n]
            if (not (_capitalised(words[0]) and _capitalised(words[-1])) or words[0].lower_ in _MONTHS_DAYS
                    or normalise(words.text) in _GENERIC):
                continue
            if any(e.kind in ("country", "admin1", "admin2", "other") or e.population >= 50_000
                   for e in gaz.lookup(words.text)):
                return first, first + n
    return None


def _entity_occurrences(sentence: Sentence, gaz: Gazetteer, taken: set[int]) -> list[_Occurrence]:
    doc, span = sentence.paragraph.doc, sentence.span
    found = []
    for ent in sentence.ents:
        if ent.label_ not in _ENTITY_LABELS:
            continue
        # "Long Beach, California" may come as one entity: each part is a toponym
        parts, first = [], ent.start
        for tok in ent:
            if tok.text == ",":
                parts.append((first, tok.i))
                first = tok.i + 1
        parts.append((first, ent.end))
        for part_start, part_end in parts:
            start, end, hint = _trim(doc, part_start, part_end)
            while start < end and not _capitalised(doc[start]):
                start += 1  # "north west London"
            if start >= end:
                continue
            text = doc[start:end].text
            fixed = gaz.abbreviation(text) if "." in text else None
            if fixed is None and (len(text) < 2 or (end - start == 1 and doc[start].lower_ in _MONTHS_DAYS)):
                continue
            if hint and gaz.has(f"{text} {doc[end].text}"):  # "Kansas City", "Mexico City" are names
                end, hint = end + 1, None
            source = "ner"
            if fixed is None and not gaz.has(doc[start:end].text) and end - start > 1:
                part = _best_part(doc, start, end, gaz)
                if part is not None:
                    start, end = part
                    source = "ner-part"
            hint = hint or _hint_around(doc, start, end, span.start, span.end)
            found.append(_Occurrence(sentence, start, end, source, kind_hint=hint, fixed=fixed))
            taken.update(range(start, end))
    return found


def _demonym_occurrences(sentence: Sentence, gaz: Gazetteer, taken: set[int]) -> list[_Occurrence]:
    """Place adjectives used as modifiers: "Syrian regime forces", "the Turkish president",
    "Central American migrants" (adjectives of countries and of curated regions)."""
    doc, span, toks = sentence.paragraph.doc, sentence.span, sentence.paragraph.tokens
    text, (starts, ends) = doc_text(doc), token_offsets(doc)
    caps = columns(doc).capitalised  # _capitalised(token) of every token
    found = []
    i = span.start
    while i < span.end:
        if i in taken or not caps[i]:
            i += 1
            continue
        hit = None
        for n in (2, 1):
            if i + n <= span.end and not any(k in taken for k in range(i, i + n)):
                place = gaz.adjective_place(text[starts[i]: ends[i + n - 1]])
                if place is not None and place.lat is not None:
                    hit = (n, place)
                    break
        if hit is None:
            i += 1
            continue
        n, place = hit
        last = toks[i + n - 1]
        nxt = toks[i + n] if i + n < span.end else None
        modifier = last.dep_ in ("amod", "compound", "nmod") or (nxt is not None and nxt.pos_ in ("NOUN", "PROPN", "ADJ"))
        prev = toks[i - 1] if i > span.start else None
        inside_name = (prev is not None and _capitalised(prev) and prev.i not in taken
                       and prev.pos_ in ("PROPN", "ADJ", "NOUN") and not prev.is_sent_start)
        # people-nouns ("Syrians") are no place; a capitalised word before means a longer name
        # ("Percy French Hotel")
        if last.tag_ in ("NNS", "NNPS") or not modifier or inside_name:
            i += n
            continue
        found.append(_Occurrence(sentence, i, i + n, "demonym", adjectival=True, fixed=place))
        taken.update(range(i, i + n))
        i += n
    return found


def _gazetteer_occurrences(sentence: Sentence, gaz: Gazetteer, taken: set[int]) -> list[_Occurrence]:
    """Names in the gazetteer that the NER missed or mislabelled, gated by the parse."""
    doc, span = sentence.paragraph.doc, sentence.span
    text, (starts, ends) = doc_text(doc), token_offsets(doc)
    # the tests below ask of every token of the sentence, often several times: read as columns
    caps, lowers, propn = columns(doc).capitalised, columns(doc).lower, columns(doc).pos
    labels, alpha = columns(doc).ent_type, columns(doc).alpha
    found = []
    words_only = [k for k in range(span.start, span.end) if alpha[k] and lowers[k] not in _CONNECTORS]
    # In a headline written in title case, a capital letter says nothing about names
    headline = len(words_only) >= 4 and sum(caps[k] for k in words_only) >= 0.7 * len(words_only)
    i = span.start
    while i < span.end:
        if i in taken or not caps[i] or labels[i] in _NOT_PLACE_LABELS or lowers[i] in _MONTHS_DAYS:
            i += 1
            continue
        best = None
        for j in range(min(span.end, i + _MAX_WORDS), i, -1):
            words = range(i, j)
            if any(k in taken for k in words) or not caps[j - 1]:
                continue
            if any(not caps[k] and lowers[k] not in _CONNECTORS for k in words):
                continue
            if not any(propn[k] == "PROPN" for k in words):
                continue
            name = text[starts[i]: ends[j - 1]]
            if gaz.has(name) and normalise(name) not in _GENERIC:
                best = j
                break
        if best is None:
            i += 1
            continue
        words = doc[i:best]
        inside_longer = (i > span.start and not doc[i].is_sent_start and _capitalised(doc[i - 1])
                         and doc[i - 1].pos_ == "PROPN" and i - 1 not in taken)
        inside_longer |= best < span.end and _capitalised(doc[best]) and doc[best].pos_ == "PROPN" and best not in taken
        inside_longer |= (best + 1 < span.end and doc[best].lower_ == "of" and _capitalised(doc[best + 1]))
        if inside_longer and not headline:  # "West Wing", "Republic of Armenia": part of a longer name
            i = best
            continue
        candidates = gaz.lookup(words.text)
        strong = any(e.kind in ("country", "admin1", "other") or e.source == "curated" for e in candidates)
        large = any(e.population >= 100_000 for e in candidates)
        labelled = {t.ent_type_ for t in words} & _PLACE_EVIDENCE_LABELS
        evidence = _has_place_evidence(doc, i, best, span.start, span.end)
        if labelled:
            # The NER saw a person or organisation: take it as a place only when the words are
            # exactly the entity (or a country or area inside a title-case headline's run-on
            # entity) and something says place ("in Idlib", "Idlib province", a country name).
            ent_spans = {(e.start, e.end) for e in sentence.ents if e.label_ in _PLACE_EVIDENCE_LABELS}
            keep = ((i, best) in ent_spans or (headline and strong)) and (
                evidence or (strong and ("PERSON" not in labelled or best - i > 1)))
        else:
            keep = strong or evidence or (large and not headline)
        if i == span.start and not (strong or evidence):
            keep = False  # a capitalised first word is no evidence of a name
        if keep:
            hint = _hint_around(doc, i, best, span.start, span.end)
            found.append(_Occurrence(sentence, i, best, "gazetteer", kind_hint=hint))
            taken.update(range(i, best))
            i = best
        else:
            i += 1
    return found


def _abbreviation_occurrences(sentence: Sentence, gaz: Gazetteer, occurrences: list[_Occurrence],
                              taken: set[int]) -> list[_Occurrence]:
    """ "Long Beach, CA", "Laurel, Md.": an area abbreviation after a place and a comma."""
    doc, span = sentence.paragraph.doc, sentence.span
    found = []
    starts = {o.start: o for o in occurrences}
    for occ in list(occurrences):
        k = occ.end
        if not (k + 1 < span.end and doc[k].text == ","):
            continue
        state = gaz.abbreviation(doc[k + 1].text)
        if state is None:
            continue
        old = starts.get(k + 1)
        if old is not None:
            if old.fixed is not None:
                continue
            occurrences.remove(old)
        elif k + 1 in taken:
            continue
        found.append(_Occurrence(sentence, k + 1, k + 2, "abbreviation", fixed=state))
        taken.add(k + 1)
    return found


def _link_containers(occurrences: list[_Occurrence], gaz: Gazetteer) -> None:
    """Explicit containers: "Idlib, Syria", "Syria's Idlib province", "the Syrian city of Homs"."""
    by_start = {(id(o.doc), o.start): o for o in occurrences}
    by_end = {(id(o.doc), o.end): o for o in occurrences}
    words = feature_kinds()
    for occ in occurrences:
        occ.contains = []
    for occ in occurrences:
        doc, floor = occ.doc, occ.sentence.span.start
        # a country is in no other place: "China, Japan and Korea" is a list
        is_country = any(e.kind == "country" and normalise(e.name) == occ.key for e in gaz.lookup(occ.text))
        if occ.end < occ.sentence.span.end and doc[occ.end].text == "," and not is_country:
            after = by_start.get((id(doc), occ.end + 1))
            if after is not None and not after.adjectival:
                occ.container = after
                continue
        if occ.start - 1 > floor and doc[occ.start - 1].text in _POSSESSIVE:
            before = by_end.get((id(doc), occ.start - 1))
            if before is not None:
                occ.container = before
                continue
        # "the Syrian city of Homs", "Syria's northwestern province of Idlib"
        if occ.start - 2 >= floor and doc[occ.start - 1].lower_ == "of" and doc[occ.start - 2].lower_ in words:
            for k in range(occ.start - 3, max(floor, occ.start - 6) - 1, -1):
                before = by_end.get((id(doc), k + 1))
                if before is None and doc[k].text in _POSSESSIVE:
                    before = by_end.get((id(doc), k))
                if before is not None:
                    occ.container = before
                    break
    for occ in occurrences:
        if occ.container is not None:
            occ.container.contains.append(occ)


# ------------------------------------------------------------------------------------ resolution

# Compass words and the like name admin-1 regions somewhere (Cameroon's "West"); alone, never in news.
_GENERIC = {"west", "east", "north", "south", "central", "centre", "center", "northwest", "northeast",
            "southwest", "southeast", "north west", "north east", "south west", "south east", "valley", "city",
            "capital", "interior", "coast", "eastern", "western", "northern", "southern", "northwestern",
            "northeastern", "southwestern", "southeastern", "upper", "lower", "greater", "new", "old", "great",
            "little", "big", "saint", "st", "mount", "lake", "river", "island", "islands", "bay", "port", "fort"}
_KIND_PRIOR = {"country": 3.0, "admin1": 0.5, "other": 2.5, "city": 0.0, "locality": -0.5, "admin2": -1.0}


def _hint_fits(hint: str, kind: str) -> bool:
    if hint == "city":
        return kind in ("city", "locality")
    return hint == kind


def _contains(container: Entry, entry: Entry) -> bool:
    if container.kind == "country":
        return entry.country == container.country and entry.index != container.index
    if container.kind == "admin1":
        return entry.country == container.country and entry.admin1 == container.admin1 and entry.kind != "admin1"
    return False


@dataclass
class _Context:
    """What the article's other names resolved to: (entry, number of mentions, name key)."""

    resolved: list[tuple[Entry, int, str]] = field(default_factory=list)
    actor_countries: Counter = field(default_factory=Counter)


def _score(entry: Entry, occs: list[_Occurrence], ctx: _Context, key: str, capitals: dict[str, str]) -> tuple[float, str]:
    score = math.log10(entry.population + 10) + _KIND_PRIOR.get(entry.kind, 0.0)
    how = "population"
    name = normalise(entry.name)
    if entry.source == "curated":
        score += 0.5
    if entry.kind in ("city", "locality"):
        if name == key and capitals.get(entry.country or "") == name:
            score += 2.0  # national capitals are named far more than their namesakes
        elif name in (key, f"{key} city") and entry.admin1 and normalise(entry.admin1) == key:
            score += 2.0  # a city named like its area is what the bare name means ("New York")
        elif name != key:
            score -= 1.5  # found by one of its alternate names only ("Mexico" is not Mexico City)
    hints = Counter(o.kind_hint for o in occs if o.kind_hint)
    for hint in hints:
        if _hint_fits(hint, entry.kind):
            score += 4.0
            how = "feature-word"
        else:
            score -= 1.5
    contained = [o.container.entry for o in occs if o.container is not None and o.container.entry is not None]
    if contained:
        if any(_contains(c, entry) for c in contained):
            score += 8.0
            how = "container"
        else:
            score -= 4.0
    inner = [c.entry for o in occs for c in o.contains if c.entry is not None]
    if any(_contains(entry, e) for e in inner):
        score += 8.0  # "Atlanta, Georgia": Georgia is what holds Atlanta
        how = "container"
    # Context from the other names, never from the same location under another name.
    others = [(e, n) for e, n, k in ctx.resolved if k != key and e.index != entry.index]
    same_country = sum(n for e, n in others if e.country and e.country == entry.country)
    same_country += ctx.actor_countries.get(entry.country or "", 0) * 0.5
    if same_country:
        score += 1.5 + min(1.5, 0.5 * same_country)
        if how == "population":
            how = "document-country"
    if entry.admin1 and entry.kind != "country":
        inside = sum(n for e, n in others if e.country == entry.country and e.admin1 == entry.admin1)
        if inside:
            score += 2.0
            if how in ("population", "document-country"):
                how = "document-admin1"
    if entry.kind == "admin1":  # "Georgia and Alabama": areas named with their siblings
        siblings = sum(1 for e, _ in others if e.kind == "admin1" and e.country == entry.country)
        score += min(2.0, float(siblings))
    if entry.lat is not None and entry.kind not in ("country", "other", "admin1"):
        near = sum(1 for e, _ in others if e.kind not in ("country", "other", "admin1") and e.lat is not None
                   and _km(e.lat, e.lon, entry.lat, entry.lon) < 150)
        score += min(2.0, float(near))
    return score, how


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(min(1.0, math.sqrt(a)))


@functools.lru_cache(maxsize=1)
def _capital_names() -> dict[str, str]:
    """ISO-3 -> normalised capital name, from the capitals of data/actors/countries.tsv."""
    text = resources.files("eventwire").joinpath("data", "actors", "countries.tsv").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    out = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t"):
        capitals = [c for c in (row.get("capitals") or "").split("|") if c.strip()]
        if capitals:
            out[row["iso3"]] = normalise(capitals[0])
    return out


def _resolve(groups: dict[str, list[_Occurrence]], gaz: Gazetteer, actors: Sequence[Actor]) -> None:
    capitals = _capital_names()
    actor_countries = Counter(a.country for a in actors if a.country)
    chosen: dict[str, tuple[Entry | None, str]] = {}
    # The first pass uses only each name's own evidence; later passes add what the other names of
    # the article resolved to (their countries, admin-1 areas, neighbourhood, containers).
    for _ in range(3):
        ctx = _Context(actor_countries=actor_countries)
        ctx.resolved = [(e, len(groups[k]), k) for k, (e, _how) in chosen.items() if e is not None]
        new: dict[str, tuple[Entry | None, str]] = {}
        for key, occs in groups.items():
            fixed = occs[0].fixed
            if fixed is not None:
                new[key] = (fixed, "demonym" if occs[0].adjectival else "abbreviation")
                continue
            text = occs[0].text
            candidates = [e for e in gaz.lookup(text) if e.lat is not None]
            if text.replace(".", "").isupper() and len(text.replace(".", "")) <= 4:
                # an acronym ("EU", "OAS") is no town's name: only areas and curated names
                candidates = [e for e in candidates if e.kind in ("country", "admin1", "other") or e.source == "curated"]
            if normalise(text) in _GENERIC:
                new[key] = (None, "generic")  # not a toponym at all: dropped
                continue
            if not candidates and (len(occs[0].doc[occs[0].start:occs[0].end]) == 1 or text.replace(".", "").isupper()):
                # one unknown word or an acronym the NER called a place is mostly a person or an
                # organisation ("Modi", "NATO"): dropped rather than kept as a place without a point
                new[key] = (None, "generic")
                continue
            if not candidates:
                new[key] = (None, "unresolved")
                continue
            own = ctx
            best = max(candidates, key=lambda e: (_score(e, occs, own, key, capitals)[0], e.population))
            new[key] = (best, _score(best, occs, own, key, capitals)[1])
        chosen = new
        for occs in groups.values():  # containers must be resolved before they constrain
            for occ in occs:
                occ.entry, occ.how = chosen[occ.key]
    for key, occs in groups.items():
        for occ in occs:
            occ.entry, occ.how = chosen[key]


def resolve_places(parsed: Parsed, actors: Sequence[Actor] = ()) -> tuple[Place, ...]:
    """All places of the article, one per distinct location, with every mention of it."""
    gaz = load_gazetteer()
    occurrences: list[_Occurrence] = []
    for sentence in parsed.sentences:
        taken: set[int] = set()
        here = _entity_occurrences(sentence, gaz, taken)
        here += _gazetteer_occurrences(sentence, gaz, taken)
        here += _demonym_occurrences(sentence, gaz, taken)
        here += _abbreviation_occurrences(sentence, gaz, here, taken)
        here.sort(key=lambda o: o.start)
        occurrences.extend(here)
    _link_containers(occurrences, gaz)
    groups: dict[str, list[_Occurrence]] = defaultdict(list)
    for occ in occurrences:
        groups[occ.key].append(occ)
    _resolve(groups, gaz, actors)

    places: list[Place] = []
    by_location: dict[object, list[_Occurrence]] = {}
    for occ in occurrences:  # sentence order, so ids follow first mention
        if occ.how == "generic":
            continue
        location = occ.entry.index if occ.entry is not None else ("unresolved", occ.key)
        by_location.setdefault(location, []).append(occ)
    for number, occs in enumerate(by_location.values(), start=1):
        entry = occs[0].entry
        named = [o for o in occs if not o.adjectival] or occs
        first = named[0]
        how = next((o.how for o in named if o.how not in ("population", "demonym")), first.how)
        container = next((o.container.entry for o in occs if o.container is not None and o.container.entry), None)
        places.append(Place(
            id=f"place{number}",
            name=entry.name if entry is not None else first.text,
            kind=entry.kind if entry is not None else "other",
            country=entry.country if entry is not None else (container.country if container else None),
            lat=entry.lat if entry is not None else None,
            lon=entry.lon if entry is not None else None,
            mentions=tuple(o.mention() for o in occs),
            evidence=first.sentence.evidence(first.mention()),
            resolved_by=f"{occs[0].source}:{how}" if entry is not None else f"{first.source}:unresolved",
            admin1=(entry.admin1 if entry.kind != "country" else None) if entry is not None else None,
            geonames_id=entry.geonames_id if entry is not None else None,
        ))
    log.debug("%d places from %d toponym mentions", len(places), len(occurrences))
    return tuple(places)
