/**
 * The chart object every chart builder returns: a Vega-Lite spec that displays itself in the Deno
 * Jupyter kernel as a MIME bundle every front end can draw.
 *
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { assertKnownOptions, assertNumberIn, describeValue } from "../_core/checks.ts";

/** A Vega-Lite v5 specification, as `vega-lite` types it. */
export type VegaLiteSpec = TopLevelSpec;

/** The MIME type JupyterLab and VS Code draw Vega-Lite 5 charts from. */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** The schema every losslab spec declares (JupyterLab's built-in renderer is vega-lite 5.x). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/**
 * What a chart sends to Jupyter. There is deliberately no `text/html`: front ends rank HTML above
 * images, and a chart's HTML would need a script from the network.
 */
export interface MimeBundle {
  /** The Vega-Lite spec, drawn interactively by JupyterLab and VS Code. */
  "application/vnd.vegalite.v5+json": VegaLiteSpec;
  /** The same chart rendered in-process to SVG (classic Notebook, nbconvert HTML, GitHub). */
  "image/svg+xml": string;
  /** The same chart as a base64-encoded PNG (GitHub previews, untrusted notebooks). */
  "image/png": string;
  /** A sentence or two saying what the chart shows, with its key numbers. */
  "text/plain": string;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Throws a TypeError unless `spec` is an object (not `null`, not an array). */
function assertSpec(fn: string, spec: unknown): void {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError(
      `${fn}: spec is ${describeValue(spec)}, expected a Vega-Lite spec (an object)`,
    );
  }
}

/** Vega-Lite 5's mark types: its primitive marks and its composite ones. */
const MARKS = [
  "arc",
  "area",
  "bar",
  "image",
  "line",
  "point",
  "rect",
  "rule",
  "text",
  "tick",
  "trail",
  "circle",
  "square",
  "geoshape",
  "boxplot",
  "errorbar",
  "errorband",
];

/**
 * Checks the mark type of every view in `spec` (layers, facets, concatenations): vega-lite meets
 * an unknown one with a JavaScript engine error ("Cannot read properties of undefined") that
 * names neither the mark nor where it is.
 */
function assertKnownMarks(fn: string, spec: unknown, path: string): void {
  if (spec === null || typeof spec !== "object") return;
  const view = spec as Record<string, unknown>;
  const mark = view.mark;
  if (mark !== undefined) {
    const type = mark !== null && typeof mark === "object"
      ? (mark as Record<string, unknown>).type
      : mark;
    if (typeof type !== "string" || !MARKS.includes(type)) {
      const where = typeof mark === "object" ? `${path}.mark.type` : `${path}.mark`;
      throw new RangeError(
        `${fn}: ${where} is ${describeValue(type)}, expected a Vega-Lite mark type (one of ${
          MARKS.map((m) => JSON.stringify(m)).join(", ")
        })`,
      );
    }
  }
  if (view.spec !== undefined) assertKnownMarks(fn, view.spec, `${path}.spec`);
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    const children = view[key];
    if (Array.isArray(children)) {
      children.forEach((child, i) => assertKnownMarks(fn, child, `${path}.${key}[${i}]`));
    }
  }
}

/** Whether an error is the JavaScript engine's (a bug hit inside a library), not a library's own. */
function isEngineError(error: unknown): boolean {
  return error instanceof TypeError || error instanceof ReferenceError ||
    (error instanceof RangeError && /call stack/i.test(error.message));
}

