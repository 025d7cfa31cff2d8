import { classStats, SampleTracker } from "../../lib/training/tracking.ts";
import { assert, assertClose, assertThrowsWith } from "../assert.ts";

Deno.test("classStats: softmax of logits, argmax correctness, binary sigmoid — by hand", () => {
  // Row 0 logits [0, ln 3] label 1: softmax = [1/4, 3/4] -> 0.75, argmax 1 = label.
  // Row 1 logits [2, 2] label 1: tie, tf.argMax picks the first (0) -> wrong; p = 0.5.
  const m = classStats([0, Math.log(3), 2, 2], [1, 1], "multiclass", true);
  assertClose(m.prob, [0.75, 0.5], 1e-6);
  assert.deepEqual(Array.from(m.correct), [1, 0]);
  // Probabilities as given: p(true) read directly.
  const q = classStats([0.2, 0.8, 0.6, 0.4], [0, 0], "multiclass", false);
  assertClose(q.prob, [0.2, 0.6], 1e-6);
  assert.deepEqual(Array.from(q.correct), [0, 1]);
  // Binary logit 0 -> p = 0.5 (not > 0.5, so class 0); logit ln 4 -> p = 0.8.
  const b = classStats([0, Math.log(4)], [0, 0], "binary", true);
  assertClose(b.prob, [0.5, 0.2], 1e-6);
  assert.deepEqual(Array.from(b.correct), [1, 0]);
});

Deno.test("SampleTracker: grows past its initial capacity, layout epoch-major", () => {
  const t = new SampleTracker(3, { task: "regression" });
  for (let e = 0; e < 20; e++) {
    t.startEpoch();
    t.record([2, 0, 1], [e + 0.2, e, e + 0.1]);
  }
  assert.equal(t.numEpochs, 20);
  assert.equal(t.loss.length, 60);
  assertClose(t.epoch(19).loss, [19, 19.1, 19.2], 1e-4);
  assertClose(t.sample(2).loss, Array.from({ length: 20 }, (_, e) => e + 0.2), 1e-4);
  assert.equal(t.trueProb, null);
  assertClose(t.meanLoss().slice(0, 2), [0.1, 1.1], 1e-6);
  assertThrowsWith(() => t.at(20, 0), RangeError, "epoch is 20");
  assertThrowsWith(() => t.sample(3), RangeError, "sample is 3");
  assertThrowsWith(() => new SampleTracker(0, { task: "binary" }), RangeError, "numSamples is 0");
});

Deno.test("SampleTracker: index errors state the valid range; sample() needs no epoch yet", () => {
  const t = new SampleTracker(3, { task: "regression" });
  // Before any epoch a sample's history is empty, not an error about an epoch it was not given.
  assert.equal(t.sample(2).loss.length, 0);
  assertThrowsWith(
    () => t.epoch(0),
    RangeError,
    "SampleTracker: epoch is 0, expected an integer in [0, 0) (no epoch recorded yet)",
  );
  for (let e = 0; e < 2; e++) {
    t.startEpoch();
    t.record([0, 1, 2], [1, 2, 3]);
  }
  assertThrowsWith(
    () => t.at(2, 0),
    RangeError,
    "SampleTracker: epoch is 2, expected an integer in [0, 2)",
  );
  assertThrowsWith(
    () => t.at(0, -1),
    RangeError,
    "SampleTracker: sample is -1, expected an integer in [0, 3)",
  );
  assertThrowsWith(
    () => t.sample(1.5),
    RangeError,
    "SampleTracker: sample is 1.5, expected an integer in [0, 3)",
  );
  assertThrowsWith(
    () => new SampleTracker(2.5, { task: "regression" }),
    RangeError,
    "SampleTracker: numSamples is 2.5, expected an integer >= 1",
  );
});
