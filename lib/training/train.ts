/**
 * A training loop for tfjs models that honours per-sample weights (tfjs's `LayersModel.fit`
 * rejects `sampleWeight`), with class weights, any Keras reduction, seeded shuffling, validation,
 * callbacks, per-sample tracking and progress.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertModelInput } from "../_core/model_input.ts";
import { variableGradsFreeingTape as gradsFreeingTape } from "../_core/gradients.ts";
import {
  assertAllFinite,
  assertIntegerIn,
  assertKnownOptions,
  assertPositiveInteger,
  assertSeed,
  describeValue,
} from "../_core/checks.ts";
import { formatNumber } from "../_core/format_number.ts";
import { seededRandom } from "../_core/random.ts";
import type { LossFunction, PerSampleLoss } from "../losses/make_loss.ts";
import { Progress } from "../runtime/progress.ts";
import {
  checkReduction,
  type ReduceFunction,
  reduceLoss,
  type Reduction,
} from "../losses/reduce.ts";

export type { ReduceFunction };
import {
  flatValues,
  formatShape,
  shapeOf,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../_core/tensor_input.ts";
import {
  classStats,
  inferTask,
  SampleTracker,
  trackingLabels,
  type TrackOptions,
} from "./tracking.ts";

/** A tfjs `LayersModel` (`tf.LayersModel`), re-declared so documented signatures can name it. */
export type LayersModel = tf.LayersModel;

/** A tfjs optimizer (`tf.Optimizer`, e.g. `tf.train.adam(0.01)`). */
export type Optimizer = tf.Optimizer;

/** A tfjs variable (`tf.Variable`). */
export type Variable = tf.Variable;

/** A model as a plain function of its input batch; `training` is `true` during the update pass. */
export type ModelFunction = (x: Tensor, training: boolean) => Tensor;

/** Losses and metrics of one epoch. */
export interface EpochLogs {
  /** Mean training loss over the epoch's batches, weighted by batch size (as Keras and tfjs). */
  loss: number;
  /** Validation loss, when `validationData` was given. */
  valLoss?: number;
}

/** Losses of one batch. */
export interface BatchLogs {
  /** The reduced loss of the batch. */
  loss: number;
  /** Number of samples in the batch. */
  size: number;
}

/** Callbacks; return `"stop"` from `onEpochEnd` or `onBatchEnd` to end training early. */
export interface TrainCallbacks {
  /** After each batch's update. */
  onBatchEnd?(batch: number, logs: BatchLogs): void | "stop" | Promise<void | "stop">;
  /** After each epoch (and its validation). */
  onEpochEnd?(epoch: number, logs: EpochLogs): void | "stop" | Promise<void | "stop">;
}

/** Class weights: `{ [classId]: weight }` or an array indexed by class. */
export type ClassWeight = Readonly<Record<number, number>> | readonly number[];

/** Options for {@linkcode train}. */
export interface TrainOptions {
  /**
   * The per-sample loss `(yTrue, yPred) => [batch]` (e.g. `meanSquaredError`, or
   * `(t, p) => sparseCategoricalCrossentropy(t, p, { fromLogits: true })`), or a `makeLoss`
   * result (its per-sample function and reduction are used).
   */
  loss: PerSampleLoss;
  /** Keras reduction of the weighted per-sample losses, or a custom function; default `"sum_over_batch_size"`. */
  reduction?: Reduction | ReduceFunction;
  /** Default `tf.train.adam(0.01)`. */
  optimizer?: Optimizer;
  /** Default `1` (as Keras). */
  epochs?: number;
  /** Default `32`. */
  batchSize?: number;
  /** Shuffle the sample order every epoch; default `true`. */
  shuffle?: boolean;
  /**
   * Seed of the shuffle. Without it the shuffle draws from `Math.random` exactly as
   * `model.fit` does (seeded by `setupBackend`), so the two see the same batches.
   */
  seed?: number;
  /** One non-negative finite weight per training sample, `[n]`. */
  sampleWeight?: TensorInput;
  /** Weight per class, multiplied into `sampleWeight` (as Keras does); every class in `y` needs one. */
  classWeight?: ClassWeight;
  /** `[x, y]` or `[x, y, sampleWeight]`, evaluated after each epoch with the same loss and reduction. */
  validationData?:
    | readonly [TensorInput, TensorInput]
    | readonly [
      TensorInput,
      TensorInput,
      TensorInput,
    ];
  /** Record per-sample loss / true-class probability / correctness each epoch; default off. */
  track?: boolean | TrackOptions;
  /** Callbacks. */
  callbacks?: TrainCallbacks;
  /** For a {@linkcode ModelFunction}: the variables to train; default all trainable variables. */
  variables?: readonly Variable[];
  /** No progress display; default `false`. */
  quiet?: boolean;
}

