/**
 * Masked per-token losses for padded sequences: which tokens count, and what the sum is divided by.
 *
 * Per-token losses come as `[batch, time]` (for example from `meanSquaredError` on
 * `[batch, time, 1]` predictions, or `sparseCategoricalCrossentropy` on `[batch, time, k]`), with
 * either the real length of every sequence (padding at the end) or a 0/1 mask of the same shape
 * (padding anywhere). Three normalisations, with `ℓ` the losses, `m` the mask, `nᵢ = Σₜ mᵢₜ` the
 * real tokens of sequence `i` and `B` the batch size:
 *
 * | normalization | in words | formula |
 * |---|---|---|
 * | `"token"` | every real token in the batch counts the same | `Σᵢₜ ℓ·m / Σᵢₜ m` |
 * | `"sequence"` | every sequence counts the same, whatever its length | `(1/B') Σᵢ (Σₜ ℓᵢₜ·mᵢₜ / nᵢ)` |
 * | `"batch"` | the token sum divided by a constant, the batch size | `Σᵢₜ ℓ·m / B` |
 *
 * **All-padding sequences** (`nᵢ = 0`) are excluded by default: they add nothing to any sum, and
 * `"sequence"` averages over the `B'` sequences that have at least one real token (their own mean
 * would be 0/0). `"batch"` still divides by the full `B`, since its point is a denominator that
 * does not depend on the data. With `allPadding: "error"` any all-padding sequence is a RangeError
 * naming its row. A batch with no real token at all is always a RangeError (its loss is 0/0),
 * unless `numItemsInBatch` supplies the denominator.
 *
 * **Checks.** Every function here refuses unknown option (or spec) keys, a mask or lengths that
 * do not fit `[batch, time]`, and NaN or ±Infinity at a real token. Padding may hold anything
 * (a padded label's log of 0, say): it never enters a loss, and selecting rather than
 * multiplying by the mask keeps it out. A `perToken` tensor is read on the host for the NaN check
 * only outside a gradient tape; inside one (training), a NaN reaches the loss value, where the
 * training loop reports it, and the step pays for no read.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  assertAllFinite,
  assertKnownOptions,
  assertNumberIn,
  assertOneOf,
  assertPositiveInteger,
  describeValue,
} from "../_core/checks.ts";
import {
  formatShape,
  shapeOf,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../_core/tensor_input.ts";
import { recordingGradient } from "./_batch.ts";

/** How masked per-token losses are normalised; see the module table. */
export type SequenceNormalization = "token" | "sequence" | "batch";

/** Every {@linkcode SequenceNormalization}, in the order the docs list them. */
export const SEQUENCE_NORMALIZATIONS: readonly SequenceNormalization[] = [
  "token",
  "sequence",
  "batch",
];

/** Which tokens are real: give `lengths` or `mask`, not both; neither means every token is real. */
export interface MaskSpec {
  /** Real length of every sequence, `[batch]` integers in `[0, time]`; padding is at the end. */
  lengths?: TensorInput;
  /** A 0/1 mask of shape `[batch, time]`; 1 marks a real token. Padding may be anywhere. */
  mask?: TensorInput;
}

/** Options for {@linkcode maskedLoss}. */
export interface MaskedLossOptions extends MaskSpec {
  /** Default `"token"`. */
  normalization?: SequenceNormalization;
  /** What an all-padding sequence does: `"exclude"` it (default) or throw (`"error"`). */
  allPadding?: "exclude" | "error";
  /**
   * Divide the masked token sum by this count instead of this batch's own `Σ m` (only with
   * `"token"`). This is `num_items_in_batch` of Hugging Face transformers: the real tokens of the
   * whole optimiser step, so micro-batches of a gradient-accumulation step add up to the full
   * batch's token mean. Must be a positive finite number.
   */
  numItemsInBatch?: number;
}

/** The three normalisations of one batch side by side, with the weight each sequence gets. */
export interface NormalizationComparison {
  /** `Σ ℓ·m / Σ m`. */
  token: number;
  /** Mean over non-empty sequences of each sequence's token mean. */
  sequence: number;
  /** `Σ ℓ·m / B`. */
  batch: number;
  /** Each sequence's token mean (0 for an all-padding sequence). */
  sequenceMeans: number[];
  /** Real tokens per sequence, `nᵢ`. */
  tokenCounts: number[];
  /**
   * The factor each sequence's token mean is multiplied by in each loss: loss = Σᵢ weightᵢ ·
   * sequenceMeanᵢ. `token`: `nᵢ / Σ n` (long sequences weigh more); `sequence`: `1 / B'`
   * (0 for all-padding rows); `batch`: `nᵢ / B` (weights sum to the mean length, not 1).
   */
  weights: { token: number[]; sequence: number[]; batch: number[] };
}

