// The eventwire dashboard: plain DOM and SVG, no dependencies, nothing loaded from elsewhere.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const state = { cursors: [null], page: 0, next: null, filters: {}, view: null, refreshes: 0, sort: null, order: "desc",
  actorPage: null, points: [] };
const PAGE = 50;
// Responses can arrive out of order: each panel draws only the answer to its latest request.
const latest = {};
function ticket(panel) {
  const mine = (latest[panel] = (latest[panel] || 0) + 1);
  return () => latest[panel] === mine;
}
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === "class") node.setAttribute("class", v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, params = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== "" && v !== null && v !== undefined) query.set(k, v);
  const url = "/api/" + path + (query.toString() ? "?" + query : "");
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) {
    const detail = Array.isArray(body.detail)
      ? body.detail.map((d) => `${d.loc[d.loc.length - 1]}: ${d.msg}`).join("; ") : body.detail;
    throw new Error(detail || response.statusText);
  }
  return body;
}

function showError(err) { $("#error").textContent = err ? String(err.message || err) : ""; }

function readFilters() {
  const out = {};
  for (const [k, v] of new FormData($("#filters")).entries()) if (String(v).trim()) out[k] = String(v).trim();
  return out;
}

function actorsText(list) { return (list || []).map((a) => a.code || a.name).join(", "); }

// ---------------------------------------------------------------- the URL holds the view
// ?<filters>&sort=&order= : the filtered table; &event=<doc>/<event> : one event open;
// &actor=... is a filter, &actor_page=<CODE> : an actor's page. Reloading the URL gives the same view.
function viewParams(extra = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(state.filters)) p.set(k, v);
  if (state.sort) { p.set("sort", state.sort); p.set("order", state.order); }
  for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
  return p;
}
function hrefOf(extra = {}) { const q = viewParams(extra).toString(); return location.pathname + (q ? "?" + q : ""); }
function exportHref(format) {
  const p = new URLSearchParams(state.filters); p.set("format", format); return "/api/export?" + p;
}
function syncUrl(push = true) {
  const extra = {};
  if (state.actorPage) extra.actor_page = state.actorPage;
  else if (state.view && !$("#event-view").hidden) extra.event = `${state.view.doc_id}/${state.view.event_id}`;
  const href = hrefOf(extra);
  if (href !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", href);
  $("#permalink").href = hrefOf();
  for (const f of ["csv", "parquet", "gdelt"]) $("#dl-" + f).href = exportHref(f);
}
function fillForm(params) {
  for (const field of $("#filters").elements) {
    if (field.name) field.value = params.get(field.name) || "";
  }
}

function actorCell(list, role) {
  if (!list || !list.length) return role === "source" ? [el("span", { class: "unknown", title: "no source actor was found: PLOVER's unidentified actor" }, "unidentified")] : [];
  return list.flatMap((a, i) => [i ? ", " : "", a.code ? el("a", {
    class: "actor-link", href: hrefOf({ actor_page: a.code }), title: a.name || "",
    onclick: (e) => { e.preventDefault(); e.stopPropagation(); openActorPage(a.code); },
  }, a.code) : (a.name || "")]);
}

// ---------------------------------------------------------------- events table
async function loadEvents() {
  const current = ticket("events");
  const params = { ...state.filters, limit: PAGE };
  const byDate = !state.sort || state.sort === "date";
  if (state.sort) { params.sort = state.sort; params.order = state.order; }
  if (byDate && state.cursors[state.page]) params.cursor = state.cursors[state.page];
  if (!byDate) params.offset = state.page * PAGE;
  const page = await api("events", params);
  if (!current()) return;
  state.next = byDate ? page.next_cursor : ((state.page + 1) * PAGE < page.total ? "offset" : null);
  const first = state.page * PAGE + 1;
  $("#event-count").textContent = page.total
    ? `${first}–${first + page.items.length - 1} of ${page.total}` : "none match";
  $("#prev").disabled = state.page === 0;
  $("#next").disabled = !state.next;
  for (const th of document.querySelectorAll("#events th[data-sort]")) {
    const on = th.dataset.sort === (state.sort || "date");
    th.classList.toggle("sorted-asc", on && (state.sort ? state.order === "asc" : false));
    th.classList.toggle("sorted-desc", on && (state.sort ? state.order === "desc" : true));
  }
  const rows = page.items.map((e) => el("tr", {
    "data-doc": e.doc_id, "data-event": e.event_id, onclick: () => openEvent(e.doc_id, e.event_id),
  },
    el("td", { class: "date" }, e.date || "—"),
    el("td", { class: "cameo", title: `CAMEO ${e.cameo} · PLOVER ${e.plover || "—"}`, "data-cameo": e.cameo }, e.cameo_name || e.cameo),
    el("td", { class: "source" }, actorCell(e.source, "source")),
    el("td", { class: "target" }, actorCell(e.target, "target")),
    el("td", { class: "place" }, e.place ? e.place.name : ""),
    el("td", { class: "modality" }, e.modality.join(", ")),
    el("td", { class: "evidence" }, e.evidence || ""),
    el("td", {}, el("a", { class: "event-link", href: hrefOf({ event: `${e.doc_id}/${e.event_id}` }), title: "link to this event",
      onclick: (ev) => { ev.preventDefault(); ev.stopPropagation(); openEvent(e.doc_id, e.event_id); } }, "link"))));
  $("#events tbody").replaceChildren(...rows);
}

function sortBy(column) {
  if ((state.sort || "date") === column) state.order = state.order === "asc" ? "desc" : "asc";
  else { state.sort = column; state.order = column === "date" ? "desc" : "asc"; }
  if (!state.sort) state.sort = column;
  state.cursors = [null]; state.page = 0;
  syncUrl();
  loadEvents().catch(showError);
}

// ---------------------------------------------------------------- facets and totals
const FACET_FIELD = { country: "#f-country", actor: "#f-actor", cameo_root: "#f-cameo", quad_class: "#f-quad", modality: "#f-modality" };
const QUAD_NAMES = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };

