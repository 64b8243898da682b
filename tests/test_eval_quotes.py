"""PolNeAR dev quote attribution must stay at or above the floors in eval/floors.toml [quotes_polnear].

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
    spec = importlib.util.spec_from_file_location("eval_quotes_polnear", REPO / "eval" / "quotes_polnear.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_quotes_polnear_floors() -> None:
    path = SHARED / "eval" / "quotes" / "polnear"
    if not (path / "dev").is_dir():
        pytest.skip(f"dev set {path} not found: ../shared must sit beside the checkout")
    floors = tomllib.loads((REPO / "eval" / "floors.toml").read_text(encoding="utf-8"))["quotes_polnear"]
    result = _scorer().score(path)
    assert result["n"] > 0
    assert result["content_f1"] >= floors["content_f1_floor"], result
    assert result["source_f1"] >= floors["source_f1_floor"], result