/** One cell of a sequence heatmap: a (sequence, time step) pair of a `[batch, time]` loss. */
export interface SequenceLossCell {
  /** Row index in the batch. */
  sequence: number;
  /** Row label (for example the stock symbol); `"0"`, `"1"`, ... when no labels were given. */
  label: string;
  /** Time step index (column). */
  time: number;
  /** The per-token loss, also at padding (so a chart can show what the mask removes). */
  loss: number;
  /** Whether the token is real (mask 1) or padding (mask 0). */
  real: boolean;
}

/** Options for {@linkcode sequenceLossCells}. */
export interface SequenceLossCellsOptions extends MaskSpec {
  /** One label per sequence, e.g. the stock symbols. */
  labels?: readonly string[];
}

function checkPerToken(fn: string, perToken: TensorInput): [number, number] {
  const shape = shapeOf(perToken, fn, "perToken");
  if (shape.length !== 2 || shape[0] === 0 || shape[1] === 0) {
    throw new RangeError(
      `${fn}: perToken has shape ${formatShape(shape)}, expected non-empty [batch, time] losses`,
    );
  }
  return [shape[0], shape[1]];
}

/**
 * A 0/1 float32 mask `[batch, time]` from sequence lengths: `mask[i][t] = t < lengths[i]`.
 *
 * @example
 * ```ts
 * import { sequenceMask } from "./masked.ts";
 * const m = sequenceMask([3, 1], 4);
 * if (JSON.stringify(m.arraySync()) !== "[[1,1,1,0],[1,0,0,0]]") throw new Error("unexpected");
 * m.dispose();
 * ```
 */
export function sequenceMask(lengths: TensorInput, time: number): Tensor {
  const fn = "sequenceMask";
  assertPositiveInteger(fn, "time", time);
  if (lengths === undefined) {
    throw new TypeError(`${fn}: lengths is undefined, expected [batch] sequence lengths`);
  }
  const values = maskRows(fn, { lengths }, -1, time, "");
  return tf.tensor2d(values, [values.length / time, time]);
}

/**
 * Checks a mask spec against `[batch, time]` and returns the mask as a flat Float32Array. `batch`
 * of -1 takes the batch from the spec itself. `prefix` is how the caller's signature names the
 * spec's fields in messages: `"options."`, `"spec."`, or `""` for a positional `lengths`.
 */
function maskRows(
  fn: string,
  spec: MaskSpec,
  batch: number,
  time: number,
  prefix: string,
): Float32Array {
  if (spec.lengths !== undefined && spec.mask !== undefined) {
    throw new TypeError(
      `${fn}: give lengths or mask, not both (${prefix}lengths and ${prefix}mask are both set)`,
    );
  }
  if (spec.lengths !== undefined) {
    const arg = `${prefix}lengths`;
    const shape = shapeOf(spec.lengths, fn, arg);
    if (shape.length !== 1 || shape[0] === 0 || (batch >= 0 && shape[0] !== batch)) {
      throw new RangeError(
        `${fn}: ${arg} has shape ${formatShape(shape)}, expected [${
          batch >= 0 ? batch : "batch"
        }] (one length per sequence${batch >= 0 ? "" : ", at least one"})`,
      );
    }
    const lengths = flat(spec.lengths);
    const out = new Float32Array(lengths.length * time);
    for (let i = 0; i < lengths.length; i++) {
      const n = lengths[i];
      if (!Number.isInteger(n) || n < 0) {
        throw new RangeError(
          `${fn}: ${arg} has value ${n} at index ${i}, expected a non-negative integer`,
        );
      }
      if (n > time) {
        throw new RangeError(
          `${fn}: ${arg} has value ${n} at index ${i}, longer than the time axis (${time})`,
        );
      }
      out.fill(1, i * time, i * time + n);
    }
    return out;
  }
  if (spec.mask !== undefined) {
    const arg = `${prefix}mask`;
    const shape = shapeOf(spec.mask, fn, arg);
    if (shape.length !== 2 || shape[0] !== batch || shape[1] !== time) {
      throw new RangeError(
        `${fn}: ${arg} has shape ${formatShape(shape)}, expected [${batch}, ${time}] like perToken`,
      );
    }
    const values = Float32Array.from(flat(spec.mask));
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== 0 && values[i] !== 1) {
        throw new RangeError(
          `${fn}: ${arg} has value ${values[i]} at [${Math.floor(i / time)}, ${
            i % time
          }], expected 0 or 1`,
        );
      }
    }
    return values;
  }
  return new Float32Array(batch * time).fill(1);
}

