"""The command line every scorer shares: `python eval/NAME.py [PATH] [--json]`."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def run_scorer(doc: str, default: Path, score: Callable[[str], dict[str, Any]],
               summary: Callable[[dict[str, Any]], str], argv: list[str] | None = None,
               path_help: str = "the dataset") -> int:
    """Parse the arguments, score the dataset, print the summary line or the whole result as JSON."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=str(default), help=path_help)
    parser.add_argument("--json", action="store_true", help="print every score (with the per-item ones) as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    result = score(args.path)
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(summary(result) + "\n")
    return 0
