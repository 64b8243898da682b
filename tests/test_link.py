"""Linking across articles on hand-built records: wire reprints, story events, article clusters."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from eventwire.link import link_records
from eventwire.link.load import record_from_json
from eventwire.link.near_duplicates import duplicate_of, near_duplicates
from eventwire.link.stories import haversine_km, link_stories
from eventwire.record import Actor, ArticleRecord, Document, Event, Evidence, Mention, Place, to_json

ALEPPO = (36.2021, 37.1343)
AZAZ = (36.5866, 37.0463)  # about 45 km north of Aleppo
DAMASCUS = (33.5138, 36.2765)

WIRE = (
    "A car bomb exploded near a busy market in the northern city on Tuesday morning, killing at least "
    "twelve people and wounding dozens more, according to a local monitoring group and hospital staff. "
    "Witnesses said the blast shattered windows across the neighbourhood and set several shops on fire. "
    "No group immediately claimed responsibility for the attack, the deadliest in the city this year. "
    "Rescue workers were still searching the rubble for survivors late in the afternoon, officials said."
)


def _ev(text: str = "Something happened.") -> Evidence:
    return Evidence(text=text, start=0, end=len(text), section="body")


def _doc(doc_id: str, outlet: str | None, published: str | None, text: str = "", title: str = "A report",
         url: str | None = None) -> Document:
    return Document(id=doc_id, source=f"{doc_id}.txt", input_kind="text", title=title,
                    text=text or f"Body of {doc_id}.", url=url, outlet=outlet, published=published)


def _actor(actor_id: str, code: str, country: str | None, name: str, kind: str = "state") -> Actor:
    mention = Mention(text=name, start=0, end=len(name), section="body", sentence=0)
    return Actor(id=actor_id, name=name, code=code, country=country, sector=None, kind=kind, mentions=(mention,),
                 evidence=_ev(name), resolved_by="test")


def _place(place_id: str, name: str, lat_lon: tuple[float, float] | None, country: str = "SYR",
           kind: str = "city") -> Place:
    lat, lon = lat_lon if lat_lon else (None, None)
    mention = Mention(text=name, start=0, end=len(name), section="body", sentence=0)
    return Place(id=place_id, name=name, kind=kind, country=country, lat=lat, lon=lon, mentions=(mention,),
                 evidence=_ev(name), resolved_by="test")


def _event(cameo: str, plover: str, *, day: str | None, place: str | None = "place1",
           source: tuple[str, ...] = ("actor1",), target: tuple[str, ...] = (),
           modality: tuple[str, ...] = ("asserted",), event_id: str = "event1") -> Event:
    date = ({"value": day, "start": None, "end": None, "grain": "day", "anchor": "expression"} if day
            else {"value": None, "start": None, "end": None, "grain": None, "anchor": "assumed-published"})
    return Event(id=event_id, cameo=cameo, source=source, target=target, date=date, modality=modality,
                 evidence=_ev(f"{cameo} on {day}"), rule="test", plover=plover, place=place)


def _bombing(doc_id: str, outlet: str | None, published: str, *, day: str | None = "2016-07-05",
             where: tuple[str, tuple[float, float] | None] = ("Aleppo", ALEPPO), cameo: str = "183",
             plover: str = "ASSAULT", modality: tuple[str, ...] = ("asserted",),
             group: str = "Islamic State") -> ArticleRecord:
    """An article reporting a bombing by a named group, with its place and date."""
    actors = (_actor("actor1", "IMGREB", None, group, kind="organisation"),
              _actor("actor2", "SYRCVL", "SYR", "civilians", kind="group"))
    places = (_place("place1", where[0], where[1]),)
    event = _event(cameo, plover, day=day, source=("actor1",), target=("actor2",), modality=modality)
    return ArticleRecord(document=_doc(doc_id, outlet, published), actors=actors, places=places, events=(event,))


def _multi_article_stories(records):
    return [s for s in link_stories(records) if s.num_articles > 1]


# ---------------------------------------------------------------------------- near-duplicates
def test_wire_reprint_is_a_near_duplicate_of_the_earlier_copy():
    original = ArticleRecord(document=_doc("ap", "AP", "2016-07-05T08:00:00", WIRE, title="Car bomb kills 12"))
    reprint = ArticleRecord(document=_doc(
        "local", "Local Herald", "2016-07-05T11:30:00",
        WIRE + "\n\nThe city council announced three days of mourning.", title="Car bomb kills 12 in city"))
    other = ArticleRecord(document=_doc(
        "other", "AP", "2016-07-05T09:00:00",
        "Parliament approved the budget on Tuesday after a long debate over spending on schools, roads and "
        "hospitals, with the opposition voting against it and promising to challenge the plan in court soon.",
        title="Budget passes"))
    pairs = near_duplicates([reprint, other, original])
    assert [(p.doc_id, p.duplicate_of) for p in pairs] == [("local", "ap")]
    assert pairs[0].containment > 0.9
    assert duplicate_of(pairs, [reprint, other, original]) == {"local": "ap"}


def test_rewritten_story_and_short_texts_are_not_near_duplicates():
    a = ArticleRecord(document=_doc("a", "AP", "2016-07-05", WIRE))
    rewritten = ArticleRecord(document=_doc(
        "b", "BBC", "2016-07-05",
        "At least twelve people died when a car bomb went off beside a crowded market on Tuesday. Dozens "
        "were hurt. Nobody has said they carried out the bombing, which shop owners said destroyed stores."))
    short1 = ArticleRecord(document=_doc("c", "X", "2016-07-05", "Bomb kills 12.", title="Bomb"))
    short2 = ArticleRecord(document=_doc("d", "Y", "2016-07-05", "Bomb kills 12.", title="Bomb"))
    assert near_duplicates([a, rewritten, short1, short2]) == []


# ---------------------------------------------------------------------------- story events
def test_same_event_across_outlets_is_one_story_event():
    records = [
        _bombing("d1", "Reuters", "2016-07-05T10:00:00"),
        _bombing("d2", "AFP", "2016-07-05T12:00:00", where=("Azaz", AZAZ), cameo="190"),
        _bombing("d3", "Al Jazeera", "2016-07-06T07:00:00", day="2016-07-05"),
    ]
    stories = link_stories(records)
    assert len(stories) == 1
    story = stories[0]
    assert story.num_articles == 3 and story.num_sources == 3 and story.num_mentions == 3
    assert story.plover == "ASSAULT" and story.cameo_root == "18"
    assert {(m.doc_id, m.event_id) for m in story.mentions} == {("d1", "event1"), ("d2", "event1"), ("d3", "event1")}
    assert all(m.evidence.text for m in story.mentions)


def test_different_dates_places_or_types_are_not_linked():
    base = _bombing("d1", "Reuters", "2016-07-05T10:00:00")
    later = _bombing("d2", "AFP", "2016-07-20T10:00:00", day="2016-07-20")
    elsewhere = _bombing("d3", "AFP", "2016-07-05T10:00:00", where=("Damascus", DAMASCUS))
    meeting = _bombing("d4", "AFP", "2016-07-05T10:00:00", cameo="042", plover="CONSULT")
    assert haversine_km(*ALEPPO, *DAMASCUS) > 250
    for other in (later, elsewhere, meeting):
        assert _multi_article_stories([base, other]) == [], other.document.id


def test_negated_events_are_never_merged():
    records = [_bombing("d1", "Reuters", "2016-07-05T10:00:00"),
               _bombing("d2", "AFP", "2016-07-05T10:00:00", modality=("negated",))]
    assert _multi_article_stories(records) == []


def test_assumed_publication_dates_link_only_close_days():
    same_day = [_bombing("d1", "Reuters", "2016-07-05T10:00:00", day=None),
                _bombing("d2", "AFP", "2016-07-05T18:00:00", day=None)]
    assert len(_multi_article_stories(same_day)) == 1
    far = [_bombing("d1", "Reuters", "2016-07-05T10:00:00", day=None),
           _bombing("d2", "AFP", "2016-07-12T10:00:00", day=None)]
    assert _multi_article_stories(far) == []


def test_uncorroborated_events_stay_apart():
    # Same type, publication day and country, civilians of the same country as targets, but no shared
    # named participant and no located place: in a war's news nothing here vouches for one event.
    def bare(doc_id: str, outlet: str, group: str) -> ArticleRecord:
        record = _bombing(doc_id, outlet, "2016-07-05T10:00:00", day=None, group=group)
        return ArticleRecord(document=record.document, actors=record.actors, events=record.events,
                             places=(_place("place1", "Syria", (35.0, 38.5), kind="country"),))

    assert _multi_article_stories([bare("d1", "Reuters", "Islamic State"), bare("d2", "AFP", "Nusra Front")]) == []
    assert len(_multi_article_stories([bare("d1", "Reuters", "Islamic State"),
                                       bare("d2", "AFP", "Islamic State")])) == 1


def test_nearby_towns_or_a_shared_code_in_one_country_do_not_vouch_alone():
    # Different groups strike Aleppo and Azaz (45 km apart) on the same day: compatible, not corroborated.
    aleppo = _bombing("d1", "Reuters", "2016-07-05T10:00:00", group="Islamic State")
    azaz = _bombing("d2", "AFP", "2016-07-05T10:00:00", where=("Azaz", AZAZ), group="Nusra Front")
    assert _multi_article_stories([aleppo, azaz]) == []
    # Two stated same-day attacks by "the army" (SYRMIL), one placed only in Syria: a war's daily news.
    def army(doc_id: str, where: tuple[str, tuple[float, float]], kind: str) -> ArticleRecord:
        actors = (replace(_actor("actor1", "SYRMIL", "SYR", "army", kind="group"), sector="MIL"),)
        place = _place("place1", where[0], where[1], kind=kind)
        event = _event("190", "ASSAULT", day="2016-07-05", source=("actor1",))
        return ArticleRecord(document=_doc(doc_id, "AFP", "2016-07-06T08:00:00"), actors=actors, places=(place,),
                             events=(event,))

    assert _multi_article_stories([army("d3", ("Aleppo", ALEPPO), "city"),
                                   army("d4", ("Syria", (35.0, 38.5)), "country")]) == []
    assert len(_multi_article_stories([army("d3", ("Aleppo", ALEPPO), "city"),
                                       army("d4", ("Azaz", AZAZ), "city")])) == 1


def test_num_sources_counts_distinct_outlets_and_first_last_seen():
    no_outlet = _bombing("d3", None, "2016-07-06T08:00:00")
    records = [
        _bombing("d1", "Reuters", "2016-07-05T10:00:00"),
        _bombing("d2", " reuters ", "2016-07-05T16:00:00"),  # same outlet, written differently
        # No outlet name: the URL's host stands for it.
        ArticleRecord(document=_doc("d3", None, "2016-07-06T08:00:00", url="https://www.example.org/news/1"),
                      actors=no_outlet.actors, places=no_outlet.places, events=no_outlet.events),
    ]
    (story,) = link_stories(records)
    assert story.num_articles == 3
    assert story.num_sources == 2  # reuters and example.org
    assert story.first_seen == "2016-07-05T10:00:00"
    assert story.last_seen == "2016-07-06T08:00:00"
    assert {m.outlet for m in story.mentions} == {"reuters", "example.org"}


def test_a_month_or_year_is_too_vague_to_link():
    records = [_bombing("d1", "Reuters", "2016-07-05", day="2016"), _bombing("d2", "AFP", "2016-07-05", day="2016")]
    assert _multi_article_stories(records) == []


# ---------------------------------------------------------------------------- all together
def test_link_records_marks_reprints_and_clusters_articles():
    facts = _bombing("x", "AP", "2016-07-05")
    original = ArticleRecord(document=_doc("ap", "AP", "2016-07-05T08:00:00", WIRE),
                             actors=facts.actors, places=facts.places, events=facts.events)
    reprint = ArticleRecord(document=_doc("local", "Herald", "2016-07-05T11:00:00", WIRE + " More."),
                            actors=facts.actors, places=facts.places, events=facts.events)
    unrelated = ArticleRecord(document=_doc("budget", "AP", "2016-07-05T09:00:00",
                                            "Parliament approved the national budget after a long debate."))
    links = link_records([original, reprint, unrelated])
    assert links.duplicate_of == {"local": "ap"}
    (story,) = [s for s in links.stories if s.num_articles > 1]
    assert {m.duplicate_of for m in story.mentions} == {None, "ap"}
    assert links.article_cluster["local"] == links.article_cluster["ap"]
    assert links.article_cluster["budget"] != links.article_cluster["ap"]


def test_record_json_round_trip():
    record = _bombing("d1", "Reuters", "2016-07-05T10:00:00")
    assert record_from_json(to_json(record)) == record


def test_store_link_writes_story_tables(empty_db):
    from eventwire.store.duckdb import open_store

    records = [_bombing("d1", "Reuters", "2016-07-05T10:00:00"), _bombing("d2", "AFP", "2016-07-05T12:00:00"),
               _bombing("d3", "AFP", "2016-07-20T12:00:00", day="2016-07-20")]
    with open_store(empty_db) as store:
        assert store.story_events() == []  # not linked yet
        for record in records:
            store.write(record)
        store.link()
        top = store.story_events(min_articles=2)
        assert len(top) == 1 and top[0]["num_articles"] == 2 and top[0]["num_sources"] == 2
        mentions = store.story_mentions(top[0]["story_id"])
        assert {m["doc_id"] for m in mentions} == {"d1", "d2"} and all(m["evidence_text"] for m in mentions)
        store.link()  # recomputing replaces, never duplicates
        assert len(store.story_events(min_articles=1)) == 2


# ---------------------------------------------------------------------------- undated articles
REWRITE = (
    "A car bomb exploded beside a crowded market in the northern city, killing twelve people and wounding "
    "dozens, a local monitoring group said. Witnesses said the blast shattered windows and set shops on fire. "
    "Hospital staff said rescue workers searched the rubble for survivors into the afternoon."
)
BUDGET = "Parliament approved the national budget after a long debate over taxes and pensions."


def _two_events(record: ArticleRecord, day: str) -> ArticleRecord:
    """The bombing and a second event of the same day (the group's threat against the civilians)."""
    threat = _event("138", "THREATEN", day=day, source=("actor1",), target=("actor2",), event_id="event2")
    return replace(record, events=(*record.events, threat))


def _undated(doc_id: str, event_day: str) -> ArticleRecord:
    record = _two_events(_bombing(doc_id, "Herald", None, day=event_day), event_day)
    return replace(record, document=_doc(doc_id, "Herald", None, REWRITE, title="Car bomb kills twelve at market"))


def test_undated_article_is_compared_on_its_events_own_dates():
    dated = _two_events(_bombing("dated", "AP", "2016-07-05T08:00:00", day="2016-07-05"), "2016-07-05")
    dated = replace(dated, document=_doc("dated", "AP", "2016-07-05T08:00:00", WIRE, title="Car bomb kills twelve"))
    other = ArticleRecord(document=_doc("budget", "AP", "2016-07-05T09:00:00", BUDGET))
    # The same undated rewrite: its events stated a day before the dated report, then years before it.
    near = link_records([dated, _undated("undated", "2016-07-04"), other])
    assert not near.duplicate_of  # a rewrite, not a reprint: only the dates can place it
    assert near.article_cluster["undated"] == near.article_cluster["dated"] != near.article_cluster["budget"]
    (link,) = near.article_links
    assert (link.doc_a, link.doc_b, link.days_apart) == ("dated", "undated", 1)
    far = link_records([dated, _undated("undated", "2012-03-14"), other])
    assert far.article_cluster["undated"] != far.article_cluster["dated"] and not far.article_links
    # One shared story event is not enough for a guessed day (it may be an earlier event recalled), nor
    # are two guessed days.
    one_event = replace(_undated("undated", "2016-07-04"), events=_undated("u", "2016-07-04").events[:1])
    assert not link_records([dated, one_event, other]).article_links
    assert not link_records([_undated("undated", "2016-07-04"),
                             replace(_undated("undated2", "2016-07-04"),
                                     document=_doc("undated2", "Gazette", None, WIRE, title="Car bomb"))]).article_links


def test_event_dates_place_only_undated_articles_and_only_by_stated_days():
    from eventwire.link.articles import blocking_day

    assert str(blocking_day(_undated("u", "2016-07-04"))) == "2016-07-04"
    dated = _bombing("d", "AP", "2016-07-05T08:00:00", day="2012-03-14")
    assert str(blocking_day(dated)) == "2016-07-05"  # a dated article keeps its publication day
    assert blocking_day(_bombing("a", "AP", None, day=None)) is None  # dated only by the missing publication
    assert blocking_day(_bombing("v", "AP", None, day="2016")) is None  # a year is too vague
    assert blocking_day(_bombing("n", "AP", None, day="2016-07-05", modality=("negated",))) is None



def stored_links(records, **settings):
    """link_records(records) as a store's `link` returns them: the links are the same, but the mentions
    compared were read back without their evidence (it is joined in when story_mentions is written)."""
    links = link_records(records, **settings)
    stories = tuple(replace(s, mentions=tuple(replace(m, evidence=None) for m in s.mentions)) for s in links.stories)
    return replace(links, stories=stories)

def test_linking_a_store_streams_its_records_and_writes_every_link_table(empty_db):
    from eventwire.link.database import stored_features
    from eventwire.link.features import article_features
    from eventwire.store.duckdb import open_store

    facts = _bombing("x", "AP", "2016-07-05")
    original = ArticleRecord(document=_doc("ap", "AP", "2016-07-05T08:00:00", WIRE),
                             actors=facts.actors, places=facts.places, events=facts.events)
    reprint = ArticleRecord(document=_doc("local", "Herald", "2016-07-05T11:00:00", WIRE + " More."),
                            actors=facts.actors, places=facts.places, events=facts.events)
    unrelated = ArticleRecord(document=_doc("budget", "AP", "2016-07-05T09:00:00", BUDGET))
    with open_store(empty_db) as store:  # on each backend: DuckDB pages by row id, PostgreSQL by doc id
        for record in (original, reprint, unrelated):
            store.write(record)
        links = store.link()
        assert links == stored_links([original, reprint, unrelated])
        # Two rows a page: the reader pages through the stored features, which are each article's own.
        streamed = {f.doc_id: f for f in stored_features(store.con, batch=2)}
        assert sorted(streamed) == ["ap", "budget", "local"]
        # What is compared only: the mentions' evidence stays in the store (see the story mentions below).
        expected = article_features(original)
        assert streamed["ap"] == replace(expected, mentions=tuple(
            replace(m, mention=replace(m.mention, evidence=None)) for m in expected.mentions))
        con = store.con
        assert con.execute("SELECT doc_id, duplicate_of FROM duplicate_of").fetchall() == [("local", "ap")]
        assert dict(con.execute("SELECT * FROM article_clusters").fetchall()) == links.article_cluster
        (story,) = con.execute("SELECT story_id, num_articles FROM story_events WHERE num_articles > 1").fetchall()
        assert sorted(con.execute("SELECT doc_id, duplicate_of FROM story_mentions WHERE story_id = ?",
                                  [story[0]]).fetchall()) == [("ap", None), ("local", "ap")]


def test_story_events_are_held_as_columns_and_read_as_a_sequence():
    # Three reports of one bombing, one of a protest elsewhere, one negated (its own story): the story
    # events come back as columns (StoryEvents), each StoryEvent made as it is read, the same whichever
    # way it is read (iterated, indexed, sliced), and the articles of each read from the columns alone.
    from eventwire.link.articles import multi_article_stories
    from eventwire.link.stories import StoryEvents

    records = [
        _bombing("d1", "Reuters", "2016-07-05T10:00:00"),
        _bombing("d2", "AFP", "2016-07-05T12:00:00"),
        _bombing("d3", "Al Jazeera", "2016-07-06T07:00:00", day="2016-07-05"),
        _bombing("d4", "SANA", "2016-07-05T09:00:00", where=("Damascus", (33.51, 36.29)), cameo="141",
                 plover="PROTEST"),
        _bombing("d5", "BBC", "2016-07-05T11:00:00", modality=("negated",)),
    ]
    stories = link_stories(records)
    assert isinstance(stories, StoryEvents) and len(stories) == 3
    events = list(stories)
    assert [s.id for s in events] == ["story-1", "story-2", "story-3"]
    assert [stories[i] for i in range(3)] == events and stories[-1] == events[-1] and stories[1:] == events[1:]
    assert stories == tuple(events) and stories != tuple(events[:2])
    assert [(s.doc_ids, s.num_articles, s.date_start, s.date_end) for s in events] == [
        (("d4",), 1, "2016-07-04", "2016-07-06"),
        (("d1", "d2", "d3"), 3, "2016-07-04", "2016-07-06"),
        (("d5",), 1, "2016-07-04", "2016-07-06")]
    with pytest.raises(IndexError):
        stories[3]
    # The same articles as the events' own, without making them; a story of one article is left out.
    assert multi_article_stories(stories) == {"d1": {1}, "d2": {1}, "d3": {1}}
    assert multi_article_stories(events) == multi_article_stories(stories)


def test_a_stowed_mention_table_lets_its_columns_go_and_reads_them_back():
    # While stowed, the table holds nothing (its columns, values and evidence are on disk); after the
    # block, even one left by an error, it reads and codes as before.
    from eventwire.link.mentions import MentionTable, event_mentions

    table = MentionTable()
    for record in (_bombing("d1", "Reuters", "2016-07-05T10:00:00"), _bombing("d2", "AFP", "2016-07-06T07:00:00")):
        table.extend(event_mentions(record))
    before = [table.mention(row) for row in range(len(table))]
    columns = {name: table.column(name).copy() for name in ("doc_id", "lat", "start", "linkable")}
    with pytest.raises(RuntimeError), table.stowed():
        assert table.values == [] and table.evidence == {} and table.known_code("d1") is None
        raise RuntimeError("while stowed")
    assert [table.mention(row) for row in range(len(table))] == before
    assert all(m.evidence is not None for m in before)
    assert all(np.array_equal(table.column(name), values, equal_nan=True) for name, values in columns.items())
    assert table.values[table.known_code("d2")] == "d2" and table.code("d1") == table.known_code("d1")


def test_a_mention_table_finds_its_values_numbers_again_after_forgetting_them():
    # The sweep lets the index of values to numbers go; asked again, the table makes it again from its
    # values: the same numbers, and a new value still gets a new one.
    from eventwire.link.mentions import MentionTable, event_mentions

    table = MentionTable()
    table.extend(event_mentions(_bombing("d1", "Reuters", "2016-07-05T10:00:00")))
    known = {value: table.known_code(value) for value in ("d1", "reuters", "country", None)}
    table.column("doc_id")
    table.forget_codes()
    assert table._code_of is None
    assert {value: table.known_code(value) for value in known} == known
    table.forget_codes()
    assert table.code("d1") == known["d1"] and table.code("d9") == len(table.values) - 1
    assert table.values[table.known_code("d9")] == "d9"


def test_some_columns_of_a_mention_table_can_be_stowed_while_the_rest_is_read():
    from eventwire.link.mentions import MentionTable, event_mentions

    table = MentionTable()
    table.extend(event_mentions(_bombing("d1", "Reuters", "2016-07-05T10:00:00")))
    docs, lat = table.column("doc_id").copy(), table.column("lat").copy()
    with table.stowed(("doc_id",)):
        with pytest.raises(KeyError):
            table.column("doc_id")
        assert np.array_equal(table.column("lat"), lat) and table.values[int(docs[0])] == "d1"
    assert np.array_equal(table.column("doc_id"), docs)