/** What {@linkcode train} returns. */
export interface TrainResult {
  /** Per-epoch losses: `loss` always, `valLoss` with validation data. */
  history: { loss: number[]; valLoss?: number[] };
  /** Number of epochs run. */
  epochs: number;
  /** `true` when a callback returned `"stop"`. */
  stoppedEarly: boolean;
  /** The per-sample record, when `track` was set. */
  tracker: SampleTracker | null;
}

/**
 * Thrown when a batch's loss becomes NaN or infinite; names the epoch, the batch and the first
 * training sample (row of `x`) whose loss is not finite. The batch's update is not applied.
 */
export class NonFiniteLossError extends Error {
  /** 0-based epoch. */
  readonly epoch: number;
  /** 0-based batch within the epoch. */
  readonly batch: number;
  /** Row of the training data whose loss was not finite, or `-1` if only the reduced loss was. */
  readonly sample: number;
  /** The offending loss value. */
  readonly value: number;

  /** Builds the error and its message. */
  constructor(epoch: number, batch: number, sample: number, value: number) {
    // Checked before super(): a wrong position would otherwise appear in the message as fact.
    assertIntegerIn("NonFiniteLossError", "epoch", epoch, { min: 0, max: Infinity });
    assertIntegerIn("NonFiniteLossError", "batch", batch, { min: 0, max: Infinity });
    assertIntegerIn("NonFiniteLossError", "sample", sample, { min: -1, max: Infinity });
    if (typeof value !== "number") {
      throw new TypeError(`NonFiniteLossError: value is ${typeof value}, expected a number`);
    }
    super(
      `train: the loss became ${value} at epoch ${epoch}, batch ${batch}` +
        (sample >= 0
          ? `, sample ${sample} (row ${sample} of x); no update was applied for this batch`
          : " (every per-sample loss was finite); no update was applied for this batch"),
    );
    this.name = "NonFiniteLossError";
    this.epoch = epoch;
    this.batch = batch;
    this.sample = sample;
    this.value = value;
  }
}

/**
 * Trains `model` on `(x, y)` minimising `reduction(sampleWeight · loss(y, model(x)))` batch by
 * batch, exactly as `model.fit` does without weights (same batches for the same seed, same
 * update: `optimizer.applyGradients` of `tf.variableGrads`, plus the model's regulariser losses),
 * and honouring per-sample weights, which tfjs's `fit` rejects ("sample weight is not supported
 * yet").
 *
 * - Weights: `sampleWeight` `[n]` times `classWeight[label]`, as Keras multiplies them; each
 *   batch's slice goes to {@linkcode reduceLoss} (or to a custom reduction function).
 * - Loss history: the epoch loss is the mean of batch losses weighted by batch size (Keras and
 *   tfjs), so a `sum` reduction reports sums per batch, averaged.
 * - Shuffle: the same in-place Fisher–Yates on one index array across epochs as `model.fit`,
 *   drawing from `seededRandom(seed)`, or from `Math.random` when no seed is given.
 * - NaN: a non-finite batch loss stops training with a {@linkcode NonFiniteLossError} naming the
 *   epoch, batch and first sample, before that batch's update.
 * - Tensors: `x`, `y` may be tensors or arrays; nothing leaks (the optimizer's own slot variables
 *   aside, as with `fit`), also when an argument is refused or a step throws.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../runtime/backend.ts";
 * import { meanSquaredError } from "../losses/regression.ts";
 * import { train } from "./train.ts";
 * await setupBackend({ backend: "cpu", seed: 0 });
 * // One SGD step on w (starting at 0) for y = 2x with weights [1, 0]: the second sample is ignored.
 * const w = tf.variable(tf.zeros([1, 1]));
 * const result = await train((x) => tf.matMul(x, w), [[1], [2]], [[2], [100]], {
 *   loss: meanSquaredError,
 *   optimizer: tf.train.sgd(0.5),
 *   sampleWeight: [1, 0],
 *   batchSize: 2,
 *   variables: [w],
 *   quiet: true,
 * });
 * // loss = (1·(0 − 2)² + 0) / 2 = 2; gradient = (1·2·(0 − 2)·1) / 2 = −2; w = 0 − 0.5·(−2) = 1
 * if (result.history.loss[0] !== 2 || w.dataSync()[0] !== 1) throw new Error("unexpected");
 * w.dispose();
 * ```
 */
