/**
 * The class-weight trap, measured on tfjs's real `model.fit`: a custom loss that returns the batch
 * mean (one number) under `classWeight` only gets rescaled by the batch's mean weight, so it
 * trains exactly like the unweighted loss with a different learning rate; the same loss returning
 * per-sample values gets the weighted gradient.
 *
 * Notebook 03 computes the gradients and their comparison in its cells; this file keeps the
 * bookkeeping around them: reading one `fit` step back as a gradient ({@linkcode fitStepGradient}),
 * the printed lines ({@linkcode trapSummary}), and the whole measurement in one call for notebook
 * 06 ({@linkcode classWeightTrap}).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { categoricalCrossentropy } from "../../lib/losses/mod.ts";
import type { PerSampleLoss } from "../../lib/losses/mod.ts";
import {
  formatShape,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../../lib/_core/tensor_input.ts";
import type { LayersModel } from "../../lib/training/mod.ts";

/** A loss's value and its gradient over every trainable weight, flattened in `trainableWeights` order. */
export interface LossGradient {
  /** The loss. */
  loss: number;
  /** The gradient, one entry per trainable scalar. */
  grad: number[];
}

/** Options for {@linkcode fitStepGradient}. */
export interface FitStepOptions {
  /** What `compile` gets: a loss returning one number or one value per sample. */
  loss: (yTrue: Tensor, yPred: Tensor) => Tensor;
  /** Weight per class, indexed by class: what `fit`'s `classWeight` gets. */
  classWeight: readonly number[];
}

/** Options for {@linkcode classWeightTrap}. */
export interface ClassWeightTrapOptions {
  /** Builds the (uncompiled) classifier; called once, the model is disposed afterwards. */
  build: () => LayersModel;
  /** One batch of inputs, `[batch, features]`. */
  x: TensorInput;
  /** Its one-hot targets, `[batch, k]` (`fit` finds each sample's class with `argMax`). */
  y: TensorInput;
  /** Weight per class, indexed by class: what `fit`'s `classWeight` gets. */
  classWeight: readonly number[];
  /**
   * The per-sample loss `(yTrue, yPred) => [batch]`; default {@linkcode categoricalCrossentropy}.
   * The scalar version is its batch mean.
   */
  loss?: PerSampleLoss;
}

/** The measurements {@linkcode trapSummary} prints; gradients are over every trainable weight. */
export interface TrapMeasurement {
  /** Batch size. */
  batchSize: number;
  /** Mean of the batch's per-sample weights `classWeight[class of sample]`. */
  meanWeight: number;
  /** Computed by hand: the unweighted batch-mean loss and its gradient. */
  unweighted: LossGradient;
  /** Computed by hand: `Σ wᵢℓᵢ / batch` (Keras's weighted loss) and its gradient. */
  weighted: LossGradient;
  /** `fit`'s step with the loss returning its batch mean. */
  scalarFit: LossGradient;
  /** `fit`'s step with the loss returning per-sample values. */
  perSampleFit: LossGradient;
  /** Largest |scalar loss's fit gradient − meanWeight × unweighted gradient|. */
  scalarVsRescaled: number;
  /** Largest |scalar loss's fit gradient − weighted gradient|. */
  scalarVsWeighted: number;
  /** Cosine between the scalar loss's fit gradient and the weighted gradient. */
  scalarCosine: number;
  /** Largest |per-sample loss's fit gradient − weighted gradient|. */
  perSampleVsWeighted: number;
  /** Cosine between the per-sample loss's fit gradient and the weighted gradient. */
  perSampleCosine: number;
}

