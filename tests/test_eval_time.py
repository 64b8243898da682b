"""Time expressions on TempEval-3 platinum stay at or above the floors in eval/floors.toml [time_te3].

Needs ../shared beside the checkout (the dev set is never copied into the repo); skipped with the
reason when it is absent. Run alone with `pytest -m eval tests/test_eval_time.py`.
"""
from __future__ import annotations

import importlib.util
import tomllib
from types import ModuleType

import pytest

from conftest import REPO, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]


def _scorer() -> ModuleType:
    # eval/ is a folder of scripts, not a package: load the scorer from its file.
    spec = importlib.util.spec_from_file_location("eval_time_te3", REPO / "eval" / "time_te3.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_time_te3_meets_floors() -> None:
    path = need_shared("eval", "time", "te3-platinum")
    floors = tomllib.loads((REPO / "eval" / "floors.toml").read_text(encoding="utf-8"))["time_te3"]
    result = _scorer().score(path)
    assert result["n_docs"] == 20 and result["n_gold"] == 138
    for metric in ("strict", "relaxed", "value"):
        floor = floors[f"{metric}_f1_floor"]
        got = result[metric]
        assert got["f1"] >= floor, (
            f"{metric} F1 {got['f1']:.4f} < floor {floor} (P {got['precision']:.4f}, R {got['recall']:.4f})"
        )


def test_read_tml_keeps_gold_offsets() -> None:
    path = need_shared("eval", "time", "te3-platinum")
    for file in sorted(path.glob("*.tml")):
        dct, text, gold = _scorer().read_tml(file)
        assert len(dct) >= 10
        for g in gold:
            assert text[g["start"]:g["end"]] == g["text"] and g["text"].strip()