/**
 * Throws a RangeError (count and first `[row, step]` positions) unless every real token's loss is
 * finite. Padding holds whatever the model and the padded labels produce there (a log of 0, say)
 * and never enters a loss, so it is not checked. A tensor is read only outside a gradient tape:
 * inside one (training), a NaN reaches the loss value, where the training loop reports it.
 */
function assertFiniteTokens(
  fn: string,
  perToken: TensorInput,
  mask: Float32Array,
  time: number,
): void {
  if (perToken instanceof tf.Tensor && recordingGradient()) return;
  const values = flat(perToken);
  const real = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) real[i] = mask[i] === 1 ? values[i] : 0;
  assertAllFinite(fn, "perToken", real, (i) => `[${Math.floor(i / time)}, ${i % time}]`);
}

/** The argument a spec's mask came from, for messages about what the mask says. */
function maskArg(spec: MaskSpec, prefix: string): string {
  return spec.mask !== undefined ? `${prefix}mask` : `${prefix}lengths`;
}

function flat(value: TensorInput): number[] {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new TypeError("a disposed tensor was passed");
    return Array.from(value.dataSync());
  }
  return typeof value === "number" ? [value] : (value as unknown[]).flat(Infinity) as number[];
}

function rowCounts(mask: Float32Array, batch: number, time: number): number[] {
  const counts = new Array<number>(batch).fill(0);
  for (let i = 0; i < batch; i++) {
    for (let t = 0; t < time; t++) counts[i] += mask[i * time + t];
  }
  return counts;
}

function checkNormalization(fn: string, value: unknown): SequenceNormalization {
  assertOneOf(fn, "options.normalization", value, SEQUENCE_NORMALIZATIONS);
  return value;
}

/**
 * The mask a spec describes, as a float32 `[batch, time]` tensor, checked against `perToken`'s
 * shape (mask shape, lengths longer than the time axis, values other than 0/1 are RangeErrors).
 *
 * @example
 * ```ts
 * import { resolveMask } from "./masked.ts";
 * const m = resolveMask([[1, 2], [3, 4]], { lengths: [2, 1] });
 * if (JSON.stringify(m.arraySync()) !== "[[1,1],[1,0]]") throw new Error("unexpected");
 * m.dispose();
 * ```
 */
export function resolveMask(perToken: TensorInput, spec: MaskSpec = {}): Tensor {
  const fn = "resolveMask";
  assertKnownOptions(fn, spec, ["lengths", "mask"], "spec");
  const [batch, time] = checkPerToken(fn, perToken);
  return tf.tensor2d(maskRows(fn, spec, batch, time, "spec."), [batch, time]);
}

/**
 * Reduces masked per-token losses `[batch, time]` to one scalar with the chosen normalisation
 * (see the module table): `"token"` `Σ ℓ·m / Σ m`, `"sequence"` `mean over sequences of
 * (Σₜ ℓ·m / nᵢ)`, `"batch"` `Σ ℓ·m / B`. Differentiable with respect to `perToken`.
 *
 * Keras note: a Keras mask (`Masking`, `Embedding(mask_zero=True)`) under the default
 * `sum_over_batch_size` gives the `"token"` mean (Keras 3 `keras/src/losses/loss.py`, `apply_mask`;
 * tf.keras 2 `tf_keras/utils/losses_utils.py`, `apply_valid_mask`). A 0/1 `sample_weight` of shape
 * `[B, T]` gives `Σ ℓ·m / (B·T)`, padding included (`reduce_values`; tf.keras 2
 * `reduce_weighted_loss`). `"batch"` (`Σ ℓ·m / B`) is neither: it is a loss that sums each
 * sequence's tokens and averages over sequences.
 *
 * @example
 * ```ts
 * import { maskedLoss } from "./masked.ts";
 * // two sequences: [1, 2, 3] (3 real) and [6, _, _] (1 real)
 * const perToken = [[1, 2, 3], [6, 100, 100]];
 * const token = maskedLoss(perToken, { lengths: [3, 1] }); // (1+2+3+6)/4 = 3
 * const seq = maskedLoss(perToken, { lengths: [3, 1], normalization: "sequence" }); // (2+6)/2 = 4
 * const batch = maskedLoss(perToken, { lengths: [3, 1], normalization: "batch" }); // 12/2 = 6
 * const got = [token, seq, batch].map((t) => t.arraySync());
 * if (got.join() !== "3,4,6") throw new Error(`got ${got}`);
 * [token, seq, batch].forEach((t) => t.dispose());
 * ```
 */
