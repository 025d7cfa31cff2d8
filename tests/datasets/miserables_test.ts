import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { loadMiserables, miserablesFromJson } from "../../lib/datasets/miserables.ts";
import { egoNetworks, perGraphLoss } from "../../lib/losses/mod.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

Deno.test("loadMiserables: counts from the file, symmetric normalised adjacency", () => {
  const g = loadMiserables();
  // Counted in Python from miserables.json: 77 nodes, 254 links, groups 0..10 with sizes below.
  assert.equal(g.numNodes, 77);
  assert.equal(g.edges.length, 254);
  assert.equal(g.numClasses, 11);
  const sizes = [3, 10, 14, 10, 11, 10, 1, 2, 13, 1, 2];
  const labels = Array.from(g.labels.dataSync());
  sizes.forEach((n, c) => assert.equal(labels.filter((l) => l === c).length, n, `group ${c}`));
  assert.equal(g.nodes[11].name, "Valjean");
  assert.deepEqual(g.features.shape, [77, 77]);
  // Â[i][i] = 1 / (deg(i) + 1): Myriel has 10 neighbours, Valjean 36 (Python count).
  const a = g.adjacency.arraySync() as number[][];
  assertClose([a[0][0], a[11][11]], [1 / 11, 1 / 37], 1e-6);
  // Myriel–Valjean: 1 / √(11 · 37).
  assertClose([a[0][11], a[11][0]], [1 / Math.sqrt(11 * 37), 1 / Math.sqrt(11 * 37)], 1e-6);
  g.dispose();
});

Deno.test("loadMiserables: seeded stratified split into train, validation and test", () => {
  const a = loadMiserables({ seed: 1 }), b = loadMiserables({ seed: 1 });
  const c = loadMiserables({ seed: 2 });
  assert.deepEqual(a.split, b.split);
  assert.notDeepEqual(a.split, c.split);
  const count = (s: string) => a.split.filter((x) => x === s).length;
  assert.equal(count("train") + count("validation") + count("test"), 77);
  // Masks agree with the split.
  const masks = { train: a.trainMask, validation: a.validationMask, test: a.testMask };
  for (const [name, mask] of Object.entries(masks)) {
    assert.deepEqual(
      Array.from(mask.dataSync()),
      a.split.map((s) => (s === name ? 1 : 0)),
      name,
    );
  }
  // Stratified: group 2 (14 nodes) sends round(0.3·14) = 4 to test; of the other 10,
  // round(0.2·10) = 2 to validation. Singleton groups 6 and 9 always train.
  const inGroup = (grp: number, s: string) =>
    a.nodes.filter((n, i) => n.group === grp && a.split[i] === s).length;
  assert.deepEqual([inGroup(2, "train"), inGroup(2, "validation"), inGroup(2, "test")], [8, 2, 4]);
  assert.equal(inGroup(6, "train"), 1);
  assert.equal(inGroup(9, "train"), 1);
  [a, b, c].forEach((d) => d.dispose());
});

Deno.test("miserablesFromJson: malformed data and links to missing nodes", () => {
  const nodes = [{ name: "a", group: 0 }, { name: "b", group: 1 }];
  assertThrowsWith(
    () => miserablesFromJson({ nodes, links: [{ source: 0, target: 2, value: 1 }] }),
    RangeError,
    "miserablesFromJson: data.links[0].target is 2, expected an integer in [0, 2)",
  );
  assertThrowsWith(
    () => miserablesFromJson({ nodes: [{ name: "a" }], links: [] }),
    TypeError,
    'nodes[0] is {"name":"a"}, expected { name: string, group: integer >= 0 }',
  );
  assertThrowsWith(
    () => miserablesFromJson({ nodes, links: [{ source: "0", target: 1 }] }),
    TypeError,
    "links[0] is",
  );
  assertThrowsWith(() => miserablesFromJson([]), TypeError, '"nodes" and "links" arrays');
  assertThrowsWith(
    () => miserablesFromJson({ nodes, links: [] }, { testSplit: 1 }),
    RangeError,
    "miserablesFromJson: options.testSplit is 1, expected a number in [0, 1)",
  );
});

Deno.test("loadMiserables: dispose frees every tensor", async () => {
  await assertNoLeak(() => loadMiserables().dispose());
  assert.ok(tf.memory().numTensors >= 0);
});

Deno.test("egoNetworks and perGraphLoss on miserables: equal a per-graph loop", () => {
  const g = loadMiserables();
  // Myriel (0) has 10 neighbours (1..9 and 11), so her 1-hop ego network has 11 nodes; Valjean
  // (11) has 36 neighbours (counted from the file's links in Python).
  const centers = [0, 11, 48, 76];
  const batch = egoNetworks(g.numNodes, g.edges, centers);
  assert.equal(batch.sizes[0], 11);
  assert.equal(batch.sizes[1], 37);
  assert.deepEqual(batch.nodes.slice(0, 11), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11]);
  // Per-graph loop: build each ego set from the raw links, average made-up node losses.
  const nodeLoss = Array.from({ length: g.numNodes }, (_, i) => (i * 7919) % 13 / 4);
  const expected = centers.map((c) => {
    const set = new Set([c]);
    for (const l of g.links) {
      if (l.source === c) set.add(l.target);
      if (l.target === c) set.add(l.source);
    }
    return [...set].reduce((s, i) => s + nodeLoss[i], 0) / set.size;
  });
  assertClose(perGraphLoss(nodeLoss, batch), expected, 1e-5);
  // Two hops: the batch still matches a loop (BFS by repeated expansion).
  const two = egoNetworks(g.numNodes, g.edges, [0], { hops: 2 });
  const ring = new Set([0]);
  for (let h = 0; h < 2; h++) {
    for (const l of g.links) {
      if (ring.has(l.source) || ring.has(l.target)) {
        if (ring.has(l.source) && !ring.has(l.target)) ring.add(-1 - l.target);
        if (ring.has(l.target) && !ring.has(l.source)) ring.add(-1 - l.source);
      }
    }
    for (const v of [...ring]) if (v < 0) (ring.delete(v), ring.add(-1 - v));
  }
  assert.deepEqual(two.nodes, [...ring].sort((a, b) => a - b));
  g.dispose();
});
