"""The store's tables, defined once (in DuckDB's type names; store/dialect.py renders them for
PostgreSQL), and what creates or upgrades them.
"""
from __future__ import annotations

from typing import Any

__all__ = ["SCHEMA_VERSION", "STORE_SCHEMA", "LINK_SCHEMA", "DOC_TABLES", "LINK_TABLES", "DENORMALISED_COLUMNS",
           "ACTOR_MARK", "link_table_sql", "meta_value", "set_meta_value", "ensure_schema", "legacy_view_sql", "denormalised_sql"]

SCHEMA_VERSION = 1

_EVIDENCE = "evidence_text VARCHAR, section VARCHAR, caption_index INTEGER, sent_start INTEGER, sent_end INTEGER"

# Copies on each event of what the API's filters, facets and pages ask of its actors, place and
# document (the event's place: its name, country and coordinates; its source and target actors'
# codes, one per actor, NULL for an actor without one, and names; the countries of all its actors,
# without NULLs; its document's language), so that they read the events table alone instead of
# joining actors, event_actors, places and documents per request. Facet counts count each event once per value:
# `countries` (its actors' and its place's) and `actor_codes` (its source and target actors') hold
# each value once, sorted, without NULLs, so a facet unnests them without deduplicating a million
# lists per request (list_distinct was most of a facet count's time). The actor filters match the
# `*_text` copies: each code (or name) of the side preceded by ACTOR_MARK, in one text, so a code
# prefix is one strpos of the mark and the prefix, and a part of a name one strpos, where testing
# each element of four lists took 120 ms of CPU per million events. `page_actors` is what a page
# of events shows of its actors: JSON {"source": [...], "target": [...]}, each actor's id, name and
# code, sorted by id (NULL for an event without actors). Written with the event (store/rows.py);
# filled from those tables in a store made before them (denormalised_sql, _add_denormalised).
DENORMALISED_COLUMNS = (("place_country", "VARCHAR"), ("place_lat", "DOUBLE"), ("place_lon", "DOUBLE"),
                        ("source_codes", "VARCHAR[]"), ("target_codes", "VARCHAR[]"),
                        ("source_names", "VARCHAR[]"), ("target_names", "VARCHAR[]"),
                        ("actor_countries", "VARCHAR[]"), ("countries", "VARCHAR[]"), ("actor_codes", "VARCHAR[]"),
                        ("place_name", "VARCHAR"), ("doc_language", "VARCHAR"),
                        ("source_codes_text", "VARCHAR"), ("target_codes_text", "VARCHAR"),
                        ("source_names_text", "VARCHAR"), ("target_names_text", "VARCHAR"),
                        ("page_actors", "VARCHAR"))
# Precedes each element in the *_text copies: a control character (U+001F, the unit separator), so a
# filter value without it matches inside one element only.
ACTOR_MARK = "\x1f"

STORE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY, source VARCHAR, input_kind VARCHAR, url VARCHAR, outlet VARCHAR,
    title VARCHAR, published VARCHAR, published_from VARCHAR, language VARCHAR, text VARCHAR,
    content_hash VARCHAR, record_version VARCHAR, record JSON, ingested_at TIMESTAMP,
    language_confidence DOUBLE);
CREATE TABLE IF NOT EXISTS captions (doc_id VARCHAR, idx INTEGER, text VARCHAR, credit VARCHAR,
    PRIMARY KEY (doc_id, idx));
CREATE TABLE IF NOT EXISTS related (doc_id VARCHAR, idx INTEGER, title VARCHAR, url VARCHAR,
    PRIMARY KEY (doc_id, idx));
CREATE TABLE IF NOT EXISTS actors (doc_id VARCHAR, actor_id VARCHAR, name VARCHAR, code VARCHAR,
    country VARCHAR, sector VARCHAR, kind VARCHAR, role VARCHAR, wikidata VARCHAR, resolved_by VARCHAR,
    media_only BOOLEAN, {_EVIDENCE}, PRIMARY KEY (doc_id, actor_id));
