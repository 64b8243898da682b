"""The share of actors carrying a code on the English feed and WARC documents must stay at or above
the floor in eval/floors.toml [actor_coverage]; the scorer's English filter and file listing are
checked on inputs written here. Needs ../shared beside the checkout (or $EVENTWIRE_SHARED)."""
from __future__ import annotations

import pytest

from conftest import floors, load_scorer, need_shared


def test_english_filter_and_input_listing(tmp_path) -> None:
    scorer = load_scorer("actor_coverage")
    assert scorer.is_english("The minister said on Monday that the talks with the rebels would go on "
                             "for as long as it took, and that there was no deadline for them.")
    assert not scorer.is_english("El ministro dijo el lunes que las conversaciones con los rebeldes "
                                 "seguirían todo el tiempo que fuera necesario, sin plazo alguno.")
    (tmp_path / "a.rss").write_text("<rss/>", "utf-8")
    (tmp_path / "notes.md").write_text("x", "utf-8")
    assert [p.name for p in scorer.input_files([tmp_path])] == ["a.rss"]
    with pytest.raises(FileNotFoundError):
        scorer.input_files([tmp_path / "missing"])


@pytest.mark.eval
@pytest.mark.shared
def test_actor_code_coverage_floor() -> None:
    limits = floors("actor_coverage")
    feeds, warc = need_shared("eval", "ingest", "feeds"), need_shared("eval", "ingest", "warc")
    result = load_scorer("actor_coverage").score([feeds, warc])
    assert result["english_documents"] > 200
    assert result["coverage"] >= limits["coverage_floor"], (
        f"actor code coverage {result['coverage']:.4f} < {limits['coverage_floor']}")
