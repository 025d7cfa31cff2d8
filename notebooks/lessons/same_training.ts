/**
 * The same model trained two ways: one custom loss written to return the batch mean, the same
 * loss written to return per-sample values. tfjs's `fit` (like Keras) reduces whatever the loss
 * returns to its mean, and the mean is linear: the mean of per-sample means is the mean over all
 * values when every sample has the same number of them. So the two give the same gradients and
 * the same trained weights, up to float32 rounding: the two versions divide by the number of
 * values in a different order (once by B·K, or by K and then by B), and each float32 division
 * rounds. With one output the mean over the last axis divides by 1, which is exact, and the two
 * are identical. Notebook 01 writes the experiment in its cells (`tf.variableGrads` of both
 * losses; two copies trained with `model.fit`); these functions put the numbers the cells measured
 * into sentences, repeat the gradient cell on every batch of an epoch
 * ({@linkcode compareGradientsByBatch}) and the twin cell in one call ({@linkcode trainTwins}) for
 * models with several outputs, and {@linkcode compareGradients} repeats the gradient cell in one
 * call for notebook 06.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertPositiveInteger } from "../../lib/_core/checks.ts";
import {
  formatShape,
  shapeOf,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../../lib/_core/tensor_input.ts";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { LayersModel } from "../../lib/training/mod.ts";

/**
 * A loss as tfjs's `model.compile` takes it: `(yTrue, yPred) => tensor` of any shape. `fit` takes
 * the mean of what it returns (after multiplying by per-sample weights, when `classWeight` is set).
 */
export type CompileLoss = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** What `tf.variableGrads` returns: the differentiated value and one gradient per variable. */
export interface VariableGradients {
  /** The batch loss that was differentiated, a scalar. */
  value: Tensor;
  /** The gradient of every variable, by variable name. */
  grads: Record<string, Tensor>;
}

/** What a gradient cell measured, for {@linkcode summarizeGradients}. */
export interface GradientSummaryOptions {
  /** The two losses compared; the summary names them by their function names. */
  losses: readonly [CompileLoss, CompileLoss];
  /** Rows in the batch the gradients were taken on. */
  batchSize: number;
  /** `tf.variableGrads` of each loss's batch loss, in the order of `losses`. */
  gradients: readonly VariableGradients[];
  /** Largest `|gradient₀ − gradient₁|` over every weight, as the cell computed it. */
  maxAbsDifference: number;
}

/** Options for {@linkcode compareGradients}. */
export interface GradientComparisonOptions {
  /** The model whose trainable weights are differentiated; it is not changed. */
  model: LayersModel;
  /** The two losses to compare, e.g. `[batchMeanLoss, perSampleLoss]`. */
  losses: readonly [CompileLoss, CompileLoss];
  /** One batch of inputs, `[batch, ...]`. */
  x: TensorInput;
  /** The batch's targets, `[batch, ...]`. */
  y: TensorInput;
}

/** A comparison of two gradients, from {@linkcode summarizeGradients} or {@linkcode compareGradients}. */
export interface GradientComparison {
  /** The batch loss each loss gives: the mean of what it returns, as `fit` computes it. */
  batchLoss: [number, number];
  /** Largest `|gradient₀ − gradient₁|` over every trainable weight. */
  maxAbsDifference: number;
  /** Largest `|gradient|` of either loss, the scale to read the difference against. */
  largestGradient: number;
  /** Number of scalar weights compared. */
  weightCount: number;
  /** The numbers in two short lines, for printing. */
  summary: string;
}

/** What a twin-training cell measured, for {@linkcode summarizeTwins}. */
export interface TwinSummaryOptions {
  /** The two losses, copy `i` trained with `losses[i]`; the summary names them. */
  losses: readonly [CompileLoss, CompileLoss];
  /** The per-epoch training loss `fit` reported for each copy (`history.loss`). */
  histories: readonly (readonly number[])[];
  /** Each copy's weights after training (`model.getWeights()`); read, not disposed. */
  weights: readonly (readonly Tensor[])[];
  /** Largest `|w₀ − w₁|` over every weight, as the cell computed it. */
  maxWeightDifference: number;
}