export async function train(
  model: LayersModel | ModelFunction,
  x: TensorInput,
  y: TensorInput,
  options: TrainOptions,
): Promise<TrainResult> {
  const plan = checkTrainCall(model, x, y, options);
  const run = allocateRun(plan, options.optimizer);
  try {
    const history: TrainResult["history"] = plan.validation
      ? { loss: [], valLoss: [] }
      : { loss: [] };
    const progress = new Progress({ total: plan.epochs, quiet: options.quiet });
    const order = Int32Array.from({ length: plan.data.n }, (_, i) => i);
    let stopped = false;
    for (let epoch = 0; epoch < plan.epochs && !stopped; epoch++) {
      if (options.shuffle ?? true) shuffleLikeTfjs(order, plan.random);
      const trained = await trainEpoch(run, order, epoch, options);
      const logs = measureEpoch(run, trained.loss);
      history.loss.push(logs.loss);
      if (logs.valLoss !== undefined) history.valLoss!.push(logs.valLoss);
      const epochSaysStop = await reportEpoch(progress, epoch, logs, options);
      stopped = trained.stopped || epochSaysStop;
    }
    await progress.done();
    return { history, epochs: history.loss.length, stoppedEarly: stopped, tracker: run.tracker };
  } finally {
    releaseRun(run);
  }
}

const FN = "train";
/** Progress-line losses keep trailing zeros (`0.5000`), so successive epochs' lines align. */
const PROGRESS_DIGITS = { digits: 4, fixedDigits: true };

// ---------------------------------------------------------------------------------------------
// Checks: everything about the call is validated here, before any tensor or the default
// optimizer exists, so a rejected call leaves nothing behind.

/** The model as `train` drives it: forward pass, variables to update, regulariser losses. */
interface BoundModel {
  forward: ModelFunction;
  variables: tf.Variable[] | undefined;
  regularizers: () => tf.Scalar[];
}

/** Training or validation inputs whose shapes, dtypes and weights have been checked. */
interface CheckedData {
  /** How errors name this data's inputs. */
  names: DataNames;
  x: TensorInput;
  y: TensorInput;
  n: number;
  weights: Float32Array | null;
}

/** Everything `train` derives from its arguments, all of it checked. */
interface TrainPlan {
  perSample: PerSampleLoss;
  reduce: ReduceFunction;
  model: BoundModel;
  epochs: number;
  batchSize: number;
  random: () => number;
  track: TrackOptions | null;
  data: CheckedData;
  validation: CheckedData | null;
}

const TRAIN_OPTION_KEYS = [
  "loss",
  "reduction",
  "optimizer",
  "epochs",
  "batchSize",
  "shuffle",
  "seed",
  "sampleWeight",
  "classWeight",
  "validationData",
  "track",
  "callbacks",
  "variables",
  "quiet",
];
const TRACK_OPTION_KEYS = ["pass", "task", "fromLogits"];

/** Validates the whole call, in the order the errors have always been reported. */
function checkTrainCall(
  model: LayersModel | ModelFunction,
  x: TensorInput,
  y: TensorInput,
  options: TrainOptions,
): TrainPlan {
  assertKnownOptions(FN, options, TRAIN_OPTION_KEYS);
  const perSample = checkLoss(options);
  const reduce = resolveReduction(options);
  const epochs = options.epochs ?? 1;
  assertPositiveInteger(FN, "epochs", epochs);
  const batchSize = options.batchSize ?? 32;
  assertPositiveInteger(FN, "batchSize", batchSize);
  const random = shuffleSource(options.seed);
  checkPlainOptions(options);
  const bound = bindModel(model, options.variables);
  const data = checkData(TRAINING_NAMES, x, y, options.sampleWeight, options.classWeight);
  assertModelInput(FN, TRAINING_NAMES.x, model, shapeOf(x, FN, TRAINING_NAMES.x));
  const validation = checkValidation(options.validationData);
  if (validation !== null) {
    assertModelInput(FN, VALIDATION_NAMES.x, model, shapeOf(validation.x, FN, VALIDATION_NAMES.x));
  }
  const track = options.track === true ? {} : options.track ? options.track : null;
  if (track !== null) assertKnownOptions(FN, track, TRACK_OPTION_KEYS, "options.track");
  return { perSample, reduce, model: bound, epochs, batchSize, random, track, data, validation };
}

