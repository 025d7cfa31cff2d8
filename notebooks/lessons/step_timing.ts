/**
 * The cost of a custom loss returning an array instead of one number: both versions timed in
 * tfjs's own training step (`model.trainOnBatch`), in paired repeats, reported as the median of the
 * per-repeat ratios with a bootstrap 95 % confidence interval and the smallest difference the run
 * could detect (the interval's half-width), rather than as one (noisy) number. Notebook 05 writes
 * the timing loop in its cells; {@linkcode summarizeStepTimes} turns the times into the reported
 * ratio and sentence, {@linkcode timeTrainingSteps} repeats the loop in one call for notebook 06,
 * and {@linkcode timingSweep} runs it over batch sizes and output widths (notebook 05 and
 * `bench/timing_sweep_bench.ts`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  assertAllFinite,
  assertFraction,
  assertKnownOptions,
  assertNonNegativeInteger,
  assertNumberIn,
  assertPositiveInteger,
} from "../../lib/_core/checks.ts";
import type { CompileLoss } from "./same_training.ts";
import { formatShape, shapeOf, type TensorInput, toTensor } from "../../lib/_core/tensor_input.ts";
import type { LayersModel, Optimizer } from "../../lib/training/mod.ts";
import { type Spread, spread } from "../../lib/analysis/mod.ts";
import { Chart, CHART_COLORS, seededRandom, type VegaLiteSpec } from "../../lib/mod.ts";

/** A median with a confidence interval around it. */
export interface MedianCi {
  /** The median of the values. */
  median: number;
  /** Lower end of the interval. */
  low: number;
  /** Upper end of the interval. */
  high: number;
}

/** Options for {@linkcode bootstrapMedianCi}. */
export interface BootstrapOptions {
  /** Number of bootstrap resamples; default `2000`. */
  resamples?: number;
  /** Seed of the generator that draws the resamples; default `0` (the same values, the same interval). */
  seed?: number;
  /** Confidence level of the interval, in (0, 1); default `0.95`. */
  level?: number;
}

// Linear interpolation between order statistics (the same rule as the kit's `spread`).
function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Percentile bootstrap confidence interval of the median: draws `resamples` samples of the same
 * size from `values` with replacement (a seeded generator, so a run is repeatable), takes each
 * resample's median, and returns the `(1 − level)/2` and `(1 + level)/2` quantiles of those medians
 * as `low` and `high`, with the median of `values` itself. The interval says how far the median
 * could move if the measurement were repeated; the spread of the values (their interquartile
 * range) does not.
 *
 * @example
 * ```ts
 * import { bootstrapMedianCi } from "./step_timing.ts";
 * const ci = bootstrapMedianCi([0.98, 1.02, 1.01, 0.99, 1.0, 1.03, 0.97], { seed: 1 });
 * if (ci.median !== 1 || !(ci.low <= 1 && ci.high >= 1)) throw new Error(JSON.stringify(ci));
 * const constant = bootstrapMedianCi([2, 2, 2]);
 * if (constant.low !== 2 || constant.high !== 2) throw new Error(JSON.stringify(constant));
 * ```
 */
export function bootstrapMedianCi(
  values: ArrayLike<number>,
  options: BootstrapOptions = {},
): MedianCi {
  const fn = "bootstrapMedianCi";
  assertKnownOptions(fn, options, ["resamples", "seed", "level"]);
  if (values === null || typeof values !== "object" || typeof values.length !== "number") {
    throw new TypeError(`${fn}: values is ${typeof values}, expected an array of numbers`);
  }
  const n = values.length;
  if (n === 0) throw new RangeError(`${fn}: values has 0 entries, expected at least 1`);
  for (let i = 0; i < n; i++) {
    if (typeof values[i] !== "number") {
      throw new TypeError(`${fn}: values[${i}] is ${typeof values[i]}, expected a number`);
    }
  }
  assertAllFinite(fn, "values", values);
  const resamples = options.resamples ?? 2000;
  assertPositiveInteger(fn, "options.resamples", resamples);
  const level = options.level ?? 0.95;
  assertFraction(fn, "options.level", level, "both");
  const random = seededRandom(options.seed ?? 0);
  const sorted = Float64Array.from(values).sort();
  const medians = new Float64Array(resamples);
  const draw = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) draw[i] = sorted[Math.floor(random() * n)];
    medians[r] = quantileSorted(draw.sort(), 0.5);
  }
  medians.sort();
  return {
    median: quantileSorted(sorted, 0.5),
    low: quantileSorted(medians, (1 - level) / 2),
    high: quantileSorted(medians, (1 + level) / 2),
  };
}

