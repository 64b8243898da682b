"""sources.toml: what to watch, how politely to fetch it, and what to alert on (docs/watch.md).

One reader for the file; every value is checked here so a mistake names its place in the file.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from typing import Any

from eventwire.countries import to_iso3

__all__ = ["Source", "FetchSettings", "Watchlist", "Near", "WatchConfig", "load_watch_config", "parse_watch_config",
           "watchlist_from_dict", "DEFAULT_USER_AGENT"]

DEFAULT_USER_AGENT = "eventwire-monitor/1 (news event coding; the operator sets [watch] user_agent to name a contact)"
KINDS = ("feed", "sitemap", "page")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT = {None: 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _seconds(value: Any, where: str) -> float:
    """300, 300.0, "300", "5m", "1h" -> seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    match = _DURATION.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{where}: {value!r} is not a duration (seconds, or a number with s, m, h or d)")
    return float(match.group(1)) * _UNIT[match.group(2)]


@dataclass(frozen=True)
class Source:
    kind: str  # feed | sitemap | page
    url: str
    every: float = 900.0  # seconds between polls
    name: str | None = None


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0  # seconds to connect, and between two reads
    total_timeout: float = 60.0  # seconds for a whole response: a server dripping bytes is cut off
    max_bytes: int = 5_000_000  # a larger page is refused without being read whole
    max_redirects: int = 5
    retries: int = 3  # further tries of one request after a temporary failure
    backoff: float = 2.0  # seconds before the first retry, doubled each time (Retry-After wins)
    max_retry_after: float = 300.0  # a longer Retry-After defers the URL to a later round instead of waiting
    host_interval: float = 1.0  # seconds between two requests to the same host
    robots: bool = True  # honour robots.txt
    url_attempts: int = 5  # rounds before an article URL is given up


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    km: float


@dataclass(frozen=True)
class Watchlist:
    """An event matches when every criterion given matches (any value within one criterion)."""

    name: str
    actors: tuple[str, ...] = ()  # CAMEO code prefixes (SYRMIL) or parts of names (case-insensitive)
    countries: tuple[str, ...] = ()  # stored code (ISO-3, KOS) of a source or target actor, or of the event's place
    cameo: tuple[str, ...] = ()  # CAMEO code prefixes: "19" is every Fight code
    plover: tuple[str, ...] = ()  # PLOVER event types
    acled: tuple[str, ...] = ()  # ACLED event or sub-event types, when events carry them
    near: Near | None = None
    min_fatalities: float | None = None


@dataclass(frozen=True)
class WatchConfig:
    sources: tuple[Source, ...] = ()
    fetch: FetchSettings = field(default_factory=FetchSettings)
    watchlists: tuple[Watchlist, ...] = ()
    alerts_file: str | None = "alerts.jsonl"
    webhook: str | None = None
    link_every: float = 300.0  # seconds between two re-links of the store while watching
    batch: int = 8  # articles fetched, then coded together


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise ValueError(f"{where}: expected a string or a list of strings")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _countries(value: Any, where: str) -> tuple[str, ...]:
    """Countries as the event filters take them (countries.to_iso3: SYR, SY, fips:SY, Syria) -> stored codes."""
    out = []
    for given in _strings(value, where):
        try:
            out.append(to_iso3(given))
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
    return tuple(dict.fromkeys(out))


def watchlist_from_dict(data: dict[str, Any], where: str = "watchlist") -> Watchlist:
    known = {f.name for f in fields(Watchlist)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: a watchlist needs a name")
    near = data.get("near")
    if near is not None:
        try:
            near = Near(float(near["lat"]), float(near["lon"]), float(near["km"]))
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{where}.near: expected {{ lat = .., lon = .., km = .. }}") from None
        if not (-90 <= near.lat <= 90 and -180 <= near.lon <= 180 and near.km > 0):
            raise ValueError(f"{where}.near: latitude, longitude or radius out of range")
    minimum = data.get("min_fatalities")
    if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, (int, float)) or minimum < 0):
        raise ValueError(f"{where}.min_fatalities: expected a number >= 0")
    watch = Watchlist(
        name=name.strip(), actors=_strings(data.get("actors", []), f"{where}.actors"),
        countries=_countries(data.get("countries", []), f"{where}.countries"),
        cameo=_strings(data.get("cameo", []), f"{where}.cameo"),
        plover=tuple(p.upper() for p in _strings(data.get("plover", []), f"{where}.plover")),
        acled=_strings(data.get("acled", []), f"{where}.acled"), near=near,
        min_fatalities=float(minimum) if minimum is not None else None)
    if not (watch.actors or watch.countries or watch.cameo or watch.plover or watch.acled or watch.near
            or watch.min_fatalities is not None):
        raise ValueError(f"{where}: a watchlist needs at least one criterion")
    return watch


