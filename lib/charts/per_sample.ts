/**
 * Per-sample loss against the mean: one mark per sample, with the mean and the median drawn as
 * labelled rules, so the spread that one number hides is plain to see.
 *
 * @module
 */
import { Chart, type VegaLiteSpec } from "./chart.ts";
import { CHART_COLORS, CHART_HEIGHT, CHART_WIDTH, chartConfig, MAX_MARKS } from "./theme.ts";
import {
  assertAllFinite,
  assertNotEmpty,
  fmt,
  fmtCount,
  fmtPercent,
  type LabelSeries,
  mean,
  type NumberSeries,
  quantileSorted,
  readLabels,
  readSeries,
  sortedCopy,
  topShareSorted,
} from "./_data.ts";

/** Options for {@linkcode perSampleChart}. */
export interface PerSampleChartOptions {
  /** `"sorted"` (lowest loss left, default) or `"data"` (the samples' own order). */
  order?: "sorted" | "data";
  /** One id per sample, shown in tooltips. Default: the sample's index. */
  ids?: LabelSeries;
  /**
   * Extra tooltip columns, one value per sample, e.g. `{ input: xs, target: ys, prediction: ps }`.
   * Keys are shown as written.
   */
  tooltip?: Record<string, LabelSeries>;
  /** Chart title. Default: a sentence stating the mean and the range it hides. */
  title?: string;
  /** The loss's name, used in axis titles and text (default `"loss"`), e.g. `"squared error"`. */
  lossName?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
  /** Plot height in pixels (default 280). */
  height?: number;
}

/** How many marks a large data-order chart draws: consecutive samples are binned into this many. */
const DATA_ORDER_BINS = 1000;
/** How many ranks a large sorted chart draws. */
const SORTED_SAMPLE = 2000;

/**
 * One mark per sample (sorted by loss or in data order) with the mean and the median as labelled
 * rules, and tooltips with the sample's id, any extra columns and its loss.
 *
 * Above 5,000 samples the chart aggregates and says so in its subtitle: sorted order draws 2,000
 * samples at evenly spaced ranks (the shape of a sorted curve is kept exactly at those ranks);
 * data order draws 1,000 bins of consecutive samples as their range and mean. The mean and median
 * rules are always computed from every sample.
 *
 * NaN or infinite losses are refused with a RangeError that counts them and gives their indices.
 *
 * @example
 * ```ts
 * import { perSampleChart } from "./per_sample.ts";
 * const chart = perSampleChart([0.1, 0.2, 0.3, 3.4], { ids: ["a", "b", "c", "d"] });
 * if (!chart.summary.includes("mean 1")) throw new Error(chart.summary);
 * const svg = await chart.toSVG();
 * if (!svg.includes("mean 1")) throw new Error("the mean rule is labelled");
 * ```
 */
