"""Quote attribution on the PolNeAR dev split: source F1 and content-span overlap F1.

The dataset folder holds `dev/text/NAME.txt` (the article, title line first) and
`dev/attributions/NAME_ANNOTATOR.ann` (brat standoff: `T` lines `Tn<TAB>Label START END[;START END]<TAB>text`
with character offsets into the text file, and `E` lines `En<TAB>Attribution:Tx Content:Ty Cue:Tz Source:Tw`
tying one attribution's spans together). An article annotated by several annotators is scored against
the annotation file whose name sorts first, so each article counts once.

Each text file becomes one Document whose body is the file text (title ""), so body offsets are file
offsets; the only normalisation is a single newline inside a paragraph turned into a space, which keeps
every offset. The document is read, actors are resolved (eventwire.ground.actors) and quotes found with
`eventwire.ground.quotes.find_quotes`, which gives each quote's content span (quoted words, or the
complement clause of indirect speech) and its source span (the cue's subject as written: "he",
"Kremlin spokesperson, Dmitry Peskov", the object of "according to").

Predicted quotes that share one cue token ("“A,” he said, “B.”") are merged into one predicted
attribution with a discontinuous content, as PolNeAR annotates them.

Gold attributions are the `E` lines with a Content role; the content of one is the union of its Content
spans (discontinuous spans included), its source the union of its Source spans (absent for
Attribution-no-source).

Content overlap F1 (the target metric): a predicted quote and a gold attribution match when their
content spans share at least one character; matching is one-to-one, greedy by the number of shared
characters. precision = matched predicted quotes / predicted quotes; recall = matched gold
attributions / gold attributions; F1 their harmonic mean, micro over the split.

Source F1: a predicted quote is a correct source when it matched a gold attribution (as above) that has
a Source, it has a source span, and the two source spans share a character. precision = correct /
predicted quotes with a source span; recall = correct / gold attributions with a Source.

Also reported, for information: content token F1 (tokens = whitespace-separated words of the file;
precision = words inside some predicted content that are inside some gold content / words inside
predicted content; recall the converse), and the figures per kind of quote.

    python eval/quotes_polnear.py [DATASET_PATH] [--json] [--limit N] [--errors FILE]

--errors FILE writes one JSON line per missed gold attribution, spurious prediction and matched pair
whose source does not match (diagnostics only; the scores are the same with or without it).
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import NamedTuple

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "quotes" / "polnear"

log = logging.getLogger("eval.quotes_polnear")

Spans = tuple[tuple[int, int], ...]


# NamedTuples and a plain class rather than dataclasses: the floor test loads this file with
# importlib, and dataclasses need the module registered in sys.modules.
class Gold(NamedTuple):
    content: Spans
    source: Spans
    cue: Spans = ()  # for the --errors listing only; scoring never reads it


class Predicted(NamedTuple):
    kind: str
    content: Spans
    source: Spans
    text: str = ""
    cue: Spans = ()  # for the --errors listing only


class Counts:
    def __init__(self) -> None:
        self.predicted = self.gold = self.content_matched = 0
        self.predicted_with_source = self.gold_with_source = self.source_correct = 0
        self.words_predicted = self.words_gold = self.words_both = 0
        self.by_kind: dict[str, list[int]] = {}  # kind -> [predicted, matched]


def parse_ann(text: str) -> list[Gold]:
    spans: dict[str, Spans] = {}
    events: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _label, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = tuple(tuple(map(int, piece.split())) for piece in offsets.split(";"))  # type: ignore[misc]
        elif line.startswith("E") and len(parts) >= 2:
            events.append([tuple(arg.split(":", 1)) for arg in parts[1].split()])  # type: ignore[misc]
    gold = []
    for args in events:
        content = tuple(s for role, ref in args if role.startswith("Content") for s in spans.get(ref, ()))
        source = tuple(s for role, ref in args if role.startswith("Source") for s in spans.get(ref, ()))
        cue = tuple(s for role, ref in args if role.startswith("Cue") for s in spans.get(ref, ()))
        if content:
            gold.append(Gold(content, source, cue))
    return gold


def _shared(a: Spans, b: Spans) -> int:
    return sum(max(0, min(x1, y1) - max(x0, y0)) for x0, x1 in a for y0, y1 in b)


def _normalise(text: str) -> str:
    # A lone newline inside a paragraph is a wrapped line: a space keeps every offset.
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text.replace("\r", " "))


def articles(path: Path) -> list[tuple[str, Path, Path]]:
    """(name, text file, annotation file) per article, the first annotator's file by name."""
    chosen: dict[str, Path] = {}
    for ann in sorted((path / "dev" / "attributions").glob("*.ann")):
        name = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
        chosen.setdefault(name, ann)
    out = []
    for name, ann in sorted(chosen.items()):
        txt = path / "dev" / "text" / f"{name}.txt"
        if txt.exists():
            out.append((name, txt, ann))
        else:
            log.warning("no text for %s", ann.name)
    return out


