/**
 * Per-sample loss trajectories over epochs: thin transparent lines, the mean trajectory on top,
 * and the top-k samples highlighted.
 *
 * @module
 */
import { Chart, type VegaLiteSpec } from "./chart.ts";
import { CHART_COLORS, chartConfig, MAX_MARKS, textColor } from "./theme.ts";
import {
  assertNotEmpty,
  assertSummable,
  type LabelSeries,
  type NumberMatrix,
  readMatrix,
} from "./_data.ts";
import { evenPicks } from "./_layers.ts";
import { checkChartOptions, choice, readIds } from "./_options.ts";
import { assertAllFinite, assertIntegerIn, assertPositiveInteger } from "../_core/checks.ts";
import { formatCount, formatNumber } from "../_core/format_number.ts";
import { quantileSorted } from "../_core/sorted_stats.ts";

/** Options for {@linkcode trainingDynamicsChart}. */
export interface TrainingDynamicsChartOptions {
  /** Number of epochs (rows), needed when `losses` is a flat array. */
  epochs?: number;
  /** Number of samples (columns), needed when `losses` is a flat array. */
  samples?: number;
  /** How many samples to highlight (default 5; 0 for none; at most 50). */
  topK?: number;
  /** How the top-k are chosen: highest loss at the last epoch (`"final"`, default) or on average (`"mean"`). */
  rankBy?: "final" | "mean";
  /** One id per sample, for tooltips and the highlighted lines' labels. */
  ids?: LabelSeries;
  /** Chart title. Default: a sentence comparing the first and last mean loss. */
  title?: string;
  /** The loss's name (default `"loss"`). */
  lossName?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
  /** Plot height in pixels (default 280). */
  height?: number;
}

/** Above this many samples the background lines are a stated, evenly spaced sample. */
const MAX_LINES = 300;
/** Above this many epochs the lines and bands are drawn at a stated, evenly spaced sample of them. */
const MAX_EPOCHS = 500;
/** The most samples highlighted and labelled (more labels would cover each other). */
const MAX_TOP_K = 50;

const OPTION_KEYS = [
  "epochs",
  "samples",
  "topK",
  "rankBy",
  "ids",
  "title",
  "lossName",
  "width",
  "height",
] as const satisfies readonly (keyof TrainingDynamicsChartOptions)[];
/** The bands drawn instead of the lines when there are too many points: [low, high] quantiles. */
const BANDS: readonly [number, number][] = [[0.1, 0.9], [0.25, 0.75]];

/**
 * Loss trajectories: `losses` is epochs × samples (a `[epochs, samples]` tensor, an array of
 * per-epoch rows, or a flat row-major array with `epochs` and `samples`). Every sample is a thin
 * line; the mean over samples is a thick line on top; the `topK` samples with the highest final
 * (or mean) loss are highlighted and labelled. Above 300 samples the thin lines are an evenly
 * spaced sample of 300 (said in the subtitle); the mean and the top-k use every sample. Above
 * 5,000 points (epochs × samples) the lines are aggregated, in the spec as in the SVG: two grey
 * bands per epoch hold the middle 80 % and 50 % of the samples, with their median as a grey line
 * (said in the subtitle and the summary). Above 500 epochs, 500 evenly spaced epochs (first and
 * last included) are drawn, and the subtitle says so.
 * NaN or infinite losses are refused with their count and (epoch, sample) positions. Ids label
 * the lines, so they must be distinct. Options are checked by name: a misspelt key is refused,
 * naming the closest one.
 *
 * @example
 * ```ts
 * import { trainingDynamicsChart } from "./training_dynamics.ts";
 * const chart = trainingDynamicsChart([[2, 4], [1, 3], [0, 3]], { topK: 1 });
 * if (!chart.summary.includes("mean loss 3 at epoch 1 to 1.5 at epoch 3")) throw new Error(chart.summary);
 * ```
 */
