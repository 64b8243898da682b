"""Article records as store rows: one columnar batch of many articles, built where the records are.

A batch is `dict[str, pyarrow.Table]`: table name -> an Arrow table with that table's columns in
schema order (TABLES). It is the contract between whoever makes records (a worker process) and a
store backend (store/writes.py; postgres.append_batch on PostgreSQL), which applies it with one
insert per table. ArticleBatch
wraps it with where each article's rows are, so a backend can set one bad article apart, and
batches from several workers are joined without copying (Arrow slices and concatenation).

The record's JSON form (the documents.record column) is built here, once per article.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyarrow as pa

from eventwire.ground.event_dates import with_calendar_date
from eventwire.record import ArticleRecord, Evidence, to_json
from eventwire.store.schema import ACTOR_MARK

__all__ = ["TABLES", "ArticleBatch", "record_json", "article_batch"]

_S, _I32, _I64, _F64, _B = pa.string(), pa.int32(), pa.int64(), pa.float64(), pa.bool_()
_EVIDENCE = [("evidence_text", _S), ("section", _S), ("caption_index", _I32), ("sent_start", _I32),
             ("sent_end", _I32)]

# The tables of one document, their columns in the order of the CREATE statements (store/schema.py);
# tests/test_store_batch.py checks that they agree.
TABLES: dict[str, pa.Schema] = {name: pa.schema(columns) for name, columns in {
    "documents": [("doc_id", _S), ("source", _S), ("input_kind", _S), ("url", _S), ("outlet", _S), ("title", _S),
                  ("published", _S), ("published_from", _S), ("language", _S), ("text", _S), ("content_hash", _S),
                  ("record_version", _S), ("record", _S), ("ingested_at", pa.timestamp("us")),
                  ("language_confidence", _F64)],
    "captions": [("doc_id", _S), ("idx", _I32), ("text", _S), ("credit", _S)],
    "related": [("doc_id", _S), ("idx", _I32), ("title", _S), ("url", _S)],
    "actors": [("doc_id", _S), ("actor_id", _S), ("name", _S), ("code", _S), ("country", _S), ("sector", _S),
               ("kind", _S), ("role", _S), ("wikidata", _S), ("resolved_by", _S), ("media_only", _B), *_EVIDENCE],
    "actor_mentions": [("doc_id", _S), ("actor_id", _S), ("text", _S), ("section", _S), ("caption_index", _I32),
                       ("start_char", _I32), ("end_char", _I32), ("sentence", _I32)],
    "places": [("doc_id", _S), ("place_id", _S), ("name", _S), ("kind", _S), ("country", _S), ("admin1", _S),
               ("lat", _F64), ("lon", _F64), ("geonames_id", _I64), ("resolved_by", _S), *_EVIDENCE],
    "times": [("doc_id", _S), ("time_id", _S), ("text", _S), ("value", _S), ("grain", _S), ("anchor", _S),
              ("start_char", _I32), ("end_char", _I32), ("range_start", _S), ("range_end", _S), *_EVIDENCE],
    "quantities": [("doc_id", _S), ("quantity_id", _S), ("text", _S), ("value", _F64), ("low", _F64),
                   ("high", _F64), ("approximate", _B), ("subject", _S), ("category", _S), ("scope", _S),
                   ("period", _S), ("source_actor", _S), *_EVIDENCE, ("unit", _S)],
    "quotes": [("doc_id", _S), ("quote_id", _S), ("text", _S), ("kind", _S), ("speaker", _S), ("cue", _S),
               ("spoken", _S), *_EVIDENCE],
    "events": [("doc_id", _S), ("event_id", _S), ("cameo", _S), ("cameo_name", _S), ("quad_class", _I32),
               ("goldstein", _F64), ("plover_type", _S), ("plover_mode", _S), ("plover_context", _S),
               ("date_value", _S), ("date_start", _S), ("date_end", _S), ("date_grain", _S), ("date_anchor", _S),
               ("modality", pa.list_(_S)), ("place_id", _S), ("place_how", _S), ("trigger", _S), ("rule", _S),
               *_EVIDENCE, ("date_iso", _S), ("date_iso_grain", _S), ("acled_type", _S), ("acled_sub_type", _S),
               # copies of its place's and actors' fields (schema.DENORMALISED_COLUMNS)
               ("place_country", _S), ("place_lat", _F64), ("place_lon", _F64), ("source_codes", pa.list_(_S)),
               ("target_codes", pa.list_(_S)), ("source_names", pa.list_(_S)), ("target_names", pa.list_(_S)),
               ("actor_countries", pa.list_(_S)), ("countries", pa.list_(_S)), ("actor_codes", pa.list_(_S)),
               ("place_name", _S), ("doc_language", _S), ("source_codes_text", _S), ("target_codes_text", _S),
               ("source_names_text", _S), ("target_names_text", _S), ("page_actors", _S)],
    "event_actors": [("doc_id", _S), ("event_id", _S), ("actor_id", _S), ("role", _S)],
    "event_quantities": [("doc_id", _S), ("event_id", _S), ("quantity_id", _S)],
}.items()}


def record_json(record: ArticleRecord) -> str:
    """The record's JSON text as stored (documents.record)."""
    return json.dumps(to_json(record), ensure_ascii=False)


