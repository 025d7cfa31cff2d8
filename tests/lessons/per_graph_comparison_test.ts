import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  comparePerGraphLoss,
  perGraphLossLoop,
} from "../../notebooks/lessons/per_graph_comparison.ts";
import { egoNetworks } from "../../lib/losses/per_graph.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

// Path 0-1-2-3 plus a leaf 4 on node 1. One-hop ego networks by hand:
// centre 0: {0, 1}; centre 1: {0, 1, 2, 4}; centre 3: {2, 3}.
const EDGES: [number, number][] = [[0, 1], [1, 2], [2, 3], [1, 4]];
const LOSSES = [1, 3, 5, 7, 11];

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`comparePerGraphLoss (${backend}): hand-worked per-graph means and batch means`, async () => {
    await setupBackend({ backend, seed: 0 });
    const batch = egoNetworks(5, EDGES, [0, 1, 3]);
    const c = await assertNoLeak(() => comparePerGraphLoss(LOSSES, batch));
    // (1+3)/2 = 2; (1+3+5+11)/4 = 5; (5+7)/2 = 6.
    assertClose(c.vectorized, [2, 5, 6], 1e-6);
    assertClose(c.loop, [2, 5, 6], 1e-6);
    assert.ok(c.maxAbsDifference < 1e-6);
    // Over graphs: (2+5+6)/3 = 13/3; over the 8 stacked nodes: (4 + 20 + 12)/8 = 4.5.
    assertClose(c.meanOverGraphs, 13 / 3, 1e-6);
    assertClose(c.meanOverStackedNodes, 4.5, 1e-12);
    // The loop runs a gather and a mean per graph (kernels GatherV2, Mean: 2 × 3 graphs). The
    // segment mean is one gather, the segment sum (cpu: UnsortedSegmentSum; wasm: OneHot, two
    // Reshapes, two Casts and a BatchMatMul) and a division, whatever the number of graphs.
    assert.equal(c.loopKernels, 6);
    assert.equal(c.vectorizedKernels, backend === "cpu" ? 3 : 8);
  });
}

Deno.test("perGraphLossLoop: tensor input, no leak, errors name the argument", async () => {
  await setupBackend({ backend: "cpu", seed: 0 });
  const batch = egoNetworks(5, EDGES, [4]); // {1, 4}
  const values = tf.tensor1d(LOSSES);
  const got = await assertNoLeak(() => perGraphLossLoop(values, batch));
  assertClose(got, [(3 + 11) / 2], 1e-6);
  values.dispose();
  assertThrowsWith(
    () => perGraphLossLoop([1, 2], batch),
    RangeError,
    "perGraphLossLoop: batch.nodes has node 4 at index 1, but perNode has 2 nodes",
  );
  assertThrowsWith(
    () => perGraphLossLoop([[1], [2]], batch),
    RangeError,
    "perGraphLossLoop: perNode has shape [2, 1], expected [nodes]",
  );
});
