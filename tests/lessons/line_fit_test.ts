import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { loadAnscombe } from "../../lib/datasets/tabular.ts";
import { fitLine } from "../../notebooks/lessons/line_fit.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

Deno.test("fitLine: a hand-worked line and its per-sample losses", async () => {
  // Points (1, 1), (2, 3), (3, 2), (4, 6): x̄ = 2.5, ȳ = 3, Sxy = 3 + 0 − 0.5 + 4.5 = 7, Sxx = 5
  // -> slope 1.4, intercept −0.5; fitted 0.9, 2.3, 3.7, 5.1; residuals 0.1, 0.7, −1.7, 0.9
  // -> squared 0.01, 0.49, 2.89, 0.81 (sum 4.2, mean 1.05); Syy = 14 -> R² = 1 − 4.2/14 = 0.7.
  const x = tf.tensor2d([[1], [2], [3], [4]]);
  const fit = await assertNoLeak(() => fitLine(x, [1, 3, 2, 6]));
  x.dispose();
  assertClose([fit.slope, fit.intercept], [1.4, -0.5], 1e-12);
  assertClose(fit.losses, [0.01, 0.49, 2.89, 0.81], 1e-6);
  assertClose(fit.meanLoss, 1.05, 1e-6);
  assertClose(fit.rSquared, 0.7, 1e-6);
  assert.equal(fit.worstIndex, 2);
  assertClose(fit.worstShare, 2.89 / 4.2, 1e-6);
});

Deno.test("fitLine: Anscombe's four series share one line and one mean loss (Anscombe 1973)", async () => {
  // Anscombe (1973): every series has the regression line y = 3.00 + 0.500x, regression sum of
  // squares 27.50 and residual sum of squares 13.75 (9 df), r = 0.82 -> mean loss 13.75 / 11.
  // vega-datasets' copy of series I has y = 4.81 at x = 7 (Anscombe printed 4.82), which moves
  // its residual sum to 13.80: hence a tolerance of 0.005 on the mean loss.
  const data = loadAnscombe();
  const fits = await assertNoLeak(() => data.series.map((s) => fitLine(s.x, s.y)));
  for (const [i, fit] of fits.entries()) {
    const name = data.series[i].name;
    assertClose(fit.slope, 0.5, 2e-3, `${name} slope`);
    assertClose(fit.intercept, 3.0, 6e-3, `${name} intercept`);
    assertClose(fit.meanLoss, 13.75 / 11, 5e-3, `${name} mean loss`);
    assertClose(fit.rSquared, 0.67, 5e-3, `${name} R²`);
  }
  // Series III has one outlier (x = 13, y = 12.74): it carries most of the residual sum.
  const iii = fits[2];
  assert.equal(data.series[2].rows[iii.worstIndex].X, 13);
  assert.ok(iii.worstShare > 0.5, `III worst share ${iii.worstShare}`);
  data.dispose();
});

Deno.test("fitLine: bad input names the argument and the value", () => {
  assertThrowsWith(
    () => fitLine([1, 2], [1, 2, 3]),
    RangeError,
    "fitLine: x has 2 values but y has 3",
  );
  assertThrowsWith(() => fitLine([[1, 2]], [1]), RangeError, "fitLine: x has shape [1, 2]");
  assertThrowsWith(() => fitLine([2, 2], [1, 3]), RangeError, "fitLine: x is constant (2)");
  assertThrowsWith(() => fitLine([1, NaN], [1, 3]), RangeError, "x has value NaN at index 1");
  assertThrowsWith(() => fitLine([1], [1]), RangeError, "expected at least 2");
});
