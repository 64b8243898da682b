"""Publication-date accuracy on the htmldate MediaCloud English pages.

gold_dates.json maps each page's URL to {file, date}. For every page the file is decoded with
`eventwire.ingest.decode.decode_bytes` and read by `eventwire.ingest.html.parse_html(..., url=URL)`;
a page is correct when the first 10 characters of `document.published` (YYYY-MM-DD) equal the
gold date. A gold date of NaN (JSON `NaN`, or null) means the page states no publication date:
those pages count as correct only when we return no date, since a guessed date there is a
wrong date downstream. A page that is refused or raises counts as wrong (unless its gold is "no
date": refusing it gives no date either). accuracy = correct / pages.

    python eval/pubdate.py [DATASET_PATH] [--json]
"""
from __future__ import annotations

import json
import logging
import math
import sys
import time
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "pubdate" / "htmldate_mediacloud_en"

log = logging.getLogger("eval.pubdate")


def _gold_date(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()[:10]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    raise ValueError(f"unexpected gold date {value!r}")


def _published(data: bytes, source: str, url: str) -> tuple[str | None, str | None]:
    """(date as YYYY-MM-DD or None, the signal that gave it)."""
    from eventwire.errors import InputError
    from eventwire.ingest.decode import decode_bytes
    from eventwire.ingest.html import parse_html

    try:
        document = parse_html(decode_bytes(data, source), source, url=url)
    except InputError as exc:
        log.warning("%s", exc)
        return None, None
    except Exception as exc:  # noqa: BLE001 - a crash on one page scores it wrong, not the run
        log.error("%s: %s: %s", source, type(exc).__name__, exc)
        return None, "error"
    return (document.published[:10] if document.published else None), document.published_from


def score(path: str | Path = DEFAULT_PATH) -> dict:
    """{'accuracy', 'n', 'correct', 'by_signal', 'seconds', 'pages'}."""
    path = Path(path)
    gold = json.loads((path / "gold_dates.json").read_text(encoding="utf-8"))  # json accepts NaN
    started = time.perf_counter()
    pages: dict[str, dict] = {}
    by_signal: dict[str, list[int]] = {}
    for url, entry in gold.items():
        page = path / "html" / entry["file"]
        expected = _gold_date(entry.get("date"))
        found, signal = _published(page.read_bytes(), str(page), url)
        correct = found == expected and signal != "error"
        pages[entry["file"]] = {"url": url, "gold": expected, "found": found, "from": signal, "correct": correct}
        tally = by_signal.setdefault(signal or "none", [0, 0])
        tally[0] += correct
        tally[1] += 1
    n = len(pages)
    right = sum(p["correct"] for p in pages.values())
    return {
        "accuracy": right / n if n else 0.0,
        "n": n,
        "correct": right,
        "by_signal": {k: {"correct": v[0], "n": v[1]} for k, v in sorted(by_signal.items())},
        "seconds": round(time.perf_counter() - started, 1),
        "pages": pages,
    }


def main(argv: list[str] | None = None) -> int:
    from _cli import run_scorer  # a sibling script module: importable when this file runs as a script

    return run_scorer(__doc__, DEFAULT_PATH, score, lambda r: (f"pubdate: accuracy {r['accuracy']:.4f} ({r['correct']}/{r['n']})  [" + ", ".join(
        f"{k} {v['correct']}/{v['n']}" for k, v in r["by_signal"].items()) + f"]  ({r['seconds']}s)"), argv, path_help='dataset folder')


if __name__ == "__main__":
    sys.exit(main())
