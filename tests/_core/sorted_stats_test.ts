import { assert, assertClose } from "../assert.ts";
import { quantileSorted, topCount, topShareSorted } from "../../lib/_core/sorted_stats.ts";

Deno.test("quantileSorted: NumPy's linear interpolation, by hand", () => {
  // np.quantile([1, 2, 3, 4], [0, 0.25, 0.5, 0.9, 1]) = [1, 1.75, 2.5, 3.7, 4]
  const v = [1, 2, 3, 4];
  assertClose([0, 0.25, 0.5, 0.9, 1].map((q) => quantileSorted(v, q)), [1, 1.75, 2.5, 3.7, 4]);
  // np.quantile([10, 20, 40], 0.75): position 0.75 * 2 = 1.5, halfway between 20 and 40 = 30.
  assert.equal(quantileSorted(new Float64Array([10, 20, 40]), 0.75), 30);
  assert.equal(quantileSorted([7], 0.3), 7);
});

/** The fewest samples k whose share k / n of the batch is at least f, counted one by one. */
function fewestCovering(n: number, f: number): number {
  let k = 1;
  while (k < n && k / n < f) k++;
  return k;
}

Deno.test("topCount: the fewest samples that make up at least a fraction f (n = 314 -> 32)", () => {
  // 31 samples are 31 / 314 = 9.87 % of the batch, short of 10 %; 32 are 10.19 %.
  assert.equal(fewestCovering(314, 0.1), 32);
  assert.equal(topCount(314, 0.1), 32);
  // Floating point: 100 * 0.07 is 7.000000000000001, yet 7 samples are exactly 7 % of 100.
  assert.equal(fewestCovering(100, 0.07), 7);
  assert.equal(topCount(100, 0.07), 7);
  for (const n of [1, 2, 3, 7, 10, 15, 99, 100, 314, 1000, 20000]) {
    for (const f of [0.001, 0.01, 0.05, 0.07, 0.1, 0.2, 0.25, 0.3, 1 / 3, 0.5, 0.9, 1]) {
      assert.equal(topCount(n, f), fewestCovering(n, f), `n = ${n}, f = ${f}`);
    }
  }
});

Deno.test("topShareSorted: n = 314, f = 0.1 sums the 32 largest, by a plain loop", () => {
  const losses = Array.from({ length: 314 }, (_, i) => ((i * 37) % 101) / 10 + 0.01);
  const sorted = Float64Array.from(losses).sort();
  const descending = [...losses].sort((a, b) => b - a);
  let total = 0, top = 0, taken = 0;
  for (const loss of descending) {
    total += loss;
    // Take samples until they are at least 10 % of the 314: 31.4 -> 32 samples.
    if (taken < 31.4) {
      top += loss;
      taken++;
    }
  }
  assert.equal(taken, 32);
  assertClose(topShareSorted(sorted, 0.1), top / total, 1e-12);
  // Hand-worked: 9 samples of loss 1 and one of 91; the top 10 % is the one sample, 91 / 100.
  assert.equal(topShareSorted([1, 1, 1, 1, 1, 1, 1, 1, 1, 91], 0.1), 0.91);
  assert.equal(topShareSorted([0, 0, 0], 0.5), 0);
});
