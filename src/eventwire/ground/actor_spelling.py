"""Misspelt known names in an article ("Ethopia", "Ghanians", "Mitterand") and the article's view of
the actor KB that reads them as the names; ethnic groups' countries in context.
"""
from __future__ import annotations

import functools
import glob
import importlib.util
import logging

from spacy.tokens import Token

from eventwire.token_columns import columns
from eventwire.ground.actor_kb import ActorKB, EthnicGroup, Person, may_begin_key
from eventwire.read import Parsed

log = logging.getLogger(__name__)


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


class _ArticleKB:
    """The actor KB as one article reads it: the article's misspellings of known names read as the
    names ("Ethopia" -> Ethiopia), and ethnic groups give a country (how = "ethnic"): for groups
    marked `context`, the article's country or else the sentence's first one that is among the
    group's home countries (`here`, set sentence by sentence); otherwise their usual home country.
    Every other attribute is the KB's."""

    def __init__(self, kb: ActorKB, spellings: dict[str, str]):
        self._kb = kb
        self.spellings = spellings
        # "EUs High Representative": an organisation's possessive written without its apostrophe
        extra = {word: kb.org_names[right[:-2]] for word, right in spellings.items()
                 if right.endswith("'s") and right[:-2] in kb.org_names}
        self.org_names = {**kb.org_names, **extra} if extra else kb.org_names
        self.sentences: tuple = ()  # set by resolve_actors: the article's, for named_organisation_word
        self._org_words: dict | None = None
        self.here: list[str] = []  # the article's country, then the sentence's countries
        # answers the finders ask again and again of one article's tokens (actor_groups._ending_at,
        # actor_names._sentence_words); lives as long as the article's view
        self.memo: dict = {}
        self._misspelt = tuple(sorted(spellings))
        self._begins: dict[str, bool] = {}  # may_begin_name's answers
        # text -> what country_of found before the sentence's countries matter: a (ISO-3, how) hit, an
        # ethnic group (its country depends on `here`), or False; the finders ask of the same texts
        # many times an article
        self._countries: dict[str, tuple[str, str] | EthnicGroup | bool] = {}

    def __getattr__(self, name: str):
        # Called only when the attribute is not this view's own: the KB's tables are asked for
        # ~100,000 times over 100 articles ("regions" by every n-gram of _country_hits), and each miss
        # costs a failed lookup first, so the KB's value is kept on the view at the first miss (the
        # KB's tables and cached properties do not change once loaded).
        value = getattr(self._kb, name)
        self.__dict__[name] = value
        return value

    def respell(self, text: str) -> str:
        return " ".join(self.spellings.get(w, w) for w in text.split())

    def may_begin_name(self, word: str) -> bool:
        """ActorKB.may_begin_name, and the article's misspellings of names (answered once per word)."""
        known = self._begins.get(word)
        if known is None:
            known = self._begins[word] = self._kb.may_begin_name(word) or (
                bool(self._misspelt) and may_begin_key(self._misspelt, word))
        return known

    def named_organisation_word(self, word: str):
        """The organisation of organisations.tsv named in this article (by any of its names) that a
        lower-case word of its name stands for later ("the observatory", "observatory head"): only a
        word of 5+ letters that belongs to one such organisation."""
        if self._org_words is None:
            text = "\n".join(s.text for s in self.sentences)
            owners: dict[str, list] = {}
            for name, org in self._kb.org_names.items():
                if len(name) > 4 and name in text:
                    for w in name.lower().split():
                        if len(w) > 4 and w.isalpha() and not any(o is org for o in owners.get(w, ())):
                            owners.setdefault(w, []).append(org)
            self._org_words = {w: orgs[0] for w, orgs in owners.items() if len(orgs) == 1}
        return self._org_words.get(word)

    def organisation(self, text: str):
        """ActorKB.organisation, with the article's possessives written without an apostrophe."""
        return self.org_names.get(text) or self._kb.organisation(text)

    def offices_of(self, name: str) -> list[Person]:
        return self._kb.offices_of(self.respell(name))

    def country_of(self, text: str) -> tuple[str, str] | None:
        known = self._countries.get(text)
        if known is None:
            known = self._countries[text] = self._country_or_group(text)
        if not isinstance(known, EthnicGroup):
            return known or None
        group = known
        choices = [c for c in self.here if not group.countries or c in group.countries] if group.from_context else []
        country = choices[0] if choices else (group.countries[0] if group.countries else None)
        return (country, "ethnic") if country in self._kb.countries else None

    def _country_or_group(self, text: str) -> tuple[str, str] | EthnicGroup | bool:
        """country_of's answer where it does not depend on the sentence: the hit, the ethnic group
        the text names, or False."""
        hit = self._kb.country_of(text)
        if hit:
            return hit
        bare = text.strip()
        if bare.lower().startswith("the "):
            bare = bare[4:]
        if bare.endswith(("’s", "'s")):
            bare = bare[:-2]
        right = self.spellings.get(bare, bare)
        if right.endswith("'s"):
            right = right[:-2]  # a possessive without its apostrophe ("Syrias")
        if right != bare and (hit := self._kb.country_of(right)):
            return hit
        return self._kb.ethnic.get(right) or False