def _ev(e: Evidence) -> tuple:
    return (e.text, e.section, e.caption_index, e.start, e.end)


def _calendar(when: dict[str, str | None]) -> tuple[str | None, str | None]:
    """An event's ISO date and grain: as coded, else from its TIMEX value (records made by hand). No
    date is NULL, never "": pages order on the raw column with NULLs last (store/queries.py)."""
    if "date" not in when:
        when = with_calendar_date(when)
    return when.get("date") or None, when.get("date_grain")


def _rows(record: ArticleRecord, text: str) -> dict[str, list[tuple]]:
    """One article's rows per table (ingested_at is left empty: it is the batch's commit time)."""
    doc = record.document
    d = doc.id
    events = record.events
    actors = {a.id: a for a in record.actors}
    places = {p.id: p for p in record.places}

    def marked(values: list[str | None]) -> str:
        return "".join(ACTOR_MARK + v for v in values if v is not None)

    def refs(side: list) -> list[dict[str, str | None]]:
        return [{"id": a.id, "name": a.name, "code": a.code} for a in sorted(side, key=lambda a: a.id)]

    def copied(e) -> tuple:
        """The event's copies of its place's, actors' and document's fields (schema.DENORMALISED_COLUMNS)."""
        place = places.get(e.place) if e.place else None
        source = [actors[a] for a in e.source if a in actors]
        target = [actors[a] for a in e.target if a in actors]
        countries = [a.country for a in source + target if a.country is not None]
        page_actors = json.dumps({"source": refs(source), "target": refs(target)}, ensure_ascii=False,
                                 separators=(",", ":")) if source or target else None
        return (place.country if place else None, place.lat if place else None, place.lon if place else None,
                [a.code for a in source], [a.code for a in target],
                [a.name for a in source if a.name is not None], [a.name for a in target if a.name is not None],
                countries, sorted(set(countries) | ({place.country} if place and place.country else set())),
                sorted({a.code for a in source + target if a.code is not None}),
                place.name if place else None, doc.language,
                marked([a.code for a in source]), marked([a.code for a in target]),
                marked([a.name for a in source]), marked([a.name for a in target]), page_actors)

    return {
        "documents": [(d, doc.source, doc.input_kind, doc.url, doc.outlet, doc.title, doc.published,
                       doc.published_from, doc.language, doc.text, doc.content_hash, record.record_version, text,
                       None, doc.language_confidence)],
        "captions": [(d, i, c.text, c.credit) for i, c in enumerate(doc.captions)],
        "related": [(d, i, r.title, r.url) for i, r in enumerate(doc.related)],
        "actors": [(d, a.id, a.name, a.code, a.country, a.sector, a.kind, a.role, a.wikidata, a.resolved_by,
                    a.media_only, *_ev(a.evidence)) for a in record.actors],
        "actor_mentions": [(d, a.id, m.text, m.section, m.caption_index, m.start, m.end, m.sentence)
                           for a in record.actors for m in a.mentions],
        "places": [(d, p.id, p.name, p.kind, p.country, p.admin1, p.lat, p.lon, p.geonames_id, p.resolved_by,
                    *_ev(p.evidence)) for p in record.places],
        "times": [(d, t.id, t.text, t.value, t.grain, t.anchor, t.start, t.end, t.range_start, t.range_end,
                   *_ev(t.evidence)) for t in record.times],
        "quantities": [(d, q.id, q.text, q.value, q.low, q.high, q.approximate, q.subject, q.category, q.scope,
                        q.period, q.source, *_ev(q.evidence), q.unit) for q in record.quantities],
        "quotes": [(d, q.id, q.text, q.kind, q.speaker, q.cue, q.spoken, *_ev(q.evidence)) for q in record.quotes],
        "events": [(d, e.id, e.cameo, e.cameo_name, e.quad_class, e.goldstein, e.plover, e.plover_mode,
                    e.plover_context, e.date.get("value"), e.date.get("start"), e.date.get("end"),
                    e.date.get("grain"), e.date.get("anchor"), list(e.modality), e.place, e.place_how,
                    e.trigger, e.rule, *_ev(e.evidence), *_calendar(e.date),
                    e.acled.event_type if e.acled else None,
                    e.acled.sub_event_type if e.acled else None, *copied(e)) for e in events],
        "event_actors": [(d, e.id, a, "source") for e in events for a in e.source]
                        + [(d, e.id, a, "target") for e in events for a in e.target],
        "event_quantities": [(d, e.id, q) for e in events for q in e.quantities],
    }


