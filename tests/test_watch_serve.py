"""Done-when of live monitoring: `eventwire serve --watch` against a local site on 127.0.0.1 shows
new articles in /api/events within 10 s, delivers a watchlist alert to a local webhook exactly once,
and after kill -9 and a restart has lost and duplicated nothing."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from localsite import LocalSite
from test_watch_alerts import Receiver

EVENTWIRE = Path(sys.executable).parent / "eventwire"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(check, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s")


class Server:
    def __init__(self, sources: Path, db: Path, log: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self.log = open(log, "ab")
        self.proc = subprocess.Popen([str(EVENTWIRE), "serve", "--watch", str(sources), "--db", str(db),
                                      "--port", str(self.port)], stdout=self.log, stderr=self.log,
                                     env={**os.environ, "EVENTWIRE_API_TOKEN": ""})
        _until(self._up, 30)

    def _up(self) -> bool:
        assert self.proc.poll() is None, "the server exited"
        try:
            return httpx.get(self.base + "/api/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def get(self, path: str, **params):
        response = httpx.get(self.base + path, params=params, timeout=5)
        # A failed request carries the server's log (its traceback), which pytest's temporary folder
        # does not keep for long.
        assert response.status_code == 200, (f"{path}: {response.status_code} {response.text}\n"
                                             f"{self.log_path.read_text(errors='replace')[-6000:]}")
        return response.json()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()


def _docs(server) -> set[str]:
    return {d["url"] for d in server.get("/api/documents", limit=500)["items"]}


def test_serve_watch_shows_new_events_alerts_once_and_survives_kill_9(tmp_path):
    receiver = Receiver()
    with LocalSite() as site:
        items = lambda numbers: [(site.url(f"/article/{n}.html"), f"Article {n}") for n in numbers]
        feed = site.set_feed("wire", items([0, 2]))
        sources = tmp_path / "sources.toml"
        sources.write_text(f"""
[watch]
host_interval = 0
backoff = 0.1
alerts_file = "{tmp_path / 'alerts.jsonl'}"
webhook = "{receiver.url}"
link_every = 2

[[feed]]
url = "{feed}"
every = 1

[[watchlist]]
name = "saraqeb"
near = {{ lat = 35.864, lon = 36.806, km = 10 }}
cameo = ["19"]
""")
        db = tmp_path / "live.duckdb"
        server = Server(sources, db, tmp_path / "server.log")
        try:
            # Warm-up: the first articles load the language model.
            _until(lambda: len(_docs(server)) == 2, 60)
            since = server.get("/api/events", since_id=0)["last_id"]

            # New entries, one of them (article 1, Saraqeb) on the watchlist.
            site.set_feed("wire", items([1, 3, 0, 2]))
            started = time.monotonic()
            _until(lambda: len(_docs(server)) == 4, 10)
            page = server.get("/api/events", since_id=since)
            assert page["items"]
            assert time.monotonic() - started < 10
            assert all(i["arrival_id"] > since for i in page["items"])
            _until(lambda: receiver.bodies, 10)
            alert = receiver.bodies[0]
            assert alert["watchlist"] == "saraqeb" and alert["article"]["url"] == site.url("/article/1.html")
            _until(lambda: server.get("/api/alerts")["items"][0]["delivery"]["webhook"] == "delivered", 10)

            # More articles, and kill -9 while they are being coded.
            site.set_feed("wire", items(range(4, 10)) + items([1, 3, 0, 2]))
            _until(lambda: len(_docs(server)) >= 5, 20, step=0.05)
            server.kill()  # with most of the new articles fetched or queued, not yet stored
            server = Server(sources, db, tmp_path / "server.log")
            expected = {site.url(f"/article/{n}.html") for n in range(10)}
            _until(lambda: _docs(server) == expected and server.get("/api/watch")["urls"] == {"done": 10}, 40)
            # Article 7 is in Saraqeb too: one alert each, delivered once each, across the restart.
            _until(lambda: len(receiver.bodies) >= 2 and all(a["delivery"]["webhook"] == "delivered"
                                                             for a in server.get("/api/alerts")["items"]), 15)
            everything = server.get("/api/events", since_id=0, limit=500)
            keys = [(i["doc_id"], i["event_id"]) for i in everything["items"]]
            assert len(keys) == len(set(keys)) == everything["total"] == server.get("/api/events", limit=1)["total"]
            # one alert per matching event (however many events the coder finds there), each delivered once
            assert {a["article"]["url"] for a in receiver.bodies} == {site.url("/article/1.html"),
                                                                      site.url("/article/7.html")}
            assert len(receiver.keys) == len(set(receiver.keys)) == len(server.get("/api/alerts")["items"])
            filed = [json.loads(l) for l in (tmp_path / "alerts.jsonl").read_text().splitlines()]
            assert sorted(a["key"] for a in filed) == sorted(receiver.keys)
        finally:
            server.stop()
            receiver.close()
