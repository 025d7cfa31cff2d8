/**
 * Bookkeeping for notebook 07 (losses that couple the samples of a batch): random batches that
 * contain a chosen sample, macro F1 on hard predictions, a small seeded classifier trained with a
 * loss the notebook passes in, and the per-seed comparison of two losses with its spread. The
 * losses themselves, and what is measured with them, stay in the notebook's cells.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { Tensor } from "../../lib/losses/mod.ts";
import { assertIntegerIn, assertPositiveInteger } from "../../lib/_core/checks.ts";
import { formatShape } from "../../lib/_core/tensor_input.ts";

/** Shuffles `a` in place with `random` (Fisher–Yates). */
function shuffle(a: number[], random: () => number): number[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Options for {@linkcode batchesWith}. */
export interface BatchesWithOptions {
  /** Rows to draw from, `0 … n − 1`. */
  n: number;
  /** Rows per batch, including `member`. */
  batchSize: number;
  /** How many batches. */
  count: number;
  /** The row every batch contains. */
  member: number;
  /** Seed of the draws; default `0`. */
  seed?: number;
}

/**
 * `count` random batches of `batchSize` distinct rows that all contain `member` (at position 0),
 * the other rows drawn without replacement from the rest: the same sample in different company.
 *
 * @example
 * ```ts
 * import { batchesWith } from "./coupled_batches.ts";
 * const batches = batchesWith({ n: 10, batchSize: 4, count: 3, member: 7, seed: 1 });
 * if (batches.length !== 3 || batches.some((b) => b[0] !== 7 || new Set(b).size !== 4)) {
 *   throw new Error(JSON.stringify(batches));
 * }
 * ```
 */
export function batchesWith(options: BatchesWithOptions): number[][] {
  const fn = "batchesWith";
  const { n, batchSize, count, member } = options;
  assertIntegerIn(fn, "options.n", n, { min: 2, max: Infinity });
  assertIntegerIn(fn, "options.batchSize", batchSize, { min: 2, max: n });
  assertPositiveInteger(fn, "options.count", count);
  assertIntegerIn(fn, "options.member", member, { min: 0, max: n, maxOpen: true });
  const random = seededRandom(options.seed ?? 0);
  const others = Array.from({ length: n - 1 }, (_, i) => (i < member ? i : i + 1));
  return Array.from({ length: count }, () => [
    member,
    ...shuffle(others.slice(), random).slice(0, batchSize - 1),
  ]);
}

/**
 * The rows `0 … n − 1` shuffled with `seed` and cut into consecutive batches of `batchSize` (the
 * last one shorter when `batchSize` does not divide `n`): one epoch's batches.
 *
 * @example
 * ```ts
 * import { epochBatches } from "./coupled_batches.ts";
 * const batches = epochBatches(10, 4, 1);
 * if (batches.map((b) => b.length).join() !== "4,4,2") throw new Error("sizes");
 * if (new Set(batches.flat()).size !== 10) throw new Error("every row once");
 * ```
 */
export function epochBatches(n: number, batchSize: number, seed: number): number[][] {
  const fn = "epochBatches";
  assertPositiveInteger(fn, "n", n);
  assertPositiveInteger(fn, "batchSize", batchSize);
  const order = shuffle(Array.from({ length: n }, (_, i) => i), seededRandom(seed));
  const batches: number[][] = [];
  for (let s = 0; s < n; s += batchSize) batches.push(order.slice(s, s + batchSize));
  return batches;
}

/** Per-class and macro F1 of hard predictions, as {@linkcode macroF1} computes them. */
export interface MacroF1 {
  /** Mean of the per-class F1 scores (scikit-learn's `average="macro"`). */
  macro: number;
  /** F1 of each class: `2TP / (2TP + FP + FN)`, 0 when the class is never right (or absent). */
  perClass: number[];
}

/**
 * Macro F1 of predicted class ids against true ones, from counts: per class
 * `2TP / (2TP + FP + FN)` (0 when that is 0 / 0 or TP is 0, scikit-learn's `zero_division=0`),
 * then the mean over the `numClasses` classes.
 *
 * @example
 * ```ts
 * import { macroF1 } from "./coupled_batches.ts";
 * // Class 0: TP 1, FP 1, FN 0 → 2/3; class 1: TP 1, FP 0, FN 1 → 2/3; macro 2/3.
 * const f = macroF1([0, 1, 1], [0, 0, 1], 2);
 * if (Math.abs(f.macro - 2 / 3) > 1e-12) throw new Error(JSON.stringify(f));
 * ```
 */
export function macroF1(
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): MacroF1 {
  const fn = "macroF1";
  assertPositiveInteger(fn, "numClasses", numClasses);
  if (labels.length !== predicted.length || labels.length === 0) {
    throw new RangeError(
      `${fn}: labels has ${labels.length} values and predicted ${predicted.length}, expected the ` +
        `same number, at least 1`,
    );
  }
  const tp = new Array(numClasses).fill(0), fp = tp.slice(), fn_ = tp.slice();
  for (let i = 0; i < labels.length; i++) {
    const [y, p] = [labels[i], predicted[i]];
    assertIntegerIn(fn, `labels[${i}]`, y, { min: 0, max: numClasses, maxOpen: true });
    assertIntegerIn(fn, `predicted[${i}]`, p, { min: 0, max: numClasses, maxOpen: true });
    if (y === p) tp[y]++;
    else {
      fp[p]++;
      fn_[y]++;
    }
  }
  const perClass = tp.map((t, c) => (t === 0 ? 0 : (2 * t) / (2 * t + fp[c] + fn_[c])));
  return { macro: perClass.reduce((s, v) => s + v, 0) / numClasses, perClass };
}

/**
 * A loss for {@linkcode trainClassifier}: the batch's one-hot targets, the model's logits, and
 * the batch's row indices (to look up per-sample weights); returns the number to minimise.
 */
export type ClassifierLoss = (yBatch: Tensor, logits: Tensor, rows: readonly number[]) => Tensor;

/** Options for {@linkcode trainClassifier}. */
export interface TrainClassifierOptions {
  /** Training inputs `[n, features]`. */
  x: Tensor;
  /** One-hot targets `[n, k]`. */
  y: Tensor;
  /** What to minimise on each mini-batch. */
  loss: ClassifierLoss;
  /** Seed of the initial weights and of the batch order. */
  seed: number;
  /** Adam steps. */
  steps: number;
  /** Rows per mini-batch. */
  batchSize: number;
  /** Adam's learning rate; default `0.05`. */
  learningRate?: number;
  /** Hidden ReLU units; default `16`. */
  hidden?: number;
}

/** A trained classifier from {@linkcode trainClassifier}. */
export interface TrainedClassifier {
  /** Logits `[rows, k]` for inputs `[rows, features]` (the caller disposes them). */
  logits(x: Tensor): Tensor;
  /** Predicted class ids (argmax of the logits). */
  predict(x: Tensor): number[];
  /** Frees the weights. */
  dispose(): void;
}

/**
 * Trains a one-hidden-layer ReLU classifier (`features → hidden → k` logits) with Adam on seeded
 * mini-batches, minimising whatever `loss` returns for each batch. The seed fixes both the
 * initial weights (Glorot-uniform) and the batch order, so two losses trained with the same seed
 * start from the same weights and see the same batches.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { trainClassifier } from "./coupled_batches.ts";
 * await setupBackend({ backend: "cpu" });
 * const x = tf.tensor2d([[-1], [-0.5], [0.5], [1]]), y = tf.tensor2d([[1, 0], [1, 0], [0, 1], [0, 1]]);
 * const loss = (t: tf.Tensor, z: tf.Tensor) => tf.losses.softmaxCrossEntropy(t, z);
 * const model = trainClassifier({ x, y, loss, seed: 1, steps: 60, batchSize: 4, hidden: 4 });
 * if (model.predict(x).join() !== "0,0,1,1") throw new Error("did not learn the sign");
 * model.dispose();
 * tf.dispose([x, y]);
 * ```
 */
export function trainClassifier(options: TrainClassifierOptions): TrainedClassifier {
  const fn = "trainClassifier";
  const { x, y, loss, seed, steps, batchSize } = options;
  const hidden = options.hidden ?? 16;
  if (x.rank !== 2 || y.rank !== 2 || x.shape[0] !== y.shape[0]) {
    throw new RangeError(
      `${fn}: x has shape ${formatShape(x.shape)} and y ${formatShape(y.shape)}, expected ` +
        `[n, features] and [n, classes]`,
    );
  }
  assertPositiveInteger(fn, "options.steps", steps);
  assertPositiveInteger(fn, "options.batchSize", batchSize);
  assertPositiveInteger(fn, "options.hidden", hidden);
  const [n, features] = x.shape, k = y.shape[1] as number;
  const random = seededRandom(seed);
  // tidy frees each initial tensor; the variable keeps its data.
  const glorot = (rows: number, cols: number) => {
    const limit = Math.sqrt(6 / (rows + cols));
    const values = Array.from({ length: rows * cols }, () => (random() * 2 - 1) * limit);
    return tf.tidy(() => tf.variable(tf.tensor2d(values, [rows, cols])));
  };
  const zeros = (size: number) => tf.tidy(() => tf.variable(tf.zeros([size])));
  const weights = [glorot(features, hidden), zeros(hidden), glorot(hidden, k), zeros(k)];
  const [w1, b1, w2, b2] = weights;
  const forward = (input: Tensor) =>
    tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(input, w1), b1)), w2), b2);
  const optimizer: tf.Optimizer = tf.train.adam(options.learningRate ?? 0.05);
  const engine = tf.engine();
  try {
    for (let step = 0, epoch = 0; step < steps; epoch++) {
      for (const rows of epochBatches(n, batchSize, seed * 1000 + epoch)) {
        if (step++ >= steps) break;
        tf.tidy(() => {
          const index = tf.tensor1d(rows, "int32");
          const [xb, yb] = [tf.gather(x, index), tf.gather(y, index)];
          const tape: { nodes?: typeof engine.state.activeTape } = {};
          try {
            const { grads } = tf.variableGrads(() => {
              tape.nodes = engine.state.activeTape;
              return loss(yb, forward(xb), rows) as tf.Scalar;
            }, weights);
            optimizer.applyGradients(grads);
          } catch (error) {
            // tfjs frees the tensors saved for the backward pass only when a gradient completes.
            for (const node of tape.nodes ?? []) tf.dispose(node.saved ?? []);
            throw error;
          }
        });
      }
    }
  } catch (error) {
    tf.dispose(weights);
    throw error;
  } finally {
    optimizer.dispose();
  }
  return {
    logits: (input) => tf.tidy(() => forward(input)),
    predict: (input) => tf.tidy(() => Array.from(tf.argMax(forward(input), -1).dataSync())),
    dispose: () => tf.dispose(weights),
  };
}

