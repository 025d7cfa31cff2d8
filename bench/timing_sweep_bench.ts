/**
 * `deno task bench timing`: does a custom loss that returns per-sample values make a training step
 * slower than one returning the batch mean, and does the answer change with the batch size?
 *
 * A dense model 8 → 16 (relu) → width on synthetic normal data, output widths 1 and 10, batch sizes
 * from 32 to 131,072, on the `wasm` and the `cpu` backend. Each cell is `timingSweep` from the
 * notebooks' lessons: a warm-up, then paired repeats that time both losses back to back (alternating
 * which goes first; each repeat lasts at least 50 ms, each cell about `--budget` ms), the median of the per-repeat ratios
 * array / scalar with its bootstrap 95 % confidence interval, the smallest detectable difference
 * (the interval's half-width) and the verdict the interval allows. Options:
 * `--quick` (three batch sizes, fewer repeats), `--budget=<ms per cell>`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../lib/runtime/mod.ts";
import {
  formatTimingSweep,
  type TimingRow,
  timingSweep,
} from "../notebooks/lessons/step_timing.ts";

const quick = Deno.args.includes("--quick");
const budgetArg = Deno.args.find((a) => a.startsWith("--budget="));
const budgetMs = budgetArg ? Number(budgetArg.slice("--budget=".length)) : quick ? 2000 : 10000;
const batchSizes = quick ? [32, 2048, 65536] : [32, 128, 512, 2048, 8192, 32768, 65536, 131072];

const started = performance.now();
const rows: TimingRow[] = [];
for (const backend of ["wasm", "cpu"] as const) {
  await setupBackend({ backend, seed: 0 });
  // Discarded: the first steps on a fresh backend include compiling its kernels and JIT warm-up.
  await timingSweep({ batchSizes: [32, 2048], widths: [1, 10], repeats: 3, minRepeatMs: 0 });
  await timingSweep({
    batchSizes,
    widths: [1, 10],
    repeats: quick ? 20 : 100,
    warmup: 10,
    minRepeatMs: quick ? 20 : 50,
    budgetMs,
    seed: 0,
    onRow: (row) => {
      rows.push(row);
      console.error(
        `${row.backend} width ${row.width} batch ${row.batchSize}: ratio ` +
          `${row.medianRatio.toFixed(3)} [${row.low.toFixed(3)}, ${row.high.toFixed(3)}] ` +
          `(${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
    },
  });
}
console.log(formatTimingSweep(rows));

// The backend's effect, from the same runs: cpu's median scalar step time over wasm's per cell.
const speed = rows.filter((r) => r.backend === "wasm").map((w) => {
  const c = rows.find((r) =>
    r.backend === "cpu" && r.width === w.width && r.batchSize === w.batchSize
  );
  return c ? c.scalarMs / w.scalarMs : NaN;
}).filter(Number.isFinite);
console.log(
  `\ncpu / wasm median step time (scalar loss), per cell: ` +
    `${Math.min(...speed).toFixed(1)}× to ${Math.max(...speed).toFixed(1)}×`,
);
console.log(
  `Deno ${Deno.version.deno}, tfjs ${tf.version.tfjs}, ${navigator.hardwareConcurrency} cores, ` +
    `${new Date().toISOString().slice(0, 16)} UTC, ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s in all`,
);
