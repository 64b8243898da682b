"""Convert the PETRARCH2/Phoenix actor, agent and discard dictionaries into eventwire's actor data files.

    python tools/import_phoenix_actors.py [DICTIONARY_DIR] [--out src/eventwire/data/actors]

Reads (format: dictionaries.rst of the same folder) Phoenix.Countries.actors.txt,
Phoenix.International.actors.txt, Phoenix.MilNonState.actors.txt, Phoenix.agents.txt and
Phoenix.discards.txt of openeventdata/petrarch2 (MIT licence, commit 676801c) and writes

- phoenix_actors.tsv: one row per dictionary entry: `name`, `aliases` (the `+` synonyms), `codes`
  (each code with its date range, "|" between; a code without a range is the entry's default) and
  `source` (which dictionary);
- phoenix_agents.tsv: one row per agent noun: `agent`, `plurals` (generated as PETRARCH does:
  regular plurals, `{...}` irregular ones, `{}` none), `code` (the CAMEO agent code) and `attach`
  (`after`: the code follows the actor's country, "~MIL"; `before`: it replaces a missing country
  and stands first, "NGO~"); the `!PERSON!`/`!MINIST!` substitution sets are expanded;
- discards.tsv: `phrase` only. PETRARCH's scope marks (`+`: discard the whole story) and word-end marks
  (a final `_`) are dropped: eventwire discards no text, it only names no actor inside a phrase, and
  its phrases match whole tokens;
- phoenix/LICENSE: the MIT notice and the source commit.

Phrases are written in lower case with single spaces (the dictionaries' underscores); the reader
matches them case-insensitively, token by token. Dates become ISO dates: YYMMDD years up to 30
are 20YY, later ones 19YY (the dictionaries date from 2014); an impossible date drops its range.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

SOURCE_COMMIT = "676801c"
SOURCE_REPO = "openeventdata/petrarch2"
ACTOR_FILES = {"Phoenix.Countries.actors.txt": "countries", "Phoenix.International.actors.txt": "international",
               "Phoenix.MilNonState.actors.txt": "milnonstate"}
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_IN = ROOT.parent / "shared" / "reference" / "petrarch2-dictionaries"
DEFAULT_OUT = ROOT / "src" / "eventwire" / "data" / "actors"

_FUNCTION_WORDS = {"in", "of", "for", "to", "on", "at", "and", "the", "from"}
# Phoenix country codes that are not ISO 3166 alpha-3 (or eventwire's own: KOS), rewritten on import
# so that every code in the data files leads with the country code the rest of eventwire uses.
PHOENIX_COUNTRY = {"TMP": "TLS", "KSV": "KOS", "SCG": "SRB", "YUG": "SRB", "FRY": "SRB"}
_CODE = re.compile(r"\[([^\]\[]*)\]")


def iso_date(text: str) -> str | None:
    """YYMMDD or YYYYMMDD -> ISO date; None when it is no date."""
    if not text.isdigit() or len(text) not in (6, 8):
        return None
    if len(text) == 6:
        yy = int(text[:2])
        year = (2000 if yy <= 30 else 1900) + yy
        month, day = int(text[2:4]), int(text[4:6])
    else:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_code(cell: str) -> str | None:
    """"USAGOV 090120-170120" -> "USAGOV 2009-01-20..2017-01-20"; "IGOUNO >070201" -> "IGOUNO 2007-02-01..";
    "AFGELI" -> "AFGELI"; "YUGGOV" -> "SRBGOV" (PHOENIX_COUNTRY); None for a null code (---) or an unreadable range."""
    parts = cell.split()
    if not parts:
        return None
    code = parts[0].strip()
    if not re.fullmatch(r"[A-Z]{3,15}", code):
        return None
    code = PHOENIX_COUNTRY.get(code[:3], code[:3]) + code[3:]
    if len(parts) == 1:
        return code
    rng = "".join(parts[1:])
    if rng.startswith("<") and (end := iso_date(rng[1:])):
        return f"{code} ..{end}"
    if rng.startswith(">") and (start := iso_date(rng[1:])):
        return f"{code} {start}.."
    if "-" in rng:
        a, b = rng.split("-", 1)
        start, end = iso_date(a), iso_date(b)
        if start and end and start <= end:
            return f"{code} {start}..{end}"
    return None


def phrase(text: str) -> str:
    """"MR._OBAMA_" -> "mr. obama"; blanks and underscores separate words."""
    return " ".join(text.replace("_", " ").split()).lower()


def read_actors(path: Path, source: str) -> list[dict[str, str]]:
    entries: list[dict] = []
    current: dict | None = None
    for raw in path.read_text("utf-8", errors="replace").splitlines():
        line = re.split(r"#|;", raw, maxsplit=1)[0].rstrip()
        if not line.strip():
            continue
        codes = [c for c in (parse_code(m) for m in _CODE.findall(line)) if c]
        words = _CODE.sub(" ", line)
        if raw[:1] in ("\t", " ") and not words.strip():
            if current is not None:
                current["codes"].extend(codes)
            continue
        if line.lstrip().startswith("+"):
            if current is not None:
                current["aliases"].extend(p for p in (phrase(w) for w in words.strip().split("+")) if p)
                current["codes"].extend(codes)
            continue
        name = phrase(words)
        if not name or name.startswith("<"):
            continue
        current = {"name": name, "aliases": [], "codes": codes, "source": source}
        entries.append(current)
    rows = []
    for e in entries:
        if not e["codes"]:
            continue  # a null entry codes nothing
        aliases = list(dict.fromkeys(a for a in e["aliases"] if a != e["name"]))
        rows.append({"name": e["name"], "aliases": "|".join(aliases), "codes": "|".join(dict.fromkeys(e["codes"])),
                     "source": e["source"]})
    return rows


def plurals_of(word: str) -> list[str]:
    """PETRARCH's regular plural of a phrase's last word: +S, +IES after a consonant + Y, +ES after SS."""
    if word.endswith("ss") or word.endswith(("sh", "ch", "x")):
        return [word + "es"]
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    if word.endswith("man"):
        return [word[:-3] + "men"]
    return [word + "s"]


def read_agents(path: Path) -> list[dict[str, str]]:
    substitutions: dict[str, list[str]] = {}
    rows: dict[str, dict[str, str]] = {}
    lines = path.read_text("utf-8", errors="replace").splitlines()
    for raw in lines:
        m = re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", raw.split("#")[0].strip())
        if m:
            substitutions[m.group(1)] = [w.strip().lower() for w in m.group(2).split(",") if w.strip()]
    for raw in lines:
        line = raw.split("#")[0].strip()
        if not line or re.match(r"^![A-Z]+!\s*=", line) or line.startswith("<"):
            continue
        m = re.match(r"^(.*?)\s*(\{[^}]*\})?\s*\[([^\]]*)[\]}]\s*$", line)
        if not m:
            continue
        body, plural_cell, code_cell = m.group(1), m.group(2), m.group(3).strip()
        if code_cell.startswith("~"):
            code, attach = code_cell[1:], "after"
        elif code_cell.endswith("~"):
            code, attach = code_cell[:-1], "before"
        else:
            continue
        if not re.fullmatch(r"[A-Z]{3,12}", code):
            continue
        forms = [phrase(body)]
        marker = next((k for k in substitutions if k.lower() in forms[0]), None)
        expanded = [forms[0].replace(marker.lower(), s) for s in substitutions[marker]] if marker else forms
        for form in expanded:
            form = " ".join(form.split())
            if not form or "!" in form:
                continue
            if marker:
                plurals: list[str] = []  # the substitution set lists every form itself
            elif plural_cell is not None:
                plurals = [phrase(p) for p in plural_cell.strip("{}").split() if phrase(p)]
            elif form.split()[-1] in _FUNCTION_WORDS:
                plurals = []  # "observers in": the phrase is already plural
            else:
                words = form.split()
                plurals = [" ".join(words[:-1] + [p]) for p in plurals_of(words[-1])]
            if form in rows:
                continue  # the first entry of a phrase wins, as in PETRARCH's reader
            rows[form] = {"agent": form, "plurals": "|".join(plurals), "code": code, "attach": attach}
    return list(rows.values())


def read_discards(path: Path) -> list[dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for raw in path.read_text("utf-8", errors="replace").splitlines():
        line = raw.split("#")[0].strip()
        if not line:
            continue
        text = phrase(line.lstrip("+").strip())
        if text and text not in rows:
            rows[text] = {"phrase": text}
    return list(rows.values())


def write_tsv(path: Path, header: str, columns: list[str], rows: list[dict[str, str]]) -> None:
    lines = [header.rstrip("\n"), "\t".join(columns)]
    lines += ["\t".join(r[c].replace("\t", " ") for c in columns) for r in rows]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _notice(what: str) -> str:
    return (f"# {what}\n# Converted by tools/import_phoenix_actors.py from the PETRARCH2/Phoenix dictionaries,\n"
            f"# {SOURCE_REPO} commit {SOURCE_COMMIT}, MIT licence (see phoenix/LICENSE). Regenerate, do not edit:\n"
            f"# additions belong in the hand-written tables (people.tsv, organisations.tsv ...) or a user dictionary.\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", nargs="?", type=Path, default=DEFAULT_IN)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    missing = [n for n in [*ACTOR_FILES, "Phoenix.agents.txt", "Phoenix.discards.txt", "LICENSE"]
               if not (args.source / n).is_file()]
    if missing:
        print(f"{args.source}: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    actors = [row for name, source in ACTOR_FILES.items() for row in read_actors(args.source / name, source)]
    agents = read_agents(args.source / "Phoenix.agents.txt")
    discards = read_discards(args.source / "Phoenix.discards.txt")
    args.out.mkdir(parents=True, exist_ok=True)
    write_tsv(args.out / "phoenix_actors.tsv", _notice(
        "Actors of the Phoenix dictionaries: name and aliases (lower case, matched case-insensitively\n"
        "# token by token); codes = CAMEO codes, each optionally with an ISO date range START..END (either\n"
        "# end open), \"|\" between: the range holding the article's date gives the code, else the code\n"
        "# without a range; source = countries | international | milnonstate."),
        ["name", "aliases", "codes", "source"], actors)
    write_tsv(args.out / "phoenix_agents.tsv", _notice(
        "Agent nouns of the Phoenix dictionary: agent = singular phrase; plurals = its plural forms\n"
        "# (\"|\" between; empty: none); code = CAMEO agent code; attach = after (country + code: \"Iraqi\n"
        "# police\" IRQCOP) or before (the code leads and stands for the country: \"NGO~\")."),
        ["agent", "plurals", "code", "attach"], agents)
    write_tsv(args.out / "discards.tsv", _notice(
        "Discard phrases of the Phoenix dictionary (sports, entertainment, history): text inside them\n"
        "# names no actor (matched as whole tokens, case-insensitively)."),
        ["phrase"], discards)
    lic = args.out / "phoenix"
    lic.mkdir(exist_ok=True)
    (lic / "LICENSE").write_text(
        f"phoenix_actors.tsv, phoenix_agents.tsv and discards.tsv in the folder above are converted from the\n"
        f"PETRARCH2/Phoenix dictionaries of https://github.com/{SOURCE_REPO} (commit {SOURCE_COMMIT})\n"
        f"by tools/import_phoenix_actors.py, under the following licence:\n\n"
        + (args.source / "LICENSE").read_text("utf-8"), "utf-8")
    print(f"{len(actors)} actors, {len(agents)} agents, {len(discards)} discards -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