/** The per-seed comparison of one loss with a baseline, from {@linkcode compareSeeds}. */
export interface SeedComparison {
  /** The loss's name. */
  name: string;
  /** Its metric in each seed. */
  values: number[];
  /** Mean over seeds. */
  mean: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  sd: number;
  /** Metric minus the baseline's, seed by seed (same initial weights and batches). */
  differences: number[];
  /** In how many seeds the metric is above the baseline's. */
  higher: number;
  /**
   * `"higher in every seed"`, `"lower in every seed"`, or `"no difference detectable"` when the
   * seeds disagree on the sign (or every difference is 0): a paired sign reading, nothing more.
   */
  verdict: string;
  /** One line for the notebook. */
  line: string;
}

/**
 * Compares each loss's per-seed metric with the baseline's (the first entry), seed by seed. With
 * a handful of seeds the only claim it makes is the sign: a difference is reported as such only
 * when every seed agrees on it.
 *
 * @example
 * ```ts
 * import { compareSeeds } from "./coupled_batches.ts";
 * const rows = compareSeeds({ base: [0.5, 0.6], better: [0.7, 0.65], mixed: [0.4, 0.7] });
 * if (rows[1].verdict !== "higher in every seed") throw new Error(rows[1].line);
 * if (rows[2].verdict !== "no difference detectable") throw new Error(rows[2].line);
 * ```
 */