export function maskedLoss(perToken: TensorInput, options: MaskedLossOptions = {}): Tensor {
  const fn = "maskedLoss";
  assertKnownOptions(fn, options, [
    "lengths",
    "mask",
    "normalization",
    "allPadding",
    "numItemsInBatch",
  ]);
  const normalization = checkNormalization(fn, options.normalization ?? "token");
  const [batch, time] = checkPerToken(fn, perToken);
  const maskValues = maskRows(fn, options, batch, time, "options.");
  const counts = rowCounts(maskValues, batch, time);
  checkAllPadding(fn, options.allPadding ?? "exclude", counts, maskArg(options, "options."));
  const numItems = options.numItemsInBatch;
  if (numItems !== undefined) {
    if (normalization !== "token") {
      throw new RangeError(
        `${fn}: options.numItemsInBatch is ${describeValue(numItems)}, expected undefined with ` +
          `normalization "${normalization}" (it only applies to "token")`,
      );
    }
    assertNumberIn(fn, "options.numItemsInBatch", numItems, {
      min: 0,
      max: Infinity,
      minOpen: true,
    });
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0 && numItems === undefined) {
    throw new RangeError(
      `${fn}: ${maskArg(options, "options.")} marks no real token (every sequence of the batch ` +
        "is padding), expected at least one, since the loss is 0/0; drop this batch or pass " +
        "options.numItemsInBatch",
    );
  }
  assertFiniteTokens(fn, perToken, maskValues, time);
  return tf.tidy(() => {
    const loss = toTensor(perToken, fn, "perToken");
    const mask = tf.tensor2d(maskValues, [batch, time]);
    // Multiplying by the mask would turn a NaN or Infinity at padding into NaN; select instead.
    const masked = tf.where(tf.cast(mask, "bool"), loss, tf.zerosLike(loss));
    if (normalization === "token") return tf.div(tf.sum(masked), numItems ?? total);
    if (normalization === "batch") return tf.div(tf.sum(masked), batch);
    const nonEmpty = counts.filter((n) => n > 0).length;
    // 1/nᵢ per row, 0 for all-padding rows, so those rows drop out of the mean.
    const inverse = tf.tensor1d(counts.map((n) => (n > 0 ? 1 / n : 0)));
    return tf.div(tf.sum(tf.mul(tf.sum(masked, 1), inverse)), nonEmpty);
  });
}

function checkAllPadding(
  fn: string,
  policy: unknown,
  counts: readonly number[],
  arg: string,
): void {
  assertOneOf(fn, "options.allPadding", policy, ["exclude", "error"] as const);
  if (policy === "error") {
    const row = counts.indexOf(0);
    if (row >= 0) {
      throw new RangeError(
        `${fn}: ${arg} makes sequence ${row} all padding (0 real tokens), expected a real token ` +
          `in every sequence, since options.allPadding is "error"`,
      );
    }
  }
}

/**
 * Each sequence's token mean, `Σₜ ℓᵢₜ·mᵢₜ / nᵢ`, as a `[batch]` tensor; an all-padding sequence
 * gets 0 (it has no mean; {@linkcode maskedLoss} excludes it).
 *
 * @example
 * ```ts
 * import { perSequenceLoss } from "./masked.ts";
 * const s = perSequenceLoss([[1, 2, 3], [6, 100, 100], [5, 5, 5]], { lengths: [3, 1, 0] });
 * if ((s.arraySync() as number[]).join() !== "2,6,0") throw new Error("unexpected");
 * s.dispose();
 * ```
 */
export function perSequenceLoss(perToken: TensorInput, spec: MaskSpec = {}): Tensor {
  const fn = "perSequenceLoss";
  assertKnownOptions(fn, spec, ["lengths", "mask"], "spec");
  const [batch, time] = checkPerToken(fn, perToken);
  const maskValues = maskRows(fn, spec, batch, time, "spec.");
  const counts = rowCounts(maskValues, batch, time);
  assertFiniteTokens(fn, perToken, maskValues, time);
  return tf.tidy(() => {
    const loss = toTensor(perToken, fn, "perToken");
    const mask = tf.cast(tf.tensor2d(maskValues, [batch, time]), "bool");
    const sums = tf.sum(tf.where(mask, loss, tf.zerosLike(loss)), 1);
    return tf.divNoNan(sums, tf.tensor1d(counts));
  });
}

