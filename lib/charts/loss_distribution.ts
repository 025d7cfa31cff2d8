/**
 * The distribution of per-sample losses: a histogram with the mean, the median and chosen
 * quantiles marked, and the share of the total loss carried by the top k% of samples written on
 * the chart.
 *
 * @module
 */
import { Chart, type VegaLiteSpec } from "./chart.ts";
import { CHART_COLORS, chartConfig } from "./theme.ts";
import { mean, type NumberSeries, readLosses, sortedCopy } from "./_data.ts";
import { ruleLayer } from "./_layers.ts";
import { checkChartOptions } from "./_options.ts";
import { assertIntegerIn, assertNumberIn, describeValue } from "../_core/checks.ts";
import { quantileSorted, topShareSorted } from "../_core/sorted_stats.ts";
import { formatCount, formatNumber, formatPercent } from "../_core/format_number.ts";

/** Options for {@linkcode lossDistributionChart}. */
export interface LossDistributionChartOptions {
  /** Number of equal-width bins between the lowest and highest loss (default 30). */
  bins?: number;
  /** Quantiles to mark, each in (0, 1), at most 10 of them (default `[0.9]`). */
  quantiles?: number[];
  /**
   * The "top k %" whose share of the total loss is written on the chart (default 10), in
   * `(0, 100]`: the fewest samples that make up at least k % of the batch, `max(1, ⌈n·k/100⌉)`
   * of them (32 of 314 for k = 10), as `lossSummary`'s `topShare` counts them.
   */
  topPercent?: number;
  /** The loss's name for axis titles and text (default `"loss"`). */
  lossName?: string;
  /** Chart title. Default: a sentence with the top-k share. */
  title?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
  /** Plot height in pixels (default 280). */
  height?: number;
}

/** The most quantile rules one chart labels. */
const MAX_QUANTILES = 10;

const OPTION_KEYS = [
  "bins",
  "quantiles",
  "topPercent",
  "lossName",
  "title",
  "width",
  "height",
] as const satisfies readonly (keyof LossDistributionChartOptions)[];

/**
 * A histogram of per-sample losses with the mean (solid), the median (dashed) and quantiles
 * (dotted) as labelled vertical rules, and the share of the total loss carried by the top
 * `topPercent`% of samples (the fewest samples that make up at least that fraction of the batch,
 * `max(1, ⌈n·topPercent/100⌉)`) written on the chart. Binning is done here, so any number of samples
 * draws `bins` bars. NaN or infinite losses are refused with their count and positions. A share of
 * the total only means something when no value is negative and the total is not 0: otherwise the
 * share is not stated (the title gives the mean and median instead), and a `topPercent` given
 * explicitly is refused. Options are checked by name: a misspelt key is refused, naming the
 * closest one.
 *
 * @example
 * ```ts
 * import { lossDistributionChart } from "./loss_distribution.ts";
 * const chart = lossDistributionChart([0, 1, 1, 2, 6], { bins: 3 });
 * if (!chart.summary.includes("mean 2")) throw new Error(chart.summary);
 * ```
 */
