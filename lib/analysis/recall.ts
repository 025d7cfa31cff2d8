/**
 * Per-class recall of a classifier, the measure a class weighting is meant to move.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape, type TensorInput, toTensor } from "../_core/tensor_input.ts";
import { assertAllFinite } from "../_core/checks.ts";

/**
 * Recall of each class: the fraction of its samples whose highest score is that class. `labels`
 * are class ids `[n]` or one-hot rows `[n, k]`; `scores` are probabilities or logits `[n, k]`. A
 * class with no samples gets `NaN`.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../runtime/backend.ts";
 * import { perClassRecall } from "./recall.ts";
 * await setupBackend({ backend: "cpu" });
 * // class 0: 1 of 2 right; class 1: 1 of 1 right
 * const r = perClassRecall([0, 0, 1], [[0.9, 0.1], [0.2, 0.8], [0.4, 0.6]]);
 * if (r.join() !== "0.5,1") throw new Error(`got ${r}`);
 * ```
 */
export function perClassRecall(labels: TensorInput, scores: TensorInput): number[] {
  const fn = "perClassRecall";
  let trueIds: number[] = [], predIds: number[] = [], k = 0;
  tf.tidy(() => {
    const s = toTensor(scores, fn, "scores");
    const [n, classes] = s.shape as number[];
    if (s.rank !== 2 || n === 0 || classes < 2) {
      throw new RangeError(
        `${fn}: scores has shape ${formatShape(s.shape)}, expected [n, k], k ≥ 2`,
      );
    }
    const l = toTensor(labels, fn, "labels");
    const ls = l.shape as number[];
    const ids = l.rank === 2 && ls[1] === classes && ls[0] === n
      ? tf.argMax(l, 1)
      : l.rank === 1 && ls[0] === n
      ? l
      : null;
    if (ids === null) {
      throw new RangeError(
        `${fn}: labels has shape ${formatShape(ls)}, expected [${n}] or [${n}, ${classes}]`,
      );
    }
    assertAllFinite(fn, "scores", s.dataSync(), (i) => `row ${Math.floor(i / classes)}`);
    trueIds = Array.from(ids.dataSync());
    predIds = Array.from(tf.argMax(s, 1).dataSync());
    k = classes;
  });
  const bad = trueIds.findIndex((c) => !Number.isInteger(c) || c < 0 || c >= k);
  if (bad >= 0) {
    throw new RangeError(
      `${fn}: labels has ${trueIds[bad]} at ${bad}, expected a class in [0, ${k})`,
    );
  }
  const total = new Array<number>(k).fill(0);
  const right = new Array<number>(k).fill(0);
  trueIds.forEach((c, i) => {
    total[c]++;
    if (predIds[i] === c) right[c]++;
  });
  return total.map((t, c) => (t === 0 ? NaN : right[c] / t));
}