/** Options that are read later, mid-run, checked now so a typo fails before any update. */
function checkPlainOptions(options: TrainOptions): void {
  for (const key of ["shuffle", "quiet"] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== "boolean") {
      throw new TypeError(`${FN}: options.${key} is ${describeValue(v)}, expected true or false`);
    }
  }
  const opt = options.optimizer as unknown;
  if (opt !== undefined && !(opt instanceof tf.Optimizer)) {
    throw new TypeError(
      `${FN}: options.optimizer is ${describeValue(opt)}, expected a tf.Optimizer ` +
        "(e.g. tf.train.adam(0.01))",
    );
  }
  const callbacks = options.callbacks as unknown;
  if (callbacks === undefined) return;
  if (callbacks === null || typeof callbacks !== "object" || Array.isArray(callbacks)) {
    throw new TypeError(
      `${FN}: options.callbacks is ${
        describeValue(callbacks)
      }, expected { onBatchEnd?, onEpochEnd? }`,
    );
  }
  assertKnownOptions(FN, callbacks, ["onBatchEnd", "onEpochEnd"], "options.callbacks");
  for (const [name, f] of Object.entries(callbacks)) {
    if (f !== undefined && typeof f !== "function") {
      throw new TypeError(
        `${FN}: options.callbacks.${name} is ${describeValue(f)}, expected a function`,
      );
    }
  }
}

/** The per-sample loss, also when a `makeLoss` result (which carries one) is given. */
function checkLoss(options: TrainOptions | undefined): PerSampleLoss {
  if (options === undefined || typeof options.loss !== "function") {
    throw new TypeError(
      `${FN}: options.loss must be a per-sample loss function (yTrue, yPred) => [batch]`,
    );
  }
  const lossObj = options.loss as Partial<LossFunction>;
  return typeof lossObj.perSample === "function" ? lossObj.perSample : options.loss;
}

/** The reduction as one function: the option, else the `makeLoss` result's, else the Keras default. */
function resolveReduction(options: TrainOptions): ReduceFunction {
  const lossObj = options.loss as Partial<LossFunction>;
  const reductionOpt = options.reduction ?? lossObj.reduction ?? "sum_over_batch_size";
  if (typeof reductionOpt === "function") return reductionOpt;
  const reduction = checkReduction(FN, reductionOpt);
  if (reduction === "none") {
    throw new RangeError(`${FN}: reduction "none" leaves no scalar to minimise`);
  }
  return (v: tf.Tensor, w: tf.Tensor | null) =>
    reduceLoss(v, w === null ? { reduction } : { reduction, sampleWeight: w });
}

/** The shuffle's random source: seeded, or `Math.random` as `model.fit` uses. */
function shuffleSource(seed: number | undefined): () => number {
  if (seed === undefined) return Math.random;
  assertSeed(FN, "seed", seed);
  return seededRandom(seed);
}

/** A `LayersModel` and a plain function are trained the same way once bound. */
function bindModel(
  model: LayersModel | ModelFunction,
  variables: readonly Variable[] | undefined,
): BoundModel {
  if (model instanceof tf.LayersModel) {
    return {
      forward: (xb, training) => model.apply(xb, { training }) as tf.Tensor,
      variables: model.trainableWeights.map((v) => v.read() as tf.Variable),
      regularizers: () => model.calculateLosses(),
    };
  }
  if (typeof model !== "function") {
    throw new TypeError(
      `${FN}: model is ${
        describeValue(model)
      }, expected a tf.LayersModel or a function (x, training) => y`,
    );
  }
  if (variables !== undefined) {
    if (!Array.isArray(variables)) {
      throw new TypeError(
        `${FN}: options.variables is ${describeValue(variables)}, expected an array of tf.Variable`,
      );
    }
    variables.forEach((v, i) => {
      if (!(v instanceof tf.Variable)) {
        throw new TypeError(
          `${FN}: options.variables[${i}] is ${describeValue(v)}, expected a tf.Variable`,
        );
      }
    });
  }
  // A function model declares no input shape, so its failure (often a tfjs shape error from
  // inside it) is reported with the shape of the batch it was given; the original is the cause.
  const forward = (xb: tf.Tensor, training: boolean): tf.Tensor => {
    try {
      return model(xb, training);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new RangeError(
        `${FN}: the model function threw on a batch of x of shape ${
          formatShape(xb.shape)
        }: ${message}`,
        { cause: error },
      );
    }
  };
  return { forward, variables: variables?.slice(), regularizers: () => [] };
}

/** Validation data is checked as training data is, with its own sample weights only. */
function checkValidation(validationData: TrainOptions["validationData"]): CheckedData | null {
  if (validationData === undefined) return null;
  if (!Array.isArray(validationData) || ![2, 3].includes(validationData.length)) {
    throw new TypeError(
      `${FN}: options.validationData is ${
        describeValue(validationData)
      }, expected [x, y] or [x, y, sampleWeight]`,
    );
  }
  const [vx, vy, vw] = validationData;
  // As in Keras, class weights apply to training only; validation takes its own sample weights.
  return checkData(VALIDATION_NAMES, vx, vy, vw, undefined);
}

/** How errors name the three inputs of training or of validation data. */
interface DataNames {
  x: string;
  y: string;
  sampleWeight: string;
}

