/**
 * The distribution of per-sample losses: a histogram with the mean, the median and chosen
 * quantiles marked, and the share of the total loss carried by the top k% of samples written on
 * the chart.
 *
 * @module
 */
import { Chart, type VegaLiteSpec } from "./chart.ts";
import { CHART_COLORS, CHART_HEIGHT, CHART_WIDTH, chartConfig } from "./theme.ts";
import {
  assertAllFinite,
  assertNotEmpty,
  fmt,
  fmtCount,
  fmtPercent,
  mean,
  type NumberSeries,
  quantileSorted,
  readSeries,
  sortedCopy,
  topShareSorted,
} from "./_data.ts";
import { ruleLayer } from "./_layers.ts";

/** Options for {@linkcode lossDistributionChart}. */
export interface LossDistributionChartOptions {
  /** Number of equal-width bins between the lowest and highest loss (default 30). */
  bins?: number;
  /** Quantiles to mark, each in (0, 1) (default `[0.9]`). */
  quantiles?: number[];
  /** The "top k %" whose share of the total loss is written on the chart (default 10). */
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

/**
 * A histogram of per-sample losses with the mean (solid), the median (dashed) and quantiles
 * (dotted) as labelled vertical rules, and the share of the total loss carried by the top
 * `topPercent`% of samples written on the chart. Binning is done here, so any number of samples
 * draws `bins` bars. NaN or infinite losses are refused with their count and positions.
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
  const values = readSeries(losses, fn, "losses");
  const n = values.length;
  assertNotEmpty(fn, "losses", n);
  assertAllFinite(values, fn, "losses", (i) => `sample ${i}`);
  const bins = options.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1 || bins > 1000) {
    throw new RangeError(`${fn}: options.bins is ${bins}, expected an integer in [1, 1000]`);
  }
  const quantiles = options.quantiles ?? [0.9];
  for (const q of quantiles) {
    if (!(q > 0 && q < 1)) {
      throw new RangeError(`${fn}: options.quantiles has ${q}, expected values in (0, 1)`);
    }
  }
  const topPercent = options.topPercent ?? 10;
  if (!(topPercent > 0 && topPercent <= 100)) {
    throw new RangeError(
      `${fn}: options.topPercent is ${topPercent}, expected a number in (0, 100]`,
    );
  }
  const lossName = options.lossName ?? "loss";
  const width = options.width ?? CHART_WIDTH, height = options.height ?? CHART_HEIGHT;

  const sorted = sortedCopy(values);
  const lo = sorted[0], hi = sorted[n - 1];
  const m = mean(values), med = quantileSorted(sorted, 0.5);
  const share = topShareSorted(sorted, topPercent / 100);
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
      label: `${Math.round(q * 1000) / 10}th percentile ${fmt(quantileSorted(sorted, q))}`,
      color: CHART_COLORS.muted,
      dash: [2, 2],
      labelY: 2 + 14 * (2 + j),
    })
  );
  const topText = `top ${topPercent}% of samples carry ${
    fmtPercent(share)
  } of the total ${lossName}`;
  const spec = {
    title: {
      text: options.title ??
        `The top ${topPercent}% of samples carry ${fmtPercent(share)} of the total ${lossName}`,
      subtitle: `${fmtCount(n)} samples in ${bins} bins of equal width; lowest ${
        fmt(lo)
      }, highest ${fmt(hi)}`,
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
        label: `mean ${fmt(m)}`,
        color: CHART_COLORS.mean,
        labelY: 2,
      }),
      ruleLayer({
        name: "median_rule",
        axis: "x",
        value: med,
        label: `median ${fmt(med)}`,
        color: CHART_COLORS.median,
        dash: [6, 3],
        labelY: 16,
      }),
      ...quantileRules,
      {
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
      },
    ],
  } as unknown as VegaLiteSpec;
  const summary =
    `Distribution of ${lossName} over ${fmtCount(n)} samples: mean ${fmt(m)}, median ${fmt(med)}, ${
      quantiles.map((q) =>
        `${Math.round(q * 1000) / 10}th percentile ${fmt(quantileSorted(sorted, q))}`
      ).join(", ")
    }; ` +
    `the ${topText}.`;
  return new Chart(spec, { summary });
}
