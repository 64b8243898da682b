"""The FastAPI app: read endpoints over the DuckDB store, extraction, guarded ingestion, the dashboard.

Each request reads through its own cursor of one shared DuckDB connection (cursors are safe to use
from the server's worker threads; the connection itself is not). The database is opened read-only
unless an API token enables `POST /api/ingest`.
"""

import base64
import binascii
import dataclasses
import hmac
import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path as PathParam, Query
from fastapi.responses import FileResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles

from eventwire.api.limits import BodyLimit, SecurityHeaders
from eventwire.api.watching import events_since_page, watch_router
from eventwire.api.models import (ActorPage, ArticleIn, Dyad, DocumentDetail, DocumentPage, EventDetail, EventPage,
                                  Facets, IngestResult, MapPoint, Problem, Timeline)
from eventwire.config import Settings, load_settings
from eventwire.store.duckdb import Store, open_store

__all__ = ["create_app", "DEFAULT_MAX_BODY", "MAX_PAGE", "MAX_OFFSET"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 2_000_000  # bytes: a long article as HTML, with room; the ingester's own cap is larger
MAX_PAGE = 500
# Skipping rows: DuckDB keeps a cheap top-N up to about 5,000 rows and sorts everything beyond
# (20 ms at offset 5,000 of 1M events, 200 ms at 10,000, half a second at 100,000);
# the cursor pages at the same cost however deep.
MAX_OFFSET = 5_000
MODALITIES = ("asserted", "intended", "threatened", "conditional", "hedged", "negated", "reported", "historical")


def _plover_types() -> list[str]:
    from eventwire.coding.codebook import load_codebook

    return sorted({c.plover for c in load_codebook().codes.values() if c.plover})


PloverType = Enum("PloverType", {t: t for t in _plover_types()}, type=str)
Modality = Enum("Modality", {m: m for m in MODALITIES}, type=str)


class Grain(str, Enum):
    day = "day"
    week = "week"
    month = "month"
    year = "year"


class Order(str, Enum):
    desc = "desc"
    asc = "asc"


# A date bound is compared as text with the events' ISO dates, so any well-formed YYYY[-MM[-DD]] works.
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
LON = r"-?(180(\.0+)?|(1[0-7]\d|\d{1,2})(\.\d+)?)"
LAT = r"-?(90(\.0+)?|\d(\d)?(\.\d+)?)"
BBOX_PATTERN = rf"^{LON},{LAT},{LON},{LAT}$"

_ERRORS = {400: {"model": Problem}, 422: {"model": Problem}}


def _parse_bbox(value: str | None) -> tuple[tuple[float, float, float, float], ...]:
    """The box as one or two (min_lon, min_lat, max_lon, max_lat) boxes: a west edge east of the east
    edge crosses the antimeridian (170,-20,-170,20 is the Pacific around Fiji); the two latitudes
    may come in either order."""
    if value is None:
        return ()
    west, lat_a, east, lat_b = (float(v) for v in value.split(","))
    if abs(west) > 180 or abs(east) > 180:
        raise HTTPException(422, "bbox: longitudes must be within -180..180")
    if abs(lat_a) > 90 or abs(lat_b) > 90:
        raise HTTPException(422, "bbox: latitudes must be within -90..90")
    south, north = min(lat_a, lat_b), max(lat_a, lat_b)
    if west <= east:
        return ((west, south, east, north),)
    return ((west, south, 180.0, north), (-180.0, south, east, north))


@dataclasses.dataclass(frozen=True)
class EventFilters:
    """The filters every event endpoint takes (the same query parameters, validated once here)."""

    actor: str | None = None
    source: str | None = None
    target: str | None = None
    country: str | None = None
    cameo: str | None = None
    plover: str | None = None
    modality: str | None = None
    quad_class: int | None = None
    since: str | None = None
    until: str | None = None
    bbox: tuple[tuple[float, float, float, float], ...] = ()
    q: str | None = None
    doc_id: str | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def event_filters(
    actor: Annotated[str | None, Query(max_length=100, description="Actor (source or target): CAMEO code prefix (RUSGOV) or part of a name")] = None,
    source: Annotated[str | None, Query(max_length=100, description="Source actor: code prefix or part of a name")] = None,
    target: Annotated[str | None, Query(max_length=100, description="Target actor: code prefix or part of a name")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="ISO-3 country of an actor or of the event's place")] = None,
    cameo: Annotated[str | None, Query(pattern=r"^\d{2,4}$", description="CAMEO code or prefix: 19 is the root 'Fight', 193 one code")] = None,
    plover: Annotated[PloverType | None, Query(description="PLOVER event type")] = None,
    modality: Annotated[Modality | None, Query(description="Events with this modality")] = None,
    quad_class: Annotated[int | None, Query(ge=1, le=4, description="1 verbal cooperation .. 4 material conflict")] = None,
    since: Annotated[str | None, Query(pattern=DATE_PATTERN, description="Earliest event date, YYYY[-MM[-DD]]")] = None,
    until: Annotated[str | None, Query(pattern=DATE_PATTERN, description="Latest event date, YYYY[-MM[-DD]]")] = None,
    bbox: Annotated[str | None, Query(pattern=BBOX_PATTERN, description="Place bounding box: west,south,east,north in degrees; west > east crosses the antimeridian")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the evidence sentence (case-insensitive)")] = None,
    doc_id: Annotated[str | None, Query(max_length=64, description="Events of one document")] = None,
) -> EventFilters:
    return EventFilters(actor=actor or None, source=source or None, target=target or None, country=country,
                        cameo=cameo, plover=plover.value if plover else None,
                        modality=modality.value if modality else None, quad_class=quad_class, since=since,
                        until=until, bbox=_parse_bbox(bbox), q=q or None, doc_id=doc_id or None)


def _encode_cursor(order: str, key: tuple) -> str:
    return base64.urlsafe_b64encode(json.dumps([order, *key]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, order: str) -> tuple[str, str, str]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not (isinstance(data, list) and len(data) == 4 and all(isinstance(v, str) for v in data)):
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise HTTPException(400, "cursor: not a cursor returned by this API") from None
    if data[0] != order:
        raise HTTPException(400, f"cursor: it was made for order={data[0]}, not order={order}")
    return data[1], data[2], data[3]


def create_app(db_path: str, *, api_token: str | None = None, max_body: int = DEFAULT_MAX_BODY,
               settings: Settings | None = None, writable: bool = False, watchlists: tuple = (),
               watching: Callable[[], bool] = lambda: False) -> FastAPI:
    """The app over the store at `db_path`. `api_token` enables POST /api/ingest (and opens the
    database for writing); `max_body` caps request bodies in bytes; `settings` chooses the
    spaCy model and actor dictionary used by /api/extract and /api/ingest. `writable` opens the
    database for writing without enabling ingest (a watcher in the same process writes to it);
    `watchlists` (of sources.toml) and `watching` feed the monitoring endpoints."""
    settings = settings or load_settings(db=db_path)
    writable = bool(api_token) or writable
    if not writable and not Path(db_path).exists():
        raise FileNotFoundError(f"{db_path}: no such database (run `eventwire ingest` first)")
    opened: list[Store] = [open_store(db_path, read_only=not writable)]
    open_lock = threading.Lock()
    extract_lock = threading.Lock()  # one article through spaCy at a time: the pipeline is shared

    def base() -> Store:
        # Reopened when a shutdown closed it: in-process test clients run the lifespan per client.
        with open_lock:
            if not opened:
                opened.append(open_store(db_path, read_only=not writable))
            return opened[0]

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        with open_lock:
            while opened:
                opened.pop().close()

    app = FastAPI(title="eventwire", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Events extracted from news articles, each with the sentence that supports it.")

    def store() -> Iterator[Store]:
        cursor = base().con.cursor()
        try:
            yield Store(cursor, db_path)
        finally:
            cursor.close()

    StoreDep = Annotated[Store, Depends(store)]
    FiltersDep = Annotated[EventFilters, Depends(event_filters)]

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "ingest": writable}

    @app.get("/api/facets", response_model=Facets, tags=["meta"])
    def facets(db: StoreDep) -> dict[str, Any]:
        """Counts per PLOVER type, modality and CAMEO root, and the date range: what filters can take."""
        return db.facets()

    @app.get("/api/events", response_model=EventPage, responses=_ERRORS, tags=["events"])
    def list_events(
        db: StoreDep, filters: FiltersDep,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size, at most {MAX_PAGE}")] = 50,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"Rows to skip, at most {MAX_OFFSET}: page deeper with cursor")] = 0,
        cursor: Annotated[str | None, Query(max_length=1000, description="next_cursor of the previous page")] = None,
        order: Annotated[Order, Query(description="desc: newest first")] = Order.desc,
        since_id: Annotated[int | None, Query(ge=0, le=2**62, description="Only events stored after this arrival id, oldest first (the page's last_id is the next since_id); the other parameters then do not apply")] = None,
    ) -> dict[str, Any]:
        """Events matching the filters, one page at a time, each with its evidence sentence."""
        if since_id is not None:
            return events_since_page(db, since_id, limit)
        after = _decode_cursor(cursor, order.value) if cursor else None
        if after and offset:
            raise HTTPException(400, "give either offset or cursor, not both")
        page = db.search_events(order=order.value, limit=limit, offset=offset, after=after, **filters.as_kwargs())
        nxt = _encode_cursor(order.value, page["next"]) if page["next"] else None
        return {"total": page["total"], "limit": limit, "offset": offset, "next_cursor": nxt, "items": page["items"]}

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

    @app.get("/api/timeline", response_model=Timeline, responses=_ERRORS, tags=["events"])
    def timeline(db: StoreDep, filters: FiltersDep,
                 grain: Annotated[Grain, Query(description="Period length")] = Grain.month) -> dict[str, Any]:
        """Events per period and QuadClass."""
        return db.timeline(grain.value, **filters.as_kwargs())

    @app.get("/api/map", response_model=list[MapPoint], responses=_ERRORS, tags=["events"])
    def map_points(db: StoreDep, filters: FiltersDep,
                   limit: Annotated[int, Query(ge=1, le=5000)] = 2000) -> list[dict[str, Any]]:
        """Event counts per place coordinates: the map's markers."""
        return db.event_points(limit=limit, **filters.as_kwargs())

    @app.get("/api/dyads", response_model=list[Dyad], responses=_ERRORS, tags=["actors"])
    def dyads(db: StoreDep, filters: FiltersDep,
              limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> list[dict[str, Any]]:
        """Who did what to whom: events per source code, target code and PLOVER type."""
        return db.dyads(limit=limit, **filters.as_kwargs())

    @app.get("/api/actors", response_model=ActorPage, responses=_ERRORS, tags=["actors"])
    def actors(db: StoreDep,
               q: Annotated[str | None, Query(max_length=100, description="Code prefix or part of a name")] = None,
               limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
               offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> dict[str, Any]:
        """Actors by CAMEO code, with how often each acts and is acted upon."""
        return db.actor_counts(q=q or None, limit=limit, offset=offset)

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

    def _extract(article: ArticleIn):
        from eventwire.ingest import detect_kind, read_bytes
        from eventwire.pipeline import extract_documents
        from eventwire.record import Document

        kind = article.kind
        if kind == "auto":
            # One article per request: content that looks like JSONL or a feed is read as text.
            kind = "html" if detect_kind(article.content) == "html" else "text"
        source = article.source or "<api>"
        items = list(read_bytes(article.content.encode("utf-8"), source, kind=kind))
        docs = [i for i in items if isinstance(i, Document)]
        if not docs:
            reason = getattr(items[0], "reason", "no article found") if items else "no article found"
            raise HTTPException(422, f"content: {reason}")
        doc = docs[0]
        if article.published and not doc.published:
            doc = dataclasses.replace(doc, published=article.published, published_from="request")
        with extract_lock:
            (record,) = list(extract_documents([doc], settings))
        return record

    article_responses = {413: {"model": Problem}, 422: {"model": Problem}, 400: {"model": Problem}}

    @app.post("/api/extract", responses=article_responses, tags=["extract"])
    def extract(article: ArticleIn) -> dict[str, Any]:
        """Extract the record of one article (text or HTML) without storing it. The body is capped
        (413 beyond the limit)."""
        from eventwire.record import to_json

        return to_json(_extract(article))

    bearer = HTTPBearer(auto_error=False, description="The server's EVENTWIRE_API_TOKEN")

    def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if not api_token:
            raise HTTPException(403, "ingest is disabled: start the server with EVENTWIRE_API_TOKEN set")
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode(), api_token.encode()):
            raise HTTPException(401, "missing or wrong API token", headers={"WWW-Authenticate": "Bearer"})

    app.include_router(watch_router(lambda: base().con, require_token, config_watchlists=watchlists, watching=watching))

    @app.post("/api/ingest", response_model=IngestResult, dependencies=[Depends(require_token)],
              responses={**article_responses, 401: {"model": Problem}, 403: {"model": Problem}}, tags=["extract"])
    def ingest(article: ArticleIn, db: StoreDep) -> dict[str, Any]:
        """Extract one article and store it (replacing an earlier version of the same article).
        Needs `Authorization: Bearer <token>`; disabled (403) unless the server has a token."""
        record = _extract(article)
        status = db.write(record)
        log.info("ingest: %s %s (%d events)", status, record.document.id, len(record.events))
        return {"doc_id": record.document.id, "status": status, "events": len(record.events)}

    web = Path(str(resources.files("eventwire").joinpath("web")))

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(web / "index.html")

    app.mount("/static", StaticFiles(directory=web), name="static")
    app.add_middleware(BodyLimit, max_body=max_body)
    app.add_middleware(SecurityHeaders)
    return app
