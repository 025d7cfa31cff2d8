import { forgettingEvents } from "../../lib/analysis/forgetting.ts";
import { SampleTracker } from "../../lib/training/tracking.ts";
import { assert, assertThrowsWith } from "../assert.ts";

Deno.test("forgettingEvents: counts 1 -> 0 transitions, unforgettable and never learned", () => {
  // Correctness per epoch (rows) and sample (columns), worked by hand:
  // s0: 1 0 1 0 -> 2 events; s1: 0 1 1 1 -> learned at 1, unforgettable;
  // s2: 0 0 0 0 -> never learned (score ∞); s3: 1 1 1 0 -> 1 event.
  const rows = [[1, 0, 0, 1], [0, 1, 0, 1], [1, 1, 0, 1], [0, 1, 0, 0]];
  const t = new SampleTracker(4, { task: "binary" });
  for (const c of rows) {
    t.startEpoch();
    t.record([0, 1, 2, 3], [0, 0, 0, 0], [0, 0, 0, 0], c);
  }
  const f = forgettingEvents(t);
  assert.deepEqual(Array.from(f.events), [2, 0, 0, 1]);
  assert.deepEqual(Array.from(f.firstLearned), [0, 1, -1, 0]);
  assert.deepEqual(Array.from(f.unforgettable), [0, 1, 0, 0]);
  assert.deepEqual(Array.from(f.score), [2, 0, Infinity, 1]);
  assert.equal(f.numUnforgettable, 1);
  assert.equal(f.numNeverLearned, 1);
});

Deno.test("forgettingEvents: regression trackers are refused", () => {
  const t = new SampleTracker(1, { task: "regression" });
  assertThrowsWith(() => forgettingEvents(t), RangeError, "forgettingEvents");
});
