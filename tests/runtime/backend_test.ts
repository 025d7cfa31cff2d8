/**
 * setupBackend, and what happens before it: a learner who calls a loss before `await
 * setupBackend()` gets a result on tfjs's cpu backend, not tfjs's "backend 'wasm' has not yet been
 * initialized". Run in a fresh Deno process, since this test file itself must not set a backend first.
 *
 * @module
 */
import { assert } from "../assert.ts";

const MOD = new URL("../../lib/mod.ts", import.meta.url).href;

async function runFresh(code: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { ok: out.success, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("before setupBackend: losses run on cpu; setupBackend then selects wasm", async () => {
  const r = await runFresh(`
    import * as tf from "@tensorflow/tfjs";
    import { meanSquaredError, setupBackend } from "${MOD}";
    const l = meanSquaredError([[0], [0]], [[1], [3]]);
    console.log(tf.getBackend(), Array.from(l.dataSync()).join(","));
    const info = await setupBackend({ seed: 0 });
    console.log(info.backend, tf.getBackend());
  `);
  assert.ok(r.ok, r.stderr);
  // (1 − 0)² = 1 and (3 − 0)² = 9, computed on cpu before set-up.
  assert.deepEqual(r.stdout.trim().split("\n"), ["cpu 1,9", "wasm wasm"]);
});

Deno.test("setupBackend: bad options name the argument and value", async () => {
  const r = await runFresh(`
    import { setupBackend } from "${MOD}";
    for (const o of [{ backend: "gpu" }, { seed: NaN }]) {
      try { await setupBackend(o); } catch (e) { console.log(e.constructor.name + ": " + e.message); }
    }
  `);
  assert.ok(r.ok, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n"), [
    'RangeError: setupBackend: backend is "gpu", expected "wasm" or "cpu"',
    "RangeError: setupBackend: options.seed is NaN, expected an integer or null",
  ]);
});