/**
 * The smallest difference a timing run could detect: the half-width of the ratio's confidence
 * interval, `(high − low) / 2`, as a fraction (0.07 reads "±7 %"). A true difference smaller than
 * this could not be told apart from none by this run.
 *
 * @example
 * ```ts
 * import { detectableDifference } from "./step_timing.ts";
 * if (detectableDifference({ median: 1, low: 0.95, high: 1.09 }) !== 0.07000000000000006) {
 *   throw new Error("half-width");
 * }
 * ```
 */
export function detectableDifference(ci: MedianCi): number {
  return (ci.high - ci.low) / 2;
}

function pct(fraction: number): string {
  return (100 * fraction).toFixed(1);
}

/**
 * The verdict on a step-time ratio (`subject`'s time over the other's) that its confidence
 * interval allows: an interval containing 1 gives "no difference detectable (smaller than ±X %)",
 * with X the {@linkcode detectableDifference}; an interval above 1 gives "`subject` slower by …",
 * below 1 "`subject` faster by …", with the interval in percent.
 *
 * @example
 * ```ts
 * import { ratioVerdict } from "./step_timing.ts";
 * const v = ratioVerdict({ median: 1.01, low: 0.97, high: 1.05 });
 * if (v !== "no difference detectable (smaller than ±4.0 %)") throw new Error(v);
 * ```
 */
export function ratioVerdict(ci: MedianCi, subject = "array"): string {
  const { median, low, high } = ci;
  if (![median, low, high].every(Number.isFinite)) {
    return "no ratio could be formed (every step timed as 0 ms)";
  }
  if (low <= 1 && high >= 1) {
    return `no difference detectable (smaller than ±${pct(detectableDifference(ci))} %)`;
  }
  return low > 1
    ? `${subject} slower by ${pct(median - 1)} % (95 % CI ${pct(low - 1)}–${pct(high - 1)} %)`
    : `${subject} faster by ${pct(1 - median)} % (95 % CI ${pct(1 - high)}–${pct(1 - low)} %)`;
}

/** Options for {@linkcode timeTrainingSteps}. */
export interface StepTimingOptions {
  /** Builds the (uncompiled) model; called once per loss, on the current backend. */
  build: () => LayersModel;
  /** The two losses to time, e.g. `[batchMeanLoss, perSampleLoss]`; the ratio is second / first. */
  losses: readonly [CompileLoss, CompileLoss];
  /** One batch of inputs `[batch, ...]`: every step trains on this whole batch. */
  x: TensorInput;
  /** The batch's targets `[batch, ...]`. */
  y: TensorInput;
  /** Timed repeats per loss; default `30`. With `budgetMs`, the most repeats. */
  repeats?: number;
  /** Untimed steps per loss first (kernel compilation, caches); default `5`. */
  warmup?: number;
  /**
   * Steps timed together in one repeat, the time divided by their number: a single step of a
   * small model takes about a millisecond, close to the clock's and the scheduler's noise.
   * Default `5`; with `minRepeatMs`, the fewest.
   */
  stepsPerRepeat?: number;
  /**
   * When given, one step of each loss is timed after the warm-up and `stepsPerRepeat` raised so
   * that one repeat of one loss lasts at least this many milliseconds.
   */
  minRepeatMs?: number;
  /**
   * When given, `repeats` is lowered (to no fewer than 10) so the timed part takes about this many
   * milliseconds, estimated from the same one-step timing.
   */
  budgetMs?: number;
  /** How the ratio's confidence interval is drawn (see {@linkcode bootstrapMedianCi}). */
  bootstrap?: BootstrapOptions;
  /** Makes a fresh optimizer, one per loss; default `() => tf.train.sgd(0.01)`. */
  optimizer?: () => Optimizer;
}

