import { assert, assertThrowsWith } from "../assert.ts";
import { countMarks } from "../chart_helpers.ts";
import { compileSpec } from "../../lib/charts/chart.ts";
import { trainingDynamicsChart } from "../../lib/charts/training_dynamics.ts";

Deno.test("trainingDynamicsChart: mean trajectory and top-k (by hand)", async () => {
  // epochs x samples [[2, 4], [1, 3], [0, 3]]: mean per epoch 3, 2, 1.5; highest final loss: 1.
  const flat = new Float32Array([2, 4, 1, 3, 0, 3]);
  const chart = trainingDynamicsChart(flat, { epochs: 3, samples: 2, topK: 1, ids: ["a", "b"] });
  compileSpec(chart.toSpec());
  assert.match(
    chart.summary,
    /mean loss 3 at epoch 1 to 1.5 at epoch 3; highest final loss: b \(3\)/,
  );
  const svg = await chart.toSVG();
  // One line element per background sample (each in its own group).
  assert.equal((svg.match(/mark-line role-mark trajectories_marks/g) ?? []).length, 2);
  assert.equal(countMarks(svg, "symbol", "mean_trajectory"), 3);
  assert.ok(svg.includes(">b<") && svg.includes(">mean<"));
  // The same numbers as rows of epochs.
  assert.equal(
    trainingDynamicsChart([[2, 4], [1, 3], [0, 3]], { topK: 1, ids: ["a", "b"] }).summary,
    chart.summary,
  );
});

Deno.test("trainingDynamicsChart: many samples draw 300 lines, under 1 MB", async () => {
  const E = 10, S = 10_000;
  const flat = Float32Array.from({ length: E * S }, (_, i) => 1 + (i % 7) / 7);
  const svg = await trainingDynamicsChart(flat, { epochs: E, samples: S }).toSVG();
  assert.equal((svg.match(/mark-line role-mark trajectories_marks/g) ?? []).length, 300);
  assert.ok(svg.length < 1_000_000, `${svg.length} bytes`);
});

Deno.test("trainingDynamicsChart: bad input names the argument", () => {
  assertThrowsWith(() => trainingDynamicsChart([1, 2, 3]), TypeError, "give epochs and samples");
  assertThrowsWith(
    () => trainingDynamicsChart([1, 2, 3], { epochs: 2 }),
    RangeError,
    "losses has 3 values",
  );
  assertThrowsWith(
    () => trainingDynamicsChart([[1, 2], [NaN, 1]]),
    RangeError,
    "NaN at epoch 2, sample 0",
  );
  assertThrowsWith(() => trainingDynamicsChart([[1, 2], [1]]), RangeError, "ragged");
  assertThrowsWith(() => trainingDynamicsChart([[1]], { topK: -1 }), RangeError, "topK");
});
