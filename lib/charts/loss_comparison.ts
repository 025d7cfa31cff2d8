/**
 * The same samples under two or more losses or weightings (MSE vs Huber, unweighted vs weighted),
 * side by side, each with its own mean rule.
 *
 * @module
 */
import { Chart, type VegaLiteSpec } from "./chart.ts";
import { CHART_COLORS, CHART_WIDTH, chartConfig, MAX_MARKS, textColor } from "./theme.ts";
import { type LabelSeries, mean, type NumberSeries, readLosses, readMatching } from "./_data.ts";
import { evenPicks } from "./_layers.ts";
import { checkChartOptions, choice, readIds } from "./_options.ts";
import { describeValue } from "../_core/checks.ts";
import { formatCount, formatNumber } from "../_core/format_number.ts";

/** Options for {@linkcode lossComparisonChart}. */
export interface LossComparisonChartOptions {
  /** `"faceted"` (one panel per loss, default) or `"layered"` (one panel, a colour per loss). */
  layout?: "faceted" | "layered";
  /** `"sorted"` (each loss's samples sorted by that loss, default) or `"data"` (data order). */
  order?: "sorted" | "data";
  /** Faceted layout: share the y scale across panels (default `true`, so heights compare). */
  sharedScale?: boolean;
  /** One id per sample, shown in tooltips. */
  ids?: LabelSeries;
  /** Chart title. Default: a sentence comparing the means. */
  title?: string;
  /** What the values are, for the y axis (default `"loss"`). */
  lossName?: string;
  /** Width of each panel (faceted) or of the chart (layered), in pixels. */
  width?: number;
  /** Plot height in pixels (default 280). */
  height?: number;
}

const OPTION_KEYS = [
  "layout",
  "order",
  "sharedScale",
  "ids",
  "title",
  "lossName",
  "width",
  "height",
] as const satisfies readonly (keyof LossComparisonChartOptions)[];

/**
 * Plots several per-sample loss series over the same samples, given as
 * `{ name: losses, ... }` (at least one; all the same length), each with its own labelled mean
 * rule. Faceted panels share the y scale by default so the heights compare honestly.
 *
 * Above 5,000 samples per series each series draws 2,000 samples (evenly spaced ranks when
 * sorted, every k-th sample in data order) and the subtitle says so; means use every sample.
 * NaN or infinite values are refused with their count and positions. The layered layout tells
 * series apart by colour alone, so it takes at most 8 (the palette's colours). Options are checked
 * by name: a misspelt key is refused, naming the closest one.
 *
 * @example
 * ```ts
 * import { lossComparisonChart } from "./loss_comparison.ts";
 * const chart = lossComparisonChart({ MSE: [0, 1, 16], Huber: [0, 0.5, 3.5] });
 * if (!chart.summary.includes("MSE 5.67")) throw new Error(chart.summary);
 * ```
 */