/** The step times a timing loop recorded, for {@linkcode summarizeStepTimes}. */
export interface StepTimesOptions {
  /** The two losses timed; the ratio is second / first, and the summary names them. */
  losses: readonly [CompileLoss, CompileLoss];
  /** Rows per step. */
  batchSize: number;
  /** Steps timed together in each repeat. */
  stepsPerRepeat: number;
  /**
   * Mean step time of every repeat in milliseconds, per loss (`stepMs[i][r]`: loss `i`, repeat
   * `r`); the two times of a repeat were taken back to back.
   */
  stepMs: readonly (readonly number[])[];
  /** How the ratio's confidence interval is drawn (see {@linkcode bootstrapMedianCi}). */
  bootstrap?: BootstrapOptions;
}

/** What a timing loop measured: from {@linkcode summarizeStepTimes} or {@linkcode timeTrainingSteps}. */
export interface StepTiming {
  /** The tfjs backend the steps ran on. */
  backend: string;
  /** Rows per step. */
  batchSize: number;
  /** Timed steps per loss. */
  repeats: number;
  /** Steps timed together in each repeat. */
  stepsPerRepeat: number;
  /** Mean step time of every repeat in milliseconds, per loss (`stepMs[i][r]`: loss `i`, repeat `r`). */
  stepMs: [number[], number[]];
  /** Median and interquartile range of each loss's step time, in milliseconds (spread, not uncertainty). */
  spreadMs: [Spread, Spread];
  /**
   * Per repeat, loss 1's step time over loss 0's (the two steps of a repeat run back to back, so
   * slow phases of the machine cancel): median and interquartile range. The interquartile range is
   * the spread of single repeats; the uncertainty of the median is `ratioCi`.
   */
  ratio: Spread;
  /** The median of the per-repeat ratios with its bootstrap 95 % confidence interval. */
  ratioCi: MedianCi;
  /**
   * The smallest difference this run could detect: the half-width of `ratioCi`, as a fraction
   * (0.05 reads "±5 %").
   */
  detectable: number;
  /** The verdict the interval allows (see {@linkcode ratioVerdict}), naming loss 1. */
  verdict: string;
  /** One sentence with the numbers and what they allow one to conclude, for printing. */
  summary: string;
}

function checkLosses(fn: string, losses: unknown): asserts losses is [CompileLoss, CompileLoss] {
  if (
    !Array.isArray(losses) || losses.length !== 2 || losses.some((l) => typeof l !== "function")
  ) {
    throw new TypeError(`${fn}: losses must be two functions (yTrue, yPred) => tensor`);
  }
}

function f(x: number, digits = 2): string {
  return x.toFixed(digits);
}

function describe(t: Omit<StepTiming, "summary">, names: [string, string]): string {
  const [a, b] = t.spreadMs;
  const c = t.ratioCi;
  return `On ${t.backend}, a training step on ${t.batchSize} rows takes ${f(a.median)} ms with ` +
    `${names[0]} and ${f(b.median)} ms with ${names[1]} (medians over ${t.repeats} paired ` +
    `repeats of ${t.stepsPerRepeat} steps); ratio ${names[1]} / ${names[0]}: median ` +
    `${f(c.median, 3)}, 95 % bootstrap CI ${f(c.low, 3)}–${f(c.high, 3)}; ${t.verdict}.`;
}

