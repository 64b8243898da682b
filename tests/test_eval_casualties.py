"""FA-KES civilian death tolls must stay at or above the floors in eval/floors.toml [casualties_fakes].

Needs ../shared beside the checkout (or $EVENTWIRE_SHARED); skipped with the reason when it is absent.
Run alone with `pytest -m eval`.
"""
from __future__ import annotations

import pytest

from conftest import floors, load_scorer, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]

SCORER = "casualties_fakes"


def test_casualties_fakes_floors() -> None:
    path = need_shared("eval", "casualties", "fakes-dev.csv")
    limits = floors("casualties_fakes")
    result = load_scorer(SCORER).score(path)
    assert result["n_nonzero"] > 0 and result["n_zero"] > 0
    summary = {k: v for k, v in result.items() if k != "rows"}
    assert result["accuracy_nonzero"] >= limits["accuracy_nonzero_floor"], summary
    assert result["accuracy_zero"] >= limits["accuracy_zero_floor"], summary
