import * as tf from "@tensorflow/tfjs";
import { lossSummary, topLosses } from "../../lib/analysis/summary.ts";
import { assert, assertClose, assertThrowsWith } from "../assert.ts";

Deno.test("topLosses: largest first, ties by index, items attached, tensors read", () => {
  // Hand-sorted: 5 (idx 2), 4 (idx 0), 4 (idx 3), 1 (idx 1).
  const top = topLosses([4, 1, 5, 4], 3, { items: ["a", "b", "c", "d"] });
  assert.deepEqual(top, [
    { index: 2, loss: 5, item: "c" },
    { index: 0, loss: 4, item: "a" },
    { index: 3, loss: 4, item: "d" },
  ]);
  const t = tf.tensor1d([0.5, 2, 1]);
  assert.deepEqual(topLosses(t, 1, { smallest: true }), [{ index: 0, loss: 0.5 }]);
  t.dispose();
  assert.equal(topLosses([1, 2], 5).length, 2);
});

Deno.test("topLosses / lossSummary: bad input names the function and value", () => {
  assertThrowsWith(
    () => topLosses([1, NaN], 1),
    RangeError,
    "topLosses",
    "losses has 1 non-finite value, first at 1 (NaN)",
  );
  assertThrowsWith(() => topLosses([1, 2], 0), RangeError, "topLosses: k is 0");
  assertThrowsWith(() => topLosses([1, 2], 1, { items: [1] }), RangeError, "items has 1");
  assertThrowsWith(() => lossSummary([]), RangeError, "lossSummary: losses is empty");
  assertThrowsWith(() => topLosses([1, 2], 1.5), RangeError, "k is 1.5, expected an integer >= 1");
  assertThrowsWith(
    () => lossSummary([1], { quantiles: [0.5, 2] }),
    RangeError,
    "lossSummary: options.quantiles[1] is 2, expected a number in [0, 1]",
  );
  assertThrowsWith(
    () => lossSummary([1], { topFractions: [0] }),
    RangeError,
    "lossSummary: options.topFractions[0] is 0, expected a number in (0, 1]",
  );
});

Deno.test("lossSummary: the top fraction f is the fewest samples making up at least f", () => {
  // 314 samples: 31 are 9.87 %, 32 are 10.19 %, so the top 10 % is 32 samples. Losses 1..314:
  // the 32 largest are 283..314, sum 32·(283 + 314)/2 = 9552, of a total 314·315/2 = 49455.
  const losses = Array.from({ length: 314 }, (_, i) => i + 1);
  let k = 0, top = 0, total = 0;
  while (k / 314 < 0.1) top += 314 - k++;
  for (const v of losses) total += v;
  assert.deepEqual([k, top, total], [32, 9552, 49455]);
  assert.equal(lossSummary(losses, { topFractions: [0.1] }).topShare["0.1"], 9552 / 49455);
  // 7 % of 100 samples is 7 samples, although 100 · 0.07 is 7.000000000000001 in floating point:
  // losses 0..99, the 7 largest 93..99 sum to 672 of 4950.
  const hundred = Array.from({ length: 100 }, (_, i) => i);
  assertClose(lossSummary(hundred, { topFractions: [0.07] }).topShare["0.07"], 672 / 4950, 1e-15);
});

Deno.test("lossSummary: numbers worked by hand and NumPy's linear quantiles", () => {
  // losses 1..10: mean 5.5, median 5.5, population std sqrt(8.25),
  // np.quantile(1..10, 0.25) = 1 + 0.25·9 = 3.25; np.quantile(.., 0.9) = 1 + 0.9·9 = 9.1.
  const s = lossSummary([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], {
    quantiles: [0.25, 0.9],
    topFractions: [0.1, 0.2, 0.25],
  });
  assert.equal(s.count, 10);
  assertClose([s.mean, s.median, s.std, s.min, s.max], [5.5, 5.5, Math.sqrt(8.25), 1, 10], 1e-12);
  assertClose([s.quantiles["0.25"], s.quantiles["0.9"]], [3.25, 9.1], 1e-12);
  // top 10 %: {10} = 10/55; top 20 %: {10, 9} = 19/55; top 25 %: ceil(2.5) = 3 -> 27/55.
  assertClose([s.topShare["0.1"], s.topShare["0.2"], s.topShare["0.25"]], [
    10 / 55,
    19 / 55,
    27 / 55,
  ], 1e-12);
});
