/**
 * Per-sample gradient norms and DP-SGD-style per-sample clipping: what a mean loss cannot give,
 * since its gradient is already the average over the batch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertModelInput } from "../_core/model_input.ts";
import type { PerSampleLoss } from "../losses/make_loss.ts";
import {
  formatShape,
  shapeOf,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../_core/tensor_input.ts";
import type { LayersModel, ModelFunction, Variable } from "./train.ts";
import {
  assertAllFinite,
  assertKnownOptions,
  assertNumberIn,
  assertOneOf,
  assertSeed,
  describeValue,
} from "../_core/checks.ts";
import { variableGradsFreeingTape } from "../_core/gradients.ts";

/**
 * `"loop"`: one backward pass per sample (any model). `"dense"`: one backward pass for the batch,
 * valid for a `tf.Sequential` of `dense` layers (Goodfellow 2015: a dense layer's per-sample
 * weight gradient is the outer product `aᵢ ⊗ δᵢ`, so its squared norm is `‖aᵢ‖²‖δᵢ‖²`).
 * `"auto"` (default) picks `"dense"` when the model allows it.
 */
export type PerSampleGradientMethod = "auto" | "loop" | "dense";

/** Options for {@linkcode perSampleGradientNorms}. */
export interface PerSampleGradientOptions {
  /** The per-sample loss `(yTrue, yPred) => [batch]`. */
  loss: PerSampleLoss;
  /** Default `"auto"`. */
  method?: PerSampleGradientMethod;
  /** For a model function: the variables; default all trainable variables. */
  variables?: readonly Variable[];
}

const ACTIVATIONS: Record<string, (z: tf.Tensor) => tf.Tensor> = {
  linear: (z) => z,
  relu: (z) => tf.relu(z),
  sigmoid: (z) => tf.sigmoid(z),
  tanh: (z) => tf.tanh(z),
  softmax: (z) => tf.softmax(z),
  elu: (z) => tf.elu(z),
  selu: (z) => tf.selu(z),
  softplus: (z) => tf.softplus(z),
};

interface DenseSpec {
  kernel: tf.Tensor;
  bias: tf.Tensor | null;
  activation: (z: tf.Tensor) => tf.Tensor;
}

/** The dense stack of `model`, or `null` when it has other layers or unknown activations. */
function denseStack(model: LayersModel | ModelFunction): DenseSpec[] | null {
  if (!(model instanceof tf.LayersModel)) return null;
  const specs: DenseSpec[] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === "InputLayer") continue;
    if (cls !== "Dense") return null;
    const config = layer.getConfig() as { activation?: string; useBias?: boolean };
    const act = ACTIVATIONS[config.activation ?? "linear"];
    if (act === undefined) return null;
    const w = layer.getWeights();
    if (w[0].shape.length !== 2) return null;
    specs.push({ kernel: w[0], bias: config.useBias === false ? null : w[1], activation: act });
  }
  return specs.length > 0 ? specs : null;
}

function variablesOf(
  fn: string,
  model: LayersModel | ModelFunction,
  given?: readonly Variable[],
): tf.Variable[] {
  if (model instanceof tf.LayersModel) {
    return model.trainableWeights.map((w) => w.read() as tf.Variable);
  }
  if (given === undefined) {
    throw new TypeError(
      `${fn}: options.variables is undefined, expected the variables a model function ` +
        "differentiates (an array of tf.Variable)",
    );
  }
  if (!Array.isArray(given)) {
    throw new TypeError(
      `${fn}: options.variables is ${describeValue(given)}, expected an array of tf.Variable`,
    );
  }
  given.forEach((v, i) => {
    if (!(v instanceof tf.Variable)) {
      throw new TypeError(
        `${fn}: options.variables[${i}] is ${describeValue(v)}, expected a tf.Variable`,
      );
    }
  });
  return given.slice();
}

