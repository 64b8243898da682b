"""The dashboard's live panel in headless chromium (skipped like test_dashboard.py without it):
alerts listed, and a "new since" marker counting events a watcher stores while the page is open."""
import re
import threading
import time


from test_dashboard import CHROMIUM, CHROMIUM_ARGS, _free_port  # skips this module when chromium is missing
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from localsite import LocalSite


def test_live_panel_shows_alerts_and_counts_new_events(tmp_path):
    import uvicorn

    from eventwire.api import create_app
    from eventwire.config import load_settings
    from eventwire.watch.sources import parse_watch_config
    from eventwire.watch.watcher import Watcher

    db = str(tmp_path / "live.duckdb")
    with LocalSite() as site:
        site.set_feed("a", [(site.url("/article/1.html"), "one")])
        config = parse_watch_config({"watch": {"host_interval": 0, "alerts_file": ""},
                                     "feed": [{"url": site.url("/feed/a.xml"), "every": 1}],
                                     "watchlist": [{"name": "syria-watch", "countries": ["SYR"]}]})
        watcher = Watcher(db, config, load_settings())
        watcher.run_once()
        port = _free_port()
        app = create_app(db, writable=True, watchlists=config.watchlists, watching=lambda: True)
        srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not srv.started:
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.05)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                problems = []
                page.on("pageerror", lambda exc: problems.append(str(exc)))
                page.goto(f"http://127.0.0.1:{port}/")
                # one alert per matching event of the article (how many events it gives is the coder's affair)
                expect(page.locator("#live-alerts li").first).to_be_visible()
                expect(page.locator("#live-alerts")).to_contain_text("syria-watch")
                first = page.locator("#live-alerts li").count()
                expect(page.locator("#live-marker")).to_contain_text("no new events since")
                site.set_feed("a", [(site.url("/article/0.html"), "zero"), (site.url("/article/1.html"), "one")])
                watcher.run_once()  # the same database, written while the page is open
                expect(page.locator("#live-marker")).to_contain_text(re.compile(r"[1-9]\d* new events? since"),
                                                                     timeout=10_000)
                page.click("#live-show")
                expect(page.locator("#live-marker")).to_contain_text("no new events since")
                expect(page.locator("#live-alerts li")).not_to_have_count(first, timeout=10_000)
                assert page.locator("#live-alerts li").count() > first  # the new article's alerts join the list
                browser.close()
                assert not problems
        finally:
            srv.should_exit = True
            thread.join(timeout=10)
            watcher.close()