/**
 * Turns the step times of a paired timing loop into the report: each loss's median step time
 * with its interquartile range, and the ratio loss 1 / loss 0 taken per repeat (the two times of a
 * repeat were taken back to back, so the machine's slow and fast phases cancel), as a median with
 * its bootstrap 95 % confidence interval (`ratioCi`), the smallest detectable difference (its
 * half-width) and the verdict the interval allows. The backend named is the current one: call it
 * before switching backends.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { summarizeStepTimes } from "./step_timing.ts";
 * const scalar = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
 * const array = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)), -1);
 * const timing = summarizeStepTimes({
 *   losses: [scalar, array],
 *   batchSize: 32,
 *   stepsPerRepeat: 5,
 *   stepMs: [[1, 2, 4], [1, 3, 4]], // ratios 1, 1.5, 1
 * });
 * if (timing.ratio.median !== 1 || timing.ratioCi.median !== 1) throw new Error(timing.summary);
 * ```
 */
export function summarizeStepTimes(options: StepTimesOptions): StepTiming {
  const fn = "summarizeStepTimes";
  checkLosses(fn, options?.losses);
  const { batchSize, stepsPerRepeat } = options;
  assertPositiveInteger(fn, "batchSize", batchSize);
  assertPositiveInteger(fn, "stepsPerRepeat", stepsPerRepeat);
  const stepMs = options.stepMs;
  if (
    !Array.isArray(stepMs) || stepMs.length !== 2 || !stepMs.every(Array.isArray) ||
    stepMs[0].length === 0 || stepMs[0].length !== stepMs[1].length
  ) {
    const got = Array.isArray(stepMs)
      ? `[${stepMs.map((v) => Array.isArray(v) ? `${v.length} times` : typeof v).join(", ")}]`
      : typeof stepMs;
    throw new RangeError(
      `${fn}: stepMs is ${got}, expected two non-empty lists of times of equal length`,
    );
  }
  const times: [number[], number[]] = [[...stepMs[0]], [...stepMs[1]]];
  // A step can round to 0 ms on a coarse clock; the ratio of such a pair says nothing.
  const ratios = times[0].map((t0, r) => times[1][r] / t0).filter(Number.isFinite);
  const ratioCi = ratios.length > 0
    ? bootstrapMedianCi(ratios, options.bootstrap)
    : { median: NaN, low: NaN, high: NaN };
  const names: [string, string] = [
    options.losses[0].name || "loss 0",
    options.losses[1].name || "loss 1",
  ];
  const result = {
    backend: tf.getBackend(),
    batchSize,
    repeats: times[0].length,
    stepsPerRepeat,
    stepMs: times,
    spreadMs: [spread(times[0]), spread(times[1])] as [Spread, Spread],
    ratio: ratios.length > 0 ? spread(ratios) : { median: NaN, q1: NaN, q3: NaN },
    ratioCi,
    detectable: detectableDifference(ratioCi),
    verdict: ratioVerdict(ratioCi, names[1]),
  };
  return { ...result, summary: describe(result, names) };
}

/**
 * Times tfjs's own training step, `model.trainOnBatch(x, y)`, for two copies of a model compiled
 * with two losses (typically one returning the batch mean and the same loss returning per-sample
 * values): notebook 05's timing cells in one call. After `warmup` untimed steps each, it runs
 * `repeats` rounds; a round times `stepsPerRepeat` steps of each copy back to back, alternating
 * which copy goes first, and {@linkcode summarizeStepTimes} reports the per-round ratio with its
 * bootstrap confidence interval. Both copies start from the same weights. `trainOnBatch` reads the
 * loss back, so each time covers the whole step, forward, backward and update.
 *
 * Times vary from run to run; the result reports medians, the ratio's 95 % confidence interval and
 * the smallest difference the run could detect.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { timeTrainingSteps } from "./step_timing.ts";
 * await setupBackend({ backend: "cpu", seed: 1 });
 * const timing = await timeTrainingSteps({
 *   build: () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] }),
 *   losses: [
 *     (t, p) => tf.mean(tf.square(tf.sub(p, t))),
 *     (t, p) => tf.mean(tf.square(tf.sub(p, t)), -1),
 *   ],
 *   x: [[1, 2], [3, 4]],
 *   y: [[1], [2]],
 *   repeats: 3,
 *   warmup: 1,
 * });
 * if (timing.stepMs[1].length !== 3 || !(timing.ratioCi.low <= timing.ratioCi.high)) {
 *   throw new Error(timing.summary);
 * }
 * ```
 */
