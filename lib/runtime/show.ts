/**
 * Printing from a notebook cell so the text stays under that cell.
 *
 * @module
 */

/**
 * Prints like `console.log`, then yields to the event loop once. The Deno kernel forwards a cell's
 * stdout to Jupyter from a separate task; when a front end sends the next cell at once (as *Run
 * All* does), text printed at the very end of a cell can otherwise be filed under the next cell.
 * Yielding lets the kernel send it while this cell is still the one running. Outside a notebook it
 * is `console.log` plus one tick.
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
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}