CREATE TABLE IF NOT EXISTS actor_mentions (doc_id VARCHAR, actor_id VARCHAR, text VARCHAR,
    section VARCHAR, caption_index INTEGER, start_char INTEGER, end_char INTEGER, sentence INTEGER);
CREATE TABLE IF NOT EXISTS places (doc_id VARCHAR, place_id VARCHAR, name VARCHAR, kind VARCHAR,
    country VARCHAR, admin1 VARCHAR, lat DOUBLE, lon DOUBLE, geonames_id BIGINT, resolved_by VARCHAR,
    {_EVIDENCE}, PRIMARY KEY (doc_id, place_id));
CREATE TABLE IF NOT EXISTS times (doc_id VARCHAR, time_id VARCHAR, text VARCHAR, value VARCHAR,
    grain VARCHAR, anchor VARCHAR, start_char INTEGER, end_char INTEGER, range_start VARCHAR,
    range_end VARCHAR, {_EVIDENCE}, PRIMARY KEY (doc_id, time_id));
CREATE TABLE IF NOT EXISTS quantities (doc_id VARCHAR, quantity_id VARCHAR, text VARCHAR,
    value DOUBLE, low DOUBLE, high DOUBLE, approximate BOOLEAN, subject VARCHAR, category VARCHAR,
    scope VARCHAR, period VARCHAR, source_actor VARCHAR, {_EVIDENCE}, unit VARCHAR, PRIMARY KEY (doc_id, quantity_id));
CREATE TABLE IF NOT EXISTS quotes (doc_id VARCHAR, quote_id VARCHAR, text VARCHAR, kind VARCHAR,
    speaker VARCHAR, cue VARCHAR, spoken VARCHAR, {_EVIDENCE}, PRIMARY KEY (doc_id, quote_id));
CREATE TABLE IF NOT EXISTS events (doc_id VARCHAR, event_id VARCHAR, cameo VARCHAR, cameo_name VARCHAR,
    quad_class INTEGER, goldstein DOUBLE, plover_type VARCHAR, plover_mode VARCHAR, plover_context VARCHAR,
    date_value VARCHAR, date_start VARCHAR, date_end VARCHAR, date_grain VARCHAR, date_anchor VARCHAR,
    modality VARCHAR[], place_id VARCHAR, place_how VARCHAR, trigger VARCHAR, rule VARCHAR, {_EVIDENCE},
    date_iso VARCHAR, date_iso_grain VARCHAR, acled_type VARCHAR, acled_sub_type VARCHAR,
    {", ".join(f"{c} {t}" for c, t in DENORMALISED_COLUMNS)}, PRIMARY KEY (doc_id, event_id));
