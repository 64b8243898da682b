"""Score ACLED sub-event types on CASE 2021 task 2 (dev half: 480 news snippets, one type each).

Each snippet is read as a one-paragraph article through the whole pipeline. Its predicted type is that of
its first typed event: the events of the earliest sentence that has an event with an ACLED type, and among
them the one whose row of data/codebook/acled.tsv stands first (rows run from the most specific sub-event
types to the most general). The type's sub-event name is mapped to the task's label (AIR_STRIKE,
PEACE_PROTEST ...); a snippet without a typed event is predicted NONE, which counts as wrong.

- micro F1: over all snippets (one gold and at most one predicted label each), i.e. accuracy;
- macro F1: the unweighted mean of the per-label F1 over the gold labels;
- weighted F1: the per-label F1 weighted by each gold label's share of snippets (the task's ranking figure);
- coverage: share of snippets with any event at all; typed coverage: with an event that has an ACLED type.

usage: python eval/events_case2021.py [PATH] [--json] [--errors FILE]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "events" / "case2021" / "task2-dev.tsv"

# ACLED sub-event type (and the CASE 2021 types outside ACLED) -> the task's label.
LABELS = {
    "Armed clash": "ARMED_CLASH",
    "Government regains territory": "GOV_REGAINS_TERIT",
    "Non-state actor overtakes territory": "NON_STATE_ACTOR_OVERTAKES_TER",
    "Chemical weapon": "CHEM_WEAP",
    "Air/drone strike": "AIR_STRIKE",
    "Suicide bomb": "SUIC_BOMB",
    "Shelling/artillery/missile attack": "ART_MISS_ATTACK",
    "Remote explosive/landmine/IED": "REM_EXPLOS",
    "Grenade": "GRENADE",
    "Sexual violence": "SEX_VIOL",
    "Attack": "ATTACK",
    "Abduction/forced disappearance": "ABDUCT_DISSAP",
    "Peaceful protest": "PEACE_PROTEST",
    "Protest with intervention": "PROTEST_WITH_INTER",
    "Excessive force against protesters": "FORCE_AGAINST_PROTEST",
    "Violent demonstration": "VIOL_DEMONSTR",
    "Mob violence": "MOB_VIOL",
    "Agreement": "AGREEMENT",
    "Arrests": "ARREST",
    "Change to group/activity": "CHANGE_TO_GROUP_ACT",
    "Disrupted weapons use": "DISR_WEAP",
    "Headquarters or base established": "HQ_ESTABLISHED",
    "Looting/property destruction": "PROPERTY_DISTRUCT",
    "Non-violent transfer of territory": "NON_VIOL_TERRIT_TRANSFER",
    "Other": "OTHER",
    "Natural disaster": "NATURAL_DISASTER",
    "Man-made disaster": "MAN_MADE_DISASTER",
    "Organised crime": "ORG_CRIME",
    "Diplomatic event": "DIPLO",
    "Claim or denial of responsibility": "ATTRIB",
}


def gold_items(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [{"id": r["id"], "text": r["EventSnippet"].strip().strip('"').replace('""', '"'), "type": r["SubType"]}
            for r in rows if r.get("EventSnippet")]


def _row_number(event) -> int:
    return int(event.acled.rule.rsplit(" ", 1)[-1])


def snippet_type(events) -> tuple[str, object | None]:
    """The snippet's label and the event it comes from (see the module docstring)."""
    typed = [e for e in events if e.acled is not None]
    if not typed:
        return "NONE", None
    first = min((e.evidence.sentence_key[2] for e in typed))  # the first sentence (its start)
    chosen = min((e for e in typed if e.evidence.sentence_key[2] == first), key=_row_number)
    return LABELS.get(chosen.acled.sub_event_type, "OTHER"), chosen


def f1_scores(gold: list[str], predicted: list[str]) -> dict[str, float]:
    labels = sorted(set(gold))
    support = Counter(gold)
    per_label = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        n_pred = sum(p == label for p in predicted)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / support[label]
        per_label[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    micro = sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0
    macro = sum(per_label.values()) / len(labels) if labels else 0.0
    weighted = sum(per_label[lb] * support[lb] for lb in labels) / len(gold) if gold else 0.0
    return {"micro_f1": micro, "macro_f1": macro, "weighted_f1": weighted, "per_label_f1": per_label}


def score(path: str | Path = DEFAULT) -> dict:
    from eventwire.pipeline import extract_documents
    from eventwire.record import Document, document_id

    items = gold_items(Path(path))
    docs = []
    for item in items:
        doc_id, content_hash = document_id(None, "", item["text"])
        docs.append(Document(id=doc_id, source=item["id"], input_kind="text", title="", text=item["text"],
                             content_hash=content_hash))
    gold, predicted, errors = [], [], []
    with_event = with_type = 0
    confusion: Counter[str] = Counter()
    for item, record in zip(items, extract_documents(docs)):
        label, chosen = snippet_type(record.events)
        with_event += bool(record.events)
        with_type += chosen is not None
        gold.append(item["type"])
        predicted.append(label)
        confusion[f"{item['type']}->{label}"] += 1
        if label != item["type"]:
            errors.append({"id": item["id"], "gold": item["type"], "ours": label, "text": item["text"],
                           "events": [f"{e.cameo or '-'} {e.trigger} "
                                      f"{e.acled.sub_event_type + ' (' + e.acled.rule + ')' if e.acled else '-'} "
                                      f"[{e.rule}]" for e in record.events]})
    n = len(items)
    return {"n": n, **f1_scores(gold, predicted), "coverage": with_event / n if n else 0.0,
            "typed_coverage": with_type / n if n else 0.0, "confusion": dict(confusion), "errors": errors}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--json", action="store_true", help="print every score as JSON")
    ap.add_argument("--errors", help="write every snippet whose type differs from the gold here (TSV)")
    args = ap.parse_args()
    result = score(args.path)
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as out:
            out.write("id\tgold\tours\tevents\ttext\n")
            for e in result["errors"]:
                out.write("\t".join([e["id"], e["gold"], e["ours"], " ; ".join(e["events"]),
                                     e["text"].replace("\t", " ").replace("\n", " ")]) + "\n")
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "errors"}, indent=1))
    else:
        for key in ("n", "micro_f1", "macro_f1", "weighted_f1", "coverage", "typed_coverage"):
            value = result[key]
            print(f"{key:15s} {value:.4f}" if isinstance(value, float) else f"{key:15s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
