"""Geoparsing quality on Gritta et al.'s GeoWebNews and GeoVirus, with the floors CI enforces (eval/floors.toml).

The full sets run (about a minute for both); ../shared must sit beside the checkout.
"""

import pytest

from conftest import floors, load_scorer, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]

SCORER = "geo_gritta"


@pytest.fixture(scope="module")
def result():
    return load_scorer(SCORER).score(need_shared("eval", "geo", "gritta"), which="both")


@pytest.fixture(scope="module")
def limits():
    return floors("geo_gritta")


def test_geowebnews_meets_floors(result, limits):
    gwn = result["gwn"]
    assert gwn["articles"] == 200 and gwn["gold"] > 2500
    assert gwn["acc161_recognised"] >= limits["gwn_acc161_recognised_floor"]
    assert gwn["acc161_all"] >= limits["gwn_acc161_all_floor"]
    assert gwn["f1"] >= limits["gwn_f1_floor"]


def test_geovirus_meets_floors(result, limits):
    geovirus = result["geovirus"]
    assert geovirus["articles"] == 229
    assert geovirus["acc161_recognised"] >= limits["geovirus_acc161_recognised_floor"]
    assert geovirus["f1"] >= limits["geovirus_f1_floor"]