/** The numbers of a twin-training run, from {@linkcode summarizeTwins}. */
export interface TwinSummary {
  /** Largest `|w₀ − w₁|` over every weight after training (as given). */
  maxWeightDifference: number;
  /** Largest `|w|` of copy 0 after training, the scale to read the difference against. */
  largestWeight: number;
  /** Largest difference between the two per-epoch loss histories. */
  maxLossDifference: number;
  /** The numbers in three short lines, for printing. */
  summary: string;
}

/** Options for {@linkcode perSampleLosses}. */
export interface PerSampleLossesOptions {
  /** A trained model with one output. */
  model: LayersModel;
  /** A per-sample loss, `(yTrue, yPred) => [batch]`, e.g. `meanSquaredError`. */
  loss: CompileLoss;
  /** Inputs, `[n, ...]`. */
  x: TensorInput;
  /** Targets, `[n, ...]`. */
  y: TensorInput;
}

function checkLosses(fn: string, losses: unknown): asserts losses is [CompileLoss, CompileLoss] {
  if (
    !Array.isArray(losses) || losses.length !== 2 || losses.some((l) => typeof l !== "function")
  ) {
    const got = Array.isArray(losses)
      ? `[${losses.map((l) => typeof l).join(", ")}]`
      : typeof losses;
    throw new TypeError(`${fn}: losses is ${got}, expected two functions (yTrue, yPred) => tensor`);
  }
}

function checkModel(fn: string, arg: string, model: unknown): asserts model is LayersModel {
  if (!(model instanceof tf.LayersModel)) {
    throw new TypeError(`${fn}: ${arg} is ${typeof model}, expected a tf.LayersModel`);
  }
}

/** Checks x and y share a non-empty batch axis; returns the batch size. */
function checkBatch(fn: string, x: TensorInput, y: TensorInput): number {
  const xs = shapeOf(x, fn, "x"), ys = shapeOf(y, fn, "y");
  if (xs.length === 0 || ys.length === 0 || xs[0] !== ys[0] || xs[0] === 0) {
    throw new RangeError(
      `${fn}: x has shape ${formatShape(xs)} and y ${formatShape(ys)}, expected the same ` +
        `non-empty batch size`,
    );
  }
  return xs[0];
}

function checkDifference(fn: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || !(value >= 0)) {
    throw new RangeError(`${fn}: ${arg} is ${value}, expected a number >= 0`);
  }
  return value;
}

/** Checks `value` is an array of two equal-length non-empty arrays. */
function checkPair(fn: string, arg: string, value: unknown, of: string): void {
  if (
    !Array.isArray(value) || value.length !== 2 || !value.every(Array.isArray) ||
    value[0].length === 0 || value[0].length !== value[1].length
  ) {
    const got = Array.isArray(value)
      ? `[${value.map((v) => Array.isArray(v) ? `${v.length} entries` : typeof v).join(", ")}]`
      : typeof value;
    throw new TypeError(
      `${fn}: ${arg} is ${got}, expected two non-empty lists of ${of} of equal length`,
    );
  }
}

function lossName(loss: CompileLoss, index: number): string {
  return loss.name || `loss ${index}`;
}

function fmt(x: number): string {
  return x === 0 ? "0" : x.toPrecision(3);
}

/**
 * One float32 rounding changes a value by at most 2⁻²⁴ of it (half of float32's epsilon 2⁻²³).
 * A difference within {@linkcode FLOAT32_ROUNDING_TOLERANCE} of the scale is what a handful of
 * roundings, carried through a few hundred optimiser steps, can produce; anything larger is not
 * rounding.
 */
export const FLOAT32_EPSILON: number = 2 ** -23;

/** Largest difference, relative to the scale, still read as float32 rounding: 100 epsilons. */
export const FLOAT32_ROUNDING_TOLERANCE: number = 100 * FLOAT32_EPSILON;

/** How two results compare: the same bits, within float32 rounding, or different. */
export type RoundingVerdict = "identical" | "float32 rounding" | "different";

