// The live panel: while a watcher runs (`eventwire serve --watch`), how many events arrived since
// the page was last refreshed (a "new since" marker, from /api/events?since_id=) and the latest
// watchlist alerts (/api/alerts). Kept apart from app.js: it only reads and adds one panel.
"use strict";

(() => {
  const POLL_MS = 5000;
  const live = { since: null, markedAt: new Date(), fresh: 0 };

  async function get(path, params = {}) {
    const query = new URLSearchParams(params).toString();
    const response = await fetch(`/api/${path}${query ? "?" + query : ""}`);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  function node(tag, cls, text) {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function panel() {
    let p = document.getElementById("live");
    if (p) return p;
    p = node("section", "live");
    p.id = "live";
    p.setAttribute("aria-live", "polite");
    const head = node("div", "live-head");
    const marker = node("span", "live-marker");
    marker.id = "live-marker";
    const show = node("button", "live-show", "Show");
    show.type = "button";
    show.id = "live-show";
    show.hidden = true;
    show.addEventListener("click", () => {
      const form = document.getElementById("filters");
      if (form) form.requestSubmit();  // app.js reloads the events with the current filters
      live.fresh = 0;
      live.markedAt = new Date();
      render();
    });
    head.append(node("strong", "", "Live"), marker, show);
    const alerts = node("ol", "live-alerts");
    alerts.id = "live-alerts";
    p.append(head, node("h3", "", "Alerts"), alerts);
    document.body.append(p);
    return p;
  }

  function render(alerts) {
    panel();
    const time = live.markedAt.toLocaleTimeString();
    document.getElementById("live-marker").textContent =
      live.fresh ? `${live.fresh} new event${live.fresh === 1 ? "" : "s"} since ${time}` : `no new events since ${time}`;
    document.getElementById("live-show").hidden = !live.fresh;
    if (!alerts) return;
    const list = document.getElementById("live-alerts");
    list.replaceChildren(...(alerts.length ? alerts.map((a) => {
      const item = node("li");
      const link = node("a", "", a.article.title || a.article.url || a.event.doc_id);
      if (a.article.url) { link.href = a.article.url; link.rel = "noopener noreferrer"; link.target = "_blank"; }
      item.append(node("span", "live-watch", a.watchlist), " ", node("code", "", a.event.cameo), " ", link,
                  node("div", "live-evidence", a.event.evidence || ""));
      return item;
    }) : [node("li", "muted", "none yet")]));
  }

  async function poll() {
    try {
      const status = await get("watch");
      if (!status.watching && !status.last_alert_id) return;  // not a monitoring server: no panel
      if (live.since === null) live.since = status.last_event_id;
      const page = await get("events", { since_id: live.since, limit: 500 });
      live.fresh += page.items.length;
      live.since = page.last_id;
      const alerts = await get("alerts", { limit: 5 });
      render(alerts.items);
    } catch (err) { /* the next poll tries again; app.js shows request errors */ }
  }

  document.addEventListener("DOMContentLoaded", () => { poll(); setInterval(poll, POLL_MS); });
})();
