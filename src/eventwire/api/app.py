"""The FastAPI app: read endpoints over the DuckDB store, extraction, guarded ingestion, the dashboard.

Each request reads through its own cursor of a read-only DuckDB connection (cursors are safe to use
from the server's worker threads; the connection itself is not). The connection is kept between
requests and given up whenever another process (`ingest`, `link`) waits to write, so the server
keeps answering during a run and shows its new events as soon as each batch is written (see
store/access.py); a request that finds the database held for too long gets a 503 with Retry-After.
`POST /api/ingest` (with an API token) opens it read-write for one article at a time. Extraction
runs in worker processes of its own (api/extraction.py), never on the request threads; only Host
headers naming this server are answered (api/limits.py). Answers over events (pages, facets,
timelines, totals, the map, dyads) are kept while the store is unchanged (api/cache.py); the first
request of a store generation starts computing, beside it, what a dashboard opening with no filter
asks and the table of counts facet counts read (api/facet_table.py). The filters and cursors every
event endpoint takes are in api/params.py.
"""

import hmac
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextlib import asynccontextmanager
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path as PathParam, Query
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import TypeAdapter

from eventwire.api import views
from eventwire.api.cache import AnswerCache, KeptValues
from eventwire.api.extraction import Busy, ExtractionPool, TimedOut, WorkerFailed
from eventwire.api.facet_table import counted_events, facet_table as facet_table_of, table_dyads
from eventwire.api.limits import BodyLimit, HostCheck, SecurityHeaders
from eventwire.api.params import (EventFilters, Grain, Order, SortColumn, decode_cursor,
                                  encode_cursor, event_filters)
from eventwire.api.models import (ActorDetail, ActorPage, ArticleIn, Dyad, DocumentDetail, DocumentPage, EventDetail,
                                  EventPage, FacetCounts, Facets, IngestResult, MapPoint, Problem, Timeline, Totals)
from eventwire.api.watching import events_since_page, watch_router
from eventwire.config import Settings, load_settings
from eventwire.store.access import Database, StorageFailure, StoreBusy
from eventwire.store.duckdb import Store, open_store

__all__ = ["create_app", "DEFAULT_MAX_BODY", "MAX_PAGE", "MAX_OFFSET"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 2_000_000  # bytes: a long article as HTML, with room; the ingester's own cap is larger
MAX_PAGE = 500
# Skipping rows: DuckDB keeps a cheap top-N up to about 5,000 rows and sorts everything beyond
# (20 ms at offset 5,000 of 1M events, 200 ms at 10,000, half a second at 100,000);
# the cursor pages at the same cost however deep.
MAX_OFFSET = 5_000
# The defaults of the kept routes' sizes: what a dashboard opening asks (OPENING_ANSWERS).
PAGE, FACET_LIMIT, MAP_LIMIT, DYADS_LIMIT = 50, 12, 2000, 100


class ExportFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"
    gdelt = "gdelt"


_EXPORT_SUFFIX = {"csv": "csv", "parquet": "parquet", "gdelt": "tsv"}
_EXPORT_TYPE = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet", "gdelt": "text/tab-separated-values"}
_ERRORS = {400: {"model": Problem}, 422: {"model": Problem}}


def answer_key(route: str, filters: EventFilters, params: dict[str, Any]) -> tuple:
    """What the answer of `route` for these filters and other parameters is kept under (api/cache.py).
    The routes and the opening answers both take their keys from here, so they cannot drift apart."""
    return (route, filters, *sorted(params.items()))


# What a dashboard opening on no filter asks, as its requests give the routes' parameters (their
# defaults): a third of a dashboard's requests draw no filter, and these are the slowest to compute.
OPENING_ANSWERS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("facets", {}),
    ("events", {"order": Order.desc.value, "limit": PAGE, "offset": 0, "after": None}),
    ("facet-counts", {"limit": FACET_LIMIT}),
    ("totals", {}),
    *(("timeline", {"grain": grain.value}) for grain in (Grain.month, Grain.week, Grain.day, Grain.year)),
    ("map", {"limit": MAP_LIMIT}),
    ("dyads", {"limit": DYADS_LIMIT}),
)


