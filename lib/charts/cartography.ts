/**
 * Dataset cartography (Swayamdipta et al., 2020): each sample's variability (x) against its
 * confidence (y), coloured by correctness, with the easy-to-learn, ambiguous and hard-to-learn
 * regions labelled.
 *
 * @module
 */
import { Chart, type VegaLiteSpec } from "./chart.ts";
import { chartConfig, MAX_MARKS, SEQUENTIAL_SCHEME } from "./theme.ts";
import {
  assertNotEmpty,
  type LabelSeries,
  mean,
  type NumberSeries,
  readMatching,
  readSeries,
} from "./_data.ts";
import { evenPicks } from "./_layers.ts";
import { checkChartOptions, checkFields, readIds } from "./_options.ts";
import { assertNumberIn } from "../_core/checks.ts";
import { formatCount, formatNumber } from "../_core/format_number.ts";

/** The per-sample training statistics a cartography map plots. */
export interface CartographyData {
  /** Mean probability of the true class across epochs, in [0, 1]. */
  confidence: NumberSeries;
  /** Standard deviation of that probability across epochs, >= 0. */
  variability: NumberSeries;
  /** Fraction of epochs in which the sample was predicted correctly, in [0, 1]. */
  correctness: NumberSeries;
}

/** Options for {@linkcode cartographyChart}. */
export interface CartographyChartOptions {
  /** One id per sample, for tooltips. */
  ids?: LabelSeries;
  /** Chart title. */
  title?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
  /** Plot height in pixels (default 280). */
  height?: number;
}

const OPTION_KEYS = [
  "ids",
  "title",
  "width",
  "height",
] as const satisfies readonly (keyof CartographyChartOptions)[];

// The three series a map plots, and the other fields of analysis's `dataMap` result, which is
// passed as it is (`cartographyChart(dataMap(tracker))`); they are accepted and not drawn.
const DATA_KEYS = [
  "confidence",
  "variability",
  "correctness",
  "region",
  "variabilityThreshold",
  "counts",
] as const;

/**
 * A data map: variability (x) against confidence (y), colour = correctness, with the three regions
 * labelled: easy-to-learn (high confidence, low variability, top left), hard-to-learn (low
 * confidence, low variability, bottom left) and ambiguous (high variability, right). Above 5,000
 * samples an evenly spaced sample of 5,000 is drawn and the subtitle says so. The three series
 * have one value per sample, each in [0, 1]; NaN or infinite values are refused with their count
 * and positions. `data` (such as `dataMap`'s result, whose other fields are not drawn) and
 * `options` are checked by name: a misspelt key is refused, naming the closest one.
 *
 * @example
 * ```ts
 * import { cartographyChart } from "./cartography.ts";
 * const chart = cartographyChart({
 *   confidence: [0.9, 0.5, 0.1], variability: [0.05, 0.4, 0.05], correctness: [1, 0.5, 0],
 * });
 * if (!chart.summary.includes("3 samples")) throw new Error(chart.summary);
 * ```
 */
export function cartographyChart(
  data: CartographyData,
  options: CartographyChartOptions = {},
): Chart {
  const fn = "cartographyChart";
  checkFields(fn, "data", data, DATA_KEYS, "{ confidence, variability, correctness }");
  const conf = readSeries(data.confidence, fn, "data.confidence");
  const n = conf.length;
  assertNotEmpty(fn, "data.confidence", n);
  // Confidence and correctness are shares of epochs, variability the spread of a probability.
  const read = (v: NumberSeries, arg: string) => {
    const a = readMatching(v, fn, arg, n, "data.confidence");
    for (let i = 0; i < a.length; i++) {
      if (!(a[i] >= 0 && a[i] <= 1)) assertNumberIn(fn, `${arg}[${i}]`, a[i], { min: 0, max: 1 });
    }
    return a;
  };
  read(conf, "data.confidence");
  const vari = read(data.variability, "data.variability");
  const corr = read(data.correctness, "data.correctness");
  const { title, width, height } = checkChartOptions(fn, options, OPTION_KEYS);
  const ids = readIds(fn, options.ids, n, `data.confidence (${n} samples)`);
  const picks = evenPicks(n, MAX_MARKS);
  const rows = picks.map((i) => ({
    sample: ids ? ids[i] : i,
    confidence: conf[i],
    variability: vari[i],
    correctness: corr[i],
  }));
  // Variability of a probability is at most 0.5; the axis always shows [0, 0.5] so maps compare.
  let xMax = 0.5;
  for (let i = 0; i < n; i++) xMax = Math.max(xMax, vari[i]);
  const regions = [
    { x: 0.01 * xMax, y: 0.97, text: "easy-to-learn", align: "left", baseline: "top" },
    { x: 0.01 * xMax, y: 0.03, text: "hard-to-learn", align: "left", baseline: "bottom" },
    { x: 0.99 * xMax, y: 0.5, text: "ambiguous", align: "right", baseline: "middle" },
  ];
  const spec = {
    title: {
      text: title ?? "Data map: where each sample sits during training",
      subtitle: n <= MAX_MARKS
        ? `${formatCount(n)} samples, one dot each; colour = share of epochs predicted correctly`
        : `${formatCount(n)} samples: ${
          formatCount(picks.length)
        } drawn, evenly spaced; colour = share of epochs correct`,
    },
    width,
    height,
    config: chartConfig(),
    layer: [
      {
        name: "samples",
        data: { values: rows },
        mark: { type: "circle", size: n > 500 ? 12 : 40, opacity: 0.8, aria: n <= 500 },
        encoding: {
          x: {
            field: "variability",
            type: "quantitative",
            title: "variability (spread of the true-class probability across epochs)",
            scale: { domain: [0, xMax] },
          },
          y: {
            field: "confidence",
            type: "quantitative",
            title: "confidence (mean true-class probability)",
            scale: { domain: [0, 1] },
          },
          color: {
            field: "correctness",
            type: "quantitative",
            title: "correct",
            scale: { scheme: SEQUENTIAL_SCHEME, domain: [0, 1] },
            legend: { format: "%" },
          },
          tooltip: [
            { field: "sample", type: "nominal" },
            { field: "confidence", type: "quantitative", format: ".3f" },
            { field: "variability", type: "quantitative", format: ".3f" },
            { field: "correctness", type: "quantitative", format: ".0%" },
          ],
        },
      },
      ...regions.map((r, k) => ({
        name: `region_${k}`,
        data: { values: [r] },
        mark: {
          type: "text",
          fontSize: 13,
          fontWeight: "bold",
          opacity: 0.7,
          align: r.align,
          baseline: r.baseline,
        },
        encoding: {
          x: { field: "x", type: "quantitative" },
          y: { field: "y", type: "quantitative" },
          text: { field: "text" },
        },
      })),
    ],
  } as unknown as VegaLiteSpec;
  const summary = `Data map of ${formatCount(n)} samples: mean confidence ${
    formatNumber(mean(conf))
  }, mean variability ${formatNumber(mean(vari))}, mean correctness ${formatNumber(mean(corr))}.`;
  return new Chart(spec, { summary });
}