async function loadFacets() {
  const current = ticket("facets");
  const data = await api("facet-counts", state.filters);
  if (!current()) return;
  for (const box of document.querySelectorAll("#facets .facet")) {
    const name = box.dataset.facet;
    const values = data[name] || [];
    box.hidden = !values.length;
    const field = FACET_FIELD[name];
    box.querySelector("ul").replaceChildren(...values.map((f) => el("li", {
      "data-value": f.value, title: field ? "filter on this value" : "",
      onclick: field ? () => { $(field).value = f.value; applyFilters(); } : null,
    }, el("span", {}, name === "quad_class" ? `${f.value} ${QUAD_NAMES[f.value] || ""}` : f.value), el("span", { class: "n" }, f.events))));
  }
}

async function loadTotals() {
  const current = ticket("totals");
  const t = await api("totals", state.filters);
  if (!current()) return;
  const n = (v) => el("b", {}, Number(v).toLocaleString("en"));
  $("#totals").replaceChildren(n(t.events), " events in ", n(t.documents), " articles · reported killed ", n(t.killed),
    " · injured ", n(t.injured), " · displaced ", n(t.displaced), " · arrested ", n(t.arrested));
  $("#totals").dataset.killed = t.killed; $("#totals").dataset.displaced = t.displaced; $("#totals").dataset.events = t.events;
}

// ---------------------------------------------------------------- event view
function highlighted(text, spans) {
  // Spans may overlap ("Azerbaijan" is both a source actor and a place): cut the sentence at every
  // span boundary and give each piece the classes of all spans covering it.
  const cuts = new Set([0, text.length]);
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const covering = spans.filter((s) => s.start <= a && b <= s.end);
    const piece = text.slice(a, b);
    if (!covering.length) { pieces.push(piece); continue; }
    const kinds = [...new Set(covering.map((s) => s.kind))];
    pieces.push(el("mark", {
      class: "hl " + kinds.map((k) => "hl-" + k).join(" "),
      title: covering.map((s) => `${s.kind}: ${s.label || s.text}`).join("\n"),
    }, piece));
  }
  return pieces;
}

function fact(term, ...value) { return [el("dt", {}, term), el("dd", {}, ...value)]; }