def _table(schema: pa.Schema, rows: list[tuple]) -> pa.Table:
    if not rows:
        return schema.empty_table()
    columns = list(zip(*rows))
    return pa.Table.from_arrays([pa.array(col, type=field.type) for col, field in zip(columns, schema)],
                                schema=schema)


@dataclass(frozen=True)
class ArticleBatch:
    """The store rows of some articles: `tables` is the batch (table -> Arrow table), and article k's
    rows of table t are rows bounds[t][k] to bounds[t][k + 1]. Pickles compactly (Arrow IPC)."""

    tables: dict[str, pa.Table]
    bounds: dict[str, tuple[int, ...]]

    def __len__(self) -> int:
        return self.tables["documents"].num_rows

    def column(self, name: str) -> list:
        """A column of the documents table, one value per article (doc_id, source, language, ...)."""
        return self.tables["documents"].column(name).to_pylist()

    def articles(self, keep: Sequence[int]) -> dict[str, pa.Table]:
        """The batch of the articles at these positions, in this order. Articles that follow each other
        are taken as one slice: DuckDB scans an Arrow table chunk by chunk, and a batch cut into one
        chunk per article cost the driver's insert twice the CPU (bench/README.md, "Ingest overhead")."""
        runs: list[tuple[int, int]] = []  # (first, last + 1) of consecutive positions
        for k in keep:
            if runs and runs[-1][1] == k:
                runs[-1] = (runs[-1][0], k + 1)
            else:
                runs.append((k, k + 1))
        out = {}
        for name, table in self.tables.items():
            at = self.bounds[name]
            parts = [table.slice(at[first], at[end] - at[first]) for first, end in runs]
            out[name] = pa.concat_tables(parts) if parts else table.schema.empty_table()
        return out

    @staticmethod
    def join(batches: Sequence[ArticleBatch]) -> ArticleBatch:
        """One batch of all these articles, in order (no column is copied)."""
        if len(batches) == 1:
            return batches[0]
        if not batches:
            return article_batch(())
        tables, bounds = {}, {}
        for name in TABLES:
            tables[name] = pa.concat_tables([b.tables[name] for b in batches])
            at, offset = [0], 0
            for b in batches:
                at.extend(offset + x for x in b.bounds[name][1:])
                offset += b.tables[name].num_rows
            bounds[name] = tuple(at)
        return ArticleBatch(tables, bounds)


def article_batch(records: Iterable[ArticleRecord], texts: Sequence[str] | None = None) -> ArticleBatch:
    """The columnar store rows of these records; `texts` are their JSON texts when already made."""
    rows: dict[str, list[tuple]] = {name: [] for name in TABLES}
    bounds: dict[str, list[int]] = {name: [0] for name in TABLES}
    for k, record in enumerate(records):
        for name, got in _rows(record, texts[k] if texts is not None else record_json(record)).items():
            rows[name].extend(got)
            bounds[name].append(len(rows[name]))
    return ArticleBatch({name: _table(TABLES[name], rows[name]) for name in TABLES},
                        {name: tuple(at) for name, at in bounds.items()})
