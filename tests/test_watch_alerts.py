"""Watchlist matching on records written here, and alert delivery to a webhook on 127.0.0.1."""
import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import httpx
import pytest

from eventwire.record import Actor, ArticleRecord, Document, Event, Evidence, Place, Quantity
from eventwire.watch import state
from eventwire.watch.alerts import alert_payload, deliver_alerts, match_event
from eventwire.watch.sources import Near, Watchlist, watchlist_from_dict

EV = Evidence("Government forces shelled Saraqeb, killing 12 people.", 0, 52, "body")


def _record(*, acled=None) -> tuple[ArticleRecord, Event]:
    doc = Document(id="d1", source="http://127.0.0.1/a", input_kind="html", title="t", text=EV.text,
                   url="http://127.0.0.1/a")
    army = Actor("a1", "Syrian government forces", "SYRMIL", "SYR", "MIL", "group", (), EV, "test")
    rebels = Actor("a2", "rebel fighters", "SYRREB", "SYR", "REB", "group", (), EV, "test")
    town = Place("p1", "Saraqeb", "city", "SYR", 35.86, 36.81, (), EV, "test")
    dead = Quantity("q1", "12", 12.0, None, None, False, "people", "killed", EV)
    hurt = Quantity("q2", "30", 30.0, None, None, False, "people", "injured", EV)
    event = Event("event1", "195", ("a1",), ("a2",), {"value": "2026-03-02"}, ("asserted",), EV, "test",
                  cameo_name="Employ aerial weapons", plover="ASSAULT", quad_class=4, place="p1",
                  quantities=("q1", "q2"))
    if acled is not None:
        object.__setattr__(event, "acled", acled)  # the field another change adds; absent otherwise
    return ArticleRecord(doc, actors=(army, rebels), places=(town,), quantities=(dead, hurt), events=(event,)), event


@pytest.mark.parametrize("watch, matches", [
    (Watchlist("w", actors=("SYRMIL",)), True),
    (Watchlist("w", actors=("syr",)), True),  # a code prefix
    (Watchlist("w", actors=("rebel",)), True),  # part of a name
    (Watchlist("w", actors=("RUS",)), False),
    (Watchlist("w", countries=("SYR",)), True),
    (Watchlist("w", countries=("TUR",)), False),
    (Watchlist("w", cameo=("19",)), True),
    (Watchlist("w", cameo=("14", "17")), False),
    (Watchlist("w", plover=("ASSAULT",)), True),
    (Watchlist("w", plover=("PROTEST",)), False),
    (Watchlist("w", near=Near(35.93, 36.63, 25)), True),  # Idlib city to Saraqeb: about 18 km
    (Watchlist("w", near=Near(35.93, 36.63, 10)), False),
    (Watchlist("w", min_fatalities=10), True),
    (Watchlist("w", min_fatalities=13), False),  # the 30 injured are not dead
    (Watchlist("w", countries=("SYR",), cameo=("14",)), False),  # every criterion must hold
    (Watchlist("w", acled=("Battles",)), False),  # no ACLED field on the event: nothing to match
])
def test_watchlist_criteria(watch, matches):
    record, event = _record()
    assert (match_event(watch, record, event) is not None) is matches


def test_acled_types_match_when_events_carry_them():
    watch = Watchlist("w", acled=("Air/drone strike",))
    record, event = _record(acled={"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"})
    assert match_event(watch, record, event) == {"acled": ["Air/drone strike"]}
    record, event = _record(acled="Battles")
    assert match_event(Watchlist("w", acled=("battles",)), record, event) == {"acled": ["Battles"]}


def test_the_alert_says_what_matched_and_carries_the_evidence():
    record, event = _record()
    watch = watchlist_from_dict({"name": "idlib", "countries": ["syr"], "min_fatalities": 5})
    payload = alert_payload(watch, record, event, match_event(watch, record, event))
    assert payload["matched"] == {"countries": ["SYR"], "fatalities": 12.0}
    assert payload["event"]["evidence"] == EV.text and payload["event"]["place"]["name"] == "Saraqeb"
    assert payload["event"]["source"][0]["code"] == "SYRMIL" and payload["article"]["url"] == "http://127.0.0.1/a"
    assert len(payload["key"]) == 24 and payload["key"] != alert_payload(replace(watch, name="x"), record, event, {})["key"]


class Receiver:
    """A webhook receiver on 127.0.0.1 that fails the first `fail` POSTs with a 500."""

    def __init__(self, fail: int = 0) -> None:
        self.bodies: list[dict] = []
        self.keys: list[str] = []
        self.fail = fail
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail > 0:
                    receiver.fail -= 1
                    self.send_response(500)
                else:
                    receiver.bodies.append(json.loads(body))
                    receiver.keys.append(self.headers["Idempotency-Key"])
                    self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_an_alert_is_stored_once_filed_once_and_posted_once_after_retries(tmp_path):
    record, event = _record()
    watch = Watchlist("idlib", countries=("SYR",))
    payload = alert_payload(watch, record, event, match_event(watch, record, event))
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    state.ensure_tables(con)
    assert state.add_alert(con, payload["key"], "idlib", "d1", "event1", payload, webhook=True) == 1
    assert state.add_alert(con, payload["key"], "idlib", "d1", "event1", payload, webhook=True) is None
    receiver = Receiver(fail=1)
    file = tmp_path / "alerts.jsonl"
    try:
        with httpx.Client(timeout=5) as client:
            assert deliver_alerts(con, str(file), receiver.url, client, backoff=0.0) == (1, 0)  # 500: retry later
            assert deliver_alerts(con, str(file), receiver.url, client, backoff=0.0) == (0, 1)
            assert deliver_alerts(con, str(file), receiver.url, client, backoff=0.0) == (0, 0)
    finally:
        receiver.close()
    lines = file.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["alert_id"] == 1
    assert receiver.keys == [payload["key"]] and receiver.bodies[0]["watchlist"] == "idlib"
    (listed,) = state.list_alerts(con)
    assert listed["delivery"]["webhook"] == "delivered" and listed["delivery"]["attempts"] == 2


def test_a_webhook_that_never_answers_is_given_up_and_recorded(tmp_path):
    record, event = _record()
    watch = Watchlist("idlib", countries=("SYR",))
    payload = alert_payload(watch, record, event, {})
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    state.ensure_tables(con)
    state.add_alert(con, payload["key"], "idlib", "d1", "event1", payload, webhook=True)
    with httpx.Client(timeout=0.5) as client:
        for _ in range(10):
            deliver_alerts(con, None, "http://127.0.0.1:9/hook", client, backoff=0.0)
    (listed,) = state.list_alerts(con)
    assert listed["delivery"]["webhook"] == "failed" and listed["delivery"]["attempts"] == 8
    assert listed["delivery"]["error"]
