"""A DuckDB store's table of counts for one generation (api/cache.py): the events counted per
distinct combination of the columns facet counts and dyads read or their filters test, from which
facet counts, dyads and a page's count are read instead of a million events.

Facet counts under the filters of FACET_TABLE_FILTERS (whose SQL reads the table's columns alone)
weigh the table's rows that match; under any other filter (actor, dates, bbox, text) the matching
events are counted per group, each event's group hash read beside it in a positional join, and
those counts weigh the groups' rows. Either way the ranking is done on arrays over the rows (a few
tens of thousands), with the rules of views.facet_counts' SQL: most events first, then the value
(NULL last); QuadClasses all, by value; NULL PLOVER types, QuadClasses and languages left out.
Dyads run store.dyads' SQL over the groups that match, each weighing its matching events.
"""
from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["FacetTable", "facet_table", "table_facet_counts", "table_dyads", "counted_events", "FACET_TABLE_FILTERS",
           "FACETS"]

# The events' columns a facet count reads or its filters test, and those dyads read (their sides'
# codes and CAMEO name: the others are among the former).
_COLUMNS = ("countries", "actor_codes", "cameo", "quad_class", "modality", "plover_type", "doc_language",
            "actor_countries", "place_country", "acled_type", "acled_sub_type")
_DYAD_COLUMNS = ("source_codes", "target_codes", "plover_type", "cameo_name", "quad_class")
# The filters whose SQL (store._api_where) reads _COLUMNS alone.
FACET_TABLE_FILTERS = frozenset({"country", "cameo", "plover", "modality", "quad_class", "lang", "acled",
                                 "acled_type"})
# Each facet: the column it counts, whether that holds a list of values per event, and whether a
# NULL value is counted (as views.facet_counts' SQL does: unnested lists and CAMEO roots keep it).
FACETS = {"country": ("countries", True, True), "actor": ("actor_codes", True, True),
          "cameo_root": ("cameo", False, True), "quad_class": ("quad_class", False, False),
          "modality": ("modality", True, True), "plover": ("plover_type", False, False),
          "language": ("doc_language", False, False)}


@dataclasses.dataclass(frozen=True)
class _Coded:
    """One facet's values over the table's rows: `values` (distinct, None possibly among them) and,
    per row, the indexes of its values (`codes`; for a list column, `lengths` per row too)."""

    values: list[Any]
    codes: Any
    lengths: Any = None


@dataclasses.dataclass(frozen=True)
class FacetTable:
    """`counted`: the groups (an Arrow table of _COLUMNS, the group's hash h, its event count n and
    its row number i); `groups`: each event's group hash in the order a scan of the events table
    gives them (None if two groups share a hash: then only the table's own filters are answered);
    `by_hash`: the rows' hashes sorted, and `rows` the row of each; `coded`: each facet's values."""

    counted: Any
    groups: Any
    by_hash: Any
    rows: Any
    coded: dict[str, _Coded]


def _code(column: Any, listed: bool, facet: str) -> _Coded:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if facet == "cameo_root":  # left(cameo, 2)
        column = pc.utf8_slice_codeunits(column, 0, 2)
    elif facet == "quad_class":  # counted as text, "1".."4"
        column = pc.cast(column, pa.string())
    lengths = None
    if listed:
        lengths = pc.fill_null(pc.list_value_length(column), 0).to_numpy(zero_copy_only=False).astype(np.int64)
        column = pc.list_flatten(column)
    encoded = pc.dictionary_encode(column, null_encoding="encode").combine_chunks()
    values = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return _Coded(values, codes, lengths)


