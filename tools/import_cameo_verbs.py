"""Convert PETRARCH2's CAMEO verb dictionary (CAMEO.2.0.txt) into eventwire's own data files.

The source is the MIT-licensed verb dictionary of openeventdata/petrarch2 (commit 676801c), whose
format is described in its dictionaries.rst. It writes, under src/eventwire/data/events/:

- cameo_synsets.tsv   synonym sets (`&NAME` -> words or phrases; whether regular plurals apply)
- cameo_verbs.tsv     verb forms: each verb of a synonym block with its irregular forms, the words
                      of a multi-word or phrasal verb before/after it, its block and its own code
- cameo_patterns.tsv  the block's patterns: words before and after the verb, preposition phrases and
                      the source (`$`) and target (`+`) slots -> a CAMEO code and a code with the
                      roles reversed ([042:043]: the visitor makes a visit, the host receives one)
- CAMEO-VERBS-LICENSE.txt  the licence notice and the source commit

Patterns that use an undefined synonym set are dropped, as PETRARCH2 drops them; the eight verb
"transformations" (`~` lines) are not converted: the coder handles reported and intended acts itself.
The format of the written files is in docs/data-formats.md.

usage: python tools/import_cameo_verbs.py [DICTIONARY_DIR] [--out DIR]
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

SOURCE_COMMIT = "676801c"
SOURCE_REPO = "openeventdata/petrarch2"
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_IN = ROOT.parent / "shared" / "reference" / "petrarch2-dictionaries"
DEFAULT_OUT = ROOT / "src" / "eventwire" / "data" / "events"

_BLOCK = re.compile(r"^---\s+(.*?)\s+\[([^\]]*)\]\s+---")
_CODE = re.compile(r"\[([^\]]*)\]\s*$")


def _header(what: str, columns: str) -> str:
    return (f"# {what}\n"
            f"# Converted by tools/import_cameo_verbs.py from CAMEO.2.0.txt of {SOURCE_REPO} (commit {SOURCE_COMMIT}),\n"
            "# the PETRARCH2 CAMEO verb dictionary, MIT licence (see CAMEO-VERBS-LICENSE.txt beside this file).\n"
            "# Do not edit by hand: rerun the converter; add your own rows in a user file (docs/data-formats.md).\n"
            f"{columns}\n")


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def _words(phrase: str) -> str:
    return phrase.replace("_", " ").strip().lower()


def _parse_code(raw: str) -> tuple[str, str]:
    """ "042:043" -> ("042", "043"); ":173" -> ("", "173"); "---" -> ("", "")."""
    raw = raw.replace("!", "").strip()
    first, _, second = raw.partition(":")
    clean = lambda c: "" if not c or c.startswith("-") else c  # noqa: E731
    return clean(first.strip()), clean(second.strip())


def _verb_entry(text: str) -> tuple[str, str, str, list[str]] | None:
    """ "+CORDON_OFF", "WIRE_+TAP", "SPEED" -> (verb, before, after, irregular forms of the verb word)."""
    forms: list[str] = []
    brace = re.search(r"\{([^}]*)\}", text)
    if brace:
        for form in brace.group(1).split():
            words = form.split("_")
            marked = [w for w in words if w.startswith("+")]
            forms.append((marked[0][1:] if marked else words[0]).lower())
        text = text[:brace.start()] + text[brace.end():]
    phrase = text.split()[0] if text.split() else ""
    if not phrase:
        return None
    words = phrase.split("_")
    marked = [i for i, w in enumerate(words) if w.startswith("+")]
    at = marked[0] if marked else 0
    verb = words[at].lstrip("+").lower()
    if not verb:
        return None
    before = " ".join(w.lower() for w in words[:at] if w)
    after = " ".join(w.lower() for w in words[at + 1:] if w)
    return verb, before, after, [f for f in forms if f and f != verb]


def convert(text: str) -> dict[str, list[str]]:
    synsets: list[tuple[str, str, str]] = []
    verbs: list[tuple[str, ...]] = []
    patterns: list[tuple[str, ...]] = []
    defined: set[str] = set()
    dropped = 0
    current_syn: str | None = None
    block: str | None = None
    block_code = ""
    in_patterns = False
    counts: dict[str, int] = {}
    for raw in text.splitlines():
        if raw.startswith("####### VERB PATTERNS"):
            in_patterns = True
            current_syn = None
            continue
        if raw.startswith("######## TRANSFORMATIONS"):
            break
        line = _strip_comment(raw)
        if not line.strip():
            continue
        if not in_patterns:
            if line.startswith("&"):
                current_syn = line.strip()[1:]
                defined.add(current_syn.rstrip("_").upper())
            elif line.startswith("+") and current_syn:
                phrase = line[1:].strip()
                plural = not (current_syn.endswith("_") or phrase.endswith("_"))
                synsets.append((current_syn.rstrip("_").lower(), _words(phrase.rstrip("_")), "yes" if plural else "no"))
            continue
        header = _BLOCK.match(raw)
        if header:
            block = header.group(1).strip().lower().replace(" ", "_")
            block_code = _parse_code(header.group(2))[0]
            counts[block] = 0
            continue
        if block is None or line.startswith("~"):
            continue
        if line.startswith("-"):
            code_match = _CODE.search(line)
            if not code_match:
                continue
            body = line[1:code_match.start()].strip()
            if "*" not in body:
                continue
            used = {s.rstrip("_").upper() for s in re.findall(r"&([A-Za-z_0-9]+)", body)}
            if used - defined:
                dropped += 1
                continue
            cameo, reverse = _parse_code(code_match.group(1))
            if not cameo and not reverse:
                continue
            counts[block] += 1
            comment = raw.split("#", 1)[1].strip().lower() if "#" in raw else ""
            pattern = " ".join(body.lower().split())
            patterns.append((f"{block}.{counts[block]}", block, pattern, cameo, reverse, comment))
            continue
        code_match = _CODE.search(line)
        own = _parse_code(code_match.group(1)) if code_match else None
        entry = _verb_entry(line[:code_match.start()] if code_match else line)
        if entry is None:
            continue
        verb, before, after, forms = entry
        cameo = own[0] if own is not None else block_code
        verbs.append((verb, before, after, "|".join(dict.fromkeys(forms)), block, cameo))
    print(f"synsets {len(synsets)} rows, verbs {len(verbs)}, patterns {len(patterns)} "
          f"({dropped} dropped: undefined synonym set)", file=sys.stderr)
    return {
        "cameo_synsets.tsv": [_header("CAMEO synonym sets: `&synset` in a pattern matches any of its phrases "
                                      "(plurals: regular plurals are matched too).", "synset\tphrase\tplurals")]
        + ["\t".join(r) for r in synsets],
        "cameo_verbs.tsv": [_header("CAMEO verbs: a verb (its lemma), the words before/after it of a multi-word "
                                    "verb, irregular forms, its synonym block (whose patterns it shares) and the "
                                    "code of the verb alone (empty: no event without a pattern).",
                                    "verb\tbefore\tafter\tforms\tblock\tcameo")]
        + ["\t".join(r) for r in verbs],
        "cameo_patterns.tsv": [_header("CAMEO verb patterns of each synonym block: `*` is the verb, `$` the source, "
                                       "`+` the target, (P ...) a preposition phrase, {A B} a phrase headed by B, "
                                       "&name a synonym set, ^ skips a word; cameo for (source, target), reverse for "
                                       "the roles swapped.", "id\tblock\tpattern\tcameo\treverse\tnote")]
        + ["\t".join(r) for r in patterns],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", default=str(DEFAULT_IN), help="directory with CAMEO.2.0.txt and LICENSE")
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    args = ap.parse_args(argv)
    src = Path(args.source)
    dictionary = src / "CAMEO.2.0.txt"
    if not dictionary.is_file():
        print(f"import_cameo_verbs: no CAMEO.2.0.txt in {src}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, lines in convert(dictionary.read_text("utf-8", errors="replace")).items():
        (out / name).write_text("\n".join(lines) + "\n", "utf-8")
    licence = (src / "LICENSE").read_text("utf-8") if (src / "LICENSE").is_file() else ""
    (out / "CAMEO-VERBS-LICENSE.txt").write_text(
        f"cameo_synsets.tsv, cameo_verbs.tsv and cameo_patterns.tsv are converted by tools/import_cameo_verbs.py\n"
        f"from CAMEO.2.0.txt of https://github.com/{SOURCE_REPO} at commit {SOURCE_COMMIT}\n"
        "(the PETRARCH2 CAMEO verb dictionary, Copyright (c) 2015 Open Event Data Alliance),\n"
        "under the following licence:\n\n" + licence, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