async function openEvent(docId, eventId, push = true) {
  try {
    const ev = await api(`events/${encodeURIComponent(docId)}/${encodeURIComponent(eventId)}`);
    state.view = ev;
    for (const tr of document.querySelectorAll("#events tbody tr")) {
      tr.classList.toggle("selected", tr.dataset.doc === docId && tr.dataset.event === eventId);
    }
    $("#ev-title").textContent = `${ev.cameo_name || ev.cameo} (CAMEO ${ev.cameo}${ev.plover ? ", PLOVER " + ev.plover : ""})`;
    $("#ev-sentence").replaceChildren(...highlighted(ev.evidence.text, ev.spans));
    const who = (list) => list.length ? list.map((a) => `${a.name} (${a.code})`).join(", ") : "unidentified";
    const d = ev.date || {};
    const doc = ev.document;
    $("#ev-facts").replaceChildren(...[
      fact("Source", who(ev.source)), fact("Target", who(ev.target)),
      fact("Date", `${d.value || d.start || "—"}${d.grain ? " (" + d.grain + ")" : ""}${d.anchor ? ", anchored on " + d.anchor : ""}`),
      fact("Place", ev.place ? `${ev.place.name}${ev.place.country ? " (" + ev.place.country + ")" : ""}, chosen by ${ev.place.how || "—"}` : "—"),
      fact("Quantities", ev.quantities.length ? ev.quantities.map((q) => `${q.text} (${q.category})`).join("; ") : "—"),
      fact("Modality", ev.modality.join(", ") || "—"),
      fact("QuadClass / Goldstein", `${ev.quad_class ?? "—"} / ${ev.goldstein ?? "—"}`),
      fact("Why", ev.rule || "—"),
      fact("Article", doc.url ? el("a", { href: doc.url, rel: "noreferrer noopener", target: "_blank" }, doc.title || doc.url) : (doc.title || doc.id),
           doc.published ? ` · published ${doc.published}` : "", doc.source ? ` · ${doc.source}` : ""),
      fact("Section", `${ev.evidence.section}${ev.evidence.caption_index != null ? " " + ev.evidence.caption_index : ""}, characters ${ev.evidence.start}–${ev.evidence.end}`),
    ].flat());
    $("#ev-document").hidden = true;
    $("#show-doc").textContent = "Show the article";
    $("#event-view").hidden = false;
    $("#ev-link").href = hrefOf({ event: `${docId}/${eventId}` });
    if (push) syncUrl();
    $("#event-view").scrollIntoView({ block: "nearest" });
  } catch (err) { showError(err); }
}

async function toggleDocument() {
  const box = $("#ev-document");
  if (!box.hidden) { box.hidden = true; $("#show-doc").textContent = "Show the article"; return; }
  const ev = state.view;
  const doc = await api(`documents/${encodeURIComponent(ev.doc_id)}`);
  const { section, start, end, caption_index: ci } = ev.evidence;
  let text = doc.text || "";
  if (section === "title") text = doc.title || "";
  if (section === "caption") text = (doc.captions[ci || 0] || {}).text || "";
  const parts = [el("h3", {}, doc.title || "")];
  if (text.slice(start, end) === ev.evidence.text) {
    parts.push(text.slice(0, start), el("mark", {}, text.slice(start, end)), text.slice(end));
  } else parts.push(text);
  if (section !== "body") parts.push("\n\n", doc.text || "");
  box.replaceChildren(...parts);
  box.hidden = false;
  $("#show-doc").textContent = "Hide the article";
}

// ---------------------------------------------------------------- timeline
function periodRange(period, grain) {
  const day = new Date(period + "T00:00:00Z");
  const iso = (d) => d.toISOString().slice(0, 10);
  if (grain === "day") return [period, period];
  if (grain === "week") { const e = new Date(day); e.setUTCDate(e.getUTCDate() + 6); return [period, iso(e)]; }
  if (grain === "month") return [period.slice(0, 7), period.slice(0, 7)];
  return [period.slice(0, 4), period.slice(0, 4)];
}

// A real time axis: each bar stands at its period's date and is as wide as its period, so an empty
// stretch of time is empty space (1944 does not sit next to 2001).
function periodEnd(period, grain) {
  const d = new Date(period + "T00:00:00Z");
  if (grain === "day") d.setUTCDate(d.getUTCDate() + 1);
  else if (grain === "week") d.setUTCDate(d.getUTCDate() + 7);
  else if (grain === "month") d.setUTCMonth(d.getUTCMonth() + 1);
  else d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.getTime();
}