def _fetch_settings(data: dict[str, Any], where: str) -> tuple[FetchSettings, dict[str, Any]]:
    values: dict[str, Any] = {}
    rest = {}
    for key, value in data.items():
        spec = FetchSettings.__dataclass_fields__.get(key)
        if spec is None:
            rest[key] = value
            continue
        default = spec.default
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValueError(f"{where}.{key}: expected true or false")
        elif isinstance(default, str):
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{where}.{key}: expected a string")
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{where}.{key}: expected a whole number >= 0")
        else:
            value = _seconds(value, f"{where}.{key}")
        values[key] = value
    return FetchSettings(**values), rest


def parse_watch_config(data: dict[str, Any], where: str = "sources.toml") -> WatchConfig:
    allowed = {"watch", "watchlist", *KINDS}
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"{where}: unknown sections {', '.join(sorted(unknown))} "
                         f"(expected [watch], [[feed]], [[sitemap]], [[page]], [[watchlist]])")
    fetch, rest = _fetch_settings(data.get("watch", {}), f"{where} [watch]")
    options: dict[str, Any] = {}
    for key, value in rest.items():
        if key in ("alerts_file", "webhook"):
            if value is not None and (not isinstance(value, str)):
                raise ValueError(f"{where} [watch].{key}: expected a string")
            if key == "webhook" and value and not re.match(r"^https?://", value):
                raise ValueError(f"{where} [watch].webhook: expected an http:// or https:// URL")
            options[key] = value or None
        elif key == "link_every":
            options[key] = _seconds(value, f"{where} [watch].link_every")
        elif key == "batch":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{where} [watch].batch: expected a whole number >= 1")
            options[key] = value
        else:
            raise ValueError(f"{where} [watch]: unknown setting {key}")
    sources: list[Source] = []
    for kind in KINDS:
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            raise ValueError(f"{where}: write [[{kind}]] (a list of tables), not [{kind}]")
        for n, entry in enumerate(entries, start=1):
            at = f"{where} [[{kind}]] #{n}"
            unknown = set(entry) - {"url", "every", "name"}
            if unknown:
                raise ValueError(f"{at}: unknown keys {', '.join(sorted(unknown))}")
            url = entry.get("url")
            if not isinstance(url, str) or not re.match(r"^https?://[^\s/]+", url):
                raise ValueError(f"{at}: url must be an http:// or https:// URL")
            every = _seconds(entry.get("every", 900), f"{at}.every")
            if every < 1:
                raise ValueError(f"{at}.every: at least 1 second")
            sources.append(Source(kind, url, every, entry.get("name")))
    seen: set[str] = set()
    for source in sources:
        if source.url in seen:
            raise ValueError(f"{where}: {source.url} is listed twice")
        seen.add(source.url)
    lists = data.get("watchlist", [])
    if not isinstance(lists, list):
        raise ValueError(f"{where}: write [[watchlist]] (a list of tables), not [watchlist]")
    watchlists = tuple(watchlist_from_dict(w, f"{where} [[watchlist]] #{n}") for n, w in enumerate(lists, start=1))
    names = [w.name for w in watchlists]
    if len(set(names)) != len(names):
        raise ValueError(f"{where}: two watchlists share a name")
    return WatchConfig(sources=tuple(sources), fetch=fetch, watchlists=watchlists, **options)


def load_watch_config(path: str) -> WatchConfig:
    """Read and check a sources.toml; OSError or ValueError (naming the file) when it cannot be used."""
    with open(path, "rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML ({exc})") from None
    return parse_watch_config(data, path)
