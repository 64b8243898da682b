"""PolNeAR dev quote attribution must stay at or above the floors in eval/floors.toml [quotes_polnear].

Needs ../shared beside the checkout (or $EVENTWIRE_SHARED); skipped with the reason when it is absent.
Run alone with `pytest -m eval`.
"""
from __future__ import annotations

import pytest

from conftest import floors, load_scorer, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]

SCORER = "quotes_polnear"


def test_quotes_polnear_floors() -> None:
    path = need_shared("eval", "quotes", "polnear", "dev").parent
    limits = floors("quotes_polnear")
    result = load_scorer(SCORER).score(path)
    assert result["n"] > 0
    assert result["content_f1"] >= limits["content_f1_floor"], result
    assert result["source_f1"] >= limits["source_f1_floor"], result