/**
 * Classifies a difference between two float32 results against the scale of the values (the
 * largest of them): `"identical"` only when it is exactly 0, `"float32 rounding"` when it is at
 * most {@linkcode FLOAT32_ROUNDING_TOLERANCE} of the scale, else `"different"`.
 *
 * @example
 * ```ts
 * import { roundingVerdict } from "./same_training.ts";
 * if (roundingVerdict(0, 5) !== "identical") throw new Error("0 is identical");
 * if (roundingVerdict(4.8e-7, 3.8) !== "float32 rounding") throw new Error("one ulp is rounding");
 * if (roundingVerdict(0.5, 3.8) !== "different") throw new Error("0.5 is not rounding");
 * ```
 */
export function roundingVerdict(difference: number, scale: number): RoundingVerdict {
  const fn = "roundingVerdict";
  checkDifference(fn, "difference", difference);
  checkDifference(fn, "scale", scale);
  if (difference === 0) return "identical";
  return difference <= FLOAT32_ROUNDING_TOLERANCE * scale ? "float32 rounding" : "different";
}

/** The verdict in words after a printed difference, e.g. " (identical, bit for bit)". */
function verdictWords(difference: number, scale: number): string {
  const verdict = roundingVerdict(difference, scale);
  if (verdict === "identical") return " (identical, bit for bit)";
  if (verdict === "different") return "";
  return ` (${fmt(difference / (scale || 1))} of the largest: equal to float32 rounding)`;
}

/** Largest |t| over `tensors`. */
function largestAbs(tensors: readonly tf.Tensor[]): number {
  return tf.tidy(() => tensors.reduce((m, t) => Math.max(m, tf.max(tf.abs(t)).dataSync()[0]), 0));
}

/** Largest |a − b| over paired tensors: the comparison the notebook cells write out. */
function maxAbsDifference(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  return tf.tidy(() =>
    a.reduce((m, t, i) => Math.max(m, tf.max(tf.abs(tf.sub(t, b[i]))).dataSync()[0]), 0)
  );
}

/**
 * Puts what a gradient cell measured into two lines: the batch loss of each loss, the number of
 * weights, the largest gradient (the scale) and the largest difference between the two gradients
 * (which the cell computes). The gradients are read, not disposed.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { summarizeGradients } from "./same_training.ts";
 * await setupBackend({ backend: "cpu", seed: 1 });
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * const [x, y] = [tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[1], [0]])];
 * const meanLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
 * const arrayLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)), -1);
 * const losses = [meanLoss, arrayLoss] as const;
 * const gradients = losses.map((loss) =>
 *   tf.variableGrads(() => tf.mean(loss(y, model.apply(x) as tf.Tensor)) as tf.Scalar)
 * );
 * const g = summarizeGradients({ losses, batchSize: 2, gradients, maxAbsDifference: 0 });
 * if (g.weightCount !== 3 || !g.summary.includes("identical")) throw new Error(g.summary);
 * tf.dispose([gradients, x, y]);
 * model.dispose();
 * ```
 */
export function summarizeGradients(options: GradientSummaryOptions): GradientComparison {
  const fn = "summarizeGradients";
  checkLosses(fn, options?.losses);
  const { losses, batchSize, gradients } = options;
  assertPositiveInteger(fn, "batchSize", batchSize);
  if (
    !Array.isArray(gradients) || gradients.length !== 2 ||
    !gradients.every((g) => g?.value instanceof tf.Tensor && typeof g.grads === "object")
  ) {
    throw new TypeError(
      `${fn}: gradients is ${
        Array.isArray(gradients) ? `${gradients.length} entries` : typeof gradients
      }, ` +
        `expected two results of tf.variableGrads ({ value, grads })`,
    );
  }
  const maxAbs = checkDifference(fn, "maxAbsDifference", options.maxAbsDifference);
  const lists: tf.Tensor[][] = gradients.map((g: VariableGradients) => Object.values(g.grads));
  const r = {
    batchLoss: gradients.map((g) => g.value.dataSync()[0]) as [number, number],
    maxAbsDifference: maxAbs,
    largestGradient: Math.max(largestAbs(lists[0]), largestAbs(lists[1])),
    weightCount: lists[0].reduce((s, t) => s + t.size, 0),
  };
  const names = losses.map(lossName);
  const summary =
    `One batch of ${batchSize}: batch loss ${fmt(r.batchLoss[0])} with ${names[0]}, ` +
    `${fmt(r.batchLoss[1])} with ${names[1]}.\n` +
    `Gradients over ${r.weightCount} weights: largest ${fmt(r.largestGradient)}; largest ` +
    `difference between the two ${fmt(r.maxAbsDifference)}${
      verdictWords(r.maxAbsDifference, r.largestGradient)
    }.`;
  return { ...r, summary };
}