CREATE TABLE IF NOT EXISTS event_actors (doc_id VARCHAR, event_id VARCHAR, actor_id VARCHAR, role VARCHAR);
CREATE TABLE IF NOT EXISTS event_quantities (doc_id VARCHAR, event_id VARCHAR, quantity_id VARCHAR);
CREATE TABLE IF NOT EXISTS failures (source VARCHAR PRIMARY KEY, reason VARCHAR, failed_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS inputs (location VARCHAR PRIMARY KEY, size BIGINT, mtime_ns BIGINT,
    fingerprint VARCHAR, articles INTEGER, failed INTEGER, done_at TIMESTAMP);
"""

# Written by Store.link(), which recomputes them over the whole store from the kept link_features:
# each table's columns and primary key (link_table_sql makes its CREATE statement, under its name or a
# copy's: link/write.py fills staging copies).
_LINK_COLUMNS = {
    "duplicate_of": ("doc_id VARCHAR, duplicate_of VARCHAR, jaccard DOUBLE, containment DOUBLE", "doc_id"),
    "story_events": ("story_id VARCHAR, cameo_root VARCHAR, plover_type VARCHAR, date_start VARCHAR, "
                     "date_end VARCHAR, place VARCHAR, lat DOUBLE, lon DOUBLE, actors VARCHAR[], "
                     "num_articles INTEGER, num_sources INTEGER, num_mentions INTEGER, first_seen VARCHAR, "
                     "last_seen VARCHAR", "story_id"),
    "story_mentions": ("story_id VARCHAR, doc_id VARCHAR, event_id VARCHAR, outlet VARCHAR, published VARCHAR, "
                       f"date_start VARCHAR, date_end VARCHAR, date_weak BOOLEAN, duplicate_of VARCHAR, {_EVIDENCE}",
                       "doc_id, event_id"),
    "article_clusters": ("doc_id VARCHAR, cluster_id VARCHAR", "doc_id"),
    # What `link` keeps of each linked article (eventwire.link.features), so the next run computes it
    # only for new or changed articles; not a link table (LINK_TABLES are what `link` replaces).
    "link_features": ("doc_id VARCHAR, stamp VARCHAR, published VARCHAR, shingles BLOB, minhash BLOB, terms BLOB, "
                      "counts BLOB, day VARCHAR, by_events BOOLEAN, mentions VARCHAR, evidence VARCHAR", "doc_id"),
}
LINK_TABLES = ("duplicate_of", "story_events", "story_mentions", "article_clusters")


def link_table_sql(table: str, name: str | None = None) -> str:
    """The CREATE TABLE statement of link table `table` (one of LINK_TABLES or link_features): under its
    own name if it does not exist yet, or as a new table `name` of the same columns and primary key."""
    columns, key = _LINK_COLUMNS[table]
    head = f"CREATE TABLE {name}" if name else f"CREATE TABLE IF NOT EXISTS {table}"
    return f"{head} ({columns}, PRIMARY KEY ({key}))"


LINK_SCHEMA = "".join(f"{link_table_sql(table)};\n" for table in _LINK_COLUMNS)

DOC_TABLES = ("captions", "related", "actors", "actor_mentions", "places", "times", "quantities",
               "quotes", "events", "event_actors", "event_quantities", "documents")


def ensure_schema(con: Any) -> None:
    """Create the tables that do not exist yet (a read-write connection)."""
    from eventwire.store.dialect import POSTGRES, dialect_of

    if dialect_of(con) is POSTGRES:
        _ensure_postgres(con)
        return
    con.execute(STORE_SCHEMA)
    # Columns added since schema 1 was first written: a store made before them gains them, empty.
    con.execute("ALTER TABLE documents ADD COLUMN IF NOT EXISTS language_confidence DOUBLE")
    con.execute("ALTER TABLE events ADD COLUMN IF NOT EXISTS date_iso VARCHAR")
    con.execute("ALTER TABLE events ADD COLUMN IF NOT EXISTS date_iso_grain VARCHAR")
    con.execute("ALTER TABLE quantities ADD COLUMN IF NOT EXISTS unit VARCHAR")
    # Stores written before record 1.1 lack the ACLED columns; their events keep NULL there.
    for column in ("acled_type", "acled_sub_type"):
        con.execute(f"ALTER TABLE events ADD COLUMN IF NOT EXISTS {column} VARCHAR")
    _add_denormalised(con)
    _undated_as_null(con)
    con.execute(LINK_SCHEMA)  # empty until `link`; exports join it
    # Link features stored before the evidence had a column of their own (features version 1) are
    # recomputed by the next `link`; their table gains the column.
    con.execute("ALTER TABLE link_features ADD COLUMN IF NOT EXISTS evidence VARCHAR")
    # Written only when it changes: an unneeded write conflicts with another connection's transaction
    # (the watcher's, in `serve --watch`).
    if meta_value(con, "schema_version") != str(SCHEMA_VERSION):
        set_meta_value(con, "schema_version", str(SCHEMA_VERSION))


def meta_value(con: Any, key: str) -> str | None:
    """The value kept under `key` in the store's `meta` table, or None."""
    # fetchall, not fetchone: a result left unfinished makes DuckDB refuse the connection's next
    # `register` (the bulk writes register Arrow tables).
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def set_meta_value(con: Any, key: str, value: str) -> None:
    con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])

