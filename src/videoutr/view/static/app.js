// videoutr view: renders data/run.js (one run) with details loaded chunk by chunk from data/detail-*.js.
// Plain browser JavaScript, no network, works from file://.
"use strict";

const V = { run: null, chunks: {}, waiting: {}, view: [], page: 0, pageSize: 50, sort: null, selected: null,
            filters: {}, ranges: {}, search: "", player: null };
const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324", "#469990", "#800000"];

// ---------- small helpers ----------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "text") node.textContent = v;
    else if (k === "html") node.innerHTML = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}
function fmt(v) {
  if (v === null || v === undefined) return "–";
  if (typeof v !== "number") return String(v);
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3);
}
function outcomeCell(v) {
  const mark = { right: "✓", wrong: "✗", error: "!" }[v];
  return el("td", { class: v, title: v }, mark || "");
}
function keyValueTable(obj) {
  const body = Object.entries(obj || {}).filter(([, v]) => typeof v !== "object" || v === null)
    .map(([k, v]) => el("tr", {}, el("th", { text: k }), el("td", { class: typeof v === "number" ? "num" : "", text: fmt(v) })));
  return el("table", {}, el("tbody", {}, body));
}
function card(title, ...children) { return el("section", { class: "card" }, title ? el("h2", { text: title }) : null, ...children); }
function plots(list) { return list && list.length ? el("div", { class: "plots" }, list.map(src => el("img", { src, alt: src }))) : null; }

// ---------- data loading ----------
function viewRun(run) { V.run = run; render(); }
function viewDetails(chunk, list) {
  V.chunks[chunk] = list;
  const waiting = V.waiting[chunk] || [];
  delete V.waiting[chunk];
  waiting.forEach(fn => fn());
}
function withDetail(index, then) {
  const chunk = Math.floor(index / V.run.chunk), at = index % V.run.chunk;
  if (V.chunks[chunk]) return then(V.chunks[chunk][at]);
  const first = !V.waiting[chunk];
  (V.waiting[chunk] = V.waiting[chunk] || []).push(() => then(V.chunks[chunk][at]));
  if (first) {
    const script = el("script", { src: `data/detail-${String(chunk).padStart(5, "0")}.js` });
    script.onerror = () => { document.getElementById("detail").textContent = `could not load ${script.src}`; };
    document.body.append(script);
  }
}

// ---------- page ----------
function render() {
  const run = V.run;
  document.title = `${run.title} · videoutr view`;
  document.getElementById("title").textContent = run.title;
  document.getElementById("kind").textContent = run.kind;
  const up = document.getElementById("parent");
  if (run.parent) { up.href = run.parent; up.hidden = false; }
  const app = document.getElementById("app");
  app.replaceChildren();
  if (run.warnings && run.warnings.length) {
    app.append(el("details", { class: "warnings" }, el("summary", { text: `${run.warnings.length} warning(s)` }),
      el("ul", {}, run.warnings.slice(0, 200).map(w => el("li", { text: w })))));
  }
  const summary = { engine: engineSummary, tpl: tplSummary, eval: evalSummary, collection: collectionPage }[run.kind](run);
  if (run.table) {  // the run's numbers fold away so the samples are on the first screen
    const box = el("details", { class: "card", id: "summary" }, el("summary", { text: headline(run) }), summary);
    app.append(box);
  } else app.append(summary);
  if (run.table) {
    app.append(el("div", { class: "split" },
      el("div", { class: "list", id: "list" }), el("div", { class: "detail", id: "detail" }, el("p", { class: "muted", text: "Pick a row to see it." }))));
    if (run.table.sort) V.sort = { key: run.table.sort[0], dir: run.table.sort[1] };
    applyFilters();
    const hash = /^#(\d+)$/.exec(location.hash);
    if (hash && +hash[1] < run.table.rows.length) select(+hash[1]);
  }
}

