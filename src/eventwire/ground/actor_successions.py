"""States coded by the article's date: an actor of a state that did not yet exist on the publication
date is coded with the state its territory then belonged to (data/actors/state_successions.tsv):
"Juba" in a 2005 report is Sudan's (SDN), in 2015 South Sudan's (SSD)."""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.ground.actor_common import _Found

__all__ = ["state_successions", "as_of"]


@functools.lru_cache(maxsize=1)
def state_successions() -> dict[str, tuple[str, str]]:
    """state ISO-3 -> (predecessor ISO-3, ISO date from which the state is coded as itself)."""
    rows = read_tsv(builtin_text("actors", "state_successions.tsv"), "data/actors/state_successions.tsv")
    return {r["state"]: (r["predecessor"], r["since"]) for r in rows}


def as_of(found: Iterable[_Found], day: str | None) -> list[_Found]:
    """The mentions with states that did not exist on `day` (ISO date) coded as their predecessor; no
    date: as they are."""
    out = []
    for f in found:
        succession = state_successions().get(f.country or "")
        if day and succession and day < succession[1]:
            old, new = f.country, succession[0]
            code = new + f.code[len(old):] if f.code and f.code.startswith(old) else f.code
            f = dataclasses.replace(f, country=new, code=code, key=f.key.replace(old, new),
                                    resolved_by=f"{f.resolved_by} + {new} before {succession[1]}")
        out.append(f)
    return out
