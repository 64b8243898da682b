"""What the story sweep (stories.py) reads of each mention of a day's MentionTable, by row: flags and
kinds in arrays, the values the rules compare in Python lists of the table's shared objects.
"""
from __future__ import annotations

import numpy as np

from eventwire.link.mentions import LinkSettings, MentionTable
from eventwire.link.buffers import array_of


class SweepColumns:
    """What the sweep reads of each mention, by its row in the day's MentionTable: Python lists of shared
    values (an element of a list is read for a fraction of the cost of one of a numpy array's), made
    for the sweep and let go after it. `kind` numbers the mentions that agree on everything the rules
    read: copies of one wire story); `located`: placed below country level (a place that is not a
    country, with lat and lon); `codes_count`: its actor codes may vouch (LinkSettings.codes_corroborate:
    "always", or with "stated" only a stated date; never when placed in a whole country)."""

    __slots__ = ("start", "end", "lat", "lon", "located", "codes_count", "place_country", "codes",
                 "countries", "sector_countries", "names", "kind")

    def __init__(self, table: MentionTable, settings: LinkSettings, rows: np.ndarray | None = None,
                 country: int | None = None) -> None:
        """The columns of every row of `table`, or of `rows` alone (then read by their place in `rows`:
        the sweep reads one event type's mentions at a time); `country`: the number of the place kind
        "country" in the table's values, when the caller has read it (else it is looked up)."""
        def column(name: str) -> np.ndarray:
            values = table.column(name)
            return values if rows is None else values[rows]

        # Flags and kinds in arrays (1-8 bytes a row; an element is made into an object as it is read),
        # the values compared as sets in lists of the table's shared objects (8 bytes a row). A window's
        # days (start, end) and a place (lat, lon) are read only of rows linkable and located.
        # Days and coordinates in lists of shared objects: a story keeps its window's days and its
        # places' coordinates, one object each per distinct value (read from an array, each would be
        # a new object).
        days: dict[int, int] = {}
        self.start = [days.setdefault(x, x) for x in column("start").tolist()]
        self.end = [days.setdefault(x, x) for x in column("end").tolist()]
        coordinates: dict[float, float] = {}
        lat, lon = column("lat"), column("lon")
        self.lat = [None if x != x else coordinates.setdefault(x, x) for x in lat.tolist()]
        self.lon = [None if x != x else coordinates.setdefault(x, x) for x in lon.tolist()]
        del days, coordinates
        known = table.known_code("country") if country is None else country
        country = column("place_kind") == (-1 if known is None else known)
        located = ~country & ~np.isnan(lat) & ~np.isnan(lon)
        self.located = bytearray(located.tobytes())
        if settings.codes_corroborate == "never":
            codes_count = np.zeros(len(located), dtype=bool)
        elif settings.codes_corroborate == "always":
            codes_count = ~country
        else:
            codes_count = ~country & ~column("date_weak")
        self.codes_count = bytearray(codes_count.tobytes())
        del country, located, codes_count
        self.place_country = table.decoded("place_country", rows)
        self.codes = table.decoded("codes", rows)
        self.countries = table.decoded("countries", rows)
        self.sector_countries = table.decoded("sector_countries", rows)
        self.names = table.decoded("names", rows)
        # The kind of each row: its signature's columns numbered together a pair at a time (an array of
        # a row's numbers at a time: np.unique over all eleven at once sorts a copy of them all).
        kind = np.zeros(len(lat), dtype=np.int64)
        for values in [column(name) for name in ("root", "plover", "place_kind", "place_country", "codes",
                                                 "countries", "sector_countries", "names", "date_weak")] + [
                lat.view(np.int64), lon.view(np.int64)]:
            pairs = np.unique(values, return_inverse=True)[1].reshape(-1).astype(np.int64)
            kind = np.unique(kind * (int(pairs.max(initial=0)) + 1) + pairs, return_inverse=True)[1].reshape(-1)
        self.kind = array_of("q", kind)


def block_name(plover: str | None, root: str) -> str:
    """The event type block of a mention: its PLOVER type, else its CAMEO root (stories.py: a story holds
    mentions of one block)."""
    return plover or f"cameo:{root}"
