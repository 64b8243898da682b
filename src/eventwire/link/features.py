"""What linking keeps of one article, computed once and storable: its shingle hashes and MinHash
values (near_duplicates.py), its word counts and blocking day (articles.py) and its events' linking
facts (mentions.py).

The event mentions' evidence (the sentence, its offsets and section) is only ever written out, with
the story mentions, never compared: it is stored in a column of its own (`evidence`, a JSON object
event id -> [text, start, end, section, caption_index]) that the comparisons do not read, so the
features held while a day is compared are the linking facts alone (a mention read back has
`evidence` None) and link/write.py joins the evidence back in chunks when it writes
`story_mentions`.

Reading a record and hashing its text is most of the cost of linking it; the comparisons that follow
read only these features. A store keeps them (link/database.py, table `link_features`), so a later
`link` computes them for new articles alone. `to_row` / `from_row` are their stored form: arrays as
little-endian bytes, the event facts as JSON; `from_row(to_row(f))` equals `f`.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import numpy as np

from eventwire.link.articles import ArticleTerms, article_terms
from eventwire.link.near_duplicates import DuplicateIndex, _article_text
from eventwire.link.mentions import LinkSettings, MentionTable, StoryMention, _Mention, event_mentions
from eventwire.record import ArticleRecord, Evidence

__all__ = ["ArticleFeatures", "article_features", "settings_key", "FEATURES_VERSION", "FEATURE_COLUMNS",
           "COMPARED_COLUMNS", "evidence_of", "shingles_of_row", "terms_of_row"]

# Bumped whenever what a feature holds or how it is computed changes: stored features of another
# version are recomputed.
FEATURES_VERSION = "2"  # 2: the evidence in a column of its own
FEATURE_COLUMNS = ("doc_id", "stamp", "published", "shingles", "minhash", "terms", "counts", "day",
                   "by_events", "mentions", "evidence")
COMPARED_COLUMNS = FEATURE_COLUMNS[:-1]  # what linking reads back to compare: all but the evidence

_SIGNATURES = DuplicateIndex()  # only its settings and permutations: the defaults link_records uses


@dataclass(frozen=True, eq=False, slots=True)
class ArticleFeatures:
    doc_id: str
    published: str | None
    shingles: np.ndarray | None  # uint32, sorted distinct shingle hashes; None when not read (from_row)
    minhash: np.ndarray | None  # uint64 MinHash values; None for a text too short to be called a copy
    terms: ArticleTerms
    mentions: Sequence[_Mention]  # a tuple, or StoredMentions as read back from a store

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ArticleFeatures):
            return NotImplemented
        same_minhash = (self.minhash is None and other.minhash is None) or (
            self.minhash is not None and other.minhash is not None and np.array_equal(self.minhash, other.minhash))
        t, u = self.terms, other.terms
        return (self.doc_id == other.doc_id and self.published == other.published and same_minhash
                and np.array_equal(self.shingles, other.shingles) and (t.doc_id, t.day, t.by_events) == (
                    u.doc_id, u.day, u.by_events) and np.array_equal(t.terms, u.terms)
                and np.array_equal(t.counts, u.counts) and self.mentions == other.mentions)


def article_features(record: ArticleRecord, settings: LinkSettings | None = None) -> ArticleFeatures:
    settings = settings or LinkSettings()
    doc = record.document
    shingles, minhash = _SIGNATURES.signature(_article_text(record))  # what near_duplicates compares
    return ArticleFeatures(doc.id, doc.published, shingles, minhash, article_terms(record, settings),
                           tuple(event_mentions(record, settings)))


def settings_key(settings: LinkSettings | None = None) -> str:
    """What stored features depend on: their version and the story settings they were computed with."""
    return f"{FEATURES_VERSION}:{settings or LinkSettings()!r}"


# ------------------------------------------------------------------ stored form
_STORY_MENTION_FIELDS = tuple(f.name for f in fields(StoryMention) if f.name not in ("evidence", "actors"))


def _mention_json(m: _Mention) -> list:
    sm = m.mention
    return [[getattr(sm, name) for name in _STORY_MENTION_FIELDS], list(sm.actors),
            m.root, [m.window[0].isoformat(), m.window[1].isoformat()] if m.window else None,
            m.place_kind, m.place_country, sorted(m.codes), sorted(m.countries), sorted(m.sector_countries),
            sorted(m.names), m.linkable]


def _sharing(sets: dict):
    def _shared(value: Any) -> Any:
        """One object per distinct value (JSON decoding makes a new one each time): codes, types, days
        and outlets repeat across mentions and articles, and a day of features is held in memory."""
        if isinstance(value, str):
            return sys.intern(value)
        if isinstance(value, float):  # a place's coordinates, in every mention placed there
            return sets.setdefault(value, value)
        if isinstance(value, list):
            key = tuple(value)
            found = sets.get(key)
            if found is None:
                found = sets[key] = frozenset(sys.intern(v) for v in value)
            return found
        return value
    return _shared


def _evidence_json(mentions: tuple[_Mention, ...]) -> str:
    by_event = {}
    for m in mentions:
        ev = m.mention.evidence
        by_event[m.mention.event_id] = None if ev is None else [ev.text, ev.start, ev.end, ev.section, ev.caption_index]
    return json.dumps(by_event, ensure_ascii=False, separators=(",", ":"))


def evidence_of(column: str | None) -> dict[str, Evidence | None]:
    """Event id -> Evidence of a stored `evidence` column."""
    return {event_id: None if ev is None else Evidence(ev[0], ev[1], ev[2], ev[3], ev[4])
            for event_id, ev in json.loads(column or "{}").items()}


def evidence_fields(column: str | None) -> dict[str, list | None]:
    """Event id -> its evidence's [text, start, end, section, caption_index] (None: none) of a stored
    `evidence` column: evidence_of's values without an object made per event (link/write.py turns them
    into columns)."""
    return json.loads(column or "{}")


def _shared_tuple(key: tuple, sets: dict) -> tuple:
    """One tuple per distinct actor list (key (1, *codes)) or date window (key (0, start, end)), kept in
    the `sets` of _sharing: windows and actor lists repeat across the mentions of a day."""
    found = sets.get(key)
    if found is None:
        if key[0] == 0:
            found = tuple(sets.setdefault((2, d), date.fromisoformat(d)) for d in key[1:])
        else:
            found = tuple(sys.intern(a) for a in key[1:])
        sets[key] = found
    return found


def _mention_of(data: list, _shared, sets: dict, evidence: dict[str, Evidence | None] | None) -> _Mention:
    values, actors, root, window, kind, country, codes, countries, sector_countries, names, linkable = data
    fields_ = {name: _shared(v) for name, v in zip(_STORY_MENTION_FIELDS, values)}
    mention = StoryMention(**fields_, actors=_shared_tuple((1, *actors), sets),
                           evidence=None if evidence is None else evidence.get(fields_["event_id"]))
    return _Mention(mention, _shared(root), _shared_tuple((0, *window), sets) if window else None,
                    _shared(kind), _shared(country), _shared(codes), _shared(countries), _shared(sector_countries),
                    _shared(names), linkable)


class StoredMentions(Sequence):
    """An article's mentions as stored (the `mentions` column's JSON), decoded when read: linking adds
    them to the day's MentionTable straight from the JSON (`into`), with no object per mention."""

    __slots__ = ("text", "sets")

    def __init__(self, text: str, sets: dict) -> None:
        self.text, self.sets = text, sets

    def _decoded(self) -> tuple[_Mention, ...]:
        return tuple(_mention_of(m, _sharing(self.sets), self.sets, None) for m in json.loads(self.text))

    def __len__(self) -> int:
        return len(json.loads(self.text))

    def __getitem__(self, index):
        return self._decoded()[index]

    def __iter__(self) -> Iterator[_Mention]:
        return iter(self._decoded())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (StoredMentions, tuple, list)):
            return self._decoded() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)

    def into(self, table: MentionTable) -> None:
        """Add the mentions to `table` as rows."""
        add = table.add_listed
        for values, *rest in json.loads(self.text):
            add(*values, *rest)


