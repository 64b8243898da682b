"""A story event while the story sweep (stories.py) builds it, and how a mention is compared with it: the
story's aggregates of what its members forbid and vouch by (_Story), the members that vouch for a mention
joining it (_support) and whether the mention contradicts any of them (_contradicts). The rules are
those of stories.py's opening; a story is read through the sweep's SweepColumns, by row.
"""
from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field

import numpy as np

from eventwire.link.mentions import LinkSettings
from eventwire.link.sphere import (KM_PER_DEGREE_LAT, dot_bounds, farther_than, haversine_km, haversine_many,
                                   unit_vector)
from eventwire.link.sweep_columns import SweepColumns

# A story's keys are a tuple (most stories have a few) until this many, then a set.
_MANY_KEYS = 16


@dataclass(slots=True)  # a day's stories are held at once: no __dict__ each
class _Story:
    """A story being built by the sweep; its members are rows of the day's MentionTable (read through
    the sweep's SweepColumns). Most stories of a day keep one member, so what is kept for comparing is made
    as it is needed (an empty set or dict costs 64-216 bytes, a day has hundreds of thousands of
    stories)."""

    members: array | list[int] = field(default_factory=lambda: array("i"))  # rows: no int object each
    start: int | None = None  # intersection of the members' windows (day ordinals)
    end: int | None = None
    order: int = 0  # creation order: ties go to the earlier story
    # One kind per distinct member kind (SweepColumns.kind, numbered here in order of arrival), with how many
    # members share it; None while there is one kind (the first member's).
    kinds: dict[int, int] | None = None
    weights: list[int] | tuple = ()  # kind number -> members of that kind (a list from the first count)
    keys: tuple | set = ()  # the corroboration keys it is indexed under (a set from _MANY_KEYS up)
    # What every member together forbids (see _contradicts), each distinct value once: a story of many
    # members is then checked in a few comparisons and one array of distances instead of member by member.
    place_countries: tuple[str, ...] = ()
    country_sets: tuple[frozenset, ...] = ()
    # Located places below country level -> the kinds placed there; None while there are none.
    points: dict[tuple[float, float], list[int]] | None = None
    # Which kinds can vouch for a mention, by what they would share with it (see _support): ("name",
    # a named participant), and for kinds whose codes count ("code", an actor code) or ("sector", a
    # sector's country, the place's country); None while there are none (most stories have one member).
    vouchers: dict[tuple, list[int]] | None = None
    arrays: _PlaceArrays | None = None  # made for a story of many points when a mention meets it

    def add(self, row: int, cols: SweepColumns) -> None:
        """Take the mention of `row` in. A story of one member is compared with that member itself
        (_support, _contradicts); its kinds and indexes are made when a second member joins."""
        if len(self.members) == 1 and not self.weights:
            self._count(self.members[0], cols)
        self.members.append(row)
        if len(self.members) > 1:
            self._count(row, cols)

    def _count(self, row: int, cols: SweepColumns) -> None:
        """Count a member (already in `members`) into the kinds and what they forbid and vouch by."""
        sig = cols.kind[row]
        if self.weights:
            if self.kinds is None:
                self.kinds = {cols.kind[self.members[0]]: 0}
            kind = self.kinds.get(sig)
            if kind is not None:
                self.weights[kind] += 1
                if self.arrays is not None:
                    self.arrays.weigh(kind)
                return
            kind = self.kinds[sig] = len(self.weights)
        else:
            kind, self.weights = 0, []
        self.weights.append(1)
        place_country, countries = cols.place_country[row], cols.countries[row]
        if place_country and place_country not in self.place_countries:
            self.place_countries += (place_country,)
        if countries and countries not in self.country_sets:
            self.country_sets += (countries,)
        if cols.located[row]:
            point = (cols.lat[row], cols.lon[row])
            if self.points is None:
                self.points = {}
            placed = self.points.get(point)
            if placed is None:
                placed = self.points[point] = []
                if self.arrays is not None:
                    self.arrays.haversine = None
            elif self.arrays is not None:  # a new kind at a point the arrays may hold: weighed there
                self.arrays.join_point_of(placed[0], kind)
            placed.append(kind)
        shared = [("name", name) for name in cols.names[row]]
        if cols.codes_count[row]:
            shared.extend(("code", code) for code in cols.codes[row])
            if place_country is not None:
                shared.extend(("sector", country, place_country) for country in cols.sector_countries[row])
        if shared:
            if self.vouchers is None:
                self.vouchers = {}
            for key in shared:
                self.vouchers.setdefault(key, []).append(kind)

    def index_under(self, key: tuple) -> bool:
        """Note that the story is indexed under `key`; False when it was already."""
        keys = self.keys
        if key in keys:
            return False
        if isinstance(keys, tuple):
            keys += (key,)
            self.keys = set(keys) if len(keys) >= _MANY_KEYS else keys
        else:
            keys.add(key)
        return True

    def leave_key(self, key: tuple) -> None:
        """Note that the story is no longer indexed under `key`."""
        if isinstance(self.keys, tuple):
            self.keys = tuple(k for k in self.keys if k != key)
        else:
            self.keys.discard(key)

    def point_array(self) -> np.ndarray:
        """The points as rows (lat, lon, lat in radians, its cosine), in the order of `points`, for
        haversine_many."""
        arrays = self.arrays or self._place_arrays()
        if arrays.haversine is None:
            points = np.array(list(self.points), dtype=np.float64).reshape(-1, 2)
            radians = np.radians(points[:, 0])
            arrays.haversine = np.column_stack((points, radians, np.cos(radians)))
        return arrays.haversine

    def unit_array(self) -> np.ndarray:
        """The points' unit vectors (sphere.unit_vector) as rows, in the order of `points` and of
        point_items: a large story is measured from every mention that meets it, so they are made once,
        and grown (into room for twice as many) as places join."""
        arrays = self.arrays
        if arrays is not None and len(arrays.items) == len(self.points):
            return arrays.filled
        arrays = arrays or self._place_arrays()
        items, count = arrays.items, len(arrays.items)
        if count < len(self.points):
            new = list(self.points.items())[count:]
            places = np.array([point for point, _ in new], dtype=np.float64).reshape(-1, 2)
            lat, lon = np.radians(places[:, 0]), np.radians(places[:, 1])
            cos_lat = np.cos(lat)
            if arrays.units is None or len(arrays.units) < len(self.points):
                room = max(16, 2 * len(self.points))
                units, members_at = np.empty((room, 3)), np.zeros(room, dtype=np.int64)
                if arrays.units is not None:
                    units[:count], members_at[:count] = arrays.units[:count], arrays.members_at[:count]
                arrays.units, arrays.members_at = units, members_at
            arrays.units[count:len(self.points)] = np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon),
                                                                    np.sin(lat)))
            items.extend(new)
            arrays.weigh_points(new, count, self.weights)
            arrays.south = min(arrays.south, float(places[:, 0].min()))
            arrays.north = max(arrays.north, float(places[:, 0].max()))
            arrays.filled = arrays.units[:len(items)]
        return arrays.filled

    def latitudes(self) -> tuple[float, float]:
        """The least and the greatest latitude of the points (of a story with many: read for every mention
        that meets it, so kept as unit_array grows)."""
        arrays = self.arrays
        if arrays is None or len(arrays.items) < len(self.points):
            self.unit_array()
            arrays = self.arrays
        return arrays.south, arrays.north

    def point_items(self) -> list[tuple[tuple[float, float], list[int]]]:
        """(point, its kinds) in the order of unit_array's rows."""
        arrays = self.arrays
        if arrays is None or len(arrays.items) < len(self.points):
            self.unit_array()
            arrays = self.arrays
        return arrays.items

    def _place_arrays(self) -> _PlaceArrays:
        self.arrays = _PlaceArrays()
        return self.arrays


