/**
 * Properties of the training exports: gradients (micro-batch accumulation, per-sample norms, DP
 * clipping, one weighted `train` step) equal what a plain loop over samples computes by hand for a
 * small linear model; invalid input gives an Error naming the argument; no tensor is left.
 */
import * as tf from "@tensorflow/tfjs";
import { fc, near, nonFinite, prop, rejectsNaming, throwsNaming } from "./_fc.ts";
import { assert } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/mod.ts";
import { meanSquaredError } from "../../lib/losses/mod.ts";
import {
  accumulateGradients,
  dpClippedGradients,
  microBatchRows,
  NonFiniteLossError,
  perSampleGradientNorms,
  train,
} from "../../lib/training/mod.ts";

await setupBackend({ backend: "cpu", seed: 0 });

/**
 * Numbers in [-3, 3] in steps of 1/16: of moderate size (fc.double favours tiny denormals, which
 * would make every gradient 0 and every comparison vacuous) and exact in float32.
 */
const small = fc.integer({ min: -48, max: 48 }).map((v) => v / 16);

/** A linear regression problem: n samples of d features, targets, weights w [d] and bias b. */
const linearProblem = fc.record({
  n: fc.integer({ min: 1, max: 8 }),
  d: fc.integer({ min: 1, max: 3 }),
}).chain(({ n, d }) =>
  fc.record({
    x: fc.array(fc.array(small, { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
    y: fc.array(small, { minLength: n, maxLength: n }),
    w: fc.array(small, { minLength: d, maxLength: d }),
    b: small,
  })
);

type Linear = { x: number[][]; y: number[]; w: number[]; b: number };

/** Residual r = x·w + b − y of every sample, in float64. */
function residuals(p: Linear): number[] {
  return p.x.map((row, i) => {
    let z = p.b;
    for (let j = 0; j < row.length; j++) z += row[j] * p.w[j];
    return z - p.y[i];
  });
}

/** One sample's gradient of (x·w + b − y)² with respect to [w..., b]: 2r·[x..., 1]. */
function sampleGradient(p: Linear, i: number, r: number[]): number[] {
  return [...p.x[i].map((v) => 2 * r[i] * v), 2 * r[i]];
}

/** Variables w [d, 1] and b [1] holding the problem's weights, and the model x ↦ x·w + b. */
function linearModel(p: Linear) {
  // tf.tidy frees the initial values; variables outlive it.
  const [w, b] = tf.tidy(() => [
    tf.variable(tf.tensor2d(p.w, [p.w.length, 1])),
    tf.variable(tf.tensor1d([p.b])),
  ]);
  const model = (x: tf.Tensor) => tf.add(tf.matMul(x, w), b);
  return { w, b, model, dispose: () => tf.dispose([w, b]) };
}

prop(["microBatchRows"], "microBatchRows splits rows like a plain loop; bad counts refused", () => {
  const batchAndK = fc.integer({ min: 1, max: 200 }).chain((batch) =>
    fc.tuple(fc.constant(batch), fc.integer({ min: 1, max: batch }))
  );
  fc.assert(fc.property(batchAndK, ([batch, k]) => {
    const rows = microBatchRows(batch, k);
    // Plain loop: the first batch mod k micro-batches hold one extra row.
    const want: [number, number][] = [];
    let start = 0;
    for (let i = 0; i < k; i++) {
      const size = (batch - (batch % k)) / k + (i < batch % k ? 1 : 0);
      want.push([start, start + size]);
      start += size;
    }
    assert.deepEqual(rows, want);
  }));
  fc.assert(fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 5 }), (b, e) => {
    throwsNaming(() => microBatchRows(b, b + e), "microBatchRows", "microBatches");
    throwsNaming(() => microBatchRows(b, 0), "microBatchRows", "microBatches");
    throwsNaming(() => microBatchRows(b, 0.5), "microBatchRows", "microBatches");
    throwsNaming(() => microBatchRows(-b, 1), "microBatchRows", "batch");
    throwsNaming(() => microBatchRows(b + 0.5, 1), "microBatchRows", "batch");
  }));
  throwsNaming(() => microBatchRows(NaN, 1), "microBatchRows", "batch");
  throwsNaming(() => microBatchRows("4" as never, 1), "microBatchRows", "batch");
});

