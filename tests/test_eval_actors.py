"""Actor country and sector accuracy on the PLOVER gold records must stay at or above the floors
in eval/floors.toml [actors_plover]. Needs ../shared beside the checkout (or $EVENTWIRE_SHARED)."""
from __future__ import annotations

import importlib.util
import os
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EVENTWIRE_SHARED", REPO.parent / "shared"))
FLOORS = tomllib.loads((REPO / "eval" / "floors.toml").read_text(encoding="utf-8"))["actors_plover"]

pytestmark = [pytest.mark.eval, pytest.mark.shared]


def _scorer():
    # eval/ is a folder of scripts, not a package: load the scorer from its file.
    spec = importlib.util.spec_from_file_location("eval_actors_plover", REPO / "eval" / "actors_plover.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_actor_country_and_sector_accuracy_floors() -> None:
    dataset = SHARED / "eval" / "events" / "PLOVER_GSR_CAMEO.json"
    if not dataset.is_file():
        pytest.skip(f"dev set {dataset} not found: ../shared must sit beside the checkout")
    result = _scorer().score(dataset)
    assert result["n_actors"] > 600
    assert result["country_accuracy"] >= FLOORS["country_accuracy_floor"], (
        f"actor country accuracy {result['country_accuracy']:.4f} < {FLOORS['country_accuracy_floor']}")
    assert result["sector_accuracy"] >= FLOORS["sector_accuracy_floor"], (
        f"actor sector accuracy {result['sector_accuracy']:.4f} < {FLOORS['sector_accuracy_floor']}")