export function perSampleChart(
  losses: NumberSeries,
  options: PerSampleChartOptions = {},
): Chart {
  const fn = "perSampleChart";
  const values = readSeries(losses, fn, "losses");
  const n = values.length;
  assertNotEmpty(fn, "losses", n);
  assertAllFinite(values, fn, "losses", (i) => `sample ${i}`);
  const order = options.order ?? "sorted";
  if (order !== "sorted" && order !== "data") {
    throw new RangeError(`${fn}: options.order is "${order}", expected "sorted" or "data"`);
  }
  const ids = options.ids === undefined
    ? null
    : readLabels(options.ids, fn, "options.ids", n, `losses (${n} samples)`);
  const extra = Object.entries(options.tooltip ?? {}).map(([key, v]) =>
    [key, readLabels(v, fn, `options.tooltip.${key}`, n, `losses (${n} samples)`)] as const
  );
  const lossName = options.lossName ?? "loss";
  const width = options.width ?? CHART_WIDTH, height = options.height ?? CHART_HEIGHT;

  const sorted = sortedCopy(values);
  const m = mean(values), med = quantileSorted(sorted, 0.5);
  const lo = sorted[0], hi = sorted[n - 1];
  const top10 = topShareSorted(sorted, 0.1);

  // Sample indices in plotting order.
  const index = Array.from({ length: n }, (_, i) => i);
  if (order === "sorted") index.sort((a, b) => values[a] - values[b] || a - b);

  const row = (i: number, position: number): Record<string, string | number> => {
    const r: Record<string, string | number> = {
      position,
      sample: ids ? ids[i] : i,
      loss: values[i],
    };
    extra.forEach(([, col], j) => (r[`extra${j}`] = col[i]));
    return r;
  };
  const tooltip = [
    { field: "sample", type: "nominal" as const, title: "sample" },
    ...extra.map(([key], j) => ({ field: `extra${j}`, type: "nominal" as const, title: key })),
    { field: "loss", type: "quantitative" as const, title: lossName, format: ".4~g" },
  ];

  const xTitle = order === "sorted"
    ? "samples, sorted from lowest to highest loss (rank)"
    : "sample (in data order)";
  const yTitle = `${lossName} of each sample`;
  const xEncoding = {
    field: "position",
    type: "quantitative",
    title: xTitle,
    axis: { format: "d", tickMinStep: 1 },
    // No "nice" rounding: with padding it stretched the rank axis to start at -10.
    scale: { padding: 6, nice: false, zero: false },
  };
  let marks: VegaLiteSpec[] = [];
  let note: string;
  if (n <= MAX_MARKS) {
    note = `${fmtCount(n)} samples, one dot each`;
    marks = [{
      name: "samples",
      data: { values: index.map((i, p) => row(i, p)) },
      // aria labels would triple the SVG's size; tooltips carry the same facts.
      mark: {
        type: "circle",
        size: n > 500 ? 12 : 40,
        opacity: 0.75,
        color: CHART_COLORS.marks,
        aria: n <= 500,
      },
      encoding: {
        x: xEncoding,
        y: { field: "loss", type: "quantitative", title: yTitle },
        tooltip,
      },
    } as unknown as VegaLiteSpec];
  } else if (order === "sorted") {
    const k = SORTED_SAMPLE;
    const picks = Array.from({ length: k }, (_, j) => Math.round((j * (n - 1)) / (k - 1)));
    note = `${fmtCount(n)} samples: ${fmtCount(k)} drawn, at evenly spaced ranks`;
    marks = [{
      name: "samples",
      data: { values: picks.map((p) => row(index[p], p)) },
      mark: { type: "circle", size: 12, opacity: 0.75, color: CHART_COLORS.marks, aria: false },
      encoding: {
        x: xEncoding,
        y: { field: "loss", type: "quantitative", title: yTitle },
        tooltip,
      },
    } as unknown as VegaLiteSpec];
  } else {
    const bins = DATA_ORDER_BINS;
    const rows: Record<string, number>[] = [];
    for (let b = 0; b < bins; b++) {
      const start = Math.floor((b * n) / bins), end = Math.floor(((b + 1) * n) / bins);
      let bmin = Infinity, bmax = -Infinity, sum = 0;
      for (let i = start; i < end; i++) {
        const v = values[i];
        if (v < bmin) bmin = v;
        if (v > bmax) bmax = v;
        sum += v;
      }
      rows.push({
        position: (start + end - 1) / 2,
        first: start,
        last: end - 1,
        min: bmin,
        max: bmax,
        mean: sum / (end - start),
      });
    }
    note = `${fmtCount(n)} samples: drawn as ${fmtCount(bins)} bins of ~${
      fmtCount(Math.round(n / bins))
    } consecutive samples (line = range, dot = bin mean)`;
    const binTooltip = [
      { field: "first", type: "quantitative", title: "first sample" },
      { field: "last", type: "quantitative", title: "last sample" },
      { field: "min", type: "quantitative", title: `lowest ${lossName}`, format: ".4~g" },
      { field: "mean", type: "quantitative", title: `mean ${lossName}`, format: ".4~g" },
      { field: "max", type: "quantitative", title: `highest ${lossName}`, format: ".4~g" },
    ];
    marks = [{
      data: { values: rows },
      layer: [
        {
          name: "bin_ranges",
          mark: { type: "rule", color: CHART_COLORS.faint, aria: false },
          encoding: {
            x: xEncoding,
            y: { field: "min", type: "quantitative", title: yTitle },
            y2: { field: "max" },
            tooltip: binTooltip,
          },
        },
        {
          name: "samples",
          mark: { type: "circle", size: 10, color: CHART_COLORS.marks, aria: false },
          encoding: {
            x: { field: "position", type: "quantitative" },
            y: { field: "mean", type: "quantitative" },
            tooltip: binTooltip,
          },
        },
      ],
    } as unknown as VegaLiteSpec];
  }

  const stats = [
    { stat: "mean", value: m, label: `mean ${fmt(m)}`, color: CHART_COLORS.mean, dash: undefined },
    {
      stat: "median",
      value: med,
      label: `median ${fmt(med)}`,
      color: CHART_COLORS.median,
      dash: [6, 3],
    },
  ];
  // The higher rule is labelled above its line and the lower one below, so labels never collide.
  const rules = stats.map((s) => {
    const above = s.stat === "mean" ? m >= med : med > m;
    return {
      name: `${s.stat}_rule`,
      data: { values: [{ value: s.value, label: s.label }] },
      layer: [
        {
          mark: {
            type: "rule",
            color: s.color,
            strokeWidth: 2,
            ...(s.dash ? { strokeDash: s.dash } : {}),
          },
          encoding: { y: { field: "value", type: "quantitative" } },
        },
        {
          mark: {
            type: "text",
            color: s.color,
            align: "right",
            baseline: above ? "bottom" : "top",
            dy: above ? -3 : 3,
            x: width - 4,
            fontWeight: "bold",
          },
          encoding: { y: { field: "value", type: "quantitative" }, text: { field: "label" } },
        },
      ],
    };
  });

  const title = options.title ??
    `One mean (${fmt(m)}) hides per-sample ${lossName} from ${fmt(lo)} to ${fmt(hi)}`;
  const spec = {
    title: {
      text: title,
      subtitle: `${note}; the top 10% of samples carry ${
        fmtPercent(top10)
      } of the total ${lossName}`,
    },
    width,
    height,
    config: chartConfig(),
    layer: [...marks, ...rules],
  } as unknown as VegaLiteSpec;
  const summary =
    `Per-sample ${lossName} for ${fmtCount(n)} samples (${
      order === "sorted" ? "sorted" : "data order"
    }): mean ${fmt(m)}, median ${fmt(med)}, lowest ${fmt(lo)}, highest ${fmt(hi)}; ` +
    `the top 10% of samples carry ${fmtPercent(top10)} of the total.`;
  return new Chart(spec, { summary });
}
