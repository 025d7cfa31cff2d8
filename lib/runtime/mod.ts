/**
 * What a notebook calls first and prints with: backend set-up and seeding, `show` and `display`
 * (output that stays under its cell), and progress.
 *
 * @example
 * ```ts
 * import { setupBackend } from "./mod.ts";
 * const info = await setupBackend({ backend: "cpu", seed: 0 });
 * if (info.backend !== "cpu") throw new Error("expected cpu");
 * ```
 *
 * @module
 */
export { seededRandom, setupBackend } from "./backend.ts";
export type { BackendInfo, BackendName, SetupOptions } from "./backend.ts";
export { inJupyter, Progress } from "./progress.ts";
export type { JupyterApi, ProgressMode, ProgressOptions } from "./progress.ts";
export { display, displayVia, OUTPUT_SETTLE_MS, settleOutput } from "./output.ts";
export type { JupyterDisplay } from "./output.ts";
export { show } from "./show.ts";
