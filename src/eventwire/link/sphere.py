"""Places on the sphere for the story sweep (stories.py): haversine distances, one at a time or from
one place to a story's many places in an array, and the grid cells of about 22 km that places are
indexed under, with the cells a place within a given distance may lie in.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from eventwire.link.mentions import LinkSettings

KM_PER_DEGREE_LAT = 6371.0088 * math.pi / 180  # no two points are nearer than their latitudes' difference


def farther_than(lat1: float, lon1: float, lat2: float, lon2: float, km: float) -> bool:
    """haversine_km(...) > km, skipping the trigonometry when the latitudes alone are farther apart."""
    if abs(lat1 - lat2) * KM_PER_DEGREE_LAT > km * 1.0001:
        return True
    return haversine_km(lat1, lon1, lat2, lon2) > km


EARTH_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


# Grid cells for place keys: 0.2 degree, about 22 km north to south. A mention probes every cell a
# point within corroborate_km of it may lie in, a rectangle of whole cells around that disk (less the
# cells wholly beyond it): the finer the cells, the closer the rectangle to the disk (0.5-degree cells
# probed about 8 times the disk's area, so a mention met every open story of a region three times as
# wide as its corroboration distance), but the more cells a mention looks up and the more cells a
# story of many places is listed in (met once per cell). A story met through a cell but placed beyond
# reach costs one comparison and does not vouch by place. Measured on the story sweep of a 50,000-article day
# (the same stories): 0.1 degree (~42 cells a probe) 17.6-18.2 s, 0.15 17.7, 0.2 16.9-17.1, 0.25 and 0.3
# 16.7-17.2; 5,000 articles the same at 0.1 to 0.25 (0.84-0.89 s). At 300,000, 0.2 against 0.1: 160.8
# against 174.3 s, and a larger cell's list reaches max_key_stories sooner: 1,453,810 story events
# against 1,453,941.
CELL_DEG = 0.2


def cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)


def wrapped(col: int, columns: int) -> int:
    """A cell column moved past the antimeridian back into cell's range (-columns/2 .. columns/2 - 1)."""
    return (col + columns // 2) % columns - columns // 2


def probe_reach(lat: float, km: float) -> tuple[int, int]:
    """How many cells north or south and east or west of a point's own cell a point within `km` of it
    may lie (haversine_km): a degree of latitude is KM_PER_DEGREE_LAT everywhere, a degree of longitude
    that times the cosine of the latitude, taken at the disk's edge nearest the pole (the smallest)."""
    degrees_lat = km / KM_PER_DEGREE_LAT * 1.0001
    cos_lat = math.cos(math.radians(min(90.0, abs(lat) + degrees_lat)))
    rows = math.ceil(degrees_lat / CELL_DEG)
    half_circle = int(180 / CELL_DEG)
    if cos_lat <= 0 or km / (KM_PER_DEGREE_LAT * cos_lat) * 1.0001 >= 180:
        return rows, half_circle
    # On the sphere a point `km` away can differ in longitude by asin(sin(km/R) / cos(lat)): slightly
    # more than km / (R cos lat); the sine's ratio covers it.
    sin_ratio = math.sin(math.radians(degrees_lat)) / cos_lat
    degrees_lon = 180.0 if sin_ratio >= 1 else math.degrees(math.asin(sin_ratio)) * 1.0001
    return rows, min(half_circle, math.ceil(degrees_lon / CELL_DEG))


def probe_cells(lat: float, lon: float, settings: LinkSettings) -> list[tuple[int, range | frozenset[int]]]:
    """The grid cells, as (row, its columns), that may hold a place within corroborate_km of the place
    (lat, lon): the rectangle of cells around that disk (probe_reach) less the cells wholly beyond it,
    told by a lower bound of haversine_km to a cell's nearest latitude and nearest longitude taken
    apart (haversine's a is at least sin^2 of half the least latitude difference plus the cosines'
    product, the cell's smallest, times sin^2 of half the least longitude difference)."""
    row, col = cell(lat, lon)
    rows, reach = probe_reach(lat, settings.corroborate_km)
    budget = math.sin(settings.corroborate_km * 1.0001 / (2 * EARTH_KM)) ** 2
    cos_lat = math.cos(math.radians(lat))
    circle = int(360 / CELL_DEG)
    out = []
    for r in range(row - rows, row + rows + 1):
        south, north = r * CELL_DEG, (r + 1) * CELL_DEG
        rest = budget - math.sin(math.radians(max(0.0, south - lat, lat - north)) / 2) ** 2
        if rest < 0:
            continue  # every place of the row is farther in latitude alone
        cos_far = math.cos(math.radians(min(90.0, max(abs(south), abs(north)))))
        first, last = col - reach, col + reach
        if cos_lat * cos_far > 0 and rest / (cos_lat * cos_far) < 1:
            degrees = math.degrees(2 * math.asin(math.sqrt(rest / (cos_lat * cos_far))))
            # the columns whose nearest longitude is within `degrees` of lon
            first = max(first, math.floor((lon - degrees) / CELL_DEG) - 1)
            last = min(last, math.floor((lon + degrees) / CELL_DEG) + 1)
            while first < col and lon - (first + 1) * CELL_DEG > degrees:
                first += 1
            while last > col and last * CELL_DEG - lon > degrees:
                last -= 1
        if first < -circle // 2 or last >= circle // 2:
            # Past the antimeridian: cell columns are taken modulo the circle, as cell numbers them.
            out.append((r, frozenset(wrapped(c, circle) for c in range(first, last + 1))))
        else:
            out.append((r, range(first, last + 1)))
    return out


def probe_spans(lat: np.ndarray, lon: np.ndarray, settings: LinkSettings
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """probe_cells of many places at once (arrays of their lat and lon), with the same operations place
    by place: (first_row, firsts, lasts, wraps). A place probes the 2 * rows + 1 cell rows from its
    first_row (rows: probe_reach's, which do not depend on the place), in row first_row + i the columns
    firsts[:, i] to lasts[:, i] (none when the first is past the last); for a place whose `wraps` is
    set the columns pass the antimeridian, and only probe_cells gives them (numbered modulo the circle).
    A sweep of a day's mentions probes hundreds of thousands of places: one call of numpy operations
    for thousands of them costs about what a few cost in probe_cells."""
    km = settings.corroborate_km
    lat, lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    row, col = np.floor(lat / CELL_DEG).astype(np.int64), np.floor(lon / CELL_DEG).astype(np.int64)
    # probe_reach, place by place
    degrees_lat = km / KM_PER_DEGREE_LAT * 1.0001
    rows = math.ceil(degrees_lat / CELL_DEG)
    half_circle = int(180 / CELL_DEG)
    cos_edge = np.cos(np.radians(np.minimum(90.0, np.abs(lat) + degrees_lat)))
    whole = (cos_edge <= 0) | (km / (KM_PER_DEGREE_LAT * np.where(cos_edge > 0, cos_edge, 1.0)) * 1.0001 >= 180)
    sin_ratio = math.sin(math.radians(degrees_lat)) / np.where(whole, 1.0, cos_edge)
    degrees_lon = np.where(sin_ratio >= 1, 180.0, np.degrees(np.arcsin(np.minimum(sin_ratio, 1.0))) * 1.0001)
    reach = np.where(whole, half_circle, np.minimum(half_circle, np.ceil(degrees_lon / CELL_DEG))).astype(np.int64)
    # probe_cells' rows
    budget = math.sin(km * 1.0001 / (2 * EARTH_KM)) ** 2
    cos_lat = np.cos(np.radians(lat))
    circle = int(360 / CELL_DEG)
    firsts = np.empty((len(lat), 2 * rows + 1), dtype=np.int64)
    lasts = np.empty_like(firsts)
    wraps = np.zeros(len(lat), dtype=bool)
    for i in range(2 * rows + 1):
        r = row - rows + i
        south, north = r * CELL_DEG, (r + 1) * CELL_DEG
        rest = budget - np.sin(np.radians(np.maximum(0.0, np.maximum(south - lat, lat - north))) / 2) ** 2
        cos_far = np.cos(np.radians(np.minimum(90.0, np.maximum(np.abs(south), np.abs(north)))))
        first, last = col - reach, col + reach
        product = cos_lat * cos_far
        narrowed = (product > 0) & (rest >= 0)
        narrowed[narrowed] &= rest[narrowed] / product[narrowed] < 1
        if narrowed.any():
            at = np.flatnonzero(narrowed)
            degrees = np.degrees(2 * np.arcsin(np.sqrt(rest[at] / product[at])))
            near, far, centre = lon[at], first[at], col[at]
            low = np.maximum(far, np.floor((near - degrees) / CELL_DEG).astype(np.int64) - 1)
            high = np.minimum(last[at], np.floor((near + degrees) / CELL_DEG).astype(np.int64) + 1)
            while (step := (low < centre) & (near - (low + 1) * CELL_DEG > degrees)).any():
                low += step
            while (step := (high > centre) & (high * CELL_DEG - near > degrees)).any():
                high -= step
            first[at], last[at] = low, high
        beyond = rest < 0  # every place of the row is farther in latitude alone
        first[beyond], last[beyond] = 1, 0
        wraps |= ~beyond & ((first < -circle // 2) | (last >= circle // 2))
        firsts[:, i], lasts[:, i] = first, last
    return row - rows, firsts, lasts, wraps


def haversine_many(lat: float, lon: float, points: np.ndarray) -> np.ndarray:
    """haversine_km from one point to each row of `points` (_Story.point_array: lat, lon, lat in radians,
    its cosine), as haversine_km computes it (but for float64 rounding: ~1e-12 km)."""
    p1 = math.radians(lat)
    dp, dl = points[:, 2] - p1, np.radians(points[:, 1] - lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * points[:, 3] * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def unit_vector(lat: float, lon: float) -> np.ndarray:
    """The place as a point of the unit sphere (x, y, z): the cosine of the angle between two places is
    the dot product of theirs, one product per place for a story's many places at once."""
    phi, lam = math.radians(lat), math.radians(lon)
    return np.array((math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)))


# How far a dot product of unit vectors may be from the cosine of its places' angle (float64 rounding of
# the coordinates' sines and cosines and of the sum: ~1e-15); a bound's margin is a thousand times that.
_DOT_MARGIN = 1e-12


@lru_cache(maxsize=64)
def dot_bounds(km: float) -> tuple[float, float] | None:
    """(within, beyond): a dot product of two places' unit vectors above `within` means they are surely
    nearer than `km` (by haversine_km or haversine_many, whose rounding is ~1e-12 km: the margin is
    ~1e-6 km at tens of km, more at smaller and larger distances), one below `beyond` surely farther;
    between the two the distance itself decides. None when `km` is not between 0 and most of a half
    circle (the cosine then does not tell distances apart)."""
    angle = km / EARTH_KM
    if not 0 < angle < 3:
        return None
    cosine = math.cos(angle)
    return cosine + _DOT_MARGIN, cosine - _DOT_MARGIN
