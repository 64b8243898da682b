"""Same-event linking across outlets: ../shared/eval/clusters (folder = one real-world event) mixed
into ~200 other articles from ../shared/eval, linked with `eventwire.link.link_records`.

Inputs (all parsed once per run, in one batched pipeline stream):
  - every .txt under the clusters folder (front matter read by the text ingester); its gold cluster
    is its folder;
  - background, each article its own gold cluster, taken deterministically (sorted, first N):
      * FA-KES rows of casualties/fakes-dev.csv (title, content, outlet), leaving out the rows that are
        cluster files (the unit id in the file name) and the rows FA-KES dates and places like a
        cluster's own rows (FA-KES gives later follow-ups the same event date: their membership is
        unknown), and keeping one row per FA-KES (date, location) so no two background articles are
        annotated as one event;
      * PolNeAR dev texts (quotes/polnear/dev/text; outlet and date from the file name);
      * scrapinghub AEB pages (extraction/scrapinghub_aeb/html) through eventwire.ingest.read_bytes,
        leaving out the pages the cluster files were taken from (their hash in the front matter).
    Two files with the same text get the same document id (the store keeps one); both are scored, so
    the identical Daily Sabah pair counts as a correctly linked pair.

(a) Article linking: an article's predicted cluster is `Links.article_cluster` (connected components
    of the document-level rule in eventwire/link/articles.py: near-duplicate, or TF-IDF cosine over
    the threshold, or a lower cosine plus a shared multi-article story event, within a few days).
(b) Story-event linking: two articles are event-linked when some story event has mentions in both.
    Pairwise precision/recall over that relation; B-cubed with each article's predicted set being the
    article plus every article it shares a story event with (the overlapping-cluster reading of
    B-cubed). Also reported: story events whose articles span more than one gold cluster, and per gold
    cluster the largest share of its articles one story event covers.

Pairwise figures count unordered pairs of input files; B-cubed averages over all files (singletons
included, which lifts it) and, as `*_bcubed_*_clusters`, over the cluster files only.

    python eval/clusters.py [CLUSTERS_PATH] [--background N] [--json]
"""
from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "clusters"
BACKGROUND = 200
# Shares of the background by source (the rest of BACKGROUND after PolNeAR and AEB is FA-KES).
POLNEAR_SHARE = 30
AEB_SHARE = 30

log = logging.getLogger("eval.clusters")

_HASH = re.compile(r"\b[0-9a-f]{64}\b")
_UNIT = re.compile(r"fakes-(\d+)")


def _cluster_files(path: Path) -> list[tuple[Path, str]]:
    return [(f, f.parent.name) for f in sorted(path.glob("*/*.txt"))]


