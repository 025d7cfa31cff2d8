/**
 * Inspect a user's loss function: does it return one number, one loss per sample, or one value
 * per element; does one sample's part of it depend on the other samples of the batch; and what
 * will sample and class weights do with it?
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { reduceLoss } from "./reduce.ts";
import {
  checkLossPair,
  formatShape,
  lossTensors,
  shapeOf,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../_core/tensor_input.ts";
import { formatNumber } from "../_core/format_number.ts";
import { assertKnownOptions } from "../_core/checks.ts";
import { assertFiniteInput } from "./_batch.ts";

/** What a loss returns, as {@linkcode inspectLoss} classifies it. */
export type LossOutputKind = "scalar" | "per-sample" | "per-element" | "other";

/**
 * Whether one sample's part of a loss depends on the other samples of the batch, as
 * {@linkcode inspectLoss} measured it: `"independent"` (a sum or mean of per-sample terms) or
 * `"coupled"` (contrastive, Dice/F1, ranking, batch-hard triplet, anything divided by a batch
 * statistic).
 */
export type SampleCoupling = "independent" | "coupled";

/** How a scalar loss's batch value compares with the loss of each probe sample alone. */
export type SingleSampleRelation = "mean" | "sum" | "neither";

/** Options for {@linkcode inspectLoss}: probe inputs (default: 4 samples of 3 probabilities). */
export interface InspectLossOptions {
  /** Probe targets, `[batch, ...]`; default 4 one-hot rows of 3 classes. */
  yTrue?: TensorInput;
  /**
   * Probe predictions, `[batch, ...]`; default 4 rows of probabilities. Usually the shape of
   * `yTrue`; another shape with the same batch size is passed on as it is (integer labels with
   * class scores, ids with embeddings).
   */
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
   * For per-sample losses: `true` when no sample's loss moved as other samples changed (the
   * `coupling` test), `false` when the loss couples samples (e.g. normalises by a batch
   * statistic). `null` when not per-sample.
   */
  samplesIndependent: boolean | null;
  /**
   * Whether a sample's part of the loss changed when another sample of the probe was replaced
   * by a third one: for a scalar loss, the change of `ℓ(B) − ℓ(B with i replaced)` when `j` is
   * also replaced; for per-sample and per-element losses, the change of sample `i`'s own values
   * when `j` is replaced, or their difference from `i`'s loss alone. `null` when it could not be
   * measured (a batch of 1, kind `"other"`, or the loss threw on every modified probe).
   */
  coupling: SampleCoupling | null;
  /** The largest such change over the pairs of samples tried (0 when not measured). */
  couplingEffect: number;
  /**
   * Float32 rounding bound the effect is compared with: `8 · n · 2⁻²³ · m`, with `n` the number
   * of values in `yPred` and `m` the largest loss value seen (a float32 sum of `n` terms is off
   * by at most about `n` units in the last place, and four evaluations enter each comparison).
   */
  couplingTolerance: number;
  /** The sample pair `[i, j]` behind `couplingEffect`, or `null`. */
  couplingPair: [number, number] | null;
  /**
   * The loss on each probe sample alone (reduced with `sum_over_batch_size`), or `null` when
   * the loss threw on a batch of one (e.g. a contrastive loss needs two samples).
   */
  singleSampleLosses: number[] | null;
  /**
   * For a scalar loss: whether its batch value equals the mean (`"mean"`) or the sum (`"sum"`) of
   * {@linkcode LossInspection.singleSampleLosses}, or `"neither"`; `null` for other kinds or
   * without single-sample values.
   */
  batchOfSingles: SingleSampleRelation | null;
  /** The default (`sum_over_batch_size`) reduction of the loss on the probe. */
  unweightedLoss: number;
  /** The same with all the weight on sample 0 (weights `[batch, 0, 0, …]`). */
  sample0OnlyLoss: number;
  /** Sample 0's own loss (its mean over any extra axes), or `null` for a scalar loss. */
  sample0Loss: number | null;
  /**
   * How many of the loss's values on the probe are NaN or ±Infinity (0 for a healthy loss). When
   * any are, nothing else is judged: `coupling`, `samplesIndependent` and `batchOfSingles` are
   * `null`, and the message says where the non-finite values come from.
   */
  nonFiniteValues: number;
  /**
   * The probe samples behind non-finite values: for a per-sample or per-element loss, the samples
   * with a non-finite value of their own; for a scalar loss, the samples whose loss alone is not
   * finite (empty when the loss cannot run on one sample). Also filled when the batch value is
   * finite but some sample alone gives NaN (a loss divided by a batch standard deviation, say).
   */
  nonFiniteSamples: number[];
  /** A few sentences for learners saying what the loss returns and what weights will do. */
  message: string;
}

