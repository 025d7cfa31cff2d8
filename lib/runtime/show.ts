/**
 * Printing from a notebook cell so the text stays under that cell.
 *
 * @module
 */
import { settleOutput } from "./output.ts";

/**
 * Prints like `console.log`, then waits until the Deno kernel has sent the text (see
 * {@linkcode settleOutput}). The kernel sends a cell's output from another thread and labels it
 * with the request it is handling when it sends it; under *Run All* a line printed at the very end
 * of a cell could otherwise be filed under the next cell. Outside a notebook it is `console.log`
 * plus one tick.
 *
 * In a notebook: `await show("mean loss", mean.toFixed(3));`
 *
 * @example
 * ```ts
 * import { show } from "./show.ts";
 * await show("per-sample losses:", [0.5, 1.5].join(", "));
 * ```
 */
export async function show(...values: unknown[]): Promise<void> {
  // deno-lint-ignore no-console
  console.log(...values);
  await settleOutput();
}
