/**
 * Checkers for the exercises of notebook 01 (general-purpose losses).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet, PredictionSet } from "./_check.ts";
import { inspectLoss } from "../../lib/losses/mod.ts";
import type { Tensor } from "../../lib/_core/tensor_input.ts";

/** Keras's "sum_over_batch_size" with weights, as a plain loop: Σ wᵢ·ℓᵢ / N. */
function referenceSumOverBatchSize(losses: number[], weights: number[]): number {
  let total = 0;
  for (let i = 0; i < losses.length; i++) total += losses[i] * weights[i];
  return total / losses.length;
}

/** Huber per element with δ = 1, by its definition: ½e² for |e| ≤ 1, |e| − ½ above. */
function referenceHuber(e: number): number {
  const a = Math.abs(e);
  return a <= 1 ? 0.5 * e * e : a - 0.5;
}

/**
 * Whether a batch of B rows and K outputs gives bit-identical gradients: tfjs's gradient of a
 * mean divides by the number of values averaged, once by B·K for the batch mean, by K and then
 * by B (fit's mean) for the per-sample array; each division rounds to float32.
 */
function sameScale(b: number, k: number): boolean {
  const f = Math.fround;
  return f(1 / (b * k)) === f(f(1 / b) / k);
}

/** The batch sizes of one epoch: full batches, then the remainder. */
function epochBatchSizes(samples: number, batchSize: number): number[] {
  const sizes = [Math.min(samples, batchSize)];
  if (samples > batchSize && samples % batchSize !== 0) sizes.push(samples % batchSize);
  return sizes;
}

function referenceIdenticalEpoch(samples: number, batchSize: number, outputs: number): boolean {
  return epochBatchSizes(samples, batchSize).every((b) => sameScale(b, outputs));
}

/** The same question asked in float64, a usual slip. */
function float64Equal(samples: number, batchSize: number, outputs: number): boolean {
  return epochBatchSizes(samples, batchSize).every((b) => 1 / (b * outputs) === 1 / b / outputs);
}

/** The largest |Δ| relative to the scale that is still float32 rounding (100 epsilons). */
const ROUNDING = 100 * 2 ** -23;

/** What notebook 01 §5 measured on the widest model, for prediction 01.1. */
export interface GradientMeasurement {
  /** Largest |Δgradient| over the batches of one epoch. */
  maxAbsDifference: number;
  /** Largest |gradient|: the scale. */
  largestGradient: number;
  /** Batches whose gradients differ at all. */
  differingBatches: number;
  /** Each batch, with its size. */
  batches: readonly { size: number }[];
}

function gradientClass(m: GradientMeasurement): "zero" | "rounding" | "large" {
  if (m.maxAbsDifference === 0) return "zero";
  return m.maxAbsDifference <= ROUNDING * m.largestGradient ? "rounding" : "large";
}

function predictedClass(p: unknown): "zero" | "rounding" | "large" | undefined {
  if (p === 0) return "zero";
  if (typeof p !== "string") return undefined;
  const s = p.trim().toLowerCase();
  if (["zero", "0", "identical", "none"].includes(s)) return "zero";
  if (s.includes("round") || s.includes("float32") || s === "tiny") return "rounding";
  if (["large", "big", "different"].includes(s)) return "large";
  return undefined;
}

