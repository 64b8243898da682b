"""The dashboard in a real browser: Debian's chromium, headless, driven by Playwright for Python,
against `uvicorn` serving a database made from the bundled examples. Offline by construction: the
page's policy allows only this server, and the test fails on any request that leaves it.

Needs /usr/bin/chromium (`apt-get install -y chromium`). Outside CI the test is skipped when it is
missing; in CI (CI=true) it runs and fails instead."""
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO
from test_api import build_example_db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = REPO / ".ci" / "artifacts" / "dashboard.png"

if not Path(CHROMIUM).exists() and os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run "
                "the browser test", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from eventwire.api import create_app

    db = build_example_db(tmp_path_factory.mktemp("dashboard") / "examples.duckdb")
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_dashboard_filter_open_event_evidence_and_map(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems, outside = [], []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: None if req.url.startswith((server, "data:")) else outside.append(req.url))

    page.goto(server + "/")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    everything = page.locator("#events tbody tr").count()
    assert everything >= 5
    expect(page.locator("#basemap path.country")).not_to_have_count(0)  # the offline world basemap
    assert page.locator("#basemap path.country").count() > 150
    expect(page.locator("#markers circle.marker")).not_to_have_count(0)
    assert page.locator("#timeline rect.bar").count() >= 2

    # Filter by an actor (the source of the first event that has one): every remaining row has it.
    code = next(r.locator("td.source").inner_text().split(", ")[0] for r in page.locator("#events tbody tr").all()
                if r.locator("td.source").inner_text())
    page.fill("#f-actor", code)
    page.click("#apply")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    rows = page.locator("#events tbody tr")
    expect(rows).not_to_have_count(everything)
    assert rows.count() >= 1
    for i in range(rows.count()):
        sides = rows.nth(i).locator("td.source").inner_text() + rows.nth(i).locator("td.target").inner_text()
        assert code in sides

    # Open the event: its sentence with the source actor and the trigger highlighted.
    rows.first.click()
    view = page.locator("#event-view")
    expect(view).to_be_visible()
    sentence = page.locator("#ev-sentence")
    expect(sentence.locator("mark.hl-source")).not_to_have_count(0)
    assert sentence.locator("mark.hl-source").first.inner_text() in sentence.inner_text()
    expect(sentence.locator("mark.hl-trigger")).not_to_have_count(0)
    evidence = rows.first.locator("td.evidence").inner_text()
    assert sentence.inner_text().strip() == evidence.strip()

    # Markers for the filtered events, and the article with the sentence marked in it.
    expect(page.locator("#markers circle.marker")).not_to_have_count(0)
    page.click("#show-doc")
    expect(page.locator("#ev-document mark")).to_have_text(evidence.strip())

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000

    # The actor view: who did what to whom.
    page.click("button.tab[data-tab=actors-tab]")
    expect(page.locator("#actors tbody tr")).not_to_have_count(0)
    page.locator("#actors tbody tr", has_text=code).first.click()
    expect(page.locator("#dyads-title")).to_contain_text(code)
    expect(page.locator("#dyads tbody tr")).not_to_have_count(0)

    assert not problems, problems
    assert not outside, f"the dashboard reached outside its server: {outside}"
    page.close()


def test_dashboard_shows_a_clear_error_for_bad_filters(server, browser):
    page = browser.new_page()
    page.goto(server + "/")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    page.fill("#f-since", "2024-99")
    page.click("#apply")
    expect(page.locator("#error")).to_contain_text("since")
    page.close()
