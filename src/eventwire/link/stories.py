"""Event coreference across articles: coded events that report one real-world event -> a story event.

Two event mentions (an Event in one ArticleRecord) may be the same story event when
  - type:   they share the CAMEO root (the first two digits) or the PLOVER type;
  - date:   their date windows overlap (a stated day is [day-1, day+1]; a range or a week is its
            span; an event dated only by the article's publication ("assumed-published") is the weak
            window [published - assumed_days, published], since articles report what already happened);
            a window longer than `max_window_days` (a month, a year) is too vague to link on;
  - place:  places do not contradict: two located places lie within `max_km` (haversine on lat/lon),
            or, when either is a whole country, share the country;
  - actors: no side has actors from disjoint countries when both name countries.
Compatibility must hold with every mention already in the story (dates and places may not drift by
chaining), and the new mention must be corroborated by at least one member: a shared named participant
(a person or organisation: same Wikidata id, else same name), a shared located place below
country level within `corroborate_km` (the same town or its suburbs), or, between events whose dates
were stated (not assumed) and whose places are both below country level, a shared actor code with a
country and a sector other than civilians (SYRMIL; a bare "SYR" or "SYRCVL" is in every report of a
war) or such an actor country together with a shared place country. Negated, conditional and intended
events are never merged: they did not happen (yet), so each stays its own story event.

Mentions are swept in date order and each joins the compatible story with the most corroborating members
(ties: the earlier story), else starts a new one; only stories whose date window is still open are kept
in the sweep. A mention is compared only with the open stories that share one of its corroboration keys
(a named participant, a grid cell of about 22 km within corroborate_km of its place, an actor code, a
participant country with the place's country), since only those can take it; members that agree on
everything the rules read (copies of one wire story) are compared once, and a story counts its vouching
members from indexes of what they share (names, points, codes), not member by member; candidates are
taken largest first, and those with fewer members than the best support found are not compared at
all (they could not win). The work then grows with the
events that could be one story, not with a day's news. On a very large day one key can still be shared
by thousands of open stories (every report of fighting in one city's grid cell): a key's list then keeps
its `max_key_stories` / 2 largest stories (the ones a further report most likely belongs to), so the
comparisons per mention stay bounded; a smaller story stays findable under its other keys.
"""
from __future__ import annotations

import contextlib
import logging
import os
import pickle
import tempfile
from array import array
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from eventwire.link.mentions import _NO_DAY, LinkSettings, MentionTable, _Mention, _mentions
from eventwire.link.buffers import array_of, release_freed_memory
from eventwire.link.sphere import cell, haversine_km, probe_cells, probe_spans, unit_vector
from eventwire.link.story_events import StoryEvent, StoryEvents, Swept, _story_events
from eventwire.link.story_match import _FEW_POINTS, _contradicts, _farther_in_latitude, _Story, _support
from eventwire.link.sweep_columns import SweepColumns, block_name
from eventwire.record import ArticleRecord

if TYPE_CHECKING:
    from eventwire.link.helper import LinkHelper

__all__ = ["StoryEvent", "StoryEvents", "link_stories", "stories_of_mentions", "haversine_km"]

log = logging.getLogger(__name__)


class _OwnKeys:
    """The corroboration keys a story is found by once the mention of a row is its member (see
    _support), each distinct key one object: a day's stories hold their keys by reference (a tuple of
    their own would be ~64 bytes a key a story), and the keys of a row's names, codes and sectors are
    made once per distinct set of them."""

    def __init__(self, cols: SweepColumns) -> None:
        self.cols = cols
        self._one: dict[tuple, tuple] = {}  # a key -> its one object
        self._names: dict[frozenset, tuple] = {}
        self._codes: dict[frozenset, tuple] = {}
        self._sectors: dict[tuple[frozenset, str], tuple] = {}

    def _made(self, values: frozenset, *head: str, tail: tuple = ()) -> tuple:
        one = self._one
        return tuple(one.setdefault(key, key) for key in ((*head, v, *tail) for v in values))

    def __call__(self, row: int) -> list[tuple]:
        cols = self.cols
        names = cols.names[row]
        if (keys := self._names.get(names)) is None:
            keys = self._names[names] = self._made(names, "name")
        keys = list(keys)
        if cols.located[row]:
            key = ("cell", *cell(cols.lat[row], cols.lon[row]))
            keys.append(self._one.setdefault(key, key))
        if cols.codes_count[row]:
            codes = cols.codes[row]
            if (found := self._codes.get(codes)) is None:
                found = self._codes[codes] = self._made(codes, "code")
            keys.extend(found)
            if place_country := cols.place_country[row]:
                sectors = (cols.sector_countries[row], place_country)
                if (found := self._sectors.get(sectors)) is None:
                    found = self._sectors[sectors] = self._made(sectors[0], "sector", tail=(place_country,))
                keys.extend(found)
        return keys





