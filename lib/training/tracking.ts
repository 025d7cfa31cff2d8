/**
 * Per-sample tracking during training: for every training sample and epoch, its loss, the
 * probability the model gave its true class, and whether the prediction was right — stored
 * compactly as `epochs × samples` typed arrays.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  assertAllFinite,
  assertIntegerIn,
  assertKnownOptions,
  assertOneOf,
  assertOptionalBoolean,
  assertPositiveInteger,
  describeValue,
} from "../_core/checks.ts";
import type { Tensor } from "../_core/tensor_input.ts";

/**
 * When per-sample values are measured: `"training"` records them from the training forward pass
 * of each batch, before that batch's update (as Dataset Cartography does; no extra cost);
 * `"clean"` runs an extra inference pass over the training set after each epoch.
 */
export type TrackPass = "training" | "clean";

/**
 * What the model predicts: `"regression"` (only losses are tracked), `"binary"` (`[n, 1]`
 * probabilities or logits, labels 0/1) or `"multiclass"` (`[n, k]` outputs, one-hot or integer
 * labels).
 */
export type TrackTask = "regression" | "binary" | "multiclass";

/** Options for per-sample tracking (the `track` option of `train`). */
export interface TrackOptions {
  /** Default `"training"`. */
  pass?: TrackPass;
  /** Default: `"multiclass"` when the model's output has more than one column, else `"regression"`. */
  task?: TrackTask;
  /** The model outputs logits (softmax / sigmoid applied for the probabilities); default `false`. */
  fromLogits?: boolean;
}

/** The values of one sample or one epoch. */
export interface TrackedValues {
  /** Per-sample loss. */
  loss: Float32Array;
  /** Probability of the true class (classification), else `null`. */
  trueProb: Float32Array | null;
  /** 1 where the predicted class was the true class (classification), else `null`. */
  correct: Uint8Array | null;
}

/**
 * Per-sample values recorded during training, `epochs × samples`, row-major by epoch: the value
 * of sample `i` at epoch `e` is at `e * numSamples + i`. Sample indices are rows of the training
 * data passed to `train`.
 *
 * @example
 * ```ts
 * import { SampleTracker } from "./tracking.ts";
 * const t = new SampleTracker(2, { task: "multiclass" });
 * t.startEpoch();
 * t.record([1, 0], [0.5, 0.25], [0.6, 0.8], [1, 0]);
 * if (t.at(0, 0).loss !== 0.25 || t.sample(1).correct?.[0] !== 1) throw new Error("unexpected");
 * ```
 */
export class SampleTracker {
  /** Number of training samples. */
  readonly numSamples: number;
  /** Which pass the values come from. */
  readonly pass: TrackPass;
  /** The task, which decides whether `trueProb` and `correct` exist. */
  readonly task: TrackTask;
  #epochs = 0;
  #loss: Float32Array;
  #prob: Float32Array | null;
  #correct: Uint8Array | null;
  /** 1 where a sample was recorded in an epoch: statistics are over these only. */
  #seen: Uint8Array;

  /** An empty tracker for `numSamples` samples. */
  constructor(numSamples: number, options: TrackOptions & { task: TrackTask }) {
    assertPositiveInteger("SampleTracker", "numSamples", numSamples);
    assertKnownOptions("SampleTracker", options, ["pass", "task", "fromLogits"]);
    if (options === undefined) {
      throw new TypeError("SampleTracker: options is undefined, expected { task }");
    }
    assertOneOf("SampleTracker", "options.task", options.task, [
      "regression",
      "binary",
      "multiclass",
    ]);
    assertOneOf("SampleTracker", "options.pass", options.pass ?? "training", ["training", "clean"]);
    assertOptionalBoolean("SampleTracker", "options.fromLogits", options.fromLogits);
    this.numSamples = numSamples;
    this.pass = options.pass ?? "training";
    this.task = options.task;
    this.#seen = new Uint8Array(numSamples * 8);
    this.#loss = new Float32Array(numSamples * 8).fill(NaN);
    const classes = this.task !== "regression";
    this.#prob = classes ? new Float32Array(numSamples * 8).fill(NaN) : null;
    this.#correct = classes ? new Uint8Array(numSamples * 8) : null;
  }

  /** Number of epochs recorded so far. */
  get numEpochs(): number {
    return this.#epochs;
  }

  /** All losses, `numEpochs × numSamples` (a view; do not keep it across further training). */
  get loss(): Float32Array {
    return this.#loss.subarray(0, this.#epochs * this.numSamples);
  }

