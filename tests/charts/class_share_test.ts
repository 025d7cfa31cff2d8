import { assert, assertThrowsWith } from "../assert.ts";
import { countMarks } from "../chart_helpers.ts";
import { compileSpec } from "../../lib/charts/chart.ts";
import { classShareChart } from "../../lib/charts/class_share.ts";

Deno.test("classShareChart: shares before and after weighting (by hand)", async () => {
  // cat: 3 samples of loss 1, dog: 1 sample of loss 3. Samples 75/25%; loss 3/6, 3/6 = 50/50%.
  // Weights cat 1, dog 3: weighted loss cat 3, dog 9 -> 25/75%. Gradients 1,1,1,2: 60/40%;
  // weighted gradients 1,1,1,6 -> 33/67%.
  const chart = classShareChart([0, 0, 0, 1], [1, 1, 1, 3], {
    classNames: ["cat", "dog"],
    weights: [1, 1, 1, 3],
    gradients: [1, 1, 1, 2],
  });
  compileSpec(chart.toSpec());
  assert.equal(
    chart.summary,
    "Per-class shares over 4 samples: cat: 75% of samples, 50% of loss, 25% of loss, weighted, " +
      "60% of gradient, 33% of gradient, weighted; dog: 25% of samples, 50% of loss, 75% of " +
      "loss, weighted, 40% of gradient, 67% of gradient, weighted.",
  );
  const svg = await chart.toSVG();
  assert.equal(countMarks(svg, "rect", "bars"), 10); // 2 classes x 5 measures
});

Deno.test("classShareChart: string labels, bad input", () => {
  const chart = classShareChart(["b", "a", "a"], [2, 1, 1]);
  assert.match(chart.summary, /a: 67% of samples, 50% of loss; b: 33% of samples, 50% of loss/);
  assertThrowsWith(() => classShareChart([0], [1, 2]), RangeError, "labels has 1 entries");
  assertThrowsWith(
    () => classShareChart([0, 2], [1, 2], { classNames: ["x", "y"] }),
    RangeError,
    "labels[1] is 2",
  );
  assertThrowsWith(
    () => classShareChart([0], [1], { weights: [-1] }),
    RangeError,
    "weights[0] is -1",
  );
  assertThrowsWith(() => classShareChart([0], [1], { gradients: [1, 2] }), RangeError, "gradients");
});

Deno.test("classShareChart: negative losses, unknown names and a zero total", () => {
  assertThrowsWith(
    () => classShareChart([0, 1], [1, -2]),
    RangeError,
    "classShareChart: losses[1] is -2, expected a number >= 0",
  );
  assertThrowsWith(
    () => classShareChart(["cat", "bird"], [1, 2], { classNames: ["cat", "dog"] }),
    RangeError,
    'classShareChart: labels[1] is "bird", expected one of options.classNames',
  );
  // All losses 0: the loss has no shares (0 / 0), so no loss bars and the text says why.
  const zero = classShareChart([0, 1], [0, 0]);
  assert.match(zero.summary, /0: 50% of samples; 1: 50% of samples\. No shares of loss/);
});