/** A padded batch of per-token regression data: x, y [batch, time], lengths, and K. */
const tokenProblem = fc.record({
  batch: fc.integer({ min: 1, max: 6 }),
  time: fc.integer({ min: 1, max: 5 }),
}).chain(({ batch, time }) =>
  fc.record({
    x: fc.array(fc.array(small, { minLength: time, maxLength: time }), {
      minLength: batch,
      maxLength: batch,
    }),
    y: fc.array(fc.array(small, { minLength: time, maxLength: time }), {
      minLength: batch,
      maxLength: batch,
    }),
    lengths: fc.array(fc.integer({ min: 0, max: time }), { minLength: batch, maxLength: batch }),
    k: fc.integer({ min: 1, max: batch }),
    w: small,
    b: small,
  })
);

prop(
  ["accumulateGradients"],
  "accumulateGradients equals the full-batch gradient of a plain per-token loop; bad masks refused",
  () => {
    fc.assert(
      fc.property(tokenProblem, (p) => {
        const batch = p.x.length, time = p.x[0].length;
        const n = p.lengths.reduce((a, b) => a + b, 0);
        fc.pre(n > 0);
        const [w, b] = tf.tidy(() => [tf.variable(tf.scalar(p.w)), tf.variable(tf.scalar(p.b))]);
        const xt = tf.tensor2d(p.x), yt = tf.tensor2d(p.y);
        const tokenLoss = (s: number, e: number) =>
          tf.tidy(() => {
            const xs = xt.slice([s, 0], [e - s, time]), ys = yt.slice([s, 0], [e - s, time]);
            return tf.square(tf.sub(tf.add(tf.mul(xs, w), b), ys));
          });
        try {
          // Plain loop: loss Σ_real (w·x + b − y)² / N, gradient Σ_real 2r·(x, 1) / N.
          let loss = 0, gw = 0, gb = 0;
          for (let i = 0; i < batch; i++) {
            for (let t = 0; t < p.lengths[i]; t++) {
              const r = p.w * p.x[i][t] + p.b - p.y[i][t];
              loss += r * r / n;
              gw += 2 * r * p.x[i][t] / n;
              gb += 2 * r / n;
            }
          }
          const got = accumulateGradients(tokenLoss, {
            lengths: p.lengths,
            microBatches: p.k,
            variables: [w, b],
          });
          const full = accumulateGradients(tokenLoss, { lengths: p.lengths, variables: [w, b] });
          try {
            assert.equal(got.numItemsInBatch, n);
            assert.ok(near(got.loss, loss, loss), `loss ${got.loss} vs ${loss}`);
            const [aw, ab] = [got.grads[w.name], got.grads[b.name]].map((g) => g.dataSync()[0]);
            const [fw, fb] = [full.grads[w.name], full.grads[b.name]].map((g) => g.dataSync()[0]);
            const scale = 1 + Math.abs(gw) + Math.abs(gb) + loss;
            assert.ok(near(aw, gw, scale) && near(ab, gb, scale), `${aw},${ab} vs ${gw},${gb}`);
            assert.ok(near(aw, fw, scale) && near(ab, fb, scale), "micro-batches vs full batch");
          } finally {
            got.dispose();
            full.dispose();
          }
          // The naive mean of micro-batch means, against its own plain loop.
          const rows = microBatchRows(batch, p.k);
          const tokens = rows.map(([s, e]) => p.lengths.slice(s, e).reduce((a, c) => a + c, 0));
          if (!tokens.includes(0)) {
            let nw = 0;
            rows.forEach(([s, e], m) => {
              for (let i = s; i < e; i++) {
                for (let t = 0; t < p.lengths[i]; t++) {
                  const r = p.w * p.x[i][t] + p.b - p.y[i][t];
                  nw += 2 * r * p.x[i][t] / (p.k * tokens[m]);
                }
              }
            });
            const naive = accumulateGradients(tokenLoss, {
              lengths: p.lengths,
              microBatches: p.k,
              normalization: "mean_of_micro_means",
              variables: [w, b],
            });
            const got = naive.grads[w.name].dataSync()[0];
            naive.dispose();
            assert.ok(near(got, nw, 1 + Math.abs(nw) + loss), `naive ${got} vs ${nw}`);
          }
          // Invalid input, each naming the argument.
          const bad = (o: object) => () =>
            accumulateGradients(tokenLoss, { lengths: p.lengths, variables: [w, b], ...o });
          const at = (p.w > 0 ? 1 : 0) % batch;
          const withLength = (v: number) => p.lengths.map((l, i) => (i === at ? v : l));
          throwsNaming(bad({ lengths: withLength(-1) }), "accumulateGradients", "lengths");
          throwsNaming(bad({ lengths: withLength(0.5) }), "accumulateGradients", "lengths");
          throwsNaming(bad({ lengths: withLength(NaN) }), "accumulateGradients", "lengths");
          throwsNaming(bad({ lengths: withLength(time + 1) }), "accumulateGradients", "lengths");
          throwsNaming(bad({ microBatches: batch + 1 }), "accumulateGradients", "microBatches");
          throwsNaming(bad({ micro_batches: 2 }), "accumulateGradients", "options.micro_batches");
          throwsNaming(bad({ normalization: "sum" }), "accumulateGradients", "normalization");
          throwsNaming(bad({ variables: [5] }), "accumulateGradients", "options.variables[0]");
          const mask: number[][] = p.lengths.map((l) =>
            Array.from({ length: time }, (_, t) => t < l ? 1 : 0)
          );
          mask[at][0] = 2;
          throwsNaming(bad({ lengths: undefined, mask }), "accumulateGradients", "mask");
          throwsNaming(
            () =>
              accumulateGradients((s, e) => tf.mul(tokenLoss(s, e), NaN), {
                lengths: p.lengths,
                variables: [w, b],
              }),
            "accumulateGradients",
            "tokenLoss",
          );
        } finally {
          tf.dispose([w, b, xt, yt]);
        }
      }),
      { numRuns: 25 },
    );
  },
);