class _PlaceArrays:
    """A story's points as arrays, to measure a mention's distance to many at once, and to count the
    members placed near it at once (each kind has one point: the members of the kinds placed at a point
    are summed by row, and a kind vouching by name too is not counted twice)."""

    __slots__ = ("haversine", "units", "filled", "items", "south", "north", "members_at", "row_of_kind")

    def __init__(self) -> None:
        self.haversine: np.ndarray | None = None  # point_array's, made again when a point joins
        self.units: np.ndarray | None = None  # unit_array's (rows past len(items) unused)
        self.filled: np.ndarray | None = None  # the rows of units in use
        self.items: list[tuple[tuple[float, float], list[int]]] = []
        self.south, self.north = math.inf, -math.inf  # the latitudes of items: the least and the greatest
        # By row of units (grown with them): the members of the kinds placed there (rows past len(items)
        # unused); by kind number: its row, -1 while its point is not among items (or it has none).
        self.members_at: np.ndarray | None = None
        self.row_of_kind = np.zeros(0, dtype=np.int32)

    def weigh_points(self, new: list[tuple[tuple[float, float], list[int]]], first: int, weights: list[int]) -> None:
        """Weigh the points `new`, rows `first` on (members_at has room for them), by the story's kind
        weights."""
        self._room_for_kind(max(kind for _, kinds in new for kind in kinds))
        for row, (_, kinds) in enumerate(new, first):
            self.members_at[row] = sum(weights[kind] for kind in kinds)
            self.row_of_kind[kinds] = row

    def weigh(self, kind: int) -> None:
        """Count one more member of `kind` at its point's row, when items hold it (else weigh_points will)."""
        if kind < len(self.row_of_kind) and (row := self.row_of_kind[kind]) >= 0:
            self.members_at[row] += 1

    def join_point_of(self, placed: int, kind: int) -> None:
        """A new kind (of one member) at the point of kind `placed`: weighed at its row, when items hold it."""
        if placed < len(self.row_of_kind) and (row := self.row_of_kind[placed]) >= 0:
            self._room_for_kind(kind)
            self.row_of_kind[kind] = row
            self.members_at[row] += 1

    def _room_for_kind(self, kind: int) -> None:
        if len(self.row_of_kind) <= kind:
            grown = np.full(max(16, 2 * (kind + 1)), -1, dtype=np.int32)
            grown[:len(self.row_of_kind)] = self.row_of_kind
            self.row_of_kind = grown


