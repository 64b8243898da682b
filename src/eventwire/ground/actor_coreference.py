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