function compileFor(fn: string, spec: VegaLiteSpec): vega.Spec {
  assertSpec(fn, spec);
  assertKnownMarks(fn, spec, "spec");
  const warnings: string[] = [];
  const logger = {
    level(): number {
      return 0;
    },
    // The four methods vega-lite's logger interface asks for; only warnings and errors matter.
    error(...args: readonly unknown[]) {
      warnings.push(args.join(" "));
      return this;
    },
    warn(...args: readonly unknown[]) {
      warnings.push(args.join(" "));
      return this;
    },
    info() {
      return this;
    },
    debug() {
      return this;
    },
  };
  let compiled: vega.Spec;
  try {
    compiled = compile(spec, { logger: logger as never }).spec;
  } catch (error) {
    // vega-lite's errors do not say which call failed; an engine error inside it says nothing
    // about the spec at all, so it is not quoted.
    const detail = isEngineError(error)
      ? "vega-lite failed while reading it: check the channels, field types and mark properties"
      : `vega-lite: ${messageOf(error)}`;
    throw new RangeError(
      `${fn}: spec is not a valid Vega-Lite spec, expected one vega-lite compiles (${detail})`,
    );
  }
  if (warnings.length > 0) {
    throw new RangeError(`${fn}: vega-lite warned: ${warnings.join("; ")}`);
  }
  return compiled;
}

/**
 * Compiles a Vega-Lite spec to Vega, throwing on any warning so specs stay clean. A spec that is
 * not an object is a TypeError; one that vega-lite cannot compile, or warns about, a RangeError
 * that quotes vega-lite.
 *
 * @example
 * ```ts
 * import { compileSpec } from "./chart.ts";
 * const vg = compileSpec({
 *   data: { values: [{ x: 1 }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" } },
 * });
 * if (!Array.isArray(vg.marks)) throw new Error("expected Vega marks");
 * ```
 */
export function compileSpec(spec: VegaLiteSpec): vega.Spec {
  return compileFor("compileSpec", spec);
}

// vega's own estimate (0.8 × characters × font size) is about 1.4 times the real width of DejaVu
// Sans, the theme's font, which left a wide empty band beside every chart with a long title. 0.58
// (0.63 in bold) is DejaVu Sans's average advance for mixed text; still deterministic.
function estimateTextWidth(
  item: { fontSize?: number; fontWeight?: string | number },
  text: unknown,
): number {
  const size = item.fontSize ?? 11;
  const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
  let chars = 0;
  if (Array.isArray(text)) {
    // A loop, not Math.max(...lines): a spread of a long array overflows the call stack.
    for (const line of text) chars = Math.max(chars, String(line).length);
  } else {
    chars = String(text ?? "").length;
  }
  return Math.ceil((bold ? 0.63 : 0.58) * size * chars);
}

/**
 * Renders a Vega-Lite spec to an SVG string in-process, deterministically: the same spec gives the
 * same bytes (vega's gradient and clip ids are reset, and text is measured by vega's built-in
 * estimate, as no canvas is loaded).
 *
 * @example
 * ```ts
 * import { renderSVG } from "./chart.ts";
 * const svg = await renderSVG({
 *   data: { values: [{ x: 1, y: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * if (!svg.startsWith("<svg")) throw new Error("expected an SVG");
 * ```
 */
export function renderSVG(spec: VegaLiteSpec): Promise<string> {
  return renderFor("renderSVG", spec);
}

async function renderFor(fn: string, spec: VegaLiteSpec): Promise<string> {
  const compiled = compileFor(fn, spec);
  let view: vega.View;
  try {
    view = new vega.View(vega.parse(compiled), { renderer: "none" });
  } catch (error) {
    const detail = isEngineError(error)
      ? "vega failed while parsing it"
      : `vega: ${messageOf(error)}`;
    throw new RangeError(`${fn}: spec compiles to a Vega spec that vega cannot parse (${detail})`);
  }
  try {
    // Both are exported by vega at run time but missing from its type declarations. Text is
    // always measured by vega's estimate, even if a canvas package appears, so layouts (and
    // bytes) do not depend on the machine's fonts.
    const v = vega as unknown as {
      resetSVGDefIds(): void;
      textMetrics?: {
        canvas?(use: boolean): void;
        width?: (
          item: { fontSize?: number; fontWeight?: string | number },
          text: unknown,
        ) => number;
      };
    };
    v.textMetrics?.canvas?.(false);
    if (v.textMetrics) v.textMetrics.width = estimateTextWidth;
    v.resetSVGDefIds();
    try {
      return await view.toSVG();
    } catch (error) {
      const detail = isEngineError(error)
        ? "vega failed while drawing it"
        : `vega: ${messageOf(error)}`;
      throw new RangeError(`${fn}: spec could not be drawn by vega (${detail})`);
    }
  } finally {
    view.finalize();
  }
}

