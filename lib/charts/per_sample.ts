/**
 * Per-sample loss against the mean: one mark per sample, with the mean and the median drawn as
 * labelled rules, so the spread that one number hides is plain to see.
 *
 * @module
 */
import { Chart, type VegaLiteSpec } from "./chart.ts";
import { CHART_COLORS, chartConfig, MAX_MARKS } from "./theme.ts";
import {
  type LabelSeries,
  mean,
  type NumberSeries,
  readLabels,
  readLosses,
  sortedCopy,
} from "./_data.ts";
import { evenPicks, ruleLayer } from "./_layers.ts";
import { checkChartOptions, choice, readIds } from "./_options.ts";
import { describeValue } from "../_core/checks.ts";
import { quantileSorted, topShareSorted } from "../_core/sorted_stats.ts";
import { formatCount, formatNumber, formatPercent } from "../_core/format_number.ts";

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

const OPTION_KEYS = [
  "order",
  "ids",
  "tooltip",
  "title",
  "lossName",
  "width",
  "height",
] as const satisfies readonly (keyof PerSampleChartOptions)[];

/** How many marks a large data-order chart draws: consecutive samples are binned into this many. */
const DATA_ORDER_BINS = 1000;
/** How many ranks a large sorted chart draws. */
const SORTED_SAMPLE = 2000;
/** The top fraction of samples whose share of the total loss the subtitle and summary state. */
const TOP_FRACTION = 0.1;

/**
 * One mark per sample (sorted by loss or in data order) with the mean and the median as labelled
 * rules, and tooltips with the sample's id, any extra columns and its loss.
 *
 * Above 5,000 samples the chart aggregates and says so in its subtitle: sorted order draws 2,000
 * samples at evenly spaced ranks (the shape of a sorted curve is kept exactly at those ranks);
 * data order draws 1,000 bins of consecutive samples as their range and mean. The mean and median
 * rules are always computed from every sample.
 *
 * The subtitle and summary state the share of the total loss carried by the top 10 % of samples:
 * the fewest samples that make up at least 10 % of the batch, `max(1, ⌈n / 10⌉)` of them (32 of
 * 314), as `lossSummary`'s `topShare` counts them. A share of a total only means something when
 * no value is negative and the total is not 0, so for values such as a cosine-similarity loss
 * (negative) or all zeros the share is left out rather than stated as, say, "-50 %".
 *
 * NaN or infinite losses are refused with a RangeError that counts them and gives their indices.
 * Options are checked by name: a misspelt key is refused, naming the closest one.
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
  const input = readInput(losses, options);
  const stats = lossStats(input.values);
  const { marks, note } = input.values.length <= MAX_MARKS
    ? dotPerSample(input)
    : input.order === "sorted"
    ? sampledRanks(input)
    : dataOrderBins(input);
  const rules = meanMedianRules(stats, input.width);
  const { lossName } = input;
  const n = input.values.length;
  const spec = {
    title: {
      text: input.title ??
        `One mean (${formatNumber(stats.mean)}) hides per-sample ${lossName} from ${
          formatNumber(stats.lowest)
        } to ${formatNumber(stats.highest)}`,
      subtitle: stats.topShare === null
        ? note
        : `${note}; the top 10% of samples carry ${
          formatPercent(stats.topShare)
        } of the total ${lossName}`,
    },
    width: input.width,
    height: input.height,
    config: chartConfig(),
    layer: [...marks, ...rules],
  } as unknown as VegaLiteSpec;
  const summary =
    `Per-sample ${lossName} for ${formatCount(n)} samples (${
      input.order === "sorted" ? "sorted" : "data order"
    }): mean ${formatNumber(stats.mean)}, median ${formatNumber(stats.median)}, lowest ${
      formatNumber(stats.lowest)
    }, highest ${formatNumber(stats.highest)}` +
    (stats.topShare === null
      ? "."
      : `; the top 10% of samples carry ${formatPercent(stats.topShare)} of the total.`);
  return new Chart(spec, { summary });
}

/** The checked inputs of one per-sample chart. */
interface PerSampleInput {
  values: Float64Array;
  order: "sorted" | "data";
  /** Sample indices in plotting order. */
  index: number[];
  title: string | undefined;
  lossName: string;
  width: number;
  height: number;
  /** A data row (position on the x axis, id, loss, extra tooltip columns) for sample `i`. */
  row: (i: number, position: number) => Record<string, string | number>;
  /** Tooltip of one sample's mark. */
  tooltip: Record<string, string>[];
  /** The x encoding: rank or position in the data. */
  x: Record<string, unknown>;
  /** The y axis title. */
  yTitle: string;
}

function readInput(losses: NumberSeries, options: PerSampleChartOptions): PerSampleInput {
  const fn = "perSampleChart";
  const values = readLosses(losses, fn, "losses");
  const n = values.length;
  const { title, lossName, width, height } = checkChartOptions(fn, options, OPTION_KEYS);
  const order = choice(fn, "options.order", options.order, ["sorted", "data"] as const);
  const counted = `losses (${n} samples)`;
  const ids = readIds(fn, options.ids, n, counted);
  const columns: unknown = options.tooltip ?? {};
  if (columns === null || typeof columns !== "object" || Array.isArray(columns)) {
    throw new TypeError(
      `${fn}: options.tooltip is ${describeValue(columns)}, expected an object of columns ` +
        "({ name: one value per sample })",
    );
  }
  const extra = Object.entries(columns as Record<string, LabelSeries>).map(([key, v]) =>
    [key, readLabels(v, fn, `options.tooltip.${key}`, n, counted)] as const
  );
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
  const tooltip: Record<string, string>[] = [
    { field: "sample", type: "nominal", title: "sample" },
    ...extra.map(([key], j) => ({ field: `extra${j}`, type: "nominal", title: key })),
    { field: "loss", type: "quantitative", title: lossName, format: ".4~g" },
  ];
  const x = {
    field: "position",
    type: "quantitative",
    title: order === "sorted"
      ? "samples, sorted from lowest to highest loss (rank)"
      : "sample (in data order)",
    axis: { format: "d", tickMinStep: 1 },
    // No "nice" rounding: with padding it stretched the rank axis to start at -10.
    scale: { padding: 6, nice: false, zero: false },
  };
  const yTitle = `${lossName} of each sample`;
  return { values, order, index, title, lossName, width, height, row, tooltip, x, yTitle };
}

