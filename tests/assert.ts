/**
 * The few assertion helpers losslab's tests share, on top of `node:assert/strict` (the JSR
 * registry, and so `jsr:@std/assert`, cannot be reached from the build machines).
 *
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";

export { assert };

/** Asserts `actual` is within `tolerance` of `expected`, element by element. */
export function assertClose(
  actual: number | ArrayLike<number> | tf.Tensor,
  expected: number | ArrayLike<number>,
  tolerance = 1e-6,
  message = "",
): void {
  const a = actual instanceof tf.Tensor
    ? Array.from(actual.dataSync())
    : typeof actual === "number"
    ? [actual]
    : Array.from(actual);
  const e = typeof expected === "number" ? [expected] : Array.from(expected);
  assert.equal(a.length, e.length, `${message} length ${a.length} != expected ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i] - e[i]) <= tolerance || (Number.isNaN(a[i]) && Number.isNaN(e[i]));
    assert.ok(
      ok,
      `${message} [${i}]: ${a[i]} differs from ${e[i]} by more than ${tolerance}\n  actual   ${
        JSON.stringify(a)
      }\n  expected ${JSON.stringify(e)}`,
    );
  }
}

/** Runs `fn` and asserts that it leaves no new tensors behind. Returns what `fn` returned. */
export async function assertNoLeak<T>(fn: () => T | Promise<T>, message = ""): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const kept = result instanceof tf.Tensor ? 1 : 0;
  if (result instanceof tf.Tensor) result.dispose();
  const after = tf.memory().numTensors;
  assert.equal(
    after,
    before,
    `${message} leaked ${after - before} tensor(s) (result tensors: ${kept}, disposed)`,
  );
  return result;
}

/** Asserts that `fn` throws an error of class `errorClass` whose message includes every fragment. */
export function assertThrowsWith(
  fn: () => unknown,
  errorClass: new (...args: never[]) => Error,
  ...fragments: string[]
): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof errorClass, `expected ${errorClass.name}, got ${error}`);
    for (const f of fragments) {
      assert.ok(
        (error as Error).message.includes(f),
        `message "${(error as Error).message}" lacks "${f}"`,
      );
    }
    return true;
  });
}

/**
 * The delays (ms) of the timers `fn` sets with `setTimeout` while it runs: what code asks to wait,
 * which a busy machine does not stretch the way it stretches the time taken.
 */
export async function timerDelays(fn: () => Promise<unknown>): Promise<number[]> {
  const asked: number[] = [];
  const setTimeoutBefore = globalThis.setTimeout;
  globalThis.setTimeout = ((f: () => void, ms?: number) => {
    asked.push(ms ?? 0);
    return setTimeoutBefore(f, ms);
  }) as typeof setTimeout;
  try {
    await fn();
  } finally {
    globalThis.setTimeout = setTimeoutBefore;
  }
  return asked;
}
