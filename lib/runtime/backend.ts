/**
 * Backend set-up: the one call a notebook makes first.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
// Imported for its side effect: it keeps tfjs's tfjs-node advert quiet.
import "./_cpu_advert.ts";
import { seededRandom } from "../_core/random.ts";
import { assertKnownOptions, assertSeed } from "../_core/checks.ts";

export { seededRandom };

/** The tfjs backends losslab knows how to select. */
export type BackendName = "wasm" | "cpu";

/** Options for {@linkcode setupBackend}. */
export interface SetupOptions {
  /** Backend to select; falls back to `cpu` (with a message) when `wasm` cannot start. Default `"wasm"`. */
  backend?: BackendName;
  /**
   * Seed for every random number tfjs draws (initialisers, dropout, shuffles) and for
   * `Math.random`. `null` leaves randomness unseeded. Default `42`.
   */
  seed?: number | null;
}

/** What {@linkcode setupBackend} selected. */
export interface BackendInfo {
  /** The backend now in use. */
  backend: BackendName;
  /** The seed in force, or `null`. */
  seed: number | null;
  /** Why the requested backend was not used, when it was not. */
  fallbackReason?: string;
}

const nativeRandom = Math.random;

/**
 * Until this is called, tfjs runs on its `cpu` backend: the `wasm` backend is registered here, not
 * when the library is imported, because a registered but uninitialised `wasm` backend (tfjs ranks it
 * above `cpu`) makes every tensor op before set-up fail with tfjs's "backend 'wasm' has not yet been
 * initialized".
 *
 * Selects the tfjs backend (the `wasm` backend by default; bench/BENCHMARKS.md gives the measured
 * wasm and cpu times, which depend on the work), seeds randomness, and keeps tfjs's "running in
 * Node.js" advert out of the output. Call it again to switch backend or reseed; it is idempotent.
 *
 * Seeding works by replacing `Math.random` with a seeded generator: tfjs draws the seed of every
 * unseeded random op from `Math.random`, so weight initialisation and shuffling become repeatable.
 *
 * @example
 * ```ts
 * import { setupBackend } from "./backend.ts";
 * const info = await setupBackend({ backend: "cpu", seed: 1 });
 * if (info.backend !== "cpu") throw new Error("expected the cpu backend");
 * ```
 */
export async function setupBackend(options: SetupOptions = {}): Promise<BackendInfo> {
  assertKnownOptions("setupBackend", options, ["backend", "seed"]);
  const requested = options.backend ?? "wasm";
  if (requested !== "wasm" && requested !== "cpu") {
    throw new RangeError(`setupBackend: backend is "${requested}", expected "wasm" or "cpu"`);
  }
  const seed = options.seed === undefined ? 42 : options.seed;
  if (seed !== null) assertSeed("setupBackend", "options.seed", seed, "or null");
  Math.random = seed === null ? nativeRandom : seededRandom(seed);

  let fallbackReason: string | undefined;
  let ok: boolean;
  try {
    if (requested === "wasm") await import("@tensorflow/tfjs-backend-wasm");
    ok = await tf.setBackend(requested);
  } catch (error) {
    ok = false;
    fallbackReason = String(error);
  }
  if (!ok) {
    fallbackReason ??= `tfjs could not start the ${requested} backend`;
    await tf.setBackend("cpu");
    console.warn(`losslab: using the cpu backend (${fallbackReason})`);
  }
  await tf.ready();
  return { backend: tf.getBackend() as BackendName, seed, fallbackReason };
}
