/**
 * Per-token loss for a batch of sequences as a heatmap, with padding shown as masked cells.
 *
 * @module
 */
import { Chart, type VegaLiteSpec } from "./chart.ts";
import { CHART_COLORS, chartConfig, MAX_MARKS, SEQUENTIAL_SCHEME } from "./theme.ts";
import {
  assertNotEmpty,
  assertSummable,
  type LabelSeries,
  type NumberMatrix,
  type NumberSeries,
  readMatrix,
  readSeries,
} from "./_data.ts";
import { checkChartOptions, readIds } from "./_options.ts";
import { assertAllFinite, assertIntegerIn } from "../_core/checks.ts";
import { formatCount, formatNumber } from "../_core/format_number.ts";

/** Options for {@linkcode sequenceHeatmapChart}: give `mask` or `lengths`, or neither (no padding). */
export interface SequenceHeatmapChartOptions {
  /** `[batch, time]` of 1 (real token) and 0 (padding), as Keras's `mask`. */
  mask?: NumberMatrix;
  /** Real length of each sequence; tokens at `t >= lengths[b]` are padding. */
  lengths?: NumberSeries;
  /** One id per sequence, for the rows. */
  ids?: LabelSeries;
  /** Chart title. */
  title?: string;
  /** The loss's name (default `"loss"`). */
  lossName?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
}

/**
 * The most sequences drawn as rows: vega's parser overflows its stack on a row order of about
 * 2,000 names, and a taller heatmap is no longer read row by row anyway.
 */
const MAX_ROWS = 200;

const OPTION_KEYS = [
  "mask",
  "lengths",
  "ids",
  "title",
  "lossName",
  "width",
] as const satisfies readonly (keyof SequenceHeatmapChartOptions)[];

/**
 * A heatmap of per-token losses: one row per sequence, one cell per time step, colour = loss
 * (viridis); padding cells are drawn light grey and labelled "padding" in tooltips, and their
 * values are ignored (so padding may hold anything, even NaN). Real tokens must be finite, and
 * there must be at least one (a mean over no tokens is no number). Ids name the rows, so they must
 * be distinct. Above 5,000 cells or 200 sequences, time steps are averaged in windows and/or only
 * the first sequences are drawn, and the subtitle says so; the mean in the title and summary uses
 * every real token. Options are checked by name: a misspelt key is
 * refused, naming the closest one.
 *
 * @example
 * ```ts
 * import { sequenceHeatmapChart } from "./sequence_heatmap.ts";
 * const chart = sequenceHeatmapChart([[1, 2, 0], [3, 0, 0]], { lengths: [2, 1] });
 * if (!chart.summary.includes("3 real tokens")) throw new Error(chart.summary);
 * ```
 */
