"""Same-event linking on ../shared/eval/clusters mixed into ~200 background articles, with the floors CI
enforces (eval/floors.toml [clusters]). Parses ~220 articles: about a minute and a half on 2 cores."""

import pytest

from conftest import floors, load_scorer, need_shared

pytestmark = [pytest.mark.eval, pytest.mark.shared]

SCORER = "clusters"


def test_cluster_linking_meets_floors():
    path = need_shared("eval", "clusters")
    limits = floors("clusters")
    result = load_scorer(SCORER).score(path)
    assert result["n_cluster_articles"] >= 15 and result["n_background"] >= 200
    for metric in ("article_bcubed_f1", "article_bcubed_f1_clusters", "article_pairwise_f1",
                   "event_bcubed_f1", "event_pairwise_f1"):
        assert result[metric] >= limits[f"{metric}_floor"], (metric, result[metric])