function headline(run) {
  const n = run.table.rows.length, s = run.summary || {};
  if (run.kind === "engine") {
    const st = run.stats || {};
    return `${st.videos ?? n} videos · ${st.errors ?? 0} errors · ${st.tracks ?? "?"} tracks · ${st.samples ?? "?"} dialogues` +
      (run.quality ? ` · IDF1 ${fmt(run.quality.tracking.IDF1)}` : "") + " — details";
  }
  if (run.kind === "tpl") return `${n} samples · TPL mean ${fmt(s.overall && s.overall.mean)} · median ${fmt(s.overall && s.overall.median)} — summary and plots`;
  const acc = Object.entries(s.conditions || {}).map(([c, v]) => `${c} ${fmt(v.overall.accuracy)}`).join(" · ");
  return `${n} questions · accuracy ${acc}` + (s.verdict ? ` · ${s.verdict.statement}` : "") + " — report and plots";
}

// ---------- the table: filter, sort, page ----------
function colIndex(key) { return V.run.table.columns.findIndex(c => c.key === key); }
function applyFilters() {
  const t = V.run.table, search = V.search.toLowerCase();
  const view = [];
  t.rows.forEach((row, i) => {
    if (search && !String(row[0]).toLowerCase().includes(search)) return;
    for (const [key, value] of Object.entries(V.filters)) if (value !== "" && String(row[colIndex(key)]) !== value) return;
    for (const [key, [lo, hi]] of Object.entries(V.ranges)) {
      const v = row[colIndex(key)];
      if ((lo !== "" && !(v >= +lo)) || (hi !== "" && !(v <= +hi))) return;
    }
    view.push(i);
  });
  if (V.sort) {
    const c = colIndex(V.sort.key), dir = V.sort.dir;
    const val = v => (typeof v === "number" && Number.isFinite(v)) ? v : (typeof v === "number" ? -Infinity : v);
    view.sort((a, b) => {
      const x = val(t.rows[a][c]), y = val(t.rows[b][c]);
      if (x === y) return a - b;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    });
  }
  V.view = view;
  V.page = 0;
  drawList();
}
function drawList() {
  const t = V.run.table, list = document.getElementById("list");
  const filters = el("div", { class: "filters" },
    el("input", { type: "search", placeholder: "search id", value: V.search, id: "search",
                  oninput: e => { V.search = e.target.value; applyFilters(); refocus("search"); } }));
  for (const key of t.filters) {
    const c = colIndex(key), values = [...new Set(t.rows.map(r => String(r[c])))].sort();
    const select = el("select", { id: `filter-${key}`, onchange: e => { V.filters[key] = e.target.value; applyFilters(); } },
      el("option", { value: "", text: `${t.columns[c].label}: all` }), values.map(v => el("option", { value: v, text: v })));
    select.value = V.filters[key] || "";
    filters.append(select);
  }
  for (const key of t.ranges) {
    const [lo, hi] = V.ranges[key] || ["", ""];
    const set = (i, v) => { const r = V.ranges[key] || ["", ""]; r[i] = v; V.ranges[key] = r; applyFilters(); };
    filters.append(el("span", { text: `${t.columns[colIndex(key)].label} from` }),
      el("input", { type: "number", step: "any", value: lo, id: `min-${key}`, onchange: e => set(0, e.target.value) }),
      el("span", { text: "to" }),
      el("input", { type: "number", step: "any", value: hi, id: `max-${key}`, onchange: e => set(1, e.target.value) }));
  }
  const head = el("tr", {}, t.columns.map(c => el("th", {
    title: "sort", text: c.label + (V.sort && V.sort.key === c.key ? (V.sort.dir > 0 ? " ▲" : " ▼") : ""),
    onclick: () => { V.sort = { key: c.key, dir: V.sort && V.sort.key === c.key ? -V.sort.dir : (c.type === "num" ? -1 : 1) }; applyFilters(); } })));
  const start = V.page * V.pageSize, shown = V.view.slice(start, start + V.pageSize);
  const body = el("tbody", {}, shown.map(i => {
    const row = t.rows[i];
    return el("tr", { "data-row": i, class: i === V.selected ? "selected" : "", onclick: () => select(i) },
      t.columns.map((c, k) => c.type === "outcome" ? outcomeCell(row[k]) : el("td", { class: c.type === "num" ? "num" : "", text: fmt(row[k]) })));
  }));
  const pages = Math.max(1, Math.ceil(V.view.length / V.pageSize));
  const pager = el("div", { class: "pager" },
    el("button", { text: "‹ prev", disabled: V.page === 0 ? "" : null, onclick: () => { V.page--; drawList(); } }),
    el("span", { id: "page-info", text: `${V.view.length ? start + 1 : 0}–${start + shown.length} of ${V.view.length}` +
      (V.view.length !== t.rows.length ? ` (filtered from ${t.rows.length})` : "") + ` · page ${V.page + 1}/${pages}` }),
    el("button", { text: "next ›", disabled: V.page + 1 >= pages ? "" : null, onclick: () => { V.page++; drawList(); } }));
  list.replaceChildren(filters, el("table", { id: "rows" }, el("thead", {}, head), body), pager);
}
function refocus(id) { const n = document.getElementById(id); if (n) { n.focus(); n.selectionStart = n.selectionEnd = n.value.length; } }
function select(i) {
  V.selected = i;
  history.replaceState(null, "", `#${i}`);
  document.querySelectorAll("#rows tbody tr").forEach(tr => tr.classList.toggle("selected", +tr.dataset.row === i));
  const pane = document.getElementById("detail");
  pane.replaceChildren(el("p", { class: "muted", text: "loading…" }));
  withDetail(i, d => {
    if (V.selected !== i) return;
    if (V.player) V.player.stop();
    const draw = { engine: engineDetail, tpl: tplDetail, eval: evalDetail }[V.run.kind];
    pane.replaceChildren(draw(d));
    pane.dataset.loaded = String(i);
  });
}