def link_stories(records: Sequence[ArticleRecord], duplicate_of: Mapping[str, str] | None = None,
                 settings: LinkSettings | None = None) -> StoryEvents:
    """Group every coded event of `records` into story events (each event in exactly one)."""
    settings = settings or LinkSettings()
    duplicate_of = duplicate_of or {}
    table = MentionTable()
    seen_docs: set[str] = set()
    for record in records:
        if record.document.id in seen_docs:
            continue
        seen_docs.add(record.document.id)
        table.extend(_mentions(record, duplicate_of.get(record.document.id), settings))
    return stories_of_mentions(table, settings)


def stories_of_mentions(items: MentionTable | list[_Mention], settings: LinkSettings | None = None,
                        duplicate_of: Mapping[str, str] | None = None, helper: LinkHelper | None = None
                        ) -> StoryEvents:
    """The story events of a day's mentions (a MentionTable, or a list of event_mentions' mentions,
    which is emptied: the table holds them from then on); a copy's mentions are marked with the
    original from `duplicate_of`. The story events are held as columns (StoryEvents, each made as it is
    read) and their mentions are rows of that table (MentionRows). With a `helper` process (helper.py)
    the event types are swept in both; the stories are the same."""
    settings = settings or LinkSettings()
    if isinstance(items, MentionTable):
        table = items
    else:
        table = MentionTable()
        table.extend(items)
        items.clear()
    if duplicate_of:
        table.mark_duplicates(duplicate_of)
    return _story_events(table, _sweep(table, settings, helper))


class _Held(list):
    """A key's open stories (some may have closed since the list was checked at era `checked`)."""

    __slots__ = ("checked",)


def _held(era: int) -> _Held:
    """A new key's list (made without a Python __init__: a day makes hundreds of thousands)."""
    found = _Held()
    found.checked = era
    return found


_PROBE_CHUNK = 4096  # mentions whose probed cells (probe_spans) are made at once (~1 KB each)


# The mention table's columns the story sweep's blocks do not read (SweepColumns reads the rest): they
# wait on disk meanwhile (MentionTable.stowed).
_NOT_SWEPT = ("doc_id", "event_id", "outlet", "published", "cameo", "date_start", "date_end", "place", "actors",
              "duplicate_of")


