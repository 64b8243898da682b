"""The CAMEO verb dictionary (data/events/cameo_*.tsv, converted from PETRARCH2) compiled into a matcher
over the dependency parse.

A verb token finds its entries by lemma or inflected form (a multi-word verb also needs its words before
or after: "ask for", "cordon off"); its synonym block's patterns are then tried. A pattern is anchored on
the verb: the words before `*` must stand left of the verb in its clause (mostly its subject phrase),
the words after it right of the verb in its clause (objects, particles, preposition phrases); `(P x)`
needs a preposition P whose phrase holds x; `{a b}` a phrase headed by b with a before it; `&name` any
phrase of a synonym set. `$` and `+` name the noun phrase that is the source or the target: the object
of the preposition they follow, else the direct object (after the verb) or the subject (before it).
The pattern that matches the most words wins; none matching, the verb's own code (if any) applies.

Compiled once per process and cached on disk (pickle keyed by the data files' hashes) so that the
~4,500 patterns over ~1,800 verbs load in well under a second.
"""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Token

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.token_columns import Columns, columns

__all__ = ["VerbPattern", "VerbEntry", "VerbDictionary", "VerbMatch", "compile_dictionary", "load_verb_dictionary"]

log = logging.getLogger(__name__)

_FORMAT = 6  # bump when the compiled form changes, so that old caches are ignored
# Words that open a preposition phrase when a pattern writes one without parentheses ("FROM $ TO +").
_PREPOSITIONS = frozenset("""aboard about above across after against along alongside amid among amongst around as at
before behind below beneath beside besides between beyond by despite during except for from in inside into like near
of off on onto out outside over past per since through throughout to toward towards under underneath until unto up
upon via with within without""".split())

Alternatives = tuple[tuple[str, ...], ...]  # each alternative a word sequence; its last word is the head


@dataclass(frozen=True)
class Words:
    """A word, a synonym set or a {phrase}: `head` alternatives with `mods` that must precede the head."""

    head: Alternatives
    mods: tuple[Alternatives, ...] = ()


@dataclass(frozen=True)
class Slot:
    role: str  # "source" | "target"


@dataclass(frozen=True)
class Prep:
    prep: str
    items: tuple  # Words | Slot


@dataclass(frozen=True)
class VerbPattern:
    id: str
    block: str
    text: str
    pre: tuple  # Words | Prep | Slot
    post: tuple
    cameo: str  # code for (source, target); "" = none
    reverse: str  # code for (target, source); "" = none
    size: int  # number of words the pattern needs: the more, the more specific


@dataclass(frozen=True)
class VerbEntry:
    verb: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    block: str
    cameo: str


@dataclass(frozen=True)
class VerbMatch:
    """What the dictionary says of one verb token: the code(s), the roles bound by the pattern's slots
    (token indices), and the tokens it consumed (particles, pattern words)."""

    id: str  # "cameo:<block>.<n>" for a pattern, "cameo:<block>/<verb>" for the verb alone
    verb: str
    cameo: str
    reverse: str
    source: int | None
    target: int | None
    words: frozenset[int]  # the pattern's words (and a multi-word verb's other words)
    matched: int = 0  # how many of the pattern's words matched: 0 = the verb alone

    @property
    def weak(self) -> bool:
        return self.matched == 0


