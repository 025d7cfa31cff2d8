/**
 * Label-noise experiments: flip a known fraction of labels with a seed, then score a noise
 * detector (per-sample loss, self-confidence, cartography confidence) against the known flips.
 *
 * @module
 */
import { seededRandom } from "../_core/random.ts";
import {
  assertAllFinite,
  assertFraction,
  assertIntegerIn,
  assertKnownOptions,
  assertNonNegativeInteger,
  assertSeed,
  describeValue,
} from "../_core/checks.ts";

/** Options for {@linkcode flipLabels}. */
export interface FlipLabelsOptions {
  /** Fraction of samples whose label is flipped, in `[0, 1]`. */
  fraction: number;
  /** Number of classes `k`; default the largest label + 1. */
  numClasses?: number;
  /** Seed; default `0`. Same seed, same flips. */
  seed?: number;
}

/** What {@linkcode flipLabels} returns. */
export interface FlippedLabels {
  /** The noisy labels. */
  labels: Int32Array;
  /** 1 where the label was flipped. */
  flipped: Uint8Array;
  /** Indices of the flipped samples, ascending. */
  flippedIndices: number[];
}

/**
 * Flips exactly `round(fraction · n)` labels, chosen uniformly with a seed, each to a different
 * class drawn uniformly from the other `k − 1` (symmetric noise).
 *
 * @example
 * ```ts
 * import { flipLabels } from "./label_noise.ts";
 * const { labels, flippedIndices } = flipLabels([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], { fraction: 0.3, seed: 1 });
 * if (flippedIndices.length !== 3) throw new Error("expected 3 flips");
 * if (flippedIndices.some((i) => labels[i] === [0, 1, 2, 0, 1, 2, 0, 1, 2, 0][i])) throw new Error("not flipped");
 * ```
 */
export function flipLabels(labels: ArrayLike<number>, options: FlipLabelsOptions): FlippedLabels {
  const fn = "flipLabels";
  assertKnownOptions(fn, options, ["fraction", "numClasses", "seed"]);
  const n = labels.length;
  if (n === 0) throw new RangeError(`${fn}: labels is empty`);
  for (let i = 0; i < n; i++) assertNonNegativeInteger(fn, `labels[${i}]`, labels[i]);
  const f = options?.fraction;
  assertFraction(fn, "options.fraction", f);
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, labels[i]);
  const k = options.numClasses ?? max + 1;
  const classes = { min: Math.max(2, max + 1), max: Infinity };
  assertIntegerIn(fn, "options.numClasses", k, classes, `to exceed every label (max ${max})`);
  const seed = options.seed ?? 0;
  assertSeed(fn, "options.seed", seed);
  const random = seededRandom(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const flippedIndices = order.slice(0, Math.round(f * n)).sort((a, b) => a - b);
  const out = Int32Array.from(labels), flipped = new Uint8Array(n);
  for (const i of flippedIndices) {
    const shift = 1 + Math.floor(random() * (k - 1));
    out[i] = (out[i] + shift) % k;
    flipped[i] = 1;
  }
  return { labels: out, flipped, flippedIndices };
}

/**
 * Precision at k: the fraction of the `k` highest-scoring samples that are truly noisy
 * (`isNoisy[i]` truthy). Ties are broken by lower index.
 *
 * @example
 * ```ts
 * import { precisionAtK } from "./label_noise.ts";
 * // top 2 scores are samples 1 (noisy) and 3 (clean)
 * if (precisionAtK([0.1, 0.9, 0.2, 0.8], [0, 1, 0, 0], 2) !== 0.5) throw new Error("unexpected");
 * ```
 */
export function precisionAtK(
  scores: ArrayLike<number>,
  isNoisy: ArrayLike<number | boolean>,
  k: number,
): number {
  return precisionAt("precisionAtK", scores, isNoisy, k);
}

function precisionAt(
  fn: string,
  scores: ArrayLike<number>,
  isNoisy: ArrayLike<number | boolean>,
  k: number,
): number {
  checkPair(fn, scores, isNoisy);
  assertIntegerIn(fn, "k", k, { min: 1, max: scores.length });
  const order = Array.from({ length: scores.length }, (_, i) => i)
    .sort((i, j) => scores[j] - scores[i] || i - j);
  let hits = 0;
  for (let r = 0; r < k; r++) if (isNoisy[order[r]]) hits++;
  return hits / k;
}