function defaultProbe(): { yTrue: number[][]; yPred: number[][] } {
  return {
    yTrue: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]],
    yPred: [[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.25, 0.25, 0.5], [0.6, 0.3, 0.1]],
  };
}

const FLOAT32_EPSILON = 2 ** -23;
/** Pairs are tried among the first samples only, so a large probe stays cheap. */
const MAX_PAIR_SAMPLES = 12;

/**
 * The shape both probe tensors take under Keras's pairing rules, or `null` when the shapes differ
 * beyond them but share the batch axis (each tensor is then passed as it is). Makes no tensor.
 */
function probeShape(name: string, yTrue: TensorInput, yPred: TensorInput): number[] | null {
  try {
    return checkLossPair(name, yTrue, yPred);
  } catch (error) {
    const ts = shapeOf(yTrue, name, "yTrue"), ps = shapeOf(yPred, name, "yPred");
    const sameBatch = ts.length > 0 && ps.length > 0 && ts[0] === ps[0] && !ts.includes(0) &&
      !ps.includes(0);
    if (!sameBatch) throw error;
    return null;
  }
}

type Evaluate = (rows: readonly number[]) => Float32Array | null;

/** The largest `|v|` of `values` and `start`, by a loop: a loss may return a million values. */
function maxAbs(values: ArrayLike<number>, start = 0): number {
  let m = start;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m) m = a;
  }
  return m;
}

function countNonFinite(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) n++;
  return n;
}

/** Each probe sample's loss alone (the mean of its values), or `null` if the loss threw on one. */
function singleLosses(batch: number, evaluate: Evaluate): number[] | null {
  const singles: number[] = [];
  for (let i = 0; i < batch; i++) {
    const v = evaluate([i]);
    if (v === null) return null;
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[k];
    singles.push(s / v.length);
  }
  return singles;
}

interface CouplingResult {
  coupling: SampleCoupling | null;
  effect: number;
  tolerance: number;
  pair: [number, number] | null;
  singles: number[] | null;
  relation: SingleSampleRelation | null;
}

/**
 * Runs the coupling tests. `evaluate(rows)` returns the loss on the batch made of those probe
 * rows (one number for a scalar loss, one per sample otherwise), or `null` if the loss threw.
 */
function measureCoupling(
  kind: LossOutputKind,
  batch: number,
  predictionValues: number,
  base: Float32Array,
  singles: number[] | null,
  evaluate: Evaluate,
): CouplingResult {
  const identity = Array.from({ length: batch }, (_, i) => i);
  // Sample i is replaced by a copy of its neighbour: a real sample, so labels stay valid.
  const replaced = (...who: number[]) =>
    identity.map((r) => (who.includes(r) ? (r + 1) % batch : r));
  let scale = maxAbs(base);
  // A NaN single-sample value (a loss that needs a batch statistic) is no evidence either way.
  const singleValues = singles && singles.every(Number.isFinite) ? singles : null;
  const result: CouplingResult = {
    coupling: null,
    effect: 0,
    tolerance: 0,
    pair: null,
    singles,
    relation: null,
  };
  if (kind === "other" || batch < 2) return result;
  const m = Math.min(batch, MAX_PAIR_SAMPLES);
  // A modified probe counts only if the loss returned the same number of finite values: a NaN
  // compares false with everything, and would pass for "no change".
  const same = (v: Float32Array | null) =>
    v && v.length === base.length && countNonFinite(v) === 0 ? v : null;
  const single = Array.from({ length: m }, (_, i) => same(evaluate(replaced(i))));
  let effect = 0, pair: [number, number] | null = null, measured = false;
  const consider = (value: number, i: number, j: number) => {
    measured = true;
    if (value > effect) [effect, pair] = [value, [i, j]];
  };
  for (const v of single) if (v) scale = maxAbs(v, scale);
  if (kind === "scalar") {
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        const both = same(evaluate(replaced(i, j)));
        const [vi, vj] = [single[i], single[j]];
        if (!both || !vi || !vj) continue;
        scale = Math.max(scale, Math.abs(both[0]));
        // Zero for any sum of per-sample terms: replacing i changes the loss by the same amount
        // whether or not j was replaced too.
        consider(Math.abs(both[0] - vi[0] - vj[0] + base[0]), i, j);
      }
    }
  } else {
    const rows = base.length / batch;
    const rowMean = (v: Float32Array, r: number) => {
      let s = 0;
      for (let k = 0; k < rows; k++) s += v[r * rows + k];
      return s / rows;
    };
    for (let j = 0; j < m; j++) {
      const v = single[j];
      if (!v) continue;
      for (let i = 0; i < batch; i++) {
        if (i === j) continue;
        consider(Math.abs(rowMean(v, i) - rowMean(base, i)), i, j);
      }
    }
    if (singleValues) {
      measured = true;
      for (let i = 0; i < batch; i++) {
        const gap = Math.abs(singleValues[i] - rowMean(base, i));
        if (gap > effect) [effect, pair] = [gap, [i, i]];
      }
    }
  }
  const tolerance = 8 * predictionValues * FLOAT32_EPSILON * scale;
  if (kind === "scalar" && singleValues) {
    const sum = singleValues.reduce((s, x) => s + x, 0);
    const near = (a: number, b: number) => Math.abs(a - b) <= tolerance;
    result.relation = near(base[0], sum / batch) ? "mean" : near(base[0], sum) ? "sum" : "neither";
  }
  if (!measured) return result;
  return {
    ...result,
    coupling: effect > tolerance ? "coupled" : "independent",
    effect,
    tolerance,
    pair,
  };
}