const TRAINING_NAMES: DataNames = { x: "x", y: "y", sampleWeight: "sampleWeight" };
const VALIDATION_NAMES: DataNames = {
  x: "options.validationData[0]",
  y: "options.validationData[1]",
  sampleWeight: "options.validationData[2]",
};

/** One sample per row of `x` and `y`, numeric dtypes, finite values, and the combined weights. */
function checkData(
  names: DataNames,
  x: TensorInput,
  y: TensorInput,
  sampleWeight: TensorInput | undefined,
  classWeight: ClassWeight | undefined,
): CheckedData {
  const xs = shapeOf(x, FN, names.x), ys = shapeOf(y, FN, names.y);
  if (xs.length === 0 || xs[0] === 0) {
    throw new RangeError(
      `${FN}: ${names.x} has shape ${formatShape(xs)}, expected [samples, ...] with samples > 0`,
    );
  }
  if (ys.length === 0 || ys[0] !== xs[0]) {
    throw new RangeError(
      `${FN}: ${names.y} has shape ${formatShape(ys)}, expected ${
        xs[0]
      } samples to match ${names.x} ${formatShape(xs)}`,
    );
  }
  const n = xs[0];
  checkConvertible(names.x, x);
  checkConvertible(names.y, y);
  // Before any update: a NaN input would otherwise stop training part-way, after the batches
  // before it had already changed the weights. One read of the data, outside any gradient.
  assertFiniteRows(names.x, x, n);
  assertFiniteRows(names.y, y, n);
  const weights = combinedWeights(names, n, y, sampleWeight, classWeight);
  return { names, x, y, n, weights };
}

/** Refuses NaN and ±Infinity in `value`, naming the sample (row) of the first ones. */
function assertFiniteRows(arg: string, value: TensorInput, n: number): void {
  const v = flatValues(value);
  const perRow = v.length / n;
  assertAllFinite(FN, arg, v, (i) => `sample ${Math.floor(i / perRow)}`);
}

/** `toTensor`'s dtype check, run on a throwaway conversion so it fails before anything is kept. */
function checkConvertible(arg: string, value: TensorInput): void {
  // Nested arrays were fully checked by shapeOf; only a tensor's dtype can still be refused.
  if (value instanceof tf.Tensor) tf.tidy(() => void toTensor(value, FN, arg));
}

/** `sampleWeight` times `classWeight[label]`, as Keras multiplies them; `null` when neither is given. */
function combinedWeights(
  names: DataNames,
  n: number,
  y: TensorInput,
  sampleWeight: TensorInput | undefined,
  classWeight: ClassWeight | undefined,
): Float32Array | null {
  if (sampleWeight === undefined && classWeight === undefined) return null;
  const fn = FN, arg = names.sampleWeight;
  const w = new Float32Array(n).fill(1);
  if (sampleWeight !== undefined) {
    const s = shapeOf(sampleWeight, fn, arg);
    if (!(s.length === 1 && s[0] === n) && !(s.length === 2 && s[0] === n && s[1] === 1)) {
      throw new RangeError(
        `${fn}: ${arg} has shape ${
          formatShape(s)
        }, expected [${n}] (one weight per sample of ${names.x})`,
      );
    }
    const v = sampleWeight instanceof tf.Tensor
      ? sampleWeight.dataSync()
      : (sampleWeight as number[] | number[][]).flat();
    for (let i = 0; i < n; i++) {
      const x = Number(v[i]);
      if (!Number.isFinite(x) || x < 0) {
        throw new RangeError(
          `${fn}: ${arg} has value ${x} at sample ${i}, expected finite weights >= 0`,
        );
      }
      w[i] = x;
    }
  }
  if (classWeight !== undefined) {
    const ids = classIds(fn, names.y, y);
    const table = classWeight as Record<number, number>;
    for (const [c, v] of Object.entries(table)) {
      if (!Number.isFinite(v) || v < 0) {
        throw new RangeError(`${fn}: classWeight[${c}] is ${v}, expected a finite weight >= 0`);
      }
    }
    for (let i = 0; i < n; i++) {
      const cw = table[ids[i]];
      if (cw === undefined) {
        const known = Object.keys(table).join(", ");
        throw new RangeError(
          `${fn}: class ${ids[i]} (first at sample ${i}) has no entry in classWeight, ` +
            `which covers classes ${known}`,
        );
      }
      w[i] *= cw;
    }
  }
  return w;
}