function forwardOf(model: LayersModel | ModelFunction): (x: tf.Tensor) => tf.Tensor {
  return model instanceof tf.LayersModel
    ? (x) => model.apply(x, { training: false }) as tf.Tensor
    : (x) => model(x, false);
}

function check(
  fn: string,
  model: LayersModel | ModelFunction,
  x: TensorInput,
  y: TensorInput,
): number {
  if (!(model instanceof tf.LayersModel) && typeof model !== "function") {
    throw new TypeError(
      `${fn}: model is ${describeValue(model)}, expected a tf.LayersModel or a function (x) => y`,
    );
  }
  const xs = shapeOf(x, fn, "x"), ys = shapeOf(y, fn, "y");
  if (xs.length < 2 || xs[0] === 0) {
    throw new RangeError(`${fn}: x has shape ${formatShape(xs)}, expected [samples, features]`);
  }
  if (ys[0] !== xs[0]) {
    throw new RangeError(`${fn}: y has shape ${formatShape(ys)}, expected ${xs[0]} samples as x`);
  }
  assertModelInput(fn, "x", model, xs);
  return xs[0];
}

function loopNorms(
  fn: string,
  model: LayersModel | ModelFunction,
  xt: tf.Tensor,
  yt: tf.Tensor,
  options: PerSampleGradientOptions,
): Float32Array {
  const vars = variablesOf(fn, model, options.variables);
  const forward = forwardOf(model);
  const n = xt.shape[0];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = tf.tidy(() => {
      const xi = xt.slice(i, 1), yi = yt.slice(i, 1);
      const { grads } = variableGradsFreeingTape(
        () => tf.sum(options.loss(yi, forward(xi))) as tf.Scalar,
        vars,
      );
      let sq = 0;
      for (const g of Object.values(grads)) sq += tf.sum(tf.square(g)).dataSync()[0];
      return Math.sqrt(sq);
    });
  }
  return out;
}

function denseNorms(
  specs: DenseSpec[],
  xt: tf.Tensor,
  yt: tf.Tensor,
  loss: PerSampleLoss,
): Float32Array {
  return tf.tidy(() => {
    const n = xt.shape[0];
    // Inputs of each layer (they do not depend on the zero perturbations below).
    const inputs: tf.Tensor[] = [];
    let a = xt;
    for (const s of specs) {
      inputs.push(a);
      const z = tf.matMul(a, s.kernel);
      a = s.activation(s.bias ? tf.add(z, s.bias) : z);
    }
    // δ_l = ∂(Σᵢ ℓᵢ)/∂z_l, row i belonging to sample i alone, through zero perturbations e_l.
    const zeros = specs.map((s) => tf.zeros([n, s.kernel.shape[1] as number]));
    const deltas = tf.grads((...es: tf.Tensor[]) => {
      let h = xt;
      specs.forEach((s, l) => {
        const z = tf.add(tf.matMul(h, s.kernel), es[l]);
        h = s.activation(s.bias ? tf.add(z, s.bias) : z);
      });
      return tf.sum(loss(yt, h));
    })(zeros);
    let sq: tf.Tensor = tf.zeros([n]);
    specs.forEach((s, l) => {
      const d2 = tf.sum(tf.square(deltas[l]), 1);
      const a2 = tf.sum(tf.square(inputs[l]), 1);
      sq = tf.add(sq, tf.mul(d2, s.bias ? tf.add(a2, 1) : a2));
    });
    return tf.sqrt(sq).dataSync() as Float32Array;
  });
}