export function lossDistributionChart(
  losses: NumberSeries,
  options: LossDistributionChartOptions = {},
): Chart {
  const fn = "lossDistributionChart";
  const values = readLosses(losses, fn, "losses");
  const n = values.length;
  const { title, lossName, width, height } = checkChartOptions(fn, options, OPTION_KEYS);
  const bins = options.bins ?? 30;
  assertIntegerIn(fn, "options.bins", bins, { min: 1, max: 1000 });
  const quantiles = options.quantiles ?? [0.9];
  if (!Array.isArray(quantiles)) {
    throw new TypeError(
      `${fn}: options.quantiles is ${describeValue(quantiles)}, expected an array of numbers`,
    );
  }
  if (quantiles.length > MAX_QUANTILES) {
    throw new RangeError(
      `${fn}: options.quantiles has ${quantiles.length} values, expected at most ${MAX_QUANTILES} ` +
        "(each is a labelled rule; more labels would not fit beside the plot)",
    );
  }
  quantiles.forEach((q, j) =>
    assertNumberIn(fn, `options.quantiles[${j}]`, q, {
      min: 0,
      max: 1,
      minOpen: true,
      maxOpen: true,
    })
  );
  const topPercent = options.topPercent ?? 10;
  assertNumberIn(fn, "options.topPercent", topPercent, { min: 0, max: 100, minOpen: true });

  const sorted = sortedCopy(values);
  const lo = sorted[0], hi = sorted[n - 1];
  const m = mean(values), med = quantileSorted(sorted, 0.5);
  // A share of the total: only of non-negative values with a positive total ("-100 %" is nonsense).
  const shareable = lo >= 0 && hi > 0;
  if (!shareable && options.topPercent !== undefined) {
    const why = lo < 0 ? `has a negative value (${formatNumber(lo)})` : "are all 0";
    throw new RangeError(
      `${fn}: options.topPercent is ${topPercent}, expected it only for losses that are >= 0 ` +
        `with a positive total (losses ${why}, so no share of the total can be stated)`,
    );
  }
  const share = shareable ? topShareSorted(sorted, topPercent / 100) : null;
  // Equal-width bins over [lo, hi]; the last bin is closed so the maximum is counted.
  const span = hi > lo ? hi - lo : 1;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    counts[Math.min(bins - 1, Math.floor(((values[i] - lo) / span) * bins))]++;
  }
  const rows = counts.map((count, b) => ({
    start: lo + (b * span) / bins,
    end: lo + ((b + 1) * span) / bins,
    count,
  }));

  const quantileRules = quantiles.map((q, j) =>
    ruleLayer({
      name: `quantile_rule_${j}`,
      axis: "x",
      value: quantileSorted(sorted, q),
      label: percentileLabel(sorted, q),
      color: CHART_COLORS.muted,
      dash: [2, 2],
      labelY: 2 + 14 * (2 + j),
    })
  );
  const topText = share === null
    ? null
    : `top ${topPercent}% of samples carry ${formatPercent(share)} of the total ${lossName}`;
  const spec = {
    title: {
      text: title ??
        (share === null
          ? `Per-sample ${lossName}: mean ${formatNumber(m)}, median ${formatNumber(med)}`
          : `The top ${topPercent}% of samples carry ${
            formatPercent(share)
          } of the total ${lossName}`),
      subtitle: `${formatCount(n)} samples in ${bins} bins of equal width; lowest ${
        formatNumber(lo)
      }, highest ${formatNumber(hi)}`,
    },
    width,
    height,
    config: chartConfig(),
    layer: [
      {
        name: "histogram",
        data: { values: rows },
        mark: {
          type: "rect",
          color: CHART_COLORS.marks,
          opacity: 0.8,
          stroke: "white",
          strokeWidth: 0.5,
        },
        encoding: {
          x: {
            field: "start",
            type: "quantitative",
            title: `${lossName} of a sample`,
            scale: { zero: false },
          },
          x2: { field: "end" },
          y: { field: "count", type: "quantitative", title: "number of samples" },
          tooltip: [
            { field: "start", type: "quantitative", title: "from", format: ".4~g" },
            { field: "end", type: "quantitative", title: "to", format: ".4~g" },
            { field: "count", type: "quantitative", title: "samples" },
          ],
        },
      },
      ruleLayer({
        name: "mean_rule",
        axis: "x",
        value: m,
        label: `mean ${formatNumber(m)}`,
        color: CHART_COLORS.mean,
        labelY: 2,
      }),
      ruleLayer({
        name: "median_rule",
        axis: "x",
        value: med,
        label: `median ${formatNumber(med)}`,
        color: CHART_COLORS.median,
        dash: [6, 3],
        labelY: 16,
      }),
      ...quantileRules,
      ...(topText === null ? [] : [{
        name: "top_share",
        data: { values: [{ text: topText }] },
        mark: {
          type: "text",
          align: "right",
          baseline: "bottom",
          x: width - 4,
          y: height - 4,
          fontSize: 12,
          color: "black",
        },
        encoding: { text: { field: "text" } },
      }]),
    ],
  } as unknown as VegaLiteSpec;
  const summary =
    `Distribution of ${lossName} over ${formatCount(n)} samples: mean ${formatNumber(m)}, median ${
      formatNumber(med)
    }, ${quantiles.map((q) => percentileLabel(sorted, q)).join(", ")}` +
    (topText === null ? "." : `; the ${topText}.`);
  return new Chart(spec, { summary });
}

/** `90th percentile 4.4`: the quantile `q` in percent (one decimal at most) and its value. */
function percentileLabel(sorted: Float64Array, q: number): string {
  return `${Math.round(q * 1000) / 10}th percentile ${formatNumber(quantileSorted(sorted, q))}`;
}