def facet_table(store) -> FacetTable | None:
    """The store's FacetTable; None for a DuckDB store made before the events' copies (store/schema.py),
    which a request reads through a view of its own."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from eventwire.store.schema import event_columns

    grouped = (*_COLUMNS, *(c for c in _DYAD_COLUMNS if c not in _COLUMNS))
    columns = ", ".join(grouped)
    with store.con.cursor() as own:  # Arrow output needs a connection without a result left open
        if not set(grouped) <= set(event_columns(own)):
            return None
        # A plain scan gives the rows in the table's order (DuckDB keeps insertion order), as the
        # positional join of a request reads them.
        groups = own.sql(f"SELECT hash({columns}) AS h FROM events").to_arrow_table()
        counted = own.sql(f"SELECT {columns}, hash({columns}) AS h, count(*) AS n FROM events "
                          "GROUP BY ALL").to_arrow_table()
    counted = counted.append_column("i", pa.array(np.arange(counted.num_rows, dtype=np.int64)))
    hashes = counted["h"].to_numpy()
    order = np.argsort(hashes, kind="stable")
    distinct = pc.count_distinct(counted["h"]).as_py() == counted.num_rows
    coded = {facet: _code(counted[column], listed, facet) for facet, (column, listed, _) in FACETS.items()}
    return FacetTable(counted, groups if distinct else None, hashes[order], order, coded)


def _registered(store, table: FacetTable, sql: str, params: list[Any], arrays: bool = False) -> Any:
    """The rows of `sql` (numpy arrays by column with `arrays`) over the table as facet_counted and the
    events' groups as facet_groups."""
    store.con.register("facet_counted", table.counted)
    if table.groups is not None:
        store.con.register("facet_groups", table.groups)
    try:
        result = store.con.execute(sql, params)
        return result.fetchnumpy() if arrays else result.fetchall()
    finally:
        store.con.unregister("facet_counted")
        if table.groups is not None:
            store.con.unregister("facet_groups")


def counted_events(store, table: FacetTable | None, **filters: Any) -> int | None:
    """How many events match `filters`, read from the table when they are filters of
    FACET_TABLE_FILTERS (a country filter tests a million events' lists: 15-25 ms; the table's rows,
    1-2 ms); None otherwise, or with no filter (the events' own count is as quick)."""
    asked = {k for k, v in filters.items() if v not in (None, ())}
    if table is None or not asked or not asked <= FACET_TABLE_FILTERS:
        return None
    where, params = store._api_where(**filters)
    return _registered(store, table, f"SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM facet_counted e {where}",
                       params)[0][0]


def _weights(store, table: FacetTable, filters: dict[str, Any]) -> Any:
    """The matching events per row of the table, or None when the table cannot tell."""
    import numpy as np

    asked = {k for k, v in filters.items() if v not in (None, ())}
    n = table.counted["n"].to_numpy()
    if not asked:
        return n
    where, params = store._api_where(**filters)
    weights = np.zeros(len(n), dtype=np.int64)
    if asked <= FACET_TABLE_FILTERS:
        rows = _registered(store, table, f"SELECT i FROM facet_counted e {where}", params, arrays=True)["i"]
        weights[rows] = n[rows]
        return weights
    if table.groups is None or "doc_id" in asked:  # one document's events are fewer than the groups
        return None
    found = _registered(store, table, f"""SELECT g.h, count(*) AS c FROM events e POSITIONAL JOIN facet_groups g
        {where} GROUP BY g.h""", params, arrays=True)
    weights[table.rows[np.searchsorted(table.by_hash, found["h"])]] = found["c"]
    return weights


def table_facet_counts(store, table: FacetTable, limit: int, **filters: Any) -> dict[str, list[dict]] | None:
    """views.facet_counts' answer read from the table; None when the filters need the events."""
    import numpy as np

    weights = _weights(store, table, filters)
    if weights is None:
        return None
    out: dict[str, list[dict[str, Any]]] = {}
    for facet, (_, listed, keeps_null) in FACETS.items():
        coded = table.coded[facet]
        per_value = np.repeat(weights, coded.lengths) if listed else weights
        events = np.bincount(coded.codes, weights=per_value, minlength=len(coded.values)).astype(np.int64)
        found = [(v, int(n)) for v, n in zip(coded.values, events) if n > 0 and (keeps_null or v is not None)]
        if facet == "quad_class":
            found.sort(key=lambda vn: vn[0])
        else:
            found.sort(key=lambda vn: (-vn[1], vn[0] is None, vn[0] or ""))
            found = found[:limit]
        out[facet] = [{"value": v, "events": n} for v, n in found]
    return out


def table_dyads(store, table: FacetTable, limit: int, **filters: Any) -> list[dict[str, Any]] | None:
    """store.dyads' answer over the table's groups, each weighing its matching events (the same SQL,
    over tens of thousands of groups instead of a million events); None when the filters need the events."""
    import numpy as np
    import pyarrow as pa

    weights = _weights(store, table, filters)
    if weights is None:
        return None
    matching = np.flatnonzero(weights)
    groups = table.counted.select(list(_DYAD_COLUMNS)).take(pa.array(matching)).append_column(
        "n", pa.array(weights[matching], type=pa.int64()))
    store.con.register("dyad_groups", groups)
    try:
        return store.dyads_of("SELECT * FROM dyad_groups", [], limit)
    finally:
        store.con.unregister("dyad_groups")
