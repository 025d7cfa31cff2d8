import { spread } from "../../lib/analysis/spread.ts";
import { assert } from "../assert.ts";

Deno.test("spread: NumPy's linear-interpolation quartiles", () => {
  // np.percentile([1, 2, 3, 4], [25, 50, 75]) = [1.75, 2.5, 3.25]
  assert.deepEqual(spread([4, 1, 3, 2]), { median: 2.5, q1: 1.75, q3: 3.25 });
  // One value: every quartile is that value.
  assert.deepEqual(spread([7]), { median: 7, q1: 7, q3: 7 });
  // np.percentile([10, 0, 5, 20, 15, 30], [25, 50, 75]) = [6.25, 12.5, 18.75]
  assert.deepEqual(spread([10, 0, 5, 20, 15, 30]), { median: 12.5, q1: 6.25, q3: 18.75 });
  assert.throws(() => spread([]), /spread: values has 0 entries/);
  assert.throws(
    () => spread([1, NaN]),
    /spread: values has 1 non-finite value, first at 1 \(NaN\), expected finite numbers/,
  );
});
