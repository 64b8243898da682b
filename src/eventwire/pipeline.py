"""The stages in order: ingest -> language -> read -> ground -> code -> ACLED types -> record. Nothing
else lives here.

Documents not in English are stored as they are (title, text, language) and never parsed or coded."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from itertools import islice

from eventwire.coding.acled import acled_types
from eventwire.coding.codebook import Codebook, load_codebook
from eventwire.coding.events import code_events
from eventwire.config import Settings, load_settings
from eventwire.errors import InputError
from eventwire.ground.actor_kb import ActorKB, load_actor_kb
from eventwire.ground.actors import resolve_actors
from eventwire.ground.event_place import event_place
from eventwire.ground.places import resolve_places
from eventwire.ground.quantities import resolve_quantities
from eventwire.ground.quotes import resolve_quotes
from eventwire.ground.times import anchor_all, recognise_times
from eventwire.ingest import read_bytes, read_path
from eventwire.language import identify_language, is_analysed
from eventwire.read import Parsed, load_model, read_many
from eventwire.record import ArticleRecord, Document

__all__ = ["extract_documents", "extract_paths", "extract_bytes", "extract_items", "ground_and_code"]

log = logging.getLogger(__name__)


def extract_documents(documents: Iterable[Document], settings: Settings | None = None) -> Iterator[ArticleRecord]:
    """Documents -> ArticleRecords in input order: English ones parsed in batched spaCy streams and coded,
    the others (after language identification) recorded with no analysis."""
    settings = settings or load_settings()
    nlp = load_model(settings.model, settings.blis)
    kb = load_actor_kb(settings.actors)
    codebook = load_codebook(settings.triggers, settings.verb_patterns)
    identified = (identify_language(d) for d in documents)
    while batch := list(islice(identified, settings.batch_size)):
        parsed = read_many([d for d in batch if is_analysed(d)], nlp, batch_size=settings.batch_size)
        for document in batch:
            yield ground_and_code(next(parsed), kb, codebook) if is_analysed(document) else ArticleRecord(document)


def ground_and_code(parsed: Parsed, kb: ActorKB, codebook: Codebook) -> ArticleRecord:
    """The grounding stages and the coder over one parsed article, in dependency order."""
    actors = resolve_actors(parsed, kb)
    places = resolve_places(parsed, actors)
    # Times are recognised once. Quotes need the times of their cue clauses ("On Saturday, X said");
    # the times inside a quote whose speaking day is known are then anchored again, on that day.
    recognised = recognise_times(parsed)
    first = anchor_all(recognised, parsed.document.published)
    quotes = resolve_quotes(parsed, actors, first.times)
    times = first.times
    if any(q.spoken for q in quotes):
        times = anchor_all(recognised, parsed.document.published, quotes, earlier=first).times
    quantities = resolve_quantities(parsed, actors)
    events = code_events(parsed, actors, codebook, times=times, places=places, quantities=quantities,
                         quotes=quotes, place_of=event_place)
    events = acled_types(parsed, actors, events, codebook, places=places, place_of=event_place, times=times)
    return ArticleRecord(document=parsed.document, actors=actors, places=places, times=times,
                         quantities=quantities, quotes=quotes, events=events)


def _records(items: Iterable[Document | InputError], settings: Settings | None,
             chunk: int = 32) -> Iterator[ArticleRecord | InputError]:
    """Records for documents and the refusals passed through, in input order, parsed in chunks."""
    pending: list[Document | InputError] = []

    def flush() -> Iterator[ArticleRecord | InputError]:
        docs = [p for p in pending if isinstance(p, Document)]
        records = iter(extract_documents(docs, settings)) if docs else iter(())
        for p in pending:
            yield p if isinstance(p, InputError) else next(records)
        pending.clear()

    for item in items:
        pending.append(item)
        if len(pending) >= chunk:
            yield from flush()
    yield from flush()


def extract_paths(paths: Iterable[str], settings: Settings | None = None) -> Iterator[ArticleRecord | InputError]:
    """Files (already expanded) -> records, or the InputError of each refused input."""
    return _records((item for path in paths for item in read_path(path)), settings)


def extract_bytes(data: bytes, source: str, settings: Settings | None = None) -> Iterator[ArticleRecord | InputError]:
    return _records(read_bytes(data, source), settings)


def extract_items(items: Iterable[Document | InputError], settings: Settings | None = None) -> Iterator[ArticleRecord | InputError]:
    """Documents from any reader (a fetched URL, say) -> records, refusals passed through in order."""
    return _records(items, settings)