# Kept routes whose computed answer already has their model's JSON shape (the model's fields in its
# order, as str, int, float, None, lists and dicts), rendered as computed: validating and rendering a
# daily timeline's ~4,000 periods cost 15-20 ms of CPU against 2-3 to render them alone, the map's
# 2,000 markers 2-6 against 0.7. tests/test_api_load.py checks their answers against their models'
# validation and rendering on both backends (and the schemathesis tests against the OpenAPI schema).
RENDERED_AS_COMPUTED = frozenset({"timeline", "map"})


def create_app(db_path: str, *, api_token: str | None = None, max_body: int = DEFAULT_MAX_BODY,
               settings: Settings | None = None, allowed_hosts: tuple[str, ...] = (), writable: bool = False,
               watchlists: tuple = (), watching: Callable[[], bool] = lambda: False,
               kept_answers: int = 1024, kept_bytes: int = 64_000_000, query_threads: int | None = 1) -> FastAPI:
    """The app over the store at `db_path`. `api_token` enables POST /api/ingest (and opens the
    database for writing); `max_body` caps request bodies in bytes; `settings` chooses the
    spaCy model and actor dictionary used by /api/extract and /api/ingest, and their limits
    (extract_max_bytes, extract_timeout, extract_workers, extract_queue); the app answers only
    to the loopback host names and `allowed_hosts` ("*" for any). `writable` means a watcher in
    this process holds the database read-write (`serve --watch`): requests then read through
    that instance (DuckDB allows no read-only one beside it in a process); `watchlists` (of
    sources.toml) and `watching` feed the monitoring endpoints. `kept_answers` is how many answers
    are kept while the store is unchanged (api/cache.py; 0 computes every one), in at most
    `kept_bytes` of JSON (a dashboard's mix repeats itself: 1,024 answers hit 47% of its requests
    where 256 hit 40%; an answer is 50 KB on average). `query_threads`
    is how many threads each query of a DuckDB store runs on: 1 by default, since requests run in
    parallel on threads of their own and, with the cores busy, DuckDB's threads within a query only
    add work (20 clients on 2 cores: 6-9% less CPU a request than DuckDB's default); None for
    DuckDB's default, one per core (an uncached answer alone then comes sooner)."""
    settings = settings or load_settings(db=db_path)
    shared_writer = writable
    writable = bool(api_token) or writable
    database = Database(db_path, wait=min(settings.lock_wait, 10), keep_reader=not shared_writer,
                        query_threads=query_threads)
    if not database.exists():
        if not writable:
            raise FileNotFoundError(f"{db_path}: no such database (run `eventwire ingest` first)")
        with database.writing():
            pass  # an empty store that POST /api/ingest (or the watcher) fills
    pools: list[ExtractionPool] = []  # made on first use, on the event loop that serves it
    answers = AnswerCache(kept_answers, kept_bytes)

    warming = {"generation": None}  # the last generation whose opening answers were started
    warming_lock = threading.Lock()

    def start_warming(db: Store) -> None:
        """The first request of a generation starts computing what the dashboard asks first
        (OPENING_ANSWERS) beside it."""
        if db.generation is not None and answers.size > 0:
            with warming_lock:
                start = warming["generation"] != db.generation
                warming["generation"] = db.generation
            if start:
                threading.Thread(target=warm, args=(db.generation,), name="eventwire-warm", daemon=True).start()

    def facet_table(db: Store) -> Any:
        """The generation's table of event counts that facet counts read when they can
        (api/facet_table.py), kept for the generation; none for a store without generations (it would
        be made per request)."""
        if db.generation is None:
            return None
        return answers.get(db.generation, ("facet-table",), lambda: facet_table_of(db), lasting=True)

    def kept_values(db: Store, name: str, size: int) -> KeptValues | None:
        """Values the generation's answers share (api/cache.py), kept for the generation; none for a
        store without generations."""
        if db.generation is None:
            return None
        return answers.get(db.generation, (name,), lambda: KeptValues(size), lasting=True)

    def event_page(db: Store, filters: EventFilters, order: str, limit: int, offset: int,
                   after: tuple | None) -> dict[str, Any]:
        # The count from the generation's table of counts once made (a page does not wait for it);
        # else counted once for the filters: the next pages, and the pages of other sizes, share it.
        # The page's documents kept as read: nine in ten of a computed page's documents were on an
        # earlier page of a dashboard's mix (pages show the newest events), and the store's look-up
        # costs ~0.08 ms a document.
        total = counted_events(db, answers.lasting(db.generation, ("facet-table",)), **filters.as_kwargs())
        counts, documents = kept_values(db, "event-counts", 10_000), kept_values(db, "page-documents", 20_000)
        if total is None and counts is not None:
            total = counts.one(filters, lambda: db.count_events(**filters.as_kwargs()))
        page = db.search_events(order=order, limit=limit, offset=offset, after=after, total=total,
                                documents=documents.many if documents else None, **filters.as_kwargs())
        nxt = encode_cursor(order, page["next"]) if page["next"] else None
        return {"total": page["total"], "limit": limit, "offset": offset, "next_cursor": nxt, "items": page["items"]}

    def dyads_counted(db: Store, limit: int, filters: EventFilters) -> list[dict[str, Any]]:
        """Dyads from the generation's table of counts when it can tell (api/facet_table.py), else
        from the events."""
        table = facet_table(db)
        found = table_dyads(db, table, limit, **filters.as_kwargs()) if table is not None else None
        return found if found is not None else db.dyads(limit=limit, **filters.as_kwargs())

    # What each kept route computes from the store, its filters and its other parameters, and the
    # model its answer is checked against and rendered with.
    computed: dict[str, tuple[Any, Callable[..., Any]]] = {
        "facets": (Facets, lambda db, filters: db.facets()),
        "events": (EventPage, event_page),
        "facet-counts": (FacetCounts, lambda db, filters, limit: views.facet_counts(
            db, limit=limit, counted=facet_table(db), **filters.as_kwargs())),
        "totals": (Totals, lambda db, filters: views.totals(db, **filters.as_kwargs())),
        "timeline": (Timeline, lambda db, filters, grain: db.timeline(grain, **filters.as_kwargs())),
        "map": (list[MapPoint], lambda db, filters, limit: db.event_points(limit=limit, **filters.as_kwargs())),
        "dyads": (list[Dyad], lambda db, filters, limit: dyads_counted(db, limit, filters)),
    }
    renderers = {route: TypeAdapter(model) for route, (model, _) in computed.items()}
    as_computed = TypeAdapter(Any)

    def answer_json(db: Store, route: str, filters: EventFilters, params: dict[str, Any]) -> bytes:
        """The route's answer as the JSON FastAPI would send (validated against the route's model),
        rendered once: a kept answer is sent as these bytes (re-validating and re-serialising a
        kept timeline by day cost 25 ms a request). The routes of RENDERED_AS_COMPUTED render what
        they computed without validating it: the same bytes."""
        answer = computed[route][1](db, filters, **params)
        if route in RENDERED_AS_COMPUTED:
            return as_computed.dump_json(answer)
        renderer = renderers[route]
        return renderer.dump_json(renderer.validate_python(answer))

    def kept_json(db: Store, route: str, filters: EventFilters, params: dict[str, Any]) -> bytes:
        """The answer of `route` for these filters and parameters as JSON, kept while the store is
        unchanged (api/cache.py): what a request and the warm-up both ask."""
        return answers.get(db.generation, answer_key(route, filters, params),
                           lambda: answer_json(db, route, filters, params))

    def kept(db: Store, route: str, filters: EventFilters = EventFilters(), **params: Any) -> Response:
        """The answer of `route` for these filters and parameters, kept while the store is unchanged."""
        start_warming(db)
        return Response(kept_json(db, route, filters, params), media_type="application/json")

    def warm(generation: Any) -> None:
        """Compute the opening answers of `generation` one after another, while it lasts; a writer
        waiting for the file (another process's, or POST /api/ingest's) stops it: the reader must close."""
        try:
            with reading() as db:
                for route, params in OPENING_ANSWERS:
                    if db.generation != generation or database.writer_waits():
                        return
                    kept_json(db, route, EventFilters(), params)
        except Exception:  # a request asking the same answer gets the error itself
            log.debug("computing the opening answers failed", exc_info=True)

    def extraction() -> ExtractionPool:
        if not pools:
            pools.append(ExtractionPool(settings, workers=settings.extract_workers, queue=settings.extract_queue,
                                        timeout=settings.extract_timeout))
        return pools[0]

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        while pools:
            pools.pop().close()
        while shared:
            shared.pop().close()
        database.close()

    app = FastAPI(title="eventwire", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Events extracted from news articles, each with the sentence that supports it.")

    @app.exception_handler(StoreBusy)
    def busy(_request: Request, exc: StoreBusy) -> JSONResponse:
        log.warning("%s", exc)
        return JSONResponse({"detail": "the database is being written by another process; retry shortly"},
                            status_code=503, headers={"Retry-After": "2"})

    @app.exception_handler(StorageFailure)
    def storage_failed(_request: Request, exc: StorageFailure) -> JSONResponse:
        log.error("%s", exc)
        return JSONResponse({"detail": "the article could not be stored (storage failed); nothing was changed"},
                            status_code=507)

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A fault of ours: its traceback goes to the server's log, with the request that met it; the
        # client gets the same JSON shape as every other error, not a bare text page.
        log.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
        return JSONResponse({"detail": "internal error: the server's log has its cause"}, status_code=500)

    shared: list[Store] = []  # serve --watch: one read-write instance beside the watcher's, for the process
    opening = threading.Lock()  # the first requests arrive together: one of them opens the shared store

    @contextmanager
    def reading() -> Iterator[Store]:
        if shared_writer:
            with opening:
                if not shared:
                    shared.append(open_store(db_path))
            cursor = shared[0].con.cursor()
            try:
                yield Store(cursor, db_path)
            finally:
                cursor.close()
        else:
            with database.reading() as opened:
                yield opened

    def store() -> Iterator[Store]:
        with reading() as opened:
            yield opened

    StoreDep = Annotated[Store, Depends(store)]
    FiltersDep = Annotated[EventFilters, Depends(event_filters)]

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "ingest": writable}

    @app.get("/api/facets", response_model=Facets, tags=["meta"])
    def facets(db: StoreDep) -> Response:
        """Counts per PLOVER type, modality and CAMEO root, and the date range: what filters can take."""
        return kept(db, "facets")

    @app.get("/api/events", response_model=EventPage, responses=_ERRORS, tags=["events"])
    def list_events(
        db: StoreDep, filters: FiltersDep,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size, at most {MAX_PAGE}")] = PAGE,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"Rows to skip, at most {MAX_OFFSET}: page deeper with cursor")] = 0,
        cursor: Annotated[str | None, Query(max_length=1000, description="next_cursor of the previous page")] = None,
        order: Annotated[Order, Query(description="desc: newest first")] = Order.desc,
        sort: Annotated[SortColumn | None, Query(description="Column to sort by; other than date, pages with offset only")] = None,
        since_id: Annotated[int | None, Query(ge=0, le=2**62, description="Only events stored after this arrival id, oldest first (the page's last_id is the next since_id); the other parameters then do not apply")] = None,
    ) -> Any:
        """Events matching the filters, one page at a time, each with its evidence sentence."""
        if since_id is not None:
            return events_since_page(db, since_id, limit)
        if sort is not None and sort.value != "date":
            if cursor:
                raise HTTPException(400, "cursor paging is by date: use offset with sort")
            page = views.sorted_events(db, sort.value, order.value, limit=limit, offset=offset, **filters.as_kwargs())
            return {"total": page["total"], "limit": limit, "offset": offset, "next_cursor": None,
                    "items": page["items"]}
        after = decode_cursor(cursor, order.value) if cursor else None
        if after and offset:
            raise HTTPException(400, "give either offset or cursor, not both")
        return kept(db, "events", filters, order=order.value, limit=limit, offset=offset, after=after)

    @app.get("/api/events/{doc_id}/{event_id}", response_model=EventDetail,
             responses={404: {"model": Problem}, 422: {"model": Problem}}, tags=["events"])
    def get_event(db: StoreDep, doc_id: Annotated[str, PathParam(max_length=64)],
                  event_id: Annotated[str, PathParam(max_length=64)]) -> dict[str, Any]:
        """One event with its sentence, the spans of its source, target, time, place and quantities
        inside that sentence, and its source document."""
        found = db.event_detail(doc_id, event_id)
        if found is None:
            raise HTTPException(404, f"no event {event_id} in document {doc_id}")
        return found

    @app.get("/api/facet-counts", response_model=FacetCounts, responses=_ERRORS, tags=["events"])
    def facet_counts(db: StoreDep, filters: FiltersDep,
                     limit: Annotated[int, Query(ge=1, le=100)] = FACET_LIMIT) -> Response:
        """For the matching events: the most frequent countries (an actor's or the place's), actor
        codes, CAMEO roots, QuadClasses, modalities, PLOVER types and languages, with counts."""
        return kept(db, "facet-counts", filters, limit=limit)

    @app.get("/api/totals", response_model=Totals, responses=_ERRORS, tags=["events"])
    def totals(db: StoreDep, filters: FiltersDep) -> Response:
        """Events and articles matching the filters, and the people killed, injured, displaced and
        arrested in them (each stated figure once)."""
        return kept(db, "totals", filters)

    @app.get("/api/export", responses={**_ERRORS, 200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {},
                                                                      "text/tab-separated-values": {}}}},
             tags=["events"])
    def export(db: StoreDep, filters: FiltersDep,
               format: Annotated[ExportFormat, Query(description="csv / parquet: the typed events table; gdelt: GDELT 2.0 events TSV (61 columns, no header)")] = ExportFormat.csv):
        """The events matching the filters as a file to download."""
        import os
        import tempfile

        from fastapi.responses import FileResponse as File
        from starlette.background import BackgroundTask

        fd, path = tempfile.mkstemp(prefix="eventwire-download-", suffix=f".{_EXPORT_SUFFIX[format.value]}")
        os.close(fd)
        try:
            if format is ExportFormat.gdelt:
                from eventwire.export import write_gdelt

                with open(path, "w", encoding="utf-8", newline="\n") as sink:
                    write_gdelt(db, sink, filters=filters.as_kwargs())
            else:
                from eventwire.export.table import copy_events_table

                copy_events_table(db, path, format.value, filters.as_kwargs())
        except Exception:
            os.unlink(path)
            raise
        return File(path, media_type=_EXPORT_TYPE[format.value], filename=f"events.{_EXPORT_SUFFIX[format.value]}",
                    background=BackgroundTask(os.unlink, path))

    @app.get("/api/timeline", response_model=Timeline, responses=_ERRORS, tags=["events"])
    def timeline(db: StoreDep, filters: FiltersDep,
                 grain: Annotated[Grain, Query(description="Period length")] = Grain.month) -> Response:
        """Events per period and QuadClass."""
        return kept(db, "timeline", filters, grain=grain.value)

    @app.get("/api/map", response_model=list[MapPoint], responses=_ERRORS, tags=["events"])
    def map_points(db: StoreDep, filters: FiltersDep,
                   limit: Annotated[int, Query(ge=1, le=5000)] = MAP_LIMIT) -> Response:
        """Event counts per place coordinates: the map's markers."""
        return kept(db, "map", filters, limit=limit)

    @app.get("/api/dyads", response_model=list[Dyad], responses=_ERRORS, tags=["actors"])
    def dyads(db: StoreDep, filters: FiltersDep,
              limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DYADS_LIMIT) -> Response:
        """Who did what to whom: events per source code, target code and PLOVER type."""
        return kept(db, "dyads", filters, limit=limit)

    @app.get("/api/actors", response_model=ActorPage, responses=_ERRORS, tags=["actors"])
    def actors(db: StoreDep,
               q: Annotated[str | None, Query(max_length=100, description="Code prefix or part of a name")] = None,
               limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
               offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
        """Actors by CAMEO code, with how often each acts and is acted upon."""
        return db.actor_counts(q=q or None, limit=limit, offset=offset)

    @app.get("/api/actors/{code}", response_model=ActorDetail, responses={404: {"model": Problem}, 422: {"model": Problem}},
             tags=["actors"])
    def actor(db: StoreDep, code: Annotated[str, PathParam(max_length=40, pattern=r"^[A-Z0-9]+$")],
              grain: Annotated[Grain, Query(description="Period length of the series")] = Grain.month) -> dict[str, Any]:
        """One actor by CAMEO code: its names, its events over time as source and as target, and the
        actors on the other side of them."""
        found = views.actor_page(db, code, grain.value)
        if found is None:
            raise HTTPException(404, f"no actor with code {code}")
        return found

    @app.get("/api/documents", response_model=DocumentPage, responses=_ERRORS, tags=["documents"])
    def documents(db: StoreDep,
                  q: Annotated[str | None, Query(max_length=200, description="Words in the title")] = None,
                  limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
                  offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
        """Stored articles, newest first, with their event counts."""
        return db.list_documents(q=q or None, limit=limit, offset=offset)

    @app.get("/api/documents/{doc_id}", response_model=DocumentDetail,
             responses={404: {"model": Problem}, 422: {"model": Problem}}, tags=["documents"])
    def document(db: StoreDep, doc_id: Annotated[str, PathParam(max_length=64)]) -> dict[str, Any]:
        """One article: its text, captions, and where each of its events' sentences is."""
        found = db.document(doc_id)
        if found is None:
            raise HTTPException(404, f"no document {doc_id}")
        return found

    async def _extract(article: ArticleIn):
        size = len(article.content.encode("utf-8"))
        if size > settings.extract_max_bytes:
            raise HTTPException(413, f"content too large: {size} bytes, at most {settings.extract_max_bytes} "
                                     "(the extract_max_bytes setting)")
        try:
            outcome, value = await extraction().extract(article.content, article.kind, article.source or "<api>",
                                                        article.published)
        except Busy:
            raise HTTPException(429, "extraction is busy: every worker is taken and the queue is full; retry later",
                                headers={"Retry-After": "5"}) from None
        except TimedOut:
            raise HTTPException(503, f"extraction stopped after {settings.extract_timeout:g} s (the extract_timeout "
                                     "setting): send a shorter article", headers={"Retry-After": "5"}) from None
        except WorkerFailed:
            raise HTTPException(503, "the extraction worker failed on this article", headers={"Retry-After": "5"}) from None
        if outcome == "refused":
            raise HTTPException(422, f"content: {value}")
        return value

    article_responses = {413: {"model": Problem}, 422: {"model": Problem}, 400: {"model": Problem},
                         429: {"model": Problem}, 503: {"model": Problem}}

    @app.post("/api/extract", responses=article_responses, tags=["extract"])
    async def extract(article: ArticleIn) -> dict[str, Any]:
        """Extract the record of one article (text or HTML) without storing it. The content is capped
        (413 beyond extract_max_bytes, 200 KB by default) and so is its time (503 beyond
        extract_timeout, 30 s); 429 when every extraction worker is busy and the queue is full."""
        from eventwire.record import to_json

        return to_json(await _extract(article))

    bearer = HTTPBearer(auto_error=False, description="The server's EVENTWIRE_API_TOKEN")

    def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if not api_token:
            raise HTTPException(403, "ingest is disabled: start the server with EVENTWIRE_API_TOKEN set")
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode(), api_token.encode()):
            raise HTTPException(401, "missing or wrong API token", headers={"WWW-Authenticate": "Bearer"})

    app.include_router(watch_router(reading, reading if shared_writer else database.writing, require_token, config_watchlists=watchlists,
                                    watching=watching))

    @app.post("/api/ingest", response_model=IngestResult, dependencies=[Depends(require_token)],
              responses={**article_responses, 401: {"model": Problem}, 403: {"model": Problem}}, tags=["extract"])
    async def ingest(article: ArticleIn) -> dict[str, Any]:
        """Extract one article and store it (replacing an earlier version of the same article).
        Needs `Authorization: Bearer <token>`; disabled (403) unless the server has a token."""
        record = await _extract(article)

        def store_it() -> str:
            with database.writing() as db:
                return db.write(record)

        status = await run_in_threadpool(store_it)
        log.info("ingest: %s %s (%d events)", status, record.document.id, len(record.events))
        return {"doc_id": record.document.id, "status": status, "events": len(record.events)}

    web = Path(str(resources.files("eventwire").joinpath("web")))

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(web / "index.html")

    app.mount("/static", StaticFiles(directory=web), name="static")
    app.add_middleware(BodyLimit, max_body=max_body)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HostCheck, allowed=tuple(allowed_hosts))  # outermost: checked before anything else
    return app
