/**
 * Inspect a user's loss function: does it return one number, one loss per sample, or one value
 * per element, and what will sample and class weights do with it?
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { reduceLoss } from "./reduce.ts";
import {
  checkLossPair,
  formatShape,
  lossTensors,
  type Tensor,
  type TensorInput,
} from "../_core/tensor_input.ts";
import { formatNumber } from "../_core/format_number.ts";

/** What a loss returns, as {@linkcode inspectLoss} classifies it. */
export type LossOutputKind = "scalar" | "per-sample" | "per-element" | "other";

/** Options for {@linkcode inspectLoss}: probe inputs (default: 4 samples of 3 probabilities). */
export interface InspectLossOptions {
  /** Probe targets, `[batch, ...]`; default 4 one-hot rows of 3 classes. */
  yTrue?: TensorInput;
  /** Probe predictions, same shape as `yTrue`; default 4 rows of probabilities. */
  yPred?: TensorInput;
}

/** The report {@linkcode inspectLoss} returns. */
export interface LossInspection {
  /** `"scalar"`, `"per-sample"` (`[batch]`), `"per-element"` (`[batch, ...]`) or `"other"`. */
  kind: LossOutputKind;
  /** Shape of what the loss returned. */
  outputShape: number[];
  /** Batch size of the probe. */
  batchSize: number;
  /**
   * For per-sample losses: whether changing one sample's prediction changed only that sample's
   * loss (`false` means the loss couples samples, e.g. normalises by a batch statistic). `null`
   * when not per-sample.
   */
  samplesIndependent: boolean | null;
  /** The default (`sum_over_batch_size`) reduction of the loss on the probe. */
  unweightedLoss: number;
  /** The same with all the weight on sample 0 (weights `[batch, 0, 0, …]`). */
  sample0OnlyLoss: number;
  /** Sample 0's own loss (its mean over any extra axes), or `null` for a scalar loss. */
  sample0Loss: number | null;
  /** A few sentences for learners saying what the loss returns and what weights will do. */
  message: string;
}

function defaultProbe(): { yTrue: number[][]; yPred: number[][] } {
  return {
    yTrue: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]],
    yPred: [[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.25, 0.25, 0.5], [0.6, 0.3, 0.1]],
  };
}

/**
 * Calls `fn(yTrue, yPred)` on probe tensors and reports what it returns and, in words, what sample
 * and class weights will do with it. A scalar loss has already averaged the batch, so weights can
 * only rescale it (by their mean): they cannot make one sample count more than another. A
 * per-sample loss (`[batch]`, like every Keras loss) lets weights act sample by sample.
 *
 * The check is empirical: besides the output shape, it weights only sample 0 and compares the
 * result with sample 0's own loss, and (for per-sample losses) perturbs sample 0's prediction to
 * see whether other samples' losses move.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { inspectLoss } from "./inspect_loss.ts";
 * import { meanSquaredError } from "./regression.ts";
 * const perSample = inspectLoss(meanSquaredError);
 * const scalar = inspectLoss((t, p) => tf.mean(tf.square(tf.sub(t, p))));
 * if (perSample.kind !== "per-sample" || scalar.kind !== "scalar") throw new Error("unexpected");
 * ```
 */