prop(
  ["perSampleGradientNorms"],
  "perSampleGradientNorms equals a plain loop of one-sample gradients (loop and dense)",
  () => {
    const dense = new Map<number, tf.Sequential>();
    try {
      fc.assert(
        fc.property(linearProblem, (p) => {
          const r = residuals(p);
          // Plain loop: ‖∇ℓᵢ‖ with ℓᵢ = (x·w + b − y)² (MSE over one output).
          const want = p.x.map((_, i) => Math.hypot(...sampleGradient(p, i, r)));
          const lin = linearModel(p);
          const d = p.w.length;
          if (!dense.has(d)) {
            dense.set(
              d,
              tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [d] })] }),
            );
          }
          const layers = dense.get(d)!;
          const weights = [tf.tensor2d(p.w, [d, 1]), tf.tensor1d([p.b])];
          layers.setWeights(weights);
          tf.dispose(weights);
          try {
            const y = p.y.map((v) => [v]);
            const viaLoop = perSampleGradientNorms(lin.model, p.x, y, {
              loss: meanSquaredError,
              variables: [lin.w, lin.b],
            });
            const viaDense = perSampleGradientNorms(layers, p.x, y, {
              loss: meanSquaredError,
              method: "dense",
            });
            const scale = Math.max(1, ...want);
            want.forEach((g, i) => {
              assert.ok(near(viaLoop[i], g, scale), `loop ${viaLoop[i]} vs ${g}`);
              assert.ok(near(viaDense[i], g, scale), `dense ${viaDense[i]} vs ${g}`);
            });
            const fn = "perSampleGradientNorms";
            const opts = { loss: meanSquaredError, variables: [lin.w, lin.b] };
            const row = p.x.length - 1;
            const xBad = p.x.map((v, i) => i === row ? v.map(() => NaN) : v);
            throwsNaming(() => perSampleGradientNorms(lin.model, xBad, y, opts), fn, "x");
            throwsNaming(
              () => perSampleGradientNorms(lin.model, p.x, [...y, [0]], opts),
              fn,
              "y",
            );
            throwsNaming(
              () => perSampleGradientNorms(lin.model, p.x, y, { ...opts, method: "fast" as never }),
              fn,
              "method",
            );
            throwsNaming(
              () => perSampleGradientNorms(lin.model, p.x, y, { ...opts, lr: 1 } as never),
              fn,
              "options.lr",
            );
            throwsNaming(
              () => perSampleGradientNorms(lin.model, p.x, y, { loss: meanSquaredError }),
              fn,
              "options.variables",
            );
            throwsNaming(() => perSampleGradientNorms(7 as never, p.x, y, opts), fn, "model");
          } finally {
            lin.dispose();
          }
        }),
        { numRuns: 25 },
      );
    } finally {
      for (const m of dense.values()) m.dispose();
    }
  },
);