/**
 * Differentiates the batch loss of each of two losses with respect to `model`'s trainable weights
 * on one batch, and reports the largest difference between the two gradients: notebook 01's
 * gradient cell in one call. The batch loss is the mean of what the loss returns, which is what
 * tfjs's `fit` minimises; Keras's default `"sum_over_batch_size"` is the same number without sample
 * weights. So a loss returning the batch mean and the same loss returning per-sample values give
 * the same gradient: identical with one output, equal to float32 rounding with several (the
 * difference is 0 when 1/(B·K) and (1/B)/K round to the same float32).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { compareGradients } from "./same_training.ts";
 * await setupBackend({ backend: "cpu", seed: 1 });
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * const meanLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
 * const arrayLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)), -1);
 * const g = compareGradients({
 *   model,
 *   losses: [meanLoss, arrayLoss],
 *   x: [[1, 2], [3, 4], [5, 6]],
 *   y: [[1], [0], [2]],
 * });
 * if (g.maxAbsDifference > 1e-6 || g.weightCount !== 3) throw new Error(g.summary);
 * model.dispose();
 * ```
 */
export function compareGradients(options: GradientComparisonOptions): GradientComparison {
  const fn = "compareGradients";
  checkModel(fn, "model", options.model);
  checkLosses(fn, options.losses);
  const batchSize = checkBatch(fn, options.x, options.y);
  const { model, losses } = options;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  if (variables.length === 0) {
    throw new RangeError(`${fn}: model has no trainable weights`);
  }
  let result: GradientComparison | undefined;
  // tf.tidy returns only tensors; the comparison leaves through the closure.
  tf.tidy(() => {
    const x = toTensor(options.x, fn, "x");
    const y = toTensor(options.y, fn, "y");
    const gradients = losses.map((loss, i) =>
      tf.variableGrads(() => {
        const out = loss(y, model.apply(x, { training: true }) as tf.Tensor);
        if (!(out instanceof tf.Tensor)) {
          throw new TypeError(`${fn}: losses[${i}] returned ${typeof out}, expected a tf.Tensor`);
        }
        return tf.mean(out) as tf.Scalar;
      }, variables)
    );
    const [a, b] = gradients.map(({ grads }) => variables.map((v) => grads[v.name]));
    result = summarizeGradients({
      losses,
      batchSize,
      gradients,
      maxAbsDifference: maxAbsDifference(a, b),
    });
  });
  return result!;
}

/** Options for {@linkcode compareGradientsByBatch}. */
export interface BatchGradientOptions {
  /** The model whose trainable weights are differentiated; it is not changed. */
  model: LayersModel;
  /** The two losses to compare, e.g. `[batchMeanLoss, perSampleLoss]`. */
  losses: readonly [CompileLoss, CompileLoss];
  /** All inputs of one epoch, `[n, ...]`. */
  x: TensorInput;
  /** Their targets, `[n, ...]`. */
  y: TensorInput;
  /** Rows per batch, as `fit`'s `batchSize`: the last batch holds the remainder. */
  batchSize: number;
}

/** One batch's comparison in {@linkcode BatchGradientComparison}. */
export interface BatchGradient {
  /** First row of the batch. */
  start: number;
  /** Rows in the batch. */
  size: number;
  /** Largest `|gradient₀ − gradient₁|` on this batch. */
  maxAbsDifference: number;
}