@dataclass
class VerbDictionary:
    forms: dict[str, tuple[VerbEntry, ...]]  # lemma or inflected form -> entries (multi-word ones first)
    patterns: dict[str, tuple[VerbPattern, ...]]  # block -> patterns in file order
    index: dict[str, dict[str, tuple[int, ...]]]  # block -> required word -> pattern positions
    unanchored: dict[str, tuple[int, ...]]  # block -> positions of patterns with no required word

    def __len__(self) -> int:
        return sum(len(p) for p in self.patterns.values())

    def match(self, token: Token) -> VerbMatch | None:
        """The best pattern of the verb's block that matches around `token`, else the verb's own code."""
        cols, verb = columns(token.doc), token.i
        found = self.forms.get(cols.lemma[verb]) or self.forms.get(cols.lower[verb]) or ()
        entries = [e for e in found if _entry_fits(e, cols, verb)]
        if not entries:
            return None
        region_pre, region_post = _regions(cols, verb)
        words = {w for t in region_pre + region_post for w in (cols.lower[t], cols.lemma[t])}
        best = None
        for entry in entries:
            patterns = self.patterns.get(entry.block, ())
            block_index = self.index.get(entry.block, {})
            positions = set(self.unanchored.get(entry.block, ()))
            for w in (words if len(words) < len(block_index) else [w for w in block_index if w in words]):
                positions.update(block_index.get(w, ()))
            for pos in sorted(positions):
                pattern = patterns[pos]
                if best is not None and pattern.size <= best[0]:
                    continue
                bound = _match(pattern, cols, verb, region_pre, region_post)
                if bound is not None:
                    best = (pattern.size, pattern, entry, bound)
            if best is None and entry.cameo:
                extra = frozenset(_entry_tokens(entry, cols, verb))
                phrase = " ".join((*entry.before, entry.verb, *entry.after))
                return VerbMatch(f"cameo:{entry.block}/{phrase}", entry.verb, entry.cameo, "", None, None, extra,
                                 len(entry.before) + len(entry.after))
            if best is not None:
                break  # a multi-word entry's patterns are not mixed with the single verb's
        if best is None:
            return None
        _, pattern, entry, (source, target, used) = best
        extra = frozenset(_entry_tokens(entry, cols, verb))
        return VerbMatch(f"cameo:{pattern.id}", entry.verb, pattern.cameo, pattern.reverse, source, target,
                         frozenset(used) | extra, len(used))


# --- matching ---------------------------------------------------------------------------------------------
# Over the Doc's token columns (eventwire.token_columns): tokens are their indices, and the tree is read
# from the head and children columns, so the search makes no spaCy Token for the words it only looks at.


def _entry_tokens(entry: VerbEntry, cols: Columns, verb: int) -> list[int]:
    out = []
    if entry.after:
        out += [c for c in cols.children[verb] if cols.lower[c] == entry.after[0] and c > verb]
    if entry.before and verb >= len(entry.before):
        out += range(verb - len(entry.before), verb)
    return out


def _entry_fits(entry: VerbEntry, cols: Columns, verb: int) -> bool:
    lower = cols.lower
    if entry.after:
        first = entry.after[0]
        if not any(lower[c] == first and c > verb for c in cols.children[verb]):
            if tuple(lower[verb + 1:verb + 1 + len(entry.after)]) != entry.after:
                return False
    if entry.before:
        n = len(entry.before)
        if verb < n or tuple(lower[verb - n:verb]) != entry.before:
            return False
    return True


# The links PETRARCH's patterns follow from the verb: its subject, objects, particles and preposition
# phrases, and the preposition phrases and conjuncts of those (not modifiers or clauses of their own).
_PHRASE_LINKS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "attr", "oprd", "prep", "pobj", "conj", "prt",
                           "advmod", "acomp", "agent", "npadvmod", "appos"})
_DEPTH = 4


def _regions(cols: Columns, verb: int) -> tuple[list[int], list[int]]:
    """The phrase heads of the verb's own clause, left and right of it."""
    dep, kids = cols.dep, cols.children
    pre, post = [], []
    level = [c for c in kids[verb] if dep[c] in _PHRASE_LINKS and not _is_time_phrase(cols, c)]
    for _ in range(_DEPTH):
        following = []
        for t in level:
            (pre if t < verb else post).append(t)
            following += [c for c in kids[t] if dep[c] in _PHRASE_LINKS and not _is_time_phrase(cols, c)]
        level = following
    pre.sort()
    post.sort()
    return pre, post


_TIME_ENTITIES = ("DATE", "TIME")


def _is_time_phrase(cols: Columns, token: int) -> bool:
    """ "on Tuesday", "in March": a phrase of time is no argument of the pattern."""
    ent_type = cols.ent_type
    if ent_type[token] in _TIME_ENTITIES:
        return True
    dep = cols.dep
    return dep[token] == "prep" and any(dep[c] == "pobj" and ent_type[c] in _TIME_ENTITIES
                                        for c in cols.children[token])