/**
 * The L2 norm of each sample's gradient `‖∇θ ℓᵢ‖` over all trainable variables, `[n]`. A mean
 * loss only ever yields `∇θ mean(ℓ) = mean(∇θ ℓᵢ)`, which hides that a few samples can dominate
 * it. `"dense"` (one backward pass) and `"loop"` (n passes) give the same numbers.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../runtime/backend.ts";
 * import { perSampleGradientNorms } from "./per_sample_gradients.ts";
 * import { meanSquaredError } from "../losses/regression.ts";
 * await setupBackend({ backend: "cpu" });
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: "zeros" })] });
 * // ŷ = 0, ℓ = (0 − y)², ∂ℓ/∂w = −2y·x, ∂ℓ/∂b = −2y; x = 1, y = 1: norm = 2·√2
 * const norms = perSampleGradientNorms(model, [[1]], [[1]], { loss: meanSquaredError });
 * if (Math.abs(norms[0] - 2 * Math.SQRT2) > 1e-5) throw new Error(`got ${norms[0]}`);
 * model.dispose();
 * ```
 */
export function perSampleGradientNorms(
  model: LayersModel | ModelFunction,
  x: TensorInput,
  y: TensorInput,
  options: PerSampleGradientOptions,
): Float32Array {
  const fn = "perSampleGradientNorms";
  assertKnownOptions(fn, options, NORM_OPTION_KEYS);
  return gradientNorms(fn, model, x, y, options);
}

const NORM_OPTION_KEYS = ["loss", "method", "variables"];
const DP_OPTION_KEYS = [...NORM_OPTION_KEYS, "clipNorm", "noiseMultiplier", "seed"];

/** The norms, with errors naming `fn` (the function the learner called). */
function gradientNorms(
  fn: string,
  model: LayersModel | ModelFunction,
  x: TensorInput,
  y: TensorInput,
  options: PerSampleGradientOptions,
): Float32Array {
  if (options === undefined) {
    throw new TypeError(`${fn}: options is undefined, expected { loss }`);
  }
  if (typeof options.loss !== "function") {
    throw new TypeError(
      `${fn}: options.loss is ${describeValue(options.loss)}, expected a per-sample loss function`,
    );
  }
  check(fn, model, x, y);
  const method = options.method ?? "auto";
  assertOneOf(fn, "method", method, ["auto", "loop", "dense"]);
  variablesOf(fn, model, options.variables);
  const specs = method === "loop" ? null : denseStack(model);
  if (method === "dense" && specs === null) {
    throw new RangeError(
      `${fn}: method "dense" needs a tf.Sequential of dense layers with a standard activation`,
    );
  }
  const xt = tf.tidy(() => toTensor(x, fn, "x").clone()),
    yt = tf.tidy(() => toTensor(y, fn, "y").clone());
  try {
    // Outside any gradient: a NaN input would otherwise surface as a NaN norm of no named origin.
    assertAllFinite(
      fn,
      "x",
      xt.dataSync(),
      (i) => `sample ${Math.floor(i / (xt.size / xt.shape[0]))}`,
    );
    assertAllFinite(
      fn,
      "y",
      yt.dataSync(),
      (i) => `sample ${Math.floor(i / (yt.size / yt.shape[0]))}`,
    );
    const norms = specs
      ? denseNorms(specs, xt, yt, options.loss)
      : loopNorms(fn, model, xt, yt, options);
    assertAllFinite(fn, "the per-sample gradient norms", norms, (i) => `sample ${i}`);
    return norms;
  } finally {
    tf.dispose([xt, yt]);
  }
}

/** Options for {@linkcode dpClippedGradients}. */
export interface DpClipOptions extends PerSampleGradientOptions {
  /** The clipping norm C > 0: each sample's gradient is scaled to norm at most C. */
  clipNorm: number;
  /** σ: Gaussian noise of std σ·C is added to the summed clipped gradients; default `0`. */
  noiseMultiplier?: number;
  /** Seed of the noise. */
  seed?: number;
}

/** What {@linkcode dpClippedGradients} returns. */
export interface DpClipResult {
  /** Variable name → clipped, averaged (and noised) gradient; pass to `optimizer.applyGradients`, then dispose. */
  grads: Record<string, Tensor>;
  /** Each sample's gradient norm before clipping. */
  norms: Float32Array;
  /** Fraction of samples whose gradient was clipped. */
  clippedFraction: number;
}

