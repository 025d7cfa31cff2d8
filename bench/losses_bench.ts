/**
 * `deno task bench losses`: per-sample MSE, binary and categorical cross-entropy on 1e6 rows, on
 * the `wasm` and `cpu` backends and as a hand-written Float32Array loop, in one run. Times are the
 * median of 3 calls after one warm-up, and include reading the `[1e6]` result back (`dataSync`),
 * so the tensor work is really done. Inputs are made once per backend, outside the timing.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendName, setupBackend } from "../lib/runtime/mod.ts";
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  meanSquaredError,
} from "../lib/losses/mod.ts";

const ROWS = 1_000_000;
const MSE_D = 4, CCE_K = 10;
const EPS = 1e-7;

const rand = (() => {
  let s = 12345;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
})();

function fill(n: number, f: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = f();
  return a;
}

// Data shared by every contender.
const mseT = fill(ROWS * MSE_D, rand), mseP = fill(ROWS * MSE_D, rand);
const bceT = fill(ROWS, () => (rand() < 0.3 ? 1 : 0));
const bceP = fill(ROWS, () => 0.01 + 0.98 * rand());
const cceT = new Float32Array(ROWS * CCE_K), cceP = new Float32Array(ROWS * CCE_K);
for (let r = 0; r < ROWS; r++) {
  cceT[r * CCE_K + Math.floor(rand() * CCE_K)] = 1;
  let sum = 0;
  for (let k = 0; k < CCE_K; k++) sum += cceP[r * CCE_K + k] = 0.05 + rand();
  for (let k = 0; k < CCE_K; k++) cceP[r * CCE_K + k] /= sum;
}

// Hand-written loops: the same formulas as the library (Keras's clipping), one output per row.
function handMse(): Float32Array {
  const out = new Float32Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    let s = 0;
    for (let j = r * MSE_D, e = j + MSE_D; j < e; j++) {
      const d = mseT[j] - mseP[j];
      s += d * d;
    }
    out[r] = s / MSE_D;
  }
  return out;
}
function handBce(): Float32Array {
  const out = new Float32Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    const p = Math.min(Math.max(bceP[r], EPS), 1 - EPS), y = bceT[r];
    out[r] = -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
  }
  return out;
}
function handCce(): Float32Array {
  const out = new Float32Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    const o = r * CCE_K;
    let sum = 0;
    for (let k = 0; k < CCE_K; k++) sum += cceP[o + k];
    let s = 0;
    for (let k = 0; k < CCE_K; k++) {
      const p = Math.min(Math.max(cceP[o + k] / sum, EPS), 1 - EPS);
      s -= cceT[o + k] * Math.log(p);
    }
    out[r] = s;
  }
  return out;
}

function median(f: () => void): number {
  f(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[1];
}

type Row = { loss: string; hand: number; wasm?: number; cpu?: number; check: number };
const rows: Row[] = [
  { loss: `MSE [1e6, ${MSE_D}]`, hand: median(handMse), check: 0 },
  { loss: "binary CE [1e6, 1]", hand: median(handBce), check: 0 },
  { loss: `categorical CE [1e6, ${CCE_K}]`, hand: median(handCce), check: 0 },
];
const reference = [handMse(), handBce(), handCce()];

for (const backend of ["wasm", "cpu"] as BackendName[]) {
  const info = await setupBackend({ backend, seed: 0 });
  if (info.backend !== backend) console.log(`(${backend} unavailable: ${info.fallbackReason})`);
  const t = [
    [tf.tensor2d(mseT, [ROWS, MSE_D]), tf.tensor2d(mseP, [ROWS, MSE_D])],
    [tf.tensor2d(bceT, [ROWS, 1]), tf.tensor2d(bceP, [ROWS, 1])],
    [tf.tensor2d(cceT, [ROWS, CCE_K]), tf.tensor2d(cceP, [ROWS, CCE_K])],
  ];
  const fns = [meanSquaredError, binaryCrossentropy, categoricalCrossentropy];
  fns.forEach((f, i) => {
    const run = () => {
      const out = f(t[i][0], t[i][1]);
      out.dataSync();
      out.dispose();
    };
    rows[i][backend] = median(run);
    const out = f(t[i][0], t[i][1]);
    const got = out.dataSync();
    let worst = 0;
    for (let r = 0; r < ROWS; r++) worst = Math.max(worst, Math.abs(got[r] - reference[i][r]));
    rows[i].check = Math.max(rows[i].check, worst);
    out.dispose();
  });
  tf.dispose(t.flat());
}

const ms = (x?: number) => (x === undefined ? "n/a" : x.toFixed(1));
const ratio = (
  x: number | undefined,
  hand: number,
) => (x === undefined ? "n/a" : `${(x / hand).toFixed(2)}×`);
console.log(
  `Per-sample losses on ${ROWS.toLocaleString("en")} rows (median of 3 after a warm-up, ms; ` +
    `ratio to the hand loop)\n`,
);
console.log(
  "| loss | hand loop (ms) | wasm (ms) | wasm / hand | cpu (ms) | cpu / hand | max abs diff |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.loss} | ${ms(r.hand)} | ${ms(r.wasm)} | ${ratio(r.wasm, r.hand)} | ${ms(r.cpu)} | ${
      ratio(r.cpu, r.hand)
    } | ${r.check.toExponential(1)} |`,
  );
}
console.log(
  `\n(${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, tfjs ${tf.version.tfjs})`,
);