/** The exercises of notebook 01, by id. */
export const EXERCISES_01: ExerciseSet = {
  "01.2": {
    question: "Write `sumOverBatchSize(losses: number[], weights: number[]): number`, Keras's " +
      'default "sum_over_batch_size" reduction of weighted per-sample losses.',
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (losses: number[], weights: number[]) => number;
      const random = seededRandom(11);
      const cases: [number[], number[]][] = [
        [[1, 3], [1, 1]],
        [[1, 3], [1, 0]],
        [[0.5, 2, 4, 1.5], [2, 0, 0.5, 1]],
        [
          Array.from({ length: 25 }, () => random() * 5),
          Array.from({ length: 25 }, () => random()),
        ],
        [[2, 7, 1], [0, 0, 0]],
      ];
      for (const [losses, weights] of cases) {
        const got = fn([...losses], [...weights]);
        const want = referenceSumOverBatchSize(losses, weights);
        if (typeof got !== "number" || !Number.isFinite(got)) {
          return "Return a finite number (with all weights 0, Keras's reduction gives 0).";
        }
        if (Math.abs(got - want) <= 1e-9 * (1 + Math.abs(want))) continue;
        const weightSum = weights.reduce((s, w) => s + w, 0);
        const byWeights = weightSum === 0 ? NaN : want * losses.length / weightSum;
        if (Math.abs(got - byWeights) <= 1e-9 * (1 + Math.abs(want))) {
          return 'That divides by the sum of the weights (Keras\'s "mean_with_sample_weight"). ' +
            "The default divides by something else: a sample with weight 0 still counts (§4).";
        }
        const unweighted = losses.reduce((s, l) => s + l, 0) / losses.length;
        if (Math.abs(got - unweighted) <= 1e-9 * (1 + Math.abs(unweighted))) {
          return "That is the plain mean: the weights did not enter. In §4, the framework weights " +
            "each sample's loss before it reduces.";
        }
        return 'Not quite: "sum_over_batch_size" is named after what it divides by; see §4, ' +
          "where the reductions are compared on the first batch.";
      }
      return true;
    },
  },
  "01.3": {
    question: "Write Huber's loss (δ = 1) as a custom loss `(yTrue, yPred) => tf.Tensor` that " +
      "returns one value per sample (shape [batch]) for inputs of shape [batch, 1].",
    check(answer) {
      if (typeof answer !== "function") return "Pass the loss function itself.";
      const fn = answer as (yTrue: Tensor, yPred: Tensor) => Tensor;
      const yTrue = [[0], [1], [2], [3], [-1]];
      const yPred = [[0.5], [3], [2], [-0.5], [-1.2]];
      const report = inspectLoss(fn, { yTrue, yPred });
      if (report.kind === "scalar") {
        return "Your loss returns one number for the whole batch. Stop before averaging over the " +
          "batch: average over the last axis only.";
      }
      if (report.kind !== "per-sample" || report.outputShape.length !== 1) {
        return `Your loss returns shape [${report.outputShape}]; a per-sample loss has shape ` +
          "[batch]: average over the last axis (-1).";
      }
      const values = tf.tidy(() =>
        Array.from(fn(tf.tensor2d(yTrue), tf.tensor2d(yPred)).dataSync())
      );
      const expected = yTrue.map((t, i) => referenceHuber(yPred[i][0] - t[0]));
      const small = [0, 2, 4]; // errors 0.5, 0 and -0.2: inside the quadratic zone
      if (small.some((i) => Math.abs(values[i] - expected[i]) > 1e-5)) {
        return "Small errors (|e| ≤ δ) are off: there Huber's loss is quadratic (§8 describes " +
          "its two pieces).";
      }
      if (values.some((v, i) => Math.abs(v - expected[i]) > 1e-5)) {
        return "Large errors (|e| > δ) are off: there Huber's loss grows linearly, and its two " +
          "pieces meet, with the same value and slope, at |e| = δ.";
      }
      if (!report.samplesIndependent) {
        return "Each sample's loss must depend on that sample only.";
      }
      return true;
    },
  },
  "01.4": {
    question: "Write `identicalEpoch(samples: number, batchSize: number, outputs: number): " +
      "boolean`: true when, on every batch of one epoch of `fit` (full batches of batchSize " +
      "rows, then the remainder), batchMeanLoss and perSampleLoss give bit-identical gradients " +
      "in tfjs for a model with `outputs` outputs.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (samples: number, batchSize: number, outputs: number) => boolean;
      const cases: [number, number, number][] = [
        [314, 32, 1],
        [314, 32, 3],
        [314, 32, 10],
        [314, 64, 10],
        [320, 32, 10],
        [100, 7, 5],
        [96, 8, 5],
        [50, 50, 3],
        [49, 50, 10],
        [130, 25, 3],
        [13, 13, 1],
      ];
      for (const [samples, batchSize, outputs] of cases) {
        const got = fn(samples, batchSize, outputs);
        if (typeof got !== "boolean") return "Return true or false.";
        const want = referenceIdenticalEpoch(samples, batchSize, outputs);
        if (got === want) continue;
        const args = `(${samples}, ${batchSize}, ${outputs})`;
        if (got && outputs > 1 && cases.every(([n, b, k]) => fn(n, b, k))) {
          return "Always true: the mean is linear, so the two are equal in exact arithmetic, but " +
            "float32 arithmetic rounds. See §5, the cell that prints the two scale factors.";
        }
        if (got === ([batchSize].every((b) => sameScale(b, outputs)))) {
          return `Not for ${args}: an epoch's last batch holds the remaining rows, and its size ` +
            "matters as much as batchSize (§5 lists the batch sizes of one epoch).";
        }
        if (got === float64Equal(samples, batchSize, outputs)) {
          return `Not for ${args}: you compared in float64, tfjs computes in float32 ` +
            "(Math.fround gives the float32 nearest a number).";
        }
        return `Not for ${args}: which two numbers does each version divide by, and in which ` +
          "order? See §5, the cell that prints the two scale factors.";
      }
      return true;
    },
  },
};

/** The predict-then-run exercises of notebook 01, by id. */
export const PREDICTIONS_01: PredictionSet = {
  "01.1": {
    question: "Over the batches of one epoch, for the widest model in OUTPUTS: is the largest " +
      '|Δgradient| between batchMeanLoss and perSampleLoss "zero", "rounding" (float32 ' +
      'rounding, around 1e-7 of the largest gradient) or "large"?',
    compare(predicted, measured) {
      const m = measured as GradientMeasurement;
      const p = predictedClass(predicted);
      if (p === undefined) {
        throw new Error('answer "zero", "rounding" or "large" (a string)');
      }
      const got = gradientClass(m);
      const sizes = [...new Set(m.batches.map((b) => b.size))].join(" and ");
      const rel = m.maxAbsDifference / (m.largestGradient || 1);
      const measuredText = got === "zero"
        ? `exactly 0 on all ${m.batches.length} batches`
        : `${m.maxAbsDifference.toPrecision(2)} (${rel.toPrecision(2)} of the largest ` +
          `gradient), on ${m.differingBatches} of ${m.batches.length} batches`;
      const why = "The mean is linear, so in exact arithmetic the two gradients are equal; " +
        "the batch mean divides once by B·K, the array divides by K and then (fit's mean) by " +
        "B, and each float32 division rounds. The two roundings agree when 1/B or 1/K is " +
        `exact (a power of two, or K = 1); this epoch has batches of ${sizes} rows.`;
      const head = `You said ${p}; the run measured ${measuredText}.`;
      if (p === got) return { ok: true, message: `${head} ${why}` };
      if (p === "large") {
        return {
          ok: false,
          message: `${head} Nothing but rounding separates them: every sample has the same ` +
            `number of outputs, so the mean of per-sample means is the mean of all values. ${why}`,
        };
      }
      return { ok: false, message: `${head} ${why} §5 prints both scale factors per batch size.` };
    },
  },
};
