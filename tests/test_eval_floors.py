"""Dev-set evaluations must stay at or above the floors in eval/floors.toml.

Needs ../shared beside the checkout (or $EVENTWIRE_SHARED; the dev sets are never copied into the repo);
skipped with the reason when it is absent.
Run alone with `pytest -m eval`.
"""
from __future__ import annotations

import importlib.util
import os
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EVENTWIRE_SHARED", REPO.parent / "shared"))  # as in conftest.py
FLOORS = tomllib.loads((REPO / "eval" / "floors.toml").read_text(encoding="utf-8"))

pytestmark = [pytest.mark.eval, pytest.mark.shared]


def _load(name: str) -> ModuleType:
    # eval/ is a folder of scripts, not a package: load the scorer from its file.
    spec = importlib.util.spec_from_file_location(f"eval_{name}", REPO / "eval" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dataset(relative: str) -> Path:
    path = SHARED / relative
    if not path.is_dir():
        pytest.skip(f"dev set {path} not found: ../shared must sit beside the checkout")
    return path


def test_extraction_f1_floor() -> None:
    result = _load("extraction").score(_dataset("eval/extraction/scrapinghub_aeb"))
    assert result["n"] > 0
    floor = FLOORS["extraction"]["f1_floor"]
    assert result["f1"] >= floor, (
        f"extraction F1 {result['f1']:.4f} < floor {floor} "
        f"(P {result['precision']:.4f}, R {result['recall']:.4f}, {result['failed']} pages failed)"
    )


def test_pubdate_accuracy_floor() -> None:
    result = _load("pubdate").score(_dataset("eval/pubdate/htmldate_mediacloud_en"))
    assert result["n"] > 0
    floor = FLOORS["pubdate"]["accuracy_floor"]
    assert result["accuracy"] >= floor, f"pubdate accuracy {result['accuracy']:.4f} < floor {floor}"
