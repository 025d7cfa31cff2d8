/**
 * A training loop for tfjs models that honours per-sample weights (tfjs's `LayersModel.fit`
 * rejects `sampleWeight`), with class weights, any Keras reduction, seeded shuffling, validation,
 * callbacks, per-sample tracking and progress.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
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
  type TrackTask,
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

interface Prepared {
  x: tf.Tensor;
  y: tf.Tensor;
  w: tf.Tensor | null;
  n: number;
}

function classIds(fn: string, y: tf.Tensor): Int32Array {
  const twoD = y.shape.length === 2 && y.shape[1] > 1;
  const ids = twoD ? tf.tidy(() => tf.argMax(y, 1).dataSync()) : y.dataSync();
  return Int32Array.from(ids, (v, i) => {
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(
        `${fn}: classWeight needs integer class labels in y, but y has value ${v} at sample ${i}`,
      );
    }
    return v;
  });
}

function combinedWeights(
  fn: string,
  n: number,
  y: tf.Tensor,
  sampleWeight: TensorInput | undefined,
  classWeight: ClassWeight | undefined,
): Float32Array | null {
  if (sampleWeight === undefined && classWeight === undefined) return null;
  const w = new Float32Array(n).fill(1);
  if (sampleWeight !== undefined) {
    const s = shapeOf(sampleWeight, fn, "sampleWeight");
    if (!(s.length === 1 && s[0] === n) && !(s.length === 2 && s[0] === n && s[1] === 1)) {
      throw new RangeError(
        `${fn}: sampleWeight has shape ${
          formatShape(s)
        }, expected [${n}] (one weight per sample of x)`,
      );
    }
    const v = sampleWeight instanceof tf.Tensor
      ? sampleWeight.dataSync()
      : (sampleWeight as number[] | number[][]).flat();
    for (let i = 0; i < n; i++) {
      const x = Number(v[i]);
      if (!Number.isFinite(x) || x < 0) {
        throw new RangeError(
          `${fn}: sampleWeight has value ${x} at sample ${i}, expected finite weights >= 0`,
        );
      }
      w[i] = x;
    }
  }
  if (classWeight !== undefined) {
    const ids = classIds(fn, y);
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

function prepare(fn: string, x: TensorInput, y: TensorInput, options: TrainOptions): Prepared {
  const xs = shapeOf(x, fn, "x"), ys = shapeOf(y, fn, "y");
  if (xs.length === 0 || xs[0] === 0) {
    throw new RangeError(
      `${fn}: x has shape ${formatShape(xs)}, expected [samples, ...] with samples > 0`,
    );
  }
  if (ys.length === 0 || ys[0] !== xs[0]) {
    throw new RangeError(
      `${fn}: y has shape ${formatShape(ys)}, expected ${xs[0]} samples to match x ${
        formatShape(xs)
      }`,
    );
  }
  const n = xs[0];
  const xt = toTensor(x, fn, "x"), yt = toTensor(y, fn, "y");
  const own = (t: tf.Tensor, input: TensorInput) => (t === input ? t.clone() : t);
  const weights = combinedWeights(fn, n, yt, options.sampleWeight, options.classWeight);
  return {
    x: own(xt, x),
    y: own(yt, y),
    w: weights ? tf.tensor1d(weights) : null,
    n,
  };
}

function positiveInt(fn: string, name: string, v: number): number {
  if (!(Number.isInteger(v) && v >= 1)) {
    throw new RangeError(`${fn}: ${name} is ${v}, expected an integer >= 1`);
  }
  return v;
}

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
 *   aside, as with `fit`).
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
  const fn = "train";
  if (options === undefined || typeof options.loss !== "function") {
    throw new TypeError(
      `${fn}: options.loss must be a per-sample loss function (yTrue, yPred) => [batch]`,
    );
  }
  const lossObj = options.loss as Partial<LossFunction>;
  const perSample: PerSampleLoss = typeof lossObj.perSample === "function"
    ? lossObj.perSample
    : (options.loss as PerSampleLoss);
  const reductionOpt = options.reduction ?? lossObj.reduction ?? "sum_over_batch_size";
  const reduce: ReduceFunction = typeof reductionOpt === "function" ? reductionOpt : (() => {
    const reduction = checkReduction(fn, reductionOpt);
    if (reduction === "none") {
      throw new RangeError(`${fn}: reduction "none" leaves no scalar to minimise`);
    }
    return (v: tf.Tensor, w: tf.Tensor | null) =>
      reduceLoss(v, w === null ? { reduction } : { reduction, sampleWeight: w });
  })();
  const epochs = positiveInt(fn, "epochs", options.epochs ?? 1);
  const batchSize = positiveInt(fn, "batchSize", options.batchSize ?? 32);
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new RangeError(`${fn}: seed is ${options.seed}, expected a finite number`);
  }
  const isLayers = model instanceof tf.LayersModel;
  if (!isLayers && typeof model !== "function") {
    throw new TypeError(`${fn}: model must be a tf.LayersModel or a function (x, training) => y`);
  }
  const forward: ModelFunction = isLayers
    ? (xb, training) => (model as tf.LayersModel).apply(xb, { training }) as tf.Tensor
    : (model as ModelFunction);
  const varList: tf.Variable[] | undefined = isLayers
    ? (model as tf.LayersModel).trainableWeights.map((v) => v.read() as tf.Variable)
    : options.variables?.slice();
  const regularizers = isLayers
    ? () => (model as tf.LayersModel).calculateLosses()
    : () => [] as tf.Scalar[];
  const optimizer = options.optimizer ?? tf.train.adam(0.01);
  const ownOptimizer = options.optimizer === undefined;

  const data = prepare(fn, x, y, options);
  let val: Prepared | null = null;
  try {
    if (options.validationData !== undefined) {
      const [vx, vy, vw] = options.validationData;
      // As in Keras, class weights apply to training only; validation takes its own sample weights.
      val = prepare(`${fn} (validationData)`, vx, vy, { loss: options.loss, sampleWeight: vw });
    }
    return await loop();
  } finally {
    tf.dispose([data.x, data.y, ...(data.w ? [data.w] : [])]);
    if (val) tf.dispose([val.x, val.y, ...(val.w ? [val.w] : [])]);
    if (ownOptimizer) optimizer.dispose();
  }

  async function loop(): Promise<TrainResult> {
    const n = data.n;
    const trackOpt: TrackOptions | null = options.track === true
      ? {}
      : options.track
      ? options.track
      : null;
    let tracker: SampleTracker | null = null;
    let task: TrackTask = "regression";
    const fromLogits = trackOpt?.fromLogits ?? false;
    const random = options.seed === undefined ? Math.random : seededRandom(options.seed);
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const history: TrainResult["history"] = { loss: [] };
    if (val) history.valLoss = [];
    const progress = new Progress({ total: epochs, quiet: options.quiet });
    let stopped = false;
    let labelIds: Int32Array | null = null;

    for (let epoch = 0; epoch < epochs && !stopped; epoch++) {
      if (options.shuffle ?? true) shuffleLikeTfjs(order, random);
      if (tracker?.pass === "training") tracker.startEpoch();
      let total = 0;
      for (let start = 0, batch = 0; start < n; start += batchSize, batch++) {
        const end = Math.min(start + batchSize, n);
        const ids = order.subarray(start, end);
        const stats = step(epoch, batch, ids, tracker === null && trackOpt !== null);
        total += stats.loss * (end - start);
        if (stats.firstPred && trackOpt) {
          task = trackOpt.task ?? inferTask(stats.firstPred);
          tracker = new SampleTracker(n, { ...trackOpt, task });
          if (task !== "regression") labelIds = trackingLabels(data.y, task);
          if (tracker.pass === "training") tracker.startEpoch();
        }
        if (tracker?.pass === "training") record(tracker, ids, stats.values!);
        if (options.callbacks?.onBatchEnd) {
          const r = await options.callbacks.onBatchEnd(batch, {
            loss: stats.loss,
            size: end - start,
          });
          if (r === "stop") stopped = true;
        }
        if (stopped) break;
      }
      const logs: EpochLogs = { loss: total / n };
      history.loss.push(logs.loss);
      if (tracker?.pass === "clean") cleanPass(tracker, task);
      if (val) {
        logs.valLoss = evaluate(val);
        history.valLoss!.push(logs.valLoss);
      }
      const status = `loss ${logs.loss.toPrecision(4)}` +
        (logs.valLoss !== undefined ? `  val_loss ${logs.valLoss.toPrecision(4)}` : "");
      await progress.update(epoch + 1, status);
      if (options.callbacks?.onEpochEnd) {
        const r = await options.callbacks.onEpochEnd(epoch, logs);
        if (r === "stop") stopped = true;
      }
    }
    await progress.done();
    return { history, epochs: history.loss.length, stoppedEarly: stopped, tracker };

    // One batch: gather, forward + loss under the tape, check the loss, apply the update, and
    // (when tracking the training pass) read the per-sample values, all in one tidy.
    function step(
      epoch: number,
      batch: number,
      ids: Int32Array,
      firstTracked: boolean,
    ): { loss: number; values?: Float32Array; firstPred?: number[] } {
      // pred and per are kept out of variableGrads' scope to be read after the update; they
      // belong to no tidy, so they are freed by hand.
      const kept: tf.Tensor[] = [];
      try {
        return stepTidy();
      } finally {
        tf.dispose(kept);
      }

      function stepTidy(): { loss: number; values?: Float32Array; firstPred?: number[] } {
        return tf.tidy(() => {
          const idx = tf.tensor1d(ids, "int32");
          const xb = tf.gather(data.x, idx), yb = tf.gather(data.y, idx);
          const wb = data.w ? tf.gather(data.w, idx) : null;
          const { value, grads } = tf.variableGrads(() => {
            const pred = tf.keep(forward(xb, true));
            kept.push(pred);
            const per = tf.keep(perSample(yb, pred));
            kept.push(per);
            let loss = reduce(per, wb) as tf.Scalar;
            for (const r of regularizers()) loss = tf.add(loss, r);
            return loss;
          }, varList);
          const [p, perRaw] = kept;
          const perSampleShape = perRaw.size === ids.length;
          const v = perSampleShape ? perRaw.reshape([ids.length]) : perRaw;
          const lossValue = value.dataSync()[0];
          if (!Number.isFinite(lossValue)) {
            const values = perSampleShape ? v.dataSync() : new Float32Array(0);
            const j = values.findIndex((q) => !Number.isFinite(q));
            throw new NonFiniteLossError(
              epoch,
              batch,
              j >= 0 ? ids[j] : -1,
              j >= 0 ? values[j] : lossValue,
            );
          }
          optimizer.applyGradients(grads);
          const wantValues = firstTracked || tracker?.pass === "training";
          if (!wantValues) return { loss: lossValue };
          const t = trackOpt?.task ?? (tracker ? task : inferTask(p.shape));
          if (!perSampleShape) {
            throw new RangeError(
              `${fn}: tracking needs per-sample losses of shape [${ids.length}], but the loss returned ${
                formatShape(perRaw.shape)
              }`,
            );
          }
          // Losses and predictions are read as they are (tf.concat costs ~1 ms on wasm); class
          // statistics are computed in JS.
          const values = readValues(v, t === "regression" ? null : p);
          return { loss: lossValue, values, firstPred: firstTracked ? p.shape : undefined };
        });
      }
    }

    function readValues(v: tf.Tensor, p: tf.Tensor | null): Float32Array {
      const loss = v.dataSync() as Float32Array;
      if (p === null) return loss;
      const pred = p.dataSync() as Float32Array;
      const out = new Float32Array(loss.length + pred.length);
      out.set(loss);
      out.set(pred, loss.length);
      return out;
    }

    function record(tr: SampleTracker, ids: ArrayLike<number>, values: Float32Array): void {
      const b = ids.length;
      if (tr.task === "regression" || labelIds === null) {
        tr.record(ids, values.subarray(0, b));
        return;
      }
      const labels = Int32Array.from(ids, (i) => labelIds![i]);
      const { prob, correct } = classStats(values.subarray(b), labels, tr.task, fromLogits);
      tr.record(ids, values.subarray(0, b), prob, correct);
    }

    function cleanPass(tr: SampleTracker, t: TrackTask): void {
      tr.startEpoch();
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(start + batchSize, n);
        const values = tf.tidy(() => {
          const xb = data.x.slice(start, end - start), yb = data.y.slice(start, end - start);
          const p = forward(xb, false);
          const v = perSample(yb, p).reshape([end - start]);
          return readValues(v, t === "regression" ? null : p);
        });
        record(tr, Int32Array.from({ length: end - start }, (_, i) => start + i), values);
      }
    }

    function evaluate(v: Prepared): number {
      let sum = 0;
      for (let start = 0; start < v.n; start += batchSize) {
        const end = Math.min(start + batchSize, v.n);
        sum += tf.tidy(() => {
          const xb = v.x.slice(start, end - start), yb = v.y.slice(start, end - start);
          const wb = v.w ? v.w.slice(start, end - start) : null;
          return reduce(perSample(yb, forward(xb, false)), wb).dataSync()[0];
        }) * (end - start);
      }
      return sum / v.n;
    }
  }
}
