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
- no guessed countries: a person with a role but no country takes the country of its sentence only
  when the sentence names exactly one, the article's when it names none; a generic group marked
  `country_from=article` in groups.tsv takes a place of its own clause, else the article's dominant
  country; the plural generic groups (protesters, villagers, militants) only the text around them;
- the Phoenix dictionaries (data/actors/phoenix_*.tsv): people, institutions and armed groups with
  codes dated against the publication date, and ~3,300 agent nouns composed with countries;
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
- organisations no dictionary lists, by the kind word of their name (organisation_words.tsv), a
  plural group noun of the name, a group word before it or an appositive (actor_organisations);
  leaders of an organisation take its code or sector, groups loyal or opposed to an actor its country;
- discard phrases (sports, entertainment) and time zones are no actors;
- a title written right before a person's name ("the Kenyan envoy Jane Roe") is a mention of that person,
  and makes the name a person's where the NER saw an organisation ("Vice-President Jane Roe");
- settlements named as where people suffer an act ("a curfew in Abidjan", "rebels shelled Juba") are
  their civilians (actor_populations, data/actors/population_acts.tsv);
- a device that killed with no author named ("a car bomb explosion in Beirut") is unidentified
  attackers of the one country its place phrases name (actor_devices, data/actors/device_words.tsv);
- a state that did not exist on the publication date is coded as the state its territory belonged to
  (actor_successions, data/actors/state_successions.tsv: "Juba" in 2005 is Sudan's).

The finders live in actor_names (persons, dictionary organisations, countries), actor_organisations
(organisations no dictionary lists), actor_groups (groups, roles,
demonyms), actor_geography (places, the article's country), actor_devices, actor_titles, actor_spelling
and actor_coreference; actor_populations turns places into their people after; this module composes them.
"""
from __future__ import annotations

import functools
import logging

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.ground.actor_common import _Context, _Found
from eventwire.ground.actor_devices import devices
from eventwire.ground.actor_coreference import (
    _Cluster, _person_clusters, _pronouns, _same_group_country, _sentence_order, _surname_mentions,
)
from eventwire.ground.actor_geography import _capital_country, _country_hits, _dominant_country, _places
from eventwire.ground.actor_groups import _groups_and_roles
from eventwire.ground.actor_kb import ActorKB
from eventwire.ground.actor_names import _dictionary_actors, _discarded, _named, _persons
from eventwire.ground.actor_organisations import unlisted_organisations
from eventwire.ground.actor_populations import as_populations, settlement_populations
from eventwire.ground.actor_successions import as_of
from eventwire.ground.actor_spelling import _ArticleKB, _misspellings
from eventwire.read import Parsed, Sentence
from eventwire.record import Actor

__all__ = ["resolve_actors"]


log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _byline_cues() -> tuple[str, ...]:
    rows = read_tsv(builtin_text("actors", "byline_cues.tsv"), "data/actors/byline_cues.tsv")
    return tuple(r["cue"].lower() for r in rows)


def _is_byline(sentence: Sentence) -> bool:
    """A byline, contributor credit or author bio (data/actors/byline_cues.tsv), or a headline's last
    " | " part that is only a person's name ("We demand more | Jane Roe")."""
    text = sentence.text.lower()
    if any(cue in text for cue in _byline_cues()):
        return True
    if sentence.section == "title" and "|" in sentence.text:
        last = max((t.i for t in sentence.tokens if t.text == "|"), default=None)
        rest = [t for t in sentence.tokens if last is not None and t.i > last]
        return bool(rest) and all(t.ent_type_ == "PERSON" or t.is_punct for t in rest)
    return False


def resolve_actors(parsed: Parsed, kb: ActorKB) -> tuple[Actor, ...]:
    """All actors of the article, each with its mentions; ids follow the order of first mention."""
    published = parsed.document.published
    article_kb = _ArticleKB(kb, _misspellings(parsed, kb))
    article_kb.sentences = parsed.sentences
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
        if _is_byline(sentence):
            continue  # the writers of the article are no actors of its news
        taken: set[int] = _discarded(sentence, article_kb)
        article_kb.here = [c for c in (home, *(iso3 for _, iso3 in nearby[sentence.index])) if c]
        found.extend(_persons(sentence, ctx, taken))
        found.extend(unlisted_organisations(sentence, ctx, taken, country_named=True))
        found.extend(_named(sentence, ctx, taken))
        found.extend(_dictionary_actors(sentence, ctx, taken))
        found.extend(unlisted_organisations(sentence, ctx, taken, country_named=False))
        found.extend(_groups_and_roles(sentence, ctx, taken))
        found.extend(devices(sentence, ctx, taken))
        found.extend(settlement_populations(sentence, ctx, taken))
        found.extend(_places(sentence, ctx, taken))
    found = as_of(as_populations(found, ctx), ctx.day)
    _same_group_country(found)
    found.extend(list(_surname_mentions(parsed, found)))
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
            evidence=best.sentence.evidence((best.sentence.paragraph.offset + best.start,
                                             best.sentence.paragraph.offset + best.end)),
            resolved_by=best.resolved_by,
            role=best.role,
            wikidata=next((f.wikidata for f in named if f.wikidata), None),
            media_only=best.media,
        ))
    return tuple(actors)
