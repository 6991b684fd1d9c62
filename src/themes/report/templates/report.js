/* The theme report: charts as SVG, filters and drill-down, all in the page (no server, no
 * external files). Text from the data is only ever set with textContent, never as HTML. */
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const T = JSON.parse(document.getElementById("report-text").textContent);
  const LOCALE = JSON.parse(document.getElementById("report-locale").textContent);
  const NS = "http://www.w3.org/2000/svg";
  const C = D.comments;
  const N = C.value.length;
  const nf = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
  const sf = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1, signDisplay: "exceptZero" });
  const pf = new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 1 });
  const state = { seg: "", period: "", lang: "", theme: null, search: "", sortKey: "rank", sortDir: 1, open: {} };
  const byId = (id) => document.getElementById(id);
  const fmt = (x) => (x === null || x === undefined || Number.isNaN(x) ? "–" : nf.format(x));
  const fmtS = (x) => (x === null || x === undefined || Number.isNaN(x) ? "–" : sf.format(x));

  function el(tag, attrs, parent, text) {
    const node = tag.startsWith("svg:") ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function svg(container, width, height) {
    container.textContent = "";
    return el("svg:svg", { viewBox: `0 0 ${width} ${height}`, role: "img" }, container);
  }

  /* ---------------------------------------------------------------- filtering and figures */
  function mask() {
    const m = new Uint8Array(N);
    const [segCol, segVal] = state.seg ? state.seg.split("\u0001") : [null, null];
    const segCodes = segCol ? D.segments[segCol].codes : null;
    const segIdx = segCol ? D.segments[segCol].values.indexOf(segVal) : -1;
    const periodIdx = state.period ? D.periods.indexOf(state.period) : -1;
    const langIdx = state.lang ? D.langs.indexOf(state.lang) : -1;
    for (let i = 0; i < N; i++) {
      m[i] = (!segCodes || segCodes[i] === segIdx) && (!state.period || C.period[i] === periodIdx) &&
        (!state.lang || C.lang[i] === langIdx) ? 1 : 0;
    }
    return m;
  }
  const filtered = () => Boolean(state.seg || state.period || state.lang);

  function figures(m) {
    const k = D.themes.length;
    const n = new Float64Array(k), sum = new Float64Array(k), scored = new Float64Array(k), sent = new Float64Array(k);
    let total = 0, totalScored = 0, totalSum = 0;
    for (let i = 0; i < N; i++) {
      if (!m[i]) continue;
      total++;
      const v = C.value[i];
      if (v !== null) { totalScored++; totalSum += v; }
      for (const t of C.themes[i]) {
        n[t]++;
        sent[t] += C.sent[i] || 0;
        if (v !== null) { scored[t]++; sum[t] += v; }
      }
    }
    const f = D.scale.factor;
    const metric = totalScored ? (f * totalSum) / totalScored : NaN;
    const themes = D.themes.map((th, t) => {
      const without = totalScored - scored[t] ? (f * (totalSum - sum[t])) / (totalScored - scored[t]) : NaN;
      return {
        share: total ? n[t] / total : 0, n: n[t], sentiment: n[t] ? sent[t] / n[t] : NaN,
        impact: Number.isNaN(metric) ? NaN : metric - without,
      };
    });
    return { total, totalScored, metric, themes };
  }

  function rows(fig) {
    // unfiltered: the pipeline's figures (key driver, with intervals); filtered: recomputed here
    return D.themes.map((th, t) => ({
      t, id: th.id, label: th.id === "other" ? T.other_label : th.label, rank: th.rank, priority: th.priority, emerging: th.emerging,
      share: filtered() ? fig.themes[t].share : th.share,
      sentiment: filtered() ? fig.themes[t].sentiment : th.sentiment,
      impact: filtered() ? fig.themes[t].impact : th.impact,
      low: filtered() ? null : th.low, high: filtered() ? null : th.high,
    }));
  }

  /* ---------------------------------------------------------------- headline */
  function headline(fig) {
    const box = byId("headline");
    box.textContent = "";
    const s = D.summary;
    const card = (title, big, small, size) => {
      const c = el("div", { class: "card" }, box);
      el("div", { class: "hint" }, c, title);
      el("div", { class: size || "big" }, c, big);
      if (small) el("div", { class: "hint" }, c, small);
    };
    const name = D.scale.name === "stars" ? "★" : D.scale.label;
    if (s.metric) {
      const f = D.scale.name === "nps" ? fmtS : fmt;  // only NPS runs from negative to positive
      const interval = filtered() ? "" : `95% CI ${f(s.metric.low)} … ${f(s.metric.high)}`;
      card(name, f(fig.metric), interval);
      if (D.scale.why) el("div", { class: "hint", title: D.scale.why }, box.lastChild, `scale: ${D.scale.why}`);
    } else {
      card(T.metric, "–", T.no_scores);
    }
    card(T.responses, fmt(fig.total), filtered() ? `${T.of} ${fmt(N)}` : "");
    // "unknown" (too short to tell) is listed below the figure but is not a language
    card(T.languages, String(Object.keys(s.languages || {}).filter((k) => k !== "unknown").length),
      Object.entries(s.languages || {}).map(([k, v]) => `${k} ${fmt(v)}`).join(" · "));
    if (s.first_date) card(T.period, `${s.first_date} … ${s.last_date}`, "", "mid");
    if (s.change && s.change.delta !== null) {
      card(T.change, fmtS(s.change.delta), `${s.change.from} → ${s.change.to} · 95% CI ${fmtS(s.change.low)} … ${fmtS(s.change.high)}`);
    }
  }

  /* ---------------------------------------------------------------- charts */
  function impactChart(list) {
    const sorted = list.slice().sort((a, b) => (a.impact ?? 1e9) - (b.impact ?? 1e9));
    const rowH = 22, left = 190, width = 640, height = sorted.length * rowH + 30;
    const g = svg(byId("impact-chart"), width, height);
    const values = sorted.flatMap((r) => [r.impact, r.low, r.high]).filter((x) => x !== null && !Number.isNaN(x));
    const lim = Math.max(1, ...values.map(Math.abs));
    const x = (v) => left + ((v + lim) / (2 * lim)) * (width - left - 20);
    el("svg:line", { class: "zero", x1: x(0), x2: x(0), y1: 0, y2: height - 20 }, g);
    sorted.forEach((r, i) => {
      const y = i * rowH + 4;
      const broad = r.priority === "too broad" ? ` (${T["too broad"]})` : "";
      el("svg:text", { x: left - 6, y: y + 13, "text-anchor": "end" }, g, r.label.slice(0, 32 - broad.length) + broad);
      if (r.impact === null || Number.isNaN(r.impact)) return;
      const x0 = Math.min(x(0), x(r.impact)), w = Math.max(1, Math.abs(x(r.impact) - x(0)));
      const bar = el("svg:rect", { class: `bar ${r.impact < 0 ? "neg" : "pos"}`, x: x0, y, width: w, height: rowH - 8,
        "data-theme": r.id }, g);
      el("svg:title", {}, bar, `${r.label}: ${fmtS(r.impact)}`);
      if (r.low !== null && r.high !== null) {
        el("svg:line", { class: "whisker", x1: x(r.low), x2: x(r.high), y1: y + 7, y2: y + 7 }, g);
        el("svg:line", { class: "whisker", x1: x(r.low), x2: x(r.low), y1: y + 3, y2: y + 11 }, g);
        el("svg:line", { class: "whisker", x1: x(r.high), x2: x(r.high), y1: y + 3, y2: y + 11 }, g);
      }
    });
    el("svg:text", { x: x(-lim), y: height - 6 }, g, fmtS(-lim));
    el("svg:text", { x: x(lim), y: height - 6, "text-anchor": "end" }, g, fmtS(lim));
    el("svg:text", { x: x(0), y: height - 6, "text-anchor": "middle" }, g, D.scale.unit);
  }

  // the change from the previous period to the latest, per theme (all responses, not filtered):
  // the total with its interval as a bar, volume and score effects in the text
  function changeChart() {
    const ch = D.summary.change;
    if (!ch) return;
    byId("change-panel").hidden = false;
    byId("change-note").textContent = `${ch.from} → ${ch.to}: ${fmtS(ch.delta)} ${D.scale.unit}`;
    const items = ch.contributions.slice(0, 8).map((c) => [c.label, c.total, c.low, c.high,
      `${T.volume} ${fmtS(c.volume_effect)} · ${T.score_effect} ${fmtS(c.score_effect)}`]);
    items.push([T.residual, ch.residual, ch.residual_low, ch.residual_high, ""]);
    const rowH = 22, left = 190, right = 250, width = 760, height = items.length * rowH + 24;
    const g = svg(byId("change-chart"), width, height);
    const lim = Math.max(1, ...items.flatMap((r) => r.slice(1, 4)).filter((v) => v !== null).map(Math.abs));
    const x = (v) => left + ((v + lim) / (2 * lim)) * (width - left - right);
    el("svg:line", { class: "zero", x1: x(0), x2: x(0), y1: 0, y2: height - 20 }, g);
    items.forEach(([label, total, low, high, parts], i) => {
      const y = i * rowH + 4;
      el("svg:text", { x: left - 6, y: y + 13, "text-anchor": "end" }, g, label.slice(0, 32));
      const bar = el("svg:rect", { class: `bar ${total < 0 ? "neg" : "pos"}`, x: Math.min(x(0), x(total)), y,
        width: Math.max(1, Math.abs(x(total) - x(0))), height: rowH - 8 }, g);
      el("svg:title", {}, bar, `${label}: ${fmtS(total)} [${fmtS(low)}, ${fmtS(high)}] ${parts}`);
      el("svg:line", { class: "whisker", x1: x(low), x2: x(high), y1: y + 7, y2: y + 7 }, g);
      el("svg:text", { x: width - right + 6, y: y + 13 }, g, `${fmtS(total)} ${parts ? "(" + parts + ")" : ""}`);
    });
  }

  function quadrant(list) {
    const width = 420, height = 300, pad = 36;
    const g = svg(byId("quadrant-chart"), width, height);
    const shares = list.map((r) => r.share || 0), impacts = list.map((r) => r.impact).filter((v) => v !== null && !Number.isNaN(v));
    const maxS = Math.max(0.01, ...shares), lim = Math.max(1, ...impacts.map(Math.abs));
    const x = (s) => pad + (s / maxS) * (width - 2 * pad);
    const y = (v) => height / 2 - (v / lim) * (height / 2 - pad);
    const median = shares.slice().sort((a, b) => a - b)[Math.floor(shares.length / 2)] || 0;
    el("svg:line", { class: "zero", x1: pad, x2: width - pad, y1: y(0), y2: y(0) }, g);
    el("svg:line", { class: "zero", x1: x(median), x2: x(median), y1: pad / 2, y2: height - pad / 2 }, g);
    el("svg:text", { x: width - pad, y: height - 6, "text-anchor": "end" }, g, `${T.share} →`);
    el("svg:text", { x: 4, y: 12 }, g, `${T.impact} ↑`);
    const corner = (text, x0, y0, anchor) => el("svg:text", { x: x0, y: y0, "text-anchor": anchor, class: "corner" }, g, text);
    corner(T["fix now"], width - pad, height - pad / 2 - 4, "end");
    corner(T.monitor, pad, height - pad / 2 - 4, "start");
    corner(T.strengths, width - pad, pad / 2 + 8, "end");
    corner(T.noise, pad + 60, pad / 2 + 8, "start");
    // labels right of their point (left of it near the right edge), moved down (or, at the
    // bottom, up) until they overlap no text drawn before them: axis titles, corners, labels
    const placed = [...g.querySelectorAll("text")].map((t) => t.getBBox());
    const clash = (b) => placed.some((p) => p.x < b.x + b.width && b.x < p.x + p.width
      && p.y < b.y + b.height && b.y < p.y + p.height);
    list.filter((r) => r.impact !== null && !Number.isNaN(r.impact) && r.priority !== "too broad")
      .sort((a, b) => y(a.impact) - y(b.impact)).forEach((r) => {
        const cx = x(r.share || 0), cy = y(r.impact), text = r.label.split(" / ")[0].slice(0, 24);
        const dot = el("svg:circle", { class: "point", cx, cy, r: 5, "data-theme": r.id }, g);
        el("svg:title", {}, dot, `${r.label}: ${pf.format(r.share || 0)}, ${fmtS(r.impact)}`);
        const label = el("svg:text", { x: cx + 7, y: cy + 4 }, g, text);
        if (label.getBBox().x + label.getBBox().width > width - 2) {
          label.setAttribute("x", cx - 7);
          label.setAttribute("text-anchor", "end");
        }
        for (const step of [12, -12]) {  // down first; up if that runs off the chart
          let ly = cy + 4;
          while (clash(label.getBBox()) && ly + step < height && ly + step > 10) {
            ly += step;
            label.setAttribute("y", ly);
          }
          if (!clash(label.getBBox())) break;
          label.setAttribute("y", cy + 4);
        }
        placed.push(label.getBBox());
      });
  }

  function lineChart(container, labels, values, format) {
    const width = 420, height = 200, pad = 34;
    const g = svg(container, width, height);
    const ok = values.filter((v) => v !== null && !Number.isNaN(v));
    if (!labels.length || !ok.length) { el("svg:text", { x: pad, y: height / 2 }, g, "–"); return; }
    const lo = Math.min(...ok), hi = Math.max(...ok), span = hi - lo || 1;
    const x = (i) => pad + (labels.length === 1 ? 0.5 : i / (labels.length - 1)) * (width - 2 * pad);
    const y = (v) => height - pad - ((v - lo) / span) * (height - 2 * pad);
    el("svg:line", { class: "axis", x1: pad, x2: width - pad, y1: height - pad, y2: height - pad }, g);
    const pts = values.map((v, i) => (v === null || Number.isNaN(v) ? null : `${x(i)},${y(v)}`)).filter(Boolean);
    el("svg:polyline", { class: "line", points: pts.join(" ") }, g);
    values.forEach((v, i) => {
      el("svg:text", { x: x(i), y: height - pad + 14, "text-anchor": "middle" }, g, labels[i]);
      if (v === null || Number.isNaN(v)) return;
      const dot = el("svg:circle", { class: "point", cx: x(i), cy: y(v), r: 4 }, g);
      el("svg:title", {}, dot, `${labels[i]}: ${format(v)}`);
      el("svg:text", { x: x(i), y: y(v) - 8, "text-anchor": "middle" }, g, format(v));
    });
  }

  function perPeriod(m, theme) {
    const k = D.periods.length, n = new Float64Array(k), hits = new Float64Array(k);
    const sc = new Float64Array(k), sum = new Float64Array(k);
    for (let i = 0; i < N; i++) {
      const p = C.period[i];
      if (!m[i] || p < 0) continue;
      n[p]++;
      if (theme !== null && C.themes[i].includes(theme)) hits[p]++;
      if (C.value[i] !== null) { sc[p]++; sum[p] += C.value[i]; }
    }
    return D.periods.map((_, p) => (theme === null ? (sc[p] ? (D.scale.factor * sum[p]) / sc[p] : NaN)
      : (n[p] ? hits[p] / n[p] : NaN)));
  }

  function barChart(container, labels, values, format) {
    const rowH = 20, left = 90, width = 420, height = labels.length * rowH + 10;
    const g = svg(container, width, height);
    const max = Math.max(1e-9, ...values);
    labels.forEach((label, i) => {
      const y = i * rowH + 4;
      el("svg:text", { x: left - 6, y: y + 12, "text-anchor": "end" }, g, label);
      const w = ((values[i] || 0) / max) * (width - left - 70);
      const bar = el("svg:rect", { class: "bar plain", x: left, y, width: Math.max(1, w), height: rowH - 6 }, g);
      el("svg:title", {}, bar, `${label}: ${format(values[i])}`);
      el("svg:text", { x: left + w + 4, y: y + 12 }, g, format(values[i]));
    });
  }

  function heatmap(m) {
    const box = byId("segment-heatmap");
    const all = D.themes.filter((th) => !th.parent && th.id !== "other");
    const cols = all.slice().sort((a, b) => a.rank - b.rank).slice(0, 8);
    const segs = Object.entries(D.segments);
    if (!segs.length) { box.textContent = "–"; return; }
    const lines = [];
    for (const [col, s] of segs) s.values.forEach((v, idx) => lines.push([col, v, idx]));
    const cellW = 60, left = 200, top = 70, rowH = 22;
    const width = left + cellW * (cols.length + 1) + 10, height = top + lines.length * rowH + 6;
    const g = svg(box, width, height);
    // below the chart: which themes it shows and how to read its colours
    const shown = cols.length < all.length ? `${T.heat_shown.replace("{k}", cols.length).replace("{n}", all.length)}. ` : "";
    el("div", { class: "hint" }, box, shown + T.heat_legend);
    const f = D.scale.factor;
    const header = [D.scale.label, ...cols.map((c) => c.label.split(" / ")[0])];
    header.forEach((h, j) => el("svg:text", { x: left + j * cellW + cellW / 2, y: top - 8, "text-anchor": "start",
      transform: `rotate(-35 ${left + j * cellW + cellW / 2} ${top - 8})` }, g, h));
    // diverging: white at the overall metric, red below it, green above
    // averages: white at the scale's midpoint; shares: at 50%; NPS: at 0
    const mid = (D.scale.low + D.scale.high) / 2;
    const centre = D.scale.average ? mid : (D.scale.name === "nps" ? 0 : 50);
    const span = D.scale.average ? (D.scale.high - D.scale.low) / 2 : (D.scale.name === "nps" ? 100 : 50);
    const colour = (v) => {
      const t = Math.max(-1, Math.min(1, (v - centre) / span)), k = Math.round(255 - 150 * Math.abs(t));
      return t < 0 ? `rgb(255,${k},${k})` : `rgb(${k},${Math.round(255 - 60 * t)},${k})`;
    };
    lines.forEach(([col, value, idx], r) => {
      const y = top + r * rowH;
      el("svg:text", { x: left - 6, y: y + 15, "text-anchor": "end" }, g, `${col}: ${value}`.slice(0, 34));
      const codes = D.segments[col].codes;
      const cells = [null, ...cols.map((c) => D.themes.indexOf(c))];
      cells.forEach((t, j) => {
        let n = 0, sum = 0;
        for (let i = 0; i < N; i++) {
          if (!m[i] || codes[i] !== idx || C.value[i] === null) continue;
          if (t !== null && !C.themes[i].includes(t)) continue;
          n++; sum += C.value[i];
        }
        const v = n ? (f * sum) / n : NaN;
        const cell = el("svg:rect", { class: "cell", x: left + j * cellW, y, width: cellW - 2, height: rowH - 2,
          fill: n >= 5 ? colour(v) : "#eceff1" }, g);
        el("svg:title", {}, cell, `${value} · ${header[j]}: ${fmt(v)} (n=${n})`);
        el("svg:text", { x: left + j * cellW + cellW / 2, y: y + 15, "text-anchor": "middle" }, g, n ? fmt(v) : "");
      });
    });
  }

  function languageChart(m) {
    const counts = D.langs.map(() => 0);
    for (let i = 0; i < N; i++) if (m[i] && C.lang[i] >= 0) counts[C.lang[i]]++;
    barChart(byId("language-chart"), D.langs, counts, fmt);
  }

  /* ---------------------------------------------------------------- table, drill-down, quotes */
  function table(list) {
    const body = byId("theme-table").querySelector("tbody");
    body.textContent = "";
    const key = state.sortKey, dir = state.sortDir;
    const sorted = list.slice().sort((a, b) => {
      const x = a[key], y = b[key];
      if (typeof x === "string") return dir * x.localeCompare(y);
      return dir * ((x ?? -1e9) - (y ?? -1e9));
    });
    // sub-themes sit folded under their parent, in the parent's sort position
    const parentOf = (r) => D.themes[r.t].parent;
    const children = {};
    for (const r of sorted) if (parentOf(r)) (children[parentOf(r)] = children[parentOf(r)] || []).push(r);
    const ordered = [];
    for (const r of sorted) {
      if (parentOf(r) && D.themes.some((th) => th.id === parentOf(r))) continue;
      ordered.push(r);
      for (const child of children[r.id] || []) ordered.push(child);
    }
    for (const r of ordered) {
      const parent = parentOf(r);
      const tr = el("tr", { "data-theme": r.id }, body);
      if (parent) {
        tr.classList.add("child");
        tr.dataset.parent = parent;
        tr.hidden = !state.open[parent];
      }
      if (state.theme === r.t) tr.classList.add("selected");
      el("td", {}, tr, String(r.rank));
      const name = el("td", {}, tr);
      if (children[r.id]) {
        const toggle = el("button", { class: "fold", type: "button", "aria-expanded": String(Boolean(state.open[r.id])) },
          name, state.open[r.id] ? "▾" : "▸");
        toggle.addEventListener("click", (e) => { e.stopPropagation(); state.open[r.id] = !state.open[r.id]; render(); });
      }
      el("span", {}, name, (parent ? "↳ " : "") + r.label);
      if (r.emerging) el("span", { class: "badge emerging" }, name, T.emerging);
      el("td", {}, tr, pf.format(r.share || 0));
      el("td", {}, tr, fmtS(r.sentiment === null ? NaN : r.sentiment * 100) + (r.sentiment === null ? "" : "%"));
      el("td", {}, tr, r.low !== null ? `${fmtS(r.impact)} [${fmtS(r.low)}, ${fmtS(r.high)}]` : fmtS(r.impact));
      const p = el("td", {}, tr);
      if (r.priority) el("span", { class: `badge ${r.priority.replace(" ", "-")}` }, p, T[r.priority] || r.priority);
      tr.addEventListener("click", () => { state.theme = state.theme === r.t ? null : r.t; render(); });
    }
    document.querySelectorAll("#theme-table th").forEach((th) => {
      th.classList.toggle("sorted-asc", th.dataset.key === key && dir === 1);
      th.classList.toggle("sorted-desc", th.dataset.key === key && dir === -1);
    });
  }

  function drill(m) {
    const panel = byId("drill");
    if (state.theme === null) { panel.hidden = true; return; }
    panel.hidden = false;
    const th = D.themes[state.theme];
    byId("drill-title").textContent = th.label;
    byId("drill-keywords").textContent = `${T.keywords}: ${th.keywords}`;
    byId("drill-kwlang").textContent = th.kw_by_lang;
    const n = D.langs.map(() => 0), hits = D.langs.map(() => 0);
    for (let i = 0; i < N; i++) {
      if (!m[i] || C.lang[i] < 0) continue;
      n[C.lang[i]]++;
      if (C.themes[i].includes(state.theme)) hits[C.lang[i]]++;
    }
    barChart(byId("drill-lang-chart"), D.langs, hits.map((h, i) => (n[i] ? h / n[i] : 0)), (v) => pf.format(v));
    lineChart(byId("drill-trend-chart"), D.periods, perPeriod(m, state.theme), (v) => pf.format(v));
    byId("drill-over").textContent = th.over.length ? th.over.join("; ") : T.none;
    const flags = Object.entries(th.flags || {}).filter(([, v]) => v !== null);
    byId("drill-flags").textContent = flags.length
      ? flags.map(([f, v]) => `${T["flag_" + f] || f} ${pf.format(v)}`).join(" · ") : T.none;
  }

  function quotes(m) {
    const list = byId("quotes");
    list.textContent = "";
    const needle = state.search.trim().toLocaleLowerCase(LOCALE);
    let shown = 0, matching = 0;
    for (const q of D.quotes) {
      if (!m[q.c]) continue;
      if (state.theme !== null && !C.themes[q.c].includes(state.theme)) continue;
      if (needle && !q.t.toLocaleLowerCase(LOCALE).includes(needle)) continue;
      matching++;
      if (shown >= 200) continue;
      shown++;
      const li = el("li", {}, list, q.t);
      el("span", { class: "meta" }, li, `${q.l}${q.s !== null ? ` · ${T.score} ${fmt(q.s)}` : ""}`);
    }
    byId("quote-count").textContent = `${fmt(shown)} ${T.shown} · ${fmt(matching)}`;
  }

  function render() {
    const m = mask();
    const fig = figures(m);
    const list = rows(fig);
    byId("filter-note").textContent = D.summary.metric ? (filtered() ? T.filtered_note : T.full_note) : T.no_scores;
    headline(fig);
    // the charts compare top-level themes; sub-themes are read in the table, under their parent
    const top = list.filter((r) => !D.themes[r.t].parent);
    impactChart(top);
    quadrant(top);
    lineChart(byId("trend-chart"), D.periods, perPeriod(m, null), fmtS);
    changeChart();
    table(list);
    drill(m);
    heatmap(m);
    languageChart(m);
    quotes(m);
  }

  /* ---------------------------------------------------------------- controls */
  function options(select, items) {
    for (const [value, label] of items) el("option", { value }, select, label);
  }
  options(byId("f-segment"), Object.entries(D.segments).flatMap(([col, s]) => s.values.map((v) => [`${col}\u0001${v}`, `${col}: ${v}`])));
  options(byId("f-period"), D.periods.map((p) => [p, p]));
  options(byId("f-lang"), D.langs.map((l) => [l, l]));
  byId("f-segment").addEventListener("change", (e) => { state.seg = e.target.value; render(); });
  byId("f-period").addEventListener("change", (e) => { state.period = e.target.value; render(); });
  byId("f-lang").addEventListener("change", (e) => { state.lang = e.target.value; render(); });
  byId("quote-search").addEventListener("input", (e) => { state.search = e.target.value; quotes(mask()); });
  document.querySelectorAll("#theme-table th").forEach((th) => th.addEventListener("click", () => {
    state.sortDir = state.sortKey === th.dataset.key ? -state.sortDir : 1;
    state.sortKey = th.dataset.key;
    render();
  }));
  render();
})();