def to_row(f: ArticleFeatures, stamp: str | None) -> tuple:
    """The `link_features` row of `f` (FEATURE_COLUMNS); `stamp` tells which stored version of the
    document it was computed from (link/database.py)."""
    t = f.terms
    return (f.doc_id, stamp, f.published, f.shingles.astype("<u4").tobytes(),
            None if f.minhash is None else f.minhash.astype("<u8").tobytes(), t.terms.astype("<u4").tobytes(),
            t.counts.astype("<u4").tobytes(), t.day.isoformat() if t.day else None, t.by_events,
            json.dumps([_mention_json(m) for m in f.mentions], ensure_ascii=False, separators=(",", ":")),
            _evidence_json(f.mentions))


def shingles_of_row(column: bytes) -> np.ndarray:
    """The shingle hashes of a stored `shingles` column."""
    return np.frombuffer(bytes(column), dtype="<u4").astype(np.uint32)


def terms_of_row(doc_id: str, terms: bytes | None, counts: bytes | None, day: str | None,
                 by_events: bool) -> ArticleTerms:
    """The ArticleTerms of a document's stored `terms`, `counts`, `day` and `by_events` columns (word
    counts None when `terms` and `counts` were not read)."""
    return ArticleTerms(doc_id, date.fromisoformat(day) if day else None, bool(by_events),
                        None if terms is None else np.frombuffer(bytes(terms), dtype="<u4").astype(np.uint32),
                        None if counts is None else np.frombuffer(bytes(counts), dtype="<u4").astype(np.uint32))


def from_row(row: tuple | list[Any], shared_sets: dict | None = None, stored: bool = False) -> ArticleFeatures:
    """The ArticleFeatures of a `link_features` row (the stamp is not kept): of FEATURE_COLUMNS, or of
    COMPARED_COLUMNS, as linking reads them, whose mentions then have `evidence` None; a `shingles`
    column read as NULL gives `shingles` None, `terms` and `counts` read as NULL give word counts
    (`terms.terms`, `terms.counts`) None (link/database.py reads them apart). Rows read with
    one `shared_sets` dict share their equal strings, sets of codes and names, coordinates, date
    windows and actor lists. `stored`: the mentions of a row of COMPARED_COLUMNS are kept as stored
    (StoredMentions, decoded when read) for linking to read straight into its columns."""
    sets = {} if shared_sets is None else shared_sets
    shared = _sharing(sets)
    doc_id, _, published, shingles, minhash, terms, counts, day, by_events, mentions = row[:len(COMPARED_COLUMNS)]
    evidence = evidence_of(row[len(COMPARED_COLUMNS)]) if len(row) > len(COMPARED_COLUMNS) else None
    return ArticleFeatures(
        doc_id, published, None if shingles is None else shingles_of_row(shingles),
        None if minhash is None else np.frombuffer(bytes(minhash), dtype="<u8").astype(np.uint64),
        terms_of_row(doc_id, terms, counts, day, by_events),
        tuple(_mention_of(m, shared, sets, evidence) for m in json.loads(mentions)) if evidence is not None or not stored
        else StoredMentions(mentions, sets))