export function lossComparisonChart(
  series: Record<string, NumberSeries>,
  options: LossComparisonChartOptions = {},
): Chart {
  const fn = "lossComparisonChart";
  if (series === null || typeof series !== "object" || Array.isArray(series)) {
    throw new TypeError(
      `${fn}: series is ${describeValue(series)}, expected { name: losses, ... }`,
    );
  }
  const names = Object.keys(series);
  if (names.length === 0) throw new RangeError(`${fn}: series is empty, expected at least one`);
  const arg = (name: string) => `series["${name}"]`;
  const first = readLosses(series[names[0]], fn, arg(names[0]));
  const n = first.length;
  const data = [
    first,
    ...names.slice(1).map((name) => readMatching(series[name], fn, arg(name), n, arg(names[0]))),
  ];
  const checked = checkChartOptions(fn, options, OPTION_KEYS);
  const { lossName, height } = checked;
  const layout = choice(fn, "options.layout", options.layout, ["faceted", "layered"] as const);
  const colors = CHART_COLORS.categories.length;
  if (layout === "layered" && names.length > colors) {
    throw new RangeError(
      `${fn}: series has ${names.length} entries, expected at most ${colors} with options.layout ` +
        `"layered" (one colour each; two series would share a colour); use "faceted"`,
    );
  }
  if (options.sharedScale !== undefined && typeof options.sharedScale !== "boolean") {
    throw new TypeError(
      `${fn}: options.sharedScale is ${describeValue(options.sharedScale)}, expected true or false`,
    );
  }
  const order = choice(fn, "options.order", options.order, ["sorted", "data"] as const);
  const ids = readIds(fn, options.ids, n, `each series (${n} samples)`);
  // Faceted panels share the default width between them, down to 160 px each.
  const width = options.width === undefined && layout === "faceted"
    ? Math.max(160, Math.floor(CHART_WIDTH / names.length))
    : checked.width;

  const perSeries = Math.max(1, Math.floor(MAX_MARKS / names.length));
  const drawn = n <= perSeries ? n : Math.min(2000, perSeries);
  const means = data.map((v) => mean(v));
  const rows: Record<string, string | number>[] = [];
  names.forEach((name, k) => {
    const v = data[k];
    const index = Array.from({ length: n }, (_, i) => i);
    if (order === "sorted") index.sort((a, b) => v[a] - v[b] || a - b);
    for (const p of evenPicks(n, drawn)) {
      const i = index[p];
      rows.push({
        kind: "sample",
        series: name,
        position: p,
        sample: ids ? ids[i] : i,
        loss: v[i],
      });
    }
    rows.push({
      kind: "mean",
      series: name,
      loss: means[k],
      label: `mean ${formatNumber(means[k])}`,
    });
  });

  const xTitle = order === "sorted"
    ? "samples, sorted by this loss (rank)"
    : "sample (in data order)";
  const color = { field: "series", type: "nominal", title: null, sort: names };
  const layers = [
    {
      name: "samples",
      transform: [{ filter: "datum.kind === 'sample'" }],
      mark: { type: "circle", size: n > 500 ? 10 : 36, opacity: 0.7, aria: false },
      encoding: {
        x: {
          field: "position",
          type: "quantitative",
          title: xTitle,
          axis: { format: "d", tickMinStep: 1 },
        },
        y: { field: "loss", type: "quantitative", title: `${lossName} of each sample` },
        color: layout === "layered" ? color : { value: CHART_COLORS.marks },
        tooltip: [
          { field: "series", type: "nominal", title: "loss" },
          { field: "sample", type: "nominal", title: "sample" },
          { field: "loss", type: "quantitative", title: "value", format: ".4~g" },
        ],
      },
    },
    {
      name: "mean_rule",
      transform: [{ filter: "datum.kind === 'mean'" }],
      mark: {
        type: "rule",
        strokeWidth: 2,
        ...(layout === "layered" ? {} : { color: CHART_COLORS.mean }),
      },
      encoding: {
        y: { field: "loss", type: "quantitative" },
        ...(layout === "layered" ? { color } : {}),
      },
    },
    {
      name: "mean_label",
      transform: [{ filter: "datum.kind === 'mean'" }],
      mark: {
        type: "text",
        align: "right",
        baseline: "bottom",
        dy: -3,
        x: width - 4,
        fontWeight: "bold",
        ...(layout === "layered" ? {} : { color: textColor(CHART_COLORS.mean) }),
      },
      encoding: {
        y: { field: "loss", type: "quantitative" },
        text: layout === "layered" ? { field: "caption" } : { field: "label" },
        // Each series' label in its palette colour darkened to read as text (scale: null takes
        // the field's value as the colour, outside the legend's scale).
        ...(layout === "layered"
          ? { color: { field: "ink", type: "nominal", scale: null, legend: null } }
          : {}),
      },
    },
  ];
  if (layout === "layered") {
    for (const r of rows) {
      if (r.kind !== "mean") continue;
      r.caption = `${r.series}: ${r.label}`;
      const k = names.indexOf(String(r.series));
      r.ink = textColor(CHART_COLORS.categories[k % CHART_COLORS.categories.length]);
    }
  }
  // Loops rather than Math.max(...means): no spread of a caller-sized array into a call.
  let big = 0, small = 0;
  for (let k = 1; k < means.length; k++) {
    if (means[k] > means[big]) big = k;
    if (means[k] < means[small]) small = k;
  }
  // A title states the comparison; equal means (as printed) say so instead of repeating a number.
  const sameMean = formatNumber(means[big]) === formatNumber(means[small]);
  const title = checked.title ??
    (names.length === 1
      ? `Mean ${lossName} ${formatNumber(means[0])} under ${names[0]}`
      : sameMean
      ? `Same mean ${lossName} (${formatNumber(means[big])}) under every series: only the ` +
        `per-sample values differ`
      : `Same ${formatCount(n)} samples: the mean is highest under ${names[big]} (${
        formatNumber(means[big])
      }), lowest under ${names[small]} (${formatNumber(means[small])})`);
  const subtitle = n <= perSeries
    ? `one dot per sample and loss; rules mark each loss's mean`
    : `${formatCount(n)} samples: ${formatCount(drawn)} drawn per loss (${
      order === "sorted" ? "evenly spaced ranks" : "every k-th sample"
    }); means use every sample`;
  const common = {
    title: { text: title, subtitle },
    config: chartConfig(),
    data: { values: rows },
  };
  const spec = layout === "layered" ? { ...common, width, height, layer: layers } : {
    ...common,
    facet: { column: { field: "series", type: "nominal", title: null, sort: names } },
    spec: { width, height, layer: layers },
    resolve: { scale: { y: options.sharedScale === false ? "independent" : "shared" } },
  };
  const summary = `${title}. ${names.length} series over the same ${formatCount(n)} samples; ` +
    `mean of each: ` + names.map((name, k) => `${name} ${formatNumber(means[k])}`).join(", ") +
    ".";
  return new Chart(spec as unknown as VegaLiteSpec, { summary });
}
