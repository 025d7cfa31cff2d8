/**
 * Streaming per-sample evaluation: a model's per-sample losses over a dataset too large to hold
 * as one tensor, batch by batch in bounded memory, with running statistics and a running top-k.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertModelInput } from "../_core/model_input.ts";
import {
  assertAllFinite,
  assertKnownOptions,
  assertOptionalBoolean,
  assertPositiveInteger,
  describeValue,
} from "../_core/checks.ts";
import type { TopLoss } from "./summary.ts";
import type { PerSampleLoss } from "../losses/make_loss.ts";
import { formatShape, type TensorInput, toTensor } from "../_core/tensor_input.ts";
import type { LayersModel, ModelFunction } from "../training/train.ts";

/** One batch: `[x, y]`, tensors or arrays. Tensors yielded are disposed after use. */
export type Batch = readonly [TensorInput, TensorInput];

/** Options for {@linkcode streamingEvaluate}. */
export interface StreamingEvalOptions {
  /** The per-sample loss `(yTrue, yPred) => [batch]`. */
  loss: PerSampleLoss;
  /** Size of the running top-k; default `10`. */
  topK?: number;
  /** Keep every loss in a growing `Float32Array` (4 bytes per row); default `false`. */
  keepLosses?: boolean;
}

/** What {@linkcode streamingEvaluate} returns. */
export interface StreamingEvalResult {
  /** Rows evaluated. */
  count: number;
  /** Mean per-sample loss. */
  mean: number;
  /** Population standard deviation (Welford's running algorithm, per batch). */
  std: number;
  /** Smallest loss. */
  min: number;
  /** Largest loss. */
  max: number;
  /** The k largest losses with their global row indices, largest first. */
  top: TopLoss<never>[];
  /** Every loss, when `keepLosses`; else `null`. */
  losses: Float32Array | null;
  /** Wall-clock seconds. */
  seconds: number;
}

/** A fixed-size min-heap of (loss, index): the k largest seen so far. */
class TopKHeap {
  readonly #k: number;
  #loss: Float64Array;
  #index: Float64Array;
  #size = 0;
  constructor(k: number) {
    this.#k = k;
    this.#loss = new Float64Array(k);
    this.#index = new Float64Array(k);
  }
  push(loss: number, index: number): void {
    if (this.#size < this.#k) {
      let i = this.#size++;
      this.#loss[i] = loss;
      this.#index[i] = index;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (this.#loss[p] <= this.#loss[i]) break;
        this.#swap(i, p);
        i = p;
      }
    } else if (loss > this.#loss[0]) {
      this.#loss[0] = loss;
      this.#index[0] = index;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < this.#size && this.#loss[l] < this.#loss[m]) m = l;
        if (r < this.#size && this.#loss[r] < this.#loss[m]) m = r;
        if (m === i) break;
        this.#swap(i, m);
        i = m;
      }
    }
  }
  #swap(a: number, b: number): void {
    [this.#loss[a], this.#loss[b]] = [this.#loss[b], this.#loss[a]];
    [this.#index[a], this.#index[b]] = [this.#index[b], this.#index[a]];
  }
  sorted(): TopLoss<never>[] {
    return Array.from({ length: this.#size }, (_, i) => ({
      index: this.#index[i],
      loss: this.#loss[i],
    })).sort((a, b) => b.loss - a.loss || a.index - b.index);
  }
}

