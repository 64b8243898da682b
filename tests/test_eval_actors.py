"""Actor country and sector accuracy on the PLOVER gold records must stay at or above the floors
in eval/floors.toml [actors_plover]. Needs ../shared beside the checkout (or $EVENTWIRE_SHARED)."""
from __future__ import annotations

import pytest

from conftest import floors, load_scorer, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]


def test_actor_country_and_sector_accuracy_floors() -> None:
    limits = floors("actors_plover")
    dataset = need_shared("eval", "events", "PLOVER_GSR_CAMEO.json")
    result = load_scorer("actors_plover").score(dataset)
    assert result["n_actors"] > 600
    assert result["country_accuracy"] >= limits["country_accuracy_floor"], (
        f"actor country accuracy {result['country_accuracy']:.4f} < {limits['country_accuracy_floor']}")
    assert result["sector_accuracy"] >= limits["sector_accuracy_floor"], (
        f"actor sector accuracy {result['sector_accuracy']:.4f} < {limits['sector_accuracy_floor']}")
