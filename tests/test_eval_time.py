"""Time expressions on TempEval-3 platinum stay at or above the floors in eval/floors.toml [time_te3].

Needs ../shared beside the checkout (the dev set is never copied into the repo); skipped with the
reason when it is absent. Run alone with `pytest -m eval tests/test_eval_time.py`.
"""
from __future__ import annotations

import pytest

from conftest import floors, load_scorer, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]

SCORER = "time_te3"


def test_time_te3_meets_floors() -> None:
    path = need_shared("eval", "time", "te3-platinum")
    limits = floors("time_te3")
    result = load_scorer(SCORER).score(path)
    assert result["n_docs"] == 20 and result["n_gold"] == 138
    for metric in ("strict", "relaxed", "value"):
        floor = limits[f"{metric}_f1_floor"]
        got = result[metric]
        assert got["f1"] >= floor, (
            f"{metric} F1 {got['f1']:.4f} < floor {floor} (P {got['precision']:.4f}, R {got['recall']:.4f})"
        )


def test_read_tml_keeps_gold_offsets() -> None:
    path = need_shared("eval", "time", "te3-platinum")
    for file in sorted(path.glob("*.tml")):
        dct, text, gold = load_scorer(SCORER).read_tml(file)
        assert len(dct) >= 10
        for g in gold:
            assert text[g["start"]:g["end"]] == g["text"] and g["text"].strip()