/**
 * DP-SGD's gradient (Abadi et al. 2016): each sample's gradient is clipped to norm `C`,
 * `ḡᵢ = gᵢ / max(1, ‖gᵢ‖ / C)`, the clipped gradients are summed, Gaussian noise `N(0, σ²C²)` is
 * added, and the result divided by the batch size. Computed without materialising per-sample
 * gradients: the clip factors `cᵢ = min(1, C / ‖gᵢ‖)` are fixed numbers, so
 * `Σ ḡᵢ = ∇θ Σ cᵢ ℓᵢ` — a weighted loss whose weights come from the per-sample norms.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../runtime/backend.ts";
 * import { dpClippedGradients } from "./per_sample_gradients.ts";
 * import { meanSquaredError } from "../losses/regression.ts";
 * await setupBackend({ backend: "cpu" });
 * const w = tf.variable(tf.zeros([1, 1]));
 * // gradients of (x·w − y)² at w = 0: −2xy = −2 and −20; clipped to norm 1: −1 and −1
 * const r = dpClippedGradients((x) => tf.matMul(x, w), [[1], [1]], [[1], [10]], {
 *   loss: meanSquaredError, clipNorm: 1, variables: [w],
 * });
 * if (Math.abs(r.grads[w.name].dataSync()[0] + 1) > 1e-6) throw new Error("expected −1");
 * tf.dispose([w, ...Object.values(r.grads)]);
 * ```
 */
export function dpClippedGradients(
  model: LayersModel | ModelFunction,
  x: TensorInput,
  y: TensorInput,
  options: DpClipOptions,
): DpClipResult {
  const fn = "dpClippedGradients";
  assertKnownOptions(fn, options, DP_OPTION_KEYS);
  if (options === undefined) {
    throw new TypeError(`${fn}: options is undefined, expected { loss, clipNorm }`);
  }
  if (options.seed !== undefined) assertSeed(fn, "options.seed", options.seed);
  const c = options.clipNorm;
  assertNumberIn(fn, "clipNorm", c, { min: 0, max: Infinity, minOpen: true });
  const sigma = options.noiseMultiplier ?? 0;
  assertNumberIn(fn, "noiseMultiplier", sigma, { min: 0, max: Infinity });
  const norms = gradientNorms(fn, model, x, y, options);
  const n = norms.length;
  const factors = Float32Array.from(norms, (g) => (g > c ? c / g : 1));
  const clipped = norms.reduce((k, g) => k + (g > c ? 1 : 0), 0);
  const vars = variablesOf(fn, model, options.variables);
  const forward = forwardOf(model);
  const grads = tf.tidy(() => {
    const xt = toTensor(x, fn, "x"), yt = toTensor(y, fn, "y");
    const { grads } = variableGradsFreeingTape(
      () => tf.sum(tf.mul(options.loss(yt, forward(xt)), tf.tensor1d(factors))) as tf.Scalar,
      vars,
    );
    const out: Record<string, tf.Tensor> = {};
    let k = 0;
    for (const [name, g] of Object.entries(grads)) {
      const noise = sigma > 0
        ? tf.randomNormal(
          g.shape,
          0,
          sigma * c,
          "float32",
          options.seed === undefined ? undefined : normalSeed(options.seed + k++),
        )
        : null;
      out[name] = tf.div(noise ? tf.add(g, noise) : g, n);
    }
    return out;
  });
  return { grads, norms, clippedFraction: clipped / n };
}

/**
 * The seed to hand tfjs's normal sampler: it treats a seed of 0 as "no seed" (`seed ? seed :
 * Math.random()`), so 0 would give different numbers on every call. 0.5 stands in for it: no
 * integer seed maps there, and every other seed is passed unchanged.
 */
function normalSeed(seed: number): number {
  return seed === 0 ? 0.5 : seed;
}
