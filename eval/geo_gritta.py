"""Toponym recognition and resolution on Gritta et al.'s GeoWebNews (and GeoVirus).

Data (../shared/eval/geo/gritta):
- GWN.xml: 200 articles, each with <title>, <text> and <toponyms>; a toponym has <extractedName>,
  <type> (the pragmatic taxonomy), <start>/<end> (character offsets in <text>) and, for real
  toponyms, <latitude>/<longitude> (and usually <geonamesID>). GeoWebNews/*.ann holds the same
  annotation in brat standoff over "TITLE: ... LINK: ...\\n" + text (offsets shifted by that line);
  the XML is read because it carries the coordinates.
- GeoVirus.xml: 229 WikiNews passages, each <location> with <name>, <start>/<end>, <lat>/<lon>.

Gold toponyms are those with coordinates: in GeoWebNews the types Literal, Mixed, Metonymic,
Literal_Modifier, Non_Literal_Modifier (adjectives: "Syrian"), Embedded_Literal, Embedded_Non_Lit and
Coercion; common nouns ("city"), demonyms-as-people, languages, homonyms and non-toponyms have
none and are not gold. Each article's title and text become a Document (body = <text>, offsets kept),
read with the project's pipeline, and ground.places.resolve_places runs over it (with no actors).

Metrics:
- recognition: a predicted mention (in the body) matches a gold toponym when their character spans
  overlap (each gold matched once); precision, recall, F1; the strict (exact span) figures too.
- resolution: for each gold toponym matched by a mention, the great-circle error between the gold
  point and the predicted place's point. acc161_recognised = share of matched gold within 161 km
  (a matched mention whose place has no coordinates counts as a miss); mean_km_recognised = mean
  error over matched gold with coordinates. acc161_all = within-161 km over all gold (unrecognised =
  miss); mean_km_all counts an unrecognised or unresolved toponym as 20,039 km (half the
  circumference, as in Gritta et al.), so it is a pessimistic figure.

    python eval/geo_gritta.py [PATH] [--set gwn|geovirus|both] [--limit N] [--json]
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "geo" / "gritta"
MAX_KM = 20039.0

log = logging.getLogger("eval.geo_gritta")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(min(1.0, math.sqrt(a)))


def load_gwn(path: Path) -> list[dict]:
    """[{id, title, text, gold: [{name, start, end, lat, lon, type}]}] from GWN.xml."""
    root = ET.parse(path / "GWN.xml").getroot()
    articles = []
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        gold = []
        for tp in art.iter("toponym"):
            lat, lon = tp.findtext("latitude"), tp.findtext("longitude")
            if not lat or not lon:
                continue
            name = tp.findtext("extractedName")
            span = _align(text, name, int(tp.findtext("start")), int(tp.findtext("end")))
            if span is None:  # two toponyms of article 123 have negative offsets: left out
                log.info("article %s: gold %r not found at its offsets", art.get("file"), name)
                continue
            gold.append({"name": name, "start": span[0], "end": span[1], "lat": float(lat), "lon": float(lon),
                         "type": tp.findtext("type")})
        articles.append({"id": art.get("file"), "title": art.findtext("title") or "", "text": text, "gold": gold})
    return articles


def _align(text: str, name: str, start: int, end: int) -> tuple[int, int] | None:
    """The gold span where the name really is: GeoVirus offsets are one character late."""
    for shift in (0, -1, 1, -2, 2):
        if 0 <= start + shift and text[start + shift: end + shift] == name:
            return start + shift, end + shift
    return None


def load_geovirus(path: Path) -> list[dict]:
    root = ET.parse(path / "GeoVirus.xml").getroot()
    articles = []
    for n, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        gold = []
        for loc in art.iter("location"):
            name = loc.findtext("name")
            span = _align(text, name, int(loc.findtext("start")), int(loc.findtext("end")))
            if span is None:
                log.warning("GeoVirus passage %d: %r not found at its offsets", n, name)
                continue
            gold.append({"name": name, "start": span[0], "end": span[1], "lat": float(loc.findtext("lat")),
                         "lon": float(loc.findtext("lon")), "type": "Literal"})
        articles.append({"id": str(n), "title": "", "text": text, "gold": gold})
    return articles


def _predict(articles: list[dict]) -> list[list[dict]]:
    """Per article: [{start, end, text, lat, lon, place}] for every body mention of every place."""
    from eventwire.ground.places import resolve_places
    from eventwire.read import load_model, read_many
    from eventwire.record import Document

    nlp = load_model()
    docs = [Document(id=a["id"], source=f"gritta:{a['id']}", input_kind="text", title=a["title"], text=a["text"])
            for a in articles]
    out = []
    for parsed in read_many(docs, nlp, batch_size=16):
        found = []
        for place in resolve_places(parsed):
            for m in place.mentions:
                if m.section == "body":
                    found.append({"start": m.start, "end": m.end, "text": m.text, "lat": place.lat, "lon": place.lon,
                                  "place": f"{place.name} ({place.kind}, {place.country}) {place.resolved_by}"})
        out.append(found)
    return out


def _score_set(articles: list[dict]) -> dict:
    started = time.perf_counter()
    predictions = _predict(articles)
    n_gold = n_pred = matched_pred = strict = 0
    errors_recognised: list[float] = []
    hits_recognised = 0
    recognised = 0
    errors_all: list[float] = []
    misses: list[dict] = []
    by_type: dict[str, list[int]] = {}
    for article, predicted in zip(articles, predictions):
        gold = article["gold"]
        n_gold += len(gold)
        n_pred += len(predicted)
        used: set[int] = set()
        pred_matched: set[int] = set()
        for g in gold:
            match = None
            for k, p in enumerate(predicted):
                if k in used or p["end"] <= g["start"] or p["start"] >= g["end"]:
                    continue
                if match is None or (p["start"], p["end"]) == (g["start"], g["end"]):
                    match = k
            tally = by_type.setdefault(g["type"], [0, 0])
            tally[1] += 1
            if match is None:
                errors_all.append(MAX_KM)
                continue
            tally[0] += 1
            used.add(match)
            pred_matched.add(match)
            p = predicted[match]
            recognised += 1
            strict += (p["start"], p["end"]) == (g["start"], g["end"])
            if p["lat"] is None:
                errors_all.append(MAX_KM)
                misses.append({"article": article["id"], "gold": g["name"], "got": p["place"], "km": None})
                continue
            km = _km(g["lat"], g["lon"], p["lat"], p["lon"])
            errors_recognised.append(km)
            errors_all.append(km)
            hits_recognised += km <= 161
            if km > 161:
                misses.append({"article": article["id"], "gold": g["name"], "got": p["place"], "km": round(km)})
        # predictions overlapping another gold already matched still count once as correct
        for k, p in enumerate(predicted):
            if k not in pred_matched and any(not (p["end"] <= g["start"] or p["start"] >= g["end"]) for g in gold):
                pred_matched.add(k)
        matched_pred += len(pred_matched)
    precision = matched_pred / n_pred if n_pred else 0.0
    recall = recognised / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "articles": len(articles),
        "gold": n_gold,
        "predicted": n_pred,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "strict_recall": round(strict / n_gold, 4) if n_gold else 0.0,
        "recognised": recognised,
        "acc161_recognised": round(hits_recognised / recognised, 4) if recognised else 0.0,
        "mean_km_recognised": round(statistics.fmean(errors_recognised), 1) if errors_recognised else None,
        "median_km_recognised": round(statistics.median(errors_recognised), 1) if errors_recognised else None,
        "acc161_all": round(hits_recognised / n_gold, 4) if n_gold else 0.0,
        "mean_km_all": round(statistics.fmean(errors_all), 1) if errors_all else None,
        "recall_by_type": {t: round(v[0] / v[1], 3) for t, v in sorted(by_type.items())},
        "seconds": round(time.perf_counter() - started, 1),
        "misses": misses,
    }


def score(path: str | Path = DEFAULT_PATH, which: str = "gwn", limit: int | None = None) -> dict:
    """{'gwn': {...}, 'geovirus': {...}} (the sets asked for); each with the metrics above."""
    path = Path(path)
    out = {}
    if which in ("gwn", "both"):
        out["gwn"] = _score_set(load_gwn(path)[:limit])
    if which in ("geovirus", "both"):
        out["geovirus"] = _score_set(load_geovirus(path)[:limit])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))
    parser.add_argument("--set", dest="which", choices=["gwn", "geovirus", "both"], default="both")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles of each set")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", type=int, default=0, help="print this many resolution misses")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    result = score(args.path, args.which, args.limit)
    if args.json:
        json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
        print()
        return 0
    for name, r in result.items():
        print(f"{name}: {r['articles']} articles, {r['gold']} gold toponyms, {r['predicted']} predicted, {r['seconds']} s")
        print(f"  recognition  P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}  (strict R {r['strict_recall']:.3f})")
        print(f"  recognised ({r['recognised']}): Acc@161 {r['acc161_recognised']:.3f}  mean {r['mean_km_recognised']} km"
              f"  median {r['median_km_recognised']} km")
        print(f"  all gold:        Acc@161 {r['acc161_all']:.3f}  mean {r['mean_km_all']} km (misses at {MAX_KM:.0f} km)")
        print("  recall by type:", ", ".join(f"{t} {v:.2f}" for t, v in r["recall_by_type"].items()))
        for miss in r["misses"][: args.misses]:
            print("   ", miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
