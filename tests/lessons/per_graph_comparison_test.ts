import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { countKernels } from "../../notebooks/lessons/per_graph_comparison.ts";
import { egoNetworks, perGraphLoss } from "../../lib/losses/per_graph.ts";
import { assert, assertClose, assertNoLeak } from "../assert.ts";

// Path 0-1-2-3 plus a leaf 4 on node 1. One-hop ego networks by hand:
// centre 0: {0, 1}; centre 1: {0, 1, 2, 4}; centre 3: {2, 3}.
const EDGES: [number, number][] = [[0, 1], [1, 2], [2, 3], [1, 4]];
const LOSSES = [1, 3, 5, 7, 11];
const MEMBERS = [[0, 1], [0, 1, 2, 4], [2, 3]];

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`countKernels (${backend}): segment mean versus a loop over graphs`, async () => {
    await setupBackend({ backend, seed: 0 });
    const batch = egoNetworks(5, EDGES, [0, 1, 3]);
    const values = tf.tensor1d(LOSSES);
    const segment = await assertNoLeak(() =>
      countKernels(() => {
        const t = perGraphLoss(values, batch);
        const out = Array.from(t.dataSync());
        t.dispose();
        return out;
      })
    );
    const loop = await assertNoLeak(() =>
      countKernels(() =>
        MEMBERS.map((nodes) => tf.tidy(() => tf.mean(tf.gather(values, nodes)).dataSync()[0]))
      )
    );
    // (1+3)/2 = 2; (1+3+5+11)/4 = 5; (5+7)/2 = 6.
    assertClose(segment.result, [2, 5, 6], 1e-6);
    assertClose(loop.result, [2, 5, 6], 1e-6);
    // The loop runs a gather and a mean per graph (kernels GatherV2, Mean: 2 × 3 graphs). The
    // segment mean is one gather, the segment sum (cpu: UnsortedSegmentSum; wasm: OneHot, two
    // Reshapes, two Casts and a BatchMatMul) and a division, whatever the number of graphs. The
    // first count must survive the second profile (tfjs reuses one profile object).
    assert.equal(loop.kernels, 6);
    assert.equal(segment.kernels, backend === "cpu" ? 3 : 8);
    values.dispose();
  });
}

Deno.test("countKernels: a throwing fn rethrows, leaks nothing and ends profiling", async () => {
  await setupBackend({ backend: "cpu", seed: 0 });
  const before = tf.memory().numTensors;
  const boom = new RangeError("boom");
  await assert.rejects(
    () =>
      countKernels(() =>
        tf.tidy(() => {
          tf.square(tf.tensor1d([1, 2]));
          throw boom;
        })
      ),
    (error: unknown) => error === boom,
  );
  assert.equal(tf.memory().numTensors, before);
  // Left on, profiling would record every later kernel of the session.
  assert.equal(tf.engine().state.profiling, false);
  const one = await countKernels(() => tf.tidy(() => tf.square(tf.scalar(3)).dataSync()[0]));
  assert.deepEqual(one, { result: 9, kernels: 1 });
});

Deno.test("countKernels: fn that is not a function names the argument", async () => {
  await assert.rejects(
    () => countKernels(42 as unknown as () => number),
    (error: unknown) =>
      error instanceof TypeError &&
      error.message === "countKernels: fn is number, expected a function",
  );
});
