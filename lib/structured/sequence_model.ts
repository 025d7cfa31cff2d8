/**
 * A small recurrent next-step model in tfjs, its per-timestep losses, and a full-batch training
 * loop whose loss is a masked sequence loss with a chosen normalisation.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  maskedLoss,
  type MaskSpec,
  SEQUENCE_NORMALIZATIONS,
  type SequenceNormalization,
} from "../losses/masked.ts";
import { meanSquaredError } from "../losses/regression.ts";
import type { TokenLossFunction, TrainableVariable } from "../training/accumulation.ts";
import {
  assertAllFinite,
  assertIntegerIn,
  assertKnownOptions,
  assertNumberIn,
  assertOneOf,
  assertPositiveInteger,
  assertSeed,
  describeValue,
} from "../_core/checks.ts";
import { formatShape, type Tensor } from "../_core/tensor_input.ts";

/** A tfjs `LayersModel` mapping `[batch, time, 1]` to `[batch, time, 1]`. */
export type SequenceModel = tf.LayersModel;

/** Options for {@linkcode createSequenceModel}. */
export interface SequenceModelOptions {
  /** Units of the SimpleRNN layer; default `8`. */
  units?: number;
  /** Seed of every initialiser; default `0`. */
  seed?: number;
}

/**
 * A next-step regressor: `SimpleRNN(units, tanh, returnSequences)` then a `Dense(1)` applied at
 * every time step; input and output `[batch, time, 1]`, any `time`. Causal: the prediction at `t`
 * sees steps `0..t` only, so leading padding shifts the state but never leaks a future value.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createSequenceModel } from "./sequence_model.ts";
 * const model = createSequenceModel({ units: 4, seed: 1 });
 * const x = tf.zeros([2, 5, 1]);
 * const y = model.predict(x) as tf.Tensor;
 * if (y.shape.join() !== "2,5,1") throw new Error(`${y.shape}`);
 * tf.dispose([x, y]);
 * model.dispose();
 * ```
 */
export function createSequenceModel(options: SequenceModelOptions = {}): SequenceModel {
  assertKnownOptions("createSequenceModel", options, ["units", "seed"]);
  const units = options.units ?? 8;
  assertPositiveInteger("createSequenceModel", "options.units", units);
  const seed = options.seed ?? 0;
  assertSeed("createSequenceModel", "options.seed", seed);
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({
    units,
    returnSequences: true,
    inputShape: [null, 1],
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: normalSeed(seed + 1) }),
  }));
  model.add(tf.layers.timeDistributed({
    layer: tf.layers.dense({
      units: 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
    }),
  }));
  return model;
}

/**
 * Squared error of every time step, `[batch, time]`: Keras's `meanSquaredError` of `y`
 * `[batch, time, 1]` against the model's predictions (the mean over the last axis of size 1).
 * Padding steps get a value too; mask them with {@linkcode maskedLoss}.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createSequenceModel, perTimestepLosses } from "./sequence_model.ts";
 * const model = createSequenceModel();
 * const x = tf.zeros([3, 4, 1]), y = tf.ones([3, 4, 1]);
 * const l = perTimestepLosses(model, x, y);
 * if (l.shape.join() !== "3,4") throw new Error(`${l.shape}`);
 * tf.dispose([x, y, l]);
 * model.dispose();
 * ```
 */
export function perTimestepLosses(model: SequenceModel, x: Tensor, y: Tensor): Tensor {
  checkSequenceData("perTimestepLosses", model, x, y);
  return timestepLosses(model, x, y);
}

function timestepLosses(model: SequenceModel, x: Tensor, y: Tensor): Tensor {
  return tf.tidy(() => meanSquaredError(y, model.apply(x) as tf.Tensor));
}

/** Options for {@linkcode trainSequenceModel}. */
export interface TrainSequenceOptions extends MaskSpec {
  /** How the masked per-step losses are normalised; default `"token"`. */
  normalization?: SequenceNormalization;
  /** Full-batch Adam steps; default `50`. */
  epochs?: number;
  /** Adam learning rate; default `0.01`. */
  learningRate?: number;
}

