import {
  compareNoiseDetectors,
  NOISE_DETECTORS,
  noiseDetectorScores,
} from "../../notebooks/lessons/noise_detectors.ts";
import { SampleTracker } from "../../lib/training/tracking.ts";
import { assert, assertClose, assertThrowsWith } from "../assert.ts";

/** Four samples over three epochs; sample 3 flipped (never learned), sample 1 forgotten once. */
function tracker(): SampleTracker {
  const t = new SampleTracker(4, { task: "multiclass" });
  // per epoch: losses, probability of the given label, correct
  const epochs: [number[], number[], number[]][] = [
    [[0.5, 0.4, 1.0, 2.0], [0.6, 0.7, 0.4, 0.1], [1, 1, 0, 0]],
    [[0.3, 1.2, 0.6, 2.5], [0.7, 0.3, 0.55, 0.08], [1, 0, 1, 0]],
    [[0.1, 0.2, 0.4, 3.0], [0.9, 0.8, 0.65, 0.05], [1, 1, 1, 0]],
  ];
  for (const [loss, prob, correct] of epochs) {
    t.startEpoch();
    t.record([0, 1, 2, 3], loss, prob, correct);
  }
  return t;
}

Deno.test("noiseDetectorScores: each detector by hand", () => {
  const s = noiseDetectorScores(tracker());
  assert.deepEqual(Object.keys(s), [...NOISE_DETECTORS]);
  // last epoch
  assertClose(s["final loss"], [0.1, 0.2, 0.4, 3.0], 1e-6);
  assertClose(s["self-confidence"], [0.1, 0.2, 0.35, 0.95], 1e-6);
  // (0.5+0.3+0.1)/3, (0.4+1.2+0.2)/3, (1+0.6+0.4)/3, (2+2.5+3)/3
  assertClose(s["mean loss over epochs"], [0.3, 0.6, 2 / 3, 2.5], 1e-6);
  // 1 − mean probability: 1 − 2.2/3, 1 − 1.8/3, 1 − 1.6/3, 1 − 0.23/3
  assertClose(s["cartography confidence"], [1 - 2.2 / 3, 0.4, 1 - 1.6 / 3, 1 - 0.23 / 3], 1e-6);
  // sample 1: correct 1 -> 0 (one event); sample 3 never learned -> numEpochs = 3
  assert.deepEqual(Array.from(s["forgetting events"]), [0, 1, 0, 3]);
});

Deno.test("compareNoiseDetectors: precision at k and AUC per detector, chance row", () => {
  const c = compareNoiseDetectors(tracker(), [0, 0, 0, 1]);
  assert.equal(c.k, 1);
  assert.equal(c.numFlips, 1);
  assert.equal(c.chancePrecision, 0.25);
  // sample 3 scores highest under every detector: precision 1, AUC 1.
  for (const r of c.rows) assert.deepEqual([r.precisionAtK, r.rocAuc], [1, 1], r.detector);
  assert.ok(c.table.includes("precision@1"), c.table);
  assert.ok(c.table.includes("chance"), c.table);
  // If sample 1 were the flip: forgetting ranks it 2nd of 4 (beats 0 and 2, loses to 3) -> AUC 2/3,
  // precision@1 0; final loss 0.2 beats only 0.1 -> AUC 1/3.
  const d = compareNoiseDetectors(tracker(), [false, true, false, false]);
  const row = (name: string) => d.rows.find((r) => r.detector === name)!;
  assertClose(row("forgetting events").rocAuc, 2 / 3, 1e-12);
  assert.equal(row("forgetting events").precisionAtK, 0);
  assertClose(row("final loss").rocAuc, 1 / 3, 1e-12);
});

Deno.test("compareNoiseDetectors: bad input names the argument", () => {
  assertThrowsWith(
    () => compareNoiseDetectors(tracker(), [0, 1]),
    RangeError,
    "flipped has 2 entries, expected one per tracked sample (4)",
  );
  assertThrowsWith(
    () => compareNoiseDetectors(tracker(), [0, 0, 0, 0]),
    RangeError,
    "flipped marks 0 of 4",
  );
  const regression = new SampleTracker(2, { task: "regression" });
  regression.startEpoch();
  assertThrowsWith(() => noiseDetectorScores(regression), RangeError, 'task is "regression"');
  const empty = new SampleTracker(2, { task: "multiclass" });
  assertThrowsWith(() => noiseDetectorScores(empty), RangeError, "no epochs recorded");
});