# What DuckDB's try_cast does, for the queries' dialect (store/dialect.py): NULL for what is not a
# value of the type. Only ISO forms are dates: PostgreSQL would also read 'today' or 'epoch'.
_POSTGRES_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION eventwire_try_date(value text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF value !~ '^\d{4}-\d{2}-\d{2}$' THEN RETURN NULL; END IF;
    RETURN value::date;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION eventwire_try_int(value text) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN value::integer;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
"""


def _ensure_postgres(con: Any) -> None:
    """The same tables on PostgreSQL, made by one process at a time (an advisory lock: two made
    at once collide in the catalogue). A store made before DENORMALISED_COLUMNS gains them here."""
    from eventwire.store.dialect import POSTGRES

    con.execute("BEGIN")
    try:
        con.execute("SELECT pg_advisory_xact_lock(hashtextextended('eventwire schema', 0))")
        con.execute(POSTGRES.ddl(STORE_SCHEMA + LINK_SCHEMA) + _POSTGRES_FUNCTIONS)
        con.execute(POSTGRES.ddl("ALTER TABLE link_features ADD COLUMN IF NOT EXISTS evidence VARCHAR"))
        _add_denormalised(con)
        _undated_as_null(con)
        set_meta_value(con, "schema_version", str(SCHEMA_VERSION))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def event_columns(con: Any) -> list[str]:
    """The events table's columns, in table order (this schema's table only, on PostgreSQL; DuckDB's
    current schema is `main`)."""
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'events' "
        "AND table_schema = current_schema() ORDER BY ordinal_position", []).fetchall()]


def denormalised_sql(con: Any, catalog: str = "") -> str:
    """A query of DENORMALISED_COLUMNS for every event (doc_id, event_id, then those columns),
    from the places, event_actors and actors tables (`catalog` qualifies them: "db.main.")."""
    from eventwire.store.dialect import dialect_of

    empty = dialect_of(con).empty_list("VARCHAR")

    def listed(column: str, role: str | None, nulls: bool = False, distinct: bool = False) -> str:
        which = [f"x.role = '{role}'"] if role else []
        which += [] if nulls else [f"a.{column} IS NOT NULL"]
        each = f"DISTINCT a.{column} ORDER BY a.{column}" if distinct else f"a.{column}"
        return f"coalesce(array_agg({each}) FILTER (WHERE {' AND '.join(which)}), {empty})"

    d = dialect_of(con)

    def marked(column: str, role: str) -> str:
        """The side's values, each preceded by ACTOR_MARK, in one text ('' for none)."""
        return (f"coalesce(string_agg(chr(31) || a.{column}, '') FILTER (WHERE x.role = '{role}' "
                f"AND a.{column} IS NOT NULL), '')")

    return f"""SELECT e.doc_id, e.event_id, p.country AS place_country, p.lat AS place_lat, p.lon AS place_lon,
            coalesce(s.source_codes, {empty}) AS source_codes, coalesce(s.target_codes, {empty}) AS target_codes,
            coalesce(s.source_names, {empty}) AS source_names, coalesce(s.target_names, {empty}) AS target_names,
            coalesce(s.actor_countries, {empty}) AS actor_countries,
            {d.sorted_set(f"coalesce(s.actor_countries, {empty})", "p.country")} AS countries,
            coalesce(s.actor_codes, {empty}) AS actor_codes, p.name AS place_name, doc.language AS doc_language,
            coalesce(s.source_codes_text, '') AS source_codes_text, coalesce(s.target_codes_text, '') AS target_codes_text,
            coalesce(s.source_names_text, '') AS source_names_text, coalesce(s.target_names_text, '') AS target_names_text,
            s.page_actors
        FROM {catalog}events e
        LEFT JOIN {catalog}places p ON p.doc_id = e.doc_id AND p.place_id = e.place_id
        LEFT JOIN {catalog}documents doc ON doc.doc_id = e.doc_id
        LEFT JOIN (SELECT x.doc_id, x.event_id, {listed("code", "source", nulls=True)} AS source_codes,
                {listed("code", "target", nulls=True)} AS target_codes, {listed("name", "source")} AS source_names,
                {listed("name", "target")} AS target_names, {listed("country", None)} AS actor_countries,
                {listed("code", None, distinct=True)} AS actor_codes,
                {marked("code", "source")} AS source_codes_text, {marked("code", "target")} AS target_codes_text,
                {marked("name", "source")} AS source_names_text, {marked("name", "target")} AS target_names_text,
                {d.actor_refs_json()} AS page_actors
            FROM {catalog}event_actors x JOIN {catalog}actors a ON a.doc_id = x.doc_id AND a.actor_id = x.actor_id
            GROUP BY x.doc_id, x.event_id) s ON s.doc_id = e.doc_id AND s.event_id = e.event_id"""