def _heads_of(cols: Columns, anchor: int, tokens: list[int]) -> list[int]:
    """A pattern's bare word names a phrase of the anchor itself: the verb's subject (before it), its
    object, particle or complement (after it), or a preposition's object; and their conjuncts. A noun
    deeper in a phrase ("closed the border because of fighting") is no such word."""
    head, dep = cols.head, cols.dep
    direct = {t for t in tokens if head[t] == anchor and dep[t] not in ("prep", "agent")}
    return [t for t in tokens if t in direct or (dep[t] == "conj" and head[t] in direct)]


def _attached(cols: Columns, prep: int, verb: int) -> bool:
    """The preposition hangs on the verb, on its object, or on the noun of a preposition of the verb."""
    head = cols.head[prep]
    for _ in range(3):
        if head == verb:
            return True
        if cols.dep[head] not in ("dobj", "attr", "dative", "oprd", "pobj", "prep", "nsubjpass", "nsubj", "conj"):
            return False
        head = cols.head[head]
    return head == verb


def _within(cols: Columns, token: int, head: int) -> bool:
    heads = cols.head
    for _ in range(_DEPTH + 2):
        if heads[token] == head:
            return True
        if heads[token] == token:
            return False
        token = heads[token]
    return False


def _word_at(alts: Alternatives, cols: Columns, token: int) -> bool:
    lowers, lemmas = cols.lower, cols.lemma
    lower, lemma = lowers[token], lemmas[token]
    for alt in alts:
        if alt[-1] != lower and alt[-1] != lemma:
            continue
        n = len(alt)
        if n == 1:
            return True
        if token >= n - 1 and all(lowers[token - n + 1 + k] == w or lemmas[token - n + 1 + k] == w
                                  for k, w in enumerate(alt[:-1])):
            return True
    return False


# A pattern's noun is the head of its phrase: "set up a research center" is no "set up * research".
_MODIFIERS = frozenset({"compound", "amod", "nmod", "poss", "det", "nummod", "quantmod"})


def _find_words(item: Words, cols: Columns, tokens: list[int], used: set[int]) -> int | None:
    for t in tokens:
        if t in used or cols.dep[t] in _MODIFIERS or not _word_at(item.head, cols, t):
            continue
        if item.mods:
            before = [s for s in cols.subtree(t) if s < t] or list(range(max(0, t - 3), t))
            if not all(any(_word_at(m, cols, s) for s in before) for m in item.mods):
                continue
        return t
    return None


def _phrase_head(cols: Columns, prep: int) -> int | None:
    for c in cols.children[prep]:
        if cols.dep[c] in ("pobj", "pcomp"):
            return c
    nouns = [t for t in cols.subtree(prep) if cols.pos[t] in ("NOUN", "PROPN", "PRON") and t > prep]
    return nouns[0] if nouns else None


def _object(cols: Columns, verb: int, side: str) -> int | None:
    links = ("nsubj", "nsubjpass") if side == "pre" else ("dobj", "dative", "attr", "oprd")
    return next((c for c in cols.children[verb] if cols.dep[c] in links), None)


def _match(pattern: VerbPattern, cols: Columns, verb: int, pre: list[int], post: list[int]):
    used: set[int] = set()
    roles: dict[str, int] = {}
    for side, items, tokens in (("pre", pattern.pre, pre), ("post", pattern.post, post)):
        if not _match_items(items, cols, tokens, verb, verb, side, used, roles):
            return None
    return roles.get("source"), roles.get("target"), used