/** The gradients of two losses compared on every batch of an epoch. */
export interface BatchGradientComparison {
  /** Each batch, in order. */
  batches: BatchGradient[];
  /** Largest difference over all batches. */
  maxAbsDifference: number;
  /** Largest `|gradient|` of either loss over all batches: the scale. */
  largestGradient: number;
  /** Batches whose two gradients are not bit-identical. */
  differingBatches: number;
  /** Identical, equal to float32 rounding, or different (see {@linkcode roundingVerdict}). */
  verdict: RoundingVerdict;
  /** The numbers in one line, for printing. */
  summary: string;
}

/**
 * {@linkcode compareGradients} on every batch of one epoch: the rows of `x` and `y` cut into
 * consecutive batches of `batchSize` (the last one holds the remainder, as in `fit`), the two
 * losses' gradients compared on each. Which batches differ depends on their sizes: a batch of B
 * rows and K outputs gives bit-identical gradients exactly when 1/(B·K) and (1/B)/K round to the
 * same float32.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { compareGradientsByBatch } from "./same_training.ts";
 * await setupBackend({ backend: "cpu", seed: 1 });
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
 * const meanLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
 * const arrayLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)), -1);
 * const c = compareGradientsByBatch({
 *   model, losses: [meanLoss, arrayLoss], x: [[1], [2], [3]], y: [[0], [1], [1]], batchSize: 2,
 * });
 * if (c.batches.map((b) => b.size).join() !== "2,1" || c.verdict !== "identical") {
 *   throw new Error(c.summary);
 * }
 * model.dispose();
 * ```
 */
export function compareGradientsByBatch(options: BatchGradientOptions): BatchGradientComparison {
  const fn = "compareGradientsByBatch";
  checkModel(fn, "model", options?.model);
  checkLosses(fn, options.losses);
  const n = checkBatch(fn, options.x, options.y);
  assertPositiveInteger(fn, "batchSize", options.batchSize);
  const { model, losses, batchSize } = options;
  const batches: BatchGradient[] = [];
  let largestGradient = 0;
  tf.tidy(() => {
    const x = toTensor(options.x, fn, "x");
    const y = toTensor(options.y, fn, "y");
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const g = compareGradients({
        model,
        losses,
        x: x.slice(start, size),
        y: y.slice(start, size),
      });
      batches.push({ start, size, maxAbsDifference: g.maxAbsDifference });
      largestGradient = Math.max(largestGradient, g.largestGradient);
    }
  });
  const maxAbs = Math.max(...batches.map((b) => b.maxAbsDifference));
  const differingBatches = batches.filter((b) => b.maxAbsDifference !== 0).length;
  const verdict = roundingVerdict(maxAbs, largestGradient);
  const sizes = [...new Set(batches.map((b) => b.size))].join(" and ");
  const where = differingBatches === 0
    ? `0 on all ${batches.length}`
    : `not 0 on ${differingBatches} of ${batches.length}`;
  const summary = `${batches.length} batch${batches.length === 1 ? "" : "es"} (of ${sizes} ` +
    `rows): largest |Δgradient| ${fmt(maxAbs)}, ${where}; largest gradient ` +
    `${fmt(largestGradient)}${verdictWords(maxAbs, largestGradient)}.`;
  return { batches, maxAbsDifference: maxAbs, largestGradient, differingBatches, verdict, summary };
}

/** Options for {@linkcode trainTwins}. */
export interface TwinTrainingOptions {
  /** Builds one copy of the model; the second copy gets the first one's initial weights. */
  build: () => LayersModel;
  /** The two losses, copy `i` compiled with `losses[i]`. */
  losses: readonly [CompileLoss, CompileLoss];
  /** Training inputs, `[n, ...]`. */
  x: TensorInput;
  /** Training targets, `[n, ...]`. */
  y: TensorInput;
  /** Epochs of `fit` for each copy. */
  epochs: number;
  /** `fit`'s `batchSize`. */
  batchSize: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Seeds `Math.random` before each `fit`, so both copies see the same batches. */
  seed: number;
}