/**
 * All three normalisations of one batch, with each sequence's token mean and the weight that
 * mean gets in each loss: the quickest way to see which sequences a normalisation favours.
 *
 * @example
 * ```ts
 * import { compareNormalizations } from "./masked.ts";
 * const c = compareNormalizations([[1, 2, 3], [6, 100, 100]], { lengths: [3, 1] });
 * // token weights 3/4 and 1/4: the long sequence dominates; sequence weights 1/2 and 1/2
 * if (c.token !== 3 || c.sequence !== 4 || c.batch !== 6) throw new Error("unexpected");
 * if (c.weights.token.join() !== "0.75,0.25") throw new Error("unexpected weights");
 * ```
 */
export function compareNormalizations(
  perToken: TensorInput,
  spec: MaskSpec = {},
): NormalizationComparison {
  const fn = "compareNormalizations";
  assertKnownOptions(fn, spec, ["lengths", "mask"], "spec");
  const [batch, time] = checkPerToken(fn, perToken);
  const maskValues = maskRows(fn, spec, batch, time, "spec.");
  const tokenCounts = rowCounts(maskValues, batch, time);
  const total = tokenCounts.reduce((a, b) => a + b, 0);
  if (total === 0) {
    throw new RangeError(
      `${fn}: ${maskArg(spec, "spec.")} marks no real token (every sequence of the batch is ` +
        "padding), expected at least one, since no loss is defined",
    );
  }
  assertFiniteTokens(fn, perToken, maskValues, time);
  const maskTensor = tf.tensor2d(maskValues, [batch, time]);
  const means = perSequenceLoss(perToken, { mask: maskTensor });
  const sequenceMeans = Array.from(means.dataSync());
  tf.dispose([means, maskTensor]);
  const nonEmpty = tokenCounts.filter((n) => n > 0).length;
  const weights = {
    token: tokenCounts.map((n) => n / total),
    sequence: tokenCounts.map((n) => (n > 0 ? 1 / nonEmpty : 0)),
    batch: tokenCounts.map((n) => n / batch),
  };
  const dot = (w: number[]) => w.reduce((acc, wi, i) => acc + wi * sequenceMeans[i], 0);
  return {
    token: dot(weights.token),
    sequence: dot(weights.sequence),
    batch: dot(weights.batch),
    sequenceMeans,
    tokenCounts,
    weights,
  };
}

/**
 * The cells of a sequence heatmap (rows = sequences, columns = time steps, colour = loss, padding
 * marked), row-major, for the chart module's sequence heatmap.
 *
 * @example
 * ```ts
 * import { sequenceLossCells } from "./masked.ts";
 * const cells = sequenceLossCells([[0.5, 0.2]], { lengths: [1], labels: ["GOOG"] });
 * if (cells.length !== 2 || cells[1].real || cells[0].label !== "GOOG") throw new Error("unexpected");
 * ```
 */
export function sequenceLossCells(
  perToken: TensorInput,
  options: SequenceLossCellsOptions = {},
): SequenceLossCell[] {
  const fn = "sequenceLossCells";
  assertKnownOptions(fn, options, ["lengths", "mask", "labels"]);
  const [batch, time] = checkPerToken(fn, perToken);
  const maskValues = maskRows(fn, options, batch, time, "options.");
  const labels: readonly unknown[] | undefined = options.labels;
  if (labels !== undefined) {
    if (!Array.isArray(labels)) {
      throw new TypeError(
        `${fn}: options.labels is ${describeValue(labels)}, expected an array of ${batch} strings`,
      );
    }
    if (labels.length !== batch) {
      throw new RangeError(
        `${fn}: options.labels has ${labels.length} entries, expected ${batch} (one per sequence)`,
      );
    }
    labels.forEach((label, i) => {
      if (typeof label !== "string") {
        throw new TypeError(
          `${fn}: options.labels[${i}] is ${describeValue(label)}, expected a string`,
        );
      }
    });
  }
  assertFiniteTokens(fn, perToken, maskValues, time);
  const losses = flat(perToken);
  const cells: SequenceLossCell[] = [];
  for (let i = 0; i < batch; i++) {
    for (let t = 0; t < time; t++) {
      cells.push({
        sequence: i,
        label: (labels?.[i] as string | undefined) ?? String(i),
        time: t,
        loss: losses[i * time + t],
        real: maskValues[i * time + t] === 1,
      });
    }
  }
  return cells;
}
