"""Dependency patterns of the trigger table (data/events/triggers.tsv, column `pattern`), compiled once with
the codebook and matched at a trigger token.

A pattern is one or more chains separated by `;`, each starting at the trigger `*` and walking the parse
one link at a time, the way spaCy's DependencyMatcher relates its nodes; `||` separates alternatives (the
first that matches binds):

    * >prep at|on >pobj +                 "fired at the convoy": the object of "at"/"on" is the target
    * >nsubjpass + ; * >agent by >pobj $   "the convoy was hit by rebels": the passive agent is the source
    * <dobj|nsubjpass sever|cut           "severed ties": the verb that takes the noun as object
    * >dobj diplomat || * >dobj _ >prep of >pobj diplomat   "expelled (a group of) diplomats"

`>DEPS NODE` goes to a child linked by one of DEPS (`|`-separated; a bare `>` takes any link), `<DEPS NODE`
to the head the current node hangs on by one of DEPS; `!>DEPS NODE` (or `!<`) holds where no such node is
linked, and stays where it is ("* !>dobj _": the verb has no object); a conjunct counts as linked the way its first
conjunct is ("blocked traffic and roads"). A node is `$` (the source), `+` (the target), `_`
(any token) or pattern words `w1|w2` (a token whose text, lemma or past-form stem is one of them). The
trigger's row is found first (by lemma, as before); the pattern is then tried only at that token, so a
row's pattern costs nothing on the rest of the text. The nodes a match binds to `$` and `+` are the
event's source and target phrases; its pattern words are part of the act.

The `when` column's parse conditions (prep:, particle:, object:, verb:, modifier:) are shorthands for
patterns and compile to the same form (`shorthand_pattern`)."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

__all__ = ["PatternNode", "PatternStep", "PatternMatch", "TriggerPattern", "compile_pattern", "shorthand_pattern",
           "PARSE_CONDITIONS"]


@dataclass(frozen=True)
class PatternNode:
    role: str  # "source" | "target" | "word" | "any"
    words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PatternStep:
    down: bool  # True: a child of the current node; False: its head
    deps: frozenset[str]  # the link's labels; empty = any
    node: PatternNode
    negated: bool = False  # the step holds where no such node is linked


@dataclass(frozen=True)
class PatternMatch:
    """The nodes a pattern bound at one trigger token (token indices in its Doc)."""

    source: int | None
    target: int | None
    words: frozenset[int]


_ROLES = {"$": "source", "+": "target", "_": "any"}


_Chains = tuple[tuple[PatternStep, ...], ...]


@dataclass(frozen=True)
class TriggerPattern:
    text: str
    alternatives: tuple[_Chains, ...]  # each a conjunction of chains

    @property
    def names_head(self) -> bool:
        """The pattern names the word the trigger hangs on ("lift a curfew": the verb taking the noun)."""
        return any(chain[0].node.role == "word" and not chain[0].down
                   for chains in self.alternatives for chain in chains)

    def match(self, trigger: Token) -> PatternMatch | None:
        """The binding of the first alternative that matches at this trigger token, or None."""
        for chains in self.alternatives:
            bound = _match_chains(chains, trigger)
            if bound is not None:
                return bound
        return None


def _match_chains(chains: _Chains, trigger: Token) -> PatternMatch | None:
    """The first binding of every chain at this trigger token (in reading order), or None."""
    roles: dict[str, int] = {}
    words: set[int] = set()
    for chain in chains:
        bound = _walk(chain, 0, trigger, trigger.i)
        if bound is None:
            return None
        for role, at in bound:
            if role == "word":
                words.add(at)
            elif role != "any":
                roles.setdefault(role, at)
    return PatternMatch(roles.get("source"), roles.get("target"), frozenset(words))


def _forms(token: Token) -> tuple[str, ...]:
    """The token's text and lemma, and stems of a past form (the small model lemmatises "staged" as "stag")."""
    word, lemma = token.lower_, token.lemma_.lower()
    if token.tag_ in ("VBD", "VBN") and word.endswith("ed"):
        return word, lemma, word[:-1], word[:-2]
    return word, lemma


def _fits(node: PatternNode, token: Token) -> bool:
    return node.role != "word" or any(f in node.words for f in _forms(token))


