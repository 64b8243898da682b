"""Coreference of actor mentions: surnames joined to full names, "he"/"she" to the nearest preceding
person, bare groups to the country the article gives the same group elsewhere.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from eventwire.ground.actor_common import _Found, _code
from eventwire.read import Parsed

_SUBJECT_PRONOUNS = {"he", "she"}
# Arabic article prefixes of surnames ("al-Assad", "el-Sisi"): "Assad" alone is the same surname.
_NAME_PARTICLES = {"al", "el", "ad", "ar", "as", "ash", "at", "az", "an"}


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
    (a named person or a role holder named by a singular noun), so later stages find the actor by offsets."""
    persons = sorted((f for f in found if f.kind == "person" and (f.key == "person" or f.role)),
                     key=_sentence_order)
    if not persons:
        return
    for sentence in parsed.sentences:
        for tok in sentence.tokens:
            if tok.lower_ not in _SUBJECT_PRONOUNS or tok.dep_ not in ("nsubj", "nsubjpass"):
                continue
            here = (sentence.index, tok.idx)
            before = [p for p in persons if _sentence_order(p) < here and p.refers_to is None
                      and not p.plural]  # "his counterparts": no "he"
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


def name_words(name: str) -> list[str]:
    """A person's name as words compared for coreference: Arabic article prefixes left out
    ("Bashar al-Assad" -> Bashar Assad, so that "Assad" is his surname), a possessive dropped."""
    words = []
    for word in name.split():
        if word.endswith(("’s", "'s")):
            word = word[:-2]
        head, sep, rest = word.partition("-")
        words.append(rest if sep and head.lower() in _NAME_PARTICLES and rest[:1].isupper() else word)
    return [w for w in words if w]


def _surname_mentions(parsed: Parsed, found: list[_Found]) -> Iterator[_Found]:
    """A person's surname alone that no finder made a mention ("Assange" as an organisation, "Weeks"
    as a date, "Gambill said" where the NER's person was lost): a capitalised word equal to the last
    word of the full name (two words or more) of exactly one person found in the article, outside
    every other mention, is a mention of that person (joined by _person_clusters)."""
    people: dict[str, list[_Found]] = {}
    for f in found:
        words = name_words(f.name)
        if f.key == "person" and len(words) >= 2 and words[-1][:1].isupper() and len(words[-1]) > 2:
            same = people.setdefault(words[-1], [])
            if all(name_words(p.name) != words for p in same):
                same.append(f)
    if not people:
        return
    covered: dict[int, list[tuple[int, int]]] = {}
    for f in found:
        covered.setdefault(f.sentence.index, []).append((f.start, f.end))
    for sentence in parsed.sentences:
        spans = covered.get(sentence.index, [])
        for tok in sentence.tokens:
            candidates = people.get(tok.text)
            if not candidates or len(candidates) > 1 or tok.pos_ not in ("PROPN", "NOUN") \
                    or (tok.i == sentence.span.start and tok.pos_ != "PROPN") \
                    or any(a < tok.idx + len(tok.text) and tok.idx < b for a, b in spans):
                continue  # two people of that surname: which one is not said
            person = candidates[0]
            yield _Found(key="person", name=tok.text, kind="person", sentence=sentence, start=tok.idx,
                         end=tok.idx + len(tok.text), country=person.country, cameo_sector=person.cameo_sector,
                         plover_sector=person.plover_sector, code=person.code, role=person.role,
                         resolved_by="coreference:surname")


def _person_clusters(persons: list[_Found]) -> list[_Cluster]:
    """Join "Putin" to "Vladimir Putin": a shorter name that ends a longer one is the same person,
    when it ends the name of only one person of the article ("Delacroix" after Anna and Paul
    Delacroix stays apart: which one is not said)."""
    clusters: list[_Cluster] = []
    for f in sorted(persons, key=lambda f: -len(name_words(f.name))):
        words = name_words(f.name)
        same = [c for c in clusters if name_words(c.first.name) == words]
        ending = [c for c in clusters if len(words) < len(full := name_words(c.first.name)) and full[-len(words):] == words]
        if same:
            same[0].found.append(f)
        elif len(ending) == 1:
            ending[0].found.append(f)
        else:
            clusters.append(_Cluster([f]))
    return clusters


def _sentence_order(f: _Found) -> tuple[int, int]:
    return f.sentence.index, f.start
