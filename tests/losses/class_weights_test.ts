import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { classWeights, sampleWeightsFromClassWeights } from "../../lib/losses/class_weights.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

Deno.test("classWeights: balanced matches scikit-learn's n / (k · n_c)", () => {
  // scikit-learn docs' formula; counts [3, 1, 2], n = 6, k = 3 -> [6/9, 6/3, 6/6].
  assertClose(classWeights([0, 0, 0, 1, 2, 2]), [2 / 3, 2, 1], 1e-12);
  // Balanced data -> all 1; one-hot input gives the same as integer labels.
  assertClose(classWeights([0, 1, 2]), [1, 1, 1], 1e-12);
  assertClose(classWeights([[1, 0], [1, 0], [0, 1]]), [0.75, 1.5], 1e-12);
  assertClose(classWeights(tf.tensor2d([[1], [0], [0], [0]])), [4 / 6, 2], 1e-12);
});

Deno.test("classWeights: effective number (Cui et al. 2019), normalised to sum to k", () => {
  // counts [3, 1], beta 0.5: raw (1 - 0.5)/(1 - 0.125) = 4/7 and 0.5/0.5 = 1; sum 11/7;
  // times k = 2: [8/11, 14/11] (hand-worked).
  const w = classWeights([0, 0, 0, 1], { method: "effective_number", beta: 0.5 });
  assertClose(w, [8 / 11, 14 / 11], 1e-12);
  assertClose(w[0] + w[1], 2, 1e-12);
  // beta 0: every class weight 1.
  assertClose(classWeights([0, 0, 1], { method: "effective_number", beta: 0 }), [1, 1], 1e-12);
  // beta near 1: approaches inverse frequency, 1/n_c normalised: [1/3, 1] * 2 / (4/3) = [0.5, 1.5].
  assertClose(
    classWeights([0, 0, 0, 1], { method: "effective_number", beta: 0.999999 }),
    [0.5, 1.5],
    1e-4,
  );
});

Deno.test("sampleWeightsFromClassWeights: one weight per sample", async () => {
  const w = sampleWeightsFromClassWeights([2, 0, 1, 1], [0.5, 1, 3]);
  assert.deepEqual(w.shape, [4]);
  assertClose(w, [3, 0.5, 1, 1], 1e-7);
  w.dispose();
  assertClose(sampleWeightsFromClassWeights([[0, 1], [1, 0]], [2, 5]), [5, 2], 1e-7);
  const oneHot = tf.tensor2d([[0, 1], [1, 0]]);
  await assertNoLeak(() => sampleWeightsFromClassWeights(oneHot, [1, 2]));
  await assertNoLeak(() => classWeights(oneHot));
  oneHot.dispose();
});

Deno.test("classWeights: bad input", () => {
  assertThrowsWith(
    () => classWeights([0, 2]),
    RangeError,
    "classWeights: class 1 has no samples in labels (counts [1,0,1])",
  );
  assertThrowsWith(
    () => classWeights([0, 1.5]),
    RangeError,
    "classWeights: labels[1] is 1.5, expected an integer >= 0 (a class label)",
  );
  assertThrowsWith(() => classWeights([0, -1]), RangeError, "classWeights: labels[1] is -1");
  assertThrowsWith(
    () => classWeights([[0], [NaN]]),
    RangeError,
    "classWeights: labels[1][0] is NaN",
  );
  assertThrowsWith(
    () => classWeights([[0.5, 0.5], [0, 1]]),
    RangeError,
    "classWeights: labels[0] is [0.5,0.5], expected a one-hot row (one 1, the rest 0)",
  );
  assertThrowsWith(
    () => classWeights([0, 1], { numclasses: 2 } as never),
    RangeError,
    'classWeights: options.numclasses is not an option, did you mean "numClasses"?',
  );
  assertThrowsWith(() => classWeights(null as never), TypeError, "classWeights: labels is null");
  assertThrowsWith(
    () => classWeights([[1, 0], [0, 1]], { numClasses: 3 }),
    RangeError,
    "classWeights: options.numClasses is 3, expected 2 (the width of the one-hot labels)",
  );
  assertThrowsWith(() => classWeights([]), RangeError, "classWeights: labels has shape [0]");
  assertThrowsWith(
    () => classWeights([0, 1], { method: "inverse" as never }),
    RangeError,
    'classWeights: options.method is "inverse", expected "balanced" or "effective_number"',
  );
  assertThrowsWith(
    () => classWeights([0, 1], { method: "effective_number", beta: 1 }),
    RangeError,
    "classWeights: options.beta is 1, expected a number in [0, 1)",
  );
  assertThrowsWith(
    () => classWeights([0, 1], { numClasses: 0 }),
    RangeError,
    "classWeights: options.numClasses is 0, expected an integer >= 1",
  );
  assertThrowsWith(
    () => classWeights([0, 3], { numClasses: 2 }),
    RangeError,
    "classWeights: labels[1] is 3, expected an integer in [0, 2) (a class label below options.numClasses)",
  );
  assertThrowsWith(
    () => sampleWeightsFromClassWeights([0, 2], [1, 1]),
    RangeError,
    "sampleWeightsFromClassWeights: labels[1] is 2, expected an integer in [0, 2) (a class label, indexing classWeights)",
  );
  assertThrowsWith(
    () => sampleWeightsFromClassWeights([0], [-1]),
    RangeError,
    "sampleWeightsFromClassWeights: classWeights[0] is -1",
  );
});

Deno.test("classWeights and sampleWeightsFromClassWeights read a typed array of class ids like a plain array", () => {
  // The loaders return class ids as Int32Array; [0, 0, 0, 1] → balanced n/(k·n_c) = 4/6, 4/2.
  const ids = new Int32Array([0, 0, 0, 1]);
  assertClose(classWeights(ids), [4 / 6, 2], 1e-12);
  const w = sampleWeightsFromClassWeights(ids, [1, 5]);
  assertClose(w, [1, 1, 1, 5], 0);
  w.dispose();
});

Deno.test("classWeights: a million labels (no spread into Math.max)", () => {
  const ids = new Int32Array(1_000_000);
  ids[7] = 1;
  // n / (k · n_c): 1e6 / (2 · 999999) and 1e6 / 2.
  assertClose(classWeights(ids), [1e6 / (2 * 999_999), 5e5], 1e-9);
});