/**
 * ROC AUC of `scores` for telling noisy samples (`isNoisy` truthy) from clean ones: the
 * probability that a random noisy sample scores above a random clean one, ties counting ½
 * (the Mann–Whitney U statistic with mid-ranks, as scikit-learn's `roc_auc_score`).
 *
 * @example
 * ```ts
 * import { rocAuc } from "./label_noise.ts";
 * // noisy scores {0.8, 0.4} vs clean {0.5, 0.1}: pairs won 3 of 4
 * if (rocAuc([0.8, 0.4, 0.5, 0.1], [1, 1, 0, 0]) !== 0.75) throw new Error("unexpected");
 * ```
 */
export function rocAuc(scores: ArrayLike<number>, isNoisy: ArrayLike<number | boolean>): number {
  return auc("rocAuc", scores, isNoisy);
}

function auc(fn: string, scores: ArrayLike<number>, isNoisy: ArrayLike<number | boolean>): number {
  checkPair(fn, scores, isNoisy);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[i] - scores[j]);
  const rank = new Float64Array(n);
  for (let a = 0; a < n;) {
    let b = a;
    while (b + 1 < n && scores[order[b + 1]] === scores[order[a]]) b++;
    for (let r = a; r <= b; r++) rank[order[r]] = (a + b) / 2 + 1;
    a = b + 1;
  }
  let pos = 0, rankSum = 0;
  for (let i = 0; i < n; i++) {
    if (isNoisy[i]) {
      pos++;
      rankSum += rank[i];
    }
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) {
    throw new RangeError(`${fn}: isNoisy has ${pos} noisy and ${neg} clean samples; need both`);
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function checkPair(fn: string, scores: ArrayLike<number>, isNoisy: ArrayLike<unknown>): void {
  if (scores.length !== isNoisy.length) {
    throw new RangeError(
      `${fn}: scores has ${scores.length} entries but isNoisy has ${isNoisy.length}; they must match`,
    );
  }
  if (scores.length === 0) throw new RangeError(`${fn}: scores is empty`);
  assertAllFinite(fn, "scores", scores);
  for (let i = 0; i < isNoisy.length; i++) {
    const v = isNoisy[i];
    if (!(v === 0 || v === 1 || v === true || v === false)) {
      throw new RangeError(
        `${fn}: isNoisy[${i}] is ${describeValue(v)}, expected 0, 1, true or false`,
      );
    }
  }
}

/** How well a detector's scores find the flipped labels. */
export interface DetectorScore {
  /** Precision among the `k` highest scores (k = number of flips by default). */
  precisionAtK: number;
  /** The k used. */
  k: number;
  /** ROC AUC of the scores against the flips. */
  rocAuc: number;
}

/**
 * Scores a noise detector (higher score = more suspicious, e.g. a per-sample loss, `1 −`
 * self-confidence, or `1 −` cartography confidence) against the known flips: precision at k
 * (default k = number of flips) and ROC AUC.
 *
 * @example
 * ```ts
 * import { scoreDetector } from "./label_noise.ts";
 * const s = scoreDetector([3.2, 0.1, 0.2, 2.9], [1, 0, 0, 1]);
 * if (s.precisionAtK !== 1 || s.rocAuc !== 1) throw new Error("a perfect detector");
 * ```
 */
export function scoreDetector(
  scores: ArrayLike<number>,
  flipped: ArrayLike<number | boolean>,
  options: { k?: number } = {},
): DetectorScore {
  const fn = "scoreDetector";
  assertKnownOptions(fn, options, ["k"]);
  checkPair(fn, scores, flipped);
  let flips = 0;
  for (let i = 0; i < flipped.length; i++) if (flipped[i]) flips++;
  const k = options.k ?? Math.max(1, flips);
  return { precisionAtK: precisionAt(fn, scores, flipped, k), k, rocAuc: auc(fn, scores, flipped) };
}
