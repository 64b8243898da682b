"""Titles around a person's name ("Turkish President ...", "..., the Kremlin spokesman", "King Hassan of
Morocco") and the people table's office on the article's date.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from spacy.tokens import Span, Token

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.ground.actor_common import _ngrams, _slice
from eventwire.ground.actor_dictionary import latest_begun
from eventwire.ground.actor_kb import ActorKB, Organisation, Person
from eventwire.read import Sentence

_TITLE_POS = {"PROPN", "NOUN", "ADJ"}


# Title words that make an office a former one (CAMEO ELI, "former president Carlos Menem").
_FORMER = {"former", "ousted", "ex", "ex-", "deposed", "toppled", "exiled", "onetime", "one-time"}


_HONORIFICS = {"Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Sir", "Dame", "Lt", "Lt.", "Gen", "Gen.",
               "Col", "Col.", "Maj", "Maj.", "Capt", "Capt.", "Sgt", "Sgt."}


@dataclass
class _Title:
    country: str | None = None
    how: str | None = None
    role: str | None = None
    cameo: str | None = None
    plover: str | None = None
    org: Organisation | None = None
    text: str = ""
    org_tokens: frozenset[int] = frozenset()  # the tokens naming `org`

    @property
    def useful(self) -> bool:
        return bool(self.role or self.org)


def _analyse_title(tokens: list[Token], kb: ActorKB) -> _Title:
    """Country (demonym, name, seat, organisation) and role within a title phrase."""
    title = _Title(text=" ".join(t.text for t in tokens))
    if not tokens:
        return title
    doc = tokens[0].doc
    first_i, last_i = tokens[0].i, tokens[-1].i
    used: set[int] = set()
    # Organisations first: "head of the Syrian Observatory for Human Rights" names an NGO, not Syria.
    for first, last, text in _ngrams(doc, first_i, last_i + 1, kb.may_begin_name):
        org = kb.org_names.get(text)
        if org and title.org is None and not kb.country_of(text):
            title.org = org
            title.org_tokens = frozenset(range(first, last + 1))
            used.update(title.org_tokens)
            break
    if title.org is None and hasattr(kb, "named_organisation_word"):
        # "observatory head Rami ...", "the commission's chairman": a lower-case word of the name of
        # an organisation the article names stands for it
        for tok in tokens:
            org = kb.named_organisation_word(tok.lower_) if tok.pos_ in ("NOUN", "PROPN", "ADJ") and tok.text.islower() \
                and tok.lower_ not in kb.roles else None
            if org is not None:
                title.org, title.org_tokens = org, frozenset({tok.i})
                used.add(tok.i)
                break
    for first, last, text in _ngrams(doc, first_i, last_i + 1, kb.may_begin_name):
        if used & set(range(first, last + 1)):
            continue
        hit = kb.country_of(text)
        if hit and title.country is None:
            title.country, title.how = hit
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
    if best is None and (tokens[0].lower_ == "of" or title.country is not None or title.org is not None):
        # "of the Northern Front rebel faction", "a member of the Syrian parliament, Jane Roe": with no
        # role, a title that names a body by its group word makes the person a member of it
        group = next((g for t in reversed(words) if (g := _group_word(t, kb)) is not None), None)
        if group is not None:
            sector = kb.groups[group]
            title.role, title.cameo, title.plover = f"member ({group})", sector.cameo, sector.plover
            return title
    if best:
        sector = kb.roles[best]
        title.role, title.cameo, title.plover = best, sector.cameo, sector.plover
        if title.cameo not in ("ELI",) and _FORMER & set(lowered):
            # "Ousted President Askar Akayev": a former office holder is an elite, not the government.
            title.role, title.cameo, title.plover = f"former {best}", "ELI", "ELI"
    return title


def _merge_titles(left: _Title, right: _Title) -> _Title:
    """A title split around the name: "President Omar al-Bashir of Sudan", "Kofi Annan, UN secretary-general"."""
    if not left.useful and not left.country:
        return right
    if not right.useful and not right.country:
        return left
    merged = _Title(text=" ".join(x for x in (left.text, right.text) if x))
    for attr in ("country", "how", "org"):
        setattr(merged, attr, getattr(left, attr) or getattr(right, attr))
    merged.org_tokens = left.org_tokens | right.org_tokens
    role_from = left if left.role else right
    merged.role, merged.cameo, merged.plover = role_from.role, role_from.cameo, role_from.plover
    return merged


@functools.lru_cache(maxsize=1)
def _furniture_words() -> frozenset[str]:
    """Words of page furniture before a name ("Image caption", "Photo: ..."): data/actors/furniture_words.tsv."""
    rows = read_tsv(builtin_text("actors", "furniture_words.tsv"), "data/actors/furniture_words.tsv")
    return frozenset(r["word"].lower() for r in rows)


def _left_title(ent: Span, sentence: Sentence) -> list[Token]:
    doc = ent.doc
    j = ent.start - 1
    floor = sentence.span.start
    if j >= floor and doc[j].text == ",":
        j -= 1  # "Kremlin spokesperson, Dmitry Peskov"
    tokens: list[Token] = []
    while j >= floor and len(tokens) < 7:
        tok = doc[j]
        if tok.lower_ in _furniture_words():
            break  # "Media caption Julian Assange ...": page furniture, no title
        linking = tok.lower_ in ("for", "of") and tokens and tokens[0].text[:1].isupper() \
            and j - 1 >= floor and doc[j - 1].pos_ in _TITLE_POS  # "Federal Minister for Interior"
        if tok.ent_type_ == "PERSON" or not (tok.pos_ in _TITLE_POS or tok.lower_ in _FORMER or tok.text in ("-", "’s", "'s")
                                              or tok.tag_ == "POS" or tok.text in _HONORIFICS or linking):
            break
        tokens.insert(0, tok)
        j -= 1
    return tokens


def _right_title(ent: Span, sentence: Sentence, kb: ActorKB) -> list[Token]:
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
    start = i + 1 if doc[i].text == "," else None
    if doc[i].pos_ == "NOUN" and doc[i].text[:1].islower() and (
            doc[i].lower_ in kb.roles or (i + 1 < end and doc[i + 1].lower_ == "of")):
        start = i  # "said Jane Roe head of the observatory": an appositive whose comma the source dropped
    if start is not None:
        tokens = []
        # "Philip Luther, Research and Advocacy Director for the Middle East and North Africa at
        # Amnesty International": an appositive title runs to the next comma or verb (a participle
        # modifying a word of it is no verb: "Algeria's leading rights activist")
        for tok in doc[start: min(end, start + 19)]:
            if tok.text in (",", ";", ".", "–", "—") or (tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "compound")) \
                    or (not tokens and tok.ent_type_ == "PERSON"):
                break  # "Putin, Emmanuel Macron [French president]": a list of names, no title
            tokens.append(tok)
        return tokens
    if doc[i].lower_ == "of":
        # "King Hassan of Morocco": the longest country name after "of".
        for last in range(min(end, i + 4) - 1, i, -1):
            if kb.country_of(_slice(doc, i + 1, last)):
                return list(doc[i: last + 1])
        # "Jane Roe of the Northern Front rebel faction": a member of a group named by its group word
        for obj in (c for c in doc[i].children if c.dep_ == "pobj" and c.i < end):
            if any(_group_word(t, kb) for t in doc[i + 1: obj.i + 1]):
                return list(doc[i: obj.i + 1])
    return []


def _group_word(tok: Token, kb: ActorKB) -> str | None:
    """The group phrase (groups.tsv, the Phoenix agents) a title word names, singular or plural."""
    word = tok.lower_
    for form in (word, word + "s"):
        if tok.pos_ in ("NOUN", "ADJ") and form in kb.groups:
            return form
    return None


def _strip_name(ent: Span, kb: ActorKB) -> tuple[Span, list[Token]]:
    """Move leading honorifics and role words that the NER put inside the name out of it."""
    start = ent.start
    moved: list[Token] = []
    while start < ent.end - 1:
        tok = ent.doc[start]
        if tok.text in _HONORIFICS or tok.text.lower() in kb.roles or tok.lower_ in _FORMER \
                or (kb.country_of(tok.text) or ("", "ethnic"))[1] != "ethnic":  # "Karen Smith" is a name
            moved.append(tok)
            start += 1
        else:
            break
    return ent.doc[start: ent.end], moved


def _office(kb: ActorKB, name: str, day: str | None) -> tuple[Person, bool] | None:
    """The people-table row for a name on a date: (row, in office). Without a date, the latest office.
    After every office ended: the last one, not in office. Before the first began: None."""
    name = kb.respell(name)
    offices = kb.offices_of(name)
    if not offices and " " in name:
        offices = kb.offices_of(name.split()[-1])  # "Ehud Barak" when only the alias "Barak" is listed
        offices = [o for o in offices if o.name.split()[-1] == name.split()[-1]]
    if not offices:
        return None
    if day is None:
        latest = max(offices, key=lambda o: o.start)
        return latest, latest.end is None
    current = latest_begun(offices, day)
    if current is not None:
        return current, True
    ended = [o for o in offices if o.end is not None and o.end < day]
    if ended:
        return max(ended, key=lambda o: o.end or ""), False
    return None


def _own_country(kb: ActorKB, name: str) -> str | None:
    """The one country of all a person's rows in the people table, whatever the dates."""
    name = kb.respell(name)
    offices = kb.offices_of(name)
    if not offices and " " in name:
        offices = [o for o in kb.offices_of(name.split()[-1]) if o.name.split()[-1] == name.split()[-1]]
    countries = {o.country for o in offices}
    return countries.pop() if len(countries) == 1 else None
