"""Event coding quality on the PLOVER gold records, with the floors CI enforces (eval/floors.toml)."""

import pytest

from conftest import floors, load_scorer, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]

SCORER = "events_plover"


def test_event_coding_meets_floors():
    path = need_shared("eval", "events", "PLOVER_GSR_CAMEO.json")
    limits = floors("events_plover")
    result = load_scorer(SCORER).score(path)
    assert result["n"] == 322
    assert result["type_accuracy"] >= limits["type_accuracy_floor"]
    assert result["triple_f1"] >= limits["triple_f1_floor"]
