"""Geoparsing quality on Gritta et al.'s GeoWebNews and GeoVirus, with the floors CI enforces (eval/floors.toml).

The full sets run (about a minute for both); ../shared must sit beside the checkout.
"""
import importlib.util
import tomllib

import pytest

from conftest import REPO, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]


def load_scorer():
    spec = importlib.util.spec_from_file_location("geo_gritta", REPO / "eval" / "geo_gritta.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def result():
    return load_scorer().score(need_shared("eval", "geo", "gritta"), which="both")


@pytest.fixture(scope="module")
def floors():
    return tomllib.loads((REPO / "eval" / "floors.toml").read_text(encoding="utf-8"))["geo_gritta"]


def test_geowebnews_meets_floors(result, floors):
    gwn = result["gwn"]
    assert gwn["articles"] == 200 and gwn["gold"] > 2500
    assert gwn["acc161_recognised"] >= floors["gwn_acc161_recognised_floor"]
    assert gwn["acc161_all"] >= floors["gwn_acc161_all_floor"]
    assert gwn["f1"] >= floors["gwn_f1_floor"]


def test_geovirus_meets_floors(result, floors):
    geovirus = result["geovirus"]
    assert geovirus["articles"] == 229
    assert geovirus["acc161_recognised"] >= floors["geovirus_acc161_recognised_floor"]
    assert geovirus["f1"] >= floors["geovirus_f1_floor"]