/** What {@linkcode trainTwins} measured: {@linkcode TwinSummary} plus the histories and verdict. */
export interface TwinTraining extends TwinSummary {
  /** The per-epoch training loss of each copy (`history.loss`). */
  histories: number[][];
  /** The trained weights compared: identical, equal to float32 rounding, or different. */
  verdict: RoundingVerdict;
}

/**
 * Notebook 01's twin cell in one call: two copies of `build()` from the same initial weights, each
 * compiled with one of the two losses and a fresh Adam optimizer, trained with `model.fit` on the
 * same batches (`Math.random` is seeded before each `fit`, which shuffles with it), then the
 * largest difference between their weights. The copies and optimizers are disposed.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { trainTwins } from "./same_training.ts";
 * await setupBackend({ backend: "cpu", seed: 1 });
 * const meanLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
 * const arrayLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)), -1);
 * const twins = await trainTwins({
 *   build: () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }),
 *   losses: [meanLoss, arrayLoss],
 *   x: [[0], [1], [2], [3]],
 *   y: [[1], [3], [5], [7]],
 *   epochs: 3, batchSize: 2, learningRate: 0.1, seed: 7,
 * });
 * if (twins.verdict !== "identical") throw new Error(twins.summary);
 * ```
 */
export async function trainTwins(options: TwinTrainingOptions): Promise<TwinTraining> {
  const fn = "trainTwins";
  if (typeof options?.build !== "function") {
    throw new TypeError(`${fn}: build is ${typeof options?.build}, expected a function`);
  }
  checkLosses(fn, options.losses);
  checkBatch(fn, options.x, options.y);
  assertPositiveInteger(fn, "epochs", options.epochs);
  assertPositiveInteger(fn, "batchSize", options.batchSize);
  if (typeof options.learningRate !== "number" || !(options.learningRate > 0)) {
    throw new RangeError(`${fn}: learningRate is ${options.learningRate}, expected a number > 0`);
  }
  if (typeof options.seed !== "number" || !Number.isFinite(options.seed)) {
    throw new TypeError(`${fn}: seed is ${options.seed}, expected a finite number`);
  }
  const { losses, epochs, batchSize, learningRate, seed } = options;
  const twins = [options.build(), options.build()];
  twins.forEach((twin, i) => checkModel(fn, `build() (copy ${i})`, twin));
  const optimizers = twins.map(() => tf.train.adam(learningRate));
  const x = toTensor(options.x, fn, "x");
  const y = toTensor(options.y, fn, "y");
  const random = Math.random;
  try {
    twins[1].setWeights(twins[0].getWeights()); // the same starting point
    const histories: number[][] = [];
    for (const [i, twin] of twins.entries()) {
      twin.compile({ optimizer: optimizers[i], loss: losses[i] });
      Math.random = seededRandom(seed); // fit shuffles with Math.random: the same batches
      const { history } = await twin.fit(x, y, { epochs, batchSize, verbose: 0 });
      histories.push(history.loss as number[]);
    }
    const weights = twins.map((twin) => twin.getWeights());
    const maxWeightDifference = maxAbsDifference(weights[0], weights[1]);
    const summary = summarizeTwins({ losses, histories, weights, maxWeightDifference });
    const verdict = roundingVerdict(maxWeightDifference, summary.largestWeight);
    return { ...summary, histories, verdict };
  } finally {
    Math.random = random;
    if (x !== options.x) x.dispose();
    if (y !== options.y) y.dispose();
    twins.forEach((twin) => twin.dispose());
    optimizers.forEach((optimizer) => optimizer.dispose());
  }
}

/**
 * Puts what a twin-training cell measured into three lines: the epochs, each copy's final
 * training loss and the largest difference between the two loss histories, the largest weight
 * (the scale) and the largest difference between the two trained models (which the cell
 * computes). The weights are read, not disposed.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { summarizeTwins } from "./same_training.ts";
 * await setupBackend({ backend: "cpu" });
 * const meanLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
 * const arrayLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)), -1);
 * const w = [tf.tensor1d([0.5, -2]), tf.tensor1d([0.5, -2])];
 * const twins = summarizeTwins({
 *   losses: [meanLoss, arrayLoss],
 *   histories: [[3, 1], [3, 1]],
 *   weights: [[w[0]], [w[1]]],
 *   maxWeightDifference: 0,
 * });
 * if (twins.largestWeight !== 2 || twins.maxLossDifference !== 0) throw new Error(twins.summary);
 * tf.dispose(w);
 * ```
 */