export function compareSeeds(metric: Record<string, readonly number[]>): SeedComparison[] {
  const fn = "compareSeeds";
  const names = Object.keys(metric);
  if (names.length === 0) throw new RangeError(`${fn}: metric is empty, expected { name: values }`);
  const base = metric[names[0]];
  return names.map((name) => {
    const values = [...metric[name]];
    if (values.length !== base.length || values.length === 0) {
      throw new RangeError(
        `${fn}: metric["${name}"] has ${values.length} values, expected ${base.length} (one per seed)`,
      );
    }
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = values.length < 2
      ? 0
      : Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
    const differences = values.map((v, i) => v - base[i]);
    const verdict = name === names[0]
      ? "baseline"
      : differences.every((d) => d > 0)
      ? "higher in every seed"
      : differences.every((d) => d < 0)
      ? "lower in every seed"
      : "no difference detectable";
    const higher = differences.filter((d) => d > 0).length;
    const low = Math.min(...differences).toFixed(3), high = Math.max(...differences).toFixed(3);
    const values3 = values.map((v) => v.toFixed(3)).join(", ");
    const line = `${name.padEnd(24)} ${mean.toFixed(3)} ± ${sd.toFixed(3)}  (seeds: ${values3})` +
      (name === names[0] ? "" : `\n${"".padEnd(24)} vs ${names[0]}: ${low} to ${high} per seed, ` +
        `higher in ${higher} of ${values.length} seeds: ${verdict}`);
    return { name, values, mean, sd, differences, higher, verdict, line };
  });
}
