// The renderer test's page script: embeds a Vega-Lite spec exactly as a front end does, then
// measures what it drew. Loaded after one front end's vega, vega-lite and vega-embed UMD builds
// (globals `vega`, `vegaLite`, `vegaEmbed`); tests/renderer_test.ts calls `losslabRender`.
//
// The embed calls are copied option for option from the front ends' sources (see front_ends.ts):
// JupyterLab's packages/vega5-extension/src/index.ts and microsoft/vscode-notebook-renderers'
// src/client/vegaRenderer.ts. The resolver-based URL rewriting of their loaders is left out: the
// kit's specs load no URLs.

const EMBED = {
  // @jupyterlab/vega5-extension, RenderedVega.renderModel (JupyterLab 4.4–4.6).
  async lab(el, spec, mimes) {
    const embedOptions = {}; // the kit sends no metadata, so no embed_options
    // "If the JupyterLab theme is dark, render this using a dark Vega theme."
    const bodyThemeDark = document.body.dataset.jpThemeLight === "false";
    if (bodyThemeDark) embedOptions.theme = "dark";
    const loader = vegaEmbed.vega.loader({ http: { credentials: "same-origin" } });
    const sanitize = (uri, options) => loader.sanitize(uri, options);
    const result = await vegaEmbed.default(el, spec, {
      actions: true,
      defaultStyle: true,
      ...embedOptions,
      mode: "vega-lite",
      loader: { ...loader, sanitize },
    });
    // Lab adds a PNG to the model when the bundle has none (the kit's always has one).
    if (!mimes.includes("image/png")) await result.view.toImageURL("png");
    return result;
  },
  // vscode-notebook-renderers, vegaRenderer.ts renderOutputItem (v1.3.0 and main alike).
  async vscode(el, spec) {
    const embedOptions = {};
    const isDarkTheme = (document.body.dataset.vscodeThemeKind || "").toLowerCase().includes(
      "dark",
    );
    if (isDarkTheme && !embedOptions.theme && !spec.background) {
      embedOptions.theme = "dark";
    }
    const loader = vegaEmbed.vega.loader({ http: { credentials: "same-origin" } });
    const sanitize = (uri, options) => loader.sanitize(uri, options);
    const ele = document.createElement("div");
    el.appendChild(ele);
    return await vegaEmbed.default(ele, spec, {
      actions: { export: true, compiled: false, editor: false, source: false },
      defaultStyle: true,
      ...embedOptions,
      mode: "vega-lite",
      loader: { ...loader, sanitize },
    });
  },
};

// Puts the page in the front end's theme the way the front end itself marks it.
globalThis.losslabTheme = (kind, theme, background) => {
  if (kind === "lab") document.body.dataset.jpThemeLight = theme === "light" ? "true" : "false";
  else document.body.dataset.vscodeThemeKind = theme === "light" ? "vscode-light" : "vscode-dark";
  document.documentElement.style.background = background;
  document.body.style.background = background;
  document.body.style.margin = "0";
};

function parseColor(text) {
  const m = /rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)/.exec(text);
  if (!m) return null;
  let a = m[4] === undefined ? 1 : parseFloat(m[4]);
  if (m[4] && m[4].endsWith("%")) a /= 100;
  return [Number(m[1]), Number(m[2]), Number(m[3]), a];
}

// Any CSS colour as [r, g, b, a], via the canvas's own colour parser.
const probe = document.createElement("canvas").getContext("2d");
function cssColor(text) {
  probe.fillStyle = "#000000";
  probe.fillStyle = text;
  const v = probe.fillStyle;
  if (v.startsWith("#")) {
    return [1, 3, 5].map((i) => parseInt(v.slice(i, i + 2), 16)).concat([1]);
  }
  return parseColor(v);
}

// WCAG 2 relative luminance and contrast ratio.
function luminance([r, g, b]) {
  const c = [r, g, b].map((v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
function over([r, g, b], alpha, [br, bg, bb]) {
  return [r * alpha + br * (1 - alpha), g * alpha + bg * (1 - alpha), b * alpha + bb * (1 - alpha)];
}
const hex = (c) =>
  "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");

// Data marks drawn: scenegraph items of the spec's own marks (role "mark"), not axes or legends.
function countMarks(view) {
  let marks = 0;
  const walk = (mark) => {
    for (const item of mark.items ?? []) {
      if (mark.marktype === "group") {
        for (const child of item.items ?? []) walk(child);
      } else if (mark.role === "mark" && (item.opacity ?? 1) > 0) {
        const b = item.bounds;
        if (b && (b.width() > 0 || b.height() > 0)) marks++;
      }
    }
  };
  walk(view.scenegraph().root);
  return marks;
}

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error("the chart's SVG did not load as an image"));
    img.src = url;
  });
}