// ---------- the frame player: a frame sheet on a canvas, an overlay, a stated-box highlight ----------
class Player {
  constructor(media, opts) {
    this.media = media;
    this.frames = media ? media.frames : (opts.frames || [0]);
    this.opts = opts;
    const aspect = media ? media.h / media.w : (opts.height || 1) / (opts.width || 1);
    this.canvas = el("canvas", { width: 480, height: Math.round(480 * aspect) });
    this.box = el("div", { class: "stated-box", hidden: "" }, el("span"));
    this.root = el("div", { class: "player", id: opts.id || null }, this.canvas, this.box);
    this.slider = el("input", { type: "range", min: 0, max: this.frames.length - 1, value: 0, oninput: e => { this.pause(); this.showAt(+e.target.value); } });
    this.label = el("span", { class: "frame-label" });
    this.button = el("button", { text: "▶ play", onclick: () => (this.timer ? this.pause() : this.play()) });
    this.controls = el("div", { class: "controls" }, this.button, this.slider, this.label);
    this.k = 0;
    if (media) {
      this.image = new Image();
      this.image.onload = () => this.showAt(this.k);
      this.image.src = media.src;
    }
    this.showAt(0);
  }
  nearest(frame) {
    let best = 0;
    this.frames.forEach((f, k) => { if (Math.abs(f - frame) < Math.abs(this.frames[best] - frame)) best = k; });
    return best;
  }
  showAt(k) {
    this.k = k;
    const frame = this.frames[k], ctx = this.canvas.getContext("2d"), W = this.canvas.width, H = this.canvas.height;
    ctx.fillStyle = "#222"; ctx.fillRect(0, 0, W, H);
    if (this.image && this.image.complete && this.image.naturalWidth) {
      const m = this.media, col = k % m.cols, row = Math.floor(k / m.cols);
      ctx.drawImage(this.image, col * m.w, row * m.h, m.w, m.h, 0, 0, W, H);
    } else if (!this.media) {
      ctx.fillStyle = "#888"; ctx.font = "14px sans-serif"; ctx.fillText("no frames (video not found)", 10, 22);
    }
    if (this.opts.overlay) this.opts.overlay(ctx, frame, W, H);
    this.root.dataset.frame = String(frame);
    this.slider.value = k;
    const fps = this.opts.fps;
    this.label.textContent = `frame ${frame}` + (fps ? ` · ${(frame / fps).toFixed(2)} s` : "") + ` · ${k + 1}/${this.frames.length}`;
    if (this.highlighted && this.highlighted.frame !== frame) this.box.hidden = true;
  }
  play() {  // in real time: a sampled clip waits as long as the frames it skips
    this.button.textContent = "❚❚ pause";
    const step = () => {
      const next = (this.k + 1) % this.frames.length, gap = next ? this.frames[next] - this.frames[this.k] : 1;
      this.timer = setTimeout(() => { this.showAt(next); step(); }, 1000 * Math.max(1, gap) / (this.opts.fps || 8));
    };
    step();
  }
  pause() { clearTimeout(this.timer); this.timer = null; this.button.textContent = "▶ play"; }
  stop() { this.pause(); }
  highlight(frame, box, text) {
    this.pause();
    this.showAt(this.nearest(frame));
    const [x1, y1, x2, y2] = box;
    Object.assign(this.box.style, { left: `${x1 * 100}%`, top: `${y1 * 100}%`, width: `${(x2 - x1) * 100}%`, height: `${(y2 - y1) * 100}%` });
    this.box.firstChild.textContent = `frame ${frame}: ${text}`;
    this.box.dataset.frame = String(frame);
    this.box.hidden = false;
    this.highlighted = { frame: this.frames[this.k] };
  }
}