def _walk(chain: tuple[PatternStep, ...], at: int, token: Token, start: int) -> list[tuple[str, int]] | None:
    """Bind chain[at:] from `token`, trying candidates in reading order (backtracking); None if none fits."""
    if at == len(chain):
        return []
    step = chain[at]
    if step.down:
        linked = [c for c in token.children if not step.deps or c.dep_ in step.deps]
        # A conjunct shares its head's link: "blocked traffic and roads", "fired at soldiers and police".
        candidates = linked + [c for t in linked for c in t.conjuncts if c not in linked]
    else:
        first = token
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head  # "the curfew and the ban were lifted": "ban" hangs on "lifted" as "curfew" does
        head = first.head
        candidates = [head] if head.i != first.i and (not step.deps or first.dep_ in step.deps) else []
    if step.negated:
        if any(cand.i != start and _fits(step.node, cand) for cand in candidates):
            return None
        return _walk(chain, at + 1, token, start)
    for cand in candidates:
        if cand.i == start or not _fits(step.node, cand):
            continue
        rest = _walk(chain, at + 1, cand, start)
        if rest is not None:
            return [(step.node.role, cand.i), *rest]
    return None


def _node(text: str, where: str) -> PatternNode:
    if text in _ROLES:
        return PatternNode(_ROLES[text])
    words = frozenset(w.strip().lower() for w in text.split("|") if w.strip())
    if not words or any(w in ("*", "$", "+", "_") or w[0] in "<>" for w in words):
        raise ValueError(f"{where}: `{text}` is no pattern node ($, +, _ or words w1|w2)")
    return PatternNode("word", words)


def compile_pattern(text: str, where: str) -> TriggerPattern:
    """Compile a pattern; `where` names the row in errors."""
    alternatives = tuple(_compile_chains(alternative, text, where) for alternative in text.split("||"))
    return TriggerPattern(text, alternatives)


def _compile_chains(alternative: str, text: str, where: str) -> _Chains:
    chains = []
    for part in alternative.split(";"):
        tokens = part.split()
        if not tokens:
            continue
        if tokens[0] != "*":
            raise ValueError(f"{where}: each chain of the pattern `{text}` starts at the trigger `*`")
        if len(tokens) % 2 == 0:
            raise ValueError(f"{where}: the pattern `{text}` has a link with no node after it")
        steps = []
        for rel, node in zip(tokens[1::2], tokens[2::2]):
            negated = rel.startswith("!")
            rel = rel[1:] if negated else rel
            if not rel or rel[0] not in "<>":
                raise ValueError(f"{where}: `{rel}` in `{text}` is no link (>dep, <dep, !>dep or !<dep)")
            deps = frozenset(d for d in rel[1:].split("|") if d)
            found = _node(node, where)
            if negated and found.role in ("source", "target"):
                raise ValueError(f"{where}: a negated link in `{text}` cannot bind $ or +")
            steps.append(PatternStep(rel[0] == ">", deps, found, negated))
        if not steps:
            raise ValueError(f"{where}: the pattern `{text}` has a chain with no link")
        chains.append(tuple(steps))
    if not chains:
        raise ValueError(f"{where}: empty pattern" if not text.strip() else f"{where}: the pattern `{text}` has an empty alternative")
    return tuple(chains)


# The `when` conditions that the parse alone decides, and the pattern each is short for.
_SHORTHANDS = {
    "prep": "* >prep {}",  # "call for", "fire at"
    "particle": "* >prt {}",  # "crack down"
    # "expel diplomats", "roads were blocked", "sent a team of inspectors" (what a group or measure counts)
    "object": "* >dobj|nsubjpass {0} || * >dobj|nsubjpass _ >prep of >pobj {0}",
    "verb": "* <dobj|nsubjpass {}",  # (nouns) "sever ties", "the curfew was lifted"
    "modifier": "* >amod|compound|nmod {}",  # (nouns) "a media attack"
}
PARSE_CONDITIONS = frozenset(_SHORTHANDS)


def shorthand_pattern(when: str, where: str) -> TriggerPattern | None:
    """The pattern a parse condition of the `when` column stands for; None for other conditions."""
    kind, _, values = when.partition(":")
    if kind not in _SHORTHANDS:
        return None
    words = [w for w in values.replace(" ", "").split("|") if w]
    text = _SHORTHANDS[kind].format("|".join(w for w in words if w != "-"))
    if kind == "object" and "-" in words:  # `-`: the verb has no object ("the army mobilized")
        text = "* !>dobj|nsubjpass _" + (f" || {text}" if len(words) > 1 else "")
    return compile_pattern(text, where)