export function sequenceHeatmapChart(
  losses: NumberMatrix,
  options: SequenceHeatmapChartOptions = {},
): Chart {
  const fn = "sequenceHeatmapChart";
  const { values, rows: B, cols: T } = readMatrix(losses, fn, "losses", {
    rowsName: "batch",
    colsName: "time",
  });
  assertNotEmpty(fn, "losses", B * T);
  const { title, lossName, width } = checkChartOptions(fn, options, OPTION_KEYS);
  if (options.mask !== undefined && options.lengths !== undefined) {
    throw new TypeError(
      `${fn}: options.mask and options.lengths are both given, expected one of them (or neither)`,
    );
  }
  const real = new Uint8Array(B * T).fill(1);
  if (options.mask !== undefined) {
    const m = readMatrix(options.mask, fn, "options.mask", {
      rows: B,
      cols: T,
      rowsName: "batch",
      colsName: "time",
      note: "the shape of losses",
    });
    for (let i = 0; i < m.values.length; i++) {
      const v = m.values[i];
      if (v !== 0 && v !== 1) {
        throw new RangeError(
          `${fn}: options.mask[${Math.floor(i / T)}][${i % T}] is ${v}, expected 0 or 1`,
        );
      }
      real[i] = v;
    }
  } else if (options.lengths !== undefined) {
    const len = readSeries(options.lengths, fn, "options.lengths");
    if (len.length !== B) {
      throw new RangeError(
        `${fn}: options.lengths has ${len.length} values, but losses has ${B} sequences; ` +
          "they must match",
      );
    }
    len.forEach((l, b) => {
      assertIntegerIn(fn, `options.lengths[${b}]`, l, { min: 0, max: T });
      for (let t = l; t < T; t++) real[b * T + t] = 0;
    });
  }
  const realValues = values.filter((_, i) => real[i] === 1);
  if (realValues.length === 0) {
    const by = options.mask !== undefined ? "options.mask" : "options.lengths";
    throw new RangeError(
      `${fn}: ${by} marks all ${formatCount(B * T)} tokens as padding, expected at least one ` +
        "real token (a mean over no tokens is no number)",
    );
  }
  const realOnly = values.map((v, i) => (real[i] ? v : 0));
  assertAllFinite(
    fn,
    "losses",
    realOnly,
    (i) => `sequence ${Math.floor(i / T)}, token ${i % T}`,
  );
  assertSummable(fn, "losses", realOnly);
  const ids = readIds(fn, options.ids, B, `losses (${B} sequences)`, true);

  // Aggregation: windows of `w` time steps (mean of real tokens), then the first rows that fit.
  const w = Math.max(1, Math.ceil(T / 500));
  const cols = Math.ceil(T / w);
  const shownRows = Math.max(1, Math.min(B, MAX_ROWS, Math.floor(MAX_MARKS / cols)));
  const cells: Record<string, string | number | null>[] = [];
  for (let b = 0; b < shownRows; b++) {
    for (let c = 0; c < cols; c++) {
      let sum = 0, count = 0;
      for (let t = c * w; t < Math.min(T, (c + 1) * w); t++) {
        if (real[b * T + t]) {
          sum += values[b * T + t];
          count++;
        }
      }
      cells.push({
        sequence: ids ? String(ids[b]) : `seq ${b}`,
        token: c * w,
        loss: count > 0 ? sum / count : null,
        status: count > 0 ? "token" : "padding",
      });
    }
  }
  const nReal = realValues.length, nPad = B * T - nReal;
  let total = 0;
  realValues.forEach((v) => (total += v));
  const meanLoss = total / nReal;
  const notes = [
    `${formatCount(B)} sequences × ${formatCount(T)} steps; grey = padding (${
      formatCount(nPad)
    } cells)`,
  ];
  if (w > 1) notes.push(`each cell averages ${w} time steps`);
  if (shownRows < B) {
    notes.push(`first ${formatCount(shownRows)} of ${formatCount(B)} sequences shown`);
  }
  const x = {
    field: "token",
    type: "ordinal",
    title: "time step (token position)",
    axis: { labelOverlap: true },
  };
  const y = {
    field: "sequence",
    type: "ordinal",
    title: "sequence",
    sort: Array.from({ length: shownRows }, (_, b) => (ids ? String(ids[b]) : `seq ${b}`)),
  };
  const spec = {
    title: {
      text: title ??
        `Mean ${lossName} per real token ${formatNumber(meanLoss)}: padding must not count`,
      subtitle: notes.join("; "),
    },
    width,
    height: { step: Math.max(4, Math.min(20, Math.floor(320 / shownRows))) },
    config: chartConfig(),
    data: { values: cells },
    layer: [
      {
        name: "padding",
        transform: [{ filter: "datum.status === 'padding'" }],
        mark: { type: "rect", color: CHART_COLORS.faint, opacity: 0.5, aria: false },
        encoding: {
          x,
          y,
          tooltip: [{ field: "sequence" }, { field: "token" }, { field: "status" }],
        },
      },
      {
        name: "tokens",
        transform: [{ filter: "datum.status === 'token'" }],
        mark: { type: "rect", aria: false },
        encoding: {
          x,
          y,
          color: {
            field: "loss",
            type: "quantitative",
            title: lossName,
            scale: { scheme: SEQUENTIAL_SCHEME },
          },
          tooltip: [
            { field: "sequence", type: "nominal" },
            { field: "token", type: "ordinal", title: "time step" },
            { field: "loss", type: "quantitative", title: lossName, format: ".4~g" },
          ],
        },
      },
    ],
  } as unknown as VegaLiteSpec;
  const summary = `Per-token ${lossName} for ${formatCount(B)} sequences of ${
    formatCount(T)
  } steps: ${formatCount(nReal)} real tokens, ${formatCount(nPad)} padding; mean over real tokens ${
    formatNumber(meanLoss)
  }.`;
  return new Chart(spec, { summary });
}