/** The numbers the rules, title and summary state, all computed from every sample. */
interface LossStats {
  mean: number;
  median: number;
  lowest: number;
  highest: number;
  /**
   * Share of the total loss carried by the top 10 % of samples; `null` when a value is negative
   * or the total is 0, where a share of the total means nothing.
   */
  topShare: number | null;
}

function lossStats(values: Float64Array): LossStats {
  const sorted = sortedCopy(values);
  const lowest = sorted[0], highest = sorted[sorted.length - 1];
  return {
    mean: mean(values),
    median: quantileSorted(sorted, 0.5),
    lowest,
    highest,
    topShare: lowest >= 0 && highest > 0 ? topShareSorted(sorted, TOP_FRACTION) : null,
  };
}

/** The marks of a chart and the subtitle's note on how they stand for the samples. */
interface Marks {
  marks: VegaLiteSpec[];
  note: string;
}

/** Up to 5,000 samples: one dot each, in plotting order. */
function dotPerSample(input: PerSampleInput): Marks {
  const n = input.values.length;
  return {
    note: `${formatCount(n)} samples, one dot each`,
    marks: [{
      name: "samples",
      data: { values: input.index.map((i, p) => input.row(i, p)) },
      // aria labels would triple the SVG's size; tooltips carry the same facts.
      mark: {
        type: "circle",
        size: n > 500 ? 12 : 40,
        opacity: 0.75,
        color: CHART_COLORS.marks,
        aria: n <= 500,
      },
      encoding: {
        x: input.x,
        y: { field: "loss", type: "quantitative", title: input.yTitle },
        tooltip: input.tooltip,
      },
    } as unknown as VegaLiteSpec],
  };
}

/** Many samples, sorted: the samples at 2,000 evenly spaced ranks. */
function sampledRanks(input: PerSampleInput): Marks {
  const n = input.values.length, k = SORTED_SAMPLE;
  return {
    note: `${formatCount(n)} samples: ${formatCount(k)} drawn, at evenly spaced ranks`,
    marks: [{
      name: "samples",
      data: { values: evenPicks(n, k).map((p) => input.row(input.index[p], p)) },
      mark: { type: "circle", size: 12, opacity: 0.75, color: CHART_COLORS.marks, aria: false },
      encoding: {
        x: input.x,
        y: { field: "loss", type: "quantitative", title: input.yTitle },
        tooltip: input.tooltip,
      },
    } as unknown as VegaLiteSpec],
  };
}

/** Many samples, in data order: 1,000 bins of consecutive samples, as their range and mean. */
function dataOrderBins(input: PerSampleInput): Marks {
  const { values, lossName } = input;
  const n = values.length, bins = DATA_ORDER_BINS;
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
  const tooltip = [
    { field: "first", type: "quantitative", title: "first sample" },
    { field: "last", type: "quantitative", title: "last sample" },
    { field: "min", type: "quantitative", title: `lowest ${lossName}`, format: ".4~g" },
    { field: "mean", type: "quantitative", title: `mean ${lossName}`, format: ".4~g" },
    { field: "max", type: "quantitative", title: `highest ${lossName}`, format: ".4~g" },
  ];
  return {
    note: `${formatCount(n)} samples: drawn as ${formatCount(bins)} bins of ~${
      formatCount(Math.round(n / bins))
    } consecutive samples (line = range, dot = bin mean)`,
    marks: [{
      data: { values: rows },
      layer: [
        {
          name: "bin_ranges",
          mark: { type: "rule", color: CHART_COLORS.range, aria: false },
          encoding: {
            x: input.x,
            y: { field: "min", type: "quantitative", title: input.yTitle },
            y2: { field: "max" },
            tooltip,
          },
        },
        {
          name: "samples",
          mark: { type: "circle", size: 10, color: CHART_COLORS.marks, aria: false },
          encoding: {
            x: { field: "position", type: "quantitative" },
            y: { field: "mean", type: "quantitative" },
            tooltip,
          },
        },
      ],
    } as unknown as VegaLiteSpec],
  };
}

/**
 * The mean (solid) and median (dashed) as horizontal rules labelled at the right edge. The higher
 * rule is labelled above its line and the lower one below, so the labels never collide.
 */
function meanMedianRules(stats: LossStats, width: number): VegaLiteSpec[] {
  const { mean: m, median: med } = stats;
  return [
    ruleLayer({
      name: "mean_rule",
      axis: "y",
      value: m,
      label: `mean ${formatNumber(m)}`,
      color: CHART_COLORS.mean,
      above: m >= med,
      labelX: width - 4,
    }),
    ruleLayer({
      name: "median_rule",
      axis: "y",
      value: med,
      label: `median ${formatNumber(med)}`,
      color: CHART_COLORS.median,
      dash: [6, 3],
      above: med > m,
      labelX: width - 4,
    }),
  ];
}
