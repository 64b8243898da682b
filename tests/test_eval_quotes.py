"""PolNeAR dev quote attribution must stay at or above the floors in eval/floors.toml [quotes_polnear].

Needs ../shared beside the checkout (or $EVENTWIRE_SHARED); skipped with the reason when it is absent.
Run alone with `pytest -m eval`.
"""
from __future__ import annotations

import sys

import pytest

from conftest import SHARED, floors, load_scorer

pytestmark = [pytest.mark.eval, pytest.mark.shared]

SCORER = "quotes_polnear"


def test_quotes_polnear_floors() -> None:
    path = SHARED / "eval" / "quotes" / "polnear"
    if not (path / "dev").is_dir():
        pytest.skip(f"dev set {path} not found: ../shared must sit beside the checkout")
    limits = floors("quotes_polnear")
    result = load_scorer(SCORER).score(path)
    assert result["n"] > 0
    assert result["content_f1"] >= limits["content_f1_floor"], result
    assert result["source_f1"] >= limits["source_f1_floor"], result
