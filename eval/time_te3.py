"""Time expressions on the TempEval-3 platinum test set (20 TimeML documents, TIMEX3 gold).

Each .tml file gives the document creation time (the DCT's TIMEX3 value) and the text between
<TEXT> and </TEXT> with inline TIMEX3 tags. The tags are stripped (entities unescaped) to give the
plain text, and the gold expressions keep their character offsets in it. Our stage runs on that
text exactly: a Document with title "" and text = the plain text (read.py splits paragraphs on
blank lines and keeps section offsets, so our offsets index the same string) and published = the
DCT value; `eventwire.ground.times.resolve_times` is called without quotes.

Scores, micro-averaged over all documents (the DCT itself is not scored):
- strict span P/R/F1: a predicted expression is correct when its (start, end) equals a gold one's;
- relaxed span P/R/F1: predicted and gold expressions that overlap by at least one character are
  matched one-to-one (greedily, in text order, each gold used once); P = matched / predicted,
  R = matched / gold;
- value P/R/F1: a relaxed-matched pair counts as correct when the two values are equal after
  upper-casing and stripping spaces (no other equivalence: "2013-W12" never equals "2013-03-22",
  and our "X/Y" interval for "between X and Y" equals no single gold value);
  P = correct / predicted, R = correct / gold (TempEval-3's attribute F1 on `value`).

    python eval/time_te3.py [DATASET_PATH] [--json]
"""
from __future__ import annotations

import argparse
import html
import json
import logging
import re
import sys
import time
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "time" / "te3-platinum"

log = logging.getLogger("eval.time_te3")

_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|[^<&]+")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_tml(path: Path) -> tuple[str, str, list[dict]]:
    """(DCT value, plain text of <TEXT>, gold TIMEX3 list with start, end, text, type, value)."""
    raw = path.read_text(encoding="utf-8")
    dct_match = re.search(r"<DCT>\s*<TIMEX3([^>]*)>", raw)
    if not dct_match:
        raise ValueError(f"{path}: no DCT")
    dct = dict(_ATTR.findall(dct_match.group(1)))["value"]
    body = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
    if not body:
        raise ValueError(f"{path}: no TEXT")
    out: list[str] = []
    length = 0
    gold: list[dict] = []
    open_timex: dict | None = None
    for piece in _TOKEN.findall(body.group(1)):
        if piece.startswith("<"):
            if piece.startswith("<TIMEX3"):
                open_timex = {"start": length, **dict(_ATTR.findall(piece))}
            elif piece.startswith("</TIMEX3") and open_timex is not None:
                open_timex["end"] = length
                gold.append(open_timex)
                open_timex = None
            continue
        text = html.unescape(piece) if piece.startswith("&") else piece
        out.append(text)
        length += len(text)
    plain = "".join(out)
    for g in gold:
        g["text"] = plain[g["start"]:g["end"]]
    return dct, plain, gold


def predict(text: str, dct: str, nlp) -> list[dict]:
    from eventwire.ground.times import resolve_times
    from eventwire.read import read
    from eventwire.record import Document, document_id

    doc_id, content_hash = document_id(None, "", text)
    document = Document(id=doc_id, source="te3", input_kind="text", title="", text=text, published=dct,
                        published_from="caller", content_hash=content_hash)
    times = resolve_times(read(document, nlp))
    return [{"start": t.start, "end": t.end, "text": t.text, "value": t.value, "grain": t.grain} for t in times]


def _norm(value: str | None) -> str:
    return "".join((value or "").split()).upper()


def _prf(correct: int, predicted: int, gold: int) -> dict[str, float]:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score(path: str | Path = DEFAULT_PATH) -> dict:
    """{'strict': {p, r, f1}, 'relaxed': {...}, 'value': {...}, 'n_gold', 'n_predicted', 'docs', 'seconds'}."""
    from eventwire.read import load_model

    path = Path(path)
    nlp = load_model()
    started = time.perf_counter()
    n_gold = n_pred = strict = relaxed = value_ok = 0
    docs: dict[str, dict] = {}
    for file in sorted(path.glob("*.tml")):
        dct, text, gold = read_tml(file)
        pred = predict(text, dct, nlp)
        gold_spans = {(g["start"], g["end"]) for g in gold}
        strict_here = sum((p["start"], p["end"]) in gold_spans for p in pred)
        used: set[int] = set()
        pairs = []
        for p in pred:
            for gi, g in enumerate(gold):
                if gi not in used and p["start"] < g["end"] and g["start"] < p["end"]:
                    used.add(gi)
                    pairs.append((p, g))
                    break
        value_here = sum(_norm(p["value"]) == _norm(g.get("value")) for p, g in pairs)
        matched_pred = {id(p) for p, _ in pairs}
        docs[file.name] = {
            "dct": dct,
            "gold": len(gold),
            "predicted": len(pred),
            "strict": strict_here,
            "relaxed": len(pairs),
            "value": value_here,
            "missed": [(g["text"], g.get("value")) for gi, g in enumerate(gold) if gi not in used],
            "spurious": [(p["text"], p["value"]) for p in pred if id(p) not in matched_pred],
            "wrong_value": [(p["text"], p["value"], g["text"], g.get("value")) for p, g in pairs
                            if _norm(p["value"]) != _norm(g.get("value"))],
        }
        n_gold += len(gold)
        n_pred += len(pred)
        strict += strict_here
        relaxed += len(pairs)
        value_ok += value_here
    return {
        "strict": _prf(strict, n_pred, n_gold),
        "relaxed": _prf(relaxed, n_pred, n_gold),
        "value": _prf(value_ok, n_pred, n_gold),
        "n_gold": n_gold,
        "n_predicted": n_pred,
        "n_docs": len(docs),
        "seconds": round(time.perf_counter() - started, 1),
        "docs": docs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="dataset folder")
    parser.add_argument("--json", action="store_true", help="print the scores (with per-document errors) as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    result = score(args.path)
    if args.json:
        json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        def line(name: str) -> str:
            s = result[name]
            return f"{name} P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f}"

        sys.stdout.write(
            f"time_te3: {result['n_docs']} docs, {result['n_gold']} gold, {result['n_predicted']} predicted "
            f"({result['seconds']}s)\n  {line('strict')}\n  {line('relaxed')}\n  {line('value')}\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
