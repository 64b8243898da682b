"""FA-KES civilian death tolls must stay at or above the floors in eval/floors.toml [casualties_fakes].

Needs ../shared beside the checkout (or $EVENTWIRE_SHARED); skipped with the reason when it is absent.
Run alone with `pytest -m eval`.
"""
from __future__ import annotations

import importlib.util
import sys
import tomllib
from types import ModuleType

import pytest

from conftest import REPO, SHARED

pytestmark = [pytest.mark.eval, pytest.mark.shared]


def _scorer() -> ModuleType:
    # eval/ is a folder of scripts, not a package: load the scorer from its file.
    spec = importlib.util.spec_from_file_location("eval_casualties_fakes", REPO / "eval" / "casualties_fakes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_casualties_fakes_floors() -> None:
    path = SHARED / "eval" / "casualties" / "fakes-dev.csv"
    if not path.is_file():
        pytest.skip(f"dev set {path} not found: ../shared must sit beside the checkout")
    floors = tomllib.loads((REPO / "eval" / "floors.toml").read_text(encoding="utf-8"))["casualties_fakes"]
    result = _scorer().score(path)
    assert result["n_nonzero"] > 0 and result["n_zero"] > 0
    summary = {k: v for k, v in result.items() if k != "rows"}
    assert result["accuracy_nonzero"] >= floors["accuracy_nonzero_floor"], summary
    assert result["accuracy_zero"] >= floors["accuracy_zero_floor"], summary
