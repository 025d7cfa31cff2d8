import { dataMap } from "../../lib/analysis/data_map.ts";
import { SampleTracker } from "../../lib/training/tracking.ts";
import { assert, assertClose, assertThrowsWith } from "../assert.ts";

function tracker(probs: number[][]): SampleTracker {
  const t = new SampleTracker(probs[0].length, { task: "multiclass" });
  for (const p of probs) {
    t.startEpoch();
    t.record(p.map((_, i) => i), p.map(() => 0), p, p.map((q) => (q > 0.5 ? 1 : 0)));
  }
  return t;
}

Deno.test("dataMap: confidence, variability (population std) and correctness by hand", () => {
  // Sample 0: p = 0.9, 0.7, 0.8 -> mean 0.8, var ((0.1)² + (0.1)² + 0) / 3 = 0.02/3.
  // Sample 1: 0.2, 0.6, 1.0 -> mean 0.6, var (0.16 + 0 + 0.16) / 3; correct in 2 of 3.
  // Sample 2: 0.1, 0.1, 0.1 -> mean 0.1, std 0, never correct.
  const m = dataMap(tracker([[0.9, 0.2, 0.1], [0.7, 0.6, 0.1], [0.8, 1.0, 0.1]]));
  assertClose(m.confidence, [0.8, 0.6, 0.1], 1e-6);
  assertClose(m.variability, [Math.sqrt(0.02 / 3), Math.sqrt(0.32 / 3), 0], 1e-6);
  assertClose(m.correctness, [1, 2 / 3, 0], 1e-6);
  // Top third by variability (the 2/3 quantile = largest of three) is sample 1.
  assert.deepEqual(m.region, ["easy-to-learn", "ambiguous", "hard-to-learn"]);
  assert.deepEqual(m.counts, { "easy-to-learn": 1, ambiguous: 1, "hard-to-learn": 1 });
});

Deno.test("dataMap: regression runs are refused", () => {
  const t = new SampleTracker(2, { task: "regression" });
  t.startEpoch();
  assertThrowsWith(() => dataMap(t), RangeError, "dataMap", '"regression"');
});

Deno.test("dataMap: the quantile and the threshold are fractions", () => {
  const t = tracker([[0.9, 0.2], [0.7, 0.6]]);
  assertThrowsWith(
    () => dataMap(t, { ambiguousQuantile: 1.5 }),
    RangeError,
    "dataMap: options.ambiguousQuantile is 1.5, expected a number in [0, 1]",
  );
  assertThrowsWith(
    () => dataMap(t, { confidenceThreshold: -0.1 }),
    RangeError,
    "dataMap: options.confidenceThreshold is -0.1, expected a number in [0, 1]",
  );
});