def _match_items(items: tuple, cols: Columns, tokens: list[int], verb: int, anchor: int, side: str, used: set[int],
                 roles: dict[str, int]) -> bool:
    """Match items among `tokens` (phrase heads around `anchor`: the verb, or a preposition of a nested
    phrase); bound slots go to `roles`, matched tokens to `used`."""
    for item in items:
        if isinstance(item, Slot):
            head = _object(cols, verb, side) if anchor == verb else _phrase_head(cols, anchor)
            if head is None:
                return False
            roles.setdefault(item.role, head)
        elif isinstance(item, Words):
            found = _find_words(item, cols, _heads_of(cols, anchor, tokens), used)
            if found is None:
                return False
            used.add(found)
        else:
            # A bare preposition ("* against") follows the verb itself; a phrase with words may also hang
            # on the verb's object ("* SERIES (OF ATTACKS)").
            preps = [t for t in tokens if cols.lower[t] == item.prep and t not in used
                     and (cols.head[t] == anchor or (item.items and _attached(cols, t, anchor)))]
            for p in preps:
                inner = [t for t in tokens if t > p and _within(cols, t, p)]
                inner_used = set(used) | {p}
                inner_roles: dict[str, int] = {}
                if _match_items(item.items, cols, inner, verb, p, "post", inner_used, inner_roles):
                    used |= inner_used
                    for role, at in inner_roles.items():
                        roles.setdefault(role, at)
                    break
            else:
                return False
    return True


# --- compiling --------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[(){}*$+^]|[^\s(){}*$+^]+")


def _plurals(word: str) -> list[str]:
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    if word.endswith(("ss", "s", "x", "ch", "sh")):
        return [word + "es"]
    return [word + "s"]


def _alternatives(word: str, synsets: dict[str, Alternatives]) -> Alternatives:
    if word.startswith("&"):
        return synsets.get(word[1:].rstrip("_"), ())
    return ((word,),)


def _parse_items(tokens: list[str], synsets: dict[str, Alternatives]) -> tuple:
    items: list = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "(":
            j = tokens.index(")", i) if ")" in tokens[i:] else len(tokens)
            inner = tokens[i + 1:j]
            if inner:
                items.append(Prep(inner[0], _parse_items(inner[1:], synsets)))
            i = j + 1
        elif tok == "{":
            j = tokens.index("}", i) if "}" in tokens[i:] else len(tokens)
            words = [w for w in tokens[i + 1:j] if w not in ("$", "+", "^")]
            if words:
                items.append(Words(_alternatives(words[-1], synsets),
                                   tuple(_alternatives(w, synsets) for w in words[:-1])))
            i = j + 1
        elif tok in ("$", "+"):
            items.append(Slot("source" if tok == "$" else "target"))
            i += 1
        elif tok in ("^", ")", "}"):
            i += 1
        elif tok in _PREPOSITIONS and i + 1 < len(tokens) and tokens[i + 1] not in ("(", ")", "}") and (
                tokens[i + 1] in ("$", "+") or tokens[i + 1] not in _PREPOSITIONS):
            # "FROM $ TO +", "ON ORDERS": a preposition written without parentheses governs what follows
            rest = _parse_items(tokens[i + 1:i + 2] if tokens[i + 1] != "{" else tokens[i + 1:], synsets)
            items.append(Prep(tok, rest[:1]))
            if tokens[i + 1] == "{":
                i = tokens.index("}", i) + 1 if "}" in tokens[i:] else len(tokens)
            else:
                i += 2
        elif tok in _PREPOSITIONS and i + 1 == len(tokens):
            items.append(Prep(tok, ()))  # "* against": the verb's own preposition
            i += 1
        else:
            items.append(Words(_alternatives(tok, synsets)))
            i += 1
    return tuple(items)


def _size(items: tuple) -> int:
    n = 0
    for item in items:
        if isinstance(item, Words):
            n += 1 + len(item.mods)
        elif isinstance(item, Prep):
            n += 1 + _size(item.items)
        else:
            n += 1
    return n


def _anchors(items: tuple) -> set[str]:
    """Words one of which must be in the verb's clause for the pattern to match (for the index)."""
    for item in items:
        if isinstance(item, Words) and item.head:
            return {alt[-1] for alt in item.head}
        if isinstance(item, Prep):
            return {item.prep}
    return set()