// Every text of the chart against what is drawn behind it. The view's own scenegraph is drawn to
// SVG (what the front end's canvas or SVG renderer draws, item for item); each <text>'s colour is
// its computed fill with the opacities above it; behind it is that SVG drawn without its texts,
// over the output area's background, sampled inside the text's box: every colour covering at
// least a quarter of the box counts, so a label straddling two fills is judged on both.
async function measureTexts(svgText, pageBackground) {
  const host = document.createElement("div");
  host.style.cssText = "position:absolute;left:0;top:0;";
  host.innerHTML = svgText;
  document.body.appendChild(host);
  try {
    const svg = host.querySelector("svg");
    const box = svg.getBoundingClientRect();
    const width = Math.ceil(box.width), height = Math.ceil(box.height);
    const texts = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim() !== "");
    const clone = svg.cloneNode(true);
    for (const t of clone.querySelectorAll("text")) t.remove();
    const url = "data:image/svg+xml;charset=utf-8," +
      encodeURIComponent(new XMLSerializer().serializeToString(clone));
    const img = await loadImage(url);
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = pageBackground;
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(img, 0, 0, width, height);
    const pixels = ctx.getImageData(0, 0, width, height).data;
    const out = [];
    for (const t of texts) {
      const style = getComputedStyle(t);
      const fill = cssColor(style.fill);
      let alpha = fill ? fill[3] * parseFloat(style.fillOpacity || "1") : 0;
      for (let e = t; e && e !== svg.parentNode; e = e.parentNode) {
        alpha *= parseFloat(getComputedStyle(e).opacity || "1");
      }
      if (!fill || alpha <= 0 || style.visibility === "hidden" || style.display === "none") {
        continue;
      }
      const r = t.getBoundingClientRect();
      const x0 = Math.max(0, Math.floor(r.left - box.left)),
        x1 = Math.min(width, Math.ceil(r.right - box.left));
      const y0 = Math.max(0, Math.floor(r.top - box.top)),
        y1 = Math.min(height, Math.ceil(r.bottom - box.top));
      const counts = new Map();
      let total = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = 4 * (y * width + x);
          const key = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
          counts.set(key, (counts.get(key) ?? 0) + 1);
          total++;
        }
      }
      if (total === 0) continue;
      const behind = [...counts.entries()].sort((a, b) => b[1] - a[1])
        .filter(([, n], i) => i === 0 || n >= total / 4)
        .map(([k]) => [(k >> 16) & 255, (k >> 8) & 255, k & 255]);
      let worst = null;
      for (const bg of behind) {
        const seen = over(fill, Math.min(1, alpha), bg);
        const ratio = contrast(seen, bg);
        if (!worst || ratio < worst.ratio) worst = { ratio, color: hex(seen), behind: hex(bg) };
      }
      const group = t.closest("g[class]");
      out.push({
        text: t.textContent.slice(0, 60),
        role: group ? group.getAttribute("class") : "",
        ...worst,
      });
    }
    return { texts: out, size: [width, height] };
  } finally {
    host.remove();
  }
}

globalThis.losslabRender = async (kind, spec, mimes, pageBackground, keep) => {
  const el = document.createElement("div");
  el.className = "losslab-output";
  document.body.appendChild(el);
  let result;
  try {
    result = await EMBED[kind](el, spec, mimes);
  } catch (error) {
    el.remove();
    return { error: String(error && error.stack || error) };
  }
  try {
    const drawn = el.querySelector("canvas.marks, svg.marks");
    const rect = drawn ? drawn.getBoundingClientRect() : { width: 0, height: 0 };
    const { texts } = await measureTexts(await result.view.toSVG(), pageBackground);
    return {
      renderer: drawn ? drawn.tagName.toLowerCase() : "none",
      drawnSize: [Math.round(rect.width), Math.round(rect.height)],
      marks: countMarks(result.view),
      background: result.view.background() ?? null,
      texts,
    };
  } finally {
    if (!keep) {
      result.finalize?.() ?? result.view.finalize();
      el.remove();
    }
  }
};

// The bundle's static SVG (classic Notebook, nbconvert HTML, GitHub), measured the same way.
globalThis.losslabMeasureSvg = async (svgText, pageBackground) => {
  return await measureTexts(svgText, pageBackground);
};
