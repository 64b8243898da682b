"""Print every coded event of N articles for human review, with evidence, modality and rule.

Reads the FA-KES dev set (Syrian-war articles; CSV with article_title, article_content, date) by
default, or any CSV with those columns. Prints each article's events and, at the end, the figures
the README quotes: events per article and the share of events with both source and target resolved.

usage: python eval/audit.py [PATH] [-n N] [--summary]
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "casualties" / "fakes-dev.csv"


def load_documents(path: Path, n: int) -> list:
    from eventwire.ingest.lines import timestamp_of
    from eventwire.ingest.text import parse_text

    csv.field_size_limit(sys.maxsize)
    docs = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if len(docs) >= n:
                break
            published = timestamp_of(row.get("date") or "") or None
            docs.append(parse_text(row["article_content"], f"{path.name}:{row.get('unit_id')}",
                                   title=row.get("article_title") or None, published=published))
    return docs


def audit(path: Path = DEFAULT, n: int = 20, out=sys.stdout, summary_only: bool = False) -> dict:
    from eventwire.pipeline import extract_documents

    docs = load_documents(path, n)
    n_events = n_both = 0
    for record in extract_documents(docs):
        actors = {a.id: a for a in record.actors}
        n_events += len(record.events)
        n_both += sum(1 for e in record.events if e.source and e.target)
        if summary_only:
            continue
        doc = record.document
        out.write(f"\n=== {doc.source} · {doc.published} · {doc.title}\n")
        for e in record.events:
            src = ", ".join(f"{actors[i].name} [{actors[i].code}]" for i in e.source) or "-"
            tgt = ", ".join(f"{actors[i].name} [{actors[i].code}]" for i in e.target) or "-"
            out.write(f"  {e.cameo} {e.cameo_name} | {src} -> {tgt} | {e.date.get('value') or e.date.get('start')} "
                      f"({e.date.get('anchor')}) | {', '.join(e.modality)}\n")
            out.write(f"      rule: {e.rule}\n      evidence: {e.evidence.text}\n")
    result = {"articles": len(docs), "events": n_events,
              "events_per_article": n_events / len(docs) if docs else 0.0,
              "share_both_actors": n_both / n_events if n_events else 0.0}
    out.write(f"\n{result['articles']} articles, {n_events} events, {result['events_per_article']:.2f} per article, "
              f"{result['share_both_actors']:.0%} with both source and target resolved\n")
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("-n", type=int, default=20, help="how many articles (default 20)")
    ap.add_argument("--summary", action="store_true", help="print only the closing figures")
    args = ap.parse_args()
    audit(Path(args.path), args.n, summary_only=args.summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
