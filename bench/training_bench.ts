/**
 * `deno task bench training`: the weighted training loop against `model.fit` per epoch on the
 * same model and data, the overhead of per-sample tracking, per-sample gradient norms (dense
 * trick vs loop), and streaming evaluation throughput on 1e6 synthetic rows. `wasm` backend.
 *
 * Training: 20 000 rows × 16 features, 5 classes, an MLP 16→64→64→5 (logits), batch 128
 * (157 steps per epoch), Adam; every contender uses the same per-sample loss
 * (`categoricalCrossentropy` with `fromLogits`) and starts from the same weights. Contenders run
 * one epoch each in turn for 1 warm-up + 5 timed rounds; the table shows each one's fastest epoch. `model.fit` runs with
 * `yieldEvery: "never"` so both loops only compute.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom, setupBackend } from "../lib/runtime/mod.ts";
import { categoricalCrossentropy } from "../lib/losses/mod.ts";
import { perSampleGradientNorms, train, type TrainOptions } from "../lib/training/mod.ts";
import { arrayBatches, streamingEvaluate } from "../lib/analysis/mod.ts";

await setupBackend({ backend: "wasm", seed: 0 });
const N = 20_000, D = 16, K = 5, BATCH = 128, ROUNDS = 5;
const rand = seededRandom(1);
const xData = Float32Array.from({ length: N * D }, () => rand() * 2 - 1);
const labels = Int32Array.from({ length: N }, (_, i) => {
  let s = 0;
  for (let j = 0; j < D; j++) s += xData[i * D + j] * ((j % K) + 1);
  return Math.abs(Math.floor(s * 3)) % K;
});
const x = tf.tensor2d(xData, [N, D]);
const y = tf.oneHot(tf.tensor1d(labels, "int32"), K).toFloat();
const weights = tf.tensor1d(Float32Array.from({ length: N }, () => 0.5 + rand()));
const loss = (t: tf.Tensor, p: tf.Tensor) => categoricalCrossentropy(t, p, { fromLogits: true });

function makeModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 64, activation: "relu", inputShape: [D] }));
  m.add(tf.layers.dense({ units: 64, activation: "relu" }));
  m.add(tf.layers.dense({ units: K }));
  return m;
}
const reference = makeModel();
const init = reference.getWeights();

type Runner = () => Promise<void>;

function fitRunner(): Runner {
  const m = makeModel();
  m.setWeights(init);
  m.compile({ optimizer: tf.train.adam(0.001), loss });
  return async () => {
    await m.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0, yieldEvery: "never" });
  };
}

function trainRunner(extra: Partial<TrainOptions>): Runner {
  const m = makeModel();
  m.setWeights(init);
  const optimizer = tf.train.adam(0.001);
  return async () => {
    await train(m, x, y, { loss, optimizer, epochs: 1, batchSize: BATCH, quiet: true, ...extra });
  };
}

const contenders: [string, Runner][] = [
  ["`model.fit` (no weights)", fitRunner()],
  ["`train` (no weights)", trainRunner({})],
  ["`train` + `sampleWeight`", trainRunner({ sampleWeight: weights })],
  [
    "`train` + `sampleWeight` + tracking (training pass)",
    trainRunner({ sampleWeight: weights, track: { fromLogits: true } }),
  ],
  [
    "`train` + `sampleWeight` + tracking (clean pass)",
    trainRunner({ sampleWeight: weights, track: { fromLogits: true, pass: "clean" } }),
  ],
];
// Rounds interleave the contenders, so load from other processes hits all of them alike; the
// first round warms up; each contender's fastest epoch is reported (load only adds time).
const best = contenders.map(() => Infinity);
for (let round = 0; round <= ROUNDS; round++) {
  for (const [c, [, run]] of contenders.entries()) {
    const t0 = performance.now();
    await run();
    if (round > 0) best[c] = Math.min(best[c], performance.now() - t0);
  }
}
const rows: [string, number][] = contenders.map(([name], c) => [name, best[c]]);

const fitMs = rows[0][1], weightedMs = rows[2][1];
console.log(`Training, ${N} rows × ${D} features, MLP ${D}→64→64→${K}, batch ${BATCH}, wasm\n`);
console.log("| run | ms / epoch | vs `model.fit` | vs weighted `train` |");
console.log("|---|---:|---:|---:|");
for (const [name, ms] of rows) {
  console.log(
    `| ${name} | ${ms.toFixed(0)} | ${(ms / fitMs).toFixed(2)}× | ${
      ((ms / weightedMs - 1) * 100).toFixed(1)
    } % |`,
  );
}

// Per-sample gradient norms on 512 samples of the same model.
const xs = x.slice(0, 512), ys = y.slice(0, 512);
const gradRows: [string, number][] = [];
for (const method of ["dense", "loop"] as const) {
  perSampleGradientNorms(reference, xs.slice(0, 8), ys.slice(0, 8), { loss, method });
  const t0 = performance.now();
  perSampleGradientNorms(reference, xs, ys, { loss, method });
  gradRows.push([method, performance.now() - t0]);
}
console.log("\nPer-sample gradient norms, 512 samples, same MLP (≈5.6k parameters)\n");
console.log("| method | ms | samples / s |");
console.log("|---|---:|---:|");
for (const [m, ms] of gradRows) {
  console.log(`| ${m} | ${ms.toFixed(0)} | ${(512 / (ms / 1000)).toFixed(0)} |`);
}

// Streaming evaluation: 1e6 synthetic rows, never more than one batch as tensors.
const ROWS = 1_000_000;
const bigX = Float32Array.from({ length: ROWS * D }, () => rand() * 2 - 1);
const bigY = new Float32Array(ROWS * K);
for (let i = 0; i < ROWS; i++) bigY[i * K + (i % K)] = 1;
console.log(`\nStreaming per-sample evaluation, ${ROWS} rows, same MLP, running top-100\n`);
console.log("| batch size | seconds | rows / s | tensors after |");
console.log("|---:|---:|---:|---:|");
for (const batchSize of [4096, 16384]) {
  const before = tf.memory().numTensors;
  const r = await streamingEvaluate(
    reference,
    arrayBatches(bigX, bigY, { numFeatures: D, targetWidth: K, batchSize }),
    { loss, topK: 100 },
  );
  console.log(
    `| ${batchSize} | ${r.seconds.toFixed(2)} | ${(r.count / r.seconds).toFixed(0)} | ${
      tf.memory().numTensors - before
    } |`,
  );
}
tf.dispose([x, y, weights, xs, ys]);
reference.dispose();
