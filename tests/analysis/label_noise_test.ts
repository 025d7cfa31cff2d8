import { flipLabels, precisionAtK, rocAuc, scoreDetector } from "../../lib/analysis/label_noise.ts";
import { assert, assertClose, assertThrowsWith } from "../assert.ts";

Deno.test("flipLabels: exact count, every flip changes class, seeded", () => {
  const labels = Array.from({ length: 200 }, (_, i) => i % 4);
  const a = flipLabels(labels, { fraction: 0.15, seed: 3 });
  assert.equal(a.flippedIndices.length, 30);
  for (let i = 0; i < 200; i++) {
    assert.equal(a.flipped[i] === 1, a.labels[i] !== labels[i], `sample ${i}`);
    assert.ok(a.labels[i] >= 0 && a.labels[i] < 4);
  }
  assert.deepEqual(flipLabels(labels, { fraction: 0.15, seed: 3 }), a);
  assert.notDeepEqual(
    flipLabels(labels, { fraction: 0.15, seed: 4 }).flippedIndices,
    a.flippedIndices,
  );
  assertThrowsWith(() => flipLabels([0, 1], { fraction: 1.5 }), RangeError, "fraction is 1.5");
  assertThrowsWith(() => flipLabels([0, 0], { fraction: 0.5 }), RangeError, "numClasses is 1");
  assertThrowsWith(
    () => flipLabels([0, 3], { fraction: 0.5, numClasses: 3 }),
    RangeError,
    "flipLabels: options.numClasses is 3, expected an integer >= 4 to exceed every label (max 3)",
  );
  assertThrowsWith(
    () => flipLabels([0, -1], { fraction: 0.5 }),
    RangeError,
    "flipLabels: labels[1] is -1, expected an integer >= 0",
  );
});

Deno.test("rocAuc: pair counting by hand, ties count one half", () => {
  // Noisy {0.9, 0.5}, clean {0.5, 0.2, 0.1}: pairs (0.9 beats all 3), (0.5 ties 0.5, beats 2)
  // -> (3 + 0.5 + 2) / 6.
  assertClose(rocAuc([0.9, 0.5, 0.5, 0.2, 0.1], [1, 1, 0, 0, 0]), 5.5 / 6, 1e-12);
  assert.equal(rocAuc([1, 2], [1, 0]), 0);
  assertThrowsWith(() => rocAuc([1, 2], [1, 1]), RangeError, "2 noisy and 0 clean");
  assertThrowsWith(() => rocAuc([1, 2], [1]), RangeError, "scores has 2 entries");
});

Deno.test("precisionAtK and scoreDetector", () => {
  // Ranking by score: idx 4 (noisy), 0 (clean), 2 (noisy), ...
  const scores = [0.8, 0.1, 0.7, 0.2, 0.95], noisy = [0, 0, 1, 0, 1];
  assert.equal(precisionAtK(scores, noisy, 1), 1);
  assert.equal(precisionAtK(scores, noisy, 2), 0.5);
  assertClose(precisionAtK(scores, noisy, 3), 2 / 3, 1e-12);
  const s = scoreDetector(scores, noisy);
  // k = 2 flips; AUC: noisy {0.95, 0.7} vs clean {0.8, 0.2, 0.1}: 3 + 2 wins of 6.
  assert.equal(s.k, 2);
  assertClose([s.precisionAtK, s.rocAuc], [0.5, 5 / 6], 1e-12);
  assertThrowsWith(
    () => precisionAtK(scores, noisy, 6),
    RangeError,
    "precisionAtK: k is 6, expected an integer in [1, 5]",
  );
});
