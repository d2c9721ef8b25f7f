// ganlab's live view: the page pulls a frame, draws it on canvases, then asks for the next one.
// Runs as a gr.HTML component's js_on_load (element, props, server and watch are given by Gradio).
// Pacing: the next request leaves only after the last frame was drawn and painted, and waits at least
// twice as long as that frame kept the page busy, so the views take at most a third of a slow browser's
// main thread, more views mean fewer frames, and no frame is ever queued.
(() => {
  const root = element.querySelector(".gl-live");
  if (!root || root.__ganlab) return;
  const PERIOD = Number(root.dataset.period || 200);  // ms: the fastest pace (while playing)
  const IDLE = 1000, HIDDEN = 1000, RETRY = 2000;
  const stats = { frames: 0, errors: 0, titles: {}, planes: {} };  // read by the browser tests
  root.__ganlab = stats;
  const statusBox = root.querySelector(".gl-status");
  const panelsBox = root.querySelector(".gl-panels");
  const views = {};  // panel key -> {box, canvas, img, caption, data, hidden}
  let seen = "", wake = null, nudged = false, measures = 0;

  const token = () => String(props.value || "").split("#")[0];
  // A command (Play, Pause, a setting) gives the view a new value: the loop asks for a frame at once,
  // also when the nudge came while a request was in flight rather than during the sleep.
  const sleep = (ms) => new Promise((resolve) => {
    if (nudged) { nudged = false; resolve(); return; }
    const t = setTimeout(() => { wake = null; resolve(); }, ms);
    wake = () => { clearTimeout(t); wake = null; resolve(); };
  });
  if (typeof watch === "function" && root.dataset.mode !== "figure") watch("value", () => {
    if (queued && token()) { const action = queued; queued = null; stats.command(action); }
    if (wake) wake(); else nudged = true;
  });
  // Resolves once the browser has painted what was just drawn: the canvases' rasterisation and the
  // page's layout happen after the drawing code returns, and they cost as much again on a slow laptop.
  const painted = () => new Promise((resolve) => {
    const guard = setTimeout(resolve, 1000);  // no animation frames in a hidden tab
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(guard); resolve(); }, 0));
  });

  const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const markdown = (s) => esc(s).replace(/\*\*(.+?)\*\*/g, "<b>$1</b>").replace(/\*(.+?)\*/g, "<i>$1</i>").replace(/\n+/g, "<br>");
  const fmt = (v) => { const a = Math.abs(v); return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(1) : Number(v.toPrecision(3)).toString(); };

  function drop(v) {
    if (resized) resized.unobserve(v.box);
    v.box.remove();
  }

  function view(panel) {
    let v = views[panel.key];
    if (v && v.box.isConnected && v.kind === panel.kind) return sized(v, panel);
    if (v) drop(v);
    const box = document.createElement("div");
    box.className = "gl-panel gl-" + panel.kind;
    box.dataset.key = panel.key;
    v = { box, kind: panel.kind, hidden: new Set(), data: null };
    if (panel.kind === "image") {
      v.title = box.appendChild(document.createElement("div"));
      v.title.className = "gl-title";
      v.img = box.appendChild(document.createElement("img"));
      v.img.alt = panel.title;
    } else {
      v.canvas = box.appendChild(document.createElement("canvas"));
      v.tip = box.appendChild(document.createElement("div"));
      v.tip.className = "gl-tip";
      v.canvas.addEventListener("mousemove", (e) => hover(v, e));
      v.canvas.addEventListener("mouseleave", () => { v.tip.style.display = "none"; });
      v.canvas.addEventListener("click", (e) => toggle(v, e));
    }
    if (panel.caption) {
      v.caption = box.appendChild(document.createElement("div"));
      v.caption.className = "gl-caption";
      v.caption.innerHTML = markdown(panel.caption);
    }
    rowBox(panel.row).appendChild(box);
    views[panel.key] = v;
    box.__view = v;
    if (resized) resized.observe(box);
    return sized(v, panel);
  }

  // Panels with a "row" name share a flex row of their own (the lanes), so no chart flows in beside
  // a short last row of lanes.
  const rows = {};
  function rowBox(name) {
    if (!name) return panelsBox;
    if (!rows[name] || !rows[name].isConnected) {
      rows[name] = document.createElement("div");
      rows[name].className = "gl-row";
      panelsBox.appendChild(rows[name]);
    }
    return rows[name];
  }

  // A panel with a "basis" (percent of the row, e.g. one of n lanes) takes that much of the width,
  // and wraps to the next row below 200 px.
  function sized(v, panel) {
    const flex = panel.basis ? "1 1 calc(" + panel.basis + "% - 10px)" : "";
    if (v.box.style.flex !== flex) { v.box.style.flex = flex; v.box.style.minWidth = panel.basis ? "200px" : ""; }
    return v;
  }

  function context(v, height) {
    const c = v.canvas, dpr = window.devicePixelRatio || 1;
    const w = Math.max(120, c.clientWidth || v.box.clientWidth || 300);
    const h = height || w;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr); c.height = Math.round(h * dpr); c.style.height = h + "px";
    }
    const ctx = c.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = "11px system-ui, sans-serif";
    return { ctx, w, h };
  }

  // ---------------------------------------------------------------- layered distributions view
  // Its numbers arrive packed: float32 bytes in base64 (ganlab.viz.panels.packed); unpacked once.
  const floats = (b64) => {
    const s = atob(b64), bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    return new Float32Array(bytes.buffer);
  };
  function unpack(p) {
    for (const k of ["real", "fake", "arrows"]) if (typeof p[k] === "string") p[k] = floats(p[k]);
    if (p.surface && typeof p.surface.values === "string") p.surface.values = floats(p.surface.values);
    if (p.manifold && !Array.isArray(p.manifold)) {  // a grid of points: its rows, then its columns
      const { rows, cols } = p.manifold, g = floats(p.manifold.xy), lines = [];
      for (let i = 0; i < rows; i++) lines.push(g.subarray(2 * i * cols, 2 * (i + 1) * cols));
      for (let j = 0; rows > 1 && j < cols; j++) {
        const line = new Float32Array(2 * rows);
        for (let i = 0; i < rows; i++) { line[2 * i] = g[2 * (i * cols + j)]; line[2 * i + 1] = g[2 * (i * cols + j) + 1]; }
        lines.push(line);
      }
      p.manifold = lines;
    }
  }

  const niceStep = (raw) => {  // 1, 2 or 5 times a power of ten, at least raw
    const p10 = Math.pow(10, Math.floor(Math.log10(raw)));
    return [1, 2, 5, 10].map((m) => m * p10).find((s) => s >= raw);
  };

  function drawLayered(v, p) {
    unpack(p);
    const width = Math.min(v.box.clientWidth || 520, 560);
    const { ctx, w, h } = context(v, width + (p.axes ? 54 : 40));
    const L = p.axes ? 46 : 34, R = 64, T = 24, B = p.axes ? 60 : 46, size = Math.min(w - L - R, h - T - B);
    const [x0, x1, y0, y1] = p.window;
    const X = (x) => L + (x - x0) / (x1 - x0) * size, Y = (y) => T + (y1 - y) / (y1 - y0) * size;
    v.map = { L, T, size, x0, x1, y0, y1 };
    stats.planes[p.key] = { L, T, size, x0, x1, y0, y1 };  // where the plane is on the canvas (the browser tests)
    ctx.fillStyle = "#fff"; ctx.fillRect(L, T, size, size);
    const on = (k) => p[k] !== undefined && !v.hidden.has(k);
    if (on("surface")) {
      const s = p.surface;
      if (!v.off || v.off.width !== s.cols || v.off.height !== s.rows) {
        v.off = document.createElement("canvas"); v.off.width = s.cols; v.off.height = s.rows;
      }
      const bytes = Uint8ClampedArray.from(atob(s.rgba), (ch) => ch.charCodeAt(0));
      v.off.getContext("2d").putImageData(new ImageData(bytes, s.cols, s.rows), 0, 0);
      ctx.globalAlpha = 0.85; ctx.imageSmoothingEnabled = true;
      ctx.drawImage(v.off, L, T, size, size);
      ctx.globalAlpha = 1;
    }
    ctx.save(); ctx.beginPath(); ctx.rect(L, T, size, size); ctx.clip();
    if (on("manifold")) {
      ctx.strokeStyle = "rgba(60,60,60,0.45)"; ctx.lineWidth = 1; ctx.beginPath();
      for (const line of p.manifold) {
        for (let i = 0; i < line.length; i += 2) (i ? ctx.lineTo : ctx.moveTo).call(ctx, X(line[i]), Y(line[i + 1]));
      }
      ctx.stroke();
    }
    for (const k of ["real", "fake"]) {
      if (!on(k)) continue;
      const pts = p[k]; ctx.fillStyle = p.colors[k]; ctx.beginPath();
      for (let i = 0; i < pts.length; i += 2) { const a = X(pts[i]), b = Y(pts[i + 1]); ctx.moveTo(a + 2.2, b); ctx.arc(a, b, 2.2, 0, 6.2832); }
      ctx.fill();
    }
    if (on("arrows")) {
      const a = p.arrows; ctx.strokeStyle = p.colors.arrows; ctx.lineWidth = 1.4; ctx.beginPath();
      for (let i = 0; i < a.length; i += 4) {
        const tx = X(a[i]), ty = Y(a[i + 1]), hx = X(a[i + 2]), hy = Y(a[i + 3]);
        const ang = Math.atan2(hy - ty, hx - tx), len = Math.hypot(hx - tx, hy - ty), head = Math.min(6, len * 0.5);
        ctx.moveTo(tx, ty); ctx.lineTo(hx, hy);
        if (len > 1) {
          ctx.moveTo(hx, hy); ctx.lineTo(hx - head * Math.cos(ang - 0.45), hy - head * Math.sin(ang - 0.45));
          ctx.moveTo(hx, hy); ctx.lineTo(hx - head * Math.cos(ang + 0.45), hy - head * Math.sin(ang + 0.45));
        }
      }
      ctx.stroke();
    }
    ctx.restore();
    // frame, ticks, title
    ctx.strokeStyle = "#888"; ctx.lineWidth = 1; ctx.strokeRect(L, T, size, size);
    ctx.fillStyle = "#333"; ctx.textAlign = "center"; ctx.textBaseline = "top";
    const tick = niceStep((x1 - x0) / 8);  // at most about 8 ticks, at round numbers
    const label = (t) => fmt(Math.abs(t) < tick * 1e-6 ? 0 : t);
    for (let i = Math.ceil(x0 / tick); i * tick <= x1 + 1e-9; i++) ctx.fillText(label(i * tick), X(i * tick), T + size + 3);
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (let i = Math.ceil(y0 / tick); i * tick <= y1 + 1e-9; i++) ctx.fillText(label(i * tick), L - 4, Y(i * tick));
    if (p.axes) {  // names of the axes, under the x ticks and beside the y ticks
      ctx.textAlign = "center"; ctx.textBaseline = "top"; ctx.fillText(p.axes[0], L + size / 2, T + size + 15);
      ctx.save(); ctx.translate(9, T + size / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(p.axes[1], 0, 0); ctx.restore();
    }
    ctx.textAlign = "left"; ctx.textBaseline = "alphabetic"; ctx.font = "bold 13px system-ui, sans-serif";
    if (p.color) { ctx.fillStyle = p.color; ctx.fillRect(L, T - 18, 10, 10); }  // its colour in the charts
    ctx.fillStyle = "#333"; ctx.fillText(p.title, p.color ? L + 14 : L, T - 8);
    ctx.font = "11px system-ui, sans-serif";
    if (p.surface) colourBar(ctx, p.surface, L + size + 14, T, size);
    legend(v, ctx, p, L, T + size + (p.axes ? 34 : 20), w);
  }

  function colourBar(ctx, s, x, y, height) {
    const g = ctx.createLinearGradient(0, y + height, 0, y);
    s.scale.forEach((c, i) => g.addColorStop(i / (s.scale.length - 1), c));
    ctx.fillStyle = g; ctx.fillRect(x, y, 12, height); ctx.strokeStyle = "#888"; ctx.strokeRect(x, y, 12, height);
    ctx.fillStyle = "#333"; ctx.textAlign = "left"; ctx.textBaseline = "middle";
    ctx.fillText(fmt(s.high), x + 15, y + 5); ctx.fillText(fmt((s.low + s.high) / 2), x + 15, y + height / 2);
    ctx.fillText(fmt(s.low), x + 15, y + height - 5);
    ctx.textBaseline = "alphabetic"; ctx.fillText(s.label, x, y - 6);  // above the bar: clear of the ticks
  }

  function legend(v, ctx, p, x, y, w) {
    const swatch = { surface: p.surface ? p.surface.scale[p.surface.scale.length - 1] : "#999", real: p.colors.real,
      fake: p.colors.fake, arrows: p.colors.arrows, manifold: "rgba(60,60,60,0.6)" };
    v.legend = [];
    ctx.textBaseline = "middle"; ctx.textAlign = "left";
    for (const k of ["surface", "real", "fake", "arrows", "manifold"]) {
      if (p[k] === undefined) continue;
      const label = p.labels[k], width = ctx.measureText(label).width + 22;
      if (x + width > w) { x = 34; y += 16; }
      ctx.globalAlpha = v.hidden.has(k) ? 0.3 : 1;
      ctx.fillStyle = swatch[k]; ctx.fillRect(x, y - 5, 12, 10);
      ctx.fillStyle = "#333"; ctx.fillText(label, x + 16, y);
      ctx.globalAlpha = 1;
      v.legend.push({ k, x, y: y - 8, w: width, h: 16 });
      x += width + 10;
    }
  }

  function toggle(v, e) {
    if (!v.legend || !v.data) return;
    const r = v.canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
    const hit = v.legend.find((b) => x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h);
    const m = v.map;
    if (!hit && v.data.clickable && m && x >= m.L && x <= m.L + m.size && y >= m.T && y <= m.T + m.size) {
      // a click on a plane that takes them (the phase portrait): the point, in the plane's coordinates
      stats.command("start", [m.x0 + (x - m.L) / m.size * (m.x1 - m.x0), m.y1 - (y - m.T) / m.size * (m.y1 - m.y0)]);
      return;
    }
    if (!hit) return;
    v.hidden.has(hit.k) ? v.hidden.delete(hit.k) : v.hidden.add(hit.k);
    drawLayered(v, v.data);
  }

  // ---------------------------------------------------------------- charts
  function drawLines(v, p) {
    const { ctx, w, h } = context(v, p.height || 170);
    const L = 40, R = p.right ? 34 : 8, B = 18, pw = w - L - R;
    ctx.font = "10px system-ui, sans-serif";  // the legend wraps onto as many rows as it needs (six lanes)
    const rows = [[]];
    let used = 0;
    for (const s of p.series) {
      const sw = ctx.measureText(s.name).width + 24;
      if (used + sw > pw && rows[rows.length - 1].length) { rows.push([]); used = 0; }
      rows[rows.length - 1].push(s); used += sw;
    }
    const T = 30 + 12 * (rows.length - 1), ph = h - T - B;
    const left = p.series.filter((s) => s.axis !== "right");
    let xs = [], ys = [];
    for (const s of p.series) xs = xs.concat(s.x);
    for (const s of left) ys = ys.concat(p.log ? s.y.filter((y) => y > 0) : s.y);
    let xmin = xs.length ? Math.min(...xs) : 0, xmax = xs.length ? Math.max(...xs) : 1;
    if (xmax === xmin) xmax = xmin + 1;
    let [ymin, ymax] = p.ylim || [ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1];
    if (p.ref && !p.ylim) { ymin = Math.min(ymin, p.ref[0]); ymax = Math.max(ymax, p.ref[0]); }
    const tf = p.log ? (y) => Math.log10(Math.max(y, 1e-12)) : (y) => y;
    let lo = tf(ymin), hi = tf(ymax);
    if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
    const X = (x) => L + (x - xmin) / (xmax - xmin) * pw;
    const Y = (y) => T + (hi - tf(y)) / (hi - lo) * ph;
    const YR = (y) => T + (1 - y / p.right[0]) * ph;
    v.map = { L, pw, xmin, xmax };
    ctx.strokeStyle = "#ddd"; ctx.lineWidth = 1; ctx.strokeRect(L, T, pw, ph);
    ctx.fillStyle = "#333"; ctx.font = "bold 12px system-ui, sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "alphabetic";
    ctx.fillText(p.title, L, 12);
    ctx.font = "10px system-ui, sans-serif";
    rows.forEach((row, r) => {
      let lx = L;
      for (const s of row) {
        ctx.fillStyle = s.color;
        if (s.dash) { ctx.fillRect(lx, 19 + 12 * r, 4, 3); ctx.fillRect(lx + 6, 19 + 12 * r, 4, 3); }
        else ctx.fillRect(lx, 19 + 12 * r, 10, 3);
        ctx.fillStyle = "#555"; ctx.fillText(s.name, lx + 13, 24 + 12 * r); lx += ctx.measureText(s.name).width + 24;
      }
    });
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (const f of [0, 0.5, 1]) {
      const t = lo + f * (hi - lo), y = T + (1 - f) * ph;
      ctx.fillText(fmt(p.log ? Math.pow(10, t) : t), L - 3, y);
      ctx.strokeStyle = "#f0f0f0"; ctx.beginPath(); ctx.moveTo(L, y); ctx.lineTo(L + pw, y); ctx.stroke();
      if (p.right) { ctx.textAlign = "left"; ctx.fillText(fmt(f * p.right[0]) + p.right[1], L + pw + 3, y); ctx.textAlign = "right"; }
    }
    const xlabel = p.xlabel === undefined ? "step" : p.xlabel;
    ctx.textAlign = "left"; ctx.textBaseline = "top"; ctx.fillText(fmt(xmin), L, T + ph + 3);
    ctx.textAlign = "right"; ctx.fillText((xlabel ? xlabel + " " : "") + fmt(xmax), L + pw, T + ph + 3);
    for (const b of p.bands || []) {  // shaded stretches of the x axis (where data or fakes sit)
      ctx.fillStyle = b.color; ctx.globalAlpha = 0.15;
      ctx.fillRect(X(Math.max(b.x0, xmin)), T, X(Math.min(b.x1, xmax)) - X(Math.max(b.x0, xmin)), ph);
      ctx.globalAlpha = 1;
    }
    for (const m of p.marks || []) {  // vertical dashed lines (the current θ)
      ctx.setLineDash([4, 3]); ctx.strokeStyle = "#444"; ctx.beginPath();
      ctx.moveTo(X(m.x), T); ctx.lineTo(X(m.x), T + ph); ctx.stroke(); ctx.setLineDash([]);
      if (m.label) { ctx.fillStyle = "#444"; ctx.textAlign = "left"; ctx.textBaseline = "top"; ctx.fillText(m.label, X(m.x) + 3, T + 2); }
    }
    if (p.ref) {
      ctx.setLineDash([3, 3]); ctx.strokeStyle = "#1b9e77"; ctx.beginPath();
      ctx.moveTo(L, Y(p.ref[0])); ctx.lineTo(L + pw, Y(p.ref[0])); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = "#1b9e77"; ctx.textBaseline = "bottom"; ctx.fillText(p.ref[1], L + pw - 2, Y(p.ref[0]) - 1);
    }
    ctx.save(); ctx.beginPath(); ctx.rect(L, T - 2, pw, ph + 4); ctx.clip();
    for (const s of p.series) {
      const yf = s.axis === "right" && p.right ? YR : Y;
      ctx.strokeStyle = s.color; ctx.lineWidth = 1.6; ctx.setLineDash(s.dash ? [4, 3] : []); ctx.beginPath();
      s.x.forEach((x, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, X(x), yf(s.y[i])));
      if (s.x.length === 1) ctx.arc(X(s.x[0]), yf(s.y[0]), 1.5, 0, 6.2832);
      ctx.stroke();
    }
    ctx.restore(); ctx.setLineDash([]);
    if (!p.series.length) { ctx.fillStyle = "#999"; ctx.textAlign = "center"; ctx.fillText("no data yet", L + pw / 2, T + ph / 2); }
  }

  function drawBars(v, p) {
    const { ctx, w, h } = context(v, 200);
    const L = 36, R = 8, T = 24, B = 22, pw = w - L - R, ph = h - T - B;
    ctx.fillStyle = "#333"; ctx.font = "bold 12px system-ui, sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "alphabetic";
    ctx.fillText(p.title, L, 13); ctx.font = "10px system-ui, sans-serif";
    if (!p.counts.length) { ctx.fillStyle = "#999"; ctx.textAlign = "center"; ctx.fillText(p.empty, L + pw / 2, T + ph / 2); return; }
    const top = Math.max(1, ...p.counts, p.share || 0) * 1.1, n = p.counts.length, bw = pw / n;
    v.map = { L, pw, n };
    ctx.fillStyle = "#7b3294";
    p.counts.forEach((c, i) => { const bh = c / top * ph; ctx.fillRect(L + i * bw + bw * 0.1, T + ph - bh, bw * 0.8, bh); });
    ctx.strokeStyle = "#bbb"; ctx.beginPath(); ctx.moveTo(L, T + ph); ctx.lineTo(L + pw, T + ph); ctx.stroke();
    ctx.fillStyle = "#333"; ctx.textAlign = "right"; ctx.textBaseline = "middle";
    ctx.fillText(String(Math.round(top / 1.1)), L - 3, T + ph - ph / 1.1); ctx.fillText("0", L - 3, T + ph);
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    const every = Math.ceil(n / Math.max(1, Math.floor(pw / 24)));
    p.labels.forEach((lab, i) => { if (i % every === 0) ctx.fillText(lab, L + (i + 0.5) * bw, T + ph + 3); });
    if (p.share) {
      const y = T + ph - p.share / top * ph;
      ctx.setLineDash([5, 4]); ctx.strokeStyle = "#1b9e77"; ctx.beginPath(); ctx.moveTo(L, y); ctx.lineTo(L + pw, y); ctx.stroke();
      ctx.setLineDash([]); ctx.fillStyle = "#1b9e77"; ctx.textAlign = "right"; ctx.textBaseline = "bottom"; ctx.fillText("uniform share", L + pw, y - 1);
    }
  }

  function drawImage(v, p) {
    if (v.img.getAttribute("src") !== p.src) v.img.src = p.src;
    v.title.textContent = p.title;
  }

  // ---------------------------------------------------------------- hover read-outs
  function hover(v, e) {
    const p = v.data, m = v.map;
    if (!p || !m) return;
    const r = v.canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
    let text = "";
    if (p.kind === "layered") {
      if (x < m.L || x > m.L + m.size || y < m.T || y > m.T + m.size) { v.tip.style.display = "none"; return; }
      const wx = m.x0 + (x - m.L) / m.size * (m.x1 - m.x0), wy = m.y1 - (y - m.T) / m.size * (m.y1 - m.y0);
      text = `x = ${wx.toFixed(2)}, y = ${wy.toFixed(2)}`;
      if (p.surface) {
        const s = p.surface, col = Math.round((x - m.L) / m.size * (s.cols - 1)), row = Math.round((y - m.T) / m.size * (s.rows - 1));
        text += ` · ${s.label} = ${fmt(s.values[row * s.cols + col])}`;
      }
    } else if (p.kind === "lines") {
      if (x < m.L || x > m.L + m.pw) { v.tip.style.display = "none"; return; }
      const step = m.xmin + (x - m.L) / m.pw * (m.xmax - m.xmin);
      const parts = [];
      for (const s of p.series) {
        if (!s.x.length) continue;
        let best = 0;
        s.x.forEach((sx, i) => { if (Math.abs(sx - step) < Math.abs(s.x[best] - step)) best = i; });
        parts.push(`${s.name}: ${fmt(s.y[best])}${s.axis === "right" && p.right ? p.right[1] : ""} at ${p.xlabel === undefined ? "step" : p.xlabel} ${fmt(s.x[best])}`);
      }
      text = parts.join("<br>");
    } else if (p.kind === "bars" && p.counts.length) {
      const i = Math.floor((x - m.L) / m.pw * m.n);
      if (i < 0 || i >= m.n) { v.tip.style.display = "none"; return; }
      text = `${p.axis} ${esc(p.labels[i])}: ${p.counts[i]} samples`;
    }
    if (!text) return;
    v.tip.innerHTML = text; v.tip.style.display = "block";
    v.tip.style.left = Math.min(x + 12, r.width - 160) + "px"; v.tip.style.top = (y + 12) + "px";
  }

  // ---------------------------------------------------------------- the loop
  const DRAW = { layered: drawLayered, lines: drawLines, bars: drawBars, image: drawImage };
  // A reply older than the status on show (a frame asked for before a command answered) keeps its
  // panels but not its status line.
  let shown = -1;
  function showStatus(reply) {
    if (reply.status === undefined) return;
    if (reply.revision !== undefined) { if (reply.revision < shown) return; shown = reply.revision; }
    statusBox.innerHTML = markdown(reply.status);
  }

  // Panels are drawn in slices of at most ~25 ms of main-thread time, each its own task: with six
  // lanes on a 6×-throttled laptop one frame costs a few hundred ms, which in one task would hold
  // off clicks and the status line (a long task); between slices the browser handles input.
  const SLICE_MS = 25;
  const yieldToBrowser = () => new Promise((resolve) => setTimeout(resolve, 0));

  async function draw(reply) {
    showStatus(reply);
    if (reply.complete) {  // a frame with every panel: those it lacks belong to an earlier run
      const keys = new Set((reply.panels || []).map((p) => p.key));
      for (const k of Object.keys(views)) if (!keys.has(k)) { drop(views[k]); delete views[k]; }
    }
    const fresh = (reply.panels || []).map(view);  // every box first: a box's width depends on its neighbours
    if (reply.complete) {  // the frame's order (a preset with more lanes), rows first where they come first
      const placed = new Set();
      const order = (reply.panels || []).map((p, i) => [p, fresh[i]]);
      if (order.some(([p, v]) => v.box.parentNode !== rowBox(p.row))) order.forEach(([p, v]) => rowBox(p.row).appendChild(v.box));
      const wanted = [];
      for (const [p, v] of order) {
        const node = p.row ? rowBox(p.row) : v.box;
        if (!placed.has(node)) { placed.add(node); wanted.push(node); }
      }
      if (wanted.some((node, i) => panelsBox.children[i] !== node)) wanted.forEach((node) => panelsBox.appendChild(node));
      for (const name of Object.keys(rows)) if (!rows[name].children.length) { rows[name].remove(); delete rows[name]; }
    }
    let slice = performance.now();
    for (const [i, p] of (reply.panels || []).entries()) {
      if (performance.now() - slice > SLICE_MS) { await yieldToBrowser(); slice = performance.now(); }
      const v = fresh[i], t0 = performance.now();
      v.data = p;
      v.drawnWidth = v.box.clientWidth;
      stats.titles[p.key] = p.title;
      if (p.kind !== "image" && !v.box.clientWidth) continue;  // a hidden tab: drawn when it appears (redraw)
      DRAW[p.kind](v, p);
      if (p.kind === "layered") {  // the browser tests read these (Performance API)
        performance.measure("ganlab-layered", { start: t0, end: performance.now() });
        if (++measures > 1000) { performance.clearMeasures("ganlab-layered"); measures = 0; }
      }
    }
  }

  // A panel that arrived while its tab was hidden has no width to be drawn at: it is drawn when it
  // appears, and again whenever its width changes (a tab opened, a window resized, a neighbour added).
  const resized = typeof ResizeObserver === "function" ? new ResizeObserver((entries) => {
    for (const entry of entries) {
      const v = entry.target.__view;
      if (!v || !v.data || v.kind === "image" || !v.box.clientWidth || v.box.clientWidth === v.drawnWidth) continue;
      v.drawnWidth = v.box.clientWidth;
      DRAW[v.kind](v, v.data);
    }
  }) : null;

  // A figure (data-mode="figure") is a fixed set of panels, the component's value as JSON: drawn when
  // the value changes, no server to ask.
  function drawFigure() {
    try {
      const value = JSON.parse(String(props.value || "{}"));
      statusBox.style.display = value.status ? "" : "none";
      draw({ panels: value.panels || [], status: value.status || "" });
      stats.frames++;
    } catch (err) { stats.errors++; }
  }
  if (root.dataset.mode === "figure") {
    if (typeof watch === "function") watch("value", drawFigure);
    drawFigure();
    return;
  }

  // The transport buttons (Play, Pause, Step) call this: the command goes to the session at once, its
  // answer shows in the status line, and the loop asks for the frame right after.
  let queued = null;  // a command given before the session's token arrived (the page still loading)
  stats.command = async (action, point) => {
    const handle = token();
    if (!handle || !server || !server.command) { queued = action; return; }
    try {
      const reply = await server.command(point ? { token: handle, action, point } : { token: handle, action });
      if (reply) showStatus(reply);
    } catch (err) { stats.errors++; }
    if (wake) wake(); else nudged = true;
  };

  async function loop() {
    while (root.isConnected) {
      const t0 = performance.now();
      let busy = 0, playing = false, wait = IDLE;
      const handle = token();
      const visible = root.offsetParent !== null && document.visibilityState === "visible";
      if (handle && server && server.frame) {
        try {
          const reply = await server.frame({ token: handle, seen: visible ? seen : "", visible });
          const t1 = performance.now();
          playing = !!(reply && reply.playing);
          if (reply && reply.panels) {
            await draw(reply);
            seen = reply.key;
            stats.frames++;
            await painted();
          } else if (reply) {  // a status ahead of its frame (paused)
            showStatus(reply);
          }
          busy = performance.now() - t1;  // drawing, layout and paint: the next frame waits twice that
          const pace = reply && reply.period ? 1000 * reply.period : PERIOD;  // the session may ask for less
          wait = playing ? (visible ? pace : HIDDEN) : IDLE;
        } catch (err) {
          stats.errors++;
          statusBox.innerHTML = "⚠ lost touch with the server; retrying…";
          wait = RETRY;
        }
      }
      await sleep(Math.max(wait - (performance.now() - t0), 2 * busy, 10));
    }
  }
  loop();
})();
