/**
 * The shared look of losslab's charts: a colour-blind-safe palette (Okabe & Ito), one font and
 * size, and the limits above which a chart aggregates instead of drawing every sample.
 *
 * @module
 */
import type { Config } from "vega-lite";

/** A Vega-Lite `config` block, as `vega-lite` types it. */
export type ChartConfig = Config;

/**
 * The Okabe–Ito palette: eight colours that stay distinct under the common forms of colour
 * blindness. Every categorical colour in losslab's charts comes from here.
 *
 * @example
 * ```ts
 * import { CHART_COLORS } from "./theme.ts";
 * if (CHART_COLORS.mean !== "#D55E00") throw new Error("the mean rule is vermillion");
 * ```
 */
export const CHART_COLORS = {
  /** Ordinary marks (samples). */
  marks: "#0072B2",
  /** The mean rule and anything that stands for "the single number". */
  mean: "#D55E00",
  /** The median rule. */
  median: "#009E73",
  /** Highlighted samples (top-k). */
  highlight: "#E69F00",
  /** Quantile rules, secondary text. */
  muted: "#666666",
  /** Background marks (thin trajectories, masked cells). */
  faint: "#BBBBBB",
  /** Dense marks that labels may sit on (a binned chart's ranges): light enough for label text. */
  range: "#DDDDDD",
  /** The categorical sequence, in order. */
  categories: [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
  ] as readonly string[],
} as const;

/** Colour scheme for continuous values such as loss (perceptually uniform, colour-blind safe). */
export const SEQUENTIAL_SCHEME = "viridis";

/** Default plot width in pixels. */
export const CHART_WIDTH = 560;
/** Default plot height in pixels. */
export const CHART_HEIGHT = 280;

/**
 * Above this many samples a chart aggregates (bins, or draws a stated sample) instead of drawing
 * one mark per sample, so its SVG stays small and fast to draw; its subtitle says so.
 */
export const MAX_MARKS = 5000;

/** The colour every chart is drawn on, in every front end and in the SVG and PNG. */
export const CHART_BACKGROUND = "#ffffff";

/** Text: titles, axis and legend labels and titles, facet headers. */
export const CHART_INK = "#000000";

/** The contrast every text of a chart keeps against what is behind it (WCAG AA, normal text). */
export const MIN_TEXT_CONTRAST = 4.5;

// Labels sit on the white background, and sometimes on dense light marks (a binned chart's range
// rules), so their colour must read on both.
const LABEL_BACKDROPS = [CHART_BACKGROUND, CHART_COLORS.range];

function channels(fn: string, arg: string, color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new TypeError(`${fn}: ${arg} is "${color}", expected a colour as #rrggbb`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/**
 * WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 (same luminance) to 21 (black on white).
 *
 * @example
 * ```ts
 * import { contrastRatio } from "./theme.ts";
 * if (Math.round(contrastRatio("#000000", "#ffffff")) !== 21) throw new Error("black on white");
 * ```
 */
export function contrastRatio(a: string, b: string): number {
  const lum = (c: string, arg: string) => {
    const [r, g, bl] = channels("contrastRatio", arg, c).map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a, "a"), lum(b, "b")].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The colour to write a label in when it names a mark drawn in `color`: `color` itself when it
 * reads at {@linkcode MIN_TEXT_CONTRAST} on the chart's background and on faint marks, else the
 * same hue darkened (towards black, in steps of 1 %) until it does. The Okabe–Ito hues are
 * chosen for marks; as 11-pixel text most of them are too light on white.
 *
 * @example
 * ```ts
 * import { CHART_COLORS, contrastRatio, textColor } from "./theme.ts";
 * const ink = textColor(CHART_COLORS.highlight);
 * if (contrastRatio(ink, "#ffffff") < 4.5) throw new Error(ink);
 * ```
 */
export function textColor(color: string): string {
  const rgb = channels("textColor", "color", color);
  for (let k = 0; k <= 100; k++) {
    const shade = "#" +
      rgb.map((v) => Math.round((v * (100 - k)) / 100).toString(16).padStart(2, "0")).join("");
    if (LABEL_BACKDROPS.every((b) => contrastRatio(shade, b) >= MIN_TEXT_CONTRAST)) return shade;
  }
  return CHART_INK;
}

/**
 * The family's Vega-Lite `config`: one font, sizes and palette for every chart, and every text and
 * guide colour set explicitly against the chart's own white background.
 *
 * Why explicit colours rather than the front end's theme: JupyterLab (4.4–4.6,
 * `packages/vega5-extension/src/index.ts`) embeds every Vega-Lite output with vega-embed's
 * `theme: "dark"` when its own theme is dark, and VS Code's renderer
 * (microsoft/vscode-notebook-renderers, `src/client/vegaRenderer.ts`) does the same unless the
 * spec has a top-level `background`. vega-embed merges the theme's config under the spec's
 * (`mergeConfig(themes[opts.theme], opts.config)`, then vega-lite's compile puts the spec's own
 * `config` on top), and vega-themes' dark theme (`src/theme-dark.ts`) sets a `#333` background,
 * white titles, white `guide-label` and `guide-title` styles, white axis domains and ticks and
 * grey grid lines. A chart that sets only its background keeps white text on white. Adopting the
 * dark theme instead would need every colour the kit draws text in to read on white and on
 * `#333`, which no colour does at 4.5:1, would leave the black of the Okabe–Ito palette on a dark
 * ground, and would make the SVG and PNG fallbacks (classic Notebook, GitHub, nbconvert) a
 * different picture from the interactive one. So every colour the dark theme touches is set here,
 * the spec's own config wins over any theme, and the chart is the same white card, with the same
 * colour-blind-safe palette, in every front end and theme. `Chart` copies the background to the
 * spec's top level, which is what tells VS Code not to apply its dark theme at all.
 *
 * @example
 * ```ts
 * import { chartConfig } from "./theme.ts";
 * const config = chartConfig();
 * if (config.background !== "#ffffff" || config.axis?.labelColor !== "#000000") {
 *   throw new Error("explicit colours");
 * }
 * ```
 */
export function chartConfig(): ChartConfig {
  const guide = { fill: CHART_INK };
  return {
    font: "DejaVu Sans, Verdana, sans-serif",
    background: CHART_BACKGROUND,
    view: { stroke: null },
    title: {
      fontSize: 14,
      color: CHART_INK,
      subtitleFontSize: 11,
      subtitleColor: CHART_COLORS.muted,
      anchor: "start",
    },
    axis: {
      labelFontSize: 11,
      titleFontSize: 12,
      titleFontWeight: "normal",
      grid: true,
      labelColor: CHART_INK,
      titleColor: CHART_INK,
      // vega's own light defaults, restated so that no theme replaces them.
      domainColor: "#888888",
      tickColor: "#888888",
      gridColor: "#dddddd",
    },
    legend: { labelFontSize: 11, titleFontSize: 11, labelColor: CHART_INK, titleColor: CHART_INK },
    header: { labelColor: CHART_INK, titleColor: CHART_INK },
    style: { "guide-label": guide, "guide-title": guide },
    range: { category: [...CHART_COLORS.categories] },
  };
}
