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

/** The family's Vega-Lite `config`: one font, sizes and palette for every chart. */
export function chartConfig(): ChartConfig {
  return {
    font: "DejaVu Sans, Verdana, sans-serif",
    background: "white",
    view: { stroke: null },
    title: {
      fontSize: 14,
      subtitleFontSize: 11,
      subtitleColor: CHART_COLORS.muted,
      anchor: "start",
    },
    axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", grid: true },
    legend: { labelFontSize: 11, titleFontSize: 11 },
    range: { category: [...CHART_COLORS.categories] },
  };
}
