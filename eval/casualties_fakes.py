"""Civilian death tolls on FA-KES (Syrian-war articles with the VDC record's casualty figures).

Only rows with label 1 are scored (the article agrees with the VDC record). Each row's
article_content (pre-processed by the FA-KES authors: most commas and apostrophes stripped, one
paragraph) becomes a Document through `eventwire.ingest.text.parse_text` with the article_title as
its title; the documents are parsed in one batch (`eventwire.read.read_many`), then the actor and
quantity stages run as in the pipeline.

The civilians-killed figure of an article (the documented rule): the first, in reading order
(title, then body), of the quantities that
  - have category "killed" and scope "event" (a war-long or "since 2011" toll is background),
  - state a figure (a value, or both bounds): a vague plural such as "dozens" is no toll,
  - count civilians or people, or a civilian subgroup (children, women, residents ... see
    CIVILIAN_NOUNS), or count nothing named ("58 killed", "the death toll was at least 24");
its number is the value, else the low bound, else the high bound; when the same sentence also
counts "civilians" explicitly ("30 people, including 24 civilians, were killed") that count is taken
instead, since "people" may include fighters. No such quantity: 0.
The issue proposed "the largest such quantity"; on this set the largest is often a background or
neighbouring event's toll while the headline figure comes first (2026-11-29: largest 0.53, first
0.71, other conditions the same). Subgroups count because "five children were killed" is still a
civilian toll.
The literal reading (largest; civilians/people only; any scope) is reported beside it as *_largest.

    accuracy_nonzero  rows with nb_civilians > 0 whose figure equals nb_civilians (issue target 0.70)
    accuracy_zero     rows with nb_civilians == 0 whose figure is 0 (no civilian killed figure)

    python eval/casualties_fakes.py [CSV_PATH] [--json]
"""
from __future__ import annotations

import csv
import logging
import sys
import time
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "casualties" / "fakes-dev.csv"

# Counted nouns (last word, lower case) that count civilians: "civilians", "people" and subgroups.
CIVILIAN_NOUNS = {
    "civilian", "civilians", "people", "person", "persons", "resident", "residents", "villager", "villagers",
    "inhabitant", "inhabitants", "child", "children", "kid", "kids", "woman", "women", "girl", "girls",
    "boy", "boys", "student", "students", "pupil", "pupils", "schoolchildren", "family", "families",
    "passenger", "passengers", "worker", "workers", "patient", "patients", "infant", "infants",
    "baby", "babies", "refugee", "refugees", "worshipper", "worshippers",
}
STRICT_CIVILIANS = {"civilian", "civilians"}
# The literal rule (civilians/people only), reported beside the main one.
STRICT_NOUNS = {"civilian", "civilians", "people", "person", "persons"}

log = logging.getLogger("eval.casualties_fakes")


def _figure(quantity) -> float | None:
    for value in (quantity.value, quantity.low, quantity.high):
        if value is not None:
            return float(value)
    return None


def _counts_civilians(quantity, nouns: set[str], subjectless: bool) -> bool:
    if not quantity.subject:
        return subjectless
    return quantity.subject.split()[-1].lower() in nouns


def _toll(quantity) -> bool:
    if quantity.category != "killed" or quantity.scope != "event":
        return False
    # "dozens", "hundreds": a vague lower bound, not a reported toll.
    return quantity.value is not None or (quantity.low is not None and quantity.high is not None)


def civilians_killed(quantities) -> float:
    """The article's civilians-killed figure under the documented rule (0 when none)."""
    tolls = [q for q in quantities if _toll(q) and _figure(q) is not None]
    for q in tolls:
        if _counts_civilians(q, CIVILIAN_NOUNS, subjectless=True):
            # "30 people, including 24 civilians, were killed": the sentence's civilian count wins.
            same = [o for o in tolls if o.evidence.sentence_key == q.evidence.sentence_key and _counts_civilians(o, STRICT_CIVILIANS, False)]
            return _figure(same[0] if same else q)
    return 0.0


def civilians_killed_largest(quantities) -> float:
    """The issue's literal rule: the largest killed quantity counting civilians/people (0 when none)."""
    figures = [_figure(q) for q in quantities
               if q.category == "killed" and _counts_civilians(q, STRICT_NOUNS, subjectless=False)]
    return max((f for f in figures if f is not None), default=0.0)


def _documents(rows: list[dict[str, str]]):
    from eventwire.errors import InputError
    from eventwire.ingest.text import parse_text
    from eventwire.record import Document, document_id

    for row in rows:
        source = f"fakes:{row['unit_id']}"
        title = (row.get("article_title") or "").strip() or None
        text = row["article_content"]
        try:
            yield parse_text(text, source, title=title)
        except InputError as exc:
            # Score the row anyway: the text as one paragraph, so a refusal is not a silent miss.
            log.warning("%s", exc)
            doc_id, content_hash = document_id(None, title or "", text)
            yield Document(id=doc_id, source=source, input_kind="text", title=title or "", text=text,
                           content_hash=content_hash)


def score(path: str | Path = DEFAULT_PATH) -> dict:
    """{'accuracy_nonzero', 'n_nonzero', 'accuracy_zero', 'n_zero', 'accuracy_nonzero_largest', ...,
    'seconds', 'rows'}."""
    from eventwire.ground.actor_kb import load_actor_kb
    from eventwire.ground.actors import resolve_actors
    from eventwire.ground.quantities import resolve_quantities
    from eventwire.read import load_model, read_many

    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r.get("label", "").strip() == "1"]
    started = time.perf_counter()
    nlp = load_model()
    kb = load_actor_kb()
    per_row: dict[str, dict] = {}
    tallies = {"nonzero": [0, 0], "zero": [0, 0], "nonzero_largest": [0, 0], "zero_largest": [0, 0]}
    for row, parsed in zip(rows, read_many(_documents(rows), nlp)):
        gold = float(row["nb_civilians"] or 0)
        quantities = resolve_quantities(parsed, resolve_actors(parsed, kb))
        found = civilians_killed(quantities)
        largest = civilians_killed_largest(quantities)
        kind = "nonzero" if gold > 0 else "zero"
        tallies[kind][0] += found == gold
        tallies[kind][1] += 1
        tallies[kind + "_largest"][0] += largest == gold
        tallies[kind + "_largest"][1] += 1
        per_row[row["unit_id"]] = {
            "gold": gold, "found": found, "largest": largest, "correct": found == gold,
            "killed": [(q.text, q.subject, _figure(q)) for q in quantities if q.category == "killed"],
        }
    result: dict = {}
    for name, (right, n) in tallies.items():
        result[f"accuracy_{name}"] = right / n if n else 0.0
        result[f"n_{name}"] = n
        result[f"correct_{name}"] = right
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["rows"] = per_row
    return result


def main(argv: list[str] | None = None) -> int:
    from _cli import run_scorer  # a sibling script module: importable when this file runs as a script

    return run_scorer(__doc__, DEFAULT_PATH, score, lambda r: (
        f"casualties_fakes: nonzero accuracy {r['accuracy_nonzero']:.4f} ({r['correct_nonzero']}/{r['n_nonzero']}), "
        f"zero accuracy {r['accuracy_zero']:.4f} ({r['correct_zero']}/{r['n_zero']});  issue's literal 'largest' "
        f"rule: nonzero {r['accuracy_nonzero_largest']:.4f}, zero {r['accuracy_zero_largest']:.4f}  ({r['seconds']}s)"), argv, path_help='the FA-KES CSV file')


if __name__ == "__main__":
    sys.exit(main())
