"""Language identification: accuracy and speed of eventwire.language on documents of known language.

    .venv/bin/python bench/language_id.py [SHARED_DIR]

The documents: the English dev sets (TempEval-3 platinum texts, the acceptance corpus articles) and the
entries of the shared feeds whose language the feed declares (El País: es, heise: de, UOL: pt; the English
outlets: en). Each document is read with the normal ingesters and classified as the pipeline does (title and
the start of the body). Prints accuracy per expected language, the undetermined share, and documents/s.
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from eventwire.ingest import read_path
from eventwire.language import UNDETERMINED, identify_language
from eventwire.record import Document

_FEED_LANGUAGE = {"elpais": "es", "heise": "de", "uol": "pt", "bbc": "en", "cnn": "en", "guardian": "en",
                  "nyt": "en", "reuters": "en", "huffpost": "en"}


def documents(shared: Path) -> list[tuple[str, Document]]:
    out: list[tuple[str, Document]] = []
    for feed in sorted((shared / "eval" / "ingest" / "feeds").glob("*.*")):
        lang = _FEED_LANGUAGE.get(feed.name.split("-")[0])
        if lang:
            out += [(lang, d) for d in read_path(str(feed)) if isinstance(d, Document)]
    for path in sorted((shared / "corpus" / "articles").glob("*/article.*")):
        out += [("en", d) for d in read_path(str(path)) if isinstance(d, Document)]
    for path in sorted((shared / "eval" / "time" / "te3-platinum").glob("*.tml")):
        out += [("en", d) for d in read_path(str(path)) if isinstance(d, Document)]
    return out


def main() -> None:
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1].parent / "shared")
    docs = documents(shared)
    identify_language(docs[0][1])  # load the model outside the timing
    started = time.perf_counter()
    found = [(want, identify_language(d).language) for want, d in docs]
    seconds = time.perf_counter() - started
    by_lang: dict[str, Counter] = {}
    for want, got in found:
        by_lang.setdefault(want, Counter())["right" if got == want else ("und" if got == UNDETERMINED else "wrong")] += 1
    for lang, c in sorted(by_lang.items()):
        total = sum(c.values())
        print(f"{lang}: {c['right']}/{total} right, {c['und']} undetermined, {c['wrong']} wrong")
    right = sum(c["right"] for c in by_lang.values())
    print(f"accuracy {right / len(found):.3f} over {len(found)} documents; {len(found) / seconds:.0f} documents/s")


if __name__ == "__main__":
    main()