prop(
  ["dpClippedGradients"],
  "dpClippedGradients clips every sample to the clip norm, as a plain loop does",
  () => {
    const clip = fc.integer({ min: 1, max: 1000 }).map((v) => v / 100);
    fc.assert(
      fc.property(linearProblem, clip, fc.integer(), (p, c, seed) => {
        const r = residuals(p);
        const n = p.x.length, d = p.w.length;
        // Plain loop: ḡᵢ = gᵢ · min(1, C/‖gᵢ‖), averaged over the batch.
        const avg = new Array<number>(d + 1).fill(0);
        let clipped = 0;
        for (let i = 0; i < n; i++) {
          const g = sampleGradient(p, i, r);
          const norm = Math.hypot(...g);
          const f = norm > c ? c / norm : 1;
          if (norm > c) clipped++;
          g.forEach((v, j) => avg[j] += v * f / n);
        }
        const lin = linearModel(p);
        const y = p.y.map((v) => [v]);
        const opts = { loss: meanSquaredError, clipNorm: c, variables: [lin.w, lin.b] };
        try {
          const res = dpClippedGradients(lin.model, p.x, y, opts);
          const gw = Array.from(res.grads[lin.w.name].dataSync());
          const gb = res.grads[lin.b.name].dataSync()[0];
          tf.dispose(Object.values(res.grads));
          const scale = 1 + c;
          gw.forEach((v, j) => assert.ok(near(v, avg[j], scale), `w[${j}] ${v} vs ${avg[j]}`));
          assert.ok(near(gb, avg[d], scale), `b ${gb} vs ${avg[d]}`);
          // The mean of vectors of norm ≤ C has norm ≤ C.
          assert.ok(Math.hypot(...gw, gb) <= c * (1 + 1e-5) + 1e-6, "average beyond the clip");
          assert.ok(Math.abs(res.clippedFraction - clipped / n) <= 1 / n + 1e-9);
          // Seeded noise: same seed, same gradients.
          const a = dpClippedGradients(lin.model, p.x, y, { ...opts, noiseMultiplier: 1, seed });
          const b = dpClippedGradients(lin.model, p.x, y, { ...opts, noiseMultiplier: 1, seed });
          const same = Array.from(a.grads[lin.w.name].dataSync()).join() ===
            Array.from(b.grads[lin.w.name].dataSync()).join();
          tf.dispose([...Object.values(a.grads), ...Object.values(b.grads)]);
          assert.ok(same, "same seed, same noise");
          const fn = "dpClippedGradients";
          for (const bad of [0, -c, NaN, Infinity]) {
            throwsNaming(
              () => dpClippedGradients(lin.model, p.x, y, { ...opts, clipNorm: bad }),
              fn,
              "clipNorm",
            );
          }
          throwsNaming(
            () => dpClippedGradients(lin.model, p.x, y, { ...opts, noiseMultiplier: -1 }),
            fn,
            "noiseMultiplier",
          );
          throwsNaming(
            () => dpClippedGradients(lin.model, p.x, y, { ...opts, noiseMultiplier: 1, seed: 0.5 }),
            fn,
            "options.seed",
          );
          throwsNaming(
            () => dpClippedGradients(lin.model, p.x.map((v) => v.map(() => Infinity)), y, opts),
            fn,
            "x",
          );
          throwsNaming(
            () => dpClippedGradients(lin.model, p.x, y, { ...opts, clip_norm: 1 } as never),
            fn,
            "options.clip_norm",
          );
        } finally {
          lin.dispose();
        }
      }),
      { numRuns: 25 },
    );
  },
);