/**
 * Trains full-batch with Adam on `maskedLoss(perTimestepLosses(model, x, y), { mask | lengths,
 * normalization })`, so the normalisation decides how much each sequence pulls on the weights.
 * Returns the loss before each step. Needs `time >= 2`: tfjs cannot differentiate a recurrent
 * layer over a single step.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createSequenceModel, trainSequenceModel } from "./sequence_model.ts";
 * const model = createSequenceModel({ units: 4 });
 * const x = tf.ones([2, 3, 1]), y = tf.ones([2, 3, 1]).mul(0.5);
 * const { loss } = trainSequenceModel(model, x, y, { lengths: [3, 1], epochs: 20, learningRate: 0.05 });
 * if (!(loss[19] < loss[0])) throw new Error("loss did not fall");
 * tf.dispose([x, y]);
 * model.dispose();
 * ```
 */
export function trainSequenceModel(
  model: SequenceModel,
  x: Tensor,
  y: Tensor,
  options: TrainSequenceOptions = {},
): { loss: number[] } {
  const fn = "trainSequenceModel";
  assertKnownOptions(fn, options, ["normalization", "epochs", "learningRate", "lengths", "mask"]);
  checkSequenceData(fn, model, x, y);
  checkDifferentiableTime(fn, x);
  const epochs = options.epochs ?? 50;
  assertPositiveInteger(fn, "options.epochs", epochs);
  const learningRate = options.learningRate ?? 0.01;
  assertNumberIn(fn, "options.learningRate", learningRate, {
    min: 0,
    max: Infinity,
    minOpen: true,
  });
  const normalization = options.normalization ?? "token";
  assertOneOf(fn, "options.normalization", normalization, SEQUENCE_NORMALIZATIONS);
  if (options.mask !== undefined && options.lengths !== undefined) {
    throw new TypeError(`${fn}: options has both mask and lengths, expected one of them`);
  }
  const spec: MaskSpec = options.mask !== undefined
    ? { mask: options.mask }
    : options.lengths !== undefined
    ? { lengths: options.lengths }
    : {};
  // Check shapes and the mask once, before any step, so a bad mask fails with a clear message.
  try {
    tf.dispose(tf.tidy(() => maskedLoss(timestepLosses(model, x, y), { ...spec, normalization })));
  } catch (error) {
    // maskedLoss names itself and its own arguments; the learner called this function with
    // these options and these x, y.
    const message = String((error as Error)?.message);
    if (!message.startsWith("maskedLoss: ")) throw error;
    const rest = message.slice("maskedLoss: ".length).replace(
      "like perToken",
      "like x's [batch, time]",
    );
    const Kind = error instanceof TypeError ? TypeError : RangeError;
    const optionFirst = /^(mask|lengths|normalization)\b/.test(rest);
    throw new Kind(`${fn}: ${optionFirst ? "options." : ""}${rest}`);
  }
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(learningRate);
  const loss: number[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const cost = optimizer.minimize(
        () => maskedLoss(timestepLosses(model, x, y), { ...spec, normalization }) as tf.Scalar,
        true,
        variables,
      );
      loss.push(cost!.dataSync()[0]);
      cost!.dispose();
    }
  } finally {
    optimizer.dispose();
  }
  return { loss };
}

/**
 * The per-token loss function of a sequence model for gradient accumulation
 * (`accumulateGradients`): rows `start..end−1` of `x` and `y` `[batch, time, 1]` through
 * {@linkcode perTimestepLosses}, `[end − start, time]`. Needs `time >= 2`, as training does.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createSequenceModel, sequenceTokenLoss } from "./sequence_model.ts";
 * const model = createSequenceModel({ units: 2 });
 * const x = tf.zeros([3, 4, 1]), y = tf.ones([3, 4, 1]);
 * const l = sequenceTokenLoss(model, x, y)(1, 3);
 * if (l.shape.join() !== "2,4") throw new Error(`${l.shape}`);
 * tf.dispose([x, y, l]);
 * model.dispose();
 * ```
 */