export async function timeTrainingSteps(options: StepTimingOptions): Promise<StepTiming> {
  const fn = "timeTrainingSteps";
  if (typeof options?.build !== "function") {
    throw new TypeError(`${fn}: build is ${typeof options?.build}, expected a function`);
  }
  assertKnownOptions(fn, options, [
    "build",
    "losses",
    "x",
    "y",
    "repeats",
    "warmup",
    "stepsPerRepeat",
    "minRepeatMs",
    "budgetMs",
    "bootstrap",
    "optimizer",
  ]);
  const losses = options.losses;
  checkLosses(fn, losses);
  const maxRepeats = options.repeats ?? 30;
  assertPositiveInteger(fn, "repeats", maxRepeats);
  const warmup = options.warmup ?? 5;
  assertNonNegativeInteger(fn, "warmup", warmup);
  const minInner = options.stepsPerRepeat ?? (options.minRepeatMs === undefined ? 5 : 1);
  assertPositiveInteger(fn, "stepsPerRepeat", minInner);
  if (options.minRepeatMs !== undefined) {
    assertNumberIn(fn, "minRepeatMs", options.minRepeatMs, { min: 0, max: Infinity });
  }
  if (options.budgetMs !== undefined) {
    assertNumberIn(fn, "budgetMs", options.budgetMs, { min: 0, max: Infinity, minOpen: true });
  }
  const xs = shapeOf(options.x, fn, "x"), ys = shapeOf(options.y, fn, "y");
  if (xs.length === 0 || ys.length === 0 || xs[0] !== ys[0] || xs[0] === 0) {
    throw new RangeError(
      `${fn}: x has shape ${formatShape(xs)} and y ${formatShape(ys)}, expected the same ` +
        `non-empty batch size`,
    );
  }
  const makeOptimizer = options.optimizer ?? (() => tf.train.sgd(0.01));
  const x = tf.tidy(() => toTensor(options.x, fn, "x").clone());
  const y = tf.tidy(() => toTensor(options.y, fn, "y").clone());
  const models: LayersModel[] = [];
  const optimizers: Optimizer[] = [];
  try {
    for (const loss of losses) {
      const model = options.build();
      if (!(model instanceof tf.LayersModel)) {
        throw new TypeError(`${fn}: build returned ${typeof model}, expected a tf.LayersModel`);
      }
      if (models.length > 0) model.setWeights(models[0].getWeights());
      const optimizer = makeOptimizer();
      model.compile({ optimizer, loss });
      models.push(model);
      optimizers.push(optimizer);
    }
    for (let w = 0; w < warmup; w++) {
      for (const model of models) await model.trainOnBatch(x, y);
    }
    let inner = minInner, repeats = maxRepeats;
    if (options.minRepeatMs !== undefined || options.budgetMs !== undefined) {
      // One more step of each, timed, sizes the repeats: the warm-up's first steps are slower.
      let pairMs = 0;
      for (const model of models) {
        const start = performance.now();
        await model.trainOnBatch(x, y);
        pairMs += performance.now() - start;
      }
      const stepMs = Math.max(pairMs / 2, 1e-3);
      if (options.minRepeatMs !== undefined) {
        inner = Math.max(minInner, Math.ceil(options.minRepeatMs / stepMs));
      }
      if (options.budgetMs !== undefined) {
        const affordable = Math.floor(options.budgetMs / (inner * 2 * stepMs));
        repeats = Math.min(maxRepeats, Math.max(Math.min(10, maxRepeats), affordable));
      }
    }
    const stepMs: [number[], number[]] = [[], []];
    for (let r = 0; r < repeats; r++) {
      for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const start = performance.now();
        for (let s = 0; s < inner; s++) await models[i].trainOnBatch(x, y);
        stepMs[i].push((performance.now() - start) / inner);
      }
    }
    return summarizeStepTimes({
      losses,
      batchSize: xs[0],
      stepsPerRepeat: inner,
      stepMs,
      bootstrap: options.bootstrap,
    });
  } finally {
    for (const model of models) model.dispose();
    for (const optimizer of optimizers) optimizer.dispose();
    tf.dispose([x, y]);
  }
}

