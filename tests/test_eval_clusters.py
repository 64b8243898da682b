"""Same-event linking on ../shared/eval/clusters mixed into ~200 background articles, with the floors CI
enforces (eval/floors.toml [clusters]). Parses ~220 articles: about a minute and a half on 2 cores."""
import importlib.util
import tomllib

import pytest

from conftest import REPO, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]


def load_scorer():
    spec = importlib.util.spec_from_file_location("eval_clusters", REPO / "eval" / "clusters.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cluster_linking_meets_floors():
    path = need_shared("eval", "clusters")
    floors = tomllib.loads((REPO / "eval" / "floors.toml").read_text(encoding="utf-8"))["clusters"]
    result = load_scorer().score(path)
    assert result["n_cluster_articles"] >= 15 and result["n_background"] >= 200
    for metric in ("article_bcubed_f1", "article_bcubed_f1_clusters", "article_pairwise_f1",
                   "event_bcubed_f1", "event_pairwise_f1"):
        assert result[metric] >= floors[f"{metric}_floor"], (metric, result[metric])
