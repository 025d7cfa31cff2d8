/**
 * Every exercise is solvable: the reference solutions in notebooks/solutions/ pass their checkers,
 * and a missing answer does not.
 *
 * @module
 */
import { assert } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { checkExercise, EXERCISES } from "../../notebooks/exercises/mod.ts";

type Solutions = Record<string, () => unknown>;

async function loadSolutions(): Promise<Solutions> {
  const dir = new URL("../../notebooks/solutions/", import.meta.url);
  const all: Solutions = {};
  for (const entry of [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.name.endsWith(".ts")) continue;
    const module = await import(new URL(entry.name, dir).href);
    Object.assign(all, module.SOLUTIONS as Solutions);
  }
  return all;
}

Deno.test("every exercise has a solution, and every solution an exercise", async () => {
  const solutions = await loadSolutions();
  assert.deepEqual(Object.keys(solutions).sort(), Object.keys(EXERCISES).sort());
});

Deno.test("the solutions pass their checkers; no answer does not", async (t) => {
  await setupBackend({ seed: 42 });
  const solutions = await loadSolutions();
  for (const id of Object.keys(EXERCISES).sort()) {
    await t.step(id, async () => {
      const verdict = await checkExercise(id, await solutions[id]());
      assert.ok(verdict.ok, `${id}: the solution fails its checker: ${verdict.message}`);
      const empty = await checkExercise(id, undefined);
      assert.ok(!empty.ok, `${id}: an empty answer passes`);
    });
  }
});