/** Options for {@linkcode timingSweep}. */
export interface TimingSweepOptions {
  /** Rows per training step, one timing each; e.g. `[32, 2048, 65536]`. */
  batchSizes: readonly number[];
  /** Output widths (units of the last layer, columns of the target); default `[1, 10]`. */
  widths?: readonly number[];
  /** Input features of the synthetic data; default `8`. */
  features?: number;
  /** Hidden units of the dense model; default `16`. */
  hidden?: number;
  /** The most timed repeats per cell; default `30`. */
  repeats?: number;
  /** Untimed steps per loss before timing; default `3`. */
  warmup?: number;
  /** Each repeat of one loss lasts at least this long (more steps per repeat); default `20` ms. */
  minRepeatMs?: number;
  /** When given, the timed part of each cell takes about this long (fewer repeats, at least 10). */
  budgetMs?: number;
  /** Seed of the synthetic data, the weights and the bootstrap; default `0`. */
  seed?: number;
  /** Called with each row as soon as it is measured (progress in a long sweep). */
  onRow?: (row: TimingRow) => void | Promise<void>;
}

/** One cell of a {@linkcode timingSweep}: the array loss's step time over the scalar loss's. */
export interface TimingRow {
  /** The tfjs backend the steps ran on. */
  backend: string;
  /** Output width (units of the last layer). */
  width: number;
  /** Rows per training step. */
  batchSize: number;
  /** Paired repeats timed. */
  repeats: number;
  /** Steps timed together in each repeat. */
  stepsPerRepeat: number;
  /** Median step time with the scalar loss, in milliseconds. */
  scalarMs: number;
  /** Median step time with the array loss, in milliseconds. */
  arrayMs: number;
  /** Median of the per-repeat ratios array / scalar. */
  medianRatio: number;
  /** Lower end of the ratio's bootstrap 95 % confidence interval. */
  low: number;
  /** Upper end of the ratio's bootstrap 95 % confidence interval. */
  high: number;
  /** Smallest detectable difference: the interval's half-width, as a fraction. */
  detectable: number;
  /** The verdict the interval allows (see {@linkcode ratioVerdict}). */
  verdict: string;
}

/** The scalar loss of a sweep: the mean squared error of the whole batch, one number. */
function scalarLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.square(tf.sub(yPred, yTrue)));
}

/** The array loss of a sweep: the same error per sample, `[batch]`. */
function arrayLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.square(tf.sub(yPred, yTrue)), -1);
}

/**
 * Times a training step with a scalar loss and with the same loss returning per-sample values,
 * for every output width and batch size given, on the current backend: a dense model
 * `features → hidden (relu) → width` on synthetic normal data, {@linkcode timeTrainingSteps} for
 * each cell (interleaved paired repeats after a warm-up), and per cell the median ratio
 * array / scalar, its bootstrap 95 % confidence interval, the smallest detectable difference and
 * the verdict. {@linkcode formatTimingSweep} prints the rows as a table.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { formatTimingSweep, timingSweep } from "./step_timing.ts";
 * await setupBackend({ backend: "cpu", seed: 1 });
 * const rows = await timingSweep({ batchSizes: [4], widths: [1], repeats: 3, minRepeatMs: 0 });
 * if (rows.length !== 1 || !(rows[0].low <= rows[0].high)) throw new Error(formatTimingSweep(rows));
 * ```
 */
