/**
 * Drives one notebook in classic Jupyter Notebook 6.4: open, Kernel > Restart & Run All (the same
 * call the menu makes, without the confirm dialog), wait until every cell has run and the kernel is
 * idle, and read back what the page shows.
 *
 * @module
 */
import type { BrowserContext, Page } from "playwright-core";
import type { NotebookServer } from "./notebook_server.ts";

/** One output of a code cell, as the front end holds it and draws it. */
export interface PageOutput {
  outputType: string;
  /** MIME types of a display_data / execute_result output. */
  mime: string[];
  /** `ename: evalue` of an error output. */
  error?: string;
  /** Whether the front end drew this output as an inline `<svg>`. */
  svg: boolean;
  /** Drawn marks inside that SVG (vega's `g.mark-*` children with a non-empty box). */
  marks: number;
  /** Width x height of the drawn SVG in CSS pixels. */
  size: [number, number];
  /** The start of a stream's text or of the `text/plain` data, for messages. */
  text: string;
  /** The whole stream text or `text/plain` data. */
  fullText: string;
}

/** What one code cell shows after a run. */
export interface PageCell {
  /** Index among all cells (markdown included), as in nbclient's summary. */
  index: number;
  /** The `In [n]` number; null for a cell that did not run, "*" while it runs. */
  prompt: number | string | null;
  empty: boolean;
  outputs: PageOutput[];
  /** First source line, for messages. */
  head: string;
}