export function inspectLoss(
  fn: (yTrue: Tensor, yPred: Tensor) => Tensor,
  options: InspectLossOptions = {},
): LossInspection {
  const name = "inspectLoss";
  if (typeof fn !== "function") {
    throw new TypeError(
      `${name}: fn is ${typeof fn}, expected a function (yTrue, yPred) => tensor`,
    );
  }
  const probe = defaultProbe();
  const yTrue = options.yTrue ?? probe.yTrue;
  const yPred = options.yPred ?? probe.yPred;
  const shape = checkLossPair(name, yTrue, yPred);
  const batch = shape[0];
  let result: LossInspection | undefined;
  // tf.tidy only returns tensors; the report is plain data, so it is passed out by closure.
  tf.tidy(() => {
    const [t, p] = lossTensors(name, yTrue, yPred, shape);
    let out: unknown;
    try {
      out = fn(t, p);
    } catch (error) {
      throw new TypeError(
        `${name}: the loss threw on probe inputs of shape ${formatShape(shape)}: ${error}`,
        { cause: error },
      );
    }
    if (!(out instanceof tf.Tensor)) {
      throw new TypeError(`${name}: the loss returned ${typeof out}, expected a tf.Tensor`);
    }
    const values = out;
    const outShape = values.shape.slice();
    const kind: LossOutputKind = values.size === 1 && (outShape.length === 0 || batch !== 1)
      ? "scalar"
      : outShape[0] !== batch
      ? "other"
      : outShape.length === 1 || (outShape.length === 2 && outShape[1] === 1)
      ? "per-sample"
      : "per-element";
    const weights = [batch, ...new Array(batch - 1).fill(0)];
    const unweightedLoss = reduceLoss(values).dataSync()[0];
    const canWeight = kind !== "other";
    const sample0OnlyLoss = canWeight
      ? reduceLoss(values, { sampleWeight: weights }).dataSync()[0]
      : NaN;
    const sample0Loss = kind === "per-sample" || kind === "per-element"
      ? tf.mean(values.reshape([batch, -1]).slice([0, 0], [1, -1])).dataSync()[0]
      : null;
    let samplesIndependent: boolean | null = null;
    if (kind === "per-sample" && batch > 1) {
      const bumped = tf.concat([tf.add(p.slice([0], [1]), 0.05), p.slice([1])]);
      const moved = fn(t, bumped).reshape([batch]).dataSync();
      const base = values.reshape([batch]).dataSync();
      samplesIndependent = base.every((v, i) =>
        i === 0 || Math.abs(v - moved[i]) <= 1e-6 * (1 + Math.abs(v))
      );
    }
    const report = {
      kind,
      outputShape: outShape,
      batchSize: batch,
      samplesIndependent,
      unweightedLoss,
      sample0OnlyLoss,
      sample0Loss,
    };
    result = { ...report, message: describe(report) };
  });
  return result as LossInspection;
}

// Four significant digits with trailing zeros kept, so the numbers a sentence compares line up.
function fmt(x: number): string {
  return formatNumber(x, { digits: 4, fixedDigits: true });
}

function describe(r: Omit<LossInspection, "message">): string {
  const shape = formatShape(r.outputShape);
  const weights = `[${r.batchSize}, ${new Array(r.batchSize - 1).fill(0).join(", ")}]`;
  const demo = `Weighting only sample 0 (sampleWeight ${weights}) gives ${fmt(r.sample0OnlyLoss)}`;
  switch (r.kind) {
    case "scalar":
      return `The loss returns one number for the whole batch (shape ${shape}). Sample weights and ` +
        `class weights can only rescale it by their mean; they cannot make one sample count more ` +
        `than another. ${demo}, the same as unweighted (${fmt(r.unweightedLoss)}). ` +
        `Return one loss per sample (reduce only the last axis) and let the framework reduce.`;
    case "per-sample":
      return `The loss returns one value per sample (shape ${shape}), as Keras losses do. Sample ` +
        `and class weights multiply each sample's loss before the reduction: ${demo}, sample 0's ` +
        `own loss is ${fmt(r.sample0Loss ?? NaN)} (unweighted batch loss ${
          fmt(r.unweightedLoss)
        }).` +
        (r.samplesIndependent === false
          ? ` Warning: changing sample 0's prediction changed other samples' losses, so the loss ` +
            `couples samples (for example through a batch statistic) and weights will leak ` +
            `between samples.`
          : "");
    case "per-element":
      return `The loss returns one value per element (shape ${shape}), like tfjs's ` +
        `Reduction.NONE, not one per sample. [batch] sample weights still apply sample by sample ` +
        `(reduceLoss broadcasts them over the extra axes): ${demo}, sample 0's mean loss is ${
          fmt(r.sample0Loss ?? NaN)
        }. Keras 3 expects [batch] here and would broadcast [batch] weights against the last ` +
        `axis instead; reduce the last axis to be safe.`;
    default:
      return `The loss returns shape ${shape}, which does not start with the batch size ` +
        `${r.batchSize}: sample weights cannot be matched to samples.`;
  }
}