def _background_documents(eval_root: Path, cluster_files: list[tuple[Path, str]], n: int):
    """(label, Document | InputError) for the background articles, in a fixed order."""
    from eventwire.errors import InputError
    from eventwire.ingest import read_bytes
    from eventwire.ingest.text import parse_text

    texts = [f.read_text(encoding="utf-8") for f, _ in cluster_files]
    cluster_units = {m.group(1) for f, _ in cluster_files if (m := _UNIT.search(f.name))}
    cluster_hashes = {h for t in texts for h in _HASH.findall(t)}
    out: list[tuple[str, object]] = []

    n_polnear = min(POLNEAR_SHARE, n // 3)
    n_aeb = min(AEB_SHARE, n // 3)
    n_fakes = n - n_polnear - n_aeb

    fakes = eval_root / "casualties" / "fakes-dev.csv"
    if fakes.exists():
        with fakes.open(encoding="utf-8", newline="") as handle:
            rows = sorted(csv.DictReader(handle), key=lambda r: r["unit_id"])
        cluster_events = {(r["date"], r["location"]) for r in rows if r["unit_id"] in cluster_units}
        used_events: set[tuple[str, str]] = set()
        for row in rows:
            if len([o for o in out if o[0].startswith("fakes:")]) >= n_fakes:
                break
            event = (row["date"], row["location"])
            if row["unit_id"] in cluster_units or event in cluster_events or event in used_events:
                continue
            used_events.add(event)
            source = f"fakes:{row['unit_id']}"
            try:
                doc = parse_text(row["article_content"], source, title=(row["article_title"] or "").strip() or None,
                                 outlet=row.get("source") or None)
            except InputError as exc:
                doc = exc
            out.append((source, doc))

    polnear = eval_root / "quotes" / "polnear" / "dev" / "text"
    if polnear.is_dir():
        for f in sorted(polnear.glob("*.txt"))[:n_polnear]:
            outlet, _, rest = f.stem.partition("_")
            day = rest[:10] if re.match(r"\d{4}-\d{2}-\d{2}", rest) else None
            try:
                doc = parse_text(f.read_text(encoding="utf-8"), str(f), published=day, outlet=outlet)
            except InputError as exc:
                doc = exc
            out.append((f"polnear:{f.name}", doc))

    aeb = eval_root / "extraction" / "scrapinghub_aeb" / "html"
    if aeb.is_dir():
        taken = 0
        for f in sorted(aeb.glob("*.html.gz")):
            if taken >= n_aeb:
                break
            if f.name.split(".")[0] in cluster_hashes:
                continue
            for doc in read_bytes(f.read_bytes(), str(f)):
                out.append((f"aeb:{f.name}", doc))
            taken += 1
    return out


def _pairwise(items: list[str], gold: dict[str, str], related) -> tuple[float, float, float, int, int, int]:
    tp = fp = fn = 0
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            g = gold[a] == gold[b]
            p = related(a, b)
            tp += g and p
            fp += p and not g
            fn += g and not p
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, tp, fp, fn


def _bcubed(items: list[str], over: list[str], gold: dict[str, str], predicted_set) -> tuple[float, float, float]:
    gold_sets: dict[str, set[str]] = defaultdict(set)
    for item in items:
        gold_sets[gold[item]].add(item)
    ps = rs = 0.0
    for item in over:
        pred = predicted_set(item)
        g = gold_sets[gold[item]]
        both = len(pred & g)
        ps += both / len(pred)
        rs += both / len(g)
    prec, rec = ps / len(over), rs / len(over)
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def score(path: str | Path = DEFAULT_PATH, background: int = BACKGROUND) -> dict:
    """Article- and story-event-linking scores (see the module docstring for the rules)."""
    from eventwire.errors import InputError
    from eventwire.ingest import read_path
    from eventwire.link import link_records
    from eventwire.pipeline import extract_documents

    path = Path(path)
    started = time.perf_counter()
    cluster_files = _cluster_files(path)
    labelled: list[tuple[str, str, object]] = []  # (item, gold cluster, Document | InputError)
    for f, cluster in cluster_files:
        for doc in read_path(str(f)):
            labelled.append((f"{cluster}/{f.name}", cluster, doc))
    for item, doc in _background_documents(path.parent, cluster_files, background):
        labelled.append((item, f"background:{item}", doc))
    failed = [(item, str(doc)) for item, _, doc in labelled if isinstance(doc, InputError)]
    kept = [(item, gold, doc) for item, gold, doc in labelled if not isinstance(doc, InputError)]
    records = list(extract_documents([doc for _, _, doc in kept]))
    parsed_at = time.perf_counter()
    links = link_records(records)
    linked_at = time.perf_counter()
    return {**evaluate(kept, records, links), "failed": failed,
            "seconds_parse": round(parsed_at - started, 1), "seconds_link": round(linked_at - parsed_at, 2)}


def evaluate(kept: list[tuple[str, str, object]], records: list, links) -> dict:
    """The figures for labelled inputs (item, gold cluster, Document), their records and their Links."""
    items = [item for item, _, _ in kept]
    gold = {item: g for item, g, _ in kept}
    doc_of = {item: doc.id for item, _, doc in kept}
    cluster_items = [i for i in items if not gold[i].startswith("background:")]

    # (a) article linking
    cluster_of = {i: links.article_cluster[doc_of[i]] for i in items}
    members: dict[str, set[str]] = defaultdict(set)
    for i in items:
        members[cluster_of[i]].add(i)
    a_pair = _pairwise(items, gold, lambda a, b: cluster_of[a] == cluster_of[b])
    a_b3 = _bcubed(items, items, gold, lambda i: members[cluster_of[i]])
    a_b3c = _bcubed(items, cluster_items, gold, lambda i: members[cluster_of[i]])

    # (b) story-event linking
    items_of_doc: dict[str, set[str]] = defaultdict(set)
    for i in items:
        items_of_doc[doc_of[i]].add(i)
    neighbours: dict[str, set[str]] = defaultdict(set)  # doc id -> doc ids sharing a story event
    for story in links.stories:
        docs = set(story.doc_ids)
        if len(docs) > 1:
            for d in docs:
                neighbours[d] |= docs
    def event_set(i: str) -> set[str]:
        return {i} | items_of_doc[doc_of[i]] | {j for d in neighbours[doc_of[i]] for j in items_of_doc[d]}
    e_pair = _pairwise(items, gold, lambda a, b: doc_of[a] == doc_of[b] or doc_of[b] in neighbours[doc_of[a]])
    e_b3 = _bcubed(items, items, gold, event_set)
    e_b3c = _bcubed(items, cluster_items, gold, event_set)

    gold_of_doc: dict[str, set[str]] = defaultdict(set)
    for i in items:
        gold_of_doc[doc_of[i]].add(gold[i])
    multi = [s for s in links.stories if s.num_articles > 1]
    spanning = [s for s in multi if len({g for d in s.doc_ids for g in gold_of_doc[d]}) > 1]
    coverage = {}
    for cluster in sorted({gold[i] for i in cluster_items}):
        its = {i for i in cluster_items if gold[i] == cluster}
        docs = {doc_of[i] for i in its}
        best = max((len(docs & set(s.doc_ids)) for s in links.stories), default=0)
        coverage[cluster] = round(best / len(docs), 3)
    background_links = sorted(
        (a, b) for n_, a in enumerate(items) for b in items[n_ + 1:]
        if gold[a] != gold[b] and cluster_of[a] == cluster_of[b])

    def named(prefix: str, pair, b3, b3c) -> dict:
        return {f"{prefix}_pairwise_precision": round(pair[0], 4), f"{prefix}_pairwise_recall": round(pair[1], 4),
                f"{prefix}_pairwise_f1": round(pair[2], 4), f"{prefix}_pairs_tp_fp_fn": list(pair[3:]),
                f"{prefix}_bcubed_precision": round(b3[0], 4), f"{prefix}_bcubed_recall": round(b3[1], 4),
                f"{prefix}_bcubed_f1": round(b3[2], 4),
                f"{prefix}_bcubed_precision_clusters": round(b3c[0], 4),
                f"{prefix}_bcubed_recall_clusters": round(b3c[1], 4),
                f"{prefix}_bcubed_f1_clusters": round(b3c[2], 4)}

    return {
        "n_articles": len(items), "n_cluster_articles": len(cluster_items),
        "n_background": len(items) - len(cluster_items), "n_documents": len(records),
        **named("article", a_pair, a_b3, a_b3c),
        **named("event", e_pair, e_b3, e_b3c),
        "story_events": len(links.stories), "multi_article_story_events": len(multi),
        "spanning_story_events": len(spanning), "largest_story_coverage": coverage,
        "near_duplicate_pairs": len(links.duplicates),
        "wrongly_linked_pairs": [list(p) for p in background_links[:50]],
        "predicted_clusters": {c: sorted(m) for c, m in members.items() if len(m) > 1},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="the clusters folder")
    parser.add_argument("--background", type=int, default=BACKGROUND, help="number of background articles")
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    result = score(args.path, args.background)
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        r = result
        sys.stdout.write(
            f"clusters: {r['n_cluster_articles']} cluster + {r['n_background']} background articles\n"
            f"  article linking: B-cubed F1 {r['article_bcubed_f1']:.4f} (P {r['article_bcubed_precision']:.4f}, "
            f"R {r['article_bcubed_recall']:.4f}; cluster files only {r['article_bcubed_f1_clusters']:.4f}), "
            f"pairwise P {r['article_pairwise_precision']:.4f} R {r['article_pairwise_recall']:.4f} "
            f"F1 {r['article_pairwise_f1']:.4f}\n"
            f"  story-event linking: B-cubed F1 {r['event_bcubed_f1']:.4f} (P {r['event_bcubed_precision']:.4f}, "
            f"R {r['event_bcubed_recall']:.4f}; cluster files only {r['event_bcubed_f1_clusters']:.4f}), "
            f"pairwise P {r['event_pairwise_precision']:.4f} R {r['event_pairwise_recall']:.4f} "
            f"F1 {r['event_pairwise_f1']:.4f}; {r['spanning_story_events']} of {r['multi_article_story_events']} "
            f"multi-article story events span gold clusters\n"
            f"  ({r['seconds_parse']}s parsing, {r['seconds_link']}s linking)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
