"""Main-text extraction and publication dates must stay at or above the floors in eval/floors.toml.

Needs ../shared beside the checkout (or $EVENTWIRE_SHARED; the dev sets are never copied into the repo);
skipped with the reason when it is absent. Run alone with `pytest -m eval`.
"""
from __future__ import annotations

import pytest

from conftest import floors, load_scorer, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]


def test_extraction_f1_floor() -> None:
    result = load_scorer("extraction").score(need_shared("eval", "extraction", "scrapinghub_aeb"))
    assert result["n"] > 0
    floor = floors("extraction")["f1_floor"]
    assert result["f1"] >= floor, (
        f"extraction F1 {result['f1']:.4f} < floor {floor} "
        f"(P {result['precision']:.4f}, R {result['recall']:.4f}, {result['failed']} pages failed)"
    )


def test_pubdate_accuracy_floor() -> None:
    result = load_scorer("pubdate").score(need_shared("eval", "pubdate", "htmldate_mediacloud_en"))
    assert result["n"] > 0
    floor = floors("pubdate")["accuracy_floor"]
    assert result["accuracy"] >= floor, f"pubdate accuracy {result['accuracy']:.4f} < floor {floor}"
