/**
 * The same model trained two ways: one custom loss written to return the batch mean, the same
 * loss written to return per-sample values. tfjs's `fit` (like Keras) reduces whatever the loss
 * returns to its mean, so the two give the same gradients and the same trained weights; these
 * functions measure how close "the same" is.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import {
  formatShape,
  shapeOf,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../../lib/_core/tensor_input.ts";
import type { LayersModel, Optimizer } from "../../lib/training/mod.ts";

/**
 * A loss as tfjs's `model.compile` takes it: `(yTrue, yPred) => tensor` of any shape. `fit` takes
 * the mean of what it returns (after multiplying by per-sample weights, when `classWeight` is set).
 */
export type CompileLoss = (yTrue: Tensor, yPred: Tensor) => Tensor;

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

/** What {@linkcode compareGradients} measured. */
export interface GradientComparison {
  /** The batch loss each loss gives: the mean of what it returns, as `fit` computes it. */
  batchLoss: [number, number];
  /** Largest `|gradient₀ − gradient₁|` over every trainable weight. */
  maxAbsDifference: number;
  /** Largest `|gradient|` of either loss, the scale to read the difference against. */
  largestGradient: number;
  /** Number of scalar weights compared. */
  weightCount: number;
  /** The numbers in two or three short lines, for printing. */
  summary: string;
}

/** Options for {@linkcode trainTwins}. */
export interface TwinTrainingOptions {
  /**
   * Builds the (uncompiled) model; called twice. The second copy gets the first's initial
   * weights, so the two start identical whatever the initialisers draw.
   */
  build: () => LayersModel;
  /** The two losses, one per copy: copy 0 is compiled with `losses[0]`, copy 1 with `losses[1]`. */
  losses: readonly [CompileLoss, CompileLoss];
  /** Training inputs, `[n, ...]`. */
  x: TensorInput;
  /** Training targets, `[n, ...]`. */
  y: TensorInput;
  /** Epochs of `model.fit`; default `1`. */
  epochs?: number;
  /** Batch size of `model.fit`; default `32` (as Keras). */
  batchSize?: number;
  /** Makes a fresh optimizer; called once per copy. Default `() => tf.train.adam(0.01)`. */
  optimizer?: () => Optimizer;
  /** Shuffle every epoch, as `fit` does by default; default `true`. */
  shuffle?: boolean;
  /**
   * Seed of the shuffle: `fit` draws its batch order from `Math.random`, which is set to
   * `seededRandom(seed)` for each fit (and restored after), so both copies see the same batches.
   * Default `0`.
   */
  seed?: number;
}

