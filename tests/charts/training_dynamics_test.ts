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

Deno.test("trainingDynamicsChart: 300 of many samples drawn as lines while the points are few", async () => {
  // 1,000 samples over 5 epochs is 5,000 points: lines, an evenly spaced 300 of them.
  const E = 5, S = 1000;
  const flat = Float32Array.from({ length: E * S }, (_, i) => 1 + (i % 7) / 7);
  const chart = trainingDynamicsChart(flat, { epochs: E, samples: S });
  const svg = await chart.toSVG();
  assert.equal((svg.match(/mark-line role-mark trajectories_marks/g) ?? []).length, 300);
  assert.match(JSON.stringify(chart.toSpec().title), /300 evenly spaced samples/);
});

Deno.test("trainingDynamicsChart: above 5,000 points, bands of per-epoch quantiles in spec and SVG", async () => {
  // 10 epochs x 1,000 samples; at epoch e sample s has loss e + s / 999, so each epoch's losses
  // are e + 0, 1/999, ..., 1 and the q quantile (linear, type 7) is e + q exactly.
  const E = 10, S = 1000;
  const losses = Array.from(
    { length: E },
    (_, e) => Array.from({ length: S }, (_, s) => e + s / 999),
  );
  const chart = trainingDynamicsChart(losses, { topK: 2 });
  const spec = chart.toSpec() as unknown as {
    title: { subtitle: string[] };
    layer: { name: string; data?: { values: Record<string, number>[] } }[];
  };
  const bands = spec.layer.find((l) => l.name === "bands")!;
  assert.equal(bands.data!.values.length, E);
  for (const row of bands.data!.values) {
    const e = row.epoch - 1;
    for (
      const [key, q] of [["q10", 0.1], ["q25", 0.25], ["median", 0.5], ["q75", 0.75], ["q90", 0.9]]
    ) {
      assert.ok(
        Math.abs(row[key as string] - (e + (q as number))) < 1e-9,
        `${key} at epoch ${e + 1}`,
      );
    }
  }
  assert.ok(!spec.layer.some((l) => l.name === "trajectories"), "no per-sample lines");
  assert.match(spec.title.subtitle.join(" "), /10,000 points\), aggregated/);
  assert.match(chart.summary, /Drawn aggregated \(10,000 points\)/);
  // The spec stays small: 10 band rows, 2 x 10 top-k points and 10 mean points.
  assert.ok(JSON.stringify(spec).length < 20_000, `${JSON.stringify(spec).length} bytes`);
  const svg = await chart.toSVG();
  assert.equal((svg.match(/mark-area role-mark/g) ?? []).length, 2);
  assert.equal((svg.match(/mark-line role-mark trajectories_marks/g) ?? []).length, 0);
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
    "first at epoch 2, sample 0 (NaN)",
  );
  assertThrowsWith(() => trainingDynamicsChart([[1, 2], [1]]), RangeError, "ragged");
  assertThrowsWith(() => trainingDynamicsChart([[1]], { topK: -1 }), RangeError, "topK");
});