function timeTicks(t0, t1) {
  const years = (t1 - t0) / (365.25 * 864e5);
  const ticks = [];
  const start = new Date(t0);
  if (years > 2) {
    const step = [1, 2, 5, 10, 20, 50, 100].find((s) => years / s <= 7) || 200;
    for (let y = Math.ceil(start.getUTCFullYear() / step) * step; ; y += step) {
      const t = Date.UTC(y, 0, 1); if (t > t1) break; if (t >= t0) ticks.push([t, String(y)]);
    }
  } else {
    const months = Math.max(1, Math.ceil(years * 12 / 6));
    const d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
    while (d.getTime() <= t1) {
      if (d.getTime() >= t0) ticks.push([d.getTime(), d.toISOString().slice(0, 7)]);
      d.setUTCMonth(d.getUTCMonth() + months);
    }
  }
  return ticks;
}

// series: [{period, parts: [[class, n, title], ...], onclick}] -> stacked bars on a time axis
function drawTimeAxis(svg, series, grain, W, H, emptyText) {
  const [left, right, bottom, top] = [34, 6, 18, 8];
  const nodes = [];
  if (!series.length) {
    nodes.push(el("svg:text", { class: "axis", x: W / 2, y: H / 2, "text-anchor": "middle" }, emptyText));
    svg.replaceChildren(...nodes); return;
  }
  const starts = series.map((s) => new Date(s.period + "T00:00:00Z").getTime());
  let t0 = Math.min(...starts), t1 = Math.max(...series.map((s) => periodEnd(s.period, grain)));
  // Room on both sides: at least one period, so a lone bar does not fill the whole width.
  const pad = Math.max((t1 - t0) * 0.03, periodEnd(series[0].period, grain) - starts[0]);
  t0 -= pad; t1 += pad;
  const x = (t) => left + (t - t0) / (t1 - t0) * (W - left - right);
  const max = Math.max(1, ...series.map((s) => s.parts.reduce((a, p) => a + p[1], 0)));
  for (const t of [0, max]) {
    const y = H - bottom - (t / max) * (H - bottom - top);
    nodes.push(el("svg:text", { class: "axis", x: left - 4, y: y + 3, "text-anchor": "end" }, t));
  }
  nodes.push(el("svg:line", { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom, stroke: "#aab", "stroke-width": 0.5 }));
  series.forEach((s, i) => {
    const a = x(starts[i]), b = x(periodEnd(s.period, grain));
    const width = Math.max(1.5, (b - a) * 0.9);
    let y = H - bottom;
    for (const [cls, v, title] of s.parts) {
      if (!v) continue;
      const h = (v / max) * (H - bottom - top);
      y -= h;
      nodes.push(el("svg:rect", { class: `bar ${cls}`, x: a, y, width, height: h, "data-period": s.period, onclick: s.onclick },
        el("svg:title", {}, title)));
    }
  });
  for (const [t, label] of timeTicks(t0, t1)) {
    nodes.push(el("svg:line", { x1: x(t), x2: x(t), y1: H - bottom, y2: H - bottom + 3, stroke: "#889", "stroke-width": 0.5 }));
    const anchor = x(t) < left + 20 ? "start" : x(t) > W - right - 20 ? "end" : "middle";
    nodes.push(el("svg:text", { class: "axis tick", x: x(t), y: H - 4, "text-anchor": anchor }, label));
  }
  svg.replaceChildren(...nodes);
}

async function loadTimeline() {
  const current = ticket("timeline");
  const grain = $("#grain").value;
  const data = await api("timeline", { ...state.filters, grain });
  if (!current()) return;
  const series = data.series.map((s) => {
    const [since, until] = periodRange(s.period, grain);
    return {
      period: s.period,
      parts: ["1", "2", "3", "4"].map((q) => [`q${q}`, s.quad_class[q] || 0, `${s.period}: ${s.quad_class[q] || 0} events of QuadClass ${q} (${s.total} in all)`]),
      onclick: () => { $("#f-since").value = since; $("#f-until").value = until; applyFilters(); },
    };
  });
  drawTimeAxis($("#timeline"), series, grain, 600, 180, "no dated events");
}

// ---------------------------------------------------------------- map
const project = (lon, lat) => [(lon + 180) * 2, (90 - lat) * 2]; // equirectangular on a 720×360 box