// ---------- engine ----------
function engineSummary(run) {
  const s = run.stats || {};
  const parts = [card("Run", keyValueTable(s),
    s.dropped_tracks ? el("p", {}, el("b", { text: "Dropped tracks by reason: " }), JSON.stringify(s.dropped_tracks)) : null,
    s.skipped_questions ? el("p", {}, el("b", { text: "Skipped questions by reason: " }), JSON.stringify(s.skipped_questions)) : null)];
  if (run.quality) {
    parts.push(card("Quality against ground truth (engine-eval)", keyValueTable(run.quality.tracking),
      run.quality.answers ? el("p", { text: `answers correct: ${fmt(run.quality.answers.accuracy)} of ${run.quality.answers.answers}` }) : null));
  }
  parts.push(card(`Errors (${run.errors.length})`, run.errors.length ?
    el("table", { id: "errors" }, el("tbody", {}, run.errors.map(e => el("tr", {}, el("td", { text: e.video || e.video_id }), el("td", { class: "error", text: e.error }))))) :
    el("p", { class: "muted", text: "no video failed" })));
  return el("div", { class: "summary" }, parts);
}
function pointAt(track, frame) {
  if (!track.byFrame) track.byFrame = new Map(track.p.map(r => [r[0], r]));
  return track.byFrame.get(frame);
}
function drawTracks(d) {
  return (ctx, frame, W, H) => {
    if (d.uncertain_frames.includes(frame)) { ctx.fillStyle = "rgba(178,106,0,.85)"; ctx.fillRect(0, H - 18, 130, 18); ctx.fillStyle = "#fff"; ctx.font = "12px sans-serif"; ctx.fillText("unexplained detections", 4, H - 5); }
    for (const t of d.tracks) {
      const p = pointAt(t, frame);
      if (!p) continue;
      const [, x1, y1, x2, y2, interp, , colour, shape, , , contact] = p, c = PALETTE[t.id % PALETTE.length];
      ctx.strokeStyle = c; ctx.lineWidth = 2; ctx.setLineDash(interp ? [5, 4] : []);
      ctx.strokeRect(x1 * W, y1 * H, (x2 - x1) * W, (y2 - y1) * H);
      ctx.setLineDash([]);
      const label = `#${t.id} ${colour || ""} ${shape || t.category || ""}${interp ? " (interp.)" : ""}${contact ? " (contact)" : ""}`;
      ctx.font = "12px sans-serif";
      const w = ctx.measureText(label).width + 6, y = Math.max(0, y1 * H - 16);
      ctx.fillStyle = c; ctx.fillRect(x1 * W, y, w, 15);
      ctx.fillStyle = "#fff"; ctx.fillText(label, x1 * W + 3, y + 12);
    }
  };
}
function trackTable(d) {
  const rows = d.tracks.map(t => el("tr", {},
    el("td", {}, el("span", { style: `color:${PALETTE[t.id % PALETTE.length]}`, text: `■ #${t.id}` })),
    el("td", { text: `${t.colour || ""} ${t.category || ""}` }), el("td", { text: t.size || "" }),
    el("td", { text: `${t.p[0][0]}–${t.p[t.p.length - 1][0]}` }), el("td", { class: "num", text: String(t.p.filter(r => r[5]).length) }),
    el("td", { class: "num", text: fmt(t.observed) }), el("td", { text: t.events.map(e => `${e[0]}@${e[1]}`).join(", ") })));
  return el("table", { class: "tracks" }, el("thead", {}, el("tr", {}, ["track", "what", "size", "frames", "interp.", "observed", "events"].map(h => el("th", { text: h })))),
    el("tbody", {}, rows));
}
function dialogueView(dlg, player) {
  return el("div", { class: "dialogue" }, el("div", { class: "muted", text: `${dlg.id} · ${dlg.tasks.join(", ")}` }),
    dlg.turns.map(turn => el("div", { class: `turn ${turn.role}` }, el("span", { class: "role", text: turn.role === "gpt" ? "answer" : "question" }),
      turn.parts.map(part => typeof part === "string" ? part : el("span", {
        class: "box-ref", "data-frame": part.f, "data-box": JSON.stringify(part.b), title: `show on frame ${part.f}`, text: part.t,
        onmouseenter: () => player.highlight(part.f, part.b, part.t),
        onclick: e => { document.querySelectorAll(".box-ref.active").forEach(n => n.classList.remove("active")); e.target.classList.add("active"); player.highlight(part.f, part.b, part.t); },
      })))));
}
function engineDetail(d) {
  const player = V.player = new Player(d.media, { frames: d.frame_idx, fps: d.fps, width: d.width, height: d.height, overlay: drawTracks(d), id: "player" });
  const dropped = Object.entries(d.dropped || {});
  const left = el("div", {}, el("h2", { text: `${d.id} · ${d.video}` }), player.root, player.controls,
    el("p", { class: "muted", text: `${d.width}×${d.height}, ${d.num_frames} frames at ${d.fps} fps; ${d.frame_idx.length} tracked. Dashed boxes: interpolated points.` }),
    trackTable(d),
    el("p", {}, el("b", { text: "Dropped tracks: " }), dropped.length ? dropped.map(([k, v]) => `${k}: ${v}`).join(", ") : "none"),
    el("p", {}, el("b", { text: "Uncertain frames: " }), d.uncertain_frames.length ? d.uncertain_frames.join(", ") : "none"));
  const right = el("div", { id: "dialogues" }, el("h2", { text: `Dialogues (${d.dialogues.length})` }),
    d.dialogues.length ? d.dialogues.map(dlg => dialogueView(dlg, player)) : el("p", { class: "muted", text: "no dialogue for this video" }));
  return el("div", { class: "engine-detail" }, left, right);
}