export function summarizeTwins(options: TwinSummaryOptions): TwinSummary {
  const fn = "summarizeTwins";
  checkLosses(fn, options?.losses);
  const { losses, histories, weights } = options;
  checkPair(fn, "histories", histories, "per-epoch losses");
  checkPair(fn, "weights", weights, "tensors");
  if (!weights.every((list) => list.every((w) => w instanceof tf.Tensor))) {
    throw new TypeError(
      `${fn}: weights holds a non-tensor, expected model.getWeights() of each copy`,
    );
  }
  const maxWeightDifference = checkDifference(
    fn,
    "maxWeightDifference",
    options.maxWeightDifference,
  );
  const [h0, h1] = histories;
  const epochs = h0.length;
  const maxLossDifference = Math.max(...h0.map((l, e) => Math.abs(l - h1[e])));
  const largestWeight = largestAbs(weights[0]);
  const names = losses.map(lossName);
  const summary = `${epochs} epoch${epochs === 1 ? "" : "s"} of model.fit from the same ` +
    `initial weights, in the same batch order.\n` +
    `Training loss at the end: ${fmt(h0[epochs - 1])} with ${names[0]}, ` +
    `${fmt(h1[epochs - 1])} with ${names[1]}; largest difference between the two loss ` +
    `histories ${fmt(maxLossDifference)}.\n` +
    `Weights after training: largest ${fmt(largestWeight)}; largest difference between the ` +
    `two models ${fmt(maxWeightDifference)}${verdictWords(maxWeightDifference, largestWeight)}.`;
  return { maxWeightDifference, largestWeight, maxLossDifference, summary };
}

/**
 * The per-sample values of `loss` for `model`'s predictions on `x`: one number per row, e.g. each
 * validation car's squared error. The loss must return `[n]` (or `[n, 1]`); a loss that returns
 * the batch mean has no per-sample values to give, and is refused with a RangeError.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { meanSquaredError } from "../../lib/losses/mod.ts";
 * import { perSampleLosses } from "./same_training.ts";
 * await setupBackend({ backend: "cpu" });
 * const model = tf.sequential({
 *   layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: "ones" })],
 * });
 * // prediction = x (bias starts at 0): squared errors (1-0)², (2-4)², (3-3)²
 * const losses = perSampleLosses({ model, loss: meanSquaredError, x: [[1], [2], [3]], y: [[0], [4], [3]] });
 * if (losses.join() !== "1,4,0") throw new Error(`got ${losses}`);
 * model.dispose();
 * ```
 */
export function perSampleLosses(options: PerSampleLossesOptions): number[] {
  const fn = "perSampleLosses";
  checkModel(fn, "model", options.model);
  if (typeof options.loss !== "function") {
    throw new TypeError(`${fn}: loss is ${typeof options.loss}, expected a function`);
  }
  const n = checkBatch(fn, options.x, options.y);
  return tf.tidy(() => {
    const x = toTensor(options.x, fn, "x");
    const y = toTensor(options.y, fn, "y");
    const prediction = options.model.predict(x);
    if (!(prediction instanceof tf.Tensor)) {
      throw new TypeError(`${fn}: model has several outputs, expected one`);
    }
    const values = options.loss(y, prediction);
    if (!(values instanceof tf.Tensor)) {
      throw new TypeError(`${fn}: loss returned ${typeof values}, expected a tf.Tensor`);
    }
    const s = values.shape;
    if (!(s.length === 1 && s[0] === n) && !(s.length === 2 && s[0] === n && s[1] === 1)) {
      throw new RangeError(
        `${fn}: loss returned shape ${formatShape(s)}, expected [${n}] (one value per sample)` +
          (s.length === 0 ? ": it reduces the batch to one number" : ""),
      );
    }
    return Array.from(values.dataSync());
  });
}
