/**
 * The cost of a custom loss returning an array instead of one number: both versions timed in
 * tfjs's own training step (`model.trainOnBatch`), in paired repeats, reported as a ratio with
 * its spread rather than as one (noisy) number. Notebook 05 writes the timing loop in its cells;
 * {@linkcode summarizeStepTimes} turns the times into the reported ratio and sentence, and
 * {@linkcode timeTrainingSteps} repeats the loop in one call for notebook 06.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertNonNegativeInteger, assertPositiveInteger } from "../../lib/_core/checks.ts";
import type { CompileLoss } from "./same_training.ts";
import { formatShape, shapeOf, type TensorInput, toTensor } from "../../lib/_core/tensor_input.ts";
import type { LayersModel, Optimizer } from "../../lib/training/mod.ts";
import { type Spread, spread } from "../../lib/analysis/mod.ts";

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
  /** Timed steps per loss; default `30`. */
  repeats?: number;
  /** Untimed steps per loss first (kernel compilation, caches); default `5`. */
  warmup?: number;
  /**
   * Steps timed together in one repeat, the time divided by their number: a single step of a
   * small model takes about a millisecond, close to the clock's and the scheduler's noise.
   * Default `5`.
   */
  stepsPerRepeat?: number;
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
  /** Median and interquartile range of each loss's step time, in milliseconds. */
  spreadMs: [Spread, Spread];
  /**
   * Per repeat, loss 1's step time over loss 0's (the two steps of a repeat run back to back, so
   * slow phases of the machine cancel): median and interquartile range.
   */
  ratio: Spread;
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
  const r = t.ratio;
  const head = `On ${t.backend}, a training step on ${t.batchSize} rows takes ${f(a.median)} ms ` +
    `(IQR ${f(a.q1)}–${f(a.q3)}) with ${names[0]} and ${f(b.median)} ms (IQR ${f(b.q1)}–` +
    `${f(b.q3)}) with ${names[1]}: ratio ${f(r.median, 3)} (IQR ${f(r.q1, 3)}–${f(r.q3, 3)}) ` +
    `over ${t.repeats} paired repeats of ${t.stepsPerRepeat} steps`;
  if (r.q1 <= 1 && r.q3 >= 1) {
    return `${head}; the interquartile range of the ratio contains 1, so no difference is ` +
      `measurable at this precision.`;
  }
  const pct = Math.abs(r.median - 1) * 100;
  return `${head}; ${names[1]} is ${f(pct, 1)} % ${r.median > 1 ? "slower" : "faster"} ` +
    `(the interquartile range of the ratio excludes 1).`;
}

/**
 * Turns the step times of a paired timing loop into the report: each loss's median step time
 * with its interquartile range, and the ratio loss 1 / loss 0 taken per repeat (the two times of a
 * repeat were taken back to back, so the machine's slow and fast phases cancel), as a median with
 * its interquartile range. The `summary` only calls a difference measurable when that range
 * excludes 1. The backend named is the current one: call it before switching backends.
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
 * if (timing.ratio.median !== 1) throw new Error(timing.summary);
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
  const result = {
    backend: tf.getBackend(),
    batchSize,
    repeats: times[0].length,
    stepsPerRepeat,
    stepMs: times,
    spreadMs: [spread(times[0]), spread(times[1])] as [Spread, Spread],
    ratio: ratios.length > 0 ? spread(ratios) : { median: NaN, q1: NaN, q3: NaN },
  };
  const names: [string, string] = [
    options.losses[0].name || "loss 0",
    options.losses[1].name || "loss 1",
  ];
  return { ...result, summary: describe(result, names) };
}

/**
 * Times tfjs's own training step, `model.trainOnBatch(x, y)`, for two copies of a model compiled
 * with two losses (typically one returning the batch mean and the same loss returning per-sample
 * values): notebook 05's timing cells in one call. After `warmup` untimed steps each, it runs
 * `repeats` rounds; a round times `stepsPerRepeat` steps of each copy back to back, alternating
 * which copy goes first, and {@linkcode summarizeStepTimes} reports the per-round ratio. Both
 * copies start from the same weights. `trainOnBatch` reads the loss back, so each time covers the
 * whole step, forward, backward and update.
 *
 * Times vary from run to run; the result reports medians with interquartile ranges.
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
 * if (timing.stepMs[1].length !== 3 || !(timing.ratio.median > 0)) throw new Error(timing.summary);
 * ```
 */
export async function timeTrainingSteps(options: StepTimingOptions): Promise<StepTiming> {
  const fn = "timeTrainingSteps";
  if (typeof options?.build !== "function") {
    throw new TypeError(`${fn}: build is ${typeof options?.build}, expected a function`);
  }
  const losses = options.losses;
  checkLosses(fn, losses);
  const repeats = options.repeats ?? 30;
  assertPositiveInteger(fn, "repeats", repeats);
  const warmup = options.warmup ?? 5;
  assertNonNegativeInteger(fn, "warmup", warmup);
  const inner = options.stepsPerRepeat ?? 5;
  assertPositiveInteger(fn, "stepsPerRepeat", inner);
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
    const stepMs: [number[], number[]] = [[], []];
    for (let r = 0; r < repeats; r++) {
      for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const start = performance.now();
        for (let s = 0; s < inner; s++) await models[i].trainOnBatch(x, y);
        stepMs[i].push((performance.now() - start) / inner);
      }
    }
    return summarizeStepTimes({ losses, batchSize: xs[0], stepsPerRepeat: inner, stepMs });
  } finally {
    for (const model of models) model.dispose();
    for (const optimizer of optimizers) optimizer.dispose();
    tf.dispose([x, y]);
  }
}