prop(
  ["NonFiniteLossError"],
  "NonFiniteLossError carries its position; train raises it at the first non-finite sample",
  async () => {
    const nat = fc.integer({ min: 0, max: 1000 });
    fc.assert(fc.property(nat, nat, fc.integer({ min: -1, max: 1000 }), nonFinite, (e, b, s, v) => {
      const err = new NonFiniteLossError(e, b, s, v);
      assert.ok(err instanceof Error && err.name === "NonFiniteLossError");
      assert.deepEqual([err.epoch, err.batch, err.sample, err.value], [e, b, s, v]);
      assert.ok(
        err.message.startsWith("train: ") && err.message.includes(`epoch ${e}, batch ${b}`),
      );
      if (s >= 0) assert.ok(err.message.includes(`sample ${s}`));
      throwsNaming(() => new NonFiniteLossError(-1 - e, b, s, v), "NonFiniteLossError", "epoch");
      throwsNaming(() => new NonFiniteLossError(e, b + 0.5, s, v), "NonFiniteLossError", "batch");
      throwsNaming(
        () => new NonFiniteLossError(e, b, -2 - Math.max(0, s), v),
        "NonFiniteLossError",
        "sample",
      );
      throwsNaming(
        () => new NonFiniteLossError(e, b, s, "NaN" as never),
        "NonFiniteLossError",
        "value",
      );
    }));
    // In train: x is finite, but 1e30² overflows float32, so that sample's loss is Infinity.
    const setup = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: n }))
    );
    await fc.assert(
      fc.asyncProperty(setup, async ([n, row, batchSize]) => {
        const x = Array.from({ length: n }, (_, i) => [i === row ? 1e30 : (i % 3) - 1]);
        const y = Array.from({ length: n }, () => [0]);
        const w = tf.tidy(() => tf.variable(tf.tensor2d([[1]])));
        const opt = tf.train.sgd(0);
        try {
          await assert.rejects(
            () =>
              train((xb) => tf.matMul(xb, w), x, y, {
                loss: meanSquaredError,
                optimizer: opt,
                batchSize,
                shuffle: false,
                variables: [w],
                quiet: true,
              }),
            (e: Error) =>
              e instanceof NonFiniteLossError && e.epoch === 0 && e.sample === row &&
              e.batch === Math.floor(row / batchSize) && e.value === Infinity,
          );
        } finally {
          tf.dispose([w]);
          opt.dispose();
        }
      }),
      { numRuns: 10 },
    );
  },
);

const REDUCTIONS = ["sum_over_batch_size", "sum", "mean_with_sample_weight"] as const;