/**
 * Calls `fn(yTrue, yPred)` on probe tensors and reports what it returns and, in words, what sample
 * and class weights will do with it. A scalar loss has already reduced the batch, so weights can
 * only rescale it (by their mean): they cannot make one sample count more than another. A
 * per-sample loss (`[batch]`, like every Keras loss) lets weights act sample by sample.
 *
 * It also measures whether the loss **couples** the samples of a batch: it replaces probe
 * samples by copies of their neighbours, one and two at a time, and checks whether one sample's
 * part of the loss moves when another sample changes (for a scalar loss: whether
 * `ℓ(B) − ℓ(B with i replaced)` depends on `j`; for a per-sample loss: whether sample `i`'s value
 * does), beyond float32 rounding. It evaluates the loss on each sample alone, too, to say whether
 * a scalar is the mean or the sum of those. A mean or sum of per-sample losses is independent;
 * contrastive (NT-Xent), soft Dice/F1, pairwise ranking and batch-hard triplet losses, and any
 * loss divided by a batch statistic, are coupled: no per-sample array exists whose mean is the
 * loss, so one number is the right return value, and weights must be built into the loss.
 *
 * The checks are empirical, on the probe: a coupling the probe does not exercise (say, between
 * samples of a class the probe lacks) goes unseen, so pass a probe like your real batches.
 *
 * A loss that returns NaN or ±Infinity on the probe is not classified (every comparison with NaN
 * is false, so it would pass for "independent"): the report gives `nonFiniteValues`, the samples
 * behind them (`nonFiniteSamples`, found from each sample alone for a scalar loss), and a message
 * saying so. Refused before the loss runs: `fn` not a function, unknown option keys, probes of
 * different batch sizes or empty ones, and NaN or ±Infinity in a probe.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { inspectLoss } from "./inspect_loss.ts";
 * import { meanSquaredError } from "./regression.ts";
 * import { softDice } from "./overlap.ts";
 * const perSample = inspectLoss(meanSquaredError);
 * const scalar = inspectLoss((t, p) => tf.mean(tf.square(tf.sub(t, p))));
 * if (perSample.kind !== "per-sample" || scalar.kind !== "scalar") throw new Error("unexpected");
 * // The batch mean is a per-sample loss averaged early; soft Dice is one number by nature.
 * if (scalar.coupling !== "independent" || scalar.batchOfSingles !== "mean") throw new Error("mean");
 * const binary = { yTrue: [[1], [0], [1], [0]], yPred: [[0.9], [0.2], [0.4], [0.6]] };
 * if (inspectLoss((t, p) => softDice(t, p), binary).coupling !== "coupled") throw new Error("Dice");
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
  assertKnownOptions(name, options, ["yTrue", "yPred"]);
  const probe = defaultProbe();
  const yTrue = options.yTrue ?? probe.yTrue;
  const yPred = options.yPred ?? probe.yPred;
  // Shapes are checked before any tensor exists, so a bad probe leaks nothing.
  const pairShape = probeShape(name, yTrue, yPred);
  const predShape = shapeOf(yPred, name, "yPred");
  // A NaN in the probe would be reported as the loss's NaN.
  const columns = (shape: number[]) => shape.slice(1).reduce((a, b) => a * b, 1);
  assertFiniteInput(name, "options.yTrue", yTrue, columns(shapeOf(yTrue, name, "yTrue")));
  assertFiniteInput(name, "options.yPred", yPred, columns(predShape));
  let result: LossInspection | undefined;
  // tf.tidy only returns tensors; the report is plain data, so it is passed out by closure.
  tf.tidy(() => {
    const [t, p] = pairShape
      ? lossTensors(name, yTrue, yPred, pairShape)
      : [toTensor(yTrue, name, "yTrue"), toTensor(yPred, name, "yPred")];
    const batch = p.shape[0];
    let out: unknown;
    try {
      out = fn(t, p);
    } catch (error) {
      throw new TypeError(
        `${name}: fn (the loss) threw on probe inputs of shape ${formatShape(predShape)}: ${error}`,
        { cause: error },
      );
    }
    if (!(out instanceof tf.Tensor)) {
      throw new TypeError(
        `${name}: fn (the loss) returned ${typeof out}, expected a tf.Tensor`,
      );
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
    const base = Float32Array.from(values.dataSync());
    const nonFiniteValues = countNonFinite(base);
    const weights = [batch, ...new Array(batch - 1).fill(0)];
    // Reductions of non-finite values are NaN anyway; reduceLoss is not asked to make them.
    const unweightedLoss = nonFiniteValues > 0 ? NaN : reduceLoss(values).dataSync()[0];
    const canWeight = kind !== "other" && nonFiniteValues === 0;
    const sample0OnlyLoss = canWeight
      ? reduceLoss(values, { sampleWeight: weights }).dataSync()[0]
      : NaN;
    const sample0Loss = kind === "per-sample" || kind === "per-element"
      ? tf.mean(values.reshape([batch, -1]).slice([0, 0], [1, -1])).dataSync()[0]
      : null;
    // A loss that throws on a modified probe (a contrastive loss left without a positive, say)
    // simply gives no evidence there.
    const evaluate: Evaluate = (rows) => {
      let got: Float32Array | null = null;
      tf.tidy(() => {
        const idx = tf.tensor1d(rows as number[], "int32");
        try {
          const v = fn(tf.gather(t, idx), tf.gather(p, idx));
          if (v instanceof tf.Tensor) got = Float32Array.from(v.dataSync());
        } catch {
          got = null;
        }
      });
      return got;
    };
    const singles = singleLosses(batch, evaluate);
    const nonFiniteSamples: number[] = [];
    if ((kind === "per-sample" || kind === "per-element") && nonFiniteValues > 0) {
      const rows = base.length / batch;
      for (let i = 0; i < batch; i++) {
        if (countNonFinite(base.subarray(i * rows, (i + 1) * rows)) > 0) nonFiniteSamples.push(i);
      }
    } else if (singles) {
      singles.forEach((v, i) => {
        if (!Number.isFinite(v)) nonFiniteSamples.push(i);
      });
    }
    // Comparisons with NaN are all false: a NaN loss would pass every test for "independent".
    const c: CouplingResult = nonFiniteValues > 0
      ? {
        coupling: null,
        effect: 0,
        tolerance: 0,
        pair: null,
        singles,
        relation: null,
      }
      : measureCoupling(kind, batch, p.size, base, singles, evaluate);
    const report = {
      kind,
      outputShape: outShape,
      batchSize: batch,
      samplesIndependent: kind === "per-sample" && c.coupling !== null
        ? c.coupling === "independent"
        : null,
      coupling: c.coupling,
      couplingEffect: c.effect,
      couplingTolerance: c.tolerance,
      couplingPair: c.pair,
      singleSampleLosses: c.singles,
      batchOfSingles: c.relation,
      unweightedLoss,
      sample0OnlyLoss,
      sample0Loss,
      nonFiniteValues,
      nonFiniteSamples,
    };
    result = { ...report, message: describe(report, base) };
  });
  return result as LossInspection;
}

// Four significant digits with trailing zeros kept, so the numbers a sentence compares line up.
function fmt(x: number): string {
  return formatNumber(x, { digits: 4, fixedDigits: true });
}

function small(x: number): string {
  return formatNumber(x, { digits: 2 });
}

function couplingEvidence(r: Omit<LossInspection, "message">): string {
  const [i, j] = r.couplingPair ?? [0, 0];
  const what = i === j
    ? `sample ${i}'s value in the batch differs from its loss alone by ${small(r.couplingEffect)}`
    : r.kind === "scalar"
    ? `replacing sample ${j} changed how much sample ${i} adds to the loss by ${
      small(r.couplingEffect)
    }`
    : `replacing sample ${j} changed sample ${i}'s value by ${small(r.couplingEffect)}`;
  return `${what}, above the float32 rounding tolerance ${small(r.couplingTolerance)}`;
}

function describeScalar(r: Omit<LossInspection, "message">, shape: string, demo: string): string {
  const intro =
    `The loss returns one number for the whole batch (shape ${shape}). Sample weights ` +
    `and class weights can only rescale it by their mean; they cannot make one sample count ` +
    `more than another. ${demo}, the same as unweighted (${fmt(r.unweightedLoss)}).`;
  const singles = r.singleSampleLosses;
  const mean = singles ? singles.reduce((s, x) => s + x, 0) / singles.length : NaN;
  if (r.coupling === "coupled") {
    return `${intro} And it couples samples: ${couplingEvidence(r)}` +
      (singles && r.batchOfSingles === "neither"
        ? `; its batch value ${fmt(r.unweightedLoss)} is not the mean (${
          fmt(mean)
        }) of each sample's loss alone. `
        : `. `) +
      `No per-sample array exists whose mean is this loss (contrastive, Dice/F1, ranking and ` +
      `batch-hard triplet losses are like this), so returning one number is right. But the ` +
      `framework's reduction cannot weight its samples (Keras and tfjs multiply the number by ` +
      `the weights and average, which only rescales it): build weights into the loss (weighted ` +
      `counts, per-anchor weights). And the batch is part of the objective: the same sample ` +
      `counts differently in another batch, and changing the batch size changes the loss.`;
  }
  const independent = r.coupling === "independent"
    ? ` It does not couple samples: replacing one sample never changed another's part of the ` +
      `loss (largest change ${small(r.couplingEffect)}, within float32 rounding).`
    : "";
  switch (r.batchOfSingles) {
    case "mean":
      return `${intro}${independent} Its value is the mean of each sample's loss alone ` +
        `(${fmt(mean)}): a per-sample loss averaged too early. Return one loss per sample ` +
        `(reduce only the last axis) and let the framework reduce.`;
    case "sum":
      return `${intro}${independent} Its value is the sum of each sample's loss alone ` +
        `(${fmt(mean * (singles?.length ?? 1))}): its gradients grow with the batch size. ` +
        `Return one loss per sample (reduce only the last axis) and let the framework reduce.`;
    case "neither":
      return `${intro}${independent} Its value is neither the mean (${fmt(mean)}) nor the sum ` +
        `of each sample's loss alone: it adds or scales by something that depends on the batch ` +
        `size. Return one loss per sample (reduce only the last axis) and let the framework ` +
        `reduce.`;
    default:
      return `${intro}${independent} Return one loss per sample (reduce only the last axis) and ` +
        `let the framework reduce.`;
  }
}

function coupledValues(r: Omit<LossInspection, "message">, what: string): string {
  return ` Warning: the loss couples samples: ${couplingEvidence(r)}. Each ${what} depends on ` +
    `the whole batch (a batch statistic, or other samples as negatives), so these are not ` +
    `independent per-sample losses: weights still multiply them before the reduction, but a ` +
    `weight of 0 does not take a sample out of the other samples' values, and the same sample ` +
    `gets another value in another batch.`;
}

/** `0, 1 and 3`, or the first few and a count. */
function listSamples(samples: readonly number[]): string {
  const shown = samples.slice(0, 8).map(String);
  if (samples.length > 8) return `${shown.join(", ")} and ${samples.length - 8} more`;
  return shown.length <= 1
    ? shown.join("")
    : `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/** `NaN`, `Infinity and NaN`, …: which non-finite values occur. */
function nonFiniteKinds(values: ArrayLike<number>): string {
  const kinds = new Set<string>();
  for (let i = 0; i < values.length && kinds.size < 3; i++) {
    if (!Number.isFinite(values[i])) kinds.add(String(values[i]));
  }
  const list = [...kinds].sort();
  return list.length === 1 ? list[0] : `${list.slice(0, -1).join(", ")} or ${list.at(-1)}`;
}

function describeNonFinite(r: Omit<LossInspection, "message">, base: Float32Array): string {
  const shape = formatShape(r.outputShape);
  const what = nonFiniteKinds(base);
  const samples = r.nonFiniteSamples;
  const all = samples.length === r.batchSize;
  const causes = `Typical causes: a log of 0 or of a negative number, a 0/0, a square root of a ` +
    `negative number, or an overflow (the exp of a large number).`;
  const after = ` One non-finite value makes the batch loss and every gradient ${what}, so ` +
    `training would stop. Weighting and coupling were not assessed: fix the loss first, then ` +
    `inspect it again.`;
  if (r.kind === "scalar") {
    const where = samples.length === 0
      ? `It cannot be traced to single samples (the loss does not run on one sample alone).`
      : all
      ? `Each sample alone gives ${what} too: the loss is not finite for any sample of the probe.`
      : `Sample${samples.length === 1 ? "" : "s"} ${listSamples(samples)} alone give${
        samples.length === 1 ? "s" : ""
      } ${what}; the other samples alone give finite losses, and one such sample in a batch ` +
        `makes the whole batch value ${what}.`;
    return `The loss returns one number for the whole batch (shape ${shape}), and on the ` +
      `probe it is ${what}. ${where} ${causes}${after}`;
  }
  const count = `${r.nonFiniteValues} of its ${base.length} values are ${what}`;
  const where = r.kind === "other"
    ? ""
    : all
    ? `, for every sample of the probe`
    : `, for sample${samples.length === 1 ? "" : "s"} ${listSamples(samples)} only`;
  const per = r.kind === "per-sample"
    ? `one value per sample (shape ${shape})`
    : r.kind === "per-element"
    ? `one value per element (shape ${shape})`
    : `shape ${shape}`;
  return `The loss returns ${per}, but ${count}${where}. ${causes}${after}`;
}

/** A note when the loss is finite on the batch but not on some sample alone. */
function singlesNote(r: Omit<LossInspection, "message">): string {
  const samples = r.nonFiniteSamples;
  if (r.nonFiniteValues > 0 || samples.length === 0) return "";
  return ` On ${samples.length === r.batchSize ? "every" : "some"} sample alone (${
    listSamples(samples)
  }) the loss is not finite: it needs other samples of the batch (a batch statistic such as the ` +
    `standard deviation over samples is 0 for one sample, and dividing by it is not finite).`;
}

function describe(r: Omit<LossInspection, "message">, base: Float32Array): string {
  if (r.nonFiniteValues > 0) return describeNonFinite(r, base);
  return describeFinite(r) + singlesNote(r);
}

function describeFinite(r: Omit<LossInspection, "message">): string {
  const shape = formatShape(r.outputShape);
  const weights = `[${r.batchSize}, ${new Array(r.batchSize - 1).fill(0).join(", ")}]`;
  const demo = `Weighting only sample 0 (sampleWeight ${weights}) gives ${fmt(r.sample0OnlyLoss)}`;
  switch (r.kind) {
    case "scalar":
      return describeScalar(r, shape, demo);
    case "per-sample":
      return `The loss returns one value per sample (shape ${shape}), as Keras losses do. Sample ` +
        `and class weights multiply each sample's loss before the reduction: ${demo}, sample 0's ` +
        `own loss is ${fmt(r.sample0Loss ?? NaN)} (unweighted batch loss ${
          fmt(r.unweightedLoss)
        }).` +
        (r.coupling === "coupled" ? coupledValues(r, "value") : "");
    case "per-element":
      return `The loss returns one value per element (shape ${shape}), like tfjs's ` +
        `Reduction.NONE, not one per sample. [batch] sample weights still apply sample by sample ` +
        `(reduceLoss broadcasts them over the extra axes): ${demo}, sample 0's mean loss is ${
          fmt(r.sample0Loss ?? NaN)
        }. Keras 3 expects [batch] here and would broadcast [batch] weights against the last ` +
        `axis instead; reduce the last axis to be safe.` +
        (r.coupling === "coupled" ? coupledValues(r, "sample's values") : "");
    default:
      return `The loss returns shape ${shape}, which does not start with the batch size ` +
        `${r.batchSize}: sample weights cannot be matched to samples.`;
  }
}
