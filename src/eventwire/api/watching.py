"""The monitoring endpoints: alerts, watch status, watchlists, and `/api/events?since_id=`.

They read the watcher's tables (eventwire.watch.state); on a database that was never watched they
answer with empty lists. Adding or removing a watchlist writes, so it needs the API token like
POST /api/ingest; the watcher reads the stored watchlists before each batch of articles.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path as PathParam, Query
from pydantic import BaseModel, ConfigDict, Field

from eventwire.api.models import Problem
from eventwire.watch import state
from eventwire.watch.sources import Watchlist, watchlist_from_dict

__all__ = ["watch_router", "events_since_page"]


class NearIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    km: float = Field(gt=0, le=20000)


_Names = Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=100)]


class WatchlistIn(BaseModel):
    """Every criterion given must match (any of its values); at least one criterion."""

    model_config = ConfigDict(extra="forbid")
    actors: _Names = Field([], description="CAMEO actor code prefixes (SYRMIL) or parts of names")
    countries: list[Annotated[str, Field(min_length=2, max_length=100)]] = Field(
        [], max_length=300, description="Country of an actor or of the place: ISO-3 (SYR), ISO-2 (SY), FIPS 10-4 "
                                        "(SY), iso:XX / fips:XX, or a name (Syria), as the event filters take them")
    cameo: list[Annotated[str, Field(pattern=r"^\d{2,4}$")]] = Field([], max_length=300, description="CAMEO code prefixes")
    plover: _Names = Field([], description="PLOVER event types")
    acled: _Names = Field([], description="ACLED event or sub-event types (when events carry them)")
    near: NearIn | None = None
    min_fatalities: float | None = Field(None, ge=0, le=1e9)


class WatchlistOut(WatchlistIn):
    name: str
    origin: str = Field(description="config (sources.toml) or api")


class AlertList(BaseModel):
    items: list[dict[str, Any]] = Field(description="Alerts newest first (README: Alert format)")
    last_id: int = Field(description="The newest alert id: pass it as since_id to get only later ones")


class WatchStatus(BaseModel):
    watching: bool = Field(description="A watcher runs in this server")
    sources: list[dict[str, Any]]
    urls: dict[str, int] = Field(description="Article URLs per state: pending, retry, done, failed")
    last_event_id: int
    last_alert_id: int


def _as_dict(watch: Watchlist) -> dict[str, Any]:
    return {"name": watch.name, "actors": list(watch.actors), "countries": list(watch.countries),
            "cameo": list(watch.cameo), "plover": list(watch.plover), "acled": list(watch.acled),
            "near": {"lat": watch.near.lat, "lon": watch.near.lon, "km": watch.near.km} if watch.near else None,
            "min_fatalities": watch.min_fatalities}


def events_since_page(store, since_id: int, limit: int) -> dict[str, Any]:
    """The events stored after arrival number `since_id`, oldest first, as an EventPage."""
    if not state.has_tables(store.con):
        return {"total": 0, "limit": limit, "offset": 0, "next_cursor": None, "items": [], "last_id": since_id}
    rows, total = state.events_since(store.con, since_id, limit)
    items = store._event_items([(d, e) for _, d, e in rows])
    for (arrival, _, _), item in zip(rows, items):
        item["arrival_id"] = arrival
    last = rows[-1][0] if rows else max(since_id, 0)
    return {"total": total, "limit": limit, "offset": 0, "next_cursor": None, "items": items, "last_id": last}


def watch_router(reading: Callable[[], Any], writing: Callable[[], Any], require_token: Callable[..., None], *,
                 config_watchlists: tuple[Watchlist, ...] = (), watching: Callable[[], bool] = lambda: False) -> APIRouter:
    """`reading()` and `writing()` are the app's context managers giving a Store for one request
    (read-only, or read-write for the watchlist changes); its `con` serves the request."""
    router = APIRouter(tags=["monitoring"])

    def cursor():
        with reading() as store:
            yield store.con

    def write_cursor():
        with writing() as store:
            yield store.con

    Con = Annotated[Any, Depends(cursor)]
    WriteCon = Annotated[Any, Depends(write_cursor)]

    @router.get("/api/alerts", response_model=AlertList, responses={422: {"model": Problem}})
    def alerts(con: Con, since_id: Annotated[int, Query(ge=0, le=2**62, description="Only alerts after this id")] = 0,
               limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
        """Alerts raised by watchlist matches, newest first, with their webhook delivery."""
        if not state.has_tables(con):
            return {"items": [], "last_id": since_id}
        items = state.list_alerts(con, since_id, limit)
        top = con.execute("SELECT coalesce(max(alert_id), 0) FROM alerts").fetchone()[0]
        return {"items": items, "last_id": max(top, since_id)}

    @router.get("/api/watch", response_model=WatchStatus)
    def watch_status(con: Con) -> dict[str, Any]:
        """What the watcher has polled and fetched."""
        if not state.has_tables(con):
            return {"watching": watching(), "sources": [], "urls": {}, "last_event_id": 0, "last_alert_id": 0}
        sources = []
        for s in state.source_states(con).values():
            sources.append({k: (v.isoformat() + "Z" if hasattr(v, "isoformat") else v) for k, v in s.items()})
        top = con.execute("SELECT coalesce(max(alert_id), 0) FROM alerts").fetchone()[0]
        return {"watching": watching(), "sources": sorted(sources, key=lambda s: s["url"]), "urls": state.url_counts(con),
                "last_event_id": state.last_arrival(con), "last_alert_id": top}

    @router.get("/api/watchlists", response_model=list[WatchlistOut])
    def watchlists(con: Con) -> list[dict[str, Any]]:
        """The watchlists in force: those of sources.toml and those added here."""
        found = [{**_as_dict(w), "origin": "config"} for w in config_watchlists]
        if state.has_tables(con):
            found += [{**d, "origin": "api"} for d in state.stored_watchlists(con)]
        return found

    name_param = Annotated[str, PathParam(min_length=1, max_length=100, pattern=r"^[\w .:-]+$")]
    guarded = {400: {"model": Problem}, 401: {"model": Problem}, 403: {"model": Problem}, 422: {"model": Problem}}

    @router.put("/api/watchlists/{name}", response_model=WatchlistOut, dependencies=[Depends(require_token)],
                responses=guarded)
    def put_watchlist(con: WriteCon, name: name_param, body: WatchlistIn) -> dict[str, Any]:
        """Add or replace a watchlist; new events are matched against it from the next batch on.
        Needs `Authorization: Bearer <token>`."""
        if any(w.name == name for w in config_watchlists):
            raise HTTPException(422, f"watchlist {name} is defined in the sources file; change it there")
        try:
            watch = watchlist_from_dict({"name": name, **body.model_dump(exclude_none=True)})
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        state.ensure_tables(con)
        definition = _as_dict(watch)
        state.save_watchlist(con, name, definition)
        return {**definition, "origin": "api"}

    @router.delete("/api/watchlists/{name}", status_code=204, dependencies=[Depends(require_token)],
                   responses={**guarded, 404: {"model": Problem}})
    def delete_watchlist(con: WriteCon, name: name_param) -> None:
        """Remove a watchlist added through the API. Needs `Authorization: Bearer <token>`."""
        if not state.has_tables(con) or not state.delete_watchlist(con, name):
            raise HTTPException(404, f"no watchlist {name} added through the API")

    return router
