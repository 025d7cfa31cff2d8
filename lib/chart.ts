/**
 * The chart object every chart builder returns: a Vega-Lite spec that displays itself in the Deno
 * Jupyter kernel as a MIME bundle every front end can draw.
 *
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

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
  /** A PNG, base64-encoded, where the chart could be rasterised (GitHub previews, untrusted notebooks). */
  "image/png"?: string;
  /** A sentence or two saying what the chart shows, with its key numbers. */
  "text/plain": string;
}

/** Compiles a Vega-Lite spec to Vega, throwing on any warning so specs stay clean. */
export function compileSpec(spec: VegaLiteSpec): vega.Spec {
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
  const compiled = compile(spec, { logger: logger as never }).spec;
  if (warnings.length > 0) {
    throw new Error(`compileSpec: vega-lite warned: ${warnings.join("; ")}`);
  }
  return compiled;
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
export async function renderSVG(spec: VegaLiteSpec): Promise<string> {
  const view = new vega.View(vega.parse(compileSpec(spec)), { renderer: "none" });
  try {
    // Exported by vega at run time but missing from its type declarations.
    (vega as unknown as { resetSVGDefIds(): void }).resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options for {@linkcode Chart}. */
export interface ChartOptions {
  /** The `text/plain` summary: what the chart shows, in a sentence or two with its key numbers. */
  summary: string;
}

/**
 * A chart: a Vega-Lite spec plus a plain-text summary. In the Deno kernel,
 * `await Deno.jupyter.display(chart)` shows it; elsewhere use {@linkcode Chart.toSVG},
 * {@linkcode Chart.toSpec} or {@linkcode Chart.save}.
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
  /** What the chart shows, as text. */
  readonly summary: string;

  /** Wraps a Vega-Lite spec; the `$schema` is set to Vega-Lite v5. */
  constructor(spec: VegaLiteSpec, options: ChartOptions) {
    if (typeof options?.summary !== "string" || options.summary.trim() === "") {
      throw new TypeError("Chart: options.summary must be a non-empty string");
    }
    this.#spec = { $schema: VEGA_LITE_SCHEMA, ...structuredClone(spec) } as VegaLiteSpec;
    this.summary = options.summary;
  }

  /** A copy of the Vega-Lite spec. */
  toSpec(): VegaLiteSpec {
    return structuredClone(this.#spec);
  }

  /** The chart rendered to SVG, in-process. */
  toSVG(): Promise<string> {
    return renderSVG(this.#spec);
  }

  /** The MIME bundle sent to Jupyter: Vega-Lite spec, SVG, and text. */
  async toBundle(): Promise<MimeBundle> {
    return {
      [VEGA_LITE_MIME]: this.toSpec(),
      "image/svg+xml": await this.toSVG(),
      "text/plain": this.summary,
    };
  }

  /**
   * Writes the chart to `path`: `.svg` (the SVG), `.vl.json` (the spec) or `.html` (a page that
   * shows the SVG and the spec, and needs no network).
   */
  async save(path: string): Promise<void> {
    if (path.endsWith(".svg")) {
      await Deno.writeTextFile(path, await this.toSVG());
    } else if (path.endsWith(".vl.json")) {
      await Deno.writeTextFile(path, JSON.stringify(this.#spec, null, 2) + "\n");
    } else if (path.endsWith(".html")) {
      await Deno.writeTextFile(path, standaloneHTML(this.summary, await this.toSVG()));
    } else {
      throw new RangeError(
        `Chart.save: path is "${path}", expected a name ending in .svg, .vl.json or .html`,
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

function standaloneHTML(summary: string, svg: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${
    escapeHTML(summary.split("\n")[0])
  }</title></head>
<body style="font-family: sans-serif">
${svg}
<p>${escapeHTML(summary)}</p>
</body></html>
`;
}