def _may_be_stripped_possessive(text: str) -> bool:
    """The form of a possessive without its apostrophe: a capitalised word of 3+ characters ending in "s"."""
    return len(text) >= 3 and text.endswith("s") and text[:1].isupper() and text[:-1].isalnum()


def _stripped_possessive(tok: Token, kb: ActorKB, words: frozenset[str]) -> str | None:
    """"Syrias President", "the EUs envoy": a possessive whose apostrophe the source stripped -> the
    name with it ("Syria's"): a capitalised word ending in "s" that is no known name and no English
    word, whose stem is a country name, capital, seat or organisation, before a word it possesses."""
    text = tok.text
    if not _may_be_stripped_possessive(text) or tok.lower_ in words or kb.country_of(text) or text in kb.org_names:
        return None
    nxt = tok.nbor() if tok.i + 1 < len(tok.doc) else None
    if nxt is None or not (nxt.pos_ in ("NOUN", "PROPN", "ADJ") and nxt.is_alpha):
        return None
    stem = text[:-1]
    hit = kb.country_of(stem)
    if (hit and hit[1] in ("name", "capital", "seat")) or stem in kb.org_names:
        return stem + "'s"
    return None


def _misspellings(parsed: Parsed, kb: ActorKB) -> dict[str, str]:
    """Misspelt known names in the article -> the names ("Afganistan" -> "Afghanistan"): capitalised
    alphabetic words of 6+ letters that are neither English words nor known names; and possessives
    written without their apostrophe ("Syrias" -> "Syria's", _stripped_possessive)."""
    words = _english_words()
    found: dict[str, str] = {}
    for sentence in parsed.sentences:
        doc, tokens = sentence.paragraph.doc, sentence.paragraph.tokens
        texts, lowers, lemmas = columns(doc).text, columns(doc).lower, columns(doc).lemma
        labels = columns(doc).ent_type
        for k in range(sentence.span.start, sentence.span.end):
            text = texts[k]
            if text not in found and _may_be_stripped_possessive(text) \
                    and (possessive := _stripped_possessive(tokens[k], kb, words)) is not None:
                found[text] = possessive
                continue
            lower = lowers[k]
            if text in found or not (text[:1].isupper() and text.isalpha() and len(text) >= 6) \
                    or lower in words or lemmas[k] in words or text in kb.org_names \
                    or (lower.endswith("s") and lower[:-1] in words):  # "Standards"
                continue
            # A word of a person's name may only be a misspelt surname ("Francois Mitterand"), never
            # a country ("Angela" is no "Angola").
            right = kb.correct_spelling(text, person=labels[k] == "PERSON")
            if right is None and labels[k] != "PERSON":
                right = kb.closest_kind_word(text)
            if right is not None:
                found[text] = right
    return found