def predict(texts: list[tuple[str, str]]) -> list[list[Predicted]]:
    """Quotes per text, as file-offset spans."""
    from eventwire.ground.actor_kb import load_actor_kb
    from eventwire.ground.actors import resolve_actors
    from eventwire.ground.quotes import find_quotes
    from eventwire.read import load_model, read_many
    from eventwire.record import Document, document_id

    nlp, kb = load_model(), load_actor_kb()
    documents = []
    for name, text in texts:
        doc_id, content_hash = document_id(None, "", text)
        documents.append(Document(id=doc_id, source=name, input_kind="text", title="", text=text,
                                  content_hash=content_hash))
    out = []
    for parsed in read_many(documents, nlp):
        actors = resolve_actors(parsed, kb)
        found = find_quotes(parsed, actors)
        # Quotes sharing one cue ("“A,” he said, “B.”"; "said he would meet ... “to discuss ...") are one
        # attribution with a discontinuous content, as PolNeAR annotates them.
        merged: dict[object, Predicted] = {}
        for q in found:
            key = (q.cue.start, q.cue.end) if q.cue else q.id
            content = ((q.content.start, q.content.end),)
            source = ((q.source.start, q.source.end),) if q.source else ()
            cue = ((q.cue.start, q.cue.end),) if q.cue else ()
            if key in merged:
                prev = merged[key]
                kind = prev.kind if prev.kind == q.kind else "direct+indirect"
                merged[key] = Predicted(kind, prev.content + content, prev.source or source, prev.text + " … " + q.text,
                                        prev.cue)
            else:
                merged[key] = Predicted(q.kind, content, source, q.text, cue)
        out.append(list(merged.values()))
    return out


def _words(text: str, spans: list[Spans]) -> set[int]:
    covered: set[int] = set()
    for m in re.finditer(r"\S+", text):
        if any(a < m.end() and m.start() < b for s in spans for a, b in s):
            covered.add(m.start())
    return covered