/** Class ids of `y` (integer labels, or one-hot rows) read as float32, as training will see them. */
function classIds(fn: string, arg: string, y: TensorInput): Int32Array {
  // Assigned rather than returned: tf.tidy would walk a returned typed array element by element.
  let ids = new Int32Array(0);
  tf.tidy(() => {
    const t = toTensor(y, fn, arg);
    const twoD = t.shape.length === 2 && t.shape[1] > 1;
    const values = twoD ? tf.argMax(t, 1).dataSync() : t.dataSync();
    ids = Int32Array.from(values, (v, i) => {
      if (!Number.isInteger(v) || v < 0) {
        throw new RangeError(
          `${fn}: classWeight needs integer class labels in y, but y has value ${v} at sample ${i}`,
        );
      }
      return v;
    });
  });
  return ids;
}

// ---------------------------------------------------------------------------------------------
// The run: tensors and optimizer, allocated after the checks and released together.

/** Training or validation data as tensors the run owns. */
interface Prepared {
  x: tf.Tensor;
  y: tf.Tensor;
  w: tf.Tensor | null;
  n: number;
}

/** The state of one `train` call: its plan, what it allocated, and the tracker once made. */
interface Run {
  plan: TrainPlan;
  optimizer: tf.Optimizer;
  ownOptimizer: boolean;
  owned: tf.Tensor[];
  data: Prepared;
  val: Prepared | null;
  tracker: SampleTracker | null;
  /** Class ids of the training samples, read once when a classification tracker is made. */
  labelIds: Int32Array | null;
}

/** Creates the run's tensors (after the checks) and frees what it made if anything fails. */
function allocateRun(plan: TrainPlan, optimizer: Optimizer | undefined): Run {
  const ownOptimizer = optimizer === undefined;
  const opt = optimizer ?? tf.train.adam(0.01);
  const owned: tf.Tensor[] = [];
  try {
    const data = toPrepared(plan.data, owned);
    const val = plan.validation ? toPrepared(plan.validation, owned) : null;
    return { plan, optimizer: opt, ownOptimizer, owned, data, val, tracker: null, labelIds: null };
  } catch (error) {
    tf.dispose(owned);
    if (ownOptimizer) opt.dispose();
    throw error;
  }
}

/** Tensors of checked data; a tensor passed in is cloned so the run may dispose all it holds. */
function toPrepared(d: CheckedData, owned: tf.Tensor[]): Prepared {
  const own = (input: TensorInput, arg: string) => {
    const t = toTensor(input, FN, arg);
    const mine = t === input ? t.clone() : t;
    owned.push(mine);
    return mine;
  };
  const x = own(d.x, d.names.x), y = own(d.y, d.names.y);
  const w = d.weights ? tf.tensor1d(d.weights) : null;
  if (w) owned.push(w);
  return { x, y, w, n: d.n };
}

/** Frees what the run allocated (the optimizer only when `train` made it). */
function releaseRun(run: Run): void {
  tf.dispose(run.owned);
  if (run.ownOptimizer) run.optimizer.dispose();
}

// ---------------------------------------------------------------------------------------------
// One epoch: batches in order, then the clean tracking pass, validation, progress and callbacks.

/** Keras's shuffle as tfjs implements it (`tf.util.shuffle`), on any random source. */
function shuffleLikeTfjs(a: Int32Array, random: () => number): void {
  let counter = a.length;
  while (counter > 0) {
    const index = (random() * counter) | 0;
    counter--;
    const t = a[counter];
    a[counter] = a[index];
    a[index] = t;
  }
}

/** Every batch of the epoch in `order`; the loss is the batch losses weighted by size, over n. */
async function trainEpoch(
  run: Run,
  order: Int32Array,
  epoch: number,
  options: TrainOptions,
): Promise<{ loss: number; stopped: boolean }> {
  const n = run.data.n, batchSize = run.plan.batchSize;
  if (run.tracker?.pass === "training") run.tracker.startEpoch();
  let total = 0;
  for (let start = 0, batch = 0; start < n; start += batchSize, batch++) {
    const end = Math.min(start + batchSize, n);
    const ids = order.subarray(start, end);
    const stats = trainStep(run, epoch, batch, ids);
    total += stats.loss * (end - start);
    trackBatch(run, ids, stats);
    if (options.callbacks?.onBatchEnd) {
      const r = await options.callbacks.onBatchEnd(batch, { loss: stats.loss, size: end - start });
      if (r === "stop") return { loss: total / n, stopped: true };
    }
  }
  return { loss: total / n, stopped: false };
}

/** The epoch's logs: its training loss, after the clean tracking pass, and the validation loss. */
function measureEpoch(run: Run, loss: number): EpochLogs {
  const logs: EpochLogs = { loss };
  if (run.tracker?.pass === "clean") cleanPass(run, run.tracker);
  if (run.val) logs.valLoss = evaluate(run, run.val);
  return logs;
}