const NODE_MODULES = new URL("../../node_modules/", import.meta.url);
const FONT_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"];
let rasteriser: Promise<Uint8Array[]> | null = null;

// resvg's wasm is initialised once per process; the fonts come from the pinned `dejavu-fonts-ttf`
// package, so a PNG looks the same on every machine and never depends on system fonts.
function loadRasteriser(): Promise<Uint8Array[]> {
  rasteriser ??= (async () => {
    const wasm = await Deno.readFile(new URL("@resvg/resvg-wasm/index_bg.wasm", NODE_MODULES));
    await initWasm(wasm);
    return await Promise.all(
      FONT_FILES.map((f) => Deno.readFile(new URL(`dejavu-fonts-ttf/ttf/${f}`, NODE_MODULES))),
    );
  })();
  return rasteriser;
}

/** The most pixels a PNG may have (8,000 × 8,000): beyond it resvg would ask for gigabytes. */
const MAX_PNG_PIXELS = 64_000_000;

/**
 * Rasterises an SVG (as {@linkcode renderSVG} makes) to PNG bytes in-process, with resvg
 * (WebAssembly) and the DejaVu Sans font shipped by an npm package: no browser, no system fonts.
 * `scale` multiplies the SVG's pixel size (default 1, at most 8). `svg` must be a string resvg can
 * parse, and the PNG at most 64 million pixels; the only option is `scale`.
 *
 * @example
 * ```ts
 * import { rasterizeSVG } from "./chart.ts";
 * const png = await rasterizeSVG('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"/>');
 * if (png[1] !== 0x50 || png[2] !== 0x4e || png[3] !== 0x47) throw new Error("not a PNG");
 * ```
 */
export function rasterizeSVG(
  svg: string,
  options: { scale?: number } = {},
): Promise<Uint8Array> {
  return rasterizeFor("rasterizeSVG", svg, options);
}

/** The checked `scale` of a rasterising call's options (default 1). */
function rasterScale(fn: string, options: { scale?: number } | undefined): number {
  assertKnownOptions(fn, options, ["scale"]);
  const scale = options?.scale ?? 1;
  assertNumberIn(fn, "options.scale", scale, { min: 0, max: 8, minOpen: true });
  return scale;
}

