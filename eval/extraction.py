"""Main-text extraction score on the scrapinghub article-extraction-benchmark pages.

For each page (html/<key>.html.gz) the bytes go through the real ingest path,
`eventwire.ingest.read_bytes` (gunzip, decoding, kind detection, parse_html), and the Document's
`text` is compared with ground-truth.json's articleBody as bags of word tokens (`\\w+`, case kept):
precision = shared tokens / our tokens, recall = shared tokens / gold tokens, F1 their harmonic
mean. The scores are averaged over pages (macro). A page that is refused or raises scores zero.

    python eval/extraction.py [DATASET_PATH] [--json]
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections import Counter
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "extraction" / "scrapinghub_aeb"
_TOKEN = re.compile(r"\w+")

log = logging.getLogger("eval.extraction")


def page_scores(predicted: str, gold: str) -> tuple[float, float, float]:
    ours, theirs = Counter(_TOKEN.findall(predicted)), Counter(_TOKEN.findall(gold))
    shared = sum((ours & theirs).values())
    precision = shared / sum(ours.values()) if ours else 0.0
    recall = shared / sum(theirs.values()) if theirs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _extract(data: bytes, source: str) -> str:
    from eventwire.errors import InputError
    from eventwire.ingest import read_bytes

    try:
        for item in read_bytes(data, source):
            if isinstance(item, InputError):
                log.warning("%s", item)
                return ""
            return item.text
    except Exception as exc:  # noqa: BLE001 - a crash on one page scores zero, not the whole run
        log.error("%s: %s: %s", source, type(exc).__name__, exc)
    return ""


def score(path: str | Path = DEFAULT_PATH) -> dict:
    """{'precision', 'recall', 'f1' (macro over pages), 'n', 'failed', 'seconds', 'pages'}."""
    path = Path(path)
    gold = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    pages: dict[str, dict[str, float]] = {}
    failed = 0
    for key in sorted(gold):
        page = path / "html" / f"{key}.html.gz"
        text = _extract(page.read_bytes(), str(page))
        failed += not text
        p, r, f = page_scores(text, gold[key].get("articleBody") or "")
        pages[key] = {"precision": p, "recall": r, "f1": f}
    n = len(pages)
    return {
        "precision": sum(s["precision"] for s in pages.values()) / n if n else 0.0,
        "recall": sum(s["recall"] for s in pages.values()) / n if n else 0.0,
        "f1": sum(s["f1"] for s in pages.values()) / n if n else 0.0,
        "n": n,
        "failed": failed,
        "seconds": round(time.perf_counter() - started, 1),
        "pages": pages,
    }


def main(argv: list[str] | None = None) -> int:
    from _cli import run_scorer  # a sibling script module: importable when this file runs as a script

    return run_scorer(__doc__, DEFAULT_PATH, score, lambda r: (f"extraction: P {r['precision']:.4f}  R {r['recall']:.4f}  F1 {r['f1']:.4f}  "
                      f"n={r['n']} failed={r['failed']}  ({r['seconds']}s)"), argv, path_help='dataset folder')


if __name__ == "__main__":
    sys.exit(main())
