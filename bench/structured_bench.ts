/**
 * `deno task bench structured`: masked sequence losses, gradient accumulation, segment means, the
 * GCN and the force layout, on wasm and cpu. Prints markdown tables; takes about a minute.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom, setupBackend } from "../lib/runtime/mod.ts";
import { accumulateGradients } from "../lib/training/mod.ts";
import { createGcn, forceLayout, trainGcn } from "../lib/structured/mod.ts";
import { maskedLoss, segmentMeanLoss } from "../lib/losses/mod.ts";
import { loadMiserables } from "../lib/datasets/mod.ts";

function time(fn: () => void, repeats: number): number {
  fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < repeats; i++) fn();
  return (performance.now() - start) / repeats;
}

const rows: string[] = [];
const B = 256, T = 512;
const random = seededRandom(0);
const lengths = Array.from({ length: B }, () => 1 + Math.floor(random() * T));

for (const backend of ["wasm", "cpu"] as const) {
  await setupBackend({ backend, seed: 0 });
  const perToken = tf.randomUniform([B, T], 0, 1, "float32", 1);
  for (const normalization of ["token", "sequence", "batch"] as const) {
    const ms = time(() => tf.dispose(maskedLoss(perToken, { lengths, normalization })), 10);
    rows.push(
      `| maskedLoss ${normalization}, [${B}, ${T}] | ${backend} | ${ms.toFixed(2)} ms | ${
        ((B * T) / ms / 1e3).toFixed(1)
      } M tokens/s |`,
    );
  }
  perToken.dispose();

  const n = 10_000, k = 100;
  const values = tf.randomUniform([n], 0, 1, "float32", 2);
  const ids = Array.from({ length: n }, (_, i) => i % k);
  const ms = time(() => tf.dispose(segmentMeanLoss(values, ids, k)), 10);
  rows.push(
    `| segmentMeanLoss ${n} nodes, ${k} graphs (${
      backend === "cpu" ? "unsortedSegmentSum" : "one-hot matMul"
    }) | ${backend} | ${ms.toFixed(2)} ms | |`,
  );
  values.dispose();

  const g = loadMiserables();
  const gcn = createGcn({ inputDim: g.numNodes, numClasses: g.numClasses, seed: 0 });
  const start = performance.now();
  const h = trainGcn(gcn, g, { trainMask: g.trainMask, epochs: 100, learningRate: 0.02 });
  const perEpoch = (performance.now() - start) / 100;
  rows.push(
    `| trainGcn miserables, 100 epochs (final loss ${h.loss[99].toFixed(3)}) | ${backend} | ${
      perEpoch.toFixed(2)
    } ms/epoch | |`,
  );
  gcn.dispose();
  g.dispose();
}

await setupBackend({ backend: "wasm", seed: 0 });
const g = loadMiserables();
const layoutMs = time(() => forceLayout(g.numNodes, g.edges, { seed: 0 }), 3);
rows.push(
  `| forceLayout miserables (77 nodes, 300 steps) | plain JS | ${layoutMs.toFixed(1)} ms | |`,
);
g.dispose();

console.log("| what | backend | time | throughput |\n|---|---|---|---|\n" + rows.join("\n"));

// Gradient accumulation: cost of K micro-batches and how far each normalisation is from the
// full batch, on a linear per-token model over a batch with very unequal lengths.
const D = 32, BA = 64, TA = 128;
const w = tf.variable(tf.randomNormal([D, 1], 0, 0.1, "float32", 3), true, "bench_w");
const x = tf.randomNormal([BA, TA, D], 0, 1, "float32", 4);
const y = tf.randomNormal([BA, TA], 0, 1, "float32", 5);
const accLengths = Array.from({ length: BA }, (_, i) => (i < BA / 2 ? TA : 1 + (i % 8)));
const tokenLoss = (s: number, e: number) =>
  tf.tidy(() => {
    const xs = x.slice([s, 0, 0], [e - s, TA, D]);
    const pred = tf.matMul(xs.reshape([-1, D]), w).reshape([e - s, TA]);
    return tf.square(tf.sub(pred, y.slice([s, 0], [e - s, TA])));
  });
const full = accumulateGradients(tokenLoss, { lengths: accLengths, variables: [w] });
const fullGrad = full.grads.bench_w.dataSync();
const maxDiff = (r: { grads: Record<string, tf.Tensor> }) => {
  const g = r.grads.bench_w.dataSync();
  let m = 0;
  for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i] - fullGrad[i]));
  return m;
};
const accRows: string[] = [];
for (const k of [1, 4, 16]) {
  for (const normalization of ["num_items_in_batch", "mean_of_micro_means"] as const) {
    let result = accumulateGradients(tokenLoss, {
      lengths: accLengths,
      microBatches: k,
      normalization,
      variables: [w],
    });
    const diff = maxDiff(result);
    const loss = result.loss;
    result.dispose();
    const ms = time(() => {
      result = accumulateGradients(tokenLoss, {
        lengths: accLengths,
        microBatches: k,
        normalization,
        variables: [w],
      });
      result.dispose();
    }, 5);
    accRows.push(
      `| ${k} | ${normalization} | ${loss.toFixed(5)} | ${diff.toExponential(2)} | ${
        ms.toFixed(1)
      } ms |`,
    );
  }
}
console.log(
  `\nGradient accumulation, wasm, batch ${BA} × ${TA} × ${D} (half the sequences ${TA} long, ` +
    `half 1-8), full-batch loss ${full.loss.toFixed(5)}:\n\n` +
    "| K | normalisation | loss | max abs grad diff vs full batch | time per step |\n" +
    "|---|---|---|---|---|\n" + accRows.join("\n"),
);
full.dispose();
tf.dispose([w, x, y]);
