"""Tokens are compared by position, never by identity: spaCy makes a new Token object on every
access (`doc[0] is doc[0]` is False), so `tok.head is tok` never holds, even at a sentence's root."""
from __future__ import annotations

import ast
from pathlib import Path

from eventwire.coding.acled import _depth
from eventwire.coding.modality import _clause_chain

SRC = Path(__file__).resolve().parent.parent / "src" / "eventwire"
# Attributes that hold spaCy Tokens in our records and candidates.
TOKEN_ATTRIBUTES = {"head", "trigger", "governor", "root", "left_edge", "right_edge"}


def _root(doc):
    return next(t for t in doc if t.dep_ == "ROOT")


def test_a_new_token_object_on_every_access(nlp):
    doc = nlp("Rebels shelled the town.")
    root = _root(doc)
    assert root.head is not root and root.head == root  # why identity cannot be used


def test_the_clause_chain_stops_at_the_root(nlp):
    doc = nlp("Rebels shelled the town.")
    root = _root(doc)
    assert [t.i for t in _clause_chain(root)] == [root.i]
    town = next(t for t in doc if t.lower_ == "town")
    assert [t.i for t in _clause_chain(town)] == [town.i, root.i]


def test_depth_counts_the_steps_to_the_root(nlp):
    doc = nlp("Rebels shelled the town.")
    root = _root(doc)
    town = next(t for t in doc if t.lower_ == "town")
    assert _depth(root) == 0 and _depth(town) == 1


def test_no_token_is_compared_by_identity():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare) or not any(isinstance(o, (ast.Is, ast.IsNot)) for o in node.ops):
                continue
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Constant) for s in sides):
                continue
            if any(isinstance(s, ast.Attribute) and s.attr in TOKEN_ATTRIBUTES for s in sides):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not found, f"tokens compared with `is` (compare .i): {found}"