export function trainingDynamicsChart(
  losses: NumberMatrix,
  options: TrainingDynamicsChartOptions = {},
): Chart {
  const fn = "trainingDynamicsChart";
  const { title: givenTitle, lossName, width, height } = checkChartOptions(
    fn,
    options,
    OPTION_KEYS,
  );
  if (options.epochs !== undefined) assertPositiveInteger(fn, "options.epochs", options.epochs);
  if (options.samples !== undefined) assertPositiveInteger(fn, "options.samples", options.samples);
  const { values, rows: E, cols: S } = readMatrix(losses, fn, "losses", {
    rows: options.epochs,
    cols: options.samples,
    rowsName: "epochs",
    colsName: "samples",
    note: [
      options.epochs === undefined ? "" : `options.epochs is ${options.epochs}`,
      options.samples === undefined ? "" : `options.samples is ${options.samples}`,
    ].filter((t) => t !== "").join(", "),
  });
  assertNotEmpty(fn, "losses", E * S);
  assertAllFinite(fn, "losses", values, (i) => `epoch ${Math.floor(i / S) + 1}, sample ${i % S}`);
  assertSummable(fn, "losses", values);
  const topK = options.topK ?? 5;
  assertIntegerIn(fn, "options.topK", topK, { min: 0, max: MAX_TOP_K });
  const rankBy = choice(fn, "options.rankBy", options.rankBy, ["final", "mean"] as const);
  const ids = readIds(fn, options.ids, S, `losses (${S} samples)`, true);
  const at = (e: number, s: number) => values[e * S + s];
  const id = (s: number) => (ids ? ids[s] : s);

  const meanByEpoch = Array.from({ length: E }, (_, e) => {
    let sum = 0;
    for (let s = 0; s < S; s++) sum += at(e, s);
    return sum / S;
  });
  const score = (s: number) => {
    if (rankBy === "final") return at(E - 1, s);
    let sum = 0;
    for (let e = 0; e < E; e++) sum += at(e, s);
    return sum / E;
  };
  const scores = Float64Array.from({ length: S }, (_, s) => score(s));
  const top = Array.from({ length: S }, (_, s) => s)
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, Math.min(topK, S));
  const background = evenPicks(S, MAX_LINES);
  // Epochs drawn: all of them, or an evenly spaced sample (first and last kept) of many.
  const drawnEpochs = evenPicks(E, MAX_EPOCHS);
  const line = (s: number) =>
    drawnEpochs.map((e) => ({ epoch: e + 1, sample: id(s), loss: at(e, s) }));

  const x = {
    field: "epoch",
    type: "quantitative",
    title: "epoch",
    axis: { format: "d", tickMinStep: 1 },
  };
  const y = { field: "loss", type: "quantitative", title: `${lossName} of a sample` };
  // One row per point is 8,190 rows (500 KB of spec) for 273 samples over 30 epochs; bands of
  // per-epoch quantiles keep the picture of the spread in a few rows per epoch.
  const banded = drawnEpochs.length * S > MAX_MARKS;
  const bandRows = banded
    ? drawnEpochs.map((e) => {
      const sorted = Float64Array.from({ length: S }, (_, s) => at(e, s)).sort();
      const row: Record<string, number> = { epoch: e + 1, median: quantileSorted(sorted, 0.5) };
      for (const [lo, hi] of BANDS) {
        row[`q${lo * 100}`] = quantileSorted(sorted, lo);
        row[`q${hi * 100}`] = quantileSorted(sorted, hi);
      }
      return row;
    })
    : [];
  const bands = {
    name: "bands",
    data: { values: bandRows },
    layer: [
      ...BANDS.map(([lo, hi], k) => ({
        mark: { type: "area", color: CHART_COLORS.faint, opacity: k === 0 ? 0.35 : 0.55 },
        encoding: {
          x,
          y: { field: `q${lo * 100}`, type: "quantitative", title: `${lossName} of a sample` },
          y2: { field: `q${hi * 100}` },
          tooltip: [
            { field: "epoch", type: "quantitative" },
            {
              field: `q${lo * 100}`,
              type: "quantitative",
              title: `${lo * 100}th percentile`,
              format: ".4~g",
            },
            {
              field: `q${hi * 100}`,
              type: "quantitative",
              title: `${hi * 100}th percentile`,
              format: ".4~g",
            },
          ],
        },
      })),
      {
        mark: { type: "line", color: CHART_COLORS.muted, strokeWidth: 1, strokeDash: [4, 3] },
        encoding: { x, y: { field: "median", type: "quantitative" } },
      },
    ],
  };
  const layers: unknown[] = banded ? [bands] : [
    {
      name: "trajectories",
      data: { values: background.flatMap(line) },
      mark: {
        type: "line",
        strokeWidth: 1,
        opacity: S > 50 ? 0.15 : 0.35,
        color: CHART_COLORS.faint,
        aria: false,
      },
      encoding: { x, y, detail: { field: "sample", type: "nominal" } },
    },
  ];
  if (top.length > 0) {
    const topRows = top.flatMap(line);
    layers.push({
      name: "top_k",
      data: { values: topRows },
      layer: [
        {
          mark: {
            type: "line",
            strokeWidth: 1.5,
            color: CHART_COLORS.highlight,
            point: { size: 16, color: CHART_COLORS.highlight },
          },
          encoding: {
            x,
            y,
            detail: { field: "sample", type: "nominal" },
            tooltip: [
              { field: "sample", type: "nominal", title: "sample" },
              { field: "epoch", type: "quantitative" },
              { field: "loss", type: "quantitative", title: lossName, format: ".4~g" },
            ],
          },
        },
        {
          transform: [{ filter: `datum.epoch === ${E}` }],
          mark: {
            type: "text",
            align: "left",
            dx: 4,
            fontSize: 10,
            color: textColor(CHART_COLORS.highlight),
          },
          encoding: { x, y, text: { field: "sample", type: "nominal" } },
        },
      ],
    });
  }
  layers.push({
    name: "mean_trajectory",
    data: {
      values: drawnEpochs.map((e) => ({ epoch: e + 1, loss: meanByEpoch[e], label: "mean" })),
    },
    layer: [
      {
        mark: {
          type: "line",
          strokeWidth: 3,
          color: CHART_COLORS.mean,
          point: { size: 30, color: CHART_COLORS.mean },
        },
        encoding: {
          x,
          y,
          tooltip: [
            { field: "epoch", type: "quantitative" },
            { field: "loss", type: "quantitative", title: `mean ${lossName}`, format: ".4~g" },
          ],
        },
      },
      {
        transform: [{ filter: `datum.epoch === ${E}` }],
        mark: {
          type: "text",
          align: "left",
          dx: 6,
          fontWeight: "bold",
          color: textColor(CHART_COLORS.mean),
        },
        encoding: { x, y, text: { field: "label" } },
      },
    ],
  });
  const first = meanByEpoch[0], last = meanByEpoch[E - 1];
  const title = givenTitle ??
    `Mean ${lossName} goes from ${formatNumber(first)} to ${formatNumber(last)}; ${
      top.length > 0
        ? `the ${top.length} hardest samples end at ${
          formatNumber(scores[top[top.length - 1]])
        } or more`
        : banded
        ? "the bands show the spread of the samples"
        : "each line is a sample"
    }`;
  const bandNote = [
    `${formatCount(S)} samples over ${formatCount(E)} epochs (${
      formatCount(E * S)
    } points), aggregated:`,
    "grey bands hold the middle 80 % and 50 % of the samples at each epoch, dashed = median",
  ];
  const subtitle = [
    ...(drawnEpochs.length < E
      ? [`${formatCount(E)} epochs: ${formatCount(drawnEpochs.length)} drawn, evenly spaced`]
      : []),
    ...(banded ? bandNote : [
      S <= MAX_LINES
        ? `${formatCount(S)} samples over ${formatCount(E)} epochs, one grey line each`
        : `${formatCount(S)} samples over ${
          formatCount(E)
        } epochs: ${MAX_LINES} evenly spaced samples drawn as grey lines`,
    ]),
    (top.length > 0
      ? `orange: top ${top.length} by ${rankBy === "final" ? "final" : "mean"} ${lossName}; `
      : "") + "red: the mean over all samples",
  ];
  const spec = {
    title: { text: title, subtitle },
    width,
    height,
    config: chartConfig(),
    layer: layers,
  } as unknown as VegaLiteSpec;
  const summary =
    `Training dynamics of ${formatCount(S)} samples over ${
      formatCount(E)
    } epochs: mean ${lossName} ${formatNumber(first)} at epoch 1 to ${
      formatNumber(last)
    } at epoch ${formatCount(E)}` +
    (top.length > 0
      ? `; highest ${rankBy} ${lossName}: ${
        top.map((s) => `${id(s)} (${formatNumber(scores[s])})`).join(", ")
      }`
      : "") +
    "." + (banded ? ` Drawn aggregated (${formatCount(E * S)} points): ${bandNote[1]}.` : "");
  return new Chart(spec, { summary });
}