function decodeTopology(topo, name) {
  // TopoJSON: quantized, delta-encoded arcs shared between neighbouring shapes.
  const [sx, sy] = topo.transform.scale;
  const [tx, ty] = topo.transform.translate;
  const arcs = topo.arcs.map((arc) => {
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => { x += dx; y += dy; return project(x * sx + tx, y * sy + ty); });
  });
  const path = (points, shift) => "M" + points.map((p) => (p[0] + shift).toFixed(1) + "," + p[1].toFixed(1)).join("L") + "Z";
  const ring = (indexes) => {
    const points = [];
    indexes.forEach((i, k) => {
      const arc = i >= 0 ? arcs[i] : arcs[~i].slice().reverse();
      points.push(...(k ? arc.slice(1) : arc));
    });
    // Shapes that cross the antimeridian (Russia, Fiji) or circle a pole (Antarctica) would draw
    // lines across the whole map: make the ring continuous in x, close a polar ring along the map's
    // edge, and draw a copy shifted by the map's width where it overflows.
    const flat = [points[0]];
    for (const [x0, y] of points.slice(1)) {
      const prev = flat[flat.length - 1][0];
      let x = x0;
      while (x - prev > 360) x -= 720;
      while (prev - x > 360) x += 720;
      flat.push([x, y]);
    }
    const first = flat[0], last = flat[flat.length - 1];
    if (Math.abs(last[0] - first[0]) > 360) {
      const edge = flat.reduce((s, p) => s + p[1], 0) / flat.length > 180 ? 360 : 0;
      flat.push([last[0], edge], [first[0], edge]);
    }
    const xs = flat.map((p) => p[0]);
    let d = path(flat, 0);
    if (Math.min(...xs) < 0) d += path(flat, 720);
    if (Math.max(...xs) > 720) d += path(flat, -720);
    return d;
  };
  return topo.objects[name].geometries.map((g) => {
    const polygons = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
    return { name: (g.properties || {}).name || "", d: polygons.map((p) => p.map(ring).join("")).join("") };
  });
}

async function loadBasemap() {
  const response = await fetch("/static/world-countries-110m.json");
  const shapes = decodeTopology(await response.json(), "countries");
  $("#basemap").replaceChildren(...shapes.map((s) => el("svg:path", { class: "country", d: s.d }, el("svg:title", {}, s.name))));
}

const view = { x: 0, y: 0, w: 720, h: 360 };
function setView() {
  $("#map").setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  const r = view.w / 720;
  for (const m of document.querySelectorAll("#markers circle")) m.setAttribute("r", m.dataset.r * Math.sqrt(r));
  for (const t of document.querySelectorAll("#markers text")) t.style.fontSize = `${7 * Math.sqrt(r)}px`;
}

function mapInteractions() {
  const svg = $("#map");
  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const box = svg.getBoundingClientRect();
    const fx = (e.clientX - box.left) / box.width, fy = (e.clientY - box.top) / box.height;
    const k = e.deltaY < 0 ? 0.8 : 1.25;
    const w = Math.min(720, Math.max(10, view.w * k)), h = w / 2;
    view.x += (view.w - w) * fx; view.y += (view.h - h) * fy; view.w = w; view.h = h;
    drawMarkers(); setView();
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (e) => { drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y }; });
  window.addEventListener("pointerup", () => { drag = null; });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const box = svg.getBoundingClientRect();
    view.x = drag.vx - (e.clientX - drag.x) * view.w / box.width;
    view.y = drag.vy - (e.clientY - drag.y) * view.h / box.height;
    setView();
  });
}

function bboxOfView() {
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const lon0 = clamp(view.x / 2 - 180, -180, 180), lon1 = clamp((view.x + view.w) / 2 - 180, -180, 180);
  const lat1 = clamp(90 - view.y / 2, -90, 90), lat0 = clamp(90 - (view.y + view.h) / 2, -90, 90);
  return [lon0, lat0, lon1, lat1].map((v) => v.toFixed(2)).join(",");
}

async function loadMarkers() {
  const current = ticket("markers");
  const points = await api("map", state.filters);
  if (!current()) return;
  state.points = points;
  drawMarkers();
  setView();
}

