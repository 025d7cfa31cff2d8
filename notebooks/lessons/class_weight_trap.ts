/**
 * The class-weight trap, measured on tfjs's real `model.fit`: a custom loss that returns the batch
 * mean (one number) under `classWeight` only gets rescaled by the batch's mean weight, so it
 * trains exactly like the unweighted loss with a different learning rate; the same loss returning
 * per-sample values gets the weighted gradient.
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

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, scale = 1): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - scale * b[i]));
  return m;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(1));

/**
 * One full-batch SGD step (learning rate 1, no shuffle) of tfjs's own `model.fit` with
 * `classWeight`, twice from the same initial weights: once with the loss returning its batch mean,
 * once returning per-sample values. The step's gradient is read back as `before − after`, then
 * compared with gradients computed by hand (`tf.variableGrads`): the unweighted mean loss, and
 * `Σ wᵢℓᵢ / batch`, which is what Keras's `class_weight` minimises.
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
    const hand = (weighted: boolean) => {
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => {
          const l = perSample(y, model.apply(x, { training: true }) as Tensor);
          return (weighted ? tf.mean(tf.mul(l, tf.tensor1d(w))) : tf.mean(l)) as tf.Scalar;
        }), vars);
      const flat = vars.map((v) => Array.from(grads[v.name].dataSync()));
      const loss = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads)]);
      return { loss, grad: Float64Array.from(flat.flat()) };
    };
    const unweighted = hand(false);
    const weighted = hand(true);

    const initial = model.getWeights().map((t) => t.clone());
    const before = flatWeights(model);
    const classWeight = Object.fromEntries(cw.map((v, c) => [c, v]));
    const fitStep = async (loss: (t: Tensor, p: Tensor) => Tensor) => {
      model.setWeights(initial);
      const optimizer = tf.train.sgd(1);
      try {
        model.compile({ optimizer, loss });
        const h = await model.fit(x, y, {
          batchSize: n,
          epochs: 1,
          shuffle: false,
          classWeight,
          verbose: 0,
        });
        const after = flatWeights(model);
        return { loss: Number(h.history.loss[0]), grad: before.map((b, i) => b - after[i]) };
      } finally {
        optimizer.dispose();
      }
    };
    let scalarFit, perSampleFit;
    try {
      scalarFit = await fitStep((t, p) => tf.mean(perSample(t, p)));
      perSampleFit = await fitStep(perSample);
    } finally {
      tf.dispose(initial);
    }

    const largestGradient = Math.max(
      maxAbsDiff(unweighted.grad, unweighted.grad, 0),
      maxAbsDiff(weighted.grad, weighted.grad, 0),
    );
    const result = {
      batchSize: n,
      meanWeight,
      fitLoss: { scalar: scalarFit.loss, perSample: perSampleFit.loss },
      handLoss: { unweighted: unweighted.loss, weighted: weighted.loss },
      largestGradient,
      scalarVsRescaled: maxAbsDiff(scalarFit.grad, unweighted.grad, meanWeight),
      scalarVsWeighted: maxAbsDiff(scalarFit.grad, weighted.grad),
      perSampleVsWeighted: maxAbsDiff(perSampleFit.grad, weighted.grad),
      scalarCosine: cosine(scalarFit.grad, weighted.grad),
      perSampleCosine: cosine(perSampleFit.grad, weighted.grad),
    };
    const summary = [
      `one model.fit step on ${n} samples with classWeight; mean weight of the batch ${
        fmt(meanWeight)
      }`,
      `scalar loss:     fit loss ${fmt(result.fitLoss.scalar)} = ${fmt(meanWeight)} × ${
        fmt(unweighted.loss)
      } (the unweighted loss)`,
      `                 gradient vs ${fmt(meanWeight)} × unweighted gradient: max difference ${
        fmt(result.scalarVsRescaled)
      }`,
      `                 gradient vs weighted gradient: max difference ${
        fmt(result.scalarVsWeighted)
      }, cosine ${result.scalarCosine.toFixed(3)}`,
      `per-sample loss: fit loss ${fmt(result.fitLoss.perSample)} (weighted by hand: ${
        fmt(weighted.loss)
      })`,
      `                 gradient vs weighted gradient: max difference ${
        fmt(result.perSampleVsWeighted)
      }, cosine ${result.perSampleCosine.toFixed(3)}`,
      `largest gradient entry ${fmt(largestGradient)}`,
    ].join("\n");
    return { ...result, summary };
  } finally {
    model.dispose();
    if (x !== options.x) x.dispose();
    if (y !== options.y) y.dispose();
  }
}