async function rasterizeFor(
  fn: string,
  svg: string,
  options: { scale?: number } | undefined,
): Promise<Uint8Array> {
  if (typeof svg !== "string") {
    throw new TypeError(`${fn}: svg is ${describeValue(svg)}, expected an SVG document (a string)`);
  }
  const scale = rasterScale(fn, options);
  const fonts = await loadRasteriser();
  let resvg: InstanceType<typeof Resvg>;
  try {
    resvg = new Resvg(svg, {
      font: {
        fontBuffers: fonts,
        defaultFontFamily: "DejaVu Sans",
        sansSerifFamily: "DejaVu Sans",
      },
      fitTo: scale === 1 ? { mode: "original" } : { mode: "zoom", value: scale },
      background: "white",
    });
  } catch (error) {
    throw new RangeError(
      `${fn}: svg is ${describeValue(svg.slice(0, 40))}..., expected an SVG document resvg can ` +
        `parse (resvg: ${messageOf(error)})`,
    );
  }
  try {
    const pixels = resvg.width * scale * resvg.height * scale;
    if (!(pixels <= MAX_PNG_PIXELS)) {
      throw new RangeError(
        `${fn}: svg is ${resvg.width} × ${resvg.height} pixels (× ${scale}), expected at most ` +
          `${MAX_PNG_PIXELS.toLocaleString("en-US")} pixels in the PNG`,
      );
    }
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

function base64(bytes: Uint8Array): string {
  let text = "";
  // Chunks of 32,768 bytes: spread into one call, each stays far below the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/** Options for {@linkcode Chart}. */
export interface ChartOptions {
  /** The `text/plain` summary: what the chart shows, in a sentence or two with its key numbers. */
  summary: string;
}

/**
 * A chart: a Vega-Lite spec plus a plain-text summary. In the Deno kernel,
 * `await Deno.jupyter.display(chart)` shows it (or end a cell with the chart); elsewhere use
 * {@linkcode Chart.toSVG}, {@linkcode Chart.toPNG}, {@linkcode Chart.toSpec} or
 * {@linkcode Chart.save}.
 *
 * The display bundle has exactly four MIME types: the Vega-Lite v5 spec (drawn interactively by
 * JupyterLab and VS Code), an SVG (classic Notebook, nbconvert HTML), a PNG (GitHub's preview,
 * untrusted notebooks) and a `text/plain` summary. There is no `text/html`.
 *
 * @example
 * ```ts
 * import { Chart, VEGA_LITE_MIME } from "./chart.ts";
 * const chart = new Chart({
 *   data: { values: [{ sample: 0, loss: 1 }, { sample: 1, loss: 3 }] },
 *   mark: "bar",
 *   encoding: {
 *     x: { field: "sample", type: "ordinal" },
 *     y: { field: "loss", type: "quantitative" },
 *   },
 * }, { summary: "two samples, mean loss 2" });
 * const bundle = await chart.toBundle();
 * if (!(VEGA_LITE_MIME in bundle) || !bundle["image/svg+xml"].includes("<svg")) {
 *   throw new Error("bundle is missing a chart");
 * }
 * ```
 */
export class Chart {
  readonly #spec: VegaLiteSpec;
  #svg: Promise<string> | null = null;
  /** What the chart shows, as text. */
  readonly summary: string;

  /**
   * Wraps a Vega-Lite spec (an object; it is copied, so later changes to it do not reach the
   * chart); the `$schema` is set to Vega-Lite v5. `options.summary` must be a non-blank string,
   * and is the only option.
   */
  constructor(spec: VegaLiteSpec, options: ChartOptions) {
    assertSpec("Chart", spec);
    if (options === undefined) {
      throw new TypeError("Chart: options is undefined, expected { summary }");
    }
    assertKnownOptions("Chart", options, ["summary"]);
    const summary: unknown = options.summary;
    if (typeof summary !== "string") {
      throw new TypeError(
        `Chart: options.summary is ${describeValue(summary)}, expected a non-empty string`,
      );
    }
    if (summary.trim() === "") {
      throw new RangeError(
        `Chart: options.summary is ${describeValue(summary)}, expected a non-empty string`,
      );
    }
    let copy: VegaLiteSpec;
    try {
      copy = structuredClone(spec) as VegaLiteSpec;
    } catch (error) {
      throw new TypeError(
        `Chart: spec is not plain data (${messageOf(error)}), expected a JSON-like Vega-Lite spec`,
      );
    }
    // VS Code's notebook renderer applies vega-embed's dark theme unless the spec has a top-level
    // `background` (it does not look into `config`); JupyterLab applies it regardless, which the
    // explicit colours of the config answer. So a background set in the config is stated at the
    // top level as well.
    const configured = copy.config?.background;
    if (copy.background === undefined && configured !== undefined) copy.background = configured;
    this.#spec = { $schema: VEGA_LITE_SCHEMA, ...copy } as VegaLiteSpec;
    this.summary = summary;
  }

  /** A copy of the Vega-Lite spec. */
  toSpec(): VegaLiteSpec {
    return structuredClone(this.#spec);
  }

  /** The chart rendered to SVG, in-process (rendered once, then reused: the chart is immutable). */
  toSVG(): Promise<string> {
    this.#svg ??= renderFor("Chart.toSVG", this.#spec);
    this.#svg.catch(() => (this.#svg = null));
    return this.#svg;
  }

  /**
   * The chart rasterised to PNG bytes (see {@linkcode rasterizeSVG}); `scale` (in `(0, 8]`)
   * defaults to 1 and is the only option.
   */
  async toPNG(options: { scale?: number } = {}): Promise<Uint8Array> {
    // Options are checked before the (slow, cached) SVG is drawn.
    rasterScale("Chart.toPNG", options);
    return rasterizeFor("Chart.toPNG", await this.toSVG(), options);
  }

  /**
   * The MIME bundle sent to Jupyter: Vega-Lite spec, SVG, PNG (base64) and text. The spec in the
   * bundle has no `$schema`: the MIME type already says Vega-Lite 5, and vega-embed 7 (VS Code's
   * renderer on main, with vega-lite 6) warns about every spec whose `$schema` names another
   * major version than the one it loaded.
   */
  async toBundle(): Promise<MimeBundle> {
    const svg = await this.toSVG();
    const { $schema: _schema, ...spec } = this.toSpec();
    return {
      [VEGA_LITE_MIME]: spec as VegaLiteSpec,
      "image/svg+xml": svg,
      "image/png": base64(await rasterizeFor("Chart.toBundle", svg, {})),
      "text/plain": this.summary,
    };
  }

  /** A standalone, interactive HTML page with vega, vega-lite and vega-embed inlined. */
  async toHTML(): Promise<string> {
    return standaloneHTML(this.summary, this.#spec, await this.toSVG());
  }

  /**
   * Writes the chart to `path`: `.svg` (the SVG), `.png` (the PNG), `.vl.json` (the spec) or
   * `.html` (an interactive page with tooltips that works offline: vega, vega-lite and vega-embed
   * are inlined from `node_modules`, and the SVG is the fallback when scripts are off).
   */
  async save(path: string): Promise<void> {
    if (typeof path !== "string") {
      throw new TypeError(
        `Chart.save: path is ${describeValue(path)}, expected a file name (a string)`,
      );
    }
    if (path.endsWith(".svg")) {
      await Deno.writeTextFile(path, await this.toSVG());
    } else if (path.endsWith(".png")) {
      await Deno.writeFile(path, await this.toPNG());
    } else if (path.endsWith(".vl.json")) {
      await Deno.writeTextFile(path, JSON.stringify(this.#spec, null, 2) + "\n");
    } else if (path.endsWith(".html")) {
      await Deno.writeTextFile(path, await this.toHTML());
    } else {
      throw new RangeError(
        `Chart.save: path is "${path}", expected a name ending in .svg, .png, .vl.json or .html`,
      );
    }
  }

  /** Called by the Deno kernel to display the chart. */
  [Symbol.for("Jupyter.display")](): Promise<MimeBundle> {
    return this.toBundle();
  }
}

function escapeHTML(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}

// The browser builds sit beside each package's entry point (`build/`). They are found through the
// import map's own resolution, not `node_modules/vega`: the renderer test pins other versions of
// vega, vega-lite and vega-embed too, and the top-level links may point at any of them.
const SCRIPT_FILES = [
  ["vega", "vega.min.js"],
  ["vega-lite", "vega-lite.min.js"],
  ["vega-embed", "vega-embed.min.js"],
].map(([pkg, file]) => new URL(file, import.meta.resolve(pkg)));
let scripts: Promise<string[]> | null = null;

// Inlined script text must not close its <script> element early.
function inlineScript(text: string): string {
  return text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

function standaloneHTML(summary: string, spec: VegaLiteSpec, svg: string): Promise<string> {
  scripts ??= Promise.all(
    SCRIPT_FILES.map((f) => Deno.readTextFile(f)),
  ).catch((error) => {
    scripts = null;
    throw new Error(
      `Chart.save: cannot read vega's browser builds from node_modules (${error}); ` +
        "run `deno install` (./losslab does it)",
    );
  });
  return scripts.then((code) =>
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHTML(summary.split("\n")[0])}</title>
<style>body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:1.5em}#summary{max-width:48em}</style>
${code.map((c) => `<script>${inlineScript(c)}</script>`).join("\n")}
</head>
<body>
<div id="chart">${svg}</div>
<p id="summary">${escapeHTML(summary)}</p>
<script>
// Replace the static SVG by the interactive chart (tooltips); the SVG stays if scripts are off.
vegaEmbed("#chart", ${inlineScript(JSON.stringify(spec))}, { actions: false, renderer: "svg" })
  .catch(function (e) { console.error(e); });
</script>
</body></html>
`
  );
}