/** Opens `notebooks/<name>` and waits until its kernel is connected; autosave is turned off. */
export async function openNotebook(
  context: BrowserContext,
  server: NotebookServer,
  name: string,
  timeoutMs = 60_000,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}notebooks/${encodeURIComponent(name)}?token=${server.token}`, {
    timeout: timeoutMs,
  });
  try {
    await page.waitForFunction(
      () => {
        // deno-lint-ignore no-explicit-any
        const nb = (globalThis as any).Jupyter?.notebook;
        return nb?._fully_loaded && nb.kernel?.is_connected();
      },
      null,
      { timeout: timeoutMs, polling: 200 },
    );
  } catch {
    const dialog = await page.locator(".modal-dialog").allInnerTexts().catch(() => []);
    throw new Error(
      `${name}: the notebook or its kernel did not come up within ${timeoutMs} ms` +
        (dialog.length ? `; the page shows: ${dialog.join(" | ").replace(/\s+/g, " ")}` : "") +
        `\nserver log:\n${server.log().slice(-2000)}`,
    );
  }
  // Autosave would write this run's outputs into the committed notebook.
  await page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    (globalThis as any).Jupyter.notebook.set_autosave_interval(0);
  });
  return page;
}

/** Options for {@linkcode runAll}. */
export interface RunAllOptions {
  /** Kernel > Restart & Run All (true) or Cell > Run All in the kernel as it is (false). */
  restart: boolean;
  /** Milliseconds until the run must be finished. */
  timeoutMs: number;
}

/**
 * Runs every cell the way the menu does (Restart & Run All without the confirm dialog, or Run All);
 * resolves when every cell's reply and outputs have arrived and the kernel is idle, with the
 * milliseconds it took.
 */
export async function runAll(page: Page, name: string, options: RunAllOptions): Promise<number> {
  const started = performance.now();
  await page.evaluate((restart) => {
    // deno-lint-ignore no-explicit-any
    const nb = (globalThis as any).Jupyter.notebook;
    // restart_run_all resolves once the new kernel is ready, after it has queued every cell.
    return restart
      ? nb.restart_run_all({ confirm: false }).then(() => true)
      : nb.execute_all_cells();
  }, options.restart);
  const timeoutMs = options.timeoutMs;
  try {
    await page.waitForFunction(
      () => {
        // deno-lint-ignore no-explicit-any
        const nb = (globalThis as any).Jupyter.notebook;
        // deno-lint-ignore no-explicit-any
        const cells = nb.get_cells().filter((c: any) => c.cell_type === "code");
        // A cell is done when its execute_reply (shell) and its idle status (iopub) have both been
        // handled: the two channels are not ordered against each other, and the outputs arrive on
        // iopub before idle, so "no In [*] and kernel idle" alone can miss a cell's last outputs.
        const callbacks = nb.kernel._msg_callbacks;
        // deno-lint-ignore no-explicit-any
        const pending = cells.some((c: any) => {
          if (c.input_prompt_number === "*") return true;
          const cb = c.last_msg_id ? callbacks[c.last_msg_id] : undefined;
          return cb !== undefined && !(cb.shell_done && cb.iopub_done);
        });
        return !pending && !nb.kernel_busy;
      },
      null,
      { timeout: timeoutMs, polling: 250 },
    );
  } catch {
    const running = (await readCells(page)).filter((c) => c.prompt === "*");
    throw new Error(
      `${name}: Run All did not finish within ${timeoutMs} ms; still running or queued: ` +
        running.map((c) => `cell ${c.index + 1} (${c.head})`).join(", "),
    );
  }
  await settle(page, Math.min(15_000, timeoutMs));
  return performance.now() - started;
}

// The Deno kernel forwards console output through a channel it flushes after a short sleep, so under
// load a cell's last stream message can arrive after its idle status (Jupyter leaves output after
// idle undefined; classic Notebook still files it under the cell by its parent id). Wait until the
// outputs stop changing for QUIET_MS, at most `maxMs`.
const QUIET_MS = 750;

async function settle(page: Page, maxMs: number): Promise<void> {
  const fingerprint = () =>
    page.evaluate(() =>
      // deno-lint-ignore no-explicit-any
      (globalThis as any).Jupyter.notebook.get_cells().map((c: any) =>
        c.output_area ? JSON.stringify(c.output_area.outputs).length : 0
      ).join(",")
    );
  const deadline = performance.now() + maxMs;
  let last = await fingerprint();
  let quietSince = performance.now();
  while (performance.now() < deadline && performance.now() - quietSince < QUIET_MS) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await fingerprint();
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    }
  }
}

/** Every code cell: prompt number, outputs (from the front end's model) and what is drawn. */
export function readCells(page: Page): Promise<PageCell[]> {
  return page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    const nb = (globalThis as any).Jupyter.notebook;
    const result = [];
    // deno-lint-ignore no-explicit-any
    for (const [index, cell] of (nb.get_cells() as any[]).entries()) {
      if (cell.cell_type !== "code") continue;
      const text: string = cell.get_text();
      // One `.output_area` element per output, in order (streams merge in the model and the DOM alike).
      const areas = [...cell.output_area.element[0].querySelectorAll(":scope > .output_area")];
      // deno-lint-ignore no-explicit-any
      const outputs = (cell.output_area.outputs as any[]).map((o, i) => {
        const area = areas[i];
        const svg = area?.querySelector(".output_svg svg");
        const box = svg?.getBoundingClientRect();
        let marks = 0;
        for (const m of svg?.querySelectorAll('g[class*="mark-"] > *') ?? []) {
          const r = m.getBoundingClientRect();
          if (r.width > 0 || r.height > 0) marks++;
        }
        return {
          outputType: o.output_type,
          mime: o.data ? Object.keys(o.data).sort() : [],
          ...(o.output_type === "error" ? { error: `${o.ename}: ${o.evalue}` } : {}),
          svg: svg !== null && svg !== undefined,
          marks,
          size: [Math.round(box?.width ?? 0), Math.round(box?.height ?? 0)],
          text: String(o.text ?? o.data?.["text/plain"] ?? "").slice(0, 120),
          fullText: String(o.text ?? o.data?.["text/plain"] ?? ""),
        };
      });
      result.push({
        index,
        prompt: cell.input_prompt_number ?? null,
        empty: text.trim().length === 0,
        outputs,
        head: text.split("\n")[0].slice(0, 60),
      });
    }
    return result;
  }) as Promise<PageCell[]>;
}

/**
 * A full-page screenshot. Classic Notebook scrolls inside `#site`, not the page, so the page is
 * unrolled first (and restored after) to get every cell into the picture.
 */
export async function screenshotNotebook(page: Page, path: string): Promise<void> {
  const style = await page.addStyleTag({
    content: "html,body{height:auto!important;overflow:visible!important}" +
      "#site{height:auto!important;overflow:visible!important;display:block!important}" +
      "#ipython-main-app{height:auto!important}",
  });
  try {
    await page.screenshot({ path, fullPage: true });
  } finally {
    await style.evaluate((e) => e.remove());
  }
}