def _verb_forms(verb: str) -> set[str]:
    forms = {verb}
    if verb.endswith("e"):
        forms |= {verb + "s", verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    else:
        forms |= {verb + ("es" if verb.endswith(("s", "x", "ch", "sh", "z")) else "s"), verb + "ed", verb + "ing"}
    return forms


def compile_dictionary(synset_rows: list[dict[str, str]], verb_rows: list[dict[str, str]],
                       pattern_rows: list[dict[str, str]]) -> VerbDictionary:
    synsets: dict[str, list[tuple[str, ...]]] = {}
    for row in synset_rows:
        words = tuple(row["phrase"].lower().split())
        if not words:
            continue
        alts = synsets.setdefault(row["synset"].lower().rstrip("_"), [])
        alts.append(words)
        if row.get("plurals", "yes") != "no":
            alts += [words[:-1] + (p,) for p in _plurals(words[-1])]
    frozen_synsets = {k: tuple(dict.fromkeys(v)) for k, v in synsets.items()}
    forms: dict[str, list[VerbEntry]] = {}
    blocks_used = set()
    for row in verb_rows:
        verb = row["verb"].lower()
        entry = VerbEntry(verb, tuple(row.get("before", "").lower().split()), tuple(row.get("after", "").lower().split()),
                          row["block"].lower(), row.get("cameo", ""))
        blocks_used.add(entry.block)
        irregular = {f.strip().lower() for f in row.get("forms", "").split("|") if f.strip()}
        for form in _verb_forms(verb) | irregular:
            forms.setdefault(form, []).append(entry)
    patterns: dict[str, list[VerbPattern]] = {}
    for row in pattern_rows:
        tokens = _TOKEN.findall(row["pattern"].lower())
        if "*" not in tokens:
            raise ValueError(f"cameo_patterns: {row['id']} has no verb position `*`")
        star = tokens.index("*")
        pre, post = _parse_items(tokens[:star], frozen_synsets), _parse_items(tokens[star + 1:], frozen_synsets)
        patterns.setdefault(row["block"].lower(), []).append(VerbPattern(
            row["id"], row["block"].lower(), row["pattern"], pre, post, row.get("cameo", ""), row.get("reverse", ""),
            _size(pre) + _size(post)))
    index: dict[str, dict[str, tuple[int, ...]]] = {}
    unanchored: dict[str, tuple[int, ...]] = {}
    for block, plist in patterns.items():
        words: dict[str, list[int]] = {}
        free = []
        for pos, p in enumerate(plist):
            anchors = _anchors(p.post) or _anchors(p.pre)
            if not anchors:
                free.append(pos)
            for w in anchors:
                words.setdefault(w, []).append(pos)
        index[block] = {w: tuple(v) for w, v in words.items()}
        unanchored[block] = tuple(free)
    # A multi-word verb ("ask for") is tried before the single verb ("ask").
    ordered = {f: tuple(sorted(v, key=lambda e: -(len(e.before) + len(e.after)))) for f, v in forms.items()}
    return VerbDictionary(ordered, {k: tuple(v) for k, v in patterns.items()}, index, unanchored)


_FILES = ("cameo_synsets.tsv", "cameo_verbs.tsv", "cameo_patterns.tsv")


def _cache_dir() -> Path:
    base = os.environ.get("EVENTWIRE_CACHE") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eventwire"


def load_verb_dictionary(user_verbs: str | None = None, user_patterns: str | None = None) -> VerbDictionary:
    """The built-in dictionary plus optional user files of the same formats (their rows come first),
    compiled once and cached on disk under the user cache dir (EVENTWIRE_CACHE overrides it)."""
    texts = [builtin_text("events", name) for name in _FILES]
    user = [Path(p).read_text("utf-8") if p else "" for p in (user_verbs, user_patterns)]
    key = hashlib.sha256("\x00".join([str(_FORMAT), *texts, *user]).encode()).hexdigest()[:24]
    path = _cache_dir() / f"cameo-verbs-{key}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
        pass
    synsets = read_tsv(texts[0], "cameo_synsets.tsv")
    verbs = (read_tsv(user[0], user_verbs or "") if user[0] else []) + read_tsv(texts[1], "cameo_verbs.tsv")
    patterns = (read_tsv(user[1], user_patterns or "") if user[1] else []) + read_tsv(texts[2], "cameo_patterns.tsv")
    compiled = compile_dictionary(synsets, verbs, patterns)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(compiled, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as exc:  # a read-only home still codes, only slower to start
        log.info("verb dictionary cache not written (%s)", exc)
    return compiled