export async function timingSweep(options: TimingSweepOptions): Promise<TimingRow[]> {
  const fn = "timingSweep";
  assertKnownOptions(fn, options, [
    "batchSizes",
    "widths",
    "features",
    "hidden",
    "repeats",
    "warmup",
    "minRepeatMs",
    "budgetMs",
    "seed",
    "onRow",
  ]);
  const { batchSizes } = options ?? {};
  const widths = options.widths ?? [1, 10];
  for (const [name, list] of [["batchSizes", batchSizes], ["widths", widths]] as const) {
    if (!Array.isArray(list) || list.length === 0) {
      throw new TypeError(`${fn}: ${name} is ${typeof list}, expected a non-empty array`);
    }
    list.forEach((v, i) => assertPositiveInteger(fn, `${name}[${i}]`, v));
  }
  const features = options.features ?? 8, hidden = options.hidden ?? 16;
  assertPositiveInteger(fn, "features", features);
  assertPositiveInteger(fn, "hidden", hidden);
  const seed = options.seed ?? 0;
  const rows: TimingRow[] = [];
  for (const width of widths) {
    for (const batchSize of batchSizes) {
      const x = tf.randomNormal([batchSize, features], 0, 1, "float32", seed);
      const y = tf.randomNormal([batchSize, width], 0, 1, "float32", seed + 1);
      const build = () =>
        tf.sequential({
          layers: [
            tf.layers.dense({
              units: hidden,
              activation: "relu",
              inputShape: [features],
              kernelInitializer: tf.initializers.glorotUniform({ seed }),
            }),
            tf.layers.dense({
              units: width,
              kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
            }),
          ],
        });
      try {
        const t = await timeTrainingSteps({
          build,
          losses: [scalarLoss, arrayLoss],
          x,
          y,
          repeats: options.repeats ?? 30,
          warmup: options.warmup ?? 3,
          stepsPerRepeat: 1,
          minRepeatMs: options.minRepeatMs ?? 20,
          ...(options.budgetMs === undefined ? {} : { budgetMs: options.budgetMs }),
          bootstrap: { seed },
        });
        const row: TimingRow = {
          backend: t.backend,
          width,
          batchSize,
          repeats: t.repeats,
          stepsPerRepeat: t.stepsPerRepeat,
          scalarMs: t.spreadMs[0].median,
          arrayMs: t.spreadMs[1].median,
          medianRatio: t.ratioCi.median,
          low: t.ratioCi.low,
          high: t.ratioCi.high,
          detectable: t.detectable,
          verdict: ratioVerdict(t.ratioCi, "array"),
        };
        rows.push(row);
        await options.onRow?.(row);
      } finally {
        tf.dispose([x, y]);
      }
    }
  }
  return rows;
}

/**
 * The rows of a {@linkcode timingSweep} as a markdown table: backend, output width, batch size,
 * repeats × steps, the two median step times, the median ratio with its 95 % interval, the smallest
 * detectable difference and the verdict.
 *
 * @example
 * ```ts
 * import { formatTimingSweep } from "./step_timing.ts";
 * const table = formatTimingSweep([{
 *   backend: "wasm", width: 1, batchSize: 65536, repeats: 20, stepsPerRepeat: 1, scalarMs: 40,
 *   arrayMs: 41, medianRatio: 1.02, low: 0.99, high: 1.05, detectable: 0.03,
 *   verdict: "no difference detectable (smaller than ±3.0 %)",
 * }]);
 * if (!table.includes("| wasm | 1 | 65,536 | 20 × 1 | 40.00 | 41.00 | 1.020 | 0.990–1.050 | ±3.0 % |")) {
 *   throw new Error(table);
 * }
 * ```
 */
