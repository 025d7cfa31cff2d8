/** The array-taking functions of analysis, datasets and structured at 1,000,000 elements: a table of times. */
import * as tf from "@tensorflow/tfjs";
import * as L from "../lib/mod.ts";

await L.setupBackend({ backend: "cpu", seed: 0 });
const N = 1_000_000;
const values = Float32Array.from({ length: N }, (_, i) => (i % 997) / 997);
const labels = Int32Array.from({ length: N }, (_, i) => i % 3);
const noisy = Uint8Array.from({ length: N }, (_, i) => i % 2);
const cases: [string, () => unknown][] = [
  ["spread", () => L.spread(Array.from(values))],
  ["topLosses k=10", () => L.topLosses(values, 10)],
  ["lossSummary", () => L.lossSummary(values)],
  ["findNonFinite", () => L.findNonFinite(values)],
  ["flipLabels", () => L.flipLabels(labels, { fraction: 0.1 })],
  ["rocAuc", () => L.rocAuc(values, noisy)],
  ["splitIndices stratified", () => L.splitIndices(N, { stratify: labels })],
  ["forceLayout iterations=0", () => L.forceLayout(N, [], { iterations: 0 })],
  [
    "streamingEvaluate mse",
    () =>
      L.streamingEvaluate(
        (x: tf.Tensor) => tf.clone(x),
        L.arrayBatches(values, new Float32Array(N), { batchSize: 65536 }),
        { loss: L.meanSquaredError },
      ),
  ],
];
const rows: string[] = [];
for (const [name, f] of cases) {
  const start = performance.now();
  await f();
  rows.push(
    `| ${name.padEnd(26)} | ${((performance.now() - start) / 1000).toFixed(3).padStart(8)} s |`,
  );
}
console.log(
  `| function (n = ${
    N.toLocaleString("en")
  }) | time       |\n|----------------------------|------------|`,
);
console.log(rows.join("\n"));
console.log(`tensors left: ${tf.memory().numTensors}`);