// Places closer than a few pixels at the current zoom are drawn as one cluster with its count;
// zooming in splits it.
function drawMarkers() {
  const zoom = view.w / 720;
  const cell = 22 * zoom;
  const groups = new Map();
  for (const p of state.points) {
    const [x, y] = project(p.lon, p.lat);
    const key = `${Math.floor(x / cell)},${Math.floor(y / cell)}`;
    const g = groups.get(key) || { x: 0, y: 0, events: 0, material_conflict: 0, members: [] };
    g.x += x * p.events; g.y += y * p.events; g.events += p.events; g.material_conflict += p.material_conflict;
    g.members.push(p); groups.set(key, g);
  }
  const max = Math.max(1, ...[...groups.values()].map((g) => g.events));
  const nodes = [];
  for (const g of groups.values()) {
    const cx = g.x / g.events, cy = g.y / g.events;
    const r = 2.5 + 7 * Math.sqrt(g.events / max);
    const single = g.members.length === 1;
    const p = g.members[0];
    const names = g.members.map((m) => m.name).filter(Boolean);
    const near = [p.lon - 0.01, p.lat - 0.01, p.lon + 0.01, p.lat + 0.01].map((v) => v.toFixed(4)).join(",");
    nodes.push(el("svg:circle", {
      class: "marker" + (g.material_conflict ? "" : " calm") + (single ? "" : " cluster"),
      cx: cx.toFixed(2), cy: cy.toFixed(2), r, "data-r": r, "data-places": g.members.length, "data-events": g.events,
      onclick: single ? () => { $("#f-bbox").value = near; applyFilters(); }
        : () => { zoomTo(cx, cy, view.w / 4); },
    }, el("svg:title", {}, `${single ? p.name || "" : names.slice(0, 5).join(", ") + (names.length > 5 ? " …" : "")}: ${g.events} events (${g.material_conflict} material conflict)${single ? "" : ` at ${g.members.length} places: click to zoom in`}`)));
    if (!single) nodes.push(el("svg:text", { class: "cluster-count", x: cx.toFixed(2), y: cy.toFixed(2), "data-r": 7 }, g.members.length));
  }
  $("#markers").replaceChildren(...nodes);
  $("#legend-scale").textContent = state.points.length ? `largest circle: ${max} events` : "no placed events";
}

function zoomTo(cx, cy, w) {
  w = Math.min(720, Math.max(10, w));
  view.w = w; view.h = w / 2; view.x = cx - w / 2; view.y = cy - view.h / 2;
  drawMarkers(); setView();
}

// ---------------------------------------------------------------- actors
async function loadActors() {
  const data = await api("actors", { q: $("#actor-search").value.trim(), limit: 100 });
  $("#actors tbody").replaceChildren(...data.items.map((a) => el("tr", {
    onclick: () => showDyads(a.code),
  }, el("td", {}, a.code ? el("a", { class: "actor-link", href: hrefOf({ actor_page: a.code }),
      onclick: (e) => { e.preventDefault(); e.stopPropagation(); openActorPage(a.code); } }, a.code) : ""), el("td", { title: a.names.join(", ") }, a.name || ""),
    el("td", {}, a.as_source), el("td", {}, a.as_target), el("td", {}, a.documents))));
  $("#actor-names").replaceChildren(...data.items.map((a) => el("option", { value: a.code }, a.name)));
}

async function showDyads(code) {
  const rows = await api("dyads", code ? { actor: code } : state.filters);
  $("#dyads-title").textContent = code ? `Who did what to whom: ${code}` : "Who did what to whom";
  $("#dyads tbody").replaceChildren(...rows.map((d) => el("tr", {
    onclick: () => {
      $("#f-source").value = d.source || ""; $("#f-target").value = d.target || "";
      $("#f-plover").value = d.plover || ""; $("#f-actor").value = "";
      switchTab("events-tab"); applyFilters();
    },
  }, el("td", {}, d.source || el("span", { class: "unknown", title: "events with no source actor found" }, "unidentified")), el("td", { title: d.example || "" }, d.plover || d.example || ""),
    el("td", {}, d.target || "—"), el("td", {}, d.events))));
}

function switchTab(id) {
  for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.tab === id);
  for (const p of document.querySelectorAll(".tab-panel")) p.hidden = p.id !== id;
  if (id !== "actor-page") state.actorPage = null;
}