/** Progress line and `onEpochEnd`; tells whether the callback asked to stop. */
async function reportEpoch(
  progress: Progress,
  epoch: number,
  logs: EpochLogs,
  options: TrainOptions,
): Promise<boolean> {
  const status = `loss ${formatNumber(logs.loss, PROGRESS_DIGITS)}` +
    (logs.valLoss !== undefined ? `  val_loss ${formatNumber(logs.valLoss, PROGRESS_DIGITS)}` : "");
  await progress.update(epoch + 1, status);
  if (!options.callbacks?.onEpochEnd) return false;
  return (await options.callbacks.onEpochEnd(epoch, logs)) === "stop";
}

/** Mean validation loss over batches weighted by size, with the training loss and reduction. */
function evaluate(run: Run, v: Prepared): number {
  const { batchSize, model, perSample, reduce } = run.plan;
  let sum = 0;
  for (let start = 0; start < v.n; start += batchSize) {
    const end = Math.min(start + batchSize, v.n);
    sum += tf.tidy(() => {
      const xb = v.x.slice(start, end - start), yb = v.y.slice(start, end - start);
      const wb = v.w ? v.w.slice(start, end - start) : null;
      const per = perSample(yb, model.forward(xb, false));
      const value = reduce(per, wb).dataSync()[0];
      // A NaN validation loss would be logged as a number and plotted; refuse it like training does.
      if (!Number.isFinite(value)) {
        assertAllFinite(
          FN,
          "the validation loss",
          per.dataSync(),
          (i) => `validation sample ${start + i}`,
        );
        assertAllFinite(
          FN,
          "the validation loss",
          [value],
          () => `validation batch from sample ${start}`,
        );
      }
      return value;
    }) * (end - start);
  }
  return sum / v.n;
}

// ---------------------------------------------------------------------------------------------
// One training step.

/** What a step reports: the reduced loss and, when tracking reads them, per-sample values. */
interface StepResult {
  loss: number;
  /** Per-sample losses, followed by the predictions for classification. */
  values?: Float32Array;
  /** The prediction's shape, on the step that makes the tracker. */
  predShape?: number[];
}

/** One update on the batch `ids`; the loss is checked before the update is applied. */
function trainStep(run: Run, epoch: number, batch: number, ids: Int32Array): StepResult {
  // The prediction and per-sample losses are kept out of the gradient's scope so they can be read
  // after the update; they belong to no tidy, so they are freed by hand.
  const kept: tf.Tensor[] = [];
  try {
    return tf.tidy(() => {
      const value = applyBatchUpdate(run, epoch, batch, ids, kept);
      const firstTracked = run.tracker === null && run.plan.track !== null;
      if (!firstTracked && run.tracker?.pass !== "training") return { loss: value };
      const [pred, per] = kept;
      const values = trackedValues(run, ids, pred, per);
      return { loss: value, values, predShape: firstTracked ? pred.shape : undefined };
    });
  } finally {
    tf.dispose(kept);
  }
}

/** Gradient of the batch loss, checked finite, then applied; returns the loss. */
function applyBatchUpdate(
  run: Run,
  epoch: number,
  batch: number,
  ids: Int32Array,
  kept: tf.Tensor[],
): number {
  const { value, grads } = batchGradients(run, ids, kept);
  const lossValue = value.dataSync()[0];
  if (!Number.isFinite(lossValue)) throw nonFiniteLoss(epoch, batch, ids, kept[1], lossValue);
  run.optimizer.applyGradients(grads);
  return lossValue;
}