// ---------- TPL ----------
function statsTable(by) {
  const rows = Object.entries(by || {}).map(([k, s]) => el("tr", {}, el("td", { text: k }),
    ["count", "mean", "median", "std", "min", "max"].map(m => el("td", { class: "num", text: fmt(s[m]) }))));
  return el("table", {}, el("thead", {}, el("tr", {}, ["", "count", "mean", "median", "std", "min", "max"].map(h => el("th", { text: h })))), el("tbody", {}, rows));
}
function tplSummary(run) {
  const s = run.summary || {};
  return el("div", { class: "summary" },
    card("TPL", el("p", { class: "muted", text: `mode ${run.settings.mode}, key frame ${run.settings.key_frame}, model ${run.settings.model}; ${s.n_scored ?? run.table.rows.length} scored, ${s.n_errors ?? 0} errors` }),
      s.overall ? statsTable({ all: s.overall }) : null, s.by_subset ? el("h2", { text: "by subset" }) : null, statsTable(s.by_subset),
      s.by_source ? el("h2", { text: "by source" }) : null, statsTable(s.by_source), plots(run.plots)),
    run.errors.length ? card(`Errors and warnings (${run.errors.length})`, el("ul", {}, run.errors.slice(0, 200).map(e => el("li", { class: "error", text: `${e.where}: ${e.error || e.warning}` })))) : null);
}
function tplDetail(d) {
  const player = V.player = new Player(d.media, { frames: d.frame_idx, id: "player" });
  const key = el("div", { class: "keyframe" }, el("div", { class: "muted", text: `key frame ${d.key_frame}` }));
  if (d.media) {
    const kp = new Player(d.media, { frames: d.frame_idx, id: "keyframe" });
    kp.showAt(kp.nearest(d.key_frame));
    key.append(kp.root);
  }
  const rows = d.turns.map((t, i) => el("tr", {}, el("td", { class: "num", text: String(i + 1) }),
    el("td", {}, t.human ? el("div", { class: "muted", text: t.human.replace("<video>", "").trim() }) : null, el("div", { text: t.gpt })),
    el("td", { class: "num", text: fmt(t.n_tokens) }), el("td", { class: "num", text: fmt(t.ppl_full) }),
    el("td", { class: "num", text: fmt(t.ppl_single) }), el("td", { class: "num", text: fmt(t.tpl) })));
  return el("div", {}, el("h2", { text: `${d.id}${d.video ? " · " + d.video : ""}` }),
    el("div", { class: "side-by-side" }, key, el("div", { style: "flex:1;min-width:260px" }, el("div", { class: "muted", text: "all frames the model saw" }), player.root, player.controls)),
    el("table", { id: "turns" }, el("thead", {}, el("tr", {}, ["turn", "text", "tokens", "PPL all", "PPL key", "TPL"].map(h => el("th", { text: h })))), el("tbody", {}, rows)));
}