def _add_denormalised(con: Any) -> None:
    """A store made before DENORMALISED_COLUMNS gains them, filled from the tables they copy."""
    have = set(event_columns(con))
    missing = [(c, t) for c, t in DENORMALISED_COLUMNS if c not in have]
    if not missing:
        return
    from eventwire.store.dialect import dialect_of

    for column, kind in missing:
        con.execute(dialect_of(con).ddl(f"ALTER TABLE events ADD COLUMN IF NOT EXISTS {column} {kind}"))
    assignments = ", ".join(f"{c} = d.{c}" for c, _ in DENORMALISED_COLUMNS)
    con.execute(f"""UPDATE events SET {assignments} FROM ({denormalised_sql(con)}) AS d
        WHERE events.doc_id = d.doc_id AND events.event_id = d.event_id""")


def _undated_as_null(con: Any) -> None:
    """Events an earlier writer stored with the empty date get NULL, as the writer stores them now:
    pages order on the raw `date_iso` with NULLs where the empty date sorted (store/queries.py).
    Written only when there is one (an unneeded write conflicts with another connection's transaction)."""
    if con.execute("SELECT 1 FROM events WHERE date_iso = '' LIMIT 1", []).fetchone():
        con.execute("UPDATE events SET date_iso = NULL WHERE date_iso = ''", [])


# Columns of the events table added since schema 1 was first written (ensure_schema adds them to a
# store opened for writing).
_LATER_EVENT_COLUMNS = ("date_iso", "date_iso_grain", "acled_type", "acled_sub_type")


def legacy_view_sql(con: Any) -> str | None:
    """For a store written before record 1.1, which read-only cannot gain the later columns: the SQL of
    a temporary view of its events with empty ones, standing in for the table so every query runs."""
    from eventwire.store.dialect import POSTGRES, dialect_of

    if dialect_of(con) is POSTGRES:
        return None
    columns = set(event_columns(con))
    missing = [c for c in _LATER_EVENT_COLUMNS if c not in columns]
    copies = [c for c, _ in DENORMALISED_COLUMNS if c not in columns]
    if not columns or not (missing or copies):
        return None
    catalog = con.execute("SELECT current_database()").fetchone()[0]
    qualified = f'"{catalog}".main.'
    added = "".join(f", NULL::VARCHAR AS {c}" for c in missing)
    if not copies:
        return f"CREATE OR REPLACE TEMP VIEW events AS SELECT *{added} FROM {qualified}events"
    # The copies computed from the tables they copy (slower to filter on, but the same answers).
    kept = ", ".join(f"d.{c}" for c in copies)
    return f"""CREATE OR REPLACE TEMP VIEW events AS SELECT e.*{added}, {kept} FROM {qualified}events e
        LEFT JOIN ({denormalised_sql(con, qualified)}) AS d ON d.doc_id = e.doc_id AND d.event_id = e.event_id"""