def _support(item: int, story: _Story, cols: SweepColumns, settings: LinkSettings,
             distances: dict[tuple[float, float], float], dots: np.ndarray | None = None) -> int:
    """How many members of `story` vouch for the mention of row `item` joining it: those sharing a named
    participant with it, those placed below country level within corroborate_km of its own such place,
    and, when both one's and the other's actor codes count (SweepColumns.codes_count: neither placed in a whole
    country, dates stated), those sharing a country's actor code, or a sector's country together with
    the place's country. ("The air force killed 10 near Damascus" and "forces executed 10 children",
    placed only in Syria, share SYRMIL on the same day; a whole-country place cannot tell them apart.)
    The km from `item` to the story's points that it computes are kept in `distances` (for
    _contradicts); `dots`: the dot products of the unit vectors of `item`'s place and of the story's
    (story.unit_array()), when computed already."""
    if not story.weights:  # one member, not counted into kinds yet
        return int(_vouches(item, story.members[0], cols, settings, distances))
    kinds: set[int] = set()
    vouchers = story.vouchers or {}
    for name in cols.names[item]:
        if found := vouchers.get(("name", name)):
            kinds.update(found)
    if vouchers and cols.codes_count[item]:
        for code in cols.codes[item]:
            if found := vouchers.get(("code", code)):
                kinds.update(found)
        if (place_country := cols.place_country[item]) is not None:
            for country in cols.sector_countries[item]:
                if found := vouchers.get(("sector", country, place_country)):
                    kinds.update(found)
    if story.points and cols.located[item]:
        lat, lon = cols.lat[item], cols.lon[item]
        reach = settings.corroborate_km
        if dots is not None and (bounds := dot_bounds(reach)) is not None:
            return _support_by_rows(lat, lon, story, settings, distances, dots, bounds, kinds)
        for point, found in story.points.items():
            if _within(lat, lon, point, reach, distances):
                kinds.update(found)
    return sum(map(story.weights.__getitem__, kinds))


def _within(lat: float, lon: float, point: tuple[float, float], km: float,
            distances: dict[tuple[float, float], float]) -> bool:
    """Whether `point` lies within `km` of (lat, lon) by haversine_km, kept in `distances`; as farther_than,
    told by the latitudes alone when they are farther apart."""
    p_lat, p_lon = point
    if abs(lat - p_lat) * KM_PER_DEGREE_LAT > km * 1.0001:
        return False
    found = distances.get(point)
    if found is None:
        found = distances[point] = haversine_km(lat, lon, p_lat, p_lon)
    return found <= km


def _support_by_rows(lat: float, lon: float, story: _Story, settings: LinkSettings,
                     distances: dict[tuple[float, float], float], dots: np.ndarray, bounds: tuple[float, float],
                     kinds: set[int]) -> int:
    """_support of a story of many points (`dots`: their dot products with the place (lat, lon), dot_bounds'
    `bounds` of corroborate_km), the kinds vouching by name or code given (`kinds`): the points'
    weights (_PlaceArrays) summed where the point is within reach, and the given kinds placed elsewhere
    (or nowhere) added. A point surely within reach by the dot product vouches, one surely beyond does
    not, and only those within rounding of reach are measured with haversine_km, which decides."""
    within, beyond = bounds
    items, arrays = story.point_items(), story.arrays
    near = dots > within
    reach = settings.corroborate_km
    for i in np.flatnonzero((dots >= beyond) & ~near).tolist():
        if _within(lat, lon, items[i][0], reach, distances):
            near[i] = True
    support = int(arrays.members_at[:len(dots)][near].sum())
    if kinds:
        rows, weights = arrays.row_of_kind, story.weights
        for kind in kinds:
            if kind >= len(rows) or (row := rows[kind]) < 0 or not near[row]:
                support += weights[kind]
    return support


