// The eventwire dashboard: plain DOM and SVG, no dependencies, nothing loaded from elsewhere.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const state = { cursors: [null], page: 0, next: null, filters: {}, view: null, refreshes: 0 };
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

// ---------------------------------------------------------------- events table
async function loadEvents() {
  const current = ticket("events");
  const params = { ...state.filters, limit: 50 };
  if (state.cursors[state.page]) params.cursor = state.cursors[state.page];
  const page = await api("events", params);
  if (!current()) return;
  state.next = page.next_cursor;
  const first = state.page * 50 + 1;
  $("#event-count").textContent = page.total
    ? `${first}–${first + page.items.length - 1} of ${page.total}` : "none match";
  $("#prev").disabled = state.page === 0;
  $("#next").disabled = !page.next_cursor;
  const rows = page.items.map((e) => el("tr", {
    "data-doc": e.doc_id, "data-event": e.event_id, onclick: () => openEvent(e.doc_id, e.event_id),
  },
    el("td", {}, e.date || "—"),
    el("td", { title: `CAMEO ${e.cameo} · PLOVER ${e.plover || "—"}` }, e.cameo_name || e.cameo),
    el("td", { class: "source" }, actorsText(e.source)),
    el("td", { class: "target" }, actorsText(e.target)),
    el("td", {}, e.place ? e.place.name : ""),
    el("td", {}, e.modality.join(", ")),
    el("td", { class: "evidence" }, e.evidence || "")));
  $("#events tbody").replaceChildren(...rows);
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

async function openEvent(docId, eventId) {
  try {
    const ev = await api(`events/${encodeURIComponent(docId)}/${encodeURIComponent(eventId)}`);
    state.view = ev;
    for (const tr of document.querySelectorAll("#events tbody tr")) {
      tr.classList.toggle("selected", tr.dataset.doc === docId && tr.dataset.event === eventId);
    }
    $("#ev-title").textContent = `${ev.cameo_name || ev.cameo} (CAMEO ${ev.cameo}${ev.plover ? ", PLOVER " + ev.plover : ""})`;
    $("#ev-sentence").replaceChildren(...highlighted(ev.evidence.text, ev.spans));
    const who = (list) => list.length ? list.map((a) => `${a.name} (${a.code})`).join(", ") : "—";
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

async function loadTimeline() {
  const current = ticket("timeline");
  const grain = $("#grain").value;
  const data = await api("timeline", { ...state.filters, grain });
  if (!current()) return;
  const svg = $("#timeline");
  const [W, H, left, bottom] = [600, 180, 34, 18];
  const n = data.series.length;
  const max = Math.max(1, ...data.series.map((s) => s.total));
  const bw = n ? (W - left - 4) / n : 0;
  const barWidth = Math.max(Math.min(bw * 0.8, 40), 0.5);
  const nodes = [];
  for (const t of [0, max]) {
    const y = H - bottom - (t / max) * (H - bottom - 8);
    nodes.push(el("svg:text", { class: "axis", x: left - 4, y: y + 3, "text-anchor": "end" }, t));
  }
  data.series.forEach((s, i) => {
    let y = H - bottom;
    for (const q of ["1", "2", "3", "4"]) {
      const v = s.quad_class[q] || 0;
      if (!v) continue;
      const h = (v / max) * (H - bottom - 8);
      y -= h;
      const [since, until] = periodRange(s.period, grain);
      nodes.push(el("svg:rect", {
        class: `bar q${q}`, x: left + i * bw + (bw - barWidth) / 2, y, width: barWidth, height: h,
        onclick: () => { $("#f-since").value = since; $("#f-until").value = until; applyFilters(); },
      }, el("svg:title", {}, `${s.period}: ${v} events of QuadClass ${q} (${s.total} in all)`)));
    }
  });
  const step = Math.max(1, Math.ceil(n / 6));
  data.series.forEach((s, i) => {
    if (i % step === 0 || i === n - 1) {
      nodes.push(el("svg:text", { class: "axis", x: left + i * bw + bw / 2, y: H - 4, "text-anchor": "middle" },
        grain === "year" ? s.period.slice(0, 4) : grain === "month" ? s.period.slice(0, 7) : s.period));
    }
  });
  if (!n) nodes.push(el("svg:text", { class: "axis", x: W / 2, y: H / 2, "text-anchor": "middle" }, "no dated events"));
  svg.replaceChildren(...nodes);
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
    setView();
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
  const max = Math.max(1, ...points.map((p) => p.events));
  const markers = points.map((p) => {
    const [x, y] = project(p.lon, p.lat);
    const r = 2.5 + 7 * Math.sqrt(p.events / max);
    const near = [p.lon - 0.01, p.lat - 0.01, p.lon + 0.01, p.lat + 0.01].map((v) => v.toFixed(4)).join(",");
    return el("svg:circle", {
      class: "marker" + (p.material_conflict ? "" : " calm"), cx: x.toFixed(2), cy: y.toFixed(2), r, "data-r": r,
      onclick: () => { $("#f-bbox").value = near; applyFilters(); },
    }, el("svg:title", {}, `${p.name || ""}: ${p.events} events (${p.material_conflict} material conflict)`));
  });
  $("#markers").replaceChildren(...markers);
  setView();
}

// ---------------------------------------------------------------- actors
async function loadActors() {
  const data = await api("actors", { q: $("#actor-search").value.trim(), limit: 100 });
  $("#actors tbody").replaceChildren(...data.items.map((a) => el("tr", {
    onclick: () => showDyads(a.code),
  }, el("td", {}, a.code || ""), el("td", { title: a.names.join(", ") }, a.name || ""),
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
  }, el("td", {}, d.source || "(unnamed)"), el("td", { title: d.example || "" }, d.plover || d.example || ""),
    el("td", {}, d.target || "—"), el("td", {}, d.events))));
}

function switchTab(id) {
  for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.tab === id);
  for (const p of document.querySelectorAll(".tab-panel")) p.hidden = p.id !== id;
}

// ---------------------------------------------------------------- wiring
async function refresh() {
  showError(null);
  const mine = ++state.refreshes;
  document.body.dataset.loaded = "false";
  try {
    await Promise.all([loadEvents(), loadTimeline(), loadMarkers()]);
    if (mine === state.refreshes) document.body.dataset.loaded = "true";
  } catch (err) { showError(err); }
}

function applyFilters() {
  state.filters = readFilters();
  state.cursors = [null]; state.page = 0;
  $("#event-view").hidden = true;
  refresh();
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
  $("#reset").addEventListener("click", () => { $("#filters").reset(); applyFilters(); });
  $("#bbox-from-map").addEventListener("click", () => { $("#f-bbox").value = bboxOfView(); applyFilters(); });
  $("#grain").addEventListener("change", () => loadTimeline().catch(showError));
  $("#prev").addEventListener("click", () => { state.page -= 1; loadEvents().catch(showError); });
  $("#next").addEventListener("click", () => {
    state.cursors[state.page + 1] = state.next; state.page += 1; loadEvents().catch(showError);
  });
  $("#show-doc").addEventListener("click", () => toggleDocument().catch(showError));
  for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => {
    switchTab(b.dataset.tab);
    if (b.dataset.tab === "actors-tab") { loadActors().catch(showError); showDyads(null).catch(showError); }
  });
  let typing = null;
  $("#actor-search").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => loadActors().catch(showError), 250); });
  loadActors().catch(() => {});
  applyFilters();
}

document.addEventListener("DOMContentLoaded", init);
