/**
 * fast-check for the property tests (pinned in deno.json's import map), seeded and bounded so the
 * whole property suite stays fast and repeatable, with the two helpers every property file uses.
 *
 * @module
 */
import fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { assert } from "../assert.ts";

fc.configureGlobal({ seed: 20261201, numRuns: 40, endOnFailure: true });

export { fc };

/**
 * Registers a property test for `exports` (coverage_test.ts reads the list from the source text)
 * and fails it when the body leaves a tensor behind.
 */
export function prop(exports: string[], name: string, body: () => void | Promise<void>): void {
  Deno.test(`property: ${name}`, async () => {
    const before = tf.memory().numTensors;
    await body();
    assert.equal(tf.memory().numTensors, before, `${name}: tensors left behind (${exports})`);
  });
}

/** Runs `f`, which must throw an Error whose message starts with `fn: ` and mentions `arg`. */
export function throwsNaming(f: () => unknown, fn: string, arg: string): void {
  assert.throws(
    f,
    (e: Error) => e instanceof Error && e.message.startsWith(`${fn}: `) && e.message.includes(arg),
  );
}

/** Awaits `f`, which must reject with an Error whose message starts with `fn: ` and mentions `arg`. */
export async function rejectsNaming(
  f: () => Promise<unknown>,
  fn: string,
  arg: string,
): Promise<void> {
  await assert.rejects(
    f,
    (e: Error) => e instanceof Error && e.message.startsWith(`${fn}: `) && e.message.includes(arg),
  );
}

/** Finite doubles of moderate size. */
export const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
/** The three non-finite numbers. */
export const nonFinite = fc.constantFrom(NaN, Infinity, -Infinity);

/** |a − b| within a relative `rel` of values of size `scale`: float32 rounding, not exactness. */
export function near(a: number, b: number, scale = 1, rel = 1e-4): boolean {
  return Math.abs(a - b) <= rel * (1 + Math.abs(scale));
}