prop(
  ["train"],
  "one weighted train step equals a plain-loop weighted gradient step; bad input refused",
  async () => {
    const weighted = linearProblem.chain((p) =>
      fc.record({
        p: fc.constant(p),
        s: fc.array(fc.integer({ min: 0, max: 48 }).map((v) => v / 16), {
          minLength: p.x.length,
          maxLength: p.x.length,
        }),
        reduction: fc.constantFrom(...REDUCTIONS),
        lr: fc.integer({ min: 1, max: 100 }).map((v) => v / 1000),
      })
    );
    await fc.assert(
      fc.asyncProperty(weighted, async ({ p, s, reduction, lr }) => {
        const n = p.x.length, d = p.w.length;
        const sumS = s.reduce((a, b) => a + b, 0);
        fc.pre(reduction !== "mean_with_sample_weight" || sumS > 1e-3);
        // Plain loop: L = Σ sᵢ ℓᵢ / D with D = n, 1 or Σ s; one SGD step w ← w − lr ∇L.
        const denom = reduction === "sum" ? 1 : reduction === "sum_over_batch_size" ? n : sumS;
        const r = residuals(p);
        let loss = 0;
        const grad = new Array<number>(d + 1).fill(0);
        for (let i = 0; i < n; i++) {
          loss += s[i] * r[i] * r[i] / denom;
          sampleGradient(p, i, r).forEach((g, j) => grad[j] += s[i] * g / denom);
        }
        const lin = linearModel(p);
        const opt = tf.train.sgd(lr);
        const y = p.y.map((v) => [v]);
        const base = {
          loss: meanSquaredError,
          optimizer: opt,
          batchSize: n,
          shuffle: false,
          variables: [lin.w, lin.b],
          quiet: true,
        };
        try {
          const result = await train(lin.model, p.x, y, { ...base, sampleWeight: s, reduction });
          const scale = 1 + Math.abs(loss) + grad.reduce((a, g) => a + Math.abs(g), 0);
          assert.ok(
            near(result.history.loss[0], loss, scale),
            `${result.history.loss[0]} vs ${loss}`,
          );
          const w = Array.from(lin.w.dataSync()), b = lin.b.dataSync()[0];
          w.forEach((v, j) => assert.ok(near(v, p.w[j] - lr * grad[j], scale), `w[${j}]`));
          assert.ok(near(b, p.b - lr * grad[d], scale), "bias");
          assert.deepEqual([result.epochs, result.stoppedEarly, result.tracker], [1, false, null]);

          // Refusals, each before any update.
          const before = Array.from(lin.w.dataSync()).join();
          const call = (x: unknown, yy: unknown, o: object) => () =>
            train(lin.model, x as number[][], yy as number[][], { ...base, ...o });
          const scalarLoss = (t: tf.Tensor, q: tf.Tensor) => tf.mean(tf.square(tf.sub(t, q)));
          await rejectsNaming(
            call(p.x, y, { loss: scalarLoss, sampleWeight: s }),
            "train",
            "options.loss",
          );
          const at = n - 1;
          const xNaN = p.x.map((v, i) => (i === at ? v.map(() => NaN) : v));
          await rejectsNaming(call(xNaN, y, {}), "train", "x");
          await rejectsNaming(call(p.x, y.map(() => [Infinity]), {}), "train", "y");
          await rejectsNaming(
            call(p.x, y, { sampleWeight: s.map((v, i) => (i === at ? -1 : v)) }),
            "train",
            "sampleWeight",
          );
          await rejectsNaming(call(p.x, y, { sampleWeight: [...s, 1] }), "train", "sampleWeight");
          await rejectsNaming(
            call(p.x, y, { sampleWeight: s.map(() => NaN) }),
            "train",
            "sampleWeight",
          );
          await rejectsNaming(call(p.x, [...y, [1]], {}), "train", "y");
          await rejectsNaming(call(p.x, y, { epochs: 0 }), "train", "epochs");
          await rejectsNaming(call(p.x, y, { batchSize: 1.5 }), "train", "batchSize");
          await rejectsNaming(call(p.x, y, { seed: 0.25 }), "train", "seed");
          await rejectsNaming(call(p.x, y, { batch_size: 2 }), "train", "options.batch_size");
          await rejectsNaming(call(p.x, y, { shuffle: "no" }), "train", "options.shuffle");
          await rejectsNaming(
            call(p.x, y, { callbacks: { onEpochEnd: 1 } }),
            "train",
            "options.callbacks.onEpochEnd",
          );
          await rejectsNaming(
            call(p.x, y, { validationData: [p.x, [...y, [0]]] }),
            "train",
            "options.validationData[1]",
          );
          await rejectsNaming(
            call(p.x, y, { validationData: [xNaN, y] }),
            "train",
            "options.validationData[0]",
          );
          assert.equal(Array.from(lin.w.dataSync()).join(), before, "a refused call updated w");
        } finally {
          lin.dispose();
          opt.dispose();
        }
      }),
      { numRuns: 20 },
    );
  },
);