// ---------- eval / probe ----------
function evalSummary(run) {
  return el("div", { class: "summary" }, card("Evaluation", el("div", { class: "report", html: run.report_html }), plots(run.plots)));
}
function evalDetail(d) {
  const conds = V.run.conditions.filter(c => d.conditions[c]);
  const player = V.player = new Player(d.media, { id: "player" });
  const head = el("tr", {}, el("th", { text: "option" }), conds.map(c => el("th", {}, c, " ", el("span", { class: d.conditions[c].outcome, text: { right: "✓", wrong: "✗", error: "!" }[d.conditions[c].outcome] || "" }))));
  let body;
  if (d.kind === "mcq") {
    body = d.options.map((opt, i) => el("tr", { class: i === d.answer_index ? "answer" : "" },
      el("td", {}, el("b", { text: String.fromCharCode(65 + i) + ". " }), opt, i === d.answer_index ? el("span", { class: "right", text: "  ← right answer" }) : null),
      conds.map(c => {
        const r = d.conditions[c], picked = r.pick === i;
        const cls = ["num", picked ? "pick" : "", picked ? (i === d.answer_index ? "right" : "wrong") : ""].join(" ");
        return el("td", { class: cls, title: picked ? "the model's pick" : "", text: r.scores ? fmt(r.scores[i]) : (picked ? "pick" : "") });
      })));
  } else {
    body = [el("tr", {}, el("td", { text: "references: " + d.references.join(" | ") }),
      conds.map(c => el("td", {}, el("div", { text: d.conditions[c].generation || "" }), el("div", { class: "muted", text: JSON.stringify(d.conditions[c].metrics) }))))];
  }
  const errors = conds.filter(c => d.conditions[c].error).map(c => el("p", { class: "error", text: `${c}: ${d.conditions[c].error}` }));
  const shown = el("p", { class: "muted" }, "Frames shown (positions among the sampled frames): ",
    conds.map((c, i) => `${i ? "; " : ""}${c}: ${framesShown(d.conditions[c].frames_shown)}`));
  return el("div", {}, el("h2", { text: d.id }), el("p", { text: d.question || "(question text not available)" }),
    el("div", { class: "side-by-side" }, el("div", { style: "flex:0 1 360px" }, player.root, player.controls),
      el("table", { id: "options" }, el("thead", {}, head), el("tbody", {}, body))), errors, shown,
    el("p", { class: "muted", text: "Scores: the model's log-likelihood of each option; the boxed cell is its pick." }));
}