def _sweep(table: MentionTable, settings: LinkSettings, helper: LinkHelper | None = None) -> Swept:
    """The stories of a day's mentions, swept in order of window (none last), then publication, document
    and event. A story holds the mentions of one event type block (block_name), so each block is swept
    alone, its columns made and its stories kept as objects only while it is swept: what the sweep
    holds of a day is then its largest block's. A story's number is the place in that order of the
    mention that made it (ties between stories go to the one made first, as in one sweep of the day).
    A `helper` process sweeps the other blocks while this one sweeps the largest."""
    later = table.ranks("published", "doc_id", "event_id", blank="")
    start_days, end_days = table.column("start"), table.column("end")
    order = np.lexsort((later, end_days, start_days, start_days == _NO_DAY))
    del later
    # Each row's block, numbered; an unlinkable mention (-1) is a story of its own.
    values, distinct = table.values, len(table.values)
    pairs, pair_of = np.unique(table.column("plover").astype(np.int64) * distinct + table.column("root"),
                               return_inverse=True)
    numbers: dict[str, int] = {}
    block_of_pair = np.array([numbers.setdefault(block_name(values[p // distinct], values[p % distinct]), len(numbers))
                              for p in pairs.tolist()], dtype=np.int64)
    block = np.where(table.column("linkable"), block_of_pair[pair_of.reshape(-1)], -1)[order]
    del pairs, pair_of, block_of_pair
    grouped = np.argsort(block, kind="stable")  # places in `order`, block after block, each in order
    bounds = np.concatenate(([0], np.cumsum(np.bincount(block + 1, minlength=len(numbers) + 1))))
    del block
    alone = grouped[bounds[0]:bounds[1]]
    parts = [Swept.of_unlinkable(order[alone], alone)]
    # The sweep reads values by number alone: the index of their numbers is let go while it runs.
    country = table.known_code("country")
    country = -1 if country is None else country
    table.forget_codes()
    # The largest block first: the heap its stories leave is reused by the smaller ones, not the other way.
    blocks = sorted(range(len(numbers)), key=lambda b: (bounds[b + 1] - bounds[b + 2], b))

    def columns_of(b: int) -> tuple[SweepColumns, np.ndarray, np.ndarray]:
        made = grouped[bounds[b + 1]:bounds[b + 2]]
        rows = order[made]
        return SweepColumns(table, settings, rows, country), made, rows

    handing = helper is not None and not helper.failed and len(blocks) > 1
    with table.stowed(_NOT_SWEPT), (tempfile.TemporaryDirectory(prefix="eventwire-sweep-") if handing
                                    else contextlib.nullcontext()) as scratch:
        # With a helper process, it sweeps every block but the largest meanwhile (helper.py), each
        # handed in a file of the scratch directory.
        if handing:
            paths = []
            for b in blocks[1:]:
                paths.append(os.path.join(scratch, f"block-{b}.pickle"))
                with open(paths[-1], "wb") as file:
                    pickle.dump((*columns_of(b), settings), file, protocol=pickle.HIGHEST_PROTOCOL)
            handing = helper.sweep(paths, os.path.join(scratch, "swept.pickle"))
        for b in blocks[:1] if handing else blocks:
            parts.append(swept_block(*columns_of(b), settings))
            release_freed_memory()
        if handing:
            swept = helper.swept()
            if swept is None:  # the helper failed: its blocks are swept here
                swept = [swept_block(*columns_of(b), settings) for b in blocks[1:]]
            parts.extend(swept)
    return Swept.concatenated(parts)


def swept_block(cols: SweepColumns, made: np.ndarray, rows: np.ndarray, settings: LinkSettings) -> Swept:
    """The stories of one block (_sweep_block), as columns; `made` and `rows` as _sweep gives them."""
    return Swept.of_stories(_sweep_block(cols, settings, array_of("q", made)), rows)


def swept_blocks(paths: list[str]) -> list[Swept]:
    """swept_block of each block pickled (its arguments) in the files `paths`, one at a time, each file
    removed once read: a helper process's part of _sweep."""
    parts = []
    for path in paths:
        with open(path, "rb") as file:
            block = pickle.load(file)
        os.remove(path)
        parts.append(swept_block(*block))
        del block
        release_freed_memory()
    return parts


def _sweep_block(cols: SweepColumns, settings: LinkSettings, made: Sequence[int]) -> list[_Story]:
    """The stories of one block's linkable mentions, the rows of `cols` in sweep order; `made`: each
    row's place in the day's order (a story's number; an array, not a list of millions of int
    objects)."""
    stories: list[_Story] = []
    # corroboration key -> the stories with a member of that key (closed ones dropped when met); the
    # grid cells apart, as row -> column -> stories, so a mention probes only the rows that hold stories.
    # The cells each place probes are made for _PROBE_CHUNK mentions at a time (_probes).
    keyed: dict[tuple, _Held] = {}
    cells: dict[int, dict[int, _Held]] = {}
    era, era_start = 0, None
    keys_of = _OwnKeys(cols)
    chunk, probes = 0, []
    # The cell lists the last located mention probed, its probe and how many cell lists there were then.
    cells_made, probed, probed_probe, probed_made = 0, [], None, -1
    for item in range(len(made)):
        start, end = cols.start[item], cols.end[item]
        if start != era_start:
            era, era_start = era + 1, start
        candidates: dict[int, _Story] = {}

        def meet(found: _Held) -> None:
            # Stories whose common window closed before this mention's start can never take it again
            # (mentions come in start order). Checked once an era: no story of a list checked since the
            # start last changed can have closed (a story's end only moves to a later mention's end).
            if found.checked != era:
                found[:] = [s for s in found if s.end >= start]
                found.checked = era
            for story in found:
                candidates[story.order] = story

        own_keys = keys_of(item)
        for key in own_keys:
            if key[0] != "cell" and (found := keyed.get(key)):
                meet(found)
        located = cols.located[item]
        if located and cells:
            if item - chunk >= len(probes):
                chunk, probes = item, _probes(cols, item, settings)
            probe = probes[item - chunk]
            if probe is not probed_probe or cells_made != probed_made:
                # The lists of the cells this place probes, empty ones too (a story may join one before
                # the next mention at this place probes it): the same for the next mention at the same
                # place (an article's events often are; _probes gives them one probe) until a cell
                # gains its first list.
                probed, probed_probe, probed_made = _probed_lists(cells, probe), probe, cells_made
            for found in probed:
                if found:
                    meet(found)
        # The compatible story with the most corroborating members (ties: the earlier story). A story
        # can have no more support than members: taken largest first, the rest are left out as soon
        # as they could not beat the best found.
        best, best_support, unit = None, 0, None
        for story in sorted(candidates.values(), key=lambda s: (-len(s.members), s.order)):
            size = len(story.members)
            if size < best_support or (size == best_support and story.order > best.order):
                break  # the rest are smaller, or as large and later: none could win
            if story.start > end:
                continue
            distances: dict[tuple[float, float], float] = {}
            dots = None
            if located and story.points and len(story.points) > _FEW_POINTS:
                if _farther_in_latitude(cols.lat[item], story, settings):
                    continue  # it contradicts the story: measured no further
                if unit is None:
                    unit = unit_vector(cols.lat[item], cols.lon[item])
                dots = story.unit_array() @ unit
            # Contradiction first: it reads the story's aggregates, and rules out most large stories met.
            if _contradicts(item, story, cols, settings, distances, dots):
                continue
            support = _support(item, story, cols, settings, distances, dots)
            if support and (support > best_support or (support == best_support and story.order < best.order)):
                best, best_support = story, support
        if best is None:
            best = _Story(array("i"), start, end, order=made[item])
            stories.append(best)
        else:
            best.start, best.end = max(best.start, start), min(best.end, end)
        best.add(item, cols)
        for key in own_keys:
            if best.index_under(key):
                if key[0] == "cell":
                    row = cells.setdefault(key[1], {})
                    if (found := row.get(key[2])) is None:
                        found = row[key[2]] = _held(era)
                        cells_made += 1
                else:
                    found = keyed.get(key) or keyed.setdefault(key, _held(era))
                found.append(best)
                if len(found) > settings.max_key_stories:
                    _keep_largest(found, settings.max_key_stories // 2, key)
        if end < start:
            era += 1  # a window reversed in its data closes its story at once: every list is checked again
    return stories


def _probed_lists(cells: dict[int, dict[int, _Held]], probe: tuple | list) -> list[_Held]:
    """The story lists of the cells that `probe` (one of _probes') covers, as `cells` holds them now."""
    lists = []
    if probe.__class__ is list:  # past the antimeridian: probe_cells' (row, columns)
        for r, columns in probe:
            if row := cells.get(r):
                lists.extend(found for c, found in row.items() if c in columns)
        return lists
    r, firsts, lasts = probe
    for first, last in zip(firsts, lasts):
        if first <= last and (row := cells.get(r)):
            if len(row) <= last - first:  # fewer columns hold stories than are probed
                lists.extend(found for c, found in row.items() if first <= c <= last)
            else:
                for c in range(first, last + 1):
                    if (found := row.get(c)) is not None:
                        lists.append(found)
        r += 1
    return lists


def _probes(cols: SweepColumns, begin: int, settings: LinkSettings) -> list:
    """The cells each located mention of rows `begin` to `begin` + _PROBE_CHUNK probes (probe_spans: its
    first row probed and each row's first and last column; probe_cells' list past the antimeridian);
    None for the others. Mentions placed at one point share one probe (one object), made once."""
    end = min(begin + _PROBE_CHUNK, len(cols.start))
    out: list = [None] * (end - begin)
    at = [i for i in range(begin, end) if cols.located[i]]
    if not at:
        return out
    lat, lon = cols.lat, cols.lon
    number: dict[tuple[float, float], int] = {}  # a point -> its place among the chunk's distinct points
    of_point = [number.setdefault((lat[i], lon[i]), len(number)) for i in at]
    points = np.array(list(number), dtype=np.float64)
    first_row, firsts, lasts, wraps = probe_spans(points[:, 0], points[:, 1], settings)
    probes = [probe_cells(p_lat, p_lon, settings) if wrap else (r, low, high) for (p_lat, p_lon), r, low, high, wrap
              in zip(number, first_row.tolist(), firsts.tolist(), lasts.tolist(), wraps.tolist())]
    for i, k in zip(at, of_point):
        out[i - begin] = probes[k]
    return out


def _keep_largest(found: list[_Story], keep: int, key: tuple) -> None:
    """Shrink a key's story list to its `keep` stories with the most members (ties: the later
    created), in their order; the others no longer hold the key."""
    kept = {id(s) for s in sorted(found, key=lambda s: (len(s.members), s.order), reverse=True)[:keep]}
    for story in found:
        if id(story) not in kept:
            story.leave_key(key)
    found[:] = [s for s in found if id(s) in kept]