/** What {@linkcode classWeightTrap} measured; gradients are over every trainable weight. */
export interface ClassWeightTrap {
  /** Batch size. */
  batchSize: number;
  /** Mean of the batch's per-sample weights `classWeight[class of sample]`. */
  meanWeight: number;
  /** The loss `fit` reported for the step: scalar loss, per-sample loss. */
  fitLoss: { scalar: number; perSample: number };
  /** Computed by hand: the unweighted batch mean, and `Σ wᵢℓᵢ / batch` (Keras's weighted loss). */
  handLoss: { unweighted: number; weighted: number };
  /** Largest entry of the hand-computed gradients, the scale to read the differences against. */
  largestGradient: number;
  /** Largest |scalar loss's fit gradient − meanWeight × unweighted gradient|: ≈ 0 (the trap). */
  scalarVsRescaled: number;
  /** Largest |scalar loss's fit gradient − weighted gradient|: what the weights should have done. */
  scalarVsWeighted: number;
  /** Largest |per-sample loss's fit gradient − weighted gradient|: ≈ 0. */
  perSampleVsWeighted: number;
  /** Cosine between the scalar loss's fit gradient and the weighted gradient (direction lost). */
  scalarCosine: number;
  /** Cosine between the per-sample loss's fit gradient and the weighted gradient (≈ 1). */
  perSampleCosine: number;
  /** The numbers in a few lines, for printing. */
  summary: string;
}