  /** All true-class probabilities, `numEpochs × numSamples`, or `null` for regression. */
  get trueProb(): Float32Array | null {
    return this.#prob?.subarray(0, this.#epochs * this.numSamples) ?? null;
  }

  /** All correctness flags, `numEpochs × numSamples`, or `null` for regression. */
  get correct(): Uint8Array | null {
    return this.#correct?.subarray(0, this.#epochs * this.numSamples) ?? null;
  }

  /** Opens the next epoch's row (values not recorded stay NaN / 0). */
  startEpoch(): void {
    const need = (this.#epochs + 1) * this.numSamples;
    if (need > this.#loss.length) {
      const size = this.#loss.length * 2;
      const loss = new Float32Array(size).fill(NaN);
      loss.set(this.#loss);
      this.#loss = loss;
      const seen = new Uint8Array(size);
      seen.set(this.#seen);
      this.#seen = seen;
      if (this.#prob) {
        const prob = new Float32Array(size).fill(NaN);
        prob.set(this.#prob);
        this.#prob = prob;
      }
      if (this.#correct) {
        const correct = new Uint8Array(size);
        correct.set(this.#correct);
        this.#correct = correct;
      }
    }
    this.#epochs++;
  }

  /** Records values for the given samples in the current epoch. */
  record(
    samples: ArrayLike<number>,
    loss: ArrayLike<number>,
    trueProb?: ArrayLike<number>,
    correct?: ArrayLike<number>,
  ): void {
    const fn = "SampleTracker.record";
    if (this.#epochs === 0) throw new RangeError(`${fn}: call startEpoch first`);
    const lengths: [string, ArrayLike<number> | undefined][] = [
      ["loss", loss],
      ["trueProb", trueProb],
      ["correct", correct],
    ];
    for (const [name, values] of lengths) {
      if (values !== undefined && values.length !== samples.length) {
        throw new RangeError(
          `${fn}: ${name} has ${values.length} values, expected ${samples.length} (one per sample)`,
        );
      }
    }
    for (let j = 0; j < samples.length; j++) {
      assertIntegerIn(fn, `samples[${j}]`, samples[j], {
        min: 0,
        max: this.numSamples,
        maxOpen: true,
      });
    }
    // A NaN recorded here would pass unnoticed into every mean, variability and forgetting count.
    assertAllFinite(fn, "loss", loss);
    if (trueProb !== undefined) {
      assertAllFinite(fn, "trueProb", trueProb);
      const j = Array.prototype.findIndex.call(trueProb, (p: number) => p < 0 || p > 1);
      if (j >= 0) {
        throw new RangeError(
          `${fn}: trueProb[${j}] is ${trueProb[j]}, expected a probability in [0, 1]`,
        );
      }
    }
    if (correct !== undefined) {
      const j = Array.prototype.findIndex.call(correct, (c: unknown) => c !== 0 && c !== 1);
      if (j >= 0) {
        throw new RangeError(
          `${fn}: correct[${j}] is ${describeValue(correct[j])}, expected 0 or 1`,
        );
      }
    }
    const base = (this.#epochs - 1) * this.numSamples;
    for (let j = 0; j < samples.length; j++) {
      const at = base + samples[j];
      this.#seen[at] = 1;
      this.#loss[at] = loss[j];
      if (this.#prob && trueProb) this.#prob[at] = trueProb[j];
      if (this.#correct && correct) this.#correct[at] = correct[j];
    }
  }

  #checkEpoch(epoch: number): void {
    const none = this.#epochs === 0 ? "(no epoch recorded yet)" : "";
    assertIntegerIn(
      "SampleTracker",
      "epoch",
      epoch,
      { min: 0, max: this.#epochs, maxOpen: true },
      none,
    );
  }

  #checkSample(sample: number): void {
    assertIntegerIn("SampleTracker", "sample", sample, {
      min: 0,
      max: this.numSamples,
      maxOpen: true,
    });
  }

  /** The values of one sample at one epoch. */
  at(epoch: number, sample: number): { loss: number; trueProb: number; correct: boolean } {
    this.#checkEpoch(epoch);
    this.#checkSample(sample);
    const k = epoch * this.numSamples + sample;
    return {
      loss: this.#loss[k],
      trueProb: this.#prob?.[k] ?? NaN,
      correct: this.#correct ? this.#correct[k] === 1 : false,
    };
  }

  /** One epoch's values for every sample (views into the store). */
  epoch(epoch: number): TrackedValues {
    this.#checkEpoch(epoch);
    const a = epoch * this.numSamples, b = a + this.numSamples;
    return {
      loss: this.#loss.subarray(a, b),
      trueProb: this.#prob?.subarray(a, b) ?? null,
      correct: this.#correct?.subarray(a, b) ?? null,
    };
  }

  /** One sample's values across epochs (copies, length `numEpochs`). */
  sample(sample: number): TrackedValues {
    this.#checkSample(sample);
    const n = this.numSamples, e = this.#epochs;
    const pick = <T extends Float32Array | Uint8Array>(a: T, out: T): T => {
      for (let t = 0; t < e; t++) out[t] = a[t * n + sample];
      return out;
    };
    return {
      loss: pick(this.#loss, new Float32Array(e)),
      trueProb: this.#prob ? pick(this.#prob, new Float32Array(e)) : null,
      correct: this.#correct ? pick(this.#correct, new Uint8Array(e)) : null,
    };
  }

  /** Mean per-sample loss of each epoch, over the samples recorded in it. */
  meanLoss(): number[] {
    return Array.from(
      { length: this.#epochs },
      (_, e) => this.#seenMean("meanLoss", this.#loss, e),
    );
  }

  /** Fraction of recorded samples predicted correctly in each epoch (classification; else NaNs). */
  accuracy(): number[] {
    const correct = this.#correct;
    return Array.from(
      { length: this.#epochs },
      (_, e) => correct ? this.#seenMean("accuracy", correct, e) : NaN,
    );
  }

  /** Mean over the samples recorded in epoch `e` (an epoch stopped early saw only some). */
  #seenMean(method: string, values: ArrayLike<number>, e: number): number {
    const a = e * this.numSamples;
    let sum = 0, count = 0;
    for (let i = a; i < a + this.numSamples; i++) {
      if (this.#seen[i]) {
        sum += values[i];
        count++;
      }
    }
    if (count === 0) {
      throw new RangeError(`SampleTracker.${method}: epoch ${e} has no recorded sample`);
    }
    return sum / count;
  }
}

/** The task to track for predictions of `predShape` when none is given. */
export function inferTask(predShape: readonly number[]): TrackTask {
  return predShape.length >= 2 && predShape[predShape.length - 1] > 1 ? "multiclass" : "regression";
}

/**
 * Class ids of every sample for tracking, read once: `yTrue` one-hot `[n, k]` (argmax) or
 * integer labels `[n]`/`[n, 1]`; for `"binary"`, `yTrue > 0.5`.
 */
export function trackingLabels(yTrue: Tensor, task: "binary" | "multiclass"): Int32Array {
  return tf.tidy(() => {
    const n = yTrue.shape[0];
    if (task === "binary") return Int32Array.from(tf.greater(yTrue.reshape([n]), 0.5).dataSync());
    const oneHot = yTrue.shape.length >= 2 && yTrue.shape[yTrue.shape.length - 1] > 1;
    const ids = oneHot ? tf.argMax(yTrue, -1) : yTrue.reshape([n]);
    return Int32Array.from(ids.dataSync());
  });
}

/**
 * True-class probability and correctness of a batch, computed in plain JS from its predictions
 * (`b × k` row-major values: probabilities, or logits when `fromLogits`) and class ids: cheaper
 * than a handful of small tensor ops per batch. Correct means the first maximal output is the
 * true class (as `tf.argMax`); for `"binary"`, `p > 0.5` equals the label.
 */
export function classStats(
  pred: ArrayLike<number>,
  labels: ArrayLike<number>,
  task: "binary" | "multiclass",
  fromLogits: boolean,
): { prob: Float32Array; correct: Uint8Array } {
  const b = labels.length, k = pred.length / b;
  const prob = new Float32Array(b), correct = new Uint8Array(b);
  for (let i = 0; i < b; i++) {
    const y = labels[i];
    if (task === "binary") {
      const z = pred[i];
      const p = fromLogits ? 1 / (1 + Math.exp(-z)) : z;
      prob[i] = y === 1 ? p : 1 - p;
      correct[i] = (p > 0.5 ? 1 : 0) === y ? 1 : 0;
      continue;
    }
    const row = i * k;
    let best = 0, max = pred[row];
    for (let c = 1; c < k; c++) {
      if (pred[row + c] > max) {
        max = pred[row + c];
        best = c;
      }
    }
    correct[i] = best === y ? 1 : 0;
    if (fromLogits) {
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(pred[row + c] - max);
      prob[i] = Math.exp(pred[row + y] - max) / sum;
    } else {
      prob[i] = pred[row + y];
    }
  }
  return { prob, correct };
}
