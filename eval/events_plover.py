"""Score event coding on the PLOVER gold standard records (PLOVER_GSR_CAMEO.json, 322 sentences).

Each gold record is one sentence with one event type, source and target actors (country codes).
We read the sentence as a one-paragraph article (published = its gold date) and code it.

- type accuracy: the sentence's predicted type is the PLOVER type of the event whose trigger stands
  highest in the parse (closest to the root; the first in reading order on ties); a sentence with no
  event counts as wrong. Gold types from the old 18-type set are mapped to the current 16 (DEMAND ->
  REQUEST, DISAPPROVE and INVESTIGATE -> ACCUSE, FIGHT -> ASSAULT).
- triple F1: over (type, source country, target country) triples; gold triples are every source x
  target pair of the record (target "" when none); ours come from every event we code, with the
  country as the first three letters of the actor code (IGO, NGO ... for transnational actors).
  Old CAMEO country codes in the gold (JAP, ITL) are mapped to ISO.
- a confusion matrix of types (gold rows, predicted columns) is written with --confusion FILE.

- every sentence whose type or triples differ from the gold, with our rules, is written with --errors FILE.

usage: python eval/events_plover.py [PATH] [--json] [--confusion FILE] [--errors FILE]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "events" / "PLOVER_GSR_CAMEO.json"
OLD_TYPES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
OLD_CODES = {"JAP": "JPN", "ITL": "ITA"}


def _countries(value) -> list[str]:
    if not isinstance(value, list):
        return []
    out = []
    for actor in value:
        code = str(actor.get("code") or "")[:3].upper()
        if code:
            out.append(OLD_CODES.get(code, code))
    return out


def gold_items(path: Path) -> list[dict]:
    items = []
    for rec in json.loads(path.read_text(encoding="utf-8")):
        if rec.get("event") == "DOCUMENT" or not rec.get("text"):
            continue
        etype = OLD_TYPES.get(rec["event"], rec["event"])
        sources, targets = _countries(rec.get("source")), _countries(rec.get("target"))
        info = rec.get("textInfo")
        markup = info.get("markup", "") if isinstance(info, dict) else str(info or "")
        if "SRC/TAR" in markup and not targets and len(sources) > 1:
            # Marked SRC/TAR: each actor is the other's target ("Israel and Lebanon renewed talks").
            triples = {(etype, s, t) for s in sources for t in sources if s != t}
        else:
            triples = {(etype, s, t) for s in sources or [""] for t in targets or [""]}
        items.append({"id": rec["id"], "text": rec["text"], "date": rec.get("date"), "type": etype,
                      "triples": triples})
    return items


def _country(actor) -> str:
    """The actor's country, or its transnational prefix (IGO, NGO ...); "" for sector-only codes."""
    from eventwire.ground.actor_kb import country_or_bloc

    return country_or_bloc(actor.country, actor.code) or ""


def _depth(token) -> int:
    depth = 0
    while token.head is not token and depth < 50:
        token, depth = token.head, depth + 1
    return depth


def _trigger_depth(parsed, event) -> int:
    """How far the event's trigger word stands below the root of its sentence."""
    word = (event.trigger or "").split(" … ")[-1]
    for sentence in parsed.sentences:
        if sentence.holds(event.evidence):
            depths = [_depth(tok) for tok in sentence.span if tok.text == word]
            return min(depths, default=99)
    return 99


def score(path: str | Path = DEFAULT) -> dict:
    from eventwire.coding.codebook import load_codebook
    from eventwire.coding.events import code_events
    from eventwire.ground.actor_kb import load_actor_kb
    from eventwire.ground.actors import resolve_actors
    from eventwire.read import load_model, read_many
    from eventwire.record import Document, document_id

    items = gold_items(Path(path))
    docs = []
    for item in items:
        doc_id, content_hash = document_id(None, "", item["text"])
        docs.append(Document(id=doc_id, source=item["id"], input_kind="text", title="", text=item["text"],
                             published=item["date"], content_hash=content_hash))
    nlp, kb, codebook = load_model(), load_actor_kb(), load_codebook()
    correct, tp, n_pred, n_gold = 0, 0, 0, 0
    confusion: Counter[tuple[str, str]] = Counter()
    errors = []
    for item, parsed in zip(items, read_many(docs, nlp)):
        actors = resolve_actors(parsed, kb)
        codes = {a.id: _country(a) for a in actors}
        events = code_events(parsed, actors, codebook)
        predicted = min(events, key=lambda e: _trigger_depth(parsed, e)).plover or "NONE" if events else "NONE"
        confusion[(item["type"], predicted)] += 1
        correct += predicted == item["type"]
        ours = {(e.plover, codes.get(s, ""), codes.get(t, "")) for e in events
                for s in e.source or [""] for t in e.target or [""] if s != t}
        tp += len(ours & item["triples"])
        n_pred += len(ours)
        n_gold += len(item["triples"])
        if predicted != item["type"] or ours != item["triples"]:
            errors.append({"id": item["id"], "gold": item["type"], "ours": predicted, "text": item["text"],
                           "gold_triples": sorted(item["triples"]), "our_triples": sorted(ours),
                           "rules": [e.rule for e in events]})
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(items), "type_accuracy": correct / len(items), "triple_precision": precision,
            "triple_recall": recall, "triple_f1": f1, "confusion": {f"{g}->{p}": c for (g, p), c in confusion.items()},
            "errors": errors}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--confusion", help="write the type confusion matrix (TSV) here")
    ap.add_argument("--errors", help="write every sentence whose type or triples differ from the gold here (TSV)")
    args = ap.parse_args()
    result = score(args.path)
    if args.confusion:
        types = sorted({k.split("->")[0] for k in result["confusion"]} | {k.split("->")[1] for k in result["confusion"]})
        with open(args.confusion, "w", encoding="utf-8") as out:
            out.write("gold\\ours\t" + "\t".join(types) + "\n")
            for g in types:
                out.write(g + "\t" + "\t".join(str(result["confusion"].get(f"{g}->{p}", 0)) for p in types) + "\n")
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as out:
            out.write("id\tgold\tours\ttype_ok\tgold_triples\tour_triples\trules\ttext\n")
            for e in result["errors"]:
                out.write("\t".join([str(e["id"]), e["gold"], e["ours"], str(e["gold"] == e["ours"]),
                                     " | ".join(" ".join(x or "-" for x in t) for t in e["gold_triples"]),
                                     " | ".join(" ".join(x or "-" for x in t) for t in e["our_triples"]),
                                     " ; ".join(e["rules"]), e["text"].replace("\t", " ")]) + "\n")
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "errors"}, indent=1))
    else:
        for key in ("n", "type_accuracy", "triple_precision", "triple_recall", "triple_f1"):
            value = result[key]
            print(f"{key:18s} {value:.4f}" if isinstance(value, float) else f"{key:18s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
