"""ACLED sub-event typing on the CASE 2021 task 2 dev half, with the floors CI enforces (eval/floors.toml)."""

import pytest

from conftest import floors, load_scorer, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]

SCORER = "events_case2021"


def test_case2021_typing_meets_floors():
    path = need_shared("eval", "events", "case2021", "task2-dev.tsv")
    limits = floors("events_case2021")
    result = load_scorer(SCORER).score(path)
    assert result["n"] == 480
    assert result["weighted_f1"] >= limits["weighted_f1_floor"]
    assert result["macro_f1"] >= limits["macro_f1_floor"]
    assert result["coverage"] >= limits["coverage_floor"]