export function formatTimingSweep(rows: readonly TimingRow[]): string {
  const head =
    "| backend | width | batch | repeats × steps | scalar ms | array ms | median ratio " +
    "| 95 % CI | detectable | verdict |\n" +
    "| --- | --: | --: | --: | --: | --: | --: | :-: | --: | --- |";
  const lines = rows.map((r) =>
    `| ${r.backend} | ${r.width} | ${r.batchSize.toLocaleString("en-US")} | ${r.repeats} × ` +
    `${r.stepsPerRepeat} | ${f(r.scalarMs)} | ${f(r.arrayMs)} | ${f(r.medianRatio, 3)} | ` +
    `${f(r.low, 3)}–${f(r.high, 3)} | ±${pct(r.detectable)} % | ${r.verdict} |`
  );
  return [head, ...lines].join("\n");
}

/**
 * The rows of a {@linkcode timingSweep} as a chart: per output width, the median ratio
 * array / scalar at each batch size (log scale) with its 95 % confidence interval as a whisker, and
 * a rule at 1 (no cost). The title states what the intervals allow one to say.
 *
 * @example
 * ```ts
 * import { timingSweepChart } from "./step_timing.ts";
 * const chart = timingSweepChart([{
 *   backend: "wasm", width: 1, batchSize: 32, repeats: 20, stepsPerRepeat: 5, scalarMs: 1,
 *   arrayMs: 1, medianRatio: 1.01, low: 0.95, high: 1.08, detectable: 0.065,
 *   verdict: "no difference detectable (smaller than ±6.5 %)",
 * }]);
 * if (!chart.summary.startsWith("Median step-time ratio")) throw new Error(chart.summary);
 * ```
 */
export function timingSweepChart(rows: readonly TimingRow[]): Chart {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new RangeError("timingSweepChart: rows is empty, expected the rows of a timingSweep");
  }
  const slower = rows.filter((r) => r.low > 1), faster = rows.filter((r) => r.high < 1);
  const title = slower.length === 0 && faster.length === 0
    ? "No batch size shows a detectable cost of returning the array"
    : slower.length > 0 && faster.length === 0
    ? "The array is detectably slower at some batch sizes: read how much on the axis"
    : "Where the intervals exclude 1, the difference goes both ways: noise of this machine";
  const values = rows.map((r) => ({
    batch: r.batchSize,
    width: `width ${r.width}`,
    ratio: r.medianRatio,
    low: r.low,
    high: r.high,
  }));
  const x = {
    field: "batch",
    type: "quantitative",
    scale: { type: "log" },
    title: "batch size (rows per step, log scale)",
  };
  const color = {
    field: "width",
    type: "nominal",
    title: "output width",
    scale: { range: [CHART_COLORS.marks, CHART_COLORS.highlight] },
  };
  const spec = {
    title: { text: title, subtitle: `${rows[0].backend} backend; whiskers: bootstrap 95 % CI` },
    width: 420,
    height: 220,
    layer: [
      {
        data: { values: [{ one: 1 }] },
        mark: { type: "rule", color: CHART_COLORS.mean, strokeDash: [4, 4] },
        encoding: { y: { field: "one", type: "quantitative" } },
      },
      {
        data: { values },
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          x,
          y: { field: "low", type: "quantitative", scale: { zero: false } },
          y2: { field: "high" },
          color,
        },
      },
      {
        data: { values },
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          x,
          y: {
            field: "ratio",
            type: "quantitative",
            title: "step time, array / scalar (median)",
          },
          color,
          tooltip: [
            { field: "batch" },
            { field: "width" },
            { field: "ratio", format: ".3f" },
            { field: "low", format: ".3f" },
            { field: "high", format: ".3f" },
          ],
        },
      },
    ],
  };
  const summary = `Median step-time ratio array / scalar with its 95 % bootstrap interval, ` +
    `${rows.length} cells on ${rows[0].backend}: ` +
    rows.map((r) =>
      `width ${r.width}, batch ${r.batchSize}: ${f(r.medianRatio, 3)} (${f(r.low, 3)}–` +
      `${f(r.high, 3)})`
    ).join("; ") + `. ${title}.`;
  return new Chart(spec as unknown as VegaLiteSpec, { summary });
}
