"""CPU of the quote stage alone (ground/quotes.find_quotes) over the throughput bench's real articles.

The articles are parsed once; before each repetition every Doc's user_data is put back as the parse
left it, so the token columns and other per-Doc caches are made again inside the timing, as in a run.
Prints the CPU seconds of each repetition, the minimum and the load average. Run it once with each
checkout's interpreter, interleaved, to compare two versions:

    .venv/bin/python bench/quote_stage.py --articles 100 --reps 12
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--reps", type=int, default=12)
    args = parser.parse_args(argv)

    import throughput

    import eventwire
    from eventwire import load_settings
    from eventwire.ground.quotes import find_quotes, load_cues
    from eventwire.read import load_model, read_many

    settings = load_settings()
    nlp = load_model(settings.model, settings.blis)
    _, measured = throughput.real_articles(args.articles)
    parsed = list(read_many(measured(), nlp, batch_size=settings.batch_size))
    docs = list({id(p.doc): p.doc for article in parsed for p in article.paragraphs}.values())
    as_parsed = [dict(doc.user_data) for doc in docs]
    load_cues()
    times = []
    for _ in range(args.reps):
        for doc, data in zip(docs, as_parsed):
            doc.user_data.clear()
            doc.user_data.update(data)
        start = cpu_seconds()
        quotes = sum(len(find_quotes(article)) for article in parsed)
        times.append(cpu_seconds() - start)
    print(f"{Path(eventwire.__file__).parents[1]} articles {len(parsed)} quotes {quotes} cpu_s "
          + " ".join(f"{t:.3f}" for t in times)
          + f" min {min(times):.3f} median {sorted(times)[len(times) // 2]:.3f} load {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
