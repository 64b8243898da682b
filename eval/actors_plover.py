"""Actor country and sector accuracy on the PLOVER gold-standard records (PLOVER_GSR_CAMEO.json).

Each record's `text` (one sentence) becomes a tiny Document (title "", body = the sentence,
published = the record's `date` when present; in this file every date is the placeholder
2000-01-01) that goes through the real reading stage and `resolve_actors`. For every gold source
and target actor (`actorText`, `code`, optional `sector`), the matched actor is ours whose mention
overlaps the actorText's span in the sentence most (ties: the earlier actor). Then

- country accuracy = gold actors whose country we give / all gold actors;
- sector accuracy  = gold actors whose sector we give / gold actors with a sector value
  (no sector in the gold means "none": a state acting as such; the gold's "***" = sector not
  known, excluded from the sector denominator). Misses count as wrong in both.

Comparing codes:
- gold country: CAMEO country code, mapped to ISO-3 where CAMEO differs (JAP -> JPN, ITL -> ITA, ...);
  IGO/NGO/IMG are compared with our code's prefix when we give no country;
- gold sector: its first three letters, upper case ("CVLalb" -> CVL, ethnic/religious suffixes
  dropped; "CIV" -> CVL, a typo in the gold). The gold uses PLOVER's sector vocabulary (JRN =
  journalists/media, MED = health); ours is the CAMEO agent code inside Actor.code, mapped by
  CAMEO_TO_GOLD (MED -> JRN, HLH -> MED, DEV/HRI -> SOC, INS -> REB). A code without a sector
  part ("SYR", "IGOUNO", "NGO") means no sector.

    python eval/actors_plover.py [DATASET_PATH] [--json] [--errors]
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "events" / "PLOVER_GSR_CAMEO.json"

# CAMEO country codes that differ from ISO 3166-1 alpha-3.
CAMEO_COUNTRY_TO_ISO = {"JAP": "JPN", "ITL": "ITA", "GMY": "DEU", "UKG": "GBR", "RUM": "ROU", "ZAR": "COD",
                        "TMP": "TLS", "YUG": "SRB", "MOR": "MAR", "SUD": "SDN"}
# CAMEO agent codes (as in our Actor.code) -> the gold's (PLOVER) sector vocabulary.
CAMEO_TO_GOLD = {"MED": "JRN", "HLH": "MED", "DEV": "SOC", "HRI": "SOC", "INS": "REB", "PRM": "UAF"}
GOLD_FIXES = {"CIV": "CVL"}
CAMEO_SECTORS = {"GOV", "MIL", "REB", "OPP", "PTY", "COP", "JUD", "SPY", "LEG", "ELI", "CVL", "BUS", "CRM",
                 "LAB", "EDU", "MED", "HLH", "REL", "REF", "AGR", "UAF", "INS", "HRI", "DEV", "ENV", "MOD",
                 "RAD", "SOC", "PRM", "JRN"}

log = logging.getLogger("eval.actors_plover")


def our_country(actor) -> str | None:
    from eventwire.ground.actor_kb import country_or_bloc

    return country_or_bloc(actor.country, actor.code)


def our_sector(actor) -> str | None:
    """The first CAMEO agent code in Actor.code after its country or transnational prefix."""
    code = actor.code or ""
    rest = code[len(actor.country):] if actor.country and code.startswith(actor.country) else code[3:]
    for i in range(0, len(rest) - 2, 3):
        part = rest[i:i + 3]
        if part in CAMEO_SECTORS:
            return CAMEO_TO_GOLD.get(part, part)
    return None


def gold_country(code: str) -> str:
    return CAMEO_COUNTRY_TO_ISO.get(code, code)


def gold_sector(sector: str | None) -> str | None:
    if not sector:
        return None
    head = sector[:3].upper()
    return GOLD_FIXES.get(head, head)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def locate(actor_text: str, sentence: str) -> tuple[int, int] | None:
    """Character span of the gold actorText in the sentence (edited texts are found by their
    longest part, e.g. "U.S. ... negotiators" or an actorText with a word the sentence lacks)."""
    wanted = _norm(actor_text)
    for haystack, needle in ((sentence, wanted), (sentence.lower(), wanted.lower())):
        at = haystack.find(needle)
        if at >= 0:
            return at, at + len(needle)
    parts = [p.strip() for p in re.split(r"\.\.\.|…", wanted) if p.strip()]
    words = wanted.split()
    # Drop words from the left, then from the right, until the rest is found.
    candidates = parts + [" ".join(words[i:]) for i in range(1, len(words))] + \
        [" ".join(words[:j]) for j in range(len(words) - 1, 0, -1)]
    for candidate in sorted(candidates, key=len, reverse=True):
        at = sentence.lower().find(candidate.lower())
        if at >= 0 and len(candidate) >= 3:
            return at, at + len(candidate)
    return None


def best_actor(actors, span: tuple[int, int]):
    start, end = span
    best, best_overlap = None, 0
    for actor in actors:
        for m in actor.mentions:
            if m.section != "body":
                continue
            overlap = min(end, m.end) - max(start, m.start)
            if overlap > best_overlap:
                best, best_overlap = actor, overlap
    return best


def _records(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [r for r in data if r.get("text") and r.get("event") != "DOCUMENT"]


def score(path: str | Path = DEFAULT_PATH) -> dict:
    """{'country_accuracy', 'sector_accuracy', 'matched', 'n_actors', 'n_sector', 'n_sentences',
    'seconds', 'errors': [...]}"""
    from eventwire.ground.actor_kb import load_actor_kb
    from eventwire.ground.actors import resolve_actors
    from eventwire.read import load_model, read_many
    from eventwire.record import Document, document_id

    path = Path(path)
    records = _records(path)
    documents = []
    for r in records:
        doc_id, content_hash = document_id(None, "", r["text"])
        documents.append(Document(id=doc_id, source=f"{path.name}#{r.get('id')}", input_kind="text", title="",
                                  text=r["text"], published=r.get("date") or None, content_hash=content_hash))
    nlp, kb = load_model(), load_actor_kb()
    started = time.perf_counter()
    n = country_ok = sector_n = sector_ok = matched = 0
    errors = []
    for record, parsed in zip(records, read_many(documents, nlp)):
        actors = resolve_actors(parsed, kb)
        for role in ("source", "target"):
            golds = record.get(role)
            if not isinstance(golds, list):
                continue  # a few records hold a stray string here
            for gold in golds:
                text = parsed.document.text
                span = locate(gold.get("actorText", ""), text)
                ours = best_actor(actors, span) if span else None
                g_country, g_sector = gold_country(gold.get("code", "")), gold_sector(gold.get("sector"))
                o_country = our_country(ours) if ours else None
                o_sector = our_sector(ours) if ours else None
                n += 1
                matched += ours is not None
                c_ok = ours is not None and o_country == g_country
                country_ok += c_ok
                s_ok = None
                if g_sector != "***":
                    sector_n += 1
                    s_ok = ours is not None and o_sector == g_sector
                    sector_ok += s_ok
                if not c_ok or s_ok is False:
                    errors.append({
                        "id": record.get("id"), "role": role, "actorText": gold.get("actorText"),
                        "gold": f"{g_country}/{g_sector}",
                        "ours": f"{o_country}/{o_sector}" if ours else None,
                        "our_code": ours.code if ours else None, "our_name": ours.name if ours else None,
                        "how": ours.resolved_by if ours else None,
                        "wrong": ("country " if not c_ok else "") + ("sector" if s_ok is False else ""),
                        "text": text,
                    })
    return {
        "country_accuracy": country_ok / n if n else 0.0,
        "sector_accuracy": sector_ok / sector_n if sector_n else 0.0,
        "matched": matched,
        "n_actors": n,
        "n_sector": sector_n,
        "n_sentences": len(records),
        "seconds": round(time.perf_counter() - started, 1),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="PLOVER_GSR_CAMEO.json")
    parser.add_argument("--json", action="store_true", help="print the scores (with the error list) as JSON")
    parser.add_argument("--errors", action="store_true", help="print one line per wrong or missed gold actor")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    result = score(args.path)
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    if args.errors:
        for e in result["errors"]:
            sys.stdout.write(f"{e['wrong']:<15} {e['actorText']!r:45} gold {e['gold']:<9} ours {e['ours']} "
                             f"[{e['our_name']} / {e['how']}]  | {e['text'][:110]}\n")
    sys.stdout.write(
        f"actors_plover: country {result['country_accuracy']:.4f}  sector {result['sector_accuracy']:.4f}  "
        f"matched {result['matched']}/{result['n_actors']}  sector n={result['n_sector']}  "
        f"sentences={result['n_sentences']}  ({result['seconds']}s)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