def _score_article(text: str, gold: list[Gold], predicted: list[Predicted], counts: Counts,
                   errors: list[dict] | None = None) -> None:
    counts.predicted += len(predicted)
    counts.gold += len(gold)
    counts.gold_with_source += sum(1 for g in gold if g.source)
    counts.predicted_with_source += sum(1 for p in predicted if p.source)
    pairs = sorted(((_shared(p.content, g.content), i, j) for i, p in enumerate(predicted)
                    for j, g in enumerate(gold)), reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    for shared, i, j in pairs:
        if shared <= 0:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        counts.content_matched += 1
        p, g = predicted[i], gold[j]
        if p.source and g.source and _shared(p.source, g.source) > 0:
            counts.source_correct += 1
        elif errors is not None and (p.source or g.source):
            errors.append(_error("wrong-source", text, g, p))
    if errors is not None:
        errors.extend(_error("missed", text, g, None) for j, g in enumerate(gold) if j not in used_g)
        errors.extend(_error("spurious", text, None, p) for i, p in enumerate(predicted) if i not in used_p)
    for i, p in enumerate(predicted):
        row = counts.by_kind.setdefault(p.kind, [0, 0])
        row[0] += 1
        row[1] += i in used_p
    words_p = _words(text, [p.content for p in predicted])
    words_g = _words(text, [g.content for g in gold])
    counts.words_predicted += len(words_p)
    counts.words_gold += len(words_g)
    counts.words_both += len(words_p & words_g)


def _cut(text: str, spans: Spans, limit: int = 160) -> str:
    joined = " … ".join(text[a:b] for a, b in spans)
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


def _error(kind: str, text: str, gold: Gold | None, predicted: Predicted | None) -> dict:
    """One row of the --errors listing: what gold and prediction said, as text."""
    row: dict = {"error": kind}
    if gold is not None:
        row.update(gold_content=_cut(text, gold.content), gold_cue=_cut(text, gold.cue),
                   gold_source=_cut(text, gold.source), at=gold.content[0][0])
    if predicted is not None:
        row.update(kind=predicted.kind, content=_cut(text, predicted.content), cue=_cut(text, predicted.cue),
                   source=_cut(text, predicted.source))
        row.setdefault("at", predicted.content[0][0])
    return row


def _prf(hit_p: int, n_p: int, hit_r: int, n_r: int) -> tuple[float, float, float]:
    p = hit_p / n_p if n_p else 0.0
    r = hit_r / n_r if n_r else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(path: str | Path = DEFAULT_PATH, limit: int | None = None, errors: list[dict] | None = None) -> dict:
    """{'content_f1', 'content_precision', 'content_recall', 'source_f1', 'source_precision',
    'source_recall', 'content_token_f1', 'n', 'predicted', 'gold', 'by_kind', 'seconds'}.

    With a list as `errors`, each missed gold attribution, spurious prediction and matched pair with a
    wrong source is appended to it as a dict (article, error, the texts of content, cue and source)."""
    path = Path(path)
    started = time.perf_counter()
    chosen = articles(path)[:limit] if limit else articles(path)
    texts = [(name, _normalise(txt.read_text(encoding="utf-8"))) for name, txt, _ in chosen]
    predictions = predict(texts)
    counts = Counts()
    for (name, txt, ann), (_, text), predicted in zip(chosen, texts, predictions):
        gold = parse_ann(ann.read_text(encoding="utf-8"))
        found: list[dict] | None = [] if errors is not None else None
        _score_article(text, gold, predicted, counts, found)
        if errors is not None and found:
            errors.extend({"article": name, **row} for row in sorted(found, key=lambda r: r["at"]))
    cp, cr, cf = _prf(counts.content_matched, counts.predicted, counts.content_matched, counts.gold)
    sp, sr, sf = _prf(counts.source_correct, counts.predicted_with_source, counts.source_correct, counts.gold_with_source)
    tp, tr, tf = _prf(counts.words_both, counts.words_predicted, counts.words_both, counts.words_gold)
    return {
        "content_f1": round(cf, 4), "content_precision": round(cp, 4), "content_recall": round(cr, 4),
        "source_f1": round(sf, 4), "source_precision": round(sp, 4), "source_recall": round(sr, 4),
        "content_token_f1": round(tf, 4), "content_token_precision": round(tp, 4), "content_token_recall": round(tr, 4),
        "n": len(chosen), "predicted": counts.predicted, "gold": counts.gold,
        "gold_with_source": counts.gold_with_source, "predicted_with_source": counts.predicted_with_source,
        "by_kind": {k: {"predicted": v[0], "matched": v[1]} for k, v in sorted(counts.by_kind.items())},
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    parser.add_argument("--errors", metavar="FILE", default=None,
                        help="write missed, spurious and wrong-source attributions to FILE as JSON lines")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if not Path(args.path).is_dir():
        print(f"dataset not found: {args.path}", file=sys.stderr)
        return 2
    errors: list[dict] | None = [] if args.errors else None
    result = score(args.path, args.limit, errors)
    if errors is not None:
        with open(args.errors, "w", encoding="utf-8") as out:
            for row in errors:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"PolNeAR dev, {result['n']} articles: {result['predicted']} quotes found, {result['gold']} gold attributions")
        print(f"content overlap  P {result['content_precision']:.4f}  R {result['content_recall']:.4f}  F1 {result['content_f1']:.4f}")
        print(f"source           P {result['source_precision']:.4f}  R {result['source_recall']:.4f}  F1 {result['source_f1']:.4f}")
        print(f"content tokens   P {result['content_token_precision']:.4f}  R {result['content_token_recall']:.4f}  "
              f"F1 {result['content_token_f1']:.4f}")
        print(f"by kind: {result['by_kind']}  ({result['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