def _vouches(item: int, member: int, cols: SweepColumns, settings: LinkSettings,
             distances: dict[tuple[float, float], float]) -> bool:
    """Whether the mention of row `member` alone vouches for that of row `item` (_support of a story of
    that one member, read on the member itself: the same tests in the same order)."""
    if cols.names[item] & cols.names[member]:
        return True
    if cols.located[member] and cols.located[item] and _within(
            cols.lat[item], cols.lon[item], (cols.lat[member], cols.lon[member]), settings.corroborate_km, distances):
        return True
    if cols.codes_count[item] and cols.codes_count[member]:
        if cols.codes[item] & cols.codes[member]:
            return True
        place_country = cols.place_country[item]
        if place_country is not None and place_country == cols.place_country[member]:
            return bool(cols.sector_countries[item] & cols.sector_countries[member])
    return False


def _contradicted_by(item: int, member: int, cols: SweepColumns, settings: LinkSettings,
                     distances: dict[tuple[float, float], float] | None) -> bool:
    """_contradicts for a story of the one member of row `member`, read on the member itself."""
    item_country, member_country = cols.place_country[item], cols.place_country[member]
    if item_country and member_country and member_country != item_country:
        return True
    item_countries, member_countries = cols.countries[item], cols.countries[member]
    if item_countries and member_countries and not (item_countries & member_countries):
        return True
    if cols.located[member] and cols.located[item]:
        lat, lon = cols.lat[item], cols.lon[item]
        p_lat, p_lon = cols.lat[member], cols.lon[member]
        if distances is None:
            return farther_than(lat, lon, p_lat, p_lon, settings.max_km)
        if abs(lat - p_lat) * KM_PER_DEGREE_LAT > settings.max_km * 1.0001:
            return True  # as farther_than: the latitudes alone are farther apart
        km = distances.get((p_lat, p_lon))
        if km is None:
            km = distances[(p_lat, p_lon)] = haversine_km(lat, lon, p_lat, p_lon)
        return km > settings.max_km
    return False


_FEW_POINTS = 12  # a story with more distinct points is measured from a mention in one numpy array


def _farther_in_latitude(lat: float, story: _Story, settings: LinkSettings) -> bool:
    """Whether a place of `story` (one of many points) lies farther than max_km from the latitude `lat` in
    latitude alone (as farther_than): a mention placed there contradicts the story, whatever else it
    shares, and is told so without its distances to every place."""
    south, north = story.latitudes()
    return max(lat - south, north - lat) * KM_PER_DEGREE_LAT > settings.max_km * 1.0001

def _contradicts(item: int, story: _Story, cols: SweepColumns, settings: LinkSettings,
                 distances: dict[tuple[float, float], float] | None = None, dots: np.ndarray | None = None) -> bool:
    """Whether the mention of row `item` is incompatible with some member of `story`: placed in another
    country, farther than max_km from a located member, or with actor countries disjoint from a
    member's. The type always agrees: a story only holds mentions of one block (block_name: one
    PLOVER type, else one CAMEO root), so only places and actor countries are checked, on the story's
    aggregates. The distances (haversine_km) it computes to a story's few points are kept in
    `distances` (those _support computed are reused); `dots` as for _support."""
    if not story.weights:  # one member, not counted into kinds yet
        return _contradicted_by(item, story.members[0], cols, settings, distances)
    place_country, countries = cols.place_country[item], cols.countries[item]
    # (the story's place countries are distinct: one differs unless there is one, this one)
    if place_country and (found := story.place_countries) and (len(found) > 1 or found[0] != place_country):
        return True
    if countries:
        for other in story.country_sets:
            if countries.isdisjoint(other):
                return True
    if story.points and cols.located[item]:
        lat, lon = cols.lat[item], cols.lon[item]
        if len(story.points) <= _FEW_POINTS:  # an array costs more than a few distances
            if distances is None:
                return any(farther_than(lat, lon, p_lat, p_lon, settings.max_km) for p_lat, p_lon in story.points)
            beyond_km = settings.max_km * 1.0001
            for p_lat, _ in story.points:
                if abs(lat - p_lat) * KM_PER_DEGREE_LAT > beyond_km:
                    return True  # as farther_than: the latitudes alone are farther apart
            for point in story.points:
                p_lat, p_lon = point
                km = distances.get(point)
                if km is None:
                    km = distances[point] = haversine_km(lat, lon, p_lat, p_lon)
                if km > settings.max_km:
                    return True
            return False
        # Many points: decided on the dot products of unit vectors when every place is surely within
        # max_km or one surely beyond; else (within rounding of max_km) on haversine_many's distances.
        if (bounds := dot_bounds(settings.max_km)) is not None:
            if dots is None:
                dots = story.unit_array() @ unit_vector(lat, lon)
            lowest = dots.min()
            if lowest > bounds[0]:
                return False
            if lowest < bounds[1]:
                return True
        return bool((haversine_many(lat, lon, story.point_array()) > settings.max_km).any())
    return False