// ---------------------------------------------------------------- an actor's page
async function openActorPage(code, push = true) {
  try {
    const a = await api(`actors/${encodeURIComponent(code)}`, { grain: "month" });
    switchTab("actor-page");
    state.actorPage = code;
    $("#ap-title").textContent = `${a.name || a.code} (${a.code})`;
    $("#ap-facts").replaceChildren(...[
      fact("Also named", a.names.join(", ") || "—"), fact("Country", a.country || "—"),
      fact("Sector / kind", `${a.sector || "—"} / ${a.kind || "—"}`),
      fact("Events", `${a.as_source} as source, ${a.as_target} as target, in ${a.documents} articles` + (a.undated ? ` (${a.undated} undated)` : "")),
    ].flat());
    drawTimeAxis($("#ap-timeline"), a.series.map((s) => ({
      period: s.period,
      parts: [["q2", s.source, `${s.period}: ${s.source} as source`], ["q4", s.target, `${s.period}: ${s.target} as target`]],
    })), a.grain, 600, 160, "no dated events");
    $("#ap-counterparts tbody").replaceChildren(...a.counterparts.map((c) => el("tr", {},
      el("td", {}, c.code ? el("a", { class: "actor-link", href: hrefOf({ actor_page: c.code }),
        onclick: (e) => { e.preventDefault(); openActorPage(c.code); } }, c.code) : el("span", { class: "unknown" }, "unidentified")),
      el("td", {}, c.name || ""), el("td", {}, c.role), el("td", {}, c.events))));
    if (push) syncUrl();
  } catch (err) { showError(err); }
}

// ---------------------------------------------------------------- wiring
async function refresh() {
  showError(null);
  const mine = ++state.refreshes;
  document.body.dataset.loaded = "false";
  try {
    await Promise.all([loadEvents(), loadTimeline(), loadMarkers(), loadFacets(), loadTotals()]);
    if (mine === state.refreshes) document.body.dataset.loaded = "true";
  } catch (err) { showError(err); }
}

function applyFilters(push = true) {
  state.filters = readFilters();
  state.cursors = [null]; state.page = 0;
  $("#event-view").hidden = true;
  if (state.actorPage) switchTab("events-tab");
  if (push) syncUrl();
  return refresh();
}

// Restore the view the URL describes (first load, reload, back/forward).
async function applyUrl() {
  const params = new URLSearchParams(location.search);
  fillForm(params);
  state.sort = params.get("sort") || null;
  state.order = params.get("order") === "asc" ? "asc" : "desc";
  const actorPage = params.get("actor_page");
  if (!actorPage) switchTab("events-tab");
  await applyFilters(false);
  syncUrl(false);
  const event = params.get("event");
  if (event && event.includes("/")) {
    const [docId, eventId] = event.split("/");
    await openEvent(docId, eventId, false);
  }
  if (actorPage) await openActorPage(actorPage, false);
}

async function init() {
  mapInteractions();
  try {
    const facets = await api("facets");
    $("#summary").textContent = `${facets.events} events from ${facets.documents} articles` +
      (facets.first_date ? `, ${facets.first_date} to ${facets.last_date}` : "");
    const fill = (sel, values) => $(sel).append(...Object.entries(values).sort()
      .map(([v, n]) => el("option", { value: v }, `${v} (${n})`)));
    fill("#f-plover", facets.plover);
    fill("#f-modality", facets.modality);
    await loadBasemap();
  } catch (err) { showError(err); }
  $("#filters").addEventListener("submit", (e) => { e.preventDefault(); applyFilters(); });
  $("#reset-filters").addEventListener("click", () => {
    $("#filters").reset();
    state.sort = null; state.order = "desc";
    view.x = 0; view.y = 0; view.w = 720; view.h = 360;
    applyFilters();
  });
  $("#bbox-from-map").addEventListener("click", () => { $("#f-bbox").value = bboxOfView(); applyFilters(); });
  $("#grain").addEventListener("change", () => loadTimeline().catch(showError));
  $("#prev").addEventListener("click", () => { state.page -= 1; loadEvents().catch(showError); });
  $("#next").addEventListener("click", () => {
    state.cursors[state.page + 1] = state.next; state.page += 1; loadEvents().catch(showError);
  });
  for (const th of document.querySelectorAll("#events th[data-sort]")) th.addEventListener("click", () => sortBy(th.dataset.sort));
  $("#show-doc").addEventListener("click", () => toggleDocument().catch(showError));
  $("#actor-back").addEventListener("click", () => history.back());
  $("#ap-events").addEventListener("click", () => {
    const code = state.actorPage;
    $("#filters").reset(); $("#f-actor").value = code; switchTab("events-tab"); applyFilters();
  });
  for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => {
    switchTab(b.dataset.tab);
    syncUrl();
    if (b.dataset.tab === "actors-tab") { loadActors().catch(showError); showDyads(null).catch(showError); }
  });
  let typing = null;
  $("#actor-search").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => loadActors().catch(showError), 250); });
  window.addEventListener("popstate", () => applyUrl().catch(showError));
  loadActors().catch(() => {});
  await applyUrl();
}

document.addEventListener("DOMContentLoaded", init);