function flatWeights(model: LayersModel): Float64Array {
  const parts = model.trainableWeights.map((w) => w.read().dataSync());
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * One full-batch SGD step (learning rate 1, no shuffle) of tfjs's own `model.fit` with
 * `classWeight`, read back as the gradient `before − after` of the trainable weights, with the
 * loss `fit` reported. The model's weights are restored afterwards, so several calls all start
 * from the same point; the model is (re)compiled with `loss` and a fresh SGD optimizer.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { fitStepGradient } from "./class_weight_trap.ts";
 * await setupBackend({ backend: "cpu", seed: 0 });
 * // two outputs k·x, kernel k = (0, 0); per-sample loss mean((k·x − y)²) over the two outputs
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [1], useBias: false, kernelInitializer: "zeros" })] });
 * const mse = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)), -1);
 * // x = 1, y = (1, 0): loss (1 + 0) / 2, gradient (k − y)·x = (−1, 0); its class 0 weighs 3
 * const step = await fitStepGradient(model, [[1]], [[1, 0]], { loss: mse, classWeight: [3, 1] });
 * if (Math.abs(step.grad[0] + 3) > 1e-5 || step.grad[1] !== 0 || Math.abs(step.loss - 1.5) > 1e-5) {
 *   throw new Error(`${step.loss} ${step.grad}`);
 * }
 * if (model.getWeights()[0].dataSync().join() !== "0,0") throw new Error("weights not restored");
 * model.dispose();
 * ```
 */
export async function fitStepGradient(
  model: LayersModel,
  x: TensorInput,
  y: TensorInput,
  options: FitStepOptions,
): Promise<LossGradient> {
  const fn = "fitStepGradient";
  if (typeof options.loss !== "function") {
    throw new TypeError(`${fn}: loss is ${typeof options.loss}, expected a function`);
  }
  const cw = options.classWeight;
  if (!Array.isArray(cw) || cw.some((v) => typeof v !== "number" || !(v >= 0) || v === Infinity)) {
    throw new RangeError(
      `${fn}: classWeight is ${JSON.stringify(cw)}, expected non-negative finite numbers`,
    );
  }
  const owned: Tensor[] = [];
  const own = (value: TensorInput, arg: string): Tensor => {
    const t = toTensor(value, fn, arg);
    if (t !== value) owned.push(t);
    return t;
  };
  try {
    const xt = own(x, "x");
    const yt = own(y, "y");
    if (xt.shape[0] === 0 || yt.shape[0] !== xt.shape[0]) {
      throw new RangeError(
        `${fn}: x has ${xt.shape[0]} rows and y ${yt.shape[0]}, expected the same number > 0`,
      );
    }
    const initial = model.getWeights().map((t) => t.clone());
    const optimizer = tf.train.sgd(1);
    try {
      const before = flatWeights(model);
      model.compile({ optimizer, loss: options.loss });
      const h = await model.fit(xt, yt, {
        batchSize: xt.shape[0],
        epochs: 1,
        shuffle: false,
        classWeight: Object.fromEntries(cw.map((v, c) => [c, v])),
        verbose: 0,
      });
      const after = flatWeights(model);
      return { loss: Number(h.history.loss[0]), grad: Array.from(before, (b, i) => b - after[i]) };
    } finally {
      model.setWeights(initial);
      tf.dispose(initial);
      optimizer.dispose();
    }
  } finally {
    tf.dispose(owned);
  }
}

const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(1));

function largestEntry(...gradients: number[][]): number {
  let m = 0;
  for (const g of gradients) for (const v of g) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * The trap's measurements in seven lines: the batch's mean weight, then for each loss (batch mean,
 * per-sample) the loss `fit` reported and how far its gradient is from the hand-computed ones,
 * then the largest hand-computed gradient entry (the scale to read the differences against).
 *
 * @example
 * ```ts
 * import { trapSummary } from "./class_weight_trap.ts";
 * const g = (loss: number, grad: number[]) => ({ loss, grad });
 * const text = trapSummary({
 *   batchSize: 3, meanWeight: 2, unweighted: g(0.5, [1, -1]), weighted: g(1.5, [3, 0.5]),
 *   scalarFit: g(1, [2, -2]), perSampleFit: g(1.5, [3, 0.5]),
 *   scalarVsRescaled: 0, scalarVsWeighted: 2.5, scalarCosine: 0.3, perSampleVsWeighted: 0, perSampleCosine: 1,
 * });
 * if (!text.endsWith("largest gradient entry 3.0000")) throw new Error(text);
 * ```
 */
export function trapSummary(t: TrapMeasurement): string {
  return [
    `one model.fit step on ${t.batchSize} samples with classWeight; mean weight of the batch ${
      fmt(t.meanWeight)
    }`,
    `scalar loss:     fit loss ${fmt(t.scalarFit.loss)} = ${fmt(t.meanWeight)} × ${
      fmt(t.unweighted.loss)
    } (the unweighted loss)`,
    `                 gradient vs ${fmt(t.meanWeight)} × unweighted gradient: max difference ${
      fmt(t.scalarVsRescaled)
    }`,
    `                 gradient vs weighted gradient: max difference ${
      fmt(t.scalarVsWeighted)
    }, cosine ${t.scalarCosine.toFixed(3)}`,
    `per-sample loss: fit loss ${fmt(t.perSampleFit.loss)} (weighted by hand: ${
      fmt(t.weighted.loss)
    })`,
    `                 gradient vs weighted gradient: max difference ${
      fmt(t.perSampleVsWeighted)
    }, cosine ${t.perSampleCosine.toFixed(3)}`,
    `largest gradient entry ${fmt(largestEntry(t.unweighted.grad, t.weighted.grad))}`,
  ].join("\n");
}

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const cosine = (a: number[], b: number[]) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));

/**
 * The whole measurement of notebook 03 in one call: builds the model, computes by hand
 * (`tf.variableGrads`) the gradients of the unweighted mean loss and of `Σ wᵢℓᵢ / batch` (what
 * Keras's `class_weight` minimises), then takes one {@linkcode fitStepGradient} step with the loss
 * returning its batch mean and one with it returning per-sample values, from the same weights.
 *
 * tfjs's `fit` multiplies whatever the loss returns by the per-sample weights and takes the mean.
 * A scalar `L` broadcasts against the weights: `mean(wᵢ·L) = mean(w)·L`, so its gradient is
 * `mean(w)` times the unweighted gradient: same direction, a rescaled step. Keras 3 behaves the
 * same way for a scalar loss.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { classWeightTrap } from "./class_weight_trap.ts";
 * await setupBackend({ backend: "cpu", seed: 0 });
 * const build = () =>
 *   tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [1], activation: "softmax" })] });
 * const trap = await classWeightTrap({
 *   build, x: [[1], [2], [-1]], y: [[1, 0], [1, 0], [0, 1]], classWeight: [1, 4],
 * });
 * // weights 1, 1, 4: the scalar loss's gradient is (1 + 1 + 4) / 3 = 2 times the unweighted one
 * if (trap.meanWeight !== 2 || trap.scalarVsRescaled > 1e-5 || trap.perSampleVsWeighted > 1e-5) {
 *   throw new Error(trap.summary);
 * }
 * ```
 */