/** What {@linkcode trainTwins} returns. Call `dispose()` when done with the models. */
export interface TwinTrainingResult {
  /** The two trained copies (copy `i` trained with `losses[i]`). */
  models: [LayersModel, LayersModel];
  /** The per-epoch training loss `fit` reported for each copy. */
  history: [number[], number[]];
  /** Largest `|w₀ − w₁|` over every weight after training. */
  maxWeightDifference: number;
  /** Largest `|w|` of copy 0 after training, the scale to read the difference against. */
  largestWeight: number;
  /** Largest difference between the two per-epoch loss histories. */
  maxLossDifference: number;
  /** The numbers in two or three short lines, for printing. */
  summary: string;
  /** Disposes both models and both optimizers. */
  dispose(): void;
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

function checkPositiveInteger(fn: string, arg: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${fn}: ${arg} is ${value}, expected a positive integer`);
  }
  return value;
}

function lossName(loss: CompileLoss, index: number): string {
  return loss.name || `loss ${index}`;
}

function fmt(x: number): string {
  return x === 0 ? "0" : x.toPrecision(3);
}

function bitwise(difference: number): string {
  return difference === 0 ? " (bit for bit equal)" : "";
}

/** Largest |a − b| over paired tensors, and largest |a|; call inside tf.tidy. */
function maxDifferences(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): [number, number] {
  let diff = 0, largest = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, tf.max(tf.abs(tf.sub(a[i], b[i]))).dataSync()[0]);
    largest = Math.max(largest, tf.max(tf.abs(a[i])).dataSync()[0]);
  }
  return [diff, largest];
}

/**
 * Differentiates the batch loss of each of two losses with respect to `model`'s trainable weights
 * on one batch, and reports the largest difference between the two gradients. The batch loss is
 * the mean of what the loss returns, which is what tfjs's `fit` minimises (its training function
 * computes `mean(loss(yTrue, yPred))`); Keras's default `"sum_over_batch_size"` is the same number
 * without sample weights. So a loss returning the batch mean and the same loss returning
 * per-sample values give the same gradient.
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
  const batch = checkBatch(fn, options.x, options.y);
  const { model, losses } = options;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  if (variables.length === 0) {
    throw new RangeError(`${fn}: model has no trainable weights`);
  }
  let result: Omit<GradientComparison, "summary"> | undefined;
  // tf.tidy returns only tensors; the plain numbers leave through the closure.
  tf.tidy(() => {
    const x = toTensor(options.x, fn, "x");
    const y = toTensor(options.y, fn, "y");
    const grads = losses.map((loss, i) => {
      const { value, grads } = tf.variableGrads(() => {
        const out = loss(y, model.apply(x, { training: true }) as tf.Tensor);
        if (!(out instanceof tf.Tensor)) {
          throw new TypeError(`${fn}: losses[${i}] returned ${typeof out}, expected a tf.Tensor`);
        }
        return tf.mean(out) as tf.Scalar;
      }, variables);
      return { value: value.dataSync()[0], list: variables.map((v) => grads[v.name]) };
    });
    const [diff, largest0] = maxDifferences(grads[0].list, grads[1].list);
    const [, largest1] = maxDifferences(grads[1].list, grads[0].list);
    result = {
      batchLoss: [grads[0].value, grads[1].value],
      maxAbsDifference: diff,
      largestGradient: Math.max(largest0, largest1),
      weightCount: variables.reduce((s, v) => s + v.size, 0),
    };
  });
  const r = result!;
  const names = losses.map(lossName);
  const summary = `One batch of ${batch}: batch loss ${fmt(r.batchLoss[0])} with ${names[0]}, ` +
    `${fmt(r.batchLoss[1])} with ${names[1]}.\n` +
    `Gradients over ${r.weightCount} weights: largest ${fmt(r.largestGradient)}; largest ` +
    `difference between the two ${fmt(r.maxAbsDifference)}${bitwise(r.maxAbsDifference)}.`;
  return { ...r, summary };
}

/**
 * Trains two copies of a model with tfjs's own `model.fit`, copy `i` compiled with `losses[i]`,
 * from identical initial weights, with the same optimizer settings and the same seeded batch
 * order, and reports the largest difference between the trained weights. With one loss returning
 * the batch mean and the other the per-sample values of the same loss, the difference is 0 (or
 * float32 rounding): `fit` reduces an array to its mean.
 *
 * The result owns the two models and optimizers: call `dispose()` when done.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { trainTwins } from "./same_training.ts";
 * await setupBackend({ backend: "cpu", seed: 1 });
 * const twins = await trainTwins({
 *   build: () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }),
 *   losses: [
 *     (t, p) => tf.mean(tf.abs(tf.sub(p, t))),
 *     (t, p) => tf.mean(tf.abs(tf.sub(p, t)), -1),
 *   ],
 *   x: [[0], [1], [2], [3]],
 *   y: [[1], [3], [5], [7]],
 *   epochs: 3,
 *   batchSize: 2,
 * });
 * if (twins.maxWeightDifference > 1e-6) throw new Error(twins.summary);
 * twins.dispose();
 * ```
 */
export async function trainTwins(options: TwinTrainingOptions): Promise<TwinTrainingResult> {
  const fn = "trainTwins";
  if (typeof options.build !== "function") {
    throw new TypeError(`${fn}: build is ${typeof options.build}, expected a function`);
  }
  checkLosses(fn, options.losses);
  checkBatch(fn, options.x, options.y);
  const epochs = checkPositiveInteger(fn, "epochs", options.epochs ?? 1);
  const batchSize = checkPositiveInteger(fn, "batchSize", options.batchSize ?? 32);
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new RangeError(`${fn}: seed is ${seed}, expected a number`);
  const makeOptimizer = options.optimizer ?? (() => tf.train.adam(0.01));
  if (typeof makeOptimizer !== "function") {
    throw new TypeError(`${fn}: optimizer is ${typeof makeOptimizer}, expected a function`);
  }

  const owned: { dispose(): void }[] = [];
  const disposeAll = () => owned.forEach((o) => o.dispose());
  const x = options.x instanceof tf.Tensor ? options.x : toTensor(options.x, fn, "x");
  const y = options.y instanceof tf.Tensor ? options.y : toTensor(options.y, fn, "y");
  try {
    const models: LayersModel[] = [];
    for (let i = 0; i < 2; i++) {
      const m = options.build();
      checkModel(fn, `build() call ${i + 1}`, m);
      if (!owned.includes(m)) owned.push(m);
      models.push(m);
    }
    if (models[0] === models[1]) {
      throw new TypeError(`${fn}: build returned the same model twice, expected a new model`);
    }
    const shapes = models.map((m) => m.getWeights().map((w) => formatShape(w.shape)).join(" "));
    if (shapes[0] !== shapes[1]) {
      throw new RangeError(
        `${fn}: build made models with weights ${shapes[0]} and ${shapes[1]}, expected the same`,
      );
    }
    models[1].setWeights(models[0].getWeights());
    const optimizers = [makeOptimizer(), makeOptimizer()];
    optimizers.forEach((o) => owned.push(o));
    if (optimizers[0] === optimizers[1]) {
      throw new TypeError(`${fn}: optimizer returned the same optimizer twice, expected a new one`);
    }
    const history: number[][] = [];
    for (let i = 0; i < 2; i++) {
      models[i].compile({ optimizer: optimizers[i], loss: options.losses[i] });
      const saved = Math.random;
      Math.random = seededRandom(seed);
      try {
        const h = await models[i].fit(x, y, {
          epochs,
          batchSize,
          shuffle: options.shuffle ?? true,
          verbose: 0,
        });
        history.push((h.history.loss as number[]).map(Number));
      } finally {
        Math.random = saved;
      }
    }
    const [maxWeightDifference, largestWeight] = tf.tidy(() =>
      maxDifferences(models[0].getWeights(), models[1].getWeights())
    );
    const maxLossDifference = Math.max(
      ...history[0].map((l, e) => Math.abs(l - history[1][e])),
    );
    const names = options.losses.map(lossName);
    const summary = `${epochs} epoch${epochs === 1 ? "" : "s"} of model.fit from the same ` +
      `initial weights, in the same batch order.\n` +
      `Training loss at the end: ${fmt(history[0].at(-1)!)} with ${names[0]}, ` +
      `${fmt(history[1].at(-1)!)} with ${names[1]}; largest difference between the two loss ` +
      `histories ${fmt(maxLossDifference)}.\n` +
      `Weights after training: largest ${fmt(largestWeight)}; largest difference between the ` +
      `two models ${fmt(maxWeightDifference)}${bitwise(maxWeightDifference)}.`;
    return {
      models: [models[0], models[1]],
      history: [history[0], history[1]],
      maxWeightDifference,
      largestWeight,
      maxLossDifference,
      summary,
      dispose: disposeAll,
    };
  } catch (error) {
    disposeAll();
    throw error;
  } finally {
    if (x !== options.x) x.dispose();
    if (y !== options.y) y.dispose();
  }
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