function framesShown(f) {
  if (f === null || f === undefined) return "none";
  if (f.every((v, i) => v === i)) return `all ${f.length} in order`;
  return f.length > 12 ? `${f.slice(0, 12).join(",")},…` : f.join(",");
}

// keyboard: arrows step the frames, space plays / pauses (not while typing in a field)
document.addEventListener("keydown", e => {
  if (!V.player || /INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName)) return;
  const p = V.player, n = p.frames.length;
  if (e.key === "ArrowRight" || e.key === "ArrowLeft") { p.pause(); p.showAt((p.k + (e.key === "ArrowRight" ? 1 : n - 1)) % n); e.preventDefault(); }
  else if (e.key === " ") { p.timer ? p.pause() : p.play(); e.preventDefault(); }
});

// ---------- a folder of runs (a demo) ----------
function collectionPage(run) {
  const parts = [];
  if (run.claims && run.claims.length) {
    parts.push(card("Claims", el("table", { id: "claims" }, el("thead", {}, el("tr", {}, ["id", "claim", "value", "95% CI", "verdict"].map(h => el("th", { text: h })))),
      el("tbody", {}, run.claims.map(c => el("tr", {}, el("td", { text: c.id ?? "" }), el("td", { text: c.claim ?? "" }), el("td", { class: "num", text: fmt(c.value) }),
        el("td", { text: Array.isArray(c.ci) ? `[${c.ci.map(fmt).join(", ")}]` : fmt(c.ci) }),
        el("td", { class: `verdict-${String(c.verdict).replace(/\s+/g, "-")}`, text: c.verdict ?? "" })))))));
  }
  parts.push(card(`Runs (${run.runs.length})`, el("table", { id: "runs" }, el("thead", {}, el("tr", {}, ["run", "kind", "rows", "warnings"].map(h => el("th", { text: h })))),
    el("tbody", {}, run.runs.map(r => el("tr", {}, el("td", {}, el("a", { href: r.href, text: r.path })), el("td", { text: r.kind }),
      el("td", { class: "num", text: String(r.rows) }), el("td", { class: "num", text: String(r.warnings) })))))));
  if (run.wall_s !== null && run.wall_s !== undefined) parts.push(el("p", { class: "muted", text: `wall time ${fmt(run.wall_s)} s` }));
  if (run.report_html) parts.push(card("Report", el("div", { class: "report", html: run.report_html })));
  if (run.plots && run.plots.length) parts.push(card("Plots", plots(run.plots)));
  return el("div", { class: "summary" }, parts);
}