export async function classWeightTrap(options: ClassWeightTrapOptions): Promise<ClassWeightTrap> {
  const fn = "classWeightTrap";
  if (typeof options.build !== "function") {
    throw new TypeError(`${fn}: build is ${typeof options.build}, expected a function`);
  }
  const perSample = options.loss ?? categoricalCrossentropy;
  if (typeof perSample !== "function") {
    throw new TypeError(`${fn}: loss is ${typeof perSample}, expected a function`);
  }
  const cw = options.classWeight;
  if (!Array.isArray(cw) || cw.some((v) => typeof v !== "number" || !(v >= 0) || v === Infinity)) {
    throw new RangeError(
      `${fn}: classWeight is ${JSON.stringify(cw)}, expected non-negative finite numbers`,
    );
  }
  const x = toTensor(options.x, fn, "x");
  const y = toTensor(options.y, fn, "y");
  const model = options.build();
  try {
    if (y.rank !== 2 || y.shape[0] !== x.shape[0] || y.shape[0] === 0) {
      throw new RangeError(
        `${fn}: y has shape ${formatShape(y.shape)}, expected one-hot [${x.shape[0]}, k]`,
      );
    }
    if (cw.length !== y.shape[1]) {
      throw new RangeError(
        `${fn}: classWeight has ${cw.length} entries, expected ${y.shape[1]} (one per class)`,
      );
    }
    const n = y.shape[0];
    const labels = tf.tidy(() => Array.from(tf.argMax(y, 1).dataSync()));
    const w = labels.map((c) => cw[c]);
    const meanWeight = w.reduce((s, v) => s + v, 0) / n;

    const vars = model.trainableWeights.map((lw) => lw.read() as tf.Variable);
    const losses = () => perSample(y, model.apply(x, { training: true }) as Tensor);
    const gradient = (loss: () => Tensor): LossGradient =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss as () => tf.Scalar, vars);
        const grad = vars.flatMap((v) => Array.from(grads[v.name].dataSync()));
        return { loss: value.dataSync()[0], grad };
      });
    const unweighted = gradient(() => tf.mean(losses()));
    const weighted = gradient(() => tf.mean(tf.mul(losses(), w)));

    const scalarFit = await fitStepGradient(model, x, y, {
      loss: (t, p) => tf.mean(perSample(t, p)),
      classWeight: cw,
    });
    const perSampleFit = await fitStepGradient(model, x, y, { loss: perSample, classWeight: cw });

    const measured: TrapMeasurement = {
      batchSize: n,
      meanWeight,
      unweighted,
      weighted,
      scalarFit,
      perSampleFit,
      scalarVsRescaled: maxDiff(scalarFit.grad, unweighted.grad.map((g) => meanWeight * g)),
      scalarVsWeighted: maxDiff(scalarFit.grad, weighted.grad),
      scalarCosine: cosine(scalarFit.grad, weighted.grad),
      perSampleVsWeighted: maxDiff(perSampleFit.grad, weighted.grad),
      perSampleCosine: cosine(perSampleFit.grad, weighted.grad),
    };
    return {
      batchSize: n,
      meanWeight,
      fitLoss: { scalar: scalarFit.loss, perSample: perSampleFit.loss },
      handLoss: { unweighted: unweighted.loss, weighted: weighted.loss },
      largestGradient: largestEntry(unweighted.grad, weighted.grad),
      scalarVsRescaled: measured.scalarVsRescaled,
      scalarVsWeighted: measured.scalarVsWeighted,
      perSampleVsWeighted: measured.perSampleVsWeighted,
      scalarCosine: measured.scalarCosine,
      perSampleCosine: measured.perSampleCosine,
      summary: trapSummary(measured),
    };
  } finally {
    model.dispose();
    if (x !== options.x) x.dispose();
    if (y !== options.y) y.dispose();
  }
}