export function sequenceTokenLoss(model: SequenceModel, x: Tensor, y: Tensor): TokenLossFunction {
  const fn = "sequenceTokenLoss";
  checkSequenceData(fn, model, x, y);
  checkDifferentiableTime(fn, x);
  return (start: number, end: number) => {
    assertIntegerIn(fn, "start", start, { min: 0, max: x.shape[0], maxOpen: true });
    assertIntegerIn(fn, "end", end, { min: start + 1, max: x.shape[0] });
    return tf.tidy(() => {
      const rows = (t: Tensor) => t.slice([start, 0, 0], [end - start, -1, -1]);
      return timestepLosses(model, rows(x), rows(y));
    });
  };
}

/**
 * tfjs 4.22 cannot differentiate a recurrent layer run over a single time step (the gradient of
 * its unstack of one tensor fails inside tfjs), so training needs two steps or more; the forward
 * pass ({@linkcode perTimestepLosses}) works for any length.
 */
function checkDifferentiableTime(fn: string, x: Tensor): void {
  if (x.shape[1] === 1) {
    throw new RangeError(
      `${fn}: x has shape ${formatShape(x.shape)}, expected time >= 2: tfjs cannot take the ` +
        "gradient of a recurrent layer over a single step",
    );
  }
}

/** Model, inputs and targets checked before any tensor is made: shapes alike, values finite. */
function checkSequenceData(fn: string, model: SequenceModel, x: Tensor, y: Tensor): void {
  if (!(model instanceof tf.LayersModel)) {
    throw new TypeError(
      `${fn}: model is ${describeValue(model)}, expected a model from createSequenceModel`,
    );
  }
  for (const [arg, t] of [["x", x], ["y", y]] as const) {
    if (!(t instanceof tf.Tensor) || t.isDisposed) {
      throw new TypeError(
        `${fn}: ${arg} is ${
          t instanceof tf.Tensor ? "a disposed tensor" : describeValue(t)
        }, expected a [batch, time, 1] tensor`,
      );
    }
  }
  if (x.rank !== 3 || x.shape[2] !== 1 || x.shape[0] === 0 || x.shape[1] === 0) {
    throw new RangeError(
      `${fn}: x has shape ${formatShape(x.shape)}, expected [batch, time, 1] with batch, time >= 1`,
    );
  }
  if (y.shape.join() !== x.shape.join()) {
    throw new RangeError(
      `${fn}: y has shape ${formatShape(y.shape)}, expected ${formatShape(x.shape)} like x`,
    );
  }
  const time = x.shape[1] as number;
  assertAllFinite(fn, "x", x.dataSync(), (i) => `[${Math.floor(i / time)}, ${i % time}]`);
  assertAllFinite(fn, "y", y.dataSync(), (i) => `[${Math.floor(i / time)}, ${i % time}]`);
}

/**
 * The trainable variables of a tfjs layers model, for the `variables` option of
 * `accumulateGradients`.
 *
 * @example
 * ```ts
 * import { createSequenceModel, trainableVariables } from "./sequence_model.ts";
 * const model = createSequenceModel({ units: 2 });
 * if (trainableVariables(model).length !== 5) throw new Error("SimpleRNN 3 + Dense 2");
 * model.dispose();
 * ```
 */
export function trainableVariables(model: SequenceModel): TrainableVariable[] {
  if (!(model instanceof tf.LayersModel)) {
    throw new TypeError(
      `trainableVariables: model is ${describeValue(model)}, expected a tfjs layers model`,
    );
  }
  return model.trainableWeights.map((w) => w.read() as TrainableVariable);
}

/**
 * The seed to hand tfjs's normal sampler: it treats a seed of 0 as "no seed" (`seed ? seed :
 * Math.random()`), so 0 would give different numbers on every call. 0.5 stands in for it: no
 * integer seed maps there, and every other seed is passed unchanged.
 */
function normalSeed(seed: number): number {
  return seed === 0 ? 0.5 : seed;
}