/**
 * Evaluates `model` batch by batch over `batches` (any iterable or async iterable of `[x, y]`,
 * e.g. {@linkcode arrayBatches}), computing per-sample losses in one `tf.tidy` per batch, so
 * memory stays bounded by the batch size whatever the number of rows. Keeps running mean, std,
 * min, max and the top-k losses (a min-heap), and optionally every loss as a `Float32Array`.
 * A NaN loss is an error naming its row.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../runtime/backend.ts";
 * import { meanSquaredError } from "../losses/regression.ts";
 * import { arrayBatches, streamingEvaluate } from "./streaming_eval.ts";
 * await setupBackend({ backend: "cpu" });
 * const x = Float32Array.from([0, 1, 2, 3, 4]), y = Float32Array.from([0, 1, 2, 3, 10]);
 * const r = await streamingEvaluate((xb) => xb, arrayBatches(x, y, { batchSize: 2 }), {
 *   loss: meanSquaredError, topK: 1,
 * });
 * // identity model: only row 4 is wrong, (4 − 10)² = 36
 * if (r.count !== 5 || r.top[0].index !== 4 || r.top[0].loss !== 36) throw new Error("unexpected");
 * ```
 */
export async function streamingEvaluate(
  model: LayersModel | ModelFunction,
  batches: Iterable<Batch> | AsyncIterable<Batch>,
  options: StreamingEvalOptions,
): Promise<StreamingEvalResult> {
  const fn = "streamingEvaluate";
  assertKnownOptions(fn, options, ["loss", "topK", "keepLosses"]);
  if (!(model instanceof tf.LayersModel) && typeof model !== "function") {
    throw new TypeError(
      `${fn}: model is ${
        describeValue(model)
      }, expected a tf.LayersModel or a function (x, training)`,
    );
  }
  if (typeof options?.loss !== "function") {
    throw new TypeError(
      `${fn}: options.loss is ${describeValue(options?.loss)}, expected a per-sample loss function`,
    );
  }
  const k = options.topK ?? 10;
  assertPositiveInteger(fn, "options.topK", k);
  assertOptionalBoolean(fn, "options.keepLosses", options.keepLosses);
  const forward: (x: tf.Tensor) => tf.Tensor = model instanceof tf.LayersModel
    ? (x) => model.apply(x, { training: false }) as tf.Tensor
    : (x) => model(x, false);
  const start = performance.now();
  const heap = new TopKHeap(k);
  let losses: Float32Array | null = options.keepLosses ? new Float32Array(1024) : null;
  let count = 0, mean = 0, m2 = 0, min = Infinity, max = -Infinity;
  if (batches === null || typeof batches !== "object") {
    throw new TypeError(`${fn}: batches is ${batches}, expected an iterable of [x, y] pairs`);
  }
  for await (const batch of batches) {
    if (!Array.isArray(batch) || batch.length !== 2) {
      throw new TypeError(
        `${fn}: batch ${count === 0 ? "0" : `after row ${count}`} is ${
          describeValue(batch)
        }, expected an [x, y] pair`,
      );
    }
    const [bx, by] = batch;
    let values: Float32Array;
    try {
      values = tf.tidy(() => {
        const xt = toTensor(bx, fn, "x"), yt = toTensor(by, fn, "y");
        if (xt.rank === 0 || yt.rank === 0 || yt.shape[0] !== xt.shape[0]) {
          throw new RangeError(
            `${fn}: the batch from row ${count} has x of shape ${formatShape(xt.shape)} and y of ` +
              `shape ${formatShape(yt.shape)}, expected the same number of rows`,
          );
        }
        assertModelInput(fn, `x of the batch from row ${count}`, model, xt.shape);
        const v = options.loss(yt, forward(xt));
        if (v.size !== xt.shape[0]) {
          throw new RangeError(
            `${fn}: the loss returned ${v.size} values for a batch of ${
              xt.shape[0]
            }; expected per-sample losses`,
          );
        }
        return v.dataSync() as Float32Array;
      });
    } finally {
      for (const t of [bx, by]) if (t instanceof tf.Tensor) t.dispose();
    }
    const b = values.length;
    const first = count;
    assertAllFinite(fn, "the loss", values, (j) => `row ${first + j}`);
    let bs = 0;
    for (let j = 0; j < b; j++) {
      const v = values[j];
      bs += v;
      if (v < min) min = v;
      if (v > max) max = v;
      heap.push(v, count + j);
    }
    // Chan et al.'s parallel update merges the batch's mean and M2 into the running ones.
    const bm = bs / b;
    let bm2 = 0;
    for (let j = 0; j < b; j++) bm2 += (values[j] - bm) ** 2;
    const total = count + b, delta = bm - mean;
    mean += (delta * b) / total;
    m2 += bm2 + (delta * delta * count * b) / total;
    if (losses) {
      if (total > losses.length) {
        const grown = new Float32Array(Math.max(total, losses.length * 2));
        grown.set(losses.subarray(0, count));
        losses = grown;
      }
      losses.set(values, count);
    }
    count = total;
  }
  if (count === 0) throw new RangeError(`${fn}: batches yielded no rows`);
  return {
    count,
    mean,
    std: Math.sqrt(m2 / count),
    min,
    max,
    top: heap.sorted(),
    losses: losses ? losses.slice(0, count) : null,
    seconds: (performance.now() - start) / 1000,
  };
}

