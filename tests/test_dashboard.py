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
ARTIFACTS = REPO / ".ci" / "artifacts"
SCREENSHOT = ARTIFACTS / "dashboard.png"

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
    code = page.locator("#events td.source a.actor-link").first.inner_text()
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


def _watch(page, server):
    problems, outside = [], []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: None if req.url.startswith((server, "data:")) else outside.append(req.url))
    return problems, outside


def _loaded(page):
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")


def _shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_dashboard_facets_totals_sort_download_permalink_and_reset(server, browser, tmp_path):
    import csv
    import io

    from eventwire.export import GDELT_COLUMNS

    page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    problems, outside = _watch(page, server)
    page.goto(server + "/")
    _loaded(page)
    total = int(page.locator("#totals").get_attribute("data-events"))
    assert total == page.request.get(server + "/api/totals").json()["events"]
    assert int(page.locator("#totals").get_attribute("data-displaced")) > 0  # the floods in Niger
    expect(page.locator("#totals")).to_contain_text("displaced")

    # Facet counts: the CAMEO roots add up to every event; clicking a country facet filters on it.
    roots = page.locator("#facets [data-facet=cameo_root] li")
    assert sum(int(li.locator(".n").inner_text()) for li in roots.all()) == total
    expect(page.locator("#facets [data-facet=language] li")).to_have_count(1)
    country_item = page.locator("#facets [data-facet=country] li").first
    country, count = country_item.get_attribute("data-value"), int(country_item.locator(".n").inner_text())
    country_item.click()
    _loaded(page)
    expect(page.locator("#f-country")).to_have_value(country)
    assert int(page.locator("#totals").get_attribute("data-events")) == count
    expect(page.locator("#events tbody tr")).to_have_count(count)
    assert f"country={country}" in page.url

    # Download the filtered events: the GDELT TSV has the 61 columns and one line per event.
    with page.expect_download() as info:
        page.click("#dl-gdelt")
    tsv = tmp_path / "events.tsv"
    info.value.save_as(tsv)
    lines = tsv.read_text().splitlines()
    assert len(lines) == count and all(len(line.split("\t")) == len(GDELT_COLUMNS) for line in lines)
    with page.expect_download() as info:
        page.click("#dl-csv")
    info.value.save_as(tmp_path / "events.csv")
    assert len(list(csv.DictReader(io.StringIO((tmp_path / "events.csv").read_text())))) == count

    # Permalink: reloading the URL gives the same filtered view.
    filtered_url = page.url
    page.goto(filtered_url)
    _loaded(page)
    expect(page.locator("#f-country")).to_have_value(country)
    expect(page.locator("#events tbody tr")).to_have_count(count)
    _shot(page, "dashboard-filtered.png")

    # Reset clears the filters (it threw "reset is not a function" before).
    page.click("#reset-filters")
    _loaded(page)
    expect(page.locator("#f-country")).to_have_value("")
    expect(page.locator("#events tbody tr")).to_have_count(min(total, 50))
    assert "country=" not in page.url

    # Sort by CAMEO code, both ways.
    page.click("#events th[data-sort=cameo]")
    _loaded(page)
    expect(page.locator("#events th[data-sort=cameo]")).to_have_class("sorted-asc")
    page.wait_for_function("() => document.querySelector('#events th.sorted-asc') !== null")
    page.wait_for_timeout(300)
    codes = [c.get_attribute("data-cameo") for c in page.locator("#events td.cameo").all()]
    assert codes == sorted(codes)
    page.click("#events th[data-sort=cameo]")
    expect(page.locator("#events th[data-sort=cameo]")).to_have_class("sorted-desc")
    page.wait_for_timeout(300)
    codes = [c.get_attribute("data-cameo") for c in page.locator("#events td.cameo").all()]
    assert codes == sorted(codes, reverse=True)
    assert "sort=cameo" in page.url and "order=desc" in page.url

    # The time axis is real: bars stand at their dates, so the gap between periods is drawn.
    bars = page.locator("#timeline rect.bar").all()
    xs = sorted({(b.get_attribute("data-period"), float(b.get_attribute("x"))) for b in bars})
    assert len(xs) >= 3
    (p0, x0), (p1, x1), (p2, x2) = xs[0], xs[1], xs[-1]
    from datetime import date
    days = lambda p: date.fromisoformat(p).toordinal()  # noqa: E731
    assert (x1 - x0) / (x2 - x0) == pytest.approx((days(p1) - days(p0)) / (days(p2) - days(p0)), rel=0.02)

    # The map has a legend.
    expect(page.locator("#map-legend")).to_contain_text("material conflict")
    expect(page.locator("#legend-scale")).to_contain_text("events")
    _shot(page, "dashboard-sorted.png")

    assert not problems, problems
    assert not outside, f"the dashboard reached outside its server: {outside}"
    page.close()


def test_dashboard_event_permalink_and_actor_page(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems, outside = _watch(page, server)
    page.goto(server + "/")
    _loaded(page)
    first = page.locator("#events tbody tr").first
    doc, event = first.get_attribute("data-doc"), first.get_attribute("data-event")
    evidence = first.locator("td.evidence").inner_text()
    first.click()
    expect(page.locator("#event-view")).to_be_visible()
    assert f"event={doc}%2F{event}" in page.url or f"event={doc}/{event}" in page.url

    # The event's own URL opens it in a fresh page.
    fresh = browser.new_page(viewport={"width": 1400, "height": 1000})
    fresh.goto(server + f"/?event={doc}/{event}")
    _loaded(fresh)
    expect(fresh.locator("#event-view")).to_be_visible()
    expect(fresh.locator("#ev-sentence")).to_have_text(evidence.strip())
    fresh.close()

    # An actor's page: its events over time and its counterparts; its URL reloads it.
    # an actor with a counterpart: the source of an event that has a target
    row = page.locator("#events tbody tr", has=page.locator("td.target a.actor-link")).filter(
        has=page.locator("td.source a.actor-link")).first
    link = row.locator("td.source a.actor-link").first
    code = link.inner_text()
    link.click()
    expect(page.locator("#actor-page")).to_be_visible()
    expect(page.locator("#ap-title")).to_contain_text(code)
    expect(page.locator("#ap-timeline rect.bar")).not_to_have_count(0)
    api = page.request.get(f"{server}/api/actors/{code}").json()
    assert api["counterparts"]
    expect(page.locator("#ap-counterparts tbody tr")).to_have_count(len(api["counterparts"]))
    assert f"actor_page={code}" in page.url
    _shot(page, "dashboard-actor.png")
    page.reload()
    _loaded(page)
    expect(page.locator("#actor-page")).to_be_visible()
    expect(page.locator("#ap-title")).to_contain_text(code)
    page.click("#ap-events")
    _loaded(page)
    expect(page.locator("#f-actor")).to_have_value(code)
    assert not problems, problems
    assert not outside
    page.close()
