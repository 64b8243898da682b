"""Event coding quality on the PLOVER gold records, with the floors CI enforces (eval/floors.toml)."""
import importlib.util
import tomllib

import pytest

from conftest import REPO, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]


def load_scorer():
    spec = importlib.util.spec_from_file_location("events_plover", REPO / "eval" / "events_plover.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_event_coding_meets_floors():
    path = need_shared("eval", "events", "PLOVER_GSR_CAMEO.json")
    floors = tomllib.loads((REPO / "eval" / "floors.toml").read_text())["events_plover"]
    result = load_scorer().score(path)
    assert result["n"] == 322
    assert result["type_accuracy"] >= floors["type_accuracy_floor"]
    assert result["triple_f1"] >= floors["triple_f1_floor"]