/** The batch's weighted, reduced loss plus regulariser losses, and its gradients. */
function batchGradients(
  run: Run,
  ids: Int32Array,
  kept: tf.Tensor[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const { data, plan } = run;
  const idx = tf.tensor1d(ids, "int32");
  const xb = tf.gather(data.x, idx), yb = tf.gather(data.y, idx);
  const wb = data.w ? tf.gather(data.w, idx) : null;
  return variableGradsFreeingTape(() => {
    const pred = tf.keep(plan.model.forward(xb, true));
    kept.push(pred);
    const per = tf.keep(plan.perSample(yb, pred));
    kept.push(per);
    if (wb && per.rank === 0) throw scalarLossWithWeights();
    if (per.rank > 0 && per.shape[0] !== ids.length) {
      throw new RangeError(
        `${FN}: options.loss returned shape ${
          formatShape(per.shape)
        } for a batch of ${ids.length}` +
          ` samples, expected [${ids.length}] (one loss per sample)`,
      );
    }
    let loss = plan.reduce(per, wb) as tf.Scalar;
    for (const r of plan.model.regularizers()) loss = tf.add(loss, r);
    return loss;
  }, plan.model.variables);
}

/** The shared tape-freeing gradient, with tfjs's "no connection" error said in train's words. */
function variableGradsFreeingTape(
  f: () => tf.Scalar,
  varList: tf.Variable[] | undefined,
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  try {
    return gradsFreeingTape(f, varList);
  } catch (error) {
    if (String((error as Error)?.message).startsWith("Cannot find a connection")) {
      throw new RangeError(
        `${FN}: the loss does not depend on the trained variables (options.variables, or the ` +
          "model's weights), so there is no gradient; build the loss from the prediction",
      );
    }
    throw error;
  }
}

/**
 * The kit's own lesson, enforced: weights act sample by sample only on per-sample losses. A loss
 * that already averaged the batch would be rescaled by the mean weight, silently.
 */
function scalarLossWithWeights(): RangeError {
  return new RangeError(
    `${FN}: options.loss returned one number for the whole batch (shape []), so the sample ` +
      `weights (options.sampleWeight / options.classWeight) could only rescale it by their mean ` +
      `instead of weighting each sample. Return one loss per sample, shape [batch] ` +
      `(e.g. tf.mean(x, -1) rather than tf.mean(x)).`,
  );
}

/** The error for a non-finite batch loss, naming the first non-finite per-sample loss. */
function nonFiniteLoss(
  epoch: number,
  batch: number,
  ids: Int32Array,
  per: tf.Tensor,
  lossValue: number,
): NonFiniteLossError {
  const values = per.size === ids.length ? per.dataSync() : new Float32Array(0);
  const j = values.findIndex((q) => !Number.isFinite(q));
  return new NonFiniteLossError(epoch, batch, j >= 0 ? ids[j] : -1, j >= 0 ? values[j] : lossValue);
}

// ---------------------------------------------------------------------------------------------
// Tracking. The tracker is made after the first step, once the prediction's shape (and so the
// task) is known.

/** The batch's per-sample losses (and predictions, for classification), read for tracking. */
function trackedValues(run: Run, ids: Int32Array, pred: tf.Tensor, per: tf.Tensor): Float32Array {
  const task = run.plan.track?.task ?? (run.tracker ? run.tracker.task : inferTask(pred.shape));
  if (per.size !== ids.length) {
    throw new RangeError(
      `${FN}: tracking needs per-sample losses of shape [${ids.length}], but the loss returned ${
        formatShape(per.shape)
      }`,
    );
  }
  // Losses and predictions are read as they are (tf.concat costs ~1 ms on wasm); class
  // statistics are computed in JS.
  return readValues(per.reshape([ids.length]), task === "regression" ? null : pred);
}

/** Per-sample losses followed by the predictions (or the losses alone), as one array. */
function readValues(v: tf.Tensor, p: tf.Tensor | null): Float32Array {
  const loss = v.dataSync() as Float32Array;
  if (p === null) return loss;
  const pred = p.dataSync() as Float32Array;
  const out = new Float32Array(loss.length + pred.length);
  out.set(loss);
  out.set(pred, loss.length);
  return out;
}

/** Makes the tracker on the first step, then records the training pass's values. */
function trackBatch(run: Run, ids: Int32Array, stats: StepResult): void {
  const track = run.plan.track;
  if (stats.predShape && track) {
    const task = track.task ?? inferTask(stats.predShape);
    run.tracker = new SampleTracker(run.data.n, { ...track, task });
    if (task !== "regression") run.labelIds = trackingLabels(run.data.y, task);
    if (run.tracker.pass === "training") run.tracker.startEpoch();
  }
  if (run.tracker?.pass === "training") record(run, run.tracker, ids, stats.values!);
}

/** Stores one batch's values, with true-class probability and correctness for classification. */
function record(run: Run, tr: SampleTracker, ids: ArrayLike<number>, values: Float32Array): void {
  const b = ids.length;
  const labelIds = run.labelIds;
  if (tr.task === "regression" || labelIds === null) {
    tr.record(ids, values.subarray(0, b));
    return;
  }
  const labels = Int32Array.from(ids, (i) => labelIds[i]);
  const fromLogits = run.plan.track?.fromLogits ?? false;
  const { prob, correct } = classStats(values.subarray(b), labels, tr.task, fromLogits);
  tr.record(ids, values.subarray(0, b), prob, correct);
}

/** The `"clean"` pass: per-sample values of the whole training set after the epoch's updates. */
function cleanPass(run: Run, tr: SampleTracker): void {
  const { batchSize, model, perSample } = run.plan;
  const { x, y, n } = run.data;
  tr.startEpoch();
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    const values = tf.tidy(() => {
      const xb = x.slice(start, end - start), yb = y.slice(start, end - start);
      const p = model.forward(xb, false);
      const v = perSample(yb, p).reshape([end - start]);
      return readValues(v, tr.task === "regression" ? null : p);
    });
    record(run, tr, Int32Array.from({ length: end - start }, (_, i) => start + i), values);
  }
}