/** Options for {@linkcode arrayBatches}. */
export interface ArrayBatchOptions {
  /** Rows per batch; default `1024`. */
  batchSize?: number;
  /** Features per row of `x`; default `1`. */
  numFeatures?: number;
  /** Values per row of `y`; default `1`. */
  targetWidth?: number;
}

/**
 * Batches of `[x, y]` tensors cut from flat row-major typed arrays, one batch at a time, so a
 * million-row array never becomes a million-row tensor.
 *
 * @example
 * ```ts
 * import { arrayBatches } from "./streaming_eval.ts";
 * const sizes = [...arrayBatches(new Float32Array(10), new Float32Array(5), { numFeatures: 2, batchSize: 2 })]
 *   .map(([x]) => { const s = (x as { shape: number[] }).shape.join("x"); (x as { dispose(): void }).dispose(); return s; });
 * if (sizes.join() !== "2x2,2x2,1x2") throw new Error(`${sizes}`);
 * ```
 */
export function arrayBatches(
  x: Float32Array,
  y: Float32Array,
  options: ArrayBatchOptions = {},
): Generator<Batch> {
  // Checked on the call, not on the first `next()`, so a bad call fails where it is written.
  const fn = "arrayBatches";
  assertKnownOptions(fn, options, ["batchSize", "numFeatures", "targetWidth"]);
  for (const [arg, v] of [["x", x], ["y", y]] as const) {
    if (!(v instanceof Float32Array)) {
      throw new TypeError(`${fn}: ${arg} is ${describeValue(v)}, expected a Float32Array`);
    }
  }
  const d = options.numFeatures ?? 1, t = options.targetWidth ?? 1, bs = options.batchSize ?? 1024;
  assertPositiveInteger(fn, "options.numFeatures", d);
  assertPositiveInteger(fn, "options.targetWidth", t);
  const n = x.length / d;
  if (!Number.isInteger(n) || y.length !== n * t) {
    throw new RangeError(
      `${fn}: x has ${x.length} values and y ${y.length}; expected rows × ${d} and rows × ${t}`,
    );
  }
  assertPositiveInteger(fn, "options.batchSize", bs);
  // Refused here, where rows and columns are known, rather than as a NaN loss batches later.
  assertAllFinite(fn, "x", x, (i) => `row ${Math.floor(i / d)} column ${i % d}`);
  assertAllFinite(fn, "y", y, (i) => `row ${Math.floor(i / t)} column ${i % t}`);
  return cutBatches(x, y, n, d, t, bs);
}

function* cutBatches(
  x: Float32Array,
  y: Float32Array,
  n: number,
  d: number,
  t: number,
  bs: number,
): Generator<Batch> {
  for (let s = 0; s < n; s += bs) {
    const e = Math.min(s + bs, n);
    yield [
      tf.tensor2d(x.subarray(s * d, e * d), [e - s, d]),
      tf.tensor2d(y.subarray(s * t, e * t), [e - s, t]),
    ];
  }
}
